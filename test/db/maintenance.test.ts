import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { keepPlannerStatistics } from "../../src/db/maintenance.ts";
import { openPostgresTestDatabase, openTestDatabase, type TestDatabase } from "../support/database.ts";

// The worker keeps the planner's statistics itself (db/maintenance.ts): with autovacuum off, or on PGlite
// which has none, a table of events that grew from nothing had no statistics, and every dispatcher pass
// scanned all of it (regression found by npm run bench -- batch at 100,000 letters).

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase({ migrate: true });
});
afterAll(async () => database?.dispose());

describe("keeping the planner's statistics", () => {
  it("analyzes the growing tables once, and does nothing more when run again at once", async () => {
    const first = await keepPlannerStatistics(database.db);
    expect(first).toContain("analyze correspondence_events");
    expect(first).toContain("vacuum outbox");
    expect(await keepPlannerStatistics(database.db)).toEqual([]);
    // The statistics are there: the planner knows how many rows each table has.
    const result = await database.db.execute(
      sql`select reltuples from pg_class where relname = 'correspondence_events'`,
    );
    const [row] = (result as unknown as { rows: { reltuples: number }[] }).rows;
    // -1 means "never analyzed" (PostgreSQL 14 and later); an analyzed empty table says 0.
    expect(Number(row?.reltuples)).toBe(0);
  });

  it("on PostgreSQL whose counters have caught up with the migrations, a table never analyzed is still analyzed once", async () => {
    // Regression: with the counters showing the migrations' few rows, "fewer than 1,000 changes" skipped
    // every fresh table, so whether it was analyzed depended on when the server's counters were flushed.
    // A backend flushes its counters as it exits: closing the pool after migrating makes them current.
    const serverUrl = process.env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/test";
    const throwaway = await openPostgresTestDatabase(serverUrl);
    try {
      await throwaway.migrate();
      await throwaway.close();
      const reopened = await openDatabase({ databaseUrl: throwaway.url, dataDir: "memory:" });
      try {
        const first = await keepPlannerStatistics(reopened.db);
        expect(first).toContain("analyze correspondence_events");
        expect(first).toContain("vacuum outbox");
      } finally {
        await reopened.close();
      }
    } finally {
      await throwaway.dispose();
    }
  });
});
