import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { findStaffBySubject } from "../src/auth/store.ts";
import { systemClock } from "../src/clock.ts";
import { readConfig } from "../src/config.ts";
import { type DispatchDeps, dispatchDue } from "../src/correspondence/dispatcher.ts";
import { createLetter, readComposeInput } from "../src/correspondence/service.ts";
import { ensureCorrespondenceDefaults } from "../src/correspondence/store.ts";
import { type Database, type Executor, openDatabase } from "../src/db/client.ts";
import { correspondenceEvents } from "../src/db/schema/correspondence.ts";
import { ledgerEntries, ledgerLeaves } from "../src/db/schema/evidence.ts";
import { demoShowcase, loadDemoData } from "../src/demo/load.ts";
import { inclusionProof, type LedgerSigner, sequenceLedger, signTreeHead } from "../src/evidence/ledger.ts";
import { appendToLedger, type LedgerEvent, leafData, leafHashOf } from "../src/evidence/ledger-append.ts";
import { loadOrCreateLedgerKey } from "../src/evidence/ledger-key.ts";
import { inclusionPlan, verifyInclusion } from "../src/evidence/merkle.ts";
import { buildProofPackage, packageFolderName, zipPackage } from "../src/evidence/proof-package.ts";
import { verifyPackage } from "../src/evidence/verify-package.ts";
import { openFile, type StaffContext } from "../src/files/service.ts";
import { createLogger } from "../src/logger.ts";
import { startDevSink } from "../src/mail/dev-sink.ts";
import { outboundServices } from "../src/mail/outbound.ts";

// `npm run bench -- ledger [--leaves 10000] [--load append|sql] [--append-batch 5000] [--sequence-batch 5000]
//                          [--proofs 200] [--exports 3]`
//
// The ledger of B-2 at size: how fast the one sequencer gives leaves their place, what one inclusion
// proof costs when the tree is large (it reads O(log n) stored subtrees, so 10^6 leaves must cost about
// what 10^4 do), and what one proof package costs. Prints one JSON object on stdout, progress on stderr.
//
// 1. A throwaway database (PostgreSQL on DATABASE_URL, else PGlite in a temp dir), migrated, with the
//    demo offices, the showcase files and the shipped templates.
// 2. N synthetic ledger events, queued for the sequencer (`appendSeconds`, not the headline):
//    - `--load append` (default): the application's own path, appendToLedger (canonical JSON, leaf hash
//      in Node, one multi-row INSERT; the queue trigger of migration 0008), `--append-batch` events per
//      transaction;
//    - `--load sql`: one `INSERT … SELECT generate_series` per 100,000 events, with the canonical JSON
//      spelled in SQL and leaf_hash = sha256(0x00 || data) computed by the database (PostgreSQL and
//      PGlite both have sha256()); a sample of rows is then checked against leafData/leafHashOf, so the
//      bytes are exactly those appendToLedger would have written.
// 3. `leavesPerSecond`: sequenceLedger in a loop (the real sequencer, `--sequence-batch` per call) until
//    the queue is empty, divided into the number of leaves it placed.
// 4. A signed tree head (signTreeHead).
// 5. `inclusionProofMs` (median; `inclusionProofP99Ms`): `--proofs` random leaves, one
//    inclusionProof(db, i, treeSize) each against the database, every proof checked with verifyInclusion
//    against the head's root. `inclusionProofNodes`: the most stored nodes one proof read.
// 6. `exportMs` (median of `--exports`): one real letter (createLetter "send" on a showcase file, then
//    dispatchDue through the development SMTP sink), written after the synthetic load so its events sit
//    at the end of a tree of N+ leaves; buildProofPackage + zipPackage, after a tree head covering it.
// `peakRssMb`: this process's peak resident set (with PGlite the database lives in it too).

export interface LedgerBenchHelpers {
  log(message: string): void;
  createThrowawayPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }>;
}

export const ledgerUsage =
  "Usage: npm run bench -- ledger [--leaves 10000] [--load append|sql] [--append-batch 5000] [--sequence-batch 5000] [--proofs 200] [--exports 3]";

interface LedgerOptions {
  leaves: number;
  load: "append" | "sql";
  appendBatch: number;
  sequenceBatch: number;
  proofs: number;
  exports: number;
}

export async function ledgerCommand(argv: string[], helpers: LedgerBenchHelpers): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      leaves: { type: "string", default: "10000" },
      load: { type: "string", default: "append" },
      "append-batch": { type: "string", default: "5000" },
      "sequence-batch": { type: "string", default: "5000" },
      proofs: { type: "string", default: "200" },
      exports: { type: "string", default: "3" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.error(ledgerUsage);
    return 0;
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const load = values.load;
  if (load !== "append" && load !== "sql") throw new RangeError("--load is append or sql");
  return benchLedger(
    {
      leaves: int("leaves", values.leaves, 1),
      load,
      // appendToLedger binds 6 parameters a row; PostgreSQL takes 65,535 in one statement.
      appendBatch: Math.min(int("append-batch", values["append-batch"], 1), 10_000),
      sequenceBatch: int("sequence-batch", values["sequence-batch"], 1),
      proofs: int("proofs", values.proofs, 1),
      exports: int("exports", values.exports, 1),
    },
    helpers,
  );
}

async function benchLedger(opts: LedgerOptions, { log, createThrowawayPostgres }: LedgerBenchHelpers) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-bench-"));
  const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
  const throwaway = serverUrl ? await createThrowawayPostgres(serverUrl) : undefined;
  let database: Database | undefined;
  const closers: (() => Promise<unknown> | unknown)[] = [];
  try {
    database = await openDatabase({ databaseUrl: throwaway?.url, dataDir });
    const { db } = database;
    await database.migrate();
    // The showcase files only (one of them is written to in step 6); their addresses go on the ledger.
    await loadDemoData(db, systemClock, { applications: demoShowcase.length });
    await ensureCorrespondenceDefaults(db, systemClock.now());

    // 2. The synthetic events.
    let t = performance.now();
    if (opts.load === "append") await appendSynthetic(db, opts.leaves, opts.appendBatch, log);
    else await insertSynthetic(db, opts.leaves, log);
    const appendMs = performance.now() - t;
    log(`${database.engine}: ${opts.leaves} events queued (${opts.load}) in ${Math.round(appendMs)} ms`);
    await checkSample(db, opts.leaves);

    // 3. The sequencer.
    t = performance.now();
    let sequenced = 0;
    let lastLog = t;
    for (;;) {
      const n = await sequenceLedger(db, opts.sequenceBatch);
      if (n === 0) break;
      sequenced += n;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        const rate = sequenced / ((lastLog - t) / 1000);
        log(`sequenced ${sequenced} leaves (${Math.round(rate)}/s so far)`);
      }
    }
    const sequenceMs = performance.now() - t;
    log(
      `sequencer: ${sequenced} leaves in ${Math.round(sequenceMs)} ms ` +
        `(${((sequenceMs * 1000) / sequenced).toFixed(1)} µs a leaf, batches of ${opts.sequenceBatch})`,
    );

    // 4. A signed tree head over everything.
    const signer: LedgerSigner = {
      key: await loadOrCreateLedgerKey(dataDir),
      timestampAuthorityUrl: undefined,
      logger: createLogger("error", process.stderr),
    };
    t = performance.now();
    const signed = await signTreeHead(db, systemClock, signer);
    if (!signed) throw new Error("no tree head was signed");
    const head = signed.head;
    log(`tree head signed over ${head.treeSize} leaves in ${Math.round(performance.now() - t)} ms`);

    // 5. Inclusion proofs, one at a time, from the database.
    const proofs = await measureProofs(db, head.treeSize, head.rootHash, opts.proofs, log);

    // 6. One real letter, sent through the development sink, then its proof package.
    const exported = await measureExport(db, dataDir, signer, opts.exports, closers, log);

    const result = {
      leaves: opts.leaves,
      leavesPerSecond: round(sequenced / (sequenceMs / 1000), 1),
      inclusionProofMs: round(proofs.medianMs, 3),
      inclusionProofP99Ms: round(proofs.p99Ms, 3),
      inclusionProofNodes: proofs.maxNodes,
      exportMs: round(exported.medianMs, 1),
      appendSeconds: round(appendMs / 1000, 3),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
      engine: database.engine,
      load: opts.load,
      sequenceSeconds: round(sequenceMs / 1000, 3),
      sequenceBatch: opts.sequenceBatch,
      treeSize: head.treeSize,
      exportTreeSize: exported.treeSize,
      exportBytes: exported.bytes,
    };
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
    await database?.close().catch(() => {});
    await throwaway?.drop().catch((e: unknown) => log(`could not drop the throwaway database: ${String(e)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// The synthetic events: what an inbound report (B-6) puts on the ledger, one subject each, a millisecond
// apart. Their shape does not matter to the sequencer (it reads leaf hashes only) nor to a proof.
const syntheticBase = Date.UTC(2025, 0, 1);

function syntheticEvent(i: number): LedgerEvent {
  return {
    kind: "inbound-report",
    subject: { type: "inbound-report", id: `bench-${i}` },
    at: new Date(syntheticBase + i),
    actor: { kind: "system", name: "bench" },
    details: { bench: i },
  };
}

/** Through the application's own path: appendToLedger, `batch` events per transaction. */
async function appendSynthetic(db: Executor, count: number, batch: number, log: (m: string) => void) {
  let lastLog = performance.now();
  for (let start = 0; start < count; start += batch) {
    const events: LedgerEvent[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) events.push(syntheticEvent(i));
    await db.transaction((tx) => appendToLedger(tx, events));
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`appended ${start + events.length} events`);
    }
  }
}

const SQL_CHUNK = 100_000;

/**
 * In the database: the same canonical JSON as leafData(syntheticEvent(i)) (keys sorted: actor, at,
 * details, event, subject, type, v), and leaf_hash = SHA-256(0x00 || UTF-8 bytes) as leafHashOf computes
 * it. The queue trigger fills ledger_queue as for any insert.
 */
async function insertSynthetic(db: Executor, count: number, log: (m: string) => void) {
  const base = new Date(syntheticBase).toISOString();
  for (let start = 0; start < count; start += SQL_CHUNK) {
    const last = Math.min(count, start + SQL_CHUNK) - 1;
    await db.execute(sql`
      insert into ledger_entries (event_type, subject_type, subject_id, at, data, leaf_hash)
      select 'liaison.InboundReportReceived', 'inbound-report', 'bench-' || g, at, data,
             sha256(decode('00', 'hex') || convert_to(data, 'UTF8'))
      from (
        select g, at,
               '{"actor":"system:bench","at":"'
                 || to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                 || '","details":{"bench":' || g
                 || '},"event":"inbound-report","subject":{"id":"bench-' || g
                 || '","type":"inbound-report"},"type":"liaison.InboundReportReceived","v":1}' as data
        from (
          select g, ${base}::timestamptz + g * interval '1 millisecond' as at
          from generate_series(${start}::bigint, ${last}::bigint) as g
        ) s
      ) e
      order by g`);
    if (last + 1 < count || start > 0) log(`inserted ${last + 1} events`);
  }
}

/** Some synthetic rows, first, last and random, must hold exactly what appendToLedger would write. */
async function checkSample(db: Executor, count: number) {
  const ids = new Set([0, count - 1]);
  for (let k = 0; k < 50; k++) ids.add(randomInt(count));
  const rows = await db
    .select({
      subjectId: ledgerEntries.subjectId,
      data: ledgerEntries.data,
      leafHash: ledgerEntries.leafHash,
    })
    .from(ledgerEntries)
    .where(
      inArray(
        ledgerEntries.subjectId,
        [...ids].map((i) => `bench-${i}`),
      ),
    );
  if (rows.length !== ids.size) throw new Error(`${rows.length} of ${ids.size} sample events found`);
  for (const r of rows) {
    const expected = leafData(syntheticEvent(Number(r.subjectId.slice("bench-".length))));
    if (r.data !== expected)
      throw new Error(`event ${r.subjectId} is not canonical:\n${r.data}\n${expected}`);
    if (!leafHashOf(r.data).equals(r.leafHash)) throw new Error(`event ${r.subjectId}: wrong leaf hash`);
  }
}

async function measureProofs(
  db: Executor,
  treeSize: number,
  root: Buffer,
  count: number,
  log: (m: string) => void,
) {
  const indexes = Array.from({ length: count }, () => randomInt(treeSize));
  // The leaf hashes to verify against, read beforehand (a verifier has the event; it is not timed).
  const rows = await db
    .select({ leafIndex: ledgerLeaves.leafIndex, leafHash: ledgerEntries.leafHash })
    .from(ledgerLeaves)
    .innerJoin(ledgerEntries, eq(ledgerEntries.seq, ledgerLeaves.entrySeq))
    .where(inArray(ledgerLeaves.leafIndex, [...new Set(indexes)]));
  const leafHashes = new Map(rows.map((r) => [r.leafIndex, r.leafHash]));
  // Warm-up: a pooled connection and the statement's first planning are not what is measured.
  for (const i of indexes.slice(0, 3)) await inclusionProof(db, i, treeSize);
  const times: number[] = [];
  let maxNodes = 0;
  let maxLength = 0;
  for (const i of indexes) {
    const t = performance.now();
    const proof = await inclusionProof(db, i, treeSize);
    times.push(performance.now() - t);
    const leaf = leafHashes.get(i);
    if (!leaf || !verifyInclusion(leaf, i, treeSize, proof, root))
      throw new Error(`the inclusion proof of leaf ${i} in the tree of ${treeSize} does not verify`);
    const nodes = new Set(
      inclusionPlan(i, treeSize)
        .flat()
        .map((r) => `${r.level}:${r.index}`),
    );
    maxNodes = Math.max(maxNodes, nodes.size);
    maxLength = Math.max(maxLength, proof.length);
  }
  times.sort((a, b) => a - b);
  const result = { medianMs: percentile(times, 0.5), p99Ms: percentile(times, 0.99), maxNodes };
  log(
    `${count} inclusion proofs at ${treeSize} leaves, all verified: median ${result.medianMs.toFixed(3)} ms, ` +
      `p99 ${result.p99Ms.toFixed(3)} ms, max ${times.at(-1)!.toFixed(3)} ms; ` +
      `at most ${maxNodes} stored nodes read, ${maxLength} hashes a proof`,
  );
  return result;
}

async function measureExport(
  db: Executor,
  dataDir: string,
  signer: LedgerSigner,
  runs: number,
  closers: (() => Promise<unknown> | unknown)[],
  log: (m: string) => void,
) {
  const sink = await startDevSink({ dataDir, clock: systemClock });
  closers.push(() => sink.close());
  const outbound = outboundServices({ ...readConfig({}), dataDir }, sink);
  closers.push(() => outbound.close());
  const dispatch: DispatchDeps = {
    ...outbound,
    db,
    clock: systemClock,
    logger: createLogger("error", process.stderr),
  };
  const staff = await findStaffBySubject(db, "agent.mtl");
  if (!staff) throw new Error("the demo agent agent.mtl is missing");
  const agent: StaffContext = { ...staff, ip: "127.0.0.1" };
  const services = { db, clock: systemClock };
  const number = demoShowcase.find((s) => s.scenario === "applicant-form-email")!.number;
  const file = await openFile(services, agent, number);
  if (file.routing.channel !== "email") throw new Error(`showcase file ${number} is not routed by email`);
  const input = readComposeInput({
    recipient: file.routing.address,
    letterType: "general",
    agentNote: "Benchmark letter: its proof package is exported from a large ledger.",
  });
  const id = await createLetter(services, agent, number, input, "send");
  for (;;) {
    const { claimed } = await dispatchDue(dispatch);
    if (claimed === 0) break;
  }
  const kinds = await db
    .select({ kind: correspondenceEvents.kind })
    .from(correspondenceEvents)
    .where(eq(correspondenceEvents.correspondenceId, id))
    .orderBy(asc(correspondenceEvents.at));
  if (!kinds.some((k) => k.kind === "sent"))
    throw new Error(`the letter was not sent: ${kinds.map((k) => k.kind).join(", ")}`);

  // The letter's events get their place and a head covers them first: the runs measure the export.
  const signed = await signTreeHead(db, systemClock, signer);
  if (!signed) throw new Error("no tree head was signed");
  const deps = { db, clock: systemClock, blobs: outbound.blobs, signer };
  const folder = packageFolderName(id);
  const times: number[] = [];
  let files: Map<string, Buffer> | undefined;
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    files = await buildProofPackage(deps, id, { language: "en", actor: { kind: "system", name: "bench" } });
    bytes = zipPackage(files, folder).length;
    times.push(performance.now() - t);
  }
  const verdict = await verifyPackage(files!);
  if (!verdict.valid) {
    const failed = verdict.checks.filter((c) => !c.ok).map((c) => `${c.where}: ${c.message.en}`);
    throw new Error(`the exported package does not verify:\n${failed.join("\n")}`);
  }
  times.sort((a, b) => a - b);
  const medianMs = percentile(times, 0.5);
  log(
    `proof package of letter ${id} (${files!.size} files, ${bytes} bytes zipped, tree of ` +
      `${signed.head.treeSize}): ${times.map((x) => x.toFixed(1)).join(", ")} ms; it verifies`,
  );
  return { medianMs, treeSize: signed.head.treeSize, bytes };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
