import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

// A real RFC 3161 time-stamping authority for the B-8 tests: the `openssl ts` command behind a small
// HTTP server on the loopback. Its own CA and TSA certificates are made fresh in a temporary folder,
// so the client is tested against an independent implementation, not against itself.

const run = promisify(execFile);
const OPENSSL = "/usr/bin/openssl";

/**
 * How the authority answers: `ok` time-stamps the query; `http-500` fails at the HTTP level; `garbage`
 * sends 200 with bytes that are no TimeStampResp; `rejection` sends a well-formed "rejection" status;
 * `mismatch` sends a valid token for another digest and nonce; `hang` never answers.
 */
export type TsaMode = "ok" | "http-500" | "garbage" | "rejection" | "mismatch" | "hang";

export interface OpensslTsa {
  url: string;
  caCertPem: string;
  tsaCertPem: string;
  /** The folder holding ca.pem and tsa.pem, for `openssl ts -verify` cross-checks. */
  dir: string;
  setMode(mode: TsaMode): void;
  stop(): Promise<void>;
}

function config(dir: string): string {
  return `
[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:0, microsecs:0
clock_precision_digits = 0
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;
}

async function makeAuthority(dir: string): Promise<string> {
  const cfg = path.join(dir, "tsa.cnf");
  await writeFile(cfg, config(dir));
  await writeFile(path.join(dir, "serial"), "01\n");
  const at = (name: string) => path.join(dir, name);
  await run(OPENSSL, [
    "req",
    "-x509",
    "-config",
    cfg,
    "-extensions",
    "ca_ext",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/O=Liaison tests/CN=Test TSA Root",
  ]);
  await run(OPENSSL, [
    "req",
    "-new",
    "-config",
    cfg,
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    at("tsa.key"),
    "-out",
    at("tsa.csr"),
    "-subj",
    "/O=Liaison tests/CN=Test TSA",
  ]);
  await run(OPENSSL, [
    "x509",
    "-req",
    "-in",
    at("tsa.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-set_serial",
    "2",
    "-days",
    "1",
    "-extfile",
    cfg,
    "-extensions",
    "tsa_ext",
    "-out",
    at("tsa.pem"),
  ]);
  return cfg;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Starts a local time-stamping authority; `stop()` closes it and removes its folder. */
export async function startOpensslTsa(opts: { mode?: TsaMode } = {}): Promise<OpensslTsa> {
  let mode: TsaMode = opts.mode ?? "ok";
  const dir = await mkdtemp(path.join(tmpdir(), "liaison-tsa-"));
  const cfg = await makeAuthority(dir);
  let counter = 0;
  // `openssl ts -reply` rewrites the serial file: replies are made one at a time.
  let queue: Promise<unknown> = Promise.resolve();

  async function reply(query: Buffer): Promise<Buffer> {
    const n = ++counter;
    const tsq = path.join(dir, `q${n}.tsq`);
    const tsr = path.join(dir, `r${n}.tsr`);
    if (mode === "mismatch") {
      // A genuine token, but for a query that is not the one received.
      await run(OPENSSL, ["ts", "-query", "-digest", "ab".repeat(32), "-sha256", "-cert", "-out", tsq]);
    } else {
      await writeFile(tsq, query);
    }
    await run(OPENSSL, ["ts", "-reply", "-config", cfg, "-queryfile", tsq, "-out", tsr]);
    return readFile(tsr);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method !== "POST" || req.headers["content-type"] !== "application/timestamp-query") {
      res.writeHead(400).end();
      return;
    }
    switch (mode) {
      case "hang":
        return;
      case "http-500":
        res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
        return;
      case "garbage":
        res.writeHead(200, { "content-type": "application/timestamp-reply" }).end("this is not DER at all");
        return;
      case "rejection":
        // TimeStampResp { status PKIStatusInfo { status rejection(2) } }, no token.
        res.writeHead(200, { "content-type": "application/timestamp-reply" });
        res.end(Buffer.from([0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]));
        return;
      default: {
        const next = queue.then(() => reply(body));
        queue = next.catch(() => undefined);
        const out = await next;
        res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(out);
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caCertPem: await readFile(path.join(dir, "ca.pem"), "utf8"),
    tsaCertPem: await readFile(path.join(dir, "tsa.pem"), "utf8"),
    dir,
    setMode(next) {
      mode = next;
    },
    async stop() {
      // Hanging requests would keep close() waiting forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
