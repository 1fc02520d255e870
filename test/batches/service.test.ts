import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { setRateLimit } from "../../src/batches/rate-limits.ts";
import {
  createBatch,
  generateBatchChunk,
  generatePendingBatches,
  openBatch,
  previewBatch,
  stopBatch,
} from "../../src/batches/service.ts";
import { accountPage } from "../../src/batches/store.ts";
import { dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { letterEvents, stateOf } from "../../src/correspondence/store.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { batchMembers, batchResults, batchStops } from "../../src/db/schema/batches.ts";
import { correspondence, outbox } from "../../src/db/schema/correspondence.ts";
import { ledgerEntries } from "../../src/db/schema/evidence.ts";
import { AppError } from "../../src/errors.ts";
import { setNotReceivingFlag } from "../../src/files/flags.ts";
import type { StaffContext } from "../../src/files/service.ts";
import { recordContactPoint } from "../../src/files/service.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";

let desk: LetterDesk;
beforeAll(async () => {
  desk = await openLetterDesk();
});
afterAll(async () => {
  await desk?.dispose();
});

const generalForm = (extra: Record<string, string> = {}) => ({
  office: "MTL",
  letterType: "general",
  agentNote: "Our office moves on 1 March; our mailbox stays the same.",
  ...extra,
});

async function refusalOf(fn: () => Promise<unknown>): Promise<AppError> {
  const e = await fn().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe("creating a batch (C-19)", () => {
  it("C-19: the preview counts the matching files, shows a sample and the letter to the first", async () => {
    const preview = await previewBatch(desk.services(), desk.agent, generalForm({ status: "open" }));
    const [{ n } = { n: 0 }] = await desk.database.db
      .execute<{ n: number }>(
        sql`select count(*)::int as n from applications where office_code = 'MTL' and status = 'open'`,
      )
      .then((r) => (r as unknown as { rows: { n: number }[] }).rows);
    expect(preview.count).toBe(n);
    expect(preview.count).toBeGreaterThan(10);
    expect(preview.sample).toHaveLength(10);
    expect(preview.sample.every((s) => s.status === "open")).toBe(true);
    expect(preview.example?.body).toContain("Our office moves on 1 March");
  });

  it("C-19: each criterion narrows the choice (line of business, represented, received dates)", async () => {
    const all = await previewBatch(desk.services(), desk.agent, generalForm());
    const represented = await previewBatch(desk.services(), desk.agent, generalForm({ represented: "yes" }));
    const unrepresented = await previewBatch(desk.services(), desk.agent, generalForm({ represented: "no" }));
    expect(represented.count + unrepresented.count).toBe(all.count);
    expect(represented.count).toBeGreaterThan(0);
    const citizenship = await previewBatch(
      desk.services(),
      desk.agent,
      generalForm({ lineOfBusiness: "citizenship" }),
    );
    expect(citizenship.count).toBeLessThan(all.count);
    expect(citizenship.sample.every((s) => s.lineOfBusiness === "citizenship")).toBe(true);
    const future = await refusalOf(() =>
      previewBatch(desk.services(), desk.agent, generalForm({ receivedFrom: desk.inDays(1) })),
    );
    expect(future.code).toBe("BATCH_NO_FILES");
  });

  it("C-19: refuses a decision letter, a value the template needs, a short deadline, a reader and another office", async () => {
    expect(
      (
        await refusalOf(() =>
          previewBatch(desk.services(), desk.agent, generalForm({ letterType: "refusal" })),
        )
      ).code,
    ).toBe("LETTER_TYPE_NOT_FOR_BATCH");
    const missing = await refusalOf(() =>
      previewBatch(desk.services(), desk.agent, {
        office: "MTL",
        letterType: "request-documents",
        deadlineRule: "days",
        deadlineDays: "30",
      }),
    );
    expect(missing.problems.map((p) => p.field)).toContain("documentsList");
    const short = await refusalOf(() =>
      previewBatch(desk.services(), desk.agent, {
        office: "MTL",
        letterType: "request-documents",
        documentsList: "Police certificate",
        deadlineRule: "days",
        deadlineDays: "5",
      }),
    );
    expect(short.problems).toContainEqual({ field: "deadline", code: "DEADLINE_TOO_SHORT" });
    const auditor = await findStaffBySubject(desk.database.db, "auditeur");
    const reading = await refusalOf(() =>
      previewBatch(desk.services(), { ...auditor!, ip: undefined }, generalForm()),
    );
    expect(reading.code).toBe("ROLE_NOT_ALLOWED");
    const foreign = await refusalOf(() =>
      previewBatch(desk.services(), desk.agent, generalForm({ office: "VAN" })),
    );
    expect(foreign.problems).toContainEqual({ field: "office", code: "INVALID_CHOICE" });
    const badDate = await refusalOf(() =>
      previewBatch(desk.services(), desk.agent, generalForm({ receivedFrom: "2026-02-30" })),
    );
    expect(badDate.problems).toContainEqual({ field: "receivedFrom", code: "INVALID_DATE" });
  });
});

describe("writing and sending a batch (C-19, C-20)", () => {
  let batchId: string;
  let members: number;

  it("C-19: one full letter per file, each checked by the same rules; a file that fails is listed with its reason", async () => {
    batchId = await createBatch(desk.services(), desk.agent, generalForm({ lineOfBusiness: "immigration" }));
    const before = await openBatch(desk.services(), desk.agent, batchId);
    members = before.batch.members;
    expect(before.counts.waiting).toBe(members);
    expect(before.finished).toBe(false);

    // A chunk at a time, as the worker does; a second worker finding nothing left writes nothing.
    expect(await generateBatchChunk(desk.services(), batchId, 7)).toBe(Math.min(7, members));
    await generatePendingBatches(desk.services(), { chunk: 25 });
    expect(await generateBatchChunk(desk.services(), batchId, 7)).toBe(0);

    const db = desk.database.db;
    const results = await db.select().from(batchResults).where(eq(batchResults.batchId, batchId));
    expect(results).toHaveLength(members);
    const failed = results.filter((r) => r.problem);
    // The demo has files with no address at all: listed, with NO_ADDRESS, never silently skipped.
    const noAddress = await db.execute(sql`
      select count(*)::int as n from batch_members m where m.batch_id = ${batchId}
      and not exists (select 1 from parties p join contact_points c on c.party_id = p.id where p.application_id = m.application_id)`);
    const expectedFailed = (noAddress as unknown as { rows: { n: number }[] }).rows[0]!.n;
    expect(expectedFailed).toBeGreaterThan(0);
    expect(failed.map((r) => r.problem)).toEqual(Array(expectedFailed).fill("NO_ADDRESS"));

    const letters = await db.select().from(correspondence).where(eq(correspondence.batchId, batchId));
    expect(letters).toHaveLength(members - expectedFailed);
    // Each is a full record: generated, on the ledger with its content hash, its email queued behind single letters.
    const one = letters.find((l) => l.channel === "email")!;
    const events = await letterEvents(db, one.id);
    expect(events.map((e) => e.kind)).toEqual(["draft", "generated"]);
    expect(events[1]!.details.letterSha256).toMatch(/^[0-9a-f]{64}$/);
    const onLedger = await db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.subjectId, one.id), eq(ledgerEntries.subjectType, "correspondence")));
    expect(onLedger).toHaveLength(1);
    const [queued] = await db.select().from(outbox).where(eq(outbox.correspondenceId, one.id));
    expect(queued?.priority).toBe(1);
    const audits = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, one.id), eq(auditEvents.action, "letter.generated")));
    expect(audits).toHaveLength(1);
    // Post letters go to the postal queue; the account says so.
    const after = await openBatch(desk.services(), desk.agent, batchId);
    expect(after.counts.waiting).toBe(0);
    expect(after.counts.failed).toBe(expectedFailed);
    expect(after.counts["to-post"]).toBe(letters.filter((l) => l.channel === "post").length);
    expect(after.counts.pending).toBe(letters.filter((l) => l.channel === "email").length);
  });

  it("C-20: a letter an agent sends goes before the batch's; the office's rate holds the batch back", async () => {
    const db = desk.database.db;
    // Six a minute: a bucket of one token, refilled every ten seconds.
    await setRateLimit(db, { scope: "office", key: "MTL", perMinute: 6 }, desk.clock.now());
    const single = await desk.send(desk.showcase("applicant-form-email"));
    const pass = await dispatchDue(desk.dispatch, { batch: 50 });
    expect(pass.claimed).toBeGreaterThan(1);
    expect(pass.done).toBe(1);
    expect((await letterEvents(db, single)).map((e) => e.kind)).toContain("sent");
    // The others wait their turn, without an attempt counted against them.
    const waiting = await db.select().from(outbox).where(eq(outbox.priority, 1));
    expect(waiting.every((w) => w.attempts === 0 && w.leasedUntil === null)).toBe(true);
    expect(waiting.every((w) => w.nextAttemptAt.getTime() > desk.clock.now().getTime())).toBe(true);
    await setRateLimit(db, { scope: "office", key: "MTL", perMinute: 30000 }, desk.clock.now());
    await db.execute(sql`delete from send_rate_buckets`);
  });

  it("C-20: every letter is accounted for: sent, to the post, failed with its reason", async () => {
    desk.clock.advance(60_000);
    await desk.dispatchAll();
    const { counts, finished } = await openBatch(desk.services(), desk.agent, batchId);
    expect(counts).toMatchObject({ pending: 0, waiting: 0 });
    expect(finished).toBe(true);
    expect(counts.pending).toBe(0);
    expect(counts.sent + counts["to-post"] + counts.failed + counts.bounced + counts.posted).toBe(members);
    expect(counts.sent).toBeGreaterThan(0);
    const lines = await accountPage(desk.database.db, batchId, 0, 10_000);
    expect(lines).toHaveLength(members);
    const sent = lines.find((l) => l.kinds.includes("sent"))!;
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(sent.smtpReply).toMatch(/^250/);
    expect(lines.filter((l) => l.problem === "NO_ADDRESS").length).toBe(counts.failed);
  });

  it("C-19: a batch of another office is not found; its members are fixed at creation", async () => {
    const van = await findStaffBySubject(desk.database.db, "agent.van");
    const vancouver: StaffContext = { ...van!, ip: "127.0.0.1" };
    expect((await refusalOf(() => openBatch(desk.services(), vancouver, batchId))).code).toBe("NOT_FOUND");
    const rows = await desk.database.db.select().from(batchMembers).where(eq(batchMembers.batchId, batchId));
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    await expect(
      desk.database.db.execute(sql`delete from batch_members where batch_id = ${batchId}`),
    ).rejects.toThrow();
  });
});

describe("stopping a batch (C-20)", () => {
  it("C-20: stopping cancels what has not left, leaves what is sent or in flight, and accounts for every file", async () => {
    const db = desk.database.db;
    const batchId = await createBatch(
      desk.services(),
      desk.agent,
      generalForm({ lineOfBusiness: "citizenship" }),
    );
    const { batch } = await openBatch(desk.services(), desk.agent, batchId);
    expect(batch.members).toBeGreaterThan(12);
    // Twelve letters written, two of them sent; one held by a dispatcher at this moment (in flight).
    expect(await generateBatchChunk(desk.services(), batchId, 12)).toBe(12);
    const written = await db.select().from(correspondence).where(eq(correspondence.batchId, batchId));
    const emails = written.filter((l) => l.channel === "email");
    expect(emails.length).toBeGreaterThanOrEqual(4);
    await dispatchDue(desk.dispatch, { batch: 2 });
    const sent: string[] = [];
    for (const l of emails)
      if ((await letterEvents(db, l.id)).some((e) => e.kind === "sent")) sent.push(l.id);
    expect(sent).toHaveLength(2);
    const inFlight = emails.find((l) => !sent.includes(l.id))!;
    await db
      .update(outbox)
      .set({ leasedUntil: new Date(desk.clock.now().getTime() + 60_000) })
      .where(eq(outbox.correspondenceId, inFlight.id));

    // Refused: unconfirmed, by an auditor, by another office (404, as the batch is theirs to not see).
    const unconfirmed = await refusalOf(() => stopBatch(desk.services(), desk.agent, batchId, {}));
    expect(unconfirmed.problems).toEqual([{ field: "confirm", code: "BATCH_STOP_NOT_CONFIRMED" }]);
    const auditor = { ...(await findStaffBySubject(db, "auditeur"))!, ip: undefined };
    expect(
      (await refusalOf(() => stopBatch(desk.services(), auditor, batchId, { confirm: "yes" }))).code,
    ).toBe("ROLE_NOT_ALLOWED");
    const van = { ...(await findStaffBySubject(db, "agent.van"))!, ip: undefined };
    expect((await refusalOf(() => stopBatch(desk.services(), van, batchId, { confirm: "yes" }))).code).toBe(
      "NOT_FOUND",
    );
    expect(await db.select().from(batchStops).where(eq(batchStops.batchId, batchId))).toHaveLength(0);

    const stop = await stopBatch(desk.services(), desk.agent, batchId, { confirm: "yes" });
    expect(stop.cancelled).toBe(written.length - sent.length - 1);
    expect(stop.notWritten).toBe(batch.members - 12);

    // Sent letters stay sent; the one in flight stays in the outbox and leaves; the rest are cancelled.
    for (const id of sent) expect(stateOf(await letterEvents(db, id))).toBe("sent");
    const left = await db.execute(
      sql`select o.correspondence_id from outbox o join correspondence c on c.id = o.correspondence_id where c.batch_id = ${batchId}`,
    );
    expect((left as unknown as { rows: { correspondence_id: string }[] }).rows).toEqual([
      { correspondence_id: inFlight.id },
    ]);
    const cancelled = written.filter((l) => !sent.includes(l.id) && l.id !== inFlight.id);
    for (const l of cancelled) {
      const events = await letterEvents(db, l.id);
      expect(stateOf(events)).toBe("cancelled");
      expect(events.find((e) => e.kind === "cancelled")?.details).toMatchObject({ reason: "BATCH_STOPPED" });
    }

    // The account is complete at once: nothing waits to be written, and the generator has nothing to do.
    const opened = await openBatch(desk.services(), desk.agent, batchId);
    expect(opened.stop?.stoppedBy).toBe(desk.agent.staffId);
    expect(opened.mayStop).toBe(false);
    expect(opened.counts.waiting).toBe(0);
    expect(opened.counts.pending).toBe(1);
    expect(await generateBatchChunk(desk.services(), batchId, 500)).toBe(0);
    const lines = await accountPage(db, batchId, 0, 10_000);
    expect(lines).toHaveLength(batch.members);
    expect(lines.filter((l) => l.problem === "BATCH_STOPPED")).toHaveLength(batch.members - 12);
    expect(lines.filter((l) => l.cancelReason === "BATCH_STOPPED")).toHaveLength(cancelled.length);

    // The letter in flight leaves; then the batch is finished, every file accounted for.
    await db.update(outbox).set({ leasedUntil: null }).where(eq(outbox.correspondenceId, inFlight.id));
    await desk.dispatchAll();
    const finished = await openBatch(desk.services(), desk.agent, batchId);
    expect(finished.finished).toBe(true);
    expect(finished.counts.sent).toBe(3);

    // Once is enough; the stop is audited and history.
    expect(
      (await refusalOf(() => stopBatch(desk.services(), desk.agent, batchId, { confirm: "yes" }))).code,
    ).toBe("BATCH_ALREADY_STOPPED");
    const audits = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, batchId), eq(auditEvents.action, "batch.stopped")));
    expect(audits).toHaveLength(1);
    await expect(db.execute(sql`delete from batch_stops where batch_id = ${batchId}`)).rejects.toThrow();
  });

  it("C-20: a finished batch has nothing to stop", async () => {
    const batchId = await createBatch(desk.services(), desk.agent, generalForm({ represented: "yes" }));
    await generatePendingBatches(desk.services());
    await desk.dispatchAll();
    expect((await openBatch(desk.services(), desk.agent, batchId)).finished).toBe(true);
    expect(
      (await refusalOf(() => stopBatch(desk.services(), desk.agent, batchId, { confirm: "yes" }))).code,
    ).toBe("BATCH_FINISHED");
  });
});

describe("a flagged file in a batch (B-7, C-19)", () => {
  it("B-7: a file flagged 'not receiving email' with no postal address fails alone, SECOND_CHANNEL_MISSING; the rest are written", async () => {
    const db = desk.database.db;
    // An open Montréal file whose applicant gave no address at all: they give an email on a form, then
    // call to say our emails never arrive (the flag). A paper copy has nowhere to go.
    const found = await db.execute(sql`
      select a.number, a.line_of_business, p.id as party,
        to_char(a.received_at at time zone 'America/Toronto', 'YYYY-MM-DD') as day
      from applications a join parties p on p.application_id = a.id and p.role = 'applicant'
      where a.office_code = 'MTL' and a.status = 'open'
        and not exists (select 1 from contact_points c where c.party_id = p.id)
        and not exists (select 1 from representations r where r.application_id = a.id)
      order by a.number limit 1`);
    type Found = { number: string; line_of_business: string; party: string; day: string };
    const file = (found as unknown as { rows: Found[] }).rows[0];
    expect(file).toBeDefined();
    await recordContactPoint(desk.services(), desk.agent, file!.number, {
      partyId: file!.party,
      kind: "email",
      value: "no.paper@example.com",
      source: "application-form",
      providedAt: instantToWallTime(new Date(desk.clock.now().getTime() - 3_600_000), "America/Toronto"),
    });
    await setNotReceivingFlag(desk.services(), desk.agent, file!.number, {
      reason: "Says our emails never arrive.",
    });
    const batchId = await createBatch(
      desk.services(),
      desk.agent,
      generalForm({
        lineOfBusiness: file!.line_of_business,
        status: "open",
        receivedFrom: file!.day,
        receivedTo: file!.day,
      }),
    );
    // The chunk is written (before: the copy's missing address threw, the whole chunk rolled back, and the
    // generation job tried it again forever).
    await generatePendingBatches(desk.services());
    const { batch, counts } = await openBatch(desk.services(), desk.agent, batchId);
    expect(counts.waiting).toBe(0);
    const lines = await accountPage(db, batchId, 0, 10_000);
    expect(lines).toHaveLength(batch.members);
    expect(lines.find((l) => l.file === file!.number)?.problem).toBe("SECOND_CHANNEL_MISSING");
  });
});

describe("stopping a batch with paper copies (B-7, C-20)", () => {
  it("B-7, C-20: the paper copy of an email in flight goes with it; the copy of a cancelled email is cancelled too", async () => {
    const db = desk.database.db;
    // Two open Montréal files whose applicants gave an email on the form and a postal address, and who
    // say our emails do not arrive (the flag): each letter goes by email with a paper copy.
    const found = await db.execute(sql`
      select a.number, a.id, a.line_of_business,
        to_char(a.received_at at time zone 'America/Toronto', 'YYYY-MM-DD') as day
      from applications a join parties p on p.application_id = a.id and p.role = 'applicant'
      where a.office_code = 'MTL' and a.status = 'open' and a.line_of_business = 'immigration'
        and exists (select 1 from contact_points c where c.party_id = p.id and c.kind = 'email'
          and c.source = 'application-form')
        and exists (select 1 from contact_points c where c.party_id = p.id and c.kind = 'postal')
        and not exists (select 1 from representations r where r.application_id = a.id)
      order by a.received_at, a.number limit 2`);
    type Found = { number: string; id: string; line_of_business: string; day: string };
    const pair = (found as unknown as { rows: Found[] }).rows;
    expect(pair).toHaveLength(2);
    for (const f of pair)
      await setNotReceivingFlag(desk.services(), desk.agent, f.number, {
        reason: "No email from us arrives.",
      });
    const batchId = await createBatch(
      desk.services(),
      desk.agent,
      generalForm({
        lineOfBusiness: "immigration",
        status: "open",
        receivedFrom: pair[0]!.day,
        receivedTo: pair[1]!.day,
      }),
    );
    await generatePendingBatches(desk.services());
    const letters = await db.select().from(correspondence).where(eq(correspondence.batchId, batchId));
    const emailOf = (f: Found) => letters.find((l) => l.applicationId === f.id && l.channel === "email")!;
    const copyOf = (f: Found) => letters.find((l) => l.applicationId === f.id && l.channel === "post")!;
    for (const f of pair) {
      expect(emailOf(f)).toBeDefined();
      expect(copyOf(f)).toBeDefined();
    }
    const [leaving, stopped] = pair as [Found, Found];
    await db
      .update(outbox)
      .set({ leasedUntil: new Date(desk.clock.now().getTime() + 60_000) })
      .where(eq(outbox.correspondenceId, emailOf(leaving).id));

    await stopBatch(desk.services(), desk.agent, batchId, { confirm: "yes" });
    expect(stateOf(await letterEvents(db, emailOf(leaving).id))).toBe("generated");
    expect(stateOf(await letterEvents(db, copyOf(leaving).id))).toBe("generated");
    expect(stateOf(await letterEvents(db, emailOf(stopped).id))).toBe("cancelled");
    expect(stateOf(await letterEvents(db, copyOf(stopped).id))).toBe("cancelled");
    await db
      .update(outbox)
      .set({ leasedUntil: null })
      .where(eq(outbox.correspondenceId, emailOf(leaving).id));
  });
});
