/*
 * JSON output helpers over jansson.
 */
#ifndef ERP_LIB_JSON_OUT_H
#define ERP_LIB_JSON_OUT_H

#include <erp/buf.h>
#include <jansson.h>

#include "strbuf.h"

/**
 * json_dumps() that never returns damaged text: jansson ignores a failed
 * write of an object's key, so under memory pressure json_dumps() can
 * return JSON with a key missing. This writes through a sticky erp__strbuf
 * instead and returns NULL on any failure. Free the text with free().
 */
char *erp__json_dumps(const json_t *value, size_t flags);

/** Serialises `value` compactly into `out`. Does not steal the reference. */
int erp__json_to_buf(erp_buf *out, const json_t *value);

/** A JSON string, or JSON null when `s` is NULL. New reference. */
json_t *erp__json_text_or_null(const char *s);

/**
 * json_object_set_new() that keeps count of failures, for building an
 * answer with several calls and checking once at the end: steals `value`
 * (NULL, from a constructor that failed, counts as a failure), and when
 * the value cannot be added drops it and clears `*ok`. jansson reports a
 * key or element it could not add only by its return value, so an
 * unchecked call under memory pressure leaves a partial answer. Once
 * `*ok` is false this only drops `value`: a caller that finds `*ok` false
 * frees the whole and answers erp__oom().
 */
void erp__json_set(json_t *object, const char *key, json_t *value, bool *ok);

/** json_array_append_new() the same way as erp__json_set(): steals `value`, clears `*ok` on any failure. */
void erp__json_append(json_t *array, json_t *value, bool *ok);

/**
 * The JSON text the store keeps (an audit row's before or after), parsed:
 * JSON null for NULL, the text as a JSON string when it is not JSON, and
 * NULL when out of memory (never the text as a string in its place).
 * New reference.
 */
json_t *erp__json_stored(const char *text);

/** Appends `len` bytes of UTF-8 text as a JSON string literal (quoted, escaped). */
void erp__json_put_string(erp__strbuf *sb, const char *s, size_t len);

/** Appends `,"key":` (or `"key":` when `first`). */
void erp__json_put_key(erp__strbuf *sb, const char *key, bool first);

/**
 * json_loadb(), ready for erp__json_load_oom(): NULL (errno ENOMEM) also
 * when an allocation failed during a parse that jansson finished anyway,
 * for it may then return a value without some of the text (its lexer
 * drops a byte it cannot save, and clears errno before a number). The
 * text is fed to jansson a byte at a time so that no failure goes unseen.
 */
json_t *erp__json_loadb(const char *input, size_t len, size_t flags, json_error_t *err);

/** erp__json_loadb() of a NUL-terminated text. */
json_t *erp__json_loads(const char *input, size_t flags, json_error_t *err);

/**
 * Right after erp__json_loads() returned NULL: true when it ran out of
 * memory rather than met bad JSON. jansson reports most allocation
 * failures as syntax errors ("invalid token"), but malloc sets ENOMEM.
 * The caller then answers erp__oom(), not ERP_EINVALID.
 */
bool erp__json_load_oom(const json_error_t *err);

/**
 * Parses a caller's JSON argument (duplicate keys refused) into *root, a
 * new reference: ERP_EINVALID of `entity` naming "json" when the text is
 * NULL or not JSON, ERP_ENOMEM when memory ran out while parsing.
 */
int erp__json_parse_arg(json_t **root, const char *json, const char *entity);

/**
 * The string member `key` of `obj` into *out (NULL when absent or JSON
 * null; borrowed from obj): ERP_EINVALID of `entity` naming `field` when
 * it is another type.
 */
int erp__json_opt_text(const char **out, const json_t *obj, const char *key, const char *entity, const char *field);

/** The first member name of `obj` not in `known` (NULL-terminated), or NULL when all are known. */
const char *erp__json_unknown_key(const json_t *obj, const char *const *known);

/** Writes ids as a JSON array of strings (`["id1","id2"]`) into `out`. */
int erp__ids_json(erp_buf *out, const char (*ids)[37], size_t n);

#endif
