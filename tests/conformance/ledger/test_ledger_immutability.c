/*
 * Posted entries are immutable (erp/ledger.h): the database itself refuses
 * UPDATE and DELETE of entries and lines, and any shrinking of a balance,
 * on both backends, and no API reaches them either.
 */
#include "ledger/ledger_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	lt_books b;
	char a[37], c[37], id[37];
	char *before;  /* erp_ledger_entry_get of the entry */
} posted;

static void posted_open(posted *p, erp_store *store)
{
	lt_books_open(&p->b, store);
	lt_account(p->a, &p->b, "1000", NULL, true);
	lt_account(p->c, &p->b, "2000", NULL, true);
	lt_post2(&p->b, p->id, "2024-03-01", p->a, p->c, 4200);
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_entry_get(&o, p->b.ro, p->id));
	p->before = strdup(o.ptr);
	erp_buf_dispose(&o);
}

static void posted_close(posted *p)
{
	free(p->before);
	lt_books_close(&p->b);
}

/* The entry reads as it did when posted. */
static void assert_entry_unchanged(posted *p)
{
	erp_buf o = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_entry_get(&o, p->b.ro, p->id));
	assert_string_equal(o.ptr, p->before);
	erp_buf_dispose(&o);
}

/* `in` with every `from` replaced by `to`. */
static void replace_all(char *out, size_t cap, const char *in, const char *from, const char *to)
{
	size_t n = 0, lf = strlen(from), lt = strlen(to);
	while (*in && n + 1 < cap) {
		if (strncmp(in, from, lf) == 0 && n + lt < cap) {
			memcpy(out + n, to, lt);
			n += lt;
			in += lf;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/* Statements that must all be refused, one at a time; `owner` runs them as the tables' owner. */
static void assert_statements_refused(posted *p, erp_conformance_fixture *f, bool owner)
{
	const char *templates[] = {
		"UPDATE {financial.entries} SET memo = 'changed' WHERE tenant_id = 'TENANT'",
		"UPDATE {financial.entries} SET date = '2024-03-02' WHERE tenant_id = 'TENANT'",
		"DELETE FROM {financial.entries} WHERE tenant_id = 'TENANT' AND seq = 1",
		"UPDATE {financial.entry_lines} SET debit = debit + 1 WHERE tenant_id = 'TENANT' AND debit > 0",
		"UPDATE {financial.entry_lines} SET account_no = account_no WHERE tenant_id = 'TENANT'",
		"DELETE FROM {financial.entry_lines} WHERE tenant_id = 'TENANT'",
		"UPDATE {financial.balances} SET debit = debit - 1 WHERE tenant_id = 'TENANT' AND debit > 0",
		"UPDATE {financial.balances} SET credit = 0 WHERE tenant_id = 'TENANT' AND credit > 0",
		"DELETE FROM {financial.balances} WHERE tenant_id = 'TENANT'",
		"UPDATE {financial.ledger_accounts} SET account_no = account_no + 100 WHERE tenant_id = 'TENANT'",
		"DELETE FROM {financial.ledger_accounts} WHERE tenant_id = 'TENANT'",
	};
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
		lt_state before = lt_state_of(&p->b);
		char sql[300], pg[300], why[400] = "";
		replace_all(sql, sizeof sql, templates[i], "TENANT", p->b.tenant);
		int rc;
		if (owner) {
			/* The owner's own connection knows no template names: spell the PostgreSQL tables out. */
			char step[300];
			if (erp_test_backend_is("sqlite")) {
				snprintf(pg, sizeof pg, "%s", sql);
			} else {
				replace_all(step, sizeof step, sql, "{", "");
				replace_all(pg, sizeof pg, step, "}", "");
			}
			rc = lt_owner_exec(f->store, f->url, p->b.tenant, pg, why, sizeof why);
		} else {
			rc = erp_test_exec(f->store, p->b.tenant, sql);
			snprintf(why, sizeof why, "%s", erp_error_last()->message);
		}
		if (rc == ERP_OK)
			fail_msg("the database accepted `%s`", owner ? pg : sql);
		/* The owner is refused by the immutability triggers, not by anything else. */
		if (owner && !strstr(why, "immutable") && !strstr(why, "only ever added to"))
			fail_msg("`%s` failed, but not because of the immutability triggers: %s", pg, why);
		assert_lt_unchanged(&p->b, &before);
		assert_entry_unchanged(p);
	}
}

void test_ledger__database_refuses_update_and_delete_of_posted_rows(void **state)
{
	erp_conformance_fixture *f = *state;
	posted p;
	posted_open(&p, f->store);
	assert_statements_refused(&p, f, false);
	assert_int_equal(lt_balance(&p.b, p.a, "USD", NULL, 2).balance, 4200);
	assert_store_verifies(f->store);
	posted_close(&p);
}

void test_ledger__database_refuses_them_even_to_the_owner_of_the_tables(void **state)
{
	erp_conformance_fixture *f = *state;
	posted p;
	posted_open(&p, f->store);
	/* Not a matter of privileges: the owner, who has them all, is refused by the triggers. */
	assert_statements_refused(&p, f, true);
	assert_store_verifies(f->store);
	posted_close(&p);
}

void test_ledger__no_entity_call_reaches_the_ledger_tables(void **state)
{
	erp_conformance_fixture *f = *state;
	posted p;
	posted_open(&p, f->store);
	lt_state before = lt_state_of(&p.b);
	erp_buf o = ERP_BUF_INIT;
	const char *types[] = { "financial.entry", "financial.entry_line", "financial.balance", "financial.entries" };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		assert_erp_error(erp_entity_update(&o, p.b.admin, types[i], p.id, 1, "{\"memo\":\"x\"}"), ERP_EINVALID, "type");
		assert_erp_error(erp_entity_delete(&o, p.b.admin, types[i], p.id, 1), ERP_EINVALID, "type");
	}
	/* Deleting an account, a journal or a partner with postings archives it; the entry stays whole. */
	char partner[37];
	lt_partner(partner, &p.b, "P");
	erp_ledger_line l[2] = { lt_dr(p.a, 1), lt_cr(p.c, 1) };
	l[0].partner_id = partner;
	erp_ledger_entry e = lt_entry(&p.b, "2024-03-02", l, 2);
	lt_post(&p.b, NULL, &e);
	lt_state_free(&before);
	before = lt_state_of(&p.b);
	struct {
		const char *type, *id;
	} used[] = { { "financial.account", p.a }, { "financial.journal", p.b.journal }, { "core.partner", partner } };
	for (size_t i = 0; i < 3; i++) {
		assert_erp_ok(erp_entity_delete(&o, p.b.rw, used[i].type, used[i].id, 1));
		json_t *r = lt_json(o.ptr);
		assert_string_equal(lt_str(r, "result"), "archived");
		json_decref(r);
	}
	assert_lt_unchanged(&p.b, &before);
	assert_entry_unchanged(&p);
	/* An archived account takes no new postings. */
	erp_ledger_line m[2] = { lt_dr(p.a, 1), lt_cr(p.c, 1) };
	lt_journal(p.b.journal, &p.b, "GEN2");
	e = lt_entry(&p.b, "2024-03-02", m, 2);
	assert_post_refused(&p.b, p.b.rw, &e, ERP_EINVALID, "lines[0].account_id");
	erp_buf_dispose(&o);
	assert_store_verifies(f->store);
	posted_close(&p);
}

ERP_CONFORMANCE_GROUP(230, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
