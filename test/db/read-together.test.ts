import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "../../src/db/client.ts";
import { readTogether } from "../../src/db/read-together.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

// Regression: a letter written inside another use case's transaction (a transfer's notice, a decision's
// letter) read the file with Promise.all on the transaction's one connection; node-postgres queued the
// queries with a deprecation warning, and its next major version refuses them.

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.dispose());

function tracedReads(db: Executor, log: string[]) {
  const read = (name: string) => async () => {
    log.push(`start ${name}`);
    await db.execute(sql`select 1`);
    log.push(`end ${name}`);
    return name;
  };
  return [read("a"), read("b")] as const;
}

describe("reading together", () => {
  it("on a transaction, the reads run one after another and return in order", async () => {
    const log: string[] = [];
    const results = await database.db.transaction((tx) => readTogether(tx, tracedReads(tx, log)));
    expect(results).toEqual(["a", "b"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("on the database, they start together and return in order", async () => {
    const log: string[] = [];
    const results = await readTogether(database.db, tracedReads(database.db, log));
    expect(results).toEqual(["a", "b"]);
    expect(log.slice(0, 2)).toEqual(["start a", "start b"]);
  });
});
