import { describe, expect, it } from "vitest";
import { queueIdOf } from "../../src/mail/transport.ts";

// B-5: the hand-off transcript names the relay's queue id, read from its 250 reply in the common forms.

describe("queueIdOf (B-5)", () => {
  const rows: [string, string, string | undefined][] = [
    ["Postfix", "250 2.0.0 Ok: queued as 4F2C81A0B3", "4F2C81A0B3"],
    [
      "the development sink",
      "250 Message queued as 0b6f2c1e-8d7a-4c3b-9e2f-5a1d4c7b8e90",
      "0b6f2c1e-8d7a-4c3b-9e2f-5a1d4c7b8e90",
    ],
    ["Exim", "250 OK id=1rXyZq-000AbC-Qm", "1rXyZq-000AbC-Qm"],
    [
      "Gmail (two spaces, as it replies)",
      "250 2.0.0 OK  1732712345 a1b2c3d4e5f6g7.123 - gsmtp",
      "a1b2c3d4e5f6g7.123",
    ],
    ["Gmail, one space", "250 2.0.0 OK 1732712345 a1b2c3d4e5f6g7.123 - gsmtp", "a1b2c3d4e5f6g7.123"],
    ["Sendmail", "250 2.0.0 4ARCx1Zk012345 Message accepted for delivery", "4ARCx1Zk012345"],
    ["a reply without an id", "250 OK", undefined],
  ];
  it.each(rows)("B-5: %s", (_name, reply, id) => {
    expect(queueIdOf(reply)).toBe(id);
  });
});
