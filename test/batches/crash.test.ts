import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { eq, sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { createBatch } from "../../src/batches/service.ts";
import { countOutcomes, findBatch } from "../../src/batches/store.ts";
import { systemClock } from "../../src/clock.ts";
import { ensureCorrespondenceDefaults } from "../../src/correspondence/store.ts";
import { batchResults } from "../../src/db/schema/batches.ts";
import { loadDemoData } from "../../src/demo/load.ts";
import { createSyntheticFiles } from "../../src/demo/synthetic.ts";
import { openPostgresTestDatabase, type TestDatabase } from "../support/database.ts";
import { runCli } from "../support/run-cli.ts";

// C-19/C-20 with ARCHITECTURE principle 4, at scale: `liaison worker` is killed (SIGKILL) three times while
// it writes and sends a batch of 10,000 letters, and started again each time. Afterwards every letter is
// accounted for, the relay never received one letter twice with different bytes, and `liaison ledger
// verify` finds the ledger whole. Several processes share the database, so this runs on PostgreSQL: the
// server of DATABASE_URL, or the local one (127.0.0.1:5432) when it is not set.

const letters = 10_000;
const serverUrl = process.env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/test";
const bin = path.resolve("bin/liaison.js");
const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-batch-crash-"));

/** What the relay received, by Message-ID: the SHA-256 of each copy's bytes. */
const received = new Map<string, string[]>();
let copies = 0;
const relay = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      const bytes = Buffer.concat(chunks);
      const id = /^Message-ID: *(<[^>]+>)/im.exec(bytes.toString("latin1"))?.[1] ?? "(none)";
      received.set(id, [...(received.get(id) ?? []), createHash("sha256").update(bytes).digest("hex")]);
      copies++;
      callback(null, `Message queued as crash-${copies}`);
    });
  },
});

// A worker killed mid-conversation resets its connections: expected here, not a failure of the relay.
relay.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "ECONNRESET") throw e;
});

let database: TestDatabase & { url: string };
let relayUrl: string;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  database = await openPostgresTestDatabase(serverUrl);
  await database.migrate();
  await loadDemoData(database.db, systemClock, { applications: 0 });
  await ensureCorrespondenceDefaults(database.db, systemClock.now());
  await createSyntheticFiles(database.db, letters, { domains: 40 });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  relayUrl = `smtp://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  worker?.kill("SIGKILL");
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await database?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({
  DATABASE_URL: database.url,
  DATA_DIR: dataDir,
  SMTP_URL: relayUrl,
  // A killed worker's letters are taken again after three seconds rather than five minutes.
  DISPATCH_LEASE_SECONDS: "3",
  LOG_LEVEL: "warn",
});

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [bin, "worker"], {
    env: { ...process.env, ...env() },
    stdio: "ignore",
  });
  worker = child;
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

async function until(condition: () => Promise<boolean>, what: string, ms = 240_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const written = async () => {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(batchResults);
  return row?.n ?? 0;
};

describe("a batch through three crashes of the worker (C-19, C-20, principle 4)", () => {
  it("C-20: every letter accounted for, none received twice with different bytes, the ledger verifies", async () => {
    const staff = await findStaffBySubject(database.db, "agent.mtl");
    const id = await createBatch(
      { db: database.db, clock: systemClock },
      { ...staff!, ip: "127.0.0.1" },
      {
        office: "MTL",
        letterType: "general",
        agentNote: "Our office moves on 1 March; our mailbox stays the same.",
      },
    );
    const batch = (await findBatch(database.db, id))!;
    expect(batch.members).toBe(letters);

    // Killed while it writes the letters, then twice while it sends them; started again each time.
    let child = startWorker();
    await until(async () => (await written()) >= 1_500, "letters written");
    await kill(child);
    child = startWorker();
    await until(async () => copies >= 2_500, "letters sent");
    await kill(child);
    child = startWorker();
    await until(async () => copies >= 6_000, "more letters sent");
    await kill(child);
    child = startWorker();

    await until(async () => {
      const c = await countOutcomes(database.db, batch);
      return c.waiting === 0 && c.pending === 0;
    }, "every letter accounted for");
    await until(async () => {
      const queued = await database.db.execute(sql`select count(*)::int as n from ledger_queue`);
      return (queued as unknown as { rows: { n: number }[] }).rows[0]!.n === 0;
    }, "the ledger sequenced");
    await kill(child);
    worker = undefined;

    const counts = await countOutcomes(database.db, batch);
    expect(counts).toMatchObject({ waiting: 0, pending: 0, sent: letters, failed: 0 });
    // Each letter reached the relay at least once; a copy sent again after a crash has the same bytes.
    expect(received.size).toBe(letters);
    const differing = [...received.values()].filter((shas) => new Set(shas).size > 1);
    expect(differing).toEqual([]);
    // The bytes the relay got are the bytes sealed (and kept) before the hand-off (C-10).
    const sealed = await database.db.execute(sql`select message_id, sha256 from sealed_messages`);
    const rows = (sealed as unknown as { rows: { message_id: string; sha256: string }[] }).rows;
    expect(rows).toHaveLength(letters);
    expect(rows.filter((r) => received.get(r.message_id)?.[0] !== r.sha256)).toEqual([]);
    const results = await database.db.select().from(batchResults).where(eq(batchResults.batchId, id));
    expect(new Set(results.map((r) => r.seq)).size).toBe(letters);

    const verify = await runCli(["ledger", "verify"], env());
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  }, 420_000);
});
