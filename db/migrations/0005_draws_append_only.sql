-- A draw's audit record is history: append-only, like the ledger.
CREATE TRIGGER draws_append_only BEFORE UPDATE OR DELETE ON draws
  FOR EACH ROW EXECUTE FUNCTION freeline_refuse_change();
--> statement-breakpoint
CREATE TRIGGER draws_no_truncate BEFORE TRUNCATE ON draws
  FOR EACH STATEMENT EXECUTE FUNCTION freeline_refuse_change();
