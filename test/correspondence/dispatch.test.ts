import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { dkimVerify } from "mailauth";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { OffsetClock, systemClock } from "../../src/clock.ts";
import { readConfig } from "../../src/config.ts";
import { type DispatchDeps, dispatchDue } from "../../src/correspondence/dispatcher.ts";
import {
  cancelLetter,
  createLetter,
  openLetter,
  prepareLetter,
  readComposeInput,
} from "../../src/correspondence/service.ts";
import {
  claimDueLetters,
  ensureCorrespondenceDefaults,
  findSealed,
  lettersOfApplication,
  notesOfApplication,
} from "../../src/correspondence/store.ts";
import { outbox } from "../../src/db/schema/correspondence.ts";
import { demoShowcase, loadDemoData } from "../../src/demo/load.ts";
import type { StaffContext } from "../../src/files/service.ts";
import { openFile, recordContactPoint } from "../../src/files/service.ts";
import { createLogger } from "../../src/logger.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";
import { dkimTxtStrings } from "../../src/mail/dkim.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { smtpTransport } from "../../src/mail/transport.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

// The whole way of a letter (C-5..C-13): composed by the service, claimed by the dispatcher, sealed,
// stored, handed to a real SMTP server, recorded. On PGlite, and on PostgreSQL with DATABASE_URL.

const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-dispatch-"));
const clock = new OffsetClock(systemClock);
let database: TestDatabase;
let sink: DevSink;
let deps: DispatchDeps;
let agent: StaffContext;
const showcase = (scenario: string) => demoShowcase.find((s) => s.scenario === scenario)!.number;
const today = () => instantToWallTime(clock.now(), "America/Toronto").slice(0, 10);
const inDays = (n: number) => {
  const d = new Date(`${today()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const services = () => ({ db: database.db, clock });

async function compose(number: string, fields: Record<string, string>) {
  const file = await openFile(services(), agent, number);
  const recipient = file.routing.channel === "none" ? "" : file.routing.address;
  return readComposeInput({ recipient, ...fields });
}

const requestDocuments = (deadline = inDays(40)) => ({
  letterType: "request-documents",
  deadline,
  documentsList: "- Police certificate\n- Proof of funds",
});

beforeAll(async () => {
  database = await openTestDatabase({ migrate: true });
  await loadDemoData(database.db, clock);
  await ensureCorrespondenceDefaults(database.db, clock.now());
  sink = await startDevSink({ dataDir, clock });
  const staff = await findStaffBySubject(database.db, "agent.mtl");
  agent = { ...staff!, ip: "127.0.0.1" };
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

describe("sending a letter", () => {
  it("C-10/C-11/C-12: a request for documents is sealed, accepted by SMTP, recorded byte for byte, with its note", async () => {
    const number = showcase("applicant-form-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, requestDocuments()),
      "send",
    );
    expect((await openLetter(services(), agent, id)).state).toBe("generated");
    expect((await dispatchDue(deps)).done).toBe(1);

    const { letter, state, events } = await openLetter(services(), agent, id);
    expect(state).toBe("sent");
    expect(events.map((e) => e.kind)).toEqual(["draft", "generated", "sealed", "sent", "note-written"]);
    const sent = events.find((e) => e.kind === "sent")!;
    expect(String(sent.details.smtpReply)).toMatch(/^250 /);

    const sealed = (await findSealed(database.db, id))!;
    const stored = (await deps.blobs.get(sealed.sha256))!;
    const [received] = await sink.list();
    expect(received!.sha256).toBe(sealed.sha256);
    expect((await sink.read(received!.id))!.equals(stored)).toBe(true);
    expect(received!.envelopeTo).toEqual([letter.address.replace(/@.*/, (d) => d.toLowerCase())]);

    const mail = await simpleParser(stored);
    expect(mail.from?.text).toContain("ircc");
    expect(mail.messageId).toBe(sealed.messageId);
    expect(mail.text).toContain("Police certificate");
    // B-8: the signature verifies against the key record captured at send time.
    const record = (sealed.dkim as Record<string, string>).record!;
    const { results } = await dkimVerify(stored, {
      resolver: async (name: string) => {
        if (name !== (sealed.dkim as Record<string, string>).recordName)
          throw Object.assign(new Error("nx"), { code: "ENOTFOUND" });
        return [dkimTxtStrings({ publicKeyDnsRecord: record })];
      },
    });
    expect(results[0]?.status.result).toBe("pass");

    const notes = await notesOfApplication(database.db, letter.applicationId);
    const note = notes.find((n) => n.correspondenceId === id)!;
    expect(note.textEn).toContain(letter.address);
    expect(note.textFr).toContain(letter.address);
    expect(note.textEn).not.toMatch(/delivered/i);
    const [left] = await database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
    expect(left!.n).toBe(0);
    // Running again sends nothing more.
    expect((await dispatchDue(deps)).done).toBe(0);
    expect(await sink.list()).toHaveLength(1);
  });

  it("C-6: a request for documents without a deadline, or shorter than the period, is refused and nothing is recorded", async () => {
    const number = showcase("applicant-form-email");
    const before = (
      await lettersOfApplication(database.db, (await openFile(services(), agent, number)).application.id)
    ).length;
    await expect(
      prepareLetter(services(), agent, number, await compose(number, requestDocuments(""))),
    ).rejects.toMatchObject({
      code: "DEADLINE_REQUIRED",
    });
    await expect(
      createLetter(services(), agent, number, await compose(number, requestDocuments(inDays(5))), "send"),
    ).rejects.toMatchObject({ code: "DEADLINE_TOO_SHORT" });
    const after = (
      await lettersOfApplication(database.db, (await openFile(services(), agent, number)).application.id)
    ).length;
    expect(after).toBe(before);
  });

  it("C-5: a hand-typed recipient that differs from the address on file is refused", async () => {
    const number = showcase("applicant-form-email");
    const input = await compose(number, requestDocuments());
    await expect(
      prepareLetter(services(), agent, number, { ...input, recipient: input.recipient.toUpperCase() }),
    ).rejects.toMatchObject({ code: "RECIPIENT_NOT_ON_FILE" });
  });

  it("C-5: an address superseded between writing and sending stops the letter; it is cancelled, not sent", async () => {
    const number = showcase("applicant-wrote-by-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Hello." }),
      "send",
    );
    const file = await openFile(services(), agent, number);
    clock.advance(60_000);
    await recordContactPoint(services(), agent, number, {
      partyId: file.parties.applicant.id,
      kind: "email",
      value: "brand.new@example.com",
      source: "client-email",
      providedAt: instantToWallTime(clock.now(), "America/Toronto"),
    });
    clock.advance(60_000);
    const sentBefore = (await sink.list()).length;
    await dispatchDue(deps);
    const { state, events } = await openLetter(services(), agent, id);
    expect(state).toBe("cancelled");
    expect(events.at(-1)?.details).toMatchObject({ reason: "ADDRESS_SUPERSEDED" });
    expect(await sink.list()).toHaveLength(sentBefore);
  });

  it("C-4: without consent to email the letter is generated for the post and never handed to SMTP", async () => {
    const number = showcase("applicant-postal-only");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Hello." }),
      "send",
    );
    const { letter, state } = await openLetter(services(), agent, id);
    expect(letter.channel).toBe("post");
    expect(state).toBe("generated");
    const [queued] = await database.db.select().from(outbox).where(eq(outbox.correspondenceId, id));
    expect(queued).toBeUndefined();
  });

  it("C-12: a draft is not sent; cancelled before sending, it never leaves; a sent letter cannot be cancelled", async () => {
    const number = showcase("applicant-form-email");
    const draft = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Draft." }),
      "draft",
    );
    await dispatchDue(deps);
    expect((await openLetter(services(), agent, draft)).state).toBe("draft");
    const queued = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Oops." }),
      "send",
    );
    await cancelLetter(services(), agent, queued);
    const count = (await sink.list()).length;
    await dispatchDue(deps);
    expect((await openLetter(services(), agent, queued)).state).toBe("cancelled");
    expect(await sink.list()).toHaveLength(count);
    const sent = (
      await lettersOfApplication(database.db, (await openFile(services(), agent, number)).application.id)
    ).find((l) => l.state === "sent")!;
    await expect(cancelLetter(services(), agent, sent.letter.id)).rejects.toMatchObject({
      code: "LETTER_NOT_IN_STATE",
    });
  });

  it("C-18: a relay that is down is retried later with the same bytes and Message-ID; then it is sent", async () => {
    const number = showcase("applicant-form-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Retry." }),
      "send",
    );
    const down = { ...deps, transport: smtpTransport("smtp://127.0.0.1:9", { pool: false }) };
    await dispatchDue(down);
    let opened = await openLetter(services(), agent, id);
    expect(opened.state).toBe("generated");
    expect(opened.events.map((e) => e.kind)).toContain("smtp-temporary-failure");
    const firstSeal = (await findSealed(database.db, id))!;
    await dispatchDue(deps);
    expect((await openLetter(services(), agent, id)).state).toBe("generated"); // not due yet: backoff
    clock.advance(61_000);
    await dispatchDue(deps);
    opened = await openLetter(services(), agent, id);
    expect(opened.state).toBe("sent");
    expect((await findSealed(database.db, id))!.sha256).toBe(firstSeal.sha256);
    const [received] = await sink.list();
    expect(received!.sha256).toBe(firstSeal.sha256);
  });

  it("a relay that refuses the message (5xx) sends the letter to the post, with the reply recorded", async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error("5.1.1 User unknown"), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", () => resolve()));
    const port = (refusing.server.address() as { port: number }).port;
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`, { pool: false });
    const number = showcase("applicant-form-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "No." }),
      "send",
    );
    await dispatchDue({ ...deps, transport });
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
    const { state, events } = await openLetter(services(), agent, id);
    expect(state).toBe("generated");
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["smtp-rejected", "routed-to-post"]));
    expect(String(events.find((e) => e.kind === "smtp-rejected")!.details.response)).toMatch(/550/);
  });

  it("C-13: a message over the outbound size limit is not emailed; it goes by post", async () => {
    const number = showcase("applicant-form-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "x".repeat(5000) }),
      "send",
    );
    const count = (await sink.list()).length;
    await dispatchDue({ ...deps, outboundLimitBytes: 2000 });
    const { events } = await openLetter(services(), agent, id);
    expect(events.at(-1)).toMatchObject({ kind: "routed-to-post", details: { reason: "over-size-limit" } });
    expect(await sink.list()).toHaveLength(count);
  });

  it("another office's letter is not found", async () => {
    const number = showcase("applicant-form-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Hi." }),
      "draft",
    );
    const van = await findStaffBySubject(database.db, "agent.van");
    await expect(openLetter(services(), { ...van!, ip: undefined }, id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("C-12 regression: a letter a dispatcher holds cannot be cancelled; once the lease ends it can", async () => {
    const number = showcase("applicant-form-email");
    const id = await createLetter(
      services(),
      agent,
      number,
      await compose(number, { letterType: "general", agentNote: "Race." }),
      "send",
    );
    const claimed = await claimDueLetters(database.db, clock.now(), 50, 120_000);
    expect(claimed.map((c) => c.id)).toContain(id);
    await expect(cancelLetter(services(), agent, id)).rejects.toMatchObject({ code: "LETTER_IN_FLIGHT" });
    expect((await openLetter(services(), agent, id)).state).toBe("generated");
    clock.advance(121_000);
    await cancelLetter(services(), agent, id);
    expect((await openLetter(services(), agent, id)).state).toBe("cancelled");
    await expect(cancelLetter(services(), agent, id)).rejects.toMatchObject({ code: "LETTER_NOT_IN_STATE" });
  });

  it("regression: an unreadable or future request date, or a bad new-office mailbox, is a field error, not a crash", async () => {
    const number = showcase("applicant-form-email");
    const base = {
      letterType: "reconsideration-decision",
      decisionOutcome: "granted",
      decisionReasons: "An error of the office.",
    };
    await expect(
      prepareLetter(services(), agent, number, await compose(number, { ...base, requestDate: "yesterday" })),
    ).rejects.toMatchObject({ problems: [{ field: "requestDate", code: "INVALID_DATE" }] });
    await expect(
      prepareLetter(services(), agent, number, await compose(number, { ...base, requestDate: "2999-01-01" })),
    ).rejects.toMatchObject({ problems: [{ field: "requestDate", code: "DATE_IN_FUTURE" }] });
    await expect(
      prepareLetter(
        services(),
        agent,
        number,
        await compose(number, {
          letterType: "file-transfer",
          newOfficeName: "Vancouver",
          newOfficeMailbox: "nope",
        }),
      ),
    ).rejects.toMatchObject({ problems: [{ field: "newOfficeMailbox", code: "INVALID_EMAIL" }] });
  });

  it("regression: line breaks typed in a browser (CRLF) are kept as LF in the letter", async () => {
    const number = showcase("applicant-form-email");
    const input = await compose(number, { letterType: "general", agentNote: "Line one.\r\nLine two." });
    expect(input.agentNote).toBe("Line one.\nLine two.");
  });
});
