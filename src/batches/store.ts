import { and, asc, desc, eq, gt, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { resultRows } from "../db/result-rows.ts";
import { batches, batchMembers, batchResults, batchStops } from "../db/schema/batches.ts";
import { correspondence, correspondenceEvents, outbox } from "../db/schema/correspondence.ts";
import { applications, parties, representations } from "../db/schema/files.ts";
import type { OfficeCode } from "../files/model.ts";
import { wallTimeToInstant } from "../time-zones.ts";
import { type BatchCounts, type BatchCriteria, emptyCounts, outcomeEventKinds, outcomeOf } from "./rules.ts";

export type BatchRow = typeof batches.$inferSelect;

/** The files matching the criteria at `now`, as a condition on `applications`. */
function matching(c: BatchCriteria, timeZone: string, now: Date): SQL {
  const conditions: SQL[] = [eq(applications.officeCode, c.office)];
  if (c.lineOfBusiness) conditions.push(eq(applications.lineOfBusiness, c.lineOfBusiness));
  if (c.status) conditions.push(eq(applications.status, c.status));
  // Days are the office's: "received on the 3rd" means the 3rd where the file is handled.
  const from = c.receivedFrom && wallTimeToInstant(`${c.receivedFrom}T00:00`, timeZone);
  if (from) conditions.push(gte(applications.receivedAt, from));
  const to = c.receivedTo && wallTimeToInstant(`${c.receivedTo}T00:00`, timeZone);
  if (to) conditions.push(lt(applications.receivedAt, new Date(to.getTime() + 86_400_000)));
  if (c.represented) {
    // The latest representation event in force (files/rules.ts representationAt, as a query).
    const latest = sql`(select r.kind from ${representations} r
      where r.application_id = ${applications.id} and r.effective_at <= ${now}
      order by r.effective_at desc, r.seq desc limit 1)`;
    conditions.push(
      c.represented === "yes"
        ? sql`${latest} = 'declared'`
        : sql`coalesce(${latest}, 'withdrawn') <> 'declared'`,
    );
  }
  return and(...conditions) as SQL;
}

export async function countMatching(db: Executor, c: BatchCriteria, timeZone: string, now: Date) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(applications)
    .where(matching(c, timeZone, now));
  return row?.n ?? 0;
}

/** A few of the matching files, in file-number order, so the agent sees what the criteria catch. */
export async function sampleMatching(
  db: Executor,
  c: BatchCriteria,
  timeZone: string,
  now: Date,
  limit = 10,
) {
  return db
    .select({
      number: applications.number,
      status: applications.status,
      lineOfBusiness: applications.lineOfBusiness,
      applicantName: sql<string>`(select p.name from ${parties} p where p.application_id = "applications"."id" and p.role = 'applicant' limit 1)`,
    })
    .from(applications)
    .where(matching(c, timeZone, now))
    .orderBy(asc(applications.number))
    .limit(limit);
}

/**
 * Writes the batch and fixes its members in one statement, in file-number order: however many files
 * match, none passes through this process. Returns how many there are.
 */
export async function insertBatch(
  tx: Executor,
  row: Omit<typeof batches.$inferInsert, "members">,
  c: BatchCriteria,
  timeZone: string,
): Promise<number> {
  const now = row.createdAt;
  const members = await countMatching(tx, c, timeZone, now);
  await tx.insert(batches).values({ ...row, members });
  await tx.execute(sql`
    insert into ${batchMembers} (batch_id, seq, application_id)
    select ${row.id}::uuid, row_number() over (order by ${applications.number}), ${applications.id}
    from ${applications} where ${matching(c, timeZone, now)}`);
  // The count and the members come from two statements; a file changed in between must not leave a
  // batch whose number of members is wrong (the whole creation is refused and can be tried again).
  const [count] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(batchMembers)
    .where(eq(batchMembers.batchId, row.id));
  if ((count?.n ?? 0) !== members) throw new Error("the files changed while the batch was created");
  return members;
}

export async function findBatch(db: Executor, id: string): Promise<BatchRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(batches).where(eq(batches.id, id)).limit(1);
  return row;
}

/** Locks the batch for the rest of the transaction, or answers false when another worker holds it. */
export async function lockBatch(tx: Executor, id: string): Promise<boolean> {
  const rows = await tx
    .select({ id: batches.id })
    .from(batches)
    .where(eq(batches.id, id))
    .for("update", { skipLocked: true });
  return rows.length === 1;
}

/** How many members have their result: results are written in `seq` order, so the highest is the count. */
export async function generatedCount(db: Executor, batchId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(max(${batchResults.seq}), 0)::int` })
    .from(batchResults)
    .where(eq(batchResults.batchId, batchId));
  return row?.n ?? 0;
}

/** The next members to write to, after `afterSeq`, in order. */
export async function membersAfter(db: Executor, batchId: string, afterSeq: number, limit: number) {
  return db
    .select({ seq: batchMembers.seq, applicationId: batchMembers.applicationId })
    .from(batchMembers)
    .where(and(eq(batchMembers.batchId, batchId), gt(batchMembers.seq, afterSeq)))
    .orderBy(asc(batchMembers.seq))
    .limit(limit);
}

/** Batches created since `since` whose letters are not all written yet (the generation job's work). */
export async function batchesToGenerate(db: Executor, since: Date): Promise<BatchRow[]> {
  return db
    .select()
    .from(batches)
    .where(
      and(
        gte(batches.createdAt, since),
        sql`${batches.members} > coalesce((select max(r.seq) from ${batchResults} r where r.batch_id = ${batches.id}), 0)`,
      ),
    )
    .orderBy(asc(batches.createdAt));
}

export async function listBatches(db: Executor, offices: readonly OfficeCode[], limit = 50) {
  if (offices.length === 0) return [];
  return db
    .select()
    .from(batches)
    .where(inArray(batches.officeCode, [...offices]))
    .orderBy(desc(batches.createdAt))
    .limit(limit);
}

const outcomeKinds = sql.raw(outcomeEventKinds.map((k) => `'${k}'`).join(","));

/**
 * C-20: the batch's account, counted in the database by what decides an outcome (a failed check, the
 * channel, which outcome events each letter has had) and mapped to outcomes by the pure rule.
 */
export async function countOutcomes(db: Executor, batch: BatchRow): Promise<BatchCounts> {
  const rows = await db.execute(sql`
    select r.problem, c.channel, coalesce(k.kinds, '') as kinds, count(*)::int as n
    from ${batchResults} r
    left join ${correspondence} c on c.id = r.correspondence_id
    left join lateral (
      select string_agg(distinct e.kind, ',' order by e.kind) as kinds from ${correspondenceEvents} e
      where e.correspondence_id = r.correspondence_id and e.kind in (${outcomeKinds})
    ) k on true
    where r.batch_id = ${batch.id}
    group by 1, 2, 3`);
  const counts = emptyCounts();
  let generated = 0;
  for (const r of resultRows<{
    problem: string | null;
    channel: "email" | "post" | null;
    kinds: string;
    n: number;
  }>(rows)) {
    generated += Number(r.n);
    counts[
      outcomeOf({ generated: true, problem: r.problem, channel: r.channel, kinds: r.kinds.split(",") })
    ] += Number(r.n);
  }
  counts.waiting = batch.members - generated;
  return counts;
}

export interface AccountLine {
  seq: number;
  file: string;
  letterId: string | null;
  problem: string | null;
  channel: "email" | "post" | null;
  recipientRole: string | null;
  kinds: string[];
  /** Why a letter was cancelled, from its event (ADDRESS_SUPERSEDED, or staff). */
  cancelReason: string | null;
  sentAt: Date | null;
  smtpReply: string | null;
}

/** One page of the batch's account, by member, after `afterSeq` (the CSV streams them). */
export async function accountPage(db: Executor, batchId: string, afterSeq: number, limit: number) {
  const rows = await db.execute(sql`
    select m.seq, a.number as file, r.correspondence_id as letter_id, r.problem, c.channel, c.recipient_role,
      coalesce(k.kinds, '') as kinds, k.cancel_reason, k.sent_at, k.smtp_reply
    from ${batchMembers} m
    join ${applications} a on a.id = m.application_id
    left join ${batchResults} r on r.batch_id = m.batch_id and r.seq = m.seq
    left join ${correspondence} c on c.id = r.correspondence_id
    left join lateral (
      select string_agg(distinct e.kind, ',' order by e.kind) as kinds,
        max(e.details->>'reason') filter (where e.kind = 'cancelled') as cancel_reason,
        min(e.at) filter (where e.kind = 'sent') as sent_at,
        min(e.details->>'smtpReply') filter (where e.kind = 'sent') as smtp_reply
      from ${correspondenceEvents} e
      where e.correspondence_id = r.correspondence_id and e.kind in (${outcomeKinds})
    ) k on true
    where m.batch_id = ${batchId} and m.seq > ${afterSeq}
    order by m.seq
    limit ${limit}`);
  return resultRows<Record<string, unknown>>(rows).map(
    (r): AccountLine => ({
      seq: Number(r.seq),
      file: String(r.file),
      letterId: (r.letter_id as string | null) ?? null,
      problem: (r.problem as string | null) ?? null,
      channel: (r.channel as "email" | "post" | null) ?? null,
      recipientRole: (r.recipient_role as string | null) ?? null,
      kinds: String(r.kinds ?? "")
        .split(",")
        .filter(Boolean),
      cancelReason: (r.cancel_reason as string | null) ?? null,
      sentAt: r.sent_at ? new Date(r.sent_at as string) : null,
      smtpReply: (r.smtp_reply as string | null) ?? null,
    }),
  );
}

export type BatchStop = typeof batchStops.$inferSelect;

export async function findBatchStop(db: Executor, batchId: string): Promise<BatchStop | undefined> {
  const [row] = await db.select().from(batchStops).where(eq(batchStops.batchId, batchId));
  return row;
}

/** Locks the batch for the rest of the transaction, waiting for a chunk being written to finish. */
export async function waitForBatch(tx: Executor, id: string): Promise<void> {
  await tx.select({ id: batches.id }).from(batches).where(eq(batches.id, id)).for("update");
}

/**
 * C-20, stopping a batch: takes its email letters off the outbox, except those a dispatcher holds now (in
 * flight: they leave), and finds its letters for the post not yet mailed, except the paper copy (B-7) of
 * an email that left or is leaving: the copy goes with its email. Returns the letters this stops, all of
 * them still "generated" (an outbox row or a postal letter with no outcome is nothing else).
 */
export async function takeBackUnsent(tx: Executor, batchId: string, now: Date): Promise<string[]> {
  const emails = await tx.execute(sql`
    delete from ${outbox} o using ${correspondence} c
    where c.id = o.correspondence_id and c.batch_id = ${batchId}
      and (o.leased_until is null or o.leased_until <= ${now})
    returning o.correspondence_id as id`);
  const post = await tx.execute(sql`
    select c.id from ${correspondence} c
    where c.batch_id = ${batchId} and c.channel = 'post'
      and not exists (select 1 from ${correspondenceEvents} e where e.correspondence_id = c.id
        and e.kind in ('sent', 'bounced', 'delivered-by-post', 'cancelled'))
      and not exists (
        select 1 from ${correspondenceEvents} g
        where g.correspondence_id = c.id and g.kind = 'generated' and g.details ? 'copyOf'
          and (exists (select 1 from ${outbox} o where o.correspondence_id = (g.details->>'copyOf')::uuid)
            or exists (select 1 from ${correspondenceEvents} s
              where s.correspondence_id = (g.details->>'copyOf')::uuid and s.kind in ('sent', 'bounced'))))`);
  return [...resultRows<{ id: string }>(emails), ...resultRows<{ id: string }>(post)].map((r) => r.id);
}

/** C-20: the members no letter was written to yet are accounted for as stopped, in one statement. */
export async function accountUnwrittenAsStopped(tx: Executor, batchId: string, now: Date): Promise<number> {
  const rows = await tx.execute(sql`
    insert into ${batchResults} (batch_id, seq, correspondence_id, problem, at)
    select m.batch_id, m.seq, null, 'BATCH_STOPPED', ${now} from ${batchMembers} m
    where m.batch_id = ${batchId}
      and m.seq > (select coalesce(max(r.seq), 0) from ${batchResults} r where r.batch_id = ${batchId})
    returning seq`);
  return resultRows<{ seq: number }>(rows).length;
}
