import { sql } from "drizzle-orm";
import { bigserial, date, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { offices, staff } from "./offices.ts";

export const linesOfBusiness = ["immigration", "citizenship", "refugee"] as const;
export const applicationStatuses = [
  "open",
  "approved",
  "refused",
  "abandoned",
  "withdrawn",
  "reopened",
] as const;

export const applications = pgTable(
  "applications",
  {
    id: uuid("id").primaryKey(),
    number: text("number").notNull().unique(),
    lineOfBusiness: text("line_of_business", { enum: linesOfBusiness }).notNull(),
    officeCode: text("office_code")
      .notNull()
      .references(() => offices.code),
    status: text("status", { enum: applicationStatuses }).notNull(),
    finalDecisionOn: date("final_decision_on"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("applications_office_idx").on(t.officeCode, t.status)],
);

export const partyRoles = ["applicant", "representative"] as const;
export const languages = ["en", "fr", "bilingual"] as const;

export const parties = pgTable(
  "parties",
  {
    id: uuid("id").primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    role: text("role", { enum: partyRoles }).notNull(),
    name: text("name").notNull(),
    preferredLanguage: text("preferred_language", { enum: languages }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("parties_application_idx").on(t.applicationId)],
);

export const contactKinds = ["email", "postal"] as const;
/**
 * How an address reached us. An email address is consent to email only when it came by one of the
 * three ways of C-2 (application form, IMM 5476, the client writing by email): one given on the phone
 * or in a letter is recorded, but letters still go by post.
 */
export const contactSources = [
  "application-form",
  "imm5476",
  "client-email",
  "client-letter",
  "phone",
] as const;

/**
 * Contact-point history: one row per address a party gave. Rows are never updated; a newer row of the
 * same kind supersedes the older one from its `provided_at` (ties broken by `seq`, the order recorded).
 */
export const contactPoints = pgTable(
  "contact_points",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    partyId: uuid("party_id")
      .notNull()
      .references(() => parties.id),
    kind: text("kind", { enum: contactKinds }).notNull(),
    /** The email address exactly as given, or the postal address as printed lines joined by "\n". */
    value: text("value").notNull(),
    source: text("source", { enum: contactSources }).notNull(),
    providedAt: timestamp("provided_at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    recordedBy: uuid("recorded_by").references(() => staff.id),
  },
  (t) => [
    index("contact_points_party_idx").on(t.partyId, t.kind, t.providedAt),
    index("contact_points_value_idx").on(sql`lower(${t.value})`),
  ],
);

export const representationKinds = ["declared", "withdrawn"] as const;

/** IMM 5476 "Use of a Representative": declared and withdrawn, as history. */
export const representations = pgTable(
  "representations",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    representativeId: uuid("representative_id")
      .notNull()
      .references(() => parties.id),
    kind: text("kind", { enum: representationKinds }).notNull(),
    /** When the signed form (or the withdrawal) was received. */
    effectiveAt: timestamp("effective_at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    recordedBy: uuid("recorded_by").references(() => staff.id),
  },
  (t) => [index("representations_application_idx").on(t.applicationId)],
);
