import {
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { letterTypes } from "../../correspondence/letter-types.ts";
import { applications, languages, parties, partyRoles } from "./files.ts";
import { offices, staff } from "./offices.ts";

/** The seven letter types of C-9, defined once in correspondence/letter-types.ts. */
export const letterTypeValues = letterTypes;

/**
 * Templates are data and versioned: a new version is a new row; letters point at the exact version
 * they were written from. A null office is the agency-wide template every office falls back to.
 */
export const letterTemplates = pgTable(
  "letter_templates",
  {
    id: uuid("id").primaryKey(),
    officeCode: text("office_code").references(() => offices.code),
    letterType: text("letter_type", { enum: letterTypeValues }).notNull(),
    version: integer("version").notNull(),
    subjectEn: text("subject_en").notNull(),
    bodyEn: text("body_en").notNull(),
    subjectFr: text("subject_fr").notNull(),
    bodyFr: text("body_fr").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    createdBy: uuid("created_by").references(() => staff.id),
  },
  (t) => [unique("letter_templates_version").on(t.officeCode, t.letterType, t.version).nullsNotDistinct()],
);

/** C-6: default response periods per country ("*" for the agency-wide default), as history. */
export const responsePeriods = pgTable("response_periods", {
  seq: bigserial("seq", { mode: "number" }).primaryKey(),
  country: text("country").notNull(),
  letterType: text("letter_type", { enum: letterTypeValues }).notNull(),
  days: integer("days").notNull(),
  effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull(),
  recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
  recordedBy: uuid("recorded_by").references(() => staff.id),
});

export const channels = ["email", "post"] as const;

/**
 * One letter: what it says and to whom, fixed when it is written. Never updated (a trigger refuses);
 * its life is in `correspondence_events`, a correction is a new letter pointing at this one.
 */
export const correspondence = pgTable(
  "correspondence",
  {
    id: uuid("id").primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    officeCode: text("office_code")
      .notNull()
      .references(() => offices.code),
    letterType: text("letter_type", { enum: letterTypeValues }).notNull(),
    templateId: uuid("template_id")
      .notNull()
      .references(() => letterTemplates.id),
    language: text("language", { enum: languages }).notNull(),
    recipientPartyId: uuid("recipient_party_id")
      .notNull()
      .references(() => parties.id),
    recipientRole: text("recipient_role", { enum: partyRoles }).notNull(),
    recipientName: text("recipient_name").notNull(),
    channel: text("channel", { enum: channels }).notNull(),
    /** The routing reason code of files/rules.ts at the moment of writing. */
    routingReason: text("routing_reason").notNull(),
    /** The address exactly as on file (C-5): an email address, or postal lines joined by "\n". */
    address: text("address").notNull(),
    /**
     * C-21: an address in copy (the new office's generic mailbox on a transfer notice); sealed into the
     * Cc header and the envelope. Null on every other letter.
     */
    cc: text("cc"),
    contactPointSeq: integer("contact_point_seq").notNull(),
    fromAddress: text("from_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** C-6: "YYYY-MM-DD", the date for the documents or of the interview. */
    deadline: date("deadline"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    createdBy: uuid("created_by").references(() => staff.id),
    /** A letter re-sent (C-17) or rewritten points at the one it replaces. */
    replaces: uuid("replaces"),
    /** C-19: the batch that wrote it (not part of its content: the letter says the same either way). */
    batchId: uuid("batch_id"),
  },
  (t) => [
    index("correspondence_application_idx").on(t.applicationId, t.createdAt),
    index("correspondence_batch_idx").on(t.batchId),
  ],
);

export const correspondenceEventKinds = [
  // C-12 states
  "draft",
  "generated",
  "sent",
  "bounced",
  "delivered-by-post",
  "cancelled",
  // what happened on the way
  "sealed",
  "smtp-temporary-failure",
  "smtp-rejected",
  "routed-to-post",
  "note-written",
  "deadline-passed",
  "response-recorded",
  "extension-recorded",
  // B-6: the waiting period after sending passed with no report matched
  "no-bounce-window-closed",
  // C-16: a report about this letter that is not a final failure (delayed, relayed, soft), B-5 warnings
  "inbound-report",
  // C-17: re-sent to the party's updated address as a new, linked letter
  "resent",
] as const;
export type CorrespondenceEventKind = (typeof correspondenceEventKinds)[number];

export const correspondenceEvents = pgTable(
  "correspondence_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    correspondenceId: uuid("correspondence_id")
      .notNull()
      .references(() => correspondence.id),
    kind: text("kind", { enum: correspondenceEventKinds }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorKind: text("actor_kind", { enum: ["staff", "system", "job"] }).notNull(),
    actorId: text("actor_id").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("correspondence_events_letter_idx").on(t.correspondenceId, t.seq)],
);

/**
 * The files a letter carries, fixed when it is written (like the letter itself; a trigger refuses any
 * change). The bytes are in the blob store under `sha256`; the type is the one sniffed from the content
 * (correspondence/attachments.ts), never the name or the type the browser declared.
 */
export const correspondenceAttachments = pgTable(
  "correspondence_attachments",
  {
    correspondenceId: uuid("correspondence_id")
      .notNull()
      .references(() => correspondence.id),
    /** 1, 2, … in the order the agent attached them: the order they are sealed in, and the page's URL. */
    position: integer("position").notNull(),
    /** Sanitised: no path, no control characters, at most 150 characters, the extension of its type. */
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [primaryKey({ columns: [t.correspondenceId, t.position] })],
);

/** C-10: the exact bytes sent, content-addressed in the blob store, and what identifies them. */
export const sealedMessages = pgTable("sealed_messages", {
  correspondenceId: uuid("correspondence_id")
    .primaryKey()
    .references(() => correspondence.id),
  sha256: text("sha256").notNull(),
  size: integer("size").notNull(),
  messageId: text("message_id").notNull(),
  envelopeFrom: text("envelope_from").notNull(),
  envelopeTo: text("envelope_to").notNull(),
  /** B-8: the DKIM public key record in use when the message was signed. */
  dkim: jsonb("dkim").$type<Record<string, string>>().notNull(),
  sealedAt: timestamp("sealed_at", { withTimezone: true }).notNull(),
});

/**
 * The outbox (ARCHITECTURE principle 4): one row per letter still to hand to SMTP. Operational state,
 * so it is updated (attempts, next try) and deleted once the letter reached a final outcome; the
 * history of every attempt is in `correspondence_events`.
 */
export const outbox = pgTable(
  "outbox",
  {
    correspondenceId: uuid("correspondence_id")
      .primaryKey()
      .references(() => correspondence.id),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull(),
    /** Set while a dispatcher holds the letter (sealing, SMTP); a letter in flight cannot be cancelled. */
    leasedUntil: timestamp("leased_until", { withTimezone: true }),
    /** 0 for a letter an agent sent, 1 for a batch's: a batch of 100,000 never holds up a single letter. */
    priority: smallint("priority").notNull().default(0),
  },
  (t) => [index("outbox_due_idx").on(t.priority, t.nextAttemptAt)],
);

/** Notes on a file, FR and EN (C-11 readable note of a letter sent, C-14 deadline notes). */
export const fileNotes = pgTable(
  "file_notes",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    correspondenceId: uuid("correspondence_id").references(() => correspondence.id),
    kind: text("kind", { enum: ["letter-sent", "deadline-passed"] }).notNull(),
    textEn: text("text_en").notNull(),
    textFr: text("text_fr").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [unique("file_notes_once").on(t.correspondenceId, t.kind)],
);
