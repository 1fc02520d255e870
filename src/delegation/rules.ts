import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Delegation's clocks (SPEC D-2) and its limits (D-1), as pure functions of a delegation's history and an
// instant. Nothing here reads a clock or a table: the state shown to counsel, the access a delegate gets
// and what the sweep sends are all this module's answer for (history, now), so they never disagree.
//
// The clocks, from seed 002 "Délégation":
// - A delegation lasts 60 days from its grant (the delegate's registration) or its latest renewal.
// - Counsel get a reminder 10 days before the end (day 50). Not renewed within 10 days of the reminder,
//   the delegate is blocked: with the reminder on time, that is the 60th day. A reminder sent late (the
//   worker was down) still leaves counsel their 10 days: the block comes 10 days after it.
// - 10 days after the block (the expiry), the delegate is gone from counsel's list and must be invited
//   again. Until then counsel may renew, which restarts the 60 days and tells the delegate.
// - Counsel may end a delegation at any moment (D-6): access stops at once, and it leaves the list.
// - An invitation not taken up within 30 days lapses (the seed is silent; a standing invitation to an
//   address is a standing risk).

export const DAY_MS = 86_400_000;
export const DELEGATION_MS = 60 * DAY_MS;
export const REMINDER_BEFORE_MS = 10 * DAY_MS;
export const RENEW_WITHIN_MS = 10 * DAY_MS;
export const SHOWN_AFTER_EXPIRY_MS = 10 * DAY_MS;
export const INVITATION_MS = 30 * DAY_MS;
/** D-1: delegates at once per counsel. */
export const MAX_ACTIVE_DELEGATES = 4;
/** D-1: wrong answers before the invitation locks (counsel must invite again). */
export const MAX_ANSWER_ATTEMPTS = 5;

export type DelegationEventKind = "invited" | "granted" | "reminded" | "renewed" | "revoked" | "locked";

export interface DelegationEvent {
  kind: DelegationEventKind;
  at: Date;
}

export type DelegationState =
  /** Invited, not registered yet. */
  | { kind: "invited"; lapsesAt: Date }
  /** Working: sees counsel's cases. `reminded` once counsel were told to renew. */
  | { kind: "active"; grantedAt: Date; reminderDueAt: Date; blockedAt: Date; reminded: boolean }
  /** Expired: no access, still in counsel's list, renewable until `goneAt`. */
  | { kind: "blocked"; blockedAt: Date; goneAt: Date }
  /** Out of the list: revoked, lapsed, locked at registration, or 10 days past expiry. Invite again. */
  | { kind: "gone"; reason: "revoked" | "expired" | "lapsed" | "locked" };

const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

/**
 * D-2: the state at `now` of a delegation whose history is `events` (in the order recorded). Events after
 * `now` are ignored, so the state at any past instant can be asked too.
 */
export function delegationState(events: readonly DelegationEvent[], now: Date): DelegationState {
  const t = now.getTime();
  let invitedAt: Date | undefined;
  let start: Date | undefined;
  let reminder: Date | undefined;
  for (const e of events) {
    if (e.at.getTime() > t) break;
    switch (e.kind) {
      case "invited":
        invitedAt = e.at;
        break;
      case "revoked":
        return { kind: "gone", reason: "revoked" };
      case "locked":
        if (!start) return { kind: "gone", reason: "locked" };
        break;
      case "granted":
      case "renewed": {
        // A renewal counts only while the delegation is still renewable (the service checks it too).
        if (e.kind === "renewed" && !start) break;
        if (e.kind === "renewed" && start) {
          const s = stateOfCycle(start, reminder, e.at);
          if (s.kind === "gone") return s;
        }
        start = e.at;
        reminder = undefined;
        break;
      }
      case "reminded":
        if (start && !reminder) reminder = e.at;
        break;
    }
  }
  if (!start) {
    if (!invitedAt) return { kind: "gone", reason: "lapsed" };
    const lapsesAt = plus(invitedAt, INVITATION_MS);
    return t < lapsesAt.getTime() ? { kind: "invited", lapsesAt } : { kind: "gone", reason: "lapsed" };
  }
  return stateOfCycle(start, reminder, now);
}

/** One 60-day cycle from `start`, with the reminder if one was sent in it. */
function stateOfCycle(start: Date, reminder: Date | undefined, now: Date): DelegationState {
  const end = plus(start, DELEGATION_MS);
  const blockedAt = reminder && plus(reminder, RENEW_WITHIN_MS) > end ? plus(reminder, RENEW_WITHIN_MS) : end;
  const t = now.getTime();
  if (t < blockedAt.getTime()) {
    return {
      kind: "active",
      grantedAt: start,
      reminderDueAt: plus(end, -REMINDER_BEFORE_MS),
      blockedAt,
      reminded: reminder !== undefined,
    };
  }
  const goneAt = plus(blockedAt, SHOWN_AFTER_EXPIRY_MS);
  return t < goneAt.getTime() ? { kind: "blocked", blockedAt, goneAt } : { kind: "gone", reason: "expired" };
}

/** D-2: the sweep sends counsel a reminder now (once per cycle, never after the block). */
export function reminderDue(state: DelegationState, now: Date): boolean {
  return state.kind === "active" && !state.reminded && now.getTime() >= state.reminderDueAt.getTime();
}

/** D-2: counsel may renew while the delegate works or is blocked; once gone, only a new invitation. */
export function renewable(state: DelegationState): boolean {
  return state.kind === "active" || state.kind === "blocked";
}

/** D-1: what counts against the limit of 4: invitations outstanding and delegates at work. */
export function takesASeat(state: DelegationState): boolean {
  return state.kind === "invited" || state.kind === "active";
}

/** D-2: shown in counsel's list (everything but gone). */
export function shownToCounsel(state: DelegationState): boolean {
  return state.kind !== "gone";
}

/** D-3: the delegate may work in counsel's account now. */
export function grantsAccess(state: DelegationState): boolean {
  return state.kind === "active";
}

/**
 * D-1: an answer as counsel and the delegate will both type it, within reason: case, accents' forms,
 * surrounding and repeated spaces do not matter.
 */
export function normaliseAnswer(answer: string): string {
  return answer.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("fr-CA");
}

/** A salted hash of an answer: the table never holds what counsel told the delegate. */
export function hashAnswer(
  answer: string,
  salt = randomBytes(16).toString("hex"),
): { salt: string; hash: string } {
  const hash = createHash("sha256")
    .update(`${salt}:${normaliseAnswer(answer)}`)
    .digest("hex");
  return { salt, hash };
}

export function answerMatches(answer: string, stored: { salt: string; hash: string }): boolean {
  const { hash } = hashAnswer(answer, stored.salt);
  return timingSafeEqual(Buffer.from(hash, "hex"), Buffer.from(stored.hash, "hex"));
}
