/*
 * Exact decimal numbers as int64 minor units: parsing, formatting and
 * products, for money and quantities. Never floating point.
 *
 * A value v at scale s means v / 10^s ("12.30" at scale 2 is 1230).
 *
 * Rounding rule (the one rule used everywhere a product needs rounding):
 * half away from zero — 0.5 minor unit rounds to 1, -0.5 to -1 — computed
 * with 128-bit intermediates so that no product of two int64 overflows
 * before rounding.
 */
#ifndef ERP_LIB_DECIMAL_H
#define ERP_LIB_DECIMAL_H

#include <stdint.h>

/** The largest scale handled (10^18 fits in int64). */
#define ERP__DECIMAL_MAX_SCALE 18

/** Room for any formatted value: sign, 19 digits, point, NUL. */
#define ERP__DECIMAL_TEXT 32

/** Why a decimal string was refused. */
typedef enum {
	ERP__DECIMAL_OK = 0,
	ERP__DECIMAL_SYNTAX = 1,      /* not [-]digits[.digits] */
	ERP__DECIMAL_TOO_PRECISE = 2, /* more decimals than the scale */
	ERP__DECIMAL_OVERFLOW = 3     /* beyond int64 at that scale */
} erp__decimal_status;

/**
 * Parses "[-]D+[.D+]" exactly at `scale` (0..18). Trailing zeros beyond the
 * scale are accepted ("1.500" at scale 2); other extra decimals are refused,
 * never rounded. No exponent, no '+', no spaces, no empty parts.
 */
erp__decimal_status erp__decimal_parse(int64_t *out, const char *text, int scale);

/** Writes `value` at `scale` as "[-]D+[.D{scale}]". */
void erp__decimal_format(char out[ERP__DECIMAL_TEXT], int64_t value, int scale);

/** Room for any 128-bit value formatted: sign, 39 digits, point, NUL. */
#define ERP__DECIMAL_TEXT128 48

/** Writes a 128-bit `value` at `scale` (sums of many int64 amounts). */
__extension__ void erp__decimal_format128(char out[ERP__DECIMAL_TEXT128], __int128 value, int scale);

/**
 * Rescales `value` from scale `from` to scale `to`, rounding half away from
 * zero when `to` < `from`. False on overflow.
 */
int erp__decimal_rescale(int64_t *out, int64_t value, int from, int to);

/**
 * a (at scale sa) times b (at scale sb), expressed at scale `to` and
 * rounded half away from zero. False on overflow of the result.
 */
int erp__decimal_mul(int64_t *out, int64_t a, int sa, int64_t b, int sb, int to);

/**
 * a * num / den rounded half away from zero (den > 0), in 128 bits.
 * False when den is not positive or the result overflows int64.
 */
int erp__muldiv_round(int64_t *out, int64_t a, int64_t num, int64_t den);

/** 10^n for 0 <= n <= 18. */
int64_t erp__pow10(int n);

#endif
