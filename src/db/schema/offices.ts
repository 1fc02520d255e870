import { pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const offices = pgTable("offices", {
  // A short stable code (MTL, VAN, PAR) people type in search filters and see in the interface.
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameFr: text("name_fr").notNull(),
  /** ISO 3166-1 alpha-2: drives per-country response periods later (C-6). */
  country: text("country").notNull(),
  /** IANA time zone in which the office's people read dates. */
  timeZone: text("time_zone").notNull(),
  /** C-7: letters leave from this address, never from a person's. */
  genericMailbox: text("generic_mailbox").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

export const staff = pgTable("staff", {
  id: uuid("id").primaryKey(),
  /** The identity provider's subject; staff never have a password here. */
  subject: text("subject").notNull().unique(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

export const staffRoles = ["agent", "decision-maker", "office-admin", "auditor", "support-agent"] as const;

export const postings = pgTable(
  "postings",
  {
    staffId: uuid("staff_id")
      .notNull()
      .references(() => staff.id),
    officeCode: text("office_code")
      .notNull()
      .references(() => offices.code),
    role: text("role", { enum: staffRoles }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.officeCode, t.role] })],
);
