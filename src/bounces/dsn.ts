// The machine-readable part of an RFC 3464 delivery status notification (message/delivery-status, or
// message/global-delivery-status of RFC 6533): per-message fields, then one group of fields per
// recipient, groups separated by empty lines. Real reports bend this: no empty line after the
// per-message fields, two recipients in one group, comments after values ("5.0.0 (permanent failure)"),
// folded Diagnostic-Code lines. All are read.

export interface DsnRecipient {
  recipient: string | null;
  finalRecipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  remoteMta: string | null;
}

export interface Dsn {
  /** Per-message fields, names lower-case ("reporting-mta", "original-envelope-id", ...). */
  perMessage: Map<string, string>;
  recipients: DsnRecipient[];
}

const MAX_RECIPIENTS = 500;

// Fields that belong to a recipient group; anything else found in a group is taken as per-message.
const RECIPIENT_FIELDS = new Set([
  "original-recipient",
  "final-recipient",
  "action",
  "status",
  "remote-mta",
  "diagnostic-code",
  "last-attempt-date",
  "final-log-id",
  "will-retry-until",
  "x-actual-recipient",
  "x-display-name",
]);

export function parseDsn(text: string): Dsn {
  const perMessage = new Map<string, string>();
  const recipients: DsnRecipient[] = [];
  for (const group of fieldGroups(text)) {
    let current: Map<string, string> | null = null;
    const flush = () => {
      if (current && (current.has("final-recipient") || current.has("original-recipient"))) {
        if (recipients.length < MAX_RECIPIENTS) recipients.push(toRecipient(current));
      }
      current = null;
    };
    for (const [name, value] of group) {
      if (!RECIPIENT_FIELDS.has(name)) {
        if (!perMessage.has(name)) perMessage.set(name, value);
        continue;
      }
      // A second recipient field in the same group starts the next recipient (no empty line between them).
      const starts = name === "original-recipient" || name === "final-recipient";
      if (current === null) current = new Map();
      else if (starts && current.has(name)) {
        flush();
        current = new Map();
      } else if (
        starts &&
        current.has("action") &&
        (current.has("final-recipient") || current.has("original-recipient"))
      ) {
        flush();
        current = new Map();
      }
      if (!current.has(name)) current.set(name, value);
    }
    flush();
  }
  return { perMessage, recipients };
}

function toRecipient(fields: Map<string, string>): DsnRecipient {
  const final = address(fields.get("final-recipient"));
  const original = address(fields.get("original-recipient"));
  return {
    // The address we gave the relay (ORCPT) is what the caller knows; the final one may be an alias target.
    recipient: original ?? final,
    finalRecipient: final,
    action:
      fields
        .get("action")
        ?.trim()
        .split(/[\s;(]/)[0]
        ?.toLowerCase() || null,
    status: fields.get("status")?.trim() || null,
    diagnostic: stripType(fields.get("diagnostic-code")),
    remoteMta: stripType(fields.get("remote-mta")),
  };
}

/** "rfc822; <ana@example.org>" gives "ana@example.org"; a non-address type gives null. */
function address(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  const semi = v.indexOf(";");
  const type = semi >= 0 ? v.slice(0, semi).trim().toLowerCase() : "rfc822";
  if (type !== "rfc822" && type !== "utf-8" && type !== "unknown") return null;
  const addr = (semi >= 0 ? v.slice(semi + 1) : v).trim().replace(/^<|>$/g, "").trim();
  return addr === "" ? null : addr;
}

/** "smtp; 550 5.1.1 ..." gives "550 5.1.1 ..."; a value without a type is kept as it is. */
function stripType(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  const m = /^([A-Za-z][A-Za-z0-9-]{0,20})\s*;\s*([\s\S]*)$/.exec(v);
  const out = (m ? (m[2] ?? "") : v).replace(/\s+/g, " ").trim();
  return out === "" ? null : out;
}

/** Unfolded "name: value" pairs, grouped by empty lines. */
function fieldGroups(text: string): [string, string][][] {
  const groups: [string, string][][] = [];
  let group: [string, string][] = [];
  let last: [string, string] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") {
      if (group.length) groups.push(group);
      group = [];
      last = undefined;
      continue;
    }
    if ((line[0] === " " || line[0] === "\t") && last) {
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    last = [(m[1] ?? "").toLowerCase(), m[2] ?? ""];
    group.push(last);
  }
  if (group.length) groups.push(group);
  return groups;
}

/** Where an RFC 3464 field block starts in plain text (a DSN pasted into a text part), or -1. */
export function findDsnBlock(text: string): number {
  const m = /^(?:Reporting-MTA|Final-Recipient|Original-Recipient)[ \t]*:/im.exec(text);
  if (!m) return -1;
  const rest = text.slice(m.index, m.index + 8192);
  return /^Final-Recipient[ \t]*:/im.test(rest) && /^(?:Action|Status)[ \t]*:/im.test(rest) ? m.index : -1;
}
