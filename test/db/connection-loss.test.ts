import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { openPostgresTestDatabase } from "../support/database.ts";

// The PostgreSQL pool outlives the connections the server ends. Regression: the pool had no "error"
// listener, so an idle connection ended by the server (a restart, pg_terminate_backend, or the tests' own
// DROP DATABASE ... WITH (FORCE) right after close()) came back as an uncaught exception, which would stop
// the server and made CI fail with "terminating connection due to administrator command" (57P01).
// Always PostgreSQL: the server of DATABASE_URL, or the local one, like the batch crash test.

const serverUrl = process.env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/test";
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);
process.on("uncaughtException", onUncaught);
afterAll(() => {
  process.off("uncaughtException", onUncaught);
});

async function backendsOf(database: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [database],
    );
    return rows.map((r) => r.pid);
  } finally {
    await admin.end();
  }
}

async function terminate(pids: number[]): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (const pid of pids) await admin.query("select pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("the PostgreSQL pool when the server ends its connections", () => {
  it("an idle connection ended by the server is reported, not thrown, and the next query opens another", async () => {
    const throwaway = await openPostgresTestDatabase(serverUrl);
    const lost: Error[] = [];
    const database = await openDatabase({
      databaseUrl: throwaway.url,
      dataDir: "memory:",
      onConnectionLost: (err) => lost.push(err),
    });
    try {
      const name = new URL(throwaway.url).pathname.slice(1);
      await database.db.execute(sql`select 1`);
      await throwaway.close();
      const pids = await backendsOf(name);
      expect(pids).toHaveLength(1);
      await terminate(pids);
      await settle();
      expect(uncaught).toEqual([]);
      expect(lost.map((e) => (e as { code?: string }).code)).toEqual(["57P01"]);
      const result = await database.db.execute(sql`select 2 as two`);
      expect((result as unknown as { rows: { two: number }[] }).rows[0]?.two).toBe(2);
    } finally {
      await database.close();
      await throwaway.dispose();
    }
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("close() returns only when its connections are gone, so dropping the database at once ends none", async () => {
    for (let i = 0; i < 3; i++) {
      const database = await openPostgresTestDatabase(serverUrl);
      const name = new URL(database.url).pathname.slice(1);
      await Promise.all([1, 2, 3, 4].map((n) => database.db.execute(sql`select pg_sleep(0.01), ${n}::int`)));
      await database.close();
      expect(await backendsOf(name)).toEqual([]);
      await database.dispose();
    }
    await settle();
    expect(uncaught).toEqual([]);
  });
});
