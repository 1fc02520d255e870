import { describe, expect, it } from "vitest";
import {
  addDays,
  canTransition,
  checkDeadline,
  checkRecipient,
  checkSender,
  chooseChannel,
  correspondenceStates,
  defaultDeadline,
  type ResponsePeriod,
  responsePeriodAt,
  stateAfter,
} from "../../src/correspondence/rules.ts";
import type { ContactPoint, Party, PartyId } from "../../src/files/model.ts";
import type { Routing } from "../../src/files/rules.ts";

const party: Party = { id: "p1" as PartyId, role: "applicant", name: "A", preferredLanguage: "fr" };
const point = (value: string, kind: "email" | "postal" = "email"): ContactPoint => ({
  seq: 1,
  partyId: party.id,
  kind,
  value,
  source: "application-form",
  providedAt: new Date("2026-01-01T00:00:00Z"),
});
const byEmail = (address: string): Routing => ({
  channel: "email",
  reason: "applicant-email",
  recipient: party,
  address,
  contactPoint: point(address),
  representedSince: undefined,
});
const byPost: Routing = {
  channel: "post",
  reason: "applicant-post",
  recipient: party,
  address: "1 rue X\nMontréal",
  contactPoint: point("1 rue X\nMontréal", "postal"),
  representedSince: undefined,
};
const nowhere: Routing = {
  channel: "none",
  reason: "no-address",
  recipient: party,
  representedSince: undefined,
};

describe("C-5: the recipient is the address on file, byte for byte, at the moment of sending", () => {
  it("C-5: the routed address passes, typed or not", () => {
    expect(
      checkRecipient({ routingNow: byEmail("a@example.com"), recorded: "a@example.com" }),
    ).toBeUndefined();
    expect(
      checkRecipient({
        routingNow: byEmail("a@example.com"),
        recorded: "a@example.com",
        typed: "a@example.com",
      }),
    ).toBeUndefined();
  });

  it("C-5: a hand-typed address that differs in any byte is refused, case included", () => {
    for (const typed of ["b@example.com", "A@example.com", "a@example.com ", "a@exаmple.com"]) {
      expect(
        checkRecipient({ routingNow: byEmail("a@example.com"), recorded: undefined, typed }),
        typed,
      ).toBe("RECIPIENT_NOT_ON_FILE");
    }
  });

  it("C-5: an address superseded between composing and sending is refused", () => {
    expect(checkRecipient({ routingNow: byEmail("new@example.com"), recorded: "old@example.com" })).toBe(
      "ADDRESS_SUPERSEDED",
    );
  });

  it("C-5: with nothing on file, no letter can go", () => {
    expect(checkRecipient({ routingNow: nowhere, recorded: undefined })).toBe("NO_ADDRESS");
  });
});

describe("C-6: response deadlines", () => {
  const periods: ResponsePeriod[] = [
    {
      seq: 1,
      country: "*",
      letterType: "request-documents",
      days: 30,
      effectiveFrom: new Date("2020-01-01T00:00:00Z"),
    },
    {
      seq: 2,
      country: "SN",
      letterType: "request-documents",
      days: 45,
      effectiveFrom: new Date("2020-01-01T00:00:00Z"),
    },
    {
      seq: 3,
      country: "SN",
      letterType: "request-documents",
      days: 60,
      effectiveFrom: new Date("2026-06-01T00:00:00Z"),
    },
    {
      seq: 4,
      country: "*",
      letterType: "interview-convocation",
      days: 14,
      effectiveFrom: new Date("2020-01-01T00:00:00Z"),
    },
  ];

  it("C-6: the country's own period applies, else the agency-wide one; the latest in force at the instant wins", () => {
    expect(responsePeriodAt(periods, "CA", "request-documents", new Date("2026-07-01T00:00:00Z"))?.days).toBe(
      30,
    );
    expect(responsePeriodAt(periods, "SN", "request-documents", new Date("2026-05-31T23:59:59Z"))?.days).toBe(
      45,
    );
    expect(responsePeriodAt(periods, "SN", "request-documents", new Date("2026-06-01T00:00:00Z"))?.days).toBe(
      60,
    );
    expect(
      responsePeriodAt(periods, "SN", "interview-convocation", new Date("2026-06-01T00:00:00Z"))?.days,
    ).toBe(14);
    expect(responsePeriodAt(periods, "CA", "approval", new Date("2026-06-01T00:00:00Z"))).toBeUndefined();
  });

  it("C-6: the default deadline is today plus the period, across month and year ends", () => {
    expect(defaultDeadline("2026-12-15", periods[0])).toBe("2027-01-14");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(defaultDeadline("2026-12-15", undefined)).toBeUndefined();
  });

  it("C-6: a request for documents or a convocation without a deadline is refused", () => {
    const base = { needsDeadline: true, today: "2026-06-15", period: periods[0] };
    expect(checkDeadline({ ...base, deadline: undefined })).toBe("DEADLINE_REQUIRED");
    expect(checkDeadline({ ...base, deadline: "" })).toBe("DEADLINE_REQUIRED");
  });

  it("C-6: the agent may lengthen the period, not shorten it; the edge day itself is allowed", () => {
    const base = { needsDeadline: true, today: "2026-06-15", period: periods[0] };
    expect(checkDeadline({ ...base, deadline: "2026-07-15" })).toBeUndefined();
    expect(checkDeadline({ ...base, deadline: "2026-09-30" })).toBeUndefined();
    expect(checkDeadline({ ...base, deadline: "2026-07-14" })).toBe("DEADLINE_TOO_SHORT");
  });

  it("C-6: a deadline today or earlier, or not a real date, is refused", () => {
    const base = { needsDeadline: true, today: "2026-06-15", period: undefined };
    expect(checkDeadline({ ...base, deadline: "2026-06-15" })).toBe("DEADLINE_IN_PAST");
    expect(checkDeadline({ ...base, deadline: "2026-06-16" })).toBeUndefined();
    expect(checkDeadline({ ...base, deadline: "2026-02-30" })).toBe("INVALID_DATE");
    expect(checkDeadline({ ...base, deadline: "soon" })).toBe("INVALID_DATE");
  });

  it("C-6: letters that need no deadline pass without one, but not with a past one", () => {
    const base = { needsDeadline: false, today: "2026-06-15", period: undefined };
    expect(checkDeadline({ ...base, deadline: undefined })).toBeUndefined();
    expect(checkDeadline({ ...base, deadline: "2026-06-01" })).toBe("DEADLINE_IN_PAST");
  });
});

describe("C-7: the sender is the office's generic mailbox", () => {
  it("C-7: the generic mailbox passes; a person's address is refused", () => {
    expect(checkSender("ircc.mtl@ircc.example", "ircc.mtl@ircc.example")).toBeUndefined();
    expect(checkSender("camille.tremblay@ircc.example", "ircc.mtl@ircc.example")).toBe(
      "SENDER_NOT_GENERIC_MAILBOX",
    );
  });
});

describe("C-1, C-4, C-13: the channel", () => {
  it("C-1: email only to a consented address", () => {
    expect(chooseChannel(byEmail("a@example.com"), 10_000, 25_000_000)).toEqual({
      channel: "email",
      reason: "consented-email",
    });
    expect(chooseChannel(byPost, 10_000, 25_000_000)).toEqual({
      channel: "post",
      reason: "no-consented-email",
    });
  });

  it("C-13: a message over the outbound limit goes by post; exactly at the limit it is emailed", () => {
    expect(chooseChannel(byEmail("a@example.com"), 4_000_001, 4_000_000).reason).toBe("over-size-limit");
    expect(chooseChannel(byEmail("a@example.com"), 4_000_000, 4_000_000).channel).toBe("email");
  });
});

describe("C-12: states and transitions", () => {
  it("C-12: draft → generated → sent → bounced | delivered-by-post, cancelled only before sending", () => {
    expect(stateAfter([])).toBe("draft");
    expect(stateAfter(["generated", "sent"])).toBe("sent");
    expect(stateAfter(["generated", "sent", "bounced", "delivered-by-post"])).toBe("delivered-by-post");
    expect(stateAfter(["generated", "delivered-by-post"])).toBe("delivered-by-post");
    expect(stateAfter(["cancelled"])).toBe("cancelled");
    expect(stateAfter(["generated", "cancelled"])).toBe("cancelled");
  });

  it("C-12: no letter is cancelled, re-sent or revived once sent or closed", () => {
    expect(() => stateAfter(["generated", "sent", "cancelled"])).toThrow(/C-12/);
    expect(() => stateAfter(["sent"])).toThrow(/C-12/);
    expect(() => stateAfter(["cancelled", "generated"])).toThrow(/C-12/);
    for (const s of ["delivered-by-post", "cancelled"] as const) {
      for (const to of correspondenceStates) expect(canTransition(s, to), `${s}→${to}`).toBe(false);
    }
  });
});
