import { readFile } from "node:fs/promises";
import { desc, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalForms } from "../src/db/schema/portal.ts";
import { en } from "../src/i18n/en.ts";
import { fr } from "../src/i18n/fr.ts";
import { createLogger } from "../src/logger.ts";
import { smtpTransport } from "../src/mail/transport.ts";
import { processForm } from "../src/portal/forms.ts";
import { sendDocumentToCounsel } from "../src/portal/inbox.ts";
import { sendDueNotices } from "../src/portal/notifications.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { pdfFile } from "../test/support/attachment-files.ts";
import {
  declareRepresentative,
  lastSmsCode,
  openMontrealFiles,
  registeredCounsel,
  staffContext,
  type TestCounsel,
} from "../test/support/portal.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn, text } from "./support/browser.ts";

// My Case in a browser without JavaScript (SPEC P-1..P-9): the counsel reads the access code the staff
// sent, signs in with the external provider, registers, sees the cases, files a document and gets the
// confirmation by email, reads a document the tribunal sent, and changes their mobile number, which
// staff process. In English, then the same pages in French. axe checks every page.

let app: TestApp;
let browser: Browser;
let counsel: TestCounsel;
let files: string[];
let fileNumber: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  // One file each for the three journeys, so none meets another's counsel.
  files = await openMontrealFiles(app, 3);
  fileNumber = files[0] as string;
  // P-1, P-2: staff added the counsel, linked the file and sent the code (the staff pages' own journey
  // is in test/web/counsel.test.ts); registration is left to the counsel, in the browser.
  counsel = await registeredCounsel(app, [fileNumber], { register: false });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** What the worker does for notices: hand them to the development sink. */
async function sendNotices() {
  if (!app.devSink) throw new Error("no development sink");
  const transport = smtpTransport(`smtp://${app.devSink.host}:${app.devSink.port}`, { pool: false });
  try {
    await sendDueNotices({
      db: app.database.db,
      clock: app.clock,
      logger: createLogger("silent"),
      transport,
      blobs: app.portal.blobs,
    });
  } finally {
    transport.close();
  }
}

async function h1(page: Page): Promise<string> {
  return text(page.getByRole("heading", { level: 1 }));
}

describe("My Case in a browser without JavaScript", () => {
  it("P-2..P-8: code by SMS, sign-in, registration, cases, filing with its email, inbox, profile change — with no axe violation", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();

      // P-2: the code, as the counsel's phone received it (the development outbox).
      await page.goto(`${app.base}/dev/sms`);
      await expectAccessible(page);
      const sms = await text(page.locator("main"));
      const code = /\b(\d{6})\b/.exec(sms)?.[1];
      expect(code, sms).toBeDefined();

      // P-3: sign in with the external provider (the development sign-in partner).
      await page.goto(`${app.base}/portal`);
      expect(await h1(page)).toBe(en["portal.home.title"]);
      await expectAccessible(page);
      await page.getByRole("link", { name: en["portal.home.signIn"] }).click();
      await page.waitForURL((u) => u.pathname.startsWith("/dev/portal-oidc/interaction/"));
      await expectAccessible(page);
      await page.getByLabel(en["devPortal.identity"]).fill(counsel.subject);
      await navigation(page, () =>
        page.getByRole("button", { name: en["devPortal.signIn"], exact: true }).click(),
      );

      // P-2: registration, once.
      expect(new URL(page.url()).pathname).toBe("/portal/register");
      expect(await h1(page)).toBe(en["portal.register.title"]);
      await expectAccessible(page);
      await page.getByLabel(en["portal.register.body"]).selectOption("law-society");
      await page.getByLabel(en["portal.register.memberNumber"]).fill(counsel.memberNumber);
      // A wrong code first: the error is beside the field, in words.
      await page.getByLabel(en["portal.register.accessCode"]).fill(code === "000000" ? "111111" : "000000");
      const refused = await navigation(page, () =>
        page.getByRole("button", { name: en["portal.register.submit"] }).click(),
      );
      expect(refused.status()).toBe(400);
      expect(await text(page.locator(".error-summary"))).toContain(en["error.ACCESS_CODE_INVALID"]);
      await expectAccessible(page);
      await page.getByLabel(en["portal.register.accessCode"]).fill(code as string);
      await navigation(page, () => page.getByRole("button", { name: en["portal.register.submit"] }).click());

      // P-4: my cases.
      expect(await h1(page)).toBe(en["portal.cases.title"]);
      expect(await text(page.getByRole("status"))).toBe(en["portal.cases.registered"]);
      await expectAccessible(page);
      await page.getByRole("link", { name: fileNumber }).click();
      expect(await h1(page)).toBe(`Case ${fileNumber}`);
      await expectAccessible(page);

      // P-5: file a document; the confirmation number on screen.
      await page.getByLabel(en["portal.submit.kind"]).selectOption("evidence");
      await page.getByLabel(en["portal.submit.description"]).fill("Psychological report");
      await page.locator("input[type=file][name=document]").setInputFiles({
        name: "report.pdf",
        mimeType: "application/pdf",
        buffer: pdfFile("Psychological report"),
      });
      const filed = await navigation(page, () =>
        page.getByRole("button", { name: en["portal.submit.submit"] }).click(),
      );
      expect(filed.status()).toBe(201);
      expect(await h1(page)).toBe(en["portal.filed.title"]);
      const confirmation = await text(page.locator(".confirmation-number"));
      expect(confirmation).toMatch(/^D\d{4}-[A-Z2-9]{8}$/);
      await expectAccessible(page);

      // P-5, P-7: and by email, from the no-reply sender, with no link.
      await sendNotices();
      await page.goto(`${app.base}/dev/mail`);
      await page
        .getByRole("link", { name: /Document ou formulaire reçu|Document or form received/ })
        .first()
        .click();
      const mail = await text(page.locator("main"));
      expect(mail).toContain(confirmation);
      expect(mail).toContain("no-reply@");

      // The history lists the entry, not the document.
      await page.goto(`${app.base}/portal/cases/${fileNumber}`);
      const history = await text(page.locator("#history + p + table, #history ~ table").first());
      expect(history).toContain(confirmation);
      expect(await page.getByRole("link", { name: /report\.pdf/ }).count()).toBe(0);

      // P-6: the tribunal sends a document; the counsel reads it in the inbox.
      const agent = await staffContext(app, "agent.mtl");
      const notice = pdfFile("Notice to appear");
      await sendDocumentToCounsel(app.portal, agent, fileNumber, { title: "Notice to appear" }, [
        { filename: "notice.pdf", content: notice, size: notice.length },
      ]);
      await page
        .getByRole("navigation")
        .getByRole("link", { name: en["portal.inbox.title"], exact: true })
        .click();
      expect(await h1(page)).toBe(en["portal.inbox.title"]);
      await expectAccessible(page);
      await page.getByRole("link", { name: "Notice to appear" }).click();
      await expectAccessible(page);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: en["portal.inbox.open"] }).click(),
      ]);
      expect((await readFile(await download.path())).equals(notice)).toBe(true);
      await navigation(page, () => page.getByRole("button", { name: en["portal.inbox.remove"] }).click());
      expect(await text(page.getByRole("status"))).toBe(en["portal.inbox.removed"]);
      await page.goto(`${app.base}/portal/cases/${fileNumber}`);
      expect(await text(page.locator("main"))).toContain("Notice to appear");

      // P-8: change the mobile number; pending with its 48-hour clock; staff process it.
      await page
        .getByRole("navigation")
        .getByRole("link", { name: en["portal.profile.title"], exact: true })
        .click();
      await expectAccessible(page);
      await page.getByLabel(en["portal.contact.mobile"]).fill("+1 438 555 0177");
      const submitted = await navigation(page, () =>
        page.getByRole("button", { name: en["portal.profile.submit"] }).click(),
      );
      expect(submitted.status()).toBe(201);
      expect(await h1(page)).toBe(en["portal.formReceived.title"]);
      await expectAccessible(page);
      await page.getByRole("link", { name: en["portal.formReceived.back"] }).click();
      expect(await text(page.locator("main"))).toContain(en["portal.profile.pendingTitle"]);
      const [form] = await app.database.db
        .select()
        .from(portalForms)
        .where(eq(portalForms.counselId, counsel.id))
        .orderBy(desc(portalForms.submittedAt))
        .limit(1);
      await processForm(app.portal, agent, form?.id as string, { outcome: "applied" });
      await page.reload();
      expect(await text(page.locator("main"))).toContain("0177");
      expect(await text(page.locator("main"))).not.toContain(en["portal.profile.pendingTitle"]);

      // The same pages in French, with no violation either.
      await page.getByRole("link", { name: en["layout.langToggle"] }).click();
      expect(await h1(page)).toBe(fr["portal.profile.title"]);
      await expectAccessible(page);
      for (const [path, title] of [
        ["/portal/cases", fr["portal.cases.title"]],
        [`/portal/cases/${fileNumber}`, `Cas ${fileNumber}`],
        ["/portal/inbox", fr["portal.inbox.title"]],
        ["/portal/forms", fr["portal.forms.title"]],
        [`/portal/cases/${fileNumber}/client-contact`, fr["portal.forms.clientContact"]],
      ] as const) {
        await page.goto(`${app.base}${path}`);
        expect(await h1(page)).toBe(title);
        await expectAccessible(page);
      }
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe("My Case's staff side in a browser without JavaScript", () => {
  it("P-1, P-2, P-3, P-6, P-8: staff add counsel, link the file, send the access code, send a document from the file, reset the account — with no axe violation", async () => {
    const file = files[2] as string;
    const agent = await staffContext(app, "agent.mtl");
    await declareRepresentative(app, agent, file, {
      name: "Maître Browser",
      email: "browser@counsel.example",
      language: "fr",
    });
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");
      await page.getByRole("navigation").getByRole("link", { name: en["counsel.nav"], exact: true }).click();
      expect(await h1(page)).toBe(en["counsel.title"]);
      await expectAccessible(page);

      // P-1: add the counsel.
      await page.getByLabel(en["counsel.name"]).fill("Maître Browser");
      await page.getByLabel(en["counsel.body"]).selectOption("quebec-notary");
      await page.getByLabel(en["counsel.memberNumber"]).fill("QN-4242");
      await page.getByLabel(en["counsel.language"]).selectOption("fr");
      await page
        .getByRole("combobox", { name: new RegExp(`^${en["counsel.standing"]}`) })
        .selectOption("good");
      await page.getByLabel(en["counsel.email"]).fill("browser@counsel.example");
      await page.getByLabel(en["counsel.mobile"]).fill("514 555 0142");
      await navigation(page, () => page.getByRole("button", { name: en["counsel.add"] }).click());
      expect(await h1(page)).toBe("Maître Browser");
      await expectAccessible(page);

      // The file, then the access code by SMS (P-2).
      await page.getByText(en["counsel.linkFile"], { exact: true }).click();
      await page.getByLabel(en["counsel.fileNumber"]).fill(file);
      await navigation(page, () => page.getByRole("button", { name: en["counsel.linkFileSubmit"] }).click());
      expect(await text(page.locator("main"))).toContain(file);
      await navigation(page, () => page.getByRole("button", { name: en["counsel.invite"] }).click());
      expect(await text(page.locator("main"))).toContain("0142");
      await expectAccessible(page);
      const code = await lastSmsCode(app, "+15145550142");
      expect(code).toMatch(/^\d{6}$/);

      // The counsel registers (the counsel's own journey is above), then staff send a document from the file.
      const { registerWithCode } = await import("../src/portal/sign-in.ts");
      await registerWithCode(
        app.portal,
        { subject: "gckey.browser", ip: "127.0.0.1" },
        {
          professionalBody: "quebec-notary",
          memberNumber: "QN-4242",
          accessCode: code,
        },
      );
      await page.goto(`${app.base}/agent/files/${file}`);
      expect(await text(page.locator("main"))).toContain(en["filePortal.onPortal"]);
      await page.getByText(en["filePortal.sendTitle"], { exact: true }).click();
      await page.getByLabel(en["filePortal.sendTitleLabel"]).fill("Convocation");
      await page.locator("input[type=file][name=document]").setInputFiles({
        name: "convocation.pdf",
        mimeType: "application/pdf",
        buffer: pdfFile("Convocation"),
      });
      await navigation(page, () => page.getByRole("button", { name: en["filePortal.send"] }).click());
      expect(await text(page.locator("main"))).toContain("Convocation");
      await expectAccessible(page);

      // P-8: the forms queue, in English and in French.
      await page
        .getByRole("navigation")
        .getByRole("link", { name: en["portalForms.nav"], exact: true })
        .click();
      expect(await h1(page)).toBe(en["portalForms.title"]);
      await expectAccessible(page);
      await page.getByRole("link", { name: en["layout.langToggle"] }).click();
      expect(await h1(page)).toBe(fr["portalForms.title"]);
      await expectAccessible(page);
      await page.goto(`${app.base}/agent/counsel`);
      expect(await h1(page)).toBe(fr["counsel.title"]);
      await expectAccessible(page);

      // P-3: counsel call to use another GCKey; the help desk validates them and resets the account.
      await page.getByRole("link", { name: "Maître Browser" }).click();
      await expectAccessible(page);
      await page.getByLabel(fr["counsel.identityConfirmed"]).check();
      await navigation(page, () => page.getByRole("button", { name: fr["counsel.reset"] }).click());
      expect(await text(page.getByRole("status"))).toBe(fr["counsel.done.reset"]);
      expect(await text(page.locator("#counsel-registration"))).toBe(fr["counsel.notRegistered"]);
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/** Signs in to My Case through the development sign-in partner as `subject` (real OIDC, no JavaScript needed). */
async function signInToPortal(page: Page, subject: string) {
  await page.goto(`${app.base}/portal`);
  await navigation(page, () => page.getByRole("link", { name: en["portal.home.signIn"] }).click());
  // The provider remembers a sign-in of the last hour and answers without asking again, as GCKey does.
  if (!new URL(page.url()).pathname.startsWith("/dev/portal-oidc/interaction/")) return;
  await page.getByLabel(en["devPortal.identity"]).fill(subject);
  await navigation(page, () =>
    page.getByRole("button", { name: en["devPortal.signIn"], exact: true }).click(),
  );
}

describe("delegation in a browser without JavaScript (D-1..D-6)", () => {
  it("D-1..D-6: counsel invite, the delegate registers and files for counsel; the development clock runs out the 60 days; blocked, renewed, removed — counsel see every step", async () => {
    const file = files[1] as string;
    const boss = await registeredCounsel(app, [file]);
    const counselContext = await newContext(browser, { javaScript: false });
    const delegateContext = await newContext(browser, { javaScript: false });
    try {
      const c = await counselContext.newPage();
      const d = await delegateContext.newPage();

      // D-1: counsel invite from My profile.
      await signInToPortal(c, boss.subject);
      await c
        .getByRole("navigation")
        .getByRole("link", { name: en["portal.profile.title"], exact: true })
        .click();
      await c.getByRole("link", { name: en["delegation.add"] }).click();
      expect(await h1(c)).toBe(en["delegation.inviteTitle"]);
      await expectAccessible(c);
      await c.getByLabel(en["delegation.name"]).fill("Jeanne Adjointe");
      await c.getByLabel(en["portal.contact.email"]).fill("jeanne@office.example");
      const questions = c.getByRole("group");
      await questions.nth(0).getByLabel(en["delegation.question"]).fill("Our street?");
      await questions.nth(0).getByLabel(en["delegation.answer"]).fill("Sherbrooke");
      await questions.nth(1).getByLabel(en["delegation.question"]).fill("Our first client?");
      await questions.nth(1).getByLabel(en["delegation.answer"]).fill("Mme Roy");
      await c.getByLabel(en["delegation.terms"]).check();
      await navigation(c, () => c.getByRole("button", { name: en["delegation.invite"] }).click());
      expect(await text(c.getByRole("status"))).toBe(en["delegation.done.invited"]);
      expect(await text(c.locator("#delegates ~ table, section table").first())).toContain("Jeanne Adjointe");
      await expectAccessible(c);

      // The invitation arrives by email, with its code and no link.
      await sendNotices();
      await d.goto(`${app.base}/dev/mail`);
      await d
        .getByRole("link", { name: /Invitation à titre de personne déléguée/ })
        .first()
        .click();
      const invitation = await text(d.locator("main"));
      const code = /DI-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(invitation)?.[0];
      expect(code, invitation).toBeDefined();

      // The delegate registers with their own identity.
      await signInToPortal(d, "gckey.jeanne");
      expect(new URL(d.url()).pathname).toBe("/portal/register");
      await d.getByRole("link", { name: en["delegation.registerLink"] }).click();
      expect(await h1(d)).toBe(en["delegation.registerTitle"]);
      await expectAccessible(d);
      await d.getByLabel(en["delegation.invitationCode"]).fill(code as string);
      await navigation(d, () => d.getByRole("button", { name: en["delegation.continue"] }).click());
      await expectAccessible(d);
      await d.getByLabel("Our street?").fill("sherbrooke");
      await d.getByLabel("Our first client?").fill("MME ROY");
      await navigation(d, () => d.getByRole("button", { name: en["delegation.accept"] }).click());
      expect(await h1(d)).toBe(en["portal.cases.title"]);
      expect(await text(d.locator(".working-for"))).toContain(`Working for ${"Test Counsel"}`);
      await expectAccessible(d);

      // D-3: the delegate files a document for counsel.
      await d.getByRole("link", { name: file }).click();
      await d.getByLabel(en["portal.submit.kind"]).selectOption("correspondence");
      await d.getByLabel(en["portal.submit.description"]).fill("Letter from the delegate");
      await d.locator("input[type=file][name=document]").setInputFiles({
        name: "letter.pdf",
        mimeType: "application/pdf",
        buffer: pdfFile("Letter from the delegate"),
      });
      await navigation(d, () => d.getByRole("button", { name: en["portal.submit.submit"] }).click());
      const confirmation = await text(d.locator(".confirmation-number"));

      // D-4: counsel see it, and who sent it.
      await c.goto(`${app.base}/portal/cases/${file}`);
      expect(await text(c.locator("main"))).toContain(confirmation);
      expect(await text(c.locator("main"))).toContain("By Jeanne Adjointe, delegate");
      await c.goto(`${app.base}/portal/profile`);
      await c.getByRole("link", { name: "Jeanne Adjointe" }).click();
      expect(await text(c.locator("main"))).toContain(confirmation);
      await expectAccessible(c);

      // D-2: the development clock runs out the 60 days: the delegate is blocked.
      await c.goto(`${app.base}/dev/clock`);
      await c.getByLabel(en["dev.clockAmount"]).fill("61");
      await c.getByLabel(en["dev.clockUnit"]).selectOption("days");
      await navigation(c, () => c.getByRole("button", { name: en["dev.clockSubmit"] }).click());
      await signInToPortal(d, "gckey.jeanne");
      const blocked = await d.goto(`${app.base}/portal/cases`);
      expect(blocked?.status()).toBe(403);
      expect(await text(d.locator("main"))).toContain(en["error.DELEGATION_BLOCKED"]);
      await expectAccessible(d);

      // Counsel see it blocked, and renew.
      await signInToPortal(c, boss.subject);
      await c.goto(`${app.base}/portal/profile`);
      expect(await text(c.locator("#delegates ~ table, section table").first())).toMatch(
        /Expired, access blocked/,
      );
      await navigation(c, () =>
        c.getByRole("button", { name: "Renew the delegation of Jeanne Adjointe" }).click(),
      );
      expect(await text(c.getByRole("status"))).toBe(en["delegation.done.renewed"]);
      await d.goto(`${app.base}/portal/cases`);
      expect(await h1(d)).toBe(en["portal.cases.title"]);

      // D-6: counsel end it; the delegate's next request is refused.
      await navigation(c, () =>
        c.getByRole("button", { name: "End the delegation of Jeanne Adjointe" }).click(),
      );
      expect(await text(c.getByRole("status"))).toBe(en["delegation.done.ended"]);
      await expectAccessible(c);
      const ended = await d.goto(`${app.base}/portal/cases`);
      expect(ended?.status()).toBe(403);
      expect(await text(d.locator("main"))).toContain(en["error.DELEGATION_ENDED"]);
    } finally {
      await counselContext.close();
      await delegateContext.close();
    }
  }, 180_000);
});
