/*
 * The SQL dialect of the PostgreSQL backend: real schemas ("core.partners"),
 * $N placeholders, FOR UPDATE row locks, a transaction-scoped advisory lock
 * around migrations, and the migration scripts of sql/postgresql/, embedded
 * at build time by cmake/embed_sql.cmake.
 */
#ifndef ERP_LIB_STORAGE_PG_DIALECT_H
#define ERP_LIB_STORAGE_PG_DIALECT_H

#include <erp/sys/storage.h>

/** The migrations of sql/postgresql/ (generated source). */
extern const erp_sql_migration erp__postgresql_migrations[];
/** How many. */
extern const size_t erp__postgresql_migration_count;

/**
 * Fills `dialect` (each storage keeps its own copy: the migration count
 * lives in another translation unit, so no constant initialiser can name
 * it).
 */
void erp__pg_dialect_init(erp_sql_dialect *dialect);

#endif
