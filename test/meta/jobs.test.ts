import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../src/auth/store.ts";
import { FixedClock } from "../../src/clock.ts";
import { auditEvents, sessions } from "../../src/db/schema/audit.ts";
import { staff } from "../../src/db/schema/offices.ts";
import { allJobs } from "../../src/jobs/all.ts";
import { createLogger } from "../../src/logger.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase({ migrate: true });
});
afterAll(async () => {
  await database?.dispose();
});

describe("jobs (meta)", () => {
  it("every job has a name, a period and a handler, and names are unique", () => {
    expect(allJobs.length).toBeGreaterThan(0);
    expect(new Set(allJobs.map((j) => j.name)).size).toBe(allJobs.length);
    for (const j of allJobs) {
      expect(j.everyMs, j.name).toBeGreaterThan(0);
      expect(typeof j.run, j.name).toBe("function");
    }
  });

  it("every job is idempotent: a second run right after the first does nothing more", async () => {
    const clock = new FixedClock("2026-03-01T12:00:00Z");
    const ctx = { db: database.db, clock, logger: createLogger("silent") };
    for (const j of allJobs) {
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
    const job = allJobs.find((j) => j.name === "purge-expired-sessions")!;
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
