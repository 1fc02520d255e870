import { sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";

/**
 * N open files at Montréal, written by the database itself: an applicant each, with a postal address
 * and an email from the application form (C-2) on one of `domains` domains. Numbers start at
 * E100000000, beside the demo's (which start with 0 and are random). For benchmarks and load tests.
 */
export async function createSyntheticFiles(
  db: Executor,
  count: number,
  opts: { domains: number },
): Promise<void> {
  const domains = opts.domains;
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into applications (id, number, line_of_business, office_code, status, final_decision_on, received_at)
      select gen_random_uuid(), 'E' || (100000000 + i), 'immigration', 'MTL', 'open', null, now() - interval '30 days'
      from generate_series(0, ${count - 1}::int) as i`);
    await tx.execute(sql`
      insert into parties (id, application_id, role, name, preferred_language, created_at)
      select gen_random_uuid(), a.id, 'applicant', 'Bench Applicant ' || substr(a.number, 2),
        (array['fr','en','bilingual'])[1 + (substr(a.number, 2)::int % 3)], a.received_at
      from applications a where a.number like 'E1%'`);
    await tx.execute(sql`
      insert into contact_points (party_id, kind, value, source, provided_at, recorded_at)
      select p.id, k.kind,
        case k.kind when 'email' then 'bench.applicant.' || substr(a.number, 2) || '@d' || (substr(a.number, 2)::int % ${domains}) || '.example'
          else substr(a.number, 2) || E' rue de l''Essai\nMontréal QC  H2X 1Y4\nCanada' end,
        'application-form', a.received_at, a.received_at
      from parties p join applications a on a.id = p.application_id
      cross join (values ('postal'), ('email')) as k(kind)
      where a.number like 'E1%'`);
  });
}
