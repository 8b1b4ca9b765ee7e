/*
 * Reading results on PostgreSQL: query(), next(), column_count(),
 * column(), rows_close().
 *
 * query() holds the whole PGresult; next() walks it. Column values by
 * type OID:
 *
 *   NULL                               -> ERP_VALUE_NULL
 *   int2, int4, int8 (21, 23, 20)      -> ERP_VALUE_INT
 *   bool (16)                          -> ERP_VALUE_INT 1 or 0
 *   timestamptz, timestamp (1184, 1114) -> text YYYY-MM-DDTHH:MM:SS.ffffffZ
 *   anything else                      -> text as PostgreSQL prints it
 *                                         (uuid, text, date, jsonb, numeric)
 *
 * Text points into the PGresult, or for timestamps into a scratch slot per
 * column; it stays valid until the next next() or rows_close().
 */
#ifndef ERP_LIB_STORAGE_PG_ROWS_H
#define ERP_LIB_STORAGE_PG_ROWS_H

#include "pg_storage.h"

/** erp_storage.query */
int erp__pg_query(erp_storage_rows **out, erp_storage_tx *tx, const char *sql,
                  const erp_value *params, size_t nparams);
/** erp_storage.next */
int erp__pg_next(erp_storage_rows *rows);
/** erp_storage.column_count */
size_t erp__pg_column_count(erp_storage_rows *rows);
/** erp_storage.column */
int erp__pg_column(erp_value *out, erp_storage_rows *rows, size_t col);
/** erp_storage.rows_close */
void erp__pg_rows_close(erp_storage_rows *rows);

/** Closes `rows` if a result is open (commit and rollback tidy up with it). */
void erp__pg_rows_discard(erp__pg_rows *rows);

#endif
