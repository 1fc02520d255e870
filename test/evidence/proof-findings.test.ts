import { describe, expect, it } from "vitest";
import { assessProof, type LeafEvent, type WarningCode } from "../../src/evidence/proof-findings.ts";

// B-4, B-5: what a package says follows from its events alone, and says plainly what weakens it.

const letterId = "7d1f0a51-2b55-4f57-9a8e-0b7c1e3f2a10";
const party = "2f6a8c1e-4d3b-4a8f-9e2d-6b1c0a7f5e3d";
const ev = (event: string, at: string, details: LeafEvent["details"] = {}): LeafEvent => ({
  v: 1,
  type: event,
  event,
  subject: { type: "correspondence", id: letterId },
  at,
  actor: "job:dispatcher",
  details,
});
const address = (contactPoint: number, value: string, providedAt: string, recordedAt: string): LeafEvent => ({
  v: 1,
  type: "liaison.AddressProvided",
  event: "address-provided",
  subject: { type: "party", id: party },
  at: recordedAt,
  actor: "staff:x",
  details: { contactPoint, kind: "email", value, source: "client-email", providedAt },
});

const letter = { channel: "email", address: "a@example.com", deadline: "2026-06-30" };
const generated = ev("generated", "2026-05-01T14:00:00.000Z", { channel: "email", address: "a@example.com" });
const sent = ev("sent", "2026-05-01T14:00:05.000Z", {
  smtp: { server: "relay:25", tls: "required", reply: "250 2.0.0 Ok: queued as ABC", queueId: "ABC" },
  envelope: { to: "a@example.com" },
});
const closed = ev("no-bounce-window-closed", "2026-05-04T14:00:05.000Z");
const first = address(1, "a@example.com", "2026-01-01T10:00:00.000Z", "2026-01-01T10:00:00.000Z");

function warnings(events: LeafEvent[], history: LeafEvent[] = [first]): WarningCode[] {
  return assessProof({ letter, events, addressHistory: history, asOf: "2026-07-01T00:00:00.000Z" }).warnings;
}

describe("assessProof (B-4, B-5)", () => {
  it("B-4: sent to the latest address, no report, window closed: no warning, and the hand-off as recorded", () => {
    const f = assessProof({
      letter,
      events: [generated, sent, closed],
      addressHistory: [first],
      asOf: "2026-07-01T00:00:00.000Z",
    });
    expect(f.warnings).toEqual([]);
    expect(f.accepted).toEqual({
      at: sent.at,
      server: "relay:25",
      tls: "required",
      reply: "250 2.0.0 Ok: queued as ABC",
      queueId: "ABC",
      envelopeTo: "a@example.com",
    });
    expect(f.latestAddressAtSend?.value).toBe("a@example.com");
    expect(f.bounceWindowClosedAt).toBe(closed.at);
  });

  const rows: [string, LeafEvent[], LeafEvent[], WarningCode][] = [
    ["B-4: not sent at all", [generated], [first], "not-sent"],
    [
      "B-4: a newer address was on record when it left",
      [generated, sent, closed],
      [first, address(2, "b@example.com", "2026-04-01T10:00:00.000Z", "2026-04-02T10:00:00.000Z")],
      "sent-to-superseded-address",
    ],
    [
      "B-4: an address recorded after it left, before the deadline",
      [generated, sent, closed],
      [first, address(2, "b@example.com", "2026-05-10T10:00:00.000Z", "2026-05-10T10:00:00.000Z")],
      "address-changed-after-send",
    ],
    [
      "B-4: a hard bounce",
      [generated, sent, ev("bounced", "2026-05-01T15:00:00.000Z", { kind: "hard" })],
      [first],
      "bounced",
    ],
    [
      "B-5: a report that says relayed is not proof",
      [generated, sent, ev("inbound-report", "2026-05-01T15:00:00.000Z", { action: "relayed" })],
      [first],
      "delivery-uncertain",
    ],
    [
      "B-5: a report that says delayed is not proof",
      [
        generated,
        sent,
        ev("inbound-report", "2026-05-01T15:00:00.000Z", { action: "delayed", kind: "soft" }),
      ],
      [first],
      "delivery-uncertain",
    ],
    ["B-6: no report yet and the window still open", [generated, sent], [first], "bounce-window-open"],
    [
      "B-4: refused by the relay, then sent by post",
      [
        generated,
        ev("smtp-rejected", "2026-05-01T14:00:05.000Z"),
        ev("delivered-by-post", "2026-05-02T14:00:00.000Z", { postedOn: "2026-05-02" }),
      ],
      [first],
      "rejected-by-relay",
    ],
  ];
  it.each(rows)("%s", (_name, events, history, code) => {
    expect(warnings(events, history)).toContain(code);
  });

  it("B-4/C-2: an email given by phone later is not a newer address to write to: no warning", () => {
    const byPhone = {
      ...address(2, "b@example.com", "2026-04-01T10:00:00.000Z", "2026-04-02T10:00:00.000Z"),
    };
    byPhone.details = { ...byPhone.details, source: "phone" };
    expect(warnings([generated, sent, closed], [first, byPhone])).toEqual([]);
  });

  it("B-4: an address recorded after the deadline is not a change that matters to this letter", () => {
    const late = address(2, "b@example.com", "2026-08-01T10:00:00.000Z", "2026-08-01T10:00:00.000Z");
    expect(
      assessProof({
        letter,
        events: [generated, sent, closed],
        addressHistory: [first, late],
        asOf: "2026-09-01T00:00:00.000Z",
      }).warnings,
    ).toEqual([]);
  });

  it("B-5: a postal letter says it was sent by post, on the day recorded", () => {
    const f = assessProof({
      letter: { ...letter, channel: "post" },
      events: [
        ev("generated", "2026-05-01T14:00:00.000Z", { channel: "post", address: "1 rue X" }),
        ev("delivered-by-post", "2026-05-02T14:00:00.000Z", { postedOn: "2026-05-02" }),
      ],
      addressHistory: [],
      asOf: "2026-07-01T00:00:00.000Z",
    });
    expect(f.postedAt).toBe("2026-05-02");
    expect(f.warnings).toEqual(["sent-by-post"]);
  });
});
