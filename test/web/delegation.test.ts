import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { delegationEvents } from "../../src/db/schema/delegation.ts";
import { portalInboxRemovals, portalNotifications, portalSubmissions } from "../../src/db/schema/portal.ts";
import { DAY_MS } from "../../src/delegation/rules.ts";
import { endDelegation } from "../../src/delegation/service.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { sendDocumentToCounsel } from "../../src/portal/inbox.ts";
import { startTestApp, type TestApp, type TestClient } from "../support/app.ts";
import { pdfFile } from "../support/attachment-files.ts";
import { answers, counselViewer, delegateOf, type TestDelegate } from "../support/delegation.ts";
import {
  openMontrealFiles,
  registeredCounsel,
  signInThroughProvider,
  staffContext,
  type TestCounsel,
} from "../support/portal.ts";

let t: TestApp;
let files: string[];
let counselA: TestCounsel;
let counselB: TestCounsel;
let delegate: TestDelegate;
let documentOfA: string;

beforeAll(async () => {
  t = await startTestApp();
  files = await openMontrealFiles(t, 3);
  counselA = await registeredCounsel(t, [files[0] as string, files[1] as string]);
  counselB = await registeredCounsel(t, [files[2] as string]);
  delegate = await delegateOf(t, counselA.id);
  const agent = await staffContext(t, "agent.mtl");
  ({ id: documentOfA } = await sendDocumentToCounsel(
    t.portal,
    agent,
    files[0] as string,
    { title: "Notice A" },
    [{ filename: "a.pdf", content: pdfFile("A"), size: pdfFile("A").length }],
  ));
}, 60_000);

afterAll(async () => {
  await t?.close();
});

let asDelegate: TestClient;
let asCounsel: TestClient;
beforeEach(async () => {
  asDelegate = await t.portalClientAs(delegate.subject);
  asCounsel = await t.portalClientAs(counselA.subject);
});

describe("D-1: registration in the browser's terms", () => {
  it("D-1: a delegate signs in with their own identity, enters the code, answers counsel's questions, and is in", async () => {
    const d = await delegateOf(t, counselB.id, { register: false, subject: "gckey.fresh.delegate" });
    const client = t.anonymous();
    const after = await signInThroughProvider(client, "gckey.fresh.delegate");
    expect(after.location).toBe("/portal/register");
    const register = await client.get("/portal/register");
    expect(register.body).toContain('href="/portal/delegate"');
    const questions = await client.postForm(
      "/portal/delegate/questions",
      { invitationCode: d.invitationCode },
      { formPage: "/portal/delegate" },
    );
    expect(questions.status).toBe(200);
    expect(questions.body).toContain("Which borough is our office in?");
    const wrong = await client.postForm(
      "/portal/delegate/accept",
      { invitationCode: d.invitationCode, answer0: "nope", answer1: "nope" },
      { formPage: "/portal/delegate" },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("These answers are not the ones counsel gave you");
    const ok = await client.postForm(
      "/portal/delegate/accept",
      { invitationCode: d.invitationCode, answer0: answers[0], answer1: answers[1] },
      { formPage: "/portal/delegate" },
    );
    expect(ok.status).toBe(303);
    const cases = await client.get("/portal/cases");
    expect(cases.status).toBe(200);
    expect(cases.body).toContain(files[2]);
    expect(cases.body).toContain(`Working for ${"Test Counsel"}`);
    const unknown = await client.postForm(
      "/portal/delegate/questions",
      { invitationCode: "DI-AAAA-BBBB" },
      { formPage: "/portal/delegate" },
    );
    expect(unknown.status).toBe(400);
    await endDelegation(t.portal, counselViewer(counselB.id), undefined, d.id);
  });
});

describe("D-3, D-4: working as a delegate, and counsel's oversight", () => {
  it("D-3: a delegate sees exactly counsel's cases and files for counsel; only the delegate gets the confirmation; the record names both", async () => {
    const cases = await asDelegate.get("/portal/cases");
    expect(cases.body).toContain(files[0]);
    expect(cases.body).toContain(files[1]);
    expect(cases.body).not.toContain(files[2]);
    const res = await asDelegate.postFiles(
      `/portal/cases/${files[0]}/documents`,
      { kind: "evidence", description: "Filed by the delegate" },
      "document",
      [{ name: "d.pdf", content: pdfFile("delegate") }],
      { formPage: `/portal/cases/${files[0]}` },
    );
    expect(res.status).toBe(201);
    const number = /class="confirmation-number">([A-Z0-9-]+)</.exec(res.body)?.[1] as string;
    const [row] = await t.database.db
      .select()
      .from(portalSubmissions)
      .where(eq(portalSubmissions.confirmationNumber, number));
    expect(row).toMatchObject({ counselId: counselA.id, delegateId: delegate.id });
    const notices = await t.database.db
      .select()
      .from(portalNotifications)
      .where(eq(portalNotifications.kind, "document-received"));
    const forThis = [];
    for (const n of notices)
      if ((await t.portal.blobs.get(n.sha256))?.toString("utf8").includes(number)) forThis.push(n.toAddress);
    expect(forThis).toEqual([delegate.email]);
    // D-4: counsel sees who sent it.
    const page = await asCounsel.get(`/portal/cases/${files[0]}`);
    expect(page.body).toContain(`By Delegate`);
    const activity = await asCounsel.get(`/portal/delegates/${delegate.id}`);
    expect(activity.body).toContain(number);
  });

  it("D-3: when the tribunal sends a document, counsel and the delegate are both notified", async () => {
    const agent = await staffContext(t, "agent.mtl");
    await sendDocumentToCounsel(t.portal, agent, files[1] as string, { title: "Notice B" }, [
      { filename: "b.pdf", content: pdfFile("B"), size: pdfFile("B").length },
    ]);
    const sent = await t.database.db
      .select()
      .from(portalNotifications)
      .where(eq(portalNotifications.kind, "document-sent"));
    const to = sent.map((n) => n.toAddress);
    expect(to.filter((a) => a === counselA.email).length).toBeGreaterThanOrEqual(2);
    // Notice A (before this test) and Notice B: the delegate was at work for both.
    expect(to.filter((a) => a === delegate.email).length).toBe(2);
  });

  it("D-4: a delegate reads counsel's inbox but cannot delete from it (the server refuses); counsel sees who read", async () => {
    const doc = await asDelegate.get(`/portal/inbox/${documentOfA}/document`);
    expect(doc.status).toBe(200);
    const item = await asDelegate.get(`/portal/inbox/${documentOfA}`);
    expect(item.body).not.toContain(`/portal/inbox/${documentOfA}/remove`);
    const refused = await asDelegate.postForm(
      `/portal/inbox/${documentOfA}/remove`,
      {},
      { formPage: "/portal/inbox" },
    );
    expect(refused.status).toBe(403);
    expect(
      await t.database.db
        .select()
        .from(portalInboxRemovals)
        .where(eq(portalInboxRemovals.documentId, documentOfA)),
    ).toHaveLength(0);
    const seen = await asCounsel.get(`/portal/inbox/${documentOfA}`);
    expect(seen.body).toMatch(/By Delegate \d+ \(delegate\)/);
  });

  it("D-1, D-6: a delegate cannot manage delegates nor change counsel's profile", async () => {
    expect((await asDelegate.get("/portal/delegates/new")).status).toBe(403);
    const invite = await asDelegate.postForm(
      "/portal/delegates",
      { name: "x", email: "x@y.example" },
      { formPage: "/portal/cases" },
    );
    expect(invite.status).toBe(403);
    const profile = await asDelegate.postForm(
      "/portal/profile",
      { email: "x@y.example", mobile: "+15145550000" },
      { formPage: "/portal/cases" },
    );
    expect(profile.status).toBe(403);
    expect((await asDelegate.get("/portal/profile")).body).not.toContain('action="/portal/profile"');
  });
});

describe("D-5: a delegate of several counsel", () => {
  it("D-5: sees whose cases they are in and switches; a counsel they do not work for is a 404", async () => {
    const both = await delegateOf(t, counselA.id, { subject: "gckey.two.counsel" });
    await delegateOf(t, counselB.id, { subject: "gckey.two.counsel" });
    const client = await t.portalClientAs("gckey.two.counsel");
    const list = await client.get("/portal/counsel");
    expect(list.status).toBe(200);
    expect(list.body).toContain(`Work for`);
    const first = await client.get("/portal/cases");
    const inA = first.body.includes(files[0] as string);
    const other = inA ? counselB.id : counselA.id;
    const switched = await client.postForm(
      "/portal/acting-for",
      { counselId: other },
      { formPage: "/portal/counsel" },
    );
    expect(switched.status).toBe(303);
    const second = await client.get("/portal/cases");
    expect(second.body.includes(files[0] as string)).toBe(!inA);
    const stranger = await registeredCounsel(t, []);
    const refused = await client.postForm(
      "/portal/acting-for",
      { counselId: stranger.id },
      { formPage: "/portal/counsel" },
    );
    expect(refused.status).toBe(404);
    await endDelegation(t.portal, counselViewer(counselA.id), undefined, both.id);
  });
});

describe("every portal route as a blocked, expired, revoked and foreign delegate", () => {
  /** Routes that only need an identity (sign-in, registration): every other one needs a delegation at work. */
  const identityRoutes = new Set([
    "/portal",
    "/portal/sign-in",
    "/portal/callback",
    "/portal/sign-out",
    "/portal/register",
    "/portal/delegate",
    "/portal/delegate/questions",
    "/portal/delegate/accept",
  ]);
  const pathOf = (url: string) =>
    url
      .replace(":number", files[0] as string)
      .replace(":id", url.startsWith("/portal/delegates") ? delegate.id : documentOfA);

  async function walk(
    client: TestClient,
    expected: (method: string, url: string) => number[],
    message?: string,
  ) {
    const routes = t.routes.filter((r) => r.url.startsWith("/portal/") && !identityRoutes.has(r.url));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const removalsBefore = (await t.database.db.select().from(portalInboxRemovals)).length;
    const submissionsBefore = (await t.database.db.select().from(portalSubmissions)).length;
    for (const r of routes) {
      const path = pathOf(r.url);
      const res =
        r.method === "GET"
          ? await client.get(path)
          : r.url.endsWith("/documents")
            ? await client.postFiles(
                path,
                { kind: "other", description: "x" },
                "document",
                [{ name: "a.pdf", content: pdfFile() }],
                { formPage: "/portal/delegate" },
              )
            : await client.postForm(
                path,
                { counselId: counselA.id, email: "x@y.example", mobile: "+15145550000" },
                { formPage: "/portal/delegate" },
              );
      expect(expected(r.method, r.url), `${r.method} ${r.url} gave ${res.status}`).toContain(res.status);
      if (message && res.status === 403) expect(res.body, `${r.method} ${r.url}`).toContain(message);
    }
    expect((await t.database.db.select().from(portalInboxRemovals)).length).toBe(removalsBefore);
    expect((await t.database.db.select().from(portalSubmissions)).length).toBe(submissionsBefore);
  }

  it("D-2: blocked (expired, not renewed): every route refuses in words", async () => {
    const d = await delegateOf(t, counselA.id);
    const [g] = await t.database.db
      .select()
      .from(delegationEvents)
      .where(and(eq(delegationEvents.delegationId, d.id), eq(delegationEvents.kind, "granted")));
    const offset = (g as { at: Date }).at.getTime() + 60 * DAY_MS + 1000 - t.clock.now().getTime();
    t.clock.advance(offset);
    try {
      const client = await t.portalClientAs(d.subject);
      await walk(client, () => [403], "Your delegation has expired and your access is blocked");
    } finally {
      // The clock only moves forward: the other delegations were granted before and are blocked too now,
      // so this test restores nothing; it runs after the tests that need active delegates.
    }
  });

  it("D-2: expired past 10 days: every route says the delegation ended", async () => {
    t.clock.advance(11 * DAY_MS);
    const client = await t.portalClientAs(delegate.subject);
    await walk(client, () => [403], "Your delegation has ended");
  });

  it("D-6: revoked: access stops on the next request", async () => {
    const c = await registeredCounsel(t, [files[1] as string]);
    const d = await delegateOf(t, c.id);
    const client = await t.portalClientAs(d.subject);
    expect((await client.get("/portal/cases")).status).toBe(200);
    await endDelegation(t.portal, counselViewer(c.id), undefined, d.id);
    await walk(client, () => [403], "Your delegation has ended");
    // Home leads a former delegate to registration, which says why and where a new invitation goes.
    const home = await client.get("/portal");
    expect(home.location).toBe("/portal/register");
    const register = await client.get("/portal/register");
    expect(register.body).toContain("Your delegation has ended");
    expect(register.body).toContain('href="/portal/delegate"');
  });

  it("foreign: a delegate at work for another counsel gets 404 (or, for counsel-only actions, 403) on counsel A's things", async () => {
    const c = await registeredCounsel(t, [files[2] as string]);
    const d = await delegateOf(t, c.id);
    const client = await t.portalClientAs(d.subject);
    const idRoutes = (url: string) => url.includes(":number") || url.includes(":id");
    const routes = t.routes.filter((r) => r.url.startsWith("/portal/") && idRoutes(r.url));
    for (const r of routes) {
      const path = pathOf(r.url);
      const res =
        r.method === "GET"
          ? await client.get(path)
          : r.url.endsWith("/documents")
            ? await client.postFiles(
                path,
                { kind: "other", description: "x" },
                "document",
                [{ name: "a.pdf", content: pdfFile() }],
                { formPage: "/portal/cases" },
              )
            : await client.postForm(path, { email: "x@y.example" }, { formPage: "/portal/cases" });
      const counselOnly = r.url.startsWith("/portal/delegates/") && r.method === "POST";
      expect(counselOnly ? [403] : [404], `${r.method} ${r.url} gave ${res.status}`).toContain(res.status);
    }
  });
});

describe("staff see counsel's delegates (D-1..D-6)", () => {
  it("D-2, D-6: the counsel's page lists every delegate, ended ones included, with the state and the history; staff change nothing", async () => {
    const c = await registeredCounsel(t, []);
    const working = await delegateOf(t, c.id);
    const ended = await delegateOf(t, c.id);
    await endDelegation(t.portal, counselViewer(c.id), "127.0.0.1", ended.id);
    const staff = await t.clientAs("soutien");
    const page = await staff.get(`/agent/counsel/${c.id}`);
    expect(page.status).toBe(200);
    const table = /<table id="delegations">([\s\S]*?)<\/table>/.exec(page.body)?.[1] ?? "";
    expect(table).toContain(working.email);
    expect(table).toContain(ended.email);
    expect(table).toContain("Active until");
    expect(table).toContain(en["delegation.state.gone"]);
    expect(table).toContain(en["counsel.delegationEvent.granted"]);
    expect(table).toContain(en["counsel.delegationEvent.revoked"]);
    // Read-only: renewing and ending are counsel's.
    expect(table).not.toContain("<form");
    const french = await t.clientAs("soutien");
    french.cookies.set("lang", "fr");
    expect((await french.get(`/agent/counsel/${c.id}`)).body).toContain(
      fr["counsel.delegationEvent.revoked"],
    );
  });
});
