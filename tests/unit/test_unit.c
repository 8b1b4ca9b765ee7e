/* Unit tests of the core's building blocks; no store needed. */
#include "test_backend.h"

#include "util/currency.h"
#include "util/decimal.h"
#include "core/db.h"
#include "util/ident.h"
#include "util/strbuf.h"

#include <string.h>

static const erp_sql_dialect pg_like = { ERP_SQL_DIALECT_VERSION, "pg", '.', '$', " FOR UPDATE", NULL, "", NULL, 0 };
static const erp_sql_dialect sqlite_like = { ERP_SQL_DIALECT_VERSION, "sqlite", '_', '?', "", NULL, "", NULL, 0 };

static void render_is(const erp_sql_dialect *d, const char *tmpl, const char *expect)
{
	erp__strbuf sb = ERP__STRBUF_INIT;
	assert_erp_ok(erp__sql_render(&sb, d, tmpl));
	assert_string_equal(erp__strbuf_cstr(&sb), expect);
	erp__strbuf_free(&sb);
}

static void test_sql_render__names_placeholders_and_locks(void **state)
{
	(void)state;
	const char *t = "SELECT a FROM {core.partners} p JOIN {auth.tenants} t ON t.id = p.tenant_id "
	                "WHERE p.tenant_id = $1 AND p.name = $12{for_update}";
	render_is(&pg_like, t, "SELECT a FROM core.partners p JOIN auth.tenants t ON t.id = p.tenant_id "
	                       "WHERE p.tenant_id = $1 AND p.name = $12 FOR UPDATE");
	render_is(&sqlite_like, t, "SELECT a FROM core_partners p JOIN auth_tenants t ON t.id = p.tenant_id "
	                           "WHERE p.tenant_id = ?1 AND p.name = ?12");
}

static void test_sql_render__leaves_string_literals_alone(void **state)
{
	(void)state;
	render_is(&sqlite_like, "SELECT '{core.x} $1 it''s', $1", "SELECT '{core.x} $1 it''s', ?1");
	render_is(&sqlite_like, "SELECT $$", "SELECT $$"); /* not a parameter */
}

static void test_sql_render__rejects_broken_templates(void **state)
{
	(void)state;
	erp__strbuf sb = ERP__STRBUF_INIT;
	assert_erp_error(erp__sql_render(&sb, &pg_like, "SELECT {core.partners"), ERP_ERROR, NULL);
	assert_erp_error(erp__sql_render(&sb, &pg_like, "SELECT {nodot}"), ERP_ERROR, NULL);
	erp__strbuf_free(&sb);
}

static void test_uuid__v7_format_and_order(void **state)
{
	(void)state;
	char prev[ERP__UUID_LEN + 1] = "";
	for (int i = 0; i < 10000; i++) {
		char id[ERP__UUID_LEN + 1];
		erp__uuid_v7(id);
		assert_true(erp__uuid_valid(id));
		assert_int_equal(id[14], '7');
		assert_non_null(strchr("89ab", id[19]));
		if (prev[0])
			assert_true(strcmp(prev, id) < 0); /* strictly increasing within a process */
		memcpy(prev, id, sizeof id);
	}
	char norm[ERP__UUID_LEN + 1];
	assert_true(erp__uuid_normalize(norm, "0190A6B2-ABCD-7000-8000-00000000000F"));
	assert_string_equal(norm, "0190a6b2-abcd-7000-8000-00000000000f");
	assert_false(erp__uuid_valid("0190a6b2-abcd-7000-8000-00000000000"));
	assert_false(erp__uuid_valid("0190a6b2xabcd-7000-8000-000000000000"));
	assert_false(erp__uuid_valid("0190a6b2-abcd-7000-8000-00000000000g"));
	assert_false(erp__uuid_normalize(norm, NULL));
}

static void test_timestamp__fixed_width_utc(void **state)
{
	(void)state;
	char ts[ERP__TIMESTAMP_LEN + 1];
	erp__now_timestamp(ts);
	assert_int_equal(strlen(ts), ERP__TIMESTAMP_LEN);
	assert_int_equal(ts[10], 'T');
	assert_int_equal(ts[19], '.');
	assert_int_equal(ts[26], 'Z');
}

static void test_utf8__accepts_valid_rejects_invalid(void **state)
{
	(void)state;
	size_t n;
	assert_true(erp__utf8_check("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15, false, &n));
	assert_int_equal(n, 9);
	const char *bad[] = { "\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3", "a\x01", "\x7f" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(erp__utf8_check(bad[i], strlen(bad[i]), true, &n));
	assert_false(erp__utf8_check("a\0b", 3, true, &n));
	assert_false(erp__utf8_check("a\nb", 3, false, &n));
	assert_true(erp__utf8_check("a\nb\tc\r", 6, true, &n));
}

static void test_currency__exponents(void **state)
{
	(void)state;
	assert_int_equal(erp__currency_exponent("USD"), 2);
	assert_int_equal(erp__currency_exponent("JPY"), 0);
	assert_int_equal(erp__currency_exponent("BHD"), 3);
	assert_int_equal(erp__currency_exponent("BTC"), 8);
	assert_int_equal(erp__currency_exponent("usd"), -1);
	assert_int_equal(erp__currency_exponent("XXY"), -1);
	assert_int_equal(erp__currency_exponent(NULL), -1);
}

static void test_strbuf__grows_and_detaches(void **state)
{
	(void)state;
	erp__strbuf sb = ERP__STRBUF_INIT;
	for (int i = 0; i < 1000; i++)
		erp__strbuf_printf(&sb, "%d,", i);
	assert_true(erp__strbuf_ok(&sb));
	assert_memory_equal(erp__strbuf_cstr(&sb), "0,1,2,", 6);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp__strbuf_detach(&out, &sb));
	assert_int_equal(out.size, strlen(out.ptr));
	assert_null(sb.ptr);
	erp_buf_dispose(&out);
	assert_erp_ok(erp_buf_set(&out, "abc", 3));
	assert_string_equal(out.ptr, "abc");
	assert_erp_ok(erp_buf_set(&out, NULL, 0));
	assert_string_equal(out.ptr, "");
	erp_buf_dispose(&out);
}

static void parse_is(const char *text, int scale, int64_t expect)
{
	int64_t v = 12345;
	if (erp__decimal_parse(&v, text, scale) != ERP__DECIMAL_OK)
		fail_msg("'%s' at scale %d refused", text, scale);
	assert_int_equal(v, expect);
}

static void test_decimal__parses_exactly(void **state)
{
	(void)state;
	parse_is("0", 2, 0);
	parse_is("1234.5", 2, 123450);
	parse_is("1234.50", 2, 123450);
	parse_is("1234.500", 2, 123450); /* zeros past the scale are not decimals */
	parse_is("-0.01", 2, -1);
	parse_is("007", 0, 7);
	parse_is("92233720368547758.07", 2, INT64_MAX);
	parse_is("-92233720368547758.08", 2, INT64_MIN);
	parse_is("0.00000001", 8, 1);
	int64_t v;
	assert_int_equal(erp__decimal_parse(&v, "1.005", 2), ERP__DECIMAL_TOO_PRECISE);
	assert_int_equal(erp__decimal_parse(&v, "1.5", 0), ERP__DECIMAL_TOO_PRECISE);
	assert_int_equal(erp__decimal_parse(&v, "92233720368547758.08", 2), ERP__DECIMAL_OVERFLOW);
	assert_int_equal(erp__decimal_parse(&v, "99999999999999999999", 0), ERP__DECIMAL_OVERFLOW);
	const char *bad[] = { "", "-", ".5", "5.", "1e3", "+1", " 1", "1 ", "1,5", "0x10", "1.2.3", "--1", "NaN", "1.5x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (erp__decimal_parse(&v, bad[i], 2) != ERP__DECIMAL_SYNTAX)
			fail_msg("'%s' should be a syntax error", bad[i]);
	assert_int_equal(erp__decimal_parse(&v, "1.0051x", 2), ERP__DECIMAL_SYNTAX);
}

static void test_decimal__formats_and_round_trips(void **state)
{
	(void)state;
	char t[ERP__DECIMAL_TEXT];
	erp__decimal_format(t, 123450, 2);
	assert_string_equal(t, "1234.50");
	erp__decimal_format(t, -1, 2);
	assert_string_equal(t, "-0.01");
	erp__decimal_format(t, 5, 0);
	assert_string_equal(t, "5");
	erp__decimal_format(t, INT64_MIN, 2);
	assert_string_equal(t, "-92233720368547758.08");
	erp__decimal_format(t, 1, 8);
	assert_string_equal(t, "0.00000001");
	for (int64_t x = -100000; x <= 100000; x += 7) {
		int64_t back;
		erp__decimal_format(t, x, 3);
		assert_int_equal(erp__decimal_parse(&back, t, 3), ERP__DECIMAL_OK);
		assert_int_equal(back, x);
	}
}

static void test_decimal__products_round_half_away_from_zero(void **state)
{
	(void)state;
	int64_t v;
	/* 3 x 0.335 = 1.005 -> 1.01; -1.005 -> -1.01 */
	assert_true(erp__decimal_mul(&v, 3, 0, 335, 3, 2));
	assert_int_equal(v, 101);
	assert_true(erp__decimal_mul(&v, -3, 0, 335, 3, 2));
	assert_int_equal(v, -101);
	/* 2.500 kg x 1.99 = 4.975 -> 4.98 */
	assert_true(erp__decimal_mul(&v, 2500, 3, 199, 2, 2));
	assert_int_equal(v, 498);
	/* no overflow in the intermediate: 9e15 x 1000.00 at scale 2 */
	assert_true(erp__decimal_mul(&v, 9000000000000000LL, 0, 100000, 2, 0));
	assert_int_equal(v, 9000000000000000000LL);
	assert_false(erp__decimal_mul(&v, INT64_MAX, 0, 2, 0, 0));
	/* 1/3 of 1.00: 0.33; 2/3: 0.67 */
	assert_true(erp__muldiv_round(&v, 100, 1, 3));
	assert_int_equal(v, 33);
	assert_true(erp__muldiv_round(&v, 100, 2, 3));
	assert_int_equal(v, 67);
	assert_true(erp__muldiv_round(&v, -5, 1, 2));
	assert_int_equal(v, -3);
	assert_false(erp__muldiv_round(&v, 1, 1, 0));
	assert_true(erp__decimal_rescale(&v, 12345, 3, 2));
	assert_int_equal(v, 1235);
	assert_true(erp__decimal_rescale(&v, 12, 0, 2));
	assert_int_equal(v, 1200);
	assert_false(erp__decimal_rescale(&v, INT64_MAX, 0, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql_render__names_placeholders_and_locks),
		cmocka_unit_test(test_sql_render__leaves_string_literals_alone),
		cmocka_unit_test(test_sql_render__rejects_broken_templates),
		cmocka_unit_test(test_uuid__v7_format_and_order),
		cmocka_unit_test(test_timestamp__fixed_width_utc),
		cmocka_unit_test(test_utf8__accepts_valid_rejects_invalid),
		cmocka_unit_test(test_currency__exponents),
		cmocka_unit_test(test_strbuf__grows_and_detaches),
		cmocka_unit_test(test_decimal__parses_exactly),
		cmocka_unit_test(test_decimal__formats_and_round_trips),
		cmocka_unit_test(test_decimal__products_round_half_away_from_zero),
	};
	return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
