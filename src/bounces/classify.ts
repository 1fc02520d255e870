import { CLASSIFICATION_TABLE, type Kind, type Reason } from "./classification-table.ts";

// Turns one recipient's action, status and diagnostic into a kind and a reason, with the table in
// classification-table.ts. The kind answers "will THIS letter still arrive?":
//   - Action relayed / expanded / delivered: not a failure ("not-a-bounce"), but the caller keeps the
//     action to warn (B-5: a relay that does not report further is no proof of delivery);
//   - Action delayed, or a report that says it is only a warning: "soft", reason expired/delayed;
//   - Action failed, or a report that says it gave up: "hard", whatever the class of the last error
//     (Postfix returns mail after its queue lifetime with Action: failed and Status: 4.4.1);
//   - otherwise the status class (5.x.x hard, 4.x.x soft), the row's own kind, the SMTP reply class;
//   - with no evidence at all, "soft": a warning to look at, never proof of failure.

export type { Kind, Reason } from "./classification-table.ts";

/** What the report itself says about the outcome, for reports without a DSN Action field. */
export type ReportHint = "failed" | "delayed" | null;

export interface ClassifyInput {
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  hint?: ReportHint;
}

export interface Classification {
  kind: Kind;
  reason: Reason;
  /** The index of the table row that gave the reason, or null when none matched. */
  row: number | null;
  /** The status used: the given one, or the enhanced code found in the diagnostic. */
  status: string | null;
}

const NOT_FAILURES = new Set(["relayed", "expanded", "delivered"]);

// Not preceded by a digit or dot and not followed by one, so an IP address is no code; the subject is one
// of RFC 3463's 0-7, so a version number like "4.97.1" is none either.
const enhancedStatusPattern = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?![\d.])/;
const replyCodePattern = /(?:^|[\s;:'"(#])([245]\d\d)(?=[\s:-]|$)/;

/** The first RFC 3463 enhanced status code in a text, e.g. "5.1.1" in "550 5.1.1 User unknown". */
export function enhancedStatusIn(text: string | null): string | null {
  if (!text) return null;
  const m = enhancedStatusPattern.exec(text);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : null;
}

/** The first SMTP reply code (RFC 5321) in a text, e.g. "550". */
export function replyCodeIn(text: string | null): string | null {
  if (!text) return null;
  const m = replyCodePattern.exec(text);
  return m?.[1] ?? null;
}

/** A DSN Status value reduced to its code: "5.0.0 (permanent failure)" gives "5.0.0". */
export function normaliseStatus(value: string | null): string | null {
  return enhancedStatusIn(value);
}

/** The index of the first table row matching this status and diagnostic, or -1. */
export function matchRow(status: string | null, diagnostic: string | null): number {
  const text = diagnostic ?? "";
  return CLASSIFICATION_TABLE.findIndex((row) => {
    if (!row.status && !row.diagnostic) return false;
    if (row.status && !(status && row.status.test(status))) return false;
    if (row.diagnostic && !row.diagnostic.test(text)) return false;
    return true;
  });
}

export function classify(input: ClassifyInput): Classification {
  const action =
    input.action
      ?.trim()
      .toLowerCase()
      .split(/[\s;(]/)[0] || null;
  const given = normaliseStatus(input.status);
  const inText = enhancedStatusIn(input.diagnostic);
  // A generic DSN status (5.0.0) says less than the code the remote server gave in its reply.
  const effective =
    given && !(given.endsWith(".0.0") && inText?.[0] === given[0]) ? given : (inText ?? given);
  const index = matchRow(effective, input.diagnostic);
  const row = index >= 0 ? CLASSIFICATION_TABLE[index] : undefined;
  const status = given ?? inText;

  if (action && NOT_FAILURES.has(action)) {
    return { kind: "not-a-bounce", reason: "other", row: null, status };
  }
  const delayed = action === "delayed" || (!action && input.hint === "delayed");
  let kind: Kind;
  if (action === "delayed") kind = "soft";
  else if (action === "failed") kind = "hard";
  else if (input.hint === "delayed") kind = "soft";
  else if (input.hint === "failed") kind = "hard";
  else kind = kindFromCodes(effective, row?.kind, replyCodeIn(input.diagnostic));
  if (kind === "not-a-bounce") return { kind, reason: "other", row: null, status };
  return {
    kind,
    reason: delayed ? "expired/delayed" : (row?.reason ?? "other"),
    row: index >= 0 ? index : null,
    status,
  };
}

function kindFromCodes(status: string | null, rowKind: Kind | undefined, reply: string | null): Kind {
  if (status?.startsWith("5")) return "hard";
  if (status?.startsWith("4")) return "soft";
  if (status?.startsWith("2")) return "not-a-bounce";
  if (rowKind) return rowKind;
  if (reply?.startsWith("5")) return "hard";
  if (reply?.startsWith("4")) return "soft";
  return "soft";
}
