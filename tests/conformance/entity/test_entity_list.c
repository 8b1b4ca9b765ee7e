/*
 * Listing entities (erp_entity_list): filters on every kind, sort with
 * NULLs and duplicates, keyset pagination with an opaque cursor, counts,
 * and hostile queries.
 */
#include "conformance.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	erp_store *store;
	char tenant[37];
	erp_ctx *ctx;
} env;

static void env_open(env *e, void **state)
{
	erp_conformance_fixture *f = *state;
	e->store = f->store;
	erp_test_tenant(e->tenant, e->store);
	e->ctx = erp_test_ctx(e->store, e->tenant, ERP_ROLE_READWRITE);
}

/* The sorted, comma-joined values of `key` of every item of one list call (limit 1000). */
static char *list_names(env *e, const char *type, const char *filter, const char *key)
{
	char q[1200];
	snprintf(q, sizeof q, "{\"filter\":%s,\"limit\":1000,\"count\":true}", filter);
	json_t *l = ent_list(e->ctx, type, q);
	json_t *items = json_object_get(l, "items");
	assert_true(json_is_null(json_object_get(l, "next_cursor")));
	assert_int_equal(json_integer_value(json_object_get(l, "total")), json_array_size(items));
	size_t n = json_array_size(items);
	const char **names = calloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = ent_str(json_array_get(items, i), key);
	/* sort by strcmp (insertion; the lists are short) */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			const char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
		}
	char *out = calloc(1, 4096);
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), 4096 - strlen(out), "%s%s", i ? "," : "", names[i]);
	free(names);
	json_decref(l);
	return out;
}

#define assert_list(e, type, filter, expect)                   \
	do {                                                       \
		char *got_ = list_names((e), (type), (filter), "name"); \
		if (strcmp(got_, (expect)) != 0) {                     \
			print_error("filter %s\n", (filter));               \
			assert_string_equal(got_, (expect));               \
		}                                                      \
		free(got_);                                            \
	} while (0)

void test_entity__list_filters_select_exactly_the_matching_rows(void **state)
{
	env e;
	env_open(&e, state);
	json_t *p0 = ent_create(e.ctx, "core.partner", "{\"name\":\"Parent0\"}");
	json_t *p1 = ent_create(e.ctx, "core.partner", "{\"name\":\"Parent1\"}");
	static const char *const rows[] = {
		"{\"name\":\"Acme Corp\",\"city\":\"Lyon\",\"credit_limit\":\"100.00\",\"is_customer\":true,\"country\":\"FR\","
		"\"email\":\"a@x\"}",
		"{\"name\":\"ACME Europe\",\"city\":\"Paris\",\"credit_limit\":\"250.50\",\"country\":\"DE\",\"parent_id\":\"P0\"}",
		"{\"name\":\"acme_labs\",\"is_customer\":true,\"country\":\"FR\",\"kind\":\"person\",\"parent_id\":\"P0\","
		"\"email\":\"c@x\"}",
		"{\"name\":\"Beta\",\"city\":\"Lyon\",\"credit_limit\":\"100\",\"kind\":\"person\"}",
		"{\"name\":\"Gamma 100%\",\"city\":\"Berlin\",\"credit_limit\":\"-5.00\",\"is_customer\":true,\"country\":\"DE\","
		"\"parent_id\":\"P1\",\"email\":\"g@x\"}",
		"{\"name\":\"Delta\",\"city\":\"lyon\",\"credit_limit\":\"99.99\",\"country\":\"US\",\"email\":\"d@x\"}",
		"{\"name\":\"Epsilon\",\"credit_limit\":\"1000000.00\",\"is_customer\":true,\"country\":\"US\",\"kind\":\"person\","
		"\"parent_id\":\"P1\"}",
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char j[600], *w = j;
		for (const char *r = rows[i]; *r;) {
			if (strncmp(r, "\"P0\"", 4) == 0 || strncmp(r, "\"P1\"", 4) == 0) {
				w += sprintf(w, "\"%s\"", ent_id(r[2] == '0' ? p0 : p1));
				r += 4;
			} else {
				*w++ = *r++;
			}
		}
		*w = '\0';
		json_decref(ent_create(e.ctx, "core.partner", j));
	}
	const char *P = "core.partner";
	/* text */
	assert_list(&e, P, "[[\"city\",\"eq\",\"Lyon\"]]", "Acme Corp,Beta");
	assert_list(&e, P, "[[\"city\",\"in\",[\"Paris\",\"Berlin\",\"Rome\"]]]", "ACME Europe,Gamma 100%");
	assert_list(&e, P, "[[\"name\",\"like\",\"acme%\"]]", "ACME Europe,Acme Corp,acme_labs");
	assert_list(&e, P, "[[\"name\",\"like\",\"ACME%\"]]", "ACME Europe,Acme Corp,acme_labs");
	assert_list(&e, P, "[[\"name\",\"like\",\"_eta\"]]", "Beta");
	assert_list(&e, P, "[[\"name\",\"like\",\"%ta\"]]", "Beta,Delta");
	assert_list(&e, P, "[[\"city\",\"like\",\"LYON\"]]", "Acme Corp,Beta,Delta");
	assert_list(&e, P, "[[\"email\",\"is_null\",true]]", "ACME Europe,Beta,Epsilon,Parent0,Parent1");
	assert_list(&e, P, "[[\"email\",\"is_null\",false]]", "Acme Corp,Delta,Gamma 100%,acme_labs");
	/* money, as decimal strings at the currency's exponent */
	assert_list(&e, P, "[[\"credit_limit\",\"eq\",\"100\"]]", "Acme Corp,Beta");
	assert_list(&e, P, "[[\"credit_limit\",\"eq\",\"100.00\"]]", "Acme Corp,Beta");
	assert_list(&e, P, "[[\"credit_limit\",\"lt\",\"100.00\"]]", "Delta,Gamma 100%");
	assert_list(&e, P, "[[\"credit_limit\",\"le\",\"100.00\"]]", "Acme Corp,Beta,Delta,Gamma 100%");
	assert_list(&e, P, "[[\"credit_limit\",\"gt\",\"100.00\"]]", "ACME Europe,Epsilon");
	assert_list(&e, P, "[[\"credit_limit\",\"ge\",\"250.5\"]]", "ACME Europe,Epsilon");
	assert_list(&e, P, "[[\"credit_limit\",\"lt\",\"0\"]]", "Gamma 100%");
	assert_list(&e, P, "[[\"credit_limit\",\"in\",[\"99.99\",\"-5\"]]]", "Delta,Gamma 100%");
	assert_list(&e, P, "[[\"credit_limit\",\"is_null\",true]]", "Parent0,Parent1,acme_labs");
	/* boolean */
	assert_list(&e, P, "[[\"is_customer\",\"eq\",true]]", "Acme Corp,Epsilon,Gamma 100%,acme_labs");
	assert_list(&e, P, "[[\"is_customer\",\"eq\",false]]", "ACME Europe,Beta,Delta,Parent0,Parent1");
	assert_list(&e, P, "[[\"is_customer\",\"ne\",true]]", "ACME Europe,Beta,Delta,Parent0,Parent1");
	/* enum */
	assert_list(&e, P, "[[\"kind\",\"eq\",\"person\"]]", "Beta,Epsilon,acme_labs");
	assert_list(&e, P, "[[\"kind\",\"ne\",\"person\"]]", "ACME Europe,Acme Corp,Delta,Gamma 100%,Parent0,Parent1");
	assert_list(&e, P, "[[\"kind\",\"in\",[\"person\",\"company\"]]]",
	            "ACME Europe,Acme Corp,Beta,Delta,Epsilon,Gamma 100%,Parent0,Parent1,acme_labs");
	/* reference */
	char f[400];
	snprintf(f, sizeof f, "[[\"parent_id\",\"eq\",\"%s\"]]", ent_id(p0));
	assert_list(&e, P, f, "ACME Europe,acme_labs");
	snprintf(f, sizeof f, "[[\"parent_id\",\"in\",[\"%s\",\"%s\"]]]", ent_id(p0), ent_id(p1));
	assert_list(&e, P, f, "ACME Europe,Epsilon,Gamma 100%,acme_labs");
	assert_list(&e, P, "[[\"parent_id\",\"is_null\",false]]", "ACME Europe,Epsilon,Gamma 100%,acme_labs");
	snprintf(f, sizeof f, "[[\"id\",\"eq\",\"%s\"]]", ent_id(p1));
	assert_list(&e, P, f, "Parent1");
	/* currency */
	assert_list(&e, P, "[[\"currency\",\"eq\",\"EUR\"]]", "");
	/* several filters: all must hold */
	assert_list(&e, P, "[[\"city\",\"eq\",\"Lyon\"],[\"credit_limit\",\"ge\",\"100.00\"],[\"is_customer\",\"eq\",true]]",
	            "Acme Corp");
	assert_list(&e, P, "[[\"country\",\"eq\",\"DE\"],[\"email\",\"is_null\",true]]", "ACME Europe");
	/* hostile values are only values */
	assert_list(&e, P, "[[\"name\",\"eq\",\"'; DROP TABLE core_partners; --\"]]", "");
	assert_list(&e, P, "[[\"name\",\"like\",\"%'; DROP TABLE core.partners; --%\"]]", "");
	assert_list(&e, P, "[[\"name\",\"in\",[\"x' OR '1'='1\",\"Beta\"]]]", "Beta");
	assert_list(&e, P, "[[\"city\",\"eq\",\"\\\" OR 1=1 --\"]]", "");
	assert_int_equal(erp_test_count(e.store, e.tenant, "{core.partners}"), 9);

	/* dates, decimals, datetimes on other types */
	const char *pj[] = { "{\"name\":\"Q1\",\"start_date\":\"2026-01-15\",\"state\":\"closed\"}",
	                     "{\"name\":\"Q2\",\"start_date\":\"2026-03-01\"}", "{\"name\":\"Q3\",\"start_date\":\"2026-03-02\"}",
	                     "{\"name\":\"Q4\"}" };
	for (size_t i = 0; i < 4; i++)
		json_decref(ent_create(e.ctx, "projects.project", pj[i]));
	const char *PR = "projects.project";
	assert_list(&e, PR, "[[\"start_date\",\"eq\",\"2026-03-01\"]]", "Q2");
	assert_list(&e, PR, "[[\"start_date\",\"lt\",\"2026-03-01\"]]", "Q1");
	assert_list(&e, PR, "[[\"start_date\",\"le\",\"2026-03-01\"]]", "Q1,Q2");
	assert_list(&e, PR, "[[\"start_date\",\"gt\",\"2026-03-01\"]]", "Q3");
	assert_list(&e, PR, "[[\"start_date\",\"ge\",\"2026-03-01\"]]", "Q2,Q3");
	assert_list(&e, PR, "[[\"start_date\",\"is_null\",true]]", "Q4");
	assert_list(&e, PR, "[[\"start_date\",\"in\",[\"2026-01-15\",\"2026-03-02\"]]]", "Q1,Q3");
	assert_list(&e, PR, "[[\"state\",\"eq\",\"active\"]]", "Q2,Q3,Q4");
	assert_list(&e, PR, "[[\"created_at\",\"ge\",\"2000-01-01T00:00:00Z\"]]", "Q1,Q2,Q3,Q4");
	assert_list(&e, PR, "[[\"created_at\",\"lt\",\"2000-01-01T00:00:00Z\"]]", "");
	assert_list(&e, PR, "[[\"version\",\"eq\",1]]", "Q1,Q2,Q3,Q4");
	const char *tj[] = { "{\"name\":\"T20\",\"rate\":\"0.2\"}", "{\"name\":\"T055\",\"rate\":\"0.055\"}",
	                     "{\"name\":\"T10\",\"rate\":\"0.1\"}" };
	for (size_t i = 0; i < 3; i++)
		json_decref(ent_create(e.ctx, "financial.tax", tj[i]));
	assert_list(&e, "financial.tax", "[[\"rate\",\"gt\",\"0.1\"]]", "T20");
	assert_list(&e, "financial.tax", "[[\"rate\",\"le\",\"0.1000\"]]", "T055,T10");
	assert_list(&e, "financial.tax", "[[\"rate\",\"eq\",\"0.055\"]]", "T055");
	json_decref(p0);
	json_decref(p1);
	erp_ctx_free(e.ctx);
}

/* A list query that must be refused with `field`. */
#define assert_query_refused(e, type, query, field)                                              \
	do {                                                                                         \
		erp_buf out_ = ERP_BUF_INIT;                                                             \
		assert_erp_error(erp_entity_list(&out_, (e)->ctx, (type), (query)), ERP_EINVALID, (field)); \
		assert_null(out_.ptr);                                                                   \
	} while (0)

void test_entity__list_refuses_bad_queries_and_names_the_field(void **state)
{
	env e;
	env_open(&e, state);
	json_decref(ent_create(e.ctx, "core.partner", "{\"name\":\"Only\"}"));
	const char *P = "core.partner";
	assert_query_refused(&e, P, "{\"filter\":[[\"nope\",\"eq\",1]]}", "nope");
	assert_query_refused(&e, P, "{\"filter\":[[\"name; DROP TABLE core_partners; --\",\"eq\",\"x\"]]}",
	                     "name; DROP TABLE core_partners; --");
	assert_query_refused(&e, P, "{\"filter\":[[\"\\\"name\\\"\",\"eq\",\"x\"]]}", "\"name\"");
	assert_query_refused(&e, P, "{\"filter\":[[\"tenant_id\",\"eq\",\"x\"]]}", "tenant_id");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"regex\",\"x\"]]}", "filter");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"EQ\",\"x\"]]}", "filter");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"= 'x' OR 1=1 --\",\"x\"]]}", "filter");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"eq\"]]}", "filter");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"eq\",\"x\",\"y\"]]}", "filter");
	assert_query_refused(&e, P, "{\"filter\":[\"name\"]}", "filter");
	assert_query_refused(&e, P, "{\"filter\":{\"name\":\"x\"}}", "filter");
	assert_query_refused(&e, P, "{\"filter\":[[5,\"eq\",\"x\"]]}", NULL);
	assert_query_refused(&e, P, "{\"filter\":[[\"is_customer\",\"eq\",\"yes\"]]}", "is_customer");
	assert_query_refused(&e, P, "{\"filter\":[[\"credit_limit\",\"eq\",\"1.005\"]]}", "credit_limit");
	assert_query_refused(&e, P, "{\"filter\":[[\"credit_limit\",\"eq\",12.5]]}", "credit_limit");
	assert_query_refused(&e, P, "{\"filter\":[[\"parent_id\",\"eq\",\"'; DROP TABLE x; --\"]]}", "parent_id");
	assert_query_refused(&e, P, "{\"filter\":[[\"kind\",\"eq\",\"robot\"]]}", "kind");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"eq\",null]]}", "name");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"in\",[]]]}", "name");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"in\",\"Only\"]]}", "name");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"in\",[null]]]}", "name");
	assert_query_refused(&e, P, "{\"filter\":[[\"is_customer\",\"like\",\"t%\"]]}", "is_customer");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"like\",5]]}", "name");
	assert_query_refused(&e, P, "{\"filter\":[[\"name\",\"is_null\",\"yes\"]]}", "name");
	assert_query_refused(&e, P, "{\"filter\":[[\"tags\",\"eq\",\"x\"]]}", "tags");
	assert_query_refused(&e, "projects.project", "{\"filter\":[[\"start_date\",\"lt\",\"2026-02-30\"]]}", "start_date");
	assert_query_refused(&e, P, "{\"sort\":[[\"nope\",\"asc\"]]}", "sort");
	assert_query_refused(&e, P, "{\"sort\":[[\"name; DROP TABLE core_partners\",\"asc\"]]}", "sort");
	assert_query_refused(&e, P, "{\"sort\":[[\"name\",\"up\"]]}", "sort");
	assert_query_refused(&e, P, "{\"sort\":[[\"name\",\"asc; DROP TABLE x\"]]}", "sort");
	assert_query_refused(&e, P, "{\"sort\":\"name\"}", "sort");
	assert_query_refused(&e, P, "{\"sort\":[[\"tags\",\"asc\"]]}", "tags");
	assert_query_refused(&e, P, "{\"limit\":0}", "limit");
	assert_query_refused(&e, P, "{\"limit\":1001}", "limit");
	assert_query_refused(&e, P, "{\"limit\":-1}", "limit");
	assert_query_refused(&e, P, "{\"limit\":\"7\"}", "limit");
	assert_query_refused(&e, P, "{\"limit\":7.5}", "limit");
	assert_query_refused(&e, P, "{\"count\":\"yes\"}", "count");
	assert_query_refused(&e, P, "{\"include_archived\":1}", "include_archived");
	assert_query_refused(&e, P, "{\"bogus\":1}", "bogus");
	assert_query_refused(&e, P, "{\"limit\":5,\"limit\":6}", "query");
	assert_query_refused(&e, P, "not json", "query");
	assert_query_refused(&e, P, "{\"limit\":", "query");
	assert_query_refused(&e, P, "[]", "query");
	/* the boundaries are accepted */
	json_t *l1 = ent_list(e.ctx, P, "{\"limit\":1}");
	json_t *l2 = ent_list(e.ctx, P, "{\"limit\":1000,\"count\":false,\"include_archived\":false,\"cursor\":null}");
	json_t *l3 = ent_list(e.ctx, P, "{}");
	json_t *l4 = ent_list(e.ctx, P, NULL);
	assert_int_equal(json_array_size(json_object_get(l1, "items")), 1);
	assert_json_equal(l2, l3);
	assert_json_equal(l3, l4);
	assert_null(json_object_get(l4, "total"));
	/* the table is still there */
	assert_int_equal(erp_test_count(e.store, e.tenant, "{core.partners}"), 1);
	json_decref(l1);
	json_decref(l2);
	json_decref(l3);
	json_decref(l4);
	erp_ctx_free(e.ctx);
}

/* ---- sort and pagination --------------------------------------------------------------- */

typedef struct {
	char id[37];
	char city[8];
	bool city_null;
	int64_t credit;
	bool credit_null;
	int customer;
} prow;

enum { K_CITY, K_CREDIT, K_CUSTOMER };
static const char *const key_names[] = { "city", "credit_limit", "is_customer" };

typedef struct {
	int key[3];
	bool desc[3];
	size_t n;
} sort_spec;

static const sort_spec *current;

static int key_cmp(const prow *a, const prow *b, int key)
{
	bool an, bn;
	int c;
	switch (key) {
	case K_CITY:
		an = a->city_null, bn = b->city_null;
		c = an || bn ? 0 : strcmp(a->city, b->city);
		break;
	case K_CREDIT:
		an = a->credit_null, bn = b->credit_null;
		c = an || bn ? 0 : (a->credit > b->credit) - (a->credit < b->credit);
		break;
	default:
		an = bn = false;
		c = a->customer - b->customer;
	}
	if (an || bn)
		return an == bn ? 0 : an ? 1 : -1; /* NULL is the largest value */
	return c;
}

static int row_cmp(const void *x, const void *y)
{
	const prow *a = x, *b = y;
	for (size_t k = 0; k < current->n; k++) {
		int c = key_cmp(a, b, current->key[k]);
		if (c)
			return current->desc[k] ? -c : c;
	}
	int c = strcmp(a->id, b->id);
	bool desc = current->n ? current->desc[current->n - 1] : false; /* id follows the last key */
	return desc ? -c : c;
}

static void sort_json(char *out, size_t cap, const sort_spec *s)
{
	size_t o = (size_t)snprintf(out, cap, "[");
	for (size_t k = 0; k < s->n; k++)
		o += (size_t)snprintf(out + o, cap - o, "%s[\"%s\",\"%s\"]", k ? "," : "", key_names[s->key[k]],
		                      s->desc[k] ? "desc" : "asc");
	snprintf(out + o, cap - o, "]");
}

#define N_ROWS 120

static prow rows[N_ROWS];

static void make_rows(env *e)
{
	for (int i = 0; i < N_ROWS; i++) {
		prow *r = &rows[i];
		char j[300], credit[32] = "null", city[16] = "null";
		r->city_null = i % 9 == 0;
		if (!r->city_null) {
			snprintf(r->city, sizeof r->city, "c%d", (i * 7) % 5);
			snprintf(city, sizeof city, "\"%s\"", r->city);
		}
		r->credit_null = i % 7 == 0;
		if (!r->credit_null) {
			r->credit = (int64_t)((i * 37) % 11) * 1000 - 3000 + (i % 2); /* duplicates, negatives */
			snprintf(credit, sizeof credit, "\"%s%lld.%02lld\"", r->credit < 0 ? "-" : "",
			         (long long)(llabs(r->credit) / 100), (long long)(llabs(r->credit) % 100));
		}
		r->customer = i % 3 == 0;
		snprintf(j, sizeof j, "{\"name\":\"p%03d\",\"city\":%s,\"credit_limit\":%s,\"is_customer\":%s}", i, city, credit,
		         r->customer ? "true" : "false");
		json_t *o = ent_create(e->ctx, "core.partner", j);
		snprintf(r->id, sizeof r->id, "%s", ent_id(o));
		json_decref(o);
	}
}

/* Pages through `type` with `query_head` (without cursor) and returns the ids seen, in order. */
static json_t *page_through(env *e, const char *query_head, int limit, int64_t expect_total, size_t *pages)
{
	json_t *seen = json_array();
	char *cursor = NULL;
	*pages = 0;
	for (;;) {
		char q[2000];
		if (cursor)
			snprintf(q, sizeof q, "{%s,\"limit\":%d,\"count\":true,\"cursor\":\"%s\"}", query_head, limit, cursor);
		else
			snprintf(q, sizeof q, "{%s,\"limit\":%d,\"count\":true}", query_head, limit);
		json_t *l = ent_list(e->ctx, "core.partner", q);
		json_t *items = json_object_get(l, "items");
		assert_int_equal(json_integer_value(json_object_get(l, "total")), expect_total);
		assert_true(json_array_size(items) <= (size_t)limit);
		json_t *ids = ent_item_ids(l);
		json_array_extend(seen, ids);
		json_decref(ids);
		(*pages)++;
		assert_true(*pages < 200);
		free(cursor);
		cursor = NULL;
		json_t *next = json_object_get(l, "next_cursor");
		if (json_is_string(next)) {
			assert_int_equal(json_array_size(items), (size_t)limit); /* only full pages have a next one */
			cursor = strdup(json_string_value(next));
		} else {
			assert_true(json_is_null(next));
		}
		json_decref(l);
		if (!cursor)
			break;
	}
	return seen;
}

static void assert_order(const json_t *seen, const prow *expect, size_t n, const char *what)
{
	if (json_array_size(seen) != n)
		fail_msg("%s: %zu rows seen, %zu expected", what, json_array_size(seen), n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(json_string_value(json_array_get(seen, i)), expect[i].id) != 0)
			fail_msg("%s: row %zu is %s, expected %s", what, i, json_string_value(json_array_get(seen, i)), expect[i].id);
}

void test_entity__keyset_pages_see_every_row_once_in_order(void **state)
{
	env e;
	env_open(&e, state);
	make_rows(&e);
	static const sort_spec specs[] = {
		{ { 0 }, { false }, 0 },
		{ { K_CITY }, { false }, 1 },
		{ { K_CITY }, { true }, 1 },
		{ { K_CREDIT }, { false }, 1 },
		{ { K_CREDIT }, { true }, 1 },
		{ { K_CUSTOMER, K_CITY }, { true, false }, 2 },
		{ { K_CITY, K_CREDIT }, { false, true }, 2 },
		{ { K_CITY, K_CUSTOMER, K_CREDIT }, { true, false, false }, 3 },
	};
	for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
		char sort[300], head[400];
		sort_json(sort, sizeof sort, &specs[s]);
		snprintf(head, sizeof head, "\"sort\":%s", sort);
		prow expect[N_ROWS];
		memcpy(expect, rows, sizeof rows);
		current = &specs[s];
		qsort(expect, N_ROWS, sizeof expect[0], row_cmp);
		size_t pages;
		json_t *seen = page_through(&e, head, 7, N_ROWS, &pages);
		assert_int_equal(pages, (N_ROWS + 6) / 7);
		assert_order(seen, expect, N_ROWS, sort);
		json_decref(seen);
		/* with a filter: only customers */
		snprintf(head, sizeof head, "\"sort\":%s,\"filter\":[[\"is_customer\",\"eq\",true]]", sort);
		prow fexpect[N_ROWS];
		size_t fn = 0;
		for (size_t i = 0; i < N_ROWS; i++)
			if (expect[i].customer)
				fexpect[fn++] = expect[i];
		seen = page_through(&e, head, 7, (int64_t)fn, &pages);
		assert_order(seen, fexpect, fn, sort);
		json_decref(seen);
	}
	/* one page of everything, and pages of one row */
	size_t pages;
	json_t *all = page_through(&e, "\"sort\":[[\"city\",\"asc\"]]", 1000, N_ROWS, &pages);
	assert_int_equal(pages, 1);
	json_t *ones = page_through(&e, "\"sort\":[[\"city\",\"asc\"]]", 1, N_ROWS, &pages);
	assert_int_equal(pages, N_ROWS);
	assert_json_equal(all, ones);
	json_decref(all);
	json_decref(ones);
	erp_ctx_free(e.ctx);
}

static char *b64(const char *raw)
{
	size_t n = sodium_base64_encoded_len(strlen(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(n);
	sodium_bin2base64(s, n, (const unsigned char *)raw, strlen(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

void test_entity__cursors_belong_to_their_query(void **state)
{
	env e;
	env_open(&e, state);
	for (int i = 0; i < 10; i++) {
		char j[100];
		snprintf(j, sizeof j, "{\"name\":\"n%d\",\"city\":\"c%d\"}", i, i % 3);
		json_decref(ent_create(e.ctx, "core.partner", j));
	}
	json_t *l = ent_list(e.ctx, "core.partner", "{\"sort\":[[\"city\",\"asc\"]],\"limit\":3}");
	const char *cursor = json_string_value(json_object_get(l, "next_cursor"));
	assert_non_null(cursor);
	char q[1000];
	snprintf(q, sizeof q, "{\"sort\":[[\"city\",\"desc\"]],\"limit\":3,\"cursor\":\"%s\"}", cursor);
	assert_query_refused(&e, "core.partner", q, "cursor");
	snprintf(q, sizeof q, "{\"sort\":[[\"name\",\"asc\"]],\"limit\":3,\"cursor\":\"%s\"}", cursor);
	assert_query_refused(&e, "core.partner", q, "cursor");
	snprintf(q, sizeof q, "{\"limit\":3,\"cursor\":\"%s\"}", cursor);
	assert_query_refused(&e, "core.partner", q, "cursor");
	snprintf(q, sizeof q, "{\"sort\":[[\"city\",\"asc\"],[\"name\",\"asc\"]],\"limit\":3,\"cursor\":\"%s\"}", cursor);
	assert_query_refused(&e, "core.partner", q, "cursor");
	/* the same sort continues */
	snprintf(q, sizeof q, "{\"sort\":[[\"city\",\"asc\"]],\"limit\":3,\"cursor\":\"%s\"}", cursor);
	json_t *l2 = ent_list(e.ctx, "core.partner", q);
	assert_int_equal(json_array_size(json_object_get(l2, "items")), 3);
	json_decref(l2);
	/* garbage */
	const char *garbage[] = { "", "!!!", "AAAA", "not a cursor at all", "eyJ9", "%00" };
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		snprintf(q, sizeof q, "{\"sort\":[[\"city\",\"asc\"]],\"cursor\":\"%s\"}", garbage[i]);
		assert_query_refused(&e, "core.partner", q, "cursor");
	}
	assert_query_refused(&e, "core.partner", "{\"cursor\":5}", "cursor");
	assert_query_refused(&e, "core.partner", "{\"cursor\":[\"x\"]}", "cursor");
	/* well-formed base64 of things this library never returned */
	const char *forged[] = { "{}", "[]", "[1]", "\"x\"", "[\"c1\",\"x\"]", "[\"c1\",\"01900000-0000-7000-8000-000000000000\",\"city:d,id:d\"]",
	                         "[{\"a\":1},\"01900000-0000-7000-8000-000000000000\",\"city:a,id:a\"]", "[[\"c1\"],1,\"city:a,id:a\"]" };
	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		char *c = b64(forged[i]);
		snprintf(q, sizeof q, "{\"sort\":[[\"city\",\"asc\"]],\"cursor\":\"%s\"}", c);
		free(c);
		assert_query_refused(&e, "core.partner", q, "cursor");
	}
	assert_int_equal(erp_test_count(e.store, e.tenant, "{core.partners}"), 10);
	json_decref(l);
	erp_ctx_free(e.ctx);
}

/* A cursor of the right shape with values of the wrong type is refused, never a backend error. */
void test_entity__cursors_with_values_of_the_wrong_type_are_refused(void **state)
{
	env e;
	env_open(&e, state);
	for (int i = 0; i < 4; i++) {
		char j[100];
		snprintf(j, sizeof j, "{\"name\":\"n%d\",\"city\":\"c%d\",\"credit_limit\":\"%d.00\"}", i, i % 2, i);
		json_decref(ent_create(e.ctx, "core.partner", j));
	}
	static const struct {
		const char *sort, *raw;
	} cases[] = {
		{ "[[\"city\",\"asc\"]]", "[\"c1\",\"not-a-uuid\",\"city:a,id:a\"]" },
		{ "[[\"city\",\"asc\"]]", "[\"c1\",42,\"city:a,id:a\"]" },
		{ "[[\"credit_limit\",\"asc\"]]", "[\"lots\",\"01900000-0000-7000-8000-000000000000\",\"credit_limit:a,id:a\"]" },
		{ "[[\"is_customer\",\"asc\"]]", "[\"maybe\",\"01900000-0000-7000-8000-000000000000\",\"is_customer:a,id:a\"]" },
		{ "[[\"created_at\",\"asc\"]]", "[\"yesterday\",\"01900000-0000-7000-8000-000000000000\",\"created_at:a,id:a\"]" },
		{ "[[\"parent_id\",\"asc\"]]", "[\"x\",\"01900000-0000-7000-8000-000000000000\",\"parent_id:a,id:a\"]" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *c = b64(cases[i].raw);
		char q[600];
		snprintf(q, sizeof q, "{\"sort\":%s,\"cursor\":\"%s\"}", cases[i].sort, c);
		free(c);
		erp_buf out = ERP_BUF_INIT;
		int rc = erp_entity_list(&out, e.ctx, "core.partner", q);
		if (rc != ERP_EINVALID)
			fail_msg("cursor %s: %s (%s), expected ERP_EINVALID", cases[i].raw, erp_error_name(rc), erp_error_last()->message);
		assert_erp_error(rc, ERP_EINVALID, "cursor");
		erp_buf_dispose(&out);
	}
	erp_ctx_free(e.ctx);
}

void test_entity__list_counts_and_archived_rows(void **state)
{
	env e;
	env_open(&e, state);
	json_t *empty = ent_list(e.ctx, "projects.timesheet", "{\"count\":true}");
	assert_int_equal(json_array_size(json_object_get(empty, "items")), 0);
	assert_true(json_is_null(json_object_get(empty, "next_cursor")));
	assert_int_equal(json_integer_value(json_object_get(empty, "total")), 0);
	json_decref(empty);
	json_t *parent = ent_create(e.ctx, "core.partner", "{\"name\":\"parent\"}");
	char j[200];
	snprintf(j, sizeof j, "{\"name\":\"child\",\"parent_id\":\"%s\"}", ent_id(parent));
	json_t *child = ent_create(e.ctx, "core.partner", j);
	for (int i = 0; i < 5; i++)
		json_decref(ent_create(e.ctx, "core.partner", "{\"name\":\"other\"}"));
	json_t *d = ent_delete(e.ctx, "core.partner", ent_id(parent), 1);
	assert_string_equal(ent_str(d, "result"), "archived");
	json_t *l = ent_list(e.ctx, "core.partner", "{\"count\":true,\"limit\":2}");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 6);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 2);
	json_t *la = ent_list(e.ctx, "core.partner", "{\"count\":true,\"include_archived\":true,\"limit\":1000}");
	assert_int_equal(json_integer_value(json_object_get(la, "total")), 7);
	bool found = false;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(la, "items"), i, it)
		if (strcmp(ent_id(it), ent_id(parent)) == 0) {
			found = true;
			assert_true(json_is_true(json_object_get(it, "archived")));
			json_t *g = ent_get(e.ctx, "core.partner", ent_id(parent));
			assert_json_equal(g, it); /* list items read like get */
			json_decref(g);
		}
	assert_true(found);
	json_t *lf = ent_list(e.ctx, "core.partner", "{\"count\":true,\"filter\":[[\"name\",\"eq\",\"parent\"]]}");
	assert_int_equal(json_integer_value(json_object_get(lf, "total")), 0);
	json_decref(lf);
	json_decref(la);
	json_decref(l);
	json_decref(d);
	json_decref(child);
	json_decref(parent);
	erp_ctx_free(e.ctx);
}

ERP_CONFORMANCE_GROUP(140, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
