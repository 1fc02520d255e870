import { classify, type Kind, type Reason, type ReportHint } from "./classify.ts";
import { type Dsn, findDsnBlock, parseDsn } from "./dsn.ts";
import {
  autoReplyKind,
  autoReplySubject,
  type Finding,
  identify,
  looksLikeBounce,
  RECOGNISERS,
  type Recogniser,
  type ReportContext,
  readGeneric,
  type TextReport,
} from "./formats.ts";
import {
  decodeText,
  decodeTransfer,
  type HeaderList,
  htmlToText,
  LIMITS,
  type MimeEntity,
  parseHeaderFields,
  parseMessage,
  splitHead,
} from "./mime.ts";
import { addressesIn } from "./text.ts";

// parseReport (C-16, issue "Bounces" items 3 and 8): what a non-delivery report, or a look-alike (an
// auto-reply, a challenge, a person's answer), says about the letter it concerns. Synchronous, bounded
// (see LIMITS in mime.ts: a 30 MB message costs what its first 4 MB cost) and total: it returns a
// well-formed result for any bytes at all.
//
// The order of reading:
//   1. an RFC 3464 delivery-status part (or its fields pasted into a text part): recipients, actions and
//      codes as the reporting MTA wrote them; the human-readable part names the system and fills gaps;
//   2. otherwise the readers of formats.ts, one per system, on the human-readable text;
//   3. otherwise a read receipt, a challenge, an auto-reply, a generic bounce-looking message, or a person.

export type { Kind, Reason } from "./classify.ts";

export interface ReportRecipient {
  recipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  remoteMta: string | null;
}

export interface ClassifiedRecipient extends ReportRecipient {
  kind: Kind;
  reason: Reason;
}

export interface ParsedReport {
  /** The most serious of the recipients' kinds: hard, else soft, else not-a-bounce. */
  kind: Kind;
  /**
   * The system whose report this is, when its signature is known ("postfix", "exim", "sendmail",
   * "exchange", "gmail", "amazon-ses", "courier", "yahoo", "qmail", "lotus-notes", "groupwise"); "rfc3464"
   * for a standard report from an unknown system; "auto-reply", "challenge-response", "read-receipt";
   * "unknown" when nothing was recognised (a person's reply, or a bounce in an unknown layout).
   */
  format: string;
  /** Where the recipients came from: an RFC 3464 part (most reliable), the report's text, or nowhere. */
  source: "delivery-status" | "text" | "none";
  /** In the order the report lists them; a non-bounce has one entry with recipient null. */
  recipients: ClassifiedRecipient[];
  originalMessageId: string | null;
  originalEnvelopeId: string | null;
  envelopeTo: string | null;
  subject: string | null;
  from: string | null;
  date: string | null;
  /** The report says later delivery may go unreported (Action relayed/expanded, "no notification was sent"). */
  reportsDeliveryMayNotBeReported: boolean;
}

export interface ParseOptions {
  /** The envelope recipient the report arrived for (our VERP address), copied into the result. */
  envelopeTo?: string;
}

/** Never throws: on an internal error the message is reported as unrecognised, never as a failure. */
export function parseReport(raw: Buffer, options: ParseOptions = {}): ParsedReport {
  try {
    return readReport(raw, options);
  } catch {
    return {
      ...emptyReport(options),
      recipients: [notABounce(null)],
    };
  }
}

const DSN_TYPES = new Set([
  "message/delivery-status",
  "message/global-delivery-status",
  "text/delivery-status",
]);
const ORIGINAL_TYPES = new Set([
  "message/rfc822",
  "message/global",
  "text/rfc822-headers",
  "message/rfc822-headers",
  "message/global-headers",
]);
const MDN_TYPES = new Set(["message/disposition-notification", "message/global-disposition-notification"]);
const TOTAL_TEXT = 512 * 1024;

interface Parts {
  dsn: MimeEntity[];
  mdn: MimeEntity[];
  originals: MimeEntity[];
  plain: MimeEntity[];
  html: MimeEntity[];
}

/** parseReport without the safety net; exported so the fuzz tests see real errors. */
export function readReport(raw: Buffer, options: ParseOptions = {}): ParsedReport {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw ?? []);
  const root = parseMessage(bytes);
  const parts: Parts = { dsn: [], mdn: [], originals: [], plain: [], html: [] };
  collect(root, parts, true);

  const plainText = joinBounded(parts.plain.map((p) => decodeText(p)));
  const htmlText = joinBounded(parts.html.map((p) => htmlToText(decodeText(p))));
  const text = plainText.trim() !== "" ? plainText : htmlText;
  const dsnTexts = parts.dsn.map((p) => decodeText(p, 64 * 1024));
  const ctx: ReportContext = {
    headers: root.headers,
    subject: root.headers.text("subject") ?? "",
    from: root.headers.text("from") ?? "",
    text,
    dsnText: dsnTexts.join("\n\n"),
  };
  const base = emptyReport(options);
  base.subject = root.headers.text("subject");
  base.from = root.headers.text("from");
  base.date = root.headers.text("date");

  // 1. An RFC 3464 report.
  let dsn = mergeDsns(dsnTexts.map(parseDsn));
  if (!dsn.recipients.length) {
    const at = findDsnBlock(text);
    if (at >= 0) {
      const pasted = parseDsn(text.slice(at, at + 64 * 1024));
      if (pasted.recipients.length) {
        dsn = pasted;
        ctx.dsnText = text.slice(at, at + 64 * 1024);
      }
    }
  }
  const system = identify(ctx);
  const mayNotBeReported = MAY_NOT_BE_REPORTED.test(text) || MAY_NOT_BE_REPORTED.test(htmlText);
  const quotedIds = { parts, text: `${plainText}\n${htmlText}`, headers: root.headers };

  if (dsn.recipients.length) {
    const words = safeRead(system, ctx);
    const diagnostics = new Map<string, string>();
    for (const f of words?.recipients ?? []) {
      if (f.recipient && f.diagnostic) diagnostics.set(f.recipient.toLowerCase(), f.diagnostic);
    }
    const recipients = dsn.recipients.map((r) =>
      classified(
        {
          recipient: r.recipient,
          action: r.action,
          status: r.status,
          diagnostic:
            r.diagnostic ??
            diagnostics.get((r.recipient ?? "").toLowerCase()) ??
            diagnostics.get((r.finalRecipient ?? "").toLowerCase()) ??
            null,
          remoteMta: r.remoteMta,
        },
        words?.hint ?? null,
      ),
    );
    return finish(base, {
      format: system?.format ?? "rfc3464",
      source: "delivery-status",
      recipients,
      originalMessageId:
        messageId(dsn.perMessage.get("original-message-id")) ??
        messageId(dsn.perMessage.get("x-original-message-id")) ??
        findOriginalMessageId(quotedIds, true),
      originalEnvelopeId: dsn.perMessage.get("original-envelope-id")?.trim() || null,
      mayNotBeReported,
    });
  }

  // 2. A system's own text layout.
  const candidates = system ? [system, ...RECOGNISERS.filter((r) => r !== system && r.signature(ctx))] : [];
  for (const recogniser of candidates) {
    const report = safeRead(recogniser, ctx);
    if (!report) continue;
    return finish(base, {
      format: recogniser.format,
      source: "text",
      recipients: report.recipients.map((f) => classifiedFinding(f, report.hint)),
      originalMessageId: messageId(report.originalMessageId) ?? findOriginalMessageId(quotedIds, true),
      originalEnvelopeId: null,
      mayNotBeReported,
    });
  }

  // 3. Everything else.
  const mdn = parts.mdn.length ? parseDsn(decodeText(parts.mdn[0] as MimeEntity, 64 * 1024)) : null;
  if (mdn || root.params.get("report-type")?.toLowerCase() === "disposition-notification") {
    return finish(base, {
      format: "read-receipt",
      source: "none",
      recipients: [notABounce(mdn?.recipients[0]?.recipient ?? null)],
      originalMessageId:
        messageId(mdn?.perMessage.get("original-message-id")) ?? findOriginalMessageId(quotedIds, false),
      originalEnvelopeId: null,
      mayNotBeReported: false,
    });
  }
  const machine = autoReplyKind(ctx);
  const bounceLike = !autoReplySubject(ctx.subject) && (system !== null || looksLikeBounce(ctx, root.type));
  if (machine === "challenge-response" || (machine && !bounceLike)) {
    return finish(base, {
      format: machine,
      source: "none",
      recipients: [notABounce(null)],
      originalMessageId: findOriginalMessageId(quotedIds, false),
      originalEnvelopeId: null,
      mayNotBeReported: false,
    });
  }
  if (bounceLike) {
    const own = new Set(
      [options.envelopeTo, root.headers.get("to"), root.headers.get("from")]
        .flatMap((v) => addressesIn(v ?? ""))
        .map((a) => a.toLowerCase()),
    );
    const report = readGeneric(ctx, own);
    return finish(base, {
      format: system?.format ?? "unknown",
      source: report.recipients.some((r) => r.recipient !== null) ? "text" : "none",
      recipients: report.recipients.map((f) => classifiedFinding(f, report.hint)),
      originalMessageId: findOriginalMessageId(quotedIds, true),
      originalEnvelopeId: null,
      mayNotBeReported,
    });
  }
  return finish(base, {
    format: "unknown",
    source: "none",
    recipients: [notABounce(null)],
    originalMessageId: findOriginalMessageId(quotedIds, false),
    originalEnvelopeId: null,
    mayNotBeReported: false,
  });
}

// Wordings of "delivered onwards, but no further report will come": Postfix's success DSN, Exchange's
// relay notice, Sendmail's "relayed to non-DSN-aware mailer", RFC 3464's own example.
const MAY_NOT_BE_REPORTED =
  /may not be reported|no delivery notification was sent|delivery notification was not sent|relayed to non-DSN-aware mailer|you may still receive notifications of mail delivery errors/i;

function emptyReport(options: ParseOptions): ParsedReport {
  return {
    kind: "not-a-bounce",
    format: "unknown",
    source: "none",
    recipients: [],
    originalMessageId: null,
    originalEnvelopeId: null,
    envelopeTo: typeof options?.envelopeTo === "string" ? options.envelopeTo : null,
    subject: null,
    from: null,
    date: null,
    reportsDeliveryMayNotBeReported: false,
  };
}

function finish(
  base: ParsedReport,
  found: {
    format: string;
    source: ParsedReport["source"];
    recipients: ClassifiedRecipient[];
    originalMessageId: string | null;
    originalEnvelopeId: string | null;
    mayNotBeReported: boolean;
  },
): ParsedReport {
  const recipients = found.recipients.length ? found.recipients : [notABounce(null)];
  const kinds = new Set(recipients.map((r) => r.kind));
  const relayed = recipients.some((r) => r.action === "relayed" || r.action === "expanded");
  return {
    ...base,
    kind: kinds.has("hard") ? "hard" : kinds.has("soft") ? "soft" : "not-a-bounce",
    format: found.format,
    source: found.source,
    recipients,
    originalMessageId: found.originalMessageId,
    originalEnvelopeId: found.originalEnvelopeId,
    reportsDeliveryMayNotBeReported: relayed || found.mayNotBeReported,
  };
}

function notABounce(recipient: string | null): ClassifiedRecipient {
  return {
    recipient,
    action: null,
    status: null,
    diagnostic: null,
    remoteMta: null,
    kind: "not-a-bounce",
    reason: "other",
  };
}

function classified(r: ReportRecipient, hint: ReportHint): ClassifiedRecipient {
  const c = classify({ action: r.action, status: r.status, diagnostic: r.diagnostic, hint });
  return { ...r, status: c.status, kind: c.kind, reason: c.reason };
}

function classifiedFinding(f: Finding, hint: ReportHint): ClassifiedRecipient {
  return classified(
    {
      recipient: f.recipient,
      action: f.action ?? null,
      status: f.status ?? null,
      diagnostic: f.diagnostic,
      remoteMta: f.remoteMta ?? null,
    },
    hint,
  );
}

/** A format reader that fails on odd input is treated as one that found nothing. */
function safeRead(recogniser: Recogniser | null, ctx: ReportContext): TextReport | null {
  if (!recogniser) return null;
  try {
    return recogniser.read(ctx);
  } catch {
    return null;
  }
}

function collect(entity: MimeEntity, parts: Parts, top: boolean): void {
  const type = entity.type;
  if (type.startsWith("multipart/")) {
    for (const p of entity.parts) collect(p, parts, false);
  } else if (DSN_TYPES.has(type)) parts.dsn.push(entity);
  else if (MDN_TYPES.has(type)) parts.mdn.push(entity);
  else if (ORIGINAL_TYPES.has(type)) parts.originals.push(entity);
  else if (type === "text/html") parts.html.push(entity);
  else if (type === "text/plain" || top) parts.plain.push(entity);
}

function mergeDsns(dsns: Dsn[]): Dsn {
  const perMessage = new Map<string, string>();
  for (const d of dsns) for (const [k, v] of d.perMessage) if (!perMessage.has(k)) perMessage.set(k, v);
  return { perMessage, recipients: dsns.flatMap((d) => d.recipients) };
}

function joinBounded(texts: string[]): string {
  let out = "";
  for (const t of texts) {
    if (out.length >= TOTAL_TEXT) break;
    out += (out ? "\n\n" : "") + t.slice(0, TOTAL_TEXT - out.length);
  }
  return out;
}

/** "<id@host>" from a header value, a DSN field or quoted text; null when it is no message id. */
export function messageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /<([^<>\s]{1,500})>/.exec(value) ?? /(?:^|\s)([^<>\s]{1,500}@[^<>\s]{1,500})(?:\s|$)/.exec(value);
  const id = m?.[1]?.replace(/[.,;]+$/, "");
  return id?.includes("@") ? `<${id}>` : null;
}

const quotedMessageId =
  /^[ \t>]{0,8}(?:X-)?(?:Original-)?Message-ID[ \t]*:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]{1,500}>|[^<>\s]{1,500}@[^<>\s]{1,500})/im;

/**
 * The Message-ID of the letter a report is about: the returned message's (or its headers') own
 * Message-ID, then an Original-Message-ID header, then a Message-ID quoted in the text; In-Reply-To and
 * References come last for reports and first for replies, which answer the letter directly.
 */
function findOriginalMessageId(
  source: { parts: Parts; text: string; headers: HeaderList },
  isReport: boolean,
): string | null {
  const fromReplyHeaders = () => {
    const inReplyTo = messageId(source.headers.get("in-reply-to"));
    if (inReplyTo) return inReplyTo;
    const refs = (source.headers.get("references") ?? "").match(/<[^<>\s]{1,500}>/g);
    return messageId(refs?.[refs.length - 1]);
  };
  if (!isReport) {
    const direct = fromReplyHeaders();
    if (direct) return direct;
  }
  for (const part of source.parts.originals) {
    const head = splitHead(decodeTransfer(part, LIMITS.headerBytes).toString("latin1")).head;
    const id = messageId(parseHeaderFields(head).get("message-id"));
    if (id) return id;
  }
  const fromHeader =
    messageId(source.headers.get("x-original-message-id")) ??
    messageId(source.headers.get("original-message-id"));
  if (fromHeader) return fromHeader;
  const quoted = quotedMessageId.exec(source.text);
  const id = messageId(quoted?.[1]);
  if (id) return id;
  return isReport ? fromReplyHeaders() : null;
}
