-- C-21: a file's moves between offices are history. The database refuses to rewrite them, as it does for
-- contact points and letters (migration 0001); the file's current office follows from them.
CREATE TRIGGER file_transfers_append_only BEFORE UPDATE OR DELETE ON file_transfers
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
