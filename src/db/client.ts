import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The database or an open transaction: both run the same queries. */
export type Executor = PgDatabase<PgQueryResultHKT, Schema>;

export type Engine = "pglite" | "postgres";

export interface Database {
  readonly db: Executor;
  readonly engine: Engine;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * PostgreSQL when a URL is given, otherwise PGlite (PostgreSQL compiled to WebAssembly) stored in
 * `dataDir`, or in memory when `dataDir` is "memory:". Both run the same migrations and queries.
 */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Told when the server drops an idle connection (a restart, an administrator); the pool opens another. */
  onConnectionLost?: (err: Error) => void;
}): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.onConnectionLost);
  return openPglite(opts.dataDir);
}

async function openPostgres(url: string, onConnectionLost?: (err: Error) => void): Promise<Database> {
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Without a listener, an idle connection the server ends would be re-thrown by the pool as an uncaught
  // exception and stop the process; the pool already discards the connection and opens a new one.
  let closing = false;
  pool.on("error", (err) => {
    if (!closing) onConnectionLost?.(err);
  });
  // pool.end() resolves before the connections' sockets have closed; close() waits for them, so that
  // whoever drops or restarts the database next does not end a connection still saying goodbye.
  const open = new Set<unknown>();
  pool.on("connect", (client) => open.add(client));
  pool.on("remove", (client) => open.delete(client));
  const db = drizzle({ client: pool, schema });
  return {
    db: db as unknown as Executor,
    engine: "postgres",
    async migrate() {
      // Several processes may start at once against one database: one migrates, the others wait.
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock(724001)");
        await migrate(drizzle({ client, schema }), { migrationsFolder });
      } finally {
        await client.query("select pg_advisory_unlock(724001)").catch(() => {});
        client.release();
      }
    },
    async close() {
      closing = true;
      await pool.end();
      while (open.size > 0) await new Promise((resolve) => pool.once("remove", resolve));
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  let client: InstanceType<typeof PGlite>;
  if (dataDir === "memory:") {
    client = new PGlite();
  } else {
    const dir = path.join(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  const db = drizzle({ client, schema });
  return {
    db: db as unknown as Executor,
    engine: "pglite",
    migrate: () => migrate(db, { migrationsFolder }),
    close: () => client.close(),
  };
}
