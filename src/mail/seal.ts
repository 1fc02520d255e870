import crypto from "node:crypto";
import DKIM from "nodemailer/lib/dkim";
import MailComposer from "nodemailer/lib/mail-composer";
import { isValidEmail } from "../files/forms.ts";
import { type DkimKey, dkimRecordName } from "./dkim.ts";
import { encodeVerp } from "./verp.ts";

// Sealing turns a letter into the exact RFC 5322 bytes that will leave, DKIM signature included (C-10).
// Those bytes are stored before the SMTP hand-off and handed over as they are (`sendMail({ raw, envelope })`
// on a transport with no DKIM option of its own), so what the proof package shows is what was sent
// (ARCHITECTURE principle 4, B-1). Sealing is deterministic: the same input and key give the same bytes.
//
// Headers, and why each is there or not:
// - From: the office's generic mailbox (C-7). DKIM `d=` must be its domain or a parent of it, or DMARC
//   fails and the letter lands in spam; sealing refuses a key that does not align.
// - To: exactly the address on file (C-5). Nodemailer lower-cases the domain, so the header is put back
//   to the routed bytes after composing (only the case may differ; anything else is refused).
// - Message-ID: `<correspondence id@messageIdDomain>`, fixed by the id, so a re-seal after a crash names
//   the same message, and a report quoting it points at one correspondence (C-16).
// - Date: the injected instant, never the wall clock.
// - Content-Language: the letter's language (C-9); signed like the other headers.
// - No X-Liaison-Correspondence: the id is already in Message-ID, which every report format that quotes
//   headers includes, and in the VERP envelope sender, which every report is addressed to. A custom
//   X- header would say it a third time and is stripped by more relays than Message-ID is.
// - No Auto-Submitted: these are letters a person wrote and signed off, not automatic messages
//   (RFC 3834), and flagging them so could make a recipient's system drop or deprioritise them.
// - No read receipts, no tracking of any kind (C-8): see forbiddenHeaders and assertNoTracking.
//   Text only; there is no HTML part to carry a pixel.

export type LetterLanguage = "en" | "fr" | "bilingual";

export interface SealAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface SealInput {
  correspondenceId: string;
  /** The office's generic mailbox (C-7), never a person's address. */
  from: { name: string; address: string };
  /** The routed address, exactly as on file (C-5). */
  to: string;
  /** C-21: an address in copy (the new office's generic mailbox on a transfer notice). */
  cc?: string | undefined;
  subject: string;
  text: string;
  attachments?: SealAttachment[];
  language: LetterLanguage;
  messageIdDomain: string;
  dkim: DkimKey;
  /** The instant written in the Date header: the send decision's time from the injected clock. */
  date: Date;
  /**
   * RFC 3834: set on messages no person wrote (My Case's notices, P-7), so out-of-office replies and
   * auto-responders stay silent. Letters never carry it (see above).
   */
  autoSubmitted?: "auto-generated";
}

export interface SealedMessage {
  /** The signed message, to be stored and then handed to SMTP unchanged. */
  bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex: the message's content address (principle 5). */
  sha256: string;
  size: number;
  /** With angle brackets, as in the header: `<id@messageIdDomain>`. */
  messageId: string;
  /** The SMTP envelope: a VERP sender that names this correspondence, and the routed recipient. */
  envelope: OutboundEnvelope;
  /**
   * B-8: the public key record the signature was made with, captured at send time so the signature
   * can be checked after the key is rotated and the DNS record withdrawn.
   */
  dkim: { selector: string; domain: string; recordName: string; record: string };
}

/**
 * The SMTP envelope: the VERP sender, the routed recipient and, on a transfer notice, the address in copy,
 * so the new office's mailbox receives the very bytes the applicant does (C-21).
 */
// A type, not an interface: nodemailer's envelope input wants an object type with an implicit index signature.
export type OutboundEnvelope = {
  from: string;
  to: string;
  cc?: string | undefined;
};

export type SealErrorCode =
  | "INVALID_CORRESPONDENCE_ID"
  | "INVALID_ADDRESS"
  | "INVALID_DOMAIN"
  | "INVALID_HEADER_TEXT"
  | "INVALID_ATTACHMENT"
  | "INVALID_DATE"
  | "DKIM_NOT_ALIGNED"
  | "SIGNING_FAILED"
  | "TRACKING_FOUND";

export class SealError extends Error {
  override readonly name = "SealError";
  constructor(
    readonly code: SealErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * C-8: headers that ask the recipient's software to report back (MDN, RFC 8098, and its non-standard
 * predecessors). A receipt proves nothing once the mail has left the agency, and asking for one is
 * tracking. Compared case-insensitively.
 */
export const forbiddenHeaders: readonly string[] = [
  "Disposition-Notification-To",
  "Disposition-Notification-Options",
  "Return-Receipt-To",
  "X-Confirm-Reading-To",
  "Read-Receipt-To",
  "X-PMRQC",
];

const contentLanguage: Record<LetterLanguage, string> = {
  en: "en",
  fr: "fr",
  // RFC 3282: a list names the languages of the intended audience; its order carries no meaning.
  bilingual: "en, fr",
};

// The default nodemailer list plus Content-Language: the language is part of what the agency said.
const signedHeaders =
  "From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:" +
  "Content-Transfer-Encoding:Content-ID:Content-Description:Content-Language:In-Reply-To:References";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hostnamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const contentTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
// Header text a person typed may hold any character except the ones that end or break a header line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const controlChars = /[\u0000-\u001f\u007f]/;

export async function sealMessage(input: SealInput): Promise<SealedMessage> {
  checkInput(input);
  const id = input.correspondenceId.toLowerCase();
  const messageId = `<${id}@${input.messageIdDomain.toLowerCase()}>`;
  const envelope: OutboundEnvelope = {
    from: encodeVerp(input.from.address, id),
    to: input.to,
    ...(input.cc ? { cc: input.cc } : {}),
  };

  const composer = new MailComposer({
    from: { name: input.from.name, address: input.from.address },
    to: input.to,
    ...(input.cc ? { cc: input.cc } : {}),
    subject: input.subject,
    messageId,
    date: input.date,
    // SMTP lines end in CRLF. A bare LF would be rewritten by some relay on the way, after signing.
    text: input.text.replace(/\r\n|\r|\n/g, "\r\n"),
    attachments: (input.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      // Nodemailer sends attachments as base64 whatever their type (message/* aside, which RFC 2046
      // forbids encoding), so a text file keeps its own line ends: the recipient gets the exact file.
      contentDisposition: "attachment",
    })),
    envelope,
    // Multipart boundaries are random by default; derived from the content they make a re-seal give
    // the same bytes, and a boundary cannot occur inside the content it is a hash of.
    baseBoundary: boundarySeed(input),
    // Content is given as Buffers; nothing may pull in a file or a URL while composing evidence.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: "windows",
  });
  const root = composer.compile();
  root.setHeader("Content-Language", contentLanguage[input.language]);
  if (input.autoSubmitted) root.setHeader("Auto-Submitted", input.autoSubmitted);
  const unsigned = restoreToHeader(await root.build(), input.to);

  const bytes = await dkimSign(
    unsigned,
    input.dkim,
    input.autoSubmitted ? `${signedHeaders}:Auto-Submitted` : signedHeaders,
  );
  assertNoTracking(bytes);
  return {
    bytes,
    sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    messageId,
    envelope,
    dkim: {
      selector: input.dkim.selector,
      domain: input.dkim.domain,
      recordName: dkimRecordName(input.dkim),
      record: input.dkim.publicKeyDnsRecord,
    },
  };
}

function checkInput(input: SealInput): void {
  if (!uuidPattern.test(input.correspondenceId)) {
    throw new SealError("INVALID_CORRESPONDENCE_ID", "The correspondence id must be a UUID");
  }
  if (!isValidEmail(input.from.address)) {
    throw new SealError("INVALID_ADDRESS", "The generic mailbox is not an address we can send from");
  }
  if (!isValidEmail(input.to))
    throw new SealError("INVALID_ADDRESS", "The recipient is not a sendable address");
  if (input.cc !== undefined && !isValidEmail(input.cc))
    throw new SealError("INVALID_ADDRESS", "The address in copy is not a sendable address");
  if (!hostnamePattern.test(input.messageIdDomain)) {
    throw new SealError("INVALID_DOMAIN", "The Message-ID domain is not a domain name");
  }
  if (controlChars.test(input.from.name) || controlChars.test(input.subject)) {
    throw new SealError("INVALID_HEADER_TEXT", "The sender name and subject must be one line of text");
  }
  if (Number.isNaN(input.date.getTime())) throw new SealError("INVALID_DATE", "The Date is not an instant");
  for (const a of input.attachments ?? []) {
    if (
      a.filename.trim() === "" ||
      controlChars.test(a.filename) ||
      !contentTypePattern.test(a.contentType)
    ) {
      throw new SealError("INVALID_ATTACHMENT", "An attachment needs a one-line file name and a media type");
    }
  }
  const fromDomain = input.from.address.slice(input.from.address.lastIndexOf("@") + 1).toLowerCase();
  const d = input.dkim.domain.toLowerCase();
  // DMARC relaxed alignment: the signing domain is the From domain or one of its parents.
  if (fromDomain !== d && !fromDomain.endsWith(`.${d}`)) {
    throw new SealError(
      "DKIM_NOT_ALIGNED",
      `DKIM domain ${d} does not align with the From domain ${fromDomain}`,
    );
  }
}

function boundarySeed(input: SealInput): string {
  const h = crypto.createHash("sha256");
  for (const part of [input.correspondenceId, input.subject, input.text]) h.update(part).update("\0");
  for (const a of input.attachments ?? []) h.update(a.filename).update("\0").update(a.content).update("\0");
  return h.digest("hex").slice(0, 32);
}

/** C-5: the To header carries the routed address as it is on file, not nodemailer's normalised form. */
function restoreToHeader(message: Buffer, to: string): Buffer {
  const end = message.indexOf("\r\n\r\n");
  if (end < 0) throw new SealError("INVALID_ADDRESS", "The composed message has no header block");
  const head = message.subarray(0, end).toString("latin1");
  const lines = head.split("\r\n");
  const index = lines.findIndex((l) => /^to:/i.test(l));
  const written = lines[index]?.slice(3).trim();
  // Nodemailer may only have changed the case of the domain; anything more means the letter is not
  // going where the routing said, and nothing is sealed.
  if (written === undefined || written.toLowerCase() !== to.toLowerCase()) {
    throw new SealError("INVALID_ADDRESS", "The composed To header does not carry the routed address");
  }
  lines[index] = `To: ${to}`;
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), message.subarray(end)]);
}

// Parsing the PEM on every signature cost 0.6 ms a letter (the send benchmark's profile); a parsed key
// signs to the same bytes.
const parsedKeys = new Map<string, crypto.KeyObject>();
function parsedKey(pem: string): crypto.KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = crypto.createPrivateKey(pem);
    parsedKeys.set(pem, key);
  }
  return key;
}

async function dkimSign(unsigned: Buffer, key: DkimKey, headerFieldNames: string): Promise<Buffer> {
  const signer = new DKIM({
    domainName: key.domain,
    keySelector: key.selector,
    // The types say string; nodemailer hands it to crypto's Sign.sign, which takes a KeyObject too.
    privateKey: parsedKey(key.privateKeyPem) as unknown as string,
    headerFieldNames,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of signer.sign(unsigned)) chunks.push(chunk as Buffer);
  const signed = Buffer.concat(chunks);
  // Nodemailer leaves the signature out, silently, when the key cannot sign; and signing must only
  // prepend a header, never touch the message. Either failure would store bytes we cannot stand behind.
  const prefix = signed.subarray(0, signed.length - unsigned.length);
  if (
    !prefix.toString("latin1").startsWith("DKIM-Signature: ") ||
    !signed.subarray(prefix.length).equals(unsigned)
  ) {
    throw new SealError("SIGNING_FAILED", "The message could not be DKIM-signed");
  }
  return signed;
}

// ---------------------------------------------------------------------------------------------------
// C-8: no receipts, no pixels.

const remoteUrl = String.raw`["']?\s*(?:https?:)?//`;
/** An <img> that loads from elsewhere: the classic tracking pixel. Checked in every text part and raw. */
const remoteImg = new RegExp(String.raw`<img\b[^>]*?\b(?:src|srcset)\s*=\s*${remoteUrl}`, "i");
/** Anything else an HTML part could fetch when opened: backgrounds, CSS, stylesheets, frames, media. */
const remoteHtmlResource = new RegExp(
  [
    String.raw`\b(?:src|srcset|background|poster|data)\s*=\s*${remoteUrl}`,
    String.raw`url\(\s*${remoteUrl}`,
    String.raw`@import\s+${remoteUrl}`,
    String.raw`<link\b[^>]*?\bhref\s*=\s*${remoteUrl}`,
  ].join("|"),
  "i",
);

/**
 * Throws TRACKING_FOUND if the message asks for a read receipt (a forbidden header at the top level) or
 * could fetch anything remote when opened (an <img> with a remote source anywhere; in an HTML part, any
 * remote resource). Encoded parts are decoded first, so quoted-printable or base64 cannot hide one.
 */
export function assertNoTracking(bytes: Buffer): void {
  const { headers } = splitPart(bytes.toString("latin1"));
  const forbidden = new Set(forbiddenHeaders.map((h) => h.toLowerCase()));
  for (const name of headerNames(headers)) {
    if (forbidden.has(name.toLowerCase())) {
      throw new SealError("TRACKING_FOUND", `The message asks for a read receipt (${name})`);
    }
  }
  if (remoteImg.test(bytes.toString("latin1"))) {
    throw new SealError("TRACKING_FOUND", "The message loads a remote image");
  }
  for (const part of textParts(bytes.toString("latin1"), 0)) {
    if (remoteImg.test(part.text) || (part.html && remoteHtmlResource.test(part.text))) {
      throw new SealError("TRACKING_FOUND", "The message loads a remote resource when opened");
    }
  }
}

// A small MIME reader, enough to find and decode the text parts of a message we composed or one a test
// crafted. Strings are 'latin1' so one character is one byte until a part is decoded.

function splitPart(raw: string): { headers: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: raw, body: "" };
  return { headers: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

function headerNames(headers: string): string[] {
  return headers
    .split(/\r?\n/)
    .filter((l) => l !== "" && !/^[ \t]/.test(l))
    .map((l) => l.slice(0, Math.max(0, l.indexOf(":"))).trim());
}

function headerValue(headers: string, name: string): string {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, " ");
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(unfolded);
  return m?.[1]?.trim() ?? "";
}

const MAX_DEPTH = 8;

function textParts(raw: string, depth: number): { text: string; html: boolean }[] {
  if (depth > MAX_DEPTH) return [];
  const { headers, body } = splitPart(raw);
  const contentType = headerValue(headers, "Content-Type").toLowerCase() || "text/plain";
  if (contentType.startsWith("multipart/")) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(headerValue(headers, "Content-Type"));
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) return [];
    const delimiter = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(b)}(?:--)?[ \\t]*(?:\\r?\\n|$)`);
    return body
      .split(delimiter)
      .slice(1)
      .filter((p) => p.trim() !== "")
      .flatMap((p) => textParts(p, depth + 1));
  }
  if (contentType.startsWith("message/rfc822")) return textParts(body, depth + 1);
  if (!contentType.startsWith("text/")) return [];
  const encoding = headerValue(headers, "Content-Transfer-Encoding").toLowerCase();
  return [{ text: decodeBody(body, encoding), html: contentType.startsWith("text/html") }];
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === "base64")
    return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return Buffer.from(body, "latin1").toString("utf8");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
