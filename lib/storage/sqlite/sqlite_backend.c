/* The SQLite storage backend: open, close, the dialect (sqlite_backend.h). */
#include "sqlite_backend.h"
#include "sqlite_check.h"
#include "sqlite_error.h"
#include "sqlite_query.h"
#include "sqlite_storage.h"
#include "sqlite_tx.h"
#include "sqlite_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 3.37: STRICT tables (the migrations use them), sqlite3_changes64(). */
#define MIN_SQLITE_VERSION 3037000
#define MIN_SQLITE_VERSION_TEXT "3.37.0"

#define DEFAULT_READERS 4
#define DEFAULT_BUSY_TIMEOUT_MS 5000

/* The migrations table, created before any migration runs. */
static const char BOOTSTRAP[] =
	"CREATE TABLE IF NOT EXISTS system_migrations (\n"
	"    number     INTEGER PRIMARY KEY,\n"
	"    name       TEXT NOT NULL,\n"
	"    checksum   TEXT NOT NULL,\n"
	"    applied_at TEXT NOT NULL\n"
	") STRICT;\n";

static void sqlite_close(erp_storage *storage)
{
	if (!storage)
		return;
	erp__sqlite_storage *s = erp__sqlite_storage_of(storage);
	erp__sqlite_pool_close(&s->pool);
	free(s->path);
	free(s);
}

static int check_library(void)
{
	char msg[256];
	if (sqlite3_libversion_number() < MIN_SQLITE_VERSION) {
		snprintf(msg, sizeof msg, "SQLite %s is too old: liberp needs %s or later", sqlite3_libversion(),
		         MIN_SQLITE_VERSION_TEXT);
		return erp_error_set(ERP_EBACKEND, NULL, NULL, msg);
	}
	if (!sqlite3_threadsafe())
		return erp_error_set(ERP_EBACKEND, NULL, NULL,
		                     "the SQLite library was built without thread support (SQLITE_THREADSAFE=0)");
	return ERP_OK;
}

static int sqlite_open(erp_storage **out, const char *url, const erp_store_options *opts)
{
	if (!out)
		return erp_error_set(ERP_EINVALID, NULL, "out", "out is NULL");
	*out = NULL;
	int rc = check_library();
	if (rc != ERP_OK)
		return rc;

	int pool_size = opts ? opts->pool_size : 0;
	int busy_ms = opts ? opts->busy_timeout_ms : 0;
	if (pool_size < 0)
		return erp_error_set(ERP_EINVALID, NULL, "pool_size", "pool_size must not be negative");
	if (busy_ms < 0)
		return erp_error_set(ERP_EINVALID, NULL, "busy_timeout_ms", "busy_timeout_ms must not be negative");
	erp__sqlite_conn_config config;
	config.busy_timeout_ms = busy_ms ? busy_ms : DEFAULT_BUSY_TIMEOUT_MS;
	/* Durable by default: FULL syncs the WAL at every commit. */
	config.sync_full = !opts || !opts->relaxed_durability || opts->sync_full;
	/* A store opened without migrations is one to check: never make it. */
	config.no_create = opts && opts->no_migrate;

	char *path;
	int memory;
	rc = erp__sqlite_url_parse(&path, &memory, url);
	if (rc != ERP_OK)
		return rc;

	erp__sqlite_storage *s = calloc(1, sizeof *s);
	if (!s) {
		free(path);
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory (SQLite storage)");
	}
	s->path = path;
	rc = erp__sqlite_pool_open(&s->pool, path, pool_size ? (size_t)pool_size : DEFAULT_READERS, &config);
	if (rc != ERP_OK) {
		free(path);
		free(s);
		return rc;
	}

	s->dialect.version = ERP_SQL_DIALECT_VERSION;
	s->dialect.name = "sqlite";
	s->dialect.schema_separator = '_';
	s->dialect.placeholder = '?';
	s->dialect.for_update = "";
	s->dialect.migration_lock = NULL; /* BEGIN IMMEDIATE already excludes other writers. */
	s->dialect.bootstrap = BOOTSTRAP;
	s->dialect.migrations = erp__sqlite_migrations;
	s->dialect.migration_count = erp__sqlite_migration_count;

	erp_storage *b = &s->base;
	b->version = ERP_STORAGE_VERSION;
	b->dialect = &s->dialect;
	b->close = sqlite_close;
	b->begin = erp__sqlite_begin;
	b->commit = erp__sqlite_commit;
	b->rollback = erp__sqlite_rollback;
	b->query = erp__sqlite_query;
	b->next = erp__sqlite_next;
	b->column_count = erp__sqlite_column_count;
	b->column = erp__sqlite_column;
	b->rows_close = erp__sqlite_rows_close;
	b->exec = erp__sqlite_exec;
	b->exec_script = erp__sqlite_exec_script;
	b->check = erp__sqlite_check;
	*out = b;
	return ERP_OK;
}

const erp_storage_backend erp__sqlite_backend = {
	ERP_STORAGE_BACKEND_VERSION,
	"sqlite",
	sqlite_open,
};
