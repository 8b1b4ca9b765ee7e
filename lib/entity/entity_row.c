/* Entity rows between JSON and storage (entity_row.h). */
#include "entity_row.h"

#include "util/currency.h"
#include "util/decimal.h"
#include "util/array.h"
#include "util/error.h"
#include "util/json_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_DEFAULT_MAX 1000
#define JSON_FIELD_MAX 65536

static const char *const SYSTEM_KEYS[] = { "id", "tenant_id", "version", "archived", "created_at",
                                           "created_by", "updated_at", "updated_by", NULL };

int erp__field_invalid(const erp__entity_type *type, const char *field, const char *fmt, ...)
{
	char why[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return erp__error(ERP_EINVALID, type->name, field, "%s.%s: %s", type->name, field, why);
}

/* ---- cells ------------------------------------------------------------------ */

int erp__cell_set_text(erp__cell *cell, const char *s, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return erp__oom();
	memcpy(copy, s, len);
	copy[len] = '\0';
	free(cell->text);
	cell->text = copy;
	cell->v = (erp_value){ ERP_VALUE_TEXT, 0, copy, len };
	return ERP_OK;
}

void erp__cell_set_int(erp__cell *cell, int64_t i)
{
	free(cell->text);
	cell->text = NULL;
	cell->v = (erp_value){ ERP_VALUE_INT, i, NULL, 0 };
}

void erp__cell_set_null(erp__cell *cell)
{
	free(cell->text);
	cell->text = NULL;
	cell->v = (erp_value){ ERP_VALUE_NULL, 0, NULL, 0 };
}

int erp__row_init(erp__row *row, const erp__entity_type *type)
{
	memset(row, 0, sizeof *row);
	row->type = type;
	row->cells = calloc(type->field_count ? type->field_count : 1, sizeof *row->cells);
	return row->cells ? ERP_OK : erp__oom();
}

void erp__row_free(erp__row *row)
{
	if (!row || !row->type)
		return;
	for (size_t i = 0; row->cells && i < row->type->field_count; i++)
		free(row->cells[i].text);
	free(row->cells);
	free(row->created_by);
	free(row->updated_by);
	memset(row, 0, sizeof *row);
}

void erp__rows_free(erp__row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		erp__row_free(&rows[i]);
	free(rows);
}

/* ---- checks of single values -------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD" at the start of `s`. */
static bool date_valid(const char *s)
{
	char d[11];
	if (strlen(s) < 10)
		return false;
	memcpy(d, s, 10);
	d[10] = '\0';
	return erp__date_valid(d);
}

/* "YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z" -> canonical with six fractional digits. */
static bool datetime_normalize(char out[ERP__TIMESTAMP_LEN + 1], const char *s)
{
	size_t n = strlen(s);
	if (n < 20 || !date_valid(s) || (s[10] != 'T' && s[10] != ' ') || s[n - 1] != 'Z')
		return false;
	for (int i = 11; i < 19; i++)
		if (i == 13 || i == 16 ? s[i] != ':' : !is_digit(s[i]))
			return false;
	if (atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 59)
		return false;
	char frac[7] = "000000";
	size_t i = 19;
	if (s[i] == '.') {
		size_t k = 0;
		for (i++; is_digit(s[i]); i++) {
			if (k == 6)
				return false;
			frac[k++] = s[i];
		}
		if (k == 0)
			return false;
	}
	if (i != n - 1)
		return false;
	snprintf(out, ERP__TIMESTAMP_LEN + 1, "%.10sT%.8s.%sZ", s, s + 11, frac);
	return true;
}

/* Money, quantities, decimals: a decimal string or a JSON integer, as text. */
static int decimal_text(const erp__entity_type *t, const erp__field *f, json_t *v, char buf[ERP__DECIMAL_TEXT + 8],
                        const char **text)
{
	if (json_is_integer(v)) {
		snprintf(buf, ERP__DECIMAL_TEXT + 8, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*text = buf;
		return ERP_OK;
	}
	if (json_is_real(v))
		return erp__field_invalid(t, f->name, "must be a decimal string such as \"12.50\": a JSON number "
		                                      "with a fraction or exponent is floating point, never used for %s",
		                          f->kind == ERP__F_QUANTITY ? "quantities" : "money or decimals");
	if (!json_is_string(v))
		return erp__field_invalid(t, f->name, "must be a decimal string such as \"12.50\"");
	*text = json_string_value(v);
	int64_t ignored;
	erp__decimal_status st = erp__decimal_parse(&ignored, *text, 0);
	if (st == ERP__DECIMAL_SYNTAX)
		return erp__field_invalid(t, f->name, "'%.40s' is not a decimal number (digits, an optional '-' "
		                                      "and '.', no exponent)", *text);
	return ERP_OK;
}

/* Parses one JSON value into a cell, by the field's kind. */
int erp__cell_from_json(erp__cell *cell, const erp__entity_type *t, const erp__field *f, json_t *v)
{
	const char *fn = f->name;
	switch (f->kind) {
	case ERP__F_TEXT: {
		if (!json_is_string(v))
			return erp__field_invalid(t, fn, "must be a string");
		const char *s = json_string_value(v);
		size_t len = json_string_length(v), chars;
		int max = f->max_length ? f->max_length : TEXT_DEFAULT_MAX;
		if (!erp__utf8_check(s, len, max > 200, &chars))
			return erp__field_invalid(t, fn, "must be valid UTF-8 without NUL or control characters");
		if (chars > (size_t)max)
			return erp__field_invalid(t, fn, "has %zu characters, at most %d are allowed", chars, max);
		if (chars == 0 && (f->flags & ERP__REQUIRED))
			return erp__field_invalid(t, fn, "is required and must not be empty");
		return erp__cell_set_text(cell, s, len);
	}
	case ERP__F_INTEGER: {
		int64_t i;
		if (json_is_integer(v)) {
			i = json_integer_value(v);
		} else if (json_is_string(v) && erp__decimal_parse(&i, json_string_value(v), 0) == ERP__DECIMAL_OK) {
			/* digits in a string are fine */
		} else {
			return erp__field_invalid(t, fn, "must be an integer");
		}
		if (f->min < f->max && (i < f->min || i > f->max))
			return erp__field_invalid(t, fn, "must be between %lld and %lld, not %lld", (long long)f->min,
			                          (long long)f->max, (long long)i);
		erp__cell_set_int(cell, i);
		return ERP_OK;
	}
	case ERP__F_DECIMAL: {
		char buf[ERP__DECIMAL_TEXT + 8];
		const char *text;
		int rc = decimal_text(t, f, v, buf, &text);
		if (rc != ERP_OK)
			return rc;
		int64_t i;
		erp__decimal_status st = erp__decimal_parse(&i, text, f->scale);
		if (st == ERP__DECIMAL_TOO_PRECISE)
			return erp__field_invalid(t, fn, "'%.40s' has more than %d decimals", text, f->scale);
		if (st != ERP__DECIMAL_OK)
			return erp__field_invalid(t, fn, "'%.40s' is out of range", text);
		erp__cell_set_int(cell, i);
		return ERP_OK;
	}
	case ERP__F_MONEY:
	case ERP__F_QUANTITY: {
		char buf[ERP__DECIMAL_TEXT + 8];
		const char *text;
		int rc = decimal_text(t, f, v, buf, &text);
		/* Kept as text until the scale is known (erp__row_resolve). */
		return rc != ERP_OK ? rc : erp__cell_set_text(cell, text, strlen(text));
	}
	case ERP__F_DATE:
		if (!json_is_string(v) || json_string_length(v) != 10 || !date_valid(json_string_value(v)))
			return erp__field_invalid(t, fn, "must be a date \"YYYY-MM-DD\"");
		return erp__cell_set_text(cell, json_string_value(v), 10);
	case ERP__F_DATETIME: {
		char ts[ERP__TIMESTAMP_LEN + 1];
		if (!json_is_string(v) || !datetime_normalize(ts, json_string_value(v)))
			return erp__field_invalid(t, fn, "must be a UTC time \"YYYY-MM-DDTHH:MM:SS[.ffffff]Z\"");
		return erp__cell_set_text(cell, ts, ERP__TIMESTAMP_LEN);
	}
	case ERP__F_BOOLEAN:
		if (!json_is_boolean(v))
			return erp__field_invalid(t, fn, "must be true or false");
		erp__cell_set_int(cell, json_is_true(v) ? 1 : 0);
		return ERP_OK;
	case ERP__F_ENUM: {
		if (json_is_string(v))
			for (const char *const *e = f->values; *e; e++)
				if (strcmp(*e, json_string_value(v)) == 0)
					return erp__cell_set_text(cell, *e, strlen(*e));
		char allowed[256] = "";
		for (const char *const *e = f->values; *e; e++)
			snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", e == f->values ? "" : ", ", *e);
		return erp__field_invalid(t, fn, "must be one of: %s", allowed);
	}
	case ERP__F_REFERENCE: {
		char id[ERP__UUID_LEN + 1];
		if (!json_is_string(v) || !erp__uuid_normalize(id, json_string_value(v)))
			return erp__field_invalid(t, fn, "must be the id (a UUID) of a %s", f->references);
		return erp__cell_set_text(cell, id, ERP__UUID_LEN);
	}
	case ERP__F_JSON: {
		char *text = erp__json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!text)
			return erp__oom();
		size_t len = strlen(text);
		int rc = len > JSON_FIELD_MAX ? erp__field_invalid(t, fn, "is larger than %d bytes", JSON_FIELD_MAX)
		                              : erp__cell_set_text(cell, text, len);
		free(text);
		return rc;
	}
	case ERP__F_CURRENCY: {
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		if (strlen(s) != 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[2] < 'A' || s[2] > 'Z')
			return erp__field_invalid(t, fn, "must be a currency code of three capital letters, such as \"USD\"");
		return erp__cell_set_text(cell, s, 3);
	}
	}
	return erp__field_invalid(t, fn, "has an unknown kind");
}

int erp__row_apply_json(erp__row *row, json_t *obj, bool creating, const char *skip_key, const char *base_currency)
{
	const erp__entity_type *t = row->type;
	if (!json_is_object(obj))
		return erp__error(ERP_EINVALID, t->name, "json", "a %s must be given as a JSON object", t->name);
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (skip_key && strcmp(key, skip_key) == 0)
			continue;
		for (const char *const *s = SYSTEM_KEYS; *s; s++)
			if (strcmp(*s, key) == 0)
				return erp__field_invalid(t, key, "is kept by the engine and cannot be given");
		const erp__field *f = erp__entity_field(t, key);
		if (!f)
			return erp__error(ERP_EINVALID, t->name, key, "%s has no field '%.100s'", t->name, key);
		if (f->flags & ERP__READONLY)
			return erp__field_invalid(t, key, "is computed by the engine and cannot be given");
		if (f->flags & ERP__PARENT)
			return erp__field_invalid(t, key, "is set by the document the line belongs to");
		if (!creating && (f->flags & ERP__IMMUTABLE))
			return erp__field_invalid(t, key, "is fixed when the %s is created and cannot be changed", t->name);
		erp__cell *cell = &row->cells[f - t->fields];
		int rc;
		if (json_is_null(v)) {
			if (f->flags & ERP__REQUIRED)
				return erp__field_invalid(t, key, "is required and cannot be null");
			erp__cell_set_null(cell);
			rc = ERP_OK;
		} else {
			rc = erp__cell_from_json(cell, t, f, v);
		}
		if (rc != ERP_OK)
			return rc;
		cell->given = true;
	}
	if (!creating)
		return ERP_OK;
	for (size_t i = 0; i < t->field_count; i++) {
		const erp__field *f = &t->fields[i];
		erp__cell *cell = &row->cells[i];
		if (cell->given || !f->default_value)
			continue;
		if (strcmp(f->default_value, "\"$base_currency\"") == 0) {
			if (erp__cell_set_text(cell, base_currency, strlen(base_currency)) != ERP_OK)
				return ERP_ERROR;
			continue;
		}
		json_t *def = json_loads(f->default_value, JSON_DECODE_ANY, NULL);
		int rc = def ? erp__cell_from_json(cell, t, f, def) : erp__oom();
		json_decref(def);
		if (rc != ERP_OK)
			return rc;
	}
	return ERP_OK;
}

/* ---- scales ------------------------------------------------------------------- */

typedef struct {
	char key[ERP__UUID_LEN + 4]; /* a uom id, "$CUR" or "^<document id>" */
	int scale;
} scale_memo;

struct erp__scales {
	scale_memo *items;
	size_t count, cap;
};

erp__scales *erp__scales_new(void)
{
	return calloc(1, sizeof(erp__scales));
}

void erp__scales_free(erp__scales *sc)
{
	if (sc)
		free(sc->items);
	free(sc);
}

static bool memo_find(const erp__scales *sc, const char *key, int *scale)
{
	for (size_t i = 0; i < sc->count; i++)
		if (strcmp(sc->items[i].key, key) == 0) {
			*scale = sc->items[i].scale;
			return true;
		}
	return false;
}

static void memo_add(erp__scales *sc, const char *key, int scale)
{
	if (!ERP__ARRAY_TRY_RESERVE(sc->items, sc->cap, sc->count + 1))
		return; /* only a memo */
	snprintf(sc->items[sc->count].key, sizeof sc->items[0].key, "%s", key);
	sc->items[sc->count++].scale = scale;
}

int erp__scales_currency(erp__tx *tx, const char *tenant, erp__scales *sc, const char *code, int *exponent)
{
	/* An ISO code always has its ISO exponent (a core.currency may not redefine it). */
	if ((*exponent = erp__currency_exponent(code)) >= 0)
		return ERP_OK;
	char key[8];
	snprintf(key, sizeof key, "$%s", code);
	if (memo_find(sc, key, exponent))
		return ERP_OK;
	erp_value p[] = { erp__v_text(tenant), erp__v_text(code) };
	erp_storage_rows *rows;
	/* Archived currencies still scale the amounts kept in them. */
	int rc = erp__db_query(&rows, tx, "SELECT \"exponent\" FROM {core.currencies} WHERE tenant_id = $1 AND \"code\" = $2",
	                       p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	*exponent = rc == 1 ? (int)erp__db_int(tx, rows, 0) : -1;
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (*exponent >= 0)
		memo_add(sc, key, *exponent);
	return ERP_OK;
}

int erp__scales_uom(erp__tx *tx, const char *tenant, erp__scales *sc, const char *uom_id, int *precision)
{
	if (memo_find(sc, uom_id, precision))
		return ERP_OK;
	erp_value p[] = { erp__v_text(tenant), erp__v_text(uom_id) };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT \"precision\" FROM {core.uoms} WHERE tenant_id = $1 AND id = $2", p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1)
		*precision = (int)erp__db_int(tx, rows, 0);
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "core.uom", "uom_id", "no core.uom with id %s", uom_id);
	memo_add(sc, uom_id, *precision);
	return ERP_OK;
}

/*
 * A line read on its own: the scale of a "^field" comes from its document,
 * read once per document and remembered (currencies never change on a
 * document).
 */
static int parent_scale(erp__tx *tx, const char *tenant, const erp__row *row, const char *name, erp__scales *sc,
                        int *scale, const char **unit)
{
	const erp__field *pf = erp__entity_parent_field(row->type);
	const erp__cell *parent_id = pf ? &row->cells[pf - row->type->fields] : NULL;
	*unit = "the document's currency";
	if (!parent_id || parent_id->v.type != ERP_VALUE_TEXT)
		return erp__field_invalid(row->type, name, "the line has no document");
	char key[ERP__UUID_LEN + 2];
	snprintf(key, sizeof key, "^%s", parent_id->v.s);
	if (memo_find(sc, key, scale))
		return ERP_OK;
	const erp__entity_type *pt = erp__entity_type_find(pf->references);
	char sql[200], code[8] = "";
	snprintf(sql, sizeof sql, "SELECT \"%s\" FROM %s WHERE tenant_id = $1 AND id = $2", name, pt->table);
	erp_value p[] = { erp__v_text(tenant), parent_id->v };
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, sql, p, 2);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		char s[24];
		const char *v = erp__db_text(tx, rows, 0, s);
		snprintf(code, sizeof code, "%s", v ? v : "");
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if ((rc = erp__scales_currency(tx, tenant, sc, code, scale)) != ERP_OK)
		return rc;
	if (*scale < 0)
		return erp__field_invalid(row->type, name, "the document's currency '%s' is not known", code);
	memo_add(sc, key, *scale);
	return ERP_OK;
}

/* The scale of a money or quantity field, from its row (or its parent). */
static int field_scale(erp__tx *tx, const char *tenant, const erp__row *row, const erp__row *parent,
                       const erp__field *f, erp__scales *sc, int *scale, const char **unit)
{
	const char *name = f->scale_field;
	const erp__row *owner = row;
	if (name[0] == '^') {
		owner = parent;
		name++;
	}
	const erp__field *sf = owner ? erp__entity_field(owner->type, name) : NULL;
	const erp__cell *cell = sf ? &owner->cells[sf - owner->type->fields] : NULL;
	*unit = cell && cell->v.type == ERP_VALUE_TEXT ? cell->v.s : NULL;
	if (!*unit && !owner && f->scale_field[0] == '^')
		return parent_scale(tx, tenant, row, name, sc, scale, unit);
	if (!*unit)
		return erp__field_invalid(row->type, f->name, "needs %s to be set first", name);
	if (f->kind == ERP__F_MONEY) {
		int rc = erp__scales_currency(tx, tenant, sc, *unit, scale);
		if (rc == ERP_OK && *scale < 0)
			return erp__field_invalid(row->type, f->name, "currency %s is not known", *unit);
		return rc;
	}
	return erp__scales_uom(tx, tenant, sc, *unit, scale);
}

static int reference_exists(erp__tx *tx, const char *tenant, const erp__entity_type *t, const erp__field *f, const char *id)
{
	const erp__entity_type *target = erp__entity_type_find(f->references);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE tenant_id = $1 AND id = $2", target->table);
	erp_value p[] = { erp__v_text(tenant), erp__v_text(id) };
	int rc = erp__db_exists(tx, sql, p, 2);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, t->name, f->name, "%s.%s: no %s with id %s in this tenant", t->name,
		                  f->name, f->references, id);
	return ERP_OK;
}

int erp__row_resolve(erp__tx *tx, const char *tenant, erp__row *row, const erp__row *parent, erp__scales *sc)
{
	const erp__entity_type *t = row->type;
	int rc;
	for (size_t i = 0; i < t->field_count; i++) {
		const erp__field *f = &t->fields[i];
		erp__cell *cell = &row->cells[i];
		if (f->flags & ERP__PARENT)
			continue;
		if (cell->v.type == ERP_VALUE_NULL) {
			if (f->flags & ERP__REQUIRED)
				return erp__field_invalid(t, f->name, "is required");
			continue;
		}
		if (!cell->given)
			continue;
		if (f->kind == ERP__F_REFERENCE && (rc = reference_exists(tx, tenant, t, f, cell->v.s)) != ERP_OK)
			return rc;
		if (f->kind == ERP__F_CURRENCY) {
			int exponent;
			if ((rc = erp__scales_currency(tx, tenant, sc, cell->v.s, &exponent)) != ERP_OK)
				return rc;
			if (exponent < 0)
				return erp__field_invalid(t, f->name, "currency %s is not known (neither ISO 4217 nor a core.currency "
				                                      "of this tenant)", cell->v.s);
		}
	}
	for (size_t i = 0; i < t->field_count; i++) {
		const erp__field *f = &t->fields[i];
		erp__cell *cell = &row->cells[i];
		if ((f->kind != ERP__F_MONEY && f->kind != ERP__F_QUANTITY) || cell->v.type != ERP_VALUE_TEXT)
			continue;
		int scale;
		const char *unit;
		if ((rc = field_scale(tx, tenant, row, parent, f, sc, &scale, &unit)) != ERP_OK)
			return rc;
		int64_t minor;
		erp__decimal_status st = erp__decimal_parse(&minor, cell->v.s, scale);
		if (st == ERP__DECIMAL_TOO_PRECISE)
			return erp__field_invalid(t, f->name, "'%.40s' has more decimals than %s %s allows (%d)", cell->v.s,
			                          f->kind == ERP__F_MONEY ? "currency" : "unit", unit, scale);
		if (st != ERP__DECIMAL_OK)
			return erp__field_invalid(t, f->name, "'%.40s' is out of range", cell->v.s);
		erp__cell_set_int(cell, minor);
	}
	return ERP_OK;
}

/* ---- storage rows ---------------------------------------------------------------- */

#define SYSTEM_COLUMNS 7 /* id, version, archived, created_at, created_by, updated_at, updated_by */

void erp__row_select_list(erp__strbuf *sb, const erp__entity_type *type, const char *alias)
{
	const char *a = alias ? alias : "";
	const char *dot = alias ? "." : "";
	erp__strbuf_printf(sb, "%s%sid, %s%sversion, %s%sarchived, %s%screated_at, %s%screated_by, %s%supdated_at, %s%supdated_by",
	                   a, dot, a, dot, a, dot, a, dot, a, dot, a, dot, a, dot);
	for (size_t i = 0; i < type->field_count; i++)
		erp__strbuf_printf(sb, ", %s%s\"%s\"", a, dot, type->fields[i].name);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int erp__row_load(erp__tx *tx, erp_storage_rows *rows, erp__row *row)
{
	char s[24];
	const char *id = erp__db_text(tx, rows, 0, s);
	snprintf(row->id, sizeof row->id, "%s", id ? id : "");
	row->version = erp__db_int(tx, rows, 1);
	row->archived = erp__db_int(tx, rows, 2) != 0;
	const char *ca = erp__db_text(tx, rows, 3, s);
	snprintf(row->created_at, sizeof row->created_at, "%s", ca ? ca : "");
	free(row->created_by);
	row->created_by = dup_or_empty(erp__db_text(tx, rows, 4, s));
	const char *ua = erp__db_text(tx, rows, 5, s);
	snprintf(row->updated_at, sizeof row->updated_at, "%s", ua ? ua : "");
	free(row->updated_by);
	row->updated_by = dup_or_empty(erp__db_text(tx, rows, 6, s));
	if (!row->created_by || !row->updated_by)
		return erp__oom();
	for (size_t i = 0; i < row->type->field_count; i++) {
		erp_value v;
		int rc = tx->st->column(&v, rows, SYSTEM_COLUMNS + i);
		if (rc != ERP_OK)
			return rc;
		erp__cell *cell = &row->cells[i];
		cell->given = false;
		if (v.type == ERP_VALUE_NULL)
			erp__cell_set_null(cell);
		else if (v.type == ERP_VALUE_INT)
			erp__cell_set_int(cell, v.i);
		else if (erp__cell_set_text(cell, v.s, v.len) != ERP_OK)
			return ERP_ERROR;
		/* Numbers may come back as text from some backends. */
		erp__field_kind k = row->type->fields[i].kind;
		if (cell->v.type == ERP_VALUE_TEXT && (k == ERP__F_INTEGER || k == ERP__F_DECIMAL || k == ERP__F_MONEY ||
		                                       k == ERP__F_QUANTITY || k == ERP__F_BOOLEAN))
			erp__cell_set_int(cell, strtoll(cell->v.s, NULL, 10));
	}
	return ERP_OK;
}

int erp__row_write_json(erp__strbuf *sb, erp__tx *tx, const char *tenant, const erp__row *row, const erp__row *parent,
                        erp__scales *sc)
{
	const erp__entity_type *t = row->type;
	erp__strbuf_putc(sb, '{');
	erp__json_put_key(sb, "id", true);
	erp__json_put_string(sb, row->id, strlen(row->id));
	for (size_t i = 0; i < t->field_count; i++) {
		const erp__field *f = &t->fields[i];
		const erp_value *v = &row->cells[i].v;
		char buf[ERP__DECIMAL_TEXT];
		erp__json_put_key(sb, f->name, false);
		if (v->type == ERP_VALUE_NULL) {
			erp__strbuf_puts(sb, "null");
			continue;
		}
		switch (f->kind) {
		case ERP__F_INTEGER:
			erp__strbuf_printf(sb, "%lld", (long long)v->i);
			break;
		case ERP__F_BOOLEAN:
			erp__strbuf_puts(sb, v->i ? "true" : "false");
			break;
		case ERP__F_DECIMAL:
			erp__decimal_format(buf, v->i, f->scale);
			erp__json_put_string(sb, buf, strlen(buf));
			break;
		case ERP__F_MONEY:
		case ERP__F_QUANTITY: {
			int scale, rc;
			const char *unit;
			if (v->type != ERP_VALUE_INT)
				return erp__error(ERP_ERROR, t->name, f->name, "%s.%s is not stored as an integer", t->name, f->name);
			if ((rc = field_scale(tx, tenant, row, parent, f, sc, &scale, &unit)) != ERP_OK)
				return rc;
			erp__decimal_format(buf, v->i, scale);
			erp__json_put_string(sb, buf, strlen(buf));
			break;
		}
		case ERP__F_JSON:
			/* Stored as the compact text json_dumps made (SQLite) or jsonb's own text (PostgreSQL). */
			erp__strbuf_append(sb, v->s, v->len);
			break;
		default:
			erp__json_put_string(sb, v->s, v->len);
			break;
		}
	}
	erp__strbuf_printf(sb, ",\"version\":%lld,\"archived\":%s", (long long)row->version, row->archived ? "true" : "false");
	erp__json_put_key(sb, "created_at", false);
	erp__json_put_string(sb, row->created_at, strlen(row->created_at));
	erp__json_put_key(sb, "created_by", false);
	erp__json_put_string(sb, row->created_by ? row->created_by : "", row->created_by ? strlen(row->created_by) : 0);
	erp__json_put_key(sb, "updated_at", false);
	erp__json_put_string(sb, row->updated_at, strlen(row->updated_at));
	erp__json_put_key(sb, "updated_by", false);
	erp__json_put_string(sb, row->updated_by ? row->updated_by : "", row->updated_by ? strlen(row->updated_by) : 0);
	erp__strbuf_putc(sb, '}');
	return erp__strbuf_ok(sb) ? ERP_OK : erp__oom();
}
