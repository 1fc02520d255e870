import { asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/clock.ts";
import {
  applications,
  auditEvents,
  contactPoints,
  offices,
  parties,
  postings,
  representations,
  staff,
  staffRoles,
} from "../../src/db/schema/index.ts";
import { buildDemoData, type DemoData, demoShowcase, loadDemoData } from "../../src/demo/load.ts";
import { demoOffices, demoStaff } from "../../src/demo/staff.ts";
import { isValidEmail } from "../../src/files/forms.ts";
import type { ApplicationId, FileParties } from "../../src/files/model.ts";
import {
  contactHistory,
  type Routing,
  type RoutingReason,
  routeCorrespondence,
} from "../../src/files/rules.ts";
import { loadFileParties } from "../../src/files/store.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

const allReasons: readonly RoutingReason[] = [
  "representative-email",
  "representative-post",
  "applicant-email",
  "applicant-post",
  "no-address",
];
const decided = ["approved", "refused", "abandoned", "withdrawn"];

describe("demo data", () => {
  const clock = new FixedClock("2026-03-16T14:30:00Z");
  const now = clock.now();
  let database: TestDatabase;
  let first: { loaded: boolean; applications: number };
  /** Every demo file, with its parties and where correspondence goes at `now`. */
  const files = new Map<
    string,
    { app: typeof applications.$inferSelect; parties: FileParties; routing: Routing }
  >();

  beforeAll(async () => {
    database = await openTestDatabase();
    await database.migrate();
    first = await loadDemoData(database.db, clock);
    const apps = await database.db.select().from(applications).orderBy(asc(applications.number));
    for (const app of apps) {
      const fp = await loadFileParties(database.db, app.id as ApplicationId);
      if (!fp) throw new Error(`file ${app.number} has no applicant`);
      files.set(app.number, { app, parties: fp, routing: routeCorrespondence(fp, now) });
    }
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it("loads once and reports how many files it added", () => {
    expect(first).toEqual({ loaded: true, applications: 200 });
    expect(files.size).toBe(200);
  });

  it("has three offices, one of them a visa office outside Canada, each with a generic mailbox (C-7)", async () => {
    const rows = await database.db.select().from(offices).orderBy(asc(offices.code));
    expect(rows.map((o) => o.code)).toEqual(["MTL", "PAR", "VAN"]);
    expect(rows.filter((o) => o.country !== "CA").map((o) => o.code)).toEqual(["PAR"]);
    for (const o of rows) {
      expect(isValidEmail(o.genericMailbox)).toBe(true);
      expect(o.nameEn).not.toBe("");
      expect(o.nameFr).not.toBe("");
      expect(() => new Intl.DateTimeFormat("en", { timeZone: o.timeZone })).not.toThrow();
    }
  });

  it("posts staff in every role, under the subjects the development sign-in lists", async () => {
    const rows = await database.db
      .select({ subject: staff.subject, officeCode: postings.officeCode, role: postings.role })
      .from(postings)
      .innerJoin(staff, eq(staff.id, postings.staffId));
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(staffRoles));
    const has = (subject: string, officeCode: string, role: string) =>
      rows.some((r) => r.subject === subject && r.officeCode === officeCode && r.role === role);
    expect(has("agent.mtl", "MTL", "agent")).toBe(true);
    expect(has("agent.van", "VAN", "agent")).toBe(true);
    expect(has("agent.par", "PAR", "agent")).toBe(true);
    expect(has("decideur.mtl", "MTL", "decision-maker")).toBe(true);
    expect(has("admin.van", "VAN", "office-admin")).toBe(true);
    for (const code of ["MTL", "VAN", "PAR"]) expect(has("auditeur", code, "auditor")).toBe(true);
    expect(rows.some((r) => r.subject === "soutien" && r.role === "support-agent")).toBe(true);
    const [staffCount] = await database.db.select({ n: count() }).from(staff);
    expect(staffCount?.n).toBe(demoStaff.length);
  });

  it("spreads about 200 files over every office, line of business and status", () => {
    const apps = [...files.values()].map((f) => f.app);
    expect(apps.length).toBeGreaterThanOrEqual(180);
    expect(apps.length).toBeLessThanOrEqual(220);
    expect(new Set(apps.map((a) => a.officeCode))).toEqual(new Set(["MTL", "VAN", "PAR"]));
    expect(new Set(apps.map((a) => a.lineOfBusiness))).toEqual(
      new Set(["immigration", "citizenship", "refugee"]),
    );
    expect(new Set(apps.map((a) => a.status))).toEqual(
      new Set(["open", "approved", "refused", "abandoned", "withdrawn", "reopened"]),
    );
    for (const office of ["MTL", "VAN", "PAR"]) {
      expect(apps.filter((a) => a.officeCode === office).length).toBeGreaterThanOrEqual(30);
    }
  });

  it("numbers files as a letter of the line of business and nine digits, all different", () => {
    const letter = { immigration: "E", citizenship: "C", refugee: "R" } as const;
    for (const { app } of files.values()) {
      expect(app.number).toMatch(/^[A-Z]\d{9}$/);
      expect(app.number.charAt(0)).toBe(letter[app.lineOfBusiness]);
    }
    const digits = [...files.keys()].map((n) => n.slice(1));
    expect(new Set(digits).size).toBe(digits.length);
  });

  it("dates the final decision of decided files only, never after today", () => {
    const today = now.toISOString().slice(0, 10);
    for (const { app } of files.values()) {
      if (decided.includes(app.status)) {
        expect(app.finalDecisionOn, app.number).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(app.finalDecisionOn! <= today, app.number).toBe(true);
        expect(app.finalDecisionOn! >= app.receivedAt.toISOString().slice(0, 10), app.number).toBe(true);
      } else {
        expect(app.finalDecisionOn, app.number).toBeNull();
      }
    }
  });

  it("writes nothing in the future, and nothing before its file was received", async () => {
    const db = database.db;
    const instants = [
      ...(await db.select({ at: offices.createdAt }).from(offices)),
      ...(await db.select({ at: staff.createdAt }).from(staff)),
      ...(await db.select({ at: postings.createdAt }).from(postings)),
      ...(await db.select({ at: applications.receivedAt }).from(applications)),
      ...(await db.select({ at: parties.createdAt }).from(parties)),
      ...(await db.select({ at: contactPoints.providedAt }).from(contactPoints)),
      ...(await db.select({ at: contactPoints.recordedAt }).from(contactPoints)),
      ...(await db.select({ at: representations.effectiveAt }).from(representations)),
      ...(await db.select({ at: representations.recordedAt }).from(representations)),
    ];
    for (const { at } of instants) expect(at.getTime()).toBeLessThanOrEqual(now.getTime());
    for (const { app, parties: fp } of files.values()) {
      for (const p of fp.contactPoints)
        expect(p.providedAt.getTime()).toBeGreaterThanOrEqual(app.receivedAt.getTime());
      for (const r of fp.representations)
        expect(r.effectiveAt.getTime()).toBeGreaterThanOrEqual(app.receivedAt.getTime());
    }
  });

  it("gives only addresses on reserved example domains and postal addresses of 2 to 4 lines", async () => {
    const points = await database.db.select().from(contactPoints);
    for (const p of points) {
      if (p.kind === "email") {
        expect(isValidEmail(p.value), p.value).toBe(true);
        expect(p.value).toMatch(/@example\.(com|org|net)$/);
      } else {
        const lines = p.value.split("\n");
        expect(lines.length, p.value).toBeGreaterThanOrEqual(2);
        expect(lines.length, p.value).toBeLessThanOrEqual(4);
        for (const line of lines) expect(line.trim(), p.value).toBe(line);
      }
    }
  });

  it("records one audit event for the load, with counts only", async () => {
    const rows = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "demo.loaded"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorKind: "system",
      actorId: "demo",
      subjectType: "system",
      subjectId: "demo",
      details: { applications: 200 },
    });
    expect(rows[0]?.at.getTime()).toBe(now.getTime());
  });

  it("covers every routing reason of C-1..C-4 among its files", () => {
    const seen = new Set([...files.values()].map((f) => f.routing.reason));
    expect([...seen].sort()).toEqual([...allReasons].sort());
    // "A few" files with no address at all, not a showcase of one.
    const none = [...files.values()].filter((f) => f.routing.reason === "no-address");
    expect(none.length).toBeGreaterThanOrEqual(2);
  });

  it("makes the showcase the first files of Montréal, each routed as it says", () => {
    expect(demoShowcase.length).toBeGreaterThanOrEqual(10);
    expect(new Set(demoShowcase.map((s) => s.routing))).toEqual(new Set(allReasons));
    for (const entry of demoShowcase) {
      const file = files.get(entry.number);
      expect(file, entry.number).toBeDefined();
      expect(file!.app.officeCode).toBe("MTL");
      expect(file!.app.status).toBe("open");
      expect(file!.routing.reason, `${entry.number} (${entry.scenario})`).toBe(entry.routing);
    }
  });

  it.each(demoShowcase.map((s) => [s.number, s.scenario, s] as const))(
    "showcase %s shows %s",
    (number, scenario) => {
      const { app, parties: fp, routing } = files.get(number)!;
      const applicantPoints = fp.contactPoints.filter((p) => p.partyId === fp.applicant.id);
      const applicantEmails = applicantPoints.filter((p) => p.kind === "email");
      const declared = fp.representations.filter((r) => r.kind === "declared");
      const withdrawn = fp.representations.filter((r) => r.kind === "withdrawn");
      switch (scenario) {
        case "representative-with-email":
          // C-3: the applicant's own consent does not matter once counsel gave an email.
          expect(routing.channel).toBe("email");
          expect(routing.recipient.role).toBe("representative");
          expect(routing.channel !== "none" && routing.contactPoint.source).toBe("imm5476");
          expect(applicantEmails.some((p) => p.source === "application-form")).toBe(true);
          break;
        case "representative-without-email":
          expect(routing.channel).toBe("post");
          expect(routing.recipient.role).toBe("representative");
          expect(fp.contactPoints.some((p) => p.partyId === routing.recipient.id && p.kind === "email")).toBe(
            false,
          );
          break;
        case "applicant-form-email":
          expect(routing.channel !== "none" && routing.contactPoint.source).toBe("application-form");
          expect(fp.representatives).toHaveLength(0);
          break;
        case "applicant-wrote-by-email":
          expect(routing.channel !== "none" && routing.contactPoint.source).toBe("client-email");
          expect(applicantPoints.some((p) => p.kind === "postal" && p.source === "application-form")).toBe(
            true,
          );
          break;
        case "applicant-postal-only":
          expect(applicantEmails).toHaveLength(0);
          expect(routing.channel).toBe("post");
          break;
        case "applicant-phone-email":
          // Recorded, but not consent (C-2): the letter goes by post.
          expect(applicantEmails.map((p) => p.source)).toEqual(["phone"]);
          expect(routing.channel).toBe("post");
          break;
        case "applicant-email-superseded": {
          expect(applicantEmails.length).toBeGreaterThanOrEqual(2);
          expect(applicantEmails.length).toBeLessThanOrEqual(3);
          const history = contactHistory(fp.contactPoints, fp.applicant.id).filter((p) => p.kind === "email");
          const current = history.filter((p) => p.supersededAt === undefined);
          expect(current).toHaveLength(1);
          expect(routing.channel !== "none" && routing.address).toBe(current[0]!.value);
          // At receipt, the form's address was the one in effect.
          const atReceipt = routeCorrespondence(fp, app.receivedAt);
          expect(atReceipt.channel !== "none" && atReceipt.contactPoint.source).toBe("application-form");
          break;
        }
        case "representative-withdrawn":
          expect(declared).toHaveLength(1);
          expect(withdrawn).toHaveLength(1);
          expect(routing.recipient.role).toBe("applicant");
          expect(routeCorrespondence(fp, app.receivedAt).recipient.role).toBe("representative");
          break;
        case "representative-declared-later": {
          expect(declared).toHaveLength(1);
          expect(declared[0]!.effectiveAt.getTime()).toBeGreaterThan(app.receivedAt.getTime());
          expect(routeCorrespondence(fp, app.receivedAt).recipient.role).toBe("applicant");
          expect(routing.recipient.role).toBe("representative");
          expect(routing.representedSince?.getTime()).toBe(declared[0]!.effectiveAt.getTime());
          break;
        }
        case "representative-replaced":
          expect(fp.representatives).toHaveLength(2);
          expect(withdrawn).toHaveLength(1);
          expect(routing.recipient.role).toBe("representative");
          expect(routing.recipient.id).not.toBe(withdrawn[0]!.representativeId);
          break;
        case "no-address":
          expect(fp.contactPoints).toHaveLength(0);
          expect(routing.channel).toBe("none");
          break;
        default: {
          const unreachable: never = scenario;
          throw new Error(`no check for ${String(unreachable)}`);
        }
      }
    },
  );

  it("does nothing when loaded again, so it is safe at every start", async () => {
    const before = await tableCounts(database);
    const again = await loadDemoData(database.db, new FixedClock("2026-03-17T09:00:00Z"));
    expect(again).toEqual({ loaded: false, applications: 0 });
    expect(await tableCounts(database)).toEqual(before);
  });
});

describe("demo data at two simultaneous starts", () => {
  it("is loaded by one of them only: the other sees its rows and does nothing", async () => {
    const database = await openTestDatabase({ migrate: true });
    try {
      const clock = new FixedClock("2026-03-16T14:30:00Z");
      const results = await Promise.all([
        loadDemoData(database.db, clock, { applications: 30 }),
        loadDemoData(database.db, clock, { applications: 30 }),
      ]);
      expect(results.map((r) => r.loaded).sort()).toEqual([false, true]);
      const counts = await tableCounts(database);
      expect(counts.offices).toBe(3);
      expect(counts.applications).toBe(30);
      expect(counts.auditEvents).toBe(1);
    } finally {
      await database.dispose();
    }
  });
});

async function tableCounts(database: TestDatabase): Promise<Record<string, number>> {
  const db = database.db;
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]?.n ?? -1;
  return {
    offices: await n(db.select({ n: count() }).from(offices)),
    staff: await n(db.select({ n: count() }).from(staff)),
    postings: await n(db.select({ n: count() }).from(postings)),
    applications: await n(db.select({ n: count() }).from(applications)),
    parties: await n(db.select({ n: count() }).from(parties)),
    contactPoints: await n(db.select({ n: count() }).from(contactPoints)),
    representations: await n(db.select({ n: count() }).from(representations)),
    auditEvents: await n(db.select({ n: count() }).from(auditEvents)),
  };
}

/** The data without its random ids: what must be the same on every machine. */
function withoutIds(data: DemoData) {
  const partyIndex = new Map(data.parties.map((p, i) => [p.id, i]));
  return {
    offices: data.offices,
    staff: data.staff.map(({ id: _, ...rest }) => rest),
    applications: data.applications.map(({ id: _, ...rest }) => rest),
    parties: data.parties.map(({ id: _, applicationId: __, ...rest }) => rest),
    contactPoints: data.contactPoints.map(({ partyId, recordedBy: _, ...rest }) => ({
      ...rest,
      party: partyIndex.get(partyId as string),
    })),
    representations: data.representations.map(
      ({ applicationId: _, representativeId, recordedBy: __, ...rest }) => ({
        ...rest,
        representative: partyIndex.get(representativeId as string),
      }),
    ),
  };
}

describe("buildDemoData", () => {
  const now = new Date("2026-03-16T14:30:00Z");

  it("gives the same files for the same instant on every run (seeded, not random)", () => {
    expect(withoutIds(buildDemoData(now))).toEqual(withoutIds(buildDemoData(now)));
  });

  it("keeps the showcase and every office, status and line of business in a small demo", () => {
    const data = buildDemoData(now, 20);
    expect(data.applications).toHaveLength(20);
    expect(data.applications.slice(0, demoShowcase.length).map((a) => a.number)).toEqual(
      demoShowcase.map((s) => s.number),
    );
    expect(new Set(data.applications.map((a) => a.officeCode))).toEqual(
      new Set(demoOffices.map((o) => o.code)),
    );
    expect(new Set(data.applications.map((a) => a.status)).size).toBe(6);
  });

  it("keeps its first files the same when asked for more", () => {
    const small = buildDemoData(now, 50);
    const big = buildDemoData(now, 3000);
    expect(big.applications).toHaveLength(3000);
    expect(new Set(big.applications.map((a) => a.number)).size).toBe(3000);
    expect(withoutIds(big).applications.slice(0, 50)).toEqual(withoutIds(small).applications);
  });

  it("refuses a count that is not a whole number", () => {
    expect(() => buildDemoData(now, -1)).toThrow(RangeError);
    expect(() => buildDemoData(now, 1.5)).toThrow(RangeError);
  });
});
