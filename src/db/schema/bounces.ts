import {
  bigint,
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
import { correspondence } from "./correspondence.ts";
import { applications } from "./files.ts";
import { offices, staff } from "./offices.ts";

/**
 * C-16: every message that came into an office's generic mailbox, matched or not, parsed once and never
 * changed (a trigger refuses it); its exact bytes are in the blob store under `sha256`. `source_key` says
 * where it was read ("imap:<uidvalidity>:<uid>", "sink:<id>"), so one message is never recorded twice.
 */
export const inboundMessages = pgTable(
  "inbound_messages",
  {
    id: uuid("id").primaryKey(),
    officeCode: text("office_code")
      .notNull()
      .references(() => offices.code),
    sourceKey: text("source_key").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    /** The address it was delivered to, when known (the VERP address of the letter it reports on). */
    envelopeTo: text("envelope_to"),
    format: text("format").notNull(),
    kind: text("kind", { enum: ["hard", "soft", "not-a-bounce"] }).notNull(),
    /** The parsed report: recipients with action, status, diagnostic, kind, reason. */
    report: jsonb("report").$type<Record<string, unknown>>().notNull(),
    originalMessageId: text("original_message_id"),
    correspondenceId: uuid("correspondence_id").references(() => correspondence.id),
    matchedBy: text("matched_by", { enum: ["verp", "message-id", "recipient-window"] }),
  },
  (t) => [
    unique("inbound_messages_source").on(t.officeCode, t.sourceKey),
    index("inbound_messages_letter_idx").on(t.correspondenceId),
  ],
);

/** A report staff matched by hand, or set aside as not about any letter, from the review queue. */
export const inboundReviews = pgTable("inbound_reviews", {
  seq: bigserial("seq", { mode: "number" }).primaryKey(),
  inboundMessageId: uuid("inbound_message_id")
    .notNull()
    .unique()
    .references(() => inboundMessages.id),
  outcome: text("outcome", { enum: ["matched", "dismissed"] }).notNull(),
  correspondenceId: uuid("correspondence_id").references(() => correspondence.id),
  at: timestamp("at", { withTimezone: true }).notNull(),
  by: uuid("by")
    .notNull()
    .references(() => staff.id),
});

/** Where the watcher of an office's mailbox is (operational: updated in place). */
export const mailboxCursors = pgTable(
  "mailbox_cursors",
  {
    officeCode: text("office_code")
      .notNull()
      .references(() => offices.code),
    mailbox: text("mailbox").notNull(),
    uidValidity: bigint("uid_validity", { mode: "number" }).notNull(),
    lastUid: bigint("last_uid", { mode: "number" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.officeCode, t.mailbox] })],
);

/** B-7: "reports not receiving email", set and cleared on a file, as history. */
export const fileFlags = pgTable(
  "file_flags",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    flag: text("flag", { enum: ["not-receiving-email"] }).notNull(),
    action: text("action", { enum: ["set", "cleared"] }).notNull(),
    reason: text("reason").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    by: uuid("by")
      .notNull()
      .references(() => staff.id),
  },
  (t) => [index("file_flags_application_idx").on(t.applicationId, t.seq)],
);
