import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { staffNames } from "../../../auth/store.ts";
import type { Executor } from "../../../db/client.ts";
import { delegationHistoryOf } from "../../../delegation/service.ts";
import { AppError, type ErrorCode } from "../../../errors.ts";
import { readableOffices } from "../../../files/access.ts";
import { openFile, type StaffContext } from "../../../files/service.ts";
import { listOffices } from "../../../files/store.ts";
import { MAX_SUBMISSION_BYTES } from "../../../portal/documents.ts";
import { submissionsOfCase } from "../../../portal/filing.ts";
import { type FormInQueue, findForm, formQueue, processForm } from "../../../portal/forms.ts";
import { scheduleHearing } from "../../../portal/hearings.ts";
import { sendDocumentToCounsel } from "../../../portal/inbox.ts";
import {
  addCounsel,
  inviteToRegister,
  linkFile,
  mayKeepRegistry,
  recordContacts,
  recordStanding,
  resetAccount,
  unlockAccount,
} from "../../../portal/registry.ts";
import { tribunalTimeZone } from "../../../portal/rules.ts";
import type { PortalServices } from "../../../portal/services.ts";
import {
  accessCodesOf,
  accountHistory,
  contactHistory,
  findCounsel,
  linkedFiles,
  listCounsel,
  locksOf,
  standingHistory,
} from "../../../portal/store.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { acceptUploads, uploadOf } from "../../uploads.ts";
import type { FormState } from "../../views/forms.tsx";
import {
  CounselListPage,
  type CounselNotice,
  CounselPage,
  counselForms,
  counselNotices,
  FormsQueuePage,
  type OpenedCounsel,
  PortalFormPage,
} from "./counsel-pages.tsx";
import { loadFileExtras } from "./file-extras.ts";
import { FilePage } from "./file-page.tsx";
import { attachmentDisposition } from "./letters.tsx";
import { hearingForm, portalDocumentForm } from "./portal-section.tsx";

// Staff pages of My Case (SPEC P-1..P-8): the registry of counsel and a counsel's page (P-1..P-3), the
// queue of online forms (P-8), and, on the file page, what counsel filed (P-5), documents sent to them
// (P-6) and hearings (P-4). Each route: who is asking, one use case of portal/, a view.

type IdParams = { Params: { id: string } };
type FileParams = { Params: { number: string } };

/** Refusals that are not about what was typed: the error page says them (403, 404…), not the form. */
const notAboutTheForm: readonly ErrorCode[] = [
  "NOT_FOUND",
  "ROLE_NOT_ALLOWED",
  "SIGN_IN_REQUIRED",
  "CSRF_INVALID",
];

/**
 * A refusal answered beside its form, in the person's language: the service's problems as they are, or
 * a refusal of the whole action (not in good standing, nothing changed…) put on `field`.
 */
function onTheForm(e: unknown, field: string): AppError {
  if (!(e instanceof AppError) || notAboutTheForm.includes(e.code)) throw e;
  return e.problems.length > 0 ? e : new AppError(e.code, [{ field, code: e.code }]);
}

/** The text fields posted (the CSRF token and anything not text left out), to show the form as typed. */
function typedValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k !== "_csrf" && typeof v === "string") values[k] = v;
  }
  return values;
}

/** A counsel of the registry with their histories; an unknown id is a 404. */
async function openCounsel(db: Executor, id: string, now: Date): Promise<OpenedCounsel> {
  const counsel = await findCounsel(db, id);
  if (!counsel) throw new AppError("NOT_FOUND");
  const [standings, contacts, codes, locks, accounts, files, delegations] = await Promise.all([
    standingHistory(db, counsel.id),
    contactHistory(db, counsel.id),
    accessCodesOf(db, counsel.id),
    locksOf(db, counsel.id),
    accountHistory(db, counsel.id),
    linkedFiles(db, counsel.id, now),
    delegationHistoryOf(db, counsel.id, now),
  ]);
  const names = await staffNames(db, [
    ...standings.map((s) => s.recordedBy),
    ...contacts.map((c) => c.recordedBy),
    ...codes.map((c) => c.issuedBy),
    ...locks.map((l) => l.unlockedBy),
    ...accounts.map((a) => a.resetBy),
  ]);
  return { counsel, standings, contacts, codes, locks, accounts, files, delegations, staffNames: names, now };
}

/**
 * P-8: one form of the queue, for those who process the queue; a client's notice of an office the person
 * does not read is a 404, as it is absent from their queue (portal/forms.ts formQueue).
 */
async function openForm(db: Executor, staff: StaffContext, id: string): Promise<FormInQueue> {
  if (!mayKeepRegistry(staff.postings)) throw new AppError("ROLE_NOT_ALLOWED");
  const form = await findForm(db, id);
  if (!form) throw new AppError("NOT_FOUND");
  if (
    form.kind === "client-contact" &&
    !(form.officeCode && readableOffices(staff.postings).includes(form.officeCode as never))
  ) {
    throw new AppError("NOT_FOUND");
  }
  return form;
}

/** Staff pages of My Case: the counsel registry (P-1..P-3), the forms queue (P-8), the file's My Case. */
export async function registerCounselRoutes(
  app: FastifyInstance,
  deps: AppDeps & { portal: PortalServices },
): Promise<void> {
  const portal = deps.portal;
  const db = portal.db;
  const files = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;

  // ------------------------------------------------------------------------------------------------
  // The registry (P-1)

  async function listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    query: string,
    state?: FormState,
    status = 200,
  ) {
    const staff = requireStaff(req);
    return sendPage(
      reply,
      CounselListPage({
        ctx: pageContext(req, reply, devTools, "/agent/counsel"),
        query,
        counsel: await listCounsel(db, query),
        mayKeep: mayKeepRegistry(staff.postings),
        state,
      }),
      status,
    );
  }

  app.get<{ Querystring: { q?: string } }>("/agent/counsel", async (req, reply) => {
    const query = typeof req.query.q === "string" ? req.query.q.trim().slice(0, 200) : "";
    return listPage(req, reply, query);
  });

  app.post("/agent/counsel", async (req, reply) => {
    const staff = requireStaff(req);
    const values = typedValues(req.body);
    let id: string;
    try {
      id = await addCounsel(portal, staff, values);
    } catch (e) {
      const refused = onTheForm(e, "memberNumber");
      const state: FormState = { form: counselForms.add, problems: refused.problems, values };
      return listPage(req, reply, "", state, refused.status);
    }
    return reply.redirect(`/agent/counsel/${id}?done=added`, 303);
  });

  async function counselPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    opts: { state?: FormState; status?: number; notice?: CounselNotice } = {},
  ) {
    const staff = requireStaff(req);
    const opened = await openCounsel(db, id, deps.clock.now());
    return sendPage(
      reply,
      CounselPage({
        ctx: pageContext(req, reply, devTools, `/agent/counsel/${opened.counsel.id}`),
        opened,
        mayKeep: mayKeepRegistry(staff.postings),
        state: opts.state,
        notice: opts.notice,
      }),
      opts.status ?? 200,
    );
  }

  app.get<IdParams & { Querystring: { done?: string } }>("/agent/counsel/:id", async (req, reply) => {
    const done = counselNotices.find((n) => n === req.query.done);
    return counselPage(req, reply, req.params.id, { notice: done });
  });

  /** A form of the counsel page: one use case, then the page again with what it did, or the form's problems. */
  const counselForm =
    (
      form: string,
      field: string,
      action: (staff: StaffContext, id: string, body: Record<string, string>) => Promise<void>,
      done: CounselNotice,
    ) =>
    async (req: FastifyRequest<IdParams>, reply: FastifyReply) => {
      const staff = requireStaff(req);
      const values = typedValues(req.body);
      try {
        await action(staff, req.params.id, values);
      } catch (e) {
        const refused = onTheForm(e, field);
        const state: FormState = { form, problems: refused.problems, values };
        return counselPage(req, reply, req.params.id, { state, status: refused.status });
      }
      return reply.redirect(`/agent/counsel/${encodeURIComponent(req.params.id)}?done=${done}`, 303);
    };

  app.post<IdParams>(
    "/agent/counsel/:id/standing",
    counselForm(counselForms.standing, "standing", (s, id, b) => recordStanding(portal, s, id, b), "saved"),
  );
  app.post<IdParams>(
    "/agent/counsel/:id/contacts",
    counselForm(counselForms.contacts, "email", (s, id, b) => recordContacts(portal, s, id, b), "saved"),
  );
  app.post<IdParams>(
    "/agent/counsel/:id/files",
    counselForm(counselForms.link, "fileNumber", (s, id, b) => linkFile(portal, s, id, b), "linked"),
  );
  // P-2: a new access code by SMS; the page then says where it went (masked), never the code.
  app.post<IdParams>(
    "/agent/counsel/:id/access-code",
    counselForm(counselForms.invite, "send", (s, id) => inviteToRegister(portal, s, id), "sent"),
  );
  // P-3: the help desk unlocks with the lock code the caller reads from their screen.
  app.post<IdParams>(
    "/agent/counsel/:id/unlock",
    counselForm(counselForms.unlock, "lockCode", (s, id, b) => unlockAccount(portal, s, id, b), "unlocked"),
  );
  // P-3: the help desk releases the identity so counsel can register another (a new access code follows).
  app.post<IdParams>(
    "/agent/counsel/:id/reset",
    counselForm(
      counselForms.reset,
      "identityConfirmed",
      (s, id, b) => resetAccount(portal, s, id, b),
      "reset",
    ),
  );

  // ------------------------------------------------------------------------------------------------
  // The forms queue (P-8)

  async function zonesOf(): Promise<(f: FormInQueue) => string> {
    const zones = new Map((await listOffices(db)).map((o) => [o.code as string, o.timeZone]));
    // Counsel's own details belong to no office: the tribunal's time.
    return (f) => (f.officeCode ? (zones.get(f.officeCode) ?? tribunalTimeZone) : tribunalTimeZone);
  }

  app.get<{ Querystring: { processed?: string } }>("/agent/portal-forms", async (req, reply) => {
    const staff = requireStaff(req);
    const forms = await formQueue(db, staff);
    return sendPage(
      reply,
      FormsQueuePage({
        ctx: pageContext(req, reply, devTools),
        forms,
        now: deps.clock.now(),
        zoneOf: await zonesOf(),
        processed: req.query.processed === "1",
      }),
    );
  });

  async function formPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state?: FormState,
    status = 200,
  ) {
    const staff = requireStaff(req);
    const form = await openForm(db, staff, id);
    const [counsel, names, zoneOf] = await Promise.all([
      findCounsel(db, form.counselId),
      staffNames(db, [form.decision?.decidedBy ?? null]),
      zonesOf(),
    ]);
    return sendPage(
      reply,
      PortalFormPage({
        ctx: pageContext(req, reply, devTools, `/agent/portal-forms/${form.id}`),
        form,
        current: counsel?.contacts,
        zone: zoneOf(form),
        now: deps.clock.now(),
        decidedBy: form.decision ? names.get(form.decision.decidedBy) : undefined,
        state,
      }),
      status,
    );
  }

  app.get<IdParams>("/agent/portal-forms/:id", async (req, reply) => formPage(req, reply, req.params.id));

  app.post<IdParams>("/agent/portal-forms/:id", async (req, reply) => {
    const staff = requireStaff(req);
    const values = typedValues(req.body);
    try {
      await processForm(portal, staff, req.params.id, values);
    } catch (e) {
      const refused = onTheForm(e, "outcome");
      const state: FormState = { form: counselForms.process, problems: refused.problems, values };
      return formPage(req, reply, req.params.id, state, refused.status);
    }
    return reply.redirect("/agent/portal-forms?processed=1", 303);
  });

  // ------------------------------------------------------------------------------------------------
  // My Case on the file page (P-4..P-6)

  /** A refused form of the file page: the file again, the form as typed with its problems. */
  async function fileFormAgain(
    req: FastifyRequest<FileParams>,
    reply: FastifyReply,
    form: string,
    refused: AppError,
  ) {
    const staff = requireStaff(req);
    const view = await openFile(files, staff, req.params.number);
    const state: FormState = { form, problems: refused.problems, values: typedValues(req.body) };
    return sendPage(
      reply,
      FilePage({
        ctx: pageContext(req, reply, devTools, `/agent/files/${view.application.number}`),
        view,
        state,
        saved: false,
        extras: await loadFileExtras(db, view),
      }),
      refused.status,
    );
  }
  const fileSaved = (number: string) => `/agent/files/${encodeURIComponent(number)}?saved=1`;

  // P-5: a document counsel filed, as received; same access as the file (another office's: 404).
  app.get<{ Params: { number: string; id: string } }>(
    "/agent/files/:number/portal-submissions/:id",
    async (req, reply) => {
      const staff = requireStaff(req);
      const view = await openFile(files, staff, req.params.number);
      const submission = (await submissionsOfCase(db, view.application.id)).find(
        (s) => s.id === req.params.id,
      );
      if (!submission) throw new AppError("NOT_FOUND");
      const bytes = await portal.blobs.get(submission.sha256);
      if (!bytes) throw new Error("a filed document is missing from the blob store");
      await recordAudit(db, { kind: "staff", staffId: staff.staffId, ip: req.ip }, deps.clock.now(), {
        action: "portal.submission-downloaded",
        subjectType: "portal-submission",
        subjectId: submission.id,
        officeCode: view.application.officeCode,
        details: { application: view.application.id, sha256: submission.sha256 },
      });
      return reply
        .type(submission.contentType)
        .header("content-disposition", attachmentDisposition(submission.filename))
        .header("cache-control", "no-store")
        .send(bytes);
    },
  );

  // P-4: a hearing, typed in the office's time.
  app.post<FileParams>("/agent/files/:number/hearings", async (req, reply) => {
    const staff = requireStaff(req);
    try {
      await scheduleHearing(portal, staff, req.params.number, typedValues(req.body));
    } catch (e) {
      return fileFormAgain(req, reply, hearingForm, onTheForm(e, "startsAt"));
    }
    return reply.redirect(fileSaved(req.params.number), 303);
  });

  // P-6: a document for counsel through My Case (multipart, parsed in this scope only): one file, the
  // portal's size limit, judged by content.
  app.register(async (scope) => {
    await acceptUploads(scope, "document", {
      maxFiles: 1,
      maxFileBytes: MAX_SUBMISSION_BYTES,
      signedIn: (req) => req.staff !== undefined,
    });
    scope.post<FileParams>("/agent/files/:number/portal-documents", async (req, reply) => {
      const staff = requireStaff(req);
      try {
        await sendDocumentToCounsel(
          portal,
          staff,
          req.params.number,
          typedValues(req.body),
          uploadOf(req).files,
        );
      } catch (e) {
        return fileFormAgain(req, reply, portalDocumentForm, onTheForm(e, "counsel"));
      }
      return reply.redirect(fileSaved(req.params.number), 303);
    });
  });
}
