-- Journal lines keyed by their entry's seq (issue 26).
--
-- A line is keyed by its entry's seq and its line number, which it already
-- carried, instead of the entry's id; lines are read by entry through the
-- entry's seq. The indexes by partner and analytic account hold only the
-- lines that have one.
ALTER TABLE financial.entry_lines DROP CONSTRAINT entry_lines_pkey;
ALTER TABLE financial.entry_lines DROP COLUMN entry_id;
ALTER TABLE financial.entry_lines ADD PRIMARY KEY (tenant_id, seq, line_no);
ALTER TABLE financial.entry_lines ADD FOREIGN KEY (tenant_id, seq) REFERENCES financial.entries (tenant_id, seq);
DROP INDEX financial.entry_lines_partner;
DROP INDEX financial.entry_lines_analytic;
CREATE INDEX entry_lines_partner ON financial.entry_lines (tenant_id, partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX entry_lines_analytic ON financial.entry_lines (tenant_id, analytic_account_id)
    WHERE analytic_account_id IS NOT NULL;
