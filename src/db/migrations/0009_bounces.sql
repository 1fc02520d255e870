CREATE TABLE "file_flags" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"flag" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"source_key" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"envelope_to" text,
	"format" text NOT NULL,
	"kind" text NOT NULL,
	"report" jsonb NOT NULL,
	"original_message_id" text,
	"correspondence_id" uuid,
	"matched_by" text,
	CONSTRAINT "inbound_messages_source" UNIQUE("office_code","source_key")
);
--> statement-breakpoint
CREATE TABLE "inbound_reviews" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"inbound_message_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"correspondence_id" uuid,
	"at" timestamp with time zone NOT NULL,
	"by" uuid NOT NULL,
	CONSTRAINT "inbound_reviews_inbound_message_id_unique" UNIQUE("inbound_message_id")
);
--> statement-breakpoint
CREATE TABLE "mailbox_cursors" (
	"office_code" text NOT NULL,
	"mailbox" text NOT NULL,
	"uid_validity" bigint NOT NULL,
	"last_uid" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "mailbox_cursors_office_code_mailbox_pk" PRIMARY KEY("office_code","mailbox")
);
--> statement-breakpoint
ALTER TABLE "file_flags" ADD CONSTRAINT "file_flags_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_flags" ADD CONSTRAINT "file_flags_by_staff_id_fk" FOREIGN KEY ("by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_correspondence_id_correspondence_id_fk" FOREIGN KEY ("correspondence_id") REFERENCES "public"."correspondence"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_reviews" ADD CONSTRAINT "inbound_reviews_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_reviews" ADD CONSTRAINT "inbound_reviews_correspondence_id_correspondence_id_fk" FOREIGN KEY ("correspondence_id") REFERENCES "public"."correspondence"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_reviews" ADD CONSTRAINT "inbound_reviews_by_staff_id_fk" FOREIGN KEY ("by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailbox_cursors" ADD CONSTRAINT "mailbox_cursors_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "file_flags_application_idx" ON "file_flags" USING btree ("application_id","seq");--> statement-breakpoint
CREATE INDEX "inbound_messages_letter_idx" ON "inbound_messages" USING btree ("correspondence_id");