import {
  bigint,
  customType,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/** Raw bytes (hashes, signatures, tokens). PGlite hands back a Uint8Array, node-postgres a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

/**
 * B-2: one event that matters, as the exact bytes that become a leaf of the ledger (`data`, canonical
 * JSON, see evidence/canonical.ts). Written in the transaction of the event itself; its place in the
 * tree (`ledger_leaves`) is given later by the one sequencer. Append-only (a trigger refuses changes).
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** An ETSI EN 319 522 event name where one fits (B-9), else a `liaison.` name. */
    eventType: text("event_type").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    data: text("data").notNull(),
    /** SHA-256(0x00 || data): kept so the sequencer never re-reads `data`; `ledger verify` recomputes it. */
    leafHash: bytea("leaf_hash").notNull(),
  },
  (t) => [index("ledger_entries_subject_idx").on(t.subjectType, t.subjectId)],
);

/** Entries not yet in the tree: operational, emptied by the sequencer (like the outbox). */
export const ledgerQueue = pgTable("ledger_queue", {
  entrySeq: bigint("entry_seq", { mode: "number" })
    .primaryKey()
    .references(() => ledgerEntries.seq),
});

/** The order of the tree: leaf `leaf_index` is entry `entry_seq`. Append-only. */
export const ledgerLeaves = pgTable("ledger_leaves", {
  leafIndex: bigint("leaf_index", { mode: "number" }).primaryKey(),
  entrySeq: bigint("entry_seq", { mode: "number" })
    .notNull()
    .unique()
    .references(() => ledgerEntries.seq),
});

/**
 * The hash of every complete subtree: level L, index I covers leaves [I·2^L, (I+1)·2^L). Any proof is
 * O(log n) of these (evidence/merkle.ts), read in one query. Append-only.
 */
export const ledgerNodes = pgTable(
  "ledger_nodes",
  {
    level: smallint("level").notNull(),
    index: bigint("index", { mode: "number" }).notNull(),
    hash: bytea("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.index] })],
);

/** B-2: signed tree heads. The signature is Ed25519 over the tree head's canonical bytes (README). */
export const ledgerTreeHeads = pgTable("ledger_tree_heads", {
  treeSize: bigint("tree_size", { mode: "number" }).primaryKey(),
  rootHash: bytea("root_hash").notNull(),
  signedAt: timestamp("signed_at", { withTimezone: true }).notNull(),
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), hex: which key signed. */
  keyId: text("key_id").notNull(),
  signature: bytea("signature").notNull(),
});

/** B-8: an RFC 3161 time-stamp token over a tree head's signed bytes, from an outside authority. */
export const ledgerTimestamps = pgTable("ledger_timestamps", {
  treeSize: bigint("tree_size", { mode: "number" })
    .primaryKey()
    .references(() => ledgerTreeHeads.treeSize),
  authorityUrl: text("authority_url").notNull(),
  token: bytea("token").notNull(),
  genTime: timestamp("gen_time", { withTimezone: true }).notNull(),
});
