import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoShowcase } from "../src/demo/load.ts";
import { en } from "../src/i18n/en.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { exeFile, pdfFile, pngFile } from "../test/support/attachment-files.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn, text } from "./support/browser.ts";

// Attaching files in a browser without JavaScript (SPEC issue "attachments", section 8): the browser's own
// multipart form (its field order, its empty file input, its button after the files), a refusal by content
// with the field in error and the request to attach again, then a letter sent with its files, listed and
// downloadable from its page.

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

const button = (page: Page, key: "compose.preview" | "compose.draft" | "compose.send") =>
  page.getByRole("button", { name: en[key], exact: true });

describe("attaching files in a browser without JavaScript", () => {
  it("a fake PDF is refused with the field in error; the real files are sent, listed and downloaded", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");
      await page.goto(`${app.base}/agent/files/${emailFile}/letters/new`);
      await page.getByLabel(en["compose.documentsList"]).fill("- Police certificate");
      const files = page.getByLabel(en["compose.attachments"]);

      // An executable named .pdf: refused by its content, the field in error, nothing recorded.
      await files.setInputFiles([
        { name: "Passeport.pdf", mimeType: "application/pdf", buffer: exeFile() },
        { name: "plan.png", mimeType: "image/png", buffer: pngFile() },
      ]);
      const refused = await navigation(page, () => button(page, "compose.send").click());
      expect(refused.status()).toBe(415);
      const summary = page.locator(".error-summary");
      const link = summary.getByRole("link", { name: en["error.ATTACHMENT_TYPE_NOT_ALLOWED"], exact: true });
      await expect(link.getAttribute("href")).resolves.toBe("#letter-attachments");
      await expect(text(summary)).resolves.toContain("Passeport.pdf / plan.png");
      await expect(files.getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(text(page.locator("#letter-attachments-error"))).resolves.toContain("Passeport.pdf");
      await expect(page.getByLabel(en["compose.documentsList"]).inputValue()).resolves.toBe(
        "- Police certificate",
      );
      await expectAccessible(page);

      // Attached again, right this time: sent, and the letter page lists the files.
      const pdf = pdfFile("Liste");
      await files.setInputFiles([
        { name: "Liste.png", mimeType: "image/png", buffer: pdf },
        { name: "plan.png", mimeType: "image/png", buffer: pngFile() },
      ]);
      const sent = await navigation(page, () => button(page, "compose.send").click());
      expect(sent.status()).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(/^\/agent\/letters\/[0-9a-f-]{36}$/);
      const section = page.locator("section", { has: page.locator("#letter-attachments") });
      await expect(text(section)).resolves.toContain(en["attachmentType.pdf"]);
      await expectAccessible(page);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        section.getByRole("link", { name: "Liste.pdf" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe("Liste.pdf");
      expect((await readFile(await download.path())).equals(pdf)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
