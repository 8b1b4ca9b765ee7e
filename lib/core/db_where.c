/* WHERE clauses with bound parameters (db_where.h). */
#include "db_where.h"

#include "util/array.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* Binds `v` as the next parameter: its number, or 0 after a failure. */
static size_t bind_next(erp__where *w, erp_value v)
{
	if (w->failed || !erp__strbuf_ok(&w->sql))
		return 0;
	if (!ERP__ARRAY_TRY_RESERVE(w->params, w->cap, w->nparams + 1)) {
		w->failed = true;
		return 0;
	}
	w->params[w->nparams++] = v;
	return w->nparams;
}

/* Appends `text` with each `?` as "$index". */
static void put(erp__where *w, const char *text, size_t index)
{
	for (const char *q; (q = strchr(text, '?')) != NULL; text = q + 1) {
		erp__strbuf_append(&w->sql, text, (size_t)(q - text));
		erp__strbuf_printf(&w->sql, "$%zu", index);
	}
	erp__strbuf_puts(&w->sql, text);
}

static void open_condition(erp__where *w)
{
	erp__strbuf_puts(&w->sql, w->nconds++ ? " AND " : " WHERE ");
}

void erp__where_append(erp__where *w, const char *text, erp_value v)
{
	size_t index = strchr(text, '?') ? bind_next(w, v) : 0;
	if (!w->failed)
		put(w, text, index);
}

void erp__where_and(erp__where *w, const char *cond, erp_value v)
{
	if (w->failed)
		return;
	open_condition(w);
	erp__where_append(w, cond, v);
}

void erp__where_after(erp__where *w, const char *const *columns, const erp_value *values, size_t n)
{
	if (w->failed || n == 0)
		return;
	size_t first = w->nparams + 1;
	for (size_t i = 0; i < n; i++)
		if (!bind_next(w, values[i]))
			return;
	open_condition(w);
	for (size_t i = 0; i + 1 < n; i++)
		erp__strbuf_printf(&w->sql, "(%s > $%zu OR (%s = $%zu AND ", columns[i], first + i, columns[i], first + i);
	erp__strbuf_printf(&w->sql, "%s > $%zu", columns[n - 1], first + n - 1);
	for (size_t i = 0; i + 1 < n; i++)
		erp__strbuf_puts(&w->sql, "))");
}

bool erp__where_ok(const erp__where *w)
{
	return !w->failed && erp__strbuf_ok(&w->sql);
}

int erp__where_query(erp_storage_rows **out, erp__tx *tx, const erp__where *w)
{
	if (!erp__where_ok(w))
		return erp__oom();
	return erp__db_query(out, tx, erp__strbuf_cstr(&w->sql), w->params, w->nparams);
}

void erp__where_free(erp__where *w)
{
	erp__strbuf_free(&w->sql);
	free(w->params);
	w->params = NULL;
	w->nparams = w->cap = w->nconds = 0;
	w->failed = false;
}
