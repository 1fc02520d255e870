import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Actor } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { insertMany } from "../db/insert-many.ts";
import {
  correspondence,
  correspondenceAttachments,
  correspondenceEvents,
  fileNotes,
  letterTemplates,
  outbox,
  responsePeriods,
  sealedMessages,
} from "../db/schema/correspondence.ts";
import { jsonDetails } from "../evidence/canonical.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { defaultTemplates } from "./default-templates.ts";
import { type LetterType, letterTypes } from "./letter-types.ts";
import type { CorrespondenceState, ResponsePeriod } from "./rules.ts";

export type LetterRow = typeof correspondence.$inferSelect;
export type LetterEvent = typeof correspondenceEvents.$inferSelect;
export type TemplateRow = typeof letterTemplates.$inferSelect;
export type AttachmentRow = typeof correspondenceAttachments.$inferSelect;

/** The agency-wide default periods of C-6, used until an office admin records others. */
export const defaultResponseDays: Partial<Record<LetterType, number>> = {
  "request-documents": 30,
  "interview-convocation": 21,
};

/**
 * Puts the shipped templates (version 1, agency-wide) and default response periods in an empty
 * database. Idempotent: run at every start; an existing version 1 is left as it is.
 */
export async function ensureCorrespondenceDefaults(db: Executor, now: Date): Promise<void> {
  await db
    .insert(letterTemplates)
    .values(
      letterTypes.map((type) => ({
        id: randomUUID(),
        officeCode: null,
        letterType: type,
        version: 1,
        ...defaultTemplates[type],
        createdAt: now,
      })),
    )
    .onConflictDoNothing();
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(responsePeriods);
  if ((existing?.n ?? 0) === 0) {
    await db.insert(responsePeriods).values(
      Object.entries(defaultResponseDays).map(([letterType, days]) => ({
        country: "*",
        letterType: letterType as LetterType,
        days,
        effectiveFrom: new Date("2000-01-01T00:00:00Z"),
        recordedAt: now,
      })),
    );
  }
}

/** The template a letter of this type uses at this office: the office's latest version, else the agency's. */
export async function currentTemplate(
  db: Executor,
  officeCode: string,
  type: LetterType,
): Promise<TemplateRow | undefined> {
  const rows = await db
    .select()
    .from(letterTemplates)
    .where(
      and(
        eq(letterTemplates.letterType, type),
        or(eq(letterTemplates.officeCode, officeCode), isNull(letterTemplates.officeCode)),
      ),
    )
    .orderBy(sql`${letterTemplates.officeCode} is null`, desc(letterTemplates.version))
    .limit(1);
  return rows[0];
}

export async function listResponsePeriods(db: Executor): Promise<ResponsePeriod[]> {
  const rows = await db.select().from(responsePeriods).orderBy(asc(responsePeriods.seq));
  return rows.map((r) => ({
    seq: r.seq,
    country: r.country,
    letterType: r.letterType,
    days: r.days,
    effectiveFrom: r.effectiveFrom,
  }));
}

export async function findLetter(db: Executor, id: string): Promise<LetterRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(correspondence).where(eq(correspondence.id, id)).limit(1);
  return row;
}

/**
 * Locks the letter for the rest of the transaction, so two changes of its state (cancel and send, two
 * cancels) are made one after the other, each seeing the other's event.
 */
export async function lockLetter(tx: Executor, id: string): Promise<void> {
  await tx
    .select({ id: correspondence.id })
    .from(correspondence)
    .where(eq(correspondence.id, id))
    .for("update");
}

export async function letterEvents(db: Executor, id: string): Promise<LetterEvent[]> {
  return db
    .select()
    .from(correspondenceEvents)
    .where(eq(correspondenceEvents.correspondenceId, id))
    .orderBy(asc(correspondenceEvents.seq));
}

const stateKinds: readonly string[] = [
  "draft",
  "generated",
  "sent",
  "bounced",
  "delivered-by-post",
  "cancelled",
];

/** The C-12 state: the latest state event of the letter. */
export function stateOf(events: readonly Pick<LetterEvent, "kind">[]): CorrespondenceState {
  const last = [...events].reverse().find((e) => stateKinds.includes(e.kind));
  return (last?.kind ?? "draft") as CorrespondenceState;
}

export type LetterEventKind = (typeof correspondenceEvents.$inferInsert)["kind"];

export interface NewLetterEvent {
  letterId: string;
  kind: LetterEventKind;
  at: Date;
  actor: Actor;
  details?: Record<string, unknown>;
}

/**
 * Records events of letters and puts each on the ledger in the same transaction (B-2). A draft is not
 * on the ledger: it was never sent and is not part of any proof.
 */
export async function appendLetterEvents(tx: Executor, events: readonly NewLetterEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    correspondenceId: e.letterId,
    kind: e.kind,
    at: e.at,
    actorKind: e.actor.kind,
    actorId: e.actor.kind === "staff" ? e.actor.staffId : e.actor.name,
    details: e.details ?? {},
  }));
  await insertMany(tx, correspondenceEvents, rows);
  await appendToLedger(
    tx,
    events
      .filter((e) => e.kind !== "draft")
      .map((e) => ({
        kind: e.kind as Exclude<LetterEventKind, "draft">,
        subject: { type: "correspondence", id: e.letterId },
        at: e.at,
        actor: e.actor,
        details: jsonDetails(e.details ?? {}),
      })),
  );
}

/** Appends one event to a letter's history, inside the transaction of the change it records. */
export async function appendLetterEvent(
  tx: Executor,
  letterId: string,
  kind: LetterEventKind,
  at: Date,
  actor: Actor,
  details: Record<string, unknown> = {},
): Promise<void> {
  await appendLetterEvents(tx, [{ letterId, kind, at, actor, details }]);
}

/** The histories of several letters in one query, each in order. */
export async function eventsOfLetters(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, LetterEvent[]>> {
  const byLetter = new Map<string, LetterEvent[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byLetter;
  // Ordered as the index (letter, seq) is: ordered by seq alone, the planner could walk the whole table
  // in seq order (seen as a parallel scan per dispatcher pass during a 30,000-letter batch).
  const events = await db
    .select()
    .from(correspondenceEvents)
    .where(inArray(correspondenceEvents.correspondenceId, [...ids]))
    .orderBy(asc(correspondenceEvents.correspondenceId), asc(correspondenceEvents.seq));
  for (const e of events) byLetter.get(e.correspondenceId)?.push(e);
  return byLetter;
}

export async function lettersOfApplication(db: Executor, applicationId: string) {
  const letters = await db
    .select()
    .from(correspondence)
    .where(eq(correspondence.applicationId, applicationId))
    .orderBy(desc(correspondence.createdAt));
  const events = await eventsOfLetters(
    db,
    letters.map((l) => l.id),
  );
  return letters.map((l) => {
    const mine = events.get(l.id) ?? [];
    return { letter: l, events: mine, state: stateOf(mine) };
  });
}

export async function findSealed(db: Executor, id: string) {
  const [row] = await db
    .select()
    .from(sealedMessages)
    .where(eq(sealedMessages.correspondenceId, id))
    .limit(1);
  return row;
}

/** Letters by id, in no particular order (the dispatcher's batches). */
export async function lettersByIds(db: Executor, ids: readonly string[]): Promise<LetterRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(correspondence)
    .where(inArray(correspondence.id, [...ids]));
}

export async function sealedOfLetters(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(sealedMessages)
    .where(inArray(sealedMessages.correspondenceId, [...ids]));
}

export async function attachmentsOfLetters(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, AttachmentRow[]>> {
  const byLetter = new Map<string, AttachmentRow[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byLetter;
  const rows = await db
    .select()
    .from(correspondenceAttachments)
    .where(inArray(correspondenceAttachments.correspondenceId, [...ids]))
    .orderBy(asc(correspondenceAttachments.correspondenceId), asc(correspondenceAttachments.position));
  for (const r of rows) byLetter.get(r.correspondenceId)?.push(r);
  return byLetter;
}

/** The files a letter carries, in the order they were attached (and are sealed in). */
export async function attachmentsOf(db: Executor, id: string): Promise<AttachmentRow[]> {
  return db
    .select()
    .from(correspondenceAttachments)
    .where(eq(correspondenceAttachments.correspondenceId, id))
    .orderBy(asc(correspondenceAttachments.position));
}

export async function notesOfApplication(db: Executor, applicationId: string) {
  return db
    .select()
    .from(fileNotes)
    .where(eq(fileNotes.applicationId, applicationId))
    .orderBy(asc(fileNotes.seq));
}

/**
 * Claims up to `limit` letters due at `now` (principle 4): locked with SKIP LOCKED so several workers
 * never take the same row, and leased by pushing the next attempt forward, so a worker that dies
 * mid-send leaves the letter to be taken again once the lease ends.
 */
export async function claimDueLetters(
  db: Executor,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<{ id: string; attempts: number }[]> {
  // One statement: the due rows are locked (skipping those another dispatcher holds) and leased at once.
  const due = db
    .select({ id: outbox.correspondenceId })
    .from(outbox)
    .where(lte(outbox.nextAttemptAt, now))
    // A letter an agent sent goes before a batch's (priority 0 before 1, C-20).
    .orderBy(asc(outbox.priority), asc(outbox.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const leasedUntil = new Date(now.getTime() + leaseMs);
  const claimed = await db
    .update(outbox)
    .set({ nextAttemptAt: leasedUntil, leasedUntil, attempts: sql`${outbox.attempts} + 1` })
    .where(inArray(outbox.correspondenceId, due))
    .returning({ id: outbox.correspondenceId, attempts: outbox.attempts, priority: outbox.priority });
  // RETURNING keeps no order: the rate limits must spend their tokens on single letters first.
  return claimed.sort((a, b) => a.priority - b.priority).map(({ id, attempts }) => ({ id, attempts }));
}
