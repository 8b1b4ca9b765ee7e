/*
 * Cursors of lists and reports (entity lists, journal entries, the general
 * ledger, stock moves): what a caller hands back to get the next page.
 *
 * A cursor carries a position and nothing else: never a figure (a running
 * balance is recomputed from the position, in storage). It is bound to
 * what made it: the tenant, the kind of list and every parameter that
 * makes the list what it is (account, dates, filters, sort...), through a
 * BLAKE2b hash of them and of the position, stored in the cursor. A
 * cursor of another tenant, another list or another query, or one altered
 * or cut, is refused as ERP_EINVALID naming the field "cursor". The hash
 * is not keyed: whoever reads this source can make a cursor for a query
 * of their own, and it then only picks a position in their own rows
 * (which the query's own parameters already allow), never a figure.
 *
 * Text: base64url (no padding) of the JSON array [position..., check].
 */
#ifndef ERP_LIB_CURSOR_H
#define ERP_LIB_CURSOR_H

#include <jansson.h>
#include <stddef.h>

/** Hex digits of a binding, without the NUL. */
#define ERP__CURSOR_BINDING_LEN 32

/**
 * The binding of a list: `kind` ("gl", "journal"...), the tenant, and the
 * list's parameters in a fixed order (NULL for one not given; distinct
 * from "").
 */
void erp__cursor_binding(char out[ERP__CURSOR_BINDING_LEN + 1], const char *kind, const char *tenant,
                         const char *const *parts, size_t nparts);

/**
 * The cursor text for `position` (a JSON array; not stolen) under
 * `binding`. malloc'd (free() it); NULL when out of memory.
 */
char *erp__cursor_make(const json_t *position, const char *binding);

/**
 * Reads `cursor` back: ERP_OK and `*out` the position (a JSON array of
 * `npos` elements; new reference) when it was made under `binding`;
 * ERP_EINVALID (entity `entity`, field "cursor", raised) when it was not;
 * ERP_ERROR when out of memory.
 */
int erp__cursor_open(json_t **out, const char *cursor, const char *binding, size_t npos, const char *entity);

#endif
