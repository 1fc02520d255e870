-- C-19: a batch, its members and what generation made of each are history: the database refuses to
-- rewrite them, as it does for letters (migration 0003).
CREATE TRIGGER batches_append_only BEFORE UPDATE OR DELETE ON batches
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER batch_members_append_only BEFORE UPDATE OR DELETE ON batch_members
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
CREATE TRIGGER batch_results_append_only BEFORE UPDATE OR DELETE ON batch_results
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
-- C-20: the default limits, until an administrator records others: 500 letters a second per office,
-- 100 a second to any one destination domain.
INSERT INTO send_rate_limits (scope, key, per_minute, updated_at) VALUES
  ('office', '*', 30000, now()),
  ('domain', '*', 6000, now());
