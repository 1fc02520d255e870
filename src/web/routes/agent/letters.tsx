import path from "node:path";
import { inArray } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type Actor, recordAudit } from "../../../audit/record.ts";
import { checkAttachments, displayName } from "../../../correspondence/attachments.ts";
import { isLetterType, letterTypes, requiresDeadline } from "../../../correspondence/letter-types.ts";
import { defaultDeadline, responsePeriodAt } from "../../../correspondence/rules.ts";
import {
  cancelLetter,
  createLetter,
  openLetter,
  prepareLetter,
  readComposeInput,
  sendDraft,
} from "../../../correspondence/service.ts";
import {
  attachmentsOf,
  findSealed,
  listResponsePeriods,
  notesOfApplication,
} from "../../../correspondence/store.ts";
import type { Executor } from "../../../db/client.ts";
import { staff as staffTable } from "../../../db/schema/offices.ts";
import { AppError } from "../../../errors.ts";
import { fileBlobStore } from "../../../evidence/blob-store.ts";
import { type Deps, type FileView, openFile, type StaffContext } from "../../../files/service.ts";
import { findApplicationById, findOffice } from "../../../files/store.ts";
import { instantToWallTime } from "../../../time-zones.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { acceptUploads, uploadOf } from "../../uploads.ts";
import {
  ComposePage,
  composeForm,
  type LetterAction,
  LetterPage,
  type LetterPageData,
} from "./letter-pages.tsx";

// Writing a letter and following it (SPEC C-4..C-15): compose with a preview, save a draft or send, see
// the letter with its history, note and sealed bytes, send a draft, cancel. Every rule is checked by the
// correspondence service; these routes read the form, call one use case and show the result.

type FileParams = { Params: { number: string } };
type LetterParams = { Params: { id: string } };
type AttachmentParams = { Params: { id: string; position: string } };

/**
 * A posted form as strings. A browser sends the newlines of a textarea as CRLF (HTML's form encoding);
 * they become "\n" again, so a letter holds the lines the agent typed and not the transport's.
 */
const FormSchema = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((body) =>
    Object.fromEntries(
      Object.entries(body).flatMap(([k, v]) =>
        k !== "_csrf" && typeof v === "string" ? [[k, v.replace(/\r\n?/g, "\n")]] : [],
      ),
    ),
  );

/** The three buttons of the compose form. */
const ComposeIntentSchema = z.enum(["preview", "draft", "send"]);

/** What the letter page says was just done, after a redirect. */
const DoneSchema = z.enum(["draft", "send", "cancel"]).optional().catch(undefined);

export function registerLetterRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services: Deps = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;
  // Where the dispatcher keeps the sealed bytes (mail/outbound.ts): DATA_DIR/blobs.
  const blobs = fileBlobStore(path.join(deps.config.dataDir, "blobs"));
  const actorOf = (staff: StaffContext): Actor => ({ kind: "staff", staffId: staff.staffId, ip: staff.ip });
  const composePath = (number: string) => `/agent/files/${encodeURIComponent(number)}/letters/new`;
  const letterPath = (id: string) => `/agent/letters/${encodeURIComponent(id)}`;

  app.get<FileParams & { Querystring: { letterType?: string } }>(
    "/agent/files/:number/letters/new",
    async (req, reply) => {
      const staff = requireStaff(req);
      const file = await openFile(services, staff, req.params.number);
      if (!file.canRecord) throw new AppError("ROLE_NOT_ALLOWED");
      const offered = await offeredDeadlines(services.db, file);
      const asked = req.query.letterType ?? "";
      const letterType = isLetterType(asked) ? asked : letterTypes[0];
      // C-5: the recipient is filled in from the file, never typed.
      const values = {
        letterType,
        recipient: file.routing.channel === "email" ? file.routing.address : "",
        deadline: offered[letterType] ?? "",
      };
      const ctx = pageContext(req, reply, devTools);
      return sendPage(
        reply,
        ComposePage({
          ctx,
          file,
          values,
          state: undefined,
          preview: undefined,
          offeredDeadline: offered[letterType],
          typeChanged: false,
          attachments: undefined,
        }),
      );
    },
  );

  // The compose form posts its fields and files as multipart/form-data (a urlencoded post, with no files,
  // is taken too); the multipart parser is registered for this route only (web/uploads.ts).
  app.register(async (scope) => {
    await acceptUploads(scope, "attachments");
    scope.post<FileParams>("/agent/files/:number/letters", async (req, reply) => {
      const staff = requireStaff(req);
      const number = req.params.number;
      const form = FormSchema.parse(req.body);
      const upload = uploadOf(req);
      const intent = ComposeIntentSchema.safeParse(form.intent);
      // A form cut off by the limit on files lost its later fields, the button among them: it is shown
      // again with the error on its files, nothing written.
      if (!intent.success && upload.complete) throw new AppError("INVALID_CHOICE");
      const file = await openFile(services, staff, number);
      const offered = await offeredDeadlines(services.db, file);
      const input = readComposeInput(form);
      // Without JavaScript the fields cannot follow the type select. A deadline left as the form offered it
      // for the type it was laid out for becomes the new type's (or none), and a letter whose type changed
      // is shown again before anything is written: nobody sends a letter they have not seen.
      const shownType = form.shownType ?? "";
      const typeChanged = shownType !== "" && shownType !== input.letterType;
      if (typeChanged && input.deadline === (offered[shownType] ?? ""))
        input.deadline = offered[input.letterType] ?? "";
      // Files were sent with the page before this one and did not come back: the letter is shown again,
      // once, rather than written without the files the agent saw in the preview.
      // (A browser never keeps chosen files when it shows a page again; the page carries their names in
      // the hidden field "attachedBefore".)
      const attachedBefore = form.attachedBefore ?? "";
      const missing = attachedBefore !== "" && upload.files.length === 0 ? attachedBefore : undefined;
      const chosen = intent.success ? intent.data : "preview";
      const action = typeChanged || (missing && chosen !== "preview") ? "preview" : chosen;
      const values = { ...form, deadline: input.deadline };
      const ctx = pageContext(req, reply, devTools, composePath(number));
      const sent = upload.files.map((f) => displayName(f.filename) || "?");
      const attachments = {
        sent,
        refused: checkAttachments(upload.files).problems,
        missing,
        // What the next post must bring back, or be warned about: the files of this one; else, after a
        // preview without them, the ones still missing; a warning already given is not given twice.
        carry: sent.length > 0 ? sent.join(" / ") : missing && chosen === "preview" ? missing : "",
      };
      const page = {
        ctx,
        file,
        values,
        offeredDeadline: offered[input.letterType],
        typeChanged,
        attachments,
      };
      try {
        if (action === "preview") {
          const { preview } = await prepareLetter(services, staff, number, input, upload.files);
          return sendPage(reply, ComposePage({ ...page, state: undefined, preview }));
        }
        const id = await createLetter(services, staff, number, input, action, { files: upload.files, blobs });
        return reply.redirect(`${letterPath(id)}?done=${action}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || e.problems.length === 0) throw e;
        const state = { form: composeForm, problems: e.problems, values };
        return sendPage(reply, ComposePage({ ...page, state, preview: undefined }), e.status);
      }
    });
  });

  app.get<LetterParams & { Querystring: { done?: string } }>("/agent/letters/:id", async (req, reply) => {
    const staff = requireStaff(req);
    const data = await loadLetterPage(services, staff, req.params.id);
    await recordAudit(services.db, actorOf(staff), deps.clock.now(), {
      action: "letter.viewed",
      subjectType: "correspondence",
      subjectId: data.letter.id,
      officeCode: data.letter.officeCode,
    });
    // The language switch comes back to the letter, without the notice of what was just done.
    const ctx = pageContext(req, reply, devTools, letterPath(data.letter.id));
    return sendPage(
      reply,
      LetterPage({ ctx, data, done: DoneSchema.parse(req.query.done), failure: undefined }),
    );
  });

  /** A button on the letter page: run the use case, then show the letter again, or why it was refused. */
  const letterAction =
    (action: LetterAction, run: (deps: Deps, staff: StaffContext, id: string) => Promise<void>) =>
    async (req: FastifyRequest<LetterParams>, reply: FastifyReply) => {
      const staff = requireStaff(req);
      const id = req.params.id;
      try {
        await run(services, staff, id);
      } catch (e) {
        if (!(e instanceof AppError) || ["NOT_FOUND", "SIGN_IN_REQUIRED", "INTERNAL"].includes(e.code))
          throw e;
        const data = await loadLetterPage(services, staff, id);
        const ctx = pageContext(req, reply, devTools, letterPath(id));
        return sendPage(reply, LetterPage({ ctx, data, done: undefined, failure: e.code }), e.status);
      }
      return reply.redirect(`${letterPath(id)}?done=${action}`, 303);
    };

  // A letter's attached file, as stored when the letter was written; same access as the letter (404).
  app.get<AttachmentParams>("/agent/letters/:id/attachments/:position", async (req, reply) => {
    const staff = requireStaff(req);
    const { letter } = await openLetter(services, staff, req.params.id);
    const position = /^[1-9]\d{0,3}$/.test(req.params.position) ? Number(req.params.position) : 0;
    const attachment = (await attachmentsOf(services.db, letter.id)).find((a) => a.position === position);
    if (!attachment) throw new AppError("NOT_FOUND");
    const bytes = await blobs.get(attachment.sha256);
    if (!bytes) throw new Error("attachment missing from the blob store");
    await recordAudit(services.db, actorOf(staff), deps.clock.now(), {
      action: "letter.attachment-downloaded",
      subjectType: "correspondence",
      subjectId: letter.id,
      officeCode: letter.officeCode,
      details: { position, sha256: attachment.sha256 },
    });
    return reply
      .type(attachment.contentType)
      .header("content-disposition", attachmentDisposition(attachment.filename))
      .header("cache-control", "no-store")
      .send(bytes);
  });

  app.post<LetterParams>("/agent/letters/:id/send", letterAction("send", sendDraft));
  app.post<LetterParams>("/agent/letters/:id/cancel", letterAction("cancel", cancelLetter));

  // C-10: the exact bytes handed to the mail server, as stored when the letter was sealed.
  app.get<LetterParams>("/agent/letters/:id/eml", async (req, reply) => {
    const staff = requireStaff(req);
    const { letter } = await openLetter(services, staff, req.params.id);
    const sealed = await findSealed(services.db, letter.id);
    if (!sealed) throw new AppError("NOT_FOUND");
    // A sealed letter whose bytes are gone is a broken record, not a missing page: it fails loudly.
    const bytes = await blobs.get(sealed.sha256);
    if (!bytes) throw new Error("sealed message missing from the blob store");
    await recordAudit(services.db, actorOf(staff), deps.clock.now(), {
      action: "letter.downloaded",
      subjectType: "correspondence",
      subjectId: letter.id,
      officeCode: letter.officeCode,
      details: { sha256: sealed.sha256 },
    });
    return reply
      .type("message/rfc822")
      .header("content-disposition", `attachment; filename="${letter.id}.eml"`)
      .header("cache-control", "no-store")
      .send(bytes);
  });
}

/**
 * Always a download, never shown in the page's origin. The name in plain ASCII for old clients, and
 * exactly (RFC 6266, RFC 8187) for the others; a header cannot carry other characters as they are.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]|["\\%]/g, (c) => (/\p{M}/u.test(c) ? "" : "_"));
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/**
 * C-6: the deadline the form offers for each type that needs one: today at the office plus the period
 * in force for its country. The service checks the same rule when the letter is written.
 */
async function offeredDeadlines(db: Executor, file: FileView): Promise<Record<string, string>> {
  const periods = await listResponsePeriods(db);
  const today = instantToWallTime(file.now, file.office.timeZone).slice(0, 10);
  const offered: Record<string, string> = {};
  for (const type of letterTypes.filter(requiresDeadline)) {
    const date = defaultDeadline(today, responsePeriodAt(periods, file.office.country, type, file.now));
    if (date) offered[type] = date;
  }
  return offered;
}

/** A letter as its page shows it: the letter, its file and office, its notes, its sealed message. */
async function loadLetterPage(deps: Deps, staff: StaffContext, id: string): Promise<LetterPageData> {
  const opened = await openLetter(deps, staff, id);
  const { letter } = opened;
  const [application, office, notes, sealed, attachments] = await Promise.all([
    findApplicationById(deps.db, letter.applicationId),
    findOffice(deps.db, letter.officeCode),
    notesOfApplication(deps.db, letter.applicationId),
    findSealed(deps.db, letter.id),
    attachmentsOf(deps.db, letter.id),
  ]);
  if (!application || !office) throw new AppError("NOT_FOUND");
  const staffIds = [...new Set(opened.events.filter((e) => e.actorKind === "staff").map((e) => e.actorId))];
  const names =
    staffIds.length === 0
      ? []
      : await deps.db
          .select({ id: staffTable.id, name: staffTable.name })
          .from(staffTable)
          .where(inArray(staffTable.id, staffIds));
  return {
    ...opened,
    fileNumber: application.number,
    timeZone: office.timeZone,
    notes: notes.filter((n) => n.correspondenceId === letter.id),
    sealed,
    attachments,
    staffNames: new Map(names.map((n) => [n.id, n.name])),
  };
}
