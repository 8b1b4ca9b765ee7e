/* What the stock modules share (stock_internal.h). */
#include "stock_internal.h"

#include "util/error.h"
#include "stock_rules.h"
#include "stock_valuation.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void copy_id(char out[ERP__UUID_LEN + 1], const char *s)
{
	snprintf(out, ERP__UUID_LEN + 1, "%s", s ? s : "");
}

int erp__stock_product_load(erp__tx *tx, const char *tenant, erp__scales *sc, const char *id, const char *field,
                            erp__stock_product *out)
{
	memset(out, 0, sizeof *out);
	erp_value p[2] = { erp__v_text(tenant), erp__v_text(id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT p.\"type\", p.\"cost_method\", p.\"currency\", p.\"standard_price\", p.\"uom_id\", "
	                       "c.\"stock_valuation_account_id\", c.\"stock_input_account_id\", c.\"stock_output_account_id\", "
	                       "c.\"stock_journal_id\" FROM {core.products} p LEFT JOIN {core.product_categories} c "
	                       "ON c.tenant_id = p.tenant_id AND c.id = p.\"category_id\" WHERE p.tenant_id = $1 AND p.id = $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	char uom[ERP__UUID_LEN + 1] = "";
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *type = erp__db_text(tx, rows, 0, s);
		out->stockable = type && strcmp(type, "service") != 0;
		out->method = erp__cost_method_parse(erp__db_text(tx, rows, 1, s));
		const char *cur = erp__db_text(tx, rows, 2, s);
		snprintf(out->currency, sizeof out->currency, "%s", cur ? cur : "");
		out->standard_price = erp__db_int(tx, rows, 3);
		copy_id(uom, erp__db_text(tx, rows, 4, s));
		copy_id(out->valuation_account, erp__db_text(tx, rows, 5, s));
		copy_id(out->input_account, erp__db_text(tx, rows, 6, s));
		copy_id(out->output_account, erp__db_text(tx, rows, 7, s));
		copy_id(out->journal, erp__db_text(tx, rows, 8, s));
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "core.product", field, "no product with id %s", id);
	copy_id(out->id, id);
	/* Perpetual valuation needs all four; with fewer the moves post nothing. */
	if (!out->valuation_account[0] || !out->input_account[0] || !out->output_account[0] || !out->journal[0])
		out->valuation_account[0] = out->input_account[0] = out->output_account[0] = out->journal[0] = '\0';
	if (!out->method)
		out->method = ERP__COST_STANDARD;
	if ((rc = erp__scales_uom(tx, tenant, sc, uom, &out->precision)) != ERP_OK)
		return rc;
	if ((rc = erp__scales_currency(tx, tenant, sc, out->currency, &out->exponent)) != ERP_OK)
		return rc;
	if (out->exponent < 0)
		return erp__error(ERP_EINVALID, "core.product", field, "the product's currency %s is unknown", out->currency);
	return ERP_OK;
}

static int usage_parse(const char *s)
{
	static const char *const names[] = { NULL, "internal", "supplier", "customer", "inventory", "transit", "view" };
	for (int i = 1; s && i <= ERP__LOC_VIEW; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return 0;
}

int erp__stock_location_load(erp__tx *tx, const char *tenant, const char *id, const char *field,
                             erp__stock_location *out)
{
	memset(out, 0, sizeof *out);
	erp_value p[2] = { erp__v_text(tenant), erp__v_text(id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT \"usage\", \"allow_negative\" FROM {inventory.locations} WHERE tenant_id = $1 AND id = $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		out->usage = usage_parse(erp__db_text(tx, rows, 0, s));
		out->allow_negative = erp__db_int(tx, rows, 1) != 0;
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "inventory.location", field, "no location with id %s", id);
	copy_id(out->id, id);
	return ERP_OK;
}

bool erp__stock_text_ok(const char *s, size_t max)
{
	size_t chars;
	return !s || (erp__utf8_check(s, strlen(s), false, &chars) && chars <= max);
}

bool erp__stock_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n < 1 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if (key[i] <= 0x20 || key[i] >= 0x7f)
			return false;
	return true;
}

void erp__stock_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
	         (unsigned)tm.tm_mday % 100u);
}

int erp__stock_reserved(int64_t *out, erp__tx *tx, const char *tenant, const char *product_id,
                        const char *location_id, int64_t now_ms)
{
	*out = 0;
	erp_value p[4] = { erp__v_text(tenant), erp__v_text(product_id), erp__v_text(location_id), erp__v_int(now_ms) };
	char total[32];
	int rc = erp__db_first_text(tx,
	                            "SELECT coalesce(sum(quantity), 0) FROM {inventory.reservations} WHERE tenant_id = $1 "
	                            "AND product_id = $2 AND location_id = $3 AND state = 'pending' "
	                            "AND (expires_ms IS NULL OR expires_ms > $4)",
	                            p, 4, total, sizeof total);
	if (rc < 0)
		return rc;
	long long v = 0;
	sscanf(total, "%lld", &v);
	*out = v;
	return ERP_OK;
}

int erp__stock_quant_lock(int64_t *quantity, erp__tx *tx, const char *tenant, const char *product_id,
                          const char *location_id)
{
	/* One statement creates, locks and reads: the no-op update takes the row lock. */
	erp_value p[3] = { erp__v_text(tenant), erp__v_text(product_id), erp__v_text(location_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "INSERT INTO {inventory.quants} AS q (tenant_id, product_id, location_id, quantity) "
	                       "VALUES ($1, $2, $3, 0) ON CONFLICT (tenant_id, product_id, location_id) "
	                       "DO UPDATE SET quantity = q.quantity RETURNING quantity",
	                       p, 3);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1)
		*quantity = erp__db_int(tx, rows, 0);
	erp__db_close(tx, rows);
	if (rc == 0)
		return erp__error(ERP_EBACKEND, "inventory.quant", NULL, "the quant upsert returned no row");
	return rc < 0 ? rc : ERP_OK;
}

int erp__stock_product_update_check(erp__tx *tx, const char *tenant, const char *product_id, const json_t *patch)
{
	const json_t *method = json_object_get(patch, "cost_method"), *type = json_object_get(patch, "type");
	if (!json_is_string(method) && !json_is_string(type))
		return ERP_OK;
	erp_value p[2] = { erp__v_text(tenant), erp__v_text(product_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx,
	                       "SELECT p.\"cost_method\", s.quantity, s.value, (SELECT count(*) FROM {inventory.quants} q "
	                       "WHERE q.tenant_id = p.tenant_id AND q.product_id = p.id AND q.quantity <> 0) "
	                       "FROM {core.products} p LEFT JOIN {inventory.product_stock} s ON s.tenant_id = p.tenant_id "
	                       "AND s.product_id = p.id WHERE p.tenant_id = $1 AND p.id = $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	char old_method[16] = "";
	bool stocked = false;
	if ((rc = erp__db_next(tx, rows)) == 1) {
		char s[24];
		const char *m = erp__db_text(tx, rows, 0, s);
		snprintf(old_method, sizeof old_method, "%s", m ? m : "");
		stocked = erp__db_int(tx, rows, 1) != 0 || erp__db_int(tx, rows, 2) != 0 || erp__db_int(tx, rows, 3) != 0;
	}
	erp__db_close(tx, rows);
	if (rc < 0 || !stocked)
		return rc < 0 ? rc : ERP_OK;
	if (json_is_string(method) && strcmp(json_string_value(method), old_method) != 0)
		return erp__error(ERP_EINVALID, "core.product", "cost_method",
		                  "core.product.cost_method cannot change while the product has stock (it is valued by %s)", old_method);
	if (json_is_string(type) && strcmp(json_string_value(type), "service") == 0)
		return erp__error(ERP_EINVALID, "core.product", "type", "core.product.type cannot become a service while the product has stock");
	return ERP_OK;
}
