/*
 * The fuzz targets' shared store and invariants (see fuzz_fixture.h).
 * The store is "sqlite::memory:" with the mem: cache: nothing touches the
 * disk or the network, and a process starts from the same state each time.
 */
#include "fuzz_fixture.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz invariant: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fuzz_debug(const char *fmt, ...)
{
	static int on = -1;
	if (on < 0)
		on = getenv("ERP_FUZZ_DEBUG") != NULL;
	if (!on)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void fuzz_set(fuzz_fixture *f, const char *name, const char *value)
{
	size_t i;
	for (i = 0; i < f->count; i++)
		if (strcmp(f->names[i], name) == 0)
			break;
	if (i == f->count) {
		if (f->count == FUZZ_MAX_NAMES)
			fuzz_fail("more than %d placeholders", FUZZ_MAX_NAMES);
		snprintf(f->names[i], sizeof f->names[i], "%s", name);
		f->count++;
	}
	snprintf(f->values[i], sizeof f->values[i], "%s", value);
}

const char *fuzz_get(const fuzz_fixture *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

char *fuzz_expand(const fuzz_fixture *f, const uint8_t *data, size_t size)
{
	size_t cap = size + 1, len = 0;
	char *out = malloc(cap);
	if (!out)
		fuzz_fail("out of memory");
	for (size_t i = 0; i < size; i++) {
		const char *value = NULL;
		size_t skip = 0;
		if (data[i] == '@') {
			const uint8_t *end = memchr(data + i + 1, '@', size - i - 1);
			if (end && end - (data + i) <= 16) {
				char name[17];
				size_t n = (size_t)(end - (data + i) - 1);
				memcpy(name, data + i + 1, n);
				name[n] = 0;
				value = fuzz_get(f, name);
				skip = n + 1;
			}
		}
		size_t add = value ? strlen(value) : 1;
		if (len + add + 1 > cap) {
			cap = 2 * (len + add + 1);
			char *grown = realloc(out, cap);
			if (!grown)
				fuzz_fail("out of memory");
			out = grown;
		}
		if (value) {
			memcpy(out + len, value, add);
			i += skip;
		} else {
			out[len] = (char)data[i];
		}
		len += add;
	}
	out[len] = 0;
	return out;
}

void fuzz_check_rc(const char *call, int rc, const int *allowed)
{
	bool ok = rc == ERP_OK;
	for (size_t i = 0; !ok && allowed[i]; i++)
		ok = rc == allowed[i];
	const erp_error *e = erp_error_last();
	fuzz_debug("%s: %s %s %s", call, erp_error_name(rc), rc ? e->message : "", rc && e->field ? e->field : "");
	if (!ok)
		fuzz_fail("%s returned %s, not a code it may return here (message: %s, field: %s)", call,
		          erp_error_name(rc), e->message, e->field ? e->field : "(none)");
	if (rc == ERP_OK)
		return;
	if (e->code != rc)
		fuzz_fail("%s returned %s but erp_error_last() says %s", call, erp_error_name(rc), erp_error_name(e->code));
	if (!e->message || !e->message[0])
		fuzz_fail("%s returned %s with no message", call, erp_error_name(rc));
	/* The field may be "" only when the member at fault is named "" (an
	 * unknown key '' in a JSON object: the message quotes it). */
	if (rc == ERP_EINVALID && (!e->field || (!e->field[0] && !strstr(e->message, "''"))))
		fuzz_fail("%s returned ERP_EINVALID without a field (message: %s)", call, e->message);
}

void fuzz_verify_sometimes(fuzz_fixture *f)
{
	if (++f->runs % f->verify_every != 0)
		return;
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_verify(&report, f->store);
	if (rc != ERP_OK)
		fuzz_fail("erp_store_verify: %s: %s\n%s", erp_error_name(rc), erp_error_last()->message,
		          report.ptr ? report.ptr : "");
	erp_buf_dispose(&report);
}

void fuzz_json_id(char out[37], const char *json)
{
	json_t *v = json ? json_loads(json, 0, NULL) : NULL;
	const char *id = json_string_value(json_object_get(v, "id"));
	snprintf(out, 37, "%s", id ? id : "");
	json_decref(v);
}

void fuzz_check_json(const char *call, const char *json, char want)
{
	json_error_t je;
	json_t *v = json ? json_loads(json, JSON_DECODE_ANY, &je) : NULL;
	if (!v)
		fuzz_fail("%s succeeded with output that is not JSON: %s", call, json ? json : "(null)");
	bool fits = want == 'o' ? json_is_object(v) : json_is_array(v);
	json_decref(v);
	if (!fits)
		fuzz_fail("%s succeeded with JSON that is not an %s: %s", call, want == 'o' ? "object" : "array", json);
}

void fuzz_check_idempotent(const char *call, fuzz_json_call fn, fuzz_state state, erp_ctx *ctx, const char *json,
                           const char *made)
{
	json_t *in = json_loads(json, 0, NULL);
	bool keyed = json_is_string(json_object_get(in, "idempotency_key"));
	json_decref(in);
	if (!keyed)
		return;
	char first[37], again[37];
	fuzz_json_id(first, made);
	char *before = state(ctx);
	erp_buf out = ERP_BUF_INIT;
	int rc = fn(&out, ctx, json);
	if (rc != ERP_OK)
		fuzz_fail("%s again with its idempotency key: %s: %s", call, erp_error_name(rc), erp_error_last()->message);
	fuzz_json_id(again, out.ptr);
	char *after = state(ctx);
	if (strcmp(first, again) != 0 || strcmp(before, after) != 0)
		fuzz_fail("%s again with its idempotency key answered %s (first %s) or changed:\nbefore %s\nafter %s", call,
		          again, first, before, after);
	free(before);
	free(after);
	erp_buf_dispose(&out);
}

/* ---- the master data ---- */

static void make(fuzz_fixture *f, const char *name, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Creates an entity (its JSON made from fmt, with placeholders expanded)
 * and names its id "@name@". */
static void make(fuzz_fixture *f, const char *name, const char *type, const char *fmt, ...)
{
	char json[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(json, sizeof json, fmt, ap);
	va_end(ap);
	char *text = fuzz_expand(f, (const uint8_t *)json, strlen(json));
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, f->ctx, type, text);
	if (rc != ERP_OK)
		fuzz_fail("fixture: %s %s: %s: %s", type, text, erp_error_name(rc), erp_error_last()->message);
	char id[37];
	fuzz_json_id(id, out.ptr);
	fuzz_set(f, name, id);
	erp_buf_dispose(&out);
	free(text);
}

static void master_data(fuzz_fixture *f)
{
	make(f, "unit", "core.uom", "{\"name\":\"Unit\",\"precision\":0,\"category\":\"unit\"}");
	make(f, "kg", "core.uom", "{\"name\":\"kg\",\"precision\":3,\"category\":\"weight\"}");
	make(f, "cash", "financial.account", "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}");
	make(f, "recv", "financial.account",
	     "{\"code\":\"1100\",\"name\":\"Receivable\",\"type\":\"asset\",\"reconcilable\":true}");
	make(f, "valuation", "financial.account", "{\"code\":\"1300\",\"name\":\"Stock valuation\",\"type\":\"asset\"}");
	make(f, "eurbank", "financial.account",
	     "{\"code\":\"1200\",\"name\":\"EUR bank\",\"type\":\"asset\",\"currency\":\"EUR\"}");
	make(f, "input", "financial.account", "{\"code\":\"2300\",\"name\":\"Stock input\",\"type\":\"liability\"}");
	make(f, "equity", "financial.account", "{\"code\":\"3000\",\"name\":\"Capital\",\"type\":\"equity\"}");
	make(f, "revenue", "financial.account", "{\"code\":\"4000\",\"name\":\"Revenue\",\"type\":\"income\"}");
	make(f, "output", "financial.account", "{\"code\":\"5000\",\"name\":\"COGS\",\"type\":\"expense\"}");
	make(f, "gen", "financial.journal", "{\"code\":\"GEN\",\"name\":\"General\",\"type\":\"general\"}");
	make(f, "stkj", "financial.journal", "{\"code\":\"STK\",\"name\":\"Stock\",\"type\":\"general\"}");
	make(f, "cat", "core.product_category",
	     "{\"name\":\"Stocked\",\"stock_valuation_account_id\":\"@valuation@\",\"stock_input_account_id\":\"@input@\","
	     "\"stock_output_account_id\":\"@output@\",\"stock_journal_id\":\"@stkj@\"}");
	make(f, "std", "core.product",
	     "{\"name\":\"Widget\",\"sku\":\"W\",\"type\":\"storable\",\"uom_id\":\"@unit@\",\"category_id\":\"@cat@\","
	     "\"cost_method\":\"standard\",\"currency\":\"USD\",\"standard_price\":\"10.00\"}");
	make(f, "avg", "core.product",
	     "{\"name\":\"Gadget\",\"sku\":\"G\",\"type\":\"storable\",\"uom_id\":\"@unit@\",\"category_id\":\"@cat@\","
	     "\"cost_method\":\"average\",\"currency\":\"USD\"}");
	make(f, "fifo", "core.product",
	     "{\"name\":\"Gizmo\",\"sku\":\"Z\",\"type\":\"storable\",\"uom_id\":\"@unit@\",\"category_id\":\"@cat@\","
	     "\"cost_method\":\"fifo\",\"currency\":\"USD\"}");
	make(f, "flour", "core.product",
	     "{\"name\":\"Flour\",\"sku\":\"F\",\"type\":\"storable\",\"uom_id\":\"@kg@\","
	     "\"cost_method\":\"fifo\",\"currency\":\"EUR\"}");
	make(f, "partner", "core.partner", "{\"name\":\"Acme\",\"ref\":\"P1\",\"is_customer\":true}");
	make(f, "wh", "inventory.warehouse", "{\"code\":\"WH\",\"name\":\"Main\"}");
	make(f, "view", "inventory.location", "{\"name\":\"WH\",\"usage\":\"view\",\"warehouse_id\":\"@wh@\"}");
	make(f, "stock", "inventory.location",
	     "{\"name\":\"WH/Stock\",\"usage\":\"internal\",\"warehouse_id\":\"@wh@\",\"parent_id\":\"@view@\"}");
	make(f, "shelf", "inventory.location",
	     "{\"name\":\"WH/Shelf\",\"usage\":\"internal\",\"warehouse_id\":\"@wh@\",\"allow_negative\":true}");
	make(f, "sup", "inventory.location", "{\"name\":\"Suppliers\",\"usage\":\"supplier\"}");
	make(f, "cus", "inventory.location", "{\"name\":\"Customers\",\"usage\":\"customer\"}");
	make(f, "adj", "inventory.location", "{\"name\":\"Adjustment\",\"usage\":\"inventory\"}");
}

fuzz_fixture *fuzz_fixture_get(void)
{
	static fuzz_fixture fixture;
	fuzz_fixture *f = &fixture;
	if (f->store)
		return f;
	const char *every = getenv("ERP_FUZZ_VERIFY_EVERY");
	f->verify_every = every && atol(every) > 0 ? (unsigned long)atol(every) : 200;

	erp_store_options opts = ERP_STORE_OPTIONS_INIT;
	opts.password_ops_limit = 1;
	opts.password_mem_limit = 8192;
	/* The server target logs its admin in again after inputs that broke the
	 * session: its own failed logins must never lock it out. Per email the
	 * default stays, so fuzzed logins still reach ERP_ELIMIT. */
	opts.login_max_client_failures = 1000000;
	int rc = erp_store_open(&f->store, "sqlite::memory:", &opts);
	if (rc != ERP_OK)
		fuzz_fail("fixture: erp_store_open: %s", erp_error_last()->message);
	erp_buf tenant = ERP_BUF_INIT;
	rc = erp_tenant_create(&tenant, f->store, "Fuzz Company", "USD");
	if (rc != ERP_OK)
		fuzz_fail("fixture: erp_tenant_create: %s", erp_error_last()->message);
	snprintf(f->tenant, sizeof f->tenant, "%s", tenant.ptr);
	erp_buf_dispose(&tenant);
	fuzz_set(f, "tenant", f->tenant);
	rc = erp_ctx_new(&f->ctx, f->store, f->tenant, "fuzz", ERP_ROLE_ADMIN);
	if (rc != ERP_OK)
		fuzz_fail("fixture: erp_ctx_new: %s", erp_error_last()->message);
	master_data(f);
	return f;
}
