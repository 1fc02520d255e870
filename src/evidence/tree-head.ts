import crypto from "node:crypto";
import { canonicalJson } from "./canonical.ts";

// B-2: what a signed tree head says, and the exact bytes its Ed25519 signature covers (README, "The
// ledger"). Pure, so the offline verifier uses the very same function as the signer.

export interface TreeHead {
  treeSize: number;
  /** The RFC 6962 root of the first `treeSize` leaves, hex. */
  rootHash: string;
  signedAt: string;
  keyId: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Ed25519 over `treeHeadBytes`, base64. */
  signature: string;
}

export function treeHeadBytes(head: TreeHead): Buffer {
  return Buffer.from(
    canonicalJson({
      v: 1,
      type: "liaison.TreeHead",
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      signedAt: head.signedAt,
      keyId: head.keyId,
    }),
    "utf8",
  );
}

export function signTreeHeadBytes(head: TreeHead, privateKey: crypto.KeyObject): string {
  return crypto.sign(null, treeHeadBytes(head), privateKey).toString("base64");
}

/** False for a wrong signature, a malformed key or signature: never throws. */
export function verifyTreeHeadSignature(head: SignedTreeHead, publicKeyPem: string): boolean {
  try {
    const key = crypto.createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== "ed25519") return false;
    return crypto.verify(null, treeHeadBytes(head), key, Buffer.from(head.signature, "base64"));
  } catch {
    return false;
  }
}
