/**
 * @file erp/entity.h
 * @brief Generic create, read, update, delete and list of business entities.
 *
 * Every kind of master data and document (partners, products, accounts,
 * warehouses, orders with their lines, projects...) is an *entity type*
 * described once, as data: its fields, their kinds, which are required,
 * unique, read-only, and what they refer to. erp_entity_types() returns
 * the descriptions. Entities cross this API as UTF-8 JSON objects.
 *
 * ## JSON of an entity
 *
 * Each entity has the fields of its type plus the system fields `id`
 * (UUIDv7), `created_at`, `created_by`, `updated_at`, `updated_by`,
 * `version` (1 on create, +1 on each update) and `archived`. Kinds:
 *
 * | kind       | JSON                                                     |
 * |------------|----------------------------------------------------------|
 * | text       | string (UTF-8, at most the field's length in characters) |
 * | integer    | number without fraction, or a string of digits           |
 * | decimal    | string "123.45" (at most the field's scale in decimals)  |
 * | money      | string "1234.50", exact at the exponent of the currency named by the field's currency field |
 * | quantity   | string "2.500", exact at the precision of the unit named by the field's unit field |
 * | date       | string "YYYY-MM-DD"                                      |
 * | datetime   | string "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (UTC)             |
 * | boolean    | true / false                                             |
 * | enum       | one of the listed strings                                |
 * | reference  | the id (string) of an entity of the referred type, in the same tenant |
 * | json       | any JSON value                                           |
 *
 * Money and quantities are never floating point: a JSON number with a
 * fraction or an exponent is refused, and so is a decimal string with
 * more decimals than the currency or unit allows. So that stored amounts
 * never change meaning, the currency of a priced entity and the unit of a
 * quantity are fixed when it is created (descriptions mark them
 * "immutable"), and an ISO 4217 code keeps its ISO exponent.
 *
 * Rounding: a line amount (quantity x unit price) is rounded half away
 * from zero to the currency's exponent, with 128-bit intermediates.
 *
 * Documents with lines (`sales.order`, `purchase.order`) carry their lines
 * in a `lines` array and are created, read and updated as one object.
 *
 * ## Errors
 *
 * Input is checked before anything is written, and a refused call writes
 * nothing: ERP_EINVALID with erp_error_last()->field naming the field (or
 * "type", "id", "json", "query"...); ERP_EEXISTS for a unique field
 * already taken (field named); ERP_ENOTFOUND for an unknown id or a
 * reference to an entity that does not exist in the tenant (field named);
 * ERP_ECONFLICT for a stale version; ERP_EPERM when the role may not.
 *
 * Roles: readonly reads; readwrite also writes business data.
 *
 * Thread safety: as erp_ctx (one thread at a time per context; many
 * contexts on one store).
 */
#ifndef ERP_ENTITY_H
#define ERP_ENTITY_H

#include "common.h"
#include "buf.h"
#include "context.h"

ERP_BEGIN_DECL

/**
 * Describes every entity type as a JSON array of
 * `{"type","table","fields":[{"name","kind","required","unique","read_only",
 * "max_length","scale","values","references","currency_field","unit_field",
 * "default"}],"lines":"<line type>"}`.
 *
 * @param out receives the JSON text.
 * @return ERP_OK; ERP_EINVALID for a NULL out; ERP_ERROR.
 */
ERP_EXTERN int erp_entity_types(erp_buf *out);

/**
 * Creates an entity.
 *
 * @param out   receives the created entity as JSON (with its id and
 *              version 1). May be NULL.
 * @param ctx   a readwrite or admin context.
 * @param type  the entity type, e.g. "core.partner".
 * @param json  a JSON object of the fields to set; system and read-only
 *              fields may not be given; missing fields take their default.
 * @return ERP_OK; ERP_EINVALID, ERP_EEXISTS, ERP_ENOTFOUND (a reference),
 *         ERP_EPERM (see above); ERP_EBACKEND, ERP_ERETRY.
 */
ERP_EXTERN int erp_entity_create(erp_buf *out, erp_ctx *ctx, const char *type, const char *json);

/**
 * Reads one entity (archived ones included) as JSON.
 *
 * @param out  receives the JSON text.
 * @param ctx  any context of the tenant.
 * @param type the entity type.
 * @param id   the entity's id.
 * @return ERP_OK; ERP_ENOTFOUND (also for another tenant's id);
 *         ERP_EINVALID (field "type" or "id").
 */
ERP_EXTERN int erp_entity_get(erp_buf *out, erp_ctx *ctx, const char *type, const char *id);

/**
 * Changes some fields of an entity (the others keep their values).
 *
 * For a document with lines, a `lines` array replaces the lines: a line
 * object with the `id` of an existing line updates it, one without an id
 * adds a line, and existing lines left out are removed.
 *
 * @param out      receives the updated entity as JSON. May be NULL.
 * @param ctx      a readwrite or admin context.
 * @param type     the entity type.
 * @param id       the entity's id.
 * @param version  the version the caller read; the update is refused
 *                 with ERP_ECONFLICT when the entity has changed since.
 * @param json     a JSON object of the fields to change (null clears an
 *                 optional field); read-only fields may not be given.
 * @return ERP_OK; ERP_ECONFLICT; ERP_ENOTFOUND; ERP_EINVALID, ERP_EEXISTS,
 *         ERP_EPERM; ERP_EBACKEND, ERP_ERETRY.
 */
ERP_EXTERN int erp_entity_update(erp_buf *out, erp_ctx *ctx, const char *type, const char *id,
                                 int64_t version, const char *json);

/**
 * Deletes an entity, or archives it when other rows refer to it (the
 * references stay valid; an archived entity is left out of lists unless
 * asked for, and can still be read by id).
 *
 * @param out      receives `{"id":"...","result":"deleted"|"archived","referenced_by":"<type>"}`.
 *                 May be NULL.
 * @param ctx      a readwrite or admin context.
 * @param type     the entity type.
 * @param id       the entity's id.
 * @param version  the version the caller read (ERP_ECONFLICT when stale).
 * @return ERP_OK; ERP_ECONFLICT; ERP_ENOTFOUND; ERP_EINVALID; ERP_EPERM;
 *         ERP_EBACKEND, ERP_ERETRY.
 */
ERP_EXTERN int erp_entity_delete(erp_buf *out, erp_ctx *ctx, const char *type, const char *id,
                                 int64_t version);

/**
 * Lists entities of a type, one page at a time.
 *
 * `query` is a JSON object (or NULL for the first page of everything):
 *
 *     {"filter": [["name","like","Acme%"], ["credit_limit","ge","100.00"],
 *                 ["country","in",["FR","DE"]], ["email","is_null",false]],
 *      "sort": [["name","asc"]],      // any fields; id breaks ties
 *      "limit": 50,                    // 1..1000, default 50
 *      "cursor": "<next_cursor of the previous page>",
 *      "count": true,                  // also return the total matching
 *      "include_archived": false}
 *
 * Operators: eq, ne, lt, le, gt, ge, in, like (with % and _; case-
 * insensitive for ASCII letters), is_null. Items of documents carry no
 * lines: read one with erp_entity_get() for those.
 * Values take the field's JSON form; money and quantity values in a
 * filter are read at the exponent of the tenant's base currency (money)
 * or the field's unit when an `eq` filter on the unit field names it.
 * Filter values are always bound as parameters; field names are checked
 * against the type's description.
 *
 * @param out   receives `{"items":[...],"next_cursor":"..."|null,"total":N}`
 *              (`total` only when asked for).
 * @param ctx   any context of the tenant.
 * @param type  the entity type.
 * @param query the query JSON, or NULL.
 * @return ERP_OK; ERP_EINVALID (field "query", or the filter's field
 *         name); ERP_EBACKEND.
 */
ERP_EXTERN int erp_entity_list(erp_buf *out, erp_ctx *ctx, const char *type, const char *query);

/**
 * The audit history of one entity, oldest first, as a JSON array of
 * `{"id","at","actor","action","before","after"}`.
 *
 * @param out  receives the JSON text.
 * @param ctx  any context of the tenant.
 * @param type the entity type.
 * @param id   the entity's id (also for a deleted entity).
 * @return ERP_OK; ERP_ENOTFOUND (field "id") when nothing was recorded for
 *         that id in this tenant (another tenant's id included);
 *         ERP_EINVALID (field "type" or "id"); ERP_EBACKEND.
 */
ERP_EXTERN int erp_entity_history(erp_buf *out, erp_ctx *ctx, const char *type, const char *id);

ERP_END_DECL

#endif /* ERP_ENTITY_H */
