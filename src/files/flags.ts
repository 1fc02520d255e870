import { desc, eq, inArray } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { fileFlags } from "../db/schema/bounces.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { type Deps, openFile, type StaffContext } from "./service.ts";

// B-7 (Asoyan 2015 FC 206): once a party tells the agency they are not receiving its emails, the file is
// flagged, and later letters need a second channel (email and post) until the flag is cleared. The flag
// is history (set, cleared), each change on the ledger: it may matter in a later dispute.

export interface NotReceivingFlag {
  since: Date;
  reason: string;
}

export async function notReceivingFlag(
  db: Executor,
  applicationId: string,
): Promise<NotReceivingFlag | undefined> {
  const [last] = await db
    .select()
    .from(fileFlags)
    .where(eq(fileFlags.applicationId, applicationId))
    .orderBy(desc(fileFlags.seq))
    .limit(1);
  return last?.action === "set" ? { since: last.at, reason: last.reason } : undefined;
}

/** The files among these that are flagged now: one query for a batch's chunk (C-19). */
export async function filesNotReceiving(
  db: Executor,
  applicationIds: readonly string[],
): Promise<Set<string>> {
  if (applicationIds.length === 0) return new Set();
  const rows = await db
    .selectDistinctOn([fileFlags.applicationId], {
      applicationId: fileFlags.applicationId,
      action: fileFlags.action,
    })
    .from(fileFlags)
    .where(inArray(fileFlags.applicationId, [...new Set(applicationIds)]))
    .orderBy(fileFlags.applicationId, desc(fileFlags.seq));
  return new Set(rows.filter((r) => r.action === "set").map((r) => r.applicationId));
}

export async function setNotReceivingFlag(deps: Deps, staff: StaffContext, number: string, form: unknown) {
  await changeFlag(deps, staff, number, "set", form);
}

export async function clearNotReceivingFlag(deps: Deps, staff: StaffContext, number: string, form: unknown) {
  await changeFlag(deps, staff, number, "cleared", form);
}

async function changeFlag(
  deps: Deps,
  staff: StaffContext,
  number: string,
  action: "set" | "cleared",
  form: unknown,
) {
  const file = await openFile(deps, staff, number);
  if (!file.canRecord) throw new AppError("ROLE_NOT_ALLOWED");
  const reason =
    typeof (form as { reason?: unknown })?.reason === "string"
      ? (form as { reason: string }).reason.trim()
      : "";
  if (action === "set" && reason === "")
    throw new AppError("REQUIRED", [{ field: "reason", code: "REQUIRED" }]);
  if (reason.length > 1000) throw new AppError("TOO_LONG", [{ field: "reason", code: "TOO_LONG" }]);
  const current = await notReceivingFlag(deps.db, file.application.id);
  if ((action === "set") === Boolean(current)) return;
  const now = deps.clock.now();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    await tx.insert(fileFlags).values({
      applicationId: file.application.id,
      flag: "not-receiving-email",
      action,
      reason,
      at: now,
      by: staff.staffId,
    });
    await appendToLedger(tx, [
      {
        kind: "file-flagged",
        subject: { type: "application", id: file.application.id },
        at: now,
        actor,
        details: { flag: "not-receiving-email", action, reason },
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: `file.not-receiving-email.${action}`,
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
    });
  });
}
