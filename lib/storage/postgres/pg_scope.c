/*
 * How a transaction is scoped to a tenant on PostgreSQL (see pg_scope.h).
 */
#include "pg_scope.h"

#include "pg_error.h"

#include <erp/context.h>
#include <erp/sys/backend.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int erp__pg_uuid_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			return 0; /* also stops at the NUL of a short string */
		}
	}
	return s[36] == '\0';
}

static const char *role_name(int role)
{
	switch (role) {
	case 0:
		/* Core work on the auth registries that also writes the tenant's
		 * audit log: the store's own login role, with the tenant set. */
		return "NONE";
	case ERP_ROLE_READONLY:
		return "erp_readonly";
	case ERP_ROLE_READWRITE:
		return "erp_readwrite";
	case ERP_ROLE_ADMIN:
		return "erp_admin";
	default:
		return NULL;
	}
}

int erp__pg_begin_sql(char **out, PGconn *pg, int mode, const erp_storage_scope *scope, int dealloc_all,
                      int relaxed)
{
	/* After BEGIN: isolation must be set before any statement; DEALLOCATE is not transactional. */
	const char *dealloc = dealloc_all ? "; DEALLOCATE ALL" : "";
	const char *begin;
	const char *role;
	const char *user;
	char *user_lit, *sql;
	size_t cap;

	*out = NULL;
	if (mode == ERP_TX_READ)
		begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
	else if (mode == ERP_TX_WRITE && relaxed)
		begin = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; SET LOCAL synchronous_commit = off";
	else if (mode == ERP_TX_WRITE)
		/* Acknowledged means durable, whatever the server's default. */
		begin = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; SET LOCAL synchronous_commit = on";
	else
		return erp_error_set(ERP_EINVALID, NULL, "mode", "unknown transaction mode");

	if (!scope || !scope->tenant_id) {
		/* Store-level work runs as the login role with no tenant, whatever a loose read left in the session. */
		const char *reset = "; SELECT set_config('app.current_tenant_id', '', true); SET LOCAL ROLE NONE";
		cap = strlen(begin) + strlen(dealloc) + strlen(reset) + 1;
		sql = malloc(cap);
		if (!sql)
			return erp__pg_oom();
		snprintf(sql, cap, "%s%s%s", begin, dealloc, reset);
		*out = sql;
		return ERP_OK;
	}

	if (!erp__pg_uuid_valid(scope->tenant_id))
		return erp_error_set(ERP_EINVALID, NULL, "tenant_id", "tenant id is not a UUID");
	role = role_name(scope->role);
	if (!role)
		return erp_error_set(ERP_EINVALID, NULL, "role", "unknown role");
	user = scope->user_id ? scope->user_id : "";
	errno = 0;
	user_lit = PQescapeLiteral(pg, user, strlen(user));
	if (!user_lit)
		return errno == ENOMEM ? erp__pg_oom()
		                       : erp_error_set(ERP_EINVALID, NULL, "user_id", "user id cannot be quoted (invalid UTF-8?)");

	cap = strlen(begin) + strlen(dealloc) + strlen(user_lit) + strlen(role) + 200;
	sql = malloc(cap);
	if (!sql) {
		PQfreemem(user_lit);
		return erp__pg_oom();
	}
	snprintf(sql, cap,
	         "%s%s; SELECT set_config('app.current_tenant_id', '%s', true), "
	         "set_config('app.current_user_id', %s, true); SET LOCAL ROLE %s",
	         begin, dealloc, scope->tenant_id, user_lit, role);
	PQfreemem(user_lit);
	*out = sql;
	return ERP_OK;
}

int erp__pg_session_scope_sql(char **out, char **key, PGconn *pg, const erp_storage_scope *scope)
{
	const char *tenant = scope && scope->tenant_id ? scope->tenant_id : "";
	const char *user = scope && scope->user_id ? scope->user_id : "";
	const char *role = scope && scope->tenant_id ? role_name(scope->role) : "NONE";
	char *user_lit, *tenant_lit;
	size_t cap;

	*out = *key = NULL;
	if (!role)
		return erp_error_set(ERP_EINVALID, NULL, "role", "unknown role");
	if (*tenant && !erp__pg_uuid_valid(tenant))
		return erp_error_set(ERP_EINVALID, NULL, "tenant_id", "tenant id is not a UUID");
	cap = strlen(tenant) + strlen(user) + strlen(role) + 3;
	*key = malloc(cap);
	if (!*key)
		return erp__pg_oom();
	snprintf(*key, cap, "%s|%s|%s", tenant, user, role);
	errno = 0;
	user_lit = PQescapeLiteral(pg, user, strlen(user));
	tenant_lit = PQescapeLiteral(pg, tenant, strlen(tenant));
	if (!user_lit || !tenant_lit) {
		int out_of_memory = errno == ENOMEM; /* else the text could not be quoted */
		PQfreemem(user_lit);
		PQfreemem(tenant_lit);
		free(*key);
		*key = NULL;
		if (out_of_memory)
			return erp__pg_oom();
		return erp_error_set(ERP_EINVALID, NULL, "user_id", "user id cannot be quoted (invalid UTF-8?)");
	}
	cap = strlen(user_lit) + strlen(tenant_lit) + strlen(role) + 160;
	*out = malloc(cap);
	if (*out)
		snprintf(*out, cap,
		         "SELECT set_config('app.current_tenant_id', %s, false), set_config('app.current_user_id', %s, false); "
		         "SET ROLE %s",
		         tenant_lit, user_lit, role);
	PQfreemem(user_lit);
	PQfreemem(tenant_lit);
	if (!*out) {
		free(*key);
		*key = NULL;
		return erp__pg_oom();
	}
	return ERP_OK;
}
