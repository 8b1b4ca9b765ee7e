/*
 * The decimal text of a 64-bit counter (see mem_decimal.h).
 */
#include "mem_decimal.h"

int erp__mem_decimal_parse(int64_t *out, const char *text, size_t len)
{
	size_t i = 0;
	int negative = 0;
	if (len > 0 && text[0] == '-') {
		negative = 1;
		i = 1;
	}
	if (i == len)
		return -1;
	/* Accumulate as a negative number: its range includes INT64_MIN. */
	int64_t acc = 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < '0' || c > '9')
			return -1;
		int digit = c - '0';
		if (acc < (INT64_MIN + digit) / 10)
			return -1;
		acc = acc * 10 - digit;
	}
	if (!negative) {
		if (acc == INT64_MIN)
			return -1;
		acc = -acc;
	}
	*out = acc;
	return 0;
}

size_t erp__mem_decimal_format(char buf[ERP__MEM_DECIMAL_MAX], int64_t value)
{
	char tmp[ERP__MEM_DECIMAL_MAX];
	size_t n = 0;
	/* Work with the magnitude as unsigned: -INT64_MIN does not fit an int64. */
	uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	do {
		tmp[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag);
	size_t len = 0;
	if (value < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

int erp__mem_decimal_add(int64_t *out, int64_t a, int64_t b)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return -1;
	*out = a + b;
	return 0;
}
