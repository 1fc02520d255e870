import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, inArray } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { sessions } from "../db/schema/audit.ts";
import { postings, staff } from "../db/schema/offices.ts";
import type { Posting } from "../files/access.ts";
import type { OfficeCode, StaffId } from "../files/model.ts";

export interface SignedInStaff {
  staffId: StaffId;
  name: string;
  postings: Posting[];
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function findStaffBySubject(db: Executor, subject: string): Promise<SignedInStaff | undefined> {
  const [row] = await db.select().from(staff).where(eq(staff.subject, subject)).limit(1);
  return row ? loadStaff(db, row.id as StaffId, row.name) : undefined;
}

async function loadStaff(db: Executor, staffId: StaffId, name: string): Promise<SignedInStaff> {
  const rows = await db.select().from(postings).where(eq(postings.staffId, staffId));
  return {
    staffId,
    name,
    postings: rows.map((p) => ({ officeCode: p.officeCode as OfficeCode, role: p.role })),
  };
}

/** Opens a server-side session and returns the token for the cookie; only its hash is stored. */
export async function openSession(
  db: Executor,
  staffId: StaffId,
  now: Date,
  ttlHours: number,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    staffId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlHours * 3_600_000),
  });
  return token;
}

export async function findSessionStaff(
  db: Executor,
  token: string,
  now: Date,
): Promise<SignedInStaff | undefined> {
  const [row] = await db
    .select({ staffId: sessions.staffId, name: staff.name })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)))
    .limit(1);
  return row ? loadStaff(db, row.staffId as StaffId, row.name) : undefined;
}

export async function closeSession(db: Executor, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** The names of these staff members, for pages that say who did what (unknown ids are left out). */
export async function staffNames(
  db: Executor,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: staff.id, name: staff.name })
    .from(staff)
    .where(inArray(staff.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}
