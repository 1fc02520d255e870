CREATE TABLE "delegation_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"delegation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"cycle_start" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "delegations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"invitation_code" text NOT NULL,
	"questions" jsonb NOT NULL,
	"invited_at" timestamp with time zone NOT NULL,
	"failed_answers" integer DEFAULT 0 NOT NULL,
	"subject" text,
	"registered_at" timestamp with time zone,
	CONSTRAINT "delegations_invitation_code_unique" UNIQUE("invitation_code")
);
--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD COLUMN "acting_for" uuid;--> statement-breakpoint
ALTER TABLE "delegation_events" ADD CONSTRAINT "delegation_events_delegation_id_delegations_id_fk" FOREIGN KEY ("delegation_id") REFERENCES "public"."delegations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delegation_events_idx" ON "delegation_events" USING btree ("delegation_id","seq");--> statement-breakpoint
CREATE INDEX "delegations_counsel_idx" ON "delegations" USING btree ("counsel_id");--> statement-breakpoint
CREATE INDEX "delegations_subject_idx" ON "delegations" USING btree ("subject");