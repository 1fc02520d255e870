import type {} from "@fastify/csrf-protection";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { SignedInStaff } from "../auth/store.ts";
import { AppError } from "../errors.ts";
import type { StaffContext } from "../files/service.ts";
import type { Lang, Translate } from "../i18n/index.ts";
import type { PortalRequest } from "./routes/portal/session.ts";
import type { PageContext } from "./views/layout.tsx";

declare module "fastify" {
  interface FastifyRequest {
    lang: Lang;
    t: Translate;
    staff: SignedInStaff | undefined;
    /** In My Case: the external identity of the session, and who it is now (web/routes/portal/session.ts). */
    portal: PortalRequest | undefined;
  }
}

/**
 * `path` is where the language switch brings the person back to: the page itself, or, for a form shown
 * again with its errors after a POST, the page the form lives on.
 */
export function pageContext(
  req: FastifyRequest,
  reply: FastifyReply,
  devTools: boolean,
  path = req.method === "GET" ? req.url : "/agent",
): PageContext {
  return {
    lang: req.lang,
    t: req.t,
    path,
    csrfToken: reply.generateCsrf(),
    staffName: req.staff?.name,
    devTools,
  };
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(`<!DOCTYPE html>${renderToString(page)}`);
}

/** The signed-in staff member as the services see them; absent, the person is sent to sign in. */
export function requireStaff(req: FastifyRequest): StaffContext & { name: string } {
  if (!req.staff) throw new AppError("SIGN_IN_REQUIRED");
  return { ...req.staff, ip: req.ip };
}

/** A route's own rate limit, per address and minute, below the app's general one (sign-in, codes, uploads). */
export function perMinute(max: number) {
  return { config: { rateLimit: { max, timeWindow: "1 minute" } } };
}

/** Only paths of this site may be returned to after sign-in or a language switch (no open redirect). */
export function safeNext(next: unknown, fallback = "/agent"): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
    ? next
    : fallback;
}
