import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  appendLeaf,
  completeSubtrees,
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
  nodeHash,
  rootOf,
  rootOfFrontier,
  rootPlan,
  verifyConsistency,
  verifyInclusion,
} from "../../src/evidence/merkle.ts";

// Published known answers (transparency-dev/merkle, google/certificate-transparency); see vectors/README.md.
interface Vectors {
  leaves: string[];
  roots: { size: number; root: string }[];
  leafHashes: string[];
  inclusion: { leafIndex: number; treeSize: number; path: string[] }[];
  consistency: { size1: number; size2: number; path: string[] }[];
  inclusionExternal: {
    leafInput: string;
    leafHash: string;
    leafIndex: number;
    treeSize: number;
    root: string;
    path: string[];
  }[];
}
const vectors = JSON.parse(
  readFileSync(new URL("./vectors/rfc6962.json", import.meta.url), "utf8"),
) as Vectors;

const unhex = (s: string): Hash => Buffer.from(s, "hex");
const hex = (hashes: readonly Hash[]): string[] => hashes.map((h) => h.toString("hex"));
const leafHashes = vectors.leaves.map((l) => leafHash(unhex(l)));

/** What the store holds: every complete subtree, built bottom-up by pairing (independently of rootOf). */
function nodeTable(leaves: readonly Hash[]): (ref: NodeRef) => Hash {
  const byKey = new Map<string, Hash>();
  let row = [...leaves];
  for (let level = 0; row.length > 0; level++) {
    for (const [index, h] of row.entries()) byKey.set(`${level}:${index}`, h);
    const next: Hash[] = [];
    for (let i = 0; i + 1 < row.length; i += 2) next.push(nodeHash(row[i]!, row[i + 1]!));
    row = next;
  }
  return (ref) => {
    const h = byKey.get(`${ref.level}:${ref.index}`);
    if (h === undefined) throw new Error(`no complete node ${ref.level}:${ref.index}`);
    return h;
  };
}

function appendAll(leaves: readonly Hash[]): Frontier {
  let frontier: Frontier = { size: 0, nodes: [] };
  for (const leaf of leaves) frontier = appendLeaf(frontier, leaf).frontier;
  return frontier;
}

describe("B-2 and B-3: RFC 6962 known answers", () => {
  it("the empty tree hashes to SHA-256 of the empty string", () => {
    expect(emptyRoot.toString("hex")).toBe(vectors.roots[0]!.root);
    expect(rootOf([]).equals(emptyRoot)).toBe(true);
    expect(rootPlan(0)).toEqual([]);
  });

  it("leaf hashes equal the published ones", () => {
    expect(hex(leafHashes)).toEqual(vectors.leafHashes);
  });

  it.each(vectors.roots)(
    "root of size $size: rootOf, rootPlan over stored nodes and the frontier agree",
    (v) => {
      const leaves = leafHashes.slice(0, v.size);
      const lookup = nodeTable(leaves);
      expect(rootOf(leaves).toString("hex")).toBe(v.root);
      expect(foldNodes(rootPlan(v.size), lookup).toString("hex")).toBe(v.root);
      expect(rootOfFrontier(appendAll(leaves)).toString("hex")).toBe(v.root);
      expect(rootOfFrontier(frontierFromNodes(v.size, lookup)).toString("hex")).toBe(v.root);
    },
  );

  it.each(vectors.inclusion)("B-2: inclusion of leaf $leafIndex in a tree of $treeSize", (v) => {
    const leaves = leafHashes.slice(0, v.treeSize);
    const proof = foldPlan(inclusionPlan(v.leafIndex, v.treeSize), nodeTable(leaves));
    expect(hex(proof)).toEqual(v.path);
    const root = rootOf(leaves);
    expect(verifyInclusion(leafHashes[v.leafIndex]!, v.leafIndex, v.treeSize, v.path.map(unhex), root)).toBe(
      true,
    );
  });

  it.each(vectors.consistency)("B-3: consistency of $size1 with $size2", (v) => {
    const leaves = leafHashes.slice(0, v.size2);
    const proof = foldPlan(consistencyPlan(v.size1, v.size2), nodeTable(leaves));
    expect(hex(proof)).toEqual(v.path);
    const oldRoot = rootOf(leaves.slice(0, v.size1));
    expect(verifyConsistency(v.size1, v.size2, oldRoot, rootOf(leaves), v.path.map(unhex))).toBe(true);
  });

  it("B-2: a real CT log inclusion proof (3,630,887 leaves, 22 hashes) verifies, and not when altered", () => {
    for (const v of vectors.inclusionExternal) {
      const leaf = leafHash(unhex(v.leafInput));
      expect(leaf.toString("hex")).toBe(v.leafHash);
      const proof = v.path.map(unhex);
      expect(inclusionPlan(v.leafIndex, v.treeSize)).toHaveLength(proof.length);
      expect(verifyInclusion(leaf, v.leafIndex, v.treeSize, proof, unhex(v.root))).toBe(true);
      expect(verifyInclusion(leaf, v.leafIndex + 1, v.treeSize, proof, unhex(v.root))).toBe(false);
      expect(verifyInclusion(leaf, v.leafIndex, v.treeSize, proof.slice(1), unhex(v.root))).toBe(false);
      expect(verifyInclusion(leafHashes[0]!, v.leafIndex, v.treeSize, proof, unhex(v.root))).toBe(false);
    }
  });
});

describe("B-2 and B-3: the RFC 9162 §2.1.5 example tree of 7 leaves", () => {
  // Labels as in the RFC figure: a..f and j are leaves d0..d6, g h i the pairs, k = d0..d3, l = d4..d6.
  const d = leafHashes.slice(0, 7);
  const mth = (lo: number, hi: number): Hash => rootOf(d.slice(lo, hi));
  const [a, b, c, dd, e, f, j] = [
    mth(0, 1),
    mth(1, 2),
    mth(2, 3),
    mth(3, 4),
    mth(4, 5),
    mth(5, 6),
    mth(6, 7),
  ];
  const [g, h, i, k, l] = [mth(0, 2), mth(2, 4), mth(4, 6), mth(0, 4), mth(4, 7)];
  const lookup = nodeTable(d);
  const root = mth(0, 7);

  it("the shapes hang together: the root is MTH(k, l)", () => {
    expect(nodeHash(k, l).equals(root)).toBe(true);
    expect(nodeHash(nodeHash(a, b), nodeHash(c, dd)).equals(k)).toBe(true);
    expect(nodeHash(nodeHash(e, f), j).equals(l)).toBe(true);
  });

  it.each([
    { m: 0, expected: () => [b, h, l] },
    { m: 3, expected: () => [c, g, l] },
    { m: 4, expected: () => [f, j, k] },
    { m: 6, expected: () => [i, k] },
  ])("B-2: the inclusion proof of d$m", ({ m, expected }) => {
    const proof = foldPlan(inclusionPlan(m, 7), lookup);
    expect(hex(proof)).toEqual(hex(expected()));
    expect(verifyInclusion(d[m]!, m, 7, proof, root)).toBe(true);
  });

  it.each([
    { m: 3, expected: () => [c, dd, g, l] },
    { m: 4, expected: () => [l] },
    { m: 6, expected: () => [i, j, k] },
  ])("B-3: the consistency proof from $m to 7", ({ m, expected }) => {
    const proof = foldPlan(consistencyPlan(m, 7), lookup);
    expect(hex(proof)).toEqual(hex(expected()));
    expect(verifyConsistency(m, 7, mth(0, m), root, proof)).toBe(true);
  });

  it("plans name stored complete subtrees; the incomplete l is folded from i and j", () => {
    expect(rootPlan(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(inclusionPlan(0, 7)).toEqual([
      [{ level: 0, index: 1 }],
      [{ level: 1, index: 1 }],
      [
        { level: 1, index: 2 },
        { level: 0, index: 6 },
      ],
    ]);
    expect(consistencyPlan(4, 7)).toEqual([
      [
        { level: 1, index: 2 },
        { level: 0, index: 6 },
      ],
    ]);
  });
});

describe("completeSubtrees", () => {
  it("splits a range into aligned complete subtrees, largest first", () => {
    expect(completeSubtrees(0, 0)).toEqual([]);
    expect(completeSubtrees(8, 8)).toEqual([]);
    expect(completeSubtrees(8, 15)).toEqual([
      { level: 2, index: 2 },
      { level: 1, index: 6 },
      { level: 0, index: 14 },
    ]);
    expect(completeSubtrees(2 ** 40, 2 ** 41)).toEqual([{ level: 40, index: 1 }]);
  });

  it("refuses ranges no RFC recursion produces", () => {
    expect(() => completeSubtrees(1, 3)).toThrow(RangeError);
    expect(() => completeSubtrees(4, 2)).toThrow(RangeError);
    expect(() => completeSubtrees(-1, 2)).toThrow(RangeError);
    expect(() => completeSubtrees(0, 1.5)).toThrow(RangeError);
  });

  it("plans refuse impossible sizes", () => {
    expect(() => inclusionPlan(3, 3)).toThrow(RangeError);
    expect(() => inclusionPlan(0, 0)).toThrow(RangeError);
    expect(() => consistencyPlan(5, 4)).toThrow(RangeError);
    expect(consistencyPlan(0, 5)).toEqual([]);
    expect(consistencyPlan(5, 5)).toEqual([]);
  });
});

describe("B-2 and B-3: verifiers return false on malformed input, never throw", () => {
  const leaves = leafHashes.slice(0, 7);
  const lookup = nodeTable(leaves);
  const root = rootOf(leaves);
  const proof = foldPlan(inclusionPlan(2, 7), lookup);
  const short = Buffer.alloc(31);
  const long = Buffer.alloc(33);

  it("B-2: inclusion", () => {
    expect(verifyInclusion(leaves[2]!, 2, 7, proof, root)).toBe(true);
    expect(verifyInclusion(leaves[2]!, 2, 7, proof.slice(0, -1), root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2, 7, [...proof, root], root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2, 7, [], root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 7, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 9, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, -1, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2.5, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, Number.NaN, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 0, 0, [], emptyRoot)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2, Number.POSITIVE_INFINITY, proof, root)).toBe(false);
    expect(verifyInclusion(short, 2, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2, 7, proof, long)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2, 7, [proof[0]!, short, proof[2]!], root)).toBe(false);
    expect(verifyInclusion(leaves[2]!, 2, 7, "nope" as unknown as Hash[], root)).toBe(false);
    expect(verifyInclusion(undefined as unknown as Hash, 2, 7, proof, root)).toBe(false);
  });

  it("B-3: consistency", () => {
    const old = rootOf(leaves.slice(0, 3));
    const cproof = foldPlan(consistencyPlan(3, 7), lookup);
    expect(verifyConsistency(3, 7, old, root, cproof)).toBe(true);
    expect(verifyConsistency(7, 3, root, old, cproof)).toBe(false);
    expect(verifyConsistency(3, 7, old, root, [])).toBe(false);
    expect(verifyConsistency(3, 7, old, root, cproof.slice(1))).toBe(false);
    expect(verifyConsistency(3, 7, old, root, [...cproof, root])).toBe(false);
    expect(verifyConsistency(-3, 7, old, root, cproof)).toBe(false);
    expect(verifyConsistency(3, 7.5, old, root, cproof)).toBe(false);
    expect(verifyConsistency(3, Number.NaN, old, root, cproof)).toBe(false);
    expect(verifyConsistency(3, 7, short, root, cproof)).toBe(false);
    expect(verifyConsistency(3, 7, old, long, cproof)).toBe(false);
    expect(verifyConsistency(3, 7, old, root, [cproof[0]!, short, cproof[2]!, cproof[3]!])).toBe(false);
    expect(verifyConsistency(3, 7, old, root, null as unknown as Hash[])).toBe(false);
  });

  it("B-2 and B-3: a proof that stops below the root of the claimed size fails", () => {
    // Both proofs rebuild the 2-leaf root correctly, but claim it is the root of 3 leaves.
    const two = rootOf(leaves.slice(0, 2));
    expect(verifyInclusion(leaves[0]!, 0, 2, [leaves[1]!], two)).toBe(true);
    expect(verifyInclusion(leaves[0]!, 0, 3, [leaves[1]!], two)).toBe(false);
    expect(verifyConsistency(1, 2, leaves[0]!, two, [leaves[1]!])).toBe(true);
    expect(verifyConsistency(1, 3, leaves[0]!, two, [leaves[1]!])).toBe(false);
  });

  it("B-3: the cases outside 0 < m < n take an empty proof and check only the roots", () => {
    expect(verifyConsistency(7, 7, root, root, [])).toBe(true);
    expect(verifyConsistency(7, 7, root, root, [root])).toBe(false);
    expect(verifyConsistency(7, 7, root, leaves[0]!, [])).toBe(false);
    expect(verifyConsistency(0, 7, emptyRoot, root, [])).toBe(true);
    expect(verifyConsistency(0, 7, leaves[0]!, root, [])).toBe(false);
    expect(verifyConsistency(0, 7, emptyRoot, root, [root])).toBe(false);
    expect(verifyConsistency(0, 0, emptyRoot, emptyRoot, [])).toBe(true);
    expect(verifyConsistency(0, 0, leaves[0]!, leaves[0]!, [])).toBe(false);
  });
});

describe("frontier", () => {
  const leaves = leafHashes.slice(0, 8);
  const lookup = nodeTable(leaves);

  it("is read from the nodes of rootPlan(size)", () => {
    const frontier = frontierFromNodes(7, lookup);
    expect(frontier.size).toBe(7);
    expect(frontier.nodes.map(({ level, index }) => ({ level, index }))).toEqual(rootPlan(7));
    expect(frontier.nodes.map((n) => n.hash.toString("hex"))).toEqual(hex(rootPlan(7).map(lookup)));
  });

  it("appending the 8th leaf completes every level up to the root", () => {
    const { frontier, created } = appendLeaf(frontierFromNodes(7, lookup), leaves[7]!);
    const refs = [
      { level: 0, index: 7 },
      { level: 1, index: 3 },
      { level: 2, index: 1 },
      { level: 3, index: 0 },
    ];
    expect(created.map(({ level, index }) => ({ level, index }))).toEqual(refs);
    expect(hex(created.map((n) => n.hash))).toEqual(hex(refs.map(lookup)));
    expect(frontier).toEqual({
      size: 8,
      nodes: [{ level: 3, index: 0, hash: lookup({ level: 3, index: 0 }) }],
    });
    expect(rootOfFrontier(frontier).toString("hex")).toBe(vectors.roots[8]!.root);
  });

  it("refuses a frontier that does not match its size, and a leaf that is not a hash", () => {
    const frontier = frontierFromNodes(7, lookup);
    expect(() => appendLeaf({ ...frontier, size: 6 }, leaves[7]!)).toThrow(RangeError);
    expect(() => rootOfFrontier({ size: 7, nodes: frontier.nodes.slice(1) })).toThrow(RangeError);
    expect(() => appendLeaf(frontier, Buffer.alloc(31))).toThrow(RangeError);
  });
});
