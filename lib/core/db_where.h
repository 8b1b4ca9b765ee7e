/*
 * Building the WHERE clause of a list or report query: conditions joined
 * by AND, each with its value bound as the next parameter, numbered
 * $1..$N in the order they are added. Values are always bound, never
 * pasted into the SQL.
 *
 *     erp__where w = ERP__WHERE_INIT;
 *     erp__strbuf_puts(&w.sql, "SELECT id, date FROM {financial.entries}");
 *     erp__where_and(&w, "tenant_id = ?", erp__v_text(tenant));   // " WHERE tenant_id = $1"
 *     if (from)
 *         erp__where_and(&w, "date >= ?", erp__v_text(from));     // " AND date >= $2"
 *     erp__where_append(&w, " ORDER BY date LIMIT ?", erp__v_int(limit));
 *     rc = erp__where_query(&rows, tx, &w);
 *     erp__where_free(&w);
 *
 * In a condition every `?` stands for its one value (so "(a = ? OR b = ?)"
 * binds it once, as the same $N); the text around it is SQL of the code,
 * never a caller's input. The text of w.sql may also be appended to
 * directly (erp__strbuf_*) where nothing is bound.
 *
 * Errors are sticky, as in erp__strbuf: after an allocation failure every
 * call is a no-op and erp__where_query() answers erp__oom(). The builder
 * keeps the values, not copies of their texts: those must outlive the query.
 */
#ifndef ERP_LIB_DB_WHERE_H
#define ERP_LIB_DB_WHERE_H

#include "db.h"

typedef struct {
	erp__strbuf sql;      /* the statement so far */
	erp_value *params;    /* the values of $1..$nparams */
	size_t nparams, cap;
	size_t nconds;        /* conditions added: the first opens the WHERE */
	bool failed;
} erp__where;

#define ERP__WHERE_INIT { ERP__STRBUF_INIT, NULL, 0, 0, 0, false }

/** Appends `text` with each `?` in it as the placeholder of `v`, bound as the next parameter. */
void erp__where_append(erp__where *w, const char *text, erp_value v);

/** Appends " WHERE cond" (the first condition) or " AND cond", `cond` as in erp__where_append(). */
void erp__where_and(erp__where *w, const char *cond, erp_value v);

/**
 * Appends the condition that a row comes after a position in the order
 * of `columns` (each ascending): for (a, b, c) and values (x, y, z),
 * "(a > x OR (a = x AND (b > y OR (b = y AND c > z))))", each value
 * bound once. `n` is at least 1.
 */
void erp__where_after(erp__where *w, const char *const *columns, const erp_value *values, size_t n);

/** True when no allocation failed. */
bool erp__where_ok(const erp__where *w);

/** Runs the statement (erp__db_query); erp__oom() after an earlier failure. */
int erp__where_query(erp_storage_rows **out, erp__tx *tx, const erp__where *w);

void erp__where_free(erp__where *w);

#endif
