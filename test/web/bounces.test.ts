import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { openLetter } from "../../src/correspondence/service.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import type { StaffContext } from "../../src/files/service.ts";
import { listOffices } from "../../src/files/store.ts";
import { en } from "../../src/i18n/en.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { sendDemoLetter, watchDevMailbox } from "../support/sent-letters.ts";

// /agent/bounces and the development relay's bounces over HTTP (C-16, C-17): a sent letter is bounced
// from /dev/mail, read by the watcher, and shown; an unmatched report is matched by hand or set aside;
// another office's report is a 404.

let t: TestApp;
let agent: StaffContext;
const escaped = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const services = () => ({ db: t.database.db, clock: t.clock });

beforeAll(async () => {
  t = await startTestApp();
  agent = { ...(await findStaffBySubject(t.database.db, "agent.mtl"))!, ip: "127.0.0.1" };
});
afterAll(async () => {
  await t?.close();
});

const sendAndDispatch = async (scenario: string) => (await sendDemoLetter(t, scenario)).id;
const watch = () => watchDevMailbox(t);

describe("returned mail (C-16, C-17)", () => {
  it("C-16/C-17: /dev/mail bounces a sent letter; once read, /agent/bounces lists it as sent to the post", async () => {
    const id = await sendAndDispatch("applicant-form-email");
    const message = (await t.devSink!.list()).find((m) => m.envelopeFrom.includes(id.replaceAll("-", "")))!;
    const mtl = await t.clientAs("agent.mtl");
    const page = await mtl.get(`/dev/mail/${message.id}`);
    expect(page.body).toContain(escaped(en["dev.bounceTitle"]));
    const bounced = await mtl.postForm(
      `/dev/mail/${message.id}/bounce`,
      { kind: "hard" },
      { formPage: `/dev/mail/${message.id}` },
    );
    expect(bounced.status).toBe(303);
    expect((await mtl.get(bounced.location!)).body).toContain(escaped(en["dev.bounced"]));
    const results = await watch();
    expect(results.some((r) => r.status === "matched" && r.correspondenceId === id)).toBe(true);
    expect((await openLetter(services(), agent, id)).state).toBe("bounced");
    const list = await mtl.get("/agent/bounces");
    expect(list.status).toBe(200);
    expect(list.body).toContain(`href="/agent/letters/${id}"`);
    expect(list.body).toContain(escaped(en["bounces.outcome.post"]));
    expect((await mtl.get("/agent/post")).body).toContain(`/agent/letters/${id}/pdf`);
    // The file says it too, for whoever opens it next (C-17, B-5).
    const number = demoShowcase.find((s) => s.scenario === "applicant-form-email")!.number;
    const file = await mtl.get(`/agent/files/${number}`);
    expect(file.body).toContain('id="letters-follow-up"');
    expect(file.body).toContain(escaped(en["letters.followUp"]));
  });

  it("C-16: an unmatched report waits for review; matched by hand to a letter id it acts on it; a bad id is a field error", async () => {
    const id = await sendAndDispatch("applicant-wrote-by-email");
    const { letter } = await openLetter(services(), agent, id);
    const mailbox = (await listOffices(t.database.db)).find((o) => o.code === "MTL")!.genericMailbox;
    const report = [
      "From: postmaster@mx.example.net",
      `To: ${mailbox}`,
      "Subject: Returned mail: see transcript for details",
      "",
      "----- The following addresses had permanent fatal errors -----",
      `<${letter.address}>`,
      "    (reason: 550 5.1.1 User unknown)",
      "",
    ].join("\r\n");
    // Sent long after: outside the recipient window, and quoting neither our envelope nor the Message-ID.
    t.clock.advance(30 * 86_400_000);
    await t.devSink!.deposit(Buffer.from(report), { from: "", to: [mailbox] });
    const [result] = (await watch()).filter((r) => r.status !== "duplicate");
    expect(result?.status).toBe("needs-review");
    // Signed in after the month went by (a session lasts 12 hours).
    const mtl = await t.clientAs("agent.mtl");
    if (result?.status !== "needs-review") throw new Error("unreachable");
    const queue = await mtl.get("/agent/bounces");
    expect(queue.body).toContain(`action="/agent/bounces/${result.id}/match"`);

    const wrong = await mtl.postForm(
      `/agent/bounces/${result.id}/match`,
      { letter: "not-an-id" },
      { formPage: "/agent/bounces" },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain(escaped(en["error.LETTER_NOT_FOUND"]));

    // Another office's staff cannot see or decide it.
    const van = await t.clientAs("agent.van");
    expect((await van.get(`/agent/bounces/${result.id}/raw`)).status).toBe(404);
    expect(
      (await van.postForm(`/agent/bounces/${result.id}/dismiss`, {}, { formPage: "/agent/bounces" })).status,
    ).toBe(404);

    const matched = await mtl.postForm(
      `/agent/bounces/${result.id}/match`,
      { letter: id },
      { formPage: "/agent/bounces" },
    );
    expect(matched.status).toBe(303);
    expect((await openLetter(services(), agent, id)).state).toBe("bounced");
    const again = await mtl.postForm(
      `/agent/bounces/${result.id}/dismiss`,
      {},
      { formPage: "/agent/bounces" },
    );
    expect(again.status).toBe(409);
    expect((await mtl.get(`/agent/bounces/${result.id}/raw`)).body).toContain("permanent fatal errors");
  });

  it("C-16: a report set aside leaves the queue, recorded", async () => {
    const mailbox = (await listOffices(t.database.db)).find((o) => o.code === "MTL")!.genericMailbox;
    await t.devSink!.deposit(
      Buffer.from(
        `From: MAILER-DAEMON@x.example\r\nTo: ${mailbox}\r\nSubject: Undeliverable\r\n\r\n<a@b.example>: 550 5.1.1 unknown\r\n`,
      ),
      { from: "", to: [mailbox] },
    );
    const [result] = (await watch()).filter((r) => r.status !== "duplicate");
    if (result?.status !== "needs-review") throw new Error(`expected review, got ${result?.status}`);
    const mtl = await t.clientAs("agent.mtl");
    const done = await mtl.postForm(
      `/agent/bounces/${result.id}/dismiss`,
      {},
      { formPage: "/agent/bounces" },
    );
    expect(done.location).toBe("/agent/bounces?done=dismissed");
    expect((await mtl.get("/agent/bounces")).body).not.toContain(`/agent/bounces/${result.id}/match`);
  });
});
