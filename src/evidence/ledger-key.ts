import crypto from "node:crypto";
import path from "node:path";
import { loadOrCreatePrivateKey } from "../key-file.ts";

// B-2: the key that signs the ledger's tree heads. Ed25519 (node:crypto), kept in `dataDir/ledger/` by
// default and created on first use; its public key is published at /.well-known/liaison-ledger-key and
// printed by `liaison ledger key`, and travels in every proof package. A court checks a package with it.

export interface LedgerKey {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  /** The public key as PEM (SubjectPublicKeyInfo), the form that is published. */
  publicKeyPem: string;
  /** SHA-256 of the public key's DER, hex: names the key in each signed tree head. */
  keyId: string;
}

export class LedgerKeyError extends Error {
  override readonly name = "LedgerKeyError";
}

export async function loadOrCreateLedgerKey(dataDir: string): Promise<LedgerKey> {
  const pem = await loadOrCreatePrivateKey(
    path.join(dataDir, "ledger", "tree-head-ed25519.pem"),
    async () =>
      crypto.generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    (m) => new LedgerKeyError(`Ledger signing ${m}`),
  );
  const privateKey = crypto.createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new LedgerKeyError("the ledger signing key is not an Ed25519 key");
  return ledgerKeyOf(privateKey);
}

export function ledgerKeyOf(privateKey: crypto.KeyObject): LedgerKey {
  const publicKey = crypto.createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function keyIdOf(publicKey: crypto.KeyObject): string {
  return crypto
    .createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
}
