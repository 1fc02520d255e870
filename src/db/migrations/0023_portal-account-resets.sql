CREATE TABLE "portal_account_resets" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"counsel_id" uuid NOT NULL,
	"reset_at" timestamp with time zone NOT NULL,
	"reset_by" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "portal_accounts" DROP CONSTRAINT "portal_accounts_subject_unique";--> statement-breakpoint
-- P-3: a binding of counsel to an identity is no longer the counsel's only one for ever; the help desk may
-- release it (the seed's "use another GCKey"), and counsel register again. Existing bindings get their id
-- from the column's default, which fills the rows without an UPDATE (the append-only trigger stays quiet).
ALTER TABLE "portal_accounts" DROP CONSTRAINT "portal_accounts_pkey";--> statement-breakpoint
ALTER TABLE "portal_accounts" ADD COLUMN "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_account_resets" ADD CONSTRAINT "portal_account_resets_account_id_portal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."portal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_account_resets" ADD CONSTRAINT "portal_account_resets_counsel_id_counsel_id_fk" FOREIGN KEY ("counsel_id") REFERENCES "public"."counsel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_account_resets" ADD CONSTRAINT "portal_account_resets_reset_by_staff_id_fk" FOREIGN KEY ("reset_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portal_accounts_counsel_idx" ON "portal_accounts" USING btree ("counsel_id");--> statement-breakpoint
CREATE INDEX "portal_accounts_subject_idx" ON "portal_accounts" USING btree ("subject");--> statement-breakpoint
CREATE TRIGGER portal_account_resets_append_only BEFORE UPDATE OR DELETE ON portal_account_resets
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();