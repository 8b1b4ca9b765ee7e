/*
 * Many statements in one round trip: libpq pipeline mode behind the
 * storage interface's exec_batch().
 */
#ifndef ERP_LIB_STORAGE_PG_PIPELINE_H
#define ERP_LIB_STORAGE_PG_PIPELINE_H

#include <erp/sys/storage.h>

/** exec_batch() of erp_storage (see erp/sys/storage.h). */
int erp__pg_exec_batch(erp_storage_tx *tx, size_t count, const char *const *sql, const erp_value *const *params,
                       const size_t *nparams, size_t *failed);

#endif
