import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, lte, or, sql } from "drizzle-orm";
import { type Actor, type AnyActor, type PortalActor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import {
  accessCodes,
  portalAccounts,
  portalLocks,
  portalSessions,
  portalSignInFailures,
  professionalBodies,
} from "../db/schema/portal.ts";
import { grantsAccess } from "../delegation/rules.ts";
import { delegationsOfIdentity } from "../delegation/service.ts";
import { AppError } from "../errors.ts";
import { FormCheck, formText } from "../files/forms.ts";
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

/**
 * Registration and the help desk's reset each change who is bound to whom: one at a time per counsel and
 * per identity, so that each has at most one live binding (schema: portal_accounts).
 */
export async function holdAccountBindings(
  tx: Executor,
  counselId: CounselId,
  subject: string,
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`portal-account:${counselId}`}))`);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`portal-identity:${subject}`}))`);
}

/** P-7: counsel are told at the address on record when their account changes (registered, unlocked, reset). */
export async function tellAccountChanged(
  deps: PortalServices,
  tx: Executor,
  c: CounselSummary,
  at: Date,
  actor: AnyActor,
): Promise<void> {
  if (!c.contacts) return;
  await deps.notices.queue(tx, { kind: "account-changed", to: c.contacts.email, counselId: c.id, at, actor });
}

/** A lock shown to the person: the code to read to the help desk. */
export class AccountLockedError extends AppError {
  constructor(readonly lockCode: string) {
    super("ACCOUNT_LOCKED");
  }
}

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
  const body = check.choice("professionalBody", professionalBodies, formText(form, "professionalBody"));
  const memberNumber = formText(form, "memberNumber").toUpperCase();
  check.required("memberNumber", memberNumber);
  const code = formText(form, "accessCode").replace(/\s/g, "");
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
    await holdAccountBindings(tx, c.id, who.subject);
    if (await findAccountBySubject(tx, who.subject)) throw new AppError("ALREADY_REGISTERED");
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
    await tellAccountChanged(deps, tx, c, now, actor);
  });
  return c.id;
}

/** D-5: a counsel a delegate works for, and whether the delegation lets them in now. */
export interface DelegateOf {
  counselId: CounselId;
  delegationId: string;
  name: string;
  active: boolean;
}

export type PortalEntry =
  | { kind: "counsel"; viewer: PortalViewer; counsel: CounselSummary }
  /** D-3: a delegate at work in `counsel`'s account; `delegations` lists every counsel they work for (D-5). */
  | {
      kind: "delegate";
      viewer: PortalViewer;
      counsel: CounselSummary;
      delegate: { name: string; email: string };
      delegations: DelegateOf[];
    }
  | { kind: "not-registered" }
  | { kind: "locked"; lockCode: string }
  | { kind: "not-in-good-standing" }
  /** D-2: every delegation of this identity has expired without renewal (still renewable). */
  | { kind: "delegation-blocked" }
  /** D-2, D-6: the identity's delegations all ended (revoked, or gone 10 days after expiry). */
  | { kind: "delegation-ended" };

/**
 * Who this external identity is in My Case at `now`; asked at sign-in and again on every request, so a
 * lock, a lost standing, an expiry or an ended delegation takes effect on the next request (D-6). A
 * delegate works for `actingFor` when that delegation is active, otherwise for their first active one.
 */
export async function portalEntryOf(
  db: Executor,
  subject: string,
  now: Date,
  actingFor?: string | null,
): Promise<PortalEntry> {
  const counselId = await findAccountBySubject(db, subject);
  if (counselId) {
    const c = await findCounsel(db, counselId);
    if (!c) return { kind: "not-registered" };
    if (c.lock) return { kind: "locked", lockCode: c.lock.lockCode };
    if (!mayUsePortal(c.standing)) return { kind: "not-in-good-standing" };
    return { kind: "counsel", viewer: { kind: "counsel", counselId }, counsel: c };
  }
  const mine = await delegationsOfIdentity(db, subject, now);
  if (mine.length === 0) return { kind: "not-registered" };
  const options: (DelegateOf & {
    counsel: CounselSummary | undefined;
    email: string;
    delegateName: string;
  })[] = [];
  for (const d of mine) {
    const c = await findCounsel(db, d.counselId);
    // The delegate works in counsel's account: a locked or no longer good-standing counsel lets nobody in.
    const counselOpen = c !== undefined && !c.lock && mayUsePortal(c.standing);
    options.push({
      counselId: d.counselId as CounselId,
      delegationId: d.id,
      name: c?.name ?? "",
      active: grantsAccess(d.state) && counselOpen,
      counsel: c,
      email: d.email,
      delegateName: d.name,
    });
  }
  const active = options.filter((o) => o.active);
  const chosen = active.find((o) => o.counselId === actingFor) ?? active[0];
  if (!chosen?.counsel) {
    return mine.some((d) => d.state.kind === "blocked")
      ? { kind: "delegation-blocked" }
      : { kind: "delegation-ended" };
  }
  return {
    kind: "delegate",
    viewer: { kind: "delegate", delegateId: chosen.delegationId, counselId: chosen.counselId },
    counsel: chosen.counsel,
    delegate: { name: chosen.delegateName, email: chosen.email },
    delegations: options
      .filter((o) => o.active || mine.find((d) => d.id === o.delegationId)?.state.kind === "blocked")
      .map(({ counselId, delegationId, name, active: isActive }) => ({
        counselId,
        delegationId,
        name,
        active: isActive,
      })),
  };
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

/**
 * The session's identity, and the counsel a delegate chose to work for (D-5), if it is alive (30 minutes
 * idle, 12 hours at most); each request renews it.
 */
export async function findPortalSession(
  db: Executor,
  token: string,
  now: Date,
): Promise<{ subject: string; actingFor: string | null } | undefined> {
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
  return { subject: row.subject, actingFor: row.actingFor };
}

/** D-5: the delegate chooses whose cases they work on; kept in the session, checked on every request. */
export async function chooseActingFor(db: Executor, token: string, counselId: string): Promise<void> {
  await db
    .update(portalSessions)
    .set({ actingFor: counselId })
    .where(eq(portalSessions.tokenHash, hashToken(token)));
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
