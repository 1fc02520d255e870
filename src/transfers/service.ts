import { asc, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import { createLetter, readComposeInput } from "../correspondence/service.ts";
import type { Executor } from "../db/client.ts";
import { applications } from "../db/schema/files.ts";
import { fileTransfers, transferKinds } from "../db/schema/transfers.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { canReadFilesOf } from "../files/access.ts";
import { FormCheck } from "../files/forms.ts";
import type { ApplicationId, OfficeCode } from "../files/model.ts";
import { type Deps, openFile, type StaffContext } from "../files/service.ts";
import { findOffice, listOffices } from "../files/store.ts";
import { checkDestination, noticeRequired } from "./rules.ts";

// C-21: moving a file to another office. The move, its notice, the file's new office, the ledger event
// and the audit entry are one transaction: a file never changes office without its notice written.

function actorOf(staff: StaffContext): Actor {
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

export type TransferRow = typeof fileTransfers.$inferSelect;

/** The file's moves, oldest first: shown on the file page to whichever office holds it now. */
export async function transfersOf(db: Executor, applicationId: ApplicationId): Promise<TransferRow[]> {
  return db
    .select()
    .from(fileTransfers)
    .where(eq(fileTransfers.applicationId, applicationId))
    .orderBy(asc(fileTransfers.seq));
}

/** The offices a file may be moved to from `current`: every other one. */
export async function destinationsFrom(db: Executor, current: string) {
  return (await listOffices(db)).filter((o) => o.code !== current);
}

/**
 * Moves the file. For processing, the notice (letter type "file-transfer") is written through the same
 * service and checks as any letter (routing C-1..C-4, C-5..C-9), from the office that holds the file
 * now, with the new office's generic mailbox in copy. Returns whether the person can still open the file.
 */
export async function transferFile(deps: Deps, staff: StaffContext, number: string, form: unknown) {
  const file = await openFile(deps, staff, number);
  if (!file.canRecord) throw new AppError("ROLE_NOT_ALLOWED");
  const body = (form ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string).trim() : "");
  const check = new FormCheck();
  const kind = check.choice("kind", transferKinds, str("kind"));
  const toCode = str("toOffice");
  const destination = check.required("toOffice", toCode) ? await findOffice(deps.db, toCode) : undefined;
  if (toCode && !destination) check.fail("toOffice", "UNKNOWN_OFFICE");
  const same = destination && checkDestination(file.application.officeCode, destination.code);
  if (same) check.fail("toOffice", same);
  check.throwIfAny();
  const to = destination!;
  const now = file.at;
  const actor = actorOf(staff);
  await deps.db.transaction(async (tx) => {
    // Two people moving the same file at once: the second sees the office has changed and stops.
    const [locked] = await tx
      .select({ officeCode: applications.officeCode })
      .from(applications)
      .where(eq(applications.id, file.application.id))
      .for("update");
    if (locked?.officeCode !== file.application.officeCode) throw new AppError("NOT_FOUND");
    let noticeId: string | undefined;
    if (noticeRequired(kind!)) {
      const recipient = file.routing.channel === "none" ? "" : file.routing.address;
      noticeId = await createLetter(
        { db: tx, clock: deps.clock },
        staff,
        number,
        readComposeInput({ letterType: "file-transfer", recipient }),
        "send",
        undefined,
        {
          values: {
            new_office_name: { en: to.nameEn, fr: to.nameFr },
            new_office_mailbox: to.genericMailbox,
          },
          cc: to.genericMailbox,
        },
      );
    }
    const [row] = await tx
      .insert(fileTransfers)
      .values({
        applicationId: file.application.id,
        fromOffice: file.application.officeCode,
        toOffice: to.code,
        kind: kind!,
        noticeId: noticeId ?? null,
        at: now,
        by: staff.staffId,
      })
      .returning();
    // The current office is a projection of this history, kept in the same transaction (README).
    await tx
      .update(applications)
      .set({ officeCode: to.code })
      .where(eq(applications.id, file.application.id));
    const details = {
      transfer: row!.seq,
      from: file.application.officeCode,
      to: to.code,
      kind: kind!,
      ...(noticeId ? { notice: noticeId } : {}),
    };
    await appendToLedger(tx, [
      {
        kind: "file-transferred",
        subject: { type: "application", id: file.application.id },
        at: now,
        actor,
        details,
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: "application.transferred",
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
      details,
    });
  });
  return { stillReadable: canReadFilesOf(staff.postings, to.code as OfficeCode) };
}
