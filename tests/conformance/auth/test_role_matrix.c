/*
 * The role matrix: every write call of the public API, made by each role
 * (readonly, readwrite, admin), with the outcome the headers promise.
 *
 * - Below the call's role: ERP_EPERM, and nothing written (entity rows and
 *   versions, the audit log, the ledger, settings, the lock date, users,
 *   memberships, sessions), no output; the sessions and the password of
 *   the users the call was aimed at still work.
 * - The refusal comes before the input is looked at: the same call with
 *   garbage input is ERP_EPERM below the role too, and ERP_EINVALID at or
 *   above it (which proves that the garbage is garbage).
 * - At or above the call's role: ERP_OK, and the call took effect.
 *
 * Each row of `rows` below is one call: its name, the least role that may
 * make it and functions that make it (and its garbage twin) on a prepared
 * fixture; a new write call of the API is one more row. Every cell
 * (row x role x how the context was made: erp_ctx_new() or a session
 * login) is a test of its own on a new tenant, named
 * "<call> as <role> via <ctx>", so that a filter picks cells:
 *
 *     test_conformance sqlite role_matrix '*erp_setting_set*'
 */
#include "conformance.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fixture: one tenant with something of everything ----------------------------------- */

enum { RM_VIA_CTX_NEW, RM_VIA_SESSION, RM_VIA_COUNT };

#define RM_PASSWORD "actor password 1"
#define RM_TARGET_PASSWORD "target password 1"
#define RM_NEW_PASSWORD "a brand new password"

typedef struct {
	erp_store *store;
	char tenant[37];
	char u[16];      /* a unique token for names and emails */
	erp_ctx *setup;  /* admin, acting as "system": prepares the tenant */
	erp_ctx *actor;  /* the role under test */
	int role;
	int via;
	/* business data */
	char uom[37], partner[37], spare_partner[37], order[37];
	int64_t partner_version, spare_version, order_version;
	char journal[37], cash[37], revenue[37], entry[37];
	/* stock: a product with 10 units at the stock location, 2 of them reserved */
	char product[37], vendors[37], stock[37], reservation[37];
	/* users: the actor (a member with the role under test) and a readwrite member aimed at */
	char actor_id[37], actor_email[96], actor_token[ERP_SESSION_TOKEN_LEN + 1];
	char target_id[37], target_email[96], target_token[ERP_SESSION_TOKEN_LEN + 1];
	char invitation_id[37];  /* a pending invitation of the tenant */
	/* what the call returned */
	erp_buf out;
	int64_t count;
} rm_fix;

/* The store of the group (one fresh store; every cell makes its own tenant in it). */
static erp_store *rm_store;
static char *rm_url;


static void create_into(char out[37], int64_t *version, erp_ctx *ctx, const char *type, const char *json)
{
	json_t *o = ent_create(ctx, type, json);
	snprintf(out, 37, "%s", ent_id(o));
	if (version)
		*version = ent_version(o);
	json_decref(o);
}

static void make_user(char id_out[37], rm_fix *f, const char *email, const char *password, int role)
{
	erp_buf id = ERP_BUF_INIT, token = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&token, NULL, f->setup, email, role, 0));
	assert_erp_ok(erp_invitation_accept_password(NULL, &id, f->store, token.ptr, "Matrix user", password));
	erp_buf_dispose(&token);
	assert_int_equal(id.size, 36);
	memcpy(id_out, id.ptr, 37);
	erp_buf_dispose(&id);
}

static void login(char token_out[ERP_SESSION_TOKEN_LEN + 1], erp_ctx **ctx_out, rm_fix *f, const char *email,
                  const char *password)
{
	erp_buf token = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&token, ctx_out, f->store, email, password, f->tenant, "role-matrix"));
	assert_int_equal(token.size, ERP_SESSION_TOKEN_LEN);
	memcpy(token_out, token.ptr, ERP_SESSION_TOKEN_LEN + 1);
	erp_buf_dispose(&token);
}

static void rm_post(char out[37], rm_fix *f, erp_ctx *ctx, const char *date, int64_t amount)
{
	erp_ledger_line l[2] = {
		{ f->cash, amount, 0, NULL, NULL, NULL, "matrix" },
		{ f->revenue, 0, amount, NULL, NULL, NULL, NULL },
	};
	erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
	e.journal_id = f->journal;
	e.date = date;
	e.lines = l;
	e.line_count = 2;
	erp_buf id = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_post(&id, ctx, &e));
	if (out)
		snprintf(out, 37, "%s", id.ptr);
	erp_buf_dispose(&id);
}

static void rm_fix_build(rm_fix *f, erp_store *store, int role, int via)
{
	memset(f, 0, sizeof *f);
	f->store = store;
	f->role = role;
	f->via = via;
	f->count = -1;
	erp_test_unique(f->u);
	erp_test_tenant(f->tenant, store);
	assert_erp_ok(erp_ctx_new(&f->setup, store, f->tenant, "system", ERP_ROLE_ADMIN));
	char json[512];
	/* master data, a document with a line, a journal, two accounts and a posted entry */
	snprintf(json, sizeof json, "{\"name\":\"unit %s\",\"precision\":0,\"category\":\"unit\"}", f->u);
	create_into(f->uom, NULL, f->setup, "core.uom", json);
	create_into(f->partner, &f->partner_version, f->setup, "core.partner", "{\"name\":\"Customer\",\"is_customer\":true}");
	snprintf(json, sizeof json,
	         "{\"partner_id\":\"%s\",\"date\":\"2026-01-01\",\"lines\":["
	         "{\"uom_id\":\"%s\",\"quantity\":\"2\",\"price_unit\":\"3.50\"}]}",
	         f->partner, f->uom);
	create_into(f->order, &f->order_version, f->setup, "sales.order", json);
	create_into(f->journal, NULL, f->setup, "financial.journal", "{\"code\":\"GEN\",\"name\":\"General\"}");
	create_into(f->cash, NULL, f->setup, "financial.account", "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}");
	create_into(f->revenue, NULL, f->setup, "financial.account",
	            "{\"code\":\"4000\",\"name\":\"Revenue\",\"type\":\"income\"}");
	rm_post(f->entry, f, f->setup, "2026-02-01", 1250);
	snprintf(json, sizeof json, "{\"name\":\"Widget\",\"uom_id\":\"%s\",\"cost_method\":\"average\"}", f->uom);
	create_into(f->product, NULL, f->setup, "core.product", json);
	create_into(f->vendors, NULL, f->setup, "inventory.location", "{\"name\":\"Vendors\",\"usage\":\"supplier\"}");
	create_into(f->stock, NULL, f->setup, "inventory.location", "{\"name\":\"Stock\",\"usage\":\"internal\"}");
	erp_stock_move_params m = ERP_STOCK_MOVE_PARAMS_INIT;
	m.product_id = f->product;
	m.quantity = 10;
	m.location_id = f->vendors;
	m.location_dest_id = f->stock;
	m.has_unit_cost = 1;
	m.unit_cost = 100;
	assert_erp_ok(erp_stock_move(NULL, f->setup, &m));
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = f->product;
	r.location_id = f->stock;
	r.quantity = 2;
	erp_buf rid = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_reserve(&rid, f->setup, &r));
	snprintf(f->reservation, sizeof f->reservation, "%s", rid.ptr);
	erp_buf_dispose(&rid);
	/* the actor, a member with the role under test, and the target, a readwrite member; both logged in */
	snprintf(f->actor_email, sizeof f->actor_email, "actor-%s@matrix.example", f->u);
	snprintf(f->target_email, sizeof f->target_email, "target-%s@matrix.example", f->u);
	make_user(f->actor_id, f, f->actor_email, RM_PASSWORD, role);
	make_user(f->target_id, f, f->target_email, RM_TARGET_PASSWORD, ERP_ROLE_READWRITE);
	login(f->target_token, NULL, f, f->target_email, RM_TARGET_PASSWORD);
	if (via == RM_VIA_SESSION) {
		login(f->actor_token, &f->actor, f, f->actor_email, RM_PASSWORD);
	} else {
		login(f->actor_token, NULL, f, f->actor_email, RM_PASSWORD);
		assert_erp_ok(erp_ctx_new(&f->actor, store, f->tenant, f->actor_id, role));
	}
	assert_int_equal(erp_ctx_role(f->actor), role);
	assert_string_equal(erp_ctx_tenant(f->actor), f->tenant);
}

static void rm_fix_free(rm_fix *f)
{
	erp_buf_dispose(&f->out);
	erp_ctx_free(f->actor);
	erp_ctx_free(f->setup);
	f->actor = f->setup = NULL;
}

/* ---- the state a refused call must leave alone ---------------------------------------------- */

#define RM_STATE_FIELDS(X)                                                                           \
	X(entity_rows) X(entity_versions) X(audit) X(entries) X(entry_lines) X(balances) X(ledger_seq)   \
	X(ledger_version) X(lock_dates) X(settings) X(settings_version) X(members) X(members_version)     \
	X(members_disabled) X(members_roles) X(users) X(users_version) X(sessions) X(stock_moves) X(stock_on_hand) \
	X(stock_layers) X(reservations) X(reservations_version) X(invitations) X(invitations_version)

typedef struct {
#define RM_FIELD(name) int64_t name;
	RM_STATE_FIELDS(RM_FIELD)
#undef RM_FIELD
} rm_state;

static rm_state rm_state_of(rm_fix *f)
{
	rm_state s;
	erp_ent_state e = erp_ent_state_of(f->store, f->tenant);
	s.entity_rows = e.rows;
	s.entity_versions = e.versions;
	s.audit = e.audit;
	const char *t = f->tenant;
	char sql[2400];
	/* The tenant's own tables, in its scope (row-level security shows it nothing else). */
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM {financial.entries} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {financial.entry_lines} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {financial.balances} WHERE tenant_id = '%s'), "
	         "CAST((SELECT coalesce(sum(last_seq), 0) FROM {financial.ledger_state} WHERE tenant_id = '%s') AS bigint), "
	         "CAST((SELECT coalesce(sum(version), 0) FROM {financial.ledger_state} WHERE tenant_id = '%s') AS bigint), "
	         "(SELECT count(lock_date) FROM {financial.ledger_state} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {system.settings} WHERE tenant_id = '%s'), "
	         "CAST((SELECT coalesce(sum(version), 0) FROM {system.settings} WHERE tenant_id = '%s') AS bigint)",
	         t, t, t, t, t, t, t, t);
	int64_t v[8];
	erp_test_scalars(v, 8, f->store, t, sql);
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM {inventory.moves} WHERE tenant_id = '%s'), "
	         "CAST((SELECT coalesce(sum(quantity), 0) FROM {inventory.quants} WHERE tenant_id = '%s') AS bigint), "
	         "(SELECT count(*) FROM {inventory.layers} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {inventory.reservations} WHERE tenant_id = '%s'), "
	         "CAST((SELECT coalesce(sum(version), 0) FROM {inventory.reservations} WHERE tenant_id = '%s') AS bigint)",
	         t, t, t, t, t);
	int64_t st[5];
	erp_test_scalars(st, 5, f->store, t, sql);
	s.stock_moves = st[0];
	s.stock_on_hand = st[1];
	s.stock_layers = st[2];
	s.reservations = st[3];
	s.reservations_version = st[4];
	s.entries = v[0];
	s.entry_lines = v[1];
	s.balances = v[2];
	s.ledger_seq = v[3];
	s.ledger_version = v[4];
	s.lock_dates = v[5];
	s.settings = v[6];
	s.settings_version = v[7];
	/* The store-level registries (users, memberships, sessions), as the store's login role. */
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM {auth.memberships} WHERE tenant_id = '%s'), "
	         "CAST((SELECT coalesce(sum(version), 0) FROM {auth.memberships} WHERE tenant_id = '%s') AS bigint), "
	         "CAST((SELECT coalesce(sum(CAST(disabled AS integer)), 0) FROM {auth.memberships} WHERE tenant_id = '%s') "
	         "AS bigint), "
	         "CAST((SELECT coalesce(sum(CASE role WHEN 'admin' THEN 10000 WHEN 'readwrite' THEN 100 ELSE 1 END), 0) "
	         "FROM {auth.memberships} WHERE tenant_id = '%s') AS bigint), "
	         "(SELECT count(*) FROM {auth.users}), "
	         "CAST((SELECT coalesce(sum(version), 0) FROM {auth.users}) AS bigint), "
	         "(SELECT count(*) FROM {auth.sessions} WHERE tenant_id = '%s'), "
	         "(SELECT count(*) FROM {auth.invitations} WHERE tenant_id = '%s'), "
	         "CAST((SELECT coalesce(sum(version), 0) FROM {auth.invitations} WHERE tenant_id = '%s') AS bigint)",
	         t, t, t, t, t, t, t);
	int64_t w[9];
	erp_test_scalars(w, 9, f->store, NULL, sql);
	s.invitations = w[7];
	s.invitations_version = w[8];
	s.members = w[0];
	s.members_version = w[1];
	s.members_disabled = w[2];
	s.members_roles = w[3];
	s.users = w[4];
	s.users_version = w[5];
	s.sessions = w[6];
	return s;
}

/* The fields that differ, "name a -> b, ..." ("" when none). */
static void rm_state_diff(char *out, size_t cap, const rm_state *a, const rm_state *b)
{
	size_t n = 0;
	out[0] = '\0';
#define RM_DIFF(name)                                                                                              \
	if (a->name != b->name && n < cap)                                                                            \
		n += (size_t)snprintf(out + n, cap - n, "%s%s %" PRId64 " -> %" PRId64, n ? ", " : "", #name, a->name, b->name);
	RM_STATE_FIELDS(RM_DIFF)
#undef RM_DIFF
}

#define assert_rm_unchanged(f, before, what) rm_assert_unchanged_at((f), (before), (what), __FILE__, __LINE__)
static void rm_assert_unchanged_at(rm_fix *f, const rm_state *before, const char *what, const char *file, int line)
{
	rm_state now = rm_state_of(f);
	char diff[1200];
	rm_state_diff(diff, sizeof diff, before, &now);
	if (diff[0])
		erp_test_fail_at(file, line, "%s wrote something: %s", what, diff);
}

/* ---- the rows: one write call each ------------------------------------------------------------ */

typedef struct {
	const char *name;
	int min_role;                              /* the least role that may make the call */
	void (*prepare)(rm_fix *f);                /* optional: what only this call needs (as f->setup) */
	int (*call)(rm_fix *f);                    /* the call by f->actor, with valid input */
	int (*garbage)(rm_fix *f);                 /* the same call by f->actor with invalid input; NULL: none */
	void (*done)(rm_fix *f, const rm_state *before); /* optional: proves an allowed call took effect */
} rm_row;

/* entities: master data (core.partner) and a document with lines (sales.order) */

static int partner_create(rm_fix *f)
{
	return erp_entity_create(&f->out, f->actor, "core.partner", "{\"name\":\"Matrix partner\"}");
}

static int partner_create_garbage(rm_fix *f)
{
	return erp_entity_create(&f->out, f->actor, "core.partner", "not even JSON");
}

static int order_create(rm_fix *f)
{
	char json[512];
	snprintf(json, sizeof json,
	         "{\"partner_id\":\"%s\",\"date\":\"2026-02-02\",\"lines\":["
	         "{\"uom_id\":\"%s\",\"quantity\":\"1\",\"price_unit\":\"9.99\"},"
	         "{\"uom_id\":\"%s\",\"quantity\":\"4\",\"price_unit\":\"0.25\"}]}",
	         f->partner, f->uom, f->uom);
	return erp_entity_create(&f->out, f->actor, "sales.order", json);
}

static int order_create_garbage(rm_fix *f)
{
	return erp_entity_create(&f->out, f->actor, "sales.order", "{\"partner_id\":42,\"lines\":\"none\"}");
}

static void entity_created(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_true(now.entity_rows > before->entity_rows);
	assert_int_equal(now.audit, before->audit + 1);
	json_t *o = erp_test_json(f->out.ptr);
	assert_int_equal(ent_version(o), 1);
	json_decref(o);
}

static int partner_update(rm_fix *f)
{
	return erp_entity_update(&f->out, f->actor, "core.partner", f->partner, f->partner_version, "{\"name\":\"Renamed\"}");
}

static int partner_update_garbage(rm_fix *f)
{
	return erp_entity_update(&f->out, f->actor, "core.partner", f->partner, f->partner_version, "[\"not\",\"an object\"]");
}

static int order_update(rm_fix *f)
{
	char json[256];
	snprintf(json, sizeof json, "{\"lines\":[{\"uom_id\":\"%s\",\"quantity\":\"7\",\"price_unit\":\"1.00\"}]}", f->uom);
	return erp_entity_update(&f->out, f->actor, "sales.order", f->order, f->order_version, json);
}

static int order_update_garbage(rm_fix *f)
{
	return erp_entity_update(&f->out, f->actor, "sales.order", "not-an-id", f->order_version, "{\"lines\":[]}");
}

static void entity_updated(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_true(now.entity_versions > before->entity_versions);
	assert_int_equal(now.audit, before->audit + 1);
	json_t *o = erp_test_json(f->out.ptr);
	assert_int_equal(ent_version(o), 2);
	json_decref(o);
}

static void spare_partner(rm_fix *f)
{
	create_into(f->spare_partner, &f->spare_version, f->setup, "core.partner", "{\"name\":\"Nobody refers to me\"}");
}

static int partner_delete(rm_fix *f)
{
	return erp_entity_delete(&f->out, f->actor, "core.partner", f->spare_partner, f->spare_version);
}

static int partner_delete_garbage(rm_fix *f)
{
	return erp_entity_delete(&f->out, f->actor, "core.partner", "not-an-id", f->spare_version);
}

static int order_delete(rm_fix *f)
{
	return erp_entity_delete(&f->out, f->actor, "sales.order", f->order, f->order_version);
}

static int order_delete_garbage(rm_fix *f)
{
	return erp_entity_delete(&f->out, f->actor, "no.such_type", f->order, f->order_version);
}

static void entity_deleted(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_true(now.entity_rows < before->entity_rows); /* the order goes with its lines */
	assert_int_equal(now.audit, before->audit + 1);
	json_t *o = erp_test_json(f->out.ptr);
	assert_string_equal(ent_str(o, "result"), "deleted");
	json_decref(o);
}

/* the ledger */

static void ledger_grew(rm_fix *f, const rm_state *before, int64_t entries)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.entries, before->entries + entries);
	assert_int_equal(now.entry_lines, before->entry_lines + 2 * entries);
	assert_int_equal(now.ledger_seq, before->ledger_seq + entries);
}

static int journal_post(rm_fix *f)
{
	erp_ledger_line l[2] = {
		{ f->cash, 500, 0, NULL, NULL, NULL, NULL },
		{ f->revenue, 0, 500, NULL, NULL, NULL, NULL },
	};
	erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
	e.journal_id = f->journal;
	e.date = "2026-03-01";
	e.lines = l;
	e.line_count = 2;
	return erp_ledger_post(&f->out, f->actor, &e);
}

static int journal_post_garbage(rm_fix *f)
{
	erp_ledger_entry e = ERP_LEDGER_ENTRY_INIT;
	e.journal_id = "not-an-id";
	e.date = "yesterday";
	e.lines = NULL;
	e.line_count = 0;
	return erp_ledger_post(&f->out, f->actor, &e);
}

static void posted_one(rm_fix *f, const rm_state *before)
{
	ledger_grew(f, before, 1);
}

static int journal_post_json(rm_fix *f)
{
	char json[512];
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"2026-03-02\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"12.50\"},{\"account_id\":\"%s\",\"credit\":\"12.50\"}]}",
	         f->journal, f->cash, f->revenue);
	return erp_ledger_post_json(&f->out, f->actor, json);
}

static int journal_post_json_garbage(rm_fix *f)
{
	return erp_ledger_post_json(&f->out, f->actor, "{\"journal_id\": not JSON");
}

static int journal_post_batch_json(rm_fix *f)
{
	char json[800];
	snprintf(json, sizeof json,
	         "[{\"journal_id\":\"%s\",\"date\":\"2026-03-03\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"1.00\"},{\"account_id\":\"%s\",\"credit\":\"1.00\"}]},"
	         "{\"journal_id\":\"%s\",\"date\":\"2026-03-04\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"2.00\"},{\"account_id\":\"%s\",\"credit\":\"2.00\"}]}]",
	         f->journal, f->cash, f->revenue, f->journal, f->cash, f->revenue);
	return erp_ledger_post_batch_json(&f->out, f->actor, json);
}

static int journal_post_batch_json_garbage(rm_fix *f)
{
	return erp_ledger_post_batch_json(&f->out, f->actor, "[]");
}

static int journal_post_batch(rm_fix *f)
{
	erp_ledger_line l[2] = {
		{ f->cash, 700, 0, NULL, NULL, NULL, NULL },
		{ f->revenue, 0, 700, NULL, NULL, NULL, NULL },
	};
	erp_ledger_entry e[2] = { ERP_LEDGER_ENTRY_INIT, ERP_LEDGER_ENTRY_INIT };
	for (size_t i = 0; i < 2; i++) {
		e[i].journal_id = f->journal;
		e[i].date = i ? "2026-03-04" : "2026-03-03";
		e[i].lines = l;
		e[i].line_count = 2;
	}
	return erp_ledger_post_batch(&f->out, f->actor, e, 2);
}

static int journal_post_batch_garbage(rm_fix *f)
{
	erp_ledger_entry e[1] = { ERP_LEDGER_ENTRY_INIT };
	return erp_ledger_post_batch(&f->out, f->actor, e, 0);
}

static void posted_two(rm_fix *f, const rm_state *before)
{
	ledger_grew(f, before, 2);
}

static int journal_reverse(rm_fix *f)
{
	return erp_ledger_reverse(&f->out, f->actor, f->entry, "2026-03-05");
}

static int journal_reverse_garbage(rm_fix *f)
{
	return erp_ledger_reverse(&f->out, f->actor, "not-an-id", "2026-03-05");
}

static int lock_date_set(rm_fix *f)
{
	return erp_ledger_set_lock_date(f->actor, "2026-01-31");
}

static int lock_date_garbage(rm_fix *f)
{
	return erp_ledger_set_lock_date(f->actor, "31/01/2026");
}

static void lock_date_is_set(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.lock_dates, 1);
	assert_true(now.ledger_version > before->ledger_version);
	assert_int_equal(now.audit, before->audit + 1);
	erp_buf d = ERP_BUF_INIT;
	assert_erp_ok(erp_ledger_lock_date(&d, f->setup));
	assert_string_equal(d.ptr, "2026-01-31");
	erp_buf_dispose(&d);
}

static void lock_date_prepare(rm_fix *f)
{
	assert_erp_ok(erp_ledger_set_lock_date(f->setup, "2025-12-31"));
}

static int lock_date_remove(rm_fix *f)
{
	return erp_ledger_set_lock_date(f->actor, NULL);
}

static void lock_date_is_removed(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(before->lock_dates, 1);
	assert_int_equal(now.lock_dates, 0);
	assert_true(now.ledger_version > before->ledger_version);
	assert_int_equal(now.audit, before->audit + 1);
	erp_buf d = ERP_BUF_INIT;
	assert_erp_error(erp_ledger_lock_date(&d, f->setup), ERP_ENOTFOUND, NULL);
	erp_buf_dispose(&d);
}

/* settings */

static int setting_set(rm_fix *f)
{
	return erp_setting_set(f->actor, "matrix.key", "new value");
}

static int setting_set_garbage(rm_fix *f)
{
	return erp_setting_set(f->actor, "Not A Key!", "value");
}

static void setting_is_set(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.settings, before->settings + 1);
	assert_int_equal(now.audit, before->audit + 1);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_ok(erp_setting_get(&v, f->setup, "matrix.key"));
	assert_string_equal(v.ptr, "new value");
	erp_buf_dispose(&v);
}

static void setting_prepare(rm_fix *f)
{
	assert_erp_ok(erp_setting_set(f->setup, "matrix.key", "old value"));
}

static int setting_delete(rm_fix *f)
{
	return erp_setting_set(f->actor, "matrix.key", NULL);
}

static int setting_delete_garbage(rm_fix *f)
{
	return erp_setting_set(f->actor, "", NULL);
}

static void setting_is_deleted(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.settings, before->settings - 1);
	assert_int_equal(now.audit, before->audit + 1);
	erp_buf v = ERP_BUF_INIT;
	assert_erp_error(erp_setting_get(&v, f->setup, "matrix.key"), ERP_ENOTFOUND, NULL);
	erp_buf_dispose(&v);
}

/* users (erp/user.h) */

/* `token` no longer resumes a session. */
static void session_ended(rm_fix *f, const char *token)
{
	erp_ctx *c = NULL;
	assert_erp_error(erp_session_resume(&c, f->store, token), ERP_EAUTH, NULL);
	erp_ctx_free(c);
}

static int invitation_create(rm_fix *f)
{
	char email[96];
	snprintf(email, sizeof email, "new-%s@matrix.example", f->u);
	erp_buf token = ERP_BUF_INIT;
	int rc = erp_invitation_create(&token, &f->out, f->actor, email, ERP_ROLE_READWRITE, 0);
	assert_int_equal(token.size, rc == ERP_OK ? ERP_INVITATION_TOKEN_LEN : 0);
	erp_buf_dispose(&token);
	return rc;
}

static int invitation_create_garbage(rm_fix *f)
{
	erp_buf token = ERP_BUF_INIT;
	int rc = erp_invitation_create(&token, &f->out, f->actor, "not an email", 99, -5);
	erp_buf_dispose(&token);
	return rc;
}

static void invitation_created(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.users, before->users);
	assert_int_equal(now.members, before->members);
	assert_int_equal(now.invitations, before->invitations + 1);
	assert_int_equal(now.audit, before->audit + 1);
	assert_int_equal(f->out.size, 36);
}

static void invitation_prepare(rm_fix *f)
{
	char email[96];
	snprintf(email, sizeof email, "invited-%s@matrix.example", f->u);
	erp_buf token = ERP_BUF_INIT, id = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_create(&token, &id, f->setup, email, ERP_ROLE_READONLY, 0));
	snprintf(f->invitation_id, sizeof f->invitation_id, "%s", id.ptr);
	erp_buf_dispose(&token);
	erp_buf_dispose(&id);
}

static int invitation_revoke(rm_fix *f)
{
	return erp_invitation_revoke(f->actor, f->invitation_id);
}

static int invitation_revoke_garbage(rm_fix *f)
{
	return erp_invitation_revoke(f->actor, "not-an-invitation");
}

static void invitation_revoked(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.invitations, before->invitations);
	assert_int_equal(now.invitations_version, before->invitations_version + 1);
	assert_int_equal(now.audit, before->audit + 1);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_invitation_get(&out, f->setup, f->invitation_id));
	assert_non_null(strstr(out.ptr, "\"status\":\"revoked\""));
	erp_buf_dispose(&out);
}

static int user_set_role(rm_fix *f)
{
	return erp_user_set_role(f->actor, f->target_id, ERP_ROLE_READONLY);
}

static int user_set_role_garbage(rm_fix *f)
{
	return erp_user_set_role(f->actor, f->target_id, 99);
}

static void user_role_changed(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.members_roles, before->members_roles - 100 + 1); /* readwrite -> readonly */
	assert_true(now.members_version > before->members_version);
	assert_int_equal(now.audit, before->audit + 1);
	erp_ctx *c = NULL;
	assert_erp_ok(erp_session_resume(&c, f->store, f->target_token));
	assert_int_equal(erp_ctx_role(c), ERP_ROLE_READONLY);
	erp_ctx_free(c);
}

static int user_disable(rm_fix *f)
{
	return erp_user_set_disabled(f->actor, f->target_id, 1);
}

static int user_disable_garbage(rm_fix *f)
{
	return erp_user_set_disabled(f->actor, "not-an-id", 1);
}

static void user_disabled(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.members_disabled, before->members_disabled + 1);
	assert_int_equal(now.audit, before->audit + 1);
	session_ended(f, f->target_token);
}

static int user_remove(rm_fix *f)
{
	return erp_user_remove(f->actor, f->target_id);
}

static int user_remove_garbage(rm_fix *f)
{
	return erp_user_remove(f->actor, "not-an-id");
}

static void user_removed(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.members, before->members - 1);
	assert_int_equal(now.users, before->users);
	assert_int_equal(now.audit, before->audit + 1);
	session_ended(f, f->target_token);
}

static int user_set_password(rm_fix *f)
{
	return erp_user_set_password(f->actor, f->target_id, RM_NEW_PASSWORD);
}

static int user_set_password_garbage(rm_fix *f)
{
	return erp_user_set_password(f->actor, f->target_id, "short");
}

static void user_password_set(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_true(now.users_version > before->users_version);
	assert_int_equal(now.audit, before->audit + 1);
	session_ended(f, f->target_token);
	erp_buf token = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&token, NULL, f->store, f->target_email, RM_NEW_PASSWORD, f->tenant, NULL));
	erp_buf_dispose(&token);
}

static int user_change_password(rm_fix *f)
{
	return erp_user_change_password(f->actor, RM_PASSWORD, RM_NEW_PASSWORD);
}

static int user_change_password_garbage(rm_fix *f)
{
	return erp_user_change_password(f->actor, RM_PASSWORD, "short");
}

static void user_password_changed(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_true(now.users_version > before->users_version);
	erp_buf token = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&token, NULL, f->store, f->actor_email, RM_NEW_PASSWORD, f->tenant, NULL));
	erp_buf_dispose(&token);
	/* The session the context came from stays; the others end. */
	if (f->via == RM_VIA_CTX_NEW)
		session_ended(f, f->actor_token);
}

/* sessions (erp/session.h) */

static int revoke_other(rm_fix *f)
{
	return erp_session_revoke_user(&f->count, f->actor, f->target_id);
}

static int revoke_other_garbage(rm_fix *f)
{
	return erp_session_revoke_user(&f->count, f->actor, "not-an-id");
}

static void other_revoked(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(f->count, 1);
	assert_int_equal(now.sessions, before->sessions - 1);
	session_ended(f, f->target_token);
}

static int revoke_own(rm_fix *f)
{
	return erp_session_revoke_user(&f->count, f->actor, f->actor_id);
}

static void own_revoked(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(f->count, 1);
	assert_int_equal(now.sessions, before->sessions - 1);
	session_ended(f, f->actor_token);
}

#define RO ERP_ROLE_READONLY
#define RW ERP_ROLE_READWRITE
#define ADMIN ERP_ROLE_ADMIN

/* stock: moves and reservations */

static erp_stock_move_params rm_receipt(rm_fix *f, int64_t qty)
{
	erp_stock_move_params m = ERP_STOCK_MOVE_PARAMS_INIT;
	m.product_id = f->product;
	m.quantity = qty;
	m.location_id = f->vendors;
	m.location_dest_id = f->stock;
	m.has_unit_cost = 1;
	m.unit_cost = 125;
	return m;
}

static int stock_move(rm_fix *f)
{
	erp_stock_move_params m = rm_receipt(f, 3);
	return erp_stock_move(&f->out, f->actor, &m);
}

static int stock_move_garbage(rm_fix *f)
{
	erp_stock_move_params m = rm_receipt(f, 0);
	return erp_stock_move(&f->out, f->actor, &m);
}

static int stock_move_json(rm_fix *f)
{
	char json[400];
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"3\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"unit_cost\":\"1.25\"}",
	         f->product, f->vendors, f->stock);
	return erp_stock_move_json(&f->out, f->actor, json);
}

static int stock_move_json_garbage(rm_fix *f)
{
	return erp_stock_move_json(&f->out, f->actor, "{\"quantity\":3");
}

static int stock_move_batch(rm_fix *f)
{
	erp_stock_move_params m[2] = { rm_receipt(f, 1), rm_receipt(f, 2) };
	return erp_stock_move_batch(&f->out, f->actor, m, 2);
}

static int stock_move_batch_garbage(rm_fix *f)
{
	erp_stock_move_params m[1] = { rm_receipt(f, 1) };
	return erp_stock_move_batch(&f->out, f->actor, m, 0);
}

static int stock_move_batch_json(rm_fix *f)
{
	char json[700];
	snprintf(json, sizeof json,
	         "[{\"product_id\":\"%s\",\"quantity\":\"1\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"unit_cost\":\"1.25\"},{\"product_id\":\"%s\",\"quantity\":\"2\",\"location_id\":\"%s\","
	         "\"location_dest_id\":\"%s\",\"unit_cost\":\"1.25\"}]",
	         f->product, f->vendors, f->stock, f->product, f->vendors, f->stock);
	return erp_stock_move_batch_json(&f->out, f->actor, json);
}

static int stock_move_batch_json_garbage(rm_fix *f)
{
	return erp_stock_move_batch_json(&f->out, f->actor, "[]");
}

static void stock_moved(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.stock_moves, before->stock_moves + (strchr(f->out.ptr, '[') ? 2 : 1));
	assert_int_equal(now.stock_on_hand, before->stock_on_hand + 3);
}

static int stock_reserve(rm_fix *f)
{
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = f->product;
	r.location_id = f->stock;
	r.quantity = 3;
	return erp_stock_reserve(&f->out, f->actor, &r);
}

static int stock_reserve_garbage(rm_fix *f)
{
	erp_stock_reserve_params r = ERP_STOCK_RESERVE_PARAMS_INIT;
	r.product_id = "nope";
	r.quantity = -1;
	return erp_stock_reserve(&f->out, f->actor, &r);
}

static int stock_reserve_json(rm_fix *f)
{
	char json[300];
	snprintf(json, sizeof json, "{\"product_id\":\"%s\",\"location_id\":\"%s\",\"quantity\":\"3\"}", f->product,
	         f->stock);
	return erp_stock_reserve_json(&f->out, f->actor, json);
}

static int stock_reserve_json_garbage(rm_fix *f)
{
	return erp_stock_reserve_json(&f->out, f->actor, "[\"not an object\"]");
}

static void stock_reserved(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.reservations, before->reservations + 1);
	assert_int_equal(now.stock_on_hand, before->stock_on_hand);
}

static int stock_release(rm_fix *f)
{
	return erp_stock_release(f->actor, f->reservation);
}

static int stock_release_garbage(rm_fix *f)
{
	return erp_stock_release(f->actor, "not-a-reservation");
}

static void stock_released(rm_fix *f, const rm_state *before)
{
	rm_state now = rm_state_of(f);
	assert_int_equal(now.reservations_version, before->reservations_version + 1);
	erp_buf out = ERP_BUF_INIT;
	assert_erp_ok(erp_stock_reservation_get(&out, f->setup, f->reservation));
	assert_non_null(strstr(out.ptr, "\"state\":\"released\""));
	erp_buf_dispose(&out);
}

static const rm_row rows[] = {
	/* name                                          least role  prepare           call                  garbage                      done */
	{ "erp_entity_create(core.partner)",               RW,    NULL,              partner_create,       partner_create_garbage,      entity_created },
	{ "erp_entity_create(sales.order)",                RW,    NULL,              order_create,         order_create_garbage,        entity_created },
	{ "erp_entity_update(core.partner)",               RW,    NULL,              partner_update,       partner_update_garbage,      entity_updated },
	{ "erp_entity_update(sales.order)",                RW,    NULL,              order_update,         order_update_garbage,        entity_updated },
	{ "erp_entity_delete(core.partner)",               RW,    spare_partner,     partner_delete,       partner_delete_garbage,      entity_deleted },
	{ "erp_entity_delete(sales.order)",                RW,    NULL,              order_delete,         order_delete_garbage,        entity_deleted },
	{ "erp_ledger_post",                              RW,    NULL,              journal_post,         journal_post_garbage,        posted_one },
	{ "erp_ledger_post_json",                         RW,    NULL,              journal_post_json,    journal_post_json_garbage,   posted_one },
	{ "erp_ledger_post_batch",                        RW,    NULL,              journal_post_batch,   journal_post_batch_garbage,  posted_two },
	{ "erp_ledger_post_batch_json",                   RW,    NULL,              journal_post_batch_json, journal_post_batch_json_garbage, posted_two },
	{ "erp_ledger_reverse",                           RW,    NULL,              journal_reverse,      journal_reverse_garbage,     posted_one },
	{ "erp_ledger_set_lock_date(date)",                ADMIN, NULL,              lock_date_set,        lock_date_garbage,           lock_date_is_set },
	{ "erp_ledger_set_lock_date(NULL)",                ADMIN, lock_date_prepare, lock_date_remove,     lock_date_garbage,           lock_date_is_removed },
	{ "erp_setting_set(value)",                        ADMIN, NULL,              setting_set,          setting_set_garbage,         setting_is_set },
	{ "erp_setting_set(NULL)",                         ADMIN, setting_prepare,   setting_delete,       setting_delete_garbage,      setting_is_deleted },
	{ "erp_invitation_create",                         ADMIN, NULL,              invitation_create,    invitation_create_garbage,   invitation_created },
	{ "erp_invitation_revoke",                         ADMIN, invitation_prepare, invitation_revoke,   invitation_revoke_garbage,   invitation_revoked },
	{ "erp_user_set_role",                             ADMIN, NULL,              user_set_role,        user_set_role_garbage,       user_role_changed },
	{ "erp_user_set_disabled",                         ADMIN, NULL,              user_disable,         user_disable_garbage,        user_disabled },
	{ "erp_user_remove",                               ADMIN, NULL,              user_remove,          user_remove_garbage,         user_removed },
	{ "erp_user_set_password",                         ADMIN, NULL,              user_set_password,    user_set_password_garbage,   user_password_set },
	{ "erp_user_change_password(own)",                 RO,    NULL,              user_change_password, user_change_password_garbage, user_password_changed },
	{ "erp_session_revoke_user(another user)",         ADMIN, NULL,              revoke_other,         revoke_other_garbage,        other_revoked },
	{ "erp_session_revoke_user(own)",                  RO,    NULL,              revoke_own,           NULL,                        own_revoked },
	{ "erp_stock_move",                                RW,    NULL,              stock_move,           stock_move_garbage,          stock_moved },
	{ "erp_stock_move_json",                           RW,    NULL,              stock_move_json,      stock_move_json_garbage,     stock_moved },
	{ "erp_stock_move_batch",                          RW,    NULL,              stock_move_batch,     stock_move_batch_garbage,    stock_moved },
	{ "erp_stock_move_batch_json",                     RW,    NULL,              stock_move_batch_json, stock_move_batch_json_garbage, stock_moved },
	{ "erp_stock_reserve",                             RW,    NULL,              stock_reserve,        stock_reserve_garbage,       stock_reserved },
	{ "erp_stock_reserve_json",                        RW,    NULL,              stock_reserve_json,   stock_reserve_json_garbage,  stock_reserved },
	{ "erp_stock_release",                             RW,    NULL,              stock_release,        stock_release_garbage,       stock_released },
};
#define ROW_COUNT (sizeof rows / sizeof rows[0])

/* ---- the cells -------------------------------------------------------------------------------- */

typedef struct {
	const rm_row *row;
	int role;
	int via;
	char name[160];
	rm_fix fix;
} rm_cell;

static const char *role_name(int role)
{
	return role == RO ? "readonly" : role == RW ? "readwrite" : "admin";
}

/* What a refused call must not have touched beyond the counted state: the sessions and password of both users. */
static void rm_assert_users_intact(rm_fix *f)
{
	erp_ctx *c = NULL;
	assert_erp_ok(erp_session_resume(&c, f->store, f->target_token));
	assert_int_equal(erp_ctx_role(c), RW);
	erp_ctx_free(c);
	c = NULL;
	assert_erp_ok(erp_session_resume(&c, f->store, f->actor_token));
	assert_int_equal(erp_ctx_role(c), f->role);
	erp_ctx_free(c);
	erp_buf token = ERP_BUF_INIT;
	assert_erp_ok(erp_session_login(&token, NULL, f->store, f->target_email, RM_TARGET_PASSWORD, f->tenant, NULL));
	erp_buf_dispose(&token);
	assert_erp_ok(erp_session_login(&token, NULL, f->store, f->actor_email, RM_PASSWORD, f->tenant, NULL));
	erp_buf_dispose(&token);
}

static int rm_cell_setup(void **state)
{
	rm_cell *c = *state;
	rm_fix_build(&c->fix, rm_store, c->role, c->via);
	if (c->row->prepare)
		c->row->prepare(&c->fix);
	return 0;
}

static int rm_cell_teardown(void **state)
{
	rm_cell *c = *state;
	rm_fix_free(&c->fix);
	return 0;
}

static void test_role_matrix__cell(void **state)
{
	rm_cell *c = *state;
	rm_fix *f = &c->fix;
	const rm_row *row = c->row;
	const bool allowed = c->role >= row->min_role;
	rm_state before = rm_state_of(f);
	char what[220];

	/* Garbage input: refused for the role first (EPERM), else for the input (EINVALID); nothing written. */
	if (row->garbage) {
		snprintf(what, sizeof what, "%s with garbage input", c->name);
		int rc = row->garbage(f);
		assert_erp_error(rc, allowed ? ERP_EINVALID : ERP_EPERM, NULL);
		if (f->out.ptr)
			fail_msg("%s returned output: %.300s", what, f->out.ptr);
		assert_rm_unchanged(f, &before, what);
	}

	int rc = row->call(f);
	if (!allowed) {
		assert_erp_error(rc, ERP_EPERM, NULL);
		if (f->out.ptr)
			fail_msg("%s was refused but returned output: %.300s", c->name, f->out.ptr);
		assert_rm_unchanged(f, &before, c->name);
		/* and, with the state compared, what the API shows: the users aimed at are as they were */
		rm_assert_users_intact(f);
		return;
	}
	assert_erp_ok(rc);
	if (row->done) {
		row->done(f, &before);
	} else {
		rm_state now = rm_state_of(f);
		char diff[1200];
		rm_state_diff(diff, sizeof diff, &before, &now);
		if (!diff[0])
			fail_msg("%s returned ERP_OK and changed nothing", c->name);
	}
}

/* Every cell of the table: a test each. */
static void test_role_matrix__table_covers_every_role(void **state)
{
	(void)state;
	/* Each row's least role is a role, and each role both passes and fails somewhere. */
	int allowed[4] = { 0 }, refused[4] = { 0 };
	for (size_t i = 0; i < ROW_COUNT; i++) {
		assert_true(rows[i].min_role >= RO && rows[i].min_role <= ADMIN);
		assert_non_null(rows[i].call);
		for (int role = RO; role <= ADMIN; role++)
			(role >= rows[i].min_role ? allowed : refused)[role]++;
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(rows[i].name, rows[j].name);
	}
	assert_int_equal(allowed[ADMIN], (int)ROW_COUNT); /* admin may do everything */
	assert_true(refused[RO] > 0 && refused[RW] > 0);
}

static int rm_group_setup(void **state)
{
	rm_store = erp_test_store_fresh(&rm_url);
	*state = NULL; /* each cell brings its own state */
	return 0;
}

static int rm_group_teardown(void **state)
{
	(void)state;
	erp_test_store_drop(rm_store, rm_url);
	rm_store = NULL;
	rm_url = NULL;
	return 0;
}

/* The cells are tests of their own, made here at run time: the group has a runner of its own. */
int erp_conformance_role_matrix(void)
{
	const size_t n = 1 + ROW_COUNT * 3 * RM_VIA_COUNT;
	struct CMUnitTest *tests = calloc(n, sizeof *tests);
	rm_cell *cells = calloc(n, sizeof *cells);
	if (!tests || !cells) {
		free(tests);
		free(cells);
		return 1;
	}
	size_t k = 0;
	tests[k++] = (struct CMUnitTest){ "role_matrix: the table", test_role_matrix__table_covers_every_role, NULL, NULL, NULL };
	for (size_t i = 0; i < ROW_COUNT; i++)
		for (int role = RO; role <= ADMIN; role++)
			for (int via = 0; via < RM_VIA_COUNT; via++) {
				rm_cell *c = &cells[k];
				c->row = &rows[i];
				c->role = role;
				c->via = via;
				snprintf(c->name, sizeof c->name, "%s as %s via %s: %s", rows[i].name, role_name(role),
				         via == RM_VIA_SESSION ? "session" : "erp_ctx_new",
				         role >= rows[i].min_role ? "allowed" : "EPERM");
				tests[k++] = (struct CMUnitTest){ c->name, test_role_matrix__cell, rm_cell_setup, rm_cell_teardown, c };
			}
	int failures = erp_conformance_run_group("role_matrix", tests, k, rm_group_setup, rm_group_teardown);
	free(cells);
	free(tests);
	return failures;
}

ERP_CONFORMANCE_GROUP_RUNNER(300, erp_conformance_role_matrix);
