import { and, asc, desc, eq, ilike, inArray, lte, sql } from "drizzle-orm";
import type { Actor } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { applications, contactPoints, parties, representations } from "../db/schema/files.ts";
import { offices } from "../db/schema/offices.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import type {
  ApplicationId,
  ApplicationStatus,
  ContactKind,
  ContactPoint,
  FileParties,
  LineOfBusiness,
  OfficeCode,
  Party,
  PartyId,
  RepresentationEvent,
} from "./model.ts";

export interface ApplicationRow {
  id: ApplicationId;
  number: string;
  lineOfBusiness: LineOfBusiness;
  officeCode: OfficeCode;
  status: ApplicationStatus;
  finalDecisionOn: string | null;
  receivedAt: Date;
}

export async function findApplicationByNumber(
  db: Executor,
  number: string,
): Promise<ApplicationRow | undefined> {
  const [row] = await db.select().from(applications).where(eq(applications.number, number)).limit(1);
  return row as ApplicationRow | undefined;
}

export async function findApplicationById(db: Executor, id: string): Promise<ApplicationRow | undefined> {
  const [row] = await db.select().from(applications).where(eq(applications.id, id)).limit(1);
  return row as ApplicationRow | undefined;
}

export async function loadFileParties(
  db: Executor,
  applicationId: ApplicationId,
): Promise<FileParties | undefined> {
  return (await loadPartiesOfFiles(db, [applicationId])).get(applicationId);
}

/** The parties of several files in three queries, whatever their number (the dispatcher's batches). */
export async function loadPartiesOfFiles(
  db: Executor,
  applicationIds: readonly ApplicationId[],
): Promise<Map<ApplicationId, FileParties>> {
  const out = new Map<ApplicationId, FileParties>();
  if (applicationIds.length === 0) return out;
  const appIds = [...new Set(applicationIds)];
  // Sorted here, not in the statements: an ORDER BY on another column than the one looked up could make
  // the planner walk a whole table in that order (the dispatcher runs these on every pass).
  const partyRows = (await db.select().from(parties).where(inArray(parties.applicationId, appIds))).sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const ids = partyRows.map((p) => p.id);
  // One after the other: `db` may be a transaction, whose one connection runs one statement at a time.
  const points =
    ids.length === 0
      ? []
      : (await db.select().from(contactPoints).where(inArray(contactPoints.partyId, ids))).sort(
          (a, b) => a.seq - b.seq,
        );
  const reps = (
    await db.select().from(representations).where(inArray(representations.applicationId, appIds))
  ).sort((a, b) => a.seq - b.seq);
  const toParty = (p: (typeof partyRows)[number]): Party => ({
    id: p.id as PartyId,
    role: p.role,
    name: p.name,
    preferredLanguage: p.preferredLanguage,
  });
  for (const applicationId of appIds) {
    const own = partyRows.filter((p) => p.applicationId === applicationId);
    const applicant = own.find((p) => p.role === "applicant");
    if (!applicant) continue;
    const partyIds = new Set(own.map((p) => p.id));
    out.set(applicationId, {
      applicant: toParty(applicant),
      representatives: own.filter((p) => p.role === "representative").map(toParty),
      contactPoints: points
        .filter((c) => partyIds.has(c.partyId))
        .map(
          (c): ContactPoint => ({
            seq: c.seq,
            partyId: c.partyId as PartyId,
            kind: c.kind,
            value: c.value,
            source: c.source,
            providedAt: c.providedAt,
          }),
        ),
      representations: reps
        .filter((r) => r.applicationId === applicationId)
        .map(
          (r): RepresentationEvent => ({
            seq: r.seq,
            representativeId: r.representativeId as PartyId,
            kind: r.kind,
            effectiveAt: r.effectiveAt,
          }),
        ),
    });
  }
  return out;
}

/** "What was the latest address of this kind this party had given us at instant T?" (SPEC section 2). */
export async function findLatestContactPointAt(
  db: Executor,
  partyId: PartyId,
  kind: ContactKind,
  at: Date,
): Promise<ContactPoint | undefined> {
  const [row] = await db
    .select()
    .from(contactPoints)
    .where(
      and(
        eq(contactPoints.partyId, partyId),
        eq(contactPoints.kind, kind),
        lte(contactPoints.providedAt, at),
      ),
    )
    .orderBy(desc(contactPoints.providedAt), desc(contactPoints.seq))
    .limit(1);
  if (!row) return undefined;
  return {
    seq: row.seq,
    partyId: row.partyId as PartyId,
    kind: row.kind,
    value: row.value,
    source: row.source,
    providedAt: row.providedAt,
  };
}

export interface SearchCriteria {
  offices: OfficeCode[];
  number?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  status?: ApplicationStatus | undefined;
  limit: number;
  offset: number;
}

export interface SearchHit extends ApplicationRow {
  applicantName: string;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchApplications(
  db: Executor,
  c: SearchCriteria,
): Promise<{ hits: SearchHit[]; total: number }> {
  if (c.offices.length === 0) return { hits: [], total: 0 };
  const conditions = [inArray(applications.officeCode, c.offices)];
  if (c.number) conditions.push(ilike(applications.number, `${escapeLike(c.number)}%`));
  if (c.status) conditions.push(eq(applications.status, c.status));
  if (c.name) {
    conditions.push(
      sql`exists (select 1 from ${parties} p where p.application_id = ${applications.id} and p.name ilike ${`%${escapeLike(c.name)}%`})`,
    );
  }
  if (c.email) {
    // Any address ever given counts: an agent looking up an old address must still find the file.
    conditions.push(
      sql`exists (select 1 from ${parties} p join ${contactPoints} cp on cp.party_id = p.id
                  where p.application_id = ${applications.id} and cp.kind = 'email'
                  and lower(cp.value) = ${c.email.toLowerCase()})`,
    );
  }
  const where = and(...conditions);
  // Written out in full: inside a select list Drizzle renders a column without its table, and "id" alone
  // would bind to the subquery's own table.
  const applicantName = sql<string>`(select p.name from ${parties} p where p.application_id = "applications"."id" and p.role = 'applicant' limit 1)`;
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: applications.id,
        number: applications.number,
        lineOfBusiness: applications.lineOfBusiness,
        officeCode: applications.officeCode,
        status: applications.status,
        finalDecisionOn: applications.finalDecisionOn,
        receivedAt: applications.receivedAt,
        applicantName,
      })
      .from(applications)
      .where(where)
      .orderBy(asc(applications.number))
      .limit(c.limit)
      .offset(c.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(applications).where(where),
  ]);
  return { hits: rows as SearchHit[], total: count?.n ?? 0 };
}

export async function listOffices(db: Executor) {
  return db.select().from(offices).orderBy(asc(offices.code));
}

export type Office = typeof offices.$inferSelect;

export async function findOffice(db: Executor, code: string): Promise<Office | undefined> {
  const [row] = await db.select().from(offices).where(eq(offices.code, code)).limit(1);
  return row;
}

export type NewContactPoint = typeof contactPoints.$inferInsert;

/**
 * Records addresses a party gave and puts each on the ledger (B-2 "address provided"), so a proof can
 * show which address was the latest one provided when a letter left, and that it was recorded before.
 */
export async function recordContactPoints(
  tx: Executor,
  rows: readonly NewContactPoint[],
  actor: Actor,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const stored = await tx
    .insert(contactPoints)
    .values([...rows])
    .returning();
  await appendToLedger(
    tx,
    stored.map((c) => ({
      kind: "address-provided" as const,
      subject: { type: "party" as const, id: c.partyId },
      at: c.recordedAt,
      actor,
      details: {
        contactPoint: c.seq,
        kind: c.kind,
        value: c.value,
        source: c.source,
        providedAt: c.providedAt.toISOString(),
      },
    })),
  );
  return stored.map((c) => c.seq);
}
