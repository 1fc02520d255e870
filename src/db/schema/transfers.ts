import { bigserial, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { correspondence } from "./correspondence.ts";
import { applications } from "./files.ts";
import { offices, staff } from "./offices.ts";

/** C-21: "processing" moves the work and notifies the party; "triage" is an internal routing, silent. */
export const transferKinds = ["processing", "triage"] as const;

/**
 * Every move of a file between offices, as history (append-only, migration 0012). The file's current
 * office (`applications.office_code`) is the `to_office` of its latest row, kept in step in the same
 * transaction so every existing query and the office isolation rule read one column.
 */
export const fileTransfers = pgTable(
  "file_transfers",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id),
    fromOffice: text("from_office")
      .notNull()
      .references(() => offices.code),
    toOffice: text("to_office")
      .notNull()
      .references(() => offices.code),
    kind: text("kind", { enum: transferKinds }).notNull(),
    /** The C-21 notice written with a move for processing; null for triage. */
    noticeId: uuid("notice_id").references(() => correspondence.id),
    at: timestamp("at", { withTimezone: true }).notNull(),
    by: uuid("by")
      .notNull()
      .references(() => staff.id),
  },
  (t) => [index("file_transfers_application_idx").on(t.applicationId, t.seq)],
);
