import { createHash, randomBytes, X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

// B-8: tree heads countersigned by an RFC 3161 time-stamping authority. `requestTimestamp` asks a TSA
// over HTTP for a token on a SHA-256 digest; `verifyTimestamp` checks a stored token offline, years
// later, with nothing but the token, the digest and (optionally) the certificates we trust.

// pkijs does its crypto through a global engine; Node's WebCrypto is all it needs.
const engine = new pkijs.CryptoEngine({ name: "node-webcrypto", crypto: globalThis.crypto });
pkijs.setEngine("node-webcrypto", engine);

const SHA256 = "2.16.840.1.101.3.4.2.1";
const ID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const ID_CT_TSTINFO = "1.2.840.113549.1.9.16.1.4";
const ID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
const ID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12";
const ID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";
const ID_EXT_KEY_USAGE = "2.5.29.37";
const ID_KP_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
const ESS_HASHES: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "sha1",
  [SHA256]: "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};
// A reply is a few kilobytes; anything far larger is not one.
const MAX_REPLY_BYTES = 1024 * 1024;
// Nesting in a token is shallow; a limit keeps hostile input from recursing deep.
const MAX_DEPTH = 64;

export interface TimestampToken {
  /** The TimeStampToken (a CMS ContentInfo), exactly as the authority sent it: what is stored. */
  tokenDer: Buffer;
  genTime: Date;
  /** The token's serial number, lowercase hex of even length (as `openssl ts -reply -text` shows it). */
  serial: string;
  /** The name the authority gave itself in the token (`O=…, CN=…`), if it gave one. */
  tsaName: string | undefined;
  /** The OID of the policy the authority time-stamped under. */
  policy: string;
}

export type TimestampErrorCode = "unreachable" | "http-error" | "rejected" | "malformed" | "mismatch";

export class TimestampError extends Error {
  constructor(
    readonly code: TimestampErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TimestampError";
  }
}

export type TimestampVerification =
  | { ok: true; genTime: Date; serial: string }
  | { ok: false; reason: string };

/**
 * Asks the TSA at `url` (HTTP POST application/timestamp-query) to time-stamp `digest` (SHA-256 bytes,
 * 32), with a random nonce and certReq set so the token carries the certificate to check it with.
 * Throws TimestampError on any failure of the authority; RangeError if `digest` is not 32 bytes.
 */
export async function requestTimestamp(
  url: string,
  digest: Buffer,
  opts: { timeoutMs?: number } = {},
): Promise<TimestampToken> {
  if (digest.length !== 32) throw new RangeError(`a SHA-256 digest has 32 bytes, not ${digest.length}`);
  const nonce = randomBytes(16);
  // Positive and with a non-zero first byte: its DER encoding is exactly these bytes.
  nonce[0] = (nonce[0]! & 0x7f) | 0x40;
  const query = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: SHA256,
        algorithmParams: new asn1js.Null(),
      }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce) }),
    certReq: true,
  });

  let response: Response;
  let reply: Buffer;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
      body: new Uint8Array(query.toSchema().toBER()),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new TimestampError("http-error", `time-stamping authority answered HTTP ${response.status}`);
    }
    reply = Buffer.from(await response.arrayBuffer());
  } catch (err) {
    if (err instanceof TimestampError) throw err;
    throw new TimestampError("unreachable", `time-stamping authority unreachable: ${errorText(err)}`, {
      cause: err,
    });
  }
  if (reply.length > MAX_REPLY_BYTES) throw new TimestampError("malformed", "reply too large");

  const parsed = parseExactly(new Uint8Array(reply));
  if (!(parsed instanceof asn1js.Sequence))
    throw new TimestampError("malformed", "reply is not a TimeStampResp");
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: parsed });
  } catch (err) {
    throw new TimestampError("malformed", "reply is not a TimeStampResp", { cause: err });
  }
  const status = resp.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
    const text = (resp.status.statusStrings ?? []).map((s) => s.valueBlock.value).join("; ");
    throw new TimestampError(
      "rejected",
      `time-stamping authority refused (status ${status})${text ? `: ${text}` : ""}`,
    );
  }
  // The token's own bytes, not a re-encoding: they are what the authority signed and what we store.
  const tokenBlock = parsed.valueBlock.value[1];
  if (!resp.timeStampToken || !tokenBlock)
    throw new TimestampError("malformed", "granted reply without a token");
  const tokenDer = Buffer.from(tokenBlock.valueBeforeDecodeView);

  let token: ParsedToken;
  try {
    token = parseToken(tokenDer);
  } catch (err) {
    throw new TimestampError("malformed", "token unreadable", { cause: err });
  }
  if (!token.ok) throw new TimestampError("malformed", `token unreadable: ${token.reason}`);
  const { tst } = token;
  if (tst.nonce === undefined || tst.nonce.toBigInt() !== BigInt(`0x${nonce.toString("hex")}`)) {
    throw new TimestampError("mismatch", "token does not answer our nonce");
  }
  if (!imprintIs(tst, digest)) throw new TimestampError("mismatch", "token is for another digest");
  // A token we could not verify later is worth nothing: check it now, while the TSA can be asked again.
  const check = await verifyTimestamp(tokenDer, digest);
  if (!check.ok) throw new TimestampError("malformed", `token does not verify: ${check.reason}`);
  return {
    tokenDer,
    genTime: tst.genTime,
    serial: serialOf(tst),
    tsaName: tst.tsa ? generalNameText(tst.tsa) : undefined,
    policy: tst.policy,
  };
}

/**
 * Offline check of a stored token: its messageImprint is `digest` (SHA-256), its CMS signature verifies
 * with the certificate embedded in it, that certificate is a time-stamping one bound to the signature
 * (ESS signing-certificate attribute), and, if `trustedCertsPem` is given, the signer is one of those
 * certificates or chains to one of them at genTime. Never throws: malformed input gives `ok: false`.
 */
export async function verifyTimestamp(
  tokenDer: Buffer,
  digest: Buffer,
  trustedCertsPem?: readonly string[],
): Promise<TimestampVerification> {
  try {
    return await verify(tokenDer, digest, trustedCertsPem);
  } catch {
    // pkijs and asn1js throw on input they cannot make sense of; for a verifier that is a "no".
    return { ok: false, reason: "malformed" };
  }
}

async function verify(
  tokenDer: Buffer,
  digest: Buffer,
  trustedCertsPem: readonly string[] | undefined,
): Promise<TimestampVerification> {
  if (digest.length !== 32) return { ok: false, reason: "bad-digest-length" };
  const token = parseToken(tokenDer);
  if (!token.ok) return token;
  const { signed, tst } = token;
  if (!imprintIs(tst, digest)) return { ok: false, reason: "digest-mismatch" };

  const signerInfo = signed.signerInfos[0]!;
  const contentType = signerInfo.signedAttrs?.attributes.find((a) => a.type === ID_CONTENT_TYPE);
  const claimed: unknown = contentType?.values[0];
  if (!(claimed instanceof asn1js.ObjectIdentifier) || claimed.valueBlock.toString() !== ID_CT_TSTINFO) {
    return { ok: false, reason: "content-type-not-signed" };
  }

  let trusted: pkijs.Certificate[] | undefined;
  if (trustedCertsPem) {
    try {
      trusted = trustedCertsPem.map((pem) =>
        pkijs.Certificate.fromBER(new Uint8Array(new X509Certificate(pem).raw)),
      );
    } catch {
      return { ok: false, reason: "bad-trusted-certificate" };
    }
  }

  // pkijs, seeing a TSTInfo, would hash the original data again, but we hold only its digest (checked
  // above). The signature covers the signed attributes, kept as received, so verifying as plain CMS
  // data checks the very same bytes; the content type was checked just above.
  signed.encapContentInfo.eContentType = pkijs.id_ContentType_Data;
  let signer: pkijs.Certificate;
  try {
    const result = await signed.verify({ signer: 0, checkDate: tst.genTime, extendedMode: true }, engine);
    if (!result.signatureVerified || !result.signerCertificate) return { ok: false, reason: "bad-signature" };
    signer = result.signerCertificate;
  } catch (err) {
    const code = err instanceof pkijs.SignedDataVerifyError ? err.code : undefined;
    return { ok: false, reason: code === 3 ? "no-signer-certificate" : "bad-signature" };
  }

  const signerDer = Buffer.from(signer.toSchema().toBER());
  if (!essBindsSigner(signerInfo, signerDer)) return { ok: false, reason: "signer-not-bound" };
  const eku = signer.extensions?.find((e) => e.extnID === ID_EXT_KEY_USAGE);
  const purposes = eku?.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  // RFC 3161 section 2.3: the TSA's certificate has a critical extended key usage of timeStamping.
  if (!eku?.critical || !purposes.includes(ID_KP_TIME_STAMPING))
    return { ok: false, reason: "not-a-tsa-certificate" };
  if (tst.genTime < signer.notBefore.value || tst.genTime > signer.notAfter.value) {
    return { ok: false, reason: "signer-not-valid-at-gentime" };
  }

  if (trusted && !(await isTrusted(signer, signerDer, signed, trusted, tst.genTime))) {
    return { ok: false, reason: "untrusted-signer" };
  }
  return { ok: true, genTime: tst.genTime, serial: serialOf(tst) };
}

type ParsedToken = { ok: true; signed: pkijs.SignedData; tst: pkijs.TSTInfo } | { ok: false; reason: string };

/** Parses BER exactly: the whole input is one element, and every length adds up. */
function parseExactly(bytes: Uint8Array): asn1js.AsnType | undefined {
  try {
    const asn = asn1js.fromBER(bytes, { maxDepth: MAX_DEPTH });
    return asn.offset === bytes.length && lengthsAddUp(asn.result) ? asn.result : undefined;
  } catch {
    return undefined;
  }
}

// asn1js lets a child run past the length its parent declares; in a token that would let bytes outside
// the signed ones be read as something else, so a parent's definite length must be its children's sum.
function lengthsAddUp(block: asn1js.BaseBlock): boolean {
  const children: unknown = "value" in block.valueBlock ? block.valueBlock.value : undefined;
  if (!block.idBlock.isConstructed || !Array.isArray(children)) return true;
  let sum = 0;
  for (const child of children) {
    if (!(child instanceof asn1js.BaseBlock) || !lengthsAddUp(child)) return false;
    sum += child.valueBeforeDecodeView.byteLength;
  }
  return block.lenBlock.isIndefiniteForm || sum === block.lenBlock.length;
}

function parseToken(tokenDer: Buffer): ParsedToken {
  const asn = parseExactly(new Uint8Array(tokenDer));
  if (!asn) return { ok: false, reason: "malformed" };
  const info = new pkijs.ContentInfo({ schema: asn });
  if (info.contentType !== ID_SIGNED_DATA) return { ok: false, reason: "not-signed-data" };
  const signed = new pkijs.SignedData({ schema: info.content });
  const content = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== ID_CT_TSTINFO || !content) {
    return { ok: false, reason: "not-a-timestamp" };
  }
  // RFC 3161 section 2.4.2: a token has exactly one signer, the TSA.
  if (signed.signerInfos.length !== 1) return { ok: false, reason: "malformed" };
  const tstAsn = parseExactly(new Uint8Array(content.getValue()));
  if (!tstAsn) return { ok: false, reason: "malformed" };
  return { ok: true, signed, tst: new pkijs.TSTInfo({ schema: tstAsn }) };
}

function imprintIs(tst: pkijs.TSTInfo, digest: Buffer): boolean {
  const { hashAlgorithm, hashedMessage } = tst.messageImprint;
  return (
    hashAlgorithm.algorithmId === SHA256 && Buffer.from(hashedMessage.valueBlock.valueHexView).equals(digest)
  );
}

/** The ESS signing-certificate attribute (v2, or v1 with SHA-1) names the certificate that signed. */
function essBindsSigner(signerInfo: pkijs.SignerInfo, signerDer: Buffer): boolean {
  const attrs = signerInfo.signedAttrs?.attributes ?? [];
  const attr = attrs.find((a) => a.type === ID_SIGNING_CERTIFICATE_V2 || a.type === ID_SIGNING_CERTIFICATE);
  const signingCertificate: unknown = attr?.values[0];
  if (!(signingCertificate instanceof asn1js.Sequence)) return false;
  // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL }; the
  // first ESSCertID is the signer's.
  const certs = signingCertificate.valueBlock.value[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) return false;
  const [head, second] = first.valueBlock.value;
  let hashName = "sha1";
  let certHash: unknown = head;
  if (attr?.type === ID_SIGNING_CERTIFICATE_V2) {
    // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash OCTET STRING, issuerSerial OPTIONAL }
    hashName = "sha256";
    if (head instanceof asn1js.Sequence) {
      const oid = head.valueBlock.value[0];
      const name = oid instanceof asn1js.ObjectIdentifier ? ESS_HASHES[oid.valueBlock.toString()] : undefined;
      if (!name) return false;
      hashName = name;
      certHash = second;
    }
  }
  if (!(certHash instanceof asn1js.OctetString)) return false;
  const expected = createHash(hashName).update(signerDer).digest();
  return expected.equals(Buffer.from(certHash.valueBlock.valueHexView));
}

async function isTrusted(
  signer: pkijs.Certificate,
  signerDer: Buffer,
  signed: pkijs.SignedData,
  trusted: pkijs.Certificate[],
  at: Date,
): Promise<boolean> {
  // Trusting the TSA's own certificate directly (pinning) needs no chain.
  if (trusted.some((t) => Buffer.from(t.toSchema().toBER()).equals(signerDer))) return true;
  const intermediates = (signed.certificates ?? []).filter((c) => c instanceof pkijs.Certificate);
  const chain = new pkijs.CertificateChainValidationEngine({
    certs: [...intermediates.filter((c) => c !== signer), signer],
    trustedCerts: trusted,
    checkDate: at,
  });
  try {
    return (await chain.verify({}, engine)).result;
  } catch {
    // The engine rejects, rather than answering false, on some broken chains.
    return false;
  }
}

function serialOf(tst: pkijs.TSTInfo): string {
  const hex = tst.serialNumber.toBigInt().toString(16);
  return hex.length % 2 ? `0${hex}` : hex;
}

const RDN_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.97": "organizationIdentifier",
};

/** A GeneralName as text: a directory name as `O=…, CN=…`, a DNS name, e-mail or URI as itself. */
function generalNameText(name: pkijs.GeneralName): string | undefined {
  const value: unknown = name.value;
  if (value instanceof pkijs.RelativeDistinguishedNames) {
    return value.typesAndValues
      .map((tv) => `${RDN_NAMES[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
      .join(", ");
  }
  return typeof value === "string" ? value : undefined;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch hides the socket error (ECONNREFUSED, …) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}
