import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoShowcase } from "../src/demo/load.ts";
import { en } from "../src/i18n/en.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { dispatchDemoLetters } from "../test/support/sent-letters.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn, text } from "./support/browser.ts";

// A browser journey through writing a letter (SPEC C-5, C-6, C-10..C-12, section 8), with JavaScript
// turned off: compose, be refused without a deadline, preview, send; the dispatcher runs; the message
// is in the development sink, and the letter page gives back its exact bytes.

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const emailFile = demoShowcase.find((e) => e.scenario === "applicant-form-email")!.number;

/** The letter's subject as the template writes it for this French-speaking applicant (C-9). */
const subject = `Dossier ${emailFile} : demande de documents supplémentaires`;

const button = (page: Page, key: "compose.preview" | "compose.draft" | "compose.send") =>
  page.getByRole("button", { name: en[key], exact: true });

const dispatch = () => dispatchDemoLetters(app);

describe("writing a letter in a browser without JavaScript", () => {
  it("C-6/C-10: refused without a deadline, previewed, sent, dispatched; the .eml is the bytes the mail server received", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");

      // From the file page to the compose page.
      await page.goto(`${app.base}/agent/files/${emailFile}`);
      const letters = page.locator("section", { has: page.locator("#letters-heading") });
      await navigation(page, () => letters.getByRole("link", { name: en["letters.write"] }).click());
      expect(new URL(page.url()).pathname).toBe(`/agent/files/${emailFile}/letters/new`);
      const recipient = page.getByLabel(en["compose.recipient"]);
      const address = await recipient.inputValue();
      expect(address).toMatch(/@/);
      await expect(text(page.locator("section.routing .answer"))).resolves.toContain(address);
      await expectAccessible(page);

      // C-6: a request for documents without its deadline is refused; what was typed stays.
      await expect(page.getByLabel(en["compose.letterType"]).inputValue()).resolves.toBe("request-documents");
      const deadline = page.getByLabel(en["compose.deadline"]);
      const offered = await deadline.inputValue();
      expect(offered).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await deadline.fill("");
      const documents = page.getByLabel(en["compose.documentsList"]);
      await documents.fill("- Police certificate\n- Proof of funds");
      const refused = await navigation(page, () => button(page, "compose.send").click());
      expect(refused.status()).toBe(400);
      const summary = page.locator(".error-summary");
      const link = summary.getByRole("link", { name: en["error.DEADLINE_REQUIRED"], exact: true });
      await expect(link.getAttribute("href")).resolves.toBe("#letter-deadline");
      await expect(deadline.getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(documents.inputValue()).resolves.toBe("- Police certificate\n- Proof of funds");
      await expect(recipient.inputValue()).resolves.toBe(address);
      await expectAccessible(page);

      // The preview: who, why, from, the subject and the body; nothing recorded yet.
      await deadline.fill(offered);
      const previewed = await navigation(page, () => button(page, "compose.preview").click());
      expect(previewed.status()).toBe(200);
      const preview = page.locator("#preview");
      await expect(text(preview.getByRole("heading", { level: 2 }))).resolves.toBe(
        en["compose.previewTitle"],
      );
      const panel = await text(preview);
      expect(panel).toContain(subject);
      expect(panel).toContain(address);
      expect(panel).toContain("(C-1, C-2)");
      expect(panel).toContain("ircc.mtl-correspondance@ircc.example");
      await expect(text(preview.locator("pre"))).resolves.toContain("- Police certificate\n- Proof of funds");
      expect(await app.devSink!.list()).toHaveLength(0);
      await expectAccessible(page);

      // Send: the letter page, generated.
      const sent = await navigation(page, () => button(page, "compose.send").click());
      expect(sent.status()).toBe(200);
      const letterUrl = new URL(page.url());
      expect(letterUrl.pathname).toMatch(/^\/agent\/letters\/[0-9a-f-]{36}$/);
      await expect(text(page.getByRole("status"))).resolves.toBe(en["letter.done.send"]);
      await expect(page.locator("[data-state]").getAttribute("data-state")).resolves.toBe("generated");

      // The worker's turn.
      expect((await dispatch()).done).toBe(1);

      // The development sink received it.
      await page.goto(`${app.base}/dev/mail`);
      await navigation(page, () => page.getByRole("link", { name: subject }).click());
      const messageId = await text(page.locator("dt:text-is('Message-ID') + dd"));
      const [received] = await app.devSink!.list();
      expect(received).toBeDefined();

      // The letter page: sent, accepted by the mail server, the note, the seal; the exact bytes.
      await page.goto(letterUrl.href.replace(/\?.*$/, ""));
      await expect(page.locator("[data-state]").getAttribute("data-state")).resolves.toBe("sent");
      await expect(text(page.locator("main"))).resolves.toContain(en["letterEvent.sent"]);
      await expect(text(page.locator("dt:text-is('Message-ID') + dd"))).resolves.toBe(messageId);
      await expect(text(page.locator("dt:text-is('SHA-256') + dd"))).resolves.toBe(received!.sha256);
      await expectAccessible(page);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: en["letter.download"] }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${letterUrl.pathname.split("/").at(-1)}.eml`);
      const bytes = await readFile(await download.path());
      expect(bytes.equals((await app.devSink!.read(received!.id))!)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
