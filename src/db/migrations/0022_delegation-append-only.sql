-- D-2: a delegation's history is what every clock is computed from: the database refuses to rewrite it.
CREATE TRIGGER delegation_events_append_only BEFORE UPDATE OR DELETE ON delegation_events
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();--> statement-breakpoint
-- D-2: one reminder per cycle (the grant or renewal it follows), whatever the number of workers or runs.
CREATE UNIQUE INDEX delegation_events_one_reminder ON delegation_events (delegation_id, cycle_start)
  WHERE kind = 'reminded';
