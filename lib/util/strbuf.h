/*
 * A growable string for building SQL, JSON and reports inside the library.
 *
 * Errors are sticky: after an allocation failure every append is a no-op
 * and erp__strbuf_ok() is false, so callers check once at the end.
 */
#ifndef ERP_LIB_STRBUF_H
#define ERP_LIB_STRBUF_H

#include <erp/buf.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	char *ptr;
	size_t len;
	size_t cap;
	bool failed;
} erp__strbuf;

#define ERP__STRBUF_INIT { NULL, 0, 0, false }

void erp__strbuf_append(erp__strbuf *sb, const char *data, size_t len);
void erp__strbuf_puts(erp__strbuf *sb, const char *text);
void erp__strbuf_putc(erp__strbuf *sb, char c);
void erp__strbuf_printf(erp__strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Empties without freeing. */
void erp__strbuf_clear(erp__strbuf *sb);
/** True when no allocation failed (and the text is NUL-terminated). */
bool erp__strbuf_ok(const erp__strbuf *sb);
/** The text ("" when empty). */
const char *erp__strbuf_cstr(const erp__strbuf *sb);
void erp__strbuf_free(erp__strbuf *sb);
/** Moves the text into `out` (disposing what it held); ERP_ERROR on an earlier failure. */
int erp__strbuf_detach(erp_buf *out, erp__strbuf *sb);

#endif
