CREATE TABLE "ledger_entries" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_entries_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_type" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"data" text NOT NULL,
	"leaf_hash" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_leaves" (
	"leaf_index" bigint PRIMARY KEY NOT NULL,
	"entry_seq" bigint NOT NULL,
	CONSTRAINT "ledger_leaves_entry_seq_unique" UNIQUE("entry_seq")
);
--> statement-breakpoint
CREATE TABLE "ledger_nodes" (
	"level" smallint NOT NULL,
	"index" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "ledger_nodes_level_index_pk" PRIMARY KEY("level","index")
);
--> statement-breakpoint
CREATE TABLE "ledger_queue" (
	"entry_seq" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_timestamps" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"authority_url" text NOT NULL,
	"token" "bytea" NOT NULL,
	"gen_time" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_tree_heads" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"root_hash" "bytea" NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_leaves" ADD CONSTRAINT "ledger_leaves_entry_seq_ledger_entries_seq_fk" FOREIGN KEY ("entry_seq") REFERENCES "public"."ledger_entries"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_queue" ADD CONSTRAINT "ledger_queue_entry_seq_ledger_entries_seq_fk" FOREIGN KEY ("entry_seq") REFERENCES "public"."ledger_entries"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_timestamps" ADD CONSTRAINT "ledger_timestamps_tree_size_ledger_tree_heads_tree_size_fk" FOREIGN KEY ("tree_size") REFERENCES "public"."ledger_tree_heads"("tree_size") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_subject_idx" ON "ledger_entries" USING btree ("subject_type","subject_id");