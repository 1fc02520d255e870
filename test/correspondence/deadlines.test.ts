import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { OffsetClock, systemClock } from "../../src/clock.ts";
import { readConfig } from "../../src/config.ts";
import { recordExtension, recordResponse, writeDeadlineNotes } from "../../src/correspondence/deadlines.ts";
import { type DispatchDeps, dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { listLetters } from "../../src/correspondence/listing.ts";
import { createLetter, openLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { ensureCorrespondenceDefaults, notesOfApplication } from "../../src/correspondence/store.ts";
import { correspondence } from "../../src/db/schema/correspondence.ts";
import { demoShowcase, loadDemoData } from "../../src/demo/load.ts";
import { openFile, type StaffContext } from "../../src/files/service.ts";
import { createLogger } from "../../src/logger.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { decideRequest, recordRequest } from "../../src/reconsideration/service.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";
import { firstMontrealFile } from "../support/files.ts";

// C-14 and C-15 over a real database: letters sent through the dispatcher, then time moves on.

const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-deadlines-"));
const clock = new OffsetClock(systemClock);
const DAY = 86_400_000;
let database: TestDatabase;
let sink: DevSink;
let deps: DispatchDeps;
let agent: StaffContext;
const services = () => ({ db: database.db, clock });
const today = () => instantToWallTime(clock.now(), "America/Toronto").slice(0, 10);
const inDays = (n: number) =>
  new Date(Date.parse(`${today()}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

async function sendRequest(scenario: string, deadlineInDays = 31) {
  const number = demoShowcase.find((s) => s.scenario === scenario)!.number;
  const file = await openFile(services(), agent, number);
  const recipient = file.routing.channel === "none" ? "" : file.routing.address;
  const id = await createLetter(
    services(),
    agent,
    number,
    readComposeInput({
      letterType: "request-documents",
      deadline: inDays(deadlineInDays),
      documentsList: "- Passport",
      recipient,
    }),
    "send",
  );
  await dispatchDue(deps);
  expect((await openLetter(services(), agent, id)).state).toBe("sent");
  return { id, applicationId: file.application.id, deadline: inDays(deadlineInDays) };
}

beforeAll(async () => {
  database = await openTestDatabase({ migrate: true });
  await loadDemoData(database.db, clock);
  await ensureCorrespondenceDefaults(database.db, clock.now());
  sink = await startDevSink({ dataDir, clock });
  agent = { ...(await findStaffBySubject(database.db, "agent.mtl"))!, ip: "127.0.0.1" };
  deps = {
    ...outboundServices({ ...readConfig({}), dataDir }, sink),
    db: database.db,
    clock,
    logger: createLogger("silent"),
  };
});

afterAll(async () => {
  deps?.transport.close();
  await sink?.close();
  await database?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("deadlines after sending", () => {
  it("C-14: the day after the deadline with no response, the mandated note is written once, in FR and EN", async () => {
    const { id, applicationId, deadline } = await sendRequest("applicant-form-email");
    // Still in time on the deadline day itself.
    clock.advance(31 * DAY);
    expect(today()).toBe(deadline);
    expect(await writeDeadlineNotes(database.db, clock.now())).toBe(0);
    clock.advance(DAY);
    expect(await writeDeadlineNotes(database.db, clock.now())).toBe(1);
    expect(await writeDeadlineNotes(database.db, clock.now())).toBe(0);
    const note = (await notesOfApplication(database.db, applicationId)).find(
      (n) => n.correspondenceId === id && n.kind === "deadline-passed",
    )!;
    expect(note.textFr).toMatch(/courriel a été envoyé au demandeur/);
    expect(note.textFr).toMatch(/rejetée/);
    expect(note.textFr).toMatch(/omis de se conformer/);
    expect(note.textEn).toMatch(/did not comply/);
    const { events } = await openLetter(services(), agent, id);
    expect(events.at(-1)).toMatchObject({ kind: "deadline-passed", details: { outcome: "did-not-comply" } });
  });

  it("C-15: a response recorded in time stops the deadline: no note, ever", async () => {
    const { id } = await sendRequest("applicant-wrote-by-email");
    await recordResponse(services(), agent, id);
    clock.advance(60 * DAY);
    await writeDeadlineNotes(database.db, clock.now());
    const { events } = await openLetter(services(), agent, id);
    expect(events.map((e) => e.kind)).not.toContain("deadline-passed");
    await expect(recordResponse(services(), agent, id)).rejects.toMatchObject({
      code: "LETTER_NOT_IN_STATE",
    });
  });

  it("C-15: an extension moves the deadline later, never earlier; when it passes the note says more time was asked", async () => {
    const { id, deadline } = await sendRequest("representative-with-email");
    await expect(recordExtension(services(), agent, id, { newDeadline: deadline })).rejects.toMatchObject({
      code: "DEADLINE_TOO_SHORT",
    });
    await expect(recordExtension(services(), agent, id, { newDeadline: "2026-02-30" })).rejects.toMatchObject(
      {
        code: "INVALID_DATE",
      },
    );
    const later = inDays(45);
    await recordExtension(services(), agent, id, { newDeadline: later });
    clock.advance(32 * DAY);
    await writeDeadlineNotes(database.db, clock.now());
    expect((await openLetter(services(), agent, id)).events.map((e) => e.kind)).not.toContain(
      "deadline-passed",
    );
    clock.advance(14 * DAY);
    await writeDeadlineNotes(database.db, clock.now());
    const { events } = await openLetter(services(), agent, id);
    expect(events.at(-1)).toMatchObject({
      kind: "deadline-passed",
      details: { deadline: later, outcome: "asked-for-more-time" },
    });
  });

  it("an auditor cannot record a response", async () => {
    const { id } = await sendRequest("representative-declared-later");
    const auditor = { ...(await findStaffBySubject(database.db, "auditeur"))!, ip: undefined };
    await expect(recordResponse(services(), auditor, id)).rejects.toMatchObject({ code: "ROLE_NOT_ALLOWED" });
  });

  it("liaison letters list: every letter once, by file and by state, page by page", async () => {
    const all = [];
    for await (const l of listLetters(database.db, {}, 2)) all.push(l);
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map((l) => l.id)).size).toBe(all.length);
    expect(all.every((l) => l.state === "sent" && l.sentAt !== null && l.type === "request-documents")).toBe(
      true,
    );
    const number = all[0]!.file;
    const one = [];
    for await (const l of listLetters(database.db, { file: number, state: "sent" })) one.push(l);
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((l) => l.file === number)).toBe(true);
    const none = [];
    for await (const l of listLetters(database.db, { state: "cancelled" })) none.push(l);
    expect(none).toEqual([]);
    await expect(listLetters(database.db, { state: "lost" }).next()).rejects.toMatchObject({
      code: "INVALID_CHOICE",
    });
    await expect(listLetters(database.db, { file: "12" }).next()).rejects.toMatchObject({
      code: "MALFORMED_FILE_NUMBER",
    });
  });
});

describe("deadlines of a reopened file (C-23, C-14)", () => {
  it("C-23, C-14: the decision letter of a reopened file carries the new date; unanswered, the mandated note is written", async () => {
    const refused = await firstMontrealFile(database.db, "immigration", "refused");
    const file = await openFile(services(), agent, refused!.number);
    const applicant = file.parties.applicant;
    const requestId = await recordRequest(services(), agent, refused!.number, {
      requestedBy: applicant.id,
      reasons: "The request for documents never reached me.",
      receivedOn: today(),
    });
    const decideur = { ...(await findStaffBySubject(database.db, "decideur.mtl"))!, ip: "127.0.0.1" };
    await decideRequest(services(), decideur, requestId, {
      outcome: "granted",
      reasons: "The agency's email was never sent.",
      agencyError: "email-not-sent",
      newDeadline: inDays(20),
    });
    const [letter] = await database.db
      .select()
      .from(correspondence)
      .where(
        and(
          eq(correspondence.applicationId, refused!.id),
          eq(correspondence.letterType, "reconsideration-decision"),
        ),
      );
    expect(letter?.deadline).toBe(inDays(20));
    await dispatchDue(deps);
    expect((await openLetter(services(), agent, letter!.id)).state).toBe("sent");

    clock.advance(20 * DAY);
    expect(await writeDeadlineNotes(database.db, clock.now())).toBe(0);
    clock.advance(DAY);
    expect(await writeDeadlineNotes(database.db, clock.now())).toBe(1);
    const note = (await notesOfApplication(database.db, refused!.id)).find(
      (n) => n.correspondenceId === letter!.id && n.kind === "deadline-passed",
    )!;
    // The reopening gave a new chance to provide documents: the note says so, as for a request.
    expect(note.textFr).toMatch(/documents/);
    expect(note.textFr).toMatch(/rejetée/);
    expect(note.textEn).toMatch(/did not comply/);
  });
});
