import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { launchBrowser, newContext } from "./support/browser.ts";

// Staff sign-in against an identity provider that is not Liaison's own: a separate OpenID Provider
// process-like server on its own port, with its stock login and consent pages. Liaison is configured
// only through OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET, as in production.

let provider: Server;
let issuer: string;
let t: TestApp;
let browser: Browser;
let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

beforeAll(async () => {
  provider = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  t = await startTestApp({
    oidc: { issuer, clientId: "liaison", clientSecret: "liaison-secret-for-tests", subjectClaim: "sub" },
  });
  const op = new Provider(issuer, {
    clients: [
      {
        client_id: "liaison",
        client_secret: "liaison-secret-for-tests",
        redirect_uris: [`${t.base}/auth/callback`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        post_logout_redirect_uris: [`${t.base}/agent?signedOut=1`],
      },
    ],
    // The stock development login form accepts any login as the account id.
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, name: sub }) }),
    claims: { openid: ["sub"], profile: ["name"] },
  });
  handler = op.callback();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((resolve) => provider?.close(resolve));
});

describe("staff sign-in through an external OpenID Provider", () => {
  it("signs a known staff member in, and the development tools are off", async () => {
    const context = await newContext(browser, { javaScript: true });
    const page = await context.newPage();
    await page.goto(`${t.base}/auth/sign-in?next=%2Fagent`);
    expect(page.url().startsWith(issuer)).toBe(true);
    await page.fill('input[name="login"]', "agent.mtl");
    await page.fill('input[name="password"]', "anything");
    await page.click('button[type="submit"]');
    // The stock consent page.
    await page.click('button[type="submit"]');
    await page.waitForURL(`${t.base}/agent`);
    expect(await page.textContent("header")).toContain("Camille Tremblay");
    const dev = await page.goto(`${t.base}/dev/clock`);
    expect(dev?.status()).toBe(404);
    // Signing out goes on to the provider's own sign-out (allowed by the page's form-action policy).
    await page.goto(`${t.base}/agent`);
    await page.locator("header").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.href.startsWith(`${issuer}/session/end`));
    await page.getByRole("button", { name: /yes, sign me out/i }).click();
    await page.waitForURL(`${t.base}/agent?signedOut=1`);
    await context.close();
  });

  it("refuses a person the provider knows but Liaison has no staff account for", async () => {
    const context = await newContext(browser, { javaScript: true });
    const page = await context.newPage();
    await page.goto(`${t.base}/auth/sign-in?next=%2Fagent`);
    await page.fill('input[name="login"]', "stranger");
    await page.fill('input[name="password"]', "anything");
    await page.click('button[type="submit"]');
    const response = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${t.base}/auth/callback`)),
      page.click('button[type="submit"]'),
    ]);
    expect(response[0].status()).toBe(403);
    expect(await page.textContent("main")).toContain("not registered as staff");
    await context.close();
  });
});
