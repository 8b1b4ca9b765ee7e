/*
 * Internal error helpers: format and raise the thread-local error.
 */
#ifndef ERP_LIB_ERROR_H
#define ERP_LIB_ERROR_H

#include <erp/errors.h>
#include <erp/sys/backend.h>

/** Raises `code` with a printf-style message; returns `code`. */
int erp__error(int code, const char *entity, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Raises ERP_EINVALID for a field; returns ERP_EINVALID. */
#define erp__invalid(field, ...) erp__error(ERP_EINVALID, NULL, (field), __VA_ARGS__)

/** Raises ERP_ELIMIT with its retry_after_ms; returns ERP_ELIMIT. */
int erp__limit(int64_t retry_after_ms, const char *field, const char *message);

/** Raises ERP_ERROR "out of memory"; returns ERP_ERROR. */
int erp__oom(void);

#endif
