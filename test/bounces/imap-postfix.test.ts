import path from "node:path";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IntakeResult } from "../../src/bounces/intake.ts";
import { pollImapMailbox, processedFolder, reviewFolder } from "../../src/bounces/mailbox-imap.ts";
import { readCursor } from "../../src/bounces/store.ts";
import { readConfig } from "../../src/config.ts";
import { type DispatchDeps, dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { openLetter } from "../../src/correspondence/service.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { openFile, recordContactPoint } from "../../src/files/service.ts";
import { createLogger } from "../../src/logger.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { type Dovecot, startDovecot } from "../support/dovecot.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";
import { type Postfix, startPostfix } from "../support/postfix.ts";

// C-16 against real servers: Liaison sends through a real Postfix to an address it cannot deliver;
// Postfix writes its own DSN to our VERP envelope address and hands it by LMTP to a real Dovecot, where
// the office's generic mailbox is read over IMAP with the office's own credentials. The report is
// matched, acted on, filed into "Processed", and never recorded twice, across restarts of the watcher.

const MAILBOX = "ircc.mtl-correspondance@ircc.example";
const PASSWORD = "mailbox-password-mtl";
let desk: LetterDesk;
let dovecot: Dovecot;
let postfix: Postfix;
let dispatch: DispatchDeps;
let url: string;

beforeAll(async () => {
  desk = await openLetterDesk();
  dovecot = await startDovecot({ users: [{ user: MAILBOX, password: PASSWORD }] });
  postfix = await startPostfix({
    myDomain: "ircc.example",
    deliverDomains: [{ domain: "ircc.example", lmtp: { host: dovecot.host, port: dovecot.lmtpPort } }],
  });
  dispatch = {
    ...outboundServices(
      { ...readConfig({}), dataDir: desk.dataDir, smtpUrl: `smtp://127.0.0.1:${postfix.smtpPort}` },
      undefined,
    ),
    db: desk.database.db,
    clock: desk.clock,
    logger: createLogger("silent"),
  };
  url = `imap://${encodeURIComponent(MAILBOX)}:${PASSWORD}@127.0.0.1:${dovecot.imapPort}`;
}, 60_000);

afterAll(async () => {
  dispatch?.transport.close();
  await Promise.allSettled([postfix?.stop(), dovecot?.stop()]);
  await desk?.dispose();
});

const intake = () => ({
  db: desk.database.db,
  clock: desk.clock,
  blobs: fileBlobStore(path.join(desk.dataDir, "blobs")),
  logger: createLogger("silent"),
});
const poll = () => pollImapMailbox(intake(), { officeCode: "MTL", url, ourMailboxes: [MAILBOX] });

async function pollUntil(found: (r: IntakeResult) => boolean, timeoutMs = 30_000): Promise<IntakeResult> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { results } = await poll();
    const hit = results.find(found);
    if (hit) return hit;
    await postfix.flush();
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no report came in\n${postfix.logTail()}\n${dovecot.logTail()}`);
}

async function folderCount(folder: string): Promise<number> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapPort,
    secure: false,
    auth: { user: MAILBOX, pass: PASSWORD },
    logger: false,
  });
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

describe("a real Postfix bounce read from a real Dovecot (C-16, C-17)", () => {
  it("C-16/C-17: Postfix's own DSN for an undeliverable address is matched by VERP; the letter goes to the post; the report is filed", async () => {
    const number = desk.showcase("applicant-wrote-by-email");
    const file = await openFile(desk.services(), desk.agent, number);
    await recordContactPoint(desk.services(), desk.agent, number, {
      partyId: file.parties.applicant.id,
      kind: "email",
      value: "someone@unreachable.example",
      source: "client-email",
      providedAt: instantToWallTime(new Date(desk.clock.now().getTime() - 60_000), "America/Toronto").slice(
        0,
        16,
      ),
    });
    const id = await desk.send(number);
    expect((await dispatchDue(dispatch)).done).toBe(1);
    const { events } = await openLetter(desk.services(), desk.agent, id);
    // B-5: Postfix accepted it (250 with its queue id) before it found it could not deliver.
    const sent = events.find((e) => e.kind === "sent")!;
    expect(sent.details.smtp).toMatchObject({ tls: "none" });
    expect(String((sent.details.smtp as { queueId?: string }).queueId)).toMatch(/^[0-9A-F]+$/);

    const result = await pollUntil((r) => r.status === "matched");
    expect(result).toMatchObject({ status: "matched", correspondenceId: id, outcome: "post" });
    const after = await openLetter(desk.services(), desk.agent, id);
    expect(after.state).toBe("bounced");
    expect(after.events.find((e) => e.kind === "bounced")?.details).toMatchObject({ kind: "hard" });
    expect(await folderCount(processedFolder)).toBe(1);
    expect(await folderCount("INBOX")).toBe(0);
  });

  it("C-16: the watcher resumes after its last UID; a report it cannot match is filed for review; nothing is read twice", async () => {
    const cursorBefore = await readCursor(desk.database.db, "MTL", "INBOX");
    expect(cursorBefore?.lastUid).toBeGreaterThan(0);
    const stranger = [
      "From: MAILER-DAEMON@mx.elsewhere.example",
      `To: ${MAILBOX}`,
      "Subject: Undelivered Mail Returned to Sender",
      "",
      "<nobody@elsewhere.example>: host mx.elsewhere.example said: 550 5.1.1 User unknown",
      "",
    ].join("\r\n");
    const outOfOffice = [
      "From: Someone <someone@example.org>",
      `To: ${MAILBOX}`,
      "Subject: Automatic reply: Your file",
      "Auto-Submitted: auto-replied",
      "",
      "I am out of the office until Monday.",
      "",
    ].join("\r\n");
    await dovecot.append(MAILBOX, Buffer.from(stranger));
    await dovecot.append(MAILBOX, Buffer.from(outOfOffice));
    const first = await poll();
    expect(first.results.map((r) => r.status).sort()).toEqual(["needs-review", "not-a-bounce"]);
    expect(await folderCount(reviewFolder)).toBe(1);
    expect(await folderCount(processedFolder)).toBe(2);
    // A watcher started again later reads nothing new.
    const second = await poll();
    expect(second.results).toEqual([]);
    const cursor = await readCursor(desk.database.db, "MTL", "INBOX");
    expect(cursor!.lastUid).toBe(cursorBefore!.lastUid + 2);
    expect(cursor!.uidValidity).toBe(cursorBefore!.uidValidity);
  });

  it("C-16: wrong credentials fail loudly and record nothing", async () => {
    const bad = `imap://${encodeURIComponent(MAILBOX)}:wrong@127.0.0.1:${dovecot.imapPort}`;
    await expect(
      pollImapMailbox(intake(), { officeCode: "MTL", url: bad, ourMailboxes: [MAILBOX] }),
    ).rejects.toThrow();
  });
});
