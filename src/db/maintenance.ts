import { sql } from "drizzle-orm";
import type { Executor } from "./client.ts";

// The planner's statistics and the dead rows of the busiest tables, kept in hand by the worker itself.
// PostgreSQL's autovacuum may be off (it is on this project's test server), and PGlite, being one
// process, has no autovacuum at all. Without statistics the planner guessed that 50 letters had 238,000
// events and scanned the whole table on every dispatcher pass: a batch of 100,000 letters ran at a third
// of its speed (measured with npm run bench -- batch). This job is what autovacuum would have done.

/** The tables that grow by a row or more per letter, or are rewritten on every pass. */
const growing = [
  "correspondence",
  "correspondence_events",
  "sealed_messages",
  "file_notes",
  "audit_events",
  "ledger_entries",
  "ledger_leaves",
  "ledger_nodes",
  "batch_members",
  "batch_results",
  "applications",
  "parties",
  "contact_points",
] as const;
/** Updated and deleted all the time: their dead rows slow every claim until vacuumed. */
const churning = ["outbox", "ledger_queue", "send_rate_buckets"] as const;

interface TableActivity {
  relname: string;
  n_live_tup: number;
  n_dead_tup: number;
  n_mod_since_analyze: number;
  never_analyzed: boolean;
  never_vacuumed: boolean;
}

/** When this process last worked on each table: the server's counters lag by a second or so. */
const lastDone = new WeakMap<Executor, Map<string, number>>();

/**
 * Analyzes each growing table never analyzed, or changed by a tenth since its last analysis (and at least
 * 1,000 rows), and vacuums each churning table never vacuumed or with 10,000 dead rows or more, each at
 * most once a minute. Where the server counts nothing (PGlite), it does both every five minutes. Returns
 * what it did.
 */
export async function keepPlannerStatistics(db: Executor): Promise<string[]> {
  const result = await db.execute(sql`
    select relname, n_live_tup::int, n_dead_tup::int, n_mod_since_analyze::int,
      coalesce(last_analyze, last_autoanalyze) is null as never_analyzed,
      coalesce(last_vacuum, last_autovacuum) is null as never_vacuumed
    from pg_stat_user_tables where schemaname = 'public'`);
  const activity = new Map(
    ((result as unknown as { rows: TableActivity[] }).rows ?? []).map((r) => [r.relname, r]),
  );
  const counted = [...activity.values()].some(
    (r) => Number(r.n_mod_since_analyze) + Number(r.n_live_tup) > 0,
  );
  const last = lastDone.get(db) ?? new Map<string, number>();
  lastDone.set(db, last);
  const due = (table: string) => Date.now() - (last.get(table) ?? 0) >= (counted ? 60_000 : 300_000);
  const done: string[] = [];
  for (const table of growing) {
    const a = activity.get(table);
    const changed = Number(a?.n_mod_since_analyze ?? 0);
    // The server's counters reach this view a moment after each transaction: whether a fresh table
    // "counts" may differ from one call to the next, but a table never analyzed is always due.
    const stale = !a || a.never_analyzed || changed >= Math.max(1_000, Number(a.n_live_tup) / 10);
    if (!due(table) || (counted && !stale)) continue;
    await db.execute(sql.raw(`analyze "${table}"`));
    last.set(table, Date.now());
    done.push(`analyze ${table}`);
  }
  for (const table of churning) {
    const a = activity.get(table);
    const dirty = !a || a.never_vacuumed || Number(a.n_dead_tup) >= 10_000;
    if (!due(table) || (counted && !dirty)) continue;
    await db.execute(sql.raw(`vacuum (analyze) "${table}"`));
    last.set(table, Date.now());
    done.push(`vacuum ${table}`);
  }
  return done;
}
