CREATE TABLE "batch_stops" (
	"batch_id" uuid PRIMARY KEY NOT NULL,
	"stopped_at" timestamp with time zone NOT NULL,
	"stopped_by" uuid NOT NULL,
	"cancelled" integer NOT NULL,
	"not_written" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "batch_stops" ADD CONSTRAINT "batch_stops_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_stops" ADD CONSTRAINT "batch_stops_stopped_by_staff_id_fk" FOREIGN KEY ("stopped_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- C-20: a stop is history, like the batch it stops (0016).
CREATE TRIGGER batch_stops_append_only BEFORE UPDATE OR DELETE ON batch_stops
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
