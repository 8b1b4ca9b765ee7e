/* The ledger's numbering of accounts: see ledger_accounts.h. */
#include "ledger_accounts.h"

static int first_int(erp__tx *tx, const char *sql, const erp_value *p, size_t np, int64_t *out)
{
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, sql, p, np);
	if (rc != ERP_OK)
		return rc;
	*out = 0;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		*out = erp__db_is_null(tx, rows, 0) ? 0 : erp__db_int(tx, rows, 0);
		rc = ERP_OK;
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp__ledger_account_no(erp__tx *tx, const char *tenant, const char *account_id, int64_t *no)
{
	erp_value p[] = { erp__v_text(tenant), erp__v_text(account_id) };
	return first_int(tx, "SELECT account_no FROM {financial.ledger_accounts} WHERE tenant_id = $1 AND account_id = $2", p, 2,
	                 no);
}

int erp__ledger_accounts_number(erp__tx *tx, const char *tenant, const char *const *ids, int64_t *const *nos, size_t n)
{
	int64_t last = -1;
	int rc = ERP_OK;
	for (size_t i = 0; rc == ERP_OK && i < n; i++) {
		if (*nos[i])
			continue;
		if (last < 0) {
			erp_value p[] = { erp__v_text(tenant) };
			rc = first_int(tx, "SELECT max(account_no) FROM {financial.ledger_accounts} WHERE tenant_id = $1", p, 1, &last);
			if (rc != ERP_OK)
				break;
		}
		erp_value q[] = { erp__v_text(tenant), erp__v_int(last + 1), erp__v_text(ids[i]) };
		rc = erp__db_exec(tx, "INSERT INTO {financial.ledger_accounts} (tenant_id, account_no, account_id) VALUES ($1, $2, $3)",
		                  q, 3, NULL);
		if (rc == ERP_OK)
			*nos[i] = ++last;
	}
	return rc;
}
