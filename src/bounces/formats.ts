import type { ReportHint } from "./classify.ts";
import type { HeaderList } from "./mime.ts";
import {
  addressesIn,
  addressLedBlocks,
  angleBlocks,
  type Block,
  beforeOriginal,
  leadingAddress,
  linesOf,
  sectionAfter,
  squash,
} from "./text.ts";

// Readers for the human-readable side of non-delivery reports, one per system. Each has a signature (is
// this report from that system?) and a reader (which recipients failed, with which words). The signature
// also names the system for reports whose recipients come from an RFC 3464 part; the reader is used for
// reports without one, and to fill a DSN recipient's missing Diagnostic-Code.
//
// Wordings are those the systems actually send (and that sisimai's lhost modules key on); where a system
// has localised versions, the French and German ones are included.

export interface Finding {
  recipient: string | null;
  diagnostic: string | null;
  status?: string | null;
  action?: string | null;
  remoteMta?: string | null;
}

export interface TextReport {
  recipients: Finding[];
  /** What the report says of itself: a final failure ("I've given up") or a warning ("still trying"). */
  hint: ReportHint;
  originalMessageId?: string | null;
}

export interface ReportContext {
  headers: HeaderList;
  subject: string;
  from: string;
  /** The report's human-readable text (text/plain parts, or HTML made text), bounded. */
  text: string;
  /** The raw message/delivery-status text, or "". */
  dsnText: string;
}

export interface Recogniser {
  format: string;
  signature(ctx: ReportContext): boolean;
  read(ctx: ReportContext): TextReport | null;
}

function found(recipients: Finding[], hint: ReportHint): TextReport | null {
  return recipients.length ? { recipients, hint } : null;
}

function fromBlocks(blocks: Block[]): Finding[] {
  return blocks.map((b) => ({ recipient: b.recipient, diagnostic: b.diagnostic }));
}

// ---- Microsoft Exchange / Office 365 -------------------------------------------------------------------

const exchangeFailedHeading =
  /Delivery has failed to these recipients or groups|The following recipient\(s\) (?:cannot|could not) be reached|Folgende\(r\) Empf[äa]nger konnte\(n\) nicht erreicht werden|Die folgenden Empf[äa]nger k[öo]nnen nicht erreicht werden|Die Zustellung an folgende Empf[äa]nger oder Gruppen ist fehlgeschlagen|[ÉE]chec de (?:la )?remise (?:à|a) ces destinataires ou groupes|Impossible de joindre le ou les destinataires suivants|Les destinataires suivants sont inaccessibles/i;
const exchangeDelayHeading =
  /Delivery is delayed to these recipients or groups|Die Zustellung an folgende Empf[äa]nger oder Gruppen verz[öo]gert sich|La remise (?:à|a) ces destinataires ou groupes est retard[ée]e/i;
const exchangeDiagnosticHeading =
  /Diagnostic information for administrators|Diagnoseinformationen f[üu]r Administratoren|Informations de diagnostic pour les administrateurs/i;
const exchangeSentence =
  /Your message to .{0,400}couldn't be delivered|Your message did not reach some or all of the intended recipients|Votre message (?:à|a) .{0,400}n'a pas pu [êe]tre remis|Votre message n'a pas atteint certains ou la totalit[ée] de ses destinataires|Ihre Nachricht an .{0,400}konnte nicht zugestellt werden|Ihre Nachricht hat einige oder alle Empf[äa]nger nicht erreicht/i;
const exchangeOriginalHeading =
  /^[ \t]*(?:Original message headers|En-t[êe]tes (?:du|de) message d'origine|Urspr[üu]ngliche Nachrichtenkopfzeilen)/im;

const exchange: Recogniser = {
  format: "exchange",
  // Not the RESOLVER.* codes: a Postfix or Gmail report quotes them when an Office 365 MX refused at RCPT,
  // and that report is Postfix's, not Exchange's.
  signature: (ctx) =>
    ctx.headers.has("x-ms-exchange-message-is-ndr") ||
    /^Reporting-MTA:[ \t]*dns;[ \t]*\S*(?:\.outlook\.com|\.exchangelabs\.com)/im.test(ctx.dsnText) ||
    exchangeFailedHeading.test(ctx.text) ||
    exchangeDelayHeading.test(ctx.text) ||
    exchangeSentence.test(ctx.text),
  read(ctx) {
    const hint: ReportHint = exchangeDelayHeading.test(ctx.text) ? "delayed" : "failed";
    const byAddress = new Map<string, string | null>();
    // The administrators' section has the remote server's own words for each recipient.
    const admin = sectionAfter(ctx.text, exchangeDiagnosticHeading, exchangeOriginalHeading);
    if (admin) {
      for (const b of addressLedBlocks(admin)) {
        const key = b.recipient.toLowerCase();
        if (!byAddress.has(key) || byAddress.get(key) === null)
          byAddress.set(key, exchangeDiagnostic(b.diagnostic));
      }
    }
    const heading = exchangeFailedHeading.test(ctx.text) ? exchangeFailedHeading : exchangeDelayHeading;
    const listing = sectionAfter(ctx.text, heading, exchangeDiagnosticHeading);
    const listed = listing ? addressLedBlocks(beforeOriginal(listing)) : [];
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const b of listed) {
      const key = b.recipient.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({ recipient: b.recipient, diagnostic: byAddress.get(key) ?? b.diagnostic });
    }
    for (const [key, diagnostic] of byAddress) {
      if (!seen.has(key)) {
        seen.add(key);
        findings.push({ recipient: key, diagnostic });
      }
    }
    if (!findings.length) {
      // Office 365's newer layout: "Your message to x@y couldn't be delivered."
      const m = exchangeSentence.exec(ctx.text);
      const address = m ? addressesIn(m[0])[0] : undefined;
      if (address) findings.push({ recipient: address, diagnostic: null });
    }
    return found(findings, hint);
  },
};

/** "Remote Server returned '550 5.1.1 ...'" and "#550 5.1.1 ... ##" reduced to the server's reply. */
function exchangeDiagnostic(text: string | null): string | null {
  if (!text) return null;
  const quoted =
    /(?:Remote Server returned|Le serveur distant a retourn[ée]|Vom Remoteserver wurde) '([^']{1,800})'/i.exec(
      text,
    );
  if (quoted) return squash(quoted[1]);
  const hashed = /#([245]\d\d[\s\S]{0,800}?)##/.exec(text);
  if (hashed) return squash(hashed[1]);
  return squash(text.replace(/^Generating server:[^\n]*/i, ""));
}

// ---- Gmail / Google Workspace --------------------------------------------------------------------------

const gmailLegacyHeading =
  /Delivery to the following recipients? (?:failed permanently|has been delayed|failed temporarily|was delayed)[^\n]*\n/i;
const gmailModernSentence =
  /Your message wasn't delivered to|Your message couldn't be delivered to|There was a temporary problem delivering your message to|Your message to .{0,300}has been blocked|We couldn't deliver your message to/i;

const gmail: Recogniser = {
  format: "gmail",
  signature: (ctx) =>
    /mailer-daemon@(?:googlemail\.com|google\.com|gmail\.com)/i.test(ctx.from) ||
    /^Reporting-MTA:[ \t]*dns;[ \t]*(?:googlemail\.com|google\.com|mx\.google\.com)/im.test(ctx.dsnText) ||
    gmailLegacyHeading.test(ctx.text) ||
    /^\*\* (?:Address not found|Message not delivered|Delivery incomplete|Message blocked|Message delayed) \*\*/im.test(
      ctx.text,
    ) ||
    /Google tried to deliver your message/i.test(ctx.text),
  read(ctx) {
    const text = beforeOriginal(ctx.text);
    const delayed =
      /Delivery incomplete|temporary problem delivering|has been delayed|failed temporarily|will retry for|Message delayed/i.test(
        text,
      );
    const hint: ReportHint = delayed ? "delayed" : "failed";
    const recipients: string[] = [];
    const legacy = gmailLegacyHeading.exec(text);
    if (legacy) {
      for (const line of linesOf(text.slice(legacy.index + legacy[0].length), 200)) {
        const address = leadingAddress(line);
        if (address) recipients.push(address);
        else if (line.trim() !== "" && recipients.length) break;
      }
    } else {
      const m = gmailModernSentence.exec(text);
      if (m) {
        // The address may be wrapped onto the next line.
        const around = text.slice(m.index, m.index + m[0].length + 400);
        const address = addressesIn(around.replace(/\s*\n\s*/g, " "))[0];
        if (address) recipients.push(address);
      }
    }
    const diagnostic = gmailDiagnostic(text);
    return found(
      recipients.map((recipient) => ({ recipient, diagnostic })),
      hint,
    );
  },
};

function gmailDiagnostic(text: string): string | null {
  const reply = sectionAfter(
    text,
    /The (?:error that the other server returned was|response (?:from the remote server )?was):?[ \t]*/i,
  );
  if (reply !== null) {
    const paragraph = /^\s*([\s\S]*?)(?:\n[ \t]*\n|$)/.exec(reply.slice(0, 4000));
    const out = squash(paragraph?.[1]);
    if (out) return out;
  }
  const details = sectionAfter(text, /Technical details of (?:permanent|temporary) failure:/i);
  return details === null ? null : squash(/^([\s\S]*?)(?:\n[ \t]*\n|$)/.exec(details.slice(0, 4000))?.[1]);
}

// ---- Amazon SES ----------------------------------------------------------------------------------------

const amazonSes: Recogniser = {
  format: "amazon-ses",
  signature: (ctx) =>
    /amazonses\.com/i.test(ctx.from) ||
    /^Reporting-MTA:[ \t]*dns;[ \t]*\S*amazonses\.com/im.test(ctx.dsnText) ||
    /"notificationType"[ \t]*:[ \t]*"Bounce"/.test(ctx.text) ||
    /An error occurred while trying to deliver the mail to the following recipients/i.test(ctx.text),
  read(ctx) {
    const json = readSesJson(ctx.text);
    if (json) return json;
    const list = sectionAfter(
      ctx.text,
      /An error occurred while trying to deliver the mail to the following recipients:?/i,
    );
    if (list !== null) {
      const recipients: Finding[] = [];
      for (const line of linesOf(list, 200)) {
        const address = leadingAddress(line);
        if (address) recipients.push({ recipient: address, diagnostic: null });
        else if (line.trim() !== "" && recipients.length) break;
      }
      return found(recipients, "failed");
    }
    const m = /The following message to <([^<>\s]{1,320}@[^<>\s]{1,255})> was undeliverable\./i.exec(
      ctx.text,
    );
    if (m?.[1]) {
      const reason = sectionAfter(ctx.text, /The reason for the problem:/i);
      return found([{ recipient: m[1], diagnostic: squash(reason?.split(/\n[ \t]*\n/)[0]) }], "failed");
    }
    return null;
  },
};

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** An SES notification (SNS subscription by e-mail: the JSON is the body, then an unsubscribe footer). */
function readSesJson(text: string): TextReport | null {
  const start = text.indexOf("{");
  if (start < 0 || !/"notificationType"/.test(text)) return null;
  const footer = text.indexOf("\n--\n", start);
  const end = text.lastIndexOf("}", footer < 0 ? text.length : footer);
  if (end <= start) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
  let root = record(parsed);
  // An SNS envelope (the "email-json" protocol) carries the notification as a string in "Message".
  const inner = str(root?.Message);
  if (inner) {
    try {
      root = record(JSON.parse(inner));
    } catch {
      return null;
    }
  }
  const bounce = record(root?.bounce);
  if (!root || str(root.notificationType) !== "Bounce" || !bounce) return null;
  const list = Array.isArray(bounce.bouncedRecipients) ? bounce.bouncedRecipients : [];
  const recipients: Finding[] = list.slice(0, 500).map((entry) => {
    const r = record(entry);
    return {
      recipient: str(r?.emailAddress),
      diagnostic: squash(str(r?.diagnosticCode)?.replace(/^smtp;\s*/i, "")),
      status: str(r?.status),
      action: str(r?.action)?.toLowerCase() ?? null,
      remoteMta: str(bounce.remoteMtaIp),
    };
  });
  const mail = record(root.mail);
  const common = record(mail?.commonHeaders);
  let messageId = str(common?.messageId);
  if (!messageId && Array.isArray(mail?.headers)) {
    for (const h of mail.headers) {
      const header = record(h);
      if (str(header?.name)?.toLowerCase() === "message-id") messageId = str(header?.value);
    }
  }
  const type = str(bounce.bounceType);
  return recipients.length
    ? {
        recipients,
        hint: type === "Permanent" ? "failed" : type === "Transient" ? "delayed" : null,
        originalMessageId: messageId,
      }
    : null;
}

// ---- Courier ------------------------------------------------------------------------------------------

const courier: Recogniser = {
  format: "courier",
  signature: (ctx) =>
    /Courier mail server at/i.test(ctx.from) ||
    (ctx.headers.get("message-id") ?? "").startsWith("<courier.") ||
    /This is a delivery status notification from .{0,200}running the Courier mail server/is.test(ctx.text),
  read(ctx) {
    const delayed = /DELAYS IN DELIVERING YOUR MESSAGE/.test(ctx.text);
    const section =
      sectionAfter(ctx.text, /UNDELIVERABLE MAIL|DELAYS IN DELIVERING YOUR MESSAGE/, /^-{20,}/m) ?? ctx.text;
    const blocks = angleBlocks(section).map((b) => {
      // The remote server's reply is on the "<<<" lines; the rest is the conversation around it.
      const replies = b.lines.filter((l) => l.startsWith("<<<")).map((l) => l.slice(3));
      return {
        recipient: b.recipient,
        diagnostic: squash(replies.length ? replies.join(" ") : b.diagnostic),
      };
    });
    return found(blocks, delayed ? "delayed" : "failed");
  },
};

// ---- Yahoo --------------------------------------------------------------------------------------------

const yahoo: Recogniser = {
  format: "yahoo",
  signature: (ctx) =>
    /Sorry, we were unable to deliver your message to the following address/i.test(ctx.text) ||
    /MAILER-DAEMON@(?:\S+\.)?yahoo(?:inc)?\.com/i.test(ctx.from),
  read(ctx) {
    const section =
      sectionAfter(ctx.text, /unable to deliver your message to the following address/i) ?? ctx.text;
    const blocks = angleBlocks(beforeOriginal(section)).map((b) => ({
      recipient: b.recipient,
      diagnostic: squash(b.diagnostic?.replace(/^Remote host said:\s*/i, "")),
    }));
    return found(blocks, "failed");
  },
};

// ---- qmail --------------------------------------------------------------------------------------------

const qmail: Recogniser = {
  format: "qmail",
  signature: (ctx) => /This is the qmail-send program at/i.test(ctx.text),
  read(ctx) {
    const section = sectionAfter(ctx.text, /This is the qmail-send program at/i) ?? ctx.text;
    const blocks = angleBlocks(beforeOriginal(section));
    // qmail sends no delay warnings: every report is final ("I've given up", "in the queue too long").
    return found(fromBlocks(blocks), "failed");
  },
};

// ---- Postfix ------------------------------------------------------------------------------------------

const postfix: Recogniser = {
  format: "postfix",
  signature: (ctx) =>
    /This is the mail system at host/i.test(ctx.text) ||
    /^X-Postfix-(?:Queue-ID|Sender)[ \t]*:/im.test(ctx.dsnText),
  read(ctx) {
    const delayed =
      /THIS IS A WARNING ONLY|could not be delivered yet|still being retried|Delayed Mail/i.test(
        ctx.text + ctx.subject,
      );
    const section = sectionAfter(ctx.text, /This is the mail system at host/i) ?? ctx.text;
    const blocks = angleBlocks(beforeOriginal(section.split(/^--/m)[0] ?? section));
    return found(fromBlocks(blocks), delayed ? "delayed" : "failed");
  },
};

// ---- Exim ---------------------------------------------------------------------------------------------

const eximFailedHeading = /The following address(?:\(es\)|es)?[ \t\r\n]+failed:?/i;
const eximDelayHeading =
  /The address(?:es)? to which the message has not yet been delivered (?:is|are):?|has not yet been delivered to one or more of its/i;

const exim: Recogniser = {
  format: "exim",
  signature: (ctx) =>
    /This message was created automatically by mail delivery software/i.test(ctx.text) ||
    /^X-Exim-Diagnostic[ \t]*:/im.test(ctx.dsnText),
  read(ctx) {
    const delayed = !eximFailedHeading.test(ctx.text) && eximDelayHeading.test(ctx.text);
    const heading = delayed ? eximDelayHeading : eximFailedHeading;
    const section = sectionAfter(ctx.text, heading);
    let recipients: Finding[] = [];
    if (section !== null) {
      let text = beforeOriginal(section);
      // A delay warning goes on after the addresses with "No action is required on your part".
      const tail = /^No action is required on your part/im.exec(text);
      if (tail) text = text.slice(0, tail.index);
      recipients = fromBlocks(eximBlocks(text)).map((f) => ({
        ...f,
        diagnostic: squash(f.diagnostic?.replace(/^Delay reason:\s*/i, "")),
      }));
    }
    if (!recipients.length) {
      const failed = ctx.headers.all("x-failed-recipients").join(",");
      recipients = addressesIn(failed).map((recipient) => ({ recipient, diagnostic: null }));
    }
    return found(recipients, delayed ? "delayed" : "failed");
  },
};

/** Exim's list: each address indented by two spaces, its reason indented further below it. */
function eximBlocks(text: string): Block[] {
  const out: { recipient: string; lines: string[] }[] = [];
  let current: { recipient: string; lines: string[] } | null = null;
  for (const line of linesOf(text)) {
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    const address = indent <= 2 ? leadingAddress(line) : null;
    if (address) {
      current = { recipient: address, lines: [] };
      const after = line.trim().slice(line.trim().indexOf(address) + address.length);
      const reason = /^>?[ \t]*:[ \t]*(.+)$/.exec(after);
      if (reason?.[1]) current.lines.push(reason[1]);
      out.push(current);
    } else if (line.trim() === "") {
      if (current?.lines.length) current = null;
    } else if (current && indent > 2) current.lines.push(line.trim());
  }
  return out.map((b) => ({ recipient: b.recipient, diagnostic: squash(b.lines.join(" ")) }));
}

// ---- Sendmail -----------------------------------------------------------------------------------------

const sendmailHeading = /^[ \t]*-{3,}[ \t]*The following addresses had ([a-z -]+?)[ \t]*-{3,}/im;

const sendmail: Recogniser = {
  format: "sendmail",
  signature: (ctx) =>
    sendmailHeading.test(ctx.text) ||
    /^[ \t]*-{3,}[ \t]*Transcript of session follows[ \t]*-{3,}/im.test(ctx.text) ||
    /The original message was received at/i.test(ctx.text) ||
    /^Received-From-MTA[ \t]*:/im.test(ctx.dsnText),
  read(ctx) {
    const heading = sendmailHeading.exec(ctx.text);
    const kind = heading?.[1]?.toLowerCase() ?? "";
    const subjectDelay = /^Warning: could not send message for past/i.test(ctx.subject);
    let hint: ReportHint = null;
    if (/permanent fatal/.test(kind) || /^Returned mail:/i.test(ctx.subject)) hint = "failed";
    if (/transient non-fatal/.test(kind) || subjectDelay) hint = "delayed";
    const transcript =
      sectionAfter(ctx.text, /^[ \t]*-{3,}[ \t]*Transcript of session follows[ \t]*-{3,}/im) ?? "";
    if (!heading) return null;
    const listing = ctx.text.slice(heading.index + heading[0].length).split(/\n[ \t]*\n/)[0] ?? "";
    const recipients = angleBlocks(listing, false).map((b) => {
      const reason = /\(reason:\s*([^)]*)\)/i.exec(b.lines.join(" "));
      const diagnostic = reason ? squash(reason[1]) : sendmailTranscript(transcript, b.recipient);
      if (!hint && /unrecoverable error/i.test(b.lines.join(" "))) hint = "failed";
      return { recipient: b.recipient, diagnostic };
    });
    return found(recipients, hint);
  },
};

/** The remote server's reply for one address in a Sendmail transcript. */
function sendmailTranscript(transcript: string, address: string): string | null {
  const lines = linesOf(transcript, 400);
  const lower = address.toLowerCase();
  for (const line of lines) {
    const t = line.trim();
    if (t.toLowerCase().includes(lower) && /\.\.\.\s/.test(t))
      return squash(t.replace(/^<[^>]*>\.\.\.\s*/, ""));
  }
  for (const line of lines) {
    const t = line.trim();
    if (/^<<<\s*[45]\d\d/.test(t)) return squash(t.slice(3));
  }
  return null;
}

// ---- Lotus Notes / HCL Domino -------------------------------------------------------------------------

const notes: Recogniser = {
  format: "lotus-notes",
  signature: (ctx) =>
    /^(?:Undeliverable message|DELIVERY FAILURE:|DELIVERY_FAILURE:)/i.test(ctx.subject) ||
    /^-{3,}[ \t]*Failure Reasons/im.test(ctx.text),
  read(ctx) {
    const reasons = sectionAfter(
      ctx.text,
      /^-{3,}[ \t]*Failure Reasons[^\n]*$/im,
      /^-{3,}[ \t]*Returned Message/im,
    );
    const findings: Finding[] = [];
    if (reasons !== null) {
      // Notes writes the reason first, then the address it applies to.
      let pending: string[] = [];
      for (const line of linesOf(reasons, 400)) {
        const address = leadingAddress(line);
        if (address) {
          findings.push({ recipient: address, diagnostic: squash(pending.join(" ")) });
          pending = [];
        } else if (line.trim() !== "") pending.push(line.trim());
      }
    }
    if (!findings.length) {
      // Domino: "was not delivered to:  x@y  because:  User x (x@y) not listed in Domino Directory".
      const to = sectionAfter(ctx.text, /was not delivered to:/i, /^[ \t]*because:/im);
      const because = sectionAfter(ctx.text, /^[ \t]*because:/im);
      for (const line of linesOf(to ?? "", 100)) {
        const address = leadingAddress(line);
        if (address)
          findings.push({ recipient: address, diagnostic: squash(because?.split(/\n[ \t]*\n[ \t]*\n/)[0]) });
      }
    }
    return found(findings, "failed");
  },
};

// ---- Novell / Micro Focus GroupWise -------------------------------------------------------------------

const groupwise: Recogniser = {
  format: "groupwise",
  signature: (ctx) =>
    /The message that you sent was undeliverable to the following:/i.test(ctx.text) ||
    /GroupWise/i.test(ctx.headers.get("x-mailer") ?? ""),
  read(ctx) {
    const section = sectionAfter(ctx.text, /The message that you sent was undeliverable to the following:/i);
    const findings: Finding[] = [];
    for (const line of linesOf(section ?? "", 200)) {
      if (line.trim() === "") {
        if (findings.length) break;
        continue;
      }
      const address = leadingAddress(line);
      if (!address) continue;
      const reason = /\(([^)]{1,400})\)/.exec(line.slice(line.indexOf(address) + address.length));
      findings.push({ recipient: address, diagnostic: squash(reason?.[1]) });
    }
    return found(findings, "failed");
  },
};

/** In order: the first whose signature matches names a report's system. */
export const RECOGNISERS: readonly Recogniser[] = [
  exchange,
  gmail,
  amazonSes,
  courier,
  yahoo,
  qmail,
  postfix,
  exim,
  sendmail,
  notes,
  groupwise,
];

export function identify(ctx: ReportContext): Recogniser | null {
  return RECOGNISERS.find((r) => r.signature(ctx)) ?? null;
}

// ---- Anything else that looks like a bounce -----------------------------------------------------------

const daemonFrom =
  /mailer-daemon|mailer_daemon|postmaster|mail delivery (?:system|subsystem|service)|mail administrator|\bMAILER\b/i;
const bounceSubject =
  /undeliver|undelivered|returned mail|failure notice|delivery (?:status notification|failure|failed|has failed|problem|notification|report)|mail delivery failed|could not be delivered|not delivered|non remis|non distribu|[ée]chec de (?:la )?remise|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|no entregado|non recapitabile|returned to sender/i;
const replyPrefix = /^(?:re|aw|sv|tr|fw|fwd|wg|rif|r)[ \t]*:/i;

/** A report we may not read, but that a mail system (not a person) sent about a failure. */
export function looksLikeBounce(ctx: ReportContext, contentType: string): boolean {
  if (contentType === "multipart/report") return true;
  if (ctx.headers.has("x-failed-recipients")) return true;
  if (daemonFrom.test(ctx.from)) return true;
  return bounceSubject.test(ctx.subject) && !replyPrefix.test(ctx.subject.trim());
}

/** The last resort for bounce-looking mail: "<x@y>: reason", "x@y: reason", X-Failed-Recipients. */
export function readGeneric(ctx: ReportContext, own: ReadonlySet<string>): TextReport {
  const text = beforeOriginal(ctx.text);
  const notOwn = (f: Finding) => f.recipient !== null && !own.has(f.recipient.toLowerCase());
  let recipients: Finding[] = fromBlocks(angleBlocks(text)).filter(notOwn);
  if (!recipients.length) recipients = fromBlocks(addressLedBlocks(text, true)).filter(notOwn);
  if (!recipients.length) {
    recipients = addressesIn(ctx.headers.all("x-failed-recipients").join(","))
      .map((recipient) => ({ recipient, diagnostic: null }))
      .filter(notOwn);
  }
  const hint: ReportHint =
    /\b(?:delay(?:ed)?|will (?:be )?retr(?:y|ied)|not yet been delivered|warning only|still (?:trying|being retried))\b|verz[öo]gert|retard[ée]e?/i.test(
      text,
    )
      ? "delayed"
      : /permanent|could not be delivered|couldn't be delivered|undeliverable|failed permanently|given up|n'a pas pu [êe]tre (?:remis|distribu)|[ée]chec (?:permanent|d[ée]finitif)|konnte nicht zugestellt|nicht zugestellt werden|unzustellbar/i.test(
            text + ctx.subject,
          )
        ? "failed"
        : null;
  if (!recipients.length) {
    // Nothing names the recipient: keep the first line with an SMTP reply so the kind still has evidence.
    const reply = linesOf(text, 2000).find((l) => /(?:^|\s)[245]\d\d[\s-][^\n]{3,}/.test(l));
    recipients = [{ recipient: null, diagnostic: squash(reply) }];
  }
  return { recipients, hint };
}

// ---- Auto-replies and challenge-response ---------------------------------------------------------------

const autoSubject =
  /^(?:(?:re|aw|tr)[ \t]*:[ \t]*)?(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response|answer|antwort)|autoreply|out of (?:the )?office|r[ée]ponse automatique|absence du bureau|automatische antwort|abwesenheit|respuesta autom[aá]tica|risposta automatica|fuera de la oficina|on vacation|vacation|away from (?:my |the )?(?:e-?mail|office|desk))|\b(?:out of (?:the )?office|auto(?:matic)?[- ]reply|abwesenheitsnotiz|r[ée]ponse automatique)\b/i;
const challengeSubject =
  /(?:please )?(?:confirm|verify) (?:your |that )?(?:message|e-?mail|address|identity|sender|request)|verification (?:required|needed|request)|sender verification|challenge|approve (?:your|my) (?:message|sender)|awaiting (?:your )?verification|request to be added/i;
const challengeBody =
  /challenge[- ]response|spam ?arrest|boxbe|mailblocks|choicemail|approved senders? list|(?:verify|confirm) that you are (?:a )?(?:human|real person|person)|(?:click|visit|follow) (?:the link|this link|here)[^\n]{0,120}(?:verify|confirm|deliver)|to have your (?:message|e-?mail) delivered/i;

/** "auto-reply" or "challenge-response" for machine replies that are not failure reports, else null. */
export function autoReplyKind(ctx: ReportContext): "auto-reply" | "challenge-response" | null {
  const h = ctx.headers;
  const challengeHeader = h.fields.some((f) =>
    /^x-(?:boxbe|choicemail|spam-arrest|challenge|mailblocks)/.test(f.name),
  );
  if (challengeHeader || (challengeSubject.test(ctx.subject) && challengeBody.test(ctx.text))) {
    return "challenge-response";
  }
  const autoSubmitted = (h.get("auto-submitted") ?? "").trim().toLowerCase();
  if (autoSubmitted !== "" && autoSubmitted !== "no") return "auto-reply";
  if (
    [
      "x-autoreply",
      "x-autorespond",
      "x-auto-reply",
      "x-autoreply-from",
      "x-mail-autoreply",
      "x-vacation",
    ].some((n) => h.has(n))
  )
    return "auto-reply";
  if (/auto[_-]reply/i.test(h.get("precedence") ?? "")) return "auto-reply";
  if (autoSubject.test(ctx.subject)) return "auto-reply";
  return null;
}

/** True when the subject itself says "automatic reply" (checked before the bounce heuristics). */
export function autoReplySubject(subject: string): boolean {
  return autoSubject.test(subject);
}
