/*
 * The statements of each entity type, built once from its description
 * (templates in the core's SQL notation, see db.h).
 */
#ifndef ERP_LIB_ENTITY_SQL_H
#define ERP_LIB_ENTITY_SQL_H

#include "entity_types.h"

typedef struct {
	const char *select_by_id;       /* $1 tenant, $2 id */
	const char *select_by_id_lock;  /* the same, locking the row for a write */
	const char *select_lines;       /* lines of a document: $1 tenant, $2 document id (line types only) */
	const char *insert;             /* $1 tenant, $2 id, $3 version, $4 archived, $5..$8 created/updated at/by, then fields */
	const char *update;             /* $1 tenant, $2 id, $3 expected version, $4 archived, $5 updated_at, $6 updated_by, then fields */
} erp__entity_sql;

/** The statements of `type`; NULL only when out of memory at first use. */
const erp__entity_sql *erp__entity_sql_for(const erp__entity_type *type);

#endif
