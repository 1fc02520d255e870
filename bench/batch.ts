import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { eq, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { limitFor, listRateLimits, setRateLimit } from "../src/batches/rate-limits.ts";
import { createBatch, generatePendingBatches, openBatch } from "../src/batches/service.ts";
import { systemClock } from "../src/clock.ts";
import { readConfig } from "../src/config.ts";
import type { DispatchDeps } from "../src/correspondence/dispatcher.ts";
import { type Database, openDatabase } from "../src/db/client.ts";
import { keepPlannerStatistics } from "../src/db/maintenance.ts";
import { offices } from "../src/db/schema/offices.ts";
import { createSyntheticFiles } from "../src/demo/synthetic.ts";
import { sequenceLedger } from "../src/evidence/ledger.ts";
import { createLogger } from "../src/logger.ts";
import { outboundServices } from "../src/mail/outbound.ts";
import type { dispatchLoop, prepareBenchDatabase, startCpuProfile, startDispatchWorkers } from "./run.ts";

// `npm run bench -- batch --letters N`: a batch end to end (C-19, C-20), as `liaison worker` runs it.
//
// It creates N synthetic open files at Montréal in the database itself (INSERT … SELECT over
// generate_series: nothing of them passes through this process), each applicant with a consented email
// on one of 40 domains. Then, timed from the agent's "Create" to the relay's last 250:
//   - createBatch: the criteria, the template version, the members fixed in one statement;
//   - the generation job (generatePendingBatches): each file routed and checked by the composer of a
//     single letter, the letters, their "generated" events (on the ledger) and outbox rows, 500 a
//     transaction;
//   - `--loops` dispatch loops at once (dispatchDue, as the worker's job): claim, rate limits per office
//     and per domain (in the database), seal (DKIM, bytes stored before the hand-off), SMTP to a sink in
//     another process (bench/smtp-sink.ts), and every outcome recorded (events, ledger entries, notes,
//     audit);
//   - the ledger's sequencer, giving every entry its leaf, as the worker does, in the same process.
// The account of the batch is then read back and must say every letter was sent.
//
// Printed: {"letters","seconds","lettersPerSecond","bareSmtpPerSecond","p99CommitToAcceptMs","peakRssMb",
// "engine", …}. `bareSmtpPerSecond` is the ceiling: bare nodemailer (the same pool of 4 connections) sending
// messages of the letters' average sealed size to the same sink, measured in the same run after the batch.
// `p99CommitToAcceptMs` is from each letter's "generated" commit to its "sent" event: in a batch, mostly
// time spent waiting behind the letters before it. PostgreSQL when DATABASE_URL is set (a throwaway
// database), PGlite otherwise.

export const batchUsage =
  "Usage: npm run bench -- batch [--letters 10000] [--loops 4] [--batch 50] [--processes 0] [--office-per-minute N] [--cpu-prof FILE]";

interface Helpers {
  log(message: string): void;
  /** Worker processes running `loops` dispatch loops each on the database (bench/run.ts send-worker). */
  startDispatchWorkers: typeof startDispatchWorkers;
  /** One dispatch loop in this process, until nothing is left once generation is done. */
  dispatchLoop: typeof dispatchLoop;
  startCpuProfile: typeof startCpuProfile;
  prepareBenchDatabase: typeof prepareBenchDatabase;
  createThrowawayPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }>;
  startSink(): Promise<{ url: string; stop(): Promise<{ received: number; bytes: number }> }>;
}

export async function batchCommand(argv: string[], helpers: Helpers): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      letters: { type: "string", default: "10000" },
      loops: { type: "string", default: "4" },
      batch: { type: "string", default: "50" },
      processes: { type: "string", default: "0" },
      "office-per-minute": { type: "string" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.error(batchUsage);
    return 0;
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  return benchBatch(
    {
      letters: int("letters", values.letters, 1),
      loops: int("loops", values.loops, 1),
      batch: int("batch", values.batch, 1),
      processes: int("processes", values.processes, 0),
      officePerMinute:
        values["office-per-minute"] === undefined
          ? undefined
          : int("office-per-minute", values["office-per-minute"], 1),
      cpuProfile: values["cpu-prof"],
    },
    helpers,
  );
}

const domains = 40;

async function benchBatch(
  opts: {
    letters: number;
    loops: number;
    batch: number;
    processes: number;
    officePerMinute: number | undefined;
    cpuProfile: string | undefined;
  },
  {
    log,
    createThrowawayPostgres,
    startSink,
    startDispatchWorkers,
    dispatchLoop,
    startCpuProfile,
    prepareBenchDatabase,
  }: Helpers,
): Promise<number> {
  if (opts.processes > 0 && !process.env.DATABASE_URL?.trim())
    throw new Error("--processes needs DATABASE_URL: PGlite belongs to one process");
  const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-bench-batch-"));
  const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
  const throwaway = serverUrl ? await createThrowawayPostgres(serverUrl) : undefined;
  let database: Database | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  try {
    database = await openDatabase({ databaseUrl: throwaway?.url, dataDir });
    const { db } = database;
    const agent = await prepareBenchDatabase(database);
    if (opts.officePerMinute)
      await setRateLimit(
        db,
        { scope: "office", key: "MTL", perMinute: opts.officePerMinute },
        systemClock.now(),
      );
    const limits = await listRateLimits(db);

    let t = Date.now();
    await createSyntheticFiles(db, opts.letters, { domains });
    log(`${database.engine}: ${opts.letters} synthetic files in ${Date.now() - t} ms`);

    sink = await startSink();

    const outbound = outboundServices({ ...readConfig({}), dataDir, smtpUrl: sink.url }, undefined);
    const [mtl] = await db.select().from(offices).where(eq(offices.code, "MTL"));
    await outbound.dkimKeyFor(mtl!.genericMailbox.slice(mtl!.genericMailbox.lastIndexOf("@") + 1));
    const logger = createLogger("error", process.stderr);
    const deps: DispatchDeps = { ...outbound, db, clock: systemClock, logger };
    const services = { db, clock: systemClock };

    const stopProfile = await startCpuProfile(opts.cpuProfile);

    t = Date.now();
    const batchId = await createBatch(services, agent, {
      office: "MTL",
      status: "open",
      letterType: "general",
      agentNote: "Benchmark letter. Please keep this letter for your records.",
    });
    const createMs = Date.now() - t;
    let generated = false;
    let dispatched = false;
    const generation = (async () => {
      while ((await generatePendingBatches(services)) > 0);
      generated = true;
      log(`letters written in ${Date.now() - t} ms`);
    })();
    // With --processes, the dispatch loops run in worker processes of their own (scale-out: several
    // `liaison worker`s, one database); this process writes the letters and sequences the ledger.
    const workers =
      opts.processes > 0
        ? await startDispatchWorkers(opts.processes, {
            databaseUrl: throwaway!.url,
            dataDir,
            smtpUrl: sink.url,
            loops: opts.loops,
            batch: opts.batch,
          })
        : [];
    for (const w of workers) w.send("start");
    void generation.then(() => {
      for (const w of workers) w.send("generation-done");
    });
    let childPeakRssMb = 0;
    const loops =
      workers.length > 0
        ? workers.map((w) =>
            w.finished.then((r) => {
              childPeakRssMb = Math.max(childPeakRssMb, r.peakRssMb);
            }),
          )
        : Array.from({ length: opts.loops }, () => dispatchLoop(deps, opts.batch, () => generated));
    // The worker's maintenance job, at its period (db/maintenance.ts): autovacuum may be off, and PGlite has none.
    const maintenance = (async () => {
      while (!dispatched) {
        await keepPlannerStatistics(db);
        for (let waited = 0; waited < 60_000 && !dispatched; waited += 500) await sleep(500);
      }
    })();
    const sequencer = (async () => {
      for (;;) {
        const n = await sequenceLedger(db);
        if (n === 0 && dispatched) return;
        if (n === 0) await sleep(200);
      }
    })();
    await generation;
    await Promise.all(loops);
    const seconds = (Date.now() - t) / 1000;
    dispatched = true;
    await sequencer;
    await maintenance;
    const sequencedSeconds = (Date.now() - t) / 1000;

    await stopProfile?.();
    outbound.close();

    const { counts } = await openBatch(services, agent, batchId);
    if (counts.sent !== opts.letters) throw new Error(`the batch's account: ${JSON.stringify(counts)}`);
    // The ceiling, with messages of the letters' average sealed size, to the same sink.
    const [avg] = await db
      .execute(sql`select avg(size)::int as size from sealed_messages`)
      .then((r) => (r as unknown as { rows: { size: number }[] }).rows);
    const bareSmtpPerSecond = await measureBareSmtp(
      sink.url,
      Math.min(opts.letters, 10_000),
      avg?.size ?? 3_000,
    );
    log(`bare nodemailer to the sink: ${bareSmtpPerSecond.toFixed(1)} messages/s`);
    const relay = await sink.stop();
    sink = undefined;
    if (relay.received < opts.letters + Math.min(opts.letters, 10_000))
      throw new Error(`the relay received ${relay.received} messages for ${opts.letters} letters`);
    const p99 = await commitToAcceptPercentile(db, 0.99);
    const result = {
      letters: opts.letters,
      seconds: round(seconds, 3),
      lettersPerSecond: round(opts.letters / seconds, 1),
      bareSmtpPerSecond: round(bareSmtpPerSecond, 1),
      p99CommitToAcceptMs: round(p99, 1),
      peakRssMb: round(Math.max(process.resourceUsage().maxRSS / 1024, childPeakRssMb), 1),
      engine: database.engine,
      loops: opts.loops,
      batch: opts.batch,
      processes: opts.processes,
      officePerMinute: limitFor(limits, "office", "MTL"),
      domainPerMinute: limitFor(limits, "domain", "*"),
      domains,
      createSeconds: round(createMs / 1000, 3),
      ledgerSequencedSeconds: round(sequencedSeconds, 3),
      relayBytes: relay.bytes,
    };
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    await sink?.stop().catch(() => {});
    await database?.close().catch(() => {});
    await throwaway?.drop().catch((e: unknown) => log(`could not drop the throwaway database: ${String(e)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Bare nodemailer, the same pool as the dispatcher's, to the same sink: the ceiling of the hand-off. */
async function measureBareSmtp(url: string, messages: number, size: number): Promise<number> {
  const u = new URL(url);
  const transport = nodemailer.createTransport({
    host: u.hostname,
    port: Number(u.port),
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 4,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const body = "x".repeat(76);
  const raw = Buffer.from(
    `From: bench@ircc.example\r\nTo: someone@d0.example\r\nSubject: ceiling\r\n\r\n${`${body}\r\n`.repeat(Math.ceil(size / 78))}`,
  );
  const t = performance.now();
  await Promise.all(
    Array.from({ length: messages }, (_, i) =>
      transport.sendMail({
        envelope: { from: "bench@ircc.example", to: `r${i}@d${i % domains}.example` },
        raw,
      }),
    ),
  );
  const seconds = (performance.now() - t) / 1000;
  transport.close();
  return messages / seconds;
}

async function commitToAcceptPercentile(db: Database["db"], p: number): Promise<number> {
  const result = await db.execute(sql`
    select percentile_disc(${p}::float8) within group (order by extract(epoch from s.at - g.at) * 1000) as ms
    from correspondence_events g
    join correspondence_events s on s.correspondence_id = g.correspondence_id and s.kind = 'sent'
    where g.kind = 'generated'`);
  return Number((result as unknown as { rows: { ms: number }[] }).rows[0]?.ms ?? Number.NaN);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
