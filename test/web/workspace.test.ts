import { eq, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, settings } from "../../src/db/schema/audit.ts";
import { applications, contactPoints } from "../../src/db/schema/files.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { loadFileParties } from "../../src/files/store.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

// The staff workspace over real HTTP: sessions, CSRF, office isolation, errors in the person's language,
// and logs without personal information.

let t: TestApp;
const repFile = demoShowcase.find((s) => s.routing === "representative-email")!.number;
const postFile = demoShowcase.find((s) => s.scenario === "applicant-postal-only")!.number;

async function contactCount() {
  const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(contactPoints);
  return row!.n;
}

function escaped(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("operations", () => {
  it("/health answers with the database engine", async () => {
    const res = await t.anonymous().get("/health");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: "ok", engine: t.database.engine });
  });

  it("/metrics exposes request counters by route pattern", async () => {
    await t.anonymous().get("/agent");
    const res = await t.anonymous().get("/metrics");
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/liaison_http_requests_total\{method="GET",route="\/agent",status="200"\}/);
  });

  it("serves the GC Design System stylesheet from our origin, without its third-party font import", async () => {
    const res = await t.anonymous().get("/static/gcds.css");
    expect(res.status).toBe(200);
    expect(res.body).toContain("--gcds-");
    expect(res.body).not.toMatch(/@import|googleapis/);
  });
});

describe("sign-in and sessions", () => {
  it("a file page without a session sends the person to sign in, and comes back after", async () => {
    const res = await t.anonymous().get(`/agent/files/${repFile}`);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/auth/sign-in?next=${encodeURIComponent(`/agent/files/${repFile}`)}`);
  });

  it("sign-in starts an OIDC authorization-code flow with PKCE at the development provider", async () => {
    const res = await t.anonymous().get("/auth/sign-in?next=/agent");
    expect(res.status).toBe(302);
    const url = new URL(res.location!);
    expect(url.pathname).toBe("/dev/oidc/auth");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBeTruthy();
    expect(url.searchParams.get("nonce")).toBeTruthy();
  });

  it("a callback without the pending sign-in cookie fails cleanly", async () => {
    const res = await t.anonymous().get("/auth/callback?code=forged&state=forged");
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(en["error.SIGN_IN_FAILED"]));
  });

  it("the next parameter cannot send anyone off-site", async () => {
    const res = await t.anonymous().get("/lang/fr?next=//evil.example/x");
    expect(res.location).toBe("/agent");
  });
});

describe("office isolation (404 for another office's file)", () => {
  it("an agent of Vancouver cannot tell whether a Montréal file exists", async () => {
    const van = await t.clientAs("agent.van");
    const other = await van.get(`/agent/files/${repFile}`);
    const missing = await van.get("/agent/files/E999999998");
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    // The two pages differ only in the number the person typed (in the language switch's return path).
    const normalise = (body: string, n: string) =>
      body.replaceAll(n, "N").replace(/name="_csrf" value="[^"]*"/g, "");
    expect(normalise(other.body, repFile)).toBe(normalise(missing.body, "E999999998"));
    expect(other.body).toContain(en["error.NOT_FOUND"].replace("’", "’"));
  });

  it("an agent of Vancouver cannot record on a Montréal file, and nothing is recorded", async () => {
    const van = await t.clientAs("agent.van");
    const before = await contactCount();
    const res = await van.postForm(
      `/agent/files/${repFile}/contact-points`,
      {
        partyId: "x",
        kind: "email",
        value: "a@example.com",
        source: "client-email",
        providedAt: "2026-01-01T10:00",
      },
      { formPage: "/agent" },
    );
    expect(res.status).toBe(404);
    expect(await contactCount()).toBe(before);
  });

  it("a support agent opens no file at all", async () => {
    const support = await t.clientAs("soutien");
    expect((await support.get(`/agent/files/${repFile}`)).status).toBe(404);
  });

  it("search never returns another office's files", async () => {
    const van = await t.clientAs("agent.van");
    const res = await van.get(`/agent?number=${repFile}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain(`/agent/files/${repFile}`);
  });
});

describe("forms", () => {
  it("C-3: the file page says who correspondence goes to and why", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const res = await mtl.get(`/agent/files/${repFile}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('data-reason="representative-email"');
    expect(res.body).toMatch(/IMM 5476/);
  });

  it("C-3: the routing at a past instant answers from history: before the IMM 5476 arrived, the applicant", async () => {
    const later = demoShowcase.find((s) => s.scenario === "representative-declared-later")!.number;
    const mtl = await t.clientAs("agent.mtl");
    const now = await mtl.get(`/agent/files/${later}`);
    expect(now.body).toContain('data-reason="representative-email"');
    const [application] = await t.database.db
      .select()
      .from(applications)
      .where(eq(applications.number, later));
    const file = await loadFileParties(t.database.db, application!.id as never);
    const declared = file!.representations.find((r) => r.kind === "declared")!.effectiveAt;
    const justBefore = instantToWallTime(new Date(declared.getTime() - 60_000), "America/Toronto");
    const then = await mtl.get(`/agent/files/${later}?asOf=${justBefore}`);
    expect(then.status).toBe(200);
    expect(then.body).not.toContain('data-reason="representative-');
    expect(then.body).toContain(escaped(en["file.pastRouting"]));
    expect(then.body).toContain(escaped(en["file.inEffectThen"]));
  });

  it("a routing question about the future or an unreadable time is a clear error", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const future = await mtl.get(`/agent/files/${repFile}?asOf=2999-01-01T00:00`);
    expect(future.status).toBe(400);
    expect(future.body).toContain(escaped(en["error.DATE_IN_FUTURE"]));
    const garbage = await mtl.get(`/agent/files/${repFile}?asOf=yesterday`);
    expect(garbage.status).toBe(400);
    expect(garbage.body).toContain(escaped(en["error.INVALID_DATE"]));
  });

  it("a form posted without its CSRF token is refused in the person's language and records nothing", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    await mtl.get(`/agent/files/${postFile}`);
    const before = await contactCount();
    const res = await mtl.request(
      "POST",
      `/agent/files/${postFile}/contact-points`,
      new URLSearchParams({
        partyId: "x",
        kind: "email",
        value: "a@example.com",
        source: "client-email",
        providedAt: "2026-01-01T10:00",
      }).toString(),
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain(escaped(fr["error.CSRF_INVALID"]));
    expect(await contactCount()).toBe(before);
  });

  it("bad input gets field errors in French for a French reader, status 400, and records nothing", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    const page = await mtl.get(`/agent/files/${postFile}`);
    const partyId = /name="partyId"[^>]*>\s*<option value="([^"]+)"/.exec(page.body)?.[1] ?? "";
    expect(partyId).not.toBe("");
    const before = await contactCount();
    const res = await mtl.postForm(`/agent/files/${postFile}/contact-points`, {
      partyId,
      kind: "email",
      value: "pas une adresse",
      source: "client-email",
      providedAt: "2999-01-01T10:00",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(fr["error.INVALID_EMAIL"]));
    expect(res.body).toContain(escaped(fr["error.PROVIDED_IN_FUTURE"]));
    expect(res.body).toContain(">pas une adresse</textarea>");
    expect(await contactCount()).toBe(before);
  });

  it("an unknown office in a search is a clear error", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const res = await mtl.get("/agent?office=ZZZ");
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(en["error.UNKNOWN_OFFICE"]));
  });

  it("an auditor sees the file read-only and is refused a change", async () => {
    const auditor = await t.clientAs("auditeur");
    const page = await auditor.get(`/agent/files/${postFile}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(escaped(en["file.readOnly"]));
    const res = await auditor.postForm(
      `/agent/files/${postFile}/representatives/withdraw`,
      { receivedAt: "2026-01-01T10:00" },
      { formPage: `/agent/files/${postFile}` },
    );
    expect(res.status).toBe(403);
  });
});

describe("development clock", () => {
  it("moves time forward for the whole app, is kept in the database, audited, and never goes back", async () => {
    const client = await t.clientAs("agent.mtl");
    const before = t.clock.now().getTime();
    const res = await client.postForm("/dev/clock", { amount: "2", unit: "days" });
    expect(res.status).toBe(302);
    expect(t.clock.now().getTime() - before).toBeGreaterThanOrEqual(2 * 86_400_000);
    const [setting] = await t.database.db
      .select()
      .from(settings)
      .where(eq(settings.key, "dev-clock-offset-ms"));
    expect(Number(setting?.value)).toBe(t.clock.offsetMs);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "dev-clock.advanced"));
    expect(audits).toHaveLength(1);
    const refused = await client.postForm("/dev/clock", { amount: "-5", unit: "days" });
    expect(refused.status).toBe(400);
    expect(t.clock.offsetMs).toBe(Number(setting?.value));
  });
});

describe("development mail sink at /dev/mail", () => {
  it("lists what the sink received, shows it, and gives back the exact bytes", async () => {
    const sink = t.devSink!;
    const raw = Buffer.from(
      "From: ircc.mtl@ircc.example\r\nTo: x@example.com\r\nSubject: Convocation\r\nMessage-ID: <m1@liaison.example>\r\n\r\nBonjour.\r\n",
    );
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, ignoreTLS: true });
    await transport.sendMail({ raw, envelope: { from: "ircc.mtl@ircc.example", to: ["x@example.com"] } });
    transport.close();
    const client = t.anonymous();
    const list = await client.get("/dev/mail");
    expect(list.status).toBe(200);
    const id = /href="\/dev\/mail\/([0-9a-f-]{36})"/.exec(list.body)?.[1];
    expect(list.body).toContain("Convocation");
    const shown = await client.get(`/dev/mail/${id}`);
    expect(shown.body).toContain("m1@liaison.example");
    const res = await fetch(`${t.base}/dev/mail/${id}/raw`);
    expect(res.headers.get("content-type")).toBe("message/rfc822");
    expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
    expect((await client.get("/dev/mail/not-an-id")).status).toBe(404);
  });
});

describe("routes and actors (meta)", () => {
  it("every /agent route is closed to someone not signed in", async () => {
    const anonymous = t.anonymous();
    const agentRoutes = t.routes.filter((r) => r.url.startsWith("/agent/"));
    expect(agentRoutes.length).toBeGreaterThanOrEqual(4);
    for (const r of agentRoutes) {
      const path = r.url.replace(":number", repFile);
      const res =
        r.method === "GET"
          ? await anonymous.get(path)
          : await anonymous.postForm(path, {}, { formPage: "/dev/clock" });
      expect(res.status === 302 || res.status === 401, `${r.method} ${r.url} gave ${res.status}`).toBe(true);
      if (res.status === 302) expect(res.location).toMatch(/^\/auth\/sign-in/);
    }
  });
});

describe("logs", () => {
  it("never contain an email address, a name or a file number in clear", async () => {
    const mtl = await t.clientAs("agent.mtl");
    await mtl.get(`/agent/files/${repFile}`);
    await mtl.get("/agent?email=salma.cherif%40example.org&name=Cherif");
    await mtl.get("/agent/files/E99999999X");
    const text = t.logs.join("");
    expect(text.length).toBeGreaterThan(0);
    expect(text).toContain('"route":"/agent/files/:number"');
    expect(text).not.toMatch(/@example\.(org|com|net)/);
    expect(text).not.toContain(repFile);
    expect(text).not.toContain("E99999999X");
    expect(text).not.toMatch(/Cherif/i);
  });
});
