CREATE TABLE "correspondence_attachments" (
	"correspondence_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	CONSTRAINT "correspondence_attachments_correspondence_id_position_pk" PRIMARY KEY("correspondence_id","position")
);
--> statement-breakpoint
ALTER TABLE "correspondence_attachments" ADD CONSTRAINT "correspondence_attachments_correspondence_id_correspondence_id_fk" FOREIGN KEY ("correspondence_id") REFERENCES "public"."correspondence"("id") ON DELETE no action ON UPDATE no action;