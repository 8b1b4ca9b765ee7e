/*
 * Reading results on PostgreSQL (see pg_rows.h).
 */
#include "pg_rows.h"

#include "pg_error.h"
#include "pg_statement.h"
#include "pg_timestamp.h"

#include <erp/sys/backend.h>

#include <errno.h>
#include <stdlib.h>

/* Type OIDs, from PostgreSQL's catalog (pg_type.dat); stable across versions. */
#define ERP__PG_BOOLOID 16
#define ERP__PG_INT8OID 20
#define ERP__PG_INT2OID 21
#define ERP__PG_INT4OID 23
#define ERP__PG_TIMESTAMPOID 1114
#define ERP__PG_TIMESTAMPTZOID 1184

int erp__pg_query(erp_storage_rows **out, erp_storage_tx *t, const char *sql,
                  const erp_value *params, size_t nparams)
{
	erp__pg_tx *tx = (erp__pg_tx *)t;
	erp__pg_rows *rows = &tx->rows;
	PGresult *res;
	size_t need;
	int rc;

	*out = NULL;
	if (rows->res)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: a result is still open in this transaction");
	rc = erp__pg_run(&res, tx, sql, params, nparams);
	if (rc != ERP_OK)
		return rc;
	need = (size_t)PQnfields(res) * ERP__PG_TIMESTAMP_SLOT;
	if (need > rows->scratch_cap) {
		char *scratch = realloc(rows->scratch, need);
		if (!scratch) {
			PQclear(res);
			return erp__pg_oom();
		}
		rows->scratch = scratch;
		rows->scratch_cap = need;
	}
	rows->res = res;
	rows->row = -1;
	rows->nrows = PQntuples(res);
	rows->ncols = PQnfields(res);
	*out = (erp_storage_rows *)rows;
	return ERP_OK;
}

int erp__pg_next(erp_storage_rows *r)
{
	erp__pg_rows *rows = (erp__pg_rows *)r;

	if (!rows->res)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: next() on a closed result");
	if (rows->row < rows->nrows)
		rows->row++;
	return rows->row < rows->nrows ? 1 : 0;
}

size_t erp__pg_column_count(erp_storage_rows *r)
{
	erp__pg_rows *rows = (erp__pg_rows *)r;

	return rows->res ? (size_t)rows->ncols : 0;
}

int erp__pg_column(erp_value *out, erp_storage_rows *r, size_t col)
{
	erp__pg_rows *rows = (erp__pg_rows *)r;
	const char *text;
	char *slot, *end;
	int c = (int)col;
	long long v;
	size_t len;

	out->type = ERP_VALUE_NULL;
	out->i = 0;
	out->s = NULL;
	out->len = 0;
	if (!rows->res || rows->row < 0 || rows->row >= rows->nrows || col >= (size_t)rows->ncols)
		return erp_error_set(ERP_ERROR, NULL, NULL, "PostgreSQL: column read outside the current row");
	if (PQgetisnull(rows->res, rows->row, c))
		return ERP_OK;
	text = PQgetvalue(rows->res, rows->row, c);
	len = (size_t)PQgetlength(rows->res, rows->row, c);

	switch (PQftype(rows->res, c)) {
	case ERP__PG_INT2OID:
	case ERP__PG_INT4OID:
	case ERP__PG_INT8OID:
		errno = 0;
		v = strtoll(text, &end, 10);
		if (errno == 0 && end != text && *end == '\0') {
			out->type = ERP_VALUE_INT;
			out->i = (int64_t)v;
			return ERP_OK;
		}
		break;
	case ERP__PG_BOOLOID:
		out->type = ERP_VALUE_INT;
		out->i = text[0] == 't';
		return ERP_OK;
	case ERP__PG_TIMESTAMPOID:
	case ERP__PG_TIMESTAMPTZOID:
		slot = rows->scratch + col * ERP__PG_TIMESTAMP_SLOT;
		len = erp__pg_timestamp_normalise(slot, text);
		if (len) {
			out->type = ERP_VALUE_TEXT;
			out->s = slot;
			out->len = len;
			return ERP_OK;
		}
		len = (size_t)PQgetlength(rows->res, rows->row, c);
		break;
	default:
		break;
	}
	out->type = ERP_VALUE_TEXT;
	out->s = text;
	out->len = len;
	return ERP_OK;
}

void erp__pg_rows_discard(erp__pg_rows *rows)
{
	if (rows->res) {
		PQclear(rows->res);
		rows->res = NULL;
	}
	rows->row = -1;
	rows->nrows = rows->ncols = 0;
}

void erp__pg_rows_close(erp_storage_rows *r)
{
	if (r)
		erp__pg_rows_discard((erp__pg_rows *)r);
}
