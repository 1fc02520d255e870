import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createBatch, generatePendingBatches, openBatch, stopBatch } from "../src/batches/service.ts";
import { systemClock } from "../src/clock.ts";
import { type Database, openDatabase } from "../src/db/client.ts";
import { createSyntheticFiles } from "../src/demo/synthetic.ts";
import type { prepareBenchDatabase } from "./run.ts";

// `npm run bench -- batch-stop --letters N`: stopping a batch whose N letters are all written and none
// sent yet (C-20), the worst case: every letter leaves the outbox and is cancelled (its event, its ledger
// entry, its audit event), in the stop's one transaction. Timed from the agent's "Stop" to its commit.
//
// Printed: {"letters","generateSeconds","stopSeconds","cancelled","engine"}. PostgreSQL when DATABASE_URL
// is set (a throwaway database), PGlite otherwise.

export const batchStopUsage = "Usage: npm run bench -- batch-stop [--letters 10000]";

interface Helpers {
  log(message: string): void;
  prepareBenchDatabase: typeof prepareBenchDatabase;
  createThrowawayPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }>;
}

export async function batchStopCommand(argv: string[], helpers: Helpers): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      letters: { type: "string", default: "10000" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.error(batchStopUsage);
    return 0;
  }
  const letters = Number(values.letters);
  if (!Number.isInteger(letters) || letters < 1) throw new RangeError("--letters must be a whole number ≥ 1");
  const { log, prepareBenchDatabase, createThrowawayPostgres } = helpers;
  const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-bench-batch-stop-"));
  const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
  const throwaway = serverUrl ? await createThrowawayPostgres(serverUrl) : undefined;
  let database: Database | undefined;
  try {
    database = await openDatabase({ databaseUrl: throwaway?.url, dataDir });
    const agent = await prepareBenchDatabase(database);
    const services = { db: database.db, clock: systemClock };
    await createSyntheticFiles(database.db, letters, { domains: 40 });
    const batchId = await createBatch(services, agent, {
      office: "MTL",
      status: "open",
      letterType: "general",
      agentNote: "Benchmark letter, to be stopped before it leaves.",
    });
    let t = Date.now();
    while ((await generatePendingBatches(services)) > 0);
    const generateSeconds = (Date.now() - t) / 1000;
    log(`${database.engine}: ${letters} letters written in ${generateSeconds} s`);
    t = Date.now();
    const stop = await stopBatch(services, agent, batchId, { confirm: "yes" });
    const stopSeconds = (Date.now() - t) / 1000;
    const { counts, finished } = await openBatch(services, agent, batchId);
    if (!finished || counts.pending !== 0 || stop.cancelled !== letters)
      throw new Error(`the stop left ${counts.pending} letters pending, cancelled ${stop.cancelled}`);
    console.log(
      JSON.stringify({
        letters,
        generateSeconds,
        stopSeconds,
        cancelled: stop.cancelled,
        engine: database.engine,
      }),
    );
    return 0;
  } finally {
    await database?.close();
    await throwaway?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
