import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appendLeaf,
  consistencyPlan,
  type Frontier,
  foldNodes,
  foldPlan,
  frontierFromNodes,
  type Hash,
  inclusionPlan,
  leafHash,
  type NodeRef,
  nodeHash,
  type ProofPlan,
  rootOf,
  rootOfFrontier,
  rootPlan,
  verifyConsistency,
  verifyInclusion,
} from "../../src/evidence/merkle.ts";

const RUNS = { numRuns: 100 };

// One append-only log; a tree of size n is its first n leaves, as in a real log.
const LOG_SIZE = 520;
const leaves = Array.from({ length: LOG_SIZE }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const table = new Map<string, Hash>();
const key = (ref: NodeRef): string => `${ref.level}:${ref.index}`;
for (let level = 0, row = leaves; row.length > 0; level++) {
  for (const [index, h] of row.entries()) table.set(key({ level, index }), h);
  row = Array.from({ length: Math.floor(row.length / 2) }, (_, i) => nodeHash(row[2 * i]!, row[2 * i + 1]!));
}
/** The store at size n: only nodes complete within the first n leaves exist. */
const storeAt =
  (n: number) =>
  (ref: NodeRef): Hash => {
    const h = table.get(key(ref));
    if (h === undefined || (ref.index + 1) * 2 ** ref.level > n)
      throw new Error(`no node ${key(ref)} at ${n}`);
    return h;
  };
const rootCache = new Map<number, Hash>();
const rootAt = (n: number): Hash => {
  const cached = rootCache.get(n) ?? rootOf(leaves.slice(0, n));
  rootCache.set(n, cached);
  return cached;
};

const ceilLog2 = (n: number): number => {
  let c = 0;
  while (2 ** c < n) c++;
  return c;
};
const flip = (h: Hash, bit: number): Hash => {
  const copy = Buffer.from(h);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
};
const refCount = (plan: ProofPlan): number => plan.reduce((sum, refs) => sum + refs.length, 0);

// The RFC 9162 §2.1.3.1 and §2.1.4.1 definitions, transcribed literally over arrays, as the oracle.
const split = (n: number): number => 2 ** (ceilLog2(n) - 1);
function refPath(m: number, d: readonly Hash[]): Hash[] {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), rootOf(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), rootOf(d.slice(0, k))];
}
function refSubproof(m: number, d: readonly Hash[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [rootOf(d)];
  const k = split(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), rootOf(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), rootOf(d.slice(0, k))];
}

const nearPowersOfTwo = [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((k) => [2 ** k - 1, 2 ** k, 2 ** k + 1]);
const sizeArb = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constantFrom(...nearPowersOfTwo));
const inclusionCase = sizeArb.chain((n) =>
  fc.record({ n: fc.constant(n), m: fc.integer({ min: 0, max: n - 1 }) }),
);
/** 1 <= m <= n; with proper = true, m < n (a non-empty proof). */
const consistencyCase = (proper: boolean) =>
  sizeArb
    .filter((n) => !proper || n >= 2)
    .chain((n) => fc.record({ n: fc.constant(n), m: fc.integer({ min: 1, max: proper ? n - 1 : n }) }));
const delta = fc.integer({ min: -3, max: 3 });
const bit = fc.integer({ min: 0, max: 255 });

const inclusionProof = (m: number, n: number): Hash[] => foldPlan(inclusionPlan(m, n), storeAt(n));
const consistencyProof = (m: number, n: number): Hash[] => foldPlan(consistencyPlan(m, n), storeAt(n));

describe("B-2: inclusion proofs (property)", () => {
  it("B-2: a proof folded from the plan equals RFC PATH(m, D[n]), verifies, and has at most ceil(log2 n) hashes", () => {
    fc.assert(
      fc.property(inclusionCase, ({ m, n }) => {
        const proof = inclusionProof(m, n);
        expect(proof.map((h) => h.toString("hex"))).toEqual(
          refPath(m, leaves.slice(0, n)).map((h) => h.toString("hex")),
        );
        expect(proof.length).toBeLessThanOrEqual(ceilLog2(n));
        expect(verifyInclusion(leaves[m]!, m, n, proof, rootAt(n))).toBe(true);
      }),
      RUNS,
    );
  });

  it("B-2: flipping any single bit of the leaf, any proof hash or the root fails", () => {
    fc.assert(
      fc.property(inclusionCase, bit, ({ m, n }, b) => {
        const proof = inclusionProof(m, n);
        const root = rootAt(n);
        expect(verifyInclusion(flip(leaves[m]!, b), m, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n, proof, flip(root, b))).toBe(false);
        proof.forEach((p, i) => {
          const tampered = proof.map((q, j) => (j === i ? flip(p, b) : q));
          expect(verifyInclusion(leaves[m]!, m, n, tampered, root)).toBe(false);
        });
      }),
      RUNS,
    );
  });

  it("B-2: the proof fails for any other index or size of the same log", () => {
    const otherCase = fc.oneof(
      fc.tuple(inclusionCase, delta, delta).map(([c, dm, dn]) => ({ ...c, m2: c.m + dm, n2: c.n + dn })),
      fc.tuple(inclusionCase, inclusionCase).map(([c, o]) => ({ ...c, m2: o.m, n2: o.n })),
    );
    fc.assert(
      fc.property(otherCase, ({ m, n, m2, n2 }) => {
        fc.pre((m2 !== m || n2 !== n) && m2 >= 0 && m2 < n2 && n2 <= LOG_SIZE);
        expect(verifyInclusion(leaves[m]!, m2, n2, inclusionProof(m, n), rootAt(n2))).toBe(false);
      }),
      RUNS,
    );
  });

  it("B-2: against the same root, another index/size passes only if it hashes in the same order; never at the same size", () => {
    // Why: the root alone does not fix the tree size (e.g. leaf 0 of 3 and of 4 hash alike); the signed tree head does.
    const sides = (m: number, n: number): boolean[] =>
      inclusionPlan(m, n).map((refs) => refs[0]!.index * 2 ** refs[0]!.level < m);
    fc.assert(
      fc.property(inclusionCase, delta, delta, ({ m, n }, dm, dn) => {
        const [m2, n2] = [m + dm, n + dn];
        fc.pre((dm !== 0 || dn !== 0) && m2 >= 0 && m2 < n2);
        const verified = verifyInclusion(leaves[m]!, m2, n2, inclusionProof(m, n), rootAt(n));
        expect(verified).toBe(JSON.stringify(sides(m2, n2)) === JSON.stringify(sides(m, n)));
        if (dn === 0) expect(verified).toBe(false);
      }),
      RUNS,
    );
  });
});

describe("B-3: consistency proofs (property)", () => {
  it("B-3: a proof folded from the plan equals RFC PROOF(m, D[n]), verifies, and has at most ceil(log2 n) + 1 hashes", () => {
    fc.assert(
      fc.property(consistencyCase(false), ({ m, n }) => {
        const proof = consistencyProof(m, n);
        const expected = m === n ? [] : refSubproof(m, leaves.slice(0, n), true);
        expect(proof.map((h) => h.toString("hex"))).toEqual(expected.map((h) => h.toString("hex")));
        expect(proof.length).toBeLessThanOrEqual(ceilLog2(n) + 1);
        expect(verifyConsistency(m, n, rootAt(m), rootAt(n), proof)).toBe(true);
      }),
      RUNS,
    );
  });

  it("B-3: flipping any single bit of either root or any proof hash fails", () => {
    fc.assert(
      fc.property(consistencyCase(true), bit, ({ m, n }, b) => {
        const proof = consistencyProof(m, n);
        expect(verifyConsistency(m, n, flip(rootAt(m), b), rootAt(n), proof)).toBe(false);
        expect(verifyConsistency(m, n, rootAt(m), flip(rootAt(n), b), proof)).toBe(false);
        proof.forEach((p, i) => {
          const tampered = proof.map((q, j) => (j === i ? flip(p, b) : q));
          expect(verifyConsistency(m, n, rootAt(m), rootAt(n), tampered)).toBe(false);
        });
      }),
      RUNS,
    );
  });

  it("B-3: the proof fails for any other pair of sizes of the same log", () => {
    const otherCase = fc.oneof(
      fc
        .tuple(consistencyCase(true), delta, delta)
        .map(([c, dm, dn]) => ({ ...c, m2: c.m + dm, n2: c.n + dn })),
      fc.tuple(consistencyCase(true), consistencyCase(false)).map(([c, o]) => ({ ...c, m2: o.m, n2: o.n })),
    );
    fc.assert(
      fc.property(otherCase, ({ m, n, m2, n2 }) => {
        fc.pre((m2 !== m || n2 !== n) && m2 >= 0 && m2 <= n2 && n2 <= LOG_SIZE);
        expect(verifyConsistency(m2, n2, rootAt(m2), rootAt(n2), consistencyProof(m, n))).toBe(false);
      }),
      RUNS,
    );
  });
});

describe("B-2 and B-3: the frontier (property)", () => {
  it("appendLeaf keeps the root equal to rootOf and creates exactly the complete subtrees, each once", () => {
    fc.assert(
      fc.property(sizeArb, (n) => {
        let frontier: Frontier = { size: 0, nodes: [] };
        const created = new Map<string, string>();
        for (let size = 0; size < n; size++) {
          const step = appendLeaf(frontier, leaves[size]!);
          expect(step.created[0]).toEqual({ level: 0, index: size, hash: leaves[size] });
          for (const node of step.created) {
            expect(created.has(key(node))).toBe(false);
            created.set(key(node), node.hash.toString("hex"));
          }
          frontier = step.frontier;
          expect(rootOfFrontier(frontier).equals(foldNodes(rootPlan(size + 1), storeAt(size + 1)))).toBe(
            true,
          );
        }
        expect(rootOfFrontier(frontier).equals(rootAt(n))).toBe(true);
        expect(frontierFromNodes(n, storeAt(n))).toEqual(frontier);
        // Recomputed from the leaves: every [i*2^l, (i+1)*2^l) within the first n leaves.
        const expected = new Map<string, string>();
        for (let level = 0; 2 ** level <= n; level++) {
          for (let index = 0; (index + 1) * 2 ** level <= n; index++) {
            const hash = rootOf(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
            expected.set(key({ level, index }), hash.toString("hex"));
          }
        }
        expect(new Map([...created].sort())).toEqual(new Map([...expected].sort()));
      }),
      { numRuns: 50 },
    );
  });
});

describe("B-2 and B-3: plans touch O(log^2 n) stored nodes", () => {
  // Sizes up to 2^40, biased to powers of two, where the right edge is longest.
  const bigSize = fc.oneof(
    fc
      .tuple(fc.nat({ max: 2 ** 20 - 1 }), fc.nat({ max: 2 ** 20 - 1 }))
      .map(([hi, lo]) => hi * 2 ** 20 + lo + 1),
    fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -1, max: 1 })).map(([k, d]) => 2 ** k + d),
  );
  const bigPair = bigSize.chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.oneof(fc.constant(0), fc.constant(n - 1), fc.integer({ min: 0, max: n - 1 })),
    ),
  );
  const existsAt = (ref: NodeRef, n: number): boolean =>
    Number.isSafeInteger(ref.index) &&
    ref.index >= 0 &&
    ref.level >= 0 &&
    (ref.index + 1) * 2 ** ref.level <= n;

  const checkInclusionPlan = (m: number, n: number): void => {
    const plan = inclusionPlan(m, n);
    expect(plan.length).toBeLessThanOrEqual(ceilLog2(n));
    expect(refCount(plan)).toBeLessThanOrEqual((ceilLog2(n) + 1) ** 2);
    // The siblings and the leaf itself tile [0, n) exactly: nothing missing, nothing twice.
    const ranges = [...plan.flat(), { level: 0, index: m }]
      .map((r) => [r.index * 2 ** r.level, (r.index + 1) * 2 ** r.level] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const [i, [start]] of ranges.entries()) expect(start).toBe(i === 0 ? 0 : ranges[i - 1]![1]);
    expect(ranges.at(-1)![1]).toBe(n);
    for (const ref of plan.flat()) expect(existsAt(ref, n)).toBe(true);
  };

  it("B-2: inclusionPlan(m, n) for n up to 2^40 names at most (ceil(log2 n) + 1)^2 existing nodes", () => {
    fc.assert(
      fc.property(bigPair, ([n, m]) => {
        checkInclusionPlan(m, n);
        expect(rootPlan(n).length).toBeLessThanOrEqual(ceilLog2(n) + 1);
      }),
      RUNS,
    );
  });

  it("B-3: consistencyPlan(m, n) for n up to 2^40 names at most (ceil(log2 n) + 1)^2 existing nodes", () => {
    fc.assert(
      fc.property(bigPair, ([n, m]) => {
        const plan = consistencyPlan(m, n);
        expect(plan.length).toBeLessThanOrEqual(ceilLog2(n) + 1);
        expect(refCount(plan)).toBeLessThanOrEqual((ceilLog2(n) + 1) ** 2);
        for (const ref of plan.flat()) expect(existsAt(ref, n)).toBe(true);
      }),
      RUNS,
    );
  });

  it("B-2 and B-3: at n = 10^6 every sampled plan stays within (20 + 1)^2 = 441 nodes", () => {
    const n = 1_000_000;
    const sample = [0, 1, 2, 2 ** 19 - 1, 2 ** 19, 2 ** 19 + 1, n - 2, n - 1];
    for (let m = 0; m < n; m += 997) sample.push(m);
    for (const m of sample) {
      checkInclusionPlan(m, n);
      const plan = consistencyPlan(m, n);
      expect(refCount(plan)).toBeLessThanOrEqual(441);
      expect(plan.length).toBeLessThanOrEqual(21);
    }
  });

  it("B-2 and B-3: at n = 10^6 proofs come from a few node lookups, never from the leaves, and verify", () => {
    // A sparse log: all leaves alike except a few, so any node hash is cheap to derive on demand.
    const n = 1_000_000;
    const special = [0, 1, 3, 2 ** 19 - 1, 2 ** 19, 777_777, n - 2, n - 1];
    const uniform = [leafHash(Buffer.from("uniform"))];
    for (let level = 1; level <= 20; level++)
      uniform.push(nodeHash(uniform[level - 1]!, uniform[level - 1]!));
    const memo = new Map<string, Hash>();
    const derive = (ref: NodeRef): Hash => {
      const [lo, hi] = [ref.index * 2 ** ref.level, (ref.index + 1) * 2 ** ref.level];
      if (!special.some((s) => s >= lo && s < hi)) return uniform[ref.level]!;
      if (ref.level === 0) return leafHash(Buffer.from(`special ${ref.index}`));
      const cached = memo.get(key(ref));
      if (cached !== undefined) return cached;
      const h = nodeHash(
        derive({ level: ref.level - 1, index: 2 * ref.index }),
        derive({ level: ref.level - 1, index: 2 * ref.index + 1 }),
      );
      memo.set(key(ref), h);
      return h;
    };
    let lookups = 0;
    const store =
      (size: number) =>
      (ref: NodeRef): Hash => {
        expect((ref.index + 1) * 2 ** ref.level).toBeLessThanOrEqual(size);
        lookups++;
        return derive(ref);
      };
    const root = foldNodes(rootPlan(n), store(n));
    for (const m of special) {
      lookups = 0;
      const proof = foldPlan(inclusionPlan(m, n), store(n));
      expect(lookups).toBeLessThanOrEqual(2 * 20);
      expect(verifyInclusion(derive({ level: 0, index: m }), m, n, proof, root)).toBe(true);
      expect(verifyInclusion(derive({ level: 0, index: m }), m, n, proof, flip(root, 0))).toBe(false);
      lookups = 0;
      const consistency = foldPlan(consistencyPlan(m + 1, n), store(n));
      expect(lookups).toBeLessThanOrEqual(2 * 20 + 1);
      const oldRoot = foldNodes(rootPlan(m + 1), store(m + 1));
      expect(verifyConsistency(m + 1, n, oldRoot, root, consistency)).toBe(true);
    }
    // The appender needs only the frontier: 20 nodes at most, then the new root.
    const before = frontierFromNodes(n - 1, store(n - 1));
    expect(before.nodes.length).toBeLessThanOrEqual(20);
    expect(rootOfFrontier(appendLeaf(before, derive({ level: 0, index: n - 1 })).frontier).equals(root)).toBe(
      true,
    );
  });
});
