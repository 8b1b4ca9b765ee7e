/*
 * The built-in PostgreSQL storage backend (libpq), registered by the core
 * under the schemes "postgresql" and "postgres".
 *
 * URLs: postgresql://user:password@host:port/db?param=value (or postgres://),
 * or "postgresql:" followed by a libpq keyword string ("postgresql:host=/tmp
 * dbname=x"); see pg_conninfo.h for what the backend adds. Options used:
 * pool_size (default 4), connect_timeout_s (default 10),
 * statement_timeout_ms (default none).
 *
 * open() connects once, so that bad credentials (ERP_EAUTH) or an
 * unreachable server (ERP_EBACKEND) show at open; further connections are
 * opened as transactions need them, up to pool_size.
 */
#ifndef ERP_LIB_STORAGE_PG_BACKEND_H
#define ERP_LIB_STORAGE_PG_BACKEND_H

#include <erp/sys/storage.h>

/** Scheme "postgresql". */
extern const erp_storage_backend erp__postgresql_backend;
/** Scheme "postgres": the same backend under libpq's other URI prefix. */
extern const erp_storage_backend erp__postgres_backend;

#endif
