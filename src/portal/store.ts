import { and, asc, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { resultRows } from "../db/result-rows.ts";
import {
  accessCodes,
  counsel,
  counselContacts,
  counselStandings,
  portalAccountResets,
  portalAccounts,
  portalLocks,
  portalSignInFailures,
} from "../db/schema/portal.ts";
import type { CounselId, ProfessionalBody } from "./model.ts";
import type { Standing } from "./rules.ts";

// The registry's queries: counsel as they stand now (latest standing, latest contacts), their account,
// their lock and their access codes.

export interface CounselContacts {
  email: string;
  mobile: string;
  phone: string | null;
  postalAddress: string | null;
  recordedAt: Date;
}

export interface CounselSummary {
  id: CounselId;
  name: string;
  professionalBody: ProfessionalBody;
  memberNumber: string;
  preferredLanguage: "en" | "fr";
  standing: Standing | undefined;
  contacts: CounselContacts | undefined;
  /** The live binding to an external identity (P-2), until the help desk resets it (P-3). */
  accountId: string | null;
  registeredAt: Date | null;
  lock: { id: string; lockCode: string; lockedAt: Date; reason: string } | undefined;
}

interface SummaryRow {
  id: string;
  name: string;
  professional_body: ProfessionalBody;
  member_number: string;
  preferred_language: "en" | "fr";
  standing: Standing | null;
  email: string | null;
  mobile: string | null;
  phone: string | null;
  postal_address: string | null;
  contacts_at: string | Date | null;
  account_id: string | null;
  registered_at: string | Date | null;
  lock_id: string | null;
  lock_code: string | null;
  locked_at: string | Date | null;
  lock_reason: string | null;
}

const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

async function summaries(db: Executor, where: ReturnType<typeof sql>): Promise<CounselSummary[]> {
  const result = await db.execute(sql`
    select c.id, c.name, c.professional_body, c.member_number, c.preferred_language,
      s.standing, k.email, k.mobile, k.phone, k.postal_address, k.recorded_at as contacts_at,
      pa.id as account_id, pa.registered_at, l.id as lock_id, l.lock_code, l.locked_at, l.reason as lock_reason
    from counsel c
    left join lateral (select standing from counsel_standings where counsel_id = c.id
      order by seq desc limit 1) s on true
    left join lateral (select * from counsel_contacts where counsel_id = c.id
      order by seq desc limit 1) k on true
    left join lateral (select a.id, a.registered_at from portal_accounts a where a.counsel_id = c.id
      and not exists (select 1 from portal_account_resets r where r.account_id = a.id)
      order by a.registered_at desc limit 1) pa on true
    left join lateral (select * from portal_locks where counsel_id = c.id and unlocked_at is null
      order by locked_at desc limit 1) l on true
    where ${where}
    order by c.name, c.id`);
  return resultRows<SummaryRow>(result).map((r) => ({
    id: r.id as CounselId,
    name: r.name,
    professionalBody: r.professional_body,
    memberNumber: r.member_number,
    preferredLanguage: r.preferred_language,
    standing: r.standing ?? undefined,
    contacts:
      r.email !== null && r.mobile !== null
        ? {
            email: r.email,
            mobile: r.mobile,
            phone: r.phone,
            postalAddress: r.postal_address,
            recordedAt: new Date(r.contacts_at as string),
          }
        : undefined,
    accountId: r.account_id,
    registeredAt: date(r.registered_at),
    lock:
      r.lock_id && r.lock_code && r.locked_at
        ? {
            id: r.lock_id,
            lockCode: r.lock_code,
            lockedAt: new Date(r.locked_at),
            reason: r.lock_reason ?? "",
          }
        : undefined,
  }));
}

export async function listCounsel(db: Executor, query = ""): Promise<CounselSummary[]> {
  const q = query.trim();
  return summaries(
    db,
    q ? sql`(c.name ilike ${`%${q.replace(/[%_\\]/g, "\\$&")}%`} or c.member_number = ${q})` : sql`true`,
  );
}

export async function findCounsel(db: Executor, id: string): Promise<CounselSummary | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return (await summaries(db, sql`c.id = ${id}`))[0];
}

export async function findCounselByMember(
  db: Executor,
  body: ProfessionalBody,
  memberNumber: string,
): Promise<CounselSummary | undefined> {
  return (await summaries(db, sql`c.professional_body = ${body} and c.member_number = ${memberNumber}`))[0];
}

/** The counsel this identity is bound to now; a binding the help desk reset binds no more. */
export async function findAccountBySubject(db: Executor, subject: string): Promise<CounselId | undefined> {
  const [row] = await db
    .select({ counselId: portalAccounts.counselId })
    .from(portalAccounts)
    .leftJoin(portalAccountResets, eq(portalAccountResets.accountId, portalAccounts.id))
    .where(and(eq(portalAccounts.subject, subject), isNull(portalAccountResets.accountId)))
    .limit(1);
  return row?.counselId as CounselId | undefined;
}

/** P-2, P-3: every identity counsel registered, newest first, and when the help desk released it. */
export async function accountHistory(db: Executor, counselId: CounselId) {
  return db
    .select({
      id: portalAccounts.id,
      registeredAt: portalAccounts.registeredAt,
      resetAt: portalAccountResets.resetAt,
      resetBy: portalAccountResets.resetBy,
    })
    .from(portalAccounts)
    .leftJoin(portalAccountResets, eq(portalAccountResets.accountId, portalAccounts.id))
    .where(eq(portalAccounts.counselId, counselId))
    .orderBy(desc(portalAccounts.registeredAt));
}

export async function latestAccessCode(db: Executor, counselId: CounselId) {
  const [row] = await db
    .select()
    .from(accessCodes)
    .where(and(eq(accessCodes.counselId, counselId), isNull(accessCodes.replacedAt)))
    .orderBy(desc(accessCodes.issuedAt))
    .limit(1);
  return row;
}

export async function accessCodesOf(db: Executor, counselId: CounselId) {
  return db
    .select()
    .from(accessCodes)
    .where(eq(accessCodes.counselId, counselId))
    .orderBy(desc(accessCodes.issuedAt))
    .limit(20);
}

export async function locksOf(db: Executor, counselId: CounselId) {
  return db
    .select()
    .from(portalLocks)
    .where(eq(portalLocks.counselId, counselId))
    .orderBy(desc(portalLocks.lockedAt))
    .limit(20);
}

export async function recentSignInFailures(db: Executor, counselId: CounselId, since: Date): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(portalSignInFailures)
    .where(and(eq(portalSignInFailures.counselId, counselId), gt(portalSignInFailures.at, since)));
  return rows[0]?.n ?? 0;
}

export async function standingHistory(db: Executor, counselId: CounselId) {
  return db
    .select()
    .from(counselStandings)
    .where(eq(counselStandings.counselId, counselId))
    .orderBy(asc(counselStandings.seq));
}

export async function contactHistory(db: Executor, counselId: CounselId) {
  return db
    .select()
    .from(counselContacts)
    .where(eq(counselContacts.counselId, counselId))
    .orderBy(desc(counselContacts.seq));
}

/** The files the registry links to this counsel, with whether the representation is current. */
export async function linkedFiles(db: Executor, counselId: CounselId, now: Date) {
  const result = await db.execute(sql`
    select a.number, a.office_code, a.status, p.id as party_id,
      (select r.kind from representations r where r.application_id = a.id and r.effective_at <= ${now}
        order by r.effective_at desc, r.seq desc limit 1) as latest_kind,
      (select r.representative_id from representations r where r.application_id = a.id
        and r.effective_at <= ${now} order by r.effective_at desc, r.seq desc limit 1) as latest_rep
    from counsel_representatives cr
    join parties p on p.id = cr.party_id
    join applications a on a.id = p.application_id
    where cr.counsel_id = ${counselId}
    order by a.number`);
  return resultRows<{
    number: string;
    office_code: string;
    status: string;
    party_id: string;
    latest_kind: string | null;
    latest_rep: string | null;
  }>(result).map((r) => ({
    number: r.number,
    officeCode: r.office_code,
    status: r.status,
    current: r.latest_kind === "declared" && r.latest_rep === r.party_id,
  }));
}

export { counsel };
