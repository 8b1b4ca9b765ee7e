/*
 * The route table of erp-server: every operation the server answers, and
 * what the OpenAPI document says of it (openapi.c makes the document from
 * this table alone).
 *
 * A row: method, pattern ({name} segments are path parameters, given to
 * the handler in req->params in order), handler, SRV_PUBLIC or
 * SRV_SESSION, operationId (unique), tag, summary, query parameters
 * ("a,b,c" or NULL), a JSON example of the request body (or NULL: the
 * route takes no body) and the success status.
 *
 * The body example also sets what http.c accepts: a body that is a JSON
 * object, or an array when the example starts with '['.
 */
#include "handlers.h"

const srv_route srv_routes[] = {
	/* ---- system (h_system.c) ---- */
	{ "GET", "/health", h_health, SRV_PUBLIC, "getHealth", "system",
	  "Storage and cache health (200 unless the storage is down)", NULL, NULL, "200" },
	{ "GET", "/health/live", h_health_live, SRV_PUBLIC, "getLiveness", "system",
	  "Liveness: the process answers", NULL, NULL, "200" },
	{ "GET", "/health/ready", h_health_ready, SRV_PUBLIC, "getReadiness", "system",
	  "Readiness: the storage answers and the server is not stopping", NULL, NULL, "200" },
	{ "GET", "/metrics", h_metrics, SRV_PUBLIC, "getMetrics", "system",
	  "Prometheus metrics (text exposition format 0.0.4)", NULL, NULL, "200" },
	{ "GET", "/openapi.json", h_openapi, SRV_PUBLIC, "getOpenApi", "system",
	  "This OpenAPI 3.1 document", NULL, NULL, "200" },
	{ "GET", "/api/v1/ping", h_ping, SRV_PUBLIC, "ping", "system",
	  "Answers {\"pong\":true} without touching the store", NULL, NULL, "200" },

	/* ---- auth (h_auth.c) ---- */
	{ "POST", "/api/v1/auth/login", h_login, SRV_PUBLIC, "login", "auth",
	  "Logs in to a tenant: {token, tenant_id, user_id, role}", NULL,
	  "{\"email\":\"admin@demo.example\",\"password\":\"correct horse battery\","
	  "\"tenant_id\":\"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b\"}", "200" },
	{ "POST", "/api/v1/auth/logout", h_logout, SRV_SESSION, "logout", "auth",
	  "Ends the session of the bearer token", NULL, NULL, "204" },
	{ "GET", "/api/v1/auth/me", h_me, SRV_SESSION, "getMe", "auth",
	  "The session's user, tenant and role", NULL, NULL, "200" },
	{ "POST", "/api/v1/auth/password", h_change_password, SRV_SESSION, "changePassword", "auth",
	  "Changes the user's own password (the user's other sessions end)", NULL,
	  "{\"old_password\":\"correct horse battery\",\"new_password\":\"staple battery horse\"}", "204" },
	{ "POST", "/api/v1/tenants", h_signup, SRV_PUBLIC, "createTenant", "auth",
	  "Signs up a tenant and its first admin (only with ALLOW_SIGNUP): {tenant, user}", NULL,
	  "{\"name\":\"Acme Ltd\",\"base_currency\":\"EUR\",\"admin_email\":\"owner@acme.example\","
	  "\"admin_password\":\"correct horse battery\",\"admin_name\":\"Ann Owner\"}", "201" },
	{ "GET", "/api/v1/tenant", h_tenant_get, SRV_SESSION, "getTenant", "auth",
	  "The session's tenant", NULL, NULL, "200" },

	/* ---- users (h_users.c) ---- */
	{ "GET", "/api/v1/users", h_users_list, SRV_SESSION, "listUsers", "users",
	  "The tenant's members, by email (a JSON array)", NULL, NULL, "200" },
	{ "GET", "/api/v1/users/{id}", h_user_get, SRV_SESSION, "getUser", "users",
	  "One member", NULL, NULL, "200" },
	{ "PATCH", "/api/v1/users/{id}", h_user_update, SRV_SESSION, "updateUser", "users",
	  "Changes a member's role and/or disables or re-enables them (admin)", NULL,
	  "{\"role\":\"readonly\",\"disabled\":false}", "200" },
	{ "DELETE", "/api/v1/users/{id}", h_user_remove, SRV_SESSION, "removeUser", "users",
	  "Removes a member from the tenant and ends their sessions here (admin)", NULL, NULL, "204" },
	{ "POST", "/api/v1/users/{id}/password", h_user_set_password, SRV_SESSION, "resetUserPassword", "users",
	  "Sets a member's password and ends their sessions (admin)", NULL,
	  "{\"password\":\"a new long password\"}", "204" },
	{ "POST", "/api/v1/users/{id}/revoke-sessions", h_user_revoke_sessions, SRV_SESSION, "revokeUserSessions",
	  "users", "Ends every session of a member in this tenant: {ended}", NULL, NULL, "200" },
	{ "GET", "/api/v1/users/{id}/sessions", h_user_sessions, SRV_SESSION, "listUserSessions", "users",
	  "A member's live sessions in this tenant, newest first (admin, or one's own): "
	  "[{id, created_at, last_seen_at, expires_at, idle_expires_at, client_key, current}]", NULL, NULL, "200" },

	/* ---- audit (h_audit.c) ---- */
	{ "GET", "/api/v1/audit", h_audit_list, SRV_SESSION, "listAudit", "users",
	  "The tenant's audit log, newest first (admin; limit 1-1000, default 100)", "limit", NULL, "200" },

	/* invitations: membership by consent (h_users.c) */
	{ "POST", "/api/v1/invitations", h_invitation_create, SRV_SESSION, "createInvitation", "users",
	  "Invites an email with a role (admin): the invitation and its token, shown this once, to deliver out of "
	  "band; the same answer whether or not the address has an account", NULL,
	  "{\"email\":\"bob@acme.example\",\"role\":\"readwrite\",\"ttl_seconds\":604800}", "201" },
	{ "GET", "/api/v1/invitations", h_invitations_list, SRV_SESSION, "listInvitations", "users",
	  "The tenant's invitations, newest first (admin)", NULL, NULL, "200" },
	{ "POST", "/api/v1/invitations/accept", h_invitation_accept, SRV_SESSION, "acceptInvitation", "users",
	  "Accepts an invitation as the session's user (the invited email): {tenant_id}", NULL,
	  "{\"token\":\"<invitation token>\"}", "200" },
	{ "GET", "/api/v1/invitations/{id}", h_invitation_get, SRV_SESSION, "getInvitation", "users",
	  "One invitation (admin)", NULL, NULL, "200" },
	{ "POST", "/api/v1/invitations/{id}/revoke", h_invitation_revoke, SRV_SESSION, "revokeInvitation", "users",
	  "Revokes a pending invitation (admin)", NULL, NULL, "200" },
	{ "POST", "/api/v1/auth/accept-invitation", h_invitation_accept_password, SRV_PUBLIC, "acceptInvitationPassword",
	  "auth", "Accepts an invitation with a password: creates the account when the email has none, else "
	  "checks its password: {tenant_id, user_id}", NULL,
	  "{\"token\":\"<invitation token>\",\"password\":\"correct horse battery\",\"display_name\":\"Bob\"}",
	  "200" },

	/* ---- entities (h_entities.c) ---- */
	{ "GET", "/api/v1/entity-types", h_entity_types, SRV_SESSION, "listEntityTypes", "entities",
	  "Every entity type with its fields", NULL, NULL, "200" },
	{ "GET", "/api/v1/entities/{type}", h_entity_list, SRV_SESSION, "listEntities", "entities",
	  "One page of entities: q is the JSON query of erp_entity_list; limit, cursor, sort (name,-code), "
	  "count and include_archived are merged into it", "q,limit,cursor,sort,count,include_archived", NULL, "200" },
	{ "POST", "/api/v1/entities/{type}", h_entity_create, SRV_SESSION, "createEntity", "entities",
	  "Creates an entity", NULL,
	  "{\"name\":\"Globex Corporation\",\"kind\":\"company\",\"email\":\"ap@globex.example\",\"is_customer\":true}",
	  "201" },
	{ "GET", "/api/v1/entities/{type}/{id}", h_entity_get, SRV_SESSION, "getEntity", "entities",
	  "One entity", NULL, NULL, "200" },
	{ "PATCH", "/api/v1/entities/{type}/{id}", h_entity_update, SRV_SESSION, "updateEntity", "entities",
	  "Changes fields of an entity read at \"version\" (or If-Match); 409 when it changed since", NULL,
	  "{\"version\":1,\"phone\":\"+1 555 0100\"}", "200" },
	{ "DELETE", "/api/v1/entities/{type}/{id}", h_entity_delete, SRV_SESSION, "deleteEntity", "entities",
	  "Deletes an entity read at ?version= (or If-Match), or archives it when referenced", "version", NULL, "200" },
	{ "GET", "/api/v1/entities/{type}/{id}/history", h_entity_history, SRV_SESSION, "getEntityHistory",
	  "entities", "The audit history of an entity, oldest first", NULL, NULL, "200" },

	/* ---- journal (h_journal.c) ---- */
	{ "POST", "/api/v1/journal-entries", h_journal_post, SRV_SESSION, "postJournalEntry", "journal",
	  "Posts a balanced journal entry (amounts as decimal strings; Idempotency-Key honoured)", NULL,
	  "{\"journal_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000001\",\"date\":\"2026-01-31\",\"reference\":\"INV-42\","
	  "\"lines\":[{\"account_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000002\",\"debit\":\"42.00\"},"
	  "{\"account_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000003\",\"credit\":\"42.00\"}]}", "201" },
	{ "GET", "/api/v1/journal-entries", h_journal_list, SRV_SESSION, "listJournalEntries", "journal",
	  "Posted entries, newest first, one page at a time", "from,to,journal_id,limit,cursor", NULL, "200" },
	{ "POST", "/api/v1/journal-entries/batch", h_journal_batch, SRV_SESSION, "postJournalBatch", "journal",
	  "Posts many entries, all or none: {ids} (Idempotency-Key K gives entry i the key K/i)", NULL,
	  "{\"entries\":[{\"journal_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000001\",\"date\":\"2026-01-31\","
	  "\"lines\":[{\"account_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000002\",\"debit\":\"10.00\"},"
	  "{\"account_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000003\",\"credit\":\"10.00\"}]}]}", "201" },
	{ "GET", "/api/v1/journal-entries/{id}", h_journal_get, SRV_SESSION, "getJournalEntry", "journal",
	  "One posted entry with its lines", NULL, NULL, "200" },
	{ "POST", "/api/v1/journal-entries/{id}/reverse", h_journal_reverse, SRV_SESSION, "reverseJournalEntry",
	  "journal", "Posts the mirror of an entry on a date: the reversal", NULL, "{\"date\":\"2026-02-01\"}", "201" },
	{ "GET", "/api/v1/ledger/lock-date", h_lock_date_get, SRV_SESSION, "getLockDate", "journal",
	  "The tenant's lock date: {lock_date} (null when none)", NULL, NULL, "200" },
	{ "PUT", "/api/v1/ledger/lock-date", h_lock_date_set, SRV_SESSION, "setLockDate", "journal",
	  "Sets the lock date (admin); {\"date\":null} removes it", NULL, "{\"date\":\"2000-12-31\"}", "200" },

	/* ---- settings (h_settings.c) ---- */
	{ "GET", "/api/v1/settings", h_setting_list, SRV_SESSION, "listSettings", "settings",
	  "The tenant's settings by key: [{key, value, version, updated_at}] (every member)", NULL, NULL, "200" },
	{ "GET", "/api/v1/settings/{key}", h_setting_get, SRV_SESSION, "getSetting", "settings",
	  "One setting: {key, value}; 404 when unset (every member)", NULL, NULL, "200" },
	{ "PUT", "/api/v1/settings/{key}", h_setting_put, SRV_SESSION, "setSetting", "settings",
	  "Sets a setting (admin; key: 1-100 of a-z 0-9 _ .; value: UTF-8 text up to 64 KiB): {key, value}", NULL,
	  "{\"value\":\"INV-\"}", "200" },
	{ "DELETE", "/api/v1/settings/{key}", h_setting_delete, SRV_SESSION, "deleteSetting", "settings",
	  "Removes a setting (admin); 204 also when it was not set", NULL, NULL, "204" },

	/* ---- reports (h_reports.c) ---- */
	{ "GET", "/api/v1/accounts/{id}/balance", h_account_balance, SRV_SESSION, "getAccountBalance", "reports",
	  "An account's balance per currency as of the end of a date", "as_of", NULL, "200" },
	{ "GET", "/api/v1/reports/trial-balance", h_trial_balance, SRV_SESSION, "getTrialBalance", "reports",
	  "The trial balance as of the end of a date", "as_of", NULL, "200" },
	{ "GET", "/api/v1/reports/general-ledger", h_general_ledger, SRV_SESSION, "getGeneralLedger", "reports",
	  "An account's lines with running balances (account_id required; limit 1-1000, default 100)",
	  "account_id,from,to,cursor,limit", NULL, "200" },
	{ "GET", "/api/v1/reports/stock-valuation", h_stock_valuation, SRV_SESSION, "getStockValuation", "reports",
	  "Stock quantity and value per product as of the end of a date", "as_of", NULL, "200" },

	/* ---- stock (h_stock.c) ---- */
	{ "POST", "/api/v1/stock/moves", h_move_create, SRV_SESSION, "createStockMove", "stock",
	  "Moves stock between locations, valued and posted (Idempotency-Key honoured)", NULL,
	  "{\"product_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000010\",\"quantity\":\"5\","
	  "\"location_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000011\","
	  "\"location_dest_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000012\",\"date\":\"2026-01-31\","
	  "\"unit_cost\":\"10.00\",\"reference\":\"PO-7\"}", "201" },
	{ "POST", "/api/v1/stock/moves/batch", h_move_batch, SRV_SESSION, "createStockMoveBatch", "stock",
	  "Moves stock many times, all or none: {ids} (Idempotency-Key K gives move i the key K/i)", NULL,
	  "{\"moves\":[{\"product_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000010\",\"quantity\":\"5\","
	  "\"location_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000011\","
	  "\"location_dest_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000012\",\"unit_cost\":\"10.00\"}]}", "201" },
	{ "GET", "/api/v1/stock/moves", h_move_list, SRV_SESSION, "listStockMoves", "stock",
	  "Move history, oldest first, one page at a time", "product_id,location_id,from,to,limit,cursor",
	  NULL, "200" },
	{ "GET", "/api/v1/stock/moves/{id}", h_move_get, SRV_SESSION, "getStockMove", "stock",
	  "One move", NULL, NULL, "200" },
	{ "GET", "/api/v1/stock/quants", h_quants, SRV_SESSION, "listStockQuants", "stock",
	  "On hand, reserved and available per product and internal location (a JSON array)",
	  "product_id,location_id,as_of", NULL, "200" },
	{ "POST", "/api/v1/stock/reservations", h_reservation_create, SRV_SESSION, "createStockReservation", "stock",
	  "Reserves stock at an internal location (Idempotency-Key honoured)", NULL,
	  "{\"product_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000010\","
	  "\"location_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000012\",\"quantity\":\"2\",\"expires_in_ms\":600000,"
	  "\"reference\":\"SO-9\"}", "201" },
	{ "GET", "/api/v1/stock/reservations/{id}", h_reservation_get, SRV_SESSION, "getStockReservation", "stock",
	  "One reservation", NULL, NULL, "200" },
	{ "POST", "/api/v1/stock/reservations/{id}/consume", h_reservation_consume, SRV_SESSION,
	  "consumeStockReservation", "stock",
	  "Moves the reserved product from its location against the reservation: the move", NULL,
	  "{\"quantity\":\"2\",\"location_dest_id\":\"0190a1b2-c3d4-7e5f-8a6b-000000000013\",\"reference\":\"SO-9\"}",
	  "201" },
	{ "POST", "/api/v1/stock/reservations/{id}/release", h_reservation_release, SRV_SESSION,
	  "releaseStockReservation", "stock", "Releases a pending reservation: the reservation", NULL, NULL, "200" },
	{ "GET", "/api/v1/stock/layers/{product_id}", h_layers, SRV_SESSION, "listStockLayers", "stock",
	  "A product's valuation layers that still hold stock (FIFO queue)", NULL, NULL, "200" },
};

const size_t srv_route_count = sizeof srv_routes / sizeof srv_routes[0];
