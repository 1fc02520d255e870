import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { demoShowcase } from "../src/demo/load.ts";
import { demoOffices, demoStaff } from "../src/demo/staff.ts";
import { en } from "../src/i18n/en.ts";
import { fr } from "../src/i18n/fr.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import {
  escapeRegExp,
  expectAccessible,
  launchBrowser,
  navigation,
  newContext,
  type StorageState,
  signIn,
  text,
  textPattern,
} from "./support/browser.ts";

// Browser journeys through the staff workspace (SPEC sections 1, 2 and 8): the real app on a free port,
// with the demo data and the development identity provider, driven by Chromium. Most journeys run with
// JavaScript turned off, to prove the pages work without it.

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const showcase = (scenario: (typeof demoShowcase)[number]["scenario"]) => {
  const entry = demoShowcase.find((e) => e.scenario === scenario);
  if (!entry) throw new Error(`no showcase file for ${scenario}`);
  return entry.number;
};
const staffName = (subject: string) => demoStaff.find((s) => s.subject === subject)!.name;
const mtlName = demoOffices.find((o) => o.code === "MTL")!.nameEn;
const vanName = demoOffices.find((o) => o.code === "VAN")!.nameEn;

/** A new browser profile, closed when the test ends. */
async function context(opts: { javaScript: boolean; storageState?: StorageState }): Promise<BrowserContext> {
  const ctx = await newContext(browser, opts);
  onTestFinished(() => ctx.close());
  return ctx;
}

/** The cookies of a browser that signed in as each subject through the OIDC flow, once per subject. */
const signedIn = new Map<string, Promise<StorageState>>();
function stateOf(subject: string): Promise<StorageState> {
  let state = signedIn.get(subject);
  if (!state) {
    state = (async () => {
      const ctx = await newContext(browser, { javaScript: false });
      try {
        const page = await ctx.newPage();
        await signIn(page, app.base, subject);
        return await ctx.storageState();
      } finally {
        await ctx.close();
      }
    })();
    signedIn.set(subject, state);
  }
  return state;
}

/**
 * A page with JavaScript off in a fresh profile holding the session of `subject` (signed in through the
 * OIDC flow once per subject; its own cookies, so a language choice does not leak into other tests).
 */
async function signedInPage(subject: string): Promise<Page> {
  const ctx = await context({ javaScript: false, storageState: await stateOf(subject) });
  const page = await ctx.newPage();
  await page.goto(`${app.base}/agent`);
  return page;
}

async function search(
  page: Page,
  fields: { number?: string; name?: string; email?: string; office?: string },
) {
  await page.goto(`${app.base}/agent`);
  if (fields.number !== undefined)
    await page.getByLabel(en["search.number"], { exact: true }).fill(fields.number);
  if (fields.name !== undefined) await page.getByLabel(en["search.name"], { exact: true }).fill(fields.name);
  if (fields.email !== undefined)
    await page.getByLabel(en["search.email"], { exact: true }).fill(fields.email);
  if (fields.office !== undefined)
    await page.getByLabel(en["search.office"], { exact: true }).selectOption({ label: fields.office });
  return navigation(page, () => page.getByRole("button", { name: en["search.submit"], exact: true }).click());
}

/** The file numbers linked from the results table, in page order. */
async function resultNumbers(page: Page): Promise<string[]> {
  return page.locator("table tbody tr td:first-child a").allInnerTexts();
}

interface HistoryRow {
  kind: string;
  address: string;
  source: string;
  provided: string;
  superseded: string;
}

/** The section of the file page about the party with this role (the first one, for representatives). */
function partySection(page: Page, role: "applicant" | "representative") {
  const tag = role === "applicant" ? en["role.applicant"] : en["role.representative"];
  return page
    .locator("section")
    .filter({ has: page.locator("h3 .tag").getByText(tag, { exact: true }) })
    .first();
}

async function history(page: Page, role: "applicant" | "representative"): Promise<HistoryRow[]> {
  const rows = await partySection(page, role).locator("table tbody tr").all();
  const out: HistoryRow[] = [];
  for (const row of rows) {
    const [kind = "", address = "", source = "", provided = "", superseded = ""] = (
      await row.locator("td").allInnerTexts()
    ).map((s) => s.trim());
    out.push({ kind, address, source, provided, superseded });
  }
  return out;
}

const current = (rows: HistoryRow[], kind: "email" | "postal") =>
  rows.filter((r) => r.kind === en[`kind.${kind}`] && r.superseded === en["file.current"]);

async function openFile(page: Page, number: string) {
  const response = await page.goto(`${app.base}/agent/files/${number}`);
  if (!response) throw new Error(`no response for file ${number}`);
  return response;
}

const routingAnswer = (page: Page) => text(page.locator("#routing-answer"));
const routingWhy = (page: Page) => text(page.locator("#routing-why"));

describe("staff workspace in a browser", () => {
  it("signs in through the OIDC flow as agent.mtl, shows who is signed in; the search page passes axe", async () => {
    const page = await (await context({ javaScript: true })).newPage();
    await page.goto(`${app.base}/agent`);
    await expect(text(page.locator("header"))).resolves.not.toContain("Signed in as");
    await signIn(page, app.base, "agent.mtl");
    expect(new URL(page.url()).pathname).toBe("/agent");
    await expect(text(page.locator("header"))).resolves.toContain(`Signed in as ${staffName("agent.mtl")}`);
    await expect(text(page.locator("h1"))).resolves.toBe(en["search.title"]);
    expect(await page.getByRole("button", { name: en["layout.signOut"] }).count()).toBe(1);
    await expectAccessible(page);
  });

  it("searches by file number prefix, applicant name and any email ever given, without JavaScript", async () => {
    const page = await signedInPage("agent.mtl");

    // By prefix: exactly the showcase's immigration files (generated numbers never start with "E0").
    const byPrefix = await search(page, { number: "E0000000" });
    expect(byPrefix.status()).toBe(200);
    const prefixHits = demoShowcase.map((e) => e.number).filter((n) => n.startsWith("E0000000"));
    await expect(resultNumbers(page)).resolves.toEqual([...prefixHits].sort());
    await expect(text(page.locator("#results-heading"))).resolves.toBe(
      en["search.results"].replace("{total}", String(prefixHits.length)),
    );
    await expectAccessible(page);

    // By name: take the applicant's name from the results row of a postal-only file.
    const postalOnly = showcase("applicant-postal-only");
    const row = page.locator("tbody tr", { has: page.getByRole("link", { name: postalOnly }) });
    const name = await text(row.locator("td").nth(1));
    expect(name.length).toBeGreaterThan(3);
    await search(page, { name });
    await expect(resultNumbers(page)).resolves.toContain(postalOnly);

    // The results link to the file.
    const opened = await navigation(page, () =>
      page.getByRole("link", { name: postalOnly, exact: true }).click(),
    );
    expect(opened.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/agent/files/${postalOnly}`);
    await expect(text(page.locator("h1"))).resolves.toBe(`File ${postalOnly}`);
    await expect(text(page.locator("main"))).resolves.toContain(name);

    // By email: an address the applicant gave and later replaced still finds the file.
    const superseded = showcase("applicant-email-superseded");
    await openFile(page, superseded);
    const emails = (await history(page, "applicant")).filter((r) => r.kind === en["kind.email"]);
    const old = emails.filter((r) => r.superseded !== en["file.current"] && r.superseded !== "");
    expect(old.length, "the showcase's applicant replaced their email address").toBeGreaterThanOrEqual(1);
    const oldAddress = old[0]!.address;
    expect(current(emails, "email").map((r) => r.address)).not.toContain(oldAddress);
    const byEmail = await search(page, { email: oldAddress.toUpperCase() });
    expect(byEmail.status()).toBe(200);
    await expect(resultNumbers(page)).resolves.toEqual([superseded]);
  });

  it("refuses malformed file numbers with the error summary, status 400; the error page passes axe", async () => {
    const page = await signedInPage("agent.mtl");
    for (const malformed of ["12345", "E12X"]) {
      const response = await search(page, { number: malformed });
      expect(response.status()).toBe(400);
      const summary = page.locator(".error-summary");
      await expect(text(summary.getByRole("heading"))).resolves.toBe(en["form.errorsTitle"]);
      const link = summary.getByRole("link", { name: en["error.MALFORMED_FILE_NUMBER"], exact: true });
      await expect(link.getAttribute("href")).resolves.toBe("#search-number");
      await expect(text(page.locator("#search-number-error"))).resolves.toBe(
        en["error.MALFORMED_FILE_NUMBER"],
      );
      const field = page.getByLabel(en["search.number"], { exact: true });
      await expect(field.inputValue()).resolves.toBe(malformed);
      await expect(field.getAttribute("aria-invalid")).resolves.toBe("true");
      expect(await page.locator("table").count()).toBe(0);
    }
    await expectAccessible(page);
  });

  describe("where correspondence goes (C-1..C-4), shown on the file", () => {
    it("C-3: with an IMM 5476 giving the representative's email, everything goes to the representative by email", async () => {
      const page = await signedInPage("agent.mtl");
      await openFile(page, showcase("representative-with-email"));
      const repEmail = current(await history(page, "representative"), "email");
      const applicantEmail = current(await history(page, "applicant"), "email");
      expect(repEmail).toHaveLength(1);
      // The applicant consented to email too: C-3 overrides it.
      expect(applicantEmail).toHaveLength(1);
      const answer = textPattern("file.routing.representative-email").exec(await routingAnswer(page));
      expect(answer, await routingAnswer(page)).not.toBeNull();
      expect(answer![2]).toBe(repEmail[0]!.address);
      expect(answer![2]).not.toBe(applicantEmail[0]!.address);
      const why = await routingWhy(page);
      expect(why).toContain("IMM 5476");
      expect(why).toContain("(C-3)");
      await expect(page.locator("section.routing").getAttribute("data-reason")).resolves.toBe(
        "representative-email",
      );
    });

    it("C-4: an applicant who gave only a postal address is written to by post, at that address", async () => {
      const page = await signedInPage("agent.mtl");
      await openFile(page, showcase("applicant-postal-only"));
      const applicant = await history(page, "applicant");
      expect(current(applicant, "email")).toHaveLength(0);
      const postal = current(applicant, "postal");
      expect(postal).toHaveLength(1);
      await expect(routingAnswer(page)).resolves.toMatch(textPattern("file.routing.applicant-post"));
      await expect(routingWhy(page)).resolves.toContain("C-4");
      const used = page
        .locator("section.routing p", { hasText: en["file.postalAddressUsed"] })
        .locator(".pre-line");
      await expect(text(used)).resolves.toBe(postal[0]!.address);
    });

    it("C-1: an applicant who gave an email on the application form is written to by email, at that address", async () => {
      const page = await signedInPage("agent.mtl");
      await openFile(page, showcase("applicant-form-email"));
      const email = current(await history(page, "applicant"), "email");
      expect(email).toHaveLength(1);
      expect(email[0]!.source).toBe(en["source.application-form"]);
      const answer = textPattern("file.routing.applicant-email").exec(await routingAnswer(page));
      expect(answer, await routingAnswer(page)).not.toBeNull();
      expect(answer![2]).toBe(email[0]!.address);
      await expect(routingWhy(page)).resolves.toContain("C-1");
    });

    it("C-1: an email address given over the phone is not consent, so letters go by post", async () => {
      const page = await signedInPage("agent.mtl");
      await openFile(page, showcase("applicant-phone-email"));
      const email = current(await history(page, "applicant"), "email");
      expect(email).toHaveLength(1);
      expect(email[0]!.source).toBe(en["source.phone"]);
      await expect(routingAnswer(page)).resolves.toMatch(textPattern("file.routing.applicant-post"));
      await expect(routingAnswer(page)).resolves.not.toContain(email[0]!.address);
      await expect(routingWhy(page)).resolves.toContain("C-1");
    });
  });

  it("records a new email address for the applicant: history keeps the old one, routing uses the new (C-2); bad input is refused with nothing recorded", async () => {
    const page = await signedInPage("agent.mtl");
    const number = showcase("applicant-wrote-by-email");
    await openFile(page, number);
    const before = await history(page, "applicant");
    const [oldEmail] = current(before, "email");
    expect(oldEmail).toBeDefined();
    await expect(routingAnswer(page)).resolves.toContain(oldEmail!.address);

    const form = page.locator("form", {
      has: page.getByRole("button", { name: en["file.save"], exact: true }),
    });
    const choose = async (label: string, option: string) => {
      const select = form.getByLabel(`${label} ${en["form.required"]}`, { exact: true });
      await select.selectOption({ label: option });
    };
    const fillAddress = async (value: string) => {
      const applicantOption = await text(
        form
          .getByLabel(`${en["file.party"]} ${en["form.required"]}`, { exact: true })
          .locator("option", { hasText: `— ${en["role.applicant"]}` }),
      );
      await choose(en["file.party"], applicantOption);
      await choose(en["file.kind"], en["kind.email"]);
      await form.getByLabel(`${en["file.value"]} ${en["form.required"]}`, { exact: true }).fill(value);
      await choose(en["file.source"], en["source.client-email"]);
    };
    const save = () =>
      navigation(page, () => form.getByRole("button", { name: en["file.save"], exact: true }).click());

    // A new address, "provided on" left at its default (now, in the office's time).
    const newAddress = "nouvelle.adresse-e2e@example.org";
    await fillAddress(newAddress);
    const saved = await save();
    expect(saved.status()).toBe(200);
    expect(page.url()).toBe(`${app.base}/agent/files/${number}?saved=1`);
    await expect(text(page.getByRole("status"))).resolves.toBe(en["file.saved"]);
    const after = await history(page, "applicant");
    expect(after).toHaveLength(before.length + 1);
    const added = after.find((r) => r.address === newAddress);
    expect(added).toMatchObject({
      kind: en["kind.email"],
      source: en["source.client-email"],
      superseded: en["file.current"],
    });
    const replaced = after.find((r) => r.address === oldEmail!.address);
    expect(replaced?.provided).toBe(oldEmail!.provided);
    // Superseded at the instant the new one was provided, not deleted.
    expect(replaced?.superseded).toBe(added!.provided);
    expect(current(after, "email").map((r) => r.address)).toEqual([newAddress]);
    const answer = textPattern("file.routing.applicant-email").exec(await routingAnswer(page));
    expect(answer, await routingAnswer(page)).not.toBeNull();
    expect(answer![2]).toBe(newAddress);

    // Bad input: each is refused with its text, status 400, and the history stays as it was.
    const field = (name: string) => page.locator(`#address-${name}-error`);
    await fillAddress("not-an-email");
    const invalid = await save();
    expect(invalid.status()).toBe(400);
    await expect(text(page.locator(".error-summary"))).resolves.toContain(en["error.INVALID_EMAIL"]);
    await expect(text(field("value"))).resolves.toBe(en["error.INVALID_EMAIL"]);
    await expect(
      form.getByLabel(`${en["file.value"]} ${en["form.required"]}`, { exact: true }).inputValue(),
    ).resolves.toBe("not-an-email");
    await expect(history(page, "applicant")).resolves.toEqual(after);
    await expectAccessible(page);

    await fillAddress("future.e2e@example.org");
    const providedAt = form.getByLabel(
      new RegExp(
        `${textPattern("file.providedAt").source.slice(0, -1)} ${escapeRegExp(en["form.required"])}$`,
      ),
    );
    const max = await providedAt.getAttribute("max");
    expect(max).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    const nextYear = `${Number(max!.slice(0, 4)) + 1}${max!.slice(4)}`;
    await providedAt.fill(nextYear);
    const future = await save();
    expect(future.status()).toBe(400);
    await expect(text(page.locator(".error-summary"))).resolves.toContain(en["error.PROVIDED_IN_FUTURE"]);
    await expect(text(field("providedAt"))).resolves.toBe(en["error.PROVIDED_IN_FUTURE"]);
    await expect(history(page, "applicant")).resolves.toEqual(after);

    // Reloaded from the server, the history is still the one with the single new address.
    await openFile(page, number);
    await expect(history(page, "applicant")).resolves.toEqual(after);
  });

  it("switches to French and back, keeping the page, and the choice persists (section 8)", async () => {
    const page = await signedInPage("agent.mtl");
    await page.goto(`${app.base}/agent?number=E0000000`);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    const toFrench = page.getByRole("link", { name: en["layout.langToggleLabel"], exact: true });
    await expect(text(toFrench)).resolves.toBe("Français");
    await navigation(page, () => toFrench.click());
    const url = new URL(page.url());
    expect(`${url.pathname}${url.search}`).toBe("/agent?number=E0000000");
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("fr");
    await expect(text(page.locator("h1"))).resolves.toBe(fr["search.title"]);
    expect(fr["search.title"]).toBe("Trouver un dossier");
    await expect(text(page.locator("#results-heading"))).resolves.toMatch(/dossiers trouvés$/);
    await expect(text(page.locator("header"))).resolves.toContain(
      `Connecté en tant que ${staffName("agent.mtl")}`,
    );

    // The next page is in French too.
    const number = showcase("representative-without-email");
    await navigation(page, () => page.getByRole("link", { name: number, exact: true }).click());
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("fr");
    await expect(text(page.locator("h1"))).resolves.toBe(`Dossier ${number}`);
    await expect(routingAnswer(page)).resolves.toMatch(/^La correspondance va à/);
    await expectAccessible(page);

    const toEnglish = page.getByRole("link", { name: fr["layout.langToggleLabel"], exact: true });
    await expect(text(toEnglish)).resolves.toBe("English");
    await navigation(page, () => toEnglish.click());
    expect(new URL(page.url()).pathname).toBe(`/agent/files/${number}`);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    await expect(text(page.locator("h1"))).resolves.toBe(`File ${number}`);
    await page.goto(`${app.base}/agent`);
    await expect(text(page.locator("h1"))).resolves.toBe(en["search.title"]);
  });

  it("another office's file is a 404 like a file that does not exist; a support agent opens no file (section 1)", async () => {
    const mtlFile = showcase("representative-with-email");
    const missing = "E000000099"; // generated numbers never start with 0, and the showcase stops at 11
    const van = await signedInPage("agent.van");

    // agent.van sees Vancouver's files, and only those.
    await search(van, { office: vanName });
    const vanFiles = await resultNumbers(van);
    expect(vanFiles.length).toBeGreaterThan(0);
    const vanFile = vanFiles[0]!;
    expect((await openFile(van, vanFile)).status()).toBe(200);
    await expect(text(van.locator("h1"))).resolves.toBe(`File ${vanFile}`);
    await expect(
      van.getByLabel(en["search.office"], { exact: true }).locator("option").allInnerTexts(),
    ).resolves.not.toContain(mtlName);

    const response = await openFile(van, mtlFile);
    expect(response.status()).toBe(404);
    await expect(text(van.locator("main"))).resolves.toContain(en["error.NOT_FOUND"]);
    await expect(text(van.locator("body"))).resolves.not.toContain(mtlFile);
    const normalise = (html: string, number: string) =>
      html.replaceAll(number, "NUMBER").replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
    const forbiddenHtml = normalise(await response.text(), mtlFile);
    const absent = await openFile(van, missing);
    expect(absent.status()).toBe(404);
    expect(forbiddenHtml).toBe(normalise(await absent.text(), missing));
    // Nor does search reveal it.
    await search(van, { number: mtlFile });
    await expect(resultNumbers(van)).resolves.toEqual([]);

    const support = await signedInPage("soutien");
    await expect(text(support.locator("header"))).resolves.toContain(`Signed in as ${staffName("soutien")}`);
    for (const number of [mtlFile, vanFile]) {
      const r = await openFile(support, number);
      expect(r.status(), `soutien opening ${number}`).toBe(404);
      await expect(text(support.locator("main"))).resolves.toContain(en["error.NOT_FOUND"]);
      await expect(text(support.locator("body"))).resolves.not.toContain(number);
    }
    await expectAccessible(support);
  });

  it("refuses a form posted without its CSRF token with 403, and records nothing (section 8)", async () => {
    const page = await signedInPage("agent.mtl");
    const number = showcase("representative-withdrawn");
    await openFile(page, number);
    const before = await history(page, "applicant");
    const form = page.locator("form", {
      has: page.getByRole("button", { name: en["file.save"], exact: true }),
    });
    const partyId = await form
      .locator("select[name=partyId] option", { hasText: `— ${en["role.applicant"]}` })
      .getAttribute("value");
    const token = await form.locator("input[name=_csrf]").inputValue();
    expect(partyId).toBeTruthy();
    expect(token).toBeTruthy();
    const url = `${app.base}/agent/files/${number}/contact-points`;
    const fields = (value: string) => ({
      partyId: partyId!,
      kind: "email",
      value,
      source: "client-email",
      providedAt: "2020-01-01T12:00",
    });

    // With the session cookie (page.request shares the browser's cookies) but no token, or a forged one.
    const withoutToken: Record<string, string>[] = [{}, { _csrf: "forged-token" }];
    for (const extra of withoutToken) {
      const r = await page.request.post(url, {
        form: { ...fields("csrf.e2e@example.org"), ...extra },
        maxRedirects: 0,
      });
      expect(r.status()).toBe(403);
      expect(await r.text()).toContain(en["error.CSRF_INVALID"]);
    }
    await openFile(page, number);
    await expect(history(page, "applicant")).resolves.toEqual(before);

    // The same request with the page's token is accepted: the refusals above were the CSRF check's.
    const accepted = await page.request.post(url, {
      form: { ...fields("with-token.e2e@example.org"), _csrf: token },
      maxRedirects: 0,
    });
    expect(accepted.status()).toBe(303);
    await openFile(page, number);
    const after = await history(page, "applicant");
    expect(after).toHaveLength(before.length + 1);
    expect(after.map((r) => r.address)).toContain("with-token.e2e@example.org");
    expect(after.map((r) => r.address)).not.toContain("csrf.e2e@example.org");
  });

  it("signs out with the header's button: the session ends, and a file then sends to sign-in", async () => {
    // A session of its own, since signing out ends it on the server.
    const page = await (await context({ javaScript: false })).newPage();
    await signIn(page, app.base, "agent.mtl");
    const number = showcase("representative-with-email");
    expect((await openFile(page, number)).status()).toBe(200);
    const session = (await page.context().cookies()).find((c) => c.name === "liaison_session");
    expect(session?.value).toBeTruthy();

    // Liaison's session ends at once; the identity provider then asks whether to end its own session too.
    const confirm = await navigation(page, () =>
      page.locator("header").getByRole("button", { name: en["layout.signOut"], exact: true }).click(),
    );
    expect(confirm.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/dev/oidc/session/end");
    await expectAccessible(page);
    const out = await navigation(page, () =>
      page.getByRole("button", { name: en["dev.signOutConfirm"] }).click(),
    );
    expect(out.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/agent");
    await expect(text(page.getByRole("status"))).resolves.toBe(en["auth.signedOut"]);
    await expect(text(page.locator("header"))).resolves.not.toContain("Signed in as");
    expect(await page.getByRole("link", { name: en["layout.signIn"], exact: true }).count()).toBe(1);

    // The browser is sent to sign in...
    const direct = await page.request.get(`${app.base}/agent/files/${number}`, { maxRedirects: 0 });
    expect(direct.status()).toBe(302);
    expect(direct.headers().location).toBe(
      `/auth/sign-in?next=${encodeURIComponent(`/agent/files/${number}`)}`,
    );
    // ...and the old session token is dead on the server, not just forgotten by the browser.
    const replay = await fetch(`${app.base}/agent/files/${number}`, {
      headers: { cookie: `liaison_session=${session!.value}` },
      redirect: "manual",
    });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/auth\/sign-in\?/);

    // Signing in again asks who you are: the provider's session ended too (a regression: it used to
    // sign the same person straight back in).
    await navigation(page, () => page.getByRole("link", { name: en["layout.signIn"], exact: true }).click());
    expect(new URL(page.url()).pathname).toMatch(/^\/dev\/oidc\/interaction\//);
    await expect(text(page.locator("h1"))).resolves.toBe(en["dev.signInTitle"]);
  });

  it("office settings pass axe; the administrator sets the office's sending rate without JavaScript, in French (C-20)", async () => {
    const page = await signedInPage("admin.mtl");
    await page.goto(`${app.base}/agent/offices`);
    await expectAccessible(page);
    await navigation(page, () => page.getByRole("link", { name: en["admin.offices.periods"] }).click());
    await expectAccessible(page);
    await page.goto(`${app.base}/agent/offices`);
    await navigation(page, () => page.getByRole("link", { name: en["admin.offices.sendingRate"] }).click());
    await expectAccessible(page);
    await navigation(page, () => page.getByRole("link", { name: en["layout.langToggle"] }).click());
    await page.getByLabel(fr["admin.rate.newRate"]).fill("0");
    await navigation(page, () => page.getByRole("button", { name: fr["admin.rate.save"] }).click());
    await expect(text(page.locator(".error-summary"))).resolves.toContain(
      fr["error.SENDING_RATE_OUT_OF_RANGE"],
    );
    await expectAccessible(page);
    await page.getByLabel(fr["admin.rate.newRate"]).fill("2400");
    await navigation(page, () => page.getByRole("button", { name: fr["admin.rate.save"] }).click());
    await expect(text(page.getByRole("status"))).resolves.toBe(fr["admin.rate.saved"]);
    await expect(text(page.locator("#rate-changes"))).resolves.toContain(staffName("admin.mtl"));
    await expectAccessible(page);
  });
});
