-- Principle 3 for attachments: the files a letter carries are part of what it said, fixed when it was
-- written; never changed or removed. Their bytes are in the content-addressed blob store.
CREATE TRIGGER correspondence_attachments_append_only BEFORE UPDATE OR DELETE ON correspondence_attachments
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
