import { PassThrough, Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { staffNames } from "../../../auth/store.ts";
import { accountCsv } from "../../../batches/account.ts";
import {
  batchesOf,
  batchOffices,
  createBatch,
  openBatch,
  previewBatch,
  stopBatch,
} from "../../../batches/service.ts";
import { AppError, type FieldProblem } from "../../../errors.ts";
import type { OfficeCode } from "../../../files/model.ts";
import { officesFor, type StaffContext } from "../../../files/service.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import type { FormState } from "../../views/forms.tsx";
import {
  BatchesPage,
  BatchPage,
  BatchPreviewPage,
  batchForm,
  batchFormFields,
  type OpenedBatch,
  StopBatchPage,
} from "./batch-pages.tsx";

// /agent/batches (SPEC C-19, C-20): the list and the form of a new batch, its preview, its creation, and
// a batch's page with its account, followed live (Server-Sent Events) and downloadable as CSV. Each
// route: who is asking, one use case of batches/service.ts, a view of batch-pages.tsx.

type IdParams = { Params: { id: string } };

/** How often the event stream looks at the account again, and how many quiet looks before a keep-alive. */
const progressEveryMs = 1000;
const keepAliveEvery = 15;

export function registerBatchRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;

  /** The list page, with the form empty or, after a refused submission, as typed with its problems. */
  async function listPage(req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) {
    const staff = requireStaff(req);
    const [batches, offices] = await Promise.all([batchesOf(services, staff), officesFor(services, staff)]);
    const creatable = new Set<string>(batchOffices(staff));
    return sendPage(
      reply,
      BatchesPage({
        ctx: pageContext(req, reply, devTools, "/agent/batches"),
        batches,
        offices,
        creatable: offices.filter((o) => creatable.has(o.code)),
        state,
      }),
      status,
    );
  }

  /** A refused preview or creation: the form again, as typed, each problem beside its field. */
  function formAgain(req: FastifyRequest, reply: FastifyReply, e: unknown, values: Record<string, string>) {
    if (!(e instanceof AppError) || e.problems.length === 0) throw e;
    const problems = e.problems.map((p) => onTheForm(p, values));
    return listPage(req, reply, { form: batchForm, problems, values }, e.status);
  }

  app.get("/agent/batches", (req, reply) => listPage(req, reply));

  app.post("/agent/batches/preview", async (req, reply) => {
    const staff = requireStaff(req);
    const values = formValues(req.body);
    let preview: Awaited<ReturnType<typeof previewBatch>>;
    try {
      preview = await previewBatch(services, staff, values);
    } catch (e) {
      return formAgain(req, reply, e, values);
    }
    const creatable = new Set<string>(batchOffices(staff));
    const offices = (await officesFor(services, staff)).filter((o) => creatable.has(o.code));
    return sendPage(
      reply,
      BatchPreviewPage({
        ctx: pageContext(req, reply, devTools, "/agent/batches"),
        preview,
        creatable: offices,
        values,
      }),
    );
  });

  app.post("/agent/batches", async (req, reply) => {
    const staff = requireStaff(req);
    const values = formValues(req.body);
    let id: string;
    try {
      id = await createBatch(services, staff, values);
    } catch (e) {
      return formAgain(req, reply, e, values);
    }
    return reply.redirect(`/agent/batches/${id}?created=1`, 303);
  });

  /** The batch as this person may see it, with its office (for the time zone and the name). */
  async function opening(req: FastifyRequest, id: string) {
    const staff = requireStaff(req);
    const opened = await openBatch(services, staff, id);
    const office = (await officesFor(services, staff)).find((o) => o.code === opened.batch.officeCode);
    return { staff, opened, office };
  }

  app.get<IdParams & { Querystring: { created?: string } }>("/agent/batches/:id", async (req, reply) => {
    const { opened, office } = await opening(req, req.params.id);
    return sendPage(
      reply,
      BatchPage({
        ctx: pageContext(req, reply, devTools, `/agent/batches/${opened.batch.id}`),
        opened,
        office,
        created: req.query.created === "1",
        staffNames: await staffNames(services.db, opened.stop ? [opened.stop.stoppedBy] : []),
      }),
    );
  });

  // C-20: stopping, confirmed on a page of its own; then the batch's page says what the stop did.
  async function stopPage(
    req: FastifyRequest<IdParams>,
    reply: FastifyReply,
    state?: FormState,
    status = 200,
  ) {
    const { staff, opened, office } = await opening(req, req.params.id);
    if (!batchOffices(staff).includes(opened.batch.officeCode as OfficeCode))
      throw new AppError("ROLE_NOT_ALLOWED");
    // Stopped or finished meanwhile: nothing to confirm; the batch's page says why.
    if (!opened.mayStop) return reply.redirect(`/agent/batches/${encodeURIComponent(opened.batch.id)}`, 303);
    const ctx = pageContext(req, reply, devTools, `/agent/batches/${opened.batch.id}/stop`);
    return sendPage(reply, StopBatchPage({ ctx, opened, office, state }), status);
  }

  app.get<IdParams>("/agent/batches/:id/stop", (req, reply) => stopPage(req, reply));

  app.post<IdParams>("/agent/batches/:id/stop", async (req, reply) => {
    const staff = requireStaff(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await stopBatch(services, staff, req.params.id, body);
    } catch (e) {
      if (!(e instanceof AppError) || e.problems.length === 0) throw e;
      return stopPage(req, reply, { form: "stop", problems: e.problems, values: {} }, e.status);
    }
    return reply.redirect(`/agent/batches/${encodeURIComponent(req.params.id)}`, 303);
  });

  // No HEAD twin: Fastify would drain the stream of a HEAD request, keeping its timer alive to the end.
  app.get<IdParams>("/agent/batches/:id/progress", { exposeHeadRoute: false }, async (req, reply) => {
    const staff = requireStaff(req);
    const id = req.params.id;
    const first = await openBatch(services, staff, id);
    const stream = progressEvents(
      first,
      () => openBatch(services, staff, id),
      (err) => req.log.warn({ err: { type: (err as Error).name } }, "batch progress stream stopped"),
    );
    return reply
      .type("text/event-stream; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("x-accel-buffering", "no")
      .send(stream);
  });

  // No HEAD twin either: it would record an export and read the whole account to send no body.
  app.get<IdParams>("/agent/batches/:id/account.csv", { exposeHeadRoute: false }, async (req, reply) => {
    const staff = requireStaff(req);
    const { batch } = await openBatch(services, staff, req.params.id);
    // The account names files: who took it, and when, is on the audit trail (no file number in it).
    await recordAudit(services.db, actorOf(staff), deps.clock.now(), {
      action: "batch.account-exported",
      subjectType: "batch",
      subjectId: batch.id,
      officeCode: batch.officeCode,
      details: { members: batch.members },
    });
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="batch-${batch.id}.csv"`)
      .header("cache-control", "no-store")
      .send(Readable.from(accountCsv(services.db, batch.id)));
  });
}

function actorOf(staff: StaffContext) {
  return { kind: "staff" as const, staffId: staff.staffId, ip: staff.ip };
}

/** The form's fields, as text: anything else posted (the CSRF token, unknown names) is left out. */
function formValues(body: unknown): Record<string, string> {
  const posted = (body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const name of batchFormFields) {
    const value = posted[name];
    if (typeof value === "string") values[name] = value;
  }
  return values;
}

/**
 * The composer speaks of the letter's `deadline`; the batch form sets it through its deadline rule, so
 * the problem goes beside the field of the rule chosen.
 */
function onTheForm(problem: FieldProblem, values: Record<string, string>): FieldProblem {
  if (problem.field !== "deadline") return problem;
  const field =
    values.deadlineRule === "days"
      ? "deadlineDays"
      : values.deadlineRule === "date"
        ? "deadlineDate"
        : "deadlineRule";
  return { ...problem, field };
}

/**
 * C-20: the account as Server-Sent Events: `progress` now, then whenever it changes (looked at every
 * second), until the batch is finished, when the stream ends. A client that goes away closes the
 * stream (Fastify destroys it with the response), which stops the timer.
 */
export function progressEvents(
  first: OpenedBatch,
  reload: () => Promise<OpenedBatch>,
  onError: (err: unknown) => void,
): Readable {
  const stream = new PassThrough();
  let timer: NodeJS.Timeout | undefined;
  let last = "";
  let quiet = 0;
  const open = () => !stream.destroyed && !stream.writableEnded;
  /** Writes the account if it changed; answers whether to keep looking. */
  const send = ({ batch, counts, finished }: OpenedBatch): boolean => {
    const data = JSON.stringify({ counts, finished, members: batch.members });
    if (data !== last) {
      stream.write(`event: progress\ndata: ${data}\n\n`);
      last = data;
      quiet = 0;
    } else if (++quiet >= keepAliveEvery) {
      // A comment line: proxies keep the connection, and a client gone is noticed on the write.
      stream.write(": keep-alive\n\n");
      quiet = 0;
    }
    if (finished) stream.end();
    return !finished;
  };
  const tick = async () => {
    if (!open()) return;
    try {
      if (send(await reload()) && open()) timer = setTimeout(tick, progressEveryMs);
    } catch (err) {
      // The browser reconnects after `retry`; the page without JavaScript reloads anyway.
      onError(err);
      if (open()) stream.end();
    }
  };
  stream.on("close", () => clearTimeout(timer));
  stream.write("retry: 5000\n\n");
  if (send(first)) timer = setTimeout(tick, progressEveryMs);
  return stream;
}
