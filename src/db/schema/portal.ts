import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { applications, parties } from "./files.ts";
import { staff } from "./offices.ts";

// My Case, the counsel portal (SPEC section 4). Where the past matters (standing, contact details, what
// was filed or sent, who read it) rows are history and append-only (migration 0020); the few mutable
// rows are counters and states of a process (an access code's attempts, a lock, a notification's sending).

/** P-1: the recognised professional bodies. */
export const professionalBodies = ["law-society", "cicc", "ontario-paralegal", "quebec-notary"] as const;
/** P-1: only "good" may register; the others are kept as history of a member's standing. */
export const standings = ["good", "suspended", "revoked", "resigned"] as const;
export const portalLanguages = ["en", "fr"] as const;

/** The registry of counsel, kept by staff (P-1). Identity only: standing and contacts are history. */
export const counsel = pgTable(
  "counsel",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    professionalBody: text("professional_body", { enum: professionalBodies }).notNull(),
    memberNumber: text("member_number").notNull(),
    preferredLanguage: text("preferred_language", { enum: portalLanguages }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    createdBy: uuid("created_by").references(() => staff.id),
  },
  (t) => [unique("counsel_member").on(t.professionalBody, t.memberNumber)],
);

/** P-1: a member's standing with their body, as history; the latest row is the standing now. */
export const counselStandings = pgTable(
  "counsel_standings",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    standing: text("standing", { enum: standings }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    recordedBy: uuid("recorded_by").references(() => staff.id),
  },
  (t) => [index("counsel_standings_idx").on(t.counselId, t.seq)],
);

export const counselContactSources = ["registry", "profile-change"] as const;

/** Counsel's contact details as history (P-8): the latest row is current; none is overwritten. */
export const counselContacts = pgTable(
  "counsel_contacts",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    email: text("email").notNull(),
    /** E.164 (+15145550199): where access codes go by SMS (P-2). */
    mobile: text("mobile").notNull(),
    phone: text("phone"),
    postalAddress: text("postal_address"),
    source: text("source", { enum: counselContactSources }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    recordedBy: uuid("recorded_by").references(() => staff.id),
  },
  (t) => [index("counsel_contacts_idx").on(t.counselId, t.seq)],
);

/**
 * Which representatives on files are this counsel: the link from the registry to the IMM 5476 parties.
 * Whether the representation is still declared is the file's own history (`representations`).
 */
export const counselRepresentatives = pgTable(
  "counsel_representatives",
  {
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    partyId: uuid("party_id")
      .notNull()
      .references(() => parties.id),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull(),
    linkedBy: uuid("linked_by").references(() => staff.id),
  },
  (t) => [
    primaryKey({ columns: [t.counselId, t.partyId] }),
    index("counsel_representatives_party_idx").on(t.partyId),
  ],
);

/**
 * P-2: counsel registered, bound to the external identity that entered the access code. A binding lasts
 * until the help desk resets the account (`portal_account_resets`, the seed's "use another GCKey"); then
 * counsel register again, and the new binding is a new row. At most one binding per counsel, and per
 * identity, is live: registration and reset take the same advisory locks (portal/sign-in.ts).
 */
export const portalAccounts = pgTable(
  "portal_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    /** The external provider's subject (GCKey or a sign-in partner). */
    subject: text("subject").notNull(),
    registeredAt: timestamp("registered_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("portal_accounts_counsel_idx").on(t.counselId),
    index("portal_accounts_subject_idx").on(t.subject),
  ],
);

/** P-3: the help desk released a binding; the identity no longer signs in as this counsel. */
export const portalAccountResets = pgTable("portal_account_resets", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => portalAccounts.id),
  counselId: uuid("counsel_id")
    .notNull()
    .references(() => counsel.id),
  resetAt: timestamp("reset_at", { withTimezone: true }).notNull(),
  resetBy: uuid("reset_by")
    .notNull()
    .references(() => staff.id),
});

/**
 * P-2: one access code per invitation, sent by SMS; only its hash is kept. Single use (`used_at`), valid
 * 24 hours, a limited number of wrong entries (`failed_attempts`) before the account locks.
 */
export const accessCodes = pgTable(
  "access_codes",
  {
    id: uuid("id").primaryKey(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    codeHash: text("code_hash").notNull(),
    /** The number it was sent to, as it was then. */
    mobile: text("mobile").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    issuedBy: uuid("issued_by").references(() => staff.id),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    usedAt: timestamp("used_at", { withTimezone: true }),
    /** A newer code replaces this one. */
    replacedAt: timestamp("replaced_at", { withTimezone: true }),
  },
  (t) => [index("access_codes_counsel_idx").on(t.counselId, t.issuedAt)],
);

export const lockReasons = ["access-code", "sign-in"] as const;

/** P-3: a lock and its lock code (what the help desk asks for); unlocked by staff from the registry. */
export const portalLocks = pgTable(
  "portal_locks",
  {
    id: uuid("id").primaryKey(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    lockCode: text("lock_code").notNull(),
    reason: text("reason", { enum: lockReasons }).notNull(),
    lockedAt: timestamp("locked_at", { withTimezone: true }).notNull(),
    unlockedAt: timestamp("unlocked_at", { withTimezone: true }),
    unlockedBy: uuid("unlocked_by").references(() => staff.id),
  },
  (t) => [index("portal_locks_counsel_idx").on(t.counselId, t.lockedAt)],
);

/** P-3: failed sign-ins attributed to an account (an identity that is not the registered one, say). */
export const portalSignInFailures = pgTable(
  "portal_sign_in_failures",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    at: timestamp("at", { withTimezone: true }).notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [index("portal_sign_in_failures_idx").on(t.counselId, t.at)],
);

/**
 * Portal sessions: only the token's hash is stored. The session names the external identity, not the
 * person: who it is and what they may see is worked out again on every request, so a lock, a revoked
 * standing or (issue 8) an ended delegation takes effect on the next request.
 */
export const portalSessions = pgTable("portal_sessions", {
  tokenHash: text("token_hash").primaryKey(),
  subject: text("subject").notNull(),
  /** D-5: a delegate of several counsel works for one at a time: this counsel's id, chosen in the session. */
  actingFor: uuid("acting_for"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/** P-4: hearings of a case (the next one is shown in My cases). */
export const hearings = pgTable(
  "hearings",
  {
    id: uuid("id").primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    recordedBy: uuid("recorded_by").references(() => staff.id),
  },
  (t) => [index("hearings_application_idx").on(t.applicationId, t.startsAt)],
);

export const submissionKinds = ["evidence", "form", "correspondence", "other"] as const;

/**
 * P-5: a document filed through the portal, as received. The bytes are in the blob store under `sha256`;
 * the record, its hash and the confirmation number go on the ledger. Append-only.
 */
export const portalSubmissions = pgTable(
  "portal_submissions",
  {
    id: uuid("id").primaryKey(),
    confirmationNumber: text("confirmation_number").notNull().unique(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    /** Issue 8: the delegate who filed it on counsel's behalf; null when counsel did. */
    delegateId: uuid("delegate_id"),
    kind: text("kind", { enum: submissionKinds }).notNull(),
    description: text("description").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    /** "clean" (scanned by clamd) or "not-scanned" (no scanner configured). */
    scan: text("scan").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /** The instant of receipt as Eastern Time reads it, recorded with the instant (P-5). */
    receivedEastern: text("received_eastern").notNull(),
  },
  (t) => [index("portal_submissions_application_idx").on(t.applicationId, t.receivedAt)],
);

/**
 * P-6: a document the tribunal sent to counsel through the portal. It is correspondence: recorded once,
 * its bytes content-addressed, its sending on the ledger. Append-only.
 */
export const portalDocuments = pgTable(
  "portal_documents",
  {
    id: uuid("id").primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    title: text("title").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull(),
    sentBy: uuid("sent_by")
      .notNull()
      .references(() => staff.id),
  },
  (t) => [
    index("portal_documents_counsel_idx").on(t.counselId, t.sentAt),
    index("portal_documents_application_idx").on(t.applicationId, t.sentAt),
  ],
);

/** P-6: every opening of a document, by whom (counsel, or issue 8's delegate). Append-only. */
export const portalDocumentReads = pgTable(
  "portal_document_reads",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => portalDocuments.id),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    delegateId: uuid("delegate_id"),
    readAt: timestamp("read_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("portal_document_reads_idx").on(t.documentId, t.readAt)],
);

/** P-6: removed from the general inbox; the case's inbox still lists it. Append-only. */
export const portalInboxRemovals = pgTable("portal_inbox_removals", {
  documentId: uuid("document_id")
    .primaryKey()
    .references(() => portalDocuments.id),
  counselId: uuid("counsel_id")
    .notNull()
    .references(() => counsel.id),
  removedAt: timestamp("removed_at", { withTimezone: true }).notNull(),
});

export const portalFormKinds = ["counsel-contact", "client-contact"] as const;

/**
 * P-8, P-9: the two online forms (counsel's own contact details, which is also how the profile changes,
 * and a notice of the client's contact details), as submitted. Staff process them from a queue within
 * 48 hours. Append-only; the decision is a row of `portal_form_decisions`.
 */
export const portalForms = pgTable(
  "portal_forms",
  {
    id: uuid("id").primaryKey(),
    confirmationNumber: text("confirmation_number").notNull().unique(),
    kind: text("kind", { enum: portalFormKinds }).notNull(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    delegateId: uuid("delegate_id"),
    /** The case a client-contact notice is about. */
    applicationId: uuid("application_id").references(() => applications.id),
    payload: jsonb("payload").$type<Record<string, string>>().notNull(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("portal_forms_counsel_idx").on(t.counselId, t.submittedAt)],
);

export const formOutcomes = ["applied", "rejected"] as const;

export const portalFormDecisions = pgTable("portal_form_decisions", {
  formId: uuid("form_id")
    .primaryKey()
    .references(() => portalForms.id),
  outcome: text("outcome", { enum: formOutcomes }).notNull(),
  reason: text("reason"),
  decidedAt: timestamp("decided_at", { withTimezone: true }).notNull(),
  decidedBy: uuid("decided_by")
    .notNull()
    .references(() => staff.id),
});

export const notificationKinds = [
  "document-received",
  "profile-changed",
  "account-changed",
  "document-sent",
  "delegation-renewal-due",
  "delegate-invited",
  "delegate-renewed",
] as const;
export const notificationStates = ["pending", "sent", "failed"] as const;

/**
 * P-7: the email notices. The sealed bytes (DKIM-signed, no link, no attachment) are in the blob store
 * under `sha256`, written when the notice is queued; the sending job hands them over as they are.
 */
export const portalNotifications = pgTable(
  "portal_notifications",
  {
    id: uuid("id").primaryKey(),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    counselId: uuid("counsel_id").references(() => counsel.id),
    delegateId: uuid("delegate_id"),
    toAddress: text("to_address").notNull(),
    sha256: text("sha256").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    state: text("state", { enum: notificationStates }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    smtpReply: text("smtp_reply"),
  },
  (t) => [index("portal_notifications_due_idx").on(t.state, t.nextAttemptAt)],
);

/**
 * P-2: text messages as handed to the SMS transport. Only the development outbox keeps the text (that is
 * where a developer reads the access code); a GC Notify row keeps the provider's reference, not the code.
 */
export const smsMessages = pgTable("sms_messages", {
  id: uuid("id").primaryKey(),
  /** "dev-outbox" or "gc-notify". */
  transport: text("transport").notNull(),
  toNumber: text("to_number").notNull(),
  body: text("body"),
  providerReference: text("provider_reference"),
  sentAt: timestamp("sent_at", { withTimezone: true }).notNull(),
});
