import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, type NetConnectOpts } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./dovecot.ts";

// P-5 against a real clamd (Debian's clamav-daemon), started here in the foreground with a throwaway
// configuration in a temporary folder, listening on a Unix socket and on 127.0.0.1:<free port>. Its
// database is only the two signatures written below: freshclam cannot reach the internet from the tests,
// and a handful of signatures loads in milliseconds.
//
// No `User` line: clamd then keeps the identity it was started with (root in CI). With `User clamav` it
// drops privileges before it reads the database and binds the socket, so a root-only temporary folder
// would fail with "Access denied"; the log and pid files, opened before the drop, would still work.

export const CLAMD = "/usr/sbin/clamd";
export const EICAR = Buffer.from(
  "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
  "latin1",
);
// clamd appends ".UNOFFICIAL" to the names of signatures that come from no official database.
const EICAR_MD5 = "Liaison.Test.EICAR-MD5";
const EICAR_BODY = "Liaison.Test.EICAR-Body";
export const EICAR_MD5_NAME = `${EICAR_MD5}.UNOFFICIAL`;
export const EICAR_BODY_NAME = `${EICAR_BODY}.UNOFFICIAL`;
// Small, so that the size-limit path is reached with a few megabytes.
export const STREAM_MAX_BYTES = 2 * 1024 * 1024;

export function pdfLike(body: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
    "latin1",
  );
}

/** A PDF-looking buffer of `size` bytes: a small PDF, then filler text up to the size. */
export function largePdfLike(size: number): Buffer {
  const head = pdfLike("");
  const filler = Buffer.alloc(size - head.length, "Lorem ipsum dolor sit amet. ");
  return Buffer.concat([head, filler]);
}

function clamdConf(dir: string, tcpPort: number): string {
  return `# Throwaway configuration written by test/support/clamd.ts
Foreground yes
LocalSocket ${dir}/clamd.sock
TCPSocket ${tcpPort}
TCPAddr 127.0.0.1
DatabaseDirectory ${dir}/db
TemporaryDirectory ${dir}/scratch
LogFile ${dir}/clamd.log
LogSyslog no
PidFile ${dir}/clamd.pid
StreamMaxLength ${STREAM_MAX_BYTES / 1024 / 1024}M
`;
}

/** Sends zPING and resolves with the reply, for the readiness wait. */
function ping(target: NetConnectOpts, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(target);
    let data = "";
    const done = (err: Error | null) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(data.replace(/\0$/, ""));
    };
    const timer = setTimeout(() => done(new Error("no PONG")), timeoutMs);
    socket.setEncoding("latin1");
    socket.once("connect", () => socket.write("zPING\0"));
    socket.on("data", (chunk: string) => {
      data += chunk;
      if (data.includes("\0")) done(null);
    });
    socket.on("error", (err) => done(err));
    socket.on("close", () => done(new Error("closed before PONG")));
  });
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface Clamd {
  /** The Unix socket clamd listens on. */
  socket: string;
  tcpPort: number;
  stop(): Promise<void>;
}

/** Starts clamd in the foreground with the two test signatures; resolves once it answers PING on both sockets. */
export async function startClamd(): Promise<Clamd> {
  let dir = "";
  let tcpPort = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = "";

  function logTail(): string {
    let log = "(no clamd.log)";
    try {
      log = readFileSync(path.join(dir, "clamd.log"), "utf8");
    } catch {
      // not written yet
    }
    return `${log.split("\n").slice(-30).join("\n")}\n--- clamd stdout/stderr ---\n${output.slice(-3_000)}`;
  }

  async function stopClamd(): Promise<void> {
    if (child && running.has(child)) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  if (!existsSync(CLAMD)) {
    throw new Error(
      `${CLAMD} is missing: install Debian's clamav-daemon (apt-get install -y clamav-daemon; see .ci/run)`,
    );
  }
  dir = await mkdtemp(path.join(tmpdir(), "liaison-clamd-"));
  await mkdir(path.join(dir, "db"));
  await mkdir(path.join(dir, "scratch"));
  // .hdb: md5:size:name of the whole stream. .ndb: name:target type:offset (*, anywhere):hex body, so EICAR
  // is found inside a PDF too. Its target type is 10 (PDF) rather than 0 (any file): a body signature for
  // any file would also match the bare EICAR file, and clamd reports it before the hash signature.
  const md5 = createHash("md5").update(EICAR).digest("hex");
  await writeFile(path.join(dir, "db", "liaison.hdb"), `${md5}:${EICAR.length}:${EICAR_MD5}\n`);
  await writeFile(path.join(dir, "db", "liaison.ndb"), `${EICAR_BODY}:10:*:${EICAR.toString("hex")}\n`);
  tcpPort = await freePort();
  const conf = path.join(dir, "clamd.conf");
  await writeFile(conf, clamdConf(dir, tcpPort));

  // clamd takes listening sockets from systemd when LISTEN_FDS is set; ours must be the configured ones.
  const { LISTEN_FDS: _fds, LISTEN_PID: _pid, ...env } = process.env;
  const started = spawn(CLAMD, [`--config-file=${conf}`], { stdio: ["ignore", "pipe", "pipe"], env });
  child = started;
  running.add(started);
  started.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  started.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  let gone: string | null = null;
  exited = new Promise<void>((resolve) => {
    started.once("exit", (code, signal) => {
      gone = `exited with ${signal ?? code}`;
      running.delete(started);
      resolve();
    });
    started.once("error", (err) => {
      gone = `could not start: ${err.message}`;
      running.delete(started);
      resolve();
    });
  });

  const deadline = Date.now() + 60_000;
  let lastError = "";
  for (;;) {
    if (gone) throw new Error(`clamd ${gone} before it answered PING\n${logTail()}`);
    try {
      const local = await ping({ path: path.join(dir, "clamd.sock") });
      const tcp = await ping({ host: "127.0.0.1", port: tcpPort });
      if (local === "PONG" && tcp === "PONG") break;
      lastError = `unexpected replies: ${local} / ${tcp}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stopClamd();
      throw new Error(`clamd did not answer PING within 60 s (${lastError})\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { socket: path.join(dir, "clamd.sock"), tcpPort, stop: stopClamd };
}
