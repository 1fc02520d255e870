import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";
import { ledgerTimestamps, ledgerTreeHeads } from "../db/schema/evidence.ts";
import type { LedgerKey } from "./ledger-key.ts";
import {
  allTreeHeads,
  latestTreeHead,
  leavesInRange,
  ledgerSize,
  lookupNodes,
  nodeKey,
  nodesInRange,
  queuedEntries,
  storeSequenced,
  type TreeHeadRow,
} from "./ledger-store.ts";
import {
  appendLeaf,
  consistencyPlan,
  emptyRoot,
  type Frontier,
  foldNodes,
  foldPlan,
  frontierFromNodes,
  type Hash,
  inclusionPlan,
  leafHash,
  type NodeRef,
  rootOfFrontier,
  rootPlan,
} from "./merkle.ts";
import { requestTimestamp } from "./timestamp.ts";
import {
  type SignedTreeHead,
  signTreeHeadBytes,
  treeHeadBytes,
  verifyTreeHeadSignature,
} from "./tree-head.ts";

// The ledger of B-2 (ARCHITECTURE, scale-out: "one writer sequences leaves"). Events are written with
// their own transactions (ledger-append.ts); the sequencer gives them their place in the tree, stores
// every complete subtree it completes, and tree heads are signed over the result.

const SEQUENCER_LOCK = 724003;

export class LedgerIntegrityError extends Error {
  override readonly name = "LedgerIntegrityError";
}

/**
 * Gives queued entries their leaf index, in queue order, and stores the nodes they complete. One
 * sequencer at a time: the others wait on an advisory lock, then find the queue already taken.
 */
export async function sequenceLedger(db: Executor, limit = 5_000): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`);
    const queued = await queuedEntries(tx, limit);
    if (queued.length === 0) return 0;
    let frontier = await frontierAt(tx, await ledgerSize(tx));
    const leaves: { leafIndex: number; entrySeq: number }[] = [];
    const created: { level: number; index: number; hash: Hash }[] = [];
    for (const q of queued) {
      leaves.push({ leafIndex: frontier.size, entrySeq: q.seq });
      const next = appendLeaf(frontier, q.leafHash);
      frontier = next.frontier;
      created.push(...next.created);
    }
    await storeSequenced(tx, leaves, created);
    return queued.length;
  });
}

/** Sequences until nothing is queued (a tree head or a proof wants everything recorded so far). */
export async function sequenceAll(db: Executor): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sequenceLedger(db);
    total += n;
    if (n === 0) return total;
  }
}

async function frontierAt(db: Executor, size: number): Promise<Frontier> {
  const nodes = await lookupNodes(db, rootPlan(size));
  return frontierFromNodes(size, (ref) => stored(nodes, ref));
}

function stored(nodes: Map<string, Hash>, ref: NodeRef): Hash {
  const hash = nodes.get(nodeKey(ref));
  if (!hash)
    throw new LedgerIntegrityError(`the ledger has no node at level ${ref.level}, index ${ref.index}`);
  return hash;
}

export async function rootAt(db: Executor, size: number): Promise<Hash> {
  if (size === 0) return emptyRoot;
  const refs = rootPlan(size);
  const nodes = await lookupNodes(db, refs);
  return foldNodes(refs, (ref) => stored(nodes, ref));
}

/** RFC 9162 2.1.3: the audit path of one leaf in the tree of `treeSize`, from O(log n) stored nodes. */
export async function inclusionProof(db: Executor, leafIndex: number, treeSize: number): Promise<Hash[]> {
  const plan = inclusionPlan(leafIndex, treeSize);
  const nodes = await lookupNodes(db, plan.flat());
  return foldPlan(plan, (ref) => stored(nodes, ref));
}

/** Inclusion proofs of several leaves in one tree, reading all the nodes they need in one query. */
export async function inclusionProofs(
  db: Executor,
  leafIndexes: readonly number[],
  treeSize: number,
): Promise<Map<number, Hash[]>> {
  const plans = new Map(leafIndexes.map((i) => [i, inclusionPlan(i, treeSize)]));
  const nodes = await lookupNodes(
    db,
    [...plans.values()].flatMap((p) => p.flat()),
  );
  return new Map([...plans].map(([i, plan]) => [i, foldPlan(plan, (ref) => stored(nodes, ref))]));
}

/** RFC 9162 2.1.4: proof that the tree of `oldSize` is a prefix of the tree of `newSize`. */
export async function consistencyProof(db: Executor, oldSize: number, newSize: number): Promise<Hash[]> {
  const plan = consistencyPlan(oldSize, newSize);
  const nodes = await lookupNodes(db, plan.flat());
  return foldPlan(plan, (ref) => stored(nodes, ref));
}

export interface LedgerSigner {
  key: LedgerKey;
  timestampAuthorityUrl: string | undefined;
  logger: Logger;
}

export function signedTreeHeadOf(row: TreeHeadRow): SignedTreeHead {
  return {
    treeSize: row.treeSize,
    rootHash: row.rootHash.toString("hex"),
    signedAt: row.signedAt.toISOString(),
    keyId: row.keyId,
    signature: row.signature.toString("base64"),
  };
}

/**
 * Sequences what is queued and signs a tree head over it, unless the latest head already covers every
 * leaf. With a time-stamping authority configured, the head is countersigned (B-8); the authority being
 * down leaves the head signed and is logged, not fatal.
 */
export async function signTreeHead(
  db: Executor,
  clock: Clock,
  signer: LedgerSigner,
): Promise<{ head: TreeHeadRow; created: boolean } | undefined> {
  await sequenceAll(db);
  const size = await ledgerSize(db);
  const latest = await latestTreeHead(db);
  if (latest && latest.treeSize >= size) return { head: latest, created: false };
  if (size === 0) return undefined;
  const rootHash = await rootAt(db, size);
  const now = clock.now();
  const head = {
    treeSize: size,
    rootHash: rootHash.toString("hex"),
    signedAt: now.toISOString(),
    keyId: signer.key.keyId,
  };
  const signature = signTreeHeadBytes(head, signer.key.privateKey);
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(ledgerTreeHeads)
      .values({
        treeSize: size,
        rootHash,
        signedAt: now,
        keyId: head.keyId,
        signature: Buffer.from(signature, "base64"),
      })
      .onConflictDoNothing()
      .returning();
    if (inserted)
      await recordAudit(tx, { kind: "job", name: "ledger" }, now, {
        action: "ledger.tree-head-signed",
        subjectType: "ledger",
        subjectId: String(size),
        details: { treeSize: size, keyId: head.keyId },
      });
    return inserted;
  });
  // Another signer got to this size first: its head stands.
  if (!row) {
    const theirs = await latestTreeHead(db);
    return theirs ? { head: theirs, created: false } : undefined;
  }
  if (signer.timestampAuthorityUrl) await countersign(db, signer, row);
  return { head: row, created: true };
}

async function countersign(db: Executor, signer: LedgerSigner, row: TreeHeadRow): Promise<void> {
  const url = signer.timestampAuthorityUrl!;
  try {
    const digest = crypto
      .createHash("sha256")
      .update(treeHeadBytes(signedTreeHeadOf(row)))
      .digest();
    const token = await requestTimestamp(url, digest);
    await db
      .insert(ledgerTimestamps)
      .values({ treeSize: row.treeSize, authorityUrl: url, token: token.tokenDer, genTime: token.genTime })
      .onConflictDoNothing();
  } catch (e) {
    signer.logger.warn(
      { treeSize: row.treeSize, err: { type: (e as Error).name } },
      "tree head not time-stamped",
    );
  }
}

export interface LedgerVerification {
  leaves: number;
  treeHeads: number;
  queued: number;
  problems: string[];
}

const VERIFY_CHUNK = 10_000;

/**
 * `liaison ledger verify`: recomputes every leaf hash from the stored event bytes, rebuilds the tree
 * from them, compares every stored node, and checks each signed tree head's root and signature. Reads
 * the tree in chunks, so memory stays flat whatever its size.
 */
export async function verifyLedger(
  db: Executor,
  publicKeys: readonly LedgerKey[],
): Promise<LedgerVerification> {
  const problems: string[] = [];
  const size = await ledgerSize(db);
  const heads = await allTreeHeads(db);
  let nextHead = 0;
  let frontier: Frontier = { size: 0, nodes: [] };
  const checkHeads = () => {
    while (nextHead < heads.length && heads[nextHead]!.treeSize <= frontier.size) {
      const head = heads[nextHead++]!;
      if (head.treeSize !== frontier.size) continue;
      checkHead(head, rootOfFrontier(frontier), publicKeys, problems);
    }
  };
  for (let from = 0; from < size; from += VERIFY_CHUNK) {
    const to = Math.min(size, from + VERIFY_CHUNK);
    const rows = await leavesInRange(db, from, to);
    const created: { level: number; index: number; hash: Hash }[] = [];
    let expected = from;
    for (const row of rows) {
      if (row.leafIndex !== expected) {
        problems.push(`leaf ${expected} is missing`);
        return { leaves: size, treeHeads: heads.length, queued: 0, problems };
      }
      const recomputed = leafHash(Buffer.from(row.data, "utf8"));
      if (!recomputed.equals(row.leafHash))
        problems.push(`leaf ${row.leafIndex}: its event bytes do not match its hash`);
      const next = appendLeaf(frontier, recomputed);
      frontier = next.frontier;
      created.push(...next.created);
      expected++;
      checkHeads();
    }
    await compareNodes(db, created, problems);
  }
  for (; nextHead < heads.length; nextHead++)
    problems.push(`tree head ${heads[nextHead]!.treeSize} covers leaves the ledger does not have`);
  const queued = (await queuedEntries(db, 1_000_000)).length;
  return { leaves: size, treeHeads: heads.length, queued, problems };
}

function checkHead(head: TreeHeadRow, root: Hash, keys: readonly LedgerKey[], problems: string[]) {
  if (!root.equals(head.rootHash))
    problems.push(
      `tree head ${head.treeSize}: its root is not the root of the first ${head.treeSize} leaves`,
    );
  const key = keys.find((k) => k.keyId === head.keyId);
  if (!key) problems.push(`tree head ${head.treeSize}: signed by key ${head.keyId}, which was not given`);
  else if (!verifyTreeHeadSignature(signedTreeHeadOf(head), key.publicKeyPem))
    problems.push(`tree head ${head.treeSize}: the signature does not verify`);
}

async function compareNodes(
  db: Executor,
  created: readonly { level: number; index: number; hash: Hash }[],
  problems: string[],
) {
  const levels = new Map<number, { level: number; index: number; hash: Hash }[]>();
  for (const n of created) {
    const list = levels.get(n.level);
    if (list) list.push(n);
    else levels.set(n.level, [n]);
  }
  for (const [level, nodes] of levels) {
    const first = nodes[0]!.index;
    const last = nodes[nodes.length - 1]!.index;
    const rows = await nodesInRange(db, level, first, last + 1);
    const byIndex = new Map(rows.map((r) => [r.index, r.hash]));
    for (const n of nodes) {
      const storedHash = byIndex.get(n.index);
      if (!storedHash) problems.push(`node at level ${level}, index ${n.index} is missing`);
      else if (!storedHash.equals(n.hash))
        problems.push(`node at level ${level}, index ${n.index} is altered`);
    }
  }
}
