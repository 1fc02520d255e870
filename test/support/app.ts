import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { openSession } from "../../src/auth/store.ts";
import { OffsetClock, systemClock } from "../../src/clock.ts";
import type { Config } from "../../src/config.ts";
import { ensureCorrespondenceDefaults } from "../../src/correspondence/store.ts";
import { staff } from "../../src/db/schema/offices.ts";
import { loadDemoData } from "../../src/demo/load.ts";
import { createLogger } from "../../src/logger.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";
import type { PortalServices } from "../../src/portal/services.ts";
import { openPortalSession } from "../../src/portal/sign-in.ts";
import { portalServicesFor } from "../../src/portal/wiring.ts";
import { buildApp, type RouteEntry } from "../../src/web/app.ts";
import { openTestDatabase, type TestDatabase } from "./database.ts";

export interface TestApp {
  base: string;
  app: FastifyInstance;
  database: TestDatabase;
  clock: OffsetClock;
  /** Every log line the app wrote, to check that none carries personal information. */
  logs: string[];
  routes: RouteEntry[];
  devSink: DevSink | undefined;
  /** The app's DATA_DIR: a fresh directory of its own (blobs, DKIM keys, dev mail); the database stays in memory. */
  dataDir: string;
  /** A client already signed in as this demo subject (session opened directly, not through OIDC). */
  clientAs(subject: string): Promise<TestClient>;
  /** A My Case client signed in as this external identity (session opened directly, not through OIDC). */
  portalClientAs(subject: string): Promise<TestClient>;
  /** My Case's services, as the app uses them (same database, clock and blob store). */
  portal: PortalServices;
  anonymous(): TestClient;
  close(): Promise<void>;
}

/** Starts Liaison as `npm start` does (embedded defaults, development tools, demo data) on a free port. */
export async function startTestApp(opts: { oidc?: Config["oidc"] } = {}): Promise<TestApp> {
  const database = await openTestDatabase({ migrate: true });
  const clock = new OffsetClock(systemClock);
  await loadDemoData(database.db, clock);
  // As `liaison start` does before serving: the shipped letter templates and response periods.
  await ensureCorrespondenceDefaults(database.db, clock.now());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-test-data-"));
  const config: Config = {
    host: "127.0.0.1",
    port: 0,
    dataDir,
    databaseUrl: undefined,
    publicUrl: undefined,
    oidc: opts.oidc,
    sessionTtlHours: 12,
    smtpUrl: undefined,
    dkimSelector: "liaison",
    outboundLimitBytes: 10 * 1024 * 1024,
    ledger: { signEveryMs: 300_000, timestampAuthorityUrl: undefined, bounceWindowMs: 72 * 3_600_000 },
    mailboxes: {},
    mailboxPollMs: 30_000,
    dispatchLoops: 1,
    dispatchLeaseMs: 300_000,
    demoApplications: 200,
    logLevel: "info",
    devTools: !opts.oidc,
  };
  const devSink = opts.oidc ? undefined : await startDevSink({ dataDir, clock });
  const portal = portalServicesFor(config, database.db, clock);
  const { app, urls, routes } = await buildApp({
    config,
    portal,
    database,
    clock,
    devSink,
    devClock: opts.oidc ? undefined : clock,
    logger: createLogger("info", sink),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const base = urls.base;
  return {
    base,
    app,
    database,
    clock,
    logs,
    routes,
    anonymous: () => new TestClient(base),
    portal,
    async portalClientAs(subject) {
      const token = await openPortalSession(database.db, subject, clock.now());
      const client = new TestClient(base);
      client.cookies.set("liaison_portal", token);
      return client;
    },
    async clientAs(subject) {
      const [row] = await database.db.select().from(staff).where(eq(staff.subject, subject));
      if (!row) throw new Error(`no demo staff ${subject}`);
      const token = await openSession(database.db, row.id as never, clock.now(), 12);
      const client = new TestClient(base);
      client.cookies.set("liaison_session", token);
      return client;
    },
    devSink,
    dataDir,
    async close() {
      await app.close();
      await devSink?.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database.dispose();
    },
  };
}

export interface TestResponse {
  status: number;
  location: string | null;
  body: string;
}

/** A tiny HTTP client with a cookie jar, that does not follow redirects, and posts forms with their CSRF token. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async get(path: string): Promise<TestResponse> {
    return this.request("GET", path);
  }

  /** Posts a form as a browser would after loading `formPage`: with the page's CSRF token and cookie. */
  async postForm(
    path: string,
    fields: Record<string, string>,
    opts: { formPage?: string; csrf?: boolean } = {},
  ) {
    const body = new URLSearchParams(fields);
    if (opts.csrf !== false) {
      const page = await this.get(opts.formPage ?? path);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      if (!token) throw new Error(`no CSRF token on ${opts.formPage ?? path} (status ${page.status})`);
      body.set("_csrf", token);
    }
    return this.request("POST", path, body.toString());
  }

  /**
   * Posts a form as a browser does with a file input, multipart/form-data: the CSRF token from the form's
   * page, the fields, then the files under `fileField` (an empty part when none is chosen, as browsers send).
   */
  async postFiles(
    path: string,
    fields: Record<string, string>,
    fileField: string,
    files: readonly { name: string; content: Buffer; type?: string }[],
    opts: { formPage?: string } = {},
  ): Promise<TestResponse> {
    const form = new FormData();
    const page = await this.get(opts.formPage ?? path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${opts.formPage ?? path} (status ${page.status})`);
    form.append("_csrf", token);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (files.length === 0) form.append(fileField, new Blob([]), "");
    for (const f of files)
      form.append(
        fileField,
        new Blob([new Uint8Array(f.content)], { type: f.type ?? "application/octet-stream" }),
        f.name,
      );
    return this.request("POST", path, form);
  }

  async request(method: string, path: string, body?: string | FormData): Promise<TestResponse> {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    };
    // FormData sets its own multipart content type, with the boundary.
    if (typeof body === "string") headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(new URL(path, this.base), { method, headers, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get("location"), body: await res.text() };
  }
}
