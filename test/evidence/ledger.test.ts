import crypto from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBounceWindows } from "../../src/correspondence/bounce-window.ts";
import { openLetter } from "../../src/correspondence/service.ts";
import {
  ledgerEntries,
  ledgerLeaves,
  ledgerNodes,
  ledgerQueue,
  ledgerTreeHeads,
} from "../../src/db/schema/evidence.ts";
import { canonicalJson } from "../../src/evidence/canonical.ts";
import {
  consistencyProof,
  inclusionProof,
  sequenceAll,
  sequenceLedger,
  signedTreeHeadOf,
  signTreeHead,
  verifyLedger,
} from "../../src/evidence/ledger.ts";
import { appendToLedger } from "../../src/evidence/ledger-append.ts";
import { ledgerKeyOf } from "../../src/evidence/ledger-key.ts";
import { entriesOfSubject, ledgerSize } from "../../src/evidence/ledger-store.ts";
import { leafHash, verifyConsistency, verifyInclusion } from "../../src/evidence/merkle.ts";
import { verifyTreeHeadSignature } from "../../src/evidence/tree-head.ts";
import { createLogger } from "../../src/logger.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";

// The ledger of B-2 on a real database (PGlite, or PostgreSQL with DATABASE_URL): events written with
// their own transactions, sequenced by one writer, signed, proven from stored subtrees, and checked
// end to end by `verifyLedger`.

let desk: LetterDesk;
const signer = () => ({
  key: desk.ledgerKey,
  timestampAuthorityUrl: undefined,
  logger: createLogger("silent"),
});

beforeAll(async () => {
  desk = await openLetterDesk();
});
afterAll(async () => {
  await desk?.dispose();
});

describe("the ledger (B-2)", () => {
  it("B-2: every address the demo recorded is on the ledger, as canonical JSON whose hash is the leaf hash", async () => {
    const n = await sequenceAll(desk.database.db);
    expect(n).toBeGreaterThan(200);
    const rows = await desk.database.db
      .select()
      .from(ledgerEntries)
      .orderBy(asc(ledgerEntries.seq))
      .limit(50);
    for (const r of rows) {
      expect(r.eventType).toBe("liaison.AddressProvided");
      const parsed = JSON.parse(r.data);
      // Canonical: re-serialising gives the same bytes; the stored hash is RFC 6962's leaf hash.
      expect(canonicalJson(parsed)).toBe(r.data);
      expect(r.leafHash.equals(leafHash(Buffer.from(r.data, "utf8")))).toBe(true);
      expect(parsed).toMatchObject({ v: 1, event: "address-provided", subject: { type: "party" } });
    }
    const [queued] = await desk.database.db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(ledgerQueue);
    expect(queued?.n).toBe(0);
  });

  it("B-2/B-9: a letter's events go on the ledger with their ETSI names; its draft does not", async () => {
    const id = await desk.send(desk.showcase("applicant-form-email"));
    await desk.dispatchAll();
    await sequenceAll(desk.database.db);
    const entries = await entriesOfSubject(desk.database.db, "correspondence", [id]);
    expect(entries.map((e) => e.entry.eventType)).toEqual([
      "SubmissionAcceptance",
      "liaison.MessageSealed",
      "RelayToNonERDS",
      "liaison.NoteWritten",
    ]);
    expect(entries.every((e) => e.leafIndex !== null)).toBe(true);
    const sent = JSON.parse(entries[2]!.entry.data);
    // B-5: the hand-off's transcript is on the ledger.
    expect(sent.details.smtp).toMatchObject({ tls: "none" });
    expect(sent.details.smtp.reply).toMatch(/^250 /);
    const generated = JSON.parse(entries[0]!.entry.data);
    expect(generated.details.letterSha256).toMatch(/^[0-9a-f]{64}$/);
    const { letter } = await openLetter(desk.services(), desk.agent, id);
    expect(generated.details.address).toBe(letter.address);
  });

  it("B-2: an event whose transaction rolls back leaves nothing on the ledger", async () => {
    const db = desk.database.db;
    await sequenceAll(db);
    const before = await ledgerSize(db);
    const event = {
      kind: "decision-made" as const,
      subject: { type: "application" as const, id: "00000000-0000-4000-8000-000000000000" },
      at: desk.clock.now(),
      actor: { kind: "system" as const, name: "test" },
      details: {},
    };
    await expect(
      db.transaction(async (tx) => {
        await appendToLedger(tx, [event]);
        throw new Error("the decision failed to record");
      }),
    ).rejects.toThrow("the decision failed to record");
    expect(await sequenceAll(db)).toBe(0);
    expect(await ledgerSize(db)).toBe(before);
    await db.transaction((tx) => appendToLedger(tx, [event]));
    expect(await sequenceAll(db)).toBe(1);
  });

  it("B-2: a signed tree head's root is the RFC 6962 root; each leaf's inclusion proof from the database verifies", async () => {
    const signed = (await signTreeHead(desk.database.db, desk.clock, signer()))!;
    expect(signed.created).toBe(true);
    const head = signedTreeHeadOf(signed.head);
    expect(verifyTreeHeadSignature(head, desk.ledgerKey.publicKeyPem)).toBe(true);
    const root = signed.head.rootHash;
    const leaves = await desk.database.db
      .select({ i: ledgerLeaves.leafIndex, hash: ledgerEntries.leafHash })
      .from(ledgerLeaves)
      .innerJoin(ledgerEntries, eq(ledgerEntries.seq, ledgerLeaves.entrySeq))
      .orderBy(asc(ledgerLeaves.leafIndex));
    expect(leaves.map((l) => l.i)).toEqual(leaves.map((_, i) => i));
    for (const i of [0, 1, Math.floor(leaves.length / 2), leaves.length - 1]) {
      const proof = await inclusionProof(desk.database.db, i, head.treeSize);
      expect(verifyInclusion(leaves[i]!.hash, i, head.treeSize, proof, root)).toBe(true);
      expect(verifyInclusion(leaves[(i + 1) % leaves.length]!.hash, i, head.treeSize, proof, root)).toBe(
        false,
      );
    }
    // Signing again with nothing new makes no new head.
    expect((await signTreeHead(desk.database.db, desk.clock, signer()))!.created).toBe(false);
  });

  it("B-2: a later tree head is consistent with an earlier one (RFC 9162 consistency proof)", async () => {
    const first = (await signTreeHead(desk.database.db, desk.clock, signer()))!.head;
    await desk.send(desk.showcase("applicant-wrote-by-email"));
    await desk.dispatchAll();
    const second = (await signTreeHead(desk.database.db, desk.clock, signer()))!.head;
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const proof = await consistencyProof(desk.database.db, first.treeSize, second.treeSize);
    expect(verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, proof)).toBe(
      true,
    );
    const forged = Buffer.from(first.rootHash);
    forged[0]! ^= 1;
    expect(verifyConsistency(first.treeSize, second.treeSize, forged, second.rootHash, proof)).toBe(false);
  });

  it("B-2: sequencers running at once give every entry exactly one place, with no gap", async () => {
    for (let i = 0; i < 3; i++) await desk.send(desk.showcase("representative-with-email"));
    await desk.dispatchAll();
    await Promise.all([
      sequenceLedger(desk.database.db, 3),
      sequenceLedger(desk.database.db, 3),
      sequenceAll(desk.database.db),
    ]);
    await sequenceAll(desk.database.db);
    const leaves = await desk.database.db.select().from(ledgerLeaves).orderBy(asc(ledgerLeaves.leafIndex));
    expect(leaves.map((l) => l.leafIndex)).toEqual(leaves.map((_, i) => i));
    expect(new Set(leaves.map((l) => l.entrySeq)).size).toBe(leaves.length);
    const [entries] = await desk.database.db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(ledgerEntries);
    expect(entries?.n).toBe(leaves.length);
  });

  it("B-2: the ledger's tables refuse any change or deletion (append-only)", async () => {
    const db = desk.database.db;
    await expect(db.update(ledgerEntries).set({ data: "{}" })).rejects.toThrow();
    await expect(db.delete(ledgerEntries)).rejects.toThrow();
    await expect(db.delete(ledgerLeaves)).rejects.toThrow();
    await expect(db.update(ledgerNodes).set({ hash: Buffer.alloc(32) })).rejects.toThrow();
    await expect(db.delete(ledgerTreeHeads)).rejects.toThrow();
  });

  it("B-2: `ledger verify` passes on the real ledger and fails on a foreign key", async () => {
    await signTreeHead(desk.database.db, desk.clock, signer());
    const ok = await verifyLedger(desk.database.db, [desk.ledgerKey]);
    expect(ok.problems).toEqual([]);
    expect(ok.treeHeads).toBeGreaterThanOrEqual(3);
    const other = ledgerKeyOf(crypto.generateKeyPairSync("ed25519").privateKey);
    const foreign = await verifyLedger(desk.database.db, [other]);
    expect(foreign.problems.length).toBe(ok.treeHeads);
    expect(foreign.problems[0]).toMatch(/was not given/);
  });

  it("B-6: once the waiting period passes with no report, a closure event goes on the ledger, once", async () => {
    const id = await desk.send(desk.showcase("applicant-form-email"));
    await desk.dispatchAll();
    const ctx = { db: desk.database.db, clock: desk.clock, logger: createLogger("silent") };
    const windowMs = 72 * 3_600_000;
    expect(await closeBounceWindows(ctx, windowMs)).toBe(0);
    desk.clock.advance(windowMs + 1_000);
    expect(await closeBounceWindows(ctx, windowMs)).toBeGreaterThanOrEqual(1);
    expect(await closeBounceWindows(ctx, windowMs)).toBe(0);
    await sequenceAll(desk.database.db);
    const entries = await entriesOfSubject(desk.database.db, "correspondence", [id]);
    const closure = entries.filter((e) => e.entry.eventType === "liaison.NoBounceWindowClosed");
    expect(closure).toHaveLength(1);
    expect(JSON.parse(closure[0]!.entry.data).details.windowHours).toBe(72);
  });
});

describe("tampering is found (B-2, B-3)", () => {
  it("B-2: `ledger verify` names an altered event, an altered node and a forged tree head", async () => {
    const db = desk.database.db;
    await signTreeHead(db, desk.clock, signer());
    // An insider with the database's owner rights turns the triggers off and rewrites history.
    await db.execute(sql`alter table ledger_entries disable trigger user`);
    await db.execute(sql`alter table ledger_nodes disable trigger user`);
    await db.execute(sql`alter table ledger_tree_heads disable trigger user`);
    try {
      const [victim] = await db.select().from(ledgerLeaves).where(eq(ledgerLeaves.leafIndex, 5));
      await db
        .update(ledgerEntries)
        .set({ data: sql`replace(${ledgerEntries.data}, '"v":1', '"v":2')` })
        .where(eq(ledgerEntries.seq, victim!.entrySeq));
      await db
        .update(ledgerNodes)
        .set({ hash: Buffer.alloc(32, 7) })
        .where(sql`${ledgerNodes.level} = 1 and ${ledgerNodes.index} = 10`);
      const [latest] = await db.select().from(ledgerTreeHeads).orderBy(sql`tree_size desc`).limit(1);
      await db
        .update(ledgerTreeHeads)
        .set({ rootHash: Buffer.alloc(32, 1) })
        .where(eq(ledgerTreeHeads.treeSize, latest!.treeSize));
      const report = await verifyLedger(db, [desk.ledgerKey]);
      expect(report.problems).toContain("leaf 5: its event bytes do not match its hash");
      expect(report.problems).toContain("node at level 1, index 10 is altered");
      expect(report.problems.some((p) => p.startsWith(`tree head ${latest!.treeSize}: its root`))).toBe(true);
      expect(report.problems.some((p) => p.startsWith(`tree head ${latest!.treeSize}: the signature`))).toBe(
        true,
      );
    } finally {
      await db.execute(sql`alter table ledger_entries enable trigger user`);
      await db.execute(sql`alter table ledger_nodes enable trigger user`);
      await db.execute(sql`alter table ledger_tree_heads enable trigger user`);
    }
  });
});
