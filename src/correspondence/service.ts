import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { insertMany } from "../db/insert-many.ts";
import { readTogether } from "../db/read-together.ts";
import { correspondence, correspondenceAttachments, outbox } from "../db/schema/correspondence.ts";
import { AppError, type ErrorCode, type FieldProblem } from "../errors.ts";
import type { BlobStore } from "../evidence/blob-store.ts";
import { canReadFilesOf, canRecordOnFilesOf } from "../files/access.ts";
import { filesNotReceiving } from "../files/flags.ts";
import { isValidEmail } from "../files/forms.ts";
import type { ApplicationId, Language, PartyId } from "../files/model.ts";
import { contactPointAt, type Routing } from "../files/rules.ts";
import { type Deps, type FileView, openFile, type StaffContext } from "../files/service.ts";
import { findApplicationById, loadFileParties } from "../files/store.ts";
import { formatDate } from "../i18n/index.ts";
import { instantToWallTime } from "../time-zones.ts";
import { type CheckedAttachment, checkAttachments, type UploadedFile } from "./attachments.ts";
import { contentSha256, letterContent } from "./letter-content.ts";
import { deadlinePlaceholderOf, isLetterType, type LetterType, requiresDeadline } from "./letter-types.ts";
import {
  checkDeadline,
  checkRecipient,
  checkSender,
  defaultDeadline,
  isIsoDate,
  nonComplianceOutcome,
  type ResponsePeriod,
  responsePeriodAt,
} from "./rules.ts";
import {
  type AttachmentRow,
  appendLetterEvent,
  appendLetterEvents,
  attachmentsOf,
  currentTemplate,
  findLetter,
  type LetterRow,
  letterEvents,
  listResponsePeriods,
  lockLetter,
  stateOf,
  type TemplateRow,
} from "./store.ts";
import {
  type PlaceholderValue,
  parsePlaceholders,
  renderTemplate,
  TemplateRenderError,
} from "./templates.ts";

// Use cases of a letter: compose (preview, draft, send), send a draft, cancel. Every check of C-5..C-9
// runs here, in the service, whatever page or script calls it.

/** What an agent types when composing; everything else comes from the file. */
export interface ComposeInput {
  letterType: string;
  /** C-6: "YYYY-MM-DD": the documents' due date, or the interview's date. */
  deadline: string;
  interviewTime: string;
  interviewPlace: string;
  documentsList: string;
  nextSteps: string;
  decisionReasons: string;
  requestDate: string;
  decisionOutcome: string;
  agentNote: string;
  newOfficeName: string;
  newOfficeMailbox: string;
  /** C-5: the recipient as shown (and possibly retyped); it must be the address on file. */
  recipient: string;
}

// Browsers send a textarea's line breaks as CRLF; letters keep LF, the sealing makes them CRLF on the wire.
const text = (v: unknown) => (typeof v === "string" ? v.replace(/\r\n?/g, "\n").trim() : "");

export function readComposeInput(form: Record<string, unknown>): ComposeInput {
  return {
    letterType: text(form.letterType),
    deadline: text(form.deadline),
    interviewTime: text(form.interviewTime),
    interviewPlace: text(form.interviewPlace),
    documentsList: text(form.documentsList),
    nextSteps: text(form.nextSteps),
    decisionReasons: text(form.decisionReasons),
    requestDate: text(form.requestDate),
    decisionOutcome: text(form.decisionOutcome),
    agentNote: text(form.agentNote),
    newOfficeName: text(form.newOfficeName),
    newOfficeMailbox: text(form.newOfficeMailbox),
    recipient: typeof form.recipient === "string" ? form.recipient : "",
  };
}

/** The placeholders an agent fills in, and the form field each comes from. */
const agentFields: Record<string, keyof ComposeInput> = {
  documents_list: "documentsList",
  interview_place: "interviewPlace",
  next_steps: "nextSteps",
  decision_reasons: "decisionReasons",
  request_date: "requestDate",
  decision_outcome: "decisionOutcome",
  agent_note: "agentNote",
  new_office_name: "newOfficeName",
  new_office_mailbox: "newOfficeMailbox",
};

/**
 * What a use case other than the composer adds to a letter: values it fills itself (the new office's
 * name in both languages on a transfer notice) and an address in copy (C-21).
 */
export interface LetterExtras {
  values?: Record<string, PlaceholderValue>;
  cc?: string;
}

export interface LetterPreview {
  letterType: LetterType;
  template: TemplateRow;
  routing: Extract<Routing, { channel: "email" | "post" }>;
  language: Language;
  from: string;
  subject: string;
  body: string;
  deadline: string | undefined;
  /** The default deadline the form offers (C-6), for the page. */
  defaultDeadline: string | undefined;
  /** The files the letter carries, checked by content and size, in the order they were attached. */
  attachments: CheckedAttachment[];
}

const dateValue = (isoDate: string): PlaceholderValue => ({
  en: formatDate("en", isoDate),
  fr: formatDate("fr", isoDate),
});

/**
 * Resolves everything a letter will be: recipient and channel from the routing rules at this instant,
 * the deadline (C-6), the sender (C-7), the text from the office's current template, the attached files
 * (their type judged by content, their sizes and number limited: attachments.ts). Throws an AppError
 * listing every problem, field by field; records nothing.
 */
export async function prepareLetter(
  deps: Deps,
  staff: StaffContext,
  number: string,
  input: ComposeInput,
  files: readonly UploadedFile[] = [],
  extras: LetterExtras = {},
) {
  const file = await openFile(deps, staff, number);
  if (!file.canRecord) throw new AppError("ROLE_NOT_ALLOWED");
  const type = input.letterType;
  if (!isLetterType(type)) {
    const code = type ? "INVALID_CHOICE" : "REQUIRED";
    throw new AppError(code, [{ field: "letterType", code }]);
  }
  const [periods, template] = await readTogether(deps.db, [
    () => listResponsePeriods(deps.db),
    () => currentTemplate(deps.db, file.office.code, type),
  ]);
  if (!template) throw new AppError("INTERNAL");
  const preview = composeLetter({ ...file, periods, template }, input, files, extras);
  return { file, preview };
}

/**
 * What a letter is written from, read beforehand: the file as it stands at `at` (its routing answering
 * for that instant), the C-6 periods, and the template version to use.
 */
export interface CompositionBasis {
  application: Pick<FileView["application"], "number" | "lineOfBusiness">;
  office: FileView["office"];
  parties: FileView["parties"];
  routing: Routing;
  at: Date;
  periods: readonly ResponsePeriod[];
  template: TemplateRow;
}

/**
 * The letter, composed by the rules alone (C-5..C-9): the same function whether one agent writes one
 * letter or a batch writes a hundred thousand (C-19). Pure; throws an AppError listing every problem.
 */
export function composeLetter(
  basis: CompositionBasis,
  input: ComposeInput,
  files: readonly UploadedFile[] = [],
  extras: LetterExtras = {},
): LetterPreview {
  const problems: FieldProblem[] = [];
  const fail = (field: string, code: ErrorCode) => problems.push({ field, code });
  const { office, template, routing } = basis;
  const today = instantToWallTime(basis.at, office.timeZone).slice(0, 10);

  if (!isLetterType(input.letterType)) {
    fail("letterType", input.letterType ? "INVALID_CHOICE" : "REQUIRED");
    throw new AppError(problems[0]!.code, problems);
  }
  const type = input.letterType;
  const period = responsePeriodAt(basis.periods, office.country, type, basis.at);

  const recipientProblem = checkRecipient({
    routingNow: routing,
    recorded: undefined,
    typed: input.recipient,
  });
  if (recipientProblem) fail("recipient", recipientProblem);

  const deadlineProblem = checkDeadline({
    needsDeadline: requiresDeadline(type),
    deadline: input.deadline || undefined,
    today,
    period,
  });
  if (deadlineProblem) fail("deadline", deadlineProblem);
  if (type === "interview-convocation" && !/^([01]\d|2[0-3]):[0-5]\d$/.test(input.interviewTime))
    fail("interviewTime", input.interviewTime ? "INVALID_DATE" : "REQUIRED");

  const from = office.genericMailbox;
  const senderProblem = checkSender(from, office.genericMailbox);
  if (senderProblem) fail("from", senderProblem);

  const used = new Set([
    ...parsePlaceholders(template.subjectEn),
    ...parsePlaceholders(template.bodyEn),
    ...parsePlaceholders(template.subjectFr),
    ...parsePlaceholders(template.bodyFr),
  ]);
  for (const [placeholder, field] of Object.entries(agentFields)) {
    if (used.has(placeholder) && input[field] === "" && !extras.values?.[placeholder])
      fail(field, "REQUIRED");
  }
  if (input.requestDate) {
    if (!isIsoDate(input.requestDate)) fail("requestDate", "INVALID_DATE");
    else if (input.requestDate > today) fail("requestDate", "DATE_IN_FUTURE");
  }
  if (input.newOfficeMailbox && !isValidEmail(input.newOfficeMailbox))
    fail("newOfficeMailbox", "INVALID_EMAIL");
  const checked = checkAttachments(files);
  for (const code of new Set(checked.problems.map((p) => p.code))) fail("attachments", code);
  if (problems.length > 0) throw new AppError(problems[0]!.code, problems);
  if (routing.channel === "none") throw new AppError("NO_ADDRESS");

  const applicant = basis.parties.applicant;
  const values: Record<string, PlaceholderValue> = {
    recipient_name: routing.recipient.name,
    applicant_name: applicant.name,
    file_number: basis.application.number,
    office_name: { en: office.nameEn, fr: office.nameFr },
    office_mailbox: from,
    date: dateValue(today),
    non_compliance_outcome: nonComplianceOutcome[basis.application.lineOfBusiness],
  };
  for (const [placeholder, field] of Object.entries(agentFields)) {
    if (input[field] !== "")
      values[placeholder] = field === "requestDate" ? dateValue(input[field]) : input[field];
  }
  Object.assign(values, extras.values);
  if (input.deadline) {
    values.deadline = dateValue(input.deadline);
    if (deadlinePlaceholderOf(type) === "interview_date") {
      values.interview_date = {
        en: `${formatDate("en", input.deadline)}, ${input.interviewTime}`,
        fr: `${formatDate("fr", input.deadline)}, ${input.interviewTime.replace(":", " h ")}`,
      };
    }
  }
  const language = routing.recipient.preferredLanguage;
  let rendered: { subject: string; body: string };
  try {
    rendered = renderTemplate(template, language, values);
  } catch (e) {
    if (!(e instanceof TemplateRenderError)) throw e;
    throw new AppError("REQUIRED", [{ field: "letterType", code: "REQUIRED" }]);
  }
  return {
    letterType: type,
    template,
    routing,
    language,
    from,
    subject: rendered.subject,
    body: rendered.body,
    deadline: input.deadline || undefined,
    defaultDeadline: defaultDeadline(today, period),
    attachments: checked.attachments,
  };
}

function actorOf(staff: StaffContext): Actor {
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

/** The files sent with a letter, and where their bytes are kept (DATA_DIR/blobs, as the dispatcher's). */
export interface LetterUploads {
  files: readonly UploadedFile[];
  blobs: BlobStore;
}

/**
 * Writes the letter. "send" creates it as generated and, for email, schedules its sending in the same
 * transaction (principle 4: no letter is lost between "decided" and "sent"); a letter for the post goes
 * to the postal queue. "draft" keeps it for later. Attached files are checked with everything else, their
 * bytes stored (content-addressed, so storing twice is harmless) before the transaction that writes the
 * letter and the rows that point at them: a letter never names bytes that are not kept.
 */
export async function createLetter(
  deps: Deps,
  staff: StaffContext,
  number: string,
  input: ComposeInput,
  intent: "draft" | "send",
  uploads?: LetterUploads,
  extras: LetterExtras = {},
): Promise<string> {
  const { file, preview } = await prepareLetter(deps, staff, number, input, uploads?.files ?? [], extras);
  const id = randomUUID();
  const now = file.at;
  const actor = actorOf(staff);
  const stored: (typeof correspondenceAttachments.$inferInsert)[] = [];
  for (const [i, a] of preview.attachments.entries()) {
    if (!uploads) throw new Error("attachments without a blob store");
    stored.push({
      correspondenceId: id,
      position: i + 1,
      filename: a.filename,
      contentType: a.contentType,
      sha256: await uploads.blobs.put(a.content),
      size: a.size,
    });
  }
  await deps.db.transaction(async (tx) => {
    await tx.insert(correspondence).values(
      letterRecord({
        id,
        application: file.application,
        preview,
        cc: extras.cc,
        at: now,
        by: staff.staffId,
      }),
    );
    if (stored.length > 0) await tx.insert(correspondenceAttachments).values(stored);
    await appendLetterEvent(tx, id, "draft", now, actor, { templateVersion: preview.template.version });
    if (intent === "send") await schedule(tx, id, preview.routing.channel, now, actor);
    await recordAudit(tx, actor, now, {
      action: intent === "send" ? "letter.generated" : "letter.drafted",
      subjectType: "correspondence",
      subjectId: id,
      officeCode: file.application.officeCode,
      details: {
        letterType: preview.letterType,
        channel: preview.routing.channel,
        ...(stored.length > 0
          ? { attachments: stored.map((a) => ({ sha256: a.sha256, size: a.size })) }
          : {}),
      },
    });
  });
  return id;
}

/** The letter's row as composed: what it says and to whom, fixed from here on. */
export function letterRecord(a: {
  id: string;
  application: { id: string; officeCode: string };
  preview: LetterPreview;
  cc?: string | undefined;
  at: Date;
  by: string;
  batchId?: string;
}): typeof correspondence.$inferInsert {
  const { preview } = a;
  return {
    id: a.id,
    applicationId: a.application.id,
    officeCode: a.application.officeCode,
    letterType: preview.letterType,
    templateId: preview.template.id,
    language: preview.language,
    recipientPartyId: preview.routing.recipient.id,
    recipientRole: preview.routing.recipient.role,
    recipientName: preview.routing.recipient.name,
    channel: preview.routing.channel,
    routingReason: preview.routing.reason,
    address: preview.routing.address,
    cc: a.cc ?? null,
    contactPointSeq: preview.routing.contactPoint.seq,
    fromAddress: preview.from,
    subject: preview.subject,
    body: preview.body,
    deadline: preview.deadline ?? null,
    createdAt: a.at,
    createdBy: a.by,
    batchId: a.batchId ?? null,
  };
}

/**
 * Generates the letter: from here it will be sent. The ledger gets the hash of what it says and the
 * address it goes to, so a proof can show both were fixed before it left (B-1, B-2).
 */
export async function schedule(
  tx: Executor,
  id: string,
  channel: "email" | "post",
  now: Date,
  actor: Actor,
  copyOf?: string,
) {
  const letter = await findLetter(tx, id);
  if (!letter) throw new Error("scheduling a letter that is not recorded");
  if (letter.channel !== channel) throw new Error("scheduling a letter on another channel");
  await scheduleLetters(tx, [{ letter, attachments: await attachmentsOf(tx, id) }], now, actor, {
    ...(copyOf ? { copyOf } : {}),
  });
}

/**
 * `schedule` for many letters already written, in a few statements whatever their number (a batch's
 * chunk, C-19): the "generated" events with each letter's content hash, the outbox rows of the emails
 * (at `priority`: 1 puts a batch's letters behind any an agent sends), and B-7's paper twins.
 */
export async function scheduleLetters(
  tx: Executor,
  letters: readonly { letter: LetterRow; attachments: readonly AttachmentRow[] }[],
  now: Date,
  actor: Actor,
  opts: { copyOf?: string; priority?: number } = {},
) {
  if (letters.length === 0) return;
  await appendLetterEvents(
    tx,
    letters.map(({ letter, attachments }) => ({
      letterId: letter.id,
      kind: "generated" as const,
      at: now,
      actor,
      details: {
        channel: letter.channel,
        address: letter.address,
        contactPoint: letter.contactPointSeq,
        letterSha256: contentSha256(letterContent(letter, attachments)),
        ...(opts.copyOf ? { copyOf: opts.copyOf, reason: "not-receiving-email" } : {}),
      },
    })),
  );
  const emails = letters.filter(({ letter }) => letter.channel === "email");
  if (emails.length === 0) return;
  await insertMany(
    tx,
    outbox,
    emails.map(({ letter }) => ({
      correspondenceId: letter.id,
      nextAttemptAt: now,
      attempts: 0,
      priority: opts.priority ?? 0,
    })),
  );
  if (opts.copyOf) return;
  // B-7: the party says they get nothing from us; until the flag is cleared, an email has a paper twin.
  const flagged = await filesNotReceiving(
    tx,
    emails.map(({ letter }) => letter.applicationId),
  );
  for (const { letter, attachments } of emails) {
    if (flagged.has(letter.applicationId)) await schedulePostalCopy(tx, letter, attachments, now, actor);
  }
}

async function schedulePostalCopy(
  tx: Executor,
  letter: LetterRow,
  attachments: readonly AttachmentRow[],
  now: Date,
  actor: Actor,
) {
  const parties = await loadFileParties(tx, letter.applicationId as ApplicationId);
  const postal =
    parties && contactPointAt(parties.contactPoints, letter.recipientPartyId as PartyId, "postal", now);
  if (!postal) throw new AppError("SECOND_CHANNEL_MISSING");
  const id = randomUUID();
  await tx.insert(correspondence).values({
    ...letter,
    id,
    channel: "post",
    address: postal.value,
    // The copy went with the email; a paper letter has one addressee.
    cc: null,
    contactPointSeq: postal.seq,
    createdAt: now,
  });
  if (attachments.length > 0)
    await tx
      .insert(correspondenceAttachments)
      .values(attachments.map((a) => ({ ...a, correspondenceId: id })));
  await schedule(tx, id, "post", now, actor, letter.id);
}

/**
 * A letter as a person may see it: only on a file of an office they are posted to (else 404). The file's
 * current office decides, not the office that wrote the letter: after a transfer (C-21) the new office
 * sees the whole correspondence and the old one none of it.
 */
export async function openLetter(deps: Deps, staff: StaffContext, id: string) {
  const letter = await findLetter(deps.db, id);
  const application = letter && (await findApplicationById(deps.db, letter.applicationId));
  if (!letter || !application || !canReadFilesOf(staff.postings, application.officeCode))
    throw new AppError("NOT_FOUND");
  const events = await letterEvents(deps.db, id);
  return {
    letter,
    events,
    state: stateOf(events),
    canAct: canRecordOnFilesOf(staff.postings, application.officeCode),
  };
}

async function openLetterToAct(deps: Deps, staff: StaffContext, id: string) {
  const opened = await openLetter(deps, staff, id);
  if (!opened.canAct) throw new AppError("ROLE_NOT_ALLOWED");
  return opened;
}

/** Sends a draft: C-5 again at this instant, since the address may have changed since it was written. */
export async function sendDraft(deps: Deps, staff: StaffContext, id: string) {
  const { letter, state } = await openLetterToAct(deps, staff, id);
  if (state !== "draft") throw new AppError("LETTER_NOT_IN_STATE");
  const application = await findApplicationById(deps.db, letter.applicationId);
  const file = await openFile(deps, staff, application?.number ?? "");
  const problem = checkRecipient({ routingNow: file.routing, recorded: letter.address });
  if (problem) throw new AppError(problem);
  await deps.db.transaction(async (tx) => {
    await lockLetter(tx, id);
    if (stateOf(await letterEvents(tx, id)) !== "draft") throw new AppError("LETTER_NOT_IN_STATE");
    await schedule(tx, id, letter.channel, file.at, actorOf(staff));
    await recordAudit(tx, actorOf(staff), file.at, {
      action: "letter.generated",
      subjectType: "correspondence",
      subjectId: id,
      officeCode: letter.officeCode,
    });
  });
}

/**
 * C-12: cancelled, only before it was sent. The letter is locked while its state is checked, and a
 * letter a dispatcher holds right now (sealing or talking to SMTP) is refused: it may already be on its
 * way, and the record must never say "cancelled" of a letter that left.
 */
export async function cancelLetter(deps: Deps, staff: StaffContext, id: string) {
  const { letter } = await openLetterToAct(deps, staff, id);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await lockLetter(tx, id);
    const state = stateOf(await letterEvents(tx, id));
    if (state !== "draft" && state !== "generated") throw new AppError("LETTER_NOT_IN_STATE");
    const [queued] = await tx.select().from(outbox).where(eq(outbox.correspondenceId, id)).for("update");
    if (queued?.leasedUntil && queued.leasedUntil.getTime() > now.getTime())
      throw new AppError("LETTER_IN_FLIGHT");
    await tx.delete(outbox).where(eq(outbox.correspondenceId, id));
    await appendLetterEvent(tx, id, "cancelled", now, actorOf(staff));
    await recordAudit(tx, actorOf(staff), now, {
      action: "letter.cancelled",
      subjectType: "correspondence",
      subjectId: id,
      officeCode: letter.officeCode,
    });
  });
}
