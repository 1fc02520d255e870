import { and, desc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { applications } from "../../../db/schema/files.ts";
import { portalDocumentReads, portalDocuments, portalSubmissions } from "../../../db/schema/portal.ts";
import {
  acceptInvitation,
  endDelegation,
  findDelegation,
  inviteDelegate,
  openInvitation,
  QUESTIONS,
  renewDelegation,
} from "../../../delegation/service.ts";
import { AppError } from "../../../errors.ts";
import type { PortalServices } from "../../../portal/services.ts";
import { chooseActingFor } from "../../../portal/sign-in.ts";
import { findCounsel } from "../../../portal/store.ts";
import type { AppDeps } from "../../app.ts";
import { portalSessionCookie } from "../../app.ts";
import { perMinute, sendPage } from "../../context.ts";
import { type FormState, refusedForm } from "../../views/forms.tsx";
import {
  DelegatePage,
  DelegateRegistrationPage,
  InviteDelegatePage,
  MyCounselPage,
} from "./delegation-pages.tsx";
import { portalContext } from "./index.tsx";
import { requirePortalIdentity, requirePortalViewer } from "./session.ts";

// Delegation in My Case (SPEC D-1..D-6). Counsel: invite, renew, end, and see what each delegate did
// (their list is on My profile, as the seed has it). Delegates: register with the invitation's code and
// counsel's answers, and choose whose cases they work on. Every rule is in delegation/: a delegate posting
// to a counsel-only route is refused by the service, not only by the page.

type Body = Record<string, unknown>;

export function registerDelegationRoutes(
  app: FastifyInstance,
  deps: AppDeps & { portal: PortalServices },
): void {
  const { portal, clock } = deps;
  const db = deps.database.db;
  const devTools = deps.config.devTools;

  // D-1: counsel invite a delegate.
  const invitePage = (req: FastifyRequest, reply: FastifyReply, state: FormState | undefined, status = 200) =>
    sendPage(
      reply,
      InviteDelegatePage({
        ctx: portalContext(req, reply, devTools, "/portal/delegates/new"),
        state,
        questions: QUESTIONS,
      }),
      status,
    );
  app.get("/portal/delegates/new", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    if (viewer.kind !== "counsel") throw new AppError("ROLE_NOT_ALLOWED");
    return invitePage(req, reply, undefined);
  });
  app.post<{ Body: Body }>("/portal/delegates", async (req, reply) => {
    const { viewer, ip } = requirePortalViewer(req);
    const body = req.body ?? {};
    try {
      if (viewer.kind === "counsel" && body.terms !== "accepted") {
        throw new AppError("REQUIRED", [{ field: "terms", code: "REQUIRED" }]);
      }
      await inviteDelegate(portal, viewer, ip, body);
    } catch (e) {
      if (e instanceof AppError && e.code === "DELEGATE_LIMIT_REACHED") {
        return invitePage(
          req,
          reply,
          { form: "invite", problems: [{ field: "name", code: e.code }], values: {} },
          e.status,
        );
      }
      const answers = Array.from({ length: QUESTIONS }, (_, i) => `answer${i}`);
      return invitePage(req, reply, refusedForm(e, "invite", body, answers), (e as AppError).status);
    }
    return reply.redirect("/portal/profile?invited=1#delegates", 303);
  });

  app.post<{ Params: { id: string } }>("/portal/delegates/:id/renew", async (req, reply) => {
    const { viewer, ip } = requirePortalViewer(req);
    await renewDelegation(portal, viewer, ip, req.params.id);
    return reply.redirect("/portal/profile?renewed=1#delegates", 303);
  });

  app.post<{ Params: { id: string } }>("/portal/delegates/:id/end", async (req, reply) => {
    const { viewer, ip } = requirePortalViewer(req);
    await endDelegation(portal, viewer, ip, req.params.id);
    return reply.redirect("/portal/profile?ended=1#delegates", 303);
  });

  // D-4: what a delegate did in counsel's account: documents sent, messages read.
  app.get<{ Params: { id: string } }>("/portal/delegates/:id", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    if (viewer.kind !== "counsel") throw new AppError("NOT_FOUND");
    const d = await findDelegation(db, req.params.id, clock.now());
    if (!d || d.counselId !== viewer.counselId) throw new AppError("NOT_FOUND");
    const [submissions, reads] = await Promise.all([
      db
        .select({ s: portalSubmissions, caseNumber: applications.number })
        .from(portalSubmissions)
        .innerJoin(applications, eq(applications.id, portalSubmissions.applicationId))
        .where(and(eq(portalSubmissions.counselId, viewer.counselId), eq(portalSubmissions.delegateId, d.id)))
        .orderBy(desc(portalSubmissions.receivedAt)),
      db
        .select({ r: portalDocumentReads, title: portalDocuments.title, caseNumber: applications.number })
        .from(portalDocumentReads)
        .innerJoin(portalDocuments, eq(portalDocuments.id, portalDocumentReads.documentId))
        .innerJoin(applications, eq(applications.id, portalDocuments.applicationId))
        .where(
          and(eq(portalDocumentReads.counselId, viewer.counselId), eq(portalDocumentReads.delegateId, d.id)),
        )
        .orderBy(desc(portalDocumentReads.readAt)),
    ]);
    return sendPage(
      reply,
      DelegatePage({
        ctx: portalContext(req, reply, devTools),
        d,
        activity: {
          submissions: submissions.map((x) => ({
            confirmationNumber: x.s.confirmationNumber,
            caseNumber: x.caseNumber,
            receivedAt: x.s.receivedAt,
            description: x.s.description,
          })),
          reads: reads.map((x) => ({ title: x.title, caseNumber: x.caseNumber, readAt: x.r.readAt })),
        },
      }),
    );
  });

  // D-1: the delegate's registration, with their own identity: the invitation's code, then the answers.
  const registrationPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState | undefined,
    invitation: { code: string; counselName: string; questions: string[] } | undefined,
    status = 200,
  ) =>
    sendPage(
      reply,
      DelegateRegistrationPage({
        ctx: portalContext(req, reply, devTools, "/portal/delegate"),
        state,
        invitation,
      }),
      status,
    );
  const invitationView = async (code: string) => {
    const d = await openInvitation(portal, code);
    const c = await findCounsel(db, d.counselId);
    return {
      code: d.invitationCode,
      counselName: c?.name ?? "",
      questions: d.questions.map((q) => q.question),
    };
  };
  app.get("/portal/delegate", async (req, reply) => {
    requirePortalIdentity(req);
    return registrationPage(req, reply, undefined, undefined);
  });
  app.post<{ Body: Body }>("/portal/delegate/questions", perMinute(10), async (req, reply) => {
    requirePortalIdentity(req);
    const body = req.body ?? {};
    try {
      const code = typeof body.invitationCode === "string" ? body.invitationCode : "";
      return registrationPage(req, reply, undefined, await invitationView(code));
    } catch (e) {
      return registrationPage(
        req,
        reply,
        refusedForm(e, "invitation", body),
        undefined,
        (e as AppError).status,
      );
    }
  });
  app.post<{ Body: Body }>("/portal/delegate/accept", perMinute(10), async (req, reply) => {
    const who = requirePortalIdentity(req);
    const body = req.body ?? {};
    const code = typeof body.invitationCode === "string" ? body.invitationCode : "";
    try {
      const { counselId } = await acceptInvitation(portal, { subject: who.subject, ip: req.ip }, body);
      const token = req.cookies[portalSessionCookie];
      if (token) await chooseActingFor(db, token, counselId);
    } catch (e) {
      if (e instanceof AppError && e.problems.length > 0 && e.code !== "INVITATION_INVALID") {
        return registrationPage(
          req,
          reply,
          refusedForm(e, "accept", {}, []),
          await invitationView(code),
          e.status,
        );
      }
      if (e instanceof AppError && e.code === "INVITATION_INVALID") {
        return registrationPage(req, reply, refusedForm(e, "invitation", body), undefined, e.status);
      }
      throw e;
    }
    return reply.redirect("/portal/cases?delegate=1", 303);
  });

  // D-5: a delegate of several counsel sees whose cases they work on and switches.
  app.get("/portal/counsel", async (req, reply) => {
    const { viewer } = requirePortalViewer(req);
    const entry = req.portal?.entry;
    if (viewer.kind !== "delegate" || entry?.kind !== "delegate") throw new AppError("NOT_FOUND");
    return sendPage(
      reply,
      MyCounselPage({
        ctx: portalContext(req, reply, devTools),
        current: viewer.counselId,
        counsel: entry.delegations,
      }),
    );
  });
  app.post<{ Body: Body }>("/portal/acting-for", async (req, reply) => {
    requirePortalViewer(req);
    const entry = req.portal?.entry;
    const wanted = typeof req.body?.counselId === "string" ? req.body.counselId : "";
    // Only a counsel this delegate works for now: anything else is a 404, like another counsel's case.
    if (entry?.kind !== "delegate" || !entry.delegations.some((d) => d.active && d.counselId === wanted)) {
      throw new AppError("NOT_FOUND");
    }
    const token = req.cookies[portalSessionCookie];
    if (token) await chooseActingFor(db, token, wanted);
    return reply.redirect("/portal/cases", 303);
  });
}
