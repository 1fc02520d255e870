import { and, asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { pgArray } from "../db/arrays.ts";
import type { Executor } from "../db/client.ts";
import {
  ledgerEntries,
  ledgerLeaves,
  ledgerNodes,
  ledgerQueue,
  ledgerTimestamps,
  ledgerTreeHeads,
} from "../db/schema/evidence.ts";
import type { Hash, NodeRef } from "./merkle.ts";

export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;
export type TreeHeadRow = typeof ledgerTreeHeads.$inferSelect;

export async function ledgerSize(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(max(${ledgerLeaves.leafIndex}) + 1, 0)`.mapWith(Number) })
    .from(ledgerLeaves);
  return row?.n ?? 0;
}

/** Stored complete-subtree hashes, in one query however many (a proof needs O(log n) of them). */
export async function lookupNodes(db: Executor, refs: readonly NodeRef[]): Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  const unique = [...new Map(refs.map((r) => [nodeKey(r), r])).values()];
  if (unique.length === 0) return out;
  const rows = await db
    .select()
    .from(ledgerNodes)
    .where(
      sql`(${ledgerNodes.level}, ${ledgerNodes.index}) in (${sql.join(
        unique.map((r) => sql`(${r.level}::smallint, ${r.index}::bigint)`),
        sql`, `,
      )})`,
    );
  for (const r of rows) out.set(nodeKey(r), r.hash);
  return out;
}

export function nodeKey(ref: NodeRef): string {
  return `${ref.level}:${ref.index}`;
}

export async function queuedEntries(tx: Executor, limit: number) {
  // Two statements, each on its primary key: joined in one, the planner (its statistics behind a fast
  // growing ledger) chose a hash join over every entry, spilling to disk (seen during a 30,000-letter
  // batch); the limit goes on the queue first for the same reason (346 ms at 10^6 leaves, 20 ms this way).
  const queued = await tx
    .select({ entrySeq: ledgerQueue.entrySeq })
    .from(ledgerQueue)
    .orderBy(asc(ledgerQueue.entrySeq))
    .limit(limit);
  if (queued.length === 0) return [];
  const rows = await tx
    .select({ seq: ledgerEntries.seq, leafHash: ledgerEntries.leafHash })
    .from(ledgerEntries)
    .where(sql`${ledgerEntries.seq} = any(${pgArray(queued.map((q) => q.entrySeq))}::bigint[])`);
  return rows.sort((a, b) => a.seq - b.seq);
}

/**
 * Writes a sequenced batch as three statements over arrays (`unnest`), whatever its size: building
 * thousands of rows through the query builder cost more CPU than the database spent storing them.
 */
export async function storeSequenced(
  tx: Executor,
  leaves: readonly { leafIndex: number; entrySeq: number }[],
  nodes: readonly { level: number; index: number; hash: Hash }[],
): Promise<void> {
  if (leaves.length === 0) return;
  const leafIndexes = pgArray(leaves.map((l) => l.leafIndex));
  const entrySeqs = pgArray(leaves.map((l) => l.entrySeq));
  await tx.execute(
    sql`insert into ledger_leaves (leaf_index, entry_seq) select * from unnest(${leafIndexes}::bigint[], ${entrySeqs}::bigint[])`,
  );
  if (nodes.length > 0)
    await tx.execute(
      sql`insert into ledger_nodes (level, index, hash) select l, i, decode(h, 'hex') from unnest(${pgArray(
        nodes.map((n) => n.level),
      )}::smallint[], ${pgArray(nodes.map((n) => n.index))}::bigint[], ${pgArray(
        nodes.map((n) => n.hash.toString("hex")),
      )}::text[]) as t(l, i, h)`,
    );
  await tx.execute(sql`delete from ledger_queue where entry_seq = any(${entrySeqs}::bigint[])`);
}

export async function latestTreeHead(db: Executor): Promise<TreeHeadRow | undefined> {
  const [row] = await db.select().from(ledgerTreeHeads).orderBy(desc(ledgerTreeHeads.treeSize)).limit(1);
  return row;
}

export async function listTreeHeads(db: Executor, limit: number): Promise<TreeHeadRow[]> {
  return db.select().from(ledgerTreeHeads).orderBy(desc(ledgerTreeHeads.treeSize)).limit(limit);
}

export async function allTreeHeads(db: Executor): Promise<TreeHeadRow[]> {
  return db.select().from(ledgerTreeHeads).orderBy(asc(ledgerTreeHeads.treeSize));
}

export async function findTreeHead(db: Executor, treeSize: number): Promise<TreeHeadRow | undefined> {
  const [row] = await db.select().from(ledgerTreeHeads).where(eq(ledgerTreeHeads.treeSize, treeSize));
  return row;
}

export async function timestampOf(db: Executor, treeSize: number) {
  const [row] = await db.select().from(ledgerTimestamps).where(eq(ledgerTimestamps.treeSize, treeSize));
  return row;
}

/** The entries about one subject with their place in the tree (undefined while still queued). */
export async function entriesOfSubject(db: Executor, subjectType: string, subjectIds: readonly string[]) {
  if (subjectIds.length === 0) return [];
  return db
    .select({ entry: ledgerEntries, leafIndex: ledgerLeaves.leafIndex })
    .from(ledgerEntries)
    .leftJoin(ledgerLeaves, eq(ledgerLeaves.entrySeq, ledgerEntries.seq))
    .where(and(eq(ledgerEntries.subjectType, subjectType), inArray(ledgerEntries.subjectId, [...subjectIds])))
    .orderBy(asc(ledgerEntries.seq));
}

/** Leaves [from, to) in order, with their data: `ledger verify` reads the whole tree this way. */
export async function leavesInRange(db: Executor, from: number, to: number) {
  return db
    .select({ leafIndex: ledgerLeaves.leafIndex, data: ledgerEntries.data, leafHash: ledgerEntries.leafHash })
    .from(ledgerLeaves)
    .innerJoin(ledgerEntries, eq(ledgerEntries.seq, ledgerLeaves.entrySeq))
    .where(and(gte(ledgerLeaves.leafIndex, from), lt(ledgerLeaves.leafIndex, to)))
    .orderBy(asc(ledgerLeaves.leafIndex));
}

export async function nodesInRange(db: Executor, level: number, from: number, to: number) {
  return db
    .select()
    .from(ledgerNodes)
    .where(and(eq(ledgerNodes.level, level), gte(ledgerNodes.index, from), lt(ledgerNodes.index, to)))
    .orderBy(asc(ledgerNodes.index));
}
