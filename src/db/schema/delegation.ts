import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { counsel } from "./portal.ts";

// Delegation (SPEC D-1..D-6): counsel's delegates in My Case. A delegation is one invitation of one
// person by one counsel; its life is the append-only `delegation_events` (migration 0022), and its state at any instant
// is delegation/rules.ts's pure function of those events and the instant.

/** D-1: a question counsel wrote, and the salted hash of the answer they gave the delegate out of band. */
export interface DelegationQuestion {
  question: string;
  salt: string;
  hash: string;
}

export const delegations = pgTable(
  "delegations",
  {
    id: uuid("id").primaryKey(),
    counselId: uuid("counsel_id")
      .notNull()
      .references(() => counsel.id),
    name: text("name").notNull(),
    email: text("email").notNull(),
    /** The code the invitation notice carries; the delegate types it with the answers (no link: P-7). */
    invitationCode: text("invitation_code").notNull().unique(),
    questions: jsonb("questions").$type<DelegationQuestion[]>().notNull(),
    invitedAt: timestamp("invited_at", { withTimezone: true }).notNull(),
    /** Wrong answers so far; at 5 the invitation locks (a `locked` event). */
    failedAnswers: integer("failed_answers").notNull().default(0),
    /** The delegate's own external identity, bound when they answer right (D-1: no self-registration). */
    subject: text("subject"),
    registeredAt: timestamp("registered_at", { withTimezone: true }),
  },
  (t) => [index("delegations_counsel_idx").on(t.counselId), index("delegations_subject_idx").on(t.subject)],
);

export const delegationEventKinds = [
  "invited",
  "granted",
  "reminded",
  "renewed",
  "revoked",
  "locked",
] as const;

/** D-2: the history every clock is computed from. Append-only (migration 0022). */
export const delegationEvents = pgTable(
  "delegation_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    delegationId: uuid("delegation_id")
      .notNull()
      .references(() => delegations.id),
    kind: text("kind", { enum: delegationEventKinds }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** `counsel:<id>`, `delegate:<id>` or `job:<name>`: who made it happen. */
    actor: text("actor").notNull(),
    /** The cycle a reminder belongs to (the grant or renewal it follows): one reminder per cycle. */
    cycleStart: timestamp("cycle_start", { withTimezone: true }),
  },
  (t) => [index("delegation_events_idx").on(t.delegationId, t.seq)],
);
