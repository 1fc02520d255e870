import { eq, inArray, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { type Actor, type AuditEntry, recordAudits } from "../audit/record.ts";
import {
  currentRateLimits,
  domainOf,
  limitFor,
  returnTokens,
  takeTokens,
  type Want,
} from "../batches/rate-limits.ts";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";
import { insertMany } from "../db/insert-many.ts";
import { fileNotes, outbox, sealedMessages } from "../db/schema/correspondence.ts";
import type { BlobStore } from "../evidence/blob-store.ts";
import type { ApplicationId } from "../files/model.ts";
import { routeCorrespondence } from "../files/rules.ts";
import { findOffice, loadPartiesOfFiles, type Office } from "../files/store.ts";
import type { DkimKey } from "../mail/dkim.ts";
import { type OutboundEnvelope, sealMessage } from "../mail/seal.ts";
import type { MailTransport, SmtpOutcome } from "../mail/transport.ts";
import { noteSha256 } from "./letter-content.ts";
import { sentNote } from "./notes.ts";
import { checkRecipient, chooseChannel } from "./rules.ts";
import {
  type AttachmentRow,
  appendLetterEvents,
  attachmentsOfLetters,
  claimDueLetters,
  eventsOfLetters,
  type LetterEventKind,
  type LetterRow,
  lettersByIds,
  type NewLetterEvent,
  sealedOfLetters,
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

/**
 * What one pass decided, written in one transaction: events (each also on the ledger), notes, audit
 * events, and what becomes of each outbox row.
 */
class Outcomes {
  readonly events: NewLetterEvent[] = [];
  readonly notes: (typeof fileNotes.$inferInsert)[] = [];
  readonly audits: (AuditEntry & { at: Date })[] = [];
  readonly sealed: (typeof sealedMessages.$inferInsert)[] = [];
  /** Letters whose email part is over: their outbox row goes. */
  readonly finished: string[] = [];
  readonly retries: { id: string; at: Date }[] = [];
  /** Letters a rate limit held back: taken again when their turn comes, not counted as an attempt. */
  readonly deferred: { id: string; at: Date }[] = [];

  event(letterId: string, kind: LetterEventKind, at: Date, details: Record<string, unknown> = {}) {
    this.events.push({ letterId, kind, at, actor: dispatcher, details });
  }

  audit(letter: LetterRow, at: Date, action: string, details: Record<string, unknown>) {
    this.audits.push({
      at,
      action,
      subjectType: "correspondence",
      subjectId: letter.id,
      officeCode: letter.officeCode,
      details,
    });
  }

  get empty() {
    return (
      this.events.length +
        this.finished.length +
        this.retries.length +
        this.sealed.length +
        this.deferred.length ===
      0
    );
  }

  async write(db: Executor): Promise<void> {
    if (this.empty) return;
    await db.transaction(async (tx) => {
      await insertMany(tx, sealedMessages, this.sealed);
      await appendLetterEvents(tx, this.events);
      await insertMany(tx, fileNotes, this.notes);
      if (this.finished.length > 0)
        await tx.delete(outbox).where(inArray(outbox.correspondenceId, this.finished));
      for (const r of this.retries)
        await tx
          .update(outbox)
          .set({ nextAttemptAt: r.at, leasedUntil: null })
          .where(eq(outbox.correspondenceId, r.id));
      for (const d of this.deferred)
        await tx
          .update(outbox)
          .set({ nextAttemptAt: d.at, leasedUntil: null, attempts: sql`${outbox.attempts} - 1` })
          .where(eq(outbox.correspondenceId, d.id));
      await recordAudits(tx, dispatcher, this.audits);
    });
  }
}

interface Claimed {
  letter: LetterRow;
  attempts: number;
  office: Office;
  attachments: AttachmentRow[];
}

interface Sealed {
  bytes: Buffer;
  envelope: OutboundEnvelope;
  messageId: string;
}

/**
 * Sends what is due, a batch at a time: claims up to `batch` letters, reads what they need in a few
 * queries, seals the new ones and commits their seals before any of them is handed to SMTP (principle 4),
 * hands them to the relay concurrently over the pooled connections, and records every outcome in one
 * transaction. Returns how many letters reached an outcome (sent, refused, rerouted, retried).
 */
export async function dispatchDue(deps: DispatchDeps, opts: { batch?: number; leaseMs?: number } = {}) {
  const claimed = await claimDueLetters(deps.db, deps.clock.now(), opts.batch ?? 50, opts.leaseMs ?? 300_000);
  if (claimed.length === 0) return { done: 0, claimed: 0 };
  try {
    return { done: await dispatchBatch(deps, claimed), claimed: claimed.length };
  } catch (e) {
    // The leases run out and another pass takes the letters again; nothing is lost, nothing sealed twice.
    deps.logger.error({ letters: claimed.length, err: { type: (e as Error).name } }, "dispatch failed");
    return { done: 0, claimed: claimed.length };
  }
}

async function dispatchBatch(deps: DispatchDeps, claims: readonly { id: string; attempts: number }[]) {
  const { db, clock } = deps;
  const ids = claims.map((c) => c.id);
  const [letters, events, sealedRows, attachments] = await Promise.all([
    lettersByIds(db, ids),
    eventsOfLetters(db, ids),
    sealedOfLetters(db, ids),
    attachmentsOfLetters(db, ids),
  ]);
  const byId = new Map(letters.map((l) => [l.id, l]));
  const partiesOf = await loadPartiesOfFiles(
    db,
    letters.map((l) => l.applicationId as ApplicationId),
  );
  const offices = new Map<string, Office>();
  for (const code of new Set(letters.map((l) => l.officeCode))) {
    const office = await findOffice(db, code);
    if (office) offices.set(code, office);
  }
  const sealedOf = new Map(sealedRows.map((r) => [r.correspondenceId, r]));

  // Before the hand-off: letters no longer to send, letters whose address changed (C-5), and seals.
  const before = new Outcomes();
  const now = clock.now();
  const toSend: Claimed[] = [];
  for (const { id, attempts } of claims) {
    const letter = byId.get(id);
    if (!letter || stateOf(events.get(id) ?? []) !== "generated") {
      before.finished.push(id);
      continue;
    }
    const parties = partiesOf.get(letter.applicationId as ApplicationId);
    const office = offices.get(letter.officeCode);
    if (!office || !parties) throw new Error("letter without office or parties");
    const problem = checkRecipient({
      routingNow: routeCorrespondence(parties, now),
      recorded: letter.address,
    });
    if (problem) {
      before.event(id, "cancelled", now, { reason: problem });
      before.finished.push(id);
      before.audit(letter, now, "letter.cancelled-address-changed", { reason: problem });
      continue;
    }
    toSend.push({ letter, attempts, office, attachments: attachments.get(id) ?? [] });
  }
  // C-20: what the office's and the destination domains' rates allow now; the rest waits its turn.
  const allowed = await withinRateLimits(db, toSend, now);
  const sealing = await Promise.allSettled(
    allowed.go.map((c) => sealOnce(deps, c, sealedOf.get(c.letter.id), before, now)),
  );
  for (const w of allowed.wait) before.deferred.push(w);
  await before.write(db);

  const after = new Outcomes();
  const handOffs: Promise<void>[] = [];
  allowed.go.forEach((claim, i) => {
    const { letter } = claim;
    const sealed = sealing[i]!;
    if (sealed.status === "rejected") {
      // One letter that cannot be sealed (its attachment gone from the blob store) must not hold back the
      // batch: it keeps its lease and is tried again, alone, when the lease runs out.
      deps.logger.error(
        { letter: letter.id, err: { type: (sealed.reason as Error).name } },
        "letter not sealed",
      );
      return;
    }
    const message = sealed.value;
    const parties = partiesOf.get(letter.applicationId as ApplicationId)!;
    const channel = chooseChannel(
      routeCorrespondence(parties, now),
      message.bytes.length,
      deps.outboundLimitBytes,
    );
    if (channel.channel === "post") {
      after.event(letter.id, "routed-to-post", now, { reason: channel.reason, size: message.bytes.length });
      after.finished.push(letter.id);
      return;
    }
    handOffs.push(
      deps.transport
        .send(message.bytes, message.envelope, () => clock.now())
        .then((outcome) => recordOutcome(deps, after, claim, message, outcome)),
    );
  });
  await Promise.all(handOffs);
  await after.write(db);
  return claims.length - allowed.wait.length - sealing.filter((s) => s.status === "rejected").length;
}

/**
 * C-20: takes the tokens of the office's and each destination domain's buckets for these letters, in one
 * statement (the buckets' rows stay locked only that long). A letter goes when both its office and its
 * domain allow it; the others wait until their buckets refill, and the tokens they did not use go back.
 */
async function withinRateLimits(
  db: Executor,
  letters: readonly Claimed[],
  now: Date,
): Promise<{ go: Claimed[]; wait: { id: string; at: Date }[] }> {
  if (letters.length === 0) return { go: [], wait: [] };
  const limits = await currentRateLimits(db);
  const count = (key: (c: Claimed) => string) => {
    const n = new Map<string, number>();
    for (const c of letters) n.set(key(c), (n.get(key(c)) ?? 0) + 1);
    return n;
  };
  const officeOf = (c: Claimed) => c.letter.officeCode;
  const domainOfLetter = (c: Claimed) => domainOf(c.letter.address);
  const wants = (scope: "office" | "domain", n: Map<string, number>): Want[] =>
    [...n].map(([key, c]) => ({ scope, key, count: c }));
  const granted = await takeTokens(
    db,
    limits,
    [...wants("office", count(officeOf)), ...wants("domain", count(domainOfLetter))],
    now,
  );
  const left = (scope: string, key: string) => granted.get(`${scope}:${key}`) ?? 0;
  const spend = (scope: string, key: string) => granted.set(`${scope}:${key}`, left(scope, key) - 1);
  const go: Claimed[] = [];
  const wait: { id: string; at: Date }[] = [];
  for (const c of letters) {
    const office = officeOf(c);
    const domain = domainOfLetter(c);
    if (left("office", office) > 0 && left("domain", domain) > 0) {
      spend("office", office);
      spend("domain", domain);
      go.push(c);
    } else {
      // Waits about as long as its slower bucket takes to give one token, and at least a second.
      const perMinute = Math.min(limitFor(limits, "office", office), limitFor(limits, "domain", domain));
      wait.push({ id: c.letter.id, at: new Date(now.getTime() + Math.max(1_000, 60_000 / perMinute)) });
    }
  }
  // Tokens one bucket gave for letters the other held back go back to it.
  await returnTokens(
    db,
    [...granted]
      .map(([k, n]) => ({
        scope: k.slice(0, k.indexOf(":")) as "office" | "domain",
        key: k.slice(k.indexOf(":") + 1),
        count: n,
      }))
      .filter((w) => w.count > 0 && limitFor(limits, w.scope, w.key) !== Number.POSITIVE_INFINITY),
  );
  return { go, wait };
}

function recordOutcome(
  deps: DispatchDeps,
  out: Outcomes,
  claim: Claimed,
  message: Sealed,
  outcome: SmtpOutcome,
) {
  const { letter, attempts, office, attachments } = claim;
  const id = letter.id;
  switch (outcome.kind) {
    case "accepted": {
      // B-5: "accepted by the recipient's mail server", with the hand-off's transcript; never "delivered".
      out.event(id, "sent", outcome.at, {
        smtpReply: outcome.response,
        smtp: {
          server: outcome.handOff.server,
          tls: outcome.handOff.tls,
          reply: outcome.handOff.reply,
          queueId: outcome.handOff.queueId,
        },
        messageId: message.messageId,
        envelope: message.envelope,
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
      out.notes.push({
        applicationId: letter.applicationId,
        correspondenceId: id,
        kind: "letter-sent",
        textEn: note.en,
        textFr: note.fr,
        at: outcome.at,
      });
      out.event(id, "note-written", outcome.at, {
        kind: "letter-sent",
        textSha256: noteSha256(note),
      });
      out.finished.push(id);
      out.audit(letter, outcome.at, "letter.sent", { attempts });
      return;
    }
    case "temporary": {
      const at = deps.clock.now();
      if (attempts >= deps.maxAttempts) {
        // C-18: only the final outcome counts; email gave up, so the letter goes by post (C-4).
        out.event(id, "smtp-rejected", at, { response: outcome.response, attempts, final: "gave-up" });
        out.event(id, "routed-to-post", at, { reason: "email-failed" });
        out.finished.push(id);
      } else {
        out.event(id, "smtp-temporary-failure", at, { response: outcome.response, attempts });
        out.retries.push({ id, at: new Date(at.getTime() + backoffMs(attempts)) });
      }
      return;
    }
    case "rejected": {
      const at = deps.clock.now();
      out.event(id, "smtp-rejected", at, { response: outcome.response, attempts });
      out.event(id, "routed-to-post", at, { reason: "email-rejected" });
      out.finished.push(id);
      out.audit(letter, at, "letter.rejected-by-relay", { attempts });
      return;
    }
  }
}

/**
 * The letter's bytes: sealed and stored the first time, read back every later time, so a retry or a
 * re-run after a crash sends exactly the same bytes with the same Message-ID (principle 4). Its attached
 * files are sealed into it from the blob store, so they count in its size (C-13). A new seal is written
 * with the batch's first transaction, before any hand-off.
 */
async function sealOnce(
  deps: DispatchDeps,
  { letter, office, attachments }: Claimed,
  existing: typeof sealedMessages.$inferSelect | undefined,
  out: Outcomes,
  now: Date,
): Promise<Sealed> {
  if (existing) {
    const bytes = await deps.blobs.get(existing.sha256);
    if (!bytes) throw new Error("sealed message missing from the blob store");
    return {
      bytes,
      // The copy is on the letter (C-21), so a re-send after a crash goes to the same recipients.
      envelope: {
        from: existing.envelopeFrom,
        to: existing.envelopeTo,
        ...(letter.cc ? { cc: letter.cc } : {}),
      },
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
  const dkim = await deps.dkimKeyFor(domain);
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
    cc: letter.cc ?? undefined,
    subject: letter.subject,
    text: letter.body,
    attachments: files,
    language: letter.language,
    messageIdDomain: domain,
    dkim,
    date: now,
  });
  // Stored durably before the row that says which bytes are this letter's, for good.
  await deps.blobs.put(sealed.bytes);
  out.sealed.push({
    correspondenceId: letter.id,
    sha256: sealed.sha256,
    size: sealed.size,
    messageId: sealed.messageId,
    envelopeFrom: sealed.envelope.from,
    envelopeTo: sealed.envelope.to,
    dkim: sealed.dkim,
    sealedAt: now,
  });
  out.event(letter.id, "sealed", now, {
    sha256: sealed.sha256,
    size: sealed.size,
    messageId: sealed.messageId,
    envelopeTo: sealed.envelope.to,
    ...(sealed.envelope.cc ? { envelopeCc: sealed.envelope.cc } : {}),
    dkim: sealed.dkim,
  });
  return { bytes: sealed.bytes, envelope: sealed.envelope, messageId: sealed.messageId };
}
