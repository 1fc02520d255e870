import { and, asc, eq, inArray, isNotNull, notExists, sql } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { correspondence, fileNotes } from "../db/schema/correspondence.ts";
import { applications } from "../db/schema/files.ts";
import { offices } from "../db/schema/offices.ts";
import { AppError } from "../errors.ts";
import type { Deps, StaffContext } from "../files/service.ts";
import type { Job } from "../jobs/scheduler.ts";
import { instantToWallTime } from "../time-zones.ts";
import { type DeadlineEvent, deadlinePassedNote, effectiveDeadline, isDeadlinePassed } from "./notes.ts";
import { addDays } from "./rules.ts";
import { openLetter } from "./service.ts";
import { appendLetterEvent, eventsOfLetters, type LetterEvent } from "./store.ts";

// Deadlines after the letter left (C-14, C-15): a response or an extension is recorded on the letter as
// an event; a sweep writes the mandated note on every file whose deadline passed with no response.

function deadlineEventsOf(events: readonly LetterEvent[]): DeadlineEvent[] {
  return events.flatMap((e): DeadlineEvent[] =>
    e.kind === "response-recorded"
      ? [{ kind: "response-recorded", at: e.at }]
      : e.kind === "extension-recorded"
        ? [{ kind: "extension-recorded", newDeadline: String(e.details.newDeadline), at: e.at }]
        : [],
  );
}

/** The deadline a letter is held to now, or undefined for a letter without one. */
export function deadlineInForce(letter: { deadline: string | null }, events: readonly LetterEvent[]) {
  return letter.deadline ? effectiveDeadline(letter.deadline, deadlineEventsOf(events)) : undefined;
}

async function openDeadlineLetter(deps: Deps, staff: StaffContext, id: string) {
  const opened = await openLetter(deps, staff, id);
  if (!opened.canAct) throw new AppError("ROLE_NOT_ALLOWED");
  const inForce = deadlineInForce(opened.letter, opened.events);
  if (!inForce || (opened.state !== "sent" && opened.state !== "delivered-by-post"))
    throw new AppError("LETTER_NOT_IN_STATE");
  if (inForce.stoppedBy === "response") throw new AppError("LETTER_NOT_IN_STATE");
  return { ...opened, inForce };
}

/** C-15: the person answered (documents received, or attended): the deadline stops. */
export async function recordResponse(deps: Deps, staff: StaffContext, id: string) {
  const { letter } = await openDeadlineLetter(deps, staff, id);
  const now = deps.clock.now();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    await appendLetterEvent(tx, id, "response-recorded", now, actor, {});
    await recordAudit(tx, actor, now, {
      action: "letter.response-recorded",
      subjectType: "correspondence",
      subjectId: id,
      officeCode: letter.officeCode,
    });
  });
}

/** C-15: the person asked for more time and it was granted: the deadline moves to a later date. */
export async function recordExtension(
  deps: Deps,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
) {
  const { letter, inForce } = await openDeadlineLetter(deps, staff, id);
  const newDeadline = typeof form.newDeadline === "string" ? form.newDeadline.trim() : "";
  if (!newDeadline) throw new AppError("REQUIRED", [{ field: "newDeadline", code: "REQUIRED" }]);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(newDeadline) || addDays(newDeadline, 0) !== newDeadline)
    throw new AppError("INVALID_DATE", [{ field: "newDeadline", code: "INVALID_DATE" }]);
  // An extension gives more time, never less (C-6 applies to the new date too).
  if (newDeadline <= inForce.deadline)
    throw new AppError("DEADLINE_TOO_SHORT", [{ field: "newDeadline", code: "DEADLINE_TOO_SHORT" }]);
  const now = deps.clock.now();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    await appendLetterEvent(tx, id, "extension-recorded", now, actor, {
      previousDeadline: inForce.deadline,
      newDeadline,
    });
    await recordAudit(tx, actor, now, {
      action: "letter.extension-recorded",
      subjectType: "correspondence",
      subjectId: id,
      officeCode: letter.officeCode,
    });
  });
}

/**
 * C-14: the sweep. Takes a bounded page of letters with a deadline, sent or posted, whose note is not
 * written yet; for each whose deadline in force has passed on the office's calendar with no response,
 * writes the mandated note (FR and EN) and a "deadline-passed" event in one transaction. The note's
 * uniqueness per letter makes a second run, or two workers at once, harmless.
 */
export async function writeDeadlineNotes(db: Executor, now: Date, page = 1000): Promise<number> {
  const candidates = await db
    .select({
      letter: correspondence,
      lineOfBusiness: applications.lineOfBusiness,
      timeZone: offices.timeZone,
    })
    .from(correspondence)
    .innerJoin(applications, eq(applications.id, correspondence.applicationId))
    .innerJoin(offices, eq(offices.code, correspondence.officeCode))
    .where(
      and(
        isNotNull(correspondence.deadline),
        // C-23: a reopened file's decision letter gives a new date for the documents; it is followed too.
        inArray(correspondence.letterType, [
          "request-documents",
          "interview-convocation",
          "reconsideration-decision",
        ]),
        // The earliest a deadline can have passed anywhere on Earth: a day of margin for time zones.
        sql`${correspondence.deadline} < ${addDays(now.toISOString().slice(0, 10), 1)}::date`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(fileNotes)
            .where(
              and(eq(fileNotes.correspondenceId, correspondence.id), eq(fileNotes.kind, "deadline-passed")),
            ),
        ),
      ),
    )
    .orderBy(asc(correspondence.deadline))
    .limit(page);
  if (candidates.length === 0) return 0;
  const events = await eventsOfLetters(
    db,
    candidates.map((c) => c.letter.id),
  );
  let written = 0;
  for (const { letter, lineOfBusiness, timeZone } of candidates) {
    const mine = events.get(letter.id) ?? [];
    const sent = mine.find((e) => e.kind === "sent" || e.kind === "delivered-by-post");
    const inForce = deadlineInForce(letter, mine);
    if (!sent || !inForce) continue;
    const today = instantToWallTime(now, timeZone).slice(0, 10);
    if (!isDeadlinePassed(inForce, today)) continue;
    const askedForMoreTime = mine.some((e) => e.kind === "extension-recorded");
    const note = deadlinePassedNote({
      // What the letter asked for: an interview, or documents (a request, or a reopening's new chance).
      letterType:
        letter.letterType === "interview-convocation" ? "interview-convocation" : "request-documents",
      lineOfBusiness,
      channel: sent.kind === "sent" ? "email" : "post",
      recipientRole: letter.recipientRole,
      sentAt: sent.at,
      deadline: inForce.deadline,
      timeZone,
      outcome: askedForMoreTime ? "asked-for-more-time" : "did-not-comply",
    });
    const inserted = await db.transaction(async (tx) => {
      const rows = await tx
        .insert(fileNotes)
        .values({
          applicationId: letter.applicationId,
          correspondenceId: letter.id,
          kind: "deadline-passed",
          textEn: note.en,
          textFr: note.fr,
          at: now,
        })
        .onConflictDoNothing()
        .returning({ seq: fileNotes.seq });
      if (rows.length === 0) return false;
      await appendLetterEvent(
        tx,
        letter.id,
        "deadline-passed",
        now,
        { kind: "job", name: "deadlines" },
        {
          deadline: inForce.deadline,
          outcome: askedForMoreTime ? "asked-for-more-time" : "did-not-comply",
        },
      );
      await recordAudit(tx, { kind: "job", name: "deadlines" }, now, {
        action: "letter.deadline-passed",
        subjectType: "correspondence",
        subjectId: letter.id,
        officeCode: letter.officeCode,
      });
      return true;
    });
    if (inserted) written++;
  }
  return written;
}

export const deadlineSweep: Job = {
  name: "deadline-notes",
  everyMs: 5 * 60_000,
  run: async ({ db, clock }) => ({ done: await writeDeadlineNotes(db, clock.now()) }),
};
