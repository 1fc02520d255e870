import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePendingBatches } from "../src/batches/service.ts";
import { en } from "../src/i18n/en.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { dispatchDemoLetters } from "../test/support/sent-letters.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn, text } from "./support/browser.ts";

// Browser journeys through a batch (SPEC C-19, C-20). Without JavaScript: choose the files and the
// letter, preview, create, follow the account by reloading, download it. With JavaScript: the batch's
// page follows the sending live, without a reload.

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const note = "Our office moves on 1 March; our mailbox stays the same.";

/** What `liaison worker` does: write the batches' letters, then send until nothing is left to claim. */
async function generate() {
  await generatePendingBatches({ db: app.database.db, clock: app.clock });
}
async function dispatchAll() {
  for (;;) {
    const { claimed } = await dispatchDemoLetters(app);
    if (claimed === 0) return;
  }
}

/** The count the account shows for one outcome, as a number. */
async function countOf(page: Page, outcome: string): Promise<number> {
  return Number((await text(page.locator(`[data-count="${outcome}"]`))).replace(/\D/g, ""));
}

/** From the list page: a general letter to the Montréal immigration files, previewed, then created. */
async function createBatch(page: Page, opts: { checkAccessibility: boolean }): Promise<string> {
  await page.goto(`${app.base}/agent/batches`);
  expect(await text(page.getByRole("heading", { level: 1 }))).toBe(en["batches.title"]);
  if (opts.checkAccessibility) await expectAccessible(page);
  // The list's region is named "Batches of your offices": the field is the combobox named "Office".
  await page.getByRole("combobox", { name: new RegExp(`^${en["batches.office"]}`) }).selectOption("MTL");
  await page.getByLabel(en["batches.lineOfBusiness"]).selectOption("immigration");
  await page.getByLabel(en["compose.letterType"]).selectOption("general");
  await page.getByLabel(en["compose.agentNote"]).fill(note);
  await page.getByLabel(en["batches.deadlineNone"]).check();

  const previewed = await navigation(page, () =>
    page.getByRole("button", { name: en["batches.preview"], exact: true }).click(),
  );
  expect(previewed.status()).toBe(200);
  expect(await text(page.getByRole("heading", { level: 1 }))).toBe(en["batches.previewTitle"]);
  expect(Number((await text(page.locator("#batch-count"))).replace(/\D/g, ""))).toBeGreaterThan(0);
  expect(await text(page.locator("#batch-example pre"))).toContain(note);
  if (opts.checkAccessibility) await expectAccessible(page);

  const created = await navigation(page, () =>
    page.getByRole("button", { name: en["batches.create"], exact: true }).click(),
  );
  expect(created.status()).toBe(200);
  const id = /^\/agent\/batches\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1];
  expect(id, page.url()).toBeDefined();
  return id!;
}

describe("a batch in a browser without JavaScript (C-19, C-20)", () => {
  it("C-19/C-20: criteria, preview, creation; the page reloads itself until every letter is accounted for; the account downloads", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");
      await createBatch(page, { checkAccessibility: true });

      // The batch's page: nothing written yet, a refresh every 5 seconds without JavaScript.
      await expect(text(page.getByRole("status"))).resolves.toBe(en["batches.createdNotice"]);
      await expect(text(page.locator("#batch-status"))).resolves.toBe(en["batches.inProgress"]);
      const members = await countOf(page, "waiting");
      expect(members).toBeGreaterThan(0);
      expect(await page.content()).toMatch(/<noscript>\s*<meta http-equiv="refresh" content="5">/);
      await expectAccessible(page);

      // The worker writes and sends; the page reloads itself (the refresh in <noscript>) and gives the
      // account. Waiting for that reload rather than forcing one: a forced reload could cross it.
      await generate();
      await dispatchAll();
      await page.locator("#batch-status", { hasText: en["batches.finished"] }).waitFor();
      await expect(text(page.locator("#batch-status"))).resolves.toBe(en["batches.finished"]);
      expect(await countOf(page, "waiting")).toBe(0);
      expect(await countOf(page, "pending")).toBe(0);
      expect(await countOf(page, "sent")).toBeGreaterThan(0);
      await expect(page.locator("progress").getAttribute("value")).resolves.toBe(String(members));
      await expectAccessible(page);

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: en["batches.csv"] }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^batch-[0-9a-f-]{36}\.csv$/);
      const csv = (await readFile(await download.path(), "utf8")).replace(/^\uFEFF/, "");
      const lines = csv.split("\r\n").filter(Boolean);
      expect(lines[0]).toBe("file,letter,recipient_role,channel,outcome,reason,accepted_at,smtp_reply");
      expect(lines).toHaveLength(members + 1);
      expect(lines.filter((l) => l.includes(",sent,"))).toHaveLength(await countOf(page, "sent"));
    } finally {
      await context.close();
    }
  });
});

/** Signed in as agent.mtl: a batch created, its letters written by the worker, and its page open. */
async function writtenBatchPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await signIn(page, app.base, "agent.mtl");
  const id = await createBatch(page, { checkAccessibility: false });
  await generate();
  await page.goto(`${app.base}/agent/batches/${id}`);
  return page;
}

describe("stopping a batch in a browser without JavaScript (C-20)", () => {
  it("C-20: an agent confirms and stops a batch; the page says who stopped it and what became of its letters", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await writtenBatchPage(context);
      await navigation(page, () => page.getByRole("link", { name: en["batches.stopLink"] }).click());
      await expectAccessible(page);
      // Without the box ticked, the page says why, beside it.
      await navigation(page, () =>
        page.getByRole("button", { name: en["batches.stop"], exact: true }).click(),
      );
      await expect(text(page.locator(".error-summary"))).resolves.toContain(
        en["error.BATCH_STOP_NOT_CONFIRMED"],
      );
      await expectAccessible(page);
      await page.getByLabel(en["batches.stopConfirm"]).check();
      await navigation(page, () =>
        page.getByRole("button", { name: en["batches.stop"], exact: true }).click(),
      );
      await expect(text(page.locator("#batch-stopped"))).resolves.toContain("Camille Tremblay");
      await expect(text(page.locator("#batch-status"))).resolves.toBe(en["batches.finished"]);
      expect(await countOf(page, "pending")).toBe(0);
      expect(await countOf(page, "failed")).toBeGreaterThan(0);
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});

describe("a batch in a browser with JavaScript (C-20)", () => {
  it("C-20: the batch's page follows the sending live and says when it is finished, without a reload", async () => {
    const context = await newContext(browser, { javaScript: true });
    try {
      const page = await writtenBatchPage(context);
      expect(await countOf(page, "pending")).toBeGreaterThan(0);
      await expect(text(page.locator("#batch-status"))).resolves.toBe(en["batches.inProgress"]);
      // A reload would lose this mark: the update must happen in place.
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });
      await expectAccessible(page);

      await dispatchAll();
      await page.locator("#batch-status", { hasText: en["batches.finished"] }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
        true,
      );
      expect(await countOf(page, "pending")).toBe(0);
      expect(await countOf(page, "sent")).toBeGreaterThan(0);
      const members = Number((await text(page.locator("[data-members]"))).replace(/\D/g, ""));
      await expect(text(page.locator("[data-accounted]"))).resolves.toBe(String(members));
      await expect(page.locator("#batch-progress").getAttribute("data-finished")).resolves.toBe("true");
      // Nothing is left to stop: the stop form went with the last update.
      expect(await page.getByRole("link", { name: en["batches.stopLink"] }).isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
