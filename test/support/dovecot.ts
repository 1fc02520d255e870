import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";

// A real IMAP server for the bounce tests: Debian's Dovecot (dovecot-imapd, dovecot-lmtpd), started as a
// child process on 127.0.0.1 with a throwaway configuration in a temporary folder. IMAP without TLS
// (plain passwords from a passwd-file), LMTP on TCP so that a test Postfix can deliver to it, maildirs
// under the temporary folder owned by Debian's `mail` system user. `stop()` ends it and removes the folder.
//
// User names are full addresses ("ircc.mtl@ircc.example"): the IMAP login, and what LMTP looks up after
// dropping the "+detail" of a VERP recipient (recipient_delimiter = +), so that
// RCPT TO:<ircc.mtl+b-0123…@ircc.example> lands in the INBOX of ircc.mtl@ircc.example. An unknown
// recipient gets "550 5.1.1 User doesn't exist" from LMTP.

const DOVECOT = "/usr/sbin/dovecot";
/** The system user that owns the maildirs and that Dovecot's mail processes run as. */
const MAIL_USER = "mail";

export interface DovecotUser {
  user: string;
  password: string;
}

export interface Dovecot {
  host: "127.0.0.1";
  imapPort: number;
  lmtpPort: number;
  /** The temporary folder: dovecot.conf, users, dovecot.log, run/ (base_dir) and mail/<domain>/<local>/Maildir. */
  baseDir: string;
  /** The last lines of Dovecot's log, for failure messages. */
  logTail(lines?: number): string;
  /** Puts a message into a mailbox of `user` by IMAP APPEND (creating the mailbox if it is missing). */
  append(user: string, raw: Buffer, mailbox?: string): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Connects to host:port and resolves with the first line the server sends (its greeting). */
export function readGreeting(host: string, port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let data = "";
    const done = (err: Error | null, line?: string) => {
      socket.destroy();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(line ?? "");
    };
    const timer = setTimeout(() => done(new Error(`no greeting from ${host}:${port}`)), timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      data += chunk;
      const end = data.indexOf("\n");
      if (end >= 0) done(null, data.slice(0, end).trimEnd());
    });
    socket.on("error", (err) => done(err));
    socket.on("close", () => done(new Error(`connection to ${host}:${port} closed before a greeting`)));
  });
}

/** uid and gid of a system user, from /etc/passwd. */
export function systemUser(name: string): { uid: number; gid: number } {
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`no system user ${name} in /etc/passwd`);
}

function tailOf(text: string, lines: number): string {
  return text
    .split("\n")
    .slice(-lines - 1)
    .join("\n");
}

/** Where a user's maildir home is: mail/<domain>/<local part>. */
function homeOf(root: string, user: string): string {
  const at = user.lastIndexOf("@");
  const local = at >= 0 ? user.slice(0, at) : user;
  const domain = at >= 0 ? user.slice(at + 1) : "_";
  return path.join(root, "mail", domain.toLowerCase(), local.toLowerCase());
}

function config(dir: string, imapPort: number, lmtpPort: number, uid: number, gid: number): string {
  return `# Throwaway configuration written by test/support/dovecot.ts
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = ${path.basename(dir)}
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
debug_log_path = ${dir}/dovecot.log
shutdown_clients = yes

ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Lu
auth_cache_size = 0

mail_location = maildir:~/Maildir
mail_uid = ${uid}
mail_gid = ${gid}
first_valid_uid = ${uid}
last_valid_uid = ${uid}
first_valid_gid = ${gid}
last_valid_gid = ${gid}

recipient_delimiter = +
lmtp_save_to_detail_mailbox = no

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%Lu ${dir}/users
}

namespace inbox {
  inbox = yes
  separator = /
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
`;
}

/** Processes still running, killed when the test process exits however it exits. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startDovecot(opts: { users: DovecotUser[] }): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) {
    throw new Error(`${DOVECOT} is missing: install Debian's dovecot-imapd and dovecot-lmtpd (see .ci/run)`);
  }
  if (process.getuid?.() !== 0) throw new Error("startDovecot needs root (Dovecot drops to the mail user)");
  const { uid, gid } = systemUser(MAIL_USER);
  const dir = await mkdtemp(path.join(tmpdir(), "liaison-dovecot-"));
  // Dovecot's auth process (user dovecot) reads the users file; the mail processes (user mail) the maildirs.
  await chmod(dir, 0o755);
  await mkdir(path.join(dir, "mail"), { mode: 0o755 });

  const passwords = new Map<string, string>();
  const lines: string[] = [];
  for (const { user, password } of opts.users) {
    if (/[:\s]/.test(user) || /[\n:]/.test(password)) throw new Error(`unusable test user ${user}`);
    const home = homeOf(dir, user);
    await mkdir(home, { recursive: true, mode: 0o700 });
    await chown(path.dirname(home), uid, gid);
    await chown(home, uid, gid);
    passwords.set(user.toLowerCase(), password);
    // user:password:uid:gid:gecos:home:shell:extra fields
    lines.push(`${user.toLowerCase()}:{PLAIN}${password}:${uid}:${gid}::${home}::`);
  }
  await writeFile(path.join(dir, "users"), `${lines.join("\n")}\n`, { mode: 0o644 });

  const imapPort = await freePort();
  let lmtpPort = await freePort();
  while (lmtpPort === imapPort) lmtpPort = await freePort();
  const conf = path.join(dir, "dovecot.conf");
  await writeFile(conf, config(dir, imapPort, lmtpPort, uid, gid), { mode: 0o644 });

  const logFile = path.join(dir, "dovecot.log");
  let output = "";
  const child = spawn(DOVECOT, ["-F", "-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      running.delete(child);
      resolve();
    });
    child.once("error", (err) => {
      exited = `could not start: ${err.message}`;
      running.delete(child);
      resolve();
    });
  });

  const logTail = (n = 40): string => {
    let log = "";
    try {
      log = readFileSync(logFile, "utf8");
    } catch {
      log = "(no dovecot.log)";
    }
    return `${tailOf(log, n)}${output ? `\n--- dovecot stdout/stderr ---\n${tailOf(output, n)}` : ""}`;
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  // Wait until the IMAP listener greets and the LMTP listener accepts.
  const deadline = Date.now() + 15_000;
  let lastError = "";
  for (;;) {
    if (exited) {
      const tail = logTail();
      await stop();
      throw new Error(`Dovecot ${exited} before it listened on 127.0.0.1:${imapPort}\n${tail}`);
    }
    try {
      const imap = await readGreeting("127.0.0.1", imapPort);
      const lmtp = await readGreeting("127.0.0.1", lmtpPort);
      if (imap.startsWith("* OK") && lmtp.startsWith("220")) break;
      lastError = `unexpected greetings: ${imap} / ${lmtp}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`Dovecot did not greet on 127.0.0.1:${imapPort} within 15 s (${lastError})\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const append = async (user: string, raw: Buffer, mailbox = "INBOX"): Promise<void> => {
    const password = passwords.get(user.toLowerCase());
    if (password === undefined) throw new Error(`no Dovecot test user ${user}`);
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: imapPort,
      secure: false,
      auth: { user, pass: password },
      logger: false,
    });
    await client.connect();
    try {
      if (mailbox.toUpperCase() !== "INBOX") {
        const existing = await client.list();
        if (!existing.some((m) => m.path === mailbox)) await client.mailboxCreate(mailbox);
      }
      const result = await client.append(mailbox, raw);
      if (!result) throw new Error(`APPEND to ${mailbox} of ${user} failed\n${logTail()}`);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  return { host: "127.0.0.1", imapPort, lmtpPort, baseDir: dir, logTail, append, stop };
}
