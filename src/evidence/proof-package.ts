import crypto from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { zipSync } from "fflate";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import { contentSha256, letterContent } from "../correspondence/letter-content.ts";
import { attachmentsOf, findLetter, findSealed } from "../correspondence/store.ts";
import type { Executor } from "../db/client.ts";
import { fileNotes } from "../db/schema/correspondence.ts";
import { findApplicationById, findOffice } from "../files/store.ts";
import type { BlobStore } from "./blob-store.ts";
import type { CanonicalValue } from "./canonical.ts";
import { inclusionProofs, type LedgerSigner, signedTreeHeadOf, signTreeHead } from "./ledger.ts";
import { entriesOfSubject, timestampOf } from "./ledger-store.ts";
import {
  assessProof,
  type PackageFile,
  type ProofManifest,
  type ProvenEvent,
  parseLeaf,
  proofPackageFormat,
} from "./proof-findings.ts";
import { packageReadme } from "./proof-readme.ts";
import { renderProofSummary } from "./proof-summary.ts";

// B-1: the proof package of one letter. Everything a court needs, and the means to check it without us:
// the sealed message, the letter's ledger events and the recipient's address history with their
// inclusion proofs in a signed tree head, the findings that follow from them (proof-findings.ts), the
// readable note, the public key, and a printable summary. `manifest.sig` (Ed25519, the ledger's key)
// covers the manifest, and the manifest lists the hash of every other file, so no byte can change unseen.

export interface ProofDeps {
  db: Executor;
  clock: Clock;
  blobs: BlobStore;
  signer: LedgerSigner;
}

export class ProofExportError extends Error {
  override readonly name = "ProofExportError";
  constructor(readonly code: "NOT_FOUND" | "NOT_ON_LEDGER") {
    super(code === "NOT_FOUND" ? "no such letter" : "the letter has no event on the ledger yet");
  }
}

export type PackageFiles = Map<string, Buffer>;

export async function buildProofPackage(
  deps: ProofDeps,
  correspondenceId: string,
  opts: { language: "en" | "fr"; actor: Actor },
): Promise<PackageFiles> {
  const { db } = deps;
  const letter = await findLetter(db, correspondenceId);
  if (!letter) throw new ProofExportError("NOT_FOUND");
  // On demand: whatever is queued gets its place and a tree head covers it (B-2).
  const signed = await signTreeHead(db, deps.clock, deps.signer);
  if (!signed) throw new ProofExportError("NOT_ON_LEDGER");
  const head = signed.head;
  const [letterEntries, addressEntries, attachments, sealed, application, office, notes, timestamp] =
    await Promise.all([
      entriesOfSubject(db, "correspondence", [letter.id]),
      entriesOfSubject(db, "party", [letter.recipientPartyId]),
      attachmentsOf(db, letter.id),
      findSealed(db, letter.id),
      findApplicationById(db, letter.applicationId),
      findOffice(db, letter.officeCode),
      db
        .select()
        .from(fileNotes)
        .where(and(eq(fileNotes.correspondenceId, letter.id), eq(fileNotes.kind, "letter-sent"))),
      timestampOf(db, head.treeSize),
    ]);
  if (!application || !office) throw new ProofExportError("NOT_FOUND");
  // Entries written after the head was signed belong to a later package.
  const inTree = (e: { leafIndex: number | null }) => e.leafIndex !== null && e.leafIndex < head.treeSize;
  const events = letterEntries.filter(inTree);
  const addresses = addressEntries.filter(inTree);
  if (events.length === 0) throw new ProofExportError("NOT_ON_LEDGER");
  const proofs = await inclusionProofs(
    db,
    [...events, ...addresses].map((e) => e.leafIndex!),
    head.treeSize,
  );
  const proven = (e: (typeof events)[number]): ProvenEvent => ({
    leafIndex: e.leafIndex!,
    data: e.entry.data,
    proof: proofs.get(e.leafIndex!)!.map((h) => h.toString("hex")),
  });

  const exportedAt = deps.clock.now().toISOString();
  const content = letterContent(letter, attachments) as { [key: string]: CanonicalValue };
  const manifest: Omit<ProofManifest, "files"> = {
    format: proofPackageFormat,
    exportedAt,
    language: opts.language,
    correspondence: letter.id,
    fileNumber: application.number,
    office: {
      code: office.code,
      nameEn: office.nameEn,
      nameFr: office.nameFr,
      genericMailbox: office.genericMailbox,
      timeZone: office.timeZone,
    },
    letter: content,
    events: events.map(proven),
    addressHistory: addresses.map(proven),
    treeHead: signedTreeHeadOf(head),
    timestamp: timestamp
      ? {
          authorityUrl: timestamp.authorityUrl,
          token: timestamp.token.toString("base64"),
          genTime: timestamp.genTime.toISOString(),
        }
      : null,
    findings: assessProof({
      letter: content,
      events: events.map((e) => parseLeaf(e.entry.data)),
      addressHistory: addresses.map((e) => parseLeaf(e.entry.data)),
      asOf: exportedAt,
    }),
  };

  const files: PackageFiles = new Map();
  if (sealed) {
    const eml = await deps.blobs.get(sealed.sha256);
    if (!eml) throw new Error("sealed message missing from the blob store");
    files.set("message.eml", eml);
  }
  const note = notes[0];
  // Exactly the bytes whose hash the ledger holds (letter-content.ts noteSha256): English, then French.
  if (note) files.set("note.txt", Buffer.from(`${note.textEn}\n${note.textFr}`, "utf8"));
  files.set(`summary-${opts.language}.pdf`, await renderProofSummary(manifest, opts.language));
  files.set("ledger-public-key.pem", Buffer.from(deps.signer.key.publicKeyPem, "utf8"));
  files.set("README.txt", Buffer.from(packageReadme(letter.id), "utf8"));

  const listed: PackageFile[] = [...files].map(([name, bytes]) => ({
    name,
    sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
  }));
  const manifestBytes = Buffer.from(`${JSON.stringify({ ...manifest, files: listed }, null, 2)}\n`, "utf8");
  files.set("manifest.json", manifestBytes);
  files.set(
    "manifest.sig",
    Buffer.from(`${crypto.sign(null, manifestBytes, deps.signer.key.privateKey).toString("base64")}\n`),
  );
  await recordAudit(db, opts.actor, deps.clock.now(), {
    action: "proof.exported",
    subjectType: "correspondence",
    subjectId: letter.id,
    officeCode: letter.officeCode,
    details: { treeSize: head.treeSize, letterSha256: contentSha256(content), language: opts.language },
  });
  return files;
}

/** The package as one .zip (fixed timestamps, so the same files give the same archive). */
export function zipPackage(files: PackageFiles, folder: string): Buffer {
  const mtime = new Date("2000-01-01T00:00:00Z");
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const [name, bytes] of files) entries[`${folder}/${name}`] = [new Uint8Array(bytes), { mtime }];
  return Buffer.from(zipSync(entries, { level: 6 }));
}

/** Writes the package to a folder, or to one .zip when `out` ends in ".zip". */
export async function writePackage(files: PackageFiles, out: string, folder: string): Promise<void> {
  if (out.toLowerCase().endsWith(".zip")) {
    await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
    await fs.writeFile(out, zipPackage(files, folder));
    return;
  }
  await fs.mkdir(out, { recursive: true });
  for (const [name, bytes] of files) await fs.writeFile(path.join(out, name), bytes);
}

export const packageFolderName = (correspondenceId: string) => `proof-${correspondenceId}`;
