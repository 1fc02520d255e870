import { PgTransaction } from "drizzle-orm/pg-core";
import type { Executor } from "./client.ts";

/**
 * Runs independent reads at once on the pool, and one after another on a transaction: a transaction has
 * one connection, which takes one query at a time (node-postgres queues them today and will refuse them
 * in its next major version). Use cases that write a letter inside another's transaction (a transfer's
 * notice, a decision's letter) read the file through here.
 */
export async function readTogether<T extends readonly unknown[]>(
  db: Executor,
  reads: { [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  if (!(db instanceof PgTransaction))
    return Promise.all(reads.map((read) => read())) as unknown as Promise<T>;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}
