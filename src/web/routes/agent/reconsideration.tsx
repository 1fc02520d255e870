import type { FastifyInstance } from "fastify";
import { AppError } from "../../../errors.ts";
import { decideRequest, openRequest } from "../../../reconsideration/service.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import type { FormState } from "../../views/forms.tsx";
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
