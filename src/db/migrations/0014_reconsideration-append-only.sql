-- C-22: a request for reconsideration and its decision are history; a decision is final. The database
-- refuses to rewrite either, as it does for letters and contact points (migration 0001).
CREATE TRIGGER reconsideration_requests_append_only BEFORE UPDATE OR DELETE ON reconsideration_requests
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER reconsideration_decisions_append_only BEFORE UPDATE OR DELETE ON reconsideration_decisions
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
