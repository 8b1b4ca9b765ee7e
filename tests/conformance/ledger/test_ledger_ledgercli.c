/*
 * A cross-check against ledger-cli (https://ledger-cli.org, Debian package
 * `ledger`): random balanced entries are posted here and written as a
 * ledger journal; `ledger bal` must give every account the balance that
 * erp_ledger_account_balance() gives, to the cent. Skipped when /usr/bin/ledger
 * is not installed. The seed is printed; ERP_TEST_SEED replays a run.
 */
#include "ledger/ledger_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEDGER_BIN "/usr/bin/ledger"
#define ACCOUNTS 8
#define ENTRIES 1000

typedef struct {
	char code[16];
	char id[37];
	int64_t expect;  /* the balance the test itself computes */
	int64_t ledger;  /* what ledger-cli reports */
	bool reported;
} account;

static int64_t random_amount(uint64_t *rng)
{
	uint64_t r = lt_rand(rng) % 100;
	if (r < 80)
		return lt_rand_range(rng, 1, 99999);
	if (r < 95)
		return lt_rand_range(rng, 1, 10000000000LL);
	return lt_rand_range(rng, 1, 900000000000000000LL / ENTRIES); /* large, without overflowing any total */
}

/* Parses one line of `ledger -F '%(account)|%(display_total)\n' bal`: "A101|USD -12.34" or "A102|0". */
static void parse_ledger_line(char *line, account *accounts)
{
	char *bar = strchr(line, '|');
	if (!bar)
		fail_msg("unexpected ledger output: '%s'", line);
	*bar = '\0';
	const char *name = line, *total = bar + 1;
	for (size_t i = 0; i < ACCOUNTS; i++) {
		if (strcmp(accounts[i].code, name) != 0)
			continue;
		if (accounts[i].reported)
			fail_msg("ledger reports account %s twice", name);
		accounts[i].reported = true;
		if (strcmp(total, "0") == 0)
			accounts[i].ledger = 0;
		else if (strncmp(total, "USD ", 4) == 0)
			accounts[i].ledger = lt_minor(total + 4, 2);
		else
			fail_msg("unexpected ledger amount for %s: '%s'", name, total);
		return;
	}
	if (name[0])
		fail_msg("ledger reports an account this test did not write: '%s'", name);
}

void test_ledger__balances_match_ledger_cli_for_random_entries(void **state)
{
	if (access(LEDGER_BIN, X_OK) != 0) {
		print_message("[ skipped  ] %s is not installed (Debian package ledger)\n", LEDGER_BIN);
		skip();
	}
	erp_conformance_fixture *f = *state;
	lt_books b;
	lt_books_open(&b, f->store);
	account accounts[ACCOUNTS];
	memset(accounts, 0, sizeof accounts);
	for (int i = 0; i < ACCOUNTS; i++) {
		snprintf(accounts[i].code, sizeof accounts[i].code, "A%d", 101 + i);
		lt_account(accounts[i].id, &b, accounts[i].code, i % 2 ? "USD" : NULL, true);
	}
	uint64_t rng = lt_seed("ledger-cli cross-check");
	char path[] = "/tmp/erp-ledger-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *journal = fdopen(fd, "w");
	assert_non_null(journal);
	/* Entries in batches of 50, every tenth entry also through JSON (as decimal strings). */
	enum { BATCH = 50 };
	erp_ledger_line lines[BATCH][6];
	erp_ledger_entry e[BATCH];
	char dates[BATCH][11];
	size_t in_batch = 0;
	for (int n = 0; n < ENTRIES; n++) {
		erp_ledger_line *l = lines[in_batch];
		size_t count = (size_t)lt_rand_range(&rng, 2, 6);
		size_t debits = (size_t)lt_rand_range(&rng, 1, (int64_t)count - 1);
		int64_t total = 0;
		int which[6];
		for (size_t k = 0; k < count; k++) {
			which[k] = (int)lt_rand_range(&rng, 0, ACCOUNTS - 1);
			l[k] = (erp_ledger_line){ accounts[which[k]].id, 0, 0, NULL, NULL, NULL, NULL };
		}
		for (size_t k = 0; k < debits; k++)
			total += l[k].debit = random_amount(&rng) + (int64_t)count;
		int64_t left = total;
		for (size_t k = debits; k < count; k++) {
			size_t rest = count - 1 - k;
			l[k].credit = rest ? lt_rand_range(&rng, 1, left - (int64_t)rest) : left;
			left -= l[k].credit;
		}
		lt_day(dates[in_batch], (int)lt_rand_range(&rng, 0, 365));
		/* The same entry in ledger's syntax: debits positive, credits negative, exact to the cent. */
		fprintf(journal, "%.4s/%.2s/%.2s Entry %d\n", dates[in_batch], dates[in_batch] + 5, dates[in_batch] + 8, n);
		for (size_t k = 0; k < count; k++) {
			char amount[32];
			int64_t v = l[k].debit ? l[k].debit : -l[k].credit;
			lt_format(amount, v, 2);
			fprintf(journal, "    %-10s  USD %s\n", accounts[which[k]].code, amount);
			accounts[which[k]].expect += v;
		}
		fputc('\n', journal);
		if (n % 10 == 9) {
			/* Through JSON, one at a time. */
			json_t *jl = json_array();
			for (size_t k = 0; k < count; k++) {
				char amount[32];
				lt_format(amount, l[k].debit ? l[k].debit : l[k].credit, 2);
				json_array_append_new(jl, json_pack("{s:s, s:s}", "account_id", l[k].account_id,
				                                    l[k].debit ? "debit" : "credit", amount));
			}
			json_t *o = json_pack("{s:s, s:s, s:o}", "journal_id", b.journal, "date", dates[in_batch], "lines", jl);
			char *text = json_dumps(o, JSON_COMPACT);
			assert_erp_ok(erp_ledger_post_json(NULL, b.rw, text));
			free(text);
			json_decref(o);
			continue;
		}
		e[in_batch] = lt_entry(&b, dates[in_batch], l, count);
		if (++in_batch == BATCH) {
			assert_erp_ok(erp_ledger_post_batch(NULL, b.rw, e, in_batch));
			in_batch = 0;
		}
	}
	if (in_batch)
		assert_erp_ok(erp_ledger_post_batch(NULL, b.rw, e, in_batch));
	assert_int_equal(fclose(journal), 0);

	/* ledger's own balance of every account (--empty: accounts at zero too). */
	char cmd[512];
	snprintf(cmd, sizeof cmd,
	         "%s --args-only -f %s -F '%%(account)|%%(display_total)\\n' bal --flat --empty --no-total 2>&1", LEDGER_BIN, path);
	FILE *out = popen(cmd, "r");
	assert_non_null(out);
	char line[512];
	int lines_read = 0;
	while (fgets(line, sizeof line, out)) {
		line[strcspn(line, "\r\n")] = '\0';
		parse_ledger_line(line, accounts);
		lines_read++;
	}
	int status = pclose(out);
	unlink(path);
	if (status != 0)
		fail_msg("`%s` exited with status %d", cmd, status);
	int64_t sum = 0;
	for (int i = 0; i < ACCOUNTS; i++) {
		lt_amounts got = lt_balance(&b, accounts[i].id, "USD", NULL, 2);
		if (!accounts[i].reported && accounts[i].expect != 0)
			fail_msg("ledger did not report account %s", accounts[i].code);
		if (accounts[i].ledger != got.balance || accounts[i].expect != got.balance)
			fail_msg("account %s: ledger-cli %" PRId64 ", liberp %" PRId64 ", expected %" PRId64, accounts[i].code,
			         accounts[i].ledger, got.balance, accounts[i].expect);
		sum += got.balance;
	}
	assert_int_equal(sum, 0);
	assert_true(lines_read >= ACCOUNTS - 1);
	print_message("[ ledger   ] %d entries, %d accounts agree with %s\n", ENTRIES, ACCOUNTS, LEDGER_BIN);
	assert_store_verifies(f->store);
	lt_books_close(&b);
}

ERP_CONFORMANCE_GROUP(270, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
