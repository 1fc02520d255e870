import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";
import { fileNotes, outbox, sealedMessages } from "../db/schema/correspondence.ts";
import type { BlobStore } from "../evidence/blob-store.ts";
import type { ApplicationId } from "../files/model.ts";
import { routeCorrespondence } from "../files/rules.ts";
import { findOffice, loadFileParties } from "../files/store.ts";
import type { DkimKey } from "../mail/dkim.ts";
import { sealMessage } from "../mail/seal.ts";
import type { MailTransport } from "../mail/transport.ts";
import { sentNote } from "./notes.ts";
import { checkRecipient, chooseChannel } from "./rules.ts";
import {
  type AttachmentRow,
  appendLetterEvent,
  attachmentsOf,
  claimDueLetters,
  findLetter,
  findSealed,
  type LetterEventKind,
  type LetterRow,
  letterEvents,
  stateOf,
} from "./store.ts";

// The dispatcher of `liaison worker` (principle 4): claims due letters, seals them (bytes stored before
// the SMTP hand-off), hands them to the relay, and records what the relay answered. Run twice, or by two
// workers at once, it sends nothing twice: a letter is claimed by one, and a letter already sealed is
// re-sent with the same bytes and Message-ID.

export interface DispatchDeps {
  db: Executor;
  clock: Clock;
  blobs: BlobStore;
  transport: MailTransport;
  /** The DKIM key of a sending domain (the office mailbox's domain), created on first use. */
  dkimKeyFor(domain: string): Promise<DkimKey>;
  logger: Logger;
  /** C-13: a sealed message larger than this goes by post. */
  outboundLimitBytes: number;
  /** C-18: temporary failures are retried this many times in all, with growing delays. */
  maxAttempts: number;
}

const dispatcher: Actor = { kind: "job", name: "dispatcher" };

/** Retry delays after a temporary failure: 1 min, 5 min, 15 min, 1 h, then every 3 h (C-18). */
export function backoffMs(attempt: number): number {
  const steps = [60_000, 300_000, 900_000, 3_600_000];
  return steps[attempt - 1] ?? 10_800_000;
}

const event = (
  tx: Executor,
  id: string,
  kind: LetterEventKind,
  at: Date,
  details: Record<string, unknown> = {},
) => appendLetterEvent(tx, id, kind, at, dispatcher, details);

/** Sends what is due; returns how many letters reached an outcome (sent, refused, rerouted, retried). */
export async function dispatchDue(deps: DispatchDeps, opts: { batch?: number; leaseMs?: number } = {}) {
  const ids = await claimDueLetters(deps.db, deps.clock.now(), opts.batch ?? 50, opts.leaseMs ?? 300_000);
  let done = 0;
  for (const id of ids) {
    try {
      await dispatchOne(deps, id);
      done++;
    } catch (e) {
      // The lease runs out and another pass takes the letter again; nothing is lost.
      deps.logger.error({ letter: id, err: { type: (e as Error).name } }, "dispatch failed");
    }
  }
  return { done, claimed: ids.length };
}

async function dispatchOne(deps: DispatchDeps, id: string): Promise<void> {
  const { db, clock } = deps;
  const letter = await findLetter(db, id);
  const events = letter ? await letterEvents(db, id) : [];
  if (!letter || stateOf(events) !== "generated") {
    await db.delete(outbox).where(eq(outbox.correspondenceId, id));
    return;
  }
  const [office, parties] = await Promise.all([
    findOffice(db, letter.officeCode),
    loadFileParties(db, letter.applicationId as ApplicationId),
  ]);
  if (!office || !parties) throw new Error("letter without office or parties");

  // C-5 at the moment of sending: the address on the letter must still be the routed one.
  const now = clock.now();
  const problem = checkRecipient({ routingNow: routeCorrespondence(parties, now), recorded: letter.address });
  if (problem) {
    await db.transaction(async (tx) => {
      await event(tx, id, "cancelled", now, { reason: problem });
      await tx.delete(outbox).where(eq(outbox.correspondenceId, id));
      await audit(tx, letter, now, "letter.cancelled-address-changed", { reason: problem });
    });
    return;
  }

  const attachments = await attachmentsOf(db, id);
  const { bytes, envelope, messageId } = await sealOnce(deps, letter, office, attachments);

  const channel = chooseChannel(routeCorrespondence(parties, now), bytes.length, deps.outboundLimitBytes);
  if (channel.channel === "post") {
    await db.transaction(async (tx) => {
      await event(tx, id, "routed-to-post", now, { reason: channel.reason, size: bytes.length });
      await tx.delete(outbox).where(eq(outbox.correspondenceId, id));
    });
    return;
  }

  const outcome = await deps.transport.send(bytes, envelope, () => clock.now());
  const [row] = await db.select().from(outbox).where(eq(outbox.correspondenceId, id));
  const attempts = row?.attempts ?? 1;
  await db.transaction(async (tx) => {
    switch (outcome.kind) {
      case "accepted": {
        // B-5: "accepted by the recipient's mail server", with its reply; never "delivered".
        await event(tx, id, "sent", outcome.at, {
          smtpReply: outcome.response,
          messageId,
          envelope,
          attempts,
        });
        const note = sentNote({
          letterType: letter.letterType,
          channel: "email",
          recipientName: letter.recipientName,
          recipientRole: letter.recipientRole,
          address: letter.address,
          subject: letter.subject,
          body: letter.body,
          sentAt: outcome.at,
          timeZone: office.timeZone,
          smtpReply: outcome.response,
          ...(letter.deadline ? { deadline: letter.deadline } : {}),
          attachments,
        });
        await tx.insert(fileNotes).values({
          applicationId: letter.applicationId,
          correspondenceId: id,
          kind: "letter-sent",
          textEn: note.en,
          textFr: note.fr,
          at: outcome.at,
        });
        await event(tx, id, "note-written", outcome.at, { kind: "letter-sent" });
        await tx.delete(outbox).where(eq(outbox.correspondenceId, id));
        await audit(tx, letter, outcome.at, "letter.sent", { attempts });
        break;
      }
      case "temporary": {
        const at = clock.now();
        if (attempts >= deps.maxAttempts) {
          // C-18: only the final outcome counts; email gave up, so the letter goes by post (C-4).
          await event(tx, id, "smtp-rejected", at, {
            response: outcome.response,
            attempts,
            final: "gave-up",
          });
          await event(tx, id, "routed-to-post", at, { reason: "email-failed" });
          await tx.delete(outbox).where(eq(outbox.correspondenceId, id));
        } else {
          await event(tx, id, "smtp-temporary-failure", at, { response: outcome.response, attempts });
          await tx
            .update(outbox)
            .set({ nextAttemptAt: new Date(at.getTime() + backoffMs(attempts)), leasedUntil: null })
            .where(eq(outbox.correspondenceId, id));
        }
        break;
      }
      case "rejected": {
        const at = clock.now();
        await event(tx, id, "smtp-rejected", at, { response: outcome.response, attempts });
        await event(tx, id, "routed-to-post", at, { reason: "email-rejected" });
        await tx.delete(outbox).where(eq(outbox.correspondenceId, id));
        await audit(tx, letter, at, "letter.rejected-by-relay", { attempts });
        break;
      }
    }
  });
}

/**
 * The letter's bytes: sealed and stored the first time, read back every later time, so a retry or a
 * re-run after a crash sends exactly the same bytes with the same Message-ID (principle 4). Its attached
 * files are sealed into it from the blob store, so they count in its size (C-13).
 */
async function sealOnce(
  deps: DispatchDeps,
  letter: LetterRow,
  office: { nameEn: string; nameFr: string; genericMailbox: string },
  attachments: readonly AttachmentRow[],
) {
  const existing = await findSealed(deps.db, letter.id);
  if (existing) {
    const bytes = await deps.blobs.get(existing.sha256);
    if (!bytes) throw new Error("sealed message missing from the blob store");
    return {
      bytes,
      envelope: { from: existing.envelopeFrom, to: existing.envelopeTo },
      messageId: existing.messageId,
    };
  }
  const domain = office.genericMailbox.slice(office.genericMailbox.lastIndexOf("@") + 1);
  const files = await Promise.all(
    attachments.map(async (a) => {
      const content = await deps.blobs.get(a.sha256);
      // A letter naming bytes that are gone is a broken record: nothing is sent without them.
      if (!content) throw new Error("attachment missing from the blob store");
      return { filename: a.filename, contentType: a.contentType, content };
    }),
  );
  const now = deps.clock.now();
  const sealed = await sealMessage({
    correspondenceId: letter.id,
    from: {
      name:
        letter.language === "en"
          ? office.nameEn
          : letter.language === "fr"
            ? office.nameFr
            : `${office.nameFr} / ${office.nameEn}`,
      address: letter.fromAddress,
    },
    to: letter.address,
    subject: letter.subject,
    text: letter.body,
    attachments: files,
    language: letter.language,
    messageIdDomain: domain,
    dkim: await deps.dkimKeyFor(domain),
    date: now,
  });
  // Stored durably before the hand-off; the row says which bytes are this letter's, for good.
  await deps.blobs.put(sealed.bytes);
  await deps.db.transaction(async (tx) => {
    await tx.insert(sealedMessages).values({
      correspondenceId: letter.id,
      sha256: sealed.sha256,
      size: sealed.size,
      messageId: sealed.messageId,
      envelopeFrom: sealed.envelope.from,
      envelopeTo: sealed.envelope.to,
      dkim: sealed.dkim,
      sealedAt: now,
    });
    await event(tx, letter.id, "sealed", now, {
      sha256: sealed.sha256,
      size: sealed.size,
      messageId: sealed.messageId,
    });
  });
  return { bytes: sealed.bytes, envelope: sealed.envelope, messageId: sealed.messageId };
}

async function audit(
  tx: Executor,
  letter: LetterRow,
  at: Date,
  action: string,
  details: Record<string, unknown>,
) {
  await recordAudit(tx, dispatcher, at, {
    action,
    subjectType: "correspondence",
    subjectId: letter.id,
    officeCode: letter.officeCode,
    details,
  });
}
