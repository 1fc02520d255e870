import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IntakeDeps, recordInbound } from "../../src/bounces/intake.ts";
import { pollDevMailbox } from "../../src/bounces/mailbox-dev.ts";
import { reviewQueue } from "../../src/bounces/store.ts";
import { postalQueue } from "../../src/correspondence/post.ts";
import { openLetter } from "../../src/correspondence/service.ts";
import { findLetter } from "../../src/correspondence/store.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { sequenceAll } from "../../src/evidence/ledger.ts";
import { entriesOfSubject } from "../../src/evidence/ledger-store.ts";
import { openFile, recordContactPoint } from "../../src/files/service.ts";
import { listOffices } from "../../src/files/store.ts";
import { createLogger } from "../../src/logger.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";

// C-16..C-18 with the development sink playing the relay and the generic mailbox: a letter to an
// address that cannot be delivered bounces, the report is read, matched, put on the ledger, and the
// letter goes to the post, or is re-sent to the address the party gave since; a report about nothing
// we sent waits for review.

let desk: LetterDesk;
let deps: IntakeDeps;
let offices: { code: string; genericMailbox: string }[];

beforeAll(async () => {
  desk = await openLetterDesk();
  deps = {
    db: desk.database.db,
    clock: desk.clock,
    blobs: fileBlobStore(path.join(desk.dataDir, "blobs")),
    logger: createLogger("silent"),
  };
  offices = await listOffices(desk.database.db);
});
afterAll(async () => {
  await desk?.dispose();
});

/** Gives the file's applicant a new email address (by email: consent, C-2), provided a minute ago. */
async function newEmail(number: string, value: string) {
  const file = await openFile(desk.services(), desk.agent, number);
  desk.clock.advance(120_000);
  await recordContactPoint(desk.services(), desk.agent, number, {
    partyId: file.parties.applicant.id,
    kind: "email",
    value,
    source: "client-email",
    providedAt: instantToWallTime(new Date(desk.clock.now().getTime() - 60_000), "America/Toronto").slice(
      0,
      16,
    ),
  });
}

async function poll() {
  // The sink bounces asynchronously, right after it accepted the message.
  for (let i = 0; i < 50; i++) {
    const results = await pollDevMailbox(deps, desk.sink, offices);
    const fresh = results.filter((r) => r.status !== "duplicate");
    if (fresh.length > 0) return fresh;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

describe("a hard bounce (C-16, C-17)", () => {
  it("C-16/C-17: on the latest address: matched by VERP, recorded, on the ledger, and the letter goes to the postal queue", async () => {
    const number = desk.showcase("applicant-wrote-by-email");
    await newEmail(number, "gone@nowhere.invalid");
    const id = await desk.send(number);
    await desk.dispatchAll();
    const [result] = await poll();
    expect(result).toMatchObject({ status: "matched", correspondenceId: id, outcome: "post" });
    const { state, events } = await openLetter(desk.services(), desk.agent, id);
    expect(state).toBe("bounced");
    const bounced = events.find((e) => e.kind === "bounced")!;
    expect(bounced.details).toMatchObject({ kind: "hard", reason: "user-unknown", status: "5.1.1" });
    expect(events.at(-1)?.kind).toBe("routed-to-post");
    const queue = await postalQueue(desk.services(), desk.agent);
    expect(queue.map((q) => q.letter.id)).toContain(id);

    // B-6: the report is on the ledger, as is the letter's bounce (ETSI ContentConsignmentFailure).
    await sequenceAll(desk.database.db);
    const letterLeaves = await entriesOfSubject(desk.database.db, "correspondence", [id]);
    expect(letterLeaves.map((e) => e.entry.eventType)).toContain("ContentConsignmentFailure");
    if (result?.status !== "matched") throw new Error("unreachable");
    const reportLeaves = await entriesOfSubject(desk.database.db, "inbound-report", [result.id]);
    expect(reportLeaves).toHaveLength(1);
    expect(JSON.parse(reportLeaves[0]!.entry.data).details).toMatchObject({
      matchedBy: "verp",
      correspondence: id,
    });
  });

  it("C-17: the party gave another address after the letter left: the same letter is re-sent there as a new, linked record", async () => {
    const number = desk.showcase("applicant-form-email");
    await newEmail(number, "old@nowhere.invalid");
    const id = await desk.send(number);
    await desk.dispatchAll();
    // The applicant writes from a new address before the report comes back.
    await newEmail(number, "new.address@example.org");
    const [result] = await poll();
    expect(result).toMatchObject({ status: "matched", correspondenceId: id, outcome: "resend" });
    const { state, events } = await openLetter(desk.services(), desk.agent, id);
    expect(state).toBe("bounced");
    const resent = events.find((e) => e.kind === "resent")!;
    const newId = String(resent.details.newLetter);
    const copy = (await findLetter(desk.database.db, newId))!;
    const original = (await findLetter(desk.database.db, id))!;
    expect(copy.replaces).toBe(id);
    expect(copy.address).toBe("new.address@example.org");
    expect([copy.subject, copy.body]).toEqual([original.subject, original.body]);
    await desk.dispatchAll();
    expect((await openLetter(desk.services(), desk.agent, newId)).state).toBe("sent");
    // Not in the postal queue: it was re-sent by email.
    const queue = await postalQueue(desk.services(), desk.agent);
    expect(queue.map((q) => q.letter.id)).not.toContain(id);
  });

  it("C-16: the same report read twice is recorded once", async () => {
    const raw = Buffer.from("From: x@example.com\r\nSubject: hello\r\n\r\nhi\r\n");
    const msg = {
      officeCode: "MTL",
      sourceKey: "test:dup",
      raw,
      receivedAt: desk.clock.now(),
      ourMailboxes: [],
    };
    const first = await recordInbound(deps, msg);
    expect(first.status).not.toBe("duplicate");
    expect(await recordInbound(deps, msg)).toEqual({ status: "duplicate" });
  });
});

describe("reports that do not end a letter (C-18, B-5) and reports about nothing (C-16)", () => {
  it("C-18/B-5: a delay report on a sent letter is a warning to follow up; the letter stays sent", async () => {
    const id = await desk.send(desk.showcase("representative-with-email"));
    await desk.dispatchAll();
    const sent = (await desk.sink.list()).find((m) => m.envelopeFrom.includes(id.replaceAll("-", "")))!;
    await desk.sink.bounce(sent.id, "soft");
    const [result] = await poll();
    expect(result).toMatchObject({ status: "matched", correspondenceId: id, outcome: "warning" });
    const { state, events } = await openLetter(desk.services(), desk.agent, id);
    expect(state).toBe("sent");
    expect(events.at(-1)).toMatchObject({
      kind: "inbound-report",
      details: { action: "delayed", kind: "soft" },
    });
  });

  it("C-16: a report about a message we never sent goes to the review queue, never dropped", async () => {
    const mtl = offices.find((o) => o.code === "MTL")!;
    const report = Buffer.from(
      [
        "From: MAILER-DAEMON@mx.example.net",
        `To: ${mtl.genericMailbox}`,
        "Subject: Undelivered Mail Returned to Sender",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        "--b",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        "Final-Recipient: rfc822; stranger@example.net",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
        "",
        "--b--",
        "",
      ].join("\r\n"),
    );
    await desk.sink.deposit(report, { from: "", to: [mtl.genericMailbox] });
    const [result] = await poll();
    expect(result?.status).toBe("needs-review");
    const queue = await reviewQueue(desk.database.db, ["MTL"]);
    expect(queue.some((r) => result?.status === "needs-review" && r.id === result.id)).toBe(true);
  });
});
