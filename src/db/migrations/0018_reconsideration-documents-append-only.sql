-- C-22: the documents of a request are kept as received; the database refuses to rewrite them.
CREATE TRIGGER reconsideration_documents_append_only BEFORE UPDATE OR DELETE ON reconsideration_documents
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
