import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { dkimVerify } from "mailauth";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PortalActor } from "../../src/audit/record.ts";
import { FixedClock } from "../../src/clock.ts";
import { backoffMs } from "../../src/correspondence/dispatcher.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { ledgerEntries } from "../../src/db/schema/evidence.ts";
import { counsel, notificationKinds, portalNotifications } from "../../src/db/schema/portal.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { createLogger } from "../../src/logger.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";
import { type DkimKey, dkimRecordName, dkimTxtStrings, loadOrCreateDkimKey } from "../../src/mail/dkim.ts";
import { type MailTransport, smtpTransport } from "../../src/mail/transport.ts";
import {
  languageSeparator,
  NoticeError,
  type NoticeParams,
  type NotificationKind,
  noticeMaxAttempts,
  noticeText,
  type QueueNoticeDeps,
  queueNotice,
  sealNotice,
  sendPortalNotices,
} from "../../src/portal/notifications.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

// P-7: My Case's email notices, from the standard text to the relay: no link, no attachment, a no-reply
// sender, French then English, DKIM-signed; queued in the caller's transaction and sent by a job through
// a real SMTP server on loopback.

const NOTICE_FROM = "no-reply@tribunal.example";
const TO = "Me.Tremblay@Cabinet.example";
const AT = new Date("2026-03-02T14:00:00.000Z");
const CONFIRMATION = "MC-2026-000123";
const COUNSEL_ID = "3f1c2b7a-5d4e-4f60-8a9b-0c1d2e3f4a5b";
const actor: PortalActor = { kind: "portal", counselId: COUNSEL_ID, ip: "192.0.2.10" };

const antiPhishingFr =
  "Ce courriel ne contient aucun lien ni pièce jointe. Pour consulter Mon dossier, tapez vous-même " +
  "l'adresse du portail dans votre navigateur. Ne répondez pas à ce courriel : cette adresse ne reçoit " +
  "pas de messages.";
const antiPhishingEn =
  "This email contains no links or attachments. To go to My Case, type the portal's address into your " +
  "browser yourself. Do not reply to this email: this address does not receive messages.";

// What a person or a mail client would take for a link or an address, written independently of the
// module's own guard.
const urlLike: readonly RegExp[] = [
  /[a-z][a-z0-9+.-]*:\/\//i,
  /https?/i,
  /www/i,
  /mailto/i,
  /@/,
  /\b[a-z0-9-]+\.(?:ca|com|org|net|gc|gouv|fr|qc|info|io|example|invalid)\b/i,
  /[a-z0-9]\.[a-z]{2,}/i,
];

function expectNoUrl(s: string) {
  for (const pattern of urlLike) expect(s, String(pattern)).not.toMatch(pattern);
}

const paramsOf = (kind: NotificationKind): NoticeParams =>
  kind === "document-received" || kind === "delegate-invited" ? { confirmationNumber: CONFIRMATION } : {};

const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-notices-"));
const blobs = fileBlobStore(path.join(dataDir, "blobs"));
const logger = createLogger("silent");
let key: DkimKey;
let deps: QueueNoticeDeps;

beforeAll(async () => {
  key = await loadOrCreateDkimKey(dataDir, { selector: "liaison2026", domain: "tribunal.example" });
  deps = { blobs, dkimKeyFor: async () => key, noticeFrom: NOTICE_FROM };
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

async function openDatabaseWithCounsel(): Promise<TestDatabase> {
  const database = await openTestDatabase({ migrate: true });
  await database.db.insert(counsel).values({
    id: COUNSEL_ID,
    name: "Me Tremblay",
    professionalBody: "quebec-notary",
    memberNumber: "N-1234",
    preferredLanguage: "fr",
    createdAt: AT,
  });
  return database;
}

async function queue(database: TestDatabase, kind: NotificationKind = "document-received", at = AT) {
  return database.db.transaction((tx) =>
    queueNotice(tx, deps, { kind, to: TO, counselId: COUNSEL_ID, params: paramsOf(kind), at, actor }),
  );
}

async function rowOf(database: TestDatabase, id: string) {
  const [row] = await database.db.select().from(portalNotifications).where(eq(portalNotifications.id, id));
  return row!;
}

async function auditsOf(database: TestDatabase, id: string) {
  return database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id)).orderBy(auditEvents.seq);
}

async function ledgerOf(database: TestDatabase, id: string) {
  return database.db.select().from(ledgerEntries).where(eq(ledgerEntries.subjectId, id));
}

function dkimResolver() {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype !== "TXT" || name !== dkimRecordName(key))
      throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: "ENOTFOUND" });
    return [dkimTxtStrings(key)];
  };
}

/** An SMTP server on loopback that answers every recipient with `code` (451: try later; 550: refused). */
async function refusingServer(code: number, text: string) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error(text), { responseCode: code }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    transport: smtpTransport(`smtp://127.0.0.1:${port}`, { pool: false }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("P-7: the standard text of every kind", () => {
  it.each(notificationKinds)(
    "P-7: %s has a bilingual subject and body, French first, with no link",
    (kind) => {
      const { subject, text } = noticeText(kind, paramsOf(kind));
      expect(subject).toMatch(/^Mon dossier – Avis : .+ \/ My Case – Notice: .+$/);
      expect(subject).not.toMatch(/[\r\n]/);
      expect(subject.indexOf("Avis")).toBeLessThan(subject.indexOf("Notice"));

      const fr = text.indexOf("Bonjour");
      const separator = text.indexOf(`\n${languageSeparator}\n`);
      const en = text.indexOf("Hello");
      expect(fr).toBe(0);
      expect(separator).toBeGreaterThan(fr);
      expect(en).toBeGreaterThan(separator);
      // Each language ends with the warning; the French one comes first.
      expect(text.indexOf(antiPhishingFr)).toBeGreaterThan(fr);
      expect(text.indexOf(antiPhishingFr)).toBeLessThan(separator);
      expect(text.endsWith(`${antiPhishingEn}\n`)).toBe(true);
      expectNoUrl(subject);
      expectNoUrl(text);
    },
  );

  it("P-7: the texts are standard: one subject and body per kind, all different, carrying no name", () => {
    const texts = notificationKinds.map((k) => noticeText(k, paramsOf(k)));
    expect(new Set(texts.map((t) => t.subject)).size).toBe(notificationKinds.length);
    expect(new Set(texts.map((t) => t.text)).size).toBe(notificationKinds.length);
    expect(noticeText("document-sent")).toEqual(noticeText("document-sent", {}));
  });

  it("P-7: document-received carries its confirmation number in both languages, and nothing else varies", () => {
    const { text } = noticeText("document-received", { confirmationNumber: CONFIRMATION });
    expect(text).toContain(`Numéro de confirmation : ${CONFIRMATION}`);
    expect(text).toContain(`Confirmation number: ${CONFIRMATION}`);
    const other = noticeText("document-received", { confirmationNumber: "MC-2026-000124" });
    expect(other.text.replaceAll("MC-2026-000124", CONFIRMATION)).toBe(text);
  });

  it.each([
    "https://evil.example",
    "evil.example",
    "WWW.EVIL.CA",
    "MC-2026-000123 ",
    "MC-2026-000123\nhttp",
    "mc-2026-000123",
    "MC_2026",
    "MC/2026",
    "ABC",
    "A".repeat(33),
    "",
  ])("P-7: a confirmation number of another shape is refused (%j)", (confirmationNumber) => {
    expect(() => noticeText("document-received", { confirmationNumber })).toThrow(NoticeError);
  });

  it("P-7: document-received without a number, or another kind with one, is refused", () => {
    expect(() => noticeText("document-received")).toThrow(NoticeError);
    expect(() => noticeText("document-sent", { confirmationNumber: CONFIRMATION })).toThrow(NoticeError);
  });

  it("D-1, P-7: the delegate's invitation carries its code in both languages, and is refused without one", () => {
    const { text } = noticeText("delegate-invited", { confirmationNumber: "DI-ABCD-2345" });
    expect(text).toContain("Code d'invitation : DI-ABCD-2345");
    expect(text).toContain("Invitation code: DI-ABCD-2345");
    expect(() => noticeText("delegate-invited")).toThrow(NoticeError);
  });
});

describe("P-7: queued notices are sealed", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openDatabaseWithCounsel();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it.each(notificationKinds)(
    "P-7: %s is one text/plain part from the no-reply sender, with no attachment, DKIM-signed",
    async (kind) => {
      const { id } = await queue(database, kind);
      const row = await rowOf(database, id);
      expect(row).toMatchObject({
        kind,
        toAddress: TO,
        counselId: COUNSEL_ID,
        state: "pending",
        attempts: 0,
        createdAt: AT,
        nextAttemptAt: AT,
        sentAt: null,
      });
      const bytes = (await blobs.get(row.sha256))!;
      const mail = await simpleParser(bytes);
      const expected = noticeText(kind, paramsOf(kind));

      expect(mail.attachments).toHaveLength(0);
      expect(mail.html).toBe(false);
      expect(mail.headers.get("content-type")).toMatchObject({ value: "text/plain" });
      expect(bytes.toString("latin1")).not.toMatch(/multipart|Content-Disposition/i);
      expect(mail.from?.value).toEqual([{ name: "Mon dossier | My Case", address: NOTICE_FROM }]);
      expect(mail.replyTo).toBeUndefined();
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe(TO);
      expect(mail.messageId).toBe(`<${id}@tribunal.example>`);
      expect(mail.date?.toISOString()).toBe(AT.toISOString());
      expect(mail.headers.get("content-language")).toBe("en, fr");
      // RFC 3834: an automatic message, so auto-responders stay silent; signed with the rest.
      expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
      expect(bytes.toString("latin1")).toMatch(/^DKIM-Signature:[\s\S]*?h=[^;]*Auto-Submitted/i);
      expect(mail.subject).toBe(expected.subject);
      expect(mail.text?.replace(/\r\n/g, "\n")).toBe(expected.text);
      expectNoUrl(mail.subject ?? "");
      expectNoUrl(mail.text ?? "");

      const { results } = await dkimVerify(bytes, { resolver: dkimResolver() });
      expect(results).toHaveLength(1);
      expect(results[0]?.status.result).toBe("pass");
      expect(results[0]?.signingDomain).toBe("tribunal.example");

      // The audit event names the kind only, never the address.
      const audits = await auditsOf(database, id);
      expect(audits.map((a) => a.action)).toEqual(["portal.notice-queued"]);
      expect(audits[0]).toMatchObject({
        actorKind: "portal",
        actorId: `counsel:${COUNSEL_ID}`,
        subjectType: "portal-notice",
        details: { kind },
        at: AT,
      });
      expect(JSON.stringify(audits[0]!.details)).not.toContain("@");
      // Nothing is on the ledger until it is sent.
      expect(await ledgerOf(database, id)).toHaveLength(0);
    },
  );

  it("P-7: sealing is deterministic: the same notice, key and instant give the same bytes", async () => {
    const id = randomUUID();
    const n = { id, kind: "delegate-renewed" as const, to: TO, at: AT };
    expect((await sealNotice(deps, n)).bytes.equals((await sealNotice(deps, n)).bytes)).toBe(true);
  });

  it("P-7: a bad confirmation number is refused when queuing, and nothing is queued", async () => {
    const before = await database.db.select().from(portalNotifications);
    await expect(
      database.db.transaction((tx) =>
        queueNotice(tx, deps, {
          kind: "document-received",
          to: TO,
          counselId: COUNSEL_ID,
          params: { confirmationNumber: "https://evil.example" },
          at: AT,
          actor,
        }),
      ),
    ).rejects.toThrow(NoticeError);
    expect(await database.db.select().from(portalNotifications)).toHaveLength(before.length);
  });
});

describe("P-7: sending notices", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await openDatabaseWithCounsel();
  });
  afterEach(async () => {
    await database?.dispose();
  });

  const run = (transport: MailTransport, at: Date) =>
    sendPortalNotices({ transport, blobs }).run({ db: database.db, clock: new FixedClock(at), logger });

  it("P-7: a notice goes through a real SMTP server byte for byte, is recorded sent, and is on the ledger", async () => {
    const sinkDir = mkdtempSync(path.join(tmpdir(), "liaison-notices-sink-"));
    const sendAt = new Date(AT.getTime() + 1_000);
    const sink: DevSink = await startDevSink({ dataDir: sinkDir, clock: new FixedClock(sendAt) });
    const transport = smtpTransport(`smtp://${sink.host}:${sink.port}`, { pool: false });
    try {
      const { id } = await queue(database);
      expect(await run(transport, sendAt)).toEqual({ done: 1 });

      const row = await rowOf(database, id);
      expect(row).toMatchObject({ state: "sent", attempts: 1, sentAt: sendAt });
      expect(row.smtpReply).toMatch(/^250 /);

      const stored = (await blobs.get(row.sha256))!;
      const received = await sink.list();
      expect(received).toHaveLength(1);
      expect(received[0]!.sha256).toBe(row.sha256);
      expect((await sink.read(received[0]!.id))!.equals(stored)).toBe(true);
      expect(received[0]!.envelopeFrom).toBe(NOTICE_FROM);
      // Nodemailer writes the envelope's domain in lower case; the To header keeps it as on file.
      expect(received[0]!.envelopeTo).toEqual([TO.replace(/@.*/, (d) => d.toLowerCase())]);

      const ledger = await ledgerOf(database, id);
      expect(ledger).toHaveLength(1);
      expect(ledger[0]).toMatchObject({
        eventType: "liaison.PortalNoticeSent",
        subjectType: "portal-notice",
        at: sendAt,
      });
      const data = JSON.parse(ledger[0]!.data) as Record<string, unknown>;
      expect(data).toMatchObject({
        event: "portal-notice-sent",
        subject: { type: "portal-notice", id },
        actor: "job:portal-notices",
        details: { kind: "document-received", sha256: row.sha256, to: TO, reply: row.smtpReply },
      });
      const audits = await auditsOf(database, id);
      expect(audits.map((a) => a.action)).toEqual(["portal.notice-queued", "portal.notice-sent"]);
      expect(JSON.stringify(audits.map((a) => a.details))).not.toContain("@");

      // Idempotent: a second run sends nothing more.
      expect(await run(transport, sendAt)).toEqual({ done: 0 });
      expect(await sink.list()).toHaveLength(1);
      expect(await ledgerOf(database, id)).toHaveLength(1);
    } finally {
      transport.close();
      await sink.close();
      rmSync(sinkDir, { recursive: true, force: true });
    }
  });

  it("P-7: a notice whose transaction rolls back is never sent", async () => {
    const relay = await refusingServer(550, "5.7.1 Must not be called");
    let id = "";
    try {
      await expect(
        database.db.transaction(async (tx) => {
          id = (
            await queueNotice(tx, deps, {
              kind: "document-sent",
              to: TO,
              counselId: COUNSEL_ID,
              at: AT,
              actor,
            })
          ).id;
          throw new Error("the change it announced failed");
        }),
      ).rejects.toThrow("the change it announced failed");
      expect(await run(relay.transport, AT)).toEqual({ done: 0 });
      expect(await database.db.select().from(portalNotifications)).toHaveLength(0);
      expect(await auditsOf(database, id)).toHaveLength(0);
    } finally {
      relay.transport.close();
      await relay.close();
    }
  });

  it("P-7: a temporary failure (451) leaves the notice pending, attempts 1, due again after the backoff", async () => {
    const relay = await refusingServer(451, "4.7.1 Greylisted, try again later");
    try {
      const { id } = await queue(database);
      const first = new Date(AT.getTime() + 2_000);
      expect(await run(relay.transport, first)).toEqual({ done: 1 });
      const row = await rowOf(database, id);
      expect(row).toMatchObject({
        state: "pending",
        attempts: 1,
        sentAt: null,
        nextAttemptAt: new Date(first.getTime() + backoffMs(1)),
      });
      expect(row.smtpReply).toMatch(/451/);
      expect(await ledgerOf(database, id)).toHaveLength(0);
      expect((await auditsOf(database, id)).map((a) => a.action)).toEqual([
        "portal.notice-queued",
        "portal.notice-deferred",
      ]);
      // Not due before the backoff has passed.
      expect(await run(relay.transport, new Date(first.getTime() + backoffMs(1) - 1))).toEqual({ done: 0 });
    } finally {
      relay.transport.close();
      await relay.close();
    }
  });

  it(`P-7: still failing temporarily after ${noticeMaxAttempts} attempts, the notice fails`, async () => {
    const relay = await refusingServer(451, "4.4.1 No answer from host");
    try {
      const { id } = await queue(database);
      let at = AT;
      for (let attempt = 1; attempt <= noticeMaxAttempts; attempt++) {
        expect(await run(relay.transport, at)).toEqual({ done: 1 });
        const row = await rowOf(database, id);
        expect(row.attempts).toBe(attempt);
        expect(row.state).toBe(attempt < noticeMaxAttempts ? "pending" : "failed");
        at = row.nextAttemptAt;
      }
      expect(await run(relay.transport, new Date(at.getTime() + 86_400_000))).toEqual({ done: 0 });
      const audits = await auditsOf(database, id);
      expect(audits.at(-1)).toMatchObject({
        action: "portal.notice-failed",
        details: { kind: "document-received", attempts: noticeMaxAttempts, final: "gave-up" },
      });
      expect(await ledgerOf(database, id)).toHaveLength(0);
    } finally {
      relay.transport.close();
      await relay.close();
    }
  });

  it("P-7: a notice the relay refuses (550) fails at once, with the reply kept on the row only", async () => {
    const relay = await refusingServer(550, "5.1.1 User unknown");
    try {
      const { id } = await queue(database, "profile-changed");
      expect(await run(relay.transport, AT)).toEqual({ done: 1 });
      const row = await rowOf(database, id);
      expect(row).toMatchObject({ state: "failed", attempts: 1, sentAt: null });
      expect(row.smtpReply).toMatch(/550/);
      const audits = await auditsOf(database, id);
      expect(audits.at(-1)).toMatchObject({
        action: "portal.notice-failed",
        actorKind: "job",
        details: { kind: "profile-changed", attempts: 1, final: "rejected" },
      });
      expect(await ledgerOf(database, id)).toHaveLength(0);
      expect(await run(relay.transport, new Date(AT.getTime() + 86_400_000))).toEqual({ done: 0 });
    } finally {
      relay.transport.close();
      await relay.close();
    }
  });
});
