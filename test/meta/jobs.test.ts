import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../src/auth/store.ts";
import { FixedClock } from "../../src/clock.ts";
import { readConfig } from "../../src/config.ts";
import { auditEvents, sessions } from "../../src/db/schema/audit.ts";
import { staff } from "../../src/db/schema/offices.ts";
import { loadOrCreateLedgerKey } from "../../src/evidence/ledger-key.ts";
import { allJobs } from "../../src/jobs/all.ts";
import type { Job } from "../../src/jobs/scheduler.ts";
import { createLogger } from "../../src/logger.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { portalServicesFor } from "../../src/portal/wiring.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let sink: DevSink;
let jobs: readonly Job[];
let outbound: ReturnType<typeof outboundServices>;
const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-jobs-"));
beforeAll(async () => {
  database = await openTestDatabase({ migrate: true });
  sink = await startDevSink({ dataDir, clock: new FixedClock("2026-03-01T12:00:00Z") });
  outbound = outboundServices({ ...readConfig({}), dataDir }, sink);
  jobs = allJobs({
    dispatch: outbound,
    ledger: {
      key: await loadOrCreateLedgerKey(dataDir),
      timestampAuthorityUrl: undefined,
      signEveryMs: 60_000,
      bounceWindowMs: 3_600_000,
    },
    notices: portalServicesFor(
      { ...readConfig({}), dataDir },
      database.db,
      new FixedClock("2026-03-01T12:00:00Z"),
    ).notices,
  });
});
afterAll(async () => {
  outbound?.close();
  await sink?.close();
  await database?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("jobs (meta)", () => {
  it("every job has a name, a period and a handler, and names are unique", () => {
    expect(jobs.length).toBeGreaterThan(0);
    expect(new Set(jobs.map((j) => j.name)).size).toBe(jobs.length);
    for (const j of jobs) {
      expect(j.everyMs, j.name).toBeGreaterThan(0);
      expect(typeof j.run, j.name).toBe("function");
    }
  });

  it("every job is idempotent: a second run right after the first does nothing more", async () => {
    const clock = new FixedClock("2026-03-01T12:00:00Z");
    const ctx = { db: database.db, clock, logger: createLogger("silent") };
    for (const j of jobs) {
      await j.run(ctx);
      expect(await j.run(ctx), j.name).toEqual({ done: 0 });
    }
  });

  it("purge-expired-sessions removes sessions at their expiry instant, not before, and audits it", async () => {
    const db = database.db;
    const id = "00000000-0000-4000-8000-000000000001";
    await db
      .insert(staff)
      .values({ id, subject: "s", name: "S", createdAt: new Date("2026-01-01T00:00:00Z") });
    const opened = new Date("2026-03-01T00:00:00Z");
    await openSession(db, id as never, opened, 12);
    const job = jobs.find((j) => j.name === "purge-expired-sessions")!;
    const logger = createLogger("silent");
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(sessions))[0]!.n;
    await job.run({ db, clock: new FixedClock("2026-03-01T11:59:59.999Z"), logger });
    expect(await count()).toBe(1);
    expect(await job.run({ db, clock: new FixedClock("2026-03-01T12:00:00Z"), logger })).toEqual({ done: 1 });
    expect(await count()).toBe(0);
    const audits = await db.select().from(auditEvents);
    expect(audits.some((a) => a.action === "sessions.purged" && a.actorKind === "job")).toBe(true);
  });
});
