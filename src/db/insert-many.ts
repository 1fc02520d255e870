import { getTableColumns, getTableName, sql, type Table } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "./client.ts";

// Many rows in one statement with one parameter per column: `insert … select * from unnest($1::t[], …)`.
// Measured on a batch (bench/batch.ts): building a 500-row insert through the query builder (a parameter
// per value, each typed and checked) took more of the worker's CPU than the database spent storing it.

/** A value as an element of a PostgreSQL array literal: quoted, or NULL. */
function element(value: unknown, sqlType: string): string {
  if (value === null || value === undefined) return "NULL";
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    text = `\\x${Buffer.from(value).toString("hex")}`;
  else if (sqlType === "jsonb" || sqlType === "json") text = JSON.stringify(value);
  else text = String(value);
  // Most values hold neither a quote nor a backslash: the scan is cheaper than the replace.
  return text.includes('"') || text.includes("\\") ? `"${text.replace(/["\\]/g, "\\$&")}"` : `"${text}"`;
}

/**
 * Inserts `rows` into `table` as the query builder's `insert(table).values(rows)` would, for the
 * columns the rows give (the others take their defaults). Returns nothing: callers that need generated
 * values use the query builder.
 */
export async function insertMany<T extends Table>(
  db: Executor,
  table: T,
  rows: readonly T["$inferInsert"][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).filter(([key]) =>
    rows.some((r) => (r as Record<string, unknown>)[key] !== undefined),
  );
  const names = sql.raw(columns.map(([, c]) => `"${c.name}"`).join(", "));
  const arrays = columns.map(([key, c]) => {
    const type = c.getSQLType();
    const literal = `{${rows.map((r) => element((r as Record<string, unknown>)[key], type)).join(",")}}`;
    return sql`${literal}::${sql.raw(type)}[]`;
  });
  await db.execute(
    sql`insert into ${sql.raw(`"${getTableName(table)}"`)} (${names}) select * from unnest(${sql.join(arrays, sql`, `)})`,
  );
}
