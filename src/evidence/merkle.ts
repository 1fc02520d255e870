import { createHash } from "node:crypto";

/**
 * RFC 6962 / RFC 9162 Merkle tree (SHA-256), pure: no I/O. A store keeps the hash of every complete subtree
 * {level, index} (leaves [index*2^level, (index+1)*2^level)); proofs are first computed as plans of such
 * nodes, so a store fetches O(log n) rows in one query instead of reading the leaves.
 */
export type Hash = Buffer;
export interface NodeRef {
  level: number;
  index: number;
}
/** A proof as a plan: each element is one proof hash, given as the complete subtrees whose fold gives it. */
export type ProofPlan = NodeRef[][];
/** The rightmost complete subtree per level after `size` leaves ("compact range"), left to right. */
export interface Frontier {
  size: number;
  nodes: { level: number; index: number; hash: Hash }[];
}

const HASH_BYTES = 32;
// Domain separation (RFC 9162 §2.1.1): a leaf can never be passed off as an interior node.
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(data: Uint8Array): Hash {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

export const emptyRoot: Hash = createHash("sha256").digest();

// Sizes stay below 2^53, so plain number math is exact; bitwise operators are avoided as they truncate to 32 bits.
const isSize = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isHash = (h: unknown): h is Hash => h instanceof Uint8Array && h.length === HASH_BYTES;
const sameHash = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
const half = (n: number): number => Math.floor(n / 2);
const isPowerOfTwo = (n: number): boolean => n > 0 && largestPowerOfTwoAtMost(n) === n;

function largestPowerOfTwoAtMost(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return k;
}

/** The k of RFC 9162: the largest power of two smaller than n (n >= 2). */
function split(n: number): number {
  return largestPowerOfTwoAtMost(n - 1);
}

function requireSizes(...sizes: number[]): void {
  for (const n of sizes) if (!isSize(n)) throw new RangeError(`not a tree size or index: ${n}`);
}

/** MTH over in-memory leaf hashes (for tests and small trees). */
export function rootOf(leafHashes: readonly Hash[]): Hash {
  const mth = (lo: number, hi: number): Hash => {
    if (hi - lo === 1) return leafHashes[lo]!;
    const k = split(hi - lo);
    return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };
  return leafHashes.length === 0 ? emptyRoot : mth(0, leafHashes.length);
}

/** The complete subtrees that make up the range [start, end), left to right. */
export function completeSubtrees(start: number, end: number): NodeRef[] {
  requireSizes(start, end);
  if (start > end) throw new RangeError(`range [${start}, ${end}) is reversed`);
  // Why the alignment rule: folding the binary decomposition equals MTH only if the first (largest) piece
  // starts on its own boundary, which every range produced by the RFC recursion does.
  if (start < end && start % largestPowerOfTwoAtMost(end - start) !== 0) {
    throw new RangeError(`range [${start}, ${end}) is not a subtree of any Merkle tree`);
  }
  const refs: NodeRef[] = [];
  for (let pos = start; pos < end; ) {
    let level = 0;
    while (2 ** (level + 1) <= end - pos) level++;
    refs.push({ level, index: pos / 2 ** level });
    pos += 2 ** level;
  }
  return refs;
}

/** Folds right-to-left: h = nodeHash(sub[i], h), which is MTH for a decomposition from completeSubtrees. */
export function foldNodes(refs: readonly NodeRef[], lookup: (ref: NodeRef) => Hash): Hash {
  return foldHashes(refs.map((ref) => lookup(ref)));
}

function foldHashes(hashes: readonly Hash[]): Hash {
  let h: Hash | undefined;
  for (let i = hashes.length - 1; i >= 0; i--) h = h === undefined ? hashes[i]! : nodeHash(hashes[i]!, h);
  return h ?? emptyRoot;
}

/** Turns a plan into hashes with a lookup of stored nodes (the store fetches all refs of a plan in one query). */
export function foldPlan(plan: ProofPlan, lookup: (ref: NodeRef) => Hash): Hash[] {
  return plan.map((refs) => foldNodes(refs, lookup));
}

/** Nodes whose fold is MTH of the first `size` leaves. */
export function rootPlan(size: number): NodeRef[] {
  return completeSubtrees(0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), unrolled: walk down from the root, then list siblings bottom-up. */
export function inclusionPlan(leafIndex: number, size: number): ProofPlan {
  requireSizes(leafIndex, size);
  if (leafIndex >= size) throw new RangeError(`leaf ${leafIndex} is not in a tree of ${size}`);
  const topDown: ProofPlan = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = split(hi - lo);
    if (leafIndex < lo + k) {
      topDown.push(completeSubtrees(lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(completeSubtrees(lo, lo + k));
      lo += k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]), unrolled like inclusionPlan; empty for oldSize == newSize or 0. */
export function consistencyPlan(oldSize: number, newSize: number): ProofPlan {
  requireSizes(oldSize, newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} exceeds new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const topDown: ProofPlan = [];
  let lo = 0;
  let hi = newSize;
  // The RFC's b: while [lo, hi) starts at 0 the verifier knows MTH(D[0:m]) already (it is the old root).
  let onLeftEdge = true;
  while (hi !== oldSize) {
    const k = split(hi - lo);
    if (oldSize - lo <= k) {
      topDown.push(completeSubtrees(lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(completeSubtrees(lo, lo + k));
      lo += k;
      onLeftEdge = false;
    }
  }
  if (!onLeftEdge) topDown.push(completeSubtrees(lo, hi));
  return topDown.reverse();
}

/** RFC 9162 §2.1.3.2. False, never an exception, for any malformed input. */
export function verifyInclusion(
  leaf: Hash,
  leafIndex: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!isSize(leafIndex) || !isSize(size) || leafIndex >= size) return false;
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  let fn = leafIndex;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Why: on the right edge a node with no right sibling is promoted unchanged, so skip those levels.
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(r, root);
}

/** RFC 9162 §2.1.4.2, plus the trivial cases (equal sizes, empty old tree) with an empty proof. */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  // Outside the RFC's 0 < m < n: nothing to prove beyond the roots themselves, so the proof is empty.
  if (oldSize === 0) {
    return (
      proof.length === 0 && sameHash(oldRoot, emptyRoot) && (newSize > 0 || sameHash(newRoot, emptyRoot))
    );
  }
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // Why: when the old tree is a complete subtree the proof omits its hash, as the verifier has it.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}

/** Reads the frontier of a stored tree; the refs it needs are exactly rootPlan(size). */
export function frontierFromNodes(size: number, lookup: (ref: NodeRef) => Hash): Frontier {
  return { size, nodes: rootPlan(size).map((ref) => ({ ...ref, hash: lookup(ref) })) };
}

// Why: a frontier that does not match its size would silently grow a different tree; fail loudly instead.
function requireFrontier(frontier: Frontier): void {
  const expected = rootPlan(frontier.size);
  const ok =
    expected.length === frontier.nodes.length &&
    expected.every((ref, i) => {
      const node = frontier.nodes[i]!;
      return node.level === ref.level && node.index === ref.index && isHash(node.hash);
    });
  if (!ok) throw new RangeError(`frontier does not describe a tree of ${frontier.size} leaves`);
}

/** Appends one leaf hash; returns the new frontier and every complete node created, leaf first. */
export function appendLeaf(
  frontier: Frontier,
  leaf: Hash,
): { frontier: Frontier; created: { level: number; index: number; hash: Hash }[] } {
  requireFrontier(frontier);
  if (!isHash(leaf)) throw new RangeError("a leaf hash is 32 bytes");
  const nodes = [...frontier.nodes];
  let carry = { level: 0, index: frontier.size, hash: leaf };
  const created = [carry];
  // Like a binary increment: equal-level neighbours merge into their parent, which is now complete.
  for (let last = nodes.at(-1); last !== undefined && last.level === carry.level; last = nodes.at(-1)) {
    nodes.pop();
    carry = { level: carry.level + 1, index: last.index / 2, hash: nodeHash(last.hash, carry.hash) };
    created.push(carry);
  }
  nodes.push(carry);
  return { frontier: { size: frontier.size + 1, nodes }, created };
}

export function rootOfFrontier(frontier: Frontier): Hash {
  requireFrontier(frontier);
  return foldHashes(frontier.nodes.map((node) => node.hash));
}
