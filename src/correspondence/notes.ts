import type { LineOfBusiness, PartyRole } from "../files/model.ts";
import { dateTimeFormat, formatDate, formatInstant, type Lang } from "../i18n/index.ts";
import type { LetterType } from "./letter-types.ts";

// The readable notes the system writes on a file by itself (SPEC C-11, C-14) and the deadline a letter
// is held to once responses and extensions are recorded (C-15). Pure functions: no I/O, no clock; callers
// pass the instants, the office's time zone and "today".
//
// Wording rules, decided here:
// - Say only what is known (B-5). An email is "accepted by the recipient's mail server", never
//   "delivered"; a postal letter is "sent by post", with no claim about its arrival.
// - Instants are written in the office's time zone and the zone is named twice: its short name as people
//   read it ("EST", "HNE", "GMT+1") and its IANA identifier ("America/Toronto"), which is unambiguous.
// - The French of the C-14 note is the mandated note of seed 000 ("Pratiques obligatoires") and seed 001
//   (step 4), its three sentences kept in order; the English is a faithful translation. The seed's
//   masculine generic "le demandeur" is kept, as in the official wording.

// ---------------------------------------------------------------------------------------------------
// Shared wording

/** C-9: the letter types as a note names them. */
const letterTypeLabels: Record<LetterType, Record<Lang, string>> = {
  "request-documents": { en: "Request for additional documents", fr: "Demande de documents supplémentaires" },
  "interview-convocation": { en: "Convocation to an interview", fr: "Convocation à une entrevue" },
  approval: { en: "Approval letter", fr: "Lettre d’approbation" },
  refusal: { en: "Refusal letter", fr: "Lettre de refus" },
  "file-transfer": { en: "File-transfer notice", fr: "Avis de transfert de dossier" },
  "reconsideration-decision": { en: "Reconsideration decision", fr: "Décision de réexamen" },
  general: { en: "General correspondence", fr: "Correspondance générale" },
};

const roleLabels: Record<PartyRole, Record<Lang, string>> = {
  applicant: { en: "applicant", fr: "demandeur" },
  representative: { en: "representative", fr: "représentant" },
};

/** The short name of `timeZone` at `at`, in the language's usage ("EST" / "HNE"). */
// A zone's short name changes only with its offset (EST/EDT): remembered per language, zone and hour.
const shortNames = new Map<string, string | undefined>();

function zoneShortName(lang: Lang, at: Date, timeZone: string): string | undefined {
  const key = `${lang}|${timeZone}|${Math.floor(at.getTime() / 3_600_000)}`;
  if (shortNames.has(key)) return shortNames.get(key);
  const name = dateTimeFormat(lang, { timeZone, timeZoneName: "short" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  if (shortNames.size > 10_000) shortNames.clear();
  shortNames.set(key, name);
  return name;
}

/**
 * An instant as people read it, in the office's time zone, with the zone named:
 * "March 3, 2026 at 10:15 a.m. EST (America/Toronto)", "3 mars 2026 à 10 h 15 HNE (America/Toronto)".
 */
export function formatInstantWithZone(lang: Lang, at: Date, timeZone: string): string {
  const short = zoneShortName(lang, at, timeZone);
  const when = formatInstant(lang, at, timeZone);
  if (!short) return `${when} (${timeZone})`;
  return short === timeZone ? `${when} ${short}` : `${when} ${short} (${timeZone})`;
}

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

function assertIsoDate(value: string, what: string): void {
  const d = new Date(`${value}T00:00:00Z`);
  if (!isoDatePattern.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new RangeError(`${what} must be a date "YYYY-MM-DD", not ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------------
// C-11: the readable note of every sent correspondence

export interface SentNoteInput {
  letterType: LetterType;
  channel: "email" | "post";
  recipientName: string;
  recipientRole: PartyRole;
  /** The email address exactly as on file (C-5), or the postal address as on file, lines and all. */
  address: string;
  subject: string;
  /** The full content of the letter as sent. */
  body: string;
  /** When the letter left: for email, the moment the receiving SMTP server accepted it (C-10). */
  sentAt: Date;
  /** The office's IANA time zone. */
  timeZone: string;
  /** Email only: the receiving server's reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as 4C1F2". */
  smtpReply?: string;
  /** Email only: when that reply came, if it is recorded apart from `sentAt`; `sentAt` otherwise. */
  acceptedAt?: Date;
  /** The response deadline "YYYY-MM-DD" (C-6): the documents' due date or the interview date. */
  deadline?: string;
  /** The files the letter carried, in order; each named with its size and SHA-256. */
  attachments?: readonly { filename: string; size: number; sha256: string }[];
}

/** Each further line of a multi-line value, indented under its label. */
function indentLines(value: string): string {
  return value
    .split(/\r?\n/)
    .map((line) => `    ${line}`)
    .join("\n");
}

function sentNoteIn(lang: Lang, input: SentNoteInput): string {
  const fr = lang === "fr";
  const when = (at: Date) => formatInstantWithZone(lang, at, input.timeZone);
  const lines: string[] = [];

  lines.push(
    fr
      ? "Correspondance envoyée (note produite automatiquement)"
      : "Sent correspondence (note produced automatically)",
  );
  lines.push(`${fr ? "Date et heure d’envoi :" : "Date and time sent:"} ${when(input.sentAt)}`);

  if (input.channel === "email") {
    lines.push(`${fr ? "Mode d’envoi : courriel à" : "Channel: email to"} ${input.address}`);
  } else {
    lines.push(fr ? "Mode d’envoi : poste, à l’adresse postale :" : "Channel: post, to the postal address:");
    lines.push(indentLines(input.address));
  }

  const role = roleLabels[input.recipientRole][lang];
  lines.push(`${fr ? "Destinataire :" : "Recipient:"} ${input.recipientName} (${role})`);
  lines.push(`${fr ? "Type de lettre :" : "Letter type:"} ${letterTypeLabels[input.letterType][lang]}`);

  if (input.deadline !== undefined) {
    assertIsoDate(input.deadline, "C-11: the deadline");
    const label =
      input.letterType === "interview-convocation"
        ? fr
          ? "Date de l’entrevue :"
          : "Interview date:"
        : fr
          ? "Délai fixé pour répondre :"
          : "Response deadline:";
    lines.push(`${label} ${formatDate(lang, input.deadline)}`);
  }

  lines.push(`${fr ? "Objet :" : "Subject:"} ${input.subject}`);

  // B-5: the acceptance is what the server said, and nothing more.
  if (input.channel === "email") {
    const reply = input.smtpReply?.trim();
    const acceptedAt = when(input.acceptedAt ?? input.sentAt);
    if (reply)
      lines.push(
        fr
          ? `Acceptation SMTP : message accepté par le serveur de courriel du destinataire le ${acceptedAt} : ${reply}`
          : `SMTP acceptance: accepted by the recipient's mail server at ${acceptedAt}: ${reply}`,
      );
    else
      lines.push(
        fr
          ? "Acceptation SMTP : aucune réponse du serveur n’est consignée"
          : "SMTP acceptance: no server reply is recorded",
      );
  }

  if (input.attachments && input.attachments.length > 0) {
    lines.push(fr ? "Pièces jointes :" : "Attachments:");
    for (const a of input.attachments)
      lines.push(
        fr
          ? `    ${a.filename} (${a.size} octets, SHA-256 ${a.sha256})`
          : `    ${a.filename} (${a.size} bytes, SHA-256 ${a.sha256})`,
      );
  }

  lines.push(fr ? "Contenu :" : "Content:");
  lines.push("");
  lines.push(input.body);
  return lines.join("\n");
}

/**
 * C-11: the readable note every sent correspondence carries, in both languages: when it was sent (office
 * time zone, named), by which channel to which address exactly as on file, to whom and in which role, the
 * letter type, the deadline if any, the subject, the SMTP acceptance for an email, the attached files if
 * any, and the full content.
 */
export function sentNote(input: SentNoteInput): { en: string; fr: string } {
  return { en: sentNoteIn("en", input), fr: sentNoteIn("fr", input) };
}

// ---------------------------------------------------------------------------------------------------
// C-14: the mandated note when a deadline passes

export type DeadlineLetterType = "request-documents" | "interview-convocation";
export type DeadlineOutcome = "did-not-comply" | "asked-for-more-time";

export interface DeadlinePassedNoteInput {
  letterType: DeadlineLetterType;
  lineOfBusiness: LineOfBusiness;
  /** The channel actually used: the seed speaks of email; a postal letter is said to be one. */
  channel: "email" | "post";
  /** Who the letter went to: the applicant, or their representative (C-3). */
  recipientRole: PartyRole;
  sentAt: Date;
  /** "YYYY-MM-DD": the date the documents were due, or the interview date. */
  deadline: string;
  /** The office's IANA time zone, in which `sentAt` is written. */
  timeZone: string;
  outcome: DeadlineOutcome;
}

/**
 * What the letter said the application could become (seed 000 "Demandes de réexamen ou de
 * réactivation"): immigration, refused for non-compliance (IRPR s. 10; the seed's note says "rejetée");
 * citizenship, declared abandoned (Citizenship Act s. 13.2, as the letter templates say it); a refugee
 * claim, declared abandoned by the IRB (IRPA s. 168(1), RPD Rules r. 65), whose French term is
 * "désistement".
 */
const consequences: Record<LineOfBusiness, Record<Lang, string>> = {
  immigration: { en: "could be refused", fr: "pourrait être rejetée" },
  citizenship: { en: "could be declared abandoned", fr: "pourrait être déclarée abandonnée" },
  refugee: { en: "could be declared abandoned", fr: "pourrait faire l’objet d’un désistement" },
};

/** The person the file is about, and their request, as each line of business calls them. */
const person: Record<LineOfBusiness, Record<Lang, { who: string; whose: string; request: string }>> = {
  immigration: {
    en: { who: "applicant", whose: "applicant's", request: "the application" },
    fr: { who: "demandeur", whose: "du demandeur", request: "sa demande" },
  },
  citizenship: {
    en: { who: "applicant", whose: "applicant's", request: "the application" },
    fr: { who: "demandeur", whose: "du demandeur", request: "sa demande" },
  },
  refugee: {
    en: { who: "claimant", whose: "claimant's", request: "the claim" },
    fr: { who: "demandeur d’asile", whose: "du demandeur d’asile", request: "sa demande d’asile" },
  },
};

function deadlinePassedNoteEn(input: DeadlinePassedNoteInput): string {
  const p = person[input.lineOfBusiness].en;
  const viaRep = input.recipientRole === "representative";
  const to = viaRep ? `the ${p.whose} representative` : `the ${p.who}`;
  const sent =
    input.channel === "email" ? `An email was sent to ${to}` : `A letter was sent by post to ${to}`;
  const on = `on ${formatInstantWithZone("en", input.sentAt, input.timeZone)}`;
  const deadline = formatDate("en", input.deadline);
  const docs = input.letterType === "request-documents";
  const purpose = docs
    ? `to obtain additional documents by ${deadline}`
    : `to convoke ${viaRep ? `the ${p.who}` : "them"} to an interview set for ${deadline}`;
  const informed = `The ${p.who} was also informed${viaRep ? ", through their representative," : ""} that`;
  const condition = docs
    ? "if they did not provide the required documents"
    : "if they did not attend the interview";
  const outcome =
    input.outcome === "did-not-comply"
      ? `The ${p.who} did not comply with the request.`
      : docs
        ? `The ${p.who} asked for more time to provide the requested information.`
        : `The ${p.who} asked for more time to attend the interview.`;
  return `${sent} ${on} ${purpose}. ${informed} ${condition}, ${p.request} ${consequences[input.lineOfBusiness].en}. ${outcome}`;
}

function deadlinePassedNoteFr(input: DeadlinePassedNoteInput): string {
  const p = person[input.lineOfBusiness].fr;
  const viaRep = input.recipientRole === "representative";
  const to = viaRep ? `au représentant ${p.whose}` : `au ${p.who}`;
  const sent =
    input.channel === "email"
      ? `Un courriel a été envoyé ${to}`
      : `Une lettre a été envoyée par la poste ${to}`;
  const on = `le ${formatInstantWithZone("fr", input.sentAt, input.timeZone)}`;
  const deadline = formatDate("fr", input.deadline);
  const docs = input.letterType === "request-documents";
  const purpose = docs
    ? `dans le but d’obtenir des documents supplémentaires au plus tard le ${deadline}`
    : `dans le but de ${viaRep ? `convoquer le ${p.who}` : "le convoquer"} à une entrevue fixée au ${deadline}`;
  const informed = `Le ${p.who} a également été informé${viaRep ? ", par l’entremise de son représentant," : ""} que`;
  const condition = docs
    ? "s’il ne fournit pas les documents requis"
    : "s’il ne se présente pas à l’entrevue";
  const outcome =
    input.outcome === "did-not-comply"
      ? `Le ${p.who} a omis de se conformer à la demande.`
      : docs
        ? `Le ${p.who} a demandé un délai supplémentaire pour fournir les renseignements demandés.`
        : `Le ${p.who} a demandé un délai supplémentaire pour se présenter à l’entrevue.`;
  return `${sent} ${on} ${purpose}. ${informed} ${condition}, ${p.request} ${consequences[input.lineOfBusiness].fr}. ${outcome}`;
}

/**
 * C-14: the mandated note of seed 000 / seed 001, filled in, in FR and EN: the channel actually used, to
 * whom, when, what for and by which date; what the letter said could happen; and what the applicant did.
 */
export function deadlinePassedNote(input: DeadlinePassedNoteInput): { en: string; fr: string } {
  assertIsoDate(input.deadline, "C-14: the deadline");
  return { en: deadlinePassedNoteEn(input), fr: deadlinePassedNoteFr(input) };
}

// ---------------------------------------------------------------------------------------------------
// C-15: the deadline in force, from its history

export type DeadlineEvent =
  | { kind: "extension-recorded"; newDeadline: string; at: Date }
  | { kind: "response-recorded"; at: Date };

export interface EffectiveDeadline {
  /** "YYYY-MM-DD": the deadline in force (when stopped, the one in force when the response came). */
  deadline: string;
  /** "response" once a response is recorded: the deadline no longer runs and can never pass. */
  stoppedBy: "response" | undefined;
}

/**
 * C-15: the deadline a letter is held to, from its original deadline and the events recorded since, in
 * the order they were recorded (the array's order; `at` is kept for the record, not used to reorder).
 * An extension moves the deadline to its new date, so the latest extension wins (even one that gives
 * less time than an earlier one: the agent's last decision is the one in force). A response stops the
 * deadline for good: an extension recorded after it does not restart a deadline already met.
 */
export function effectiveDeadline(original: string, events: readonly DeadlineEvent[]): EffectiveDeadline {
  assertIsoDate(original, "C-15: the original deadline");
  let deadline = original;
  for (const event of events) {
    if (event.kind === "response-recorded") return { deadline, stoppedBy: "response" };
    assertIsoDate(event.newDeadline, "C-15: an extension's new deadline");
    deadline = event.newDeadline;
  }
  return { deadline, stoppedBy: undefined };
}

/**
 * C-14/C-15: whether the deadline has passed on `todayInOfficeZone` ("YYYY-MM-DD", today on the office's
 * wall clocks). The deadline day itself is still in time: the deadline has passed only from the day
 * after it. A deadline stopped by a response never passes.
 */
export function isDeadlinePassed(effective: EffectiveDeadline, todayInOfficeZone: string): boolean {
  assertIsoDate(todayInOfficeZone, "C-15: today");
  if (effective.stoppedBy === "response") return false;
  return todayInOfficeZone > effective.deadline;
}
