import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { type Actor, type AuditEntry, recordAudit, recordAudits } from "../audit/record.ts";
import {
  type ComposeInput,
  composeLetter,
  type LetterPreview,
  letterRecord,
  readComposeInput,
  scheduleLetters,
} from "../correspondence/service.ts";
import {
  appendLetterEvents,
  currentTemplate,
  type LetterRow,
  listResponsePeriods,
} from "../correspondence/store.ts";
import { insertMany } from "../db/insert-many.ts";
import { batchResults, batchStops } from "../db/schema/batches.ts";
import { correspondence, letterTemplates } from "../db/schema/correspondence.ts";
import { applications } from "../db/schema/files.ts";
import { AppError, type FieldProblem } from "../errors.ts";
import { canReadFilesOf, canRecordOnFilesOf } from "../files/access.ts";
import { filesNotReceiving } from "../files/flags.ts";
import type { ApplicationId, OfficeCode } from "../files/model.ts";
import { contactPointAt, routeCorrespondence } from "../files/rules.ts";
import type { Deps, StaffContext } from "../files/service.ts";
import { findOffice, loadPartiesOfFiles } from "../files/store.ts";
import { instantToWallTime } from "../time-zones.ts";
import { limitFor, listRateLimits } from "./rate-limits.ts";
import {
  type BatchCriteria,
  type BatchLetterType,
  batchLetterTypes,
  type DeadlineRule,
  deadlineFor,
  fitsSendingWindow,
  isFinished,
  readCriteria,
  readDeadlineRule,
  sendingWindowMs,
} from "./rules.ts";
import {
  accountUnwrittenAsStopped,
  type BatchRow,
  type BatchStop,
  batchesToGenerate,
  countMatching,
  countOutcomes,
  findBatch,
  findBatchStop,
  generatedCount,
  insertBatch,
  listBatches,
  lockBatch,
  membersAfter,
  sampleMatching,
  takeBackUnsent,
  waitForBatch,
} from "./store.ts";

// C-19, C-20: a batch chooses files by criteria, writes one full letter to each through the same
// composer and checks as a single letter (correspondence/service.ts composeLetter), and its letters are
// then sent by the dispatcher like any other, behind single letters and within the rate limits.

function actorOf(staff: StaffContext): Actor {
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

/** Writes batches' letters: the job of `liaison worker`, on behalf of the agent who created the batch. */
const generator: Actor = { kind: "job", name: "batch-generator" };

/** The values a batch's agent types once for every letter. */
const batchValueFields = [
  "documentsList",
  "interviewTime",
  "interviewPlace",
  "nextSteps",
  "agentNote",
] as const satisfies readonly (keyof ComposeInput)[];

export interface BatchDraft {
  criteria: BatchCriteria;
  letterType: BatchLetterType;
  deadlineRule: DeadlineRule;
  values: Record<string, string>;
}

function recordableOffices(staff: StaffContext): OfficeCode[] {
  return [...new Set(staff.postings.map((p) => p.officeCode))].filter((o) =>
    canRecordOnFilesOf(staff.postings, o),
  );
}

/** The offices a person may run batches for (an agent's or administrator's postings). */
export function batchOffices(staff: StaffContext): OfficeCode[] {
  return recordableOffices(staff);
}

function readDraft(form: Record<string, unknown>, staff: StaffContext) {
  const problems: FieldProblem[] = [];
  const { criteria, problems: criteriaProblems } = readCriteria(form, recordableOffices(staff));
  problems.push(...criteriaProblems);
  const input = readComposeInput(form);
  let letterType: BatchLetterType | undefined;
  if (!input.letterType) problems.push({ field: "letterType", code: "REQUIRED" });
  else if ((batchLetterTypes as readonly string[]).includes(input.letterType))
    letterType = input.letterType as BatchLetterType;
  else problems.push({ field: "letterType", code: "LETTER_TYPE_NOT_FOR_BATCH" });
  const { rule, problems: ruleProblems } = readDeadlineRule(form);
  problems.push(...ruleProblems);
  const values = Object.fromEntries(
    batchValueFields.filter((f) => input[f] !== "").map((f) => [f, input[f]]),
  );
  if (problems.length > 0 || !criteria || !letterType || !rule) return { problems };
  return { draft: { criteria, letterType, deadlineRule: rule, values } satisfies BatchDraft, problems };
}

function inputFor(
  draft: Pick<BatchDraft, "letterType" | "deadlineRule" | "values">,
  today: string,
): ComposeInput {
  const input = readComposeInput({ ...draft.values, letterType: draft.letterType });
  return { ...input, deadline: deadlineFor(draft.deadlineRule, today) };
}

/**
 * What a batch would be: how many files match, a sample of them, and the letter written to the first
 * one, composed by the same rules the batch will use. Problems of the letter itself (a value the template
 * needs, a deadline too short) are the form's problems; a file's own (no address) is not: that file will
 * be listed as failed, with its reason.
 */
export async function previewBatch(deps: Deps, staff: StaffContext, form: Record<string, unknown>) {
  // Only those who write letters write batches: an auditor or a support agent reads them.
  if (recordableOffices(staff).length === 0) throw new AppError("ROLE_NOT_ALLOWED");
  const read = readDraft(form, staff);
  if (!read.draft) throw new AppError(read.problems[0]!.code, read.problems);
  const { draft } = read;
  const office = await findOffice(deps.db, draft.criteria.office);
  if (!office) throw new AppError("UNKNOWN_OFFICE", [{ field: "office", code: "UNKNOWN_OFFICE" }]);
  const now = deps.clock.now();
  const [count, sample, template, periods, limits] = await Promise.all([
    countMatching(deps.db, draft.criteria, office.timeZone, now),
    sampleMatching(deps.db, draft.criteria, office.timeZone, now),
    currentTemplate(deps.db, office.code, draft.letterType),
    listResponsePeriods(deps.db),
    listRateLimits(deps.db),
  ]);
  if (!template) throw new AppError("INTERNAL");
  if (count === 0) throw new AppError("BATCH_NO_FILES", [{ field: "office", code: "BATCH_NO_FILES" }]);
  const officePerMinute = limitFor(limits, "office", office.code);
  if (!fitsSendingWindow(count, officePerMinute))
    throw new AppError("BATCH_OUTSIDE_WINDOW", [{ field: "office", code: "BATCH_OUTSIDE_WINDOW" }]);
  const today = instantToWallTime(now, office.timeZone).slice(0, 10);
  const input = inputFor(draft, today);
  // The letter to the first file: the agent reads what the batch will say before it is written.
  let example: LetterPreview | undefined;
  const first = sample[0];
  const [app] = first
    ? await deps.db.select().from(applications).where(eq(applications.number, first.number))
    : [];
  const parties =
    app && (await loadPartiesOfFiles(deps.db, [app.id as ApplicationId])).get(app.id as ApplicationId);
  if (app && parties) {
    try {
      example = composeLetter(
        {
          application: app,
          office,
          parties,
          routing: routeCorrespondence(parties, now),
          at: now,
          periods,
          template,
        },
        input,
      );
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const ofTheLetter = e.problems.filter((p) => p.field !== "recipient");
      if (ofTheLetter.length > 0) throw new AppError(ofTheLetter[0]!.code, ofTheLetter);
    }
  }
  return { draft, office, count, sample, template, example, officePerMinute };
}

/**
 * C-19: creates the batch: its template version, values, deadline rule and members are fixed now, and
 * its letters are written by the worker (generateBatchChunk), a few hundred per transaction.
 */
export async function createBatch(deps: Deps, staff: StaffContext, form: Record<string, unknown>) {
  const { draft, office, template } = await previewBatch(deps, staff, form);
  const now = deps.clock.now();
  const id = randomUUID();
  await deps.db.transaction(async (tx) => {
    const members = await insertBatch(
      tx,
      {
        id,
        officeCode: office.code,
        letterType: draft.letterType,
        templateId: template.id,
        criteria: { ...draft.criteria },
        deadlineRule: { ...draft.deadlineRule },
        values: draft.values,
        sendBy: new Date(now.getTime() + sendingWindowMs),
        createdAt: now,
        createdBy: staff.staffId,
      },
      draft.criteria,
      office.timeZone,
    );
    await recordAudit(tx, actorOf(staff), now, {
      action: "batch.created",
      subjectType: "batch",
      subjectId: id,
      officeCode: office.code,
      details: { letterType: draft.letterType, members, templateVersion: template.version },
    });
  });
  return id;
}

/**
 * Writes the letters of the batch's next `size` members, in one transaction with their results: a file
 * that fails a check gets its reason instead of a letter. Two workers never write the same chunk (the
 * batch row is locked; the results' key would refuse a second one). Returns how many members it wrote.
 */
export async function generateBatchChunk(deps: Deps, batchId: string, size = 500): Promise<number> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockBatch(tx, batchId))) return 0;
    const batch = await findBatch(tx, batchId);
    if (!batch) return 0;
    const members = await membersAfter(tx, batchId, await generatedCount(tx, batchId), size);
    if (members.length === 0) return 0;
    const now = deps.clock.now();
    const appIds = members.map((m) => m.applicationId as ApplicationId);
    // One after the other: a transaction's one connection runs one statement at a time.
    const office = await findOffice(tx, batch.officeCode);
    const [template] = await tx
      .select()
      .from(letterTemplates)
      .where(eq(letterTemplates.id, batch.templateId));
    const periods = await listResponsePeriods(tx);
    const apps = await tx.select().from(applications).where(inArrayOf(appIds));
    const partiesOf = await loadPartiesOfFiles(tx, appIds);
    const flagged = await filesNotReceiving(tx, appIds);
    if (!office || !template) throw new Error("batch without its office or template");
    const appOf = new Map(apps.map((a) => [a.id, a]));
    const today = instantToWallTime(now, office.timeZone).slice(0, 10);
    const input = inputFor(
      {
        letterType: batch.letterType as BatchLetterType,
        deadlineRule: batch.deadlineRule as DeadlineRule,
        values: batch.values,
      },
      today,
    );
    const letters: LetterRow[] = [];
    const results: (typeof batchResults.$inferInsert)[] = [];
    for (const m of members) {
      const app = appOf.get(m.applicationId);
      const parties = partiesOf.get(m.applicationId as ApplicationId);
      const result = { batchId, seq: m.seq, at: now };
      if (!app || !parties) {
        results.push({ ...result, problem: "NOT_FOUND" });
        continue;
      }
      if (app.officeCode !== batch.officeCode) {
        results.push({ ...result, problem: "BATCH_FILE_MOVED" });
        continue;
      }
      try {
        const preview = composeLetter(
          {
            application: app,
            office,
            parties,
            routing: routeCorrespondence(parties, now),
            at: now,
            periods,
            template,
          },
          input,
        );
        // B-7: a file whose party says our emails do not arrive gets the email and a paper copy; with
        // nowhere to post the copy, this file fails alone rather than the whole chunk.
        if (
          preview.routing.channel === "email" &&
          flagged.has(app.id) &&
          !contactPointAt(parties.contactPoints, preview.routing.recipient.id, "postal", now)
        ) {
          results.push({ ...result, problem: "SECOND_CHANNEL_MISSING" });
          continue;
        }
        const row = letterRecord({
          id: randomUUID(),
          application: app,
          preview,
          at: now,
          by: batch.createdBy,
          batchId,
        });
        letters.push({
          ...row,
          cc: null,
          deadline: row.deadline ?? null,
          replaces: null,
          batchId,
        } as LetterRow);
        results.push({ ...result, correspondenceId: row.id });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ ...result, problem: e.code });
      }
    }
    if (letters.length > 0) {
      await insertMany(tx, correspondence, letters);
      await appendLetterEvents(
        tx,
        letters.map((l) => ({
          letterId: l.id,
          kind: "draft" as const,
          at: now,
          actor: generator,
          details: { templateVersion: template.version, batch: batchId },
        })),
      );
      await scheduleLetters(
        tx,
        letters.map((letter) => ({ letter, attachments: [] })),
        now,
        generator,
        { priority: 1 },
      );
    }
    await insertMany(tx, batchResults, results);
    const audits: (AuditEntry & { at: Date })[] = letters.map((l) => ({
      at: now,
      action: "letter.generated",
      subjectType: "correspondence",
      subjectId: l.id,
      officeCode: l.officeCode,
      details: { batch: batchId, letterType: l.letterType, channel: l.channel },
    }));
    const failed = results.filter((r) => r.problem).length;
    audits.push({
      at: now,
      action: "batch.chunk-generated",
      subjectType: "batch",
      subjectId: batchId,
      officeCode: batch.officeCode,
      details: { from: members[0]!.seq, to: members.at(-1)!.seq, letters: letters.length, failed },
    });
    await recordAudits(tx, generator, audits);
    return members.length;
  });
}

function inArrayOf(ids: readonly string[]) {
  return inArray(applications.id, [...ids]);
}

/** The worker's job: writes every batch's letters, a chunk at a time, oldest batch first. */
export async function generatePendingBatches(deps: Deps, opts: { chunk?: number } = {}): Promise<number> {
  const since = new Date(deps.clock.now().getTime() - 7 * sendingWindowMs);
  let total = 0;
  for (const batch of await batchesToGenerate(deps.db, since)) {
    for (;;) {
      const n = await generateBatchChunk(deps, batch.id, opts.chunk);
      total += n;
      if (n === 0) break;
    }
  }
  return total;
}

/** A batch as a person may see it: one of their offices' (else 404), with its account so far. */
export async function openBatch(deps: Deps, staff: StaffContext, id: string) {
  const batch = await findBatch(deps.db, id);
  if (!batch || !canReadFilesOf(staff.postings, batch.officeCode as OfficeCode))
    throw new AppError("NOT_FOUND");
  const counts = await countOutcomes(deps.db, batch);
  const stop = await findBatchStop(deps.db, batch.id);
  return {
    batch,
    counts,
    finished: isFinished(counts),
    stop,
    mayStop: !stop && !isFinished(counts) && batchOffices(staff).includes(batch.officeCode as OfficeCode),
  };
}

export async function batchesOf(deps: Deps, staff: StaffContext): Promise<BatchRow[]> {
  const offices = [...new Set(staff.postings.map((p) => p.officeCode))].filter((o) =>
    canReadFilesOf(staff.postings, o),
  );
  return listBatches(deps.db, offices);
}

/**
 * C-20: staff stop a batch that should not go on (the wrong letter, the wrong files). In one transaction,
 * after any chunk being written: the letters not yet sent are cancelled, each with its own event on the
 * ledger, except those a dispatcher is handing to the mail server at this moment, which leave; the files
 * not written to yet are accounted for as BATCH_STOPPED. The batch's account is then complete, and says
 * of every file what became of it. Nothing already sent is touched.
 */
export async function stopBatch(
  deps: Deps,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
): Promise<BatchStop> {
  const batch = await findBatch(deps.db, id);
  if (!batch || !canReadFilesOf(staff.postings, batch.officeCode as OfficeCode))
    throw new AppError("NOT_FOUND");
  if (!batchOffices(staff).includes(batch.officeCode as OfficeCode)) throw new AppError("ROLE_NOT_ALLOWED");
  if (form.confirm !== "yes")
    throw new AppError("BATCH_STOP_NOT_CONFIRMED", [{ field: "confirm", code: "BATCH_STOP_NOT_CONFIRMED" }]);
  const now = deps.clock.now();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  return deps.db.transaction(async (tx) => {
    await waitForBatch(tx, id);
    if (await findBatchStop(tx, id)) throw new AppError("BATCH_ALREADY_STOPPED");
    if (isFinished(await countOutcomes(tx, batch))) throw new AppError("BATCH_FINISHED");
    const cancelled = await takeBackUnsent(tx, id, now);
    await appendLetterEvents(
      tx,
      cancelled.map((letterId) => ({
        letterId,
        kind: "cancelled" as const,
        at: now,
        actor,
        details: { reason: "BATCH_STOPPED", batch: id },
      })),
    );
    const notWritten = await accountUnwrittenAsStopped(tx, id, now);
    const [stop] = await tx
      .insert(batchStops)
      .values({
        batchId: id,
        stoppedAt: now,
        stoppedBy: staff.staffId,
        cancelled: cancelled.length,
        notWritten,
      })
      .returning();
    await recordAudits(tx, actor, [
      ...cancelled.map((letterId) => ({
        at: now,
        action: "letter.cancelled",
        subjectType: "correspondence",
        subjectId: letterId,
        officeCode: batch.officeCode,
        details: { batch: id, reason: "BATCH_STOPPED" },
      })),
      {
        at: now,
        action: "batch.stopped",
        subjectType: "batch",
        subjectId: id,
        officeCode: batch.officeCode,
        details: { cancelled: cancelled.length, notWritten },
      },
    ]);
    return stop!;
  });
}
