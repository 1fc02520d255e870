CREATE TABLE "reconsideration_documents" (
	"request_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	CONSTRAINT "reconsideration_documents_request_id_position_pk" PRIMARY KEY("request_id","position")
);
--> statement-breakpoint
ALTER TABLE "reconsideration_documents" ADD CONSTRAINT "reconsideration_documents_request_id_reconsideration_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."reconsideration_requests"("id") ON DELETE no action ON UPDATE no action;