import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOffices } from "../src/files/store.ts";
import { en } from "../src/i18n/en.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { sendDemoLetter, watchDevMailbox } from "../test/support/sent-letters.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn, text } from "./support/browser.ts";

// Issue "Bounces", done when: a person in the browser sees a demo letter bounce, sees it re-sent to the
// new address or queued for post, and sees an unmatched report in the review queue (C-16, C-17).
// Without JavaScript; the development relay bounces from /dev/mail; the worker's watcher is run here.

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const sendLetter = (scenario: string) => sendDemoLetter(app, scenario);
const runWatcher = () => watchDevMailbox(app);

async function bounceFromDevMail(page: Page, letterId: string) {
  const message = (await app.devSink!.list()).find((m) =>
    m.envelopeFrom.includes(letterId.replaceAll("-", "")),
  )!;
  await page.goto(`${app.base}/dev/mail/${message.id}`);
  await expectAccessible(page);
  await navigation(page, () => page.getByRole("button", { name: en["dev.bounce.hard"] }).click());
  await expect(text(page.locator('[role="status"]'))).resolves.toContain(en["dev.bounced"]);
}

describe("returned mail in a browser without JavaScript", () => {
  it("C-16/C-17: a letter bounces on the latest address and is queued for post; another is re-sent to the new address", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");

      // 1. Bounced on the address still on file: to the postal queue.
      const first = await sendLetter("applicant-form-email");
      await bounceFromDevMail(page, first.id);
      await runWatcher();
      await page.goto(`${app.base}/agent/bounces`);
      await expectAccessible(page);
      const matched = page
        .locator("section, main")
        .getByRole("row", { name: new RegExp(en["bounces.outcome.post"]) });
      await expect(matched.count()).resolves.toBeGreaterThan(0);
      await page.goto(`${app.base}/agent/post`);
      await expect(page.locator(`a[href="/agent/letters/${first.id}/pdf"]`).count()).resolves.toBe(1);

      // 2. The applicant gave a new address after the letter left: re-sent there.
      const second = await sendLetter("applicant-wrote-by-email");
      await page.goto(`${app.base}/agent/files/${second.number}`);
      const form = page.locator('form[action$="/contact-points"]');
      await form.getByLabel(en["file.kind"]).selectOption("email");
      await form.locator('[name="value"]').fill("nouvelle.adresse@example.org");
      await form.getByLabel(en["file.source"]).selectOption("client-email");
      const saved = await navigation(page, () => form.getByRole("button", { name: en["file.save"] }).click());
      expect(saved.status()).toBe(200);
      await bounceFromDevMail(page, second.id);
      await runWatcher();
      await page.goto(`${app.base}/agent/letters/${second.id}`);
      await expectAccessible(page);
      await expect(text(page.locator("main"))).resolves.toContain(en["letterEvent.resent"]);
      await expect(text(page.locator("main"))).resolves.toContain("nouvelle.adresse@example.org");
    } finally {
      await context.close();
    }
  });

  it("C-16: a report about nothing we sent waits in the review queue", async () => {
    const mailbox = (await listOffices(app.database.db)).find((o) => o.code === "MTL")!.genericMailbox;
    await app.devSink!.deposit(
      Buffer.from(
        `From: MAILER-DAEMON@mx.example.net\r\nTo: ${mailbox}\r\nSubject: Undeliverable: Hello\r\n\r\n<stranger@example.net>: 550 5.1.1 User unknown\r\n`,
      ),
      { from: "", to: [mailbox] },
    );
    await runWatcher();
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");
      await page.goto(`${app.base}/agent/bounces`);
      await expectAccessible(page);
      await expect(text(page.locator("main"))).resolves.toContain("stranger@example.net");
      await expect(page.getByRole("button", { name: en["bounces.match"] }).count()).resolves.toBeGreaterThan(
        0,
      );
    } finally {
      await context.close();
    }
  });
});
