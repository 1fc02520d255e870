import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../src/i18n/en.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { runCli } from "../test/support/run-cli.ts";
import { sendDemoLetter } from "../test/support/sent-letters.ts";
import { expectAccessible, launchBrowser, navigation, newContext, signIn } from "./support/browser.ts";

// Issue "Proof of sending", done when: a person exports the proof of a demo letter from the browser,
// reads its PDF, verifies it with the command line in another folder, flips a byte, and sees
// verification fail with the reason (B-1, B-3). Without JavaScript, with axe-core on each page.

let app: TestApp;
let browser: Browser;
let letterId: string;
const work = mkdtempSync(path.join(tmpdir(), "liaison-e2e-proof-"));

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  letterId = (await sendDemoLetter(app, "applicant-form-email")).id;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

const verify = (folder: string) =>
  runCli(["proof", "verify", folder, "--lang", "en"], {
    DATABASE_URL: "",
    DATA_DIR: path.join(work, "unused"),
  });

describe("proof of sending in a browser without JavaScript", () => {
  it("B-1/B-3: export from the letter page, read the PDF, verify in another folder, flip a byte, see it fail", async () => {
    const context = await newContext(browser, { javaScript: false });
    try {
      const page = await context.newPage();
      await signIn(page, app.base, "agent.mtl");
      await page.goto(`${app.base}/agent/ledger`);
      await expectAccessible(page);
      await navigation(page, () => page.getByRole("button", { name: en["ledger.sign"] }).click());
      await expectAccessible(page);

      await page.goto(`${app.base}/agent/letters/${letterId}`);
      await expectAccessible(page);
      await page.getByLabel(en["proof.language"]).selectOption("fr");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: en["proof.export"] }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`proof-${letterId}.zip`);
      const zip = path.join(work, "downloaded.zip");
      await download.saveAs(zip);

      // Another folder, as a court's clerk would: unzip, read the summary, verify.
      const folder = path.join(work, "elsewhere");
      execFileSync("python3", ["-m", "zipfile", "-e", zip, folder]);
      const unpacked = path.join(folder, `proof-${letterId}`);
      const pdfText = execFileSync("pdftotext", [path.join(unpacked, "summary-fr.pdf"), "-"], {
        encoding: "utf8",
      });
      expect(pdfText).toContain("Preuve d");
      expect(pdfText).toContain(letterId);
      expect(pdfText).not.toMatch(/livré/i);
      const ok = await verify(unpacked);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/^VALID:/);

      const eml = path.join(unpacked, "message.eml");
      const bytes = readFileSync(eml);
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
      writeFileSync(eml, bytes);
      const bad = await verify(unpacked);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/^INVALID/);
      expect(bad.stdout).toContain("FAIL message.eml: This file was altered");
    } finally {
      await context.close();
    }
  }, 180_000);
});
