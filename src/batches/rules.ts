import type { LetterType } from "../correspondence/letter-types.ts";
import { addDays, isIsoDate } from "../correspondence/rules.ts";
import { applicationStatuses, linesOfBusiness } from "../db/schema/files.ts";
import type { ErrorCode, FieldProblem } from "../errors.ts";
import { formText } from "../files/forms.ts";
import type { ApplicationStatus, LineOfBusiness, OfficeCode } from "../files/model.ts";

// Pure rules of a batch (SPEC C-19, C-20): which files it chooses, which letters it may write, the
// deadline each letter gets, whether it can leave within 24 hours, and what became of each letter.

/**
 * C-19: the letters a batch may write. A request for documents, a convocation (a ceremony, a session)
 * and a general letter say the same thing to many people; an approval, a refusal, a transfer notice or a
 * reconsideration decision is a decision on one file and is written from that file.
 */
export const batchLetterTypes = [
  "request-documents",
  "interview-convocation",
  "general",
] as const satisfies readonly LetterType[];
export type BatchLetterType = (typeof batchLetterTypes)[number];

/** C-19: how files are chosen. Every criterion is optional but the office; they all must hold. */
export interface BatchCriteria {
  office: OfficeCode;
  lineOfBusiness?: LineOfBusiness;
  status?: ApplicationStatus;
  /** "YYYY-MM-DD", inclusive, in the office's zone: the day the application was received. */
  receivedFrom?: string;
  receivedTo?: string;
  /** Whether a representative is declared on the file now. */
  represented?: "yes" | "no";
}

/** C-6 for a batch: a number of days after the day each letter is written, or one date for all. */
export type DeadlineRule = { kind: "none" } | { kind: "days"; days: number } | { kind: "date"; date: string };

/**
 * Reads the criteria part of a batch form. `offices` are those the person may record on; a batch is
 * written by one office, to its own files.
 */
export function readCriteria(
  form: Record<string, unknown>,
  offices: readonly OfficeCode[],
): { criteria?: BatchCriteria; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const fail = (field: string, code: ErrorCode) => problems.push({ field, code });
  const office = (formText(form, "office").toUpperCase() || offices[0] || "") as OfficeCode;
  if (!offices.includes(office)) fail("office", office ? "INVALID_CHOICE" : "REQUIRED");
  const criteria: BatchCriteria = { office };
  const lob = formText(form, "lineOfBusiness");
  if (lob) {
    if ((linesOfBusiness as readonly string[]).includes(lob)) criteria.lineOfBusiness = lob as LineOfBusiness;
    else fail("lineOfBusiness", "INVALID_CHOICE");
  }
  const status = formText(form, "status");
  if (status) {
    if ((applicationStatuses as readonly string[]).includes(status))
      criteria.status = status as ApplicationStatus;
    else fail("status", "INVALID_CHOICE");
  }
  for (const k of ["receivedFrom", "receivedTo"] as const) {
    const v = formText(form, k);
    if (!v) continue;
    if (isIsoDate(v)) criteria[k] = v;
    else fail(k, "INVALID_DATE");
  }
  if (criteria.receivedFrom && criteria.receivedTo && criteria.receivedFrom > criteria.receivedTo)
    fail("receivedTo", "INVALID_DATE");
  const represented = formText(form, "represented");
  if (represented) {
    if (represented === "yes" || represented === "no") criteria.represented = represented;
    else fail("represented", "INVALID_CHOICE");
  }
  return problems.length > 0 ? { problems } : { criteria, problems };
}

/** Reads the deadline rule: "days" (with a number of days), "date" (with a date), or none. */
export function readDeadlineRule(form: Record<string, unknown>): {
  rule?: DeadlineRule;
  problems: FieldProblem[];
} {
  const kind = formText(form, "deadlineRule") || "none";
  if (kind === "none") return { rule: { kind: "none" }, problems: [] };
  if (kind === "days") {
    const days = Number(formText(form, "deadlineDays"));
    if (!Number.isInteger(days) || days < 1 || days > 365)
      return { problems: [{ field: "deadlineDays", code: "INVALID_CHOICE" }] };
    return { rule: { kind, days }, problems: [] };
  }
  if (kind === "date") {
    const date = formText(form, "deadlineDate");
    if (!isIsoDate(date))
      return { problems: [{ field: "deadlineDate", code: date ? "INVALID_DATE" : "REQUIRED" }] };
    return { rule: { kind, date }, problems: [] };
  }
  return { problems: [{ field: "deadlineRule", code: "INVALID_CHOICE" }] };
}

/** The deadline of a letter written on `today` ("YYYY-MM-DD" in the office's zone), or "" for none. */
export function deadlineFor(rule: DeadlineRule, today: string): string {
  if (rule.kind === "days") return addDays(today, rule.days);
  if (rule.kind === "date") return rule.date;
  return "";
}

/** C-20: the batch must be able to leave within the 24 hours at the office's rate. */
export const sendingWindowMs = 24 * 60 * 60 * 1000;

export function fitsSendingWindow(letters: number, officePerMinute: number): boolean {
  return officePerMinute > 0 && letters / officePerMinute <= sendingWindowMs / 60_000;
}

/**
 * C-20: what became of one member of a batch. `waiting`: its letter is not written yet; `pending`: written,
 * not yet accepted by the relay (queued, or retrying after a temporary failure); `to-post`: routed to the
 * post and waiting to be printed; `posted`: mailed; `failed`: the file failed a check (`reason` is its
 * code) or the letter was cancelled.
 */
export const batchOutcomes = [
  "waiting",
  "pending",
  "sent",
  "bounced",
  "to-post",
  "posted",
  "failed",
] as const;
export type BatchOutcome = (typeof batchOutcomes)[number];

/** The events of a letter that decide its outcome in a batch's account. */
export const outcomeEventKinds = [
  "sent",
  "bounced",
  "routed-to-post",
  "delivered-by-post",
  "cancelled",
] as const;

export function outcomeOf(member: {
  generated: boolean;
  problem: string | null;
  channel: "email" | "post" | null;
  /** Which of `outcomeEventKinds` the letter has had. */
  kinds: readonly string[];
}): BatchOutcome {
  if (!member.generated) return "waiting";
  if (member.problem) return "failed";
  const had = (k: string) => member.kinds.includes(k);
  if (had("cancelled")) return "failed";
  // A bounce is told even once the letter went on by post: the account says what happened to the email.
  if (had("bounced")) return "bounced";
  if (had("delivered-by-post")) return "posted";
  if (had("routed-to-post") || member.channel === "post") return "to-post";
  if (had("sent")) return "sent";
  return "pending";
}

export type BatchCounts = Record<BatchOutcome, number>;

export function emptyCounts(): BatchCounts {
  return Object.fromEntries(batchOutcomes.map((o) => [o, 0])) as BatchCounts;
}

/** A batch is over when no letter is waiting to be written or to be accepted. */
export function isFinished(counts: BatchCounts): boolean {
  return counts.waiting === 0 && counts.pending === 0;
}
