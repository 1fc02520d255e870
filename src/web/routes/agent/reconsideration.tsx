import path from "node:path";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { AppError } from "../../../errors.ts";
import { fileBlobStore } from "../../../evidence/blob-store.ts";
import { decideRequest, openRequest } from "../../../reconsideration/service.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import type { FormState } from "../../views/forms.tsx";
import { attachmentDisposition } from "./letters.tsx";
import { DecisionPage } from "./reconsideration-pages.tsx";

type RequestParams = { Params: { id: string } };

/** C-22..C-24: the decision page of a request for reconsideration, and the decision form's action. */
export function registerReconsiderationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;

  app.get<RequestParams>("/agent/reconsideration/:id", async (req, reply) => {
    const staff = requireStaff(req);
    const opened = await openRequest(services, staff, req.params.id);
    return sendPage(
      reply,
      DecisionPage({ ctx: pageContext(req, reply, devTools), opened, state: undefined }),
    );
  });

  // C-22: a document sent with the request, as received; same access as the request (404).
  const blobs = fileBlobStore(path.join(deps.config.dataDir, "blobs"));
  app.get<{ Params: { id: string; position: string } }>(
    "/agent/reconsideration/:id/documents/:position",
    async (req, reply) => {
      const staff = requireStaff(req);
      const opened = await openRequest(services, staff, req.params.id);
      const position = /^[1-9]\d{0,3}$/.test(req.params.position) ? Number(req.params.position) : 0;
      const document = opened.documents.find((d) => d.position === position);
      if (!document) throw new AppError("NOT_FOUND");
      const bytes = await blobs.get(document.sha256);
      if (!bytes) throw new Error("a request's document is missing from the blob store");
      await recordAudit(
        services.db,
        { kind: "staff", staffId: staff.staffId, ip: req.ip },
        deps.clock.now(),
        {
          action: "reconsideration.document-downloaded",
          subjectType: "application",
          subjectId: opened.request.applicationId,
          officeCode: opened.file.application.officeCode,
          details: { request: opened.request.id, position, sha256: document.sha256 },
        },
      );
      return reply
        .type(document.contentType)
        .header("content-disposition", attachmentDisposition(document.filename))
        .header("cache-control", "no-store")
        .send(bytes);
    },
  );

  app.post<RequestParams>("/agent/reconsideration/:id/decision", async (req, reply) => {
    const staff = requireStaff(req);
    const body = (req.body ?? {}) as Record<string, string>;
    try {
      await decideRequest(services, staff, req.params.id, body);
    } catch (e) {
      if (!(e instanceof AppError) || e.problems.length === 0) throw e;
      const opened = await openRequest(services, staff, req.params.id);
      const values = Object.fromEntries(Object.entries(body).filter(([k]) => k !== "_csrf"));
      const state: FormState = { form: "decision", problems: e.problems, values };
      return sendPage(
        reply,
        DecisionPage({ ctx: pageContext(req, reply, devTools), opened, state }),
        e.status,
      );
    }
    return reply.redirect(`/agent/reconsideration/${encodeURIComponent(req.params.id)}`, 303);
  });
}
