/* Computed fields of documents (entity_compute.h). */
#include "entity_compute.h"

#include "util/currency.h"
#include "util/decimal.h"

#include <string.h>
#include "util/error.h"

static erp__cell *cell_of(erp__row *row, const char *name)
{
	const erp__field *f = erp__entity_field(row->type, name);
	return f ? &row->cells[f - row->type->fields] : NULL;
}

int erp__doc_compute(erp__tx *tx, const char *tenant, erp__doc *doc, erp__scales *sc)
{
	erp__cell *total = cell_of(&doc->row, "amount_total");
	erp__cell *currency = cell_of(&doc->row, "currency");
	if (!total || !currency || currency->v.type != ERP_VALUE_TEXT)
		return ERP_OK;
	int exponent;
	int rc = erp__scales_currency(tx, tenant, sc, currency->v.s, &exponent);
	if (rc != ERP_OK)
		return rc;
	int64_t sum = 0;
	for (size_t i = 0; i < doc->line_count; i++) {
		erp__row *line = &doc->lines[i];
		erp__cell *qty = cell_of(line, "quantity"), *price = cell_of(line, "price_unit");
		erp__cell *amount = cell_of(line, "amount"), *uom = cell_of(line, "uom_id");
		if (!qty || !price || !amount || !uom || qty->v.type != ERP_VALUE_INT || price->v.type != ERP_VALUE_INT)
			return erp__error(ERP_ERROR, line->type->name, NULL, "line %zu is not resolved", i + 1);
		int precision;
		if ((rc = erp__scales_uom(tx, tenant, sc, uom->v.s, &precision)) != ERP_OK)
			return rc;
		int64_t a;
		if (!erp__decimal_mul(&a, qty->v.i, precision, price->v.i, exponent, exponent))
			return erp__field_invalid(line->type, "quantity", "line %zu: quantity times price_unit is out of range", i + 1);
		erp__cell_set_int(amount, a);
		if (__builtin_add_overflow(sum, a, &sum))
			return erp__field_invalid(doc->row.type, "lines", "the total of the lines is out of range");
	}
	erp__cell_set_int(total, sum);
	return ERP_OK;
}

int erp__entity_rules(const erp__row *row)
{
	if (strcmp(row->type->name, "core.currency") == 0) {
		erp__cell *code = cell_of((erp__row *)row, "code"), *exponent = cell_of((erp__row *)row, "exponent");
		int iso = code && code->v.type == ERP_VALUE_TEXT ? erp__currency_exponent(code->v.s) : -1;
		if (iso >= 0 && exponent && exponent->v.type == ERP_VALUE_INT && exponent->v.i != iso)
			return erp__field_invalid(row->type, "exponent", "%s is an ISO 4217 currency with exponent %d, not %lld",
			                          code->v.s, iso, (long long)exponent->v.i);
	}
	return ERP_OK;
}
