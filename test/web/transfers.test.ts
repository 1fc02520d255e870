import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.ts";
import { dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { correspondence } from "../../src/db/schema/correspondence.ts";
import { ledgerEntries } from "../../src/db/schema/evidence.ts";
import { applications } from "../../src/db/schema/files.ts";
import { offices } from "../../src/db/schema/offices.ts";
import { fileTransfers } from "../../src/db/schema/transfers.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { en } from "../../src/i18n/en.ts";
import { createLogger } from "../../src/logger.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

// C-21 over real HTTP: moving a file to another office for processing (the notice goes at once, the new
// office's mailbox in copy) or for triage (nothing sent); office isolation follows the file.

let t: TestApp;
const showcase = (scenario: (typeof demoShowcase)[number]["scenario"]) =>
  demoShowcase.find((s) => s.scenario === scenario)!.number;

beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t.close());

async function mailboxOf(code: string) {
  const [row] = await t.database.db.select().from(offices).where(eq(offices.code, code));
  return row!.genericMailbox;
}

async function applicationOf(number: string) {
  const [row] = await t.database.db.select().from(applications).where(eq(applications.number, number));
  return row!;
}

async function dispatchAll() {
  const outbound = outboundServices({ ...readConfig({}), dataDir: t.dataDir }, t.devSink);
  try {
    for (;;) {
      const { claimed } = await dispatchDue({
        ...outbound,
        db: t.database.db,
        clock: t.clock,
        logger: createLogger("silent"),
      });
      if (claimed === 0) return;
    }
  } finally {
    outbound.close();
  }
}

describe("file transfers (C-21)", () => {
  it("C-21: a move for processing sends the notice at once, the new office's mailbox in Cc, sealed into the bytes", async () => {
    const number = showcase("applicant-form-email");
    const app = await applicationOf(number);
    const mtl = await t.clientAs("agent.mtl");
    const res = await mtl.postForm(
      `/agent/files/${number}/transfers`,
      { toOffice: "VAN", kind: "processing" },
      { formPage: `/agent/files/${number}` },
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe("/agent?transferred=1");
    expect((await mtl.get(res.location!)).body).toContain(en["transfer.done"]);

    const [transfer] = await t.database.db
      .select()
      .from(fileTransfers)
      .where(eq(fileTransfers.applicationId, app.id));
    expect(transfer).toMatchObject({ fromOffice: "MTL", toOffice: "VAN", kind: "processing" });
    expect(transfer!.noticeId).toBeTruthy();
    const [notice] = await t.database.db
      .select()
      .from(correspondence)
      .where(eq(correspondence.id, transfer!.noticeId!));
    const vanMailbox = await mailboxOf("VAN");
    // Written by the office that held the file, through the same service and routing as any letter.
    expect(notice).toMatchObject({ letterType: "file-transfer", officeCode: "MTL", cc: vanMailbox });
    expect(notice!.fromAddress).toBe(await mailboxOf("MTL"));
    // It tells them they may receive correspondence from the new office, and how to reach it.
    expect(notice!.body).toMatch(
      /correspondence about this file from the new office|correspondance du nouveau bureau/,
    );
    expect(notice!.body).toContain(vanMailbox);

    await dispatchAll();
    const received = (await t.devSink!.list()).filter((m) =>
      m.envelopeFrom.includes(notice!.id.replace(/-/g, "")),
    );
    expect(received).toHaveLength(1);
    expect(received[0]!.envelopeTo).toEqual([notice!.address, vanMailbox]);
    const bytes = (await t.devSink!.read(received[0]!.id))!.toString("latin1");
    const head = bytes.slice(0, bytes.indexOf("\r\n\r\n"));
    expect(head).toMatch(new RegExp(`^Cc: ${vanMailbox.replace(/[.+]/g, "\\$&")}$`, "m"));
    // The copy is signed: DKIM covers the Cc header.
    expect(head).toMatch(/^DKIM-Signature:[\s\S]*?h=[^;]*Cc/im);

    const [ledger] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(ledgerEntries)
      .where(
        sql`${ledgerEntries.subjectId} = ${app.id} and ${ledgerEntries.eventType} = 'liaison.FileTransferred'`,
      );
    expect(ledger!.n).toBe(1);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "application.transferred"));
    expect(audits.some((a) => a.subjectId === app.id)).toBe(true);
  });

  it("C-21: the old office gets 404 on the file and its letters; the new office sees the whole history", async () => {
    const number = showcase("applicant-form-email");
    const app = await applicationOf(number);
    expect(app.officeCode).toBe("VAN");
    const [notice] = await t.database.db
      .select()
      .from(correspondence)
      .where(eq(correspondence.applicationId, app.id));
    const mtl = await t.clientAs("agent.mtl");
    expect((await mtl.get(`/agent/files/${number}`)).status).toBe(404);
    expect((await mtl.get(`/agent/letters/${notice!.id}`)).status).toBe(404);
    const van = await t.clientAs("agent.van");
    const page = await van.get(`/agent/files/${number}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="transfer-history"');
    expect(page.body).toContain(`href="/agent/letters/${notice!.id}"`);
    expect((await van.get(`/agent/letters/${notice!.id}`)).status).toBe(200);
  });

  it("C-21: a triage move sends nothing", async () => {
    const number = showcase("applicant-wrote-by-email");
    const app = await applicationOf(number);
    const mtl = await t.clientAs("agent.mtl");
    const before = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(correspondence)
      .where(eq(correspondence.applicationId, app.id));
    const res = await mtl.postForm(
      `/agent/files/${number}/transfers`,
      { toOffice: "VAN", kind: "triage" },
      { formPage: `/agent/files/${number}` },
    );
    expect(res.status).toBe(303);
    const after = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(correspondence)
      .where(eq(correspondence.applicationId, app.id));
    expect(after[0]!.n).toBe(before[0]!.n);
    const [transfer] = await t.database.db
      .select()
      .from(fileTransfers)
      .where(eq(fileTransfers.applicationId, app.id));
    expect(transfer).toMatchObject({ kind: "triage", noticeId: null, toOffice: "VAN" });
    expect((await applicationOf(number)).officeCode).toBe("VAN");
  });

  it("refuses a role that does not record (403), a person of another office (404), and the same office (400)", async () => {
    const number = showcase("representative-with-email");
    const form = { toOffice: "VAN", kind: "processing" };
    const auditor = await t.clientAs("auditeur");
    const denied = await auditor.postForm(`/agent/files/${number}/transfers`, form, {
      formPage: `/agent/files/${number}`,
    });
    expect(denied.status).toBe(403);
    const van = await t.clientAs("agent.van");
    const hidden = await van.postForm(`/agent/files/${number}/transfers`, form, { formPage: "/agent" });
    expect(hidden.status).toBe(404);
    const mtl = await t.clientAs("agent.mtl");
    const same = await mtl.postForm(
      `/agent/files/${number}/transfers`,
      { toOffice: "MTL", kind: "triage" },
      { formPage: `/agent/files/${number}` },
    );
    expect(same.status).toBe(400);
    expect(same.body).toContain(en["error.TRANSFER_SAME_OFFICE"]);
    expect((await applicationOf(number)).officeCode).toBe("MTL");
    const rows = await t.database.db
      .select()
      .from(fileTransfers)
      .where(eq(fileTransfers.applicationId, (await applicationOf(number)).id));
    expect(rows).toHaveLength(0);
  });
  it("regression (C-21, C-4): a notice that goes by post is printed by the office that holds the file now", async () => {
    const number = showcase("applicant-postal-only");
    const mtl = await t.clientAs("agent.mtl");
    const res = await mtl.postForm(
      `/agent/files/${number}/transfers`,
      { toOffice: "VAN", kind: "processing" },
      { formPage: `/agent/files/${number}` },
    );
    expect(res.status).toBe(303);
    const app = await applicationOf(number);
    const [transfer] = await t.database.db
      .select()
      .from(fileTransfers)
      .where(eq(fileTransfers.applicationId, app.id));
    const notice = transfer!.noticeId!;
    const [letter] = await t.database.db.select().from(correspondence).where(eq(correspondence.id, notice));
    expect(letter?.channel).toBe("post");
    const van = await t.clientAs("agent.van");
    expect((await van.get("/agent/post")).body).toContain(`/agent/letters/${notice}/pdf`);
    expect((await mtl.get("/agent/post")).body).not.toContain(`/agent/letters/${notice}/pdf`);
  });
});
