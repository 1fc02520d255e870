CREATE TABLE "access_codes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"mobile" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"issued_by" uuid,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"used_at" timestamp with time zone,
	"replaced_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "counsel" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"professional_body" text NOT NULL,
	"member_number" text NOT NULL,
	"preferred_language" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	CONSTRAINT "counsel_member" UNIQUE("professional_body","member_number")
);
--> statement-breakpoint
CREATE TABLE "counsel_contacts" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"email" text NOT NULL,
	"mobile" text NOT NULL,
	"phone" text,
	"postal_address" text,
	"source" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid
);
--> statement-breakpoint
CREATE TABLE "counsel_representatives" (
	"counsel_id" uuid NOT NULL,
	"party_id" uuid NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	"linked_by" uuid,
	CONSTRAINT "counsel_representatives_counsel_id_party_id_pk" PRIMARY KEY("counsel_id","party_id")
);
--> statement-breakpoint
CREATE TABLE "counsel_standings" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"standing" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid
);
--> statement-breakpoint
CREATE TABLE "hearings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid
);
--> statement-breakpoint
CREATE TABLE "portal_accounts" (
	"counsel_id" uuid PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_accounts_subject_unique" UNIQUE("subject")
);
--> statement-breakpoint
CREATE TABLE "portal_document_reads" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"counsel_id" uuid NOT NULL,
	"delegate_id" uuid,
	"read_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"counsel_id" uuid NOT NULL,
	"title" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"sent_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_form_decisions" (
	"form_id" uuid PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"decided_at" timestamp with time zone NOT NULL,
	"decided_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_forms" (
	"id" uuid PRIMARY KEY NOT NULL,
	"confirmation_number" text NOT NULL,
	"kind" text NOT NULL,
	"counsel_id" uuid NOT NULL,
	"delegate_id" uuid,
	"application_id" uuid,
	"payload" jsonb NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_forms_confirmation_number_unique" UNIQUE("confirmation_number")
);
--> statement-breakpoint
CREATE TABLE "portal_inbox_removals" (
	"document_id" uuid PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"removed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_locks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"lock_code" text NOT NULL,
	"reason" text NOT NULL,
	"locked_at" timestamp with time zone NOT NULL,
	"unlocked_at" timestamp with time zone,
	"unlocked_by" uuid
);
--> statement-breakpoint
CREATE TABLE "portal_notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"counsel_id" uuid,
	"delegate_id" uuid,
	"to_address" text NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"smtp_reply" text
);
--> statement-breakpoint
CREATE TABLE "portal_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_sign_in_failures" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"confirmation_number" text NOT NULL,
	"application_id" uuid NOT NULL,
	"counsel_id" uuid NOT NULL,
	"delegate_id" uuid,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"scan" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"received_eastern" text NOT NULL,
	CONSTRAINT "portal_submissions_confirmation_number_unique" UNIQUE("confirmation_number")
);
--> statement-breakpoint
CREATE TABLE "sms_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"transport" text NOT NULL,
	"to_number" text NOT NULL,
	"body" text,
	"provider_reference" text,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_codes" ADD CONSTRAINT "access_codes_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_codes" ADD CONSTRAINT "access_codes_issued_by_staff_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel" ADD CONSTRAINT "counsel_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_contacts" ADD CONSTRAINT "counsel_contacts_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_contacts" ADD CONSTRAINT "counsel_contacts_recorded_by_staff_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_representatives" ADD CONSTRAINT "counsel_representatives_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_representatives" ADD CONSTRAINT "counsel_representatives_party_id_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_representatives" ADD CONSTRAINT "counsel_representatives_linked_by_staff_id_fk" FOREIGN KEY ("linked_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_standings" ADD CONSTRAINT "counsel_standings_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counsel_standings" ADD CONSTRAINT "counsel_standings_recorded_by_staff_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hearings" ADD CONSTRAINT "hearings_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hearings" ADD CONSTRAINT "hearings_recorded_by_staff_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_accounts" ADD CONSTRAINT "portal_accounts_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_document_reads" ADD CONSTRAINT "portal_document_reads_document_id_portal_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."portal_documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_document_reads" ADD CONSTRAINT "portal_document_reads_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_documents" ADD CONSTRAINT "portal_documents_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_documents" ADD CONSTRAINT "portal_documents_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_documents" ADD CONSTRAINT "portal_documents_sent_by_staff_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_form_decisions" ADD CONSTRAINT "portal_form_decisions_form_id_portal_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."portal_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_form_decisions" ADD CONSTRAINT "portal_form_decisions_decided_by_staff_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_forms" ADD CONSTRAINT "portal_forms_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_forms" ADD CONSTRAINT "portal_forms_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_inbox_removals" ADD CONSTRAINT "portal_inbox_removals_document_id_portal_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."portal_documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_inbox_removals" ADD CONSTRAINT "portal_inbox_removals_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_locks" ADD CONSTRAINT "portal_locks_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_locks" ADD CONSTRAINT "portal_locks_unlocked_by_staff_id_fk" FOREIGN KEY ("unlocked_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_notifications" ADD CONSTRAINT "portal_notifications_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sign_in_failures" ADD CONSTRAINT "portal_sign_in_failures_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_submissions" ADD CONSTRAINT "portal_submissions_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_submissions" ADD CONSTRAINT "portal_submissions_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_codes_counsel_idx" ON "access_codes" USING btree ("counsel_id","issued_at");--> statement-breakpoint
CREATE INDEX "counsel_contacts_idx" ON "counsel_contacts" USING btree ("counsel_id","seq");--> statement-breakpoint
CREATE INDEX "counsel_representatives_party_idx" ON "counsel_representatives" USING btree ("party_id");--> statement-breakpoint
CREATE INDEX "counsel_standings_idx" ON "counsel_standings" USING btree ("counsel_id","seq");--> statement-breakpoint
CREATE INDEX "hearings_application_idx" ON "hearings" USING btree ("application_id","starts_at");--> statement-breakpoint
CREATE INDEX "portal_document_reads_idx" ON "portal_document_reads" USING btree ("document_id","read_at");--> statement-breakpoint
CREATE INDEX "portal_documents_counsel_idx" ON "portal_documents" USING btree ("counsel_id","sent_at");--> statement-breakpoint
CREATE INDEX "portal_documents_application_idx" ON "portal_documents" USING btree ("application_id","sent_at");--> statement-breakpoint
CREATE INDEX "portal_forms_counsel_idx" ON "portal_forms" USING btree ("counsel_id","submitted_at");--> statement-breakpoint
CREATE INDEX "portal_locks_counsel_idx" ON "portal_locks" USING btree ("counsel_id","locked_at");--> statement-breakpoint
CREATE INDEX "portal_notifications_due_idx" ON "portal_notifications" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "portal_sign_in_failures_idx" ON "portal_sign_in_failures" USING btree ("counsel_id","at");--> statement-breakpoint
CREATE INDEX "portal_submissions_application_idx" ON "portal_submissions" USING btree ("application_id","received_at");