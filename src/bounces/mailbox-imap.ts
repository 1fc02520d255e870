import { ImapFlow } from "imapflow";
import { type IntakeDeps, type IntakeResult, recordInbound } from "./intake.ts";
import { readCursor, writeCursor } from "./store.ts";

// C-16: the watcher of one office's generic mailbox over IMAP, with the office's own credentials. It
// resumes after the last UID it recorded (a new UIDVALIDITY starts the mailbox over; recording is
// idempotent by "imap:<uidvalidity>:<uid>", so nothing is recorded twice either way), and files each
// message it handled: reports matched or not a bounce into "Processed", the rest into "Needs review".

export const processedFolder = "Processed";
export const reviewFolder = "Needs review";
const INBOX = "INBOX";
const BATCH = 50;

export interface ImapMailbox {
  officeCode: string;
  /** imap://user:password@host:port or imaps://…; the user and password are the office's own. */
  url: string;
  ourMailboxes: readonly string[];
}

export async function pollImapMailbox(
  deps: IntakeDeps,
  mailbox: ImapMailbox,
): Promise<{ recorded: number; results: IntakeResult[] }> {
  const url = new URL(mailbox.url);
  const client = new ImapFlow({
    host: url.hostname,
    port: Number(url.port || (url.protocol === "imaps:" ? 993 : 143)),
    secure: url.protocol === "imaps:",
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
    // A loopback server in tests and development speaks plain IMAP; anything else must offer TLS.
    doSTARTTLS: url.protocol === "imaps:" ? undefined : !/^(127\.0\.0\.1|localhost)$/.test(url.hostname),
  });
  await client.connect();
  const results: IntakeResult[] = [];
  try {
    await ensureFolders(client);
    const lock = await client.getMailboxLock(INBOX);
    try {
      const opened = client.mailbox;
      if (!opened) throw new Error("mailbox not open");
      const uidValidity = Number(opened.uidValidity);
      const cursor = await readCursor(deps.db, mailbox.officeCode, INBOX);
      let lastUid = cursor && cursor.uidValidity === uidValidity ? cursor.lastUid : 0;
      for (;;) {
        const uids = ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || [])
          .filter((u) => u > lastUid)
          .sort((a, b) => a - b)
          .slice(0, BATCH);
        if (uids.length === 0) break;
        const toProcessed: number[] = [];
        const toReview: number[] = [];
        for (const uid of uids) {
          const msg = await client.fetchOne(
            String(uid),
            { uid: true, source: true, internalDate: true },
            { uid: true },
          );
          if (msg && msg.source !== undefined) {
            const receivedAt = msg.internalDate instanceof Date ? msg.internalDate : deps.clock.now();
            const result = await recordInbound(deps, {
              officeCode: mailbox.officeCode,
              sourceKey: `imap:${uidValidity}:${uid}`,
              raw: msg.source,
              receivedAt,
              ourMailboxes: mailbox.ourMailboxes,
            });
            results.push(result);
            (result.status === "needs-review" ? toReview : toProcessed).push(uid);
          }
          lastUid = uid;
          // The cursor moves after each message: a crash here re-reads at most one, which is then a duplicate.
          await writeCursor(deps.db, {
            officeCode: mailbox.officeCode,
            mailbox: INBOX,
            uidValidity,
            lastUid,
            updatedAt: deps.clock.now(),
          });
        }
        if (toProcessed.length > 0)
          await client.messageMove(toProcessed.join(","), processedFolder, { uid: true });
        if (toReview.length > 0) await client.messageMove(toReview.join(","), reviewFolder, { uid: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { recorded: results.filter((r) => r.status !== "duplicate").length, results };
}

async function ensureFolders(client: ImapFlow): Promise<void> {
  const existing = new Set((await client.list()).map((m) => m.path));
  for (const folder of [processedFolder, reviewFolder])
    if (!existing.has(folder)) await client.mailboxCreate(folder);
}
