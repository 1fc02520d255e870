import { randomUUID } from "node:crypto";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";
import { readTogether } from "../db/read-together.ts";
import {
  applicationStatuses,
  contactSources,
  languages,
  parties,
  representations,
} from "../db/schema/files.ts";
import { AppError } from "../errors.ts";
import { canReadFilesOf, canRecordOnFilesOf, type Posting, readableOffices } from "./access.ts";
import { type NotReceivingFlag, notReceivingFlag } from "./flags.ts";
import {
  ContactPointFormSchema,
  FormCheck,
  fileNumberPattern,
  fileNumberPrefixPattern,
  RepresentativeFormSchema,
  WithdrawalFormSchema,
} from "./forms.ts";
import type { FileParties, OfficeCode, PartyId, StaffId } from "./model.ts";
import { type Routing, representationAt, routeCorrespondence } from "./rules.ts";
import {
  type ApplicationRow,
  findApplicationByNumber,
  findOffice,
  listOffices,
  loadFileParties,
  recordContactPoints,
  searchApplications,
} from "./store.ts";

export interface Deps {
  db: Executor;
  clock: Clock;
}

/** The signed-in person on whose behalf a use case runs. */
export interface StaffContext {
  staffId: StaffId;
  postings: Posting[];
  ip: string | undefined;
}

function actorOf(staff: StaffContext): Actor {
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

export const searchPageSize = 25;

export async function findFiles(deps: Deps, staff: StaffContext, query: Record<string, unknown>) {
  const str = (k: string) => (typeof query[k] === "string" ? (query[k] as string).trim() : "");
  const check = new FormCheck();
  const number = str("number").toUpperCase();
  // A prefix of a file number is fine ("B00012"); anything that could never begin one is refused.
  if (number && !fileNumberPrefixPattern.test(number)) check.fail("number", "MALFORMED_FILE_NUMBER");
  const status = str("status");
  if (status) check.choice("status", applicationStatuses, status);
  const officeCode = str("office").toUpperCase();
  const mine = readableOffices(staff.postings);
  if (officeCode && !(await findOffice(deps.db, officeCode))) check.fail("office", "UNKNOWN_OFFICE");
  check.throwIfAny();
  const page = Math.max(1, Number.parseInt(str("page") || "1", 10) || 1);
  const offices = officeCode ? mine.filter((o) => o === officeCode) : mine;
  const criteria = {
    offices,
    number: number || undefined,
    name: str("name") || undefined,
    email: str("email") || undefined,
    status: (status || undefined) as ApplicationRow["status"] | undefined,
    limit: searchPageSize,
    offset: (page - 1) * searchPageSize,
  };
  const result = await searchApplications(deps.db, criteria);
  return { ...result, page, criteria };
}

export interface FileView {
  application: ApplicationRow;
  office: NonNullable<Awaited<ReturnType<typeof findOffice>>>;
  parties: FileParties;
  routing: Routing;
  /** The instant the routing answers for: now, or a past instant the person asked about. */
  at: Date;
  /** Whether `at` is a past instant the person asked about, rather than now. */
  inThePast: boolean;
  now: Date;
  canRecord: boolean;
  /** B-7: the party reports not receiving our email (then every letter also goes by post). */
  notReceivingEmail: NotReceivingFlag | undefined;
}

/**
 * Opens a file for a person; another office's file is indistinguishable from one that does not exist.
 * With `asOf` (wall-clock time in the office's zone), the routing answers for that past instant: where
 * a letter sent then had to go, which is the question a dispute asks.
 */
export async function openFile(
  deps: Deps,
  staff: StaffContext,
  number: string,
  asOf?: string,
): Promise<FileView> {
  const application = fileNumberPattern.test(number)
    ? await findApplicationByNumber(deps.db, number)
    : undefined;
  if (!application || !canReadFilesOf(staff.postings, application.officeCode))
    throw new AppError("NOT_FOUND");
  const [office, fileParties, notReceivingEmail] = await readTogether(deps.db, [
    () => findOffice(deps.db, application.officeCode),
    () => loadFileParties(deps.db, application.id),
    () => notReceivingFlag(deps.db, application.id),
  ]);
  if (!office || !fileParties) throw new AppError("NOT_FOUND");
  const now = deps.clock.now();
  let at = now;
  if (asOf) {
    const check = new FormCheck();
    at = check.pastInstant("asOf", asOf, office.timeZone, now, "DATE_IN_FUTURE") ?? now;
    check.throwIfAny();
  }
  return {
    application,
    office,
    parties: fileParties,
    routing: routeCorrespondence(fileParties, at),
    at,
    inThePast: at.getTime() < now.getTime(),
    now,
    notReceivingEmail,
    canRecord: canRecordOnFilesOf(staff.postings, application.officeCode),
  };
}

async function openFileForRecording(deps: Deps, staff: StaffContext, number: string): Promise<FileView> {
  const view = await openFile(deps, staff, number);
  if (!view.canRecord) throw new AppError("ROLE_NOT_ALLOWED");
  return view;
}

/** Records a new email or postal address for a party: a new row; the old one stays, superseded. */
export async function recordContactPoint(deps: Deps, staff: StaffContext, number: string, form: unknown) {
  const file = await openFileForRecording(deps, staff, number);
  const input = ContactPointFormSchema.parse(form);
  const now = deps.clock.now();
  const check = new FormCheck();
  const party = [file.parties.applicant, ...file.parties.representatives].find((p) => p.id === input.partyId);
  if (!party) check.fail("partyId", "PARTY_NOT_ON_FILE");
  const kind = check.choice("kind", ["email", "postal"] as const, input.kind);
  const value =
    kind === "email"
      ? check.email("value", input.value)
      : kind === "postal"
        ? check.postal("value", input.value)
        : undefined;
  const source = check.choice("source", contactSources, input.source);
  const providedAt = check.pastInstant("providedAt", input.providedAt, file.office.timeZone, now);
  check.throwIfAny();
  return deps.db.transaction(async (tx) => {
    const [seq] = await recordContactPoints(
      tx,
      [
        {
          partyId: party!.id,
          kind: kind!,
          value: value!,
          source: source!,
          providedAt: providedAt!,
          recordedAt: now,
          recordedBy: staff.staffId,
        },
      ],
      actorOf(staff),
    );
    await recordAudit(tx, actorOf(staff), now, {
      action: "contact-point.recorded",
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
      details: { partyId: party!.id, contactPoint: seq, kind, source },
    });
    return seq!;
  });
}

/**
 * Records a signed IMM 5476: the representative becomes a party, their addresses from the form are
 * recorded with source "imm5476", and the representation takes effect when the form was received (C-3).
 */
export async function recordRepresentative(deps: Deps, staff: StaffContext, number: string, form: unknown) {
  const file = await openFileForRecording(deps, staff, number);
  const input = RepresentativeFormSchema.parse(form);
  const now = deps.clock.now();
  const check = new FormCheck();
  check.required("name", input.name);
  const email = input.email === "" ? undefined : check.email("email", input.email);
  const postal = check.postal("postal", input.postal);
  const preferredLanguage = check.choice("preferredLanguage", languages, input.preferredLanguage);
  const receivedAt = check.pastInstant("receivedAt", input.receivedAt, file.office.timeZone, now);
  check.throwIfAny();
  const partyId = randomUUID() as PartyId;
  await deps.db.transaction(async (tx) => {
    await tx.insert(parties).values({
      id: partyId,
      applicationId: file.application.id,
      role: "representative",
      name: input.name,
      preferredLanguage: preferredLanguage!,
      createdAt: now,
    });
    const points = [
      ...(email ? [{ kind: "email" as const, value: email }] : []),
      { kind: "postal" as const, value: postal! },
    ];
    await recordContactPoints(
      tx,
      points.map((p) => ({
        partyId,
        kind: p.kind,
        value: p.value,
        source: "imm5476" as const,
        providedAt: receivedAt!,
        recordedAt: now,
        recordedBy: staff.staffId,
      })),
      actorOf(staff),
    );
    await tx.insert(representations).values({
      applicationId: file.application.id,
      representativeId: partyId,
      kind: "declared",
      effectiveAt: receivedAt!,
      recordedAt: now,
      recordedBy: staff.staffId,
    });
    await recordAudit(tx, actorOf(staff), now, {
      action: "representative.declared",
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
      details: { partyId, withEmail: email !== undefined },
    });
  });
  return partyId;
}

/** The applicant withdrew the IMM 5476: from that instant, correspondence goes to them again. */
export async function withdrawRepresentative(deps: Deps, staff: StaffContext, number: string, form: unknown) {
  const file = await openFileForRecording(deps, staff, number);
  const input = WithdrawalFormSchema.parse(form);
  const now = deps.clock.now();
  const check = new FormCheck();
  const receivedAt = check.pastInstant("receivedAt", input.receivedAt, file.office.timeZone, now);
  check.throwIfAny();
  const current = representationAt(file.parties.representations, receivedAt!);
  if (!current) throw new AppError("NO_REPRESENTATIVE");
  await deps.db.transaction(async (tx) => {
    await tx.insert(representations).values({
      applicationId: file.application.id,
      representativeId: current.representativeId,
      kind: "withdrawn",
      effectiveAt: receivedAt!,
      recordedAt: now,
      recordedBy: staff.staffId,
    });
    await recordAudit(tx, actorOf(staff), now, {
      action: "representative.withdrawn",
      subjectType: "application",
      subjectId: file.application.id,
      officeCode: file.application.officeCode,
      details: { partyId: current.representativeId },
    });
  });
}

export async function officesFor(deps: Deps, staff: StaffContext) {
  const mine = new Set<string>(readableOffices(staff.postings));
  return (await listOffices(deps.db)).filter((o) => mine.has(o.code as OfficeCode));
}
