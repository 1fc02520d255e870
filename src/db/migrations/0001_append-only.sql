-- Principle 3: history is never rewritten. The database itself refuses UPDATE and DELETE on the
-- append-only tables, so a bug or a hand-typed query cannot silently alter the record.
CREATE FUNCTION liaison_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER contact_points_append_only BEFORE UPDATE OR DELETE ON contact_points
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER representations_append_only BEFORE UPDATE OR DELETE ON representations
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION liaison_refuse_rewrite();
