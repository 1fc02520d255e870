import { readFile } from "node:fs/promises";
import { parseReport } from "./parse.ts";

// `liaison bounces classify FILE.eml…`: reads saved reports and prints what parseReport makes of them,
// one JSON line per failed recipient, without touching the database. For checking a report by hand
// before trusting the automatic matching, and for collecting new layouts to add as fixtures.

export interface ClassifyLine {
  file: string;
  kind: string;
  reason: string;
  recipient: string | null;
  status: string | null;
  action: string | null;
  diagnostic: string | null;
  originalMessageId: string | null;
}

/**
 * Prints one line per failed (hard or soft) recipient in report order; a report with none prints one
 * "not-a-bounce" line. A file that cannot be read is reported on `err` and the others still run; the
 * exit code is then 1. No file at all: usage on `err`, exit code 2.
 */
export async function classifyFilesCommand(
  paths: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  if (paths.length === 0) {
    err("usage: liaison bounces classify FILE.eml…");
    return 2;
  }
  let exitCode = 0;
  for (const file of paths) {
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (e) {
      err(`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
      exitCode = 1;
      continue;
    }
    try {
      for (const line of classifyLines(file, raw)) out(JSON.stringify(line));
    } catch (e) {
      // Only a failing `out` can land here: parseReport itself never throws.
      err(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      exitCode = 1;
    }
  }
  return exitCode;
}

export function classifyLines(file: string, raw: Buffer): ClassifyLine[] {
  const report = parseReport(raw);
  const failed = report.recipients.filter((r) => r.kind !== "not-a-bounce");
  const shown = failed.length ? failed : report.recipients.slice(0, 1);
  return shown.map((r) => ({
    file,
    kind: r.kind,
    reason: r.reason,
    recipient: r.recipient,
    status: r.status,
    action: r.action,
    diagnostic: r.diagnostic,
    originalMessageId: report.originalMessageId,
  }));
}
