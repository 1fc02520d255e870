import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Response,
} from "playwright-core";
import { expect } from "vitest";
import { demoStaff } from "../../src/demo/staff.ts";
import { en, type MessageKey } from "../../src/i18n/en.ts";

// Browser journeys drive Debian's Chromium (never a downloaded one) through playwright-core, and check
// each page they reach with axe-core.

export const chromiumPath = "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/** Contexts made with JavaScript off: axe cannot run in them (its timers never fire), see `axeViolations`. */
const withoutScript = new WeakSet<BrowserContext>();

/**
 * A fresh browser profile (own cookies), in English. `javaScript: false` is a browser with JavaScript
 * turned off, to prove the pages work without it.
 */
export async function newContext(
  browser: Browser,
  opts: { javaScript: boolean; storageState?: StorageState | undefined },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScript,
    locale: "en-CA",
    ...(opts.storageState ? { storageState: opts.storageState } : {}),
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  if (!opts.javaScript) withoutScript.add(context);
  return context;
}

export type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/** Signs in through the real OIDC flow: the workspace's "Sign in", then the development provider's page. */
export async function signIn(page: Page, base: string, subject: string): Promise<void> {
  const person = demoStaff.find((s) => s.subject === subject);
  if (!person) throw new Error(`no demo staff member "${subject}"`);
  await page.goto(`${base}/agent`);
  await page.getByRole("link", { name: en["layout.signIn"], exact: true }).click();
  await page.waitForURL((u) => u.pathname.startsWith("/dev/oidc/interaction/"));
  const row = page.getByRole("listitem").filter({ has: page.getByText(subject, { exact: true }) });
  await row.getByRole("button", { name: `Sign in as ${person.name}`, exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/agent");
}

/**
 * Runs `action` (a click that submits a form or follows a link) and returns the response of the document
 * the page ends on, after any redirects, so its HTTP status can be checked.
 */
export async function navigation(page: Page, action: () => Promise<unknown>): Promise<Response> {
  const seen: Response[] = [];
  const listener = (r: Response) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) seen.push(r);
  };
  page.on("response", listener);
  try {
    await Promise.all([page.waitForEvent("load"), action()]);
  } finally {
    page.off("response", listener);
  }
  const last = seen.at(-1);
  if (!last) throw new Error("the action did not load a new page");
  return last;
}

/** The text a person reads in the element (rendered, trimmed): Playwright's `innerText`, not the DOM's. */
export async function text(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, and the rendered text is what is wanted
  return (await locator.innerText()).trim();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A regular expression matching an English text of the catalogue, each `{param}` standing for any text. */
export function textPattern(key: MessageKey): RegExp {
  const parts = en[key].split(/\{\w+\}/).map(escapeRegExp);
  return new RegExp(`^${parts.join("(.+?)")}$`);
}

export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** One scripted context per browser in which pages shown without JavaScript are checked. */
const companions = new WeakMap<Browser, Promise<BrowserContext>>();

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * The WCAG 2.1 A/AA violations axe-core finds on the page as it is now. axe is injected with
 * `page.evaluate`, which the app's CSP (`script-src 'self'`) does not apply to. In a context with
 * JavaScript off, axe cannot run, so the very same DOM is checked in a scripted page at the same URL
 * (its stylesheets come from the app, so contrast is judged on the real styles).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  let target = page;
  if (withoutScript.has(page.context())) {
    const url = page.url();
    const html = await page.content();
    const browser = page.context().browser();
    if (!browser) throw new Error("the page has no browser");
    let companion = companions.get(browser);
    if (!companion) {
      companion = newContext(browser, { javaScript: true });
      companions.set(browser, companion);
    }
    target = await (await companion).newPage();
    await target.route(
      (u) => u.href === url,
      (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }),
    );
    await target.goto(url);
  }
  try {
    await target.evaluate(axeSource);
    const run = target.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
      const results = await axe.run(document, { runOnly: tags });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")),
      }));
    }, wcagTags);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`axe did not finish on ${page.url()}`)), 20_000);
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    if (target !== page) await target.close();
  }
}

export function describeViolations(url: string, violations: AxeViolation[]): string {
  const lines = violations.map(
    (v) => `  - ${v.id} (${v.impact ?? "no impact"}): ${v.help}\n      at ${v.targets.join("\n      at ")}`,
  );
  return `axe found ${violations.length} WCAG 2.1 A/AA violation(s) on ${url}:\n${lines.join("\n")}`;
}

/** Fails, listing each rule id and the elements concerned, if axe finds any WCAG 2.1 A/AA violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(page.url(), violations)).toEqual([]);
}
