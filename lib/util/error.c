/*
 * The thread-local last error (erp/errors.h).
 *
 * Each thread owns one erp_error and the text it points to; another
 * thread's failure never touches it.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERP_ERROR_MESSAGE_MAX 1024
#define ERP_ERROR_NAME_MAX 128

typedef struct {
	erp_error pub;
	char message[ERP_ERROR_MESSAGE_MAX];
	char entity[ERP_ERROR_NAME_MAX];
	char field[ERP_ERROR_NAME_MAX];
} erp_error_state;

static _Thread_local erp_error_state tls_error = { { ERP_OK, "", NULL, NULL, 0 }, "", "", "" };

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

const erp_error *erp_error_last(void)
{
	if (tls_error.pub.message == NULL)
		tls_error.pub.message = "";
	return &tls_error.pub;
}

void erp_error_clear(void)
{
	tls_error.pub.code = ERP_OK;
	tls_error.message[0] = '\0';
	tls_error.pub.message = tls_error.message;
	tls_error.pub.entity = NULL;
	tls_error.pub.field = NULL;
	tls_error.pub.retry_after_ms = 0;
}

const char *erp_error_name(int code)
{
	switch (code) {
	case ERP_OK: return "ERP_OK";
	case ERP_ENOTFOUND: return "ERP_ENOTFOUND";
	case ERP_EEXISTS: return "ERP_EEXISTS";
	case ERP_ECONFLICT: return "ERP_ECONFLICT";
	case ERP_EINVALID: return "ERP_EINVALID";
	case ERP_EUNBALANCED: return "ERP_EUNBALANCED";
	case ERP_ELOCKED: return "ERP_ELOCKED";
	case ERP_ENOSTOCK: return "ERP_ENOSTOCK";
	case ERP_EPERM: return "ERP_EPERM";
	case ERP_EAUTH: return "ERP_EAUTH";
	case ERP_ERETRY: return "ERP_ERETRY";
	case ERP_EBACKEND: return "ERP_EBACKEND";
	case ERP_ELIMIT: return "ERP_ELIMIT";
	default: return "ERP_ERROR";
	}
}

int erp_error_set(int code, const char *entity, const char *field, const char *message)
{
	/* The message may point into the previous error's own text. */
	char tmp[ERP_ERROR_MESSAGE_MAX];
	copy_text(tmp, sizeof tmp, message ? message : erp_error_name(code));
	memcpy(tls_error.message, tmp, sizeof tmp);
	tls_error.pub.code = code;
	tls_error.pub.message = tls_error.message;
	tls_error.pub.retry_after_ms = 0;
	if (entity) {
		copy_text(tls_error.entity, sizeof tls_error.entity, entity);
		tls_error.pub.entity = tls_error.entity;
	} else {
		tls_error.pub.entity = NULL;
	}
	if (field) {
		copy_text(tls_error.field, sizeof tls_error.field, field);
		tls_error.pub.field = tls_error.field;
	} else {
		tls_error.pub.field = NULL;
	}
	return code;
}

int erp__error(int code, const char *entity, const char *field, const char *fmt, ...)
{
	char msg[ERP_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return erp_error_set(code, entity, field, msg);
}

int erp__limit(int64_t retry_after_ms, const char *field, const char *message)
{
	erp_error_set(ERP_ELIMIT, NULL, field, message);
	tls_error.pub.retry_after_ms = retry_after_ms;
	return ERP_ELIMIT;
}

int erp__oom(void)
{
	return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
}
