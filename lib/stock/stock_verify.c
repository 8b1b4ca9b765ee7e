/* The stock invariants (stock_verify.h). */
#include "stock_verify.h"

#include "core/db.h"
#include "util/error.h"
#include <erp/context.h>
#include "util/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each check returns the first row that breaks it (its key as text), or none. */
static const struct {
	const char *what, *sql;
} checks[] = {
	{ "a quant differs from the sum of its moves",
	  "SELECT q.product_id, q.location_id FROM {inventory.quants} q WHERE q.tenant_id = $1 AND q.quantity <> "
	  "(SELECT coalesce(sum(m.quantity), 0) FROM {inventory.moves} m WHERE m.tenant_id = q.tenant_id "
	  "AND m.product_id = q.product_id AND m.location_dest_id = q.location_id) - "
	  "(SELECT coalesce(sum(m.quantity), 0) FROM {inventory.moves} m WHERE m.tenant_id = q.tenant_id "
	  "AND m.product_id = q.product_id AND m.location_id = q.location_id)" },
	{ "a quant differs from the sum of its daily totals",
	  "SELECT q.product_id, q.location_id FROM {inventory.quants} q WHERE q.tenant_id = $1 AND q.quantity <> "
	  "(SELECT coalesce(sum(d.quantity), 0) FROM {inventory.quant_days} d WHERE d.tenant_id = q.tenant_id "
	  "AND d.product_id = q.product_id AND d.location_id = q.location_id)" },
	{ "a product's stock differs from the sum of its quants",
	  "SELECT q.product_id, '' FROM {inventory.quants} q WHERE q.tenant_id = $1 GROUP BY q.product_id "
	  "HAVING sum(q.quantity) <> coalesce((SELECT s.quantity FROM {inventory.product_stock} s "
	  "WHERE s.tenant_id = $1 AND s.product_id = q.product_id), 0)" },
	{ "a product's quantity or value differs from the sum of its layers",
	  "SELECT s.product_id, '' FROM {inventory.product_stock} s WHERE s.tenant_id = $1 AND "
	  "(s.quantity <> (SELECT coalesce(sum(l.quantity), 0) FROM {inventory.layers} l WHERE l.tenant_id = s.tenant_id "
	  "AND l.product_id = s.product_id) OR s.value <> (SELECT coalesce(sum(l.value), 0) FROM {inventory.layers} l "
	  "WHERE l.tenant_id = s.tenant_id AND l.product_id = s.product_id))" },
	{ "a product's quantity or value differs from the sum of its daily totals",
	  "SELECT s.product_id, '' FROM {inventory.product_stock} s WHERE s.tenant_id = $1 AND "
	  "(s.quantity <> (SELECT coalesce(sum(d.quantity), 0) FROM {inventory.layer_days} d WHERE d.tenant_id = s.tenant_id "
	  "AND d.product_id = s.product_id) OR s.value <> (SELECT coalesce(sum(d.value), 0) FROM {inventory.layer_days} d "
	  "WHERE d.tenant_id = s.tenant_id AND d.product_id = s.product_id))" },
	{ "a product has value at zero quantity",
	  "SELECT s.product_id, '' FROM {inventory.product_stock} s WHERE s.tenant_id = $1 AND s.quantity = 0 AND s.value <> 0" },
	{ "a FIFO product's stock differs from what remains of its layers",
	  "SELECT s.product_id, '' FROM {inventory.product_stock} s JOIN {core.products} p ON p.tenant_id = s.tenant_id "
	  "AND p.id = s.product_id WHERE s.tenant_id = $1 AND p.\"cost_method\" = 'fifo' AND "
	  "(s.quantity <> (SELECT coalesce(sum(l.remaining_qty), 0) FROM {inventory.layers} l WHERE l.tenant_id = s.tenant_id "
	  "AND l.product_id = s.product_id) OR s.value <> (SELECT coalesce(sum(l.remaining_value), 0) FROM {inventory.layers} l "
	  "WHERE l.tenant_id = s.tenant_id AND l.product_id = s.product_id))" },
	{ "a move's value differs from the sum of its layers",
	  "SELECT m.id, '' FROM {inventory.moves} m WHERE m.tenant_id = $1 AND m.value <> "
	  "(SELECT coalesce(sum(l.value), 0) FROM {inventory.layers} l WHERE l.tenant_id = m.tenant_id AND l.move_id = m.id)" },
	{ "a reservation holds more than it was made for",
	  "SELECT r.id, '' FROM {inventory.reservations} r WHERE r.tenant_id = $1 AND r.consumed > r.quantity" },
};

typedef struct {
	const char *tenant;
	erp__strbuf *detail;
	int64_t moves;
} verify_job;

static int verify_body(erp__tx *tx, void *payload)
{
	verify_job *job = payload;
	erp_value t = erp__v_text(job->tenant);
	for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++) {
		erp_storage_rows *rows;
		int rc = erp__db_query(&rows, tx, checks[k].sql, &t, 1);
		if (rc != ERP_OK)
			return rc;
		char a[64] = "", b[64] = "";
		if ((rc = erp__db_next(tx, rows)) == 1) {
			char s[24];
			const char *v = erp__db_text(tx, rows, 0, s);
			snprintf(a, sizeof a, "%s", v ? v : "");
			v = erp__db_text(tx, rows, 1, s);
			snprintf(b, sizeof b, "%s", v ? v : "");
		}
		erp__db_close(tx, rows);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			erp__strbuf_printf(job->detail, "tenant %s: %s (%s%s%s)", job->tenant, checks[k].what, a, b[0] ? " at " : "", b);
			return ERP_ERROR;
		}
	}
	char n[32];
	int counted = erp__db_first_text(tx, "SELECT count(*) FROM {inventory.moves} WHERE tenant_id = $1", &t, 1, n, sizeof n);
	if (counted < 0)
		return counted;
	if (counted == 1)
		job->moves = strtoll(n, NULL, 10);
	return ERP_OK;
}

static int tenants_body(erp__tx *tx, void *payload)
{
	erp__strbuf *ids = payload;
	erp__strbuf_clear(ids);
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT id FROM {auth.tenants} ORDER BY id", NULL, 0);
	if (rc != ERP_OK)
		return rc;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *id = erp__db_text(tx, rows, 0, s);
		erp__strbuf_printf(ids, "%.36s\n", id ? id : "");
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp__stock_verify(erp_store *store, erp__strbuf *detail)
{
	erp__strbuf ids = ERP__STRBUF_INIT;
	erp_storage_scope none = { NULL, NULL, 0 };
	int rc = erp__tx_run(store, ERP_TX_READ, &none, tenants_body, &ids);
	if (rc == ERP_OK && !erp__strbuf_ok(&ids))
		rc = erp__oom();
	int64_t moves = 0;
	size_t tenants = 0;
	const char *p = rc == ERP_OK ? erp__strbuf_cstr(&ids) : "";
	while (rc == ERP_OK && *p) {
		char tenant[ERP__UUID_LEN + 1];
		snprintf(tenant, sizeof tenant, "%.36s", p);
		p += strcspn(p, "\n");
		if (*p)
			p++;
		verify_job job = { tenant, detail, 0 };
		erp_storage_scope scope = { tenant, "verify", ERP_ROLE_READONLY };
		rc = erp__tx_run(store, ERP_TX_READ, &scope, verify_body, &job);
		moves += job.moves;
		tenants++;
	}
	erp__strbuf_free(&ids);
	if (rc == ERP_OK)
		erp__strbuf_printf(detail, "%lld moves in %zu tenants: every quant, layer and value holds", (long long)moves, tenants);
	else if (rc == ERP_ERROR && erp__strbuf_ok(detail) && detail->len)
		erp_error_set(ERP_ERROR, "inventory.move", NULL, erp__strbuf_cstr(detail));
	return rc;
}
