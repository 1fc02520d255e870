import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, lte } from "drizzle-orm";
import type { Logger } from "pino";
import { type Actor, type AnyActor, recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import { backoffMs } from "../correspondence/dispatcher.ts";
import type { Executor } from "../db/client.ts";
import { type notificationKinds, portalNotifications } from "../db/schema/portal.ts";
import type { BlobStore } from "../evidence/blob-store.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import type { Job } from "../jobs/scheduler.ts";
import type { DkimKey } from "../mail/dkim.ts";
import { assertNoTracking, type OutboundEnvelope, type SealedMessage, sealMessage } from "../mail/seal.ts";
import type { MailTransport, SmtpOutcome } from "../mail/transport.ts";

// P-7: My Case's email notices. A phisher imitates a notice by adding what a real one never has: a link,
// an attachment, a name, an address to answer. So a notice has none of these (seed 002, "Avis par
// courriel"): one standard bilingual subject and body per kind, French first, from a no-reply sender, text
// only, DKIM-signed like every message the tribunal sends. The one variable a notice may carry is a
// confirmation number (P-5), and only in a shape that cannot hold a link.
//
// A notice is sealed when it is queued, in the caller's transaction, and its bytes are stored then; the
// sending job hands those bytes over unchanged, after the commit (STYLE, "Jobs").

export type NotificationKind = (typeof notificationKinds)[number];

/** What a notice may carry besides its standard text: only document-received's confirmation number. */
export interface NoticeParams {
  /** P-5: e.g. "MC-2026-000123". Upper-case letters, digits and hyphens, 4 to 32 of them. */
  confirmationNumber?: string | undefined;
}

export type NoticeErrorCode = "INVALID_CONFIRMATION_NUMBER" | "UNEXPECTED_PARAM" | "LINK_IN_TEXT";

export class NoticeError extends Error {
  override readonly name = "NoticeError";
  constructor(
    readonly code: NoticeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The display name of the no-reply sender, the same on every notice. */
export const noticeSenderName = "Mon dossier | My Case";

// No dot, slash, colon or @ can pass, so a confirmation number can never be (or hide) a link or an address.
const confirmationNumberPattern = /^[A-Z0-9-]{4,32}$/;

/**
 * What reads as a link or an address to a person or a mail client that turns text into links: a scheme,
 * "www.", an email address, or a word followed by a dot and letters (a bare domain such as x.ca). Standard
 * texts are checked against it when composed, so an edit to the wording that slips one in fails at once.
 */
export const linkLikePattern = /[a-z][a-z0-9+.-]*:\/\/|\bhttps?\b|\bmailto:|\bwww\b|@|\w\.[a-z]{2,}/i;

const antiPhishingFr =
  "Ce courriel ne contient aucun lien ni pièce jointe. Pour consulter Mon dossier, tapez vous-même " +
  "l'adresse du portail dans votre navigateur. Ne répondez pas à ce courriel : cette adresse ne reçoit " +
  "pas de messages.";
const antiPhishingEn =
  "This email contains no links or attachments. To go to My Case, type the portal's address into your " +
  "browser yourself. Do not reply to this email: this address does not receive messages.";

/** Between the French text and the English one. */
export const languageSeparator = "-".repeat(60);

/** If the change was not theirs: the tribunal's contact details they already know, never ones we'd give. */
const notYouFr =
  "Si vous n'êtes pas à l'origine de cette modification, communiquez avec le tribunal au moyen des " +
  "coordonnées que vous connaissez déjà.";
const notYouEn =
  "If you did not make this change, contact the tribunal using the contact information you already have.";

interface StandardText {
  subjectFr: string;
  subjectEn: string;
  fr(p: { confirmationNumber: string }): string[];
  en(p: { confirmationNumber: string }): string[];
}

// One entry per kind (a Record, so a kind added to the schema without its text does not compile). The
// wording follows seed 002's list of situations; no name, case number or address appears in any of them.
const standardTexts: Record<NotificationKind, StandardText> = {
  "document-received": {
    subjectFr: "Document ou formulaire reçu",
    subjectEn: "Document or form received",
    fr: (p) => [
      "Le tribunal a reçu un document ou un formulaire que vous avez envoyé par Mon dossier.",
      `Numéro de confirmation : ${p.confirmationNumber}`,
      "Conservez ce numéro pour vos dossiers. Vous trouverez l'envoi dans l'historique des communications de Mon dossier.",
    ],
    en: (p) => [
      "The tribunal received a document or form you sent through My Case.",
      `Confirmation number: ${p.confirmationNumber}`,
      "Keep this number for your records. The submission is listed in the communication history in My Case.",
    ],
  },
  "profile-changed": {
    subjectFr: "Profil modifié",
    subjectEn: "Profile changed",
    fr: () => ["Le contenu de votre profil dans Mon dossier a été modifié.", notYouFr],
    en: () => ["The content of your profile in My Case was changed.", notYouEn],
  },
  "account-changed": {
    subjectFr: "Renseignements du compte modifiés",
    subjectEn: "Account information changed",
    fr: () => ["Les renseignements relatifs à votre compte Mon dossier ont été modifiés.", notYouFr],
    en: () => ["The information about your My Case account was changed.", notYouEn],
  },
  "document-sent": {
    subjectFr: "Nouveau document",
    subjectEn: "New document",
    fr: () => [
      "Le tribunal vous a envoyé un document.",
      "Pour le lire, connectez-vous à Mon dossier et ouvrez votre boîte de réception.",
    ],
    en: () => ["The tribunal sent you a document.", "To read it, sign in to My Case and open your inbox."],
  },
  "delegation-renewal-due": {
    subjectFr: "Délégation à renouveler",
    subjectEn: "Delegation to renew",
    fr: () => [
      "Une de vos délégations doit être renouvelée.",
      "Pour la maintenir, connectez-vous à Mon dossier, allez à Mon profil et, dans la section Délégués, " +
        "choisissez Renouveler à côté du nom de la personne déléguée. Si la délégation n'est pas renouvelée " +
        "dans les 10 jours, l'accès de la personne déléguée sera bloqué.",
    ],
    en: () => [
      "One of your delegations needs to be renewed.",
      "To keep it, sign in to My Case, go to My profile and, in the Delegates section, select Renew next " +
        "to the delegate's name. If the delegation is not renewed within 10 days, the delegate's access " +
        "will be blocked.",
    ],
  },
  "delegate-invited": {
    subjectFr: "Invitation à titre de personne déléguée",
    subjectEn: "Invitation to be a delegate",
    fr: (p) => [
      "Un conseil vous a invité à devenir sa personne déléguée dans Mon dossier.",
      `Code d'invitation : ${p.confirmationNumber}`,
      "Pour accepter, tapez vous-même l'adresse de Mon dossier dans votre navigateur, connectez-vous, " +
        "choisissez « J'ai été invité à titre de personne déléguée », entrez ce code, puis répondez aux " +
        "questions à l'aide des réponses que le conseil vous a communiquées. L'invitation expire dans 30 jours.",
    ],
    en: (p) => [
      "A counsel invited you to be their delegate in My Case.",
      `Invitation code: ${p.confirmationNumber}`,
      'To accept, type the address of My Case into your browser yourself, sign in, choose "I was invited ' +
        'as a delegate", enter this code, then answer the questions using the answers the counsel gave ' +
        "you. The invitation expires in 30 days.",
    ],
  },
  "delegate-renewed": {
    subjectFr: "Délégation renouvelée",
    subjectEn: "Delegation renewed",
    fr: () => [
      "Le conseil a renouvelé votre délégation dans Mon dossier pour 60 jours.",
      "Vous pouvez continuer d'accéder à Mon dossier comme d'habitude.",
    ],
    en: () => [
      "The counsel renewed your delegation in My Case for 60 days.",
      "You can keep using My Case as usual.",
    ],
  },
};

/**
 * P-7: the standard subject and body of a notice. Pure. The subject is one line, French then English;
 * the body is the French text, a separator line, then the English text, each ending with the warning
 * that notices carry no link or attachment and cannot be answered. Throws a NoticeError for a
 * confirmation number of the wrong shape, or one given to a kind that carries none.
 */
export function noticeText(
  kind: NotificationKind,
  params: NoticeParams = {},
): { subject: string; text: string } {
  const confirmationNumber = checkParams(kind, params);
  const standard = standardTexts[kind];
  const subject = `Mon dossier – Avis : ${standard.subjectFr} / My Case – Notice: ${standard.subjectEn}`;
  const text = [
    "Bonjour,",
    ...standard.fr({ confirmationNumber }),
    antiPhishingFr,
    languageSeparator,
    "Hello,",
    ...standard.en({ confirmationNumber }),
    antiPhishingEn,
  ].join("\n\n");
  // A second line of defence: the wording above is fixed, but it is the promise of P-7, so it is checked.
  if (linkLikePattern.test(subject) || linkLikePattern.test(text)) {
    throw new NoticeError("LINK_IN_TEXT", `The standard text of ${kind} reads like a link`);
  }
  return { subject, text: `${text}\n` };
}

/** The kinds whose standard text carries a number: a confirmation number, or a delegate's invitation code. */
const numbered: readonly NotificationKind[] = ["document-received", "delegate-invited"];

function checkParams(kind: NotificationKind, params: NoticeParams): string {
  const n = params.confirmationNumber;
  if (!numbered.includes(kind)) {
    if (n !== undefined) throw new NoticeError("UNEXPECTED_PARAM", `A ${kind} notice carries no number`);
    return "";
  }
  if (n === undefined || !confirmationNumberPattern.test(n)) {
    throw new NoticeError(
      "INVALID_CONFIRMATION_NUMBER",
      "A confirmation number is 4 to 32 upper-case letters, digits and hyphens",
    );
  }
  return n;
}

export interface NoticeSealDeps {
  /** The DKIM key of the no-reply address's domain, created on first use. */
  dkimKeyFor(domain: string): Promise<DkimKey>;
  /** The no-reply sender (PORTAL_NOTICE_FROM), e.g. no-reply@… of the tribunal's domain. */
  noticeFrom: string;
}

export interface QueueNoticeDeps extends NoticeSealDeps {
  blobs: BlobStore;
}

export interface NewNotice {
  kind: NotificationKind;
  /** The address on file of the counsel or delegate, as it is now. */
  to: string;
  counselId?: string | undefined;
  delegateId?: string | undefined;
  params?: NoticeParams | undefined;
  at: Date;
  actor: AnyActor;
}

/**
 * The notice's exact bytes: its standard text, from the no-reply sender, DKIM-signed, with the Message-ID
 * `<id@noticeFrom's domain>`. Deterministic for the same id, key and instant.
 */
export async function sealNotice(
  deps: NoticeSealDeps,
  n: { id: string; kind: NotificationKind; to: string; params?: NoticeParams | undefined; at: Date },
): Promise<SealedMessage> {
  const { subject, text } = noticeText(n.kind, n.params);
  const domain = domainOf(deps.noticeFrom);
  // No Reply-To: the no-reply From is the only address a notice names. Auto-Submitted (RFC 3834), signed:
  // nobody wrote a notice, and an out-of-office reply to a no-reply address helps no one.
  const sealed = await sealMessage({
    correspondenceId: n.id,
    from: { name: noticeSenderName, address: deps.noticeFrom },
    to: n.to,
    subject,
    text,
    attachments: [],
    language: "bilingual",
    messageIdDomain: domain,
    dkim: await deps.dkimKeyFor(domain),
    date: n.at,
    autoSubmitted: "auto-generated",
  });
  // sealMessage checks this too; a notice is the one place a phisher's imitation is judged against, so
  // the check is stated here rather than trusted.
  assertNoTracking(sealed.bytes);
  return sealed;
}

/**
 * P-7: queues a notice inside the caller's transaction: seals it, stores its bytes, writes the pending
 * row (due at once) and the audit event. Nothing leaves before the transaction commits: the sending job
 * only sees committed rows. If the transaction rolls back, the stored bytes stay behind unreferenced,
 * which is harmless (the blob store is content-addressed and writing twice is a no-op).
 */
export async function queueNotice(
  tx: Executor,
  deps: QueueNoticeDeps,
  n: NewNotice,
): Promise<{ id: string }> {
  const id = randomUUID();
  const sealed = await sealNotice(deps, { id, kind: n.kind, to: n.to, params: n.params, at: n.at });
  const sha256 = await deps.blobs.put(sealed.bytes);
  if (sha256 !== sealed.sha256) throw new Error("the blob store named the notice's bytes differently");
  await tx.insert(portalNotifications).values({
    id,
    kind: n.kind,
    counselId: n.counselId ?? null,
    delegateId: n.delegateId ?? null,
    toAddress: n.to,
    sha256,
    createdAt: n.at,
    state: "pending",
    attempts: 0,
    nextAttemptAt: n.at,
  });
  // The kind only: the address is on the row, and the audit trail never carries one (record.ts).
  await recordAudit(tx, n.actor, n.at, {
    action: "portal.notice-queued",
    subjectType: "portal-notice",
    subjectId: id,
    details: { kind: n.kind },
  });
  return { id };
}

// ---------------------------------------------------------------------------------------------------
// Sending.

/** Temporary failures are tried this many times in all (C-18's rule for letters), then the notice fails. */
export const noticeMaxAttempts = 8;

const sender: Actor = { kind: "job", name: "portal-notices" };

export interface SendNoticesDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  blobs: BlobStore;
}

type ClaimedNotice = Pick<
  typeof portalNotifications.$inferSelect,
  "id" | "kind" | "toAddress" | "sha256" | "attempts"
>;

/**
 * Takes up to `limit` due notices, skipping those another worker holds, and leases them by moving their
 * next attempt `leaseMs` ahead, in one statement. A worker that dies holding a lease loses it when the
 * lease runs out and the notice becomes due again: the claim is its own repair sweep.
 */
async function claimDueNotices(
  db: Executor,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedNotice[]> {
  const due = db
    .select({ id: portalNotifications.id })
    .from(portalNotifications)
    .where(and(eq(portalNotifications.state, "pending"), lte(portalNotifications.nextAttemptAt, now)))
    .orderBy(asc(portalNotifications.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(portalNotifications)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
    .where(inArray(portalNotifications.id, due))
    .returning({
      id: portalNotifications.id,
      kind: portalNotifications.kind,
      toAddress: portalNotifications.toAddress,
      sha256: portalNotifications.sha256,
      attempts: portalNotifications.attempts,
    });
}

/**
 * Sends the notices that are due, one batch: claims them, reads their sealed bytes, hands them to the
 * relay as they are, and records each outcome (sent: on the ledger; temporary: retried with the letters'
 * backoff; refused, or still temporary after the last attempt: failed). Returns how many reached an
 * outcome and how many were claimed.
 *
 * Run twice, or by two workers at once, it sends nothing twice in the ordinary way: a notice is claimed by
 * one worker, and each outcome is written only if the row is still as it was claimed. A crash after the
 * relay accepted a notice and before the outcome is written sends it again when the lease runs out: the
 * same bytes, with the same Message-ID, so the recipient's system can tell it is the same message. That is
 * acceptable for a notice, and no worse than the alternative (recording "sent" before sending).
 */
export async function sendDueNotices(
  deps: SendNoticesDeps,
  opts: { batch?: number; leaseMs?: number; maxAttempts?: number } = {},
): Promise<{ done: number; claimed: number }> {
  const batch = opts.batch ?? 50;
  const claimed = await claimDueNotices(deps.db, deps.clock.now(), batch, opts.leaseMs ?? 300_000);
  if (claimed.length === 0) return { done: 0, claimed: 0 };
  const outcomes = await Promise.all(
    claimed.map(async (notice) => {
      // Nothing is sent without its sealed bytes (gone, or altered), and one such notice does not hold back
      // the batch: it keeps its lease and is tried again, alone, when the lease runs out.
      const bytes = await deps.blobs.get(notice.sha256).then(
        (b) => b ?? new Error("missing"),
        (e: unknown) => (e instanceof Error ? e : new Error("unreadable")),
      );
      if (bytes instanceof Error) {
        deps.logger.error({ notice: notice.id, err: { type: bytes.name } }, "notice bytes not readable");
        return undefined;
      }
      const envelope: OutboundEnvelope = { from: senderOf(bytes), to: notice.toAddress };
      const outcome = await deps.transport.send(bytes, envelope, () => deps.clock.now());
      return { notice, outcome };
    }),
  );
  let done = 0;
  await deps.db.transaction(async (tx) => {
    for (const o of outcomes) {
      if (o && (await recordOutcome(tx, deps.clock, o.notice, o.outcome, opts.maxAttempts))) done += 1;
    }
  });
  return { done, claimed: claimed.length };
}

/** Writes one outcome if the row is still pending with the attempts it was claimed with; says whether it did. */
async function recordOutcome(
  tx: Executor,
  clock: Clock,
  notice: ClaimedNotice,
  outcome: SmtpOutcome,
  maxAttempts = noticeMaxAttempts,
): Promise<boolean> {
  const attempts = notice.attempts + 1;
  const update = (set: Partial<typeof portalNotifications.$inferInsert>) =>
    tx
      .update(portalNotifications)
      .set({ ...set, attempts })
      .where(
        and(
          eq(portalNotifications.id, notice.id),
          eq(portalNotifications.state, "pending"),
          eq(portalNotifications.attempts, notice.attempts),
        ),
      )
      .returning({ id: portalNotifications.id });
  const audit = (at: Date, action: string, details: Record<string, unknown>) =>
    recordAudit(tx, sender, at, {
      action,
      subjectType: "portal-notice",
      subjectId: notice.id,
      // The kind and counts only: a relay's reply may quote the address, so it stays on the row.
      details: { kind: notice.kind, attempts, ...details },
    });

  switch (outcome.kind) {
    case "accepted": {
      const rows = await update({ state: "sent", sentAt: outcome.at, smtpReply: outcome.response });
      if (rows.length === 0) return false;
      await appendToLedger(tx, [
        {
          kind: "portal-notice-sent",
          subject: { type: "portal-notice", id: notice.id },
          at: outcome.at,
          actor: sender,
          details: {
            kind: notice.kind,
            sha256: notice.sha256,
            to: notice.toAddress,
            reply: outcome.response,
          },
        },
      ]);
      await audit(outcome.at, "portal.notice-sent", {});
      return true;
    }
    case "temporary": {
      const at = clock.now();
      const last = attempts >= maxAttempts;
      const rows = await update({
        state: last ? "failed" : "pending",
        nextAttemptAt: last ? at : new Date(at.getTime() + backoffMs(attempts)),
        smtpReply: outcome.response,
      });
      if (rows.length === 0) return false;
      await audit(
        at,
        last ? "portal.notice-failed" : "portal.notice-deferred",
        last ? { final: "gave-up" } : {},
      );
      return true;
    }
    case "rejected": {
      const at = clock.now();
      const rows = await update({ state: "failed", smtpReply: outcome.response });
      if (rows.length === 0) return false;
      await audit(at, "portal.notice-failed", { final: "rejected" });
      return true;
    }
  }
}

/**
 * The envelope sender: the no-reply address in the sealed From header, so the job needs no configuration
 * of its own and a notice queued before PORTAL_NOTICE_FROM changed still leaves as it was sealed. Not a
 * VERP address: nothing reads the no-reply mailbox, so a report naming the notice would go unread.
 */
export function senderOf(bytes: Buffer): string {
  const end = bytes.indexOf("\r\n\r\n");
  const head = bytes
    .subarray(0, end < 0 ? bytes.length : end)
    .toString("latin1")
    .replace(/\r\n[ \t]+/g, " ");
  const from = /^from:(.*)$/im.exec(head)?.[1] ?? "";
  const address = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from.trim())?.[1] ?? from.trim();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) throw new Error("the sealed notice has no From address");
  return address;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/**
 * P-7: the sending job. Every 2 seconds, batches of 50 until fewer are due. Wiring: the worker's
 * transport and blob store (`WorkerServices["dispatch"]` has both).
 */
export function sendPortalNotices(services: { transport: MailTransport; blobs: BlobStore }): Job {
  return {
    name: "send-portal-notices",
    everyMs: 2_000,
    async run(ctx) {
      const batch = 50;
      let total = 0;
      for (;;) {
        const { done, claimed } = await sendDueNotices({ ...ctx, ...services }, { batch });
        total += done;
        if (claimed < batch) return { done: total };
      }
    },
  };
}
