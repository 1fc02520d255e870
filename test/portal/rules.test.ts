import { describe, expect, it } from "vitest";
import {
  mayChangeProfile,
  mayFileOn,
  mayRemoveFromInbox,
  maySeeCase,
  type PortalViewer,
} from "../../src/portal/access.ts";
import type { CounselId } from "../../src/portal/model.ts";
import {
  ACCESS_CODE_TTL_MS,
  type AccessCodeState,
  caseShownOn,
  checkAccessCode,
  easternDay,
  easternStamp,
  formDueAt,
  hashAccessCode,
  lastDayShown,
  MAX_CODE_ATTEMPTS,
  mayUsePortal,
  newAccessCode,
  newConfirmationNumber,
  newLockCode,
  PORTAL_IDLE_MS,
  PORTAL_SESSION_MAX_MS,
  sameLockCode,
  sessionAlive,
} from "../../src/portal/rules.ts";

const issued = new Date("2026-03-01T15:00:00Z");
const code = (over: Partial<AccessCodeState> = {}): AccessCodeState => ({
  issuedAt: issued,
  expiresAt: new Date(issued.getTime() + ACCESS_CODE_TTL_MS),
  usedAt: null,
  replacedAt: null,
  failedAttempts: 0,
  ...over,
});

describe("P-1: standing", () => {
  it("P-1: only counsel in good standing may use the portal", () => {
    expect(mayUsePortal("good")).toBe(true);
    for (const s of ["suspended", "revoked", "resigned", undefined] as const)
      expect(mayUsePortal(s)).toBe(false);
  });
});

describe("P-2: access codes", () => {
  it("P-2: a code is six digits, and its hash depends on the code's id", () => {
    for (let i = 0; i < 50; i++) expect(newAccessCode()).toMatch(/^\d{6}$/);
    expect(hashAccessCode("a", "123456")).not.toBe(hashAccessCode("b", "123456"));
    expect(hashAccessCode("a", "123456")).toBe(hashAccessCode("a", "123456"));
  });

  it("P-2: valid until the last millisecond of its 24 hours, expired from the 24th hour on", () => {
    const last = new Date(issued.getTime() + ACCESS_CODE_TTL_MS - 1);
    expect(checkAccessCode(code(), true, last)).toBe("valid");
    expect(checkAccessCode(code(), true, new Date(issued.getTime() + ACCESS_CODE_TTL_MS))).toBe("expired");
    expect(checkAccessCode(code(), false, last)).toBe("wrong");
  });

  it("P-2: single use; a replaced code and an exhausted code no longer work, even typed right", () => {
    expect(checkAccessCode(code({ usedAt: issued }), true, issued)).toBe("used");
    expect(checkAccessCode(code({ replacedAt: issued }), true, issued)).toBe("replaced");
    expect(checkAccessCode(code({ failedAttempts: MAX_CODE_ATTEMPTS }), true, issued)).toBe("exhausted");
    expect(checkAccessCode(code({ failedAttempts: MAX_CODE_ATTEMPTS - 1 }), true, issued)).toBe("valid");
  });
});

describe("P-3: locks and sessions", () => {
  it("P-3: a lock code reads out without look-alikes, and is matched whatever the case, spaces or dash", () => {
    for (let i = 0; i < 50; i++) expect(newLockCode()).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(sameLockCode("abcd efgh", "ABCD-EFGH")).toBe(true);
    expect(sameLockCode("ABCDEFGH", "ABCD-EFGH")).toBe(true);
    expect(sameLockCode("ABCD-EFGX", "ABCD-EFGH")).toBe(false);
    expect(sameLockCode("", "ABCD-EFGH")).toBe(false);
  });

  it("P-3: a session lives 30 minutes idle and 12 hours at most", () => {
    const start = new Date("2026-03-01T12:00:00Z");
    const s = { lastSeenAt: start, expiresAt: new Date(start.getTime() + PORTAL_SESSION_MAX_MS) };
    expect(sessionAlive(s, new Date(start.getTime() + PORTAL_IDLE_MS - 1))).toBe(true);
    expect(sessionAlive(s, new Date(start.getTime() + PORTAL_IDLE_MS))).toBe(false);
    const busy = {
      lastSeenAt: new Date(start.getTime() + PORTAL_SESSION_MAX_MS - 1000),
      expiresAt: s.expiresAt,
    };
    expect(sessionAlive(busy, new Date(start.getTime() + PORTAL_SESSION_MAX_MS - 1))).toBe(true);
    expect(sessionAlive(busy, new Date(start.getTime() + PORTAL_SESSION_MAX_MS))).toBe(false);
  });
});

describe("P-4: the 45 days", () => {
  const decided = { status: "refused", finalDecisionOn: "2026-03-01" };

  it("P-4: a case decided on 1 March is shown through 14 April (Eastern) and gone on 15 April", () => {
    expect(lastDayShown("2026-03-01")).toBe("2026-04-14");
    // 14 April 23:59:59 EDT is 15 April 03:59:59 UTC.
    expect(caseShownOn(decided, new Date("2026-04-15T03:59:59Z"))).toBe(true);
    expect(caseShownOn(decided, new Date("2026-04-15T04:00:00Z"))).toBe(false);
  });

  it("P-4: the Eastern day crosses the change to summer time (EST to EDT) correctly", () => {
    // 8 March 2026, 02:00 EST becomes 03:00 EDT.
    expect(easternDay(new Date("2026-03-08T04:59:59Z"))).toBe("2026-03-07");
    expect(easternDay(new Date("2026-03-08T05:00:00Z"))).toBe("2026-03-08");
    const winter = { status: "approved", finalDecisionOn: "2026-01-20" }; // last day 5 March (EST, UTC-5)
    expect(caseShownOn(winter, new Date("2026-03-06T04:59:59Z"))).toBe(true);
    expect(caseShownOn(winter, new Date("2026-03-06T05:00:00Z"))).toBe(false);
  });

  it("P-4: open and reopened cases are always shown; a decided case without a date too", () => {
    const far = new Date("2030-01-01T00:00:00Z");
    expect(caseShownOn({ status: "open", finalDecisionOn: null }, far)).toBe(true);
    expect(caseShownOn({ status: "reopened", finalDecisionOn: "2026-01-01" }, far)).toBe(true);
    expect(caseShownOn({ status: "withdrawn", finalDecisionOn: null }, far)).toBe(true);
  });
});

describe("P-5, P-8: stamps and clocks", () => {
  it("P-5: the time stamp of receipt is recorded as Eastern Time reads it, with EST or EDT's offset", () => {
    expect(easternStamp(new Date("2026-01-15T18:05:22Z"))).toBe("2026-01-15T13:05:22-05:00");
    expect(easternStamp(new Date("2026-07-15T18:05:22Z"))).toBe("2026-07-15T14:05:22-04:00");
    expect(easternStamp(new Date("2026-01-01T04:59:59Z"))).toBe("2025-12-31T23:59:59-05:00");
  });

  it("P-5: confirmation numbers name what they confirm and the Eastern year", () => {
    expect(newConfirmationNumber("D", new Date("2026-01-01T04:00:00Z"))).toMatch(/^D2025-[A-HJ-NP-Z2-9]{8}$/);
    expect(newConfirmationNumber("F", new Date("2026-06-01T12:00:00Z"))).toMatch(/^F2026-[A-HJ-NP-Z2-9]{8}$/);
  });

  it("P-8: a contact change is due 48 hours after its submission", () => {
    expect(formDueAt(new Date("2026-03-01T12:00:00Z")).toISOString()).toBe("2026-03-03T12:00:00.000Z");
  });
});

describe("access (pure): what a viewer may see and do", () => {
  const mine = "c-1" as CounselId;
  const counsel: PortalViewer = { kind: "counsel", counselId: mine };
  const delegate: PortalViewer = { kind: "delegate", delegateId: "d-1", counselId: mine };
  const now = new Date("2026-03-10T12:00:00Z");
  const open = { representedBy: [mine], status: "open", finalDecisionOn: null };

  it("P-4: a case is the viewer's only when their account represents it, and while it is shown", () => {
    expect(maySeeCase(counsel, open, now)).toBe(true);
    expect(maySeeCase(counsel, { ...open, representedBy: ["c-2" as CounselId] }, now)).toBe(false);
    expect(maySeeCase(counsel, { ...open, status: "refused", finalDecisionOn: "2026-01-01" }, now)).toBe(
      false,
    );
    // A delegate sees exactly counsel's cases (issue 8 builds the delegate viewer only while active).
    expect(maySeeCase(delegate, open, now)).toBe(true);
    expect(mayFileOn(delegate, open, now)).toBe(true);
  });

  it("P-6: only counsel remove from the general inbox; P-8: only counsel change their profile", () => {
    expect(mayRemoveFromInbox(counsel)).toBe(true);
    expect(mayRemoveFromInbox(delegate)).toBe(false);
    expect(mayChangeProfile(counsel)).toBe(true);
    expect(mayChangeProfile(delegate)).toBe(false);
  });
});
