import { promises as fs } from "node:fs";
import path from "node:path";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { createLogger } from "../logger.ts";
import { fileBlobStore } from "./blob-store.ts";
import { sequenceAll, signTreeHead, verifyLedger } from "./ledger.ts";
import { loadOrCreateLedgerKey } from "./ledger-key.ts";
import { buildProofPackage, ProofExportError, packageFolderName, writePackage } from "./proof-package.ts";
import { formatVerdict, readPackage, verifyPackage } from "./verify-package.ts";

// `liaison ledger …` and `liaison proof …`. Exit codes: 0 done / valid, 1 invalid or failed check,
// 2 bad usage.

export const ledgerHelp = `Usage: liaison ledger <key|sign|verify> [--json]

  key      print the public key that verifies the ledger's tree heads (PEM), as published at
           /.well-known/liaison-ledger-key
  sign     sequence what is queued and sign a tree head now (when the ledger grew)
  verify   recompute the whole tree from the stored events and check every stored node and every
           signed tree head; exit 1 and list the problems when anything differs`;

export const proofHelp = `Usage: liaison proof export <correspondence id> --out DIR|FILE.zip [--lang en|fr]
       liaison proof verify <package folder or .zip> [--key PUBLIC_KEY.pem] [--lang en|fr] [--json]

  export   writes the proof package of one letter (B-1): the sealed .eml, the manifest of its ledger
           events with inclusion proofs and a signed tree head, the address history, the note, the
           public key, and a printable summary in the chosen language
  verify   checks a package offline, with nothing but the package (and, better, the agency's public
           key obtained separately); prints a verdict with reasons; exit 0 when valid, 1 when not`;

type Values = Record<string, string | boolean | undefined>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** `proof verify` needs no configuration, no database and no network. */
export async function proofVerifyCommand(positionals: string[], values: Values): Promise<number> {
  const location = positionals[2];
  if (!location) {
    console.error(proofHelp);
    return 2;
  }
  let files: Map<string, Buffer>;
  try {
    files = await readPackage(location);
  } catch {
    console.error(
      `Cannot read a proof package at ${location} / Impossible de lire un paquet de preuve à ${location}`,
    );
    return 2;
  }
  const keyFile = str(values.key);
  const publicKeyPem = keyFile ? await fs.readFile(keyFile, "utf8").catch(() => undefined) : undefined;
  if (keyFile && !publicKeyPem) {
    console.error(`Cannot read the key ${keyFile} / Impossible de lire la clé ${keyFile}`);
    return 2;
  }
  const verdict = await verifyPackage(files, { publicKeyPem });
  const lang =
    str(values.lang) === "fr" || (!values.lang && verdict.manifest?.language === "fr") ? "fr" : "en";
  if (values.json)
    console.log(JSON.stringify({ valid: verdict.valid, checks: verdict.checks, findings: verdict.findings }));
  else console.log(formatVerdict(verdict, lang));
  return verdict.valid ? 0 : 1;
}

export async function ledgerCommand(
  database: Database,
  config: Config,
  clock: Clock,
  positionals: string[],
  values: Values,
): Promise<number> {
  const key = await loadOrCreateLedgerKey(config.dataDir);
  switch (positionals[1]) {
    case "key":
      process.stdout.write(key.publicKeyPem);
      return 0;
    case "sign": {
      const signed = await signTreeHead(database.db, clock, {
        key,
        timestampAuthorityUrl: config.ledger.timestampAuthorityUrl,
        logger: createLogger(config.logLevel),
      });
      if (!signed) console.log("The ledger is empty: nothing to sign.");
      else
        console.log(
          `${signed.created ? "Signed" : "Already signed"}: tree head of ${signed.head.treeSize} leaves, root ${signed.head.rootHash.toString("hex")}`,
        );
      return 0;
    }
    case "verify": {
      await sequenceAll(database.db);
      const report = await verifyLedger(database.db, [key]);
      if (values.json) console.log(JSON.stringify(report));
      else {
        console.log(
          `${report.problems.length === 0 ? "OK" : "FAILED"}: ${report.leaves} leaves, ${report.treeHeads} signed tree heads checked.`,
        );
        for (const p of report.problems) console.log(`  ${p}`);
      }
      return report.problems.length === 0 ? 0 : 1;
    }
    default:
      console.error(ledgerHelp);
      return 2;
  }
}

export async function proofExportCommand(
  database: Database,
  config: Config,
  clock: Clock,
  positionals: string[],
  values: Values,
): Promise<number> {
  const id = positionals[2];
  const out = str(values.out);
  const language = str(values.lang) ?? "en";
  if (!id || !out || (language !== "en" && language !== "fr")) {
    console.error(proofHelp);
    return 2;
  }
  const key = await loadOrCreateLedgerKey(config.dataDir);
  try {
    const files = await buildProofPackage(
      {
        db: database.db,
        clock,
        blobs: fileBlobStore(path.join(config.dataDir, "blobs")),
        signer: {
          key,
          timestampAuthorityUrl: config.ledger.timestampAuthorityUrl,
          logger: createLogger(config.logLevel),
        },
      },
      id,
      { language, actor: { kind: "system", name: "cli" } },
    );
    await writePackage(files, out, packageFolderName(id));
    console.log(`Proof package written to ${out} (${files.size} files).`);
    return 0;
  } catch (e) {
    if (e instanceof ProofExportError) {
      console.error(
        e.code === "NOT_FOUND"
          ? `No letter ${id} / Aucune lettre ${id}`
          : `Letter ${id} has no event on the ledger yet / La lettre ${id} n'a encore aucun événement au registre`,
      );
      return 1;
    }
    throw e;
  }
}
