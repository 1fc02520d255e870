import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { createLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { correspondence } from "../../src/db/schema/correspondence.ts";
import { ledgerEntries } from "../../src/db/schema/evidence.ts";
import { applications, parties } from "../../src/db/schema/files.ts";
import {
  reconsiderationDecisions,
  reconsiderationDocuments,
  reconsiderationRequests,
} from "../../src/db/schema/reconsideration.ts";
import { openFile } from "../../src/files/service.ts";
import { en } from "../../src/i18n/en.ts";
import { formatDate } from "../../src/i18n/index.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { exeFile, pdfFile } from "../support/attachment-files.ts";

// C-22..C-24 over real HTTP: staff record a request on a refused or abandoned file; the office's
// decision-maker decides on a page showing the file's correspondence, with written reasons.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t.close());

function escaped(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** "YYYY-MM-DD", n days from today in Montréal. */
function inDays(n: number): string {
  const d = new Date(`${instantToWallTime(t.clock.now(), "America/Toronto").slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The first Montréal file of this line and status that has had no request yet (tests share the database),
 * and whose letters can reach someone (by email or post), unless `reachable` is false: then one that
 * has no address at all.
 */
async function fileWith(line: "immigration" | "citizenship", statuses: string[], reachable = true) {
  const rows = await t.database.db
    .select()
    .from(applications)
    .where(
      and(
        eq(applications.officeCode, "MTL"),
        eq(applications.lineOfBusiness, line),
        sql`${applications.status} in (${sql.join(
          statuses.map((s) => sql`${s}`),
          sql`, `,
        )})`,
        sql`not exists (select 1 from reconsideration_requests r where r.application_id = ${applications.id})`,
      ),
    )
    .orderBy(applications.number);
  const agent = { ...(await findStaffBySubject(t.database.db, "agent.mtl"))!, ip: undefined };
  let app: (typeof rows)[number] | undefined;
  for (const row of rows) {
    const file = await openFile({ db: t.database.db, clock: t.clock }, agent, row.number);
    if ((file.routing.channel !== "none") === reachable) {
      app = row;
      break;
    }
  }
  if (!app) throw new Error(`no ${line} file in ${statuses.join("/")} with reachable=${reachable}`);
  const [applicant] = await t.database.db
    .select()
    .from(parties)
    .where(and(eq(parties.applicationId, app.id), eq(parties.role, "applicant")));
  return { app, applicantId: applicant!.id };
}

/** A letter on the file, written through the service as "Send" does. */
async function writeLetter(number: string) {
  const agent = await findStaffBySubject(t.database.db, "agent.mtl");
  const staff = { ...agent!, ip: undefined };
  const services = { db: t.database.db, clock: t.clock };
  const file = await openFile(services, staff, number);
  const recipient = file.routing.channel === "none" ? "" : file.routing.address;
  return createLetter(
    services,
    staff,
    number,
    readComposeInput({ letterType: "general", agentNote: "Please call us.", recipient }),
    "send",
  );
}

/** The decision letters written on the file (C-22: the decision is written to the person, with its reasons). */
async function decisionLetters(applicationId: string) {
  return t.database.db
    .select()
    .from(correspondence)
    .where(
      and(
        eq(correspondence.applicationId, applicationId),
        eq(correspondence.letterType, "reconsideration-decision"),
      ),
    );
}

async function statusOf(id: string) {
  const [row] = await t.database.db.select().from(applications).where(eq(applications.id, id));
  return row!.status;
}

async function recordRequest(number: string, applicantId: string) {
  const agent = await t.clientAs("agent.mtl");
  const res = await agent.postForm(
    `/agent/files/${number}/reconsideration`,
    {
      requestedBy: applicantId,
      reasons: "I never received the request for documents.",
      receivedOn: inDays(0),
    },
    { formPage: `/agent/files/${number}` },
  );
  expect(res.status).toBe(303);
  expect(res.location).toMatch(/^\/agent\/reconsideration\/[0-9a-f-]{36}$/);
  return res.location!;
}

describe("reconsideration and reactivation (C-22..C-24)", () => {
  it("C-22: the request carries the party's documents, kept as received; a file of another type is refused with nothing recorded", async () => {
    const { app, applicantId } = await fileWith("immigration", ["refused", "abandoned"]);
    const agent = await t.clientAs("agent.mtl");
    const action = `/agent/files/${app.number}/reconsideration`;
    const formPage = `/agent/files/${app.number}`;
    const page = await agent.get(formPage);
    expect(page.body).toMatch(
      /<form[^>]*enctype="multipart\/form-data"[^>]*action="[^"]*reconsideration"|<form[^>]*action="[^"]*reconsideration"[^>]*enctype="multipart\/form-data"/,
    );
    expect(page.body).toContain('name="documents"');
    const fields = {
      requestedBy: applicantId,
      reasons: "The letter never reached me.",
      receivedOn: inDays(0),
    };

    // An executable renamed .pdf: refused by its content, in the person's language, nothing written.
    const refused = await agent.postFiles(
      action,
      fields,
      "documents",
      [{ name: "proof.pdf", content: exeFile() }],
      {
        formPage,
      },
    );
    expect(refused.status).toBe(415);
    expect(refused.body).toContain(escaped(en["error.ATTACHMENT_TYPE_NOT_ALLOWED"]));
    const none = await t.database.db
      .select()
      .from(reconsiderationRequests)
      .where(eq(reconsiderationRequests.applicationId, app.id));
    expect(none).toHaveLength(0);

    const pdf = pdfFile("Canada Post tracking: never delivered");
    const saved = await agent.postFiles(
      action,
      fields,
      "documents",
      [{ name: "tracking.pdf", content: pdf }],
      {
        formPage,
      },
    );
    expect(saved.status).toBe(303);
    const requestPage = saved.location!;
    const requestId = requestPage.split("/").pop()!;
    const documents = await t.database.db
      .select()
      .from(reconsiderationDocuments)
      .where(eq(reconsiderationDocuments.requestId, requestId));
    expect(documents).toMatchObject([
      { position: 1, filename: "tracking.pdf", contentType: "application/pdf", size: pdf.length },
    ]);
    // The decision-maker sees it beside the correspondence and gets the exact bytes.
    const decideur = await t.clientAs("decideur.mtl");
    const view = await decideur.get(requestPage);
    expect(view.body).toContain(`href="${requestPage}/documents/1"`);
    const res = await fetch(new URL(`${requestPage}/documents/1`, t.base), {
      headers: { cookie: [...decideur.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    // On the ledger with the request: its hash and size.
    const [entry] = await t.database.db
      .select()
      .from(ledgerEntries)
      .where(
        and(
          eq(ledgerEntries.subjectId, app.id),
          eq(ledgerEntries.eventType, "liaison.ReconsiderationRequested"),
        ),
      );
    expect(entry?.data).toContain(documents[0]!.sha256);
    // Another office's staff: 404, like the request itself.
    const vancouver = await t.clientAs("agent.van");
    expect((await vancouver.get(`${requestPage}/documents/1`)).status).toBe(404);
    expect((await decideur.get(`${requestPage}/documents/2`)).status).toBe(404);
  });

  it("C-22, C-23: a request on a refused immigration file, decided with reasons, reopens it with a future deadline", async () => {
    const { app, applicantId } = await fileWith("immigration", ["refused"]);
    const letterId = await writeLetter(app.number);
    const page = await recordRequest(app.number, applicantId);
    const requestId = page.split("/").pop()!;

    const agent = await t.clientAs("agent.mtl");
    const seen = await agent.get(page);
    expect(seen.status).toBe(200);
    expect(seen.body).toContain(escaped(en["decision.awaiting"]));
    expect(seen.body).not.toContain(`action="${page}/decision"`);
    // Only the decision-maker decides.
    const byAgent = await agent.postForm(
      `${page}/decision`,
      { outcome: "granted", reasons: "x" },
      { formPage: page },
    );
    expect(byAgent.status).toBe(403);

    const decideur = await t.clientAs("decideur.mtl");
    const form = await decideur.get(page);
    expect(form.body).toContain(`action="${page}/decision"`);
    // The correspondence, its state and the proof package, side by side with the form.
    expect(form.body).toContain('id="decision-letters"');
    expect(form.body).toContain(`href="/agent/letters/${letterId}/proof?lang=en"`);
    const granted = {
      outcome: "granted",
      reasons: "The request for documents was never sent to the applicant.",
      agencyError: "email-not-sent",
      agencyErrorDetails: "",
    };
    const noDeadline = await decideur.postForm(
      `${page}/decision`,
      { ...granted, newDeadline: "" },
      { formPage: page },
    );
    expect(noDeadline.status).toBe(400);
    expect(noDeadline.body).toContain(escaped(en["error.REOPEN_DEADLINE_REQUIRED"]));
    const past = await decideur.postForm(
      `${page}/decision`,
      { ...granted, newDeadline: inDays(0) },
      { formPage: page },
    );
    expect(past.status).toBe(400);
    expect(past.body).toContain(escaped(en["error.DEADLINE_IN_PAST"]));
    const noReasons = await decideur.postForm(
      `${page}/decision`,
      { ...granted, reasons: "", newDeadline: inDays(30) },
      { formPage: page },
    );
    expect(noReasons.status).toBe(400);
    expect(await statusOf(app.id)).toBe("refused");

    const ok = await decideur.postForm(
      `${page}/decision`,
      { ...granted, newDeadline: inDays(30) },
      { formPage: page },
    );
    expect(ok.status).toBe(303);
    expect(await statusOf(app.id)).toBe("reopened");
    const [decision] = await t.database.db
      .select()
      .from(reconsiderationDecisions)
      .where(eq(reconsiderationDecisions.requestId, requestId));
    expect(decision).toMatchObject({
      outcome: "granted",
      newDeadline: inDays(30),
      agencyError: "email-not-sent",
    });
    const shown = await decideur.get(page);
    expect(shown.body).toContain('id="decision-recorded"');
    expect(shown.body).toContain(escaped(granted.reasons));
    // C-23: the decision letter went with the decision, through the routing rules; it gives the new date
    // for the documents as its deadline (which the C-14 sweep follows), with the reasons as written.
    const [letter, ...others] = await decisionLetters(app.id);
    expect(others).toHaveLength(0);
    expect(letter!.deadline).toBe(inDays(30));
    expect(letter!.body).toContain(granted.reasons);
    for (const lang of letter!.language === "bilingual" ? (["en", "fr"] as const) : [letter!.language]) {
      expect(letter!.body).toContain(formatDate(lang, inDays(30)));
      expect(letter!.body).toMatch(lang === "fr" ? /rouverte/ : /reopened/);
    }
    expect(letter!.createdBy).toBe(decision!.decidedBy);
    expect(shown.body).toContain(`href="/agent/letters/${letter!.id}"`);

    const [ledger] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(ledgerEntries)
      .where(
        sql`${ledgerEntries.subjectId} = ${app.id} and ${ledgerEntries.eventType} = 'liaison.DecisionMade'`,
      );
    expect(ledger!.n).toBe(1);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "reconsideration.decided"), eq(auditEvents.subjectId, app.id)));
    expect(audits).toHaveLength(1);

    const again = await decideur.postForm(
      `${page}/decision`,
      { ...granted, newDeadline: inDays(30) },
      { formPage: page },
    );
    expect(again.status).toBe(409);
  });

  it("C-24: a citizenship file is not reactivated without a named agency error; with one it is", async () => {
    const { app, applicantId } = await fileWith("citizenship", ["refused", "abandoned"]);
    const page = await recordRequest(app.number, applicantId);
    const before = await statusOf(app.id);
    const decideur = await t.clientAs("decideur.mtl");
    const base = { outcome: "granted", reasons: "The notice went to the old address.", newDeadline: "" };
    const unnamed = await decideur.postForm(
      `${page}/decision`,
      { ...base, agencyError: "", agencyErrorDetails: "" },
      { formPage: page },
    );
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toContain(escaped(en["error.AGENCY_ERROR_REQUIRED"]));
    expect(await statusOf(app.id)).toBe(before);
    const named = await decideur.postForm(
      `${page}/decision`,
      {
        ...base,
        agencyError: "sent-to-old-address",
        agencyErrorDetails: "The notice went to the address replaced a month before.",
      },
      { formPage: page },
    );
    expect(named.status).toBe(303);
    expect(await statusOf(app.id)).toBe("reopened");
  });

  it("C-22: a refusal keeps the file as it was; an open file cannot receive a request", async () => {
    const { app, applicantId } = await fileWith("immigration", ["abandoned", "refused"]);
    const before = await statusOf(app.id);
    const page = await recordRequest(app.number, applicantId);
    const decideur = await t.clientAs("decideur.mtl");
    const res = await decideur.postForm(
      `${page}/decision`,
      {
        outcome: "refused",
        reasons: "Every letter was sent and accepted; no report came back.",
        agencyError: "",
        agencyErrorDetails: "",
        newDeadline: "",
      },
      { formPage: page },
    );
    expect(res.status).toBe(303);
    expect(await statusOf(app.id)).toBe(before);
    // The refusal is written to the person too, with no deadline: nothing is asked of them.
    const [letter] = await decisionLetters(app.id);
    expect(letter!.deadline).toBeNull();
    expect(letter!.body).toMatch(letter!.language === "fr" ? /maintenue/ : /stands/);

    // A file with no address for anyone: the decision cannot be written to anybody, so it is refused in
    // words and nothing is recorded; the form keeps the reasons typed.
    const unreachable = await fileWith("immigration", ["abandoned", "refused"], false);
    const status = await statusOf(unreachable.app.id);
    const noAddressPage = await recordRequest(unreachable.app.number, unreachable.applicantId);
    const noAddress = await decideur.postForm(
      `${noAddressPage}/decision`,
      {
        outcome: "refused",
        reasons: "Kept as typed.",
        agencyError: "",
        agencyErrorDetails: "",
        newDeadline: "",
      },
      { formPage: noAddressPage },
    );
    expect(noAddress.status).toBe(409);
    expect(noAddress.body).toContain(escaped(en["error.NO_ADDRESS"]));
    expect(noAddress.body).toContain("Kept as typed.");
    expect(await statusOf(unreachable.app.id)).toBe(status);
    expect(await decisionLetters(unreachable.app.id)).toHaveLength(0);
    const decided = await t.database.db
      .select()
      .from(reconsiderationDecisions)
      .where(eq(reconsiderationDecisions.requestId, noAddressPage.split("/").pop()!));
    expect(decided).toHaveLength(0);

    const open = await fileWith("immigration", ["open"]);
    const agent = await t.clientAs("agent.mtl");
    const refused = await agent.postForm(
      `/agent/files/${open.app.number}/reconsideration`,
      { requestedBy: open.applicantId, reasons: "Please", receivedOn: inDays(0) },
      { formPage: `/agent/files/${open.app.number}` },
    );
    expect(refused.status).toBe(409);
  });

  it("another office's request and file are 404", async () => {
    const { app, applicantId } = await fileWith("immigration", ["refused", "abandoned"]);
    const page = await recordRequest(app.number, applicantId);
    const van = await t.clientAs("agent.van");
    expect((await van.get(page)).status).toBe(404);
    const vanDecider = await t.clientAs("agent.van");
    const post = await vanDecider.postForm(
      `${page}/decision`,
      { outcome: "refused", reasons: "x" },
      { formPage: "/agent" },
    );
    expect(post.status).toBe(404);
    const onFile = await van.postForm(
      `/agent/files/${app.number}/reconsideration`,
      { requestedBy: applicantId, reasons: "x", receivedOn: inDays(0) },
      { formPage: "/agent" },
    );
    expect(onFile.status).toBe(404);
    expect(
      (await t.clientAs("agent.mtl").then((c) => c.get("/agent/reconsideration/not-a-uuid"))).status,
    ).toBe(404);
  });
});
