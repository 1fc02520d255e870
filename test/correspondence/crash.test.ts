import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { OffsetClock, systemClock } from "../../src/clock.ts";
import { createLetter, readComposeInput } from "../../src/correspondence/service.ts";
import {
  ensureCorrespondenceDefaults,
  findSealed,
  letterEvents,
  stateOf,
} from "../../src/correspondence/store.ts";
import { type Database, openDatabase } from "../../src/db/client.ts";
import { correspondence, outbox } from "../../src/db/schema/correspondence.ts";
import { demoShowcase, loadDemoData } from "../../src/demo/load.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { openFile, type StaffContext } from "../../src/files/service.ts";
import { decodeVerp } from "../../src/mail/verp.ts";

// ARCHITECTURE principle 4, "the letter is its own outbox", with C-10 (the exact bytes are kept) and C-12
// (a letter's state): a dispatcher process killed with SIGKILL while the relay has the message but has not
// answered yet loses no letter, and a letter the relay received twice was received twice with the same
// bytes and the same Message-ID, the ones stored before the hand-off. The dispatchers run in processes of
// their own (test/support/dispatch-worker.ts) against a slow SMTP server in this process, so the kill
// lands mid-flight. On PGlite in a data directory, and on a throwaway PostgreSQL database with DATABASE_URL.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const workerScript = path.join(root, "test/support/dispatch-worker.ts");
const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-crash-"));
const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
const clock = new OffsetClock(systemClock);

/** Letters per file; 7 files of the showcase route by email, so 42 letters. */
const LETTERS_PER_FILE = 6;
/** A worker is killed when the relay has received this many messages in all (and not answered the last). */
const KILL_AT = [10, 24];
/** The relay holds each reply this long, so a kill finds a message received but not yet acknowledged. */
const REPLY_DELAY_MS = 150;
/** Short enough that the next worker retakes what a dead one had claimed without a long wait. */
const LEASE_MS = 2_000;

interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string | undefined;
  sha256: string;
  bytes: Buffer;
}

let databaseUrl: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
const letterIds: string[] = [];
const received: Received[] = [];
const receivedWaiters: { count: number; resolve: () => void }[] = [];
let smtp: SMTPServer;
/** Every worker started, so none outlives a failed test. */
const spawned: ChildProcess[] = [];
let smtpUrl: string;

/** The database: PGlite in dataDir (one process at a time), or the throwaway PostgreSQL database. */
const open = () => openDatabase({ databaseUrl, dataDir });

async function withAdmin<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  let client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    // The URL may name a database that does not exist yet: the server's own one will do.
    if ((err as { code?: string }).code !== "3D000") throw err;
    const u = new URL(url);
    u.pathname = "/postgres";
    client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function createThrowawayPostgres(url: string): Promise<string> {
  const name = `liaison_crash_${randomBytes(8).toString("hex")}`;
  await withAdmin(url, (c) => c.query(`create database "${name}"`));
  dropDatabase = () =>
    withAdmin(url, async (c) => {
      await c.query(`drop database if exists "${name}" with (force)`);
    });
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function messageIdOf(bytes: Buffer): string | undefined {
  const end = bytes.indexOf("\r\n\r\n");
  const head = bytes.subarray(0, end < 0 ? bytes.length : end).toString("latin1");
  return /^Message-ID:\s*(<[^>\s]+>)/im.exec(head)?.[1];
}

/** Resolves once the relay has received `count` messages in all. */
function whenReceived(count: number): Promise<void> {
  if (received.length >= count) return Promise.resolve();
  return new Promise((resolve) => receivedWaiters.push({ count, resolve }));
}

async function startSlowRelay(): Promise<void> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", callback);
      stream.on("end", () => {
        const bytes = Buffer.concat(chunks);
        // Counted the moment the whole message is in: from here on a relay may deliver it, whether or
        // not the sender lives to read the reply.
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          messageId: messageIdOf(bytes),
          sha256: createHash("sha256").update(bytes).digest("hex"),
          bytes,
        });
        for (const w of receivedWaiters.filter((w) => received.length >= w.count)) {
          receivedWaiters.splice(receivedWaiters.indexOf(w), 1);
          w.resolve();
        }
        setTimeout(() => callback(null, `Message queued as ${received.length}`), REPLY_DELAY_MS);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = smtp.server.address() as { port: number };
  smtpUrl = `smtp://127.0.0.1:${port}`;
}

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(): Worker {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    SMTP_URL: smtpUrl,
    LEASE_MS: String(LEASE_MS),
    BATCH: "5",
    IDLE_MS: "100",
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", workerScript], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.push(child);
  const output: string[] = [];
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** A bounded wait: `promise`, or a failure naming what did not happen within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string, worker?: Worker): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not within ${ms} ms\n${worker?.output.join("") ?? ""}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  databaseUrl = serverUrl ? await createThrowawayPostgres(serverUrl) : undefined;
  const database = await open();
  try {
    await database.migrate();
    await loadDemoData(database.db, clock);
    await ensureCorrespondenceDefaults(database.db, clock.now());
    const staff = await findStaffBySubject(database.db, "agent.mtl");
    const agent: StaffContext = { ...staff!, ip: "127.0.0.1" };
    const deps = { db: database.db, clock };
    const byEmail = demoShowcase.filter(
      (s) => s.routing === "applicant-email" || s.routing === "representative-email",
    );
    expect(byEmail.length).toBeGreaterThanOrEqual(5);
    for (const { number } of byEmail) {
      const file = await openFile(deps, agent, number);
      const recipient = file.routing.channel === "email" ? file.routing.address : "";
      for (let i = 1; i <= LETTERS_PER_FILE; i++) {
        const input = readComposeInput({
          recipient,
          letterType: "general",
          agentNote: `Letter ${i} of ${LETTERS_PER_FILE} on this file, sent through a dispatcher that dies.`,
        });
        letterIds.push(await createLetter(deps, agent, number, input, "send"));
      }
    }
  } finally {
    // PGlite belongs to one process at a time: the workers open it after this.
    await database.close();
  }
  await startSlowRelay();
});

afterAll(async () => {
  for (const child of spawned)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await dropDatabase?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("principle 4: the letter is its own outbox (C-10, C-12)", () => {
  it("a dispatcher killed mid-send loses no letter and never sends two different byte sequences for one letter", async () => {
    expect(letterIds.length).toBeGreaterThanOrEqual(40);
    const killed: number[] = [];
    for (const at of KILL_AT) {
      const worker = spawnWorker();
      await within(whenReceived(at), 30_000, `the relay receiving ${at} messages`, worker);
      // The relay has the message in full and holds its reply: the sender dies without an answer.
      worker.child.kill("SIGKILL");
      const { signal } = await within(worker.exited, 10_000, "the killed worker exiting", worker);
      expect(signal).toBe("SIGKILL");
      killed.push(received.length);
    }
    const last = spawnWorker();
    const { code } = await within(last.exited, 40_000, "the last worker emptying the outbox", last);
    expect(code, last.output.join("")).toBe(0);

    const database: Database = await open();
    try {
      const { db } = database;
      const blobs = fileBlobStore(path.join(dataDir, "blobs"));
      const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox);
      expect(left!.n).toBe(0);
      const [all] = await db.select({ n: sql<number>`count(*)::int` }).from(correspondence);
      expect(all!.n).toBe(letterIds.length);

      const copiesOf = new Map<string, Received[]>(letterIds.map((id) => [id, []]));
      for (const r of received) {
        const id = decodeVerp(r.envelopeFrom)?.correspondenceId;
        expect(id && copiesOf.has(id), `a message from ${r.envelopeFrom} that is no letter of ours`).toBe(
          true,
        );
        copiesOf.get(id!)!.push(r);
      }

      let duplicates = 0;
      for (const id of letterIds) {
        const events = await letterEvents(db, id);
        expect(stateOf(events), `letter ${id}`).toBe("sent");
        const sentEvents = events.filter((e) => e.kind === "sent");
        expect(sentEvents).toHaveLength(1);
        expect(events.filter((e) => e.kind === "sealed")).toHaveLength(1);

        const sealed = (await findSealed(db, id))!;
        expect(sealed, `letter ${id} has sealed bytes`).toBeDefined();
        const stored = (await blobs.get(sealed.sha256))!;
        expect(stored).toBeDefined();
        expect(sealed.messageId.startsWith(`<${id}@`)).toBe(true);
        expect(sentEvents[0]!.details).toMatchObject({ messageId: sealed.messageId });

        const copies = copiesOf.get(id)!;
        expect(copies.length, `letter ${id} reached the relay`).toBeGreaterThanOrEqual(1);
        for (const copy of copies) {
          expect(copy.sha256).toBe(sealed.sha256);
          expect(copy.bytes.equals(stored)).toBe(true);
          expect(copy.messageId).toBe(sealed.messageId);
          expect(copy.envelopeFrom).toBe(sealed.envelopeFrom);
          expect(copy.envelopeTo).toEqual([sealed.envelopeTo.replace(/@.*/, (d) => d.toLowerCase())]);
        }
        if (copies.length > 1) {
          duplicates += copies.length - 1;
          // The re-send is recorded: the letter was claimed again, and the sent event says so.
          expect(Number(sentEvents[0]!.details.attempts)).toBeGreaterThanOrEqual(2);
        }
      }
      const messageIds = new Set(received.map((r) => r.messageId));
      expect(messageIds.size).toBe(letterIds.length);
      expect(received.length).toBe(letterIds.length + duplicates);
      // Each kill caught one message received and not yet acknowledged: that one was sent again.
      expect(duplicates).toBeGreaterThanOrEqual(KILL_AT.length);

      console.info(
        `crash test (${database.engine}): ${letterIds.length} letters, ${received.length} messages received, ` +
          `${duplicates} duplicate(s) (same bytes and Message-ID), workers killed at ${killed.join(", ")} messages`,
      );
    } finally {
      await database.close();
    }
  }, 90_000);
});
