/*
 * Generated entity input: a seeded PRNG makes thousands of JSON documents
 * for create and update across several types, valid and hostile
 * (truncated, random bytes, deep nesting, huge numbers, floats for money,
 * wrong types, unknown and system fields, invalid UTF-8, NUL escapes,
 * 10k-character strings, foreign ids). Every call must return ERP_OK or a
 * caller error, a refused call must write nothing, a document the
 * generator made valid must be accepted, and at the end the store
 * verifies and every entity reads back as its last write returned it.
 *
 * The seed is printed; ERP_TEST_SEED=<n> replays a run and
 * ERP_TEST_FUZZ_ITERATIONS=<n> changes its length.
 */
#include "conformance.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG (splitmix64) ------------------------------------------------------------- */

static uint64_t rng, seed;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(int percent)
{
	return below(100) < (uint32_t)percent;
}

/* ---- the model: types, their descriptions, the ids that exist -------------------------- */

static const char *const FUZZ_TYPES[] = { "core.partner", "core.product", "core.uom", "financial.account", "financial.tax",
                                          "projects.task", "projects.timesheet", "sales.order", "purchase.order" };
#define N_FUZZ_TYPES (sizeof FUZZ_TYPES / sizeof FUZZ_TYPES[0])

static const struct {
	const char *code;
	int exponent;
} CURRENCIES[] = { { "USD", 2 }, { "EUR", 2 }, { "JPY", 0 }, { "BHD", 3 }, { "XTE", 3 } };
#define N_CURRENCIES (sizeof CURRENCIES / sizeof CURRENCIES[0])

typedef struct {
	const char *type;
	char id[37];
	json_t *last; /* what the last successful write returned */
} tracked;

typedef struct {
	erp_store *store;
	char tenant[37];
	erp_ctx *ctx;
	erp_ent_world w, foreign; /* foreign: another tenant's world */
	json_t *types;            /* erp_entity_types() */
	tracked *ents;
	size_t n_ents, cap_ents;
	json_t *line_ids;         /* ids of existing lines (any order) */
	unsigned long calls, accepted, refused, creates, updates;
} fuzz;

static json_t *describe(fuzz *z, const char *type)
{
	size_t i;
	json_t *t;
	json_array_foreach(z->types, i, t)
		if (strcmp(json_string_value(json_object_get(t, "type")), type) == 0)
			return t;
	fail_msg("no description of %s", type);
	return NULL;
}

static void track(fuzz *z, const char *type, json_t *out)
{
	if (z->n_ents == z->cap_ents) {
		z->cap_ents = z->cap_ents ? z->cap_ents * 2 : 256;
		z->ents = realloc(z->ents, z->cap_ents * sizeof *z->ents);
		assert_non_null(z->ents);
	}
	tracked *t = &z->ents[z->n_ents++];
	t->type = type;
	snprintf(t->id, sizeof t->id, "%s", ent_id(out));
	t->last = json_incref(out);
}

static void track_lines(fuzz *z, const json_t *doc)
{
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(doc, "lines"), i, l)
		json_array_append_new(z->line_ids, json_string(ent_id(l)));
}

/* A random existing id of `type` in this tenant (world ids and generated ones). */
static const char *some_id(fuzz *z, const char *type)
{
	const struct {
		const char *type, *id;
	} world[] = { { "core.uom", z->w.unit },
		      { "core.uom", z->w.kg },
		      { "financial.account", z->w.account },
		      { "core.partner", z->w.partner },
		      { "core.product_category", z->w.category },
		      { "core.product", z->w.product },
		      { "financial.tax", z->w.tax },
		      { "inventory.warehouse", z->w.warehouse },
		      { "inventory.location", z->w.location },
		      { "analytics.account", z->w.analytic },
		      { "projects.project", z->w.project },
		      { "projects.task", z->w.task } };
	if (chance(50) && z->n_ents) {
		for (int tries = 0; tries < 8; tries++) {
			tracked *t = &z->ents[below((uint32_t)z->n_ents)];
			if (strcmp(t->type, type) == 0)
				return t->id;
		}
	}
	for (size_t i = 0; i < sizeof world / sizeof world[0]; i++)
		if (strcmp(world[i].type, type) == 0 && (chance(60) || strcmp(type, "core.uom") != 0))
			return world[i].id;
	return strcmp(type, "core.uom") == 0 ? z->w.kg : NULL;
}

static const char *foreign_id(fuzz *z)
{
	const char *ids[] = { z->foreign.unit, z->foreign.partner, z->foreign.account, z->foreign.task, z->foreign.product };
	return ids[below(5)];
}

/* ---- values -------------------------------------------------------------------------- */

static void random_uuid(char out[37])
{
	snprintf(out, 37, "%08" PRIx32 "-%04" PRIx32 "-7%03" PRIx32 "-%04" PRIx32 "-%012" PRIx64, (uint32_t)rnd(),
	         below(0x10000), below(0x1000), 0x8000 | below(0x4000), (uint64_t)(rnd() & 0xffffffffffffULL));
}

/* Random text of `chars` characters, printable (no control characters). */
static json_t *random_text(size_t chars)
{
	static const char *const pieces[] = { "a", "b", "Z", "0", "9", " ", "-", "'", "\"", "\\", "%", "_", ";", "/",
	                                      "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "<", "&" };
	char *s = malloc(chars * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < chars; i++) {
		const char *p = pieces[below(sizeof pieces / sizeof pieces[0])];
		memcpy(s + o, p, strlen(p));
		o += strlen(p);
	}
	s[o] = '\0';
	json_t *v = json_string(s);
	free(s);
	return v;
}

/* A decimal string with at most `scale` decimals, magnitude below 10^digits. */
static json_t *random_decimal(int scale, int digits, bool allow_negative)
{
	char buf[64];
	uint64_t bound = 1;
	for (int i = 0; i < digits && i < 18; i++)
		bound *= 10;
	uint64_t ip = rnd() % bound;
	int dec = scale ? (int)below((uint32_t)scale + 1) : 0;
	int o = snprintf(buf, sizeof buf, "%s%" PRIu64, allow_negative && chance(15) ? "-" : "", ip);
	if (dec) {
		buf[o++] = '.';
		for (int i = 0; i < dec; i++)
			buf[o++] = (char)('0' + below(10));
		buf[o] = '\0';
	}
	return json_string(buf);
}

static json_t *random_json_value(int depth)
{
	switch (below(depth > 2 ? 5 : 7)) {
	case 0:
		return json_integer((json_int_t)(rnd() % 2000000) - 1000000);
	case 1:
		return json_real((double)below(100000) / 7.0);
	case 2:
		return random_text(below(12));
	case 3:
		return json_boolean(chance(50));
	case 4:
		return json_null();
	case 5: {
		json_t *a = json_array();
		for (uint32_t i = below(4); i > 0; i--)
			json_array_append_new(a, random_json_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (uint32_t i = below(4); i > 0; i--) {
			char k[8];
			snprintf(k, sizeof k, "k%u", below(20));
			json_object_set_new(o, k, random_json_value(depth + 1));
		}
		return o;
	}
	}
}

static json_t *random_date(void)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = chance(90) ? 2000 + (int)below(40) : 1 + (int)below(9999), m = 1 + (int)below(12);
	int d = 1 + (int)below((uint32_t)days[m - 1]);
	char buf[40];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

static json_t *random_datetime(void)
{
	json_t *d = random_date();
	char buf[40];
	int o = snprintf(buf, sizeof buf, "%sT%02u:%02u:%02u", json_string_value(d), below(24), below(60), below(60));
	json_decref(d);
	if (chance(50)) {
		buf[o++] = '.';
		for (uint32_t i = 1 + below(6); i > 0; i--)
			buf[o++] = (char)('0' + below(10));
	}
	buf[o++] = 'Z';
	buf[o] = '\0';
	return json_string(buf);
}

static int exponent_of(const char *code)
{
	for (size_t i = 0; i < N_CURRENCIES; i++)
		if (code && strcmp(CURRENCIES[i].code, code) == 0)
			return CURRENCIES[i].exponent;
	return 2;
}

/* A valid value for field `fd` of an object being built (`obj`, and `parent` for a line). */
static json_t *valid_value(fuzz *z, const json_t *fd, const json_t *obj, const json_t *parent)
{
	const char *kind = json_string_value(json_object_get(fd, "kind"));
	bool required = json_is_true(json_object_get(fd, "required"));
	if (strcmp(kind, "text") == 0) {
		json_int_t max = json_integer_value(json_object_get(fd, "max_length"));
		size_t n = (size_t)(required ? 1 : 0) + below(max < 24 ? (uint32_t)max : 24);
		if (chance(3))
			n = (size_t)max; /* exactly the limit, in characters */
		if (json_is_true(json_object_get(fd, "unique")) && max >= 13) {
			char u[16];
			erp_test_unique(u);
			return json_string(u);
		}
		if (n > (size_t)max)
			n = (size_t)max;
		return random_text(n);
	}
	if (strcmp(kind, "integer") == 0) {
		json_t *mn = json_object_get(fd, "min"), *mx = json_object_get(fd, "max");
		int64_t lo = mn ? json_integer_value(mn) : -1000, hi = mx ? json_integer_value(mx) : 1000;
		if (hi - lo > 1000000)
			hi = lo + 1000000;
		return json_integer(lo + (json_int_t)below((uint32_t)(hi - lo + 1)));
	}
	if (strcmp(kind, "decimal") == 0)
		return random_decimal((int)json_integer_value(json_object_get(fd, "scale")), 4, false);
	if (strcmp(kind, "money") == 0) {
		const char *cf = json_string_value(json_object_get(fd, "currency_field"));
		const json_t *owner = cf && cf[0] == '^' ? parent : obj;
		const char *code = json_string_value(json_object_get(owner, cf && cf[0] == '^' ? cf + 1 : cf));
		return random_decimal(exponent_of(code ? code : "USD"), 6, true);
	}
	if (strcmp(kind, "quantity") == 0) {
		const char *uf = json_string_value(json_object_get(fd, "unit_field"));
		const char *unit = json_string_value(json_object_get(obj, uf));
		return random_decimal(unit && strcmp(unit, z->w.kg) == 0 ? 3 : 0, 4, true);
	}
	if (strcmp(kind, "date") == 0)
		return random_date();
	if (strcmp(kind, "datetime") == 0)
		return random_datetime();
	if (strcmp(kind, "boolean") == 0)
		return json_boolean(chance(50));
	if (strcmp(kind, "enum") == 0) {
		json_t *vals = json_object_get(fd, "values");
		return json_incref(json_array_get(vals, below((uint32_t)json_array_size(vals))));
	}
	if (strcmp(kind, "reference") == 0) {
		const char *ref = json_string_value(json_object_get(fd, "references"));
		const char *id = some_id(z, ref);
		return id ? json_string(id) : json_null();
	}
	if (strcmp(kind, "currency") == 0)
		return json_string(CURRENCIES[below(N_CURRENCIES)].code);
	return random_json_value(0); /* json */
}

/* Is a field one the caller may give (on update: and change)? */
static bool writable(const json_t *fd, bool updating)
{
	if (json_is_true(json_object_get(fd, "read_only")))
		return false;
	return !(updating && json_is_true(json_object_get(fd, "immutable")));
}

/* The currency and unit fields first, so that money and quantities can follow them. */
static int field_rank(const json_t *fd)
{
	const char *kind = json_string_value(json_object_get(fd, "kind"));
	const char *name = json_string_value(json_object_get(fd, "name"));
	if (strcmp(kind, "currency") == 0 || strcmp(name, "uom_id") == 0)
		return 0;
	return strcmp(kind, "money") == 0 || strcmp(kind, "quantity") == 0 ? 2 : 1;
}

/* A valid object of `type`: every required field, some optional ones. */
static json_t *valid_object(fuzz *z, const char *type, const json_t *parent, bool updating, const json_t *existing)
{
	json_t *fields = json_object_get(describe(z, type), "fields");
	json_t *o = json_object();
	json_t *ctx = existing ? json_deep_copy(existing) : json_object(); /* what scales are read from */
	for (int rank = 0; rank < 3; rank++) {
		size_t i;
		json_t *fd;
		json_array_foreach(fields, i, fd) {
			if (field_rank(fd) != rank || !writable(fd, updating))
				continue;
			const char *name = json_string_value(json_object_get(fd, "name"));
			bool required = json_is_true(json_object_get(fd, "required"));
			bool include = updating ? chance(30) : (required || chance(50));
			if (!include)
				continue;
			const char *ref = json_string_value(json_object_get(fd, "references"));
			/* A reference to its own type (a parent) may point below the row
			 * itself, which is a cycle: a valid one is left empty here. */
			bool self = ref && strcmp(ref, type) == 0 && !required;
			json_t *v = self ? json_null() : valid_value(z, fd, ctx, parent);
			if (!required && !json_object_get(fd, "default") && chance(10)) { /* fields with a default are never empty */
				json_decref(v);
				v = json_null();
			}
			if (json_is_null(v) && required) {
				json_decref(v);
				continue;
			}
			json_object_set(ctx, name, v);
			json_object_set_new(o, name, v);
		}
	}
	json_decref(ctx);
	return o;
}

static json_t *valid_lines(fuzz *z, const char *doc_type, const json_t *doc)
{
	const char *lt = json_string_value(json_object_get(describe(z, doc_type), "lines"));
	json_t *lines = json_array();
	for (uint32_t n = below(4); n > 0; n--)
		json_array_append_new(lines, valid_object(z, lt, doc, false, NULL));
	return lines;
}

/* ---- hostile changes ------------------------------------------------------------------ */

static char *nested(int levels, const char *open, const char *close, const char *inner)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = malloc(levels * (lo + lc) + strlen(inner) + 1);
	size_t o = 0;
	for (int i = 0; i < levels; i++, o += lo)
		memcpy(s + o, open, lo);
	memcpy(s + o, inner, strlen(inner));
	o += strlen(inner);
	for (int i = 0; i < levels; i++, o += lc)
		memcpy(s + o, close, lc);
	s[o] = '\0';
	return s;
}

/* A JSON value (as text) that is wrong or hostile for most fields. */
static char *hostile_value_text(fuzz *z)
{
	char buf[200];
	switch (below(20)) {
	case 0:
		return strdup("12.5");
	case 1:
		return strdup("1e400");
	case 2:
		return strdup("99999999999999999999");
	case 3:
		return strdup("-9223372036854775808");
	case 4:
		return strdup("\"1.0000000001\"");
	case 5:
		return strdup("\"a\\u0000b\"");
	case 6: {
		size_t n = 10000;
		char *s = malloc(n + 3);
		s[0] = '"';
		memset(s + 1, 'x', n);
		s[n + 1] = '"';
		s[n + 2] = '\0';
		return s;
	}
	case 7:
		return nested(1000, "[", "]", "1");
	case 8:
		return nested(1000, "{\"a\":", "}", "null");
	case 9:
		return strdup("[]");
	case 10:
		return strdup("{}");
	case 11:
		return strdup("true");
	case 12:
		return strdup("null");
	case 13:
		return strdup("\"2026-02-30\"");
	case 14:
		random_uuid(buf + 1);
		buf[0] = '"';
		strcpy(buf + 37, "\"");
		return strdup(buf);
	case 15:
		snprintf(buf, sizeof buf, "\"%s\"", foreign_id(z));
		return strdup(buf);
	case 16:
		return strdup("\"\xff\xfe\"");
	case 17:
		return strdup("\"\\ud800\"");
	case 18:
		return strdup("\"'; DROP TABLE core_partners; --\"");
	default:
		return strdup("\"\\u0001\"");
	}
}

/* Inserts `"key":value` at the start of an object's text. */
static char *with_member(const char *obj_text, const char *key, const char *value_text)
{
	size_t n = strlen(obj_text) + strlen(key) + strlen(value_text) + 8;
	char *s = malloc(n);
	const char *rest = obj_text + 1;
	bool empty = rest[0] == '}';
	snprintf(s, n, "{\"%s\":%s%s%s", key, value_text, empty ? "" : ",", rest);
	return s;
}

/* Mutates the text of a document (the result is malloc'd). */
static char *mutate_text(fuzz *z, const char *text, const json_t *obj, const char *type)
{
	size_t len = strlen(text);
	switch (below(11)) {
	case 0: { /* truncation */
		size_t cut = below((uint32_t)len);
		char *s = malloc(cut + 1);
		memcpy(s, text, cut);
		s[cut] = '\0';
		return s;
	}
	case 1: { /* random bytes flipped */
		char *s = strdup(text);
		for (uint32_t k = 1 + below(4); k > 0 && len; k--)
			s[below((uint32_t)len)] = (char)(1 + below(255));
		return s;
	}
	case 2: { /* random bytes */
		size_t n = below(120);
		char *s = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			s[i] = (char)(1 + below(255));
		s[n] = '\0';
		return s;
	}
	case 3: /* deep nesting of the whole document */
		return nested(1000, "[", "]", "{}");
	case 4: /* a duplicate key */
		return with_member(text, json_object_size(obj) ? json_object_iter_key(json_object_iter((json_t *)obj)) : "name",
		                   "\"dup\"");
	case 5: /* an unknown field */
		return with_member(text, chance(50) ? "bogus" : "name\"; DROP TABLE x; --", "1");
	case 6: { /* a system field */
		const char *sys[] = { "id", "version", "created_at", "created_by", "updated_at", "updated_by", "archived", "tenant_id" };
		return with_member(text, sys[below(8)], "\"x\"");
	}
	case 7: /* not an object */
		return strdup(chance(50) ? "[]" : "\"text\"");
	default: { /* a hostile value for a described field */
		json_t *fields = json_object_get(describe(z, type), "fields");
		json_t *fd = json_array_get(fields, below((uint32_t)json_array_size(fields)));
		char *v = hostile_value_text(z);
		json_t *copy = json_deep_copy(obj);
		json_object_del(copy, json_string_value(json_object_get(fd, "name")));
		char *base = json_dumps(copy, JSON_COMPACT);
		char *s = with_member(base, json_string_value(json_object_get(fd, "name")), v);
		free(base);
		free(v);
		json_decref(copy);
		return s;
	}
	}
}

/* ---- document invariants ---------------------------------------------------------------- */

__extension__ typedef __int128 i128;

/* A decimal string as an integer and its number of decimals. */
static i128 parse_scaled(const char *s, int *scale)
{
	i128 v = 0;
	bool neg = *s == '-';
	if (neg)
		s++;
	*scale = 0;
	bool frac = false;
	for (; *s; s++) {
		if (*s == '.') {
			frac = true;
			continue;
		}
		v = v * 10 + (*s - '0');
		if (frac)
			(*scale)++;
	}
	return neg ? -v : v;
}

static i128 pow10i(int n)
{
	i128 v = 1;
	while (n-- > 0)
		v *= 10;
	return v;
}

/* Broken document invariants, reported at the end of the run (so that one bug does not hide the others). */
static unsigned long doc_failures;
static char first_doc_failure[400];

#define doc_fail(...)                                                                         \
	do {                                                                                      \
		if (!doc_failures++)                                                                  \
			snprintf(first_doc_failure, sizeof first_doc_failure, __VA_ARGS__);               \
		return;                                                                               \
	} while (0)

/* Each line's amount is quantity x price_unit rounded half away from zero; the total is their sum. */
static void check_document(const json_t *doc, unsigned long iteration)
{
	int e = exponent_of(ent_str(doc, "currency")), s;
	i128 sum = 0;
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(doc, "lines"), i, l) {
		int qs, ps, as;
		i128 q = parse_scaled(ent_str(l, "quantity"), &qs), p = parse_scaled(ent_str(l, "price_unit"), &ps);
		i128 a = parse_scaled(ent_str(l, "amount"), &as);
		assert_int_equal(as, e);
		assert_int_equal(ps, e);
		i128 prod = q * p, d = pow10i(qs + ps - e);
		i128 r = prod / d, rem = prod % d;
		if ((rem < 0 ? -rem : rem) * 2 >= d)
			r += prod < 0 ? -1 : 1;
		if (r != a)
			doc_fail("iteration %lu: line %s: %s x %s gave amount %s", iteration, ent_id(l), ent_str(l, "quantity"),
			         ent_str(l, "price_unit"), ent_str(l, "amount"));
		sum += a;
	}
	i128 total = parse_scaled(ent_str(doc, "amount_total"), &s);
	if (total != sum)
		doc_fail("iteration %lu: %s amount_total %s is not the sum of its %zu lines", iteration, ent_id(doc),
		         ent_str(doc, "amount_total"), json_array_size(json_object_get(doc, "lines")));
}

/* ---- one call ----------------------------------------------------------------------- */

static bool allowed(int rc)
{
	return rc == ERP_OK || rc == ERP_EINVALID || rc == ERP_EEXISTS || rc == ERP_ENOTFOUND || rc == ERP_ECONFLICT;
}

static erp_ent_state state_now;

/* Runs a create or an update, checks the outcome, tracks what was written. */
static void run_call(fuzz *z, const char *type, tracked *target, int64_t version, const char *text, bool expect_ok,
                     unsigned long iteration)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = target ? erp_entity_update(&out, z->ctx, type, target->id, version, text)
	                : erp_entity_create(&out, z->ctx, type, text);
	z->calls++;
	const erp_error *e = erp_error_last();
	char shown[700];
	snprintf(shown, sizeof shown, "%.600s", text ? text : "(null)");
	if (!allowed(rc) || (expect_ok && rc != ERP_OK))
		fail_msg("seed %" PRIu64 " iteration %lu: %s %s -> %s (%s) field=%s\n  input: %s", seed, iteration,
		         target ? "update" : "create", type, erp_error_name(rc), e->message, e->field ? e->field : "", shown);
	erp_ent_state after = erp_ent_state_of(z->store, z->tenant);
	if (rc != ERP_OK) {
		z->refused++;
		if (!e->field || !e->field[0])
			fail_msg("seed %" PRIu64 " iteration %lu: %s names no field (%s)\n  input: %s", seed, iteration,
			         erp_error_name(rc), e->message, shown);
		if (after.rows != state_now.rows || after.versions != state_now.versions || after.audit != state_now.audit)
			fail_msg("seed %" PRIu64 " iteration %lu: refused %s wrote something\n  input: %s", seed, iteration,
			         erp_error_name(rc), shown);
		erp_buf_dispose(&out);
		return;
	}
	z->accepted++;
	if (after.audit != state_now.audit + 1)
		fail_msg("seed %" PRIu64 " iteration %lu: an accepted write appended %lld audit rows", seed, iteration,
		         (long long)(after.audit - state_now.audit));
	state_now = after;
	json_t *o = erp_test_json(out.ptr);
	erp_buf_dispose(&out);
	if (target) {
		z->updates++;
		assert_int_equal(ent_version(o), version + 1);
		json_decref(target->last);
		target->last = o;
	} else {
		z->creates++;
		assert_int_equal(ent_version(o), 1);
		track(z, type, o);
		json_decref(o);
		o = z->ents[z->n_ents - 1].last;
	}
	track_lines(z, o);
	if (json_object_get(o, "lines"))
		check_document(o, iteration);
}

static tracked *pick_target(fuzz *z, const char *type)
{
	for (int tries = 0; tries < 20 && z->n_ents; tries++) {
		tracked *t = &z->ents[below((uint32_t)z->n_ents)];
		if (!type || strcmp(t->type, type) == 0)
			return t;
	}
	return NULL;
}

static void one_iteration(fuzz *z, unsigned long it)
{
	bool updating = z->n_ents && chance(35);
	tracked *target = updating ? pick_target(z, NULL) : NULL;
	const char *type = target ? target->type : FUZZ_TYPES[below(N_FUZZ_TYPES)];
	bool is_doc = json_object_get(describe(z, type), "lines") != NULL;
	json_t *obj = valid_object(z, type, NULL, target != NULL, target ? target->last : NULL);
	bool valid = true;
	int64_t version = target ? ent_version(target->last) : 0;
	if (is_doc && (!target || chance(40))) {
		json_t *scale_from = target ? target->last : obj;
		json_t *lines = valid_lines(z, type, scale_from);
		if (target && json_array_size(json_object_get(target->last, "lines"))) {
			/* keep some existing lines, sometimes changed */
			size_t i;
			json_t *l;
			json_array_foreach(json_object_get(target->last, "lines"), i, l) {
				if (chance(40))
					continue;
				json_t *keep = json_object();
				json_object_set_new(keep, "id", json_string(ent_id(l)));
				if (chance(50)) {
					const char *uom = ent_str(l, "uom_id");
					char q[32];
					snprintf(q, sizeof q, "%u%s", below(100), uom && strcmp(uom, z->w.kg) == 0 && chance(50) ? ".125" : "");
					json_object_set_new(keep, "quantity", json_string(q));
				}
				json_array_append_new(lines, keep);
			}
		}
		json_object_set_new(obj, "lines", lines);
	}
	if (target && chance(8)) {
		version += chance(50) ? -1 : 1; /* stale or ahead */
		valid = false;
		if (version < 1)
			version = 1 + ent_version(target->last);
	}
	char *text = json_dumps(obj, JSON_COMPACT | (chance(20) ? JSON_ENSURE_ASCII : 0));
	if (chance(45)) {
		char *m = NULL;
		if (is_doc && chance(25)) {
			/* hostile lines */
			json_t *copy = json_deep_copy(obj);
			json_t *bad = json_object();
			char uuid[37];
			switch (below(5)) {
			case 0:
				random_uuid(uuid);
				json_object_set_new(bad, "id", json_string(uuid));
				break;
			case 1:
				if (json_array_size(z->line_ids))
					json_object_set(bad, "id", json_array_get(z->line_ids, below((uint32_t)json_array_size(z->line_ids))));
				json_object_set_new(bad, "quantity", json_string("1"));
				break;
			case 2:
				json_object_set_new(bad, "uom_id", json_string(foreign_id(z)));
				json_object_set_new(bad, "quantity", json_string("1"));
				json_object_set_new(bad, "price_unit", json_string("1"));
				break;
			case 3:
				json_object_set_new(bad, "amount", json_string("1.00"));
				break;
			default:
				json_object_set_new(bad, "order_id", json_string(z->w.partner));
				break;
			}
			json_t *lines = json_object_get(copy, "lines");
			if (!json_is_array(lines)) {
				lines = json_array();
				json_object_set_new(copy, "lines", lines);
			}
			json_array_insert_new(lines, below((uint32_t)json_array_size(lines) + 1), bad);
			m = json_dumps(copy, JSON_COMPACT);
			json_decref(copy);
		} else {
			m = mutate_text(z, text, obj, type);
		}
		free(text);
		text = m;
		valid = false;
	}
	run_call(z, type, target, version, text, valid, it);
	free(text);
	json_decref(obj);
}

/* The path of the first difference between two JSON values, with both values there. */
static bool json_diff(char *path, size_t cap, const json_t *a, const json_t *b)
{
	if (json_equal((json_t *)a, (json_t *)b))
		return false;
	size_t used = strlen(path);
	if (json_is_object(a) && json_is_object(b)) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)a, key, v) {
			snprintf(path + used, cap - used, ".%s", key);
			if (json_diff(path, cap, v, json_object_get(b, key)))
				return true;
		}
		json_object_foreach((json_t *)b, key, v) {
			snprintf(path + used, cap - used, ".%s", key);
			if (!json_object_get(a, key) && json_diff(path, cap, NULL, v))
				return true;
		}
		path[used] = '\0';
	}
	if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
		for (size_t i = 0; i < json_array_size(a); i++) {
			snprintf(path + used, cap - used, "[%zu]", i);
			if (json_diff(path, cap, json_array_get(a, i), json_array_get(b, i)))
				return true;
		}
		path[used] = '\0';
	}
	char *ta = a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY) : NULL, *tb = b ? json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	used = strlen(path);
	snprintf(path + used, cap - used, ": written %.200s, read %.200s", ta ? ta : "(absent)", tb ? tb : "(absent)");
	free(ta);
	free(tb);
	return true;
}

static int line_id_cmp(const void *x, const void *y)
{
	return strcmp(ent_id(*(json_t *const *)x), ent_id(*(json_t *const *)y));
}

/* A copy of a document with its lines sorted by id (to tell line order from content). */
static json_t *lines_by_id(const json_t *doc)
{
	json_t *c = json_deep_copy(doc);
	json_t *lines = json_object_get(c, "lines");
	size_t n = json_array_size(lines);
	if (n < 2)
		return c;
	json_t **v = malloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(lines, i));
	qsort(v, n, sizeof *v, line_id_cmp);
	json_t *sorted = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(sorted, v[i]);
	free(v);
	json_object_set_new(c, "lines", sorted);
	return c;
}

static unsigned long iterations(void)
{
	const char *env = getenv("ERP_TEST_FUZZ_ITERATIONS");
	if (env && *env)
		return strtoul(env, NULL, 10);
	return erp_test_backend_is("sqlite") ? 5000 : 4000;
}

void test_entity__generated_documents_never_break_the_store(void **state)
{
	erp_conformance_fixture *f = *state;
	const char *env = getenv("ERP_TEST_SEED");
	if (env && *env)
		seed = strtoull(env, NULL, 10);
	else
		randombytes_buf(&seed, sizeof seed);
	print_message("entity fuzz: seed %" PRIu64 " (replay with ERP_TEST_SEED=%" PRIu64 ")\n", seed, seed);
	rng = seed;
	doc_failures = 0;
	fuzz z;
	memset(&z, 0, sizeof z);
	z.store = f->store;
	erp_test_tenant(z.tenant, z.store);
	z.ctx = erp_test_ctx(z.store, z.tenant, ERP_ROLE_READWRITE);
	erp_ent_world_build(&z.w, z.ctx);
	json_decref(ent_create(z.ctx, "core.currency", "{\"code\":\"XTE\",\"name\":\"Test\",\"exponent\":3}"));
	char other[37];
	erp_test_tenant(other, z.store);
	erp_ctx *octx = erp_test_ctx(z.store, other, ERP_ROLE_READWRITE);
	erp_ent_world_build(&z.foreign, octx);
	erp_ctx_free(octx);
	erp_buf types = ERP_BUF_INIT;
	assert_erp_ok(erp_entity_types(&types));
	z.types = erp_test_json(types.ptr);
	erp_buf_dispose(&types);
	z.line_ids = json_array();
	state_now = erp_ent_state_of(z.store, z.tenant);

	unsigned long n = iterations();
	for (unsigned long it = 0; it < n; it++)
		one_iteration(&z, it);
	print_message("entity fuzz: %lu calls, %lu accepted (%lu creates, %lu updates), %lu refused\n", z.calls, z.accepted,
	              z.creates, z.updates, z.refused);
	assert_true(z.creates > n / 10);
	assert_true(z.updates > n / 50);
	assert_true(z.refused > n / 10);

	/* the store verifies, and every entity reads as its last write returned it */
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_verify(&report, z.store);
	if (rc != ERP_OK)
		fail_msg("seed %" PRIu64 ": erp_store_verify: %s: %.500s", seed, erp_error_name(rc), report.ptr ? report.ptr : "");
	erp_buf_dispose(&report);
	size_t order_only = 0, differ = 0;
	char first_order[700] = "", first_other[700] = "";
	for (size_t i = 0; i < z.n_ents; i++) {
		erp_buf out = ERP_BUF_INIT;
		rc = erp_entity_get(&out, z.ctx, z.ents[i].type, z.ents[i].id);
		if (rc != ERP_OK)
			fail_msg("seed %" PRIu64 ": %s %s no longer reads: %s (%s)", seed, z.ents[i].type, z.ents[i].id,
			         erp_error_name(rc), erp_error_last()->message);
		json_t *g = erp_test_json(out.ptr);
		if (!json_equal(g, z.ents[i].last)) {
			json_t *a = lines_by_id(z.ents[i].last), *b = lines_by_id(g);
			bool same_set = json_equal(a, b);
			char path[600] = "";
			json_diff(path, sizeof path, same_set ? z.ents[i].last : a, same_set ? g : b);
			char *slot = same_set ? first_order : first_other;
			if (!(same_set ? order_only++ : differ++))
				snprintf(slot, 700, "%s %s at %s", z.ents[i].type, z.ents[i].id, path);
			json_decref(a);
			json_decref(b);
		}
		json_decref(g);
		erp_buf_dispose(&out);
	}
	if (doc_failures)
		fail_msg("seed %" PRIu64 ": %lu documents returned by a write break amount = quantity x price_unit or "
		         "amount_total = sum of amounts; first: %s (and %zu of %zu entities read back with their lines in another "
		         "order, %zu with other values)",
		         seed, doc_failures, first_doc_failure, order_only, z.n_ents, differ);
	if (order_only || differ)
		fail_msg("seed %" PRIu64 ": of %zu entities, %zu read back with their lines in another order than their last "
		         "write returned them%s%s, and %zu read back with other values%s%s",
		         seed, z.n_ents, order_only, order_only ? "; first: " : "", first_order, differ, differ ? "; first: " : "",
		         first_other);
	for (size_t i = 0; i < z.n_ents; i++)
		json_decref(z.ents[i].last);
	free(z.ents);
	json_decref(z.line_ids);
	json_decref(z.types);
	erp_ctx_free(z.ctx);
}

ERP_CONFORMANCE_GROUP(180, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
