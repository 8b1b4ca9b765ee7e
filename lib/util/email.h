/*
 * Email addresses as login names: checked and folded to one stored form.
 */
#ifndef ERP_LIB_EMAIL_H
#define ERP_LIB_EMAIL_H

#include <stdbool.h>

/** Longest accepted address, in bytes (RFC 5321's path limit). */
#define ERP__EMAIL_MAX 254

/**
 * Copies `in` into `out` with ASCII letters lower-cased, when it looks like
 * an address: UTF-8 without spaces or control characters, 3 to
 * ERP__EMAIL_MAX bytes, one '@' with text on both sides. False otherwise
 * (`out` is then empty).
 */
bool erp__email_normalize(char out[ERP__EMAIL_MAX + 1], const char *in);

#endif
