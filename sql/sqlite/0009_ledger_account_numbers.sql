-- Accounts numbered within their tenant's ledger (issue 26).
--
-- A journal line and a daily balance name their account by a small
-- integer, the account's number in its tenant's ledger, instead of its
-- 36-character id: the id was written three times per line (the line, the
-- index by account, the daily balance) and made a line's share of the
-- store twice what its figures need. financial_ledger_accounts holds the
-- numbering: one row per account that has ever been posted to, numbered
-- 1, 2, ... within the tenant by the posting engine under the tenant's
-- chain lock, never changed or removed. The API keeps the text ids: every
-- read joins the numbering.
CREATE TABLE financial_ledger_accounts (
    tenant_id  TEXT NOT NULL,
    account_no INTEGER NOT NULL CHECK (account_no >= 1),
    account_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account_no),
    UNIQUE (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial_accounts (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO financial_ledger_accounts (tenant_id, account_no, account_id)
    SELECT tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY account_id), account_id
    FROM (SELECT DISTINCT tenant_id, account_id FROM financial_entry_lines
          UNION SELECT tenant_id, account_id FROM financial_balances);
CREATE TRIGGER financial_ledger_accounts_immutable_update BEFORE UPDATE ON financial_ledger_accounts
BEGIN SELECT RAISE(ABORT, 'the numbering of ledger accounts is immutable'); END;
CREATE TRIGGER financial_ledger_accounts_immutable_delete BEFORE DELETE ON financial_ledger_accounts
BEGIN SELECT RAISE(ABORT, 'the numbering of ledger accounts is immutable'); END;

CREATE TABLE financial_entry_lines_numbered (
    tenant_id           TEXT NOT NULL,
    seq                 INTEGER NOT NULL,
    line_no             INTEGER NOT NULL CHECK (line_no >= 1),
    date                TEXT NOT NULL,
    account_no          INTEGER NOT NULL,
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    debit               INTEGER NOT NULL CHECK (debit >= 0),
    credit              INTEGER NOT NULL CHECK (credit >= 0),
    partner_id          TEXT,
    analytic_account_id TEXT,
    memo                TEXT,
    PRIMARY KEY (tenant_id, seq, line_no),
    CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)),
    FOREIGN KEY (tenant_id, seq) REFERENCES financial_entries (tenant_id, seq),
    FOREIGN KEY (tenant_id, account_no) REFERENCES financial_ledger_accounts (tenant_id, account_no),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES core_partners (tenant_id, id),
    FOREIGN KEY (tenant_id, analytic_account_id) REFERENCES analytics_accounts (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO financial_entry_lines_numbered (tenant_id, seq, line_no, date, account_no, currency, debit, credit,
                                            partner_id, analytic_account_id, memo)
    SELECT l.tenant_id, l.seq, l.line_no, l.date, a.account_no, l.currency, l.debit, l.credit, l.partner_id,
           l.analytic_account_id, l.memo
    FROM financial_entry_lines l
    JOIN financial_ledger_accounts a ON a.tenant_id = l.tenant_id AND a.account_id = l.account_id
    ORDER BY l.tenant_id, l.seq, l.line_no;
DROP TABLE financial_entry_lines;
ALTER TABLE financial_entry_lines_numbered RENAME TO financial_entry_lines;
CREATE INDEX financial_entry_lines_account ON financial_entry_lines (tenant_id, account_no, date, seq, line_no);
CREATE INDEX financial_entry_lines_partner ON financial_entry_lines (tenant_id, partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX financial_entry_lines_analytic ON financial_entry_lines (tenant_id, analytic_account_id)
    WHERE analytic_account_id IS NOT NULL;
CREATE TRIGGER financial_entry_lines_immutable_update BEFORE UPDATE ON financial_entry_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;
CREATE TRIGGER financial_entry_lines_immutable_delete BEFORE DELETE ON financial_entry_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;

CREATE TABLE financial_balances_numbered (
    tenant_id  TEXT NOT NULL,
    account_no INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    date       TEXT NOT NULL,
    debit      INTEGER NOT NULL CHECK (debit >= 0),
    credit     INTEGER NOT NULL CHECK (credit >= 0),
    PRIMARY KEY (tenant_id, account_no, currency, date),
    FOREIGN KEY (tenant_id, account_no) REFERENCES financial_ledger_accounts (tenant_id, account_no)
) STRICT, WITHOUT ROWID;
INSERT INTO financial_balances_numbered (tenant_id, account_no, currency, date, debit, credit)
    SELECT b.tenant_id, a.account_no, b.currency, b.date, b.debit, b.credit
    FROM financial_balances b
    JOIN financial_ledger_accounts a ON a.tenant_id = b.tenant_id AND a.account_id = b.account_id
    ORDER BY b.tenant_id, a.account_no, b.currency, b.date;
DROP TABLE financial_balances;
ALTER TABLE financial_balances_numbered RENAME TO financial_balances;
CREATE TRIGGER financial_balances_only_grow BEFORE UPDATE ON financial_balances
WHEN NEW.debit < OLD.debit OR NEW.credit < OLD.credit
BEGIN SELECT RAISE(ABORT, 'balances are only ever added to'); END;
CREATE TRIGGER financial_balances_no_delete BEFORE DELETE ON financial_balances
BEGIN SELECT RAISE(ABORT, 'balances are only ever added to'); END;

-- The planner's model of a ledger, as in migration 8, for the rebuilt tables.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('financial_entry_lines', 'financial_balances');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('financial_entry_lines', 'financial_entry_lines', '1000000 1000000 3 1'),
    ('financial_entry_lines', 'financial_entry_lines_account', '1000000 1000000 1000 10 2 1'),
    ('financial_balances', 'financial_balances', '1000000 1000000 1000 1000 1');
ANALYZE sqlite_schema;
