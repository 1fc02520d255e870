import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { Logger } from "pino";
import { findSessionStaff } from "../auth/store.ts";
import type { Clock, OffsetClock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { sharedSecret } from "../db/settings.ts";
import { AppError, type ErrorCode } from "../errors.ts";
import { loadOrCreateLedgerKey } from "../evidence/ledger-key.ts";
import { type Lang, translator } from "../i18n/index.ts";
import type { DevSink } from "../mail/dev-sink.ts";
import type { PortalServices } from "../portal/services.ts";
import { AccountLockedError } from "../portal/sign-in.ts";
import { portalServicesFor } from "../portal/wiring.ts";
import { pageContext, safeNext, sendPage } from "./context.ts";
import { createMetrics } from "./metrics.ts";
import { registerAdministrationRoutes } from "./routes/agent/administration.tsx";
import { registerBounceRoutes } from "./routes/agent/bounces.tsx";
import { registerCounselRoutes } from "./routes/agent/counsel.tsx";
import { registerAgentRoutes } from "./routes/agent/index.tsx";
import { registerLedgerRoutes } from "./routes/agent/ledger.tsx";
import { registerPostRoutes } from "./routes/agent/post.tsx";
import { registerSendingRateRoutes } from "./routes/agent/sending-rate.tsx";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerDevRoutes } from "./routes/dev/index.tsx";
import { registerOpsRoutes } from "./routes/ops.ts";
import { portalContext, registerPortalRoutes } from "./routes/portal/index.tsx";
import { LockedPage } from "./routes/portal/pages.tsx";
import { portalRequestOf } from "./routes/portal/session.ts";
import { ErrorPage } from "./views/error-page.tsx";

export interface AppDeps {
  config: Config;
  /** My Case's services; built from the config when absent (tests may pass their own). */
  portal?: PortalServices | undefined;
  database: Database;
  clock: Clock;
  /** The movable clock behind /dev/clock, present only with the development tools. */
  devClock: OffsetClock | undefined;
  /** The development mail sink, when no SMTP relay is configured. */
  devSink?: DevSink | undefined;
  logger: Logger;
}

export const sessionCookie = "liaison_session";
/** My Case's own session: a separate cookie, scoped to /portal, so the two never stand for each other. */
export const portalSessionCookie = "liaison_portal";

/** The base URL people reach this server on, known once it listens (tests listen on port 0). */
export interface Urls {
  base: string;
}

export interface RouteEntry {
  method: string;
  url: string;
}

export async function buildApp(
  deps: AppDeps,
): Promise<{ app: FastifyInstance; urls: Urls; routes: RouteEntry[] }> {
  const { config, database } = deps;
  const db = database.db;
  const portal = deps.portal ?? portalServicesFor(config, db, deps.clock);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Request lines are logged by the metrics hook with the route pattern only: URLs carry file numbers.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: 1_048_576,
  });
  // Every route, as registered: the meta-tests walk them all as each kind of actor.
  const routes: RouteEntry[] = [];
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat()) if (method !== "HEAD") routes.push({ method, url: r.url });
  });
  const urls: Urls = { base: config.publicUrl ?? `http://${config.host}:${config.port}` };
  app.addHook("onListen", async () => {
    const address = app.server.address();
    if (!config.publicUrl && address && typeof address === "object") {
      urls.base = `http://${config.host}:${address.port}`;
    }
  });

  const secret = await sharedSecret(db, "cookie-secret");
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        // Signing out sends the person on to the identity provider to end its session too (a redirect
        // after a form post, which form-action governs).
        "form-action": [
          "'self'",
          ...(config.oidc ? [new URL(config.oidc.issuer).origin] : []),
          ...(config.portal?.oidc ? [new URL(config.portal.oidc.issuer).origin] : []),
        ],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": null,
      },
    },
    hsts: urls.base.startsWith("https:"),
  });
  await app.register(rateLimit, {
    max: 600,
    timeWindow: "1 minute",
    errorResponseBuilder: () => new AppError("RATE_LIMITED"),
  });
  await app.register(cookie, { secret });
  await app.register(formbody);
  await app.register(csrf, {
    sessionPlugin: "@fastify/cookie",
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: urls.base.startsWith("https:"),
    },
  });

  app.decorateRequest("lang", "en" as Lang);
  app.decorateRequest("t", translator("en"));
  app.decorateRequest("staff", undefined);
  app.decorateRequest("portal", undefined);
  app.addHook("onRequest", async (req) => {
    const chosen = req.cookies.lang;
    const lang: Lang =
      chosen === "fr" || chosen === "en"
        ? chosen
        : /^fr\b/i.test(req.headers["accept-language"] ?? "")
          ? "fr"
          : "en";
    req.lang = lang;
    req.t = translator(lang);
    // Each area reads its own session only: a staff cookie means nothing in My Case, and the reverse.
    if (req.url.startsWith("/portal")) {
      const portalToken = req.cookies[portalSessionCookie];
      if (portalToken) req.portal = await portalRequestOf(db, portalToken, deps.clock.now());
      return;
    }
    const token = req.cookies[sessionCookie];
    if (token) req.staff = await findSessionStaff(db, token, deps.clock.now());
  });
  // Every form post carries its CSRF token; checked before any route runs.
  app.addHook("preHandler", (req, reply, done) => {
    if (
      req.method === "GET" ||
      req.method === "HEAD" ||
      req.url.startsWith("/dev/oidc/") ||
      req.url.startsWith("/dev/portal-oidc/")
    )
      return done();
    app.csrfProtection(req, reply, done);
  });

  const metrics = createMetrics(app, deps.logger);
  // My Case's errors are shown in My Case's frame.
  const contextFor = (req: FastifyRequest, reply: FastifyReply) =>
    req.url.startsWith("/portal")
      ? portalContext(req, reply, config.devTools)
      : pageContext(req, reply, config.devTools);

  app.setErrorHandler(async (error: FastifyError | AppError, req, reply) => {
    const code = errorCodeOf(error);
    if (code === "INTERNAL") {
      // The message can quote input (a database error repeats values): log the kind and where, not the text.
      req.log.error(
        { err: { type: error.name, code: (error as FastifyError).code, stack: stackWithoutMessage(error) } },
        "request failed",
      );
    }
    if (code === "SIGN_IN_REQUIRED" && req.method === "GET") {
      if (req.url.startsWith("/portal"))
        return reply.redirect(`/portal/sign-in?next=${encodeURIComponent(req.url)}`);
      return reply.redirect(`/auth/sign-in?next=${encodeURIComponent(req.url)}`);
    }
    const status =
      code === "INTERNAL" ? 500 : error instanceof AppError ? error.status : (error.statusCode ?? 400);
    if (req.url.startsWith("/api/") || req.headers.accept === "application/json") {
      return reply.code(status).send({ error: code, message: req.t(`error.${code}`) });
    }
    if (error instanceof AccountLockedError) {
      return sendPage(
        reply,
        LockedPage({ ctx: portalContext(req, reply, config.devTools), lockCode: error.lockCode }),
        status,
      );
    }
    return sendPage(reply, ErrorPage({ ctx: contextFor(req, reply), code }), status);
  });
  app.setNotFoundHandler(async (req, reply) =>
    sendPage(reply, ErrorPage({ ctx: contextFor(req, reply), code: "NOT_FOUND" }), 404),
  );

  await registerStatic(app);
  registerOpsRoutes(app, { database, metrics });
  registerAuthRoutes(app, { ...deps, urls });
  registerAgentRoutes(app, deps);
  registerPostRoutes(app, deps);
  registerBounceRoutes(app, deps);
  registerLedgerRoutes(app, deps, {
    key: await loadOrCreateLedgerKey(config.dataDir),
    timestampAuthorityUrl: config.ledger.timestampAuthorityUrl,
    logger: deps.logger,
  });
  registerAdministrationRoutes(app, deps);
  registerSendingRateRoutes(app, deps);
  await registerCounselRoutes(app, { ...deps, portal });
  await registerPortalRoutes(app, { ...deps, portal, urls });
  if (config.devTools) await registerDevRoutes(app, { ...deps, urls });
  app.get("/", async (_req, reply) => reply.redirect("/agent"));
  app.get<{ Params: { lang: string }; Querystring: { next?: string } }>("/lang/:lang", async (req, reply) => {
    const lang = req.params.lang === "fr" ? "fr" : "en";
    reply.setCookie("lang", lang, { path: "/", sameSite: "lax", httpOnly: true, maxAge: 31_536_000 });
    return reply.redirect(safeNext(req.query.next, "/agent"));
  });

  return { app, urls, routes };
}

function errorCodeOf(error: FastifyError | AppError): ErrorCode {
  if (error instanceof AppError) return error.code;
  if (error.code === "FST_CSRF_INVALID_TOKEN" || error.code === "FST_CSRF_MISSING_SECRET")
    return "CSRF_INVALID";
  if (error.statusCode === 429) return "RATE_LIMITED";
  if (error.statusCode === 404) return "NOT_FOUND";
  if (error.statusCode && error.statusCode < 500) return "INVALID_CHOICE";
  return "INTERNAL";
}

function stackWithoutMessage(error: Error): string | undefined {
  return error.stack?.split("\n").slice(1).join("\n");
}

const staticDir = fileURLToPath(new URL("./static/", import.meta.url));

/**
 * Our stylesheet and the GC Design System's, both from our own origin. The GCDS stylesheet begins by
 * importing its fonts from a third-party host; that import is removed so no page ever calls off-site
 * (the fonts fall back to the system's sans-serif). Our one script (a batch's live progress, C-20) comes
 * from our origin too, which is all the CSP's `script-src 'self'` lets a page run.
 */
async function registerStatic(app: FastifyInstance): Promise<void> {
  const require = createRequire(import.meta.url);
  const gcdsPath = path.join(
    path.dirname(require.resolve("@gcds-core/components/package.json")),
    "dist/gcds/gcds.css",
  );
  const gcds = (await readFile(gcdsPath, "utf8")).replace(/@import url\([^)]*\);?/g, "");
  const ours = await readFile(path.join(staticDir, "liaison.css"), "utf8");
  const css = (body: string) => async (_req: unknown, reply: import("fastify").FastifyReply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(body);
  app.get("/static/gcds.css", css(gcds));
  app.get("/static/liaison.css", css(ours));
  const progressScript = await readFile(path.join(staticDir, "batch-progress.js"), "utf8");
  app.get("/static/batch-progress.js", async (_req, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .send(progressScript),
  );
}
