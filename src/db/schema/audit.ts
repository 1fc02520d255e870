import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Who did what, when, from where. Written in the same transaction as the change it records. `details`
 * holds ids and codes, never personal information in clear.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorKind: text("actor_kind", { enum: ["staff", "system", "job", "portal"] }).notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    officeCode: text("office_code"),
    ip: text("ip"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("audit_subject_idx").on(t.subjectType, t.subjectId)],
);

export const sessions = pgTable("sessions", {
  /** SHA-256 of the cookie's token, so a database read does not yield live sessions. */
  tokenHash: text("token_hash").primaryKey(),
  staffId: uuid("staff_id").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/** Small durable settings (the development clock's offset). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
});
