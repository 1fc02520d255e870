CREATE TABLE "reconsideration_decisions" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"reasons" text NOT NULL,
	"agency_error" text,
	"agency_error_details" text,
	"new_deadline" date,
	"relied_on" jsonb NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"decided_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconsideration_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"reasons" text NOT NULL,
	"received_on" date NOT NULL,
	"status_at_request" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reconsideration_decisions" ADD CONSTRAINT "reconsideration_decisions_request_id_reconsideration_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."reconsideration_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconsideration_decisions" ADD CONSTRAINT "reconsideration_decisions_decided_by_staff_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconsideration_requests" ADD CONSTRAINT "reconsideration_requests_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconsideration_requests" ADD CONSTRAINT "reconsideration_requests_requested_by_parties_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconsideration_requests" ADD CONSTRAINT "reconsideration_requests_recorded_by_staff_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reconsideration_requests_application_idx" ON "reconsideration_requests" USING btree ("application_id");