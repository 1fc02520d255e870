import crypto from "node:crypto";
import path from "node:path";
import { loadOrCreatePrivateKey } from "../key-file.ts";

// The office's DKIM key. Every sealed message is signed with it (C-10: the signature is part of the kept
// bytes), and the public record is captured beside each message (B-8) so a proof package still verifies
// after the key is rotated and the DNS record is gone. Rotation means a new selector, hence a new file:
// a key file is never overwritten.

export interface DkimKey {
  /** One DNS label, lower case: the key is published at `<selector>._domainkey.<domain>`. */
  selector: string;
  /** The signing domain (`d=`), lower case. It must align with the From domain for DMARC. */
  domain: string;
  privateKeyPem: string;
  /** The TXT record text to publish: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>`. */
  publicKeyDnsRecord: string;
}

export class DkimKeyError extends Error {
  override readonly name = "DkimKeyError";
}

// RFC 6376 section 3.3.3 asks verifiers to accept 1024 to 4096 bits; 2048 is what providers expect now.
const MODULUS_BITS = 2048;

const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
// A single label, so the file name `<selector>.<domain>.pem` can never be read two ways
// (selector "a.b" with domain "c.d" and selector "a" with domain "b.c.d" would share one file).
const selectorPattern = new RegExp(`^${label}$`);
const domainPattern = new RegExp(`^${label}(?:\\.${label})+$`);

/** The DNS name the TXT record goes under. */
export function dkimRecordName(key: Pick<DkimKey, "selector" | "domain">): string {
  return `${key.selector}._domainkey.${key.domain}`;
}

/**
 * The record cut into character-strings of at most 255 bytes, as a DNS TXT record must carry it
 * (RFC 1035 section 3.3.14). A 2048-bit key does not fit in one; verifiers join the strings back.
 */
export function dkimTxtStrings(key: Pick<DkimKey, "publicKeyDnsRecord">): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.publicKeyDnsRecord.length; i += 255)
    out.push(key.publicKeyDnsRecord.slice(i, i + 255));
  return out;
}

/**
 * The key for `selector` and `domain` under `dataDir/dkim/`, created on first use (RSA-2048, mode 0600)
 * and read back on every later call. Safe against two processes starting at once: the key is written to
 * a private temporary file and hard-linked into place, which fails if another process got there first,
 * and the loser then reads the winner's key. A key that was published must never be replaced silently.
 */
export async function loadOrCreateDkimKey(
  dataDir: string,
  opts: { selector: string; domain: string },
): Promise<DkimKey> {
  const selector = opts.selector.toLowerCase();
  const domain = opts.domain.toLowerCase().replace(/\.$/, "");
  if (!selectorPattern.test(selector)) {
    throw new DkimKeyError(
      `DKIM selector "${opts.selector}" must be one DNS label (letters, digits, hyphens)`,
    );
  }
  if (!domainPattern.test(domain))
    throw new DkimKeyError(`DKIM domain "${opts.domain}" is not a domain name`);

  const file = path.join(dataDir, "dkim", `${selector}.${domain}.pem`);

  const pem = await loadOrCreatePrivateKey(file, generateRsaKey, (m) => new DkimKeyError(`DKIM ${m}`));
  return { selector, domain, privateKeyPem: pem, publicKeyDnsRecord: publicRecordOf(pem, file) };
}

// Generated off the event loop: a 2048-bit key takes long enough to stall a web process.
function generateRsaKey(): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    crypto.generateKeyPair(
      "rsa",
      {
        modulusLength: MODULUS_BITS,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (err, _publicKey, privateKey) => (err ? reject(err) : resolve(privateKey)),
    ),
  );
}

function publicRecordOf(pem: string, file: string): string {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch {
    throw new DkimKeyError(`DKIM key ${file} is not a readable private key`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== "rsa" || bits < MODULUS_BITS) {
    throw new DkimKeyError(`DKIM key ${file} must be RSA of at least ${MODULUS_BITS} bits`);
  }
  const spki = crypto.createPublicKey(key).export({ type: "spki", format: "der" });
  return `v=DKIM1; k=rsa; p=${spki.toString("base64")}`;
}
