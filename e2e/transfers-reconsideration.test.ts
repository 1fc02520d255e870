import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoShowcase } from "../src/demo/load.ts";
import { en } from "../src/i18n/en.ts";
import { instantToWallTime } from "../src/time-zones.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { firstMontrealFile } from "../test/support/files.ts";
import { dispatchDemoLetters } from "../test/support/sent-letters.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn, text } from "./support/browser.ts";

// Browser journeys with JavaScript turned off and axe on every page: moving a file for processing (C-21),
// whose notice is then in the development mailbox; and a request for reconsideration taken to its
// decision (C-22, C-23).

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const dispatch = () => dispatchDemoLetters(app);

describe("transfers and reconsideration in a browser without JavaScript", () => {
  it("C-21: a file moved for processing; the notice, new office in copy, is in /dev/mail", async () => {
    const number = demoShowcase.find((e) => e.scenario === "representative-with-email")!.number;
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");
      await page.goto(`${app.base}/agent/files/${number}`);
      await page.getByText(en["transfer.move"], { exact: true }).click();
      await expectAccessible(page);
      await page.getByLabel(en["transfer.toOffice"]).selectOption("VAN");
      await page.getByLabel(en["transfer.kindLabel"]).selectOption("processing");
      const moved = await navigation(page, () =>
        page.getByRole("button", { name: en["transfer.submit"], exact: true }).click(),
      );
      expect(moved.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe("/agent");
      await expect(text(page.locator("[role=status]"))).resolves.toContain(en["transfer.done"]);
      await expectAccessible(page);

      expect((await dispatch()).done).toBeGreaterThanOrEqual(1);
      await page.goto(`${app.base}/dev/mail`);
      await expect(text(page.locator("main"))).resolves.toMatch(
        new RegExp(`${number}(:| :) (transfer to another office|transfert à un autre bureau)`),
      );
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });

  it("C-22, C-23: a request recorded on a refused file, decided by the decision-maker with reasons", async () => {
    const file = await firstMontrealFile(app.database.db, "immigration", "refused");
    const today = instantToWallTime(app.clock.now(), "America/Toronto").slice(0, 10);
    const later = new Date(`${today}T00:00:00Z`);
    later.setUTCDate(later.getUTCDate() + 30);

    const agentContext = await newContext(browser, { javaScript: false });
    let decisionUrl: string;
    try {
      const page = await agentContext.newPage();
      await signIn(page, app.base, "agent.mtl");
      await page.goto(`${app.base}/agent/files/${file!.number}`);
      await page.getByText(en["reconsideration.record"], { exact: true }).click();
      await page
        .getByLabel(en["reconsideration.reasons"])
        .fill("I never received the request for documents.");
      await page.locator("#reconsideration-receivedOn").fill(today);
      const recorded = await navigation(page, () =>
        page.getByRole("button", { name: en["reconsideration.submit"], exact: true }).click(),
      );
      expect(recorded.status()).toBe(200);
      decisionUrl = page.url();
      expect(new URL(decisionUrl).pathname).toMatch(/^\/agent\/reconsideration\//);
      await expect(text(page.locator("main"))).resolves.toContain(en["decision.awaiting"]);
      await expectAccessible(page);
    } finally {
      await agentContext.close();
    }

    const deciderContext = await newContext(browser, { javaScript: false });
    try {
      const page = await deciderContext.newPage();
      await signIn(page, app.base, "decideur.mtl");
      await page.goto(decisionUrl);
      await expectAccessible(page);
      await page.getByLabel(en["decision.outcome"]).selectOption("granted");
      await page.getByLabel(en["decision.reasons"]).fill("The request for documents was never sent.");
      await page.getByLabel(en["decision.agencyError"]).selectOption("email-not-sent");
      // Without the new deadline the decision is refused, with the field's error and what was typed kept.
      const refused = await navigation(page, () =>
        page.getByRole("button", { name: en["decision.submit"], exact: true }).click(),
      );
      expect(refused.status()).toBe(400);
      await expect(text(page.locator(".error-summary"))).resolves.toContain(
        en["error.REOPEN_DEADLINE_REQUIRED"],
      );
      await expectAccessible(page);
      await page.getByLabel(en["decision.newDeadline"]).fill(later.toISOString().slice(0, 10));
      const decided = await navigation(page, () =>
        page.getByRole("button", { name: en["decision.submit"], exact: true }).click(),
      );
      expect(decided.status()).toBe(200);
      await expect(text(page.locator("#decision-recorded"))).resolves.toContain(
        en["reconsideration.outcome.granted"],
      );
      await expect(text(page.locator("main dl").first())).resolves.toContain(en["status.reopened"]);
      await expectAccessible(page);
    } finally {
      await deciderContext.close();
    }
  });
});
