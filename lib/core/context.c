/* Tenant contexts (erp/context.h). */
#include "context_internal.h"
#include "db.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_ID_MAX 200

const char *erp__role_name(int role)
{
	switch (role) {
	case ERP_ROLE_READONLY: return "readonly";
	case ERP_ROLE_READWRITE: return "readwrite";
	case ERP_ROLE_ADMIN: return "admin";
	default: return NULL;
	}
}

int erp__role_parse(const char *name)
{
	for (int r = ERP_ROLE_READONLY; name && r <= ERP_ROLE_ADMIN; r++)
		if (strcmp(name, erp__role_name(r)) == 0)
			return r;
	return 0;
}

erp_storage_scope erp__ctx_scope(const erp_ctx *ctx)
{
	erp_storage_scope scope = { ctx->tenant_id, ctx->user_id, ctx->role };
	return scope;
}

int erp__ctx_require(const erp_ctx *ctx, int min_role, const char *what)
{
	if (!ctx)
		return erp__invalid("ctx", "ctx is NULL");
	if (ctx->role < min_role)
		return erp__error(ERP_EPERM, NULL, NULL, "%s needs the %s role; '%s' acts as %s", what,
		                  erp__role_name(min_role), ctx->user_id, erp__role_name(ctx->role));
	return ERP_OK;
}

typedef struct {
	const char *tenant_id;
	char base_currency[4];
} tenant_lookup;

static int tenant_lookup_body(erp__tx *tx, void *payload)
{
	tenant_lookup *job = payload;
	erp_value id = erp__v_text(job->tenant_id);
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, "SELECT base_currency FROM {auth.tenants} WHERE id = $1", &id, 1);
	if (rc != ERP_OK)
		return rc;
	rc = erp__db_next(tx, rows);
	if (rc == 1) {
		char s[24];
		const char *cur = erp__db_text(tx, rows, 0, s);
		snprintf(job->base_currency, sizeof job->base_currency, "%s", cur ? cur : "");
	}
	erp__db_close(tx, rows);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return erp__error(ERP_ENOTFOUND, "auth.tenant", "tenant_id", "no tenant with id %s", job->tenant_id);
	return ERP_OK;
}

int erp_ctx_new(erp_ctx **out, erp_store *store, const char *tenant_id, const char *user_id, int role)
{
	if (!out)
		return erp__invalid("out", "out is NULL");
	*out = NULL;
	if (!store)
		return erp__invalid("store", "store is NULL");
	char tenant[ERP__UUID_LEN + 1];
	if (!tenant_id || !erp__uuid_normalize(tenant, tenant_id))
		return erp__invalid("tenant_id", "tenant_id must be a UUID");
	size_t chars;
	if (!user_id || !user_id[0] || strlen(user_id) > USER_ID_MAX ||
	    !erp__utf8_check(user_id, strlen(user_id), false, &chars))
		return erp__invalid("user_id", "user_id must be 1 to %d bytes of UTF-8 without control characters", USER_ID_MAX);
	if (!erp__role_name(role))
		return erp__invalid("role", "role must be ERP_ROLE_READONLY, ERP_ROLE_READWRITE or ERP_ROLE_ADMIN, not %d", role);

	erp_storage_scope scope = { NULL, NULL, 0 };
	tenant_lookup lookup = { tenant, "" };
	int rc = erp__tx_run(store, ERP_TX_READ, &scope, tenant_lookup_body, &lookup);
	if (rc != ERP_OK)
		return rc;

	return erp__ctx_make(out, store, tenant, user_id, role, lookup.base_currency, NULL);
}

int erp__ctx_make(erp_ctx **out, erp_store *store, const char *tenant_id, const char *user_id, int role,
                  const char *base_currency, const char *session)
{
	erp_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx || !(ctx->user_id = strdup(user_id))) {
		free(ctx);
		return erp__oom();
	}
	ctx->store = store;
	snprintf(ctx->tenant_id, sizeof ctx->tenant_id, "%s", tenant_id);
	ctx->role = role;
	snprintf(ctx->base_currency, sizeof ctx->base_currency, "%s", base_currency);
	snprintf(ctx->session, sizeof ctx->session, "%s", session ? session : "");
	*out = ctx;
	return ERP_OK;
}

void erp_ctx_free(erp_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->user_id);
	free(ctx);
}

const char *erp_ctx_tenant(const erp_ctx *ctx)
{
	return ctx ? ctx->tenant_id : NULL;
}

const char *erp_ctx_user(const erp_ctx *ctx)
{
	return ctx ? ctx->user_id : NULL;
}

int erp_ctx_role(const erp_ctx *ctx)
{
	return ctx ? ctx->role : 0;
}
