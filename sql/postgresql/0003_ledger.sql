-- The double-entry ledger: entries, their lines, daily balances per account
-- and currency, and each tenant's ledger state (hash chain head, lock date).
-- Posted entries and lines are immutable; balances are only ever added to.

CREATE TABLE financial.ledger_state (
    tenant_id  uuid PRIMARY KEY REFERENCES auth.tenants (id),
    last_seq   bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash  text NOT NULL DEFAULT '',
    lock_date  date,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1)
);

CREATE TABLE financial.entries (
    tenant_id       uuid NOT NULL REFERENCES auth.tenants (id),
    id              uuid NOT NULL,
    seq             bigint NOT NULL CHECK (seq >= 1),
    journal_id      uuid NOT NULL,
    date            date NOT NULL,
    reference       text,
    memo            text,
    idempotency_key text,
    request_hash    text,
    reversal_of     uuid,
    prev_hash       text NOT NULL,
    hash            text NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, seq),
    UNIQUE (tenant_id, idempotency_key),
    UNIQUE (tenant_id, reversal_of),
    FOREIGN KEY (tenant_id, journal_id) REFERENCES financial.journals (tenant_id, id),
    FOREIGN KEY (tenant_id, reversal_of) REFERENCES financial.entries (tenant_id, id)
);
CREATE INDEX entries_date ON financial.entries (tenant_id, date, seq);

CREATE TABLE financial.entry_lines (
    tenant_id           uuid NOT NULL,
    entry_id            uuid NOT NULL,
    line_no             integer NOT NULL CHECK (line_no >= 1),
    seq                 bigint NOT NULL,
    date                date NOT NULL,
    account_id          uuid NOT NULL,
    currency            text NOT NULL CHECK (length(currency) = 3),
    debit               bigint NOT NULL CHECK (debit >= 0),
    credit              bigint NOT NULL CHECK (credit >= 0),
    partner_id          uuid,
    analytic_account_id uuid,
    memo                text,
    PRIMARY KEY (tenant_id, entry_id, line_no),
    CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES financial.entries (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial.accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES core.partners (tenant_id, id),
    FOREIGN KEY (tenant_id, analytic_account_id) REFERENCES analytics.accounts (tenant_id, id)
);
CREATE INDEX entry_lines_account ON financial.entry_lines (tenant_id, account_id, date, seq, line_no);
CREATE INDEX entry_lines_partner ON financial.entry_lines (tenant_id, partner_id);
CREATE INDEX entry_lines_analytic ON financial.entry_lines (tenant_id, analytic_account_id);

CREATE TABLE financial.balances (
    tenant_id  uuid NOT NULL,
    account_id uuid NOT NULL,
    currency   text NOT NULL,
    date       date NOT NULL,
    debit      bigint NOT NULL CHECK (debit >= 0),
    credit     bigint NOT NULL CHECK (credit >= 0),
    PRIMARY KEY (tenant_id, account_id, currency, date),
    FOREIGN KEY (tenant_id, account_id) REFERENCES financial.accounts (tenant_id, id)
);

CREATE TRIGGER entries_immutable BEFORE UPDATE OR DELETE ON financial.entries
    FOR EACH ROW EXECUTE FUNCTION system.refuse_change();
CREATE TRIGGER entry_lines_immutable BEFORE UPDATE OR DELETE ON financial.entry_lines
    FOR EACH ROW EXECUTE FUNCTION system.refuse_change();

CREATE FUNCTION system.refuse_shrink() RETURNS trigger
LANGUAGE plpgsql AS
$$ BEGIN
    IF TG_OP = 'DELETE' OR NEW.debit < OLD.debit OR NEW.credit < OLD.credit THEN
        RAISE EXCEPTION '% rows are only ever added to', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER balances_only_grow BEFORE UPDATE OR DELETE ON financial.balances
    FOR EACH ROW EXECUTE FUNCTION system.refuse_shrink();

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['financial.ledger_state', 'financial.entries', 'financial.entry_lines', 'financial.balances'] LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = system.current_tenant()) WITH CHECK (tenant_id = system.current_tenant())', t);
        EXECUTE format('GRANT SELECT ON %s TO erp_readonly, erp_readwrite, erp_admin', t);
    END LOOP;
END
$$;
GRANT INSERT ON financial.entries, financial.entry_lines TO erp_readwrite, erp_admin;
GRANT INSERT, UPDATE ON financial.balances, financial.ledger_state TO erp_readwrite, erp_admin;
