/**
 * @file erp/errors.h
 * @brief Return codes and the thread-local last error.
 *
 * Every liberp function that can fail returns an `int`: ERP_OK (0) or one
 * of the negative codes below. The codes are few on purpose: each one is
 * something a caller can act on. Details of the failure (a message, and
 * where it applies the entity type and the field at fault) are kept per
 * thread and read with erp_error_last().
 *
 * Codes are stable: a code never changes its meaning and new codes are only
 * added. A caller that does not know a code should treat it as ERP_ERROR.
 * The rule for adding one is in docs/architecture.md ("Adding an error code").
 */
#ifndef ERP_ERRORS_H
#define ERP_ERRORS_H

#include "common.h"

ERP_BEGIN_DECL

/** Return codes. */
typedef enum erp_error_code {
	ERP_OK = 0,            /**< Success. */
	ERP_ERROR = -1,        /**< Anything not covered below (out of memory, internal error). */
	ERP_ENOTFOUND = -2,    /**< The object does not exist (or belongs to another tenant). */
	ERP_EEXISTS = -3,      /**< The object exists already (unique key, idempotency key reused with another request). */
	ERP_ECONFLICT = -4,    /**< Stale version: the object changed since it was read. */
	ERP_EINVALID = -5,     /**< Bad input; erp_error_last()->field names the field. */
	ERP_EUNBALANCED = -6,  /**< A journal entry does not balance. */
	ERP_ELOCKED = -7,      /**< The period is closed (date on or before the lock date). */
	ERP_ENOSTOCK = -8,     /**< Not enough stock available. */
	ERP_EPERM = -9,        /**< The acting role may not do this. */
	ERP_EAUTH = -10,       /**< Authentication failed (credentials, token, database login). */
	ERP_ERETRY = -11,      /**< Busy or serialization failure; nothing was written; safe to retry. */
	ERP_EBACKEND = -12,    /**< The storage or cache backend failed (unreachable, corrupt, refused). */
	ERP_ELIMIT = -13       /**< Too many attempts (failed logins): retry after erp_error_last()->retry_after_ms. */
} erp_error_code;

/**
 * How the message of an ERP_EBACKEND raised for lack of space begins
 * (SQLite's SQLITE_FULL, PostgreSQL's SQLSTATE 53100 disk_full, any "No
 * space left on device"): nothing was written, and retrying will not help
 * until someone frees space (unlike ERP_ERETRY). Storage backends raise
 * it so (erp/sys/backend.h); erp-server answers it with 507.
 */
#define ERP_STORAGE_FULL_PREFIX "storage full: "

/**
 * Details of the last error raised on the calling thread.
 *
 * The strings are owned by the library and stay valid until the next liberp
 * call on the same thread. Fields may be appended in later versions; never
 * allocate or copy this struct by value.
 */
typedef struct erp_error {
	int code;             /**< One of erp_error_code; ERP_OK when no error was raised. */
	const char *message;  /**< Human-readable text; never NULL (empty when code is ERP_OK). */
	const char *entity;   /**< The entity type at fault, or NULL. */
	const char *field;    /**< The field at fault (ERP_EINVALID and friends), or NULL. */
	int64_t retry_after_ms; /**< ERP_ELIMIT: milliseconds until an attempt may succeed; else 0. */
} erp_error;

/**
 * The last error raised on the calling thread.
 *
 * Successful calls do not clear it; call erp_error_clear() for that.
 *
 * @return a pointer to thread-local storage; never NULL. Valid until the
 *         next liberp call on the same thread. Errors are per thread, so
 *         another thread's failure never overwrites yours.
 */
ERP_EXTERN const erp_error *erp_error_last(void);

/** Resets the calling thread's last error to ERP_OK with an empty message. */
ERP_EXTERN void erp_error_clear(void);

/**
 * The symbolic name of a code ("ERP_EINVALID").
 *
 * @param code a value of erp_error_code.
 * @return a static string; "ERP_ERROR" for an unknown code. Thread-safe.
 */
ERP_EXTERN const char *erp_error_name(int code);

ERP_END_DECL

#endif /* ERP_ERRORS_H */
