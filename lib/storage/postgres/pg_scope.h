/*
 * How a transaction is scoped to a tenant on PostgreSQL: the script begin()
 * sends, in one round trip.
 *
 * Store scope (tenant_id NULL): just BEGIN, as the login role. That role
 * owns the tables, but FORCE ROW LEVEL SECURITY still binds it, and with
 * app.current_tenant_id unset the policies match no tenant row.
 *
 * Tenant scope:
 *
 *   BEGIN ISOLATION LEVEL ...;
 *   SELECT set_config('app.current_tenant_id', '<uuid>', true),
 *          set_config('app.current_user_id', '<user or empty>', true);
 *   SET LOCAL ROLE erp_readonly | erp_readwrite | erp_admin
 *
 * Both settings and the role end with the transaction. The erp_* roles are
 * neither superusers nor table owners, so row-level security binds even
 * when the login role is a superuser.
 *
 * Reads run REPEATABLE READ READ ONLY (one snapshot for the whole
 * transaction); writes READ COMMITTED, with the core locking the rows it
 * reads for update ({for_update}).
 */
#ifndef ERP_LIB_STORAGE_PG_SCOPE_H
#define ERP_LIB_STORAGE_PG_SCOPE_H

#include <erp/sys/storage.h>

#include <libpq-fe.h>

/** 1 when `s` is a UUID in text form: 36 characters, hex digits and hyphens at 8-4-4-4-12. */
int erp__pg_uuid_valid(const char *s);

/**
 * Builds the BEGIN script for `mode` (erp_tx_mode) and `scope` (NULL means
 * store scope).
 *
 * @param out         receives a malloc'd string.
 * @param pg          the connection (for quoting the user id).
 * @param dealloc_all non-zero: also DEALLOCATE ALL (right after BEGIN).
 * @param relaxed     a write runs with synchronous_commit off (the store's
 *                    relaxed_durability); otherwise on, whatever the
 *                    server's default: ERP_OK means committed durably.
 * @return ERP_OK; ERP_EINVALID (field "tenant_id", "user_id", "role" or
 *         "mode"); ERP_ERROR when out of memory. Raises the error.
 */
int erp__pg_begin_sql(char **out, PGconn *pg, int mode, const erp_storage_scope *scope, int dealloc_all,
                      int relaxed);

/**
 * For a loose read: the script that sets `scope` at session level (it stays
 * until another loose read changes it; BEGIN scripts override it locally),
 * and a key naming that scope so that an unchanged scope is not sent again.
 * Both malloc'd.
 */
int erp__pg_session_scope_sql(char **out, char **key, PGconn *pg, const erp_storage_scope *scope);

#endif
