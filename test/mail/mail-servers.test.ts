import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dovecot, freePort, startDovecot } from "../support/dovecot.ts";
import { type Postfix, startPostfix } from "../support/postfix.ts";

// Self-test of the mail-server harness for the bounce work: a real Dovecot (IMAP + LMTP) and a real
// Postfix on 127.0.0.1, each with a throwaway configuration. A letter sent through Postfix with a VERP
// envelope sender to addresses it cannot deliver comes back as Postfix's own RFC 3464 DSN, delivered by
// LMTP into the agency mailbox, and is read back over IMAP.
//
// With SAVE_POSTFIX_FIXTURES=1 the DSNs, as fetched over IMAP, are written to
// test/bounces/fixtures/postfix-real-*.eml for the classifier tests.

const AGENCY = "ircc.mtl@ircc.example";
const PASSWORD = "test-password-ircc-mtl";
const VERP = "ircc.mtl+b-0b6f2c1e8d7a4c3b9e2f5a1d4c7b8e90@ircc.example";
const FIXTURES = path.join(import.meta.dirname, "..", "bounces", "fixtures");

let dovecot: Dovecot | undefined;
let postfix: Postfix | undefined;
let startup = "";

beforeAll(async () => {
  const t0 = Date.now();
  dovecot = await startDovecot({ users: [{ user: AGENCY, password: PASSWORD }] });
  const t1 = Date.now();
  postfix = await startPostfix({
    myDomain: "ircc.example",
    deliverDomains: [
      { domain: "ircc.example", lmtp: { host: dovecot.host, port: dovecot.lmtpPort } },
      // An LMTP server that is down: mail for this domain stays in the queue (deferred).
      { domain: "down.example", lmtp: { host: "127.0.0.1", port: await freePort() } },
    ],
    delayWarningTime: "1s",
  });
  startup = `Dovecot ${t1 - t0} ms, Postfix ${Date.now() - t1} ms`;
}, 40_000);

afterAll(async () => {
  // Each stop is independent: a failure of one must not leave the other running.
  await Promise.allSettled([postfix?.stop(), dovecot?.stop()]);
});

function imap(): ImapFlow {
  if (!dovecot) throw new Error("Dovecot did not start");
  return new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapPort,
    secure: false,
    auth: { user: AGENCY, pass: PASSWORD },
    logger: false,
  });
}

/** Both servers' log tails, for failure messages. */
function logs(): string {
  return `--- postfix maillog ---\n${postfix?.logTail() ?? "(not started)"}\n--- dovecot.log ---\n${dovecot?.logTail() ?? "(not started)"}`;
}

interface Part {
  headers: string;
  contentType: string;
  body: string;
}

/** Splits a (non-nested) multipart message into its parts: enough to check a DSN's structure. */
function parts(raw: string): { headers: string; parts: Part[] } {
  const split = (text: string) => {
    const at = text.search(/\r?\n\r?\n/);
    const headers = text.slice(0, at).replace(/\r?\n[ \t]+/g, " ");
    const contentType = /^content-type:\s*(.*)$/im.exec(headers)?.[1] ?? "text/plain";
    return { headers, contentType, body: text.slice(at).replace(/^\r?\n\r?\n/, "") };
  };
  const top = split(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(top.contentType)?.[1];
  if (!boundary) return { headers: top.headers, parts: [] };
  const chunks = top.body.split(`--${boundary}`).slice(1, -1);
  return { headers: top.headers, parts: chunks.map((c) => split(c.replace(/^\r?\n/, ""))) };
}

async function send(messageId: string, to: string[], dsn?: { ret: "HDRS"; envid: string }): Promise<void> {
  if (!postfix) throw new Error("Postfix did not start");
  const transport = nodemailer.createTransport({
    host: postfix.host,
    port: postfix.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({
      from: `Bureau de Montréal <${AGENCY}>`,
      to,
      subject: "Demande de documents",
      text: "Bonjour,\n\nVeuillez fournir les documents demandés.\n",
      messageId,
      date: new Date(),
      envelope: { from: VERP, to },
      ...(dsn ? { dsn: { ...dsn, notify: ["FAILURE", "DELAY"] } } : {}),
    });
    expect(info.accepted.sort()).toEqual([...to].sort());
  } finally {
    transport.close();
  }
}

/** Waits until the INBOX holds a message containing each of `ids`; returns their raw text by id. */
async function waitForDsns(ids: string[], timeoutMs = 30_000): Promise<Map<string, string>> {
  const client = imap();
  await client.connect();
  const found = new Map<string, string>();
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const deadline = Date.now() + timeoutMs;
      let seen = 0;
      while (found.size < ids.length) {
        if (Date.now() > deadline) {
          const missing = ids.filter((id) => !found.has(id)).join(", ");
          throw new Error(`no DSN for ${missing} in INBOX within ${timeoutMs} ms\n${logs()}`);
        }
        await client.noop(); // picks up EXISTS for what LMTP delivered meanwhile
        const exists = client.mailbox ? client.mailbox.exists : 0;
        if (exists > seen) {
          seen = exists;
          for (const m of await client.fetchAll("1:*", { uid: true, source: true })) {
            const raw = m.source?.toString("utf8") ?? "";
            for (const id of ids) if (raw.includes(id)) found.set(id, raw);
          }
        } else {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return found;
}

function saveFixture(name: string, raw: string): void {
  if (process.env.SAVE_POSTFIX_FIXTURES !== "1") return;
  mkdirSync(FIXTURES, { recursive: true });
  const file = path.join(FIXTURES, name);
  writeFileSync(file, raw);
  console.info(`saved ${file}`);
}

describe("mail-server harness (real Dovecot and Postfix on 127.0.0.1)", () => {
  it("Postfix bounces to the VERP sender; its DSNs reach the agency INBOX over LMTP and are read by IMAP", async () => {
    if (!dovecot || !postfix) throw new Error(`servers did not start\n${logs()}`);
    console.info(`mail servers started: ${startup}`);
    const unknownId = "<5d1f0b7e-2c4a-4e8b-9f3d-6a7c8e9b0a11@ircc.example>";
    const errorId = "<8b2e4c6a-1d3f-4a5b-8c7d-9e0f1a2b3c44@ircc.example>";
    const bothId = "<c4a7e9f1-3b5d-4c6e-8a0b-2d4f6a8c0e77@ircc.example>";
    // Headers only (RET=HDRS) for the single-recipient letters: the DSN carries text/rfc822-headers.
    await send(unknownId, ["nobody@ircc.example"], {
      ret: "HDRS",
      envid: "5d1f0b7e-2c4a-4e8b-9f3d-6a7c8e9b0a11",
    });
    await send(errorId, ["someone@unreachable.example"], {
      ret: "HDRS",
      envid: "8b2e4c6a-1d3f-4a5b-8c7d-9e0f1a2b3c44",
    });
    // No DSN parameters: Postfix returns the whole letter as message/rfc822.
    await send(bothId, ["nobody@ircc.example", "someone@unreachable.example"]);

    const found = await waitForDsns([unknownId, errorId, bothId]);

    const unknown = parts(found.get(unknownId)!);
    expect(unknown.headers).toMatch(
      /^Delivered-To: ircc\.mtl\+b-0b6f2c1e8d7a4c3b9e2f5a1d4c7b8e90@ircc\.example$/m,
    );
    expect(unknown.headers).toMatch(/^Return-Path: <>$/m);
    expect(unknown.headers).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mx\.ircc\.example>$/m);
    expect(unknown.headers).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    expect(unknown.parts.map((p) => p.contentType.split(";")[0])).toEqual([
      "text/plain",
      "message/delivery-status",
      "text/rfc822-headers",
    ]);
    const unknownStatus = unknown.parts[1]!.body;
    expect(unknownStatus).toMatch(/^Original-Envelope-Id: 5d1f0b7e-2c4a-4e8b-9f3d-6a7c8e9b0a11$/m);
    expect(unknownStatus).toMatch(/^Final-Recipient: rfc822; ?nobody@ircc\.example$/m);
    expect(unknownStatus).toMatch(/^Original-Recipient: rfc822; ?nobody@ircc\.example$/m);
    expect(unknownStatus).toMatch(/^Action: failed$/m);
    expect(unknownStatus).toMatch(/^Status: 5\.1\.1$/m);
    expect(unknownStatus).toMatch(
      /^Diagnostic-Code: smtp; 550 5\.1\.1 <nobody@ircc\.example> User doesn't exist/m,
    );
    expect(unknown.parts[2]!.body).toContain(`Message-ID: ${unknownId}`);

    const error = parts(found.get(errorId)!);
    expect(error.parts.map((p) => p.contentType.split(";")[0])).toEqual([
      "text/plain",
      "message/delivery-status",
      "text/rfc822-headers",
    ]);
    const errorStatus = error.parts[1]!.body;
    expect(errorStatus).toMatch(/^Final-Recipient: rfc822; ?someone@unreachable\.example$/m);
    expect(errorStatus).toMatch(/^Original-Recipient: rfc822; ?someone@unreachable\.example$/m);
    expect(errorStatus).toMatch(/^Action: failed$/m);
    expect(errorStatus).toMatch(/^Status: 5\.0\.0$/m);
    expect(errorStatus).toMatch(/^Diagnostic-Code: X-Postfix; no outside mail from tests$/m);
    expect(error.parts[2]!.body).toContain(`Message-ID: ${errorId}`);

    const both = parts(found.get(bothId)!);
    expect(both.parts.map((p) => p.contentType.split(";")[0])).toEqual([
      "text/plain",
      "message/delivery-status",
      "message/rfc822",
    ]);
    expect(both.parts[1]!.body.match(/^Final-Recipient:/gm)).toHaveLength(2);
    expect(both.parts[2]!.body).toContain(`Message-ID: ${bothId}`);
    expect(both.parts[2]!.body).toContain("Veuillez fournir les documents");

    await postfix.waitForLog(/status=sent \(250 2\.0\.0 <ircc\.mtl\+b-[0-9a-f]{32}@ircc\.example>/);

    saveFixture("postfix-real-unknown-user.eml", found.get(unknownId)!);
    saveFixture("postfix-real-error-transport.eml", found.get(errorId)!);
    saveFixture("postfix-real-two-recipients-full.eml", found.get(bothId)!);
    await postfix.flush();
  }, 45_000);

  it("a letter Postfix cannot hand over yet stays queued, and its delay notice reaches the INBOX", async () => {
    if (!dovecot || !postfix) throw new Error(`servers did not start\n${logs()}`);
    const delayedId = "<e1b3d5f7-9a2c-4e6b-8d0f-1a3c5e7b9d22@ircc.example>";
    await send(delayedId, ["m.tremblay@down.example"], {
      ret: "HDRS",
      envid: "e1b3d5f7-9a2c-4e6b-8d0f-1a3c5e7b9d22",
    });
    await postfix.waitForLog(/to=<m\.tremblay@down\.example>.*status=deferred \(connect to 127\.0\.0\.1/);
    await postfix.flush();
    const found = await waitForDsns([delayedId]);
    const delayed = parts(found.get(delayedId)!);
    expect(delayed.headers).toMatch(/^Subject: Delayed Mail \(still being retried\)$/m);
    expect(delayed.parts.map((p) => p.contentType.split(";")[0])).toEqual([
      "text/plain",
      "message/delivery-status",
      "text/rfc822-headers",
    ]);
    const status = delayed.parts[1]!.body;
    expect(status).toMatch(/^Final-Recipient: rfc822; ?m\.tremblay@down\.example$/m);
    expect(status).toMatch(/^Action: delayed$/m);
    expect(status).toMatch(/^Status: 4\.4\.1$/m);
    expect(delayed.parts[2]!.body).toContain(`Message-ID: ${delayedId}`);
    saveFixture("postfix-real-delayed.eml", found.get(delayedId)!);
  }, 30_000);

  it("IMAP: folders can be created, a message moved into one, UIDVALIDITY and UIDNEXT read", async () => {
    if (!dovecot) throw new Error(`Dovecot did not start\n${logs()}`);
    const letter = Buffer.from(
      [
        "From: someone@example.com",
        `To: ${AGENCY}`,
        "Subject: to be filed",
        "Message-ID: <filing.1@example.com>",
        "Date: Mon, 15 Jun 2026 16:00:00 +0000",
        "",
        "File me.",
        "",
      ].join("\r\n"),
    );
    await dovecot.append(AGENCY, letter);

    const client = imap();
    await client.connect();
    try {
      expect(client.capabilities.has("MOVE")).toBe(true);
      expect(client.capabilities.has("UIDPLUS")).toBe(true);
      await client.mailboxCreate("Processed");
      await client.mailboxCreate("Needs review");
      const names = (await client.list()).map((m) => m.path);
      expect(names).toEqual(expect.arrayContaining(["INBOX", "Processed", "Needs review"]));

      const before = await client.status("INBOX", { messages: true, uidNext: true, uidValidity: true });
      if (!before) throw new Error("STATUS INBOX failed");
      expect(typeof before.uidValidity).toBe("bigint");
      expect(before.uidValidity! > 0n).toBe(true);
      expect(before.uidNext).toBeGreaterThan(1);

      const lock = await client.getMailboxLock("INBOX");
      let uid: number;
      try {
        const box = client.mailbox;
        if (!box) throw new Error("INBOX not selected");
        expect(box.uidValidity).toBe(before.uidValidity);
        expect(box.uidNext).toBe(before.uidNext);
        const hits = await client.search(
          { header: { "message-id": "<filing.1@example.com>" } },
          { uid: true },
        );
        const hit = hits ? hits[0] : undefined;
        if (hit === undefined) throw new Error("appended letter not found in INBOX");
        uid = hit;
        const moved = await client.messageMove(String(uid), "Processed", { uid: true });
        if (!moved) throw new Error("MOVE failed");
        expect(moved.destination).toBe("Processed");
        expect(moved.uidMap?.get(uid)).toBe(1);
      } finally {
        lock.release();
      }

      const after = await client.status("INBOX", { messages: true, uidNext: true, uidValidity: true });
      if (!after) throw new Error("STATUS INBOX failed");
      expect(after.messages).toBe((before.messages ?? 0) - 1);
      expect(after.uidValidity).toBe(before.uidValidity);
      const processed = await client.status("Processed", {
        messages: true,
        uidNext: true,
        uidValidity: true,
      });
      expect(processed).toMatchObject({ messages: 1, uidNext: 2 });
      const review = await client.status("Needs review", { messages: true });
      expect(review).toMatchObject({ messages: 0 });

      // The harness can also file a letter straight into a folder.
      await dovecot.append(AGENCY, letter, "Needs review");
      expect(await client.status("Needs review", { messages: true })).toMatchObject({ messages: 1 });
    } finally {
      await client.logout().catch(() => client.close());
    }
  }, 20_000);
});
