// A tolerant, bounded MIME reader for non-delivery reports. Not a general mail parser: it reads just what
// a report needs (headers, the multipart tree, transfer and charset decoding) and gives up gracefully on
// anything else. Why not mailparser: it is asynchronous and streams everything, attachments included, so a
// 30 MB returned message is decoded in full; it also files message/delivery-status parts as attachments.
// Here every step has a bound, and nothing throws on malformed input (a bad boundary, an unknown charset,
// a truncated part, binary garbage): the worst case is less text, never an exception.
//
// Strings below are "binary strings" (latin1: one character per byte) until a part is decoded with its
// charset, so offsets stay byte offsets and an invalid byte sequence cannot break the splitting.

export const LIMITS = {
  /** Only this much of a message is looked at: every report format puts its report before the returned message. */
  scanBytes: 4 * 1024 * 1024,
  /** A header section longer than this is cut. */
  headerBytes: 128 * 1024,
  /** Decoded text kept per part. */
  textBytes: 256 * 1024,
  /** Parts kept in the whole tree, and nesting depth. */
  parts: 64,
  depth: 6,
} as const;

export class HeaderList {
  constructor(readonly fields: readonly { name: string; value: string }[]) {}

  /** The first field of this name (case-insensitive), unfolded, or null. */
  get(name: string): string | null {
    const lower = name.toLowerCase();
    for (const f of this.fields) if (f.name === lower) return f.value;
    return null;
  }

  all(name: string): string[] {
    const lower = name.toLowerCase();
    return this.fields.filter((f) => f.name === lower).map((f) => f.value);
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  /** The first field, decoded for display: raw UTF-8 or Latin-1 bytes and RFC 2047 encoded words. */
  text(name: string): string | null {
    const raw = this.get(name);
    return raw === null ? null : decodeHeaderValue(raw).trim();
  }
}

export interface MimeEntity {
  headers: HeaderList;
  /** Lower-case type/subtype; text/plain when missing or malformed. */
  type: string;
  params: Map<string, string>;
  /** The raw body, as a binary string. */
  body: string;
  parts: MimeEntity[];
}

/** Reads a whole message (its first LIMITS.scanBytes). */
export function parseMessage(raw: Buffer): MimeEntity {
  const scanned = raw.length > LIMITS.scanBytes ? raw.subarray(0, LIMITS.scanBytes) : raw;
  return parseEntity(scanned.toString("latin1"), 0, { parts: LIMITS.parts });
}

/** Reads an entity from a binary string; multiparts are split, everything else is kept as a body. */
export function parseEntity(s: string, depth: number, budget: { parts: number }): MimeEntity {
  const { head, body } = splitHead(s);
  const headers = parseHeaderFields(head);
  const { type, params } = parseContentType(headers.get("content-type"));
  const entity: MimeEntity = { headers, type, params, body, parts: [] };
  if (type.startsWith("multipart/") && depth < LIMITS.depth) {
    const boundary = params.get("boundary") || guessBoundary(body);
    if (boundary) {
      for (const part of splitMultipart(body, boundary)) {
        if (budget.parts <= 0) break;
        budget.parts--;
        entity.parts.push(parseEntity(part, depth + 1, budget));
      }
    }
    // A multipart whose boundary never appears is read as one text part, so its words are not lost.
    if (entity.parts.length === 0) entity.type = "text/plain";
  }
  return entity;
}

const headerLine = /^[!-9;-~]+[ \t]*:/;

/**
 * Splits a header section from the body. The section ends at the first empty line, or, for mail without
 * one (a truncated message, a body pasted without headers), at the first line that is neither a field
 * nor a continuation.
 */
export function splitHead(s: string): { head: string; body: string } {
  let pos = 0;
  // A leading mbox "From " line is not a header.
  if (s.startsWith("From ")) pos = nextLine(s, 0);
  const headStart = pos;
  const limit = Math.min(s.length, LIMITS.headerBytes);
  while (pos < s.length) {
    const end = s.indexOf("\n", pos);
    const lineEnd = end < 0 ? s.length : end;
    const line = s.slice(pos, lineEnd).replace(/\r$/, "");
    if (line === "") return { head: s.slice(headStart, pos), body: s.slice(end < 0 ? s.length : end + 1) };
    const isField = headerLine.test(line);
    const isContinuation = (line[0] === " " || line[0] === "\t") && pos > headStart;
    if (!isField && !isContinuation) return { head: s.slice(headStart, pos), body: s.slice(pos) };
    if (lineEnd >= limit) return { head: s.slice(headStart, lineEnd), body: s.slice(nextLine(s, lineEnd)) };
    pos = end < 0 ? s.length : end + 1;
  }
  return { head: s.slice(headStart), body: "" };
}

function nextLine(s: string, from: number): number {
  const end = s.indexOf("\n", from);
  return end < 0 ? s.length : end + 1;
}

/** Parses header fields from a binary string: names lower-cased, continuation lines unfolded. */
export function parseHeaderFields(head: string): HeaderList {
  const fields: { name: string; value: string }[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (line === "") continue;
    if (line[0] === " " || line[0] === "\t") {
      const last = fields[fields.length - 1];
      if (last) last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(name)) continue;
    fields.push({ name, value: line.slice(colon + 1).trim() });
  }
  return new HeaderList(fields);
}

/** Content-Type into a lower-case type and its parameters (keys lower-case, values unquoted). */
export function parseContentType(value: string | null): { type: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  if (!value) return { type: "text/plain", params };
  const pieces = splitParams(value);
  const type = (pieces.shift() ?? "").trim().toLowerCase();
  for (const piece of pieces) {
    const eq = piece.indexOf("=");
    if (eq <= 0) continue;
    // RFC 2231 names (filename*0*, charset*) are reduced to their base name: enough for what is read here.
    const key = piece.slice(0, eq).trim().toLowerCase().replace(/\*.*$/, "");
    let val = piece.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.endsWith('"') && val.length > 1 ? -1 : undefined);
    if (!params.has(key)) params.set(key, val.replace(/\\(.)/g, "$1"));
  }
  return { type: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : "text/plain", params };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && quoted) {
      current += c + (value[i + 1] ?? "");
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ";" && !quoted) {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out;
}

/** For a multipart whose Content-Type lost its boundary: the first delimiter-looking line. */
function guessBoundary(body: string): string | null {
  const m = /^--([^\s]{1,200}?)(?:--)?[ \t]*\r?$/m.exec(body.slice(0, 64 * 1024));
  return m?.[1] ?? null;
}

/** The parts of a multipart body; a missing close delimiter (a truncated message) ends the last part at the end. */
export function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let at = findDelimiter(body, delimiter, 0);
  while (at >= 0 && parts.length < LIMITS.parts) {
    const after = at + delimiter.length;
    if (body.startsWith("--", after)) break;
    const start = nextLine(body, after);
    const next = findDelimiter(body, delimiter, start);
    const end = next < 0 ? body.length : next;
    // The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
    let content = body.slice(start, end);
    if (next >= 0) content = content.replace(/\r?\n$/, "");
    parts.push(content);
    at = next;
  }
  return parts;
}

function findDelimiter(body: string, delimiter: string, from: number): number {
  let at = body.indexOf(delimiter, from);
  while (at >= 0) {
    const atLineStart = at === 0 || body[at - 1] === "\n";
    const following = body[at + delimiter.length];
    const ends =
      following === undefined ||
      following === "\r" ||
      following === "\n" ||
      following === "-" ||
      following === " " ||
      following === "\t";
    if (atLineStart && ends) return at;
    at = body.indexOf(delimiter, at + 1);
  }
  return -1;
}

/** An entity's body, transfer-decoded and charset-decoded, at most LIMITS.textBytes of text. */
export function decodeText(entity: MimeEntity, limit: number = LIMITS.textBytes): string {
  const bytes = decodeTransfer(entity, limit);
  return decodeCharset(bytes, entity.params.get("charset")).slice(0, limit);
}

/** An entity's body with its Content-Transfer-Encoding undone, at most about `limit` bytes. */
export function decodeTransfer(entity: MimeEntity, limit: number): Buffer {
  const cte = (entity.headers.get("content-transfer-encoding") ?? "").trim().toLowerCase();
  if (cte === "base64") {
    const raw = entity.body.slice(0, Math.ceil(limit / 3) * 4 + Math.ceil(limit / 38) * 2 + 4);
    return Buffer.from(raw.replace(/[^A-Za-z0-9+/]/g, ""), "base64");
  }
  if (cte === "quoted-printable") return decodeQuotedPrintable(entity.body.slice(0, limit * 3));
  return Buffer.from(entity.body.slice(0, limit), "latin1");
}

export function decodeQuotedPrintable(s: string): Buffer {
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const h = s.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(h)) {
        out[n++] = Number.parseInt(h, 16);
        i += 2;
        continue;
      }
      // A soft line break: "=" at the end of a line (with trailing blanks some relays add).
      const soft = /^[ \t]*\r?\n/.exec(s.slice(i + 1, i + 80));
      if (soft) {
        i += soft[0].length;
        continue;
      }
    }
    out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

const utf8Strict = new TextDecoder("utf-8", { fatal: true });
const windows1252 = new TextDecoder("windows-1252");

/**
 * Bytes to text in the declared charset. An unknown or garbage label, or none, falls back to UTF-8 when the
 * bytes are valid UTF-8 and to Windows-1252 otherwise; so does "us-ascii" with 8-bit bytes, which in real
 * mail is nearly always mislabelled UTF-8.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined | null): string {
  const label = (charset ?? "")
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  const ascii = label === "" || label === "us-ascii" || label === "ascii" || label === "unknown-8bit";
  if (!ascii) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // Unknown label: fall through to the guess.
    }
  }
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/** A header value from a binary string: raw 8-bit text (RFC 6532) and RFC 2047 encoded words decoded. */
export function decodeHeaderValue(raw: string): string {
  const text = decodeCharset(Buffer.from(raw, "latin1"), null);
  // Whitespace between two encoded words is dropped (RFC 2047 section 6.2).
  return text
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, "$1")
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (whole, cs: string, enc: string, data: string) => {
      const charset = cs.replace(/\*.*$/, "");
      try {
        const bytes =
          enc.toLowerCase() === "b"
            ? Buffer.from(data.replace(/[^A-Za-z0-9+/]/g, ""), "base64")
            : decodeQuotedPrintable(data.replace(/_/g, " "));
        return decodeCharset(bytes, charset);
      } catch {
        return whole;
      }
    });
}

const entities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  eacute: "é",
  egrave: "è",
  ecirc: "ê",
  agrave: "à",
  acirc: "â",
  ccedil: "ç",
  ocirc: "ô",
  ucirc: "û",
  icirc: "î",
  auml: "ä",
  ouml: "ö",
  uuml: "ü",
  Auml: "Ä",
  Ouml: "Ö",
  Uuml: "Ü",
  szlig: "ß",
  Eacute: "É",
  rsquo: "’",
  lsquo: "‘",
  hellip: "…",
};

/** Readable text from HTML: enough for finding addresses and phrases, not a renderer. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/<(?:br|hr)\b[^>]*>/gi, "\n")
      .replace(/<\/(?:p|div|tr|li|h[1-6]|table|pre|blockquote)\s*>/gi, "\n")
      .replace(/<\/t[dh]\s*>/gi, " ")
      .replace(/<[^>]*>/g, ""),
  )
    .replace(/[ \t\u00a0]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n");
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return entities[name] ?? whole;
  });
}
