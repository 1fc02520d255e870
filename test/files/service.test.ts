import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/clock.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { applications, contactPoints, parties } from "../../src/db/schema/files.ts";
import { offices } from "../../src/db/schema/offices.ts";
import { AppError } from "../../src/errors.ts";
import type { ApplicationId, OfficeCode, PartyId, StaffId } from "../../src/files/model.ts";
import {
  findFiles,
  openFile,
  recordContactPoint,
  recordRepresentative,
  type StaffContext,
  withdrawRepresentative,
} from "../../src/files/service.ts";
import { findLatestContactPointAt, loadFileParties } from "../../src/files/store.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

// The files use cases against a real database (PGlite here, PostgreSQL when DATABASE_URL is set).

const clock = new FixedClock("2026-06-15T16:00:00Z");
let database: TestDatabase;
const agentMtl: StaffContext = {
  staffId: randomUUID() as StaffId,
  postings: [{ officeCode: "MTL" as OfficeCode, role: "agent" }],
  ip: "127.0.0.1",
};
const auditorMtl: StaffContext = {
  staffId: randomUUID() as StaffId,
  postings: [{ officeCode: "MTL" as OfficeCode, role: "auditor" }],
  ip: "127.0.0.1",
};
const agentVan: StaffContext = {
  staffId: randomUUID() as StaffId,
  postings: [{ officeCode: "VAN" as OfficeCode, role: "agent" }],
  ip: "127.0.0.1",
};
let applicantId: PartyId;
let applicationId: ApplicationId;
const number = "E123456789";

async function countRows(table: typeof contactPoints | typeof auditEvents) {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row!.n;
}

beforeAll(async () => {
  database = await openTestDatabase({ migrate: true });
  const db = database.db;
  const createdAt = new Date("2026-01-01T00:00:00Z");
  await db.insert(offices).values([
    {
      code: "MTL",
      nameEn: "Montréal",
      nameFr: "Montréal",
      country: "CA",
      timeZone: "America/Toronto",
      genericMailbox: "mtl@ircc.example",
      createdAt,
    },
    {
      code: "VAN",
      nameEn: "Vancouver",
      nameFr: "Vancouver",
      country: "CA",
      timeZone: "America/Vancouver",
      genericMailbox: "van@ircc.example",
      createdAt,
    },
  ]);
  const { staff, postings } = await import("../../src/db/schema/offices.ts");
  for (const [s, role, office] of [
    [agentMtl, "agent", "MTL"],
    [auditorMtl, "auditor", "MTL"],
    [agentVan, "agent", "VAN"],
  ] as const) {
    await db.insert(staff).values({ id: s.staffId, subject: s.staffId, name: "Staff", createdAt });
    await db.insert(postings).values({ staffId: s.staffId, officeCode: office, role, createdAt });
  }
  applicationId = randomUUID() as ApplicationId;
  applicantId = randomUUID() as PartyId;
  await db.insert(applications).values({
    id: applicationId,
    number,
    lineOfBusiness: "immigration",
    officeCode: "MTL",
    status: "open",
    receivedAt: createdAt,
  });
  await db.insert(parties).values({
    id: applicantId,
    applicationId,
    role: "applicant",
    name: "Nadia Roy",
    preferredLanguage: "fr",
    createdAt,
  });
  await db.insert(contactPoints).values({
    partyId: applicantId,
    kind: "postal",
    value: "1 rue Principale\nMontréal QC H1A 1A1",
    source: "application-form",
    providedAt: createdAt,
    recordedAt: createdAt,
  });
});

afterAll(async () => {
  await database?.dispose();
});

describe("files service", () => {
  it("C-1/C-4: a file with only a postal address routes by post to the applicant", async () => {
    const view = await openFile({ db: database.db, clock }, agentMtl, number);
    expect(view.routing.channel).toBe("post");
    expect(view.routing.reason).toBe("applicant-post");
  });

  it("C-2: recording an email the client wrote from makes it consent; routing switches to email, history keeps both", async () => {
    // 10:30 in Montréal on June 15 is 14:30 UTC.
    await recordContactPoint({ db: database.db, clock }, agentMtl, number, {
      partyId: applicantId,
      kind: "email",
      value: "Nadia.Roy@Example.com",
      source: "client-email",
      providedAt: "2026-06-15T10:30",
    });
    const view = await openFile({ db: database.db, clock }, agentMtl, number);
    expect(view.routing).toMatchObject({
      channel: "email",
      reason: "applicant-email",
      address: "Nadia.Roy@Example.com",
    });
    const latest = await findLatestContactPointAt(
      database.db,
      applicantId,
      "email",
      new Date("2026-06-15T14:30:00Z"),
    );
    expect(latest?.value).toBe("Nadia.Roy@Example.com");
    expect(
      await findLatestContactPointAt(database.db, applicantId, "email", new Date("2026-06-15T14:29:59.999Z")),
    ).toBeUndefined();
  });

  it("answers the latest address at an instant from the database, with same-instant entries ordered by recording", async () => {
    const db = database.db;
    const at = new Date("2026-06-10T12:00:00Z");
    const other = randomUUID() as PartyId;
    const otherFile = randomUUID();
    await db.insert(applications).values({
      id: otherFile,
      number: "E000000777",
      lineOfBusiness: "immigration",
      officeCode: "VAN",
      status: "open",
      receivedAt: at,
    });
    await db.insert(parties).values({
      id: other,
      applicationId: otherFile,
      role: "applicant",
      name: "Twin",
      preferredLanguage: "en",
      createdAt: at,
    });
    for (const value of ["first@example.com", "second@example.com"]) {
      await db.insert(contactPoints).values({
        partyId: other,
        kind: "email",
        value,
        source: "application-form",
        providedAt: at,
        recordedAt: at,
      });
    }
    expect((await findLatestContactPointAt(db, other, "email", at))?.value).toBe("second@example.com");
    expect(await findLatestContactPointAt(db, other, "email", new Date(at.getTime() - 1))).toBeUndefined();
  });

  it("C-3: an IMM 5476 with the representative's email takes all correspondence; its withdrawal gives it back", async () => {
    const deps = { db: database.db, clock };
    await recordRepresentative(deps, agentMtl, number, {
      name: "Me Jeanne Lavoie",
      email: "jlavoie@cabinet.example",
      postal: "100 rue Peel\nMontréal QC H3C 0A1",
      preferredLanguage: "fr",
      receivedAt: "2026-06-15T11:00",
    });
    let view = await openFile(deps, agentMtl, number);
    expect(view.routing).toMatchObject({
      channel: "email",
      reason: "representative-email",
      address: "jlavoie@cabinet.example",
    });
    expect(view.routing.representedSince?.toISOString()).toBe("2026-06-15T15:00:00.000Z");
    await withdrawRepresentative(deps, agentMtl, number, { receivedAt: "2026-06-15T11:30" });
    view = await openFile(deps, agentMtl, number);
    expect(view.routing.reason).toBe("applicant-email");
    const fileParties = await loadFileParties(database.db, applicationId);
    expect(fileParties?.representations.map((r) => r.kind)).toEqual(["declared", "withdrawn"]);
  });

  it("withdrawing when no representative is declared is refused", async () => {
    await expect(
      withdrawRepresentative({ db: database.db, clock }, agentMtl, number, {
        receivedAt: "2026-06-15T11:45",
      }),
    ).rejects.toMatchObject({ code: "NO_REPRESENTATIVE" });
  });

  it("bad input is refused field by field, in one go, and records nothing", async () => {
    const before = await countRows(contactPoints);
    const auditBefore = await countRows(auditEvents);
    const error = await recordContactPoint({ db: database.db, clock }, agentMtl, number, {
      partyId: randomUUID(),
      kind: "email",
      value: "not an email",
      source: "carrier-pigeon",
      providedAt: "2026-06-16T09:00",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).problems).toEqual([
      { field: "partyId", code: "PARTY_NOT_ON_FILE" },
      { field: "value", code: "INVALID_EMAIL" },
      { field: "source", code: "INVALID_CHOICE" },
      { field: "providedAt", code: "PROVIDED_IN_FUTURE" },
    ]);
    expect(await countRows(contactPoints)).toBe(before);
    expect(await countRows(auditEvents)).toBe(auditBefore);
  });

  it("another office's file is not found, exactly like a file that does not exist", async () => {
    const deps = { db: database.db, clock };
    const other = await openFile(deps, agentVan, number).catch((e: AppError) => e);
    const missing = await openFile(deps, agentVan, "E999999999").catch((e: AppError) => e);
    expect(other).toMatchObject({ code: "NOT_FOUND", status: 404 });
    expect(missing).toMatchObject({ code: "NOT_FOUND", status: 404 });
    await expect(
      recordContactPoint(deps, agentVan, number, {
        partyId: applicantId,
        kind: "email",
        value: "x@example.com",
        source: "client-email",
        providedAt: "2026-06-15T10:00",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const found = await findFiles(deps, agentVan, { number: "E1" });
    expect(found.total).toBe(0);
  });

  it("an auditor reads the file but may not record on it", async () => {
    const deps = { db: database.db, clock };
    const view = await openFile(deps, auditorMtl, number);
    expect(view.canRecord).toBe(false);
    await expect(
      recordContactPoint(deps, auditorMtl, number, {
        partyId: applicantId,
        kind: "email",
        value: "x@example.com",
        source: "client-email",
        providedAt: "2026-06-15T10:00",
      }),
    ).rejects.toMatchObject({ code: "ROLE_NOT_ALLOWED" });
  });

  it("search refuses a malformed file number and an unknown office, and finds by old email address", async () => {
    const deps = { db: database.db, clock };
    await expect(findFiles(deps, agentMtl, { number: "12345" })).rejects.toMatchObject({
      code: "MALFORMED_FILE_NUMBER",
    });
    await expect(findFiles(deps, agentMtl, { office: "XYZ" })).rejects.toMatchObject({
      code: "UNKNOWN_OFFICE",
    });
    const byEmail = await findFiles(deps, agentMtl, { email: "nadia.roy@example.com" });
    expect(byEmail.hits.map((h) => h.number)).toEqual([number]);
    const byName = await findFiles(deps, agentMtl, { name: "nadia" });
    expect(byName.hits[0]?.applicantName).toBe("Nadia Roy");
    // LIKE wildcards typed by a person are searched for literally.
    expect((await findFiles(deps, agentMtl, { name: "%" })).total).toBe(0);
  });

  it("every change left an audit event naming who, what and from where, without personal information", async () => {
    const rows = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, applicationId));
    expect(rows.map((r) => r.action).sort()).toEqual(
      ["contact-point.recorded", "representative.declared", "representative.withdrawn"].sort(),
    );
    for (const r of rows) {
      expect(r).toMatchObject({
        actorKind: "staff",
        actorId: agentMtl.staffId,
        ip: "127.0.0.1",
        officeCode: "MTL",
      });
      expect(JSON.stringify(r.details)).not.toMatch(/nadia|lavoie|@/i);
    }
  });

  it("principle 3: the database refuses to rewrite or delete contact history and audit events", async () => {
    await expect(database.db.update(contactPoints).set({ value: "changed@example.com" })).rejects.toThrow();
    await expect(database.db.delete(contactPoints)).rejects.toThrow();
    await expect(database.db.delete(auditEvents)).rejects.toThrow();
    const [row] = await database.db
      .select()
      .from(contactPoints)
      .where(eq(contactPoints.value, "Nadia.Roy@Example.com"));
    expect(row).toBeDefined();
  });
});
