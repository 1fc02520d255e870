-- C-16, B-6: what came into a generic mailbox is recorded once and never rewritten, so a report cannot
-- quietly disappear; a review decision is final; the B-7 flag is history. The mailbox cursor is operational.
CREATE TRIGGER inbound_messages_append_only BEFORE UPDATE OR DELETE ON inbound_messages
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER inbound_reviews_append_only BEFORE UPDATE OR DELETE ON inbound_reviews
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER file_flags_append_only BEFORE UPDATE OR DELETE ON file_flags
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
