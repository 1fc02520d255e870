import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { hearings } from "../db/schema/portal.ts";
import { AppError } from "../errors.ts";
import { canReadFilesOf, canRecordOnFilesOf } from "../files/access.ts";
import { FormCheck, fileNumberPattern } from "../files/forms.ts";
import type { StaffContext } from "../files/service.ts";
import { findApplicationByNumber, findOffice } from "../files/store.ts";
import { wallTimeToInstant } from "../time-zones.ts";
import type { PortalServices } from "./services.ts";

// P-4: a case's hearings, scheduled by staff from the file; My cases shows counsel the next one. A hearing
// is typed as the office's wall-clock time, as staff read it on their calendar.

export type Hearing = typeof hearings.$inferSelect;

/** P-4: staff of the office holding the file schedule a hearing, at a future instant. */
export async function scheduleHearing(
  deps: Pick<PortalServices, "db" | "clock">,
  staff: StaffContext,
  fileNumber: string,
  form: Record<string, unknown>,
): Promise<{ id: string }> {
  const app = fileNumberPattern.test(fileNumber)
    ? await findApplicationByNumber(deps.db, fileNumber)
    : undefined;
  if (!app || !canReadFilesOf(staff.postings, app.officeCode)) throw new AppError("NOT_FOUND");
  if (!canRecordOnFilesOf(staff.postings, app.officeCode)) throw new AppError("ROLE_NOT_ALLOWED");
  const office = await findOffice(deps.db, app.officeCode);
  if (!office) throw new AppError("NOT_FOUND");
  const now = deps.clock.now();
  const check = new FormCheck();
  const typed = typeof form.startsAt === "string" ? form.startsAt.trim() : "";
  let startsAt: Date | undefined;
  if (check.required("startsAt", typed)) {
    startsAt = wallTimeToInstant(typed, office.timeZone);
    // A hearing already begun is not scheduled: it is a typing mistake (the year, AM for PM).
    if (!startsAt) check.fail("startsAt", "INVALID_DATE");
    else if (startsAt.getTime() <= now.getTime()) check.fail("startsAt", "HEARING_IN_PAST");
  }
  check.throwIfAny();
  if (!startsAt) throw new AppError("REQUIRED");
  const id = randomUUID();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(hearings)
      .values({ id, applicationId: app.id, startsAt, recordedAt: now, recordedBy: staff.staffId });
    await recordAudit(tx, actor, now, {
      action: "hearing.scheduled",
      subjectType: "application",
      subjectId: app.id,
      officeCode: app.officeCode,
      details: { hearing: id, startsAt: startsAt.toISOString() },
    });
  });
  return { id };
}

/** The file's hearings, earliest first; callers keep the upcoming ones (`startsAt` after now). */
export async function hearingsOf(db: Executor, applicationId: string): Promise<Hearing[]> {
  return db
    .select()
    .from(hearings)
    .where(eq(hearings.applicationId, applicationId))
    .orderBy(asc(hearings.startsAt));
}
