-- B-2: what is on the ledger, its order and its tree never change; a tree head once signed stays as
-- signed. Only the queue of entries waiting for the sequencer is operational.
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER ledger_leaves_append_only BEFORE UPDATE OR DELETE ON ledger_leaves
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER ledger_nodes_append_only BEFORE UPDATE OR DELETE ON ledger_nodes
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER ledger_tree_heads_append_only BEFORE UPDATE OR DELETE ON ledger_tree_heads
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER ledger_timestamps_append_only BEFORE UPDATE OR DELETE ON ledger_timestamps
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
-- Every entry waits for the sequencer: no code path can write an entry the tree would never include.
CREATE FUNCTION liaison_queue_ledger_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_queue (entry_seq) VALUES (NEW.seq);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_queue AFTER INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION liaison_queue_ledger_entry();
