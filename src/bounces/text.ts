// Small, bounded text helpers shared by the format readers. Every scan here is linear: addresses are found
// from their "@" outwards rather than with a regular expression that could backtrack over a long line,
// and line-anchored patterns use [ \t]* (never \s*, which would run across lines).

/** Lines of a text, at most `maxLines`, each cut to `maxLength` characters. */
export function linesOf(text: string, maxLines = 5000, maxLength = 2000): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos <= text.length && out.length < maxLines) {
    const end = text.indexOf("\n", pos);
    const lineEnd = end < 0 ? text.length : end;
    out.push(text.slice(pos, Math.min(lineEnd, pos + maxLength)).replace(/\r$/, ""));
    if (end < 0) break;
    pos = end + 1;
  }
  return out;
}

const localChar = /[A-Za-z0-9.!#$%&*+/=?^_`{|}~\u00a0-\uffff-]/;
const domainChar = /[A-Za-z0-9.\u00a0-\uffff-]/;

/** Every e-mail address in a line, in order (addresses with a dotted domain only). */
export function addressesIn(line: string): string[] {
  const out: string[] = [];
  let at = line.indexOf("@");
  while (at >= 0) {
    let start = at;
    while (start > 0 && start > at - 256 && localChar.test(line[start - 1] ?? "")) start--;
    let end = at + 1;
    while (end < line.length && end < at + 256 && domainChar.test(line[end] ?? "")) end++;
    const local = line.slice(start, at).replace(/^\.+/, "");
    const domain = line.slice(at + 1, end).replace(/[.-]+$/, "");
    if (local !== "" && /^[^.]+(?:\.[^.]+)+$/.test(domain) && /[A-Za-z\u00a0-\uffff]/.test(domain)) {
      out.push(`${local}@${domain}`);
    }
    at = line.indexOf("@", end > at ? end : at + 1);
  }
  return out;
}

/** The line itself when it is one address (optionally in <>, quotes, or followed by "on <date>"), else null. */
export function leadingAddress(line: string): string | null {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.length > 400) return null;
  const first = (trimmed.replace(/<mailto:[^>\s]*>/gi, "").split(/\s+/)[0] ?? "").replace(
    /^(?:mailto:)?['"<(]+|['">),:;.]+$/g,
    "",
  );
  const found = addressesIn(first);
  return found.length === 1 && found[0] === first ? first : null;
}

/** Whitespace collapsed, cut to 1000 characters; null when nothing is left. */
export function squash(s: string | null | undefined): string | null {
  if (!s) return null;
  const out = s.replace(/\s+/g, " ").trim().slice(0, 1000);
  return out === "" ? null : out;
}

/** The text after the first match of `start` (from the next line on) up to the first match of `end`. */
export function sectionAfter(text: string, start: RegExp, end?: RegExp): string | null {
  const m = start.exec(text);
  if (!m) return null;
  const lineEnd = text.indexOf("\n", m.index + m[0].length);
  const from = lineEnd < 0 ? text.length : lineEnd + 1;
  const rest = text.slice(from);
  if (!end) return rest;
  const e = end.exec(rest);
  return e ? rest.slice(0, e.index) : rest;
}

// Where a report stops and the returned message (or its headers) begins, in the wordings of the
// formats read here. Used so that addresses in the returned headers are not taken for failed recipients.
const originalMarkers: readonly RegExp[] = [
  /^-{2,}[ \t]*Below this line is a copy of the message/im,
  /^-{2,}[ \t]*Enclosed are the original headers/im,
  /^-{3,}[ \t]*This is a copy of (?:the|your) message/im,
  /^[ \t]*-{3,}[ \t]*(?:Original message|Message d'origine|Ursprüngliche Nachricht)/im,
  /^-{3,}[ \t]*Returned Message/im,
  /^[ \t]*Original message headers:/im,
  /^[ \t]*En-têtes (?:du|de) message d'origine/im,
  /^[ \t]*Ursprüngliche Nachrichtenkopfzeilen/im,
  /^[ \t]*Possibly truncated original message follows/im,
  /^[ \t]*-{3,}[ \t]*Transcript of session follows/im,
];

/** The report's own words: everything before the returned message. */
export function beforeOriginal(text: string): string {
  let end = text.length;
  for (const marker of originalMarkers) {
    const m = marker.exec(text);
    if (m && m.index < end) end = m.index;
  }
  return text.slice(0, end);
}

export interface Block {
  recipient: string;
  diagnostic: string | null;
}

const angleLine =
  /^[ \t]{0,8}<([^<>\s]{1,320}@[^<>\s]{1,255})>(?:[ \t]+\(expanded from[^)]{0,400}\))?[ \t]*(:?)[ \t]*(.*)$/;

/**
 * "<address>:" blocks, as qmail, Yahoo, Postfix and Courier write them: the address line, then the
 * lines up to an empty line or the next address. With `colon: false`, "<address>" alone also starts a
 * block (Sendmail).
 */
export function angleBlocks(text: string, colon = true): (Block & { lines: string[] })[] {
  const out: (Block & { lines: string[] })[] = [];
  let current: (Block & { lines: string[] }) | null = null;
  for (const line of linesOf(text)) {
    const m = angleLine.exec(line);
    if (m && (m[2] === ":" || !colon)) {
      current = { recipient: m[1] ?? "", diagnostic: null, lines: m[3] ? [m[3]] : [] };
      out.push(current);
      continue;
    }
    if (line.trim() === "") {
      current = null;
      continue;
    }
    current?.lines.push(line.trim());
  }
  for (const b of out) b.diagnostic = squash(b.lines.join(" "));
  return out;
}

/**
 * Blocks led by a line that is an address (Exchange "x@y on <date>", Exim's indented addresses, Notes):
 * the address line, then the lines up to the next address line or, with `stopAtBlank`, an empty line.
 */
export function addressLedBlocks(text: string, stopAtBlank = false): Block[] {
  const out: { recipient: string; lines: string[] }[] = [];
  let current: { recipient: string; lines: string[] } | null = null;
  for (const line of linesOf(text)) {
    const address = leadingAddress(line);
    if (address) {
      const rest = line.trim().slice(line.trim().indexOf(address) + address.length);
      current = { recipient: address, lines: [] };
      // "x@y: reason" keeps its reason; "x@y on 3/5/2009" does not.
      const reason = /^[>'"]?[ \t]*:[ \t]*(.+)$/.exec(rest);
      if (reason?.[1]) current.lines.push(reason[1]);
      out.push(current);
      continue;
    }
    if (line.trim() === "") {
      if (stopAtBlank) current = null;
      continue;
    }
    current?.lines.push(line.trim());
  }
  return out.map((b) => ({ recipient: b.recipient, diagnostic: squash(b.lines.join(" ")) }));
}
