/*
 * One entity row in memory: a cell per described field, in storage form
 * (erp_value), plus the system columns. Converts between the JSON of the
 * API and storage, with exact money and quantities.
 */
#ifndef ERP_LIB_ENTITY_ROW_H
#define ERP_LIB_ENTITY_ROW_H

#include "core/db.h"
#include "entity_types.h"
#include "util/ident.h"

#include <jansson.h>
#include <stdbool.h>

/** A field's value in storage form. Text is owned by the cell. */
typedef struct {
	erp_value v;
	char *text;   /* owned copy behind v.s */
	bool given;   /* set by the caller's JSON (not a default or a stored value) */
} erp__cell;

typedef struct {
	const erp__entity_type *type;
	char id[ERP__UUID_LEN + 1];
	erp__cell *cells;              /* type->field_count */
	int64_t version;
	bool archived;
	char created_at[ERP__TIMESTAMP_LEN + 1], updated_at[ERP__TIMESTAMP_LEN + 1];
	char *created_by, *updated_by;
} erp__row;

/** Memo of scales met during one request (currency exponents, unit precisions). */
typedef struct erp__scales erp__scales;

int erp__row_init(erp__row *row, const erp__entity_type *type);
void erp__row_free(erp__row *row);
void erp__rows_free(erp__row *rows, size_t n);

/** Sets a cell to a copy of text, an integer or NULL. */
int erp__cell_set_text(erp__cell *cell, const char *s, size_t len);
void erp__cell_set_int(erp__cell *cell, int64_t i);
void erp__cell_set_null(erp__cell *cell);

/**
 * Parses one JSON value for field `f` into `cell` (money and quantities
 * stay text until their scale is known). Never accepts JSON null.
 */
int erp__cell_from_json(erp__cell *cell, const erp__entity_type *t, const erp__field *f, json_t *v);

/**
 * Applies a JSON object of fields to a row (create: `creating` true, then
 * defaults fill what is missing). Checks names, JSON types, lengths,
 * enums, dates, UTF-8 and decimal syntax; money and quantities are kept
 * as text here and converted by erp__row_resolve() once scales are known.
 * `allow` may name one extra key to skip (e.g. "lines").
 */
int erp__row_apply_json(erp__row *row, json_t *obj, bool creating, const char *skip_key, const char *base_currency);

/**
 * Inside the write transaction: checks references (same tenant), currency
 * codes, converts money and quantities to minor units at their scale, and
 * checks required fields. `parent` (may be NULL) is the document of a line.
 */
int erp__row_resolve(erp__tx *tx, const char *tenant, erp__row *row, const erp__row *parent, erp__scales *sc);

/** The list of column names for SELECT: system columns then fields. */
void erp__row_select_list(erp__strbuf *sb, const erp__entity_type *type, const char *alias);

/** Reads the current storage row (columns as erp__row_select_list) into `row`. */
int erp__row_load(erp__tx *tx, erp_storage_rows *rows, erp__row *row);

/** Appends the row as a JSON object (money and quantities at their scale). */
int erp__row_write_json(erp__strbuf *sb, erp__tx *tx, const char *tenant, const erp__row *row, const erp__row *parent,
                        erp__scales *sc);

erp__scales *erp__scales_new(void);
void erp__scales_free(erp__scales *sc);

/** Exponent of a currency code for the tenant (its core.currency, else built-in); -1 unknown. */
int erp__scales_currency(erp__tx *tx, const char *tenant, erp__scales *sc, const char *code, int *exponent);

/** Precision of a core.uom of the tenant; ERP_ENOTFOUND when it does not exist. */
int erp__scales_uom(erp__tx *tx, const char *tenant, erp__scales *sc, const char *uom_id, int *precision);

/** Raises ERP_EINVALID for `field` of `type`: "<type>.<field>: <why>". */
int erp__field_invalid(const erp__entity_type *type, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
