import crypto, { randomUUID } from "node:crypto";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import { checkAttachments } from "../correspondence/attachments.ts";
import { isIsoDate } from "../correspondence/rules.ts";
import { createLetter, type LetterUploads, readComposeInput } from "../correspondence/service.ts";
import { lettersOfApplication } from "../correspondence/store.ts";
import type { Executor } from "../db/client.ts";
import { applications } from "../db/schema/files.ts";
import {
  type ReliedOnLetter,
  reconsiderationDecisions,
  reconsiderationDocuments,
  reconsiderationRequests,
} from "../db/schema/reconsideration.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { canDecideOn, canReadFilesOf } from "../files/access.ts";
import { FormCheck } from "../files/forms.ts";
import type { ApplicationId } from "../files/model.ts";
import { partiesOf } from "../files/rules.ts";
import { type Deps, openFile, type StaffContext } from "../files/service.ts";
import { findApplicationById } from "../files/store.ts";
import { instantToWallTime } from "../time-zones.ts";
import { canBeReconsidered, checkDecision, decisionOutcomeText } from "./rules.ts";

// C-22..C-24: a request for reconsideration or reactivation, recorded by staff of the office holding the
// file, and its decision by that office's decision-maker, with the file's correspondence before them.

function actorOf(staff: StaffContext): Actor {
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

const sha256 = (s: string) => crypto.createHash("sha256").update(s, "utf8").digest("hex");
const field = (form: unknown, k: string) => {
  const v = (form as Record<string, unknown> | undefined)?.[k];
  return typeof v === "string" ? v.replace(/\r\n?/g, "\n").trim() : "";
};

export type RequestRow = typeof reconsiderationRequests.$inferSelect;
export type DecisionRow = typeof reconsiderationDecisions.$inferSelect;

/** The file's requests, newest first, each with its decision once there is one. */
export async function requestsOf(db: Executor, applicationId: ApplicationId) {
  const rows = await db
    .select()
    .from(reconsiderationRequests)
    .leftJoin(reconsiderationDecisions, eq(reconsiderationDecisions.requestId, reconsiderationRequests.id))
    .where(eq(reconsiderationRequests.applicationId, applicationId))
    .orderBy(desc(reconsiderationRequests.recordedAt));
  return rows.map((r) => ({
    request: r.reconsideration_requests,
    decision: r.reconsideration_decisions ?? undefined,
  }));
}

/**
 * C-22: records a request received from a party of a refused or abandoned file, with the documents they
 * sent (checked as a letter's attachments are: type by content, sizes, number). Returns its id.
 */
export async function recordRequest(
  deps: Deps,
  staff: StaffContext,
  number: string,
  form: unknown,
  uploads?: LetterUploads,
) {
  const file = await openFile(deps, staff, number);
  if (!file.canRecord) throw new AppError("ROLE_NOT_ALLOWED");
  if (!canBeReconsidered(file.application.status)) throw new AppError("NOT_ELIGIBLE_FOR_RECONSIDERATION");
  const today = instantToWallTime(file.now, file.office.timeZone).slice(0, 10);
  const check = new FormCheck();
  const partyId = field(form, "requestedBy");
  const party = partiesOf(file.parties).find((p) => p.id === partyId);
  if (check.required("requestedBy", partyId) && !party) check.fail("requestedBy", "PARTY_NOT_ON_FILE");
  const reasons = field(form, "reasons");
  check.required("reasons", reasons);
  if (reasons.length > 10_000) check.fail("reasons", "TOO_LONG");
  const receivedOn = field(form, "receivedOn");
  if (check.required("receivedOn", receivedOn)) {
    if (!isIsoDate(receivedOn)) check.fail("receivedOn", "INVALID_DATE");
    else if (receivedOn > today) check.fail("receivedOn", "DATE_IN_FUTURE");
  }
  const documents = checkAttachments(uploads?.files ?? []);
  for (const code of new Set(documents.problems.map((p) => p.code))) check.fail("documents", code);
  check.throwIfAny();
  const id = randomUUID();
  const now = file.now;
  // The bytes are kept (content-addressed) before the rows that name them, as a letter's attachments are.
  const stored: (typeof reconsiderationDocuments.$inferInsert)[] = [];
  for (const [i, d] of documents.attachments.entries()) {
    if (!uploads) break;
    stored.push({
      requestId: id,
      position: i + 1,
      filename: d.filename,
      contentType: d.contentType,
      sha256: await uploads.blobs.put(d.content),
      size: d.size,
    });
  }
  await deps.db.transaction(async (tx) => {
    const pending = await tx
      .select({ id: reconsiderationRequests.id })
      .from(reconsiderationRequests)
      .leftJoin(reconsiderationDecisions, eq(reconsiderationDecisions.requestId, reconsiderationRequests.id))
      .where(
        and(
          eq(reconsiderationRequests.applicationId, file.application.id),
          isNull(reconsiderationDecisions.requestId),
        ),
      );
    if (pending.length > 0) throw new AppError("RECONSIDERATION_PENDING");
    await tx.insert(reconsiderationRequests).values({
      id,
      applicationId: file.application.id,
      requestedBy: party!.id,
      reasons,
      receivedOn,
      statusAtRequest: file.application.status,
      recordedAt: now,
      recordedBy: staff.staffId,
    });
    if (stored.length > 0) await tx.insert(reconsiderationDocuments).values(stored);
    const details = {
      request: id,
      requestedBy: party!.id,
      receivedOn,
      reasonsSha256: sha256(reasons),
      documents: stored.map((d) => ({ sha256: d.sha256, size: d.size })),
    };
    await appendToLedger(tx, [
      {
        kind: "reconsideration-requested",
        subject: { type: "application", id: file.application.id },
        at: now,
        actor: actorOf(staff),
        details,
      },
    ]);
    await recordAudit(tx, actorOf(staff), now, {
      action: "reconsideration.requested",
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
      details: { request: id, requestedBy: party!.id, documents: stored.length },
    });
  });
  return id;
}

/** The documents sent with a request, in the order they were attached. */
export async function documentsOf(db: Executor, requestId: string) {
  return db
    .select()
    .from(reconsiderationDocuments)
    .where(eq(reconsiderationDocuments.requestId, requestId))
    .orderBy(asc(reconsiderationDocuments.position));
}

/**
 * A request with everything the decision-maker needs side by side: the file, each letter with its state
 * and events (bounces, reports), and the decision once made. Another office's request is a 404.
 */
export async function openRequest(deps: Deps, staff: StaffContext, id: string) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const [row] = uuid
    ? await deps.db.select().from(reconsiderationRequests).where(eq(reconsiderationRequests.id, id))
    : [];
  const application = row && (await findApplicationById(deps.db, row.applicationId));
  if (!row || !application || !canReadFilesOf(staff.postings, application.officeCode))
    throw new AppError("NOT_FOUND");
  const file = await openFile(deps, staff, application.number);
  const [decision] = await deps.db
    .select()
    .from(reconsiderationDecisions)
    .where(eq(reconsiderationDecisions.requestId, id));
  return {
    request: row,
    file,
    documents: await documentsOf(deps.db, row.id),
    letters: await lettersOfApplication(deps.db, application.id),
    decision,
    canDecide: !decision && canDecideOn(staff.postings, application.officeCode),
    today: instantToWallTime(file.now, file.office.timeZone).slice(0, 10),
  };
}

/**
 * C-22..C-24: the decision-maker decides, with written reasons; granted, the file reopens (C-23). The
 * decision letter is written and queued in the same transaction, through the same service and checks as
 * any letter (routing C-1..C-4, C-5..C-9): a decision is never recorded without its letter. A reopened
 * file's letter carries the new date as its deadline, so the C-14 sweep follows it like any other.
 */
export async function decideRequest(deps: Deps, staff: StaffContext, id: string, form: unknown) {
  const opened = await openRequest(deps, staff, id);
  const { file, request } = opened;
  if (!canDecideOn(staff.postings, file.application.officeCode)) throw new AppError("ROLE_NOT_ALLOWED");
  if (opened.decision) throw new AppError("REQUEST_ALREADY_DECIDED");
  const { problems, decision } = checkDecision(
    file.application.lineOfBusiness,
    {
      outcome: field(form, "outcome"),
      reasons: field(form, "reasons"),
      agencyError: field(form, "agencyError"),
      agencyErrorDetails: field(form, "agencyErrorDetails"),
      newDeadline: field(form, "newDeadline"),
    },
    opened.today,
  );
  if (!decision) throw new AppError(problems[0]!.code, problems);
  // C-22: "recorded with the material it relied on": every letter and its state as the page showed them.
  const reliedOn: ReliedOnLetter[] = opened.letters.map(({ letter, state, events }) => ({
    letter: letter.id,
    state,
    bounced: events.some((e) => e.kind === "bounced"),
  }));
  const now = file.now;
  const actor = actorOf(staff);
  await deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(reconsiderationDecisions)
      .values({
        requestId: request.id,
        outcome: decision.outcome,
        reasons: decision.reasons,
        agencyError: decision.agencyError ?? null,
        agencyErrorDetails: decision.agencyErrorDetails ?? null,
        newDeadline: decision.newDeadline ?? null,
        reliedOn,
        decidedAt: now,
        decidedBy: staff.staffId,
      })
      .onConflictDoNothing()
      .returning();
    // Two decision-makers at once: the first decision stands, the second is told.
    if (!inserted) throw new AppError("REQUEST_ALREADY_DECIDED");
    if (decision.statusAfter)
      await tx
        .update(applications)
        .set({ status: decision.statusAfter })
        .where(eq(applications.id, file.application.id));
    const letter = await createLetter(
      { db: tx, clock: deps.clock },
      staff,
      file.application.number,
      readComposeInput({
        letterType: "reconsideration-decision",
        recipient: file.routing.channel === "none" ? "" : file.routing.address,
        requestDate: request.receivedOn,
        decisionReasons: decision.reasons,
        deadline: decision.newDeadline ?? "",
      }),
      "send",
      undefined,
      {
        values: { decision_outcome: decisionOutcomeText(file.application.lineOfBusiness, decision) },
      },
    );
    const details = {
      request: request.id,
      letter,
      outcome: decision.outcome,
      reasonsSha256: sha256(decision.reasons),
      ...(decision.agencyError ? { agencyError: decision.agencyError } : {}),
      ...(decision.newDeadline ? { newDeadline: decision.newDeadline } : {}),
      ...(decision.statusAfter
        ? { statusBefore: file.application.status, statusAfter: decision.statusAfter }
        : {}),
      reliedOn: reliedOn.map((r) => r.letter),
    };
    await appendToLedger(tx, [
      {
        kind: "decision-made",
        subject: { type: "application", id: file.application.id },
        at: now,
        actor,
        details,
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: "reconsideration.decided",
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
      details: { request: request.id, outcome: decision.outcome, letter },
    });
  });
}
