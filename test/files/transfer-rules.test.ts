import { describe, expect, it } from "vitest";
import { checkDestination, noticeRequired } from "../../src/transfers/rules.ts";

describe("transfer rules", () => {
  it("C-21: a move for processing notifies the party; a triage move does not", () => {
    expect(noticeRequired("processing")).toBe(true);
    expect(noticeRequired("triage")).toBe(false);
  });
  it("C-21: a file moves to another office, never to the one holding it", () => {
    expect(checkDestination("MTL", "VAN")).toBeUndefined();
    expect(checkDestination("MTL", "MTL")).toBe("TRANSFER_SAME_OFFICE");
  });
});
