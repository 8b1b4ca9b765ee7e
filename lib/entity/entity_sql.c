/* Per-type statements, built once (entity_sql.h). */
#include "entity_sql.h"

#include "entity_row.h"
#include "util/strbuf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 64

static erp__entity_sql statements[MAX_TYPES];
static bool built_ok;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static char *take(erp__strbuf *sb, bool *ok)
{
	if (!erp__strbuf_ok(sb)) {
		*ok = false;
		erp__strbuf_free(sb);
		return NULL;
	}
	char *s = sb->ptr ? sb->ptr : strdup("");
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	return s;
}

static void build(const erp__entity_type *t, erp__entity_sql *out, bool *ok)
{
	erp__strbuf sb = ERP__STRBUF_INIT;
	erp__strbuf_puts(&sb, "SELECT ");
	erp__row_select_list(&sb, t, NULL);
	erp__strbuf_printf(&sb, " FROM %s WHERE tenant_id = $1 AND id = $2", t->table);
	char *select = take(&sb, ok);
	out->select_by_id = select;
	if (select) {
		erp__strbuf_printf(&sb, "%s{for_update}", select);
		out->select_by_id_lock = take(&sb, ok);
	}
	const erp__field *pf = erp__entity_parent_field(t);
	if (pf) {
		erp__strbuf_puts(&sb, "SELECT ");
		erp__row_select_list(&sb, t, NULL);
		erp__strbuf_printf(&sb, " FROM %s WHERE tenant_id = $1 AND \"%s\" = $2 ORDER BY \"sequence\", id", t->table, pf->name);
		out->select_lines = take(&sb, ok);
	}
	erp__strbuf_printf(&sb, "INSERT INTO %s (tenant_id, id, version, archived, created_at, created_by, updated_at, updated_by",
	                   t->table);
	for (size_t i = 0; i < t->field_count; i++)
		erp__strbuf_printf(&sb, ", \"%s\"", t->fields[i].name);
	erp__strbuf_puts(&sb, ") VALUES ($1");
	for (size_t i = 2; i <= 8 + t->field_count; i++)
		erp__strbuf_printf(&sb, ", $%zu", i);
	erp__strbuf_putc(&sb, ')');
	out->insert = take(&sb, ok);
	erp__strbuf_printf(&sb, "UPDATE %s SET version = version + 1, archived = $4, updated_at = $5, updated_by = $6", t->table);
	for (size_t i = 0; i < t->field_count; i++)
		erp__strbuf_printf(&sb, ", \"%s\" = $%zu", t->fields[i].name, 7 + i);
	erp__strbuf_puts(&sb, " WHERE tenant_id = $1 AND id = $2 AND version = $3");
	out->update = take(&sb, ok);
}

static void build_all(void)
{
	size_t n;
	const erp__entity_type *types = erp__entity_types(&n);
	built_ok = n <= MAX_TYPES;
	for (size_t i = 0; built_ok && i < n; i++)
		build(&types[i], &statements[i], &built_ok);
}

const erp__entity_sql *erp__entity_sql_for(const erp__entity_type *type)
{
	pthread_once(&once, build_all);
	if (!built_ok)
		return NULL;
	size_t n;
	const erp__entity_type *types = erp__entity_types(&n);
	return &statements[type - types];
}
