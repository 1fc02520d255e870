import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, isNull, max, or } from "drizzle-orm";
import { z } from "zod";
import { type Actor, recordAudit } from "../audit/record.ts";
import { staffNames } from "../auth/store.ts";
import type { Executor } from "../db/client.ts";
import { letterTemplates, responsePeriods } from "../db/schema/correspondence.ts";
import { offices } from "../db/schema/offices.ts";
import { AppError, type ErrorCode, type FieldProblem } from "../errors.ts";
import { canAdministerOffice, canReadFilesOf } from "../files/access.ts";
import { FormCheck } from "../files/forms.ts";
import type { OfficeCode } from "../files/model.ts";
import type { Deps, StaffContext } from "../files/service.ts";
import { findOffice, listOffices } from "../files/store.ts";
import { instantToWallTime, wallTimeToInstant } from "../time-zones.ts";
import {
  allowedPlaceholders,
  deadlinePlaceholderOf,
  isLetterType,
  type LetterType,
  letterTypes,
  requiresDeadline,
} from "./letter-types.ts";
import { isIsoDate, type ResponsePeriod, responsePeriodAt } from "./rules.ts";
import { currentTemplate, type TemplateRow } from "./store.ts";
import {
  checkTemplate,
  type OfficialLanguage,
  type PlaceholderName,
  scanTemplateText,
  type TemplateField,
  type TemplateProblem,
  type TemplateProblemCode,
  type TemplateTexts,
} from "./templates.ts";

// What an office administrator manages (SPEC section 1): the office's letter templates (C-9) and the
// response periods of its country (C-6). Both are history: a new template version and a new period are
// new rows, written with their audit event in one transaction; nothing before them changes.

type OfficeRow = NonNullable<Awaited<ReturnType<typeof findOffice>>>;

function actorOf(staff: StaffContext): Actor {
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

/**
 * The office, for someone who administers it. Someone who cannot see the office's files at all gets
 * NOT_FOUND, as for a file (the office's existence is not confirmed to them); someone who can see them
 * in another role gets ROLE_NOT_ALLOWED.
 */
export async function openOfficeForAdmin(deps: Deps, staff: StaffContext, code: string): Promise<OfficeRow> {
  const officeCode = code.toUpperCase() as OfficeCode;
  if (!canReadFilesOf(staff.postings, officeCode)) throw new AppError("NOT_FOUND");
  if (!canAdministerOffice(staff.postings, officeCode)) throw new AppError("ROLE_NOT_ALLOWED");
  const office = await findOffice(deps.db, officeCode);
  if (!office) throw new AppError("NOT_FOUND");
  return office;
}

/** The offices this person administers, in code order (the office settings page). */
export async function administeredOffices(deps: Deps, staff: StaffContext): Promise<OfficeRow[]> {
  return (await listOffices(deps.db)).filter((o) =>
    canAdministerOffice(staff.postings, o.code as OfficeCode),
  );
}

// ---------------------------------------------------------------------------------------------------
// Letter templates (C-9)

/** Where the template a letter uses comes from: the office's own version, or the agency-wide default. */
export type TemplateSource = "office" | "agency";

const sourceOf = (row: Pick<TemplateRow, "officeCode">): TemplateSource =>
  row.officeCode === null ? "agency" : "office";

export interface TemplateInUse {
  type: LetterType;
  /** Undefined only in a database where the shipped defaults were never put (ensureCorrespondenceDefaults). */
  template: TemplateRow | undefined;
  source: TemplateSource | undefined;
}

async function templateInUse(db: Executor, officeCode: string, type: LetterType): Promise<TemplateInUse> {
  const template = await currentTemplate(db, officeCode, type);
  return { type, template, source: template ? sourceOf(template) : undefined };
}

/** The template each of the seven types (C-9) uses at this office now. */
export async function officeTemplates(deps: Deps, staff: StaffContext, code: string) {
  const office = await openOfficeForAdmin(deps, staff, code);
  const templates = await Promise.all(letterTypes.map((type) => templateInUse(deps.db, office.code, type)));
  return { office, templates };
}

export interface TemplateVersion {
  id: string;
  version: number;
  source: TemplateSource;
  createdAt: Date;
  /** Who saved it; undefined for the versions shipped with Liaison. */
  createdBy: string | undefined;
}

/** Everything the page of one template shows: the version in use, what it may say, and its history. */
export async function templateEditor(deps: Deps, staff: StaffContext, code: string, type: string) {
  const office = await openOfficeForAdmin(deps, staff, code);
  if (!isLetterType(type)) throw new AppError("NOT_FOUND");
  const inUse = await templateInUse(deps.db, office.code, type);
  const rows = await deps.db
    .select()
    .from(letterTemplates)
    .where(
      and(
        eq(letterTemplates.letterType, type),
        or(eq(letterTemplates.officeCode, office.code), isNull(letterTemplates.officeCode)),
      ),
    )
    .orderBy(desc(letterTemplates.createdAt), desc(letterTemplates.version));
  const names = await staffNames(
    deps.db,
    rows.map((r) => r.createdBy),
  );
  const history: TemplateVersion[] = rows.map((r) => ({
    id: r.id,
    version: r.version,
    source: sourceOf(r),
    createdAt: r.createdAt,
    createdBy: r.createdBy ? names.get(r.createdBy) : undefined,
  }));
  return {
    office,
    type,
    inUse,
    history,
    placeholders: placeholdersOf(type),
  };
}

/** The names of the four text fields of the template form. */
export const templateFields = ["subjectEn", "bodyEn", "subjectFr", "bodyFr"] as const;
export type TemplateFieldName = (typeof templateFields)[number];

const fieldName = (language: OfficialLanguage, field: TemplateField): TemplateFieldName =>
  `${field}${language === "en" ? "En" : "Fr"}`;

/** Each problem checkTemplate finds has its own error code, with its FR and EN text. */
const templateErrorCodes = {
  LANGUAGE_MISSING: "TEMPLATE_LANGUAGE_MISSING",
  SUBJECT_NOT_ONE_LINE: "TEMPLATE_SUBJECT_NOT_ONE_LINE",
  MALFORMED_PLACEHOLDER: "TEMPLATE_MALFORMED_PLACEHOLDER",
  UNKNOWN_PLACEHOLDER: "TEMPLATE_UNKNOWN_PLACEHOLDER",
  PLACEHOLDER_NOT_ALLOWED: "TEMPLATE_PLACEHOLDER_NOT_ALLOWED",
  DEADLINE_REQUIRED: "TEMPLATE_DEADLINE_REQUIRED",
  PLACEHOLDER_IN_ONE_LANGUAGE: "TEMPLATE_PLACEHOLDER_IN_ONE_LANGUAGE",
} as const satisfies Record<TemplateProblemCode, ErrorCode>;

/** A problem of a template, tied to the field the person must change, with what checkTemplate found. */
export interface TemplateFieldProblem extends FieldProblem {
  field: TemplateFieldName;
  problem: TemplateProblem;
}

function usesPlaceholder(text: string, name: string): boolean {
  return scanTemplateText(text).segments.some((s) => s.kind === "placeholder" && s.name === name);
}

/** The field to correct: where the problem is, or, for something missing, where it should be. */
function fieldOfProblem(p: TemplateProblem, texts: TemplateTexts): TemplateFieldName {
  switch (p.code) {
    case "LANGUAGE_MISSING":
    case "SUBJECT_NOT_ONE_LINE":
    case "MALFORMED_PLACEHOLDER":
    case "UNKNOWN_PLACEHOLDER":
    case "PLACEHOLDER_NOT_ALLOWED":
      return fieldName(p.language, p.field);
    case "DEADLINE_REQUIRED":
      // C-6: the deadline belongs in the body, where the person reads what to do.
      return fieldName(p.language, "body");
    case "PLACEHOLDER_IN_ONE_LANGUAGE": {
      // Missing from the same part (subject or body) of the other language as where it was used.
      const inBody = usesPlaceholder(texts[fieldName(p.presentIn, "body")], p.name);
      return fieldName(p.missingFrom, inBody ? "body" : "subject");
    }
  }
}

/** checkTemplate's findings as problems of the form's fields; [] when the template may be saved. */
export function templateFieldProblems(type: LetterType, texts: TemplateTexts): TemplateFieldProblem[] {
  return checkTemplate({ type, ...texts }).map((problem) => ({
    field: fieldOfProblem(problem, texts),
    code: templateErrorCodes[problem.code],
    problem,
  }));
}

/** Thrown when a template is refused: an AppError whose problems also carry what was found, for the page. */
export class TemplateRefused extends AppError {
  constructor(readonly found: readonly TemplateFieldProblem[]) {
    super(
      found[0]?.code ?? "TEMPLATE_LANGUAGE_MISSING",
      found.map(({ field, code }) => ({ field, code })),
    );
  }
}

const formText = z.string().catch("");

/**
 * The template form. A browser sends a textarea's newlines as CRLF (HTML's form encoding); they become
 * "\n" again so a template holds the lines the admin typed. Subjects are one line: spaces around them go.
 */
export const TemplateFormSchema = z
  .object({
    letterType: formText,
    subjectEn: formText,
    bodyEn: formText,
    subjectFr: formText,
    bodyFr: formText,
  })
  .transform((f) => {
    const lf = (s: string) => s.replace(/\r\n?/g, "\n");
    return {
      letterType: f.letterType.trim(),
      subjectEn: lf(f.subjectEn).trim(),
      bodyEn: lf(f.bodyEn),
      subjectFr: lf(f.subjectFr).trim(),
      bodyFr: lf(f.bodyFr),
    };
  });

/**
 * C-9: saves a new version of an office's template, checked as letters will need it (checkTemplate).
 * The version is a new row, never an update (the table refuses updates); letters already written keep
 * pointing at the version they came from. Returns the new version's number.
 *
 * Numbering: an office's first version follows the agency version it replaces (the agency's 1, then
 * the office's 2), so at one office a version number names one text of that type.
 */
export async function saveTemplateVersion(
  deps: Deps,
  staff: StaffContext,
  officeCode: string,
  form: Record<string, unknown>,
): Promise<number> {
  const office = await openOfficeForAdmin(deps, staff, officeCode);
  const input = TemplateFormSchema.parse(form);
  const check = new FormCheck();
  const letterType = check.choice("letterType", letterTypes, input.letterType);
  check.throwIfAny();
  const type = letterType as LetterType;
  const texts: TemplateTexts = {
    subjectEn: input.subjectEn,
    bodyEn: input.bodyEn,
    subjectFr: input.subjectFr,
    bodyFr: input.bodyFr,
  };
  const found = templateFieldProblems(type, texts);
  if (found.length > 0) throw new TemplateRefused(found);

  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    // Two admins saving at once take their numbers one after the other: the office row is the lock.
    await tx.select({ code: offices.code }).from(offices).where(eq(offices.code, office.code)).for("update");
    const [latest] = await tx
      .select({ version: max(letterTemplates.version) })
      .from(letterTemplates)
      .where(
        and(
          eq(letterTemplates.letterType, type),
          or(eq(letterTemplates.officeCode, office.code), isNull(letterTemplates.officeCode)),
        ),
      );
    const replaces = await currentTemplate(tx, office.code, type);
    const version = (latest?.version ?? 0) + 1;
    const id = randomUUID();
    await tx.insert(letterTemplates).values({
      id,
      officeCode: office.code,
      letterType: type,
      version,
      ...texts,
      createdAt: now,
      createdBy: staff.staffId,
    });
    await recordAudit(tx, actorOf(staff), now, {
      action: "letter-template.saved",
      subjectType: "letter-template",
      subjectId: id,
      officeCode: office.code,
      details: { letterType: type, version, replaces: replaces?.id ?? null },
    });
    return version;
  });
}

// ---------------------------------------------------------------------------------------------------
// Response periods (C-6)

/** The letter types a response period is recorded for: those that must carry a deadline (C-6). */
export const periodLetterTypes: readonly LetterType[] = letterTypes.filter(requiresDeadline);

export const minPeriodDays = 1;
export const maxPeriodDays = 365;

export const PeriodFormSchema = z.object({
  letterType: formText.transform((s) => s.trim()),
  days: formText.transform((s) => s.trim()),
  effectiveOn: formText.transform((s) => s.trim()),
});

/** Where the period in force comes from: the office's country's own row, or the agency-wide default. */
export type PeriodSource = "country" | "agency";

export interface PeriodRow extends ResponsePeriod {
  recordedAt: Date;
  recordedBy: string | undefined;
  source: PeriodSource;
}

export interface PeriodsOfType {
  type: LetterType;
  inForce: PeriodRow | undefined;
  /** Rows that will take over later, in order, each only if it will actually be the one in force then. */
  scheduled: PeriodRow[];
}

/** The periods in force now at this office, by type, and those scheduled to follow. */
export async function officeResponsePeriods(deps: Deps, staff: StaffContext, code: string) {
  const office = await openOfficeForAdmin(deps, staff, code);
  const now = deps.clock.now();
  const rows = await deps.db.select().from(responsePeriods).orderBy(asc(responsePeriods.seq));
  const names = await staffNames(
    deps.db,
    rows.map((r) => r.recordedBy),
  );
  const all: PeriodRow[] = rows.map((r) => ({
    seq: r.seq,
    country: r.country,
    letterType: r.letterType,
    days: r.days,
    effectiveFrom: r.effectiveFrom,
    recordedAt: r.recordedAt,
    recordedBy: r.recordedBy ? names.get(r.recordedBy) : undefined,
    source: r.country === "*" ? "agency" : "country",
  }));
  const bySeq = new Map(all.map((p) => [p.seq, p]));
  const at = (type: LetterType, instant: Date) =>
    bySeq.get(responsePeriodAt(all, office.country, type, instant)?.seq ?? -1);
  const types: PeriodsOfType[] = periodLetterTypes.map((type) => ({
    type,
    inForce: at(type, now),
    scheduled: all
      .filter(
        (p) =>
          p.letterType === type &&
          p.effectiveFrom.getTime() > now.getTime() &&
          at(type, p.effectiveFrom)?.seq === p.seq,
      )
      .sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime()),
  }));
  // Periods are per country: what this admin records applies to every office there.
  const sameCountry = (await listOffices(deps.db)).filter((o) => o.country === office.country);
  return {
    office,
    types,
    sameCountry,
    today: instantToWallTime(now, office.timeZone).slice(0, 10),
  };
}

/**
 * C-6: records the default response period for the office's country and one letter type, effective
 * from a day (office calendar) that is today or later; an empty day means today. From today, it takes
 * effect at the instant it is recorded, never earlier: letters written before then were given the old
 * period, and history is not rewritten. From a later day, it takes effect at that day's start, office
 * time. Returns the new row's sequence number.
 */
export async function recordResponsePeriod(
  deps: Deps,
  staff: StaffContext,
  officeCode: string,
  form: Record<string, unknown>,
): Promise<number> {
  const office = await openOfficeForAdmin(deps, staff, officeCode);
  const input = PeriodFormSchema.parse(form);
  const now = deps.clock.now();
  const today = instantToWallTime(now, office.timeZone).slice(0, 10);
  const check = new FormCheck();
  const letterType = check.choice("letterType", periodLetterTypes, input.letterType);
  let days: number | undefined;
  if (check.required("days", input.days)) {
    const n = /^\d+$/.test(input.days) ? Number(input.days) : Number.NaN;
    if (n >= minPeriodDays && n <= maxPeriodDays) days = n;
    else check.fail("days", "PERIOD_DAYS_OUT_OF_RANGE");
  }
  const effectiveOn = input.effectiveOn || today;
  let effectiveFrom: Date | undefined;
  if (!isIsoDate(effectiveOn)) check.fail("effectiveOn", "INVALID_DATE");
  else if (effectiveOn < today) check.fail("effectiveOn", "PERIOD_IN_PAST");
  else {
    effectiveFrom = effectiveOn === today ? now : wallTimeToInstant(`${effectiveOn}T00:00`, office.timeZone);
    if (!effectiveFrom) check.fail("effectiveOn", "INVALID_DATE");
  }
  check.throwIfAny();
  // Past throwIfAny, every field was read.
  const period = { letterType: letterType!, days: days!, effectiveFrom: effectiveFrom! };

  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(responsePeriods)
      .values({
        country: office.country,
        ...period,
        recordedAt: now,
        recordedBy: staff.staffId,
      })
      .returning({ seq: responsePeriods.seq });
    const seq = row!.seq;
    await recordAudit(tx, actorOf(staff), now, {
      action: "response-period.recorded",
      subjectType: "response-period",
      subjectId: String(seq),
      officeCode: office.code,
      details: {
        country: office.country,
        letterType: period.letterType,
        days: period.days,
        effectiveOn,
        effectiveFrom: period.effectiveFrom.toISOString(),
      },
    });
    return seq;
  });
}

/** The placeholders a type may use, each with whether it is the deadline the type must carry (C-6). */
export function placeholdersOf(type: LetterType): { name: PlaceholderName; isDeadline: boolean }[] {
  const deadline = deadlinePlaceholderOf(type);
  return allowedPlaceholders[type].map((name) => ({ name, isDeadline: name === deadline }));
}
