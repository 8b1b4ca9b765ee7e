/* Growable strings (strbuf.h) and erp_buf (erp/buf.h). */
#include "strbuf.h"
#include "array.h"
#include "error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `extra` more bytes and the NUL; at least 64 bytes at first. */
static bool strbuf_reserve(erp__strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (extra >= SIZE_MAX - sb->len) {
		sb->failed = true;
		return false;
	}
	size_t need = sb->len + extra + 1;
	if (!erp__array_try_reserve(&sb->ptr, &sb->cap, need < 64 ? 64 : need, 1)) {
		sb->failed = true;
		return false;
	}
	return true;
}

void erp__strbuf_append(erp__strbuf *sb, const char *data, size_t len)
{
	if (!strbuf_reserve(sb, len))
		return;
	if (len)
		memcpy(sb->ptr + sb->len, data, len);
	sb->len += len;
	sb->ptr[sb->len] = '\0';
}

void erp__strbuf_puts(erp__strbuf *sb, const char *text)
{
	erp__strbuf_append(sb, text, strlen(text));
}

void erp__strbuf_putc(erp__strbuf *sb, char c)
{
	erp__strbuf_append(sb, &c, 1);
}

void erp__strbuf_printf(erp__strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (!strbuf_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void erp__strbuf_clear(erp__strbuf *sb)
{
	sb->len = 0;
	if (sb->ptr)
		sb->ptr[0] = '\0';
}

bool erp__strbuf_ok(const erp__strbuf *sb)
{
	return !sb->failed;
}

const char *erp__strbuf_cstr(const erp__strbuf *sb)
{
	return sb->ptr ? sb->ptr : "";
}

void erp__strbuf_free(erp__strbuf *sb)
{
	free(sb->ptr);
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}

int erp__strbuf_detach(erp_buf *out, erp__strbuf *sb)
{
	if (sb->failed || !strbuf_reserve(sb, 0)) {
		erp__strbuf_free(sb);
		return erp__oom();
	}
	erp_buf_dispose(out);
	out->ptr = sb->ptr;
	out->size = sb->len;
	out->reserved = sb->cap;
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	return ERP_OK;
}

void erp_buf_dispose(erp_buf *buf)
{
	if (!buf)
		return;
	if (buf->reserved)
		free(buf->ptr);
	buf->ptr = NULL;
	buf->size = 0;
	buf->reserved = 0;
}

int erp_buf_set(erp_buf *buf, const char *data, size_t len)
{
	if (!buf)
		return erp__invalid("buf", "buf is NULL");
	erp_buf_dispose(buf);
	char *p = malloc(len + 1);
	if (!p)
		return erp__oom();
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	buf->ptr = p;
	buf->size = len;
	buf->reserved = len + 1;
	return ERP_OK;
}
