import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { ledgerEntries } from "../../src/db/schema/evidence.ts";
import { applications } from "../../src/db/schema/files.ts";
import {
  portalDocumentReads,
  portalForms,
  portalNotifications,
  portalSubmissions,
} from "../../src/db/schema/portal.ts";
import { processForm } from "../../src/portal/forms.ts";
import { sendDocumentToCounsel } from "../../src/portal/inbox.ts";
import { inviteToRegister } from "../../src/portal/registry.ts";
import { startTestApp, type TestApp, type TestClient } from "../support/app.ts";
import { exeFile, pdfFile, pdfOfSize } from "../support/attachment-files.ts";
import {
  lastSmsCode,
  openMontrealFiles,
  registeredCounsel,
  signInThroughProvider,
  staffContext,
  type TestCounsel,
} from "../support/portal.ts";

let t: TestApp;
/** Open files of the Montréal office, on which each test counsel is declared representative. */
let files: string[];
let counselA: TestCounsel;
let counselB: TestCounsel;
let a: TestClient;
let b: TestClient;

beforeAll(async () => {
  t = await startTestApp();
  files = await openMontrealFiles(t, 4);
  expect(files.length).toBe(4);
  counselA = await registeredCounsel(t, [files[0] as string, files[1] as string]);
  counselB = await registeredCounsel(t, [files[2] as string], { language: "fr" });
}, 60_000);

// Some tests move the clock past a session's idle limit: each test starts with fresh sessions.
beforeEach(async () => {
  a = await t.portalClientAs(counselA.subject);
  b = await t.portalClientAs(counselB.subject);
});

afterAll(async () => {
  await t?.close();
});

const fileA = () => files[0] as string;
const fileB = () => files[2] as string;

describe("P-3: sign-in through the external provider", () => {
  it("P-3: signs in over OIDC with PKCE at the development sign-in partner, without any password here", async () => {
    const client = t.anonymous();
    const start = await client.get("/portal/sign-in");
    expect(start.status).toBe(302);
    const url = new URL(start.location as string);
    expect(url.pathname).toBe("/dev/portal-oidc/auth");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    const res = await signInThroughProvider(t.anonymous(), counselA.subject);
    expect(res.status).toBe(302);
    expect(res.location).toBe("/portal");
  });

  it("P-2: an identity no counsel registered is sent to registration; a page of the portal is refused in words", async () => {
    const client = t.anonymous();
    const res = await signInThroughProvider(client, "gckey.stranger");
    expect(res.location).toBe("/portal/register");
    const cases = await client.get("/portal/cases");
    expect(cases.status).toBe(403);
    expect(cases.body).toContain("no My Case account is registered to this identity");
  });

  it("P-3: a page asked for without a session leads to sign-in and back to it", async () => {
    const res = await t.anonymous().get(`/portal/cases/${fileA()}`);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/portal/sign-in?next=${encodeURIComponent(`/portal/cases/${fileA()}`)}`);
  });

  it("P-3: a session ends after 30 minutes idle (Protected B)", async () => {
    const client = await t.portalClientAs(counselA.subject);
    expect((await client.get("/portal/cases")).status).toBe(200);
    t.clock.advance(31 * 60_000);
    const res = await client.get("/portal/cases");
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/portal\/sign-in/);
  });

  it("P-3: signing out ends the session", async () => {
    const client = await t.portalClientAs(counselA.subject);
    const out = await client.postForm("/portal/sign-out", {}, { formPage: "/portal/cases" });
    expect(out.status).toBe(303);
    expect((await client.get("/portal/cases")).status).toBe(302);
  });
});

describe("P-2: registration with the access code", () => {
  it("P-2: staff invite, the code arrives by SMS, the counsel registers once; the code is single use", async () => {
    const c = await registeredCounsel(t, [files[3] as string], { register: false });
    const code = await lastSmsCode(t, c.mobile);
    const client = t.anonymous();
    await signInThroughProvider(client, c.subject);
    const form = { professionalBody: "law-society", memberNumber: c.memberNumber };
    const wrong = await client.postForm("/portal/register", {
      ...form,
      accessCode: code === "000000" ? "111111" : "000000",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain("This access code is not valid");
    const ok = await client.postForm("/portal/register", { ...form, accessCode: code });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/portal/cases?registered=1");
    const cases = await client.get("/portal/cases?registered=1");
    expect(cases.body).toContain("You are registered");
    expect(cases.body).toContain(files[3]);
    // Another identity with the same code: already registered (counsel register once).
    const other = t.anonymous();
    await signInThroughProvider(other, "gckey.impostor");
    const again = await other.postForm("/portal/register", { ...form, accessCode: code });
    expect(again.status).toBe(409);
    expect(again.body).toContain("already registered");
    // account-changed notice for the registration (P-7).
    const notices = await t.database.db
      .select()
      .from(portalNotifications)
      .where(eq(portalNotifications.counselId, c.id));
    expect(notices.map((n) => n.kind)).toContain("account-changed");
  });

  it("P-2: a code expires after 24 hours", async () => {
    const c = await registeredCounsel(t, [], { register: false });
    const code = await lastSmsCode(t, c.mobile);
    t.clock.advance(24 * 3_600_000);
    const client = t.anonymous();
    await signInThroughProvider(client, c.subject);
    const res = await client.postForm("/portal/register", {
      professionalBody: "law-society",
      memberNumber: c.memberNumber,
      accessCode: code,
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("expired");
  });

  it("P-3: five wrong codes lock the account and show a lock code; the sign-in then shows it too (FR)", async () => {
    const c = await registeredCounsel(t, [], { register: false });
    const client = t.anonymous();
    client.cookies.set("lang", "fr");
    await signInThroughProvider(client, c.subject);
    const form = { professionalBody: "law-society", memberNumber: c.memberNumber };
    let res = await client.postForm("/portal/register", { ...form, accessCode: "999999" });
    for (let i = 1; i < 5; i++)
      res = await client.postForm("/portal/register", { ...form, accessCode: "999999" });
    expect(res.status).toBe(423);
    expect(res.body).toContain("Votre code de verrouillage");
    const lockCode = /class="lock-code">([A-Z0-9-]+)</.exec(res.body)?.[1];
    expect(lockCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Even the right code is refused now.
    const right = await client.postForm("/portal/register", {
      ...form,
      accessCode: await lastSmsCode(t, c.mobile),
    });
    expect(right.status).toBe(423);
    expect(right.body).toContain(lockCode);
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, c.id), eq(auditEvents.action, "portal.account-locked")));
    expect(audit).toHaveLength(1);
  });

  it("P-3: access-code entries are rate-limited per address (10 a minute)", async () => {
    const client = t.anonymous();
    await signInThroughProvider(client, "gckey.guesser");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await client.postForm("/portal/register", {
        professionalBody: "law-society",
        memberNumber: "NOBODY",
        accessCode: String(100000 + i),
      });
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });

  it("P-1: staff cannot invite counsel who are not in good standing, nor invite twice once registered", async () => {
    const agent = await staffContext(t, "agent.mtl");
    await expect(inviteToRegister(t.portal, agent, counselA.id)).rejects.toMatchObject({
      code: "ALREADY_REGISTERED",
    });
  });
});

describe("P-4: my cases", () => {
  it("P-4: lists the counsel's active cases with status and next hearing, and not another counsel's", async () => {
    const res = await a.get("/portal/cases");
    expect(res.status).toBe(200);
    expect(res.body).toContain(files[0]);
    expect(res.body).toContain(files[1]);
    expect(res.body).not.toContain(files[2]);
  });

  it("P-4: another counsel's case is a 404, the same as a case that does not exist", async () => {
    expect((await a.get(`/portal/cases/${fileB()}`)).status).toBe(404);
    expect((await a.get("/portal/cases/Z999999999")).status).toBe(404);
    expect((await a.get("/portal/cases/not-a-number")).status).toBe(404);
  });

  it("P-4: a decided case is shown until the 45th day after its final decision, in Eastern Time", async () => {
    const number = files[1] as string;
    const now = t.clock.now();
    // Decided 44 days ago (Eastern calendar): still shown today; 45 days ago: gone.
    const day = (n: number) =>
      new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto" }).format(
        new Date(now.getTime() - n * 86_400_000),
      );
    await t.database.db.execute(sql`alter table applications disable trigger user`).catch(() => undefined);
    await t.database.db
      .update(applications)
      .set({ status: "refused", finalDecisionOn: day(44) })
      .where(eq(applications.number, number));
    expect((await a.get("/portal/cases")).body).toContain(number);
    expect((await a.get(`/portal/cases/${number}`)).status).toBe(200);
    await t.database.db
      .update(applications)
      .set({ finalDecisionOn: day(45) })
      .where(eq(applications.number, number));
    expect((await a.get("/portal/cases")).body).not.toContain(number);
    expect((await a.get(`/portal/cases/${number}`)).status).toBe(404);
    await t.database.db
      .update(applications)
      .set({ status: "open", finalDecisionOn: null })
      .where(eq(applications.number, number));
  });
});

describe("P-5: submitting a document", () => {
  it("P-5: files a PDF, shows the confirmation number, emails it, records the Eastern stamp and puts it on the ledger", async () => {
    const res = await a.postFiles(
      `/portal/cases/${fileA()}/documents`,
      { kind: "evidence", description: "Country conditions" },
      "document",
      [{ name: "evidence.pdf", content: pdfFile("P-5 evidence"), type: "application/pdf" }],
      { formPage: `/portal/cases/${fileA()}` },
    );
    expect(res.status).toBe(201);
    const number = /class="confirmation-number">([A-Z0-9-]+)</.exec(res.body)?.[1];
    expect(number).toMatch(/^D\d{4}-[A-Z2-9]{8}$/);
    expect(res.body).toContain("Eastern Time");
    const [row] = await t.database.db
      .select()
      .from(portalSubmissions)
      .where(eq(portalSubmissions.confirmationNumber, number as string));
    expect(row?.receivedEastern).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);
    expect(row?.scan).toBe("not-scanned");
    const notices = await t.database.db
      .select()
      .from(portalNotifications)
      .where(
        and(
          eq(portalNotifications.counselId, counselA.id),
          eq(portalNotifications.kind, "document-received"),
        ),
      );
    expect(notices.length).toBeGreaterThanOrEqual(1);
    const sealed = await t.portal.blobs.get(notices.at(-1)?.sha256 as string);
    expect(sealed?.toString("utf8")).toContain(number);
    const ledger = await t.database.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.subjectId, row?.id as string));
    expect(ledger.map((l) => l.eventType)).toEqual(["liaison.PortalDocumentReceived"]);
    // The history lists the entry, not the document.
    const page = await a.get(`/portal/cases/${fileA()}`);
    expect(page.body).toContain(number);
    expect(page.body).toContain("Country conditions");
    expect(page.body).not.toContain("evidence.pdf");
  });

  it("P-5: an executable renamed .pdf is refused in words (EN and FR) and nothing is recorded", async () => {
    const before = await t.database.db.select().from(portalSubmissions);
    const res = await a.postFiles(
      `/portal/cases/${fileA()}/documents`,
      { kind: "other", description: "x" },
      "document",
      [{ name: "evidence.pdf", content: exeFile(), type: "application/pdf" }],
      { formPage: `/portal/cases/${fileA()}` },
    );
    expect(res.status).toBe(415);
    expect(res.body).toContain("aria-invalid");
    b.cookies.set("lang", "fr");
    const fr = await b.postFiles(
      `/portal/cases/${fileB()}/documents`,
      { kind: "other", description: "x" },
      "document",
      [{ name: "a.pdf", content: exeFile() }],
      { formPage: `/portal/cases/${fileB()}` },
    );
    expect(fr.status).toBe(415);
    expect(fr.body).toContain('lang="fr"');
    expect(await t.database.db.select().from(portalSubmissions)).toHaveLength(before.length);
  });

  it("P-5: a document over 10 MB is refused in words", async () => {
    const res = await a.postFiles(
      `/portal/cases/${fileA()}/documents`,
      { kind: "other", description: "big" },
      "document",
      [{ name: "big.pdf", content: pdfOfSize(10 * 1024 * 1024 + 10) }],
      { formPage: `/portal/cases/${fileA()}` },
    );
    expect(res.status).toBe(413);
  });

  it("P-5: filing on another counsel's case is a 404 and records nothing", async () => {
    const before = await t.database.db.select().from(portalSubmissions);
    const res = await a.postFiles(
      `/portal/cases/${fileB()}/documents`,
      { kind: "other", description: "x" },
      "document",
      [{ name: "a.pdf", content: pdfFile() }],
      { formPage: "/portal/cases" },
    );
    expect(res.status).toBe(404);
    expect(await t.database.db.select().from(portalSubmissions)).toHaveLength(before.length);
  });
});

describe("P-6: the inbox", () => {
  let documentId: string;
  beforeAll(async () => {
    const agent = await staffContext(t, "agent.mtl");
    ({ id: documentId } = await sendDocumentToCounsel(
      t.portal,
      agent,
      fileA(),
      { title: "Notice to appear" },
      [
        {
          filename: "notice.pdf",
          content: pdfFile("Notice to appear"),
          size: pdfFile("Notice to appear").length,
        },
      ],
    ));
  });

  it("P-6: the document is in the general and the case inbox, counsel are notified, reading is recorded and on the ledger", async () => {
    const inbox = await a.get("/portal/inbox");
    expect(inbox.body).toContain("Notice to appear");
    const item = await a.get(`/portal/inbox/${documentId}`);
    expect(item.status).toBe(200);
    const doc = await fetch(`${t.base}/portal/inbox/${documentId}/document`, {
      headers: { cookie: `liaison_portal=${a.cookies.get("liaison_portal")}` },
    });
    expect(doc.status).toBe(200);
    expect(Buffer.from(await doc.arrayBuffer()).equals(pdfFile("Notice to appear"))).toBe(true);
    const reads = await t.database.db
      .select()
      .from(portalDocumentReads)
      .where(eq(portalDocumentReads.documentId, documentId));
    expect(reads).toHaveLength(1);
    const ledger = await t.database.db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.subjectId, documentId));
    expect(ledger.map((l) => l.eventType)).toEqual(["ContentConsignment", "ContentHandover"]);
    const notices = await t.database.db
      .select()
      .from(portalNotifications)
      .where(
        and(eq(portalNotifications.counselId, counselA.id), eq(portalNotifications.kind, "document-sent")),
      );
    expect(notices).toHaveLength(1);
  });

  it("P-6: removing from the general inbox leaves it in the case's inbox", async () => {
    const res = await a.postForm(
      `/portal/inbox/${documentId}/remove`,
      {},
      { formPage: `/portal/inbox/${documentId}` },
    );
    expect(res.status).toBe(303);
    expect((await a.get("/portal/inbox")).body).not.toContain("Notice to appear");
    expect((await a.get(`/portal/cases/${fileA()}`)).body).toContain("Notice to appear");
  });

  it("P-6: another counsel gets a 404 for the document, its bytes and its removal", async () => {
    expect((await b.get(`/portal/inbox/${documentId}`)).status).toBe(404);
    expect((await b.get(`/portal/inbox/${documentId}/document`)).status).toBe(404);
    expect(
      (await b.postForm(`/portal/inbox/${documentId}/remove`, {}, { formPage: "/portal/inbox" })).status,
    ).toBe(404);
  });
});

describe("P-8, P-9: profile and online forms", () => {
  it("P-8: a contact change is submitted, shown as pending with its 48-hour clock, processed by staff and confirmed", async () => {
    const res = await a.postForm("/portal/profile", {
      email: "new.address@counsel.example",
      mobile: "+1 438 555 0100",
      phone: "",
      postalAddress: "",
    });
    expect(res.status).toBe(201);
    const profile = await a.get("/portal/profile");
    expect(profile.body).toContain("Changes being processed");
    expect(profile.body).toContain("processed by");
    const [form] = await t.database.db
      .select()
      .from(portalForms)
      .where(eq(portalForms.counselId, counselA.id))
      .orderBy(desc(portalForms.submittedAt))
      .limit(1);
    await processForm(t.portal, await staffContext(t, "agent.mtl"), form?.id as string, {
      outcome: "applied",
    });
    const after = await a.get("/portal/profile");
    expect(after.body).toContain("new.address@counsel.example");
    expect(after.body).not.toContain("Changes being processed");
    const notices = await t.database.db
      .select()
      .from(portalNotifications)
      .where(
        and(eq(portalNotifications.counselId, counselA.id), eq(portalNotifications.kind, "profile-changed")),
      );
    expect(notices.map((n) => n.toAddress).sort()).toEqual(
      [counselA.email, "new.address@counsel.example"].sort(),
    );
  });

  it("P-8: a change that changes nothing, and a bad mobile number, are refused in words", async () => {
    const bad = await a.postForm("/portal/profile", {
      email: "x@counsel.example",
      mobile: "12",
      phone: "",
      postalAddress: "",
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Enter a mobile number with its country code");
  });

  it("P-9: the notice of the client's contact information is received with a confirmation number", async () => {
    const res = await a.postForm(`/portal/cases/${fileA()}/client-contact`, {
      email: "client@client.example",
      phone: "",
      postalAddress: "",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatch(/F\d{4}-[A-Z2-9]{8}/);
    const empty = await a.postForm(`/portal/cases/${fileA()}/client-contact`, {
      email: "",
      phone: "",
      postalAddress: "",
    });
    expect(empty.status).toBe(400);
    expect((await b.get(`/portal/cases/${fileA()}/client-contact`)).status).toBe(404);
  });
});

describe("security: every portal route as an outsider", () => {
  it("every /portal route refuses someone not signed in (sign-in for a page, CSRF for a post)", async () => {
    const anonymous = t.anonymous();
    const routes = t.routes.filter(
      (r) =>
        r.url.startsWith("/portal/") &&
        !["/portal/sign-in", "/portal/callback", "/portal/sign-out"].includes(r.url),
    );
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const r of routes) {
      const path = r.url.replace(":number", fileA()).replace(":id", "00000000-0000-4000-8000-000000000000");
      const res = r.method === "GET" ? await anonymous.get(path) : await anonymous.request("POST", path, "");
      if (r.method === "GET") {
        expect(res.status, `${r.method} ${r.url}`).toBe(302);
        expect(res.location).toMatch(/^\/portal\/sign-in/);
      } else {
        // The CSRF check refuses it, or, for the rate-limited posts, the limit already reached by this file.
        expect([403, 429], `${r.method} ${r.url} gave ${res.status}`).toContain(res.status);
      }
    }
  });

  it("every /portal route with another counsel's case or document is a 404, and nothing changes", async () => {
    const agent = await staffContext(t, "agent.mtl");
    const { id: docOfA } = await sendDocumentToCounsel(t.portal, agent, fileA(), { title: "For A only" }, [
      { filename: "a.pdf", content: pdfFile("A"), size: pdfFile("A").length },
    ]);
    const before = {
      submissions: (await t.database.db.select().from(portalSubmissions)).length,
      reads: (await t.database.db.select().from(portalDocumentReads)).length,
      forms: (await t.database.db.select().from(portalForms)).length,
    };
    const routes = t.routes.filter((r) => r.url.includes(":number") || r.url.includes(":id"));
    const portalRoutes = routes.filter((r) => r.url.startsWith("/portal/"));
    expect(portalRoutes.length).toBeGreaterThanOrEqual(6);
    for (const r of portalRoutes) {
      const path = r.url.replace(":number", fileA()).replace(":id", docOfA);
      const res =
        r.method === "GET"
          ? await b.get(path)
          : r.url.endsWith("/documents")
            ? await b.postFiles(
                path,
                { kind: "other", description: "x" },
                "document",
                [{ name: "a.pdf", content: pdfFile() }],
                { formPage: "/portal/cases" },
              )
            : await b.postForm(
                path,
                { email: "x@y.example", mobile: "+15145550000", outcome: "applied" },
                { formPage: "/portal/cases" },
              );
      expect(res.status, `${r.method} ${r.url}`).toBe(404);
    }
    expect((await t.database.db.select().from(portalSubmissions)).length).toBe(before.submissions);
    expect((await t.database.db.select().from(portalDocumentReads)).length).toBe(before.reads);
    expect((await t.database.db.select().from(portalForms)).length).toBe(before.forms);
  });

  it("the logs carry no address, phone number or file number", async () => {
    const text = t.logs.join("");
    expect(text).not.toMatch(/@counsel\.example/);
    expect(text).not.toMatch(/\+1514555/);
    expect(text).not.toContain(fileA());
  });
});
