CREATE TABLE "file_transfers" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"from_office" text NOT NULL,
	"to_office" text NOT NULL,
	"kind" text NOT NULL,
	"notice_id" uuid,
	"at" timestamp with time zone NOT NULL,
	"by" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "correspondence" ADD COLUMN "cc" text;--> statement-breakpoint
ALTER TABLE "file_transfers" ADD CONSTRAINT "file_transfers_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_transfers" ADD CONSTRAINT "file_transfers_from_office_offices_code_fk" FOREIGN KEY ("from_office") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_transfers" ADD CONSTRAINT "file_transfers_to_office_offices_code_fk" FOREIGN KEY ("to_office") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_transfers" ADD CONSTRAINT "file_transfers_notice_id_correspondence_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."correspondence"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_transfers" ADD CONSTRAINT "file_transfers_by_staff_id_fk" FOREIGN KEY ("by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "file_transfers_application_idx" ON "file_transfers" USING btree ("application_id","seq");