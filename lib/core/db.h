/*
 * The core's way to storage: SQL templates rendered for the backend's
 * dialect, run inside transactions that are retried when the backend
 * reports ERP_ERETRY.
 *
 * Templates use `{area.table}` for tables, `$1..$N` for parameters and
 * `{for_update}` for a row lock (see erp/sys/storage.h). Parameters are
 * always bound, never pasted.
 */
#ifndef ERP_LIB_DB_H
#define ERP_LIB_DB_H

#include "store_internal.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

/** An open transaction of the core. */
typedef struct erp__tx {
	erp_store *store;
	erp_storage *st;
	erp_storage_tx *stx;
	erp__strbuf sql;   /* scratch for rendering */
	/* The first failure of a column read (erp__db_text/int/is_null, which
	 * answer NULL or 0 then): the transaction fails with it (see erp__tx_run). */
	int read_failed;
	char read_error[200];
} erp__tx;

/** Body of a transaction; may run several times (see erp__tx_run). */
typedef int (*erp__tx_fn)(erp__tx *tx, void *payload);

/** How often a transaction is attempted before ERP_ERETRY reaches the caller. */
#define ERP__TX_ATTEMPTS 10

/**
 * Runs `fn` inside a transaction of `mode` for `scope`, commits when it
 * returns ERP_OK and rolls back otherwise. When `fn`, begin or commit
 * reports ERP_ERETRY the transaction is rolled back and run again, with a
 * short random back-off, up to ERP__TX_ATTEMPTS times; so `fn` must not
 * keep effects outside the transaction between attempts (reset outputs at
 * its start).
 */
int erp__tx_run(erp_store *store, int mode, const erp_storage_scope *scope, erp__tx_fn fn, void *payload);

/** Renders a template for a dialect into `out` (cleared first). */
int erp__sql_render(erp__strbuf *out, const erp_sql_dialect *dialect, const char *tmpl);

/** Runs a statement that returns no rows. `changes` may be NULL. */
int erp__db_exec(erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams, int64_t *changes);

/** Runs a statement and opens its rows; close them with erp__db_close(). */
int erp__db_query(erp_storage_rows **out, erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams);

/** Advances: 1 row, 0 end, or an error code. */
int erp__db_next(erp__tx *tx, erp_storage_rows *rows);

/** Column as text, or NULL for SQL NULL (integers are formatted into `scratch`, 24 bytes). */
const char *erp__db_text(erp__tx *tx, erp_storage_rows *rows, size_t col, char scratch[24]);

/** Column as an integer (0 for NULL; text is parsed). */
int64_t erp__db_int(erp__tx *tx, erp_storage_rows *rows, size_t col);

/** True when the column is SQL NULL. */
bool erp__db_is_null(erp__tx *tx, erp_storage_rows *rows, size_t col);

void erp__db_close(erp__tx *tx, erp_storage_rows *rows);

/** One JSON value made of the current row; NULL when out of memory. */
typedef json_t *(*erp__db_row_json)(erp__tx *tx, erp_storage_rows *rows, void *arg);

/**
 * Runs a query and appends row_json's value of each row to `array`, in the
 * query's order: ERP_OK, or the first error (ERP_ENOMEM when a value could
 * not be made or appended). The array keeps the rows appended before an error.
 */
int erp__db_rows_json(json_t *array, erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams,
                      erp__db_row_json row_json, void *arg);

/**
 * Runs a query and sets *out (new reference) to row_json's value of its
 * first row, or to NULL when it returns none: ERP_OK or an error code.
 */
int erp__db_row_json_first(json_t **out, erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams,
                           erp__db_row_json row_json, void *arg);

/**
 * Body of a read that answers one JSON value: sets *result (starting NULL
 * on every attempt) and returns ERP_OK or an error code.
 */
typedef int (*erp__tx_json_fn)(json_t **result, erp__tx *tx, void *payload);

/**
 * Runs `fn` in a read transaction for `scope` (retried as erp__tx_run) and
 * writes the value it left to `out` as JSON text.
 */
int erp__tx_read_json(erp_buf *out, erp_store *store, const erp_storage_scope *scope, erp__tx_json_fn fn,
                      void *payload);

/** Whether the statement returns a row: 1 yes, 0 no, or an error code. */
int erp__db_exists(erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams);

/**
 * The first column of the first row as text into `out` ("" for NULL or no
 * row): 1 when there was a row, 0 when none, or an error code.
 */
int erp__db_first_text(erp__tx *tx, const char *tmpl, const erp_value *params, size_t nparams, char *out, size_t cap);

/**
 * Statements without rows collected to run together: in one round trip
 * where the backend can (exec_batch), else one by one. The batch keeps its
 * own copies of the statements and of every parameter, so the caller's
 * values need not outlive erp__db_batch_add().
 */
typedef struct {
	erp__tx *tx;
	char **sql;
	erp_value **params;   /* each with its texts in the same allocation */
	size_t *nparams;
	size_t count, cap;
} erp__db_batch;

void erp__db_batch_init(erp__db_batch *b, erp__tx *tx);
int erp__db_batch_add(erp__db_batch *b, const char *tmpl, const erp_value *params, size_t nparams);
/** Runs what was added, in order, and empties the batch; the first failure's code. */
int erp__db_batch_flush(erp__db_batch *b);
void erp__db_batch_free(erp__db_batch *b);

/** Parameter constructors. */
static inline erp_value erp__v_text(const char *s)
{
	erp_value v = { s ? ERP_VALUE_TEXT : ERP_VALUE_NULL, 0, s, s ? strlen(s) : 0 };
	return v;
}
static inline erp_value erp__v_int(int64_t i)
{
	erp_value v = { ERP_VALUE_INT, i, NULL, 0 };
	return v;
}
static inline erp_value erp__v_null(void)
{
	erp_value v = { ERP_VALUE_NULL, 0, NULL, 0 };
	return v;
}

#endif
