/*
 * What the entity read, write and list code share: looking up a type for
 * a call, loading rows and documents, and rendering them as JSON.
 */
#ifndef ERP_LIB_ENTITY_INTERNAL_H
#define ERP_LIB_ENTITY_INTERNAL_H

#include "core/context_internal.h"
#include "entity_row.h"

/** A loaded entity: the row and, for a document, its lines. */
typedef struct {
	erp__row row;
	erp__row *lines;
	size_t line_count;
} erp__doc;

/**
 * Checks the arguments every entity call has: ctx (role at least
 * `min_role`), type (known; `writing` refuses line types, which are
 * written through their document) and, when given, id.
 */
int erp__entity_args(const erp__entity_type **type, char id_out[ERP__UUID_LEN + 1], const erp_ctx *ctx,
                     int min_role, const char *type_name, const char *id, bool writing, const char *what);

/** Loads one entity (and its lines) by id; `lock` takes a row lock for writing. ERP_ENOTFOUND when absent. */
int erp__doc_load(erp__tx *tx, const char *tenant, const erp__entity_type *type, const char *id, bool lock, erp__doc *doc);

/** Loads the lines of a document, in order. */
int erp__doc_load_lines(erp__tx *tx, const char *tenant, erp__doc *doc);

void erp__doc_free(erp__doc *doc);

/** Appends a document (or plain entity) as JSON, lines included. */
int erp__doc_write_json(erp__strbuf *sb, erp__tx *tx, const char *tenant, const erp__doc *doc, erp__scales *sc);

/** JSON text of a doc (malloc'd, or NULL after raising). */
char *erp__doc_to_text(erp__tx *tx, const char *tenant, const erp__doc *doc, erp__scales *sc);

#endif
