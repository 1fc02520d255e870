import crypto from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerTimestamps } from "../../src/db/schema/evidence.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { signedTreeHeadOf, signTreeHead } from "../../src/evidence/ledger.ts";
import type { ProofManifest } from "../../src/evidence/proof-findings.ts";
import { buildProofPackage } from "../../src/evidence/proof-package.ts";
import { verifyTimestamp } from "../../src/evidence/timestamp.ts";
import { treeHeadBytes } from "../../src/evidence/tree-head.ts";
import { verifyPackage } from "../../src/evidence/verify-package.ts";
import { createLogger } from "../../src/logger.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";
import { type OpensslTsa, startOpensslTsa } from "../support/openssl-tsa.ts";

// B-8: tree heads countersigned by an RFC 3161 time-stamping authority (a real one: `openssl ts`, on
// loopback), carried in the proof package and checked offline.

let desk: LetterDesk;
let tsa: OpensslTsa;
const signer = (url: string | undefined) => ({
  key: desk.ledgerKey,
  timestampAuthorityUrl: url,
  logger: createLogger("silent"),
});

beforeAll(async () => {
  desk = await openLetterDesk();
  tsa = await startOpensslTsa();
});
afterAll(async () => {
  await tsa?.stop();
  await desk?.dispose();
});

describe("time-stamped tree heads (B-8)", () => {
  it("B-8: with an authority configured, each new tree head gets a token over its signed bytes", async () => {
    const signed = (await signTreeHead(desk.database.db, desk.clock, signer(tsa.url)))!;
    const [row] = await desk.database.db
      .select()
      .from(ledgerTimestamps)
      .where(eq(ledgerTimestamps.treeSize, signed.head.treeSize));
    expect(row?.authorityUrl).toBe(tsa.url);
    const digest = crypto
      .createHash("sha256")
      .update(treeHeadBytes(signedTreeHeadOf(signed.head)))
      .digest();
    const check = await verifyTimestamp(row!.token, digest, [tsa.caCertPem]);
    expect(check.ok).toBe(true);
  });

  it("B-8: the authority being down leaves the head signed, without a token", async () => {
    await desk.send(desk.showcase("applicant-form-email"));
    await desk.dispatchAll();
    const signed = (await signTreeHead(desk.database.db, desk.clock, signer("http://127.0.0.1:9/tsa")))!;
    expect(signed.created).toBe(true);
    const rows = await desk.database.db
      .select()
      .from(ledgerTimestamps)
      .where(eq(ledgerTimestamps.treeSize, signed.head.treeSize));
    expect(rows).toEqual([]);
  });

  it("B-8: a package over a time-stamped head carries the token; verification checks it, and a flipped token fails", async () => {
    const id = await desk.send(desk.showcase("applicant-wrote-by-email"));
    await desk.dispatchAll();
    const deps = {
      db: desk.database.db,
      clock: desk.clock,
      blobs: fileBlobStore(path.join(desk.dataDir, "blobs")),
      signer: signer(tsa.url),
    };
    const files = await buildProofPackage(deps, id, {
      language: "en",
      actor: { kind: "system", name: "test" },
    });
    const manifest = JSON.parse(files.get("manifest.json")!.toString()) as ProofManifest;
    expect(manifest.timestamp?.authorityUrl).toBe(tsa.url);
    const verdict = await verifyPackage(files);
    expect(verdict.checks.find((c) => c.where === "timestamp")?.ok).toBe(true);
    expect(verdict.valid).toBe(true);

    const token = Buffer.from(manifest.timestamp!.token, "base64");
    token[token.length - 20] = token[token.length - 20]! ^ 0xff;
    manifest.timestamp!.token = token.toString("base64");
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const forged = new Map(files);
    forged.set("manifest.json", bytes);
    forged.set(
      "manifest.sig",
      Buffer.from(crypto.sign(null, bytes, desk.ledgerKey.privateKey).toString("base64")),
    );
    const bad = await verifyPackage(forged);
    expect(bad.valid).toBe(false);
    expect(bad.checks.find((c) => c.where === "timestamp")?.ok).toBe(false);
  });
});
