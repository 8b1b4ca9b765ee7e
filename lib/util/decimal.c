/* Exact decimals (decimal.h). */
#include "decimal.h"

#include <stdio.h>
#include <string.h>

__extension__ typedef __int128 i128;

/* 10^n in 128 bits, 0 <= n <= 36 (10^36 < 2^127). */
static i128 pow10_128(int n)
{
	i128 v = 1;
	while (n-- > 0)
		v *= 10;
	return v;
}

int64_t erp__pow10(int n)
{
	static const int64_t p[19] = {
		1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
		1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
		100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
		1000000000000000000LL,
	};
	return (n >= 0 && n <= 18) ? p[n] : 0;
}

erp__decimal_status erp__decimal_parse(int64_t *out, const char *text, int scale)
{
	if (!text || scale < 0 || scale > ERP__DECIMAL_MAX_SCALE)
		return ERP__DECIMAL_SYNTAX;
	const char *p = text;
	int negative = 0;
	if (*p == '-') {
		negative = 1;
		p++;
	}
	i128 acc = 0;
	const i128 limit = (i128)INT64_MAX + negative; /* |INT64_MIN| for negatives */
	int int_digits = 0, frac_digits = 0, overflow = 0;
	for (; *p >= '0' && *p <= '9'; p++, int_digits++) {
		acc = acc * 10 + (*p - '0');
		if (acc > limit)
			overflow = 1, acc = limit; /* keep scanning to report syntax first */
	}
	if (int_digits == 0)
		return ERP__DECIMAL_SYNTAX;
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, frac_digits++) {
			if (frac_digits < scale) {
				acc = acc * 10 + (*p - '0');
				if (acc > limit)
					overflow = 1, acc = limit;
			} else if (*p != '0') {
				/* Check the rest is well formed, then refuse. */
				while (*p >= '0' && *p <= '9')
					p++;
				return *p ? ERP__DECIMAL_SYNTAX : ERP__DECIMAL_TOO_PRECISE;
			}
		}
		if (frac_digits == 0)
			return ERP__DECIMAL_SYNTAX;
	}
	if (*p)
		return ERP__DECIMAL_SYNTAX;
	int used = frac_digits < scale ? frac_digits : scale;
	for (int i = used; i < scale && !overflow; i++) {
		acc *= 10;
		if (acc > limit)
			overflow = 1;
	}
	if (overflow)
		return ERP__DECIMAL_OVERFLOW;
	*out = (int64_t)(negative ? -acc : acc);
	return ERP__DECIMAL_OK;
}

void erp__decimal_format(char out[ERP__DECIMAL_TEXT], int64_t value, int scale)
{
	char digits[24];
	/* Magnitude as unsigned, so INT64_MIN works. */
	uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	int n = 0;
	do {
		digits[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	while (n <= scale)
		digits[n++] = '0';
	size_t o = 0;
	if (value < 0)
		out[o++] = '-';
	for (int i = n - 1; i >= 0; i--) {
		out[o++] = digits[i];
		if (i == scale && scale > 0)
			out[o++] = '.';
	}
	out[o] = '\0';
}

void erp__decimal_format128(char out[ERP__DECIMAL_TEXT128], i128 value, int scale)
{
	char digits[48];
	__extension__ unsigned __int128 mag = value < 0 ? (unsigned __int128)0 - (unsigned __int128)value : (unsigned __int128)value;
	int n = 0;
	do {
		digits[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag);
	while (n <= scale)
		digits[n++] = '0';
	size_t o = 0;
	if (value < 0)
		out[o++] = '-';
	for (int i = n - 1; i >= 0; i--) {
		out[o++] = digits[i];
		if (i == scale && scale > 0)
			out[o++] = '.';
	}
	out[o] = '\0';
}

/* q = round_half_away(n / d), d > 0. */
static i128 div_round(i128 n, i128 d)
{
	i128 q = n / d, r = n % d;
	if (r < 0)
		r = -r;
	if (2 * r >= d)
		q += n < 0 ? -1 : 1;
	return q;
}

static int fits(i128 v, int64_t *out)
{
	if (v > INT64_MAX || v < INT64_MIN)
		return 0;
	*out = (int64_t)v;
	return 1;
}

int erp__decimal_rescale(int64_t *out, int64_t value, int from, int to)
{
	if (from < 0 || to < 0 || from > 18 || to > 18)
		return 0;
	if (to >= from)
		return fits((i128)value * erp__pow10(to - from), out);
	return fits(div_round(value, erp__pow10(from - to)), out);
}

int erp__decimal_mul(int64_t *out, int64_t a, int sa, int64_t b, int sb, int to)
{
	if (sa < 0 || sb < 0 || to < 0 || sa > 18 || sb > 18 || to > 18)
		return 0;
	i128 p = (i128)a * b; /* at scale sa + sb; |p| < 2^126 */
	int s = sa + sb;
	if (to >= s) {
		if (p > INT64_MAX || p < INT64_MIN)
			return 0;
		return fits(p * erp__pow10(to - s), out); /* |p| < 2^63, factor < 2^60 */
	}
	return fits(div_round(p, pow10_128(s - to)), out); /* one exact rounding */
}

int erp__muldiv_round(int64_t *out, int64_t a, int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	return fits(div_round((i128)a * num, den), out);
}
