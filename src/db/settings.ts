import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Executor } from "./client.ts";
import { settings } from "./schema/audit.ts";

/**
 * A secret shared by every process on one database (cookie signing), made once. Several processes
 * starting together agree on whichever insert won.
 */
export async function sharedSecret(db: Executor, key: string): Promise<string> {
  await db
    .insert(settings)
    .values({ key, value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return String(row?.value);
}

export async function readSetting(db: Executor, key: string): Promise<unknown> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row?.value;
}

export async function writeSetting(db: Executor, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}
