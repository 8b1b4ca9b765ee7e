/*
 * Entity types described once, as data (erp/entity.h). The generic CRUD
 * code builds every statement from these descriptions: column names come
 * only from here, never from the caller.
 */
#ifndef ERP_LIB_ENTITY_TYPES_H
#define ERP_LIB_ENTITY_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Kinds of field (the JSON forms are in erp/entity.h). */
typedef enum {
	ERP__F_TEXT,
	ERP__F_INTEGER,
	ERP__F_DECIMAL,   /* fixed scale */
	ERP__F_MONEY,     /* scale = exponent of the currency in currency_field */
	ERP__F_QUANTITY,  /* scale = precision of the core.uom in unit_field */
	ERP__F_DATE,
	ERP__F_DATETIME,
	ERP__F_BOOLEAN,
	ERP__F_ENUM,
	ERP__F_REFERENCE,
	ERP__F_JSON,
	ERP__F_CURRENCY   /* a currency code known to the tenant */
} erp__field_kind;

/** Field flags. */
enum {
	ERP__REQUIRED = 1 << 0,  /* must be given on create (unless it has a default) and never null */
	ERP__UNIQUE = 1 << 1,    /* unique within the tenant (nulls excepted) */
	ERP__READONLY = 1 << 2,  /* computed by the engine; never given */
	ERP__IMMUTABLE = 1 << 3, /* given on create, never changed */
	ERP__PARENT = 1 << 4     /* a line's reference to its document; set by the engine */
};

typedef struct erp__field {
	const char *name;              /* JSON name and column name */
	erp__field_kind kind;
	unsigned flags;
	int max_length;                /* text: characters; 0 = 1000 */
	int scale;                     /* decimal */
	int64_t min, max;              /* integer bounds (when min < max) */
	const char *const *values;     /* enum values, NULL-terminated */
	const char *references;        /* reference: the type referred to */
	const char *scale_field;       /* money: currency field; quantity: unit field ("^name": the parent's field) */
	const char *default_value;     /* JSON text of the default, or NULL; "$base_currency" for the tenant's */
} erp__field;

typedef struct erp__entity_type {
	const char *name;              /* "core.partner" */
	const char *table;             /* "{core.partners}" */
	const erp__field *fields;
	size_t field_count;
	const char *lines_type;        /* documents: the line type, else NULL */
	const char *const *default_sort; /* unused yet: id order */
} erp__entity_type;

/** The type called `name`, or NULL. */
const erp__entity_type *erp__entity_type_find(const char *name);

/** Every type, for iteration: `*count` receives how many. */
const erp__entity_type *erp__entity_types(size_t *count);

/** The field called `name` of `type`, or NULL. */
const erp__field *erp__entity_field(const erp__entity_type *type, const char *name);

/** The field of `type` with ERP__PARENT, or NULL. */
const erp__field *erp__entity_parent_field(const erp__entity_type *type);

/** Text name of a kind ("money"). */
const char *erp__field_kind_name(erp__field_kind kind);

#endif
