/**
 * @file erp/buf.h
 * @brief Owned output strings.
 *
 * Functions that return text (JSON, ids, reports) fill an erp_buf the
 * caller declares. The text is NUL-terminated UTF-8; `size` excludes the
 * terminator. The caller releases it with erp_buf_dispose(), never with
 * free(). A buffer can be reused: a function that fills it disposes what
 * it held first.
 *
 *     erp_buf id = ERP_BUF_INIT;
 *     if (erp_tenant_create(&id, store, "Acme", "USD") == ERP_OK)
 *         puts(id.ptr);
 *     erp_buf_dispose(&id);
 */
#ifndef ERP_BUF_H
#define ERP_BUF_H

#include "common.h"

ERP_BEGIN_DECL

/** A string owned by the caller once a function has filled it. */
typedef struct erp_buf {
	char *ptr;        /**< The text, NUL-terminated; NULL when empty-initialised. */
	size_t size;      /**< Length of the text in bytes, without the NUL. */
	size_t reserved;  /**< Bytes allocated; 0 when ptr is not owned by the buffer. */
} erp_buf;

/** Initialiser for an empty buffer. */
#define ERP_BUF_INIT { NULL, 0, 0 }

/**
 * Releases the memory held by a buffer and resets it to ERP_BUF_INIT.
 *
 * @param buf the buffer; NULL is accepted and ignored.
 */
ERP_EXTERN void erp_buf_dispose(erp_buf *buf);

ERP_END_DECL

#endif /* ERP_BUF_H */
