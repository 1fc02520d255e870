-- My Case: what was filed, sent, read, removed, submitted and decided, and the registry's history of
-- standing, contacts and links, are history; the database refuses to rewrite them (as for letters, 0003).
CREATE TRIGGER counsel_standings_append_only BEFORE UPDATE OR DELETE ON counsel_standings
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER counsel_contacts_append_only BEFORE UPDATE OR DELETE ON counsel_contacts
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER counsel_representatives_append_only BEFORE UPDATE OR DELETE ON counsel_representatives
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_accounts_append_only BEFORE UPDATE OR DELETE ON portal_accounts
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_submissions_append_only BEFORE UPDATE OR DELETE ON portal_submissions
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_documents_append_only BEFORE UPDATE OR DELETE ON portal_documents
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_document_reads_append_only BEFORE UPDATE OR DELETE ON portal_document_reads
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_inbox_removals_append_only BEFORE UPDATE OR DELETE ON portal_inbox_removals
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_forms_append_only BEFORE UPDATE OR DELETE ON portal_forms
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER portal_form_decisions_append_only BEFORE UPDATE OR DELETE ON portal_form_decisions
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER sms_messages_append_only BEFORE UPDATE OR DELETE ON sms_messages
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
