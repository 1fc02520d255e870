import { and, eq, sql } from "drizzle-orm";
import { pgArray } from "../db/arrays.ts";
import type { Executor } from "../db/client.ts";
import { type rateScopes, sendRateBuckets, sendRateLimits } from "../db/schema/batches.ts";

// C-20: letters leave at most at the rate set per office and per destination domain. The limits and the
// token buckets that enforce them are rows of the database, so every worker shares them: a pass of any
// dispatcher takes the tokens its letters need in one statement, under the buckets' row locks.

export type RateScope = (typeof rateScopes)[number];

export interface RateLimit {
  scope: RateScope;
  key: string;
  perMinute: number;
}

/** A bucket holds at most ten seconds of its rate: a pause does not turn into a burst. */
const burstSeconds = 10;

/** The domain an address's mail goes to, as the relay sees it (lower case). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** Every limit recorded, defaults ("*") included. */
export async function listRateLimits(db: Executor): Promise<RateLimit[]> {
  const rows = await db.select().from(sendRateLimits).orderBy(sendRateLimits.scope, sendRateLimits.key);
  return rows.map((r) => ({ scope: r.scope, key: r.key, perMinute: r.perMinute }));
}

/** The limit in force for one office or domain: its own row, else its scope's default. */
export function limitFor(limits: readonly RateLimit[], scope: RateScope, key: string): number {
  return (
    limits.find((l) => l.scope === scope && l.key === key)?.perMinute ??
    limits.find((l) => l.scope === scope && l.key === "*")?.perMinute ??
    Number.POSITIVE_INFINITY
  );
}

/** The limits, read at most every five seconds per process: a change made elsewhere applies within that. */
const limitsRead = new WeakMap<Executor, { at: number; limits: Promise<RateLimit[]> }>();

export function currentRateLimits(db: Executor): Promise<RateLimit[]> {
  const cached = limitsRead.get(db);
  if (cached && Date.now() - cached.at < 5_000) return cached.limits;
  const limits = listRateLimits(db);
  limitsRead.set(db, { at: Date.now(), limits });
  limits.catch(() => limitsRead.delete(db));
  return limits;
}

/** Records a limit (an administrator's change, or a benchmark's); the buckets follow at their next use. */
export async function setRateLimit(db: Executor, limit: RateLimit, now: Date): Promise<void> {
  await db
    .insert(sendRateLimits)
    .values({ ...limit, updatedAt: now })
    .onConflictDoUpdate({
      target: [sendRateLimits.scope, sendRateLimits.key],
      set: { perMinute: limit.perMinute, updatedAt: now },
    });
  limitsRead.delete(db);
}

export interface Want {
  scope: RateScope;
  key: string;
  count: number;
}

/** The buckets this process knows exist: each is created once, full, the first time it is needed. */
const knownBuckets = new WeakMap<Executor, Set<string>>();

async function ensureBuckets(db: Executor, wants: readonly Want[], perSecond: readonly number[], now: Date) {
  const known = knownBuckets.get(db) ?? new Set<string>();
  knownBuckets.set(db, known);
  const missing = wants.map((w, i) => ({ w, i })).filter(({ w }) => !known.has(`${w.scope}:${w.key}`));
  if (missing.length === 0) return;
  await db
    .insert(sendRateBuckets)
    .values(
      missing.map(({ w, i }) => ({
        scope: w.scope,
        key: w.key,
        tokens: Math.max(1, perSecond[i]! * burstSeconds),
        refilledAt: now,
      })),
    )
    .onConflictDoNothing();
  for (const { w } of missing) known.add(`${w.scope}:${w.key}`);
}

/**
 * Takes up to `count` tokens from each bucket, refilled at its limit since it was last used, and
 * answers how many each gave. One statement, whatever the number of buckets: its row locks last as long
 * as the statement, so two workers never spend the same tokens and never wait on each other for longer.
 */
export async function takeTokens(
  db: Executor,
  limits: readonly RateLimit[],
  wants: readonly Want[],
  now: Date,
): Promise<Map<string, number>> {
  const granted = new Map<string, number>();
  const limited = wants.filter((w) => {
    const unlimited = limitFor(limits, w.scope, w.key) === Number.POSITIVE_INFINITY;
    if (unlimited) granted.set(`${w.scope}:${w.key}`, w.count);
    return !unlimited && w.count > 0;
  });
  if (limited.length === 0) return granted;
  const perSecond = limited.map((w) => limitFor(limits, w.scope, w.key) / 60);
  await ensureBuckets(db, limited, perSecond, now);
  let rows = await take(db, limited, perSecond, now);
  // A bucket this process made may have been removed since (its table emptied): made again, once.
  const missing = limited.filter((w) => !rows.some((r) => r.scope === w.scope && r.key === w.key));
  if (missing.length > 0) {
    const known = knownBuckets.get(db);
    for (const w of missing) known?.delete(`${w.scope}:${w.key}`);
    const rates = missing.map((w) => limitFor(limits, w.scope, w.key) / 60);
    await ensureBuckets(db, missing, rates, now);
    rows = [...rows, ...(await take(db, missing, rates, now))];
  }
  for (const r of rows) granted.set(`${r.scope}:${r.key}`, Number(r.granted));
  return granted;
}

async function take(db: Executor, wants: readonly Want[], perSecond: readonly number[], now: Date) {
  const scopes = wants.map((w) => w.scope);
  const keys = wants.map((w) => w.key);
  const rows = await db.execute(sql`
    with want as (
      select * from unnest(${pgArray(scopes)}::text[], ${pgArray(keys)}::text[],
        ${pgArray(wants.map((w) => w.count))}::int[], ${pgArray([...perSecond])}::float8[])
        as w(scope, key, count, per_second)
    ),
    current as (
      select b.scope, b.key, w.count,
        least(greatest(1, w.per_second * ${burstSeconds}),
          b.tokens + w.per_second * greatest(0, extract(epoch from (${now}::timestamptz - b.refilled_at)))) as available
      from ${sendRateBuckets} b join want w on w.scope = b.scope and w.key = b.key
      for update of b
    )
    update ${sendRateBuckets} b
    set tokens = c.available - least(c.count, floor(c.available)), refilled_at = greatest(b.refilled_at, ${now}::timestamptz)
    from current c where b.scope = c.scope and b.key = c.key
    returning b.scope, b.key, least(c.count, floor(c.available))::int as granted`);
  return (rows as unknown as { rows: { scope: string; key: string; granted: number }[] }).rows;
}

/** Gives back tokens taken for letters that did not go (their other limit held them back). */
export async function returnTokens(db: Executor, returns: readonly Want[]): Promise<void> {
  for (const r of returns) {
    if (r.count <= 0) continue;
    await db
      .update(sendRateBuckets)
      .set({ tokens: sql`${sendRateBuckets.tokens} + ${r.count}` })
      .where(and(eq(sendRateBuckets.scope, r.scope), eq(sendRateBuckets.key, r.key)));
  }
}
