/*
 * JSON output helpers over jansson.
 */
#ifndef ERP_LIB_JSON_OUT_H
#define ERP_LIB_JSON_OUT_H

#include <erp/buf.h>
#include <jansson.h>

#include "strbuf.h"

/** Serialises `value` compactly into `out`. Does not steal the reference. */
int erp__json_to_buf(erp_buf *out, const json_t *value);

/** A JSON string, or JSON null when `s` is NULL. New reference. */
json_t *erp__json_text_or_null(const char *s);

/** Appends `len` bytes of UTF-8 text as a JSON string literal (quoted, escaped). */
void erp__json_put_string(erp__strbuf *sb, const char *s, size_t len);

/** Appends `,"key":` (or `"key":` when `first`). */
void erp__json_put_key(erp__strbuf *sb, const char *key, bool first);

/** Writes ids as a JSON array of strings (`["id1","id2"]`) into `out`. */
int erp__ids_json(erp_buf *out, const char (*ids)[37], size_t n);

#endif
