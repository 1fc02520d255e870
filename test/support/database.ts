import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/client.ts";

// Integration tests run against a real database of their own: PGlite in memory by default, or, when
// DATABASE_URL is set (CI), a fresh throwaway PostgreSQL database created on that server and dropped by
// `dispose()`. No two tests share a database, so they may run in parallel.

export type TestDatabase = Database & {
  /** Closes the connections and, on PostgreSQL, drops the throwaway database. Safe to call twice. */
  dispose(): Promise<void>;
};

export async function openTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL?.trim();
  const database = serverUrl ? await openThrowawayPostgres(serverUrl) : await openPgliteInMemory();
  if (opts.migrate) {
    try {
      await database.migrate();
    } catch (err) {
      await database.dispose().catch(() => {});
      throw err;
    }
  }
  return database;
}

async function openPgliteInMemory(): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: "memory:" });
  const close = once(() => database.close());
  return {
    db: database.db,
    engine: database.engine,
    migrate: () => database.migrate(),
    close,
    dispose: close,
  };
}

/** Runs `work` on a connection to the server's maintenance database (the URL's, or "postgres"). */
async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  let client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (err) {
    // The URL may name a database that does not exist yet (3D000): the server's own one will do.
    if ((err as { code?: string }).code !== "3D000") throw err;
    client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
    await client.connect();
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/**
 * A throwaway database on the PostgreSQL server at `serverUrl`, whatever DATABASE_URL says, with its URL
 * for processes a test starts (a worker, a command).
 */
export async function openPostgresTestDatabase(serverUrl: string): Promise<TestDatabase & { url: string }> {
  return openThrowawayPostgres(serverUrl);
}

async function openThrowawayPostgres(serverUrl: string): Promise<TestDatabase & { url: string }> {
  // A lower-case identifier, so it needs no quoting rules beyond the double quotes below.
  const name = `liaison_test_${randomBytes(8).toString("hex")}`;
  await withAdminClient(serverUrl, (c) => c.query(`create database "${name}"`));
  const drop = () =>
    withAdminClient(serverUrl, async (c) => {
      // WITH (FORCE) ends connections a test left open (PostgreSQL 13+).
      await c.query(`drop database if exists "${name}" with (force)`);
    });
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: withDatabase(serverUrl, name), dataDir: "memory:" });
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
  const close = once(() => database.close());
  const dispose = once(async () => {
    try {
      await close();
    } finally {
      await drop();
    }
  });
  return {
    db: database.db,
    engine: database.engine,
    migrate: () => database.migrate(),
    close,
    dispose,
    url: withDatabase(serverUrl, name),
  };
}

/** The first call runs `fn`; later calls get the same promise, so closing twice is harmless. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
