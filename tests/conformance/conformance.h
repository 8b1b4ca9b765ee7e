/*
 * The conformance suite: one set of tests, run once per storage backend.
 * Each file runs one CMocka group and returns its failure count.
 */
#ifndef ERP_CONFORMANCE_H
#define ERP_CONFORMANCE_H

#include "test_backend.h"
#include "core/store_internal.h"

int erp_conformance_errors(void);
int erp_conformance_store(void);
int erp_conformance_migrations(void);
int erp_conformance_tenant(void);
int erp_conformance_context(void);
int erp_conformance_setting(void);
int erp_conformance_audit(void);
int erp_conformance_threads(void);
int erp_conformance_backend_faults(void);
int erp_conformance_schema(void);
int erp_conformance_entity_crud(void);
int erp_conformance_entity_validation(void);
int erp_conformance_entity_documents(void);
int erp_conformance_entity_list(void);
int erp_conformance_entity_isolation(void);
int erp_conformance_entity_roles(void);
int erp_conformance_entity_history(void);
int erp_conformance_entity_fuzz(void);
int erp_conformance_ledger_post(void);
int erp_conformance_ledger_rules(void);
int erp_conformance_ledger_idempotency(void);
int erp_conformance_ledger_reverse(void);
int erp_conformance_ledger_immutability(void);
int erp_conformance_ledger_reports(void);
int erp_conformance_cursors(void);
int erp_conformance_ledger_property(void);
int erp_conformance_ledger_ledgercli(void);
int erp_conformance_ledger_concurrency(void);
int erp_conformance_ledger_tamper(void);
int erp_conformance_role_matrix(void);
int erp_conformance_session(void);
int erp_conformance_user(void);
int erp_conformance_invitation(void);
int erp_conformance_stock_avco(void);
int erp_conformance_stock_fifo(void);
int erp_conformance_stock_moves(void);
int erp_conformance_stock_reservations(void);
int erp_conformance_stock_property(void);

/** Group fixture: a fresh store in *state (a erp_conformance_fixture). */
typedef struct {
	erp_store *store;
	char *url;
} erp_conformance_fixture;

int erp_conformance_fresh_setup(void **state);
int erp_conformance_fresh_teardown(void **state);

/* ---- entity tests (test_entity_support.c) ------------------------------------- */

/** What a refused call must leave alone: entity rows, their versions, the audit log. */
typedef struct {
	int64_t rows;     /* rows of every entity table of the tenant */
	int64_t versions; /* sum of their versions */
	int64_t audit;    /* audit rows of the tenant */
} erp_ent_state;

/** The state of `tenant`'s entity tables and audit log (one query). */
erp_ent_state erp_ent_state_of(erp_store *store, const char *tenant);

#define assert_ent_state_equal(a, b) erp_ent_assert_state_equal((a), (b), __FILE__, __LINE__)
void erp_ent_assert_state_equal(erp_ent_state a, erp_ent_state b, const char *file, int line);

/** The entities every type may refer to, created in one tenant by erp_ent_world_build(). */
typedef struct {
	char unit[37];     /* core.uom, precision 0 */
	char kg[37];       /* core.uom, precision 3 */
	char account[37];  /* financial.account */
	char partner[37];  /* core.partner (USD) */
	char category[37]; /* core.product_category */
	char product[37];  /* core.product (unit) */
	char tax[37];      /* financial.tax */
	char warehouse[37];
	char location[37];
	char analytic[37]; /* analytics.account */
	char project[37];
	char task[37];
} erp_ent_world;

void erp_ent_world_build(erp_ent_world *w, erp_ctx *ctx);

/**
 * Expands a JSON template: {unit} {kg} {account} {partner} {category}
 * {product} {tax} {warehouse} {location} {analytic} {project} {task} take
 * the world's ids, {self} takes `self`, {u} a fresh unique token (the same
 * one for every {u} of the call). malloc'd.
 */
char *erp_ent_expand(const erp_ent_world *w, const char *tmpl, const char *self);

/* Calls that must succeed; each returns the parsed output (json_decref it). */
#define ent_create(ctx, type, json) erp_ent_create_at((ctx), (type), (json), __FILE__, __LINE__)
#define ent_get(ctx, type, id) erp_ent_get_at((ctx), (type), (id), __FILE__, __LINE__)
#define ent_update(ctx, type, id, version, json) erp_ent_update_at((ctx), (type), (id), (version), (json), __FILE__, __LINE__)
#define ent_delete(ctx, type, id, version) erp_ent_delete_at((ctx), (type), (id), (version), __FILE__, __LINE__)
#define ent_list(ctx, type, query) erp_ent_list_at((ctx), (type), (query), __FILE__, __LINE__)
#define ent_history(ctx, type, id) erp_ent_history_at((ctx), (type), (id), __FILE__, __LINE__)
json_t *erp_ent_create_at(erp_ctx *ctx, const char *type, const char *json, const char *file, int line);
json_t *erp_ent_get_at(erp_ctx *ctx, const char *type, const char *id, const char *file, int line);
json_t *erp_ent_update_at(erp_ctx *ctx, const char *type, const char *id, int64_t version, const char *json,
                          const char *file, int line);
json_t *erp_ent_delete_at(erp_ctx *ctx, const char *type, const char *id, int64_t version, const char *file, int line);
json_t *erp_ent_list_at(erp_ctx *ctx, const char *type, const char *query, const char *file, int line);
json_t *erp_ent_history_at(erp_ctx *ctx, const char *type, const char *id, const char *file, int line);

/** Creates from a template (erp_ent_expand) and returns the output. */
#define ent_create_t(ctx, w, type, tmpl) erp_ent_create_t_at((ctx), (w), (type), (tmpl), __FILE__, __LINE__)
json_t *erp_ent_create_t_at(erp_ctx *ctx, const erp_ent_world *w, const char *type, const char *tmpl, const char *file,
                            int line);

/** "id" and "version" of an entity object. */
const char *ent_id(const json_t *entity);
int64_t ent_version(const json_t *entity);
/** The string member `key` of an object, or NULL. */
const char *ent_str(const json_t *entity, const char *key);

/**
 * A create that must be refused with `code` and `field`, writing nothing
 * (entity rows, versions and audit of `tenant` unchanged).
 */
#define assert_create_refused(ctx, store, tenant, type, json, code, field) \
	erp_ent_refused_create_at((ctx), (store), (tenant), (type), (json), (code), (field), __FILE__, __LINE__)
void erp_ent_refused_create_at(erp_ctx *ctx, erp_store *store, const char *tenant, const char *type, const char *json,
                               int code, const char *field, const char *file, int line);

/** An update that must be refused with `code` and `field`, changing nothing (the entity reads the same). */
#define assert_update_refused(ctx, store, tenant, type, id, version, json, code, field) \
	erp_ent_refused_update_at((ctx), (store), (tenant), (type), (id), (version), (json), (code), (field), __FILE__, __LINE__)
void erp_ent_refused_update_at(erp_ctx *ctx, erp_store *store, const char *tenant, const char *type, const char *id,
                               int64_t version, const char *json, int code, const char *field, const char *file, int line);

/** The ids of the items of a list result, in order, as a JSON array of strings. New reference. */
json_t *ent_item_ids(const json_t *list_result);

#endif
