/* Transactions and SQL templates over the storage interface (db.h). */
#include "db.h"
#include "util/array.h"
#include "util/error.h"
#include "util/json_out.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int erp__sql_render(erp__strbuf *out, const erp_sql_dialect *d, const char *tmpl)
{
	erp__strbuf_clear(out);
	const char *p = tmpl;
	while (*p) {
		if (*p == '\'') {
			/* A string literal is copied as it is. */
			const char *end = p + 1;
			while (*end && !(*end == '\'' && end[1] != '\''))
				end += (*end == '\'' && end[1] == '\'') ? 2 : 1;
			if (*end)
				end++;
			erp__strbuf_append(out, p, (size_t)(end - p));
			p = end;
		} else if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return erp__error(ERP_ERROR, NULL, NULL, "SQL template: unclosed '{'");
			size_t len = (size_t)(close - p - 1);
			if (len == 10 && memcmp(p + 1, "for_update", 10) == 0) {
				erp__strbuf_puts(out, d->for_update ? d->for_update : "");
			} else {
				const char *dot = memchr(p + 1, '.', len);
				if (!dot)
					return erp__error(ERP_ERROR, NULL, NULL, "SQL template: bad name {%.*s}", (int)len, p + 1);
				erp__strbuf_append(out, p + 1, (size_t)(dot - p - 1));
				erp__strbuf_putc(out, d->schema_separator);
				erp__strbuf_append(out, dot + 1, (size_t)(close - dot - 1));
			}
			p = close + 1;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			erp__strbuf_putc(out, d->placeholder);
			p++;
		} else {
			const char *next = p + strcspn(p, "'{$");
			if (next == p)
				next++;
			erp__strbuf_append(out, p, (size_t)(next - p));
			p = next;
		}
	}
	if (!erp__strbuf_ok(out))
		return erp__oom();
	return ERP_OK;
}

static void retry_backoff(int attempt)
{
	/* 1 ms, then up to 2, 4, 8... ms (capped at 64), at random. */
	uint32_t cap_ms = 1u << (attempt < 6 ? attempt : 6);
	uint32_t us = 500 + randombytes_uniform(cap_ms * 1000u);
	struct timespec ts = { 0, (long)us * 1000L };
	nanosleep(&ts, NULL);
}

int erp__tx_run(erp_store *store, int mode, const erp_storage_scope *scope, erp__tx_fn fn, void *payload)
{
	erp__tx tx = { store, store->storage, NULL, ERP__STRBUF_INIT, ERP_OK, "" };
	int rc = ERP_ERETRY;
	for (int attempt = 0; attempt < ERP__TX_ATTEMPTS; attempt++) {
		if (attempt)
			retry_backoff(attempt);
		rc = tx.st->begin(&tx.stx, tx.st, mode, scope);
		if (rc != ERP_OK) {
			if (rc == ERP_ERETRY)
				continue;
			break;
		}
		tx.read_failed = ERP_OK;
		rc = fn(&tx, payload);
		/* A value the body could not read (out of memory) was answered as NULL: nothing it made counts. */
		if (rc == ERP_OK && tx.read_failed != ERP_OK)
			rc = erp_error_set(tx.read_failed, NULL, NULL, tx.read_error);
		if (rc == ERP_OK) {
			rc = tx.st->commit(tx.stx);
		} else {
			/* Keep the body's error: rollback may not overwrite it. */
			erp_error saved = *erp_error_last();
			char msg[1024], entity[128], field[128];
			snprintf(msg, sizeof msg, "%s", saved.message);
			snprintf(entity, sizeof entity, "%s", saved.entity ? saved.entity : "");
			snprintf(field, sizeof field, "%s", saved.field ? saved.field : "");
			tx.st->rollback(tx.stx);
			erp_error_set(saved.code, saved.entity ? entity : NULL, saved.field ? field : NULL, msg);
		}
		tx.stx = NULL;
		if (rc != ERP_ERETRY)
			break;
	}
	erp__strbuf_free(&tx.sql);
	if (rc == ERP_ERETRY)
		erp__error(ERP_ERETRY, NULL, NULL, "the store stayed busy after %d attempts: %s",
		           ERP__TX_ATTEMPTS, erp_error_last()->message);
	return rc;
}

int erp__db_exec(erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams, int64_t *changes)
{
	int rc = erp__sql_render(&tx->sql, tx->st->dialect, tmpl);
	if (rc != ERP_OK)
		return rc;
	return tx->st->exec(tx->stx, erp__strbuf_cstr(&tx->sql), params, nparams, changes);
}

int erp__db_query(erp_storage_rows **out, erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams)
{
	*out = NULL;
	int rc = erp__sql_render(&tx->sql, tx->st->dialect, tmpl);
	if (rc != ERP_OK)
		return rc;
	return tx->st->query(out, tx->stx, erp__strbuf_cstr(&tx->sql), params, nparams);
}

int erp__db_next(erp__tx *tx, erp_storage_rows *rows)
{
	return tx->st->next(rows);
}

/* Reads a column; a failure is kept on the transaction, which then fails. */
static int column(erp_value *v, erp__tx *tx, erp_storage_rows *rows, size_t col)
{
	int rc = tx->st->column(v, rows, col);
	if (rc != ERP_OK && tx->read_failed == ERP_OK) {
		tx->read_failed = rc;
		snprintf(tx->read_error, sizeof tx->read_error, "%s", erp_error_last()->message);
	}
	return rc;
}

const char *erp__db_text(erp__tx *tx, erp_storage_rows *rows, size_t col, char scratch[24])
{
	erp_value v;
	if (column(&v, tx, rows, col) != ERP_OK || v.type == ERP_VALUE_NULL)
		return NULL;
	if (v.type == ERP_VALUE_INT) {
		snprintf(scratch, 24, "%" PRId64, v.i);
		return scratch;
	}
	return v.s;
}

int64_t erp__db_int(erp__tx *tx, erp_storage_rows *rows, size_t col)
{
	erp_value v;
	if (column(&v, tx, rows, col) != ERP_OK || v.type == ERP_VALUE_NULL)
		return 0;
	if (v.type == ERP_VALUE_INT)
		return v.i;
	return strtoll(v.s, NULL, 10);
}

bool erp__db_is_null(erp__tx *tx, erp_storage_rows *rows, size_t col)
{
	erp_value v;
	return column(&v, tx, rows, col) != ERP_OK || v.type == ERP_VALUE_NULL;
}

void erp__db_close(erp__tx *tx, erp_storage_rows *rows)
{
	if (rows)
		tx->st->rows_close(rows);
}

int erp__db_rows_json(json_t *array, erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams,
                      erp__db_row_json row_json, void *arg)
{
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, tmpl, params, nparams);
	if (rc != ERP_OK)
		return rc;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		json_t *v = row_json(tx, rows, arg);
		if (!v || json_array_append_new(array, v) != 0) {
			rc = erp__oom();
			break;
		}
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

int erp__db_row_json_first(json_t **out, erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams,
                           erp__db_row_json row_json, void *arg)
{
	*out = NULL;
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, tmpl, params, nparams);
	if (rc != ERP_OK)
		return rc;
	if ((rc = erp__db_next(tx, rows)) == 1 && !(*out = row_json(tx, rows, arg)))
		rc = erp__oom();
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

typedef struct {
	erp__tx_json_fn fn;
	void *payload;
	json_t *result;
} read_json_job;

static int read_json_body(erp__tx *tx, void *payload)
{
	read_json_job *job = payload;
	json_decref(job->result);
	job->result = NULL;
	return job->fn(&job->result, tx, job->payload);
}

int erp__tx_read_json(erp_buf *out, erp_store *store, const erp_storage_scope *scope, erp__tx_json_fn fn,
                      void *payload)
{
	read_json_job job = { fn, payload, NULL };
	int rc = erp__tx_run(store, ERP_TX_READ, scope, read_json_body, &job);
	if (rc == ERP_OK)
		rc = erp__json_to_buf(out, job.result);
	json_decref(job.result);
	return rc;
}

int erp__db_exists(erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams)
{
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, tmpl, params, nparams);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	erp__db_close(tx, rows);
	return rc;
}

int erp__db_first_text(erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams, char *out, size_t cap)
{
	erp_storage_rows *rows;
	out[0] = '\0';
	int rc = erp__db_query(&rows, tx, tmpl, params, nparams);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		char s[24];
		const char *v = erp__db_text(tx, rows, 0, s);
		snprintf(out, cap, "%s", v ? v : "");
	}
	erp__db_close(tx, rows);
	return rc;
}

void erp__db_batch_init(erp__db_batch *b, erp__tx *tx)
{
	memset(b, 0, sizeof *b);
	b->tx = tx;
}

static void batch_clear(erp__db_batch *b)
{
	for (size_t i = 0; i < b->count; i++) {
		free(b->sql[i]);
		free(b->params[i]);
	}
	b->count = 0;
}

void erp__db_batch_free(erp__db_batch *b)
{
	batch_clear(b);
	free(b->sql);
	free(b->params);
	free(b->nparams);
	memset(b, 0, sizeof *b);
}

int erp__db_batch_add(erp__db_batch *b, const char *tmpl, const erp_value *params, size_t nparams)
{
	/* Three arrays of one capacity: each grows from it, and the batch keeps the least reached. */
	size_t cap_sql = b->cap, cap_params = b->cap, cap_n = b->cap;
	int rc = ERP__ARRAY_RESERVE(b->sql, cap_sql, b->count + 1);
	if (rc == ERP_OK)
		rc = ERP__ARRAY_RESERVE(b->params, cap_params, b->count + 1);
	if (rc == ERP_OK)
		rc = ERP__ARRAY_RESERVE(b->nparams, cap_n, b->count + 1);
	if (rc != ERP_OK)
		return rc;
	b->cap = cap_sql < cap_params ? cap_sql : cap_params;
	if (cap_n < b->cap)
		b->cap = cap_n;
	rc = erp__sql_render(&b->tx->sql, b->tx->st->dialect, tmpl);
	if (rc != ERP_OK)
		return rc;
	/* The values and their texts in one block. */
	size_t bytes = nparams * sizeof(erp_value) + 1;
	for (size_t i = 0; i < nparams; i++)
		if (params[i].type == ERP_VALUE_TEXT)
			bytes += params[i].len + 1;
	erp_value *copy = malloc(bytes);
	char *sql = strdup(erp__strbuf_cstr(&b->tx->sql));
	if (!copy || !sql) {
		free(copy);
		free(sql);
		return erp__oom();
	}
	char *text = (char *)(copy + nparams);
	for (size_t i = 0; i < nparams; i++) {
		copy[i] = params[i];
		if (params[i].type == ERP_VALUE_TEXT) {
			memcpy(text, params[i].s, params[i].len);
			text[params[i].len] = '\0';
			copy[i].s = text;
			text += params[i].len + 1;
		}
	}
	b->sql[b->count] = sql;
	b->params[b->count] = copy;
	b->nparams[b->count] = nparams;
	b->count++;
	return ERP_OK;
}

int erp__db_batch_flush(erp__db_batch *b)
{
	erp_storage *st = b->tx->st;
	int rc = ERP_OK;
	if (b->count && st->exec_batch) {
		rc = st->exec_batch(b->tx->stx, b->count, (const char *const *)b->sql, (const erp_value *const *)b->params,
		                    b->nparams, NULL);
	} else {
		for (size_t i = 0; i < b->count && rc == ERP_OK; i++)
			rc = st->exec(b->tx->stx, b->sql[i], b->params[i], b->nparams[i], NULL);
	}
	batch_clear(b);
	return rc;
}
