import { describe, expect, it } from "vitest";
import {
  canBeReconsidered,
  checkDecision,
  type DecisionForm,
  decisionOutcomeText,
} from "../../src/reconsideration/rules.ts";

const today = "2026-05-01";
const form = (over: Partial<DecisionForm> = {}): DecisionForm => ({
  outcome: "granted",
  reasons: "The request for documents was never sent to the representative.",
  agencyError: "",
  agencyErrorDetails: "",
  newDeadline: "2026-06-01",
  ...over,
});
const codes = (r: ReturnType<typeof checkDecision>) => r.problems.map((p) => `${p.field}:${p.code}`);

describe("reconsideration rules", () => {
  it("C-22: only a refused or abandoned file can receive a request", () => {
    expect(canBeReconsidered("refused")).toBe(true);
    expect(canBeReconsidered("abandoned")).toBe(true);
    for (const s of ["open", "approved", "withdrawn", "reopened"] as const)
      expect(canBeReconsidered(s)).toBe(false);
  });

  it("C-22: a decision needs an outcome and written reasons, whatever the outcome", () => {
    expect(codes(checkDecision("immigration", form({ outcome: "", reasons: "" }), today))).toEqual([
      "outcome:REQUIRED",
      "reasons:REQUIRED",
    ]);
    expect(codes(checkDecision("immigration", form({ outcome: "maybe" }), today))).toEqual([
      "outcome:INVALID_CHOICE",
    ]);
    const refused = checkDecision("immigration", form({ outcome: "refused", newDeadline: "" }), today);
    expect(refused.decision).toMatchObject({
      outcome: "refused",
      statusAfter: undefined,
      newDeadline: undefined,
    });
  });

  it("C-23: an immigration file granted reconsideration reopens with a new deadline in the future", () => {
    const ok = checkDecision("immigration", form({ agencyError: "email-not-sent" }), today);
    expect(ok.problems).toEqual([]);
    expect(ok.decision).toMatchObject({ statusAfter: "reopened", newDeadline: "2026-06-01" });
    expect(codes(checkDecision("immigration", form({ newDeadline: "" }), today))).toEqual([
      "newDeadline:REOPEN_DEADLINE_REQUIRED",
    ]);
    expect(codes(checkDecision("immigration", form({ newDeadline: today }), today))).toEqual([
      "newDeadline:DEADLINE_IN_PAST",
    ]);
    expect(codes(checkDecision("immigration", form({ newDeadline: "2026-02-30x" }), today))).toEqual([
      "newDeadline:INVALID_DATE",
    ]);
  });

  it("C-24: a citizenship file is reactivated only with a named administrative error of the agency", () => {
    expect(codes(checkDecision("citizenship", form({ newDeadline: "" }), today))).toEqual([
      "agencyError:AGENCY_ERROR_REQUIRED",
      "agencyErrorDetails:AGENCY_ERROR_REQUIRED",
    ]);
    expect(
      codes(checkDecision("citizenship", form({ agencyError: "typo", agencyErrorDetails: "x" }), today)),
    ).toEqual(["agencyError:INVALID_CHOICE"]);
    const ok = checkDecision(
      "citizenship",
      form({
        agencyError: "sent-to-old-address",
        agencyErrorDetails: "Notice sent to the old address after the new one was given on 12 March.",
        newDeadline: "",
      }),
      today,
    );
    expect(ok.problems).toEqual([]);
    expect(ok.decision).toMatchObject({ agencyError: "sent-to-old-address", statusAfter: "reopened" });
    // Refusing needs no named error: it is the answer when there was none.
    expect(
      checkDecision("citizenship", form({ outcome: "refused", newDeadline: "" }), today).problems,
    ).toEqual([]);
  });
});

describe("the decision letter's outcome (C-22, C-23, C-24)", () => {
  it("C-23: a reopened file is told the new date and what follows if nothing comes, in both languages", () => {
    const text = decisionOutcomeText("immigration", { outcome: "granted", newDeadline: "2026-06-01" });
    expect(text.en).toBe(
      "Granted. The application is reopened. Please provide the documents requested by June 1, 2026. If they are not received by that date, the application may be refused.",
    );
    expect(text.fr).toBe(
      "Accordée. La demande est rouverte. Veuillez fournir les documents demandés au plus tard le 1er juin 2026. S’ils ne sont pas reçus à cette date, la demande pourrait être refusée.",
    );
    expect(decisionOutcomeText("refugee", { outcome: "granted", newDeadline: "2026-06-01" }).en).toMatch(
      /may be declared abandoned\.$/,
    );
  });

  it("C-24: a reactivated citizenship file asks for nothing; C-22: a refusal says the decision stands", () => {
    expect(decisionOutcomeText("citizenship", { outcome: "granted", newDeadline: undefined })).toEqual({
      en: "Granted. The application is reactivated and its processing resumes.",
      fr: "Accordée. La demande est réactivée et son traitement reprend.",
    });
    const refused = decisionOutcomeText("immigration", { outcome: "refused", newDeadline: undefined });
    expect(refused.en).toMatch(/^Refused\. /);
    expect(refused.fr).toMatch(/^Refusée\. /);
  });
});
