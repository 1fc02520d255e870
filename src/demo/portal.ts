import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { resultRows } from "../db/result-rows.ts";
import { counsel, counselContacts, counselStandings, hearings, portalAccounts } from "../db/schema/portal.ts";
import type { ProfessionalBody } from "../portal/model.ts";
import { counselWithEmail } from "./load.ts";

// My Case's demo: the demo files' counsel in the registry, linked to the files they represent; two of
// them already registered (one French-speaking, one English-speaking) so a developer can sign in at once,
// the others waiting for an access code; hearings on some open refugee files.

/** The development sign-in partner's ready-made identities (web/routes/dev/portal-oidc.tsx). */
export const demoPortalIdentities: readonly { subject: string; counsel: string; registered: boolean }[] = [
  { subject: "gckey.sophie.gagnon", counsel: "Sophie Gagnon", registered: true },
  { subject: "gckey.rachel.goldberg", counsel: "Rachel Goldberg", registered: true },
  { subject: "gckey.david.chen", counsel: "David Chen", registered: false },
  { subject: "gckey.newcomer", counsel: "", registered: false },
];

const bodies: readonly ProfessionalBody[] = [
  "law-society",
  "cicc",
  "law-society",
  "quebec-notary",
  "law-society",
  "cicc",
  "ontario-paralegal",
  "law-society",
];
const mobiles = [
  "+15145550101",
  "+15145550102",
  "+14185550103",
  "+15145550104",
  "+16045550105",
  "+16045550106",
  "+14165550107",
  "+16135550108",
];

export async function loadPortalDemo(tx: Executor, now: Date): Promise<void> {
  const ids = new Map<string, string>();
  for (const c of counselWithEmail) ids.set(c.name, randomUUID());
  await tx.insert(counsel).values(
    counselWithEmail.map((c, i) => ({
      id: ids.get(c.name) as string,
      name: c.name,
      professionalBody: bodies[i % bodies.length] as ProfessionalBody,
      memberNumber: `M${String(10_421 + i * 377)}`,
      preferredLanguage: c.preferredLanguage === "fr" ? ("fr" as const) : ("en" as const),
      createdAt: now,
    })),
  );
  await tx.insert(counselStandings).values(
    counselWithEmail.map((c, i) => ({
      counselId: ids.get(c.name) as string,
      // One member is suspended, to show P-1's refusal.
      standing: i === 5 ? ("suspended" as const) : ("good" as const),
      recordedAt: now,
    })),
  );
  await tx.insert(counselContacts).values(
    counselWithEmail.map((c, i) => ({
      counselId: ids.get(c.name) as string,
      email: c.email as string,
      mobile: mobiles[i % mobiles.length] as string,
      postalAddress: c.postal,
      source: "registry" as const,
      recordedAt: now,
    })),
  );
  // Every representative party on a demo file bearing a registry name is that counsel.
  for (const [name, id] of ids) {
    await tx.execute(sql`
      insert into counsel_representatives (counsel_id, party_id, linked_at)
      select ${id}, p.id, ${now} from parties p where p.role = 'representative' and p.name = ${name}`);
  }
  const registered = demoPortalIdentities.filter((d) => d.registered);
  await tx.insert(portalAccounts).values(
    registered.map((d) => ({
      counselId: ids.get(d.counsel) as string,
      subject: d.subject,
      registeredAt: now,
    })),
  );
  // A hearing in the coming weeks on some open refugee files with a representative, at 9:30 or 13:30.
  const files = resultRows<{ id: string; rn: number }>(
    await tx.execute(sql`
      select a.id, row_number() over (order by a.number)::int as rn from applications a
      where a.line_of_business = 'refugee' and a.status in ('open', 'reopened')
        and exists (select 1 from representations r where r.application_id = a.id)`),
  );
  const day = 86_400_000;
  const values = files
    .filter((f) => f.rn % 2 === 1)
    .map((f) => {
      const at = new Date(Math.floor(now.getTime() / day) * day + (7 + (f.rn % 40)) * day);
      at.setUTCHours(f.rn % 4 === 1 ? 14 : 18, 30, 0, 0);
      return { id: randomUUID(), applicationId: f.id, startsAt: at, recordedAt: now };
    });
  if (values.length > 0) await tx.insert(hearings).values(values);
}
