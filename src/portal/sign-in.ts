import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, lte, or, sql } from "drizzle-orm";
import { type Actor, type PortalActor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import {
  accessCodes,
  portalAccounts,
  portalLocks,
  portalSessions,
  portalSignInFailures,
  professionalBodies,
} from "../db/schema/portal.ts";
import { AppError } from "../errors.ts";
import { FormCheck } from "../files/forms.ts";
import type { PortalViewer } from "./access.ts";
import type { CounselId } from "./model.ts";
import {
  checkAccessCode,
  hashAccessCode,
  MAX_CODE_ATTEMPTS,
  MAX_SIGN_IN_FAILURES,
  mayUsePortal,
  newLockCode,
  PORTAL_IDLE_MS,
  PORTAL_SESSION_MAX_MS,
  SIGN_IN_FAILURE_WINDOW_MS,
  sessionAlive,
} from "./rules.ts";
import type { PortalServices } from "./services.ts";
import {
  type CounselSummary,
  findAccountBySubject,
  findCounsel,
  findCounselByMember,
  latestAccessCode,
  locksOf,
  recentSignInFailures,
} from "./store.ts";

// Registration with the access code (P-2), sign-in and locks (P-3), and portal sessions. The external
// provider (GCKey, a sign-in partner; the development provider here) says who the person is; this module
// says whether that identity is a registered counsel who may come in now.

/** A lock shown to the person: the code to read to the help desk. */
export class AccountLockedError extends AppError {
  constructor(readonly lockCode: string) {
    super("ACCOUNT_LOCKED");
  }
}

const str = (form: Record<string, unknown>, k: string) =>
  typeof form[k] === "string" ? (form[k] as string).trim() : "";

async function lockAccount(tx: Executor, counselId: CounselId, reason: "access-code" | "sign-in", now: Date) {
  const lockCode = newLockCode();
  await tx.insert(portalLocks).values({ id: randomUUID(), counselId, lockCode, reason, lockedAt: now });
  await recordAudit(tx, { kind: "system", name: "portal-sign-in" }, now, {
    action: "portal.account-locked",
    subjectType: "counsel",
    subjectId: counselId,
    details: { reason },
  });
  return lockCode;
}

/** P-3: a failure attributed to an account; the fifth within a day (since any unlock) locks it. */
async function countSignInFailure(
  deps: PortalServices,
  c: CounselSummary,
  reason: string,
  now: Date,
): Promise<void> {
  const lockCode = await deps.db.transaction(async (tx) => {
    await tx.insert(portalSignInFailures).values({ counselId: c.id, at: now, reason });
    const [lastLock] = await locksOf(tx, c.id);
    const windowStart = new Date(now.getTime() - SIGN_IN_FAILURE_WINDOW_MS);
    const since =
      lastLock?.unlockedAt && lastLock.unlockedAt > windowStart ? lastLock.unlockedAt : windowStart;
    const failures = await recentSignInFailures(tx, c.id, since);
    return failures >= MAX_SIGN_IN_FAILURES ? lockAccount(tx, c.id, "sign-in", now) : undefined;
  });
  if (lockCode) throw new AccountLockedError(lockCode);
}

/**
 * P-2: the signed-in external identity enters the counsel's professional body, member number and the
 * access code from the text message. Each wrong code counts; the fifth locks the account (P-3). On
 * success the identity is bound to the counsel, once and for good, and the code is spent.
 */
export async function registerWithCode(
  deps: PortalServices,
  who: { subject: string; ip: string | undefined },
  form: Record<string, unknown>,
): Promise<CounselId> {
  const check = new FormCheck();
  const body = check.choice("professionalBody", professionalBodies, str(form, "professionalBody"));
  const memberNumber = str(form, "memberNumber").toUpperCase();
  check.required("memberNumber", memberNumber);
  const code = str(form, "accessCode").replace(/\s/g, "");
  check.required("accessCode", code);
  check.throwIfAny();
  const now = deps.clock.now();
  if (await findAccountBySubject(deps.db, who.subject)) throw new AppError("ALREADY_REGISTERED");
  const c = body ? await findCounselByMember(deps.db, body, memberNumber) : undefined;
  // Nobody by that number, or no code issued: the same answer as a wrong code, so the form does not tell
  // a stranger who is in the registry.
  const wrong = () =>
    new AppError("ACCESS_CODE_INVALID", [{ field: "accessCode", code: "ACCESS_CODE_INVALID" }]);
  if (!c) throw wrong();
  if (c.lock) throw new AccountLockedError(c.lock.lockCode);
  if (c.registeredAt) {
    // Another identity trying to register an account that is already someone's: a failed sign-in.
    await countSignInFailure(deps, c, "registered-to-another-identity", now);
    throw new AppError("ALREADY_REGISTERED");
  }
  const issued = await latestAccessCode(deps.db, c.id);
  if (!issued) throw wrong();
  const matches = /^\d{6}$/.test(code) && hashAccessCode(issued.id, code) === issued.codeHash;
  const verdict = checkAccessCode(issued, matches, now);
  const actor: PortalActor = { kind: "portal", counselId: c.id, ip: who.ip };
  switch (verdict) {
    case "used":
      throw new AppError("ACCESS_CODE_USED", [{ field: "accessCode", code: "ACCESS_CODE_USED" }]);
    case "expired":
      throw new AppError("ACCESS_CODE_EXPIRED", [{ field: "accessCode", code: "ACCESS_CODE_EXPIRED" }]);
    case "replaced":
    case "exhausted":
      throw wrong();
    case "wrong": {
      const lockCode = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .update(accessCodes)
          .set({ failedAttempts: sql`${accessCodes.failedAttempts} + 1` })
          .where(eq(accessCodes.id, issued.id))
          .returning({ failedAttempts: accessCodes.failedAttempts });
        await recordAudit(tx, actor, now, {
          action: "portal.access-code-wrong",
          subjectType: "counsel",
          subjectId: c.id,
          details: { accessCode: issued.id, attempts: row?.failedAttempts ?? null },
        });
        return (row?.failedAttempts ?? 0) >= MAX_CODE_ATTEMPTS
          ? lockAccount(tx, c.id, "access-code", now)
          : undefined;
      });
      if (lockCode) throw new AccountLockedError(lockCode);
      throw wrong();
    }
    case "valid":
      break;
  }
  if (!mayUsePortal(c.standing)) throw new AppError("COUNSEL_NOT_IN_GOOD_STANDING");
  await deps.db.transaction(async (tx) => {
    // The conditional update is the single use: two submissions of one code cannot both register.
    const spent = await tx
      .update(accessCodes)
      .set({ usedAt: now })
      .where(and(eq(accessCodes.id, issued.id), sql`${accessCodes.usedAt} is null`))
      .returning({ id: accessCodes.id });
    if (spent.length === 0) throw new AppError("ACCESS_CODE_USED");
    await tx.insert(portalAccounts).values({ counselId: c.id, subject: who.subject, registeredAt: now });
    await recordAudit(tx, actor, now, {
      action: "portal.registered",
      subjectType: "counsel",
      subjectId: c.id,
      details: { accessCode: issued.id },
    });
    if (c.contacts) {
      await deps.notices.queue(tx, {
        kind: "account-changed",
        to: c.contacts.email,
        counselId: c.id,
        at: now,
        actor,
      });
    }
  });
  return c.id;
}

export type PortalEntry =
  | { kind: "counsel"; viewer: PortalViewer; counsel: CounselSummary }
  | { kind: "not-registered" }
  | { kind: "locked"; lockCode: string }
  | { kind: "not-in-good-standing" };

/** Who this external identity is in My Case at `now`; asked at sign-in and again on every request. */
export async function portalEntryOf(db: Executor, subject: string): Promise<PortalEntry> {
  const counselId = await findAccountBySubject(db, subject);
  if (!counselId) return { kind: "not-registered" };
  const c = await findCounsel(db, counselId);
  if (!c) return { kind: "not-registered" };
  if (c.lock) return { kind: "locked", lockCode: c.lock.lockCode };
  if (!mayUsePortal(c.standing)) return { kind: "not-in-good-standing" };
  return { kind: "counsel", viewer: { kind: "counsel", counselId }, counsel: c };
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function openPortalSession(db: Executor, subject: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insert(portalSessions).values({
    tokenHash: hashToken(token),
    subject,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + PORTAL_SESSION_MAX_MS),
  });
  return token;
}

/** The session's identity if it is alive (30 minutes idle, 12 hours at most); each request renews it. */
export async function findPortalSession(db: Executor, token: string, now: Date): Promise<string | undefined> {
  const tokenHash = hashToken(token);
  const [row] = await db
    .select()
    .from(portalSessions)
    .where(eq(portalSessions.tokenHash, tokenHash))
    .limit(1);
  if (!row || !sessionAlive(row, now)) return undefined;
  // A write per minute at most, not per request.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(portalSessions).set({ lastSeenAt: now }).where(eq(portalSessions.tokenHash, tokenHash));
  }
  return row.subject;
}

export async function closePortalSession(db: Executor, token: string): Promise<void> {
  await db.delete(portalSessions).where(eq(portalSessions.tokenHash, hashToken(token)));
}

/** Ended sessions name who was signed in: removed by the worker's session purge. */
export async function purgePortalSessions(db: Executor, now: Date, actor: Actor): Promise<number> {
  const gone = await db
    .delete(portalSessions)
    .where(
      or(
        lte(portalSessions.expiresAt, now),
        lte(portalSessions.lastSeenAt, new Date(now.getTime() - PORTAL_IDLE_MS)),
      ),
    )
    .returning({ subject: portalSessions.subject });
  if (gone.length > 0) {
    await recordAudit(db, actor, now, {
      action: "portal.sessions-purged",
      subjectType: "session",
      subjectId: "expired",
      details: { count: gone.length },
    });
  }
  return gone.length;
}
