/*
 * Connection parameters of the PostgreSQL backend, from a store URL and
 * the store options.
 *
 * The URL goes to libpq whole, as the `dbname` of PQconnectdbParams() with
 * expand_dbname set, so every form libpq knows works: postgresql://...,
 * postgres://..., and keyword strings; "postgresql:" (or "postgres:")
 * followed by a keyword string, as in "postgresql:host=/tmp dbname=x", has
 * the scheme stripped first. Around it the backend adds:
 *
 *   fallback_application_name=liberp  (the URL or PGAPPNAME may override)
 *   connect_timeout=<opts, default 10> (unless the URL sets one)
 *   client_encoding=UTF8              (liberp speaks UTF-8 only)
 *   options=<the URL's options> -c TimeZone=UTC -c DateStyle=ISO
 *           [-c statement_timeout=<ms>]  (ours come last, so they win)
 */
#ifndef ERP_LIB_STORAGE_PG_CONNINFO_H
#define ERP_LIB_STORAGE_PG_CONNINFO_H

#include <erp/store.h>

/** Most keywords the backend passes to libpq, plus the NULL terminator. */
#define ERP__PG_CONNINFO_MAX 8

/** Keyword/value arrays for PQconnectdbParams(). */
typedef struct erp__pg_conninfo {
	const char *keys[ERP__PG_CONNINFO_MAX];  /**< NULL-terminated; static strings. */
	char *values[ERP__PG_CONNINFO_MAX];      /**< Owned copies, parallel to keys. */
} erp__pg_conninfo;

/**
 * Builds the parameters for `url` and `opts` (opts may be NULL).
 *
 * @return ERP_OK; ERP_EINVALID (field "url") when libpq cannot parse the
 *         URL or a port or other numeric parameter is not a number;
 *         ERP_ERROR when out of memory. Raises the error. On failure
 *         `info` holds nothing to free.
 */
int erp__pg_conninfo_init(erp__pg_conninfo *info, const char *url, const erp_store_options *opts);

/** Frees what erp__pg_conninfo_init() allocated. Accepts a zeroed struct. */
void erp__pg_conninfo_free(erp__pg_conninfo *info);

#endif
