-- The sum of every debit a tenant ever posted, kept at INT64_MAX once it
-- would pass it. It bounds every day's debits and credits of every account,
-- so a posting reads the days' balances (to keep each within what a bigint
-- can hold) only when this bound would pass INT64_MAX.
ALTER TABLE financial.ledger_state ADD COLUMN posted_total bigint NOT NULL DEFAULT 0 CHECK (posted_total >= 0);

-- Existing ledgers: the sum of their lines' debits. Row-level security is
-- lifted for this one statement of the migration (it reads every tenant).
ALTER TABLE financial.ledger_state NO FORCE ROW LEVEL SECURITY;
ALTER TABLE financial.entry_lines NO FORCE ROW LEVEL SECURITY;
UPDATE financial.ledger_state s SET posted_total =
    (SELECT LEAST(COALESCE(SUM(l.debit), 0), 9223372036854775807)::bigint
       FROM financial.entry_lines l WHERE l.tenant_id = s.tenant_id);
ALTER TABLE financial.ledger_state FORCE ROW LEVEL SECURITY;
ALTER TABLE financial.entry_lines FORCE ROW LEVEL SECURITY;
