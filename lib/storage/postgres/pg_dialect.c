/*
 * The SQL dialect of the PostgreSQL backend (see pg_dialect.h).
 */
#include "pg_dialect.h"

void erp__pg_dialect_init(erp_sql_dialect *dialect)
{
	dialect->version = ERP_SQL_DIALECT_VERSION;
	dialect->name = "postgresql";
	dialect->schema_separator = '.';
	dialect->placeholder = '$';
	dialect->for_update = " FOR UPDATE";
	/* Held until the migration transaction ends; the key is arbitrary but fixed. */
	dialect->migration_lock = "SELECT pg_advisory_xact_lock(7269427300)";
	dialect->bootstrap =
		"CREATE SCHEMA IF NOT EXISTS system; "
		"CREATE TABLE IF NOT EXISTS system.migrations ("
		"number integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
		"applied_at timestamptz NOT NULL)";
	dialect->migrations = erp__postgresql_migrations;
	dialect->migration_count = erp__postgresql_migration_count;
}
