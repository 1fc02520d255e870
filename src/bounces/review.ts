import { type Actor, recordAudit } from "../audit/record.ts";
import { findLetter } from "../correspondence/store.ts";
import type { Executor } from "../db/client.ts";
import { inboundReviews } from "../db/schema/bounces.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { canReadFilesOf, canRecordOnFilesOf } from "../files/access.ts";
import type { OfficeCode } from "../files/model.ts";
import type { StaffContext } from "../files/service.ts";
import { actOnReport, type IntakeDeps } from "./intake.ts";
import type { ParsedReport } from "./parse.ts";
import { findInbound, type InboundRow } from "./store.ts";

// The review queue of /agent/bounces (C-16): a report no letter was found for is matched by hand to the
// letter it is about (and then acts on it as if matched on arrival), or set aside as about no letter of
// ours. Either decision is final, recorded, and on the ledger.

const actorOf = (staff: StaffContext): Actor => ({ kind: "staff", staffId: staff.staffId, ip: staff.ip });

async function openForReview(deps: IntakeDeps, staff: StaffContext, inboundId: string) {
  const report = await findInbound(deps.db, inboundId);
  if (!report || !canReadFilesOf(staff.postings, report.officeCode as OfficeCode))
    throw new AppError("NOT_FOUND");
  if (!canRecordOnFilesOf(staff.postings, report.officeCode as OfficeCode))
    throw new AppError("ROLE_NOT_ALLOWED");
  if (report.correspondenceId) throw new AppError("REPORT_ALREADY_REVIEWED");
  return report;
}

/** Writes a review decision once (a second one is refused), on the ledger and in the audit trail. */
async function decide(
  tx: Executor,
  staff: StaffContext,
  report: InboundRow,
  now: Date,
  decision: { outcome: "matched"; correspondenceId: string } | { outcome: "dismissed" },
): Promise<void> {
  const correspondenceId = decision.outcome === "matched" ? decision.correspondenceId : null;
  const [row] = await tx
    .insert(inboundReviews)
    .values({
      inboundMessageId: report.id,
      outcome: decision.outcome,
      correspondenceId,
      at: now,
      by: staff.staffId,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("REPORT_ALREADY_REVIEWED");
  await appendToLedger(tx, [
    {
      kind: "inbound-report",
      subject: { type: "inbound-report", id: report.id },
      at: now,
      actor: actorOf(staff),
      details: { review: decision.outcome, correspondence: correspondenceId },
    },
  ]);
  await recordAudit(tx, actorOf(staff), now, {
    action: decision.outcome === "matched" ? "mailbox.report-matched-by-hand" : "mailbox.report-dismissed",
    subjectType: "inbound-report",
    subjectId: report.id,
    officeCode: report.officeCode,
    ...(correspondenceId ? { details: { correspondence: correspondenceId } } : {}),
  });
}

export async function matchReportByHand(
  deps: IntakeDeps,
  staff: StaffContext,
  inboundId: string,
  letterId: string,
): Promise<string> {
  const report = await openForReview(deps, staff, inboundId);
  const id = letterId.trim().toLowerCase();
  const letter = /^[0-9a-f-]{36}$/.test(id) ? await findLetter(deps.db, id) : undefined;
  // A letter of another office is as unknown as one that does not exist.
  if (!letter || !canReadFilesOf(staff.postings, letter.officeCode as OfficeCode))
    throw new AppError("LETTER_NOT_FOUND", [{ field: "letter", code: "LETTER_NOT_FOUND" }]);
  const now = deps.clock.now();
  const recipients = (report.report.recipients ?? []) as ParsedReport["recipients"];
  const line =
    recipients.find((r) => r.recipient?.toLowerCase() === letter.address.toLowerCase()) ?? recipients[0];
  return deps.db.transaction(async (tx) => {
    await decide(tx, staff, report, now, { outcome: "matched", correspondenceId: letter.id });
    return actOnReport(tx, letter, report.id, line, now);
  });
}

export async function dismissReport(deps: IntakeDeps, staff: StaffContext, inboundId: string): Promise<void> {
  const report = await openForReview(deps, staff, inboundId);
  const now = deps.clock.now();
  await deps.db.transaction((tx) => decide(tx, staff, report, now, { outcome: "dismissed" }));
}
