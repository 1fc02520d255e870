import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./dovecot.ts";

// A real MTA for the bounce tests: Debian's Postfix, as a separate instance with its own
// config_directory, queue_directory and data_directory in a temporary folder (`postfix -c DIR start`),
// its smtpd on 127.0.0.1:<free port>. Nothing can leave the machine: mydestination and relay_domains are
// empty, and every domain that is not delivered to a test LMTP server goes to the `error` transport,
// which bounces at once. Postfix writes its own RFC 3464 DSNs (notify/bounce settings are the defaults)
// and sends them back to the envelope sender, so a sender at a delivered domain gets them by LMTP.
//
// Postfix runs rootful, as it is built to: the master runs as root, the daemons as Debian's `postfix`
// user, the queue directories owned as post-install would make them (postfix, postdrop). The harness
// creates them itself and starts with `quick-start`, which skips the slow `postfix check` scan (and
// post-install, which would rewrite the modes of the shared binaries in /usr/sbin).

const run = promisify(execFile);
const POSTFIX = "/usr/sbin/postfix";
const POSTQUEUE = "/usr/sbin/postqueue";
const DAEMON_DIRECTORY = "/usr/lib/postfix/sbin";

export interface PostfixOptions {
  /** The instance's own domain: myhostname is mx.<myDomain>, the DSNs come from MAILER-DAEMON@mx.<myDomain>. */
  myDomain: string;
  /** Domains delivered by LMTP (e.g. to a test Dovecot); any other domain bounces through `error:`. */
  deliverDomains: { domain: string; lmtp: { host: string; port: number } }[];
  /** delay_warning_time (default "0h": no delay notices). */
  delayWarningTime?: string;
  /** maximal_queue_lifetime and bounce_queue_lifetime (default "1h"). */
  queueLifetime?: string;
}

export interface Postfix {
  host: "127.0.0.1";
  smtpPort: number;
  /** myhostname, e.g. mx.ircc.example */
  hostname: string;
  configDir: string;
  queueDir: string;
  /** Asks the queue manager to retry every deferred message now (`postqueue -f`). */
  flush(): Promise<void>;
  /** The last lines of the instance's maillog. */
  logTail(lines?: number): string;
  /** Resolves with the first maillog line that matches, or fails with the log tail after `timeoutMs`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

function greeting(port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let data = "";
    const done = (err: Error | null, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(line ?? "");
    };
    const timer = setTimeout(() => done(new Error(`no greeting on 127.0.0.1:${port}`)), timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      data += chunk;
      const end = data.indexOf("\n");
      if (end >= 0) {
        socket.write("QUIT\r\n");
        done(null, data.slice(0, end).trimEnd());
      }
    });
    socket.on("error", (err) => done(err));
    socket.on("close", () => done(new Error(`127.0.0.1:${port} closed before a greeting`)));
  });
}

function systemUser(name: string): { uid: number; gid: number } {
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`no system user ${name} in /etc/passwd`);
}

function systemGroup(name: string): number {
  for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
    const [group, , gid] = line.split(":");
    if (group === name && gid !== undefined) return Number(gid);
  }
  throw new Error(`no system group ${name} in /etc/group`);
}

function mainCf(dir: string, opts: PostfixOptions, hostname: string): string {
  const lifetime = opts.queueLifetime ?? "1h";
  return `# Throwaway configuration written by test/support/postfix.ts
compatibility_level = 3.6
config_directory = ${dir}/etc
queue_directory = ${dir}/queue
data_directory = ${dir}/data
daemon_directory = ${DAEMON_DIRECTORY}
command_directory = /usr/sbin
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-test
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
readme_directory = no
biff = no

myhostname = ${hostname}
mydomain = ${opts.myDomain}
myorigin = $myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
append_dot_mydomain = no

# Nothing may leave the machine.
inet_interfaces = loopback-only
inet_protocols = ipv4
relayhost =
relay_domains =
default_transport = error:no outside mail from tests
relay_transport = error:no outside mail from tests
lmtp_host_lookup = native
smtp_host_lookup = native

virtual_mailbox_domains = ${opts.deliverDomains.map((d) => d.domain).join(", ")}
virtual_mailbox_maps =
virtual_transport = error:no LMTP server for this domain
transport_maps = texthash:${dir}/etc/transport
recipient_delimiter = +

mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
# Unknown users of a delivered domain are accepted here and refused by LMTP, so Postfix bounces them.
smtpd_reject_unlisted_recipient = no
smtpd_tls_security_level = none
smtp_tls_security_level = none
lmtp_tls_security_level = none

# Short timers for tests.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = ${lifetime}
bounce_queue_lifetime = ${lifetime}
delay_warning_time = ${opts.delayWarningTime ?? "0h"}
`;
}

function masterCf(smtpPort: number): string {
  // service type private unpriv chroot wakeup maxproc command; no chroot, so no copies of /etc are needed.
  return `# Throwaway configuration written by test/support/postfix.ts
127.0.0.1:${smtpPort} inet n - n - - smtpd
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
`;
}

/** Master pids still running, terminated when the test process exits however it exits. */
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) signal(pid, "SIGTERM");
});

function tailOf(text: string, lines: number): string {
  return text
    .split("\n")
    .slice(-lines - 1)
    .join("\n");
}

/** Whether a process is there and not a zombie (the daemonised master is not our child to reap). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Runs the postfix command with its output in `logFile`; resolves with the exit code. */
async function postfixCommand(args: string[], logFile: string, timeoutMs: number): Promise<number | string> {
  const out = openSync(logFile, "a");
  try {
    const child = spawn(POSTFIX, args, { stdio: ["ignore", out, out], timeout: timeoutMs });
    return await new Promise((resolve) => {
      child.once("error", (err) => resolve(err.message));
      child.once("exit", (code, sig) => resolve(code ?? sig ?? "unknown"));
    });
  } finally {
    closeSync(out);
  }
}

export async function startPostfix(opts: PostfixOptions): Promise<Postfix> {
  if (!existsSync(POSTFIX)) throw new Error(`${POSTFIX} is missing: install Debian's postfix (see .ci/run)`);
  if (process.getuid?.() !== 0) throw new Error("startPostfix needs root (the Postfix master runs as root)");
  const postfixUser = systemUser("postfix");
  const postdrop = systemGroup("postdrop");
  const hostname = `mx.${opts.myDomain}`;

  const dir = await mkdtemp(path.join(tmpdir(), "liaison-postfix-"));
  // The daemons run as `postfix` and must reach etc/ and queue/.
  await chmod(dir, 0o755);
  const etc = path.join(dir, "etc");
  const queue = path.join(dir, "queue");
  const data = path.join(dir, "data");
  await mkdir(etc, { mode: 0o755 });
  await mkdir(queue, { mode: 0o755 });
  await mkdir(path.join(queue, "pid"), { mode: 0o755 });
  // What post-install's postfix-files prescribes for the queue.
  const privateDirs = ["active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming"];
  for (const sub of [...privateDirs, "private", "saved", "trace"]) {
    await mkdir(path.join(queue, sub), { mode: 0o700 });
    await chown(path.join(queue, sub), postfixUser.uid, 0);
  }
  for (const [sub, mode] of [
    ["maildrop", 0o730],
    ["public", 0o710],
  ] as const) {
    await mkdir(path.join(queue, sub));
    await chown(path.join(queue, sub), postfixUser.uid, postdrop);
    await chmod(path.join(queue, sub), mode);
  }
  await mkdir(data, { mode: 0o700 });
  await chown(data, postfixUser.uid, postfixUser.gid);

  const smtpPort = await freePort();
  await writeFile(path.join(etc, "main.cf"), mainCf(dir, opts, hostname), { mode: 0o644 });
  await writeFile(path.join(etc, "master.cf"), masterCf(smtpPort), { mode: 0o644 });
  const transport = opts.deliverDomains.map((d) => `${d.domain} lmtp:inet:${d.lmtp.host}:${d.lmtp.port}`);
  await writeFile(path.join(etc, "transport"), `${transport.join("\n")}\n`, { mode: 0o644 });
  // The postfix command waits, in steps of 300 ms, for a main.cf written less than a second ago to age.
  const past = new Date(Date.now() - 60_000);
  for (const file of ["main.cf", "master.cf", "transport"]) await utimes(path.join(etc, file), past, past);
  // Skip `postfix check` (post-install and a queue scan, 3 s): the queue was laid out above.
  await writeFile(path.join(queue, "quick-start"), "");

  const maillog = path.join(dir, "maillog");
  const logTail = (lines = 40): string => {
    try {
      return tailOf(readFileSync(maillog, "utf8"), lines);
    } catch {
      return "(no maillog)";
    }
  };
  const masterPid = (): number | null => {
    try {
      const pid = Number(readFileSync(path.join(queue, "pid", "master.pid"), "utf8").trim());
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  };
  let stopped = false;
  let pid: number | null = null;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    pid ??= masterPid();
    if (pid !== null) {
      // What `postfix abort` does: the master passes SIGTERM on to its children and ends. (`postfix stop`
      // is gentler but polls once a second.)
      signal(pid, "SIGTERM");
      const deadline = Date.now() + 5_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      if (alive(pid)) signal(pid, "SIGKILL");
      running.delete(pid);
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  };

  // `postfix start` leaves a daemon behind: its output goes to a file, for a pipe would be held open by the
  // daemon and execFile would wait for it.
  const startLog = path.join(dir, "postfix-start.log");
  const started = await postfixCommand(["-c", etc, "start"], startLog, 20_000);
  if (started !== 0) {
    const output = readFileSync(startLog, "utf8");
    const tail = logTail();
    await stop();
    throw new Error(`postfix start exited with ${started}: ${output}\n${tail}`);
  }
  pid = masterPid();
  if (pid !== null) running.add(pid);

  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const line = await greeting(smtpPort);
      if (line.startsWith("220")) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`Postfix did not greet on 127.0.0.1:${smtpPort} within 15 s\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const flush = async (): Promise<void> => {
    await run(POSTQUEUE, ["-c", etc, "-f"]);
  };

  const waitForLog = async (pattern: RegExp, timeoutMs = 20_000): Promise<string> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = logTail(100_000)
        .split("\n")
        .find((l) => pattern.test(l));
      if (found) return found;
      if (Date.now() > until)
        throw new Error(`no maillog line matching ${pattern} in ${timeoutMs} ms\n${logTail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return {
    host: "127.0.0.1",
    smtpPort,
    hostname,
    configDir: etc,
    queueDir: queue,
    flush,
    logTail,
    waitForLog,
    stop,
  };
}
