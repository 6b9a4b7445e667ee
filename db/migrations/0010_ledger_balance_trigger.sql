-- hand-written
-- SPEC I1 in the database: the entries of a ledger transaction sum to zero for each asset. post()
-- checks its legs before writing them; this refuses any other writer too. It is a deferred
-- constraint trigger, so it judges at commit, when every leg is in: a posting may be written one
-- row at a time.
--
-- A row trigger fires once per entry, and a drain batch posts up to a thousand legs in one ledger
-- transaction; summing them a thousand times would cost a second. So the first firing for a ledger
-- transaction checks all its entries and notes (transaction-local) the transaction and the highest
-- entry id it saw; later firings for entries it already covered return at once. An entry written
-- after that check (possible only under SET CONSTRAINTS ... IMMEDIATE) has a higher id and is checked.
CREATE FUNCTION freeline_ledger_tx_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  seen text := current_setting('freeline.ledger_tx_checked', true);
  off record;
  last_id bigint;
BEGIN
  IF seen IS NOT NULL AND seen <> ''
     AND split_part(seen, ':', 1)::bigint = NEW.transaction_id
     AND NEW.id <= split_part(seen, ':', 2)::bigint THEN
    RETURN NULL;
  END IF;
  SELECT asset, sum(amount) AS total INTO off
    FROM ledger_entries
    WHERE transaction_id = NEW.transaction_id
    GROUP BY asset
    HAVING sum(amount) <> 0
    ORDER BY asset
    LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: % off by %', NEW.transaction_id, off.asset, off.total
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balance_per_asset', TABLE = 'ledger_entries';
  END IF;
  SELECT max(id) INTO last_id FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
  PERFORM set_config('freeline.ledger_tx_checked', NEW.transaction_id || ':' || last_id, true);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_entries_balance_per_asset
  AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION freeline_ledger_tx_balances();
