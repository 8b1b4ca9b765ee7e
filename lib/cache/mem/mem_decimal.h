/*
 * The decimal text of a 64-bit counter, as the mem: cache stores it for
 * incr: strict parsing, formatting, and addition that refuses to overflow.
 */
#ifndef ERP_LIB_CACHE_MEM_DECIMAL_H
#define ERP_LIB_CACHE_MEM_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/** Room for the longest int64 text, "-9223372036854775808", and a NUL. */
#define ERP__MEM_DECIMAL_MAX 21

/**
 * Parses `len` bytes as a base-10 int64: an optional '-' then one or more
 * ASCII digits, nothing else (no sign '+', no spaces, no NUL inside).
 *
 * @return 0 and *out set; -1 when the text is not such an integer or does
 *         not fit in an int64 (*out untouched). Raises nothing.
 */
int erp__mem_decimal_parse(int64_t *out, const char *text, size_t len);

/**
 * Writes the shortest decimal text of `value` and a NUL into `buf`.
 *
 * @return the length of the text, without the NUL.
 */
size_t erp__mem_decimal_format(char buf[ERP__MEM_DECIMAL_MAX], int64_t value);

/**
 * Adds two int64 values.
 *
 * @return 0 and *out = a + b; -1 when the sum overflows (*out untouched).
 */
int erp__mem_decimal_add(int64_t *out, int64_t a, int64_t b);

#endif
