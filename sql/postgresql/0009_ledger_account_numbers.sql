-- Accounts numbered within their tenant's ledger (issue 26).
--
-- A journal line and a daily balance name their account by its number in
-- its tenant's ledger (an integer) instead of its id: financial.
-- ledger_accounts holds the numbering, one row per account ever posted to,
-- numbered 1, 2, ... within the tenant by the posting engine under the
-- tenant's chain lock, never changed or removed. The API keeps the ids:
-- every read joins the numbering. (On SQLite the ids were 36-character
-- text; here they are 16-byte uuids, and the saving is smaller.)
-- The rows of every tenant are read and written here: the tables' owner
-- is let past row-level security until the end of the migration.
ALTER TABLE financial.entry_lines NO FORCE ROW LEVEL SECURITY;
ALTER TABLE financial.balances NO FORCE ROW LEVEL SECURITY;

CREATE TABLE financial.ledger_accounts (
    tenant_id  uuid NOT NULL,
    account_no integer NOT NULL CHECK (account_no >= 1),
    account_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, account_no),
    UNIQUE (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial.accounts (tenant_id, id)
);
INSERT INTO financial.ledger_accounts (tenant_id, account_no, account_id)
    SELECT tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY account_id), account_id
    FROM (SELECT tenant_id, account_id FROM financial.entry_lines
          UNION SELECT tenant_id, account_id FROM financial.balances) d;
CREATE TRIGGER ledger_accounts_immutable BEFORE UPDATE OR DELETE ON financial.ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION system.refuse_change();
ALTER TABLE financial.ledger_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON financial.ledger_accounts USING (tenant_id = system.current_tenant())
    WITH CHECK (tenant_id = system.current_tenant());
GRANT SELECT ON financial.ledger_accounts TO erp_readonly, erp_readwrite, erp_admin;
GRANT INSERT ON financial.ledger_accounts TO erp_readwrite, erp_admin;

ALTER TABLE financial.entry_lines DISABLE TRIGGER entry_lines_immutable;
ALTER TABLE financial.entry_lines ADD COLUMN account_no integer;
UPDATE financial.entry_lines l SET account_no = a.account_no FROM financial.ledger_accounts a
    WHERE a.tenant_id = l.tenant_id AND a.account_id = l.account_id;
ALTER TABLE financial.entry_lines ALTER COLUMN account_no SET NOT NULL;
ALTER TABLE financial.entry_lines DROP COLUMN account_id;
ALTER TABLE financial.entry_lines ADD FOREIGN KEY (tenant_id, account_no)
    REFERENCES financial.ledger_accounts (tenant_id, account_no);
CREATE INDEX entry_lines_account ON financial.entry_lines (tenant_id, account_no, date, seq, line_no);
ALTER TABLE financial.entry_lines ENABLE TRIGGER entry_lines_immutable;

ALTER TABLE financial.balances DISABLE TRIGGER balances_only_grow;
ALTER TABLE financial.balances ADD COLUMN account_no integer;
UPDATE financial.balances b SET account_no = a.account_no FROM financial.ledger_accounts a
    WHERE a.tenant_id = b.tenant_id AND a.account_id = b.account_id;
ALTER TABLE financial.balances ALTER COLUMN account_no SET NOT NULL;
ALTER TABLE financial.balances DROP COLUMN account_id;
ALTER TABLE financial.balances ADD PRIMARY KEY (tenant_id, account_no, currency, date);
ALTER TABLE financial.balances ADD FOREIGN KEY (tenant_id, account_no)
    REFERENCES financial.ledger_accounts (tenant_id, account_no);
ALTER TABLE financial.balances ENABLE TRIGGER balances_only_grow;

ALTER TABLE financial.ledger_accounts FORCE ROW LEVEL SECURITY;
ALTER TABLE financial.entry_lines FORCE ROW LEVEL SECURITY;
ALTER TABLE financial.balances FORCE ROW LEVEL SECURITY;
