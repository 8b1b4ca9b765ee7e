/*
 * Ids, timestamps and text checks shared by the whole core.
 */
#ifndef ERP_LIB_IDENT_H
#define ERP_LIB_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Length of a UUID in text form, without the NUL. */
#define ERP__UUID_LEN 36
/** Length of a canonical timestamp "YYYY-MM-DDTHH:MM:SS.ffffffZ", without the NUL. */
#define ERP__TIMESTAMP_LEN 27

/**
 * Writes a new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit
 * counter that keeps ids made in the same millisecond by this process in
 * increasing order, then 62 random bits. Thread-safe.
 */
void erp__uuid_v7(char out[ERP__UUID_LEN + 1]);

/** True when `s` is a lowercase or uppercase 8-4-4-4-12 hex UUID. */
bool erp__uuid_valid(const char *s);

/**
 * Copies a valid UUID into `out` in lowercase (the stored form). False,
 * leaving `out` empty, when `in` is not a UUID.
 */
bool erp__uuid_normalize(char out[ERP__UUID_LEN + 1], const char *in);

/** True when `s` is exactly "YYYY-MM-DD" and a real calendar date (years 1 to 9999). */
bool erp__date_valid(const char *s);

/** Writes the current UTC time as "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
void erp__now_timestamp(char out[ERP__TIMESTAMP_LEN + 1]);

/** The current UTC time in milliseconds since the Unix epoch. */
int64_t erp__now_ms(void);

/** Writes milliseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.fff000Z". */
void erp__timestamp_from_ms(char out[ERP__TIMESTAMP_LEN + 1], int64_t ms);

/**
 * Checks that `s` (of `len` bytes) is well-formed UTF-8 without NUL bytes
 * or C0 control characters other than tab, newline and carriage return
 * (when `allow_newlines`), and counts its code points into `*chars`.
 */
bool erp__utf8_check(const char *s, size_t len, bool allow_newlines, size_t *chars);

#endif
