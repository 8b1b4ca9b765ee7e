/**
 * @file erp/sys/backend.h
 * @brief Helpers for backend implementers: raising errors, filling buffers.
 *
 * Headers under erp/sys/ are for people who plug in storage or cache
 * backends. Their stability promise is weaker than the rest of the API:
 * the structs are versioned and only grow by appending members, but a new
 * major version of liberp may change them. Applications never need them.
 */
#ifndef ERP_SYS_BACKEND_H
#define ERP_SYS_BACKEND_H

#include "../common.h"
#include "../buf.h"
#include "../errors.h"

ERP_BEGIN_DECL

/**
 * Records the calling thread's last error (see erp_error_last()).
 *
 * @param code    an erp_error_code.
 * @param entity  entity type at fault, or NULL. Copied.
 * @param field   field at fault, or NULL. Copied.
 * @param message the text; NULL means the code's name. Copied (truncated
 *                to 1023 bytes).
 * A write refused for lack of space is ERP_EBACKEND with a message that
 * begins with ERP_STORAGE_FULL_PREFIX (erp/errors.h), whatever the backend.
 *
 * @return `code`, so that `return erp_error_set(...)` reads naturally.
 */
ERP_EXTERN int erp_error_set(int code, const char *entity, const char *field, const char *message);

/**
 * Replaces a buffer's contents with a copy of `len` bytes of `data`, plus a
 * NUL terminator.
 *
 * @param buf  the buffer (its old contents are disposed).
 * @param data the bytes; may be NULL when len is 0.
 * @param len  how many bytes.
 * @return ERP_OK or ERP_ERROR when out of memory (buf is then empty, and
 *         the error has been raised with erp_error_set()).
 */
ERP_EXTERN int erp_buf_set(erp_buf *buf, const char *data, size_t len);

ERP_END_DECL

#endif /* ERP_SYS_BACKEND_H */
