/* The tenant registry (erp/tenant.h). */
#include <erp/tenant.h>

#include "util/currency.h"
#include "db.h"
#include "util/error.h"
#include "util/ident.h"
#include "util/json_out.h"
#include "tenant_internal.h"

#include <stdio.h>
#include <string.h>

#define TENANT_NAME_MAX 200
#define ENTITY "auth.tenant"

#define TENANT_COLUMNS "id, name, base_currency, created_at, created_by, updated_at, updated_by, version"

/* Builds the JSON object of the current row (columns as TENANT_COLUMNS). */
static json_t *tenant_row_json(erp__tx *tx, erp_storage_rows *rows, void *unused)
{
	(void)unused;
	char s[8][24];
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:I}",
	                 "id", erp__db_text(tx, rows, 0, s[0]),
	                 "name", erp__db_text(tx, rows, 1, s[1]),
	                 "base_currency", erp__db_text(tx, rows, 2, s[2]),
	                 "created_at", erp__db_text(tx, rows, 3, s[3]),
	                 "created_by", erp__db_text(tx, rows, 4, s[4]),
	                 "updated_at", erp__db_text(tx, rows, 5, s[5]),
	                 "updated_by", erp__db_text(tx, rows, 6, s[6]),
	                 "version", (json_int_t)erp__db_int(tx, rows, 7));
}

int erp__tenant_check(const char *name, const char *base_currency)
{
	if (!name)
		return erp__error(ERP_EINVALID, ENTITY, "name", "name is required");
	size_t chars;
	if (!erp__utf8_check(name, strlen(name), false, &chars))
		return erp__error(ERP_EINVALID, ENTITY, "name", "name must be valid UTF-8 without control characters");
	if (chars == 0 || chars > TENANT_NAME_MAX)
		return erp__error(ERP_EINVALID, ENTITY, "name", "name must have 1 to %d characters, not %zu", TENANT_NAME_MAX, chars);
	if (name[0] == ' ' || name[strlen(name) - 1] == ' ')
		return erp__error(ERP_EINVALID, ENTITY, "name", "name must not start or end with a space");
	if (!base_currency)
		return erp__error(ERP_EINVALID, ENTITY, "base_currency", "base_currency is required");
	if (erp__currency_exponent(base_currency) < 0)
		return erp__error(ERP_EINVALID, ENTITY, "base_currency",
		                  "base_currency '%.16s' is not a known ISO 4217 code (such as USD, EUR, JPY)", base_currency);
	return ERP_OK;
}

int erp__tenant_insert(erp__tx *tx, const char *id, const char *name, const char *base_currency)
{
	erp_value n = erp__v_text(name);
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.tenants} WHERE name = $1", &n, 1);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return erp__error(ERP_EEXISTS, ENTITY, "name", "a tenant named '%s' exists already", name);

	char now[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(now);
	erp_value p[] = { erp__v_text(id), n, erp__v_text(base_currency), erp__v_text(now), erp__v_text("system") };
	rc = erp__db_exec(tx,
	                  "INSERT INTO {auth.tenants} (id, name, base_currency, created_at, created_by, updated_at, updated_by, version) "
	                  "VALUES ($1, $2, $3, $4, $5, $4, $5, 1)",
	                  p, 5, NULL);
	if (rc == ERP_EEXISTS)
		return erp__error(ERP_EEXISTS, ENTITY, "name", "a tenant named '%s' exists already", name);
	return rc;
}

typedef struct {
	const char *id;
	const char *name;
	const char *currency;
} tenant_create_job;

static int tenant_create_body(erp__tx *tx, void *payload)
{
	tenant_create_job *job = payload;
	return erp__tenant_insert(tx, job->id, job->name, job->currency);
}

int erp_tenant_create(erp_buf *out_id, erp_store *store, const char *name, const char *base_currency)
{
	if (!out_id)
		return erp__invalid("out_id", "out_id is NULL");
	if (!store)
		return erp__invalid("store", "store is NULL");
	int rc = erp__tenant_check(name, base_currency);
	if (rc != ERP_OK)
		return rc;

	char id[ERP__UUID_LEN + 1];
	erp__uuid_v7(id);
	tenant_create_job job = { id, name, base_currency };
	erp_storage_scope scope = { NULL, NULL, 0 };
	rc = erp__tx_run(store, ERP_TX_WRITE, &scope, tenant_create_body, &job);
	if (rc != ERP_OK)
		return rc;
	return erp_buf_set(out_id, id, ERP__UUID_LEN);
}

/* One tenant (id) or all of them (id NULL). */
static int tenant_read_body(json_t **result, erp__tx *tx, void *payload)
{
	const char *id = payload;
	erp_value p = erp__v_text(id);
	if (id) {
		int rc = erp__db_row_json_first(result, tx, "SELECT " TENANT_COLUMNS " FROM {auth.tenants} WHERE id = $1", &p, 1,
		                                tenant_row_json, NULL);
		return rc == ERP_OK && !*result ? erp__error(ERP_ENOTFOUND, ENTITY, "id", "no tenant with id %s", id) : rc;
	}
	if (!(*result = json_array()))
		return erp__oom();
	return erp__db_rows_json(*result, tx, "SELECT " TENANT_COLUMNS " FROM {auth.tenants} ORDER BY id", NULL, 0,
	                         tenant_row_json, NULL);
}

static int tenant_read(erp_buf *out, erp_store *store, const char *id)
{
	erp_storage_scope scope = { NULL, NULL, 0 };
	return erp__tx_read_json(out, store, &scope, tenant_read_body, (void *)id);
}

int erp_tenant_get(erp_buf *out, erp_store *store, const char *id)
{
	if (!out || !store)
		return erp__invalid(out ? "store" : "out", "%s is NULL", out ? "store" : "out");
	char norm[ERP__UUID_LEN + 1];
	if (!id || !erp__uuid_normalize(norm, id))
		return erp__error(ERP_EINVALID, ENTITY, "id", "id must be a UUID");
	return tenant_read(out, store, norm);
}

int erp_tenant_list(erp_buf *out, erp_store *store)
{
	if (!out || !store)
		return erp__invalid(out ? "store" : "out", "%s is NULL", out ? "store" : "out");
	return tenant_read(out, store, NULL);
}
