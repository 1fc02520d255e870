import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { ledgerKeyOf } from "../../src/evidence/ledger-key.ts";
import type { ProofManifest } from "../../src/evidence/proof-findings.ts";
import {
  buildProofPackage,
  type PackageFiles,
  ProofExportError,
  packageFolderName,
  writePackage,
} from "../../src/evidence/proof-package.ts";
import { readPackage, verifyPackage } from "../../src/evidence/verify-package.ts";
import { openFile, recordContactPoint } from "../../src/files/service.ts";
import { createLogger } from "../../src/logger.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";

// B-1..B-5: the proof package of a letter, exported from the database and checked with nothing but
// itself; every part of it, altered by one byte, makes verification fail and say where.

let desk: LetterDesk;
let letterId: string;
let pkg: PackageFiles;
const outDir = mkdtempSync(path.join(tmpdir(), "liaison-proof-"));

const deps = () => ({
  db: desk.database.db,
  clock: desk.clock,
  blobs: fileBlobStore(path.join(desk.dataDir, "blobs")),
  signer: { key: desk.ledgerKey, timestampAuthorityUrl: undefined, logger: createLogger("silent") },
});
const actor = { kind: "system", name: "test" } as const;
const manifestOf = (files: PackageFiles) =>
  JSON.parse(files.get("manifest.json")!.toString("utf8")) as ProofManifest;

function flipByte(files: PackageFiles, name: string, at?: number): PackageFiles {
  const copy = new Map(files);
  const bytes = Buffer.from(files.get(name)!);
  const i = at ?? Math.floor(bytes.length / 2);
  bytes[i] = bytes[i]! ^ 0x01;
  copy.set(name, bytes);
  return copy;
}

/** Changes the manifest and re-signs it with `key`, as someone holding a key (ours or theirs) would. */
function rewriteManifest(
  files: PackageFiles,
  change: (m: ProofManifest) => void,
  key = desk.ledgerKey.privateKey,
) {
  const copy = new Map(files);
  const m = manifestOf(files);
  change(m);
  const bytes = Buffer.from(`${JSON.stringify(m, null, 2)}\n`);
  copy.set("manifest.json", bytes);
  copy.set("manifest.sig", Buffer.from(crypto.sign(null, bytes, key).toString("base64")));
  return copy;
}

const failures = async (files: PackageFiles, publicKeyPem?: string) => {
  const v = await verifyPackage(files, { publicKeyPem });
  expect(v.valid).toBe(false);
  return v.checks.filter((c) => !c.ok).map((c) => `${c.where}: ${c.message.en}`);
};

beforeAll(async () => {
  desk = await openLetterDesk();
  letterId = await desk.send(desk.showcase("applicant-form-email"), {
    letterType: "request-documents",
    deadline: desk.inDays(40),
    documentsList: "- Police certificate",
  });
  await desk.dispatchAll();
  pkg = await buildProofPackage(deps(), letterId, { language: "en", actor });
});
afterAll(async () => {
  await desk?.dispose();
  rmSync(outDir, { recursive: true, force: true });
});

describe("exporting a proof package (B-1)", () => {
  it("B-1: holds the sealed message, the manifest and its signature, the note, the key, the summary and a README", () => {
    expect([...pkg.keys()].sort()).toEqual(
      [
        "README.txt",
        "ledger-public-key.pem",
        "manifest.json",
        "manifest.sig",
        "message.eml",
        "note.txt",
        "summary-en.pdf",
      ].sort(),
    );
    const m = manifestOf(pkg);
    expect(m.correspondence).toBe(letterId);
    expect(m.events.map((e) => JSON.parse(e.data).event)).toEqual([
      "generated",
      "sealed",
      "sent",
      "note-written",
    ]);
    expect(m.addressHistory.length).toBeGreaterThan(0);
    expect(pkg.get("summary-en.pdf")!.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("B-1/B-4/B-5: findings: accepted by the mail server with its reply, to the latest address provided; only the open bounce window as a warning", () => {
    const f = manifestOf(pkg).findings;
    expect(f.accepted?.reply).toMatch(/^250 /);
    expect(f.accepted?.server).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(f.latestAddressAtSend?.value).toBe(f.addressUsed);
    expect(f.warnings).toEqual(["bounce-window-open"]);
    expect(JSON.stringify(f)).not.toMatch(/deliver/i);
  });

  it("B-3: the package verifies offline, with its own key and with the agency's key given separately", async () => {
    const v = await verifyPackage(pkg);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.checks.map((c) => c.where)).toContain("message.eml DKIM");
    expect((await verifyPackage(pkg, { publicKeyPem: desk.ledgerKey.publicKeyPem })).valid).toBe(true);
  });

  it("B-3: written as a folder and as a .zip, it reads back and verifies", async () => {
    const folder = path.join(outDir, "folder");
    const zip = path.join(outDir, "package.zip");
    await writePackage(pkg, folder, packageFolderName(letterId));
    await writePackage(pkg, zip, packageFolderName(letterId));
    expect((await verifyPackage(await readPackage(folder))).valid).toBe(true);
    expect((await verifyPackage(await readPackage(zip))).valid).toBe(true);
  });

  it("B-4: a later change of address before the deadline is stated plainly", async () => {
    const number = desk.showcase("applicant-form-email");
    const file = await openFile(desk.services(), desk.agent, number);
    desk.clock.advance(60_000);
    await recordContactPoint(desk.services(), desk.agent, number, {
      partyId: file.parties.applicant.id,
      kind: "email",
      value: "new.address@example.org",
      source: "client-email",
      // A wall time in the office's zone, as the form takes it.
      providedAt: instantToWallTime(new Date(desk.clock.now().getTime() - 30_000), "America/Toronto").slice(
        0,
        16,
      ),
    });
    const later = await buildProofPackage(deps(), letterId, { language: "fr", actor });
    const f = manifestOf(later).findings;
    expect(f.warnings).toContain("address-changed-after-send");
    expect(f.laterAddresses.map((a) => a.value)).toEqual(["new.address@example.org"]);
    expect(later.has("summary-fr.pdf")).toBe(true);
    expect((await verifyPackage(later)).valid).toBe(true);
  });

  it("B-1: a letter that does not exist, or is only a draft, has no package", async () => {
    await expect(
      buildProofPackage(deps(), crypto.randomUUID(), { language: "en", actor }),
    ).rejects.toBeInstanceOf(ProofExportError);
  });
});

describe("tampering with a package is found, and where (B-3)", () => {
  it("B-3: one byte of the message", async () => {
    expect(await failures(flipByte(pkg, "message.eml"))).toContain(
      "message.eml: This file was altered: its SHA-256 is not the one in the manifest.",
    );
  });

  it("B-3: one byte of the summary, the note, the README or the key file", async () => {
    for (const name of ["summary-en.pdf", "note.txt", "README.txt"])
      expect(
        (await failures(flipByte(pkg, name))).some((f) => f.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    // A key file replaced by another key: the tree head names the agency's key, not this one.
    const forged = new Map(pkg);
    forged.set(
      "ledger-public-key.pem",
      Buffer.from(ledgerKeyOf(crypto.generateKeyPairSync("ed25519").privateKey).publicKeyPem),
    );
    expect((await failures(forged)).join("\n")).toMatch(/manifest\.sig|tree head/);
  });

  it("B-3: one byte of the manifest (an event's bytes) breaks its signature", async () => {
    const m = pkg.get("manifest.json")!.toString("utf8");
    const at = Buffer.from(m).indexOf(Buffer.from('"data"')) + 12;
    expect(await failures(flipByte(pkg, "manifest.json", at))).toContain(
      "manifest.sig: The manifest's signature does not verify: manifest.json was altered, or signed with another key.",
    );
  });

  it("B-3: even re-signed with the agency's key, an altered event, proof or tree head does not prove", async () => {
    const event = rewriteManifest(pkg, (m) => {
      m.events[2]!.data = m.events[2]!.data.replace("250 ", "251 ");
    });
    expect((await failures(event)).some((f) => f.startsWith("event at leaf"))).toBe(true);
    const proof = rewriteManifest(pkg, (m) => {
      const p = m.events[0]!.proof;
      p[0] = `${p[0]!.slice(0, -1)}${p[0]!.endsWith("0") ? "1" : "0"}`;
    });
    expect(
      (await failures(proof)).some((f) =>
        f.startsWith(`event at leaf ${manifestOf(pkg).events[0]!.leafIndex}`),
      ),
    ).toBe(true);
    const head = rewriteManifest(pkg, (m) => {
      m.treeHead.treeSize += 1;
    });
    expect(await failures(head)).toContain("tree head: The tree head's signature does not verify.");
  });

  it("B-3/B-4: findings that do not follow from the events (a warning removed) are refused", async () => {
    const hidden = rewriteManifest(pkg, (m) => {
      m.findings.warnings = [];
    });
    expect(await failures(hidden)).toContain(
      "findings: The findings stated in the manifest do not follow from its events.",
    );
  });

  it("B-3: a package signed by another key fails against the agency's key given separately", async () => {
    const other = crypto.generateKeyPairSync("ed25519").privateKey;
    const forged = rewriteManifest(pkg, () => {}, other);
    forged.set("ledger-public-key.pem", Buffer.from(ledgerKeyOf(other).publicKeyPem));
    const found = await failures(forged, desk.ledgerKey.publicKeyPem);
    expect(
      found.some((f) =>
        f.startsWith("ledger-public-key.pem: The key in the package is not the key you gave"),
      ),
    ).toBe(true);
  });

  it("B-3: a missing file, an extra file, and an empty package", async () => {
    const missing = new Map(pkg);
    missing.delete("message.eml");
    expect(await failures(missing)).toContain("message.eml: This file is missing.");
    const extra = new Map(pkg);
    extra.set("evil.txt", Buffer.from("x"));
    expect(await failures(extra)).toContain("evil.txt: This file is not part of the package.");
    expect((await verifyPackage(new Map())).valid).toBe(false);
  });
});
