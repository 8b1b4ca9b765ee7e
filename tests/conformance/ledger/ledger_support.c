/* Helpers shared by the ledger conformance tests (ledger_support.h). */
#include "ledger/ledger_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef ERP_HAVE_POSTGRES
#include <libpq-fe.h>
#endif


/* ---- books -------------------------------------------------------------------------- */

static void create_entity(char out[37], erp_ctx *ctx, const char *type, const char *json)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_entity_create(&o, ctx, type, json);
	if (rc != ERP_OK)
		fail_msg("creating %s %s: %s (%s)", type, json, erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	const char *id = lt_str(v, "id");
	assert_int_equal(strlen(id), 36);
	memcpy(out, id, 37);
	json_decref(v);
	erp_buf_dispose(&o);
}

void lt_books_open(lt_books *b, erp_store *store)
{
	memset(b, 0, sizeof *b);
	b->store = store;
	erp_test_tenant(b->tenant, store);
	b->ro = erp_test_ctx(store, b->tenant, ERP_ROLE_READONLY);
	b->rw = erp_test_ctx(store, b->tenant, ERP_ROLE_READWRITE);
	b->admin = erp_test_ctx(store, b->tenant, ERP_ROLE_ADMIN);
	lt_journal(b->journal, b, "GEN");
}

void lt_books_close(lt_books *b)
{
	erp_ctx_free(b->ro);
	erp_ctx_free(b->rw);
	erp_ctx_free(b->admin);
	b->ro = b->rw = b->admin = NULL;
}

void lt_account(char out[37], lt_books *b, const char *code, const char *currency, bool allow_posting)
{
	char json[256], cur[32] = "";
	if (currency)
		snprintf(cur, sizeof cur, ",\"currency\":\"%s\"", currency);
	snprintf(json, sizeof json, "{\"code\":\"%s\",\"name\":\"Account %s\",\"type\":\"asset\"%s,\"allow_posting\":%s}", code,
	         code, cur, allow_posting ? "true" : "false");
	create_entity(out, b->rw, "financial.account", json);
}

void lt_journal(char out[37], lt_books *b, const char *code)
{
	char json[160];
	snprintf(json, sizeof json, "{\"code\":\"%s\",\"name\":\"Journal %s\"}", code, code);
	create_entity(out, b->rw, "financial.journal", json);
}

void lt_partner(char out[37], lt_books *b, const char *name)
{
	char json[160];
	snprintf(json, sizeof json, "{\"name\":\"%s\"}", name);
	create_entity(out, b->rw, "core.partner", json);
}

void lt_analytic(char out[37], lt_books *b, const char *name)
{
	char json[160];
	snprintf(json, sizeof json, "{\"name\":\"%s\"}", name);
	create_entity(out, b->rw, "analytics.account", json);
}

erp_ledger_line lt_dr(const char *account, int64_t amount)
{
	return lt_dr_in(account, amount, NULL);
}

erp_ledger_line lt_cr(const char *account, int64_t amount)
{
	return lt_cr_in(account, amount, NULL);
}

erp_ledger_line lt_dr_in(const char *account, int64_t amount, const char *currency)
{
	erp_ledger_line l = { account, amount, 0, currency, NULL, NULL, NULL };
	return l;
}

erp_ledger_line lt_cr_in(const char *account, int64_t amount, const char *currency)
{
	erp_ledger_line l = { account, 0, amount, currency, NULL, NULL, NULL };
	return l;
}

erp_ledger_entry lt_entry(const lt_books *b, const char *date, const erp_ledger_line *lines, size_t n)
{
	erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
	e.journal_id = b->journal;
	e.date = date;
	e.lines = lines;
	e.line_count = n;
	return e;
}

void lt_post_at(lt_books *b, char out[37], const erp_ledger_entry *e, const char *file, int line)
{
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_ledger_post(&id, b->rw, e);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "erp_ledger_post: %s (%s) field=%s", erp_error_name(rc), erp_error_last()->message,
		        erp_error_last()->field ? erp_error_last()->field : "");
	if (id.size != 36)
		erp_test_fail_at(file, line, "erp_ledger_post returned an id of %zu bytes", id.size);
	if (out)
		memcpy(out, id.ptr, 37);
	erp_buf_dispose(&id);
}

void lt_post2_at(lt_books *b, char out[37], const char *date, const char *dr, const char *cr, int64_t amount,
                 const char *file, int line)
{
	erp_ledger_line l[2] = { lt_dr(dr, amount), lt_cr(cr, amount) };
	erp_ledger_entry e = lt_entry(b, date, l, 2);
	lt_post_at(b, out, &e, file, line);
}

/* ---- JSON and amounts ------------------------------------------------------------------ */

json_t *lt_json(const char *text)
{
	json_error_t err;
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, &err) : NULL;
	if (!v)
		fail_msg("not JSON (%s): %.300s", text ? err.text : "NULL", text ? text : "");
	return v;
}

void lt_assert_json_equal_at(const json_t *a, const json_t *b, const char *file, int line)
{
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return;
	char *ta = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	char *tb = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	char msg[1300];
	snprintf(msg, sizeof msg, "JSON differs:\n  %.600s\n  %.600s", ta ? ta : "(null)", tb ? tb : "(null)");
	free(ta);
	free(tb);
	erp_test_fail_at(file, line, "%s", msg);
}

json_t *lt_get(erp_ctx *ctx, const char *entry_id)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_ledger_entry_get(&o, ctx, entry_id);
	if (rc != ERP_OK)
		fail_msg("erp_ledger_entry_get(%s): %s (%s)", entry_id, erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	erp_buf_dispose(&o);
	return v;
}

const char *lt_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int64_t lt_minor(const char *text, int exponent)
{
	const char *p = text;
	bool negative = false;
	if (*p == '-') {
		negative = true;
		p++;
	}
	__extension__ typedef __int128 i128;
	i128 v = 0;
	int digits = 0, decimals = -1;
	for (; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			fail_msg("'%s' is not a decimal amount", text);
		if (decimals >= 0) {
			if (decimals == exponent) {
				if (*p != '0')
					fail_msg("'%s' has more than %d decimals", text, exponent);
				continue;
			}
			decimals++;
		}
		v = v * 10 + (*p - '0');
		digits++;
		if (v > (i128)INT64_MAX * 1000)
			fail_msg("'%s' is out of range", text);
	}
	if (!digits)
		fail_msg("'%s' is not a decimal amount", text);
	for (int d = decimals < 0 ? 0 : decimals; d < exponent; d++)
		v *= 10;
	if (negative)
		v = -v;
	if (v > INT64_MAX || v < INT64_MIN)
		fail_msg("'%s' does not fit in 64 bits", text);
	return (int64_t)v;
}

void lt_format(char out[32], int64_t v, int exponent)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t scale = 1;
	for (int i = 0; i < exponent; i++)
		scale *= 10;
	if (exponent)
		snprintf(out, 32, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "", a / scale, exponent, a % scale);
	else
		snprintf(out, 32, "%s%" PRIu64, v < 0 ? "-" : "", a);
}

lt_amounts lt_balance(lt_books *b, const char *account, const char *currency, const char *as_of, int exponent)
{
	erp_buf o = ERP_BUF_INIT;
	int rc = erp_ledger_account_balance(&o, b->ro, account, as_of);
	if (rc != ERP_OK)
		fail_msg("erp_ledger_account_balance: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	json_t *v = lt_json(o.ptr);
	assert_string_equal(lt_str(v, "account_id"), account);
	if (as_of)
		assert_string_equal(lt_str(v, "as_of"), as_of);
	else
		assert_true(json_is_null(json_object_get(v, "as_of")));
	lt_amounts r = { 0, 0, 0 };
	json_t *bal = json_object_get(v, "balances");
	assert_true(json_is_array(bal));
	size_t i;
	json_t *x;
	int seen = 0;
	json_array_foreach(bal, i, x) {
		if (strcmp(lt_str(x, "currency"), currency) != 0)
			continue;
		seen++;
		r.debit = lt_minor(lt_str(x, "debit"), exponent);
		r.credit = lt_minor(lt_str(x, "credit"), exponent);
		r.balance = lt_minor(lt_str(x, "balance"), exponent);
		assert_int_equal(r.balance, r.debit - r.credit);
	}
	assert_true(seen <= 1);
	json_decref(v);
	erp_buf_dispose(&o);
	return r;
}

/* ---- nothing written ---------------------------------------------------------------------- */

/* `what` of the tenant's rows of `table`. */
static int64_t tenant_scalar(lt_books *b, const char *what, const char *table)
{
	char sql[400];
	snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE tenant_id = '%s'", what, table, b->tenant);
	return erp_test_scalar(b->store, b->tenant, sql);
}

lt_state lt_state_of(lt_books *b)
{
	lt_state s;
	s.entries = erp_test_count(b->store, b->tenant, "{financial.entries}");
	s.lines = erp_test_count(b->store, b->tenant, "{financial.entry_lines}");
	s.balances = erp_test_count(b->store, b->tenant, "{financial.balances}");
	s.numbered = erp_test_count(b->store, b->tenant, "{financial.ledger_accounts}");
	/* Quotient and remainder sums: any change shows, and neither sum overflows 64 bits. */
	s.balance_debit = tenant_scalar(b, "coalesce(sum(debit / 1000000007), 0) * 1000003 + coalesce(sum(debit % 1000000007), 0)",
	                                "{financial.balances}");
	s.balance_credit = tenant_scalar(b, "coalesce(sum(credit / 1000000007), 0) * 1000003 + coalesce(sum(credit % 1000000007), 0)",
	                                 "{financial.balances}");
	s.last_seq = tenant_scalar(b, "coalesce(max(last_seq), 0)", "{financial.ledger_state}");
	erp_buf t = ERP_BUF_INIT;
	int rc = erp_ledger_trial_balance(&t, b->ro, NULL);
	if (rc != ERP_OK)
		fail_msg("erp_ledger_trial_balance: %s (%s)", erp_error_name(rc), erp_error_last()->message);
	s.trial = strdup(t.ptr);
	erp_buf_dispose(&t);
	return s;
}

void lt_state_free(lt_state *s)
{
	free(s->trial);
	s->trial = NULL;
}

void lt_assert_unchanged_at(lt_books *b, lt_state *before, const char *file, int line)
{
	lt_state after = lt_state_of(b);
	char msg[1800] = "";
	if (after.entries != before->entries || after.lines != before->lines || after.balances != before->balances ||
	    after.numbered != before->numbered || after.balance_debit != before->balance_debit || after.balance_credit != before->balance_credit ||
	    after.last_seq != before->last_seq)
		snprintf(msg, sizeof msg,
		         "something was written: entries %lld -> %lld, lines %lld -> %lld, balance rows %lld -> %lld, "
		         "accounts numbered %lld -> %lld, balance debits %lld -> %lld, credits %lld -> %lld, last seq %lld -> %lld",
		         (long long)before->entries, (long long)after.entries, (long long)before->lines, (long long)after.lines,
		         (long long)before->balances, (long long)after.balances, (long long)before->numbered,
		         (long long)after.numbered, (long long)before->balance_debit,
		         (long long)after.balance_debit, (long long)before->balance_credit, (long long)after.balance_credit,
		         (long long)before->last_seq, (long long)after.last_seq);
	else if (strcmp(after.trial, before->trial) != 0)
		snprintf(msg, sizeof msg, "the trial balance changed:\n  %.800s\n  %.800s", before->trial, after.trial);
	lt_state_free(&after);
	lt_state_free(before);
	if (msg[0])
		erp_test_fail_at(file, line, "%s", msg);
}

static void refused(int rc, int code, const char *field, const char *file, int line)
{
	const erp_error *e = erp_error_last();
	if (rc == ERP_OK && code != ERP_OK)
		erp_test_fail_at(file, line, "expected %s, got ERP_OK (accepted)", erp_error_name(code));
	if (rc != code)
		erp_test_fail_at(file, line, "expected %s, got %s: %s field=%s", erp_error_name(code), erp_error_name(rc), e->message,
		        e->field ? e->field : "(none)");
	if (e->code != code || !e->message[0])
		erp_test_fail_at(file, line, "erp_error_last() is %s '%s'", erp_error_name(e->code), e->message);
	if (field && (!e->field || strcmp(e->field, field) != 0))
		erp_test_fail_at(file, line, "expected field '%s', got '%s' (%s)", field, e->field ? e->field : "(none)", e->message);
}

void lt_post_refused_at(lt_books *b, erp_ctx *ctx, const erp_ledger_entry *e, int code, const char *field,
                        const char *file, int line)
{
	lt_state before = lt_state_of(b);
	erp_buf id = ERP_BUF_INIT;
	int rc = erp_ledger_post(&id, ctx, e);
	refused(rc, code, field, file, line);
	if (id.size)
		erp_test_fail_at(file, line, "a refused post returned an id");
	erp_buf_dispose(&id);
	lt_assert_unchanged_at(b, &before, file, line);
}

void lt_post_json_refused_at(lt_books *b, erp_ctx *ctx, const char *json, int code, const char *field, const char *file,
                             int line)
{
	lt_state before = lt_state_of(b);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_ledger_post_json(&out, ctx, json);
	refused(rc, code, field, file, line);
	erp_buf_dispose(&out);
	lt_assert_unchanged_at(b, &before, file, line);
}

void lt_batch_refused_at(lt_books *b, const erp_ledger_entry *entries, size_t n, int code, const char *field,
                         const char *file, int line)
{
	lt_state before = lt_state_of(b);
	erp_buf ids = ERP_BUF_INIT;
	int rc = erp_ledger_post_batch(&ids, b->rw, entries, n);
	refused(rc, code, field, file, line);
	erp_buf_dispose(&ids);
	lt_assert_unchanged_at(b, &before, file, line);
}

void lt_assert_verifies_at(erp_store *store, const char *file, int line)
{
	erp_buf report = ERP_BUF_INIT;
	int rc = erp_store_verify(&report, store);
	if (rc != ERP_OK)
		erp_test_fail_at(file, line, "erp_store_verify: %s (%s)\n%.1200s", erp_error_name(rc), erp_error_last()->message,
		        report.ptr ? report.ptr : "");
	json_t *v = lt_json(report.ptr);
	if (!json_is_true(json_object_get(v, "ok")))
		erp_test_fail_at(file, line, "erp_store_verify returned ERP_OK with a report that is not ok: %.1200s", report.ptr);
	json_decref(v);
	erp_buf_dispose(&report);
}

/* ---- the table owner ------------------------------------------------------------------------ */

int lt_owner_exec(erp_store *store, const char *url, const char *tenant, const char *sql, char *why, size_t why_cap)
{
	if (why && why_cap)
		why[0] = '\0';
	if (erp_test_backend_is("sqlite")) {
		/* One statement at a time (the SQLite backend prepares one). */
		char *copy = strdup(sql), *save = NULL;
		int rc = ERP_OK;
		for (char *stmt = strtok_r(copy, ";", &save); stmt && rc == ERP_OK; stmt = strtok_r(NULL, ";", &save)) {
			while (*stmt == ' ' || *stmt == '\n' || *stmt == '\t')
				stmt++;
			if (!*stmt)
				continue;
			rc = erp_test_exec(store, tenant, stmt);
			if (rc != ERP_OK && why)
				snprintf(why, why_cap, "%s", erp_error_last()->message);
		}
		free(copy);
		return rc == ERP_OK ? ERP_OK : ERP_ERROR;
	}
#ifdef ERP_HAVE_POSTGRES
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", url, PQerrorMessage(c));
	size_t n = strlen(sql) + 200;
	char *script = malloc(n);
	assert_non_null(script);
	snprintf(script, n, "BEGIN; SELECT set_config('app.current_tenant_id', '%s', true); %s; COMMIT", tenant, sql);
	PGresult *r = PQexec(c, script);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? ERP_OK : ERP_ERROR;
	if (rc != ERP_OK && why)
		snprintf(why, why_cap, "%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	free(script);
	return rc;
#else
	(void)url;
	fail_msg("no PostgreSQL in this build");
	return ERP_ERROR;
#endif
}

/* ---- randomness and dates ---------------------------------------------------------------- */

uint64_t lt_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int64_t lt_rand_range(uint64_t *state, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;
	return lo + (int64_t)(span ? lt_rand(state) % span : lt_rand(state));
}

uint64_t lt_seed(const char *what)
{
	const char *env = getenv("ERP_TEST_SEED");
	uint64_t seed;
	if (env && *env) {
		seed = strtoull(env, NULL, 0);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec * 1000000007ULL) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
	}
	print_message("[ seed     ] %s: ERP_TEST_SEED=%" PRIu64 " replays this run\n", what, seed);
	return seed;
}

void lt_day(char out[11], int day_of_year)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned m = 0, d = (unsigned)(day_of_year < 0 ? -day_of_year : day_of_year) % 366u;
	while (m < 11 && d >= (unsigned)days[m])
		d -= (unsigned)days[m++];
	snprintf(out, 11, "2024-%02u-%02u", (m + 1) % 100u, (d + 1) % 100u);
}
