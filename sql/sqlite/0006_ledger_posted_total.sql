-- The sum of every debit a tenant ever posted, kept at INT64_MAX once it
-- would pass it. It bounds every day's debits and credits of every account,
-- so a posting reads the days' balances (to keep each within what an int64
-- can hold) only when this bound would pass INT64_MAX.
ALTER TABLE financial_ledger_state ADD COLUMN posted_total INTEGER NOT NULL DEFAULT 0 CHECK (posted_total >= 0);

-- Existing ledgers: the sum of their lines' debits (TOTAL, a float, only
-- decides whether the exact SUM could overflow).
UPDATE financial_ledger_state SET posted_total =
    CASE WHEN (SELECT TOTAL(debit) FROM financial_entry_lines l WHERE l.tenant_id = financial_ledger_state.tenant_id) >= 9.2e18
         THEN 9223372036854775807
         ELSE (SELECT COALESCE(SUM(debit), 0) FROM financial_entry_lines l WHERE l.tenant_id = financial_ledger_state.tenant_id)
    END;
