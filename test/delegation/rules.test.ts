import { describe, expect, it } from "vitest";
import {
  answerMatches,
  DAY_MS,
  type DelegationEvent,
  delegationState,
  grantsAccess,
  hashAnswer,
  normaliseAnswer,
  reminderDue,
  renewable,
  shownToCounsel,
  takesASeat,
} from "../../src/delegation/rules.ts";

const t0 = new Date("2026-03-01T14:00:00Z");
const at = (days: number, seconds = 0) => new Date(t0.getTime() + days * DAY_MS + seconds * 1000);
const ev = (kind: DelegationEvent["kind"], days: number, seconds = 0): DelegationEvent => ({
  kind,
  at: at(days, seconds),
});
const granted = [ev("invited", -2), ev("granted", 0)];

describe("D-2: the clocks, to the second", () => {
  it("D-2: active for 60 days from the grant; the reminder is due on day 50", () => {
    const s = delegationState(granted, at(49, 86_399));
    expect(s).toMatchObject({ kind: "active", reminded: false });
    expect(reminderDue(s, at(49, 86_399))).toBe(false);
    expect(reminderDue(delegationState(granted, at(50)), at(50))).toBe(true);
    expect(delegationState(granted, at(59, 86_399)).kind).toBe("active");
  });

  it("D-2: with the reminder on time, blocked at the 60th day's first second, gone 10 days later", () => {
    const h = [...granted, ev("reminded", 50)];
    expect(delegationState(h, at(60, -1)).kind).toBe("active");
    expect(reminderDue(delegationState(h, at(55)), at(55))).toBe(false);
    expect(delegationState(h, at(60))).toEqual({ kind: "blocked", blockedAt: at(60), goneAt: at(70) });
    expect(delegationState(h, at(70, -1)).kind).toBe("blocked");
    expect(delegationState(h, at(70))).toEqual({ kind: "gone", reason: "expired" });
  });

  it("D-2: a late reminder still leaves counsel 10 days: blocked 10 days after it", () => {
    const h = [...granted, ev("reminded", 57)];
    expect(delegationState(h, at(66, 86_399)).kind).toBe("active");
    expect(delegationState(h, at(67)).kind).toBe("blocked");
    expect(delegationState(h, at(77)).kind).toBe("gone");
  });

  it("D-2: without any reminder the delegation still ends on day 60 (and no reminder is due once blocked)", () => {
    const s = delegationState(granted, at(60));
    expect(s.kind).toBe("blocked");
    expect(reminderDue(s, at(60))).toBe(false);
  });

  it("D-2: renewal restarts the 60 days, from active or from blocked; the reminder is owed again", () => {
    const h = [...granted, ev("reminded", 50), ev("renewed", 55)];
    const s = delegationState(h, at(104));
    expect(s).toMatchObject({ kind: "active", grantedAt: at(55), reminded: false });
    expect(reminderDue(s, at(104))).toBe(false);
    expect(reminderDue(delegationState(h, at(105)), at(105))).toBe(true);
    expect(delegationState(h, at(115)).kind).toBe("blocked");
    const fromBlocked = [...granted, ev("reminded", 50), ev("renewed", 65)];
    expect(delegationState(fromBlocked, at(66)).kind).toBe("active");
    expect(delegationState(fromBlocked, at(125)).kind).toBe("blocked");
  });

  it("D-2: a renewal after the delegate is gone changes nothing: they must be invited again", () => {
    const h = [...granted, ev("reminded", 50), ev("renewed", 70)];
    expect(delegationState(h, at(71))).toEqual({ kind: "gone", reason: "expired" });
  });

  it("D-6: revoked, access stops at that second", () => {
    const h = [...granted, ev("revoked", 10, 30)];
    expect(delegationState(h, at(10, 29)).kind).toBe("active");
    expect(delegationState(h, at(10, 30))).toEqual({ kind: "gone", reason: "revoked" });
  });

  it("D-1: an invitation lapses after 30 days; locked by wrong answers, it is gone", () => {
    const inv = [ev("invited", 0)];
    expect(delegationState(inv, at(29, 86_399))).toMatchObject({ kind: "invited" });
    expect(delegationState(inv, at(30))).toEqual({ kind: "gone", reason: "lapsed" });
    expect(delegationState([...inv, ev("locked", 1)], at(1))).toEqual({ kind: "gone", reason: "locked" });
  });

  it("D-2: the state at a past instant ignores later events", () => {
    const h = [...granted, ev("revoked", 10)];
    expect(delegationState(h, at(5)).kind).toBe("active");
  });

  it("D-1, D-2: seats, list, access and renewal follow the state", () => {
    const states = {
      invited: delegationState([ev("invited", 0)], at(1)),
      active: delegationState(granted, at(1)),
      blocked: delegationState(granted, at(61)),
      gone: delegationState(granted, at(71)),
    };
    expect(Object.values(states).map(takesASeat)).toEqual([true, true, false, false]);
    expect(Object.values(states).map(shownToCounsel)).toEqual([true, true, true, false]);
    expect(Object.values(states).map(grantsAccess)).toEqual([false, true, false, false]);
    expect(Object.values(states).map(renewable)).toEqual([false, true, true, false]);
  });
});

describe("D-1: the answers counsel gave the delegate", () => {
  it("D-1: match whatever the case and spaces, never stored in clear", () => {
    const stored = hashAnswer("  Le  chat de Marie ");
    expect(stored.hash).not.toContain("chat");
    expect(answerMatches("le chat de marie", stored)).toBe(true);
    expect(answerMatches("LE CHAT DE MARIE", stored)).toBe(true);
    expect(answerMatches("le chien de marie", stored)).toBe(false);
    expect(normaliseAnswer("É\u0301")).toBe(normaliseAnswer("É\u0301"));
    expect(hashAnswer("x").salt).not.toBe(hashAnswer("x").salt);
  });
});
