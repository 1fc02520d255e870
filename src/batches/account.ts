import { csvBom, csvRow } from "../csv.ts";
import type { Executor } from "../db/client.ts";
import { outcomeOf } from "./rules.ts";
import { type AccountLine, accountPage } from "./store.ts";

// C-20: the account of a batch as CSV (RFC 4180), one line per member whatever became of it: the web page's
// download and `liaison batch account` write the same bytes.

export const accountHeader = [
  "file",
  "letter",
  "recipient_role",
  "channel",
  "outcome",
  "reason",
  "accepted_at",
  "smtp_reply",
] as const;

export function accountRow(line: AccountLine): string[] {
  const outcome = outcomeOf({
    generated: line.letterId !== null || line.problem !== null,
    problem: line.problem,
    channel: line.channel,
    kinds: line.kinds,
  });
  const reason = line.problem ?? (outcome === "failed" ? (line.cancelReason ?? "cancelled") : "");
  return [
    line.file,
    line.letterId ?? "",
    line.recipientRole ?? "",
    line.channel ?? "",
    outcome,
    reason,
    line.sentAt?.toISOString() ?? "",
    line.smtpReply ?? "",
  ];
}

/**
 * The CSV, a line at a time (CRLF ends), read from the database a page at a time: a batch of 100,000
 * letters is never held in memory. It starts with a byte-order mark so spreadsheet programs read the
 * accents as UTF-8.
 */
export async function* accountCsv(db: Executor, batchId: string, pageSize = 1000): AsyncGenerator<string> {
  yield csvBom + csvRow(accountHeader);
  let after = 0;
  for (;;) {
    const page = await accountPage(db, batchId, after, pageSize);
    if (page.length === 0) return;
    yield page.map((l) => csvRow(accountRow(l))).join("");
    after = page.at(-1)!.seq;
  }
}
