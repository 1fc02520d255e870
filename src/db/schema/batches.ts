import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { correspondence, letterTemplates, letterTypeValues } from "./correspondence.ts";
import { applications } from "./files.ts";
import { offices, staff } from "./offices.ts";

/**
 * C-19: one letter to many files. The batch fixes, when it is created, everything its letters will say
 * (type, template version, the agent's values, the deadline rule) and which files it writes to
 * (`batch_members`); its progress is history (`batch_results`, then each letter's own events). All three
 * tables are append-only (migration 0016).
 */
export const batches = pgTable("batches", {
  id: uuid("id").primaryKey(),
  officeCode: text("office_code")
    .notNull()
    .references(() => offices.code),
  letterType: text("letter_type", { enum: letterTypeValues }).notNull(),
  templateId: uuid("template_id")
    .notNull()
    .references(() => letterTemplates.id),
  /** The criteria the files were chosen by, as the agent gave them (batches/rules.ts BatchCriteria). */
  criteria: jsonb("criteria").$type<Record<string, unknown>>().notNull(),
  /** C-6 for a batch: `{ "kind": "days", "days": N }` after each letter's day, or `{ "kind": "date" }`. */
  deadlineRule: jsonb("deadline_rule").$type<Record<string, unknown>>().notNull(),
  /** The values the agent typed once for every letter (documents list, interview place…). */
  values: jsonb("values").$type<Record<string, string>>().notNull(),
  /** How many files matched when it was created: the number of its members. */
  members: integer("members").notNull(),
  /** C-20: the end of the 24 hours within which its letters are to be sent. */
  sendBy: timestamp("send_by", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => staff.id),
});

/** The files of a batch, fixed at creation in the order they are written to (`seq` from 1). */
export const batchMembers = pgTable(
  "batch_members",
  {
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id),
    seq: integer("seq").notNull(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.seq] })],
);

/**
 * What generation made of each member: the letter written, or the check it failed (an error code of
 * errors.ts). Written with the letters in one transaction; the primary key makes a chunk generated twice
 * (two workers, a restart) fail whole rather than write a second letter.
 */
export const batchResults = pgTable(
  "batch_results",
  {
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id),
    seq: integer("seq").notNull(),
    correspondenceId: uuid("correspondence_id").references(() => correspondence.id),
    problem: text("problem"),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.seq] }),
    index("batch_results_letter_idx").on(t.correspondenceId),
  ],
);

/**
 * C-20: a batch stopped by staff before all its letters left. The letters not yet sent were cancelled
 * (`cancelled` of them, each with its own event) and the files not yet written to were accounted for as
 * BATCH_STOPPED, in the stop's transaction. At most one per batch; append-only (migration 0024).
 */
export const batchStops = pgTable("batch_stops", {
  batchId: uuid("batch_id")
    .primaryKey()
    .references(() => batches.id),
  stoppedAt: timestamp("stopped_at", { withTimezone: true }).notNull(),
  stoppedBy: uuid("stopped_by")
    .notNull()
    .references(() => staff.id),
  cancelled: integer("cancelled").notNull(),
  notWritten: integer("not_written").notNull(),
});

export const rateScopes = ["office", "domain"] as const;

/**
 * C-20: how many letters a minute may leave per office and per destination domain. `key` "*" is the
 * default of its scope; a row for one office or domain overrides it. Configuration, so it is updated.
 */
export const sendRateLimits = pgTable(
  "send_rate_limits",
  {
    scope: text("scope", { enum: rateScopes }).notNull(),
    key: text("key").notNull(),
    perMinute: integer("per_minute").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/**
 * The token buckets the limits are enforced with, shared by every worker: each dispatcher pass takes its
 * letters' tokens in one statement under the rows' locks (batches/rate-limits.ts). Operational state.
 */
export const sendRateBuckets = pgTable(
  "send_rate_buckets",
  {
    scope: text("scope", { enum: rateScopes }).notNull(),
    key: text("key").notNull(),
    tokens: doublePrecision("tokens").notNull(),
    refilledAt: timestamp("refilled_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
