/*
 * How a transaction is scoped to a tenant on PostgreSQL (see pg_scope.h).
 */
#include "pg_scope.h"

#include "pg_error.h"

#include <erp/context.h>
#include <erp/sys/backend.h>

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

int erp__pg_begin_sql(char **out, PGconn *pg, int mode, const erp_storage_scope *scope, int dealloc_all)
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
	else if (mode == ERP_TX_WRITE)
		begin = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE";
	else
		return erp_error_set(ERP_EINVALID, NULL, "mode", "unknown transaction mode");

	if (!scope || !scope->tenant_id) {
		cap = strlen(begin) + strlen(dealloc) + 1;
		sql = malloc(cap);
		if (!sql)
			return erp__pg_oom();
		snprintf(sql, cap, "%s%s", begin, dealloc);
		*out = sql;
		return ERP_OK;
	}

	if (!erp__pg_uuid_valid(scope->tenant_id))
		return erp_error_set(ERP_EINVALID, NULL, "tenant_id", "tenant id is not a UUID");
	role = role_name(scope->role);
	if (!role)
		return erp_error_set(ERP_EINVALID, NULL, "role", "unknown role");
	user = scope->user_id ? scope->user_id : "";
	user_lit = PQescapeLiteral(pg, user, strlen(user));
	if (!user_lit)
		return erp_error_set(ERP_EINVALID, NULL, "user_id", "user id cannot be quoted (invalid UTF-8?)");

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
