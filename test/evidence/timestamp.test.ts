import { execFile } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as asn1js from "asn1js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  requestTimestamp,
  TimestampError,
  type TimestampErrorCode,
  type TimestampToken,
  verifyTimestamp,
} from "../../src/evidence/timestamp.ts";
import { type OpensslTsa, startOpensslTsa } from "../support/openssl-tsa.ts";

// B-8: "Tree heads can be countersigned by an RFC 3161 time-stamping authority". Everything here runs
// against a real authority (`openssl ts` behind a local HTTP server), and OpenSSL also checks our
// stored tokens, so the client is held to an implementation that is not its own.

const run = promisify(execFile);
const sha256 = (text: string) => createHash("sha256").update(text).digest();
const digest = sha256("tree head 42");

let tsa: OpensslTsa;
let token: TimestampToken;
let work: string;

beforeAll(async () => {
  tsa = await startOpensslTsa();
  work = await mkdtemp(path.join(tmpdir(), "liaison-tsa-test-"));
  token = await requestTimestamp(tsa.url, digest);
});
afterAll(async () => {
  await tsa?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});
afterEach(() => tsa.setMode("ok"));

async function failure(promise: Promise<unknown>): Promise<TimestampErrorCode> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TimestampError);
  return (err as TimestampError).code;
}

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

function der(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

function parseDer(bytes: Buffer): asn1js.BaseBlock {
  return asn1js.fromBER(new Uint8Array(bytes)).result;
}

function children(block: asn1js.BaseBlock): asn1js.BaseBlock[] {
  const value: unknown = "value" in block.valueBlock ? block.valueBlock.value : [];
  return Array.isArray(value) ? value.filter((v) => v instanceof asn1js.BaseBlock) : [];
}

describe("B-8 time-stamping a tree head", () => {
  it("B-8: a real round trip gives a token that verifies offline, stamped about now", async () => {
    const before = Date.now();
    const fresh = await requestTimestamp(tsa.url, sha256("tree head 43"));
    // clock_precision_digits 0: genTime is whole seconds.
    expect(fresh.genTime.getTime()).toBeGreaterThanOrEqual(before - 1500);
    expect(fresh.genTime.getTime()).toBeLessThanOrEqual(Date.now() + 1500);
    expect(fresh.policy).toBe("1.2.3.4.1");
    expect(fresh.tsaName).toBe("O=Liaison tests, CN=Test TSA");
    expect(fresh.serial).toMatch(/^([0-9a-f]{2})+$/);
    expect(fresh.serial).not.toBe(token.serial);
    expect(fresh.tokenDer[0]).toBe(0x30);

    expect(await verifyTimestamp(fresh.tokenDer, sha256("tree head 43"))).toEqual({
      ok: true,
      genTime: fresh.genTime,
      serial: fresh.serial,
    });
  });

  it("B-8: OpenSSL accepts the stored token for the digest (openssl ts -verify -token_in)", async () => {
    const file = path.join(work, "token.tsr");
    await writeFile(file, token.tokenDer);
    const { stdout } = await run("/usr/bin/openssl", [
      "ts",
      "-verify",
      "-digest",
      digest.toString("hex"),
      "-in",
      file,
      "-token_in",
      "-CAfile",
      path.join(tsa.dir, "ca.pem"),
      "-untrusted",
      path.join(tsa.dir, "tsa.pem"),
    ]);
    expect(stdout).toContain("Verification: OK");
    // And OpenSSL reads the same time and serial as we do.
    const text = await run("/usr/bin/openssl", [
      "ts",
      "-reply",
      "-in",
      file,
      "-token_in",
      "-text",
      "-token_out",
    ]);
    expect(text.stdout).toMatch(new RegExp(`Serial number: 0x${token.serial}`, "i"));
  });

  it("B-8: the token verifies with the CA, or the TSA's own certificate, as the trusted certificate", async () => {
    expect(await verifyTimestamp(token.tokenDer, digest, [tsa.caCertPem])).toMatchObject({ ok: true });
    expect(await verifyTimestamp(token.tokenDer, digest, [tsa.tsaCertPem])).toMatchObject({ ok: true });
  });

  it("B-8: the token does not verify against an unrelated self-signed certificate, or none", async () => {
    const key = path.join(work, "other.key");
    const cert = path.join(work, "other.pem");
    await run("/usr/bin/openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=Someone else",
    ]);
    const other = await readFile(cert, "utf8");
    expect(await verifyTimestamp(token.tokenDer, digest, [other])).toEqual({
      ok: false,
      reason: "untrusted-signer",
    });
    expect(await verifyTimestamp(token.tokenDer, digest, [])).toEqual({
      ok: false,
      reason: "untrusted-signer",
    });
    expect(await verifyTimestamp(token.tokenDer, digest, ["not a certificate"])).toEqual({
      ok: false,
      reason: "bad-trusted-certificate",
    });
  });

  it("B-8: a CA with the very same name but another key is not trusted", async () => {
    const impostor = await startOpensslTsa();
    try {
      expect(new X509Certificate(impostor.caCertPem).subject).toBe(
        new X509Certificate(tsa.caCertPem).subject,
      );
      expect(await verifyTimestamp(token.tokenDer, digest, [impostor.caCertPem])).toEqual({
        ok: false,
        reason: "untrusted-signer",
      });
    } finally {
      await impostor.stop();
    }
  });

  it("B-8: a digest with one byte flipped does not match the token", async () => {
    for (const at of [0, 17, 31]) {
      expect(await verifyTimestamp(token.tokenDer, flipped(digest, at))).toEqual({
        ok: false,
        reason: "digest-mismatch",
      });
    }
    expect(await verifyTimestamp(token.tokenDer, digest.subarray(0, 31))).toMatchObject({ ok: false });
  });

  it("B-8: a byte flipped in the time, the signature or the TSA's certificate breaks the token", async () => {
    const genTime = token.tokenDer.indexOf(Buffer.from(isoCompact(token.genTime), "latin1"));
    const tsaCert = token.tokenDer.indexOf(der(tsa.tsaCertPem));
    expect(genTime).toBeGreaterThan(0);
    expect(tsaCert).toBeGreaterThan(0);
    const places = {
      "a digit of genTime": genTime + 3,
      "the signature's last byte": token.tokenDer.length - 1,
      "the TSA certificate's public key": tsaCert + der(tsa.tsaCertPem).length - 300,
      "the TSA certificate's subject": token.tokenDer.indexOf(Buffer.from("Test TSA\x31", "latin1")) + 2,
    };
    for (const [where, at] of Object.entries(places)) {
      const result = await verifyTimestamp(flipped(token.tokenDer, at), digest);
      expect({ where, ok: result.ok }).toEqual({ where, ok: false });
    }
  });

  it("B-8: no flipped byte in the time-stamp, the TSA's certificate, the signed attributes or the signature passes", async () => {
    const signed = children(children(parseDer(token.tokenDer))[1]!)[0]!;
    const [, , encapsulated, , signerInfos] = children(signed);
    const signerInfo = children(signerInfos!)[0]!;
    const parts = {
      tstInfo: encapsulated!,
      signedAttributes: children(signerInfo).find(
        (c) => c.idBlock.tagClass === 3 && c.idBlock.tagNumber === 0,
      )!,
      signature: children(signerInfo).at(-1)!,
    };
    const regions: Record<string, [number, number]> = {
      tsaCertificate: [token.tokenDer.indexOf(der(tsa.tsaCertPem)), der(tsa.tsaCertPem).length],
    };
    for (const [name, block] of Object.entries(parts)) {
      const bytes = Buffer.from(block.valueBeforeDecodeView);
      regions[name] = [token.tokenDer.indexOf(bytes), bytes.length];
    }
    for (const [name, [start, length]] of Object.entries(regions)) {
      expect(start).toBeGreaterThan(0);
      for (let at = start; at < start + length; at += 3) {
        const result = await verifyTimestamp(flipped(token.tokenDer, at), digest);
        expect({ name, at, ok: result.ok }).toEqual({ name, at, ok: false });
      }
    }
  });

  it("B-8: wherever a byte is flipped, verification never throws nor accepts another time or serial", async () => {
    // Some bytes are outside what the TSA signs (the copy of the CA certificate, a version number):
    // flipping those may leave the token valid, but never saying something else.
    for (let at = 0; at < token.tokenDer.length; at += 7) {
      const result = await verifyTimestamp(flipped(token.tokenDer, at), digest, [tsa.caCertPem]);
      if (result.ok)
        expect({ at, genTime: result.genTime, serial: result.serial }).toEqual({
          at,
          genTime: token.genTime,
          serial: token.serial,
        });
    }
  });

  it("B-8: input that is no token is refused, not thrown", async () => {
    for (const bytes of [
      Buffer.alloc(0),
      Buffer.from("garbage"),
      token.tokenDer.subarray(0, token.tokenDer.length - 10),
      Buffer.concat([token.tokenDer, Buffer.from([0])]),
      Buffer.from([0x30, 0x80, 0x30, 0x80, 0x30, 0x80]),
    ]) {
      expect(await verifyTimestamp(bytes, digest)).toMatchObject({ ok: false });
    }
  });
});

describe("B-8 when the authority fails", () => {
  it("B-8: an authority that is down is unreachable", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await failure(requestTimestamp(`http://127.0.0.1:${port}/tsa`, digest))).toBe("unreachable");
  });

  it("B-8: an authority that does not answer in time is unreachable", async () => {
    tsa.setMode("hang");
    expect(await failure(requestTimestamp(tsa.url, digest, { timeoutMs: 300 }))).toBe("unreachable");
  });

  it("B-8: HTTP 500 is an http-error", async () => {
    tsa.setMode("http-500");
    expect(await failure(requestTimestamp(tsa.url, digest))).toBe("http-error");
  });

  it("B-8: a garbage reply is malformed", async () => {
    tsa.setMode("garbage");
    expect(await failure(requestTimestamp(tsa.url, digest))).toBe("malformed");
  });

  it("B-8: a rejection status is rejected", async () => {
    tsa.setMode("rejection");
    expect(await failure(requestTimestamp(tsa.url, digest))).toBe("rejected");
  });

  it("B-8: a genuine token for another query (nonce, digest) is a mismatch", async () => {
    tsa.setMode("mismatch");
    expect(await failure(requestTimestamp(tsa.url, digest))).toBe("mismatch");
  });

  it("B-8: a digest that is not 32 bytes is a programming error", async () => {
    await expect(requestTimestamp(tsa.url, Buffer.alloc(20))).rejects.toBeInstanceOf(RangeError);
  });
});

/** genTime as GeneralizedTime text, YYYYMMDDHHMMSSZ (whole seconds: clock_precision_digits 0). */
function isoCompact(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}
