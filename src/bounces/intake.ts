import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import { schedule } from "../correspondence/service.ts";
import {
  appendLetterEvents,
  attachmentsOf,
  findLetter,
  type LetterRow,
  letterEvents,
  stateOf,
} from "../correspondence/store.ts";
import type { Executor } from "../db/client.ts";
import { inboundMessages } from "../db/schema/bounces.ts";
import { correspondence, correspondenceAttachments } from "../db/schema/correspondence.ts";
import type { BlobStore } from "../evidence/blob-store.ts";
import { jsonDetails } from "../evidence/canonical.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import type { ApplicationId } from "../files/model.ts";
import { routeCorrespondence } from "../files/rules.ts";
import { loadFileParties } from "../files/store.ts";
import { decodeVerp } from "../mail/verp.ts";
import { type ParsedReport, parseReport } from "./parse.ts";
import { bounceOutcome } from "./rules.ts";
import { inboundExists, letterByMessageId, letterExists, lettersToRecipientBetween } from "./store.ts";

// C-16..C-18: one message from an office's generic mailbox, recorded once whatever it is: parsed,
// matched to the letter it reports on (by our VERP envelope address, else the original Message-ID, else
// the failed recipient within a window), put on the ledger (B-6: matched or not), and acted on: a letter
// re-sent to the party's new address, sent to the post, or a warning to follow up. What is not matched
// waits in the review queue of /agent/bounces; nothing is dropped.

export interface IntakeDeps {
  db: Executor;
  clock: Clock;
  blobs: BlobStore;
  logger: Logger;
}

export interface MailboxMessage {
  officeCode: string;
  /** Where it was read, unique in the office: "imap:<uidvalidity>:<uid>", "sink:<id>". */
  sourceKey: string;
  raw: Buffer;
  receivedAt: Date;
  /** The envelope recipient, when the mailbox tells it (the VERP address of the letter). */
  envelopeTo?: string | undefined;
  /** The office's generic mailboxes: a VERP address must be one of ours. */
  ourMailboxes: readonly string[];
}

export type IntakeResult =
  | { status: "duplicate" }
  | { status: "matched"; id: string; correspondenceId: string; outcome: string }
  | { status: "needs-review"; id: string }
  | { status: "not-a-bounce"; id: string };

const watcher: Actor = { kind: "job", name: "mailbox-watcher" };
const RECIPIENT_WINDOW_MS = 14 * 86_400_000;

export async function recordInbound(deps: IntakeDeps, msg: MailboxMessage): Promise<IntakeResult> {
  if (await inboundExists(deps.db, msg.officeCode, msg.sourceKey)) return { status: "duplicate" };
  const report = await parseReport(msg.raw, msg.envelopeTo ? { envelopeTo: msg.envelopeTo } : {});
  const sha256 = await deps.blobs.put(msg.raw);
  const match = await matchReport(deps.db, report, msg);
  const letter = match ? await findLetter(deps.db, match.correspondenceId) : undefined;
  const id = randomUUID();
  const now = deps.clock.now();
  const first = relevantRecipient(report, letter);
  return deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(inboundMessages)
      .values({
        id,
        officeCode: msg.officeCode,
        sourceKey: msg.sourceKey,
        receivedAt: msg.receivedAt,
        recordedAt: now,
        sha256,
        size: msg.raw.length,
        envelopeTo: msg.envelopeTo ?? report.envelopeTo ?? null,
        format: report.format,
        kind: report.kind,
        report: jsonDetails({ recipients: report.recipients, subject: report.subject, date: report.date }),
        originalMessageId: report.originalMessageId,
        correspondenceId: letter?.id ?? null,
        matchedBy: letter ? match!.by : null,
      })
      .onConflictDoNothing()
      .returning({ id: inboundMessages.id });
    // Another watcher recorded it a moment ago.
    if (!inserted) return { status: "duplicate" } as const;
    // B-6: every inbound report is on the ledger, matched or not, so a later deletion would show.
    await appendToLedger(tx, [
      {
        kind: "inbound-report",
        subject: { type: "inbound-report", id },
        at: msg.receivedAt,
        actor: watcher,
        details: {
          office: msg.officeCode,
          sha256,
          size: msg.raw.length,
          format: report.format,
          kind: report.kind,
          recipients: report.recipients.map((r) => ({
            recipient: r.recipient,
            action: r.action,
            status: r.status,
            kind: r.kind,
            reason: r.reason,
          })),
          originalMessageId: report.originalMessageId,
          correspondence: letter?.id ?? null,
          matchedBy: letter ? match!.by : null,
        },
      },
    ]);
    await recordAudit(tx, watcher, now, {
      action: "mailbox.report-recorded",
      subjectType: "inbound-report",
      subjectId: id,
      officeCode: msg.officeCode,
      details: {
        kind: report.kind,
        format: report.format,
        matched: Boolean(letter),
        matchedBy: match?.by ?? null,
      },
    });
    if (!letter)
      return report.kind === "not-a-bounce" ? { status: "not-a-bounce", id } : { status: "needs-review", id };
    const outcome = await actOnReport(tx, letter, id, first, now);
    return { status: "matched", id, correspondenceId: letter.id, outcome };
  });
}

export type Recipient = ParsedReport["recipients"][number];

/** The line of the report about this letter's address (a report may list several recipients). */
export function relevantRecipient(
  report: ParsedReport,
  letter: LetterRow | undefined,
): Recipient | undefined {
  const address = letter?.address.toLowerCase();
  return (
    report.recipients.find((r) => address && r.recipient?.toLowerCase() === address) ?? report.recipients[0]
  );
}

/** Addresses the report was delivered to, as the mail system wrote them in its headers. */
function deliveredTo(raw: Buffer): string[] {
  const head = raw.subarray(0, 65_536).toString("latin1");
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const out: string[] = [];
  for (const m of headers.matchAll(/^(?:delivered-to|x-original-to|envelope-to|x-envelope-to|to):(.*)$/gim))
    for (const a of (m[1] ?? "").matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)) out.push(a[0]);
  return out;
}

async function matchReport(
  db: Executor,
  report: ParsedReport,
  msg: MailboxMessage,
): Promise<{ correspondenceId: string; by: "verp" | "message-id" | "recipient-window" } | undefined> {
  for (const address of [msg.envelopeTo, report.envelopeTo, ...deliveredTo(msg.raw)]) {
    if (!address) continue;
    const verp = decodeVerp(address, msg.ourMailboxes);
    if (verp && (await letterExists(db, verp.correspondenceId)))
      return { correspondenceId: verp.correspondenceId, by: "verp" };
  }
  if (report.originalMessageId) {
    const id = await letterByMessageId(db, report.originalMessageId);
    if (id) return { correspondenceId: id, by: "message-id" };
  }
  if (report.kind === "not-a-bounce") return undefined;
  for (const r of report.recipients) {
    if (!r.recipient) continue;
    const found = await lettersToRecipientBetween(
      db,
      r.recipient,
      new Date(msg.receivedAt.getTime() - RECIPIENT_WINDOW_MS),
      msg.receivedAt,
    );
    if (found.length === 1) return { correspondenceId: found[0]!.id, by: "recipient-window" };
  }
  return undefined;
}

/** C-17, C-18, B-5: what the report does to its letter, as events on the letter (each on the ledger). */
export async function actOnReport(
  tx: Executor,
  letter: LetterRow,
  inboundId: string,
  line: Recipient | undefined,
  now: Date,
): Promise<string> {
  const state = stateOf(await letterEvents(tx, letter.id));
  const parties = await loadFileParties(tx, letter.applicationId as ApplicationId);
  if (!parties) throw new Error("letter without parties");
  const routingNow = routeCorrespondence(parties, now);
  const outcome = bounceOutcome({
    state,
    letterAddress: letter.address,
    reportKind: line?.kind ?? "not-a-bounce",
    action: line?.action ?? null,
    routingNow,
  });
  const facts = {
    inboundReport: inboundId,
    kind: line?.kind ?? "not-a-bounce",
    reason: line?.reason ?? null,
    action: line?.action ?? null,
    status: line?.status ?? null,
    diagnostic: line?.diagnostic?.slice(0, 500) ?? null,
  };
  const event = (
    kind: "bounced" | "inbound-report" | "routed-to-post" | "resent",
    details: Record<string, unknown>,
  ) => ({
    letterId: letter.id,
    kind,
    at: now,
    actor: watcher,
    details,
  });
  switch (outcome.kind) {
    case "warning":
    case "record":
      await appendLetterEvents(tx, [event("inbound-report", facts)]);
      return outcome.kind;
    case "post":
      await appendLetterEvents(tx, [event("bounced", facts), event("routed-to-post", { reason: "bounced" })]);
      await recordAudit(tx, watcher, now, {
        action: "letter.bounced-to-post",
        subjectType: "correspondence",
        subjectId: letter.id,
        officeCode: letter.officeCode,
        details: { inboundReport: inboundId },
      });
      return "post";
    case "resend": {
      const newId = await resendToUpdatedAddress(tx, letter, outcome.routing, now);
      await appendLetterEvents(tx, [
        event("bounced", facts),
        event("resent", {
          newLetter: newId,
          address: outcome.routing.address,
          channel: outcome.routing.channel,
        }),
      ]);
      await recordAudit(tx, watcher, now, {
        action: "letter.resent-after-bounce",
        subjectType: "correspondence",
        subjectId: letter.id,
        officeCode: letter.officeCode,
        details: { inboundReport: inboundId, newLetter: newId },
      });
      return "resend";
    }
  }
}

/** C-17: the same letter (content, attachments) as a new record to the updated address, linked to the old. */
async function resendToUpdatedAddress(
  tx: Executor,
  letter: LetterRow,
  routing: Extract<ReturnType<typeof routeCorrespondence>, { channel: "email" | "post" }>,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await tx.insert(correspondence).values({
    ...letter,
    id,
    recipientPartyId: routing.recipient.id,
    recipientRole: routing.recipient.role,
    recipientName: routing.recipient.name,
    channel: routing.channel,
    routingReason: routing.reason,
    address: routing.address,
    contactPointSeq: routing.contactPoint.seq,
    createdAt: now,
    createdBy: null,
    replaces: letter.id,
  });
  const attachments = await attachmentsOf(tx, letter.id);
  if (attachments.length > 0)
    await tx
      .insert(correspondenceAttachments)
      .values(attachments.map((a) => ({ ...a, correspondenceId: id })));
  await schedule(tx, id, routing.channel, now, watcher);
  return id;
}

export async function inboundById(db: Executor, id: string) {
  const [row] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, id));
  return row;
}
