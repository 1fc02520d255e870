import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../../audit/record.ts";
import { devClientId } from "../../auth/dev-provider.ts";
import { createRelyingParty, type PendingSignIn, type RelyingParty } from "../../auth/oidc-client.ts";
import { closeSession, findStaffBySubject, openSession } from "../../auth/store.ts";
import { AppError } from "../../errors.ts";
import type { AppDeps, Urls } from "../app.ts";
import { sessionCookie } from "../app.ts";
import { safeNext } from "../context.ts";
import { devProviderFor } from "./dev/oidc.tsx";

const pendingCookie = "liaison_signin";

export function registerAuthRoutes(app: FastifyInstance, deps: AppDeps & { urls: Urls }): void {
  const { config, clock } = deps;
  const db = deps.database.db;
  let rp: RelyingParty | undefined;
  const relyingParty = async (): Promise<RelyingParty> => {
    const redirectUri = `${deps.urls.base}/auth/callback`;
    if (config.oidc) {
      rp ??= createRelyingParty({ ...config.oidc, redirectUri });
    } else {
      const dev = await devProviderFor(deps);
      rp ??= createRelyingParty({
        issuer: dev.issuer,
        clientId: devClientId,
        clientSecret: dev.clientSecret,
        redirectUri,
        subjectClaim: "sub",
      });
    }
    return rp;
  };
  const secure = () => deps.urls.base.startsWith("https:");

  app.get<{ Querystring: { next?: string } }>("/auth/sign-in", async (req, reply) => {
    const start = await (await relyingParty()).start(safeNext(req.query.next));
    reply.setCookie(pendingCookie, JSON.stringify(start.pending), {
      path: "/auth",
      httpOnly: true,
      sameSite: "lax",
      signed: true,
      secure: secure(),
      maxAge: 600,
    });
    return reply.redirect(start.url);
  });

  app.get("/auth/callback", async (req, reply) => {
    const raw = req.cookies[pendingCookie];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    reply.clearCookie(pendingCookie, { path: "/auth" });
    if (!unsigned?.valid || !unsigned.value) throw new AppError("SIGN_IN_FAILED");
    const pending = JSON.parse(unsigned.value) as PendingSignIn;
    let subject: string;
    try {
      ({ subject } = await (await relyingParty()).finish(new URL(req.url, deps.urls.base), pending));
    } catch (e) {
      req.log.warn({ err: { type: (e as Error).name } }, "sign-in failed");
      throw new AppError("SIGN_IN_FAILED");
    }
    const staff = await findStaffBySubject(db, subject);
    const now = clock.now();
    if (!staff) {
      // The subject may be an email address: the trail keeps its hash, enough to match a complaint.
      const subjectHash = createHash("sha256").update(subject).digest("hex");
      await recordAudit(db, { kind: "system", name: "sign-in" }, now, {
        action: "staff.sign-in-refused",
        subjectType: "identity",
        subjectId: subjectHash,
        details: { ip: req.ip },
      });
      throw new AppError("NOT_STAFF");
    }
    const token = await db.transaction(async (tx) => {
      const t = await openSession(tx, staff.staffId, now, config.sessionTtlHours);
      await recordAudit(tx, { kind: "staff", staffId: staff.staffId, ip: req.ip }, now, {
        action: "staff.signed-in",
        subjectType: "staff",
        subjectId: staff.staffId,
      });
      return t;
    });
    reply.setCookie(sessionCookie, token, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: secure(),
      maxAge: config.sessionTtlHours * 3600,
    });
    return reply.redirect(safeNext(pending.next));
  });

  app.post("/auth/sign-out", async (req, reply) => {
    const token = req.cookies[sessionCookie];
    if (token && req.staff) {
      const staff = req.staff;
      await db.transaction(async (tx) => {
        await closeSession(tx, token);
        await recordAudit(tx, { kind: "staff", staffId: staff.staffId, ip: req.ip }, clock.now(), {
          action: "staff.signed-out",
          subjectType: "staff",
          subjectId: staff.staffId,
        });
      });
    }
    reply.clearCookie(sessionCookie, { path: "/" });
    const signedOut = `${deps.urls.base}/agent?signedOut=1`;
    const providerSignOut = await (await relyingParty()).endSessionUrl(signedOut).catch(() => undefined);
    return reply.redirect(providerSignOut ?? "/agent?signedOut=1", 303);
  });
}
