import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultTemplates } from "../../src/correspondence/default-templates.ts";
import { addDays, responsePeriodAt } from "../../src/correspondence/rules.ts";
import { currentTemplate, listResponsePeriods } from "../../src/correspondence/store.ts";
import type { TemplateTexts } from "../../src/correspondence/templates.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { letterTemplates, responsePeriods } from "../../src/db/schema/correspondence.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { instantToWallTime, wallTimeToInstant } from "../../src/time-zones.ts";
import { startTestApp, type TestApp, type TestClient } from "../support/app.ts";

// Office settings over HTTP (SPEC section 1: the office admin manages templates and response periods):
// template versions (C-9, checked as C-6 requires) and per-country response periods (C-6), both as history.

let t: TestApp;
const escaped = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const zone = "America/Toronto";
const todayAtMtl = () => instantToWallTime(t.clock.now(), zone).slice(0, 10);

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** How much history there is: a refused form must leave all of it as it was. */
async function recorded() {
  const count = async (table: typeof letterTemplates | typeof responsePeriods | typeof auditEvents) =>
    (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
  return {
    templates: await count(letterTemplates),
    periods: await count(responsePeriods),
    audit: await count(auditEvents),
  };
}

function expectPage(res: { status: number; body: string }) {
  expect(res.status).toBe(200);
  expect(res.body).toMatch(/<h1>[^<]+<\/h1>/);
}

/** Posts the template form as the edit page's browser would, textarea newlines as CRLF. */
async function saveTemplate(client: TestClient, office: string, type: string, texts: TemplateTexts) {
  const crlf = (s: string) => s.replace(/\n/g, "\r\n");
  const path = `/agent/offices/${office}/templates/${type}`;
  return client.postForm(path, {
    subjectEn: texts.subjectEn,
    bodyEn: crlf(texts.bodyEn),
    subjectFr: texts.subjectFr,
    bodyFr: crlf(texts.bodyFr),
  });
}

describe("office settings: letter templates (C-9)", () => {
  it("C-9: the pages of an office admin answer 200 with a heading, in both languages", async () => {
    const admin = await t.clientAs("admin.mtl");
    const offices = await admin.get("/agent/offices");
    expectPage(offices);
    expect(offices.body).toContain('href="/agent/offices/MTL/templates"');
    expect(offices.body).not.toContain("/agent/offices/VAN");
    const list = await admin.get("/agent/offices/MTL/templates");
    expectPage(list);
    expect(list.body).toContain(escaped(en["admin.source.agency"]));
    expect(list.body).toContain('href="/agent/offices/MTL/templates/interview-convocation"');
    const edit = await admin.get("/agent/offices/MTL/templates/request-documents");
    expectPage(edit);
    expect(edit.body).toContain(escaped(defaultTemplates["request-documents"].subjectEn));
    expect(edit.body).toContain(escaped(en["placeholder.deadline"]));
    expect(edit.body).toContain(escaped(en["admin.template.deadlineRequired"]));
    // The vocabulary listed is that of the type: an approval's next steps are not offered here.
    expect(edit.body).not.toContain("((next_steps))");
    expectPage(await admin.get("/agent/offices/MTL/response-periods"));

    admin.cookies.set("lang", "fr");
    const frList = await admin.get("/agent/offices/MTL/templates");
    expectPage(frList);
    expect(frList.body).toContain(escaped(fr["admin.source.agency"]));
    expect(frList.body).toContain(escaped(fr["admin.nav"]));
  });

  it("C-9: someone who administers no office sees the page, with why it is empty", async () => {
    const agent = await t.clientAs("agent.mtl");
    const page = await agent.get("/agent/offices");
    expectPage(page);
    expect(page.body).toContain(escaped(en["admin.offices.none"]));
  });

  it("C-9: a new version saved by an office admin is used at that office only; the other office keeps the agency default", async () => {
    const admin = await t.clientAs("admin.mtl");
    const before = await recorded();
    const changed: TemplateTexts = {
      ...defaultTemplates.general,
      subjectEn: "File ((file_number)): a message from the Montréal office",
      bodyEn: `${defaultTemplates.general.bodyEn}\n\nOffice hours: Monday to Friday.`,
    };
    const res = await saveTemplate(admin, "MTL", "general", changed);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/agent/offices/MTL/templates/general?saved=2");

    const mtl = await currentTemplate(t.database.db, "MTL", "general");
    expect(mtl).toMatchObject({ officeCode: "MTL", version: 2, subjectEn: changed.subjectEn });
    // Sent as CRLF by the browser, kept as the lines typed.
    expect(mtl!.bodyEn).toBe(changed.bodyEn);
    const van = await currentTemplate(t.database.db, "VAN", "general");
    expect(van).toMatchObject({
      officeCode: null,
      version: 1,
      subjectEn: defaultTemplates.general.subjectEn,
    });

    const after = await recorded();
    expect(after.templates).toBe(before.templates + 1);
    const [event] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, mtl!.id));
    expect(event).toMatchObject({
      action: "letter-template.saved",
      officeCode: "MTL",
      details: { letterType: "general", version: 2 },
    });

    const shown = await admin.get(res.location!);
    expectPage(shown);
    expect(shown.body).toContain(escaped(en["admin.template.saved"].replace("{version}", "2")));
    expect(shown.body).toContain(escaped(changed.subjectEn));
    expect((await admin.get("/agent/offices/MTL/templates")).body).toContain(
      escaped(en["admin.source.office"]),
    );

    // The next version is a new row again; the earlier one stays.
    const again = await saveTemplate(admin, "MTL", "general", {
      ...changed,
      subjectFr: "Dossier ((file_number))",
    });
    expect(again.location).toBe("/agent/offices/MTL/templates/general?saved=3");
    expect((await currentTemplate(t.database.db, "MTL", "general"))!.version).toBe(3);
    const versions = await t.database.db
      .select({ version: letterTemplates.version })
      .from(letterTemplates)
      .where(eq(letterTemplates.officeCode, "MTL"));
    expect(versions.map((v) => v.version).sort()).toEqual([2, 3]);
    expect((await currentTemplate(t.database.db, "VAN", "general"))!.version).toBe(1);
  });

  const refusals: {
    name: string;
    type: string;
    texts: TemplateTexts;
    code: keyof typeof en & `error.${string}`;
    field: string;
    detail: string | undefined;
  }[] = [
    {
      name: "C-9: an unknown placeholder, named next to the field with the one it likely meant",
      type: "general",
      texts: {
        ...defaultTemplates.general,
        bodyEn: "Dear ((recipient_nmae)),\n\n((agent_note))\n\n((office_name))",
        bodyFr: "Bonjour ((recipient_nmae)),\n\n((agent_note))\n\n((office_name))",
      },
      code: "error.TEMPLATE_UNKNOWN_PLACEHOLDER",
      field: "bodyEn",
      detail: "((recipient_nmae))",
    },
    {
      name: "C-9: a placeholder the letter type may not use",
      type: "approval",
      texts: {
        ...defaultTemplates.approval,
        bodyEn: `${defaultTemplates.approval.bodyEn}\n\nReply by ((deadline)).`,
        bodyFr: `${defaultTemplates.approval.bodyFr}\n\nRépondez d’ici le ((deadline)).`,
      },
      code: "error.TEMPLATE_PLACEHOLDER_NOT_ALLOWED",
      field: "bodyEn",
      detail: "((deadline))",
    },
    {
      name: "C-9: a text in one language only",
      type: "general",
      texts: { ...defaultTemplates.general, subjectFr: "", bodyFr: "" },
      code: "error.TEMPLATE_LANGUAGE_MISSING",
      field: "bodyFr",
      detail: undefined,
    },
    {
      name: "C-9: a placeholder used in one language only",
      type: "general",
      texts: {
        ...defaultTemplates.general,
        bodyFr: defaultTemplates.general.bodyFr.replace("((office_mailbox))", "notre boîte générique"),
      },
      code: "error.TEMPLATE_PLACEHOLDER_IN_ONE_LANGUAGE",
      field: "bodyFr",
      detail: "((office_mailbox))",
    },
    {
      name: "C-6: a request for documents without ((deadline))",
      type: "request-documents",
      texts: {
        ...defaultTemplates["request-documents"],
        bodyEn: defaultTemplates["request-documents"].bodyEn.replace("no later than ((deadline))", "soon"),
        bodyFr: defaultTemplates["request-documents"].bodyFr.replace(
          "au plus tard le ((deadline))",
          "bientôt",
        ),
      },
      code: "error.TEMPLATE_DEADLINE_REQUIRED",
      field: "bodyEn",
      detail: "((deadline))",
    },
  ];

  for (const r of refusals) {
    it(`${r.name} is refused with its error text, status 400, the typed text kept, and nothing recorded`, async () => {
      const admin = await t.clientAs("admin.mtl");
      const before = await recorded();
      const inUse = await currentTemplate(t.database.db, "MTL", r.type as never);
      const res = await saveTemplate(admin, "MTL", r.type, r.texts);
      expect(res.status).toBe(400);
      expect(res.body).toContain(escaped(en[r.code]));
      // Beside its field, with what was found there.
      const field = new RegExp(
        `<span class="error-message" id="template-${r.field}-error">(.*?)</span></span>`,
        "s",
      );
      const beside = field.exec(res.body)?.[1] ?? "";
      expect(beside).toContain(escaped(en[r.code]));
      if (r.detail) expect(beside).toContain(escaped(r.detail));
      // The typed text is shown again, not the version in use.
      expect(res.body).toContain(escaped(r.texts.bodyEn));
      expect(await recorded()).toEqual(before);
      expect((await currentTemplate(t.database.db, "MTL", r.type as never))!.id).toBe(inUse!.id);
    });
  }

  it("C-9: the unknown placeholder's likely meaning is offered, and the refusal reads in French too", async () => {
    const admin = await t.clientAs("admin.mtl");
    admin.cookies.set("lang", "fr");
    const res = await saveTemplate(admin, "MTL", "general", refusals[0]!.texts);
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(fr["error.TEMPLATE_UNKNOWN_PLACEHOLDER"]));
    expect(res.body).toContain(
      escaped(fr["admin.problem.suggestion"].replace("{suggestion}", "((recipient_name))")),
    );
  });

  it("C-9: an agent of the office gets 403, an agent or admin of another office 404, and nothing is recorded", async () => {
    const before = await recorded();
    const texts = { ...defaultTemplates.general, subjectEn: "Changed" };
    const pages = ["/agent/offices/MTL/templates", "/agent/offices/MTL/templates/general"];

    const agent = await t.clientAs("agent.mtl");
    for (const p of pages) expect((await agent.get(p)).status, p).toBe(403);
    expect((await agent.get("/agent/offices/MTL/response-periods")).status).toBe(403);
    const posted = await agent.postForm("/agent/offices/MTL/templates/general", texts, {
      formPage: "/agent",
    });
    expect(posted.status).toBe(403);
    expect(posted.body).toContain(escaped(en["error.ROLE_NOT_ALLOWED"]));
    // An auditor reads the office's files but does not administer it.
    const auditor = await t.clientAs("auditeur");
    expect((await auditor.get(pages[0]!)).status).toBe(403);

    for (const subject of ["agent.van", "admin.van"]) {
      const other = await t.clientAs(subject);
      for (const p of pages) expect((await other.get(p)).status, `${subject} ${p}`).toBe(404);
      const res = await other.postForm("/agent/offices/MTL/templates/general", texts, { formPage: "/agent" });
      expect(res.status, subject).toBe(404);
      expect(res.body).toContain(escaped(en["error.NOT_FOUND"]));
    }
    expect(await recorded()).toEqual(before);

    const admin = await t.clientAs("admin.mtl");
    expect((await admin.get("/agent/offices/XYZ/templates")).status).toBe(404);
    expect((await admin.get("/agent/offices/MTL/templates/not-a-type")).status).toBe(404);
  });
});

describe("office settings: response periods (C-6)", () => {
  it("C-6: a period recorded from today applies from the moment it is recorded, for the office's country", async () => {
    const admin = await t.clientAs("admin.mtl");
    const before = t.clock.now();
    const inForce = (at: Date) =>
      listResponsePeriods(t.database.db).then((p) => responsePeriodAt(p, "CA", "request-documents", at));
    expect((await inForce(before))!.days).toBe(30);

    const res = await admin.postForm("/agent/offices/MTL/response-periods", {
      letterType: "request-documents",
      days: "45",
      effectiveOn: todayAtMtl(),
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/agent/offices/MTL/response-periods?recorded=1");
    expect((await inForce(t.clock.now()))!).toMatchObject({ country: "CA", days: 45 });
    // History is not rewritten: earlier today, the agency's 30 days were in force.
    expect((await inForce(before))!.days).toBe(30);
    // Another country is unaffected.
    const periods = await listResponsePeriods(t.database.db);
    expect(responsePeriodAt(periods, "FR", "request-documents", t.clock.now())!.days).toBe(30);

    const page = await admin.get(res.location!);
    expectPage(page);
    expect(page.body).toContain(escaped(en["admin.periods.recorded"]));
    expect(page.body).toContain(escaped(en["admin.periods.days"].replace("{days}", "45")));
    expect(page.body).toContain(escaped(en["admin.periods.sourceCountry"].replace("{country}", "CA")));
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "response-period.recorded"));
    expect(event).toMatchObject({ officeCode: "MTL", details: { country: "CA", days: 45 } });
  });

  it("C-6: a period recorded for a later day changes responsePeriodAt from the start of that day, office time", async () => {
    const admin = await t.clientAs("admin.mtl");
    const on = addDays(todayAtMtl(), 10);
    const res = await admin.postForm("/agent/offices/MTL/response-periods", {
      letterType: "interview-convocation",
      days: "14",
      effectiveOn: on,
    });
    expect(res.status).toBe(303);
    const periods = await listResponsePeriods(t.database.db);
    const start = wallTimeToInstant(`${on}T00:00`, zone)!;
    const at = (d: Date) => responsePeriodAt(periods, "CA", "interview-convocation", d)!.days;
    expect(at(t.clock.now())).toBe(21);
    expect(at(new Date(start.getTime() - 1))).toBe(21);
    expect(at(start)).toBe(14);
    const page = await admin.get("/agent/offices/MTL/response-periods");
    expect(page.body).toContain(escaped(en["admin.periods.noneScheduled"]));
    expect(page.body).toMatch(/14 days from/);
  });

  it("C-6: a past effective date, 0 days, more than 365 days and a type without a deadline are refused, and nothing is recorded", async () => {
    const admin = await t.clientAs("admin.mtl");
    const before = await recorded();
    const cases: [Record<string, string>, keyof typeof en][] = [
      [
        { letterType: "request-documents", days: "20", effectiveOn: addDays(todayAtMtl(), -1) },
        "error.PERIOD_IN_PAST",
      ],
      [
        { letterType: "request-documents", days: "0", effectiveOn: todayAtMtl() },
        "error.PERIOD_DAYS_OUT_OF_RANGE",
      ],
      [{ letterType: "request-documents", days: "366", effectiveOn: "" }, "error.PERIOD_DAYS_OUT_OF_RANGE"],
      [{ letterType: "request-documents", days: "", effectiveOn: "" }, "error.REQUIRED"],
      [{ letterType: "approval", days: "20", effectiveOn: "" }, "error.INVALID_CHOICE"],
      [{ letterType: "request-documents", days: "20", effectiveOn: "2026-02-30" }, "error.INVALID_DATE"],
    ];
    for (const [form, code] of cases) {
      const res = await admin.postForm("/agent/offices/MTL/response-periods", form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(res.body, JSON.stringify(form)).toContain(escaped(en[code]));
      if (form.days) expect(res.body).toContain(`value="${form.days}"`);
    }
    const agent = await t.clientAs("agent.mtl");
    const denied = await agent.postForm(
      "/agent/offices/MTL/response-periods",
      { letterType: "request-documents", days: "20", effectiveOn: "" },
      { formPage: "/agent" },
    );
    expect(denied.status).toBe(403);
    expect(await recorded()).toEqual(before);
  });
});

describe("the office's sending rate (C-20)", () => {
  it("C-20: the office admin sets the office's rate, refused in words out of range; each change is listed with who made it", async () => {
    const admin = await t.clientAs("admin.mtl");
    const path = "/agent/offices/MTL/sending-rate";
    expect((await admin.get("/agent/offices")).body).toContain(`href="${path}"`);
    const page = await admin.get(path);
    expect(page.status).toBe(200);
    expect(page.body).toContain(escaped(en["admin.rate.isDefault"]));
    expect(page.body).toContain('id="domain-rates"');
    expect(page.body).toContain(escaped(en["admin.rate.noChanges"]));

    for (const bad of ["0", "2.5", "lots", "100001", ""]) {
      const refused = await admin.postForm(path, { perMinute: bad }, { formPage: path });
      expect(refused.status, bad).toBe(400);
      expect(refused.body).toContain(
        bad === "" ? escaped(en["error.REQUIRED"]) : escaped(en["error.SENDING_RATE_OUT_OF_RANGE"]),
      );
      expect(refused.body).toMatch(/id="rate-perMinute"[^>]*aria-invalid="true"/);
    }
    const francais = await t.clientAs("admin.mtl");
    francais.cookies.set("lang", "fr");
    const refusé = await francais.postForm(path, { perMinute: "0" }, { formPage: path });
    expect(refusé.body).toContain(escaped(fr["error.SENDING_RATE_OUT_OF_RANGE"]));

    const saved = await admin.postForm(path, { perMinute: "1 200" }, { formPage: path });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${path}?saved=1`);
    const after = await admin.get(saved.location!);
    expect(after.body).toContain(escaped(en["admin.rate.saved"]));
    expect(after.body).toContain("1,200 letters a minute");
    expect(after.body).not.toContain(escaped(en["admin.rate.isDefault"]));
    const changes = /<table id="rate-changes">([\s\S]*?)<\/table>/.exec(after.body)?.[1] ?? "";
    expect(changes).toContain("Geneviève Côté");
    expect(changes).toContain("30,000 letters a minute");
    const [row] = await t.database.db
      .execute(sql`select per_minute from send_rate_limits where scope = 'office' and key = 'MTL'`)
      .then((r) => (r as unknown as { rows: { per_minute: number }[] }).rows);
    expect(row?.per_minute).toBe(1200);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "office.sending-rate-set"));
    expect(audits.map((a) => a.details)).toEqual([{ from: 30000, to: 1200 }]);
  });

  it("C-20: an agent may not set the rate (403); another office's administrator does not find it (404)", async () => {
    const path = "/agent/offices/MTL/sending-rate";
    const agent = await t.clientAs("agent.mtl");
    expect((await agent.get(path)).status).toBe(403);
    expect((await agent.postForm(path, { perMinute: "5" }, { formPage: "/agent" })).status).toBe(403);
    const vancouver = await t.clientAs("admin.van");
    expect((await vancouver.get(path)).status).toBe(404);
    expect((await vancouver.postForm(path, { perMinute: "5" }, { formPage: "/agent" })).status).toBe(404);
  });
});
