import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { OffsetClock, systemClock } from "../../src/clock.ts";
import { readConfig } from "../../src/config.ts";
import { type DispatchDeps, dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { openDatabase } from "../../src/db/client.ts";
import { outbox } from "../../src/db/schema/correspondence.ts";
import { createLogger } from "../../src/logger.ts";
import { outboundServices } from "../../src/mail/outbound.ts";

// A dispatcher in a process of its own, for tests that kill it (test/correspondence/crash.test.ts):
// opens the database (PGlite in DATA_DIR/pglite, or PostgreSQL at DATABASE_URL), sends what is due to
// the SMTP server at SMTP_URL with the blob store and DKIM keys of DATA_DIR, prints one JSON line per
// batch that claimed something, and exits 0 once the outbox is empty.
//
// Environment:
//   DATA_DIR          required: blobs, DKIM keys and (without DATABASE_URL) the PGlite database
//   DATABASE_URL      optional: PostgreSQL instead of PGlite
//   SMTP_URL          required: smtp://host:port
//   LEASE_MS          how long a claim holds a letter (default 300000, the dispatcher's)
//   BATCH             letters claimed per pass (default 50)
//   CLOCK_OFFSET_MS   this process's clock is real time plus this (default 0)
//   IDLE_MS           pause between passes when nothing is due but the outbox is not empty (default 100)

const env = process.env;
const dataDir = env.DATA_DIR;
const smtpUrl = env.SMTP_URL;
if (!dataDir || !smtpUrl) {
  console.error("dispatch-worker: DATA_DIR and SMTP_URL are required");
  process.exit(2);
}
const num = (name: string, fallback: number) => {
  const v = env[name]?.trim();
  const n = v ? Number(v) : fallback;
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a non-negative number`);
  return n;
};
const leaseMs = num("LEASE_MS", 300_000);
const batch = num("BATCH", 50);
const idleMs = num("IDLE_MS", 100);
const clock = new OffsetClock(systemClock, num("CLOCK_OFFSET_MS", 0));

const config = { ...readConfig({ DATA_DIR: dataDir }), smtpUrl };
const database = await openDatabase({ databaseUrl: env.DATABASE_URL?.trim() || undefined, dataDir });
const outbound = outboundServices(config, undefined);
const deps: DispatchDeps = {
  ...outbound,
  db: database.db,
  clock,
  logger: createLogger("error", process.stderr),
};

let sent = 0;
for (let pass = 1; ; pass++) {
  const { done, claimed } = await dispatchDue(deps, { batch, leaseMs });
  sent += done;
  if (claimed > 0) {
    console.log(JSON.stringify({ pid: process.pid, pass, claimed, done, total: sent }));
    continue;
  }
  const [left] = await database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
  if ((left?.n ?? 0) === 0) break;
  // Letters are claimed by someone else (or by a worker that died): wait until their lease ends.
  await sleep(idleMs);
}
outbound.close();
await database.close();
console.log(JSON.stringify({ pid: process.pid, finished: true, total: sent }));
process.exit(0);
