-- The double-entry ledger: entries, their lines, daily balances per account
-- and currency, and each tenant's ledger state (hash chain head, lock date).
-- Posted entries and lines are immutable; balances are only ever added to.

CREATE TABLE financial_ledger_state (
    tenant_id  TEXT PRIMARY KEY REFERENCES auth_tenants (id),
    last_seq   INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash  TEXT NOT NULL DEFAULT '',
    lock_date  TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE financial_entries (
    tenant_id       TEXT NOT NULL REFERENCES auth_tenants (id),
    id              TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    journal_id      TEXT NOT NULL,
    date            TEXT NOT NULL,
    reference       TEXT,
    memo            TEXT,
    idempotency_key TEXT,
    request_hash    TEXT,
    reversal_of     TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, seq),
    UNIQUE (tenant_id, idempotency_key),
    UNIQUE (tenant_id, reversal_of),
    FOREIGN KEY (tenant_id, journal_id) REFERENCES financial_journals (tenant_id, id),
    FOREIGN KEY (tenant_id, reversal_of) REFERENCES financial_entries (tenant_id, id)
) STRICT;
CREATE INDEX financial_entries_date ON financial_entries (tenant_id, date, seq);

CREATE TABLE financial_entry_lines (
    tenant_id           TEXT NOT NULL,
    entry_id            TEXT NOT NULL,
    line_no             INTEGER NOT NULL CHECK (line_no >= 1),
    seq                 INTEGER NOT NULL,
    date                TEXT NOT NULL,
    account_id          TEXT NOT NULL,
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    debit               INTEGER NOT NULL CHECK (debit >= 0),
    credit              INTEGER NOT NULL CHECK (credit >= 0),
    partner_id          TEXT,
    analytic_account_id TEXT,
    memo                TEXT,
    PRIMARY KEY (tenant_id, entry_id, line_no),
    CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES financial_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES core_partners (tenant_id, id),
    FOREIGN KEY (tenant_id, analytic_account_id) REFERENCES analytics_accounts (tenant_id, id)
) STRICT;
CREATE INDEX financial_entry_lines_account ON financial_entry_lines (tenant_id, account_id, date, seq, line_no);
CREATE INDEX financial_entry_lines_partner ON financial_entry_lines (tenant_id, partner_id);
CREATE INDEX financial_entry_lines_analytic ON financial_entry_lines (tenant_id, analytic_account_id);

CREATE TABLE financial_balances (
    tenant_id  TEXT NOT NULL,
    account_id TEXT NOT NULL,
    currency   TEXT NOT NULL,
    date       TEXT NOT NULL,
    debit      INTEGER NOT NULL CHECK (debit >= 0),
    credit     INTEGER NOT NULL CHECK (credit >= 0),
    PRIMARY KEY (tenant_id, account_id, currency, date),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial_accounts (tenant_id, id)
) STRICT;

CREATE TRIGGER financial_entries_immutable_update BEFORE UPDATE ON financial_entries
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
CREATE TRIGGER financial_entries_immutable_delete BEFORE DELETE ON financial_entries
BEGIN SELECT RAISE(ABORT, 'posted journal entries are immutable'); END;
CREATE TRIGGER financial_entry_lines_immutable_update BEFORE UPDATE ON financial_entry_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;
CREATE TRIGGER financial_entry_lines_immutable_delete BEFORE DELETE ON financial_entry_lines
BEGIN SELECT RAISE(ABORT, 'posted journal lines are immutable'); END;
CREATE TRIGGER financial_balances_only_grow BEFORE UPDATE ON financial_balances
WHEN NEW.debit < OLD.debit OR NEW.credit < OLD.credit
BEGIN SELECT RAISE(ABORT, 'balances are only ever added to'); END;
CREATE TRIGGER financial_balances_no_delete BEFORE DELETE ON financial_balances
BEGIN SELECT RAISE(ABORT, 'balances are only ever added to'); END;
