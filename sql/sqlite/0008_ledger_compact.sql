-- Journal lines and daily balances, compact (issue 26).
--
-- A line is keyed by its entry's seq and its line number, which it already
-- carried, instead of the entry's 36-character id: the table is stored in
-- that key's order (WITHOUT ROWID), so posting appends to its end, and the
-- index by account needs no extra column (it holds the whole key). The
-- daily balances are stored in their key's order too, without a rowid and a
-- second copy of the key. The indexes by partner and analytic account hold
-- only the lines that have one. Lines are read by entry through the
-- entry's seq.
CREATE TABLE financial_entry_lines_compact (
    tenant_id           TEXT NOT NULL,
    seq                 INTEGER NOT NULL,
    line_no             INTEGER NOT NULL CHECK (line_no >= 1),
    date                TEXT NOT NULL,
    account_id          TEXT NOT NULL,
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    debit               INTEGER NOT NULL CHECK (debit >= 0),
    credit              INTEGER NOT NULL CHECK (credit >= 0),
    partner_id          TEXT,
    analytic_account_id TEXT,
    memo                TEXT,
    PRIMARY KEY (tenant_id, seq, line_no),
    CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)),
    FOREIGN KEY (tenant_id, seq) REFERENCES financial_entries (tenant_id, seq),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES core_partners (tenant_id, id),
    FOREIGN KEY (tenant_id, analytic_account_id) REFERENCES analytics_accounts (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO financial_entry_lines_compact (tenant_id, seq, line_no, date, account_id, currency, debit, credit,
                                           partner_id, analytic_account_id, memo)
    SELECT tenant_id, seq, line_no, date, account_id, currency, debit, credit, partner_id, analytic_account_id, memo
    FROM financial_entry_lines ORDER BY tenant_id, seq, line_no;
DROP TABLE financial_entry_lines;
ALTER TABLE financial_entry_lines_compact RENAME TO financial_entry_lines;
CREATE INDEX financial_entry_lines_account ON financial_entry_lines (tenant_id, account_id, date, seq, line_no);
CREATE INDEX financial_entry_lines_partner ON financial_entry_lines (tenant_id, partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX financial_entry_lines_analytic ON financial_entry_lines (tenant_id, analytic_account_id)
    WHERE analytic_account_id IS NOT NULL;
CREATE TRIGGER financial_entry_lines_immutable_update BEFORE UPDATE ON financial_entry_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;
CREATE TRIGGER financial_entry_lines_immutable_delete BEFORE DELETE ON financial_entry_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;

CREATE TABLE financial_balances_compact (
    tenant_id  TEXT NOT NULL,
    account_id TEXT NOT NULL,
    currency   TEXT NOT NULL,
    date       TEXT NOT NULL,
    debit      INTEGER NOT NULL CHECK (debit >= 0),
    credit     INTEGER NOT NULL CHECK (credit >= 0),
    PRIMARY KEY (tenant_id, account_id, currency, date),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial_accounts (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO financial_balances_compact (tenant_id, account_id, currency, date, debit, credit)
    SELECT tenant_id, account_id, currency, date, debit, credit FROM financial_balances
    ORDER BY tenant_id, account_id, currency, date;
DROP TABLE financial_balances;
ALTER TABLE financial_balances_compact RENAME TO financial_balances;
CREATE TRIGGER financial_balances_only_grow BEFORE UPDATE ON financial_balances
WHEN NEW.debit < OLD.debit OR NEW.credit < OLD.credit
BEGIN SELECT RAISE(ABORT, 'balances are only ever added to'); END;
CREATE TRIGGER financial_balances_no_delete BEFORE DELETE ON financial_balances
BEGIN SELECT RAISE(ABORT, 'balances are only ever added to'); END;

-- The query planner's model of a ledger. Without statistics SQLite may
-- search a WITHOUT ROWID table by a prefix of its key (every line of the
-- tenant) rather than by an index that needs a key lookup per row, which
-- on a large ledger turns a per-account look-up into a scan of all lines.
-- These rows say what every ledger looks like: one tenant holds all of a
-- table's rows, an account a thousandth of them, an account's day a few,
-- an entry two or three lines (SQLite's "fixed statistics": ANALYZE with
-- real figures of a store only refines them).
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('financial_entry_lines', 'financial_balances');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('financial_entry_lines', 'financial_entry_lines', '1000000 1000000 3 1'),
    ('financial_entry_lines', 'financial_entry_lines_account', '1000000 1000000 1000 10 2 1'),
    ('financial_balances', 'financial_balances', '1000000 1000000 1000 1000 1');
ANALYZE sqlite_schema;
