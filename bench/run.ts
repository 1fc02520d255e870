import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { eq, inArray, sql } from "drizzle-orm";
import pg from "pg";
import { findStaffBySubject } from "../src/auth/store.ts";
import { setRateLimit } from "../src/batches/rate-limits.ts";
import { systemClock } from "../src/clock.ts";
import { readConfig } from "../src/config.ts";
import { type DispatchDeps, dispatchDue } from "../src/correspondence/dispatcher.ts";
import { createLetter, readComposeInput } from "../src/correspondence/service.ts";
import { ensureCorrespondenceDefaults } from "../src/correspondence/store.ts";
import { type Database, openDatabase } from "../src/db/client.ts";
import { correspondenceEvents, outbox } from "../src/db/schema/correspondence.ts";
import { applications, contactPoints, parties } from "../src/db/schema/files.ts";
import { offices } from "../src/db/schema/offices.ts";
import { loadDemoData } from "../src/demo/load.ts";
import type { StaffContext } from "../src/files/service.ts";
import { createLogger } from "../src/logger.ts";
import { outboundServices } from "../src/mail/outbound.ts";
import { batchCommand, batchUsage } from "./batch.ts";
import { batchStopCommand, batchStopUsage } from "./batch-stop.ts";
import { ledgerCommand, ledgerUsage } from "./ledger.ts";

// Benchmarks that print one JSON object on stdout (progress goes to stderr).
//
//   npm run bench -- send [--letters 1000] [--loops 4] [--processes 0] [--batch 50] [--generators N]
//                         [--mode backlog|live [--rate R]] [--cpu-prof FILE] [--trace]
//   npm run bench -- ledger [--leaves 10000] [--load append|sql] [--sequence-batch 5000] ...  (bench/ledger.ts)
//   npm run bench -- batch [--letters 10000] [--loops 4] ...  (bench/batch.ts)
//
// `send`: the dispatcher of principle 4, end to end. It creates N synthetic files at the Montréal office
// (direct inserts, in batches: an applicant with an email address on example.com given on the application
// form), writes one letter per file through the service (`createLetter(..., "send")`, the path an agent's
// "Send" takes: template, C-5..C-9 checks, letter + "generated" event + outbox row in one transaction),
// then runs `--loops` concurrent dispatch loops (each calling dispatchDue, as `liaison worker` does) against
// an SMTP sink in another process (bench/smtp-sink.ts) until the outbox is empty.
//
// - `seconds` and `lettersPerSecond`: the dispatch alone, from the first claim to the last letter sent.
// - commit-to-accept: per letter, from its "generated" event (the commit that scheduled it) to its "sent"
//   event (the relay's 250). In the default `backlog` mode every letter is committed before the dispatch
//   starts, so this is mostly time spent waiting in the backlog; `--mode live` writes the letters while
//   the dispatchers run (and then `seconds` runs from the first letter written to the last one sent);
//   with `--rate R` they are written at R letters per second at most, so below the dispatch capacity this
//   is the latency of one letter through an idle pipeline (the loops poll every 10 ms when idle, where
//   `liaison worker` runs its job every 2 s).
// - `peakRssMb`: this process's peak resident set (with PGlite, the database lives in it too); with
//   `--processes P` (PostgreSQL only) the loops run in P child processes, `--loops` each, and it is the
//   largest of all. Extra keys say how it ran (mode, loops, processes, batch, generateSeconds).
// - `engine`: PGlite in a temporary data directory by default; PostgreSQL when DATABASE_URL is set (on a
//   throwaway database created on that server and dropped at the end).
//
// `--cpu-prof FILE` writes a V8 CPU profile of the dispatch phase only (open it in Chrome DevTools, or
// sum self time per function). `--trace` times every statement the dispatch sends to the database, every
// SMTP hand-off and every blob write, and prints the totals on stderr.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(argv: string[]): Promise<number> {
  // `ledger` has options of its own (bench/ledger.ts), so it is dispatched before `send`'s are parsed.
  if (argv[0] === "ledger") return ledgerCommand(argv.slice(1), { log, createThrowawayPostgres });
  if (argv[0] === "batch-stop")
    return batchStopCommand(argv.slice(1), { log, prepareBenchDatabase, createThrowawayPostgres });
  if (argv[0] === "batch")
    return batchCommand(argv.slice(1), {
      log,
      createThrowawayPostgres,
      startSink,
      startDispatchWorkers,
      dispatchLoop,
      startCpuProfile,
      prepareBenchDatabase,
    });
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      letters: { type: "string", default: "1000" },
      loops: { type: "string", default: "4" },
      processes: { type: "string", default: "0" },
      batch: { type: "string", default: "50" },
      generators: { type: "string" },
      mode: { type: "string", default: "backlog" },
      rate: { type: "string" },
      "cpu-prof": { type: "string" },
      trace: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (command === "send-worker") return sendWorker();
  if (values.help || command !== "send") {
    console.error(
      "Usage: npm run bench -- send [--letters 1000] [--loops 4] [--processes 0] [--batch 50] [--generators N] [--mode backlog|live [--rate R]] [--cpu-prof FILE] [--trace]",
    );
    console.error(`       ${ledgerUsage.slice("Usage: ".length)}`);
    console.error(`       ${batchUsage.slice("Usage: ".length)}`);
    console.error(`       ${batchStopUsage.slice("Usage: ".length)}`);
    return values.help ? 0 : 2;
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const mode = values.mode;
  if (mode !== "backlog" && mode !== "live") throw new RangeError("--mode is backlog or live");
  if (values.rate !== undefined && mode !== "live") throw new RangeError("--rate goes with --mode live");
  return benchSend({
    letters: int("letters", values.letters, 1),
    loops: int("loops", values.loops, 1),
    processes: int("processes", values.processes, 0),
    batch: int("batch", values.batch, 1),
    generators: values.generators === undefined ? undefined : int("generators", values.generators, 1),
    mode,
    rate: values.rate === undefined ? undefined : int("rate", values.rate, 1),
    cpuProfile: values["cpu-prof"],
    trace: values.trace,
  });
}

interface SendOptions {
  letters: number;
  loops: number;
  /** 0: the loops run in this process; P > 0: P child processes run `loops` loops each (PostgreSQL only). */
  processes: number;
  batch: number;
  generators: number | undefined;
  mode: "backlog" | "live";
  /** live mode: letters written per second at most (default: as fast as the service goes). */
  rate: number | undefined;
  cpuProfile: string | undefined;
  trace: boolean;
}

async function benchSend(opts: SendOptions): Promise<number> {
  if (opts.processes > 0 && !process.env.DATABASE_URL?.trim())
    throw new Error("--processes needs DATABASE_URL: PGlite belongs to one process");
  if (opts.processes > 0 && (opts.trace || opts.cpuProfile))
    throw new Error("--trace and --cpu-prof measure this process: use them without --processes");
  const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-bench-"));
  const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
  const throwaway = serverUrl ? await createThrowawayPostgres(serverUrl) : undefined;
  let database: Database | undefined;
  let sink: Sink | undefined;
  try {
    database = await openDatabase({ databaseUrl: throwaway?.url, dataDir });
    const { db } = database;
    const agent = await prepareBenchDatabase(database);

    // This measures the dispatcher, not the C-20 limits (all its letters go to one domain): lifted.
    for (const scope of ["office", "domain"] as const)
      await setRateLimit(db, { scope, key: "*", perMinute: 100_000_000 }, systemClock.now());

    let started = Date.now();
    const files = await createSyntheticFiles(db, opts.letters);
    log(`${database.engine}: ${files.length} synthetic files in ${Date.now() - started} ms`);

    sink = await startSink();
    const outbound = outboundServices({ ...readConfig({}), dataDir, smtpUrl: sink.url }, undefined);
    const [mtl] = await db.select().from(offices).where(eq(offices.code, "MTL"));
    // The key is created once per domain on first use; made here so the first batch does not pay for it.
    await outbound.dkimKeyFor(mtl!.genericMailbox.slice(mtl!.genericMailbox.lastIndexOf("@") + 1));
    const deps: DispatchDeps = {
      ...outbound,
      db,
      clock: systemClock,
      logger: createLogger("error", process.stderr),
    };

    // One letter per file, through the service; PGlite runs one statement at a time, so one writer.
    const generators = opts.generators ?? (database.engine === "postgres" ? 4 : 1);
    let generated = 0;
    const generate = async () => {
      const t = Date.now();
      await inParallel(files, generators, async (f, i) => {
        if (opts.rate) await sleep(Math.max(0, t + (i * 1000) / opts.rate - Date.now()));
        const input = readComposeInput({
          recipient: f.email,
          letterType: "general",
          agentNote: `Benchmark letter for file ${f.number}. Please keep this letter for your records.`,
        });
        await createLetter({ db, clock: systemClock }, agent, f.number, input, "send");
        generated++;
      });
      log(`${generated} letters written through createLetter in ${Date.now() - t} ms`);
      return Date.now() - t;
    };

    let generateMs: number | undefined;
    if (opts.mode === "backlog") generateMs = await generate();

    // With --processes, the loops run in child processes of their own (scale-out: M workers, one database).
    let childPeakRssMb = 0;
    const workers =
      opts.processes > 0
        ? await startDispatchWorkers(opts.processes, {
            databaseUrl: throwaway!.url,
            dataDir,
            smtpUrl: sink.url,
            loops: opts.loops,
            batch: opts.batch,
          })
        : undefined;
    const tracer = opts.trace ? await traceDispatch(deps) : undefined;
    const stopProfile = await startCpuProfile(opts.cpuProfile);

    started = Date.now();
    let generation: Promise<number> | undefined;
    if (opts.mode === "live") generation = generate().then((ms) => (generateMs = ms));
    let generationDone = opts.mode === "backlog";
    generation?.then(
      () => {
        generationDone = true;
      },
      () => {
        generationDone = true;
      },
    );
    let failed = 0;
    if (workers) {
      for (const w of workers) w.send("start");
      const finalOutbox = () => {
        for (const w of workers) w.send("generation-done");
      };
      if (generation) generation.then(finalOutbox, finalOutbox);
      else finalOutbox();
      const results = await Promise.all([...workers.map((w) => w.finished), generation]);
      for (const r of results.slice(0, workers.length) as WorkerResult[]) {
        failed += r.failed;
        childPeakRssMb = Math.max(childPeakRssMb, r.peakRssMb);
      }
    } else {
      const loops = Array.from({ length: opts.loops }, () =>
        dispatchLoop(deps, opts.batch, () => generationDone),
      );
      failed = (await Promise.all(loops)).reduce((a, b) => a + b, 0);
      await generation;
    }
    const dispatchMs = Date.now() - started;

    await stopProfile?.();
    tracer?.report(dispatchMs);
    tracer?.stop();
    outbound.close();

    const latencies = await commitToAccept(db);
    const relay = await sink.stop();
    sink = undefined;
    if (latencies.length !== opts.letters)
      throw new Error(`${latencies.length} of ${opts.letters} letters were sent (${failed} failed passes)`);
    if (relay.received < opts.letters)
      throw new Error(`the relay received ${relay.received} messages for ${opts.letters} letters`);
    log(`dispatch: ${dispatchMs} ms; the relay received ${relay.received} messages, ${relay.bytes} bytes`);

    const seconds = dispatchMs / 1000;
    const result = {
      letters: opts.letters,
      seconds: round(seconds, 3),
      lettersPerSecond: round(opts.letters / seconds, 1),
      p50CommitToAcceptMs: round(percentile(latencies, 0.5), 1),
      p99CommitToAcceptMs: round(percentile(latencies, 0.99), 1),
      peakRssMb: round(Math.max(process.resourceUsage().maxRSS / 1024, childPeakRssMb), 1),
      engine: database.engine,
      mode: opts.mode,
      loops: opts.loops,
      processes: opts.processes,
      batch: opts.batch,
      generateSeconds: generateMs === undefined ? null : round(generateMs / 1000, 3),
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

/**
 * `--cpu-prof FILE`: a V8 CPU profile of what runs until the returned function is called (open it in
 * Chrome DevTools, or sum self time per function). Nothing when no file is asked for.
 */
export async function startCpuProfile(file: string | undefined): Promise<(() => Promise<void>) | undefined> {
  if (!file) return undefined;
  const profiler = new Session();
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 500 });
  await profiler.post("Profiler.start");
  return async () => {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
    log(`CPU profile written to ${file}`);
  };
}

/**
 * Migrates a fresh database and gives it what `liaison start` would (offices, staff, templates, periods),
 * no files; answers the Montréal agent the benchmarks act as.
 */
export async function prepareBenchDatabase(database: Database): Promise<StaffContext> {
  await database.migrate();
  await loadDemoData(database.db, systemClock, { applications: 0 });
  await ensureCorrespondenceDefaults(database.db, systemClock.now());
  const staff = await findStaffBySubject(database.db, "agent.mtl");
  if (!staff) throw new Error("the demo agent agent.mtl is missing");
  return { ...staff, ip: "127.0.0.1" };
}

/** One dispatch loop, as `liaison worker` runs it: passes until nothing is left; returns failed letters. */
export async function dispatchLoop(deps: DispatchDeps, batch: number, generationDone: () => boolean) {
  let failed = 0;
  for (;;) {
    const { done, claimed } = await dispatchDue(deps, { batch });
    failed += claimed - done;
    if (claimed > 0) continue;
    if (generationDone()) {
      const [left] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
      if ((left?.n ?? 0) === 0) return failed;
    }
    await sleep(10);
  }
}

interface WorkerResult {
  failed: number;
  peakRssMb: number;
}

/**
 * `send-worker` (internal, for --processes): opens the database at BENCH_DATABASE_URL with the blobs and
 * keys of BENCH_DATA_DIR, says {"ready"}, runs BENCH_LOOPS loops once told "start" on stdin, treats the
 * outbox as final once told "generation-done", and prints {"failed","peakRssMb"} when it is empty.
 */
async function sendWorker(): Promise<number> {
  const env = process.env;
  const database = await openDatabase({ databaseUrl: env.BENCH_DATABASE_URL, dataDir: env.BENCH_DATA_DIR! });
  const outbound = outboundServices(
    { ...readConfig({}), dataDir: env.BENCH_DATA_DIR!, smtpUrl: env.BENCH_SMTP_URL },
    undefined,
  );
  const deps: DispatchDeps = {
    ...outbound,
    db: database.db,
    clock: systemClock,
    logger: createLogger("error", process.stderr),
  };
  await database.db.select({ n: sql<number>`1` }).from(outbox).limit(1);
  const [mtl] = await database.db.select().from(offices).where(eq(offices.code, "MTL"));
  await outbound.dkimKeyFor(mtl!.genericMailbox.slice(mtl!.genericMailbox.lastIndexOf("@") + 1));
  let started: () => void = () => {};
  const start = new Promise<void>((resolve) => {
    started = resolve;
  });
  let generationDone = false;
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "start") started();
    if (line === "generation-done") generationDone = true;
  });
  console.log(JSON.stringify({ ready: true }));
  await start;
  const loops = Array.from({ length: Number(env.BENCH_LOOPS ?? 1) }, () =>
    dispatchLoop(deps, Number(env.BENCH_BATCH ?? 50), () => generationDone),
  );
  const failed = (await Promise.all(loops)).reduce((a, b) => a + b, 0);
  outbound.close();
  await database.close();
  console.log(JSON.stringify({ failed, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  return 0;
}

/** `count` dispatch worker processes (scale-out: several `liaison worker`s, one database). */
export function startDispatchWorkers(count: number, opts: Parameters<typeof startDispatchWorker>[0]) {
  return Promise.all(Array.from({ length: count }, () => startDispatchWorker(opts)));
}

async function startDispatchWorker(opts: {
  databaseUrl: string;
  dataDir: string;
  smtpUrl: string;
  loops: number;
  batch: number;
}): Promise<{ send(line: string): void; finished: Promise<WorkerResult> }> {
  const child = spawn(
    process.execPath,
    ["--max-semi-space-size=64", "--import", "tsx", fileURLToPath(import.meta.url), "send-worker"],
    {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
      env: {
        ...process.env,
        BENCH_DATABASE_URL: opts.databaseUrl,
        BENCH_DATA_DIR: opts.dataDir,
        BENCH_SMTP_URL: opts.smtpUrl,
        BENCH_LOOPS: String(opts.loops),
        BENCH_BATCH: String(opts.batch),
      },
    },
  );
  const lines = childLines(child);
  const ready = JSON.parse(await lines.next()) as { ready?: boolean };
  if (!ready.ready) throw new Error("a dispatch worker did not start");
  const died = new Promise<never>((_, reject) =>
    child.once("close", (code) =>
      setImmediate(() => reject(new Error(`a dispatch worker exited (${code}) before it finished`))),
    ),
  );
  const finished = Promise.race([lines.next(600_000), died]).then((line) => JSON.parse(line) as WorkerResult);
  died.catch(() => {});
  return { send: (line) => child.stdin!.write(`${line}\n`), finished };
}

/** The lines a child prints on stdout, one at a time, each awaited with a bound. */
function childLines(child: ChildProcess) {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  return {
    next: (ms = 30_000) =>
      new Promise<string>((resolve, reject) => {
        const q = queue.shift();
        if (q !== undefined) return resolve(q);
        const timer = setTimeout(
          () => reject(new Error(`a child process did not answer within ${ms} ms`)),
          ms,
        );
        waiting.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      }),
  };
}

interface SyntheticFile {
  number: string;
  email: string;
}

/** N open files at Montréal, each with one applicant whose email came on the application form (C-2). */
async function createSyntheticFiles(db: Database["db"], count: number): Promise<SyntheticFile[]> {
  const languages = ["fr", "en", "bilingual"] as const;
  const receivedAt = new Date(Date.now() - 30 * 86_400_000);
  const files: SyntheticFile[] = [];
  const chunk = 500;
  await db.transaction(async (tx) => {
    for (let start = 0; start < count; start += chunk) {
      const apps: (typeof applications.$inferInsert)[] = [];
      const people: (typeof parties.$inferInsert)[] = [];
      const points: (typeof contactPoints.$inferInsert)[] = [];
      for (let i = start; i < Math.min(count, start + chunk); i++) {
        const applicationId = randomUUID();
        const partyId = randomUUID();
        // Nine digits starting with 1: the demo's showcase numbers start with 0 and generated ones are random.
        const number = `E${String(100_000_000 + i)}`;
        const email = `bench.applicant.${i}@example.com`;
        apps.push({
          id: applicationId,
          number,
          lineOfBusiness: "immigration",
          officeCode: "MTL",
          status: "open",
          finalDecisionOn: null,
          receivedAt,
        });
        people.push({
          id: partyId,
          applicationId,
          role: "applicant",
          name: `Bench Applicant ${i}`,
          preferredLanguage: languages[i % languages.length]!,
          createdAt: receivedAt,
        });
        points.push({
          partyId,
          kind: "postal",
          value: `${i} rue de l'Essai\nMontréal QC  H2X 1Y4\nCanada`,
          source: "application-form",
          providedAt: receivedAt,
          recordedAt: receivedAt,
          recordedBy: null,
        });
        points.push({
          partyId,
          kind: "email",
          value: email,
          source: "application-form",
          providedAt: receivedAt,
          recordedAt: receivedAt,
          recordedBy: null,
        });
        files.push({ number, email });
      }
      await tx.insert(applications).values(apps);
      await tx.insert(parties).values(people);
      await tx.insert(contactPoints).values(points);
    }
  });
  return files;
}

/** Per letter sent: milliseconds from its "generated" event to its "sent" event. */
async function commitToAccept(db: Database["db"]): Promise<number[]> {
  const rows = await db
    .select({
      id: correspondenceEvents.correspondenceId,
      kind: correspondenceEvents.kind,
      at: correspondenceEvents.at,
    })
    .from(correspondenceEvents)
    .where(inArray(correspondenceEvents.kind, ["generated", "sent"]));
  const generated = new Map<string, number>();
  const sent = new Map<string, number>();
  for (const r of rows) (r.kind === "generated" ? generated : sent).set(r.id, r.at.getTime());
  const out: number[] = [];
  for (const [id, at] of sent) {
    const from = generated.get(id);
    if (from !== undefined) out.push(at - from);
  }
  return out.sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function inParallel<T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

interface Sink {
  url: string;
  stop(): Promise<{ received: number; bytes: number }>;
}

/** bench/smtp-sink.ts in a child process: the relay's CPU is not the dispatcher's. */
async function startSink(): Promise<Sink> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "bench/smtp-sink.ts")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = childLines(child);
  const { port } = JSON.parse(await lines.next()) as { port: number };
  let stopped: Promise<{ received: number; bytes: number }> | undefined;
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop() {
      stopped ??= (async () => {
        child.kill("SIGTERM");
        return JSON.parse(await lines.next()) as { received: number; bytes: number };
      })();
      return stopped;
    },
  };
}

async function createThrowawayPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `liaison_bench_${randomBytes(8).toString("hex")}`;
  const admin = async (work: (c: pg.Client) => Promise<unknown>) => {
    let client = new pg.Client({ connectionString: serverUrl });
    try {
      await client.connect();
    } catch (err) {
      if ((err as { code?: string }).code !== "3D000") throw err;
      const u = new URL(serverUrl);
      u.pathname = "/postgres";
      client = new pg.Client({ connectionString: u.toString() });
      await client.connect();
    }
    try {
      await work(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin((c) => c.query(`create database "${name}"`));
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)),
  };
}

/**
 * For `--trace`: times every statement sent to the database (PostgreSQL: pg.Pool#query and
 * pg.Client#query; PGlite: PGlite#query and #exec), grouped by its text, and the dispatcher's SMTP
 * hand-offs and blob writes. Times are wall times, so they include waiting for the event loop.
 */
async function traceDispatch(deps: DispatchDeps) {
  const stats = new Map<string, { n: number; ms: number }>();
  const record = (text: string, ms: number) => {
    const key = text.replace(/\s+/g, " ").slice(0, 160);
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += ms;
    stats.set(key, s);
  };
  const { PGlite } = await import("@electric-sql/pglite");
  const restore: (() => void)[] = [];
  const wrap = (proto: object, method: string, textOf: (args: unknown[]) => unknown) => {
    const target = proto as Record<string, (...args: unknown[]) => unknown>;
    const original = target[method]!;
    target[method] = function (this: unknown, ...args: unknown[]) {
      const t = performance.now();
      const result = original.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === "function") {
        const text = textOf(args);
        (result as Promise<unknown>).then(
          () => record(String(text), performance.now() - t),
          () => record(String(text), performance.now() - t),
        );
      }
      return result;
    };
    restore.push(() => {
      target[method] = original;
    });
  };
  const textOf = (args: unknown[]) =>
    typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "?");
  // A pool's query hands a callback to its client's, so it is timed here and not twice.
  wrap(pg.Pool.prototype, "query", textOf);
  wrap(pg.Client.prototype, "query", textOf);
  wrap(PGlite.prototype, "query", textOf);
  wrap(PGlite.prototype, "exec", textOf);
  wrap(deps.transport, "send", () => "[smtp] transport.send (MAIL FROM, RCPT TO, DATA, 250)");
  wrap(deps.blobs, "put", () => "[blob] put (write, fsync, rename)");
  return {
    report(wallMs: number) {
      const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
      const total = rows.reduce((s, [, v]) => s + v.ms, 0);
      const count = rows.reduce((s, [, v]) => s + v.n, 0);
      log(`statements: ${count}, summed time ${Math.round(total)} ms over ${wallMs} ms of wall time`);
      for (const [text, v] of rows.slice(0, 30)) {
        log(
          `${String(v.n).padStart(7)} × ${(v.ms / v.n).toFixed(2).padStart(7)} ms = ${Math.round(v.ms).toString().padStart(7)} ms  ${text}`,
        );
      }
    },
    stop: () => {
      for (const r of restore) r();
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
