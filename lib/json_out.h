/*
 * JSON output helpers over jansson.
 */
#ifndef ERP_LIB_JSON_OUT_H
#define ERP_LIB_JSON_OUT_H

#include <erp/buf.h>
#include <jansson.h>

/** Serialises `value` compactly into `out`. Does not steal the reference. */
int erp__json_to_buf(erp_buf *out, const json_t *value);

/** A JSON string, or JSON null when `s` is NULL. New reference. */
json_t *erp__json_text_or_null(const char *s);

#endif
