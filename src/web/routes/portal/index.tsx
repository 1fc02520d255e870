import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { createRelyingParty, type PendingSignIn, type RelyingParty } from "../../../auth/oidc-client.ts";
import { MAX_ACTIVE_DELEGATES, takesASeat } from "../../../delegation/rules.ts";
import { delegateNames, delegatesOf } from "../../../delegation/service.ts";
import { AppError } from "../../../errors.ts";
import { mayChangeProfile, mayRemoveFromInbox } from "../../../portal/access.ts";
import { caseOf, casesOf } from "../../../portal/cases.ts";
import { MAX_SUBMISSION_BYTES } from "../../../portal/documents.ts";
import { fileDocument, portalActorOf, submissionsOfCase } from "../../../portal/filing.ts";
import { formsOf, submitClientContact, submitCounselContact } from "../../../portal/forms.ts";
import {
  caseInbox,
  generalInbox,
  readDocument,
  readsOf,
  removeFromInbox,
  viewDocument,
} from "../../../portal/inbox.ts";
import { tribunalTimeZone } from "../../../portal/rules.ts";
import type { PortalServices } from "../../../portal/services.ts";
import {
  closePortalSession,
  openPortalSession,
  portalEntryOf,
  registerWithCode,
} from "../../../portal/sign-in.ts";
import type { AppDeps, Urls } from "../../app.ts";
import { portalSessionCookie } from "../../app.ts";
import { pageContext, perMinute, safeNext, sendPage } from "../../context.ts";
import { acceptUploads, uploadOf } from "../../uploads.ts";
import { type FormState, refusedForm } from "../../views/forms.tsx";
import type { PageContext } from "../../views/layout.tsx";
import { attachmentDisposition } from "../agent/letters.tsx";
import { portalDevClientId, portalDevProviderFor } from "../dev/portal-oidc.tsx";
import { registerDelegationRoutes } from "./delegation.tsx";
import {
  CasePage,
  CasesPage,
  ClientContactPage,
  FiledPage,
  FormReceivedPage,
  FormsPage,
  InboxItemPage,
  InboxPage,
  LockedPage,
  PortalHome,
  ProfilePage,
  RegisterPage,
} from "./pages.tsx";
import { requirePortalIdentity, requirePortalViewer } from "./session.ts";

// My Case (SPEC section 4) at /portal: sign-in with the external provider (P-3), registration with the
// access code (P-2), my cases (P-4), filing (P-5), the inbox (P-6), profile and forms (P-8, P-9). Every
// case, document and form is found through portal/cases.ts and portal/inbox.ts, which apply
// portal/access.ts: another counsel's is a 404.

const pendingCookie = "liaison_portal_signin";
type Body = Record<string, unknown>;

export function portalContext(
  req: FastifyRequest,
  reply: FastifyReply,
  devTools: boolean,
  path?: string,
): PageContext {
  const entry = req.portal?.entry;
  const base = pageContext(req, reply, devTools, path ?? (req.method === "GET" ? req.url : "/portal"));
  if (entry?.kind === "counsel") return { ...base, portal: { name: entry.counsel.name } };
  // D-5: a delegate always sees whose cases they are in, and may switch when they work for several.
  if (entry?.kind === "delegate") {
    const several = entry.delegations.filter((d) => d.active).length > 1;
    return {
      ...base,
      portal: { name: entry.delegate.name, workingFor: { name: entry.counsel.name, several } },
    };
  }
  return { ...base, portal: { name: undefined } };
}

export async function registerPortalRoutes(
  app: FastifyInstance,
  deps: AppDeps & { portal: PortalServices; urls: Urls },
): Promise<void> {
  const { config, clock, portal } = deps;
  const db = deps.database.db;
  const devTools = config.devTools;
  const secure = () => deps.urls.base.startsWith("https:");

  let rp: RelyingParty | undefined;
  const relyingParty = async (): Promise<RelyingParty> => {
    const redirectUri = `${deps.urls.base}/portal/callback`;
    if (config.portal?.oidc) {
      rp ??= createRelyingParty({ ...config.portal.oidc, redirectUri, subjectClaim: "sub" });
    } else {
      const dev = await portalDevProviderFor(deps);
      rp ??= createRelyingParty({
        issuer: dev.issuer,
        clientId: portalDevClientId,
        clientSecret: dev.clientSecret,
        redirectUri,
        subjectClaim: "sub",
      });
    }
    return rp;
  };

  app.get<{ Querystring: { signedOut?: string } }>("/portal", async (req, reply) => {
    const entry = req.portal?.entry;
    if (entry?.kind === "not-registered" || entry?.kind === "delegation-ended") {
      return reply.redirect("/portal/register");
    }
    if (entry && entry.kind !== "locked") return reply.redirect("/portal/cases");
    if (entry?.kind === "locked")
      return sendPage(
        reply,
        LockedPage({ ctx: portalContext(req, reply, devTools), lockCode: entry.lockCode }),
        423,
      );
    return sendPage(
      reply,
      PortalHome({ ctx: portalContext(req, reply, devTools), signedOut: req.query.signedOut === "1" }),
    );
  });

  // P-3: the external provider signs the person in; the portal keeps no password.
  app.get<{ Querystring: { next?: string } }>("/portal/sign-in", perMinute(20), async (req, reply) => {
    const start = await (await relyingParty()).start(safeNext(req.query.next, "/portal"));
    reply.setCookie(pendingCookie, JSON.stringify(start.pending), {
      path: "/portal",
      httpOnly: true,
      sameSite: "lax",
      signed: true,
      secure: secure(),
      maxAge: 600,
    });
    return reply.redirect(start.url);
  });

  app.get("/portal/callback", perMinute(20), async (req, reply) => {
    const raw = req.cookies[pendingCookie];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    reply.clearCookie(pendingCookie, { path: "/portal" });
    if (!unsigned?.valid || !unsigned.value) throw new AppError("SIGN_IN_FAILED");
    const pending = JSON.parse(unsigned.value) as PendingSignIn;
    let subject: string;
    try {
      ({ subject } = await (await relyingParty()).finish(new URL(req.url, deps.urls.base), pending));
    } catch (e) {
      req.log.warn({ err: { type: (e as Error).name } }, "portal sign-in failed");
      throw new AppError("SIGN_IN_FAILED");
    }
    const now = clock.now();
    const entry = await portalEntryOf(db, subject, now);
    const token = await db.transaction(async (tx) => {
      const t = await openPortalSession(tx, subject, now);
      await recordAudit(
        tx,
        entry.kind === "counsel" || entry.kind === "delegate"
          ? portalActorOf(entry.viewer, req.ip)
          : { kind: "system", name: "portal-sign-in" },
        now,
        {
          action:
            entry.kind === "counsel" || entry.kind === "delegate"
              ? "portal.signed-in"
              : `portal.sign-in-${entry.kind}`,
          subjectType: "identity",
          // The external subject may be personal: its hash is enough to match a complaint.
          subjectId: createHash("sha256").update(subject).digest("hex"),
          details: { ip: req.ip },
        },
      );
      return t;
    });
    reply.setCookie(portalSessionCookie, token, {
      path: "/portal",
      httpOnly: true,
      sameSite: "lax",
      secure: secure(),
    });
    if (entry.kind === "not-registered") return reply.redirect("/portal/register");
    if (entry.kind === "counsel" || entry.kind === "delegate") {
      return reply.redirect(safeNext(pending.next, "/portal/cases"));
    }
    // Locked, blocked, ended: the cases page says why, in words.
    // Locked: the lock code. Ended: the registration page, where a new invitation is entered. Blocked or
    // no longer in good standing: the cases page says why, in words.
    if (entry.kind === "locked") return reply.redirect("/portal");
    return reply.redirect(entry.kind === "delegation-ended" ? "/portal/register" : "/portal/cases");
  });

  app.post("/portal/sign-out", async (req, reply) => {
    const token = req.cookies[portalSessionCookie];
    if (token) {
      const entry = req.portal?.entry;
      await db.transaction(async (tx) => {
        await closePortalSession(tx, token);
        if (entry?.kind === "counsel" || entry?.kind === "delegate") {
          await recordAudit(tx, portalActorOf(entry.viewer, req.ip), clock.now(), {
            action: "portal.signed-out",
            subjectType: "counsel",
            subjectId: entry.counsel.id,
          });
        }
      });
    }
    reply.clearCookie(portalSessionCookie, { path: "/portal" });
    const signedOut = `${deps.urls.base}/portal?signedOut=1`;
    const providerSignOut = await (await relyingParty()).endSessionUrl(signedOut).catch(() => undefined);
    return reply.redirect(providerSignOut ?? "/portal?signedOut=1", 303);
  });

  // P-2: registration, once, with the access code from the text message.
  app.get("/portal/register", async (req, reply) => {
    const { entry } = requirePortalIdentity(req);
    if (entry.kind === "counsel" || entry.kind === "delegate") return reply.redirect("/portal/cases");
    if (entry.kind === "locked")
      return sendPage(
        reply,
        LockedPage({ ctx: portalContext(req, reply, devTools), lockCode: entry.lockCode }),
        423,
      );
    return sendPage(
      reply,
      RegisterPage({
        ctx: portalContext(req, reply, devTools),
        state: undefined,
        delegationEnded: entry.kind === "delegation-ended",
      }),
    );
  });

  app.post<{ Body: Body }>("/portal/register", perMinute(10), async (req, reply) => {
    const who = requirePortalIdentity(req);
    try {
      await registerWithCode(portal, { subject: who.subject, ip: req.ip }, req.body ?? {});
    } catch (e) {
      const state = refusedForm(e, "register", req.body ?? {}, ["accessCode"]);
      const status = e instanceof AppError ? e.status : 400;
      return sendPage(
        reply,
        RegisterPage({ ctx: portalContext(req, reply, devTools, "/portal/register"), state }),
        status,
      );
    }
    return reply.redirect("/portal/cases?registered=1", 303);
  });

  // P-4: my cases.
  app.get<{ Querystring: { registered?: string } }>("/portal/cases", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    const cases = await casesOf(db, viewer, clock.now());
    return sendPage(
      reply,
      CasesPage({
        ctx: portalContext(req, reply, devTools),
        cases,
        registered: req.query.registered === "1",
      }),
    );
  });

  const casePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    number: string,
    state: FormState | undefined,
    status = 200,
  ) => {
    const { viewer } = requirePortalViewer(req);
    const c = await caseOf(db, viewer, number, clock.now());
    const [submissions, inbox] = await Promise.all([
      submissionsOfCase(db, c.applicationId),
      caseInbox(db, viewer, c.applicationId),
    ]);
    const names = await delegateNames(
      db,
      submissions.flatMap((s) => (s.delegateId ? [s.delegateId] : [])),
    );
    return sendPage(
      reply,
      CasePage({
        ctx: portalContext(req, reply, devTools, `/portal/cases/${c.number}`),
        c,
        submissions,
        delegateNames: names,
        inbox,
        state,
      }),
      status,
    );
  };

  app.get<{ Params: { number: string } }>("/portal/cases/:number", async (req, reply) =>
    casePage(req, reply, req.params.number, undefined),
  );

  // P-5: filing a document; multipart is read in this scope only, and only for a signed-in counsel.
  await app.register(async (scope) => {
    // Someone signed in but not let in (locked, blocked, ended) is told why before anything is read, rather
    // than meeting the CSRF check a form that was never read cannot pass.
    scope.addHook("preValidation", async (req, reply) => {
      if (req.portal && req.portal.entry.kind !== "counsel" && req.portal.entry.kind !== "delegate") {
        reply.header("connection", "close");
        requirePortalViewer(req);
      }
    });
    await acceptUploads(scope, "document", {
      maxFiles: 1,
      maxFileBytes: MAX_SUBMISSION_BYTES,
      signedIn: (req) => req.portal?.entry.kind === "counsel" || req.portal?.entry.kind === "delegate",
    });
    scope.post<{ Params: { number: string }; Body: Body }>(
      "/portal/cases/:number/documents",
      perMinute(20),
      async (req, reply) => {
        const { viewer } = requirePortalViewer(req);
        const body = req.body ?? {};
        try {
          const filed = await fileDocument(
            portal,
            viewer,
            req.ip,
            req.params.number,
            body,
            uploadOf(req).files,
          );
          return sendPage(
            reply,
            FiledPage({
              ctx: portalContext(req, reply, devTools, `/portal/cases/${filed.case.number}`),
              c: filed.case,
              confirmationNumber: filed.confirmationNumber,
              receivedAt: filed.receivedAt,
            }),
            201,
          );
        } catch (e) {
          const state = refusedForm(e, "file", body);
          return casePage(req, reply, req.params.number, state, (e as AppError).status);
        }
      },
    );
  });

  // P-6: the inbox.
  app.get<{ Querystring: { removed?: string } }>("/portal/inbox", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    const now = clock.now();
    const [entries, cases] = await Promise.all([generalInbox(db, viewer, now), casesOf(db, viewer, now)]);
    const zones = new Map(cases.map((c) => [c.applicationId as string, c.officeTimeZone]));
    return sendPage(
      reply,
      InboxPage({
        ctx: portalContext(req, reply, devTools),
        entries,
        zones,
        removed: req.query.removed === "1",
      }),
    );
  });

  app.get<{ Params: { id: string } }>("/portal/inbox/:id", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    const now = clock.now();
    const entry = await viewDocument(db, viewer, req.params.id, now);
    const c = await caseOf(db, viewer, entry.caseNumber, now);
    const reads = await readsOf(db, [entry.id]);
    const names = await delegateNames(
      db,
      reads.flatMap((r) => (r.delegateId ? [r.delegateId] : [])),
    );
    return sendPage(
      reply,
      InboxItemPage({
        ctx: portalContext(req, reply, devTools),
        entry,
        timeZone: c.officeTimeZone ?? tribunalTimeZone,
        mayRemove: mayRemoveFromInbox(viewer),
        reads: reads.map((r) => ({
          by: r.delegateId ? (names.get(r.delegateId) ?? "") : undefined,
          at: r.readAt,
        })),
      }),
    );
  });

  app.get<{ Params: { id: string } }>("/portal/inbox/:id/document", async (req, reply) => {
    const { viewer, ip } = requirePortalViewer(req);
    const { doc, bytes } = await readDocument(portal, viewer, ip, req.params.id);
    return reply
      .type(doc.contentType)
      .header("content-disposition", attachmentDisposition(doc.filename))
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .send(bytes);
  });

  app.post<{ Params: { id: string } }>("/portal/inbox/:id/remove", async (req, reply) => {
    const { viewer, ip } = requirePortalViewer(req);
    await removeFromInbox(portal, viewer, ip, req.params.id);
    return reply.redirect("/portal/inbox?removed=1", 303);
  });

  // P-8: the profile, and its change as the counsel-contact form.
  const profilePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState | undefined,
    status = 200,
  ) => {
    const { viewer, counsel } = requirePortalViewer(req);
    const forms = await formsOf(db, viewer);
    // D-1..D-6: counsel manage their delegates here (the seed's "Mon profil > Délégués").
    const query = req.query as Record<string, string | undefined>;
    const done = ["invited", "renewed", "ended"].find((k) => query[k] === "1");
    const list = viewer.kind === "counsel" ? await delegatesOf(db, viewer.counselId, clock.now()) : undefined;
    const delegates = list
      ? {
          list,
          seatsLeft: Math.max(0, MAX_ACTIVE_DELEGATES - list.filter((d) => takesASeat(d.state)).length),
          done,
        }
      : undefined;
    return sendPage(
      reply,
      ProfilePage({
        ctx: portalContext(req, reply, devTools, "/portal/profile"),
        counsel,
        forms,
        state,
        mayChange: mayChangeProfile(viewer),
        delegates,
      }),
      status,
    );
  };
  app.get("/portal/profile", async (req, reply) => profilePage(req, reply, undefined));
  app.post<{ Body: Body }>("/portal/profile", async (req, reply) => {
    const { viewer, ip } = requirePortalViewer(req);
    const body = req.body ?? {};
    try {
      const { confirmationNumber } = await submitCounselContact(portal, viewer, ip, body);
      return sendPage(
        reply,
        FormReceivedPage({
          ctx: portalContext(req, reply, devTools, "/portal/profile"),
          confirmationNumber,
          kind: "counsel-contact",
        }),
        201,
      );
    } catch (e) {
      if (e instanceof AppError && e.code === "NO_CHANGE") {
        return profilePage(
          req,
          reply,
          {
            form: "profile",
            problems: [{ field: "email", code: "NO_CHANGE" }],
            values: body as Record<string, string>,
          },
          400,
        );
      }
      return profilePage(req, reply, refusedForm(e, "profile", body), (e as AppError).status);
    }
  });

  registerDelegationRoutes(app, deps);

  // P-9: the online forms.
  app.get("/portal/forms", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    const cases = await casesOf(db, viewer, clock.now());
    return sendPage(
      reply,
      FormsPage({
        ctx: portalContext(req, reply, devTools),
        cases,
        mayChangeProfile: mayChangeProfile(viewer),
      }),
    );
  });

  const clientContactPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    number: string,
    state: FormState | undefined,
    status = 200,
  ) => {
    const { viewer } = requirePortalViewer(req);
    const c = await caseOf(db, viewer, number, clock.now());
    return sendPage(
      reply,
      ClientContactPage({
        ctx: portalContext(req, reply, devTools, `/portal/cases/${c.number}/client-contact`),
        c,
        state,
      }),
      status,
    );
  };
  app.get<{ Params: { number: string } }>("/portal/cases/:number/client-contact", async (req, reply) =>
    clientContactPage(req, reply, req.params.number, undefined),
  );
  app.post<{ Params: { number: string }; Body: Body }>(
    "/portal/cases/:number/client-contact",
    async (req, reply) => {
      const { viewer, ip } = requirePortalViewer(req);
      const body = req.body ?? {};
      try {
        const { confirmationNumber } = await submitClientContact(portal, viewer, ip, req.params.number, body);
        return sendPage(
          reply,
          FormReceivedPage({
            ctx: portalContext(req, reply, devTools, "/portal/forms"),
            confirmationNumber,
            kind: "client-contact",
          }),
          201,
        );
      } catch (e) {
        return clientContactPage(
          req,
          reply,
          req.params.number,
          refusedForm(e, "client", body),
          (e as AppError).status,
        );
      }
    },
  );
}
