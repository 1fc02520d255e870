import crypto from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { ledgerKeyOf } from "../../src/evidence/ledger-key.ts";
import { buildProofPackage, packageFolderName, writePackage } from "../../src/evidence/proof-package.ts";
import { createLogger } from "../../src/logger.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";
import { runCli } from "../support/run-cli.ts";

// `liaison proof verify` and `liaison ledger` as a person runs them: real processes. Verification runs
// with no database and no configuration at all (B-3): only the package and, optionally, a key file.

const work = mkdtempSync(path.join(tmpdir(), "liaison-proof-cli-"));
let desk: LetterDesk;
let folder: string;
let zip: string;

function run(args: string[], env: Record<string, string> = {}) {
  // Deliberately broken configuration: verify must not read it.
  return runCli(args, { DATABASE_URL: "not a url", DATA_DIR: path.join(work, "data"), ...env });
}

beforeAll(async () => {
  desk = await openLetterDesk();
  const id = await desk.send(desk.showcase("applicant-form-email"));
  await desk.dispatchAll();
  const files = await buildProofPackage(
    {
      db: desk.database.db,
      clock: desk.clock,
      blobs: fileBlobStore(path.join(desk.dataDir, "blobs")),
      signer: { key: desk.ledgerKey, timestampAuthorityUrl: undefined, logger: createLogger("silent") },
    },
    id,
    { language: "fr", actor: { kind: "system", name: "test" } },
  );
  folder = path.join(work, "package");
  zip = path.join(work, "package.zip");
  await writePackage(files, folder, packageFolderName(id));
  await writePackage(files, zip, packageFolderName(id));
  writeFileSync(path.join(work, "agency.pem"), desk.ledgerKey.publicKeyPem);
}, 120_000);
afterAll(async () => {
  await desk?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe("liaison proof verify (B-3)", () => {
  it("B-3: a folder and a .zip verify offline, with the agency's key given separately; the verdict is in the package's language", async () => {
    const r = await run(["proof", "verify", folder, "--key", path.join(work, "agency.pem")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^VALIDE/);
    expect(r.stdout).toContain("Accepté par le serveur de courriel");
    const z = await run(["proof", "verify", zip, "--lang", "en"]);
    expect(z.status).toBe(0);
    expect(z.stdout).toMatch(/^VALID:/);
  });

  it("B-3: one byte flipped in the message: exit 1, and the verdict says which file", async () => {
    const eml = path.join(folder, "message.eml");
    const original = readFileSync(eml);
    const altered = Buffer.from(original);
    altered[200] = altered[200]! ^ 0x20;
    writeFileSync(eml, altered);
    try {
      const r = await run(["proof", "verify", folder, "--lang", "en"]);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^INVALID/);
      expect(r.stdout).toContain("FAIL message.eml: This file was altered");
    } finally {
      writeFileSync(eml, original);
    }
  });

  it("B-3: against another agency's key: exit 1", async () => {
    const other = path.join(work, "other.pem");
    writeFileSync(other, ledgerKeyOf(crypto.generateKeyPairSync("ed25519").privateKey).publicKeyPem);
    const r = await run(["proof", "verify", folder, "--key", other, "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).valid).toBe(false);
  });

  it("B-3: no package there, or no key file: a clear error in both languages, exit 2", async () => {
    const r = await run(["proof", "verify", path.join(work, "nothing-here")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Cannot read a proof package");
    expect(r.stderr).toContain("Impossible de lire un paquet de preuve");
    const k = await run(["proof", "verify", folder, "--key", path.join(work, "missing.pem")]);
    expect(k.status).toBe(2);
    expect(k.stderr).toContain("Cannot read the key");
  });
});

describe("liaison ledger (B-2)", () => {
  const env = { DATABASE_URL: "" };
  it("B-2: `ledger key` prints the Ed25519 public key; `ledger sign` then `ledger verify` pass on a fresh ledger", async () => {
    const key = await run(["ledger", "key"], env);
    expect(key.status).toBe(0);
    expect(crypto.createPublicKey(key.stdout).asymmetricKeyType).toBe("ed25519");
    expect((await run(["demo"], env)).status).toBe(0);
    const sign = await run(["ledger", "sign"], env);
    expect(sign.status).toBe(0);
    expect(sign.stdout).toMatch(/^Signed: tree head of \d+ leaves/);
    const verify = await run(["ledger", "verify"], env);
    expect(verify.stdout).toMatch(/^OK: \d+ leaves, 1 signed tree heads checked/);
    expect(verify.status).toBe(0);
  }, 240_000);

  it("`proof export` of an unknown letter says so and exits 1; without --out it shows the usage", async () => {
    const unknown = await run(
      ["proof", "export", crypto.randomUUID(), "--out", path.join(work, "x.zip")],
      env,
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("No letter");
    expect((await run(["proof", "export", crypto.randomUUID()], env)).status).toBe(2);
  });
});
