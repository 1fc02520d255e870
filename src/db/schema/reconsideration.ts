import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { applications, parties } from "./files.ts";
import { staff } from "./offices.ts";

/** C-22: a request for reconsideration or reactivation of a refused or abandoned file, as received. */
export const reconsiderationRequests = pgTable(
  "reconsideration_requests",
  {
    id: uuid("id").primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    /** The party who asked: the applicant or their representative. */
    requestedBy: uuid("requested_by")
      .notNull()
      .references(() => parties.id),
    reasons: text("reasons").notNull(),
    receivedOn: date("received_on").notNull(),
    /** The file's status when the request was recorded (refused or abandoned). */
    statusAtRequest: text("status_at_request").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    recordedBy: uuid("recorded_by")
      .notNull()
      .references(() => staff.id),
  },
  (t) => [index("reconsideration_requests_application_idx").on(t.applicationId)],
);

/**
 * C-22: the documents the party sent with the request, as received (type sniffed from the content, as a
 * letter's attachments: correspondence/attachments.ts); the bytes are in the blob store under `sha256`.
 * Append-only (migration 0018).
 */
export const reconsiderationDocuments = pgTable(
  "reconsideration_documents",
  {
    requestId: uuid("request_id")
      .notNull()
      .references(() => reconsiderationRequests.id),
    position: integer("position").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.position] })],
);

export const decisionOutcomes = ["granted", "refused"] as const;

/** C-24: the administrative errors of the agency a decision may name. */
export const agencyErrors = [
  "email-not-sent",
  "sent-to-old-address",
  "sent-to-wrong-party",
  "other-administrative",
] as const;

/** What the decision-maker had before them: each letter of the file and its state when they decided. */
export interface ReliedOnLetter {
  letter: string;
  state: string;
  bounced: boolean;
}

/** One decision per request, final (append-only): the outcome, its written reasons, what it relied on. */
export const reconsiderationDecisions = pgTable("reconsideration_decisions", {
  requestId: uuid("request_id")
    .primaryKey()
    .references(() => reconsiderationRequests.id),
  outcome: text("outcome", { enum: decisionOutcomes }).notNull(),
  reasons: text("reasons").notNull(),
  agencyError: text("agency_error", { enum: agencyErrors }),
  agencyErrorDetails: text("agency_error_details"),
  /** C-23: the new date by which the documents are due when a file reopens. */
  newDeadline: date("new_deadline"),
  reliedOn: jsonb("relied_on").$type<ReliedOnLetter[]>().notNull(),
  decidedAt: timestamp("decided_at", { withTimezone: true }).notNull(),
  decidedBy: uuid("decided_by")
    .notNull()
    .references(() => staff.id),
});
