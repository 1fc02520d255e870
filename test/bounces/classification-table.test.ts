import { describe, expect, it } from "vitest";
import { CLASSIFICATION_TABLE } from "../../src/bounces/classification-table.ts";
import { classify, enhancedStatusIn, matchRow, replyCodeIn } from "../../src/bounces/classify.ts";

describe("classification table", () => {
  // Each row's own example must land on that row: a row shadowed by an earlier one fails here.
  it.each(CLASSIFICATION_TABLE.map((row, index) => ({ index, row, name: `row ${index}: ${row.note}` })))(
    "$name",
    ({ index, row }) => {
      const status = row.example.status ?? null;
      expect(matchRow(status, row.example.diagnostic)).toBe(index);
      const c = classify({ action: null, status, diagnostic: row.example.diagnostic });
      expect(c.reason).toBe(row.reason);
      expect(c.row).toBe(index);
      if (row.kind) expect(c.kind).toBe(row.kind);
    },
  );

  it("has a note and at least one pattern on every row", () => {
    for (const row of CLASSIFICATION_TABLE) {
      expect(row.note.length).toBeGreaterThan(10);
      expect(row.status ?? row.diagnostic).toBeDefined();
    }
  });
});

describe("kind rules", () => {
  const userUnknown = "550 5.1.1 <ana@example.org>: Recipient address rejected: User unknown";

  it("follows the status class when the report gives no action: 5.x.x hard, 4.x.x soft", () => {
    expect(classify({ action: null, status: "5.1.1", diagnostic: userUnknown }).kind).toBe("hard");
    expect(classify({ action: null, status: "4.2.2", diagnostic: "452 4.2.2 Mailbox full" })).toMatchObject({
      kind: "soft",
      reason: "mailbox-full",
    });
    expect(classify({ action: null, status: "2.0.0", diagnostic: "250 Ok" }).kind).toBe("not-a-bounce");
  });

  it("takes Action: failed as final whatever the status class (Postfix expiry: failed with 4.4.1)", () => {
    expect(
      classify({
        action: "failed",
        status: "4.4.1",
        diagnostic: "delivery temporarily suspended: connect to x",
      }),
    ).toMatchObject({ kind: "hard", reason: "expired/delayed" });
  });

  it("makes 5.2.2 hard (the letter was returned) with reason mailbox-full", () => {
    expect(
      classify({ action: "failed", status: "5.2.2", diagnostic: "552 5.2.2 Mailbox full" }),
    ).toMatchObject({
      kind: "hard",
      reason: "mailbox-full",
    });
  });

  it("makes Action: delayed soft and expired/delayed, whatever the code says", () => {
    expect(classify({ action: "delayed", status: "5.1.1", diagnostic: userUnknown })).toMatchObject({
      kind: "soft",
      reason: "expired/delayed",
    });
  });

  it.each(["relayed", "expanded", "delivered"])("does not count Action: %s as a failure", (action) => {
    expect(classify({ action, status: "2.0.0", diagnostic: "250 2.0.0 Ok" })).toMatchObject({
      kind: "not-a-bounce",
      reason: "other",
    });
  });

  it("uses the report's own wording when there is no action", () => {
    expect(
      classify({ action: null, status: null, diagnostic: "Mailbox quota exceeded", hint: "failed" }).kind,
    ).toBe("hard");
    expect(
      classify({ action: null, status: "5.1.1", diagnostic: userUnknown, hint: "delayed" }),
    ).toMatchObject({
      kind: "soft",
      reason: "expired/delayed",
    });
  });

  it("falls back to the SMTP reply class, then to soft when there is no evidence at all", () => {
    expect(classify({ action: null, status: null, diagnostic: "550 Requested action not taken" }).kind).toBe(
      "hard",
    );
    expect(classify({ action: null, status: null, diagnostic: "451 Try later" }).kind).toBe("soft");
    expect(classify({ action: null, status: null, diagnostic: null })).toMatchObject({
      kind: "soft",
      reason: "other",
    });
  });

  it("reads a more specific code in the diagnostic behind a generic X.0.0 status", () => {
    expect(classify({ action: "failed", status: "5.0.0", diagnostic: "550 5.1.1 unknown" })).toMatchObject({
      reason: "user-unknown",
      status: "5.0.0",
    });
  });

  it("tells spam from policy under 5.7.1 by the words", () => {
    expect(
      classify({ action: "failed", status: "5.7.1", diagnostic: "554 5.7.1 Message rejected as spam" })
        .reason,
    ).toBe("rejected-as-spam");
    expect(
      classify({ action: "failed", status: "5.7.1", diagnostic: "554 5.7.1 Relay access denied" }).reason,
    ).toBe("policy");
  });
});

describe("code extraction", () => {
  it("finds enhanced status codes but not IP addresses or versions", () => {
    expect(enhancedStatusIn("Sorry, no mailbox here by that name. (#5.1.1)")).toBe("5.1.1");
    expect(enhancedStatusIn("550-5.7.1 [192.0.2.10] blocked")).toBe("5.7.1");
    expect(enhancedStatusIn("host 192.0.2.55 said: try later")).toBeNull();
    expect(enhancedStatusIn("Exim 4.97.1 here")).toBeNull();
    expect(enhancedStatusIn("Status: 5.0.0 (permanent failure)")).toBe("5.0.0");
  });

  it("finds SMTP reply codes but not ports or years", () => {
    expect(replyCodeIn("Remote host said: 554: delivery error")).toBe("554");
    expect(replyCodeIn("#550 RESOLVER.ADR.RecipNotFound")).toBe("550");
    expect(replyCodeIn("connect to mx[203.0.113.9]:25: timed out in 2024")).toBeNull();
  });
});
