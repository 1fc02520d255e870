-- Principle 3 for correspondence: what a letter said, to whom, what happened to it, the bytes sent and
-- the notes on the file are never rewritten. Only the outbox (operational state) changes.
CREATE TRIGGER correspondence_append_only BEFORE UPDATE OR DELETE ON correspondence
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER correspondence_events_append_only BEFORE UPDATE OR DELETE ON correspondence_events
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER sealed_messages_append_only BEFORE UPDATE OR DELETE ON sealed_messages
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER file_notes_append_only BEFORE UPDATE OR DELETE ON file_notes
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER letter_templates_append_only BEFORE UPDATE OR DELETE ON letter_templates
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER response_periods_append_only BEFORE UPDATE OR DELETE ON response_periods
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
