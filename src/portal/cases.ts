import { sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { resultRows } from "../db/result-rows.ts";
import { AppError } from "../errors.ts";
import type { ApplicationId, OfficeCode } from "../files/model.ts";
import { accountOf, maySeeCase, type PortalViewer } from "./access.ts";
import type { CounselId } from "./model.ts";

// The one way into a case from the portal. Every counsel-facing page and use case finds its case here,
// so the rules of portal/access.ts are asked once per request and a case that is not the viewer's is a
// 404 whatever route asks (STYLE, "Rules are pure").

export interface PortalCase {
  applicationId: ApplicationId;
  number: string;
  lineOfBusiness: string;
  status: string;
  finalDecisionOn: string | null;
  officeCode: OfficeCode;
  officeNameEn: string;
  officeNameFr: string;
  officeTimeZone: string;
  /** The client: the file's applicant. */
  clientName: string;
  nextHearingAt: Date | null;
}

interface CaseRow {
  application_id: string;
  number: string;
  line_of_business: string;
  status: string;
  final_decision_on: string | Date | null;
  office_code: string;
  name_en: string;
  name_fr: string;
  time_zone: string;
  client_name: string;
  next_hearing_at: string | Date | null;
}

/**
 * The files on which this counsel is the representative declared at `now`: the latest IMM 5476 event of
 * the file (declared or withdrawn, by effective time, then order recorded) names one of the parties the
 * registry links to the counsel. A withdrawn representation, or a newer counsel, takes the case away.
 */
async function representedCases(
  db: Executor,
  counselId: CounselId,
  now: Date,
  only?: { number: string },
): Promise<PortalCase[]> {
  const result = await db.execute(sql`
    with mine as (
      select p.application_id from counsel_representatives cr
      join parties p on p.id = cr.party_id
      where cr.counsel_id = ${counselId}
    ), latest as (
      select distinct on (r.application_id) r.application_id, r.representative_id, r.kind
      from representations r
      where r.application_id in (select application_id from mine) and r.effective_at <= ${now}
      order by r.application_id, r.effective_at desc, r.seq desc
    )
    select a.id as application_id, a.number, a.line_of_business, a.status, a.final_decision_on,
      a.office_code, o.name_en, o.name_fr, o.time_zone,
      (select ap.name from parties ap where ap.application_id = a.id and ap.role = 'applicant'
        order by ap.created_at limit 1) as client_name,
      (select min(h.starts_at) from hearings h where h.application_id = a.id and h.starts_at > ${now})
        as next_hearing_at
    from latest
    join counsel_representatives cr on cr.party_id = latest.representative_id and cr.counsel_id = ${counselId}
    join applications a on a.id = latest.application_id
    join offices o on o.code = a.office_code
    where latest.kind = 'declared' ${only ? sql`and a.number = ${only.number}` : sql``}
    order by a.number`);
  return resultRows<CaseRow>(result).map((r) => ({
    applicationId: r.application_id as ApplicationId,
    number: r.number,
    lineOfBusiness: r.line_of_business,
    status: r.status,
    finalDecisionOn: isoDate(r.final_decision_on),
    officeCode: r.office_code as OfficeCode,
    officeNameEn: r.name_en,
    officeNameFr: r.name_fr,
    officeTimeZone: r.time_zone,
    clientName: r.client_name,
    nextHearingAt: r.next_hearing_at ? new Date(r.next_hearing_at) : null,
  }));
}

function isoDate(v: string | Date | null): string | null {
  if (v === null) return null;
  return typeof v === "string" ? v.slice(0, 10) : v.toISOString().slice(0, 10);
}

/** P-4: My cases — the viewer's account's active cases at `now`. */
export async function casesOf(db: Executor, viewer: PortalViewer, now: Date): Promise<PortalCase[]> {
  const counselId = accountOf(viewer);
  const cases = await representedCases(db, counselId, now);
  return cases.filter((c) => maySeeCase(viewer, { ...c, representedBy: [counselId] }, now));
}

/** One case of the viewer by its number; any other number (another counsel's, a decided one) is a 404. */
export async function caseOf(
  db: Executor,
  viewer: PortalViewer,
  number: string,
  now: Date,
): Promise<PortalCase> {
  if (!/^[A-Z]\d{9}$/.test(number)) throw new AppError("NOT_FOUND");
  const counselId = accountOf(viewer);
  const [found] = await representedCases(db, counselId, now, { number });
  if (!found || !maySeeCase(viewer, { ...found, representedBy: [counselId] }, now)) {
    throw new AppError("NOT_FOUND");
  }
  return found;
}

/**
 * P-6: the counsel currently representing a file, for staff sending a document to counsel from the
 * file: the registry's counsel linked to the representative declared at `now`, if any.
 */
export async function counselRepresenting(
  db: Executor,
  applicationId: string,
  now: Date,
): Promise<CounselId | undefined> {
  const result = await db.execute(sql`
    with latest as (
      select r.representative_id, r.kind from representations r
      where r.application_id = ${applicationId} and r.effective_at <= ${now}
      order by r.effective_at desc, r.seq desc limit 1
    )
    select cr.counsel_id from latest
    join counsel_representatives cr on cr.party_id = latest.representative_id
    where latest.kind = 'declared' limit 1`);
  const [row] = resultRows<{ counsel_id: string }>(result);
  return row ? (row.counsel_id as CounselId) : undefined;
}
