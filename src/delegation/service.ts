import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { type Actor, type PortalActor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { type DelegationQuestion, delegationEvents, delegations } from "../db/schema/delegation.ts";
import { AppError } from "../errors.ts";
import { actorName, appendToLedger } from "../evidence/ledger-append.ts";
import { FormCheck, formText } from "../files/forms.ts";
import type { Job } from "../jobs/scheduler.ts";
import type { PortalViewer } from "../portal/access.ts";
import type { CounselId } from "../portal/model.ts";
import { readableCode } from "../portal/rules.ts";
import type { PortalServices } from "../portal/services.ts";
import { findAccountBySubject, findCounsel } from "../portal/store.ts";
import {
  answerMatches,
  type DelegationEvent,
  type DelegationState,
  delegationState,
  grantsAccess,
  hashAnswer,
  MAX_ACTIVE_DELEGATES,
  MAX_ANSWER_ATTEMPTS,
  reminderDue,
  renewable,
  shownToCounsel,
  takesASeat,
} from "./rules.ts";

// Delegation's use cases (SPEC D-1..D-6): counsel invite, renew and end; the delegate registers by
// answering counsel's questions; the sweep reminds counsel. Every change is an event of
// `delegation_events`, on the ledger in the same transaction, so who was authorised to act for whom, and
// when, can be shown later without trusting this database.

export type Delegation = typeof delegations.$inferSelect;

export interface DelegationWithState extends Delegation {
  events: DelegationEvent[];
  state: DelegationState;
}

async function withStates(db: Executor, rows: Delegation[], now: Date): Promise<DelegationWithState[]> {
  if (rows.length === 0) return [];
  const events = await db
    .select()
    .from(delegationEvents)
    .where(
      inArray(
        delegationEvents.delegationId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(delegationEvents.seq));
  const byId = new Map<string, DelegationEvent[]>();
  for (const e of events) {
    const list = byId.get(e.delegationId) ?? [];
    list.push({ kind: e.kind, at: e.at });
    byId.set(e.delegationId, list);
  }
  return rows.map((r) => {
    const history = byId.get(r.id) ?? [];
    return { ...r, events: history, state: delegationState(history, now) };
  });
}

/** The delegations matching `where`, in `order`, each with its history and its state at `now`. */
async function delegationsWhere(db: Executor, where: SQL | undefined, order: SQL, now: Date) {
  return withStates(db, await db.select().from(delegations).where(where).orderBy(order), now);
}

/** D-2: counsel's delegates as counsel's list shows them (the gone ones are not). */
export async function delegatesOf(
  db: Executor,
  counselId: CounselId,
  now: Date,
): Promise<DelegationWithState[]> {
  const all = await delegationsWhere(
    db,
    eq(delegations.counselId, counselId),
    asc(delegations.invitedAt),
    now,
  );
  return all.filter((d) => shownToCounsel(d.state));
}

/**
 * D-1..D-6 for staff (the help desk a delegate calls): every delegation counsel ever made, newest first,
 * the ended ones included, with its state now and its history.
 */
export async function delegationHistoryOf(
  db: Executor,
  counselId: CounselId,
  now: Date,
): Promise<DelegationWithState[]> {
  return delegationsWhere(db, eq(delegations.counselId, counselId), desc(delegations.invitedAt), now);
}

/** Every delegation this external identity registered, with its state now (D-5: several counsel). */
export async function delegationsOfIdentity(
  db: Executor,
  subject: string,
  now: Date,
): Promise<DelegationWithState[]> {
  return delegationsWhere(db, eq(delegations.subject, subject), asc(delegations.registeredAt), now);
}

export async function findDelegation(
  db: Executor,
  id: string,
  now: Date,
): Promise<DelegationWithState | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const rows = await db.select().from(delegations).where(eq(delegations.id, id)).limit(1);
  return (await withStates(db, rows, now))[0];
}

async function record(
  tx: Executor,
  d: Pick<Delegation, "id" | "counselId">,
  kind: DelegationEvent["kind"],
  at: Date,
  actor: PortalActor | Actor,
  extra: { cycleStart?: Date } = {},
): Promise<boolean> {
  const inserted = await tx
    .insert(delegationEvents)
    .values({ delegationId: d.id, kind, at, actor: actorName(actor), cycleStart: extra.cycleStart ?? null })
    .onConflictDoNothing()
    .returning({ seq: delegationEvents.seq });
  if (inserted.length === 0) return false;
  await appendToLedger(tx, [
    {
      kind: `delegation-${kind}` as const,
      subject: { type: "delegation", id: d.id },
      at,
      actor,
      details: {
        counsel: d.counselId,
        ...(extra.cycleStart ? { cycleStart: extra.cycleStart.toISOString() } : {}),
      },
    },
  ]);
  await recordAudit(tx, actor, at, {
    action: `delegation.${kind}`,
    subjectType: "delegation",
    subjectId: d.id,
    details: { counsel: d.counselId },
  });
  return true;
}

function counselOnly(viewer: PortalViewer): CounselId {
  // D-1, D-6: only counsel manage their delegates; a delegate cannot invite, renew or end anyone.
  if (viewer.kind !== "counsel") throw new AppError("ROLE_NOT_ALLOWED");
  return viewer.counselId;
}

/** Typed from the notice, never clicked (P-7). */
function newInvitationCode(): string {
  const s = readableCode();
  return `DI-${s.slice(0, 4)}-${s.slice(4)}`;
}

export const QUESTIONS = 2;

/**
 * D-1: counsel invite a delegate: name, email, and two questions with the answers counsel will give the
 * delegate out of band. At most 4 delegates at work or invited at once.
 */
export async function inviteDelegate(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  form: Record<string, unknown>,
): Promise<{ id: string }> {
  const counselId = counselOnly(viewer);
  const check = new FormCheck();
  const name = formText(form, "name");
  if (check.required("name", name) && name.length > 200) check.fail("name", "TOO_LONG");
  const email = check.email("email", formText(form, "email"));
  const questions: DelegationQuestion[] = [];
  for (let i = 0; i < QUESTIONS; i++) {
    const question = formText(form, `question${i}`);
    const answer = formText(form, `answer${i}`);
    if (check.required(`question${i}`, question) && question.length > 300)
      check.fail(`question${i}`, "TOO_LONG");
    if (check.required(`answer${i}`, answer) && answer.length > 200) check.fail(`answer${i}`, "TOO_LONG");
    if (question && answer) questions.push({ question, ...hashAnswer(answer) });
  }
  check.throwIfAny();
  const now = deps.clock.now();
  const current = await delegatesOf(deps.db, counselId, now);
  if (current.filter((d) => takesASeat(d.state)).length >= MAX_ACTIVE_DELEGATES) {
    throw new AppError("DELEGATE_LIMIT_REACHED");
  }
  if (current.some((d) => takesASeat(d.state) && d.email.toLowerCase() === (email ?? "").toLowerCase())) {
    throw new AppError("DELEGATE_ALREADY_INVITED", [{ field: "email", code: "DELEGATE_ALREADY_INVITED" }]);
  }
  const id = randomUUID();
  const invitationCode = newInvitationCode();
  const actor: PortalActor = { kind: "portal", counselId, ip };
  await deps.db.transaction(async (tx) => {
    // Serialises invitations of one counsel, so two at once cannot both take the fourth seat.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`delegates:${counselId}`}))`);
    const again = await delegatesOf(tx, counselId, now);
    if (again.filter((d) => takesASeat(d.state)).length >= MAX_ACTIVE_DELEGATES) {
      throw new AppError("DELEGATE_LIMIT_REACHED");
    }
    await tx.insert(delegations).values({
      id,
      counselId,
      name,
      email: email as string,
      invitationCode,
      questions,
      invitedAt: now,
    });
    await record(tx, { id, counselId }, "invited", now, actor);
    await deps.notices.queue(tx, {
      kind: "delegate-invited",
      to: email as string,
      counselId,
      delegateId: id,
      params: { confirmationNumber: invitationCode },
      at: now,
      actor,
    });
  });
  return { id };
}

/** D-1: the invitation a code names, still open: what the delegate's registration page shows. */
export async function openInvitation(deps: PortalServices, code: string): Promise<DelegationWithState> {
  const normalised = code.trim().toUpperCase().replace(/\s+/g, "");
  const rows = /^DI-[A-Z2-9]{4}-[A-Z2-9]{4}$/.test(normalised)
    ? await deps.db.select().from(delegations).where(eq(delegations.invitationCode, normalised)).limit(1)
    : [];
  const [d] = await withStates(deps.db, rows, deps.clock.now());
  if (d?.state.kind !== "invited") {
    throw new AppError("INVITATION_INVALID", [{ field: "invitationCode", code: "INVITATION_INVALID" }]);
  }
  return d;
}

/**
 * D-1: the delegate, signed in with their own external identity, answers counsel's questions. Each wrong
 * set counts; the fifth locks the invitation (counsel must invite again). Right answers bind the identity
 * and grant the delegation: its 60 days start now.
 */
export async function acceptInvitation(
  deps: PortalServices,
  who: { subject: string; ip: string | undefined },
  form: Record<string, unknown>,
): Promise<{ counselId: CounselId; delegationId: string }> {
  const d = await openInvitation(deps, formText(form, "invitationCode"));
  const now = deps.clock.now();
  if (await findAccountBySubject(deps.db, who.subject)) throw new AppError("IDENTITY_IS_COUNSEL");
  const check = new FormCheck();
  const answers = d.questions.map((_, i) => formText(form, `answer${i}`));
  for (const [i, a] of answers.entries()) check.required(`answer${i}`, a);
  check.throwIfAny();
  const actor: PortalActor = { kind: "portal", counselId: d.counselId, delegateId: d.id, ip: who.ip };
  const right = d.questions.every((q, i) => answerMatches(answers[i] ?? "", q));
  if (!right) {
    const locked = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(delegations)
        .set({ failedAnswers: sql`${delegations.failedAnswers} + 1` })
        .where(eq(delegations.id, d.id))
        .returning({ failedAnswers: delegations.failedAnswers });
      const tries = row?.failedAnswers ?? MAX_ANSWER_ATTEMPTS;
      await recordAudit(tx, actor, now, {
        action: "delegation.answers-wrong",
        subjectType: "delegation",
        subjectId: d.id,
        details: { attempts: tries },
      });
      if (tries < MAX_ANSWER_ATTEMPTS) return false;
      await record(tx, d, "locked", now, actor);
      return true;
    });
    if (locked) throw new AppError("INVITATION_LOCKED");
    throw new AppError("ANSWERS_WRONG", [{ field: "answer0", code: "ANSWERS_WRONG" }]);
  }
  await deps.db.transaction(async (tx) => {
    const bound = await tx
      .update(delegations)
      .set({ subject: who.subject, registeredAt: now })
      .where(and(eq(delegations.id, d.id), sql`${delegations.subject} is null`))
      .returning({ id: delegations.id });
    if (bound.length === 0) throw new AppError("INVITATION_INVALID");
    await record(tx, d, "granted", now, actor);
  });
  return { counselId: d.counselId as CounselId, delegationId: d.id };
}

async function counselsDelegation(
  deps: PortalServices,
  viewer: PortalViewer,
  id: string,
): Promise<DelegationWithState> {
  const counselId = counselOnly(viewer);
  const d = await findDelegation(deps.db, id, deps.clock.now());
  // Another counsel's delegate, or one gone from the list: the same 404.
  if (!d || d.counselId !== counselId || !shownToCounsel(d.state)) throw new AppError("NOT_FOUND");
  return d;
}

/** D-2: renewal restarts the 60 days and tells the delegate; a blocked delegate counts against the 4 again. */
export async function renewDelegation(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  id: string,
): Promise<void> {
  const d = await counselsDelegation(deps, viewer, id);
  if (!renewable(d.state)) throw new AppError("DELEGATION_NOT_RENEWABLE");
  const now = deps.clock.now();
  const actor: PortalActor = { kind: "portal", counselId: d.counselId, ip };
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`delegates:${d.counselId}`}))`);
    if (d.state.kind === "blocked") {
      const seated = (await delegatesOf(tx, d.counselId as CounselId, now)).filter((x) =>
        takesASeat(x.state),
      );
      if (seated.length >= MAX_ACTIVE_DELEGATES) throw new AppError("DELEGATE_LIMIT_REACHED");
    }
    await record(tx, d, "renewed", now, actor);
    await deps.notices.queue(tx, {
      kind: "delegate-renewed",
      to: d.email,
      counselId: d.counselId,
      delegateId: d.id,
      at: now,
      actor,
    });
  });
}

/** D-6: counsel end a delegation; the delegate's next request is refused. */
export async function endDelegation(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  id: string,
): Promise<void> {
  const d = await counselsDelegation(deps, viewer, id);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await record(tx, d, "revoked", now, { kind: "portal", counselId: d.counselId, ip });
  });
}

/**
 * D-2: reminds counsel of each delegation entering its last 10 days, once per cycle (the unique index on
 * the reminder's cycle makes a second run, or a second worker, harmless). Bounded pages of registered,
 * not-revoked delegations.
 */
export async function sweepDelegationReminders(
  deps: Pick<PortalServices, "db" | "clock" | "notices">,
): Promise<number> {
  const now = deps.clock.now();
  let sent = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await deps.db
      .select()
      .from(delegations)
      .where(and(isNotNull(delegations.registeredAt), sql`${delegations.id} > ${after}`))
      .orderBy(asc(delegations.id))
      .limit(1000);
    if (rows.length === 0) return sent;
    after = rows[rows.length - 1]?.id ?? after;
    for (const d of await withStates(deps.db, rows, now)) {
      if (!reminderDue(d.state, now) || d.state.kind !== "active") continue;
      const cycleStart = d.state.grantedAt;
      const counselEmail = await counselEmailOf(deps.db, d.counselId);
      const actor: Actor = { kind: "job", name: "delegation-reminders" };
      const done = await deps.db.transaction(async (tx) => {
        const fresh = await record(tx, d, "reminded", now, actor, { cycleStart });
        if (fresh && counselEmail) {
          await deps.notices.queue(tx, {
            kind: "delegation-renewal-due",
            to: counselEmail,
            counselId: d.counselId,
            at: now,
            actor,
          });
        }
        return fresh;
      });
      if (done) sent += 1;
    }
  }
}

async function counselEmailOf(db: Executor, counselId: string): Promise<string | undefined> {
  return (await findCounsel(db, counselId))?.contacts?.email;
}

export function delegationReminders(deps: Pick<PortalServices, "notices">): Job {
  return {
    name: "delegation-reminders",
    everyMs: 60_000,
    async run(ctx) {
      return {
        done: await sweepDelegationReminders({ db: ctx.db, clock: ctx.clock, notices: deps.notices }),
      };
    },
  };
}

/** D-3: the delegates of a counsel at work now (notified with counsel when the tribunal sends a document). */
export async function activeDelegatesOf(
  db: Executor,
  counselId: CounselId,
  now: Date,
): Promise<DelegationWithState[]> {
  return (await delegatesOf(db, counselId, now)).filter((d) => grantsAccess(d.state));
}

/** D-4: the names behind delegate ids, for counsel's oversight of who read and who sent what. */
export async function delegateNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/.test(id));
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: delegations.id, name: delegations.name })
    .from(delegations)
    .where(inArray(delegations.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * D-3: where a confirmation goes: to the person who sent it, counsel or delegate ("only the sender gets
 * the confirmation").
 */
export async function senderAddress(db: Executor, viewer: PortalViewer): Promise<string | undefined> {
  if (viewer.kind === "delegate") {
    const [d] = await db
      .select({ email: delegations.email })
      .from(delegations)
      .where(eq(delegations.id, viewer.delegateId))
      .limit(1);
    return d?.email;
  }
  return counselEmailOf(db, viewer.counselId);
}
