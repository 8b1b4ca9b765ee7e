/*
 * The built-in PostgreSQL storage backend: opening and closing a storage
 * (see pg_backend.h).
 */
#include "pg_backend.h"

#include "pg_conn.h"
#include "pg_dialect.h"
#include "pg_error.h"
#include "pg_exec.h"
#include "pg_pipeline.h"
#include "pg_rows.h"
#include "pg_storage.h"
#include "pg_tx.h"

#include <erp/sys/backend.h>

#include <stdlib.h>

static void pg_close(erp_storage *storage)
{
	erp__pg_storage *st = (erp__pg_storage *)storage;

	if (!st)
		return;
	erp__pg_pool_destroy(&st->pool);
	erp__pg_conninfo_free(&st->info);
	free(st);
}

static int pg_open(erp_storage **out, const char *url, const erp_store_options *opts)
{
	erp__pg_storage *st;
	erp__pg_conn *first;
	size_t pool_size = opts && opts->pool_size > 0 ? (size_t)opts->pool_size : 4;
	int rc;

	*out = NULL;
	st = calloc(1, sizeof *st);
	if (!st)
		return erp__pg_oom();
	st->relaxed_durability = opts && opts->relaxed_durability;
	erp__pg_fresh_stats_init(&st->fresh_stats);
	rc = erp__pg_conninfo_init(&st->info, url, opts);
	if (rc != ERP_OK) {
		free(st);
		return rc;
	}
	rc = erp__pg_pool_init(&st->pool, &st->info, pool_size);
	if (rc != ERP_OK) {
		erp__pg_conninfo_free(&st->info);
		free(st);
		return rc;
	}
	/* One connection now, to report bad credentials or an unreachable server at open. */
	rc = erp__pg_pool_acquire(&first, &st->pool);
	if (rc != ERP_OK) {
		pg_close(&st->base);
		return rc;
	}
	erp__pg_pool_release(&st->pool, first);

	erp__pg_dialect_init(&st->dialect);
	st->base.version = ERP_STORAGE_VERSION;
	st->base.dialect = &st->dialect;
	st->base.close = pg_close;
	st->base.begin = erp__pg_begin;
	st->base.commit = erp__pg_commit;
	st->base.rollback = erp__pg_rollback;
	st->base.query = erp__pg_query;
	st->base.next = erp__pg_next;
	st->base.column_count = erp__pg_column_count;
	st->base.column = erp__pg_column;
	st->base.rows_close = erp__pg_rows_close;
	st->base.exec = erp__pg_exec;
	st->base.exec_script = erp__pg_exec_script;
	st->base.exec_batch = erp__pg_exec_batch;
	st->base.check = NULL;
	*out = &st->base;
	return ERP_OK;
}

const erp_storage_backend erp__postgresql_backend = {
	ERP_STORAGE_BACKEND_VERSION, "postgresql", pg_open
};

const erp_storage_backend erp__postgres_backend = {
	ERP_STORAGE_BACKEND_VERSION, "postgres", pg_open
};
