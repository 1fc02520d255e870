import path from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { lettersOfApplication } from "../../../correspondence/store.ts";
import { AppError } from "../../../errors.ts";
import { fileBlobStore } from "../../../evidence/blob-store.ts";
import { clearNotReceivingFlag, setNotReceivingFlag } from "../../../files/flags.ts";
import {
  findFiles,
  officesFor,
  openFile,
  recordContactPoint,
  recordRepresentative,
  withdrawRepresentative,
} from "../../../files/service.ts";
import { recordRequest } from "../../../reconsideration/service.ts";
import { transferFile } from "../../../transfers/service.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { acceptUploads, uploadOf } from "../../uploads.ts";
import type { FormState } from "../../views/forms.tsx";
import { registerBatchRoutes } from "./batches.tsx";
import { loadFileExtras } from "./file-extras.ts";
import { FilePage } from "./file-page.tsx";
import { registerLetterRoutes } from "./letters.tsx";
import { registerReconsiderationRoutes } from "./reconsideration.tsx";
import { HomePage, SearchPage } from "./search-page.tsx";

type FileParams = { Params: { number: string } };

export function registerAgentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;

  app.get<{ Querystring: Record<string, string> }>("/agent", async (req, reply) => {
    if (!req.staff) {
      return sendPage(
        reply,
        HomePage({ ctx: pageContext(req, reply, devTools), signedOut: "signedOut" in req.query }),
      );
    }
    const staff = requireStaff(req);
    const offices = await officesFor(services, staff);
    const query = Object.fromEntries(
      Object.entries(req.query).filter(
        ([k, v]) =>
          ["number", "name", "email", "status", "office", "page"].includes(k) && typeof v === "string",
      ),
    );
    const searching = ["number", "name", "email", "status", "office"].some((k) => query[k]);
    const ctx = pageContext(req, reply, devTools);
    if (!searching)
      return sendPage(
        reply,
        SearchPage({
          ctx,
          offices,
          query,
          result: undefined,
          state: undefined,
          transferred: req.query.transferred === "1",
        }),
      );
    try {
      const result = await findFiles(services, staff, query);
      // What was searched for is personal information; the audit trail keeps which fields were used.
      await recordAudit(
        services.db,
        { kind: "staff", staffId: staff.staffId, ip: req.ip },
        deps.clock.now(),
        {
          action: "applications.searched",
          subjectType: "search",
          subjectId: "applications",
          details: {
            fields: Object.keys(query).filter((k) => k !== "page" && query[k]),
            total: result.total,
          },
        },
      );
      return sendPage(reply, SearchPage({ ctx, offices, query, result, state: undefined }));
    } catch (e) {
      if (!(e instanceof AppError) || e.problems.length === 0) throw e;
      const state: FormState = { form: "search", problems: e.problems, values: query };
      return sendPage(reply, SearchPage({ ctx, offices, query, result: undefined, state }), e.status);
    }
  });

  app.get<FileParams & { Querystring: { saved?: string; asOf?: string } }>(
    "/agent/files/:number",
    async (req, reply) => {
      const staff = requireStaff(req);
      const asOf = typeof req.query.asOf === "string" ? req.query.asOf.trim() : "";
      let view: Awaited<ReturnType<typeof openFile>>;
      try {
        view = await openFile(services, staff, req.params.number, asOf || undefined);
      } catch (e) {
        if (!(e instanceof AppError) || e.problems.length === 0) throw e;
        const now = await openFile(services, staff, req.params.number);
        const state: FormState = { form: "asOf", problems: e.problems, values: { asOf } };
        return sendPage(
          reply,
          FilePage({
            ctx: pageContext(req, reply, devTools),
            view: now,
            state,
            saved: false,
            extras: await loadFileExtras(services.db, now),
          }),
          e.status,
        );
      }
      await recordAudit(services.db, { kind: "staff", staffId: staff.staffId, ip: req.ip }, view.now, {
        action: "application.viewed",
        subjectType: "application",
        subjectId: view.application.id,
        officeCode: view.application.officeCode,
        details: view.inThePast ? { asOf: view.at.toISOString() } : {},
      });
      return sendPage(
        reply,
        FilePage({
          ctx: pageContext(req, reply, devTools),
          view,
          state: undefined,
          saved: req.query.saved === "1",
          letters: await lettersOfApplication(services.db, view.application.id),
          extras: await loadFileExtras(services.db, view),
        }),
      );
    },
  );

  /** A form on the file page: run the use case, then show the file again, or the form with its problems. */
  const fileSaved = (number: string) => `/agent/files/${encodeURIComponent(number)}?saved=1`;
  const fileForm =
    <R,>(
      form: string,
      action: (
        deps: typeof services,
        staff: ReturnType<typeof requireStaff>,
        number: string,
        body: unknown,
        req: FastifyRequest<FileParams>,
      ) => Promise<R>,
      /** Where to go once it is done: the file again, unless the use case took it out of reach. */
      next: (result: R, number: string) => string = (_, number) => fileSaved(number),
    ) =>
    async (req: FastifyRequest<FileParams>, reply: FastifyReply) => {
      const staff = requireStaff(req);
      const body = (req.body ?? {}) as Record<string, string>;
      let result: R;
      try {
        result = await action(services, staff, req.params.number, body, req);
      } catch (e) {
        if (!(e instanceof AppError) || e.problems.length === 0) throw e;
        const view = await openFile(services, staff, req.params.number);
        const values = Object.fromEntries(Object.entries(body).filter(([k]) => k !== "_csrf"));
        const state: FormState = { form, problems: e.problems, values };
        return sendPage(
          reply,
          FilePage({
            ctx: pageContext(req, reply, devTools),
            view,
            state,
            saved: false,
            extras: await loadFileExtras(services.db, view),
          }),
          e.status,
        );
      }
      return reply.redirect(next(result, req.params.number), 303);
    };

  app.post<FileParams>("/agent/files/:number/contact-points", fileForm("address", recordContactPoint));
  app.post<FileParams>(
    "/agent/files/:number/representatives",
    fileForm("representative", recordRepresentative),
  );
  app.post<FileParams>(
    "/agent/files/:number/representatives/withdraw",
    fileForm("withdrawal", withdrawRepresentative),
  );
  app.post<FileParams>("/agent/files/:number/not-receiving", fileForm("flag-set", setNotReceivingFlag));
  app.post<FileParams>(
    "/agent/files/:number/not-receiving/clear",
    fileForm("flag-clear", clearNotReceivingFlag),
  );
  // C-21: after a move the file may be out of the person's offices; they land on the search page, told so.
  app.post<FileParams>(
    "/agent/files/:number/transfers",
    fileForm("transfer", transferFile, (done, number) =>
      done.stillReadable ? fileSaved(number) : "/agent?transferred=1",
    ),
  );
  // C-22: a request comes with the documents the party sent (multipart, parsed in this scope only).
  const blobs = fileBlobStore(path.join(deps.config.dataDir, "blobs"));
  app.register(async (scope) => {
    await acceptUploads(scope, "documents");
    scope.post<FileParams>(
      "/agent/files/:number/reconsideration",
      fileForm(
        "reconsideration",
        (d, staff, number, body, req) =>
          recordRequest(d, staff, number, body, { files: uploadOf(req).files, blobs }),
        (id) => `/agent/reconsideration/${id}`,
      ),
    );
  });
  registerLetterRoutes(app, deps);
  registerReconsiderationRoutes(app, deps);
  registerBatchRoutes(app, deps);
}
