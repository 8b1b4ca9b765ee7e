'use strict';
/*
 * erp.Store: an opened store (storage backend + cache).
 *
 * Calls are synchronous: they block the event loop while liberp works (a
 * query, a transaction; logins hash passwords with argon2id). Use one Store
 * per process and keep heavy work off latency-sensitive loops, or run it in
 * a worker thread's own Store.
 */
const native = require('./native');
const json = require('./json');
const { call, StoreHandle, storeRegistry, ctxRegistry } = require('./handles');
const { Context, roleNumber, int } = require('./context');
const { Session } = require('./session');

const AMOUNT_KINDS = new Set(['money', 'quantity', 'decimal']);

/** Map of entity type -> Set of its (and its lines') money, quantity and decimal fields. */
function entityAmountKeys() {
  const types = JSON.parse(call(native.erp_entity_types));
  const own = new Map(types.map((t) => [t.type,
    new Set(t.fields.filter((f) => AMOUNT_KINDS.has(f.kind)).map((f) => f.name))]));
  const keys = new Map();
  for (const t of types) {
    const names = new Set(own.get(t.type));
    if (t.lines) for (const n of own.get(t.lines) || []) names.add(n);
    keys.set(t.type, names);
  }
  return keys;
}

class Store {
  /**
   * Opens the store at url ("sqlite:PATH", "sqlite::memory:",
   * "postgresql://user:pass@host/db"); the schema is migrated on open.
   * options (0/null: the library default): cacheUrl ("mem:" or
   * "redis://..."), syncFull, poolSize, busyTimeoutMs (SQLite),
   * passwordOpsLimit, passwordMemLimit (argon2id cost; tests use 1 and 8192).
   */
  constructor(url = 'sqlite:erp.db', options = {}) {
    const o = options || {};
    const ptr = call(native.erp_store_open_opts, url, o.cacheUrl ?? null, o.syncFull ? 1 : 0,
      int(o.poolSize ?? 0, 'poolSize'), int(o.busyTimeoutMs ?? 0, 'busyTimeoutMs'),
      int(o.passwordOpsLimit ?? 0, 'passwordOpsLimit'), int(o.passwordMemLimit ?? 0, 'passwordMemLimit'));
    this._h = new StoreHandle(ptr);
    this._amountKeys = null;
    storeRegistry.register(this, this._h, this);
  }

  /** Closes every Context made from this store, then the store. Idempotent;
   * later calls on any of them throw erp.ClosedError. */
  close() {
    storeRegistry.unregister(this);
    this._h.close();
  }

  get closed() { return this._h.ptr === null; }

  // ---- the store
  /** "sqlite" or "postgresql". */
  get backend() { return this._h.run(native.erp_store_backend); }
  schemaVersion() { return this._h.run(native.erp_store_schema_version); }
  health() { return json.loads(this._h.run(native.erp_store_health)); }
  /** The invariants report; throws erp.InternalError naming the first failed check. */
  verify() { return json.loads(this._h.run(native.erp_store_verify)); }

  // ---- tenants
  /** Creates a tenant; returns its id. */
  createTenant(name, baseCurrency) {
    return this._h.run(native.erp_tenant_create, name, baseCurrency);
  }

  /** Creates a tenant and its first admin together; returns {tenantId, userId}. */
  createTenantWithAdmin(name, baseCurrency, email, password, displayName = null) {
    const [tenantId, userId] = this._h.run(native.erp_tenant_create_with_admin, name, baseCurrency,
      email, displayName, password);
    return { tenantId, userId };
  }

  tenant(tenantId) { return json.loads(this._h.run(native.erp_tenant_get, tenantId)); }
  tenants() { return json.loads(this._h.run(native.erp_tenant_list)); }

  // ---- contexts and sessions
  _adopt(ptr, make) {
    const h = this._h.adopt(ptr);
    const obj = make(h);
    ctxRegistry.register(obj, h, obj);
    return obj;
  }

  /** A Context acting in tenantId as userId with role ("readonly",
   * "readwrite", "admin" or erp.ROLE_*). Close it when done. */
  context(tenantId, userId = 'system', role = 'admin') {
    const r = roleNumber(role);
    const ptr = this._h.run(native.erp_ctx_new, tenantId, userId, r);
    return this._adopt(ptr, (h) => new Context(this, h));
  }

  /** Logs in; returns a Session (a Context with a .token). */
  login(email, password, tenantId, clientKey = null) {
    const [token, ptr] = this._h.run(native.erp_session_login, email, password, tenantId, clientKey);
    return this._adopt(ptr, (h) => new Session(this, h, token));
  }

  /** The Session of a token from login(); erp.AuthError when it is not live. */
  resume(token) {
    const ptr = this._h.run(native.erp_session_resume, token);
    return this._adopt(ptr, (h) => new Session(this, h, token));
  }

  /** Ends the session of token; erp.AuthError when it is not live. */
  logout(token) { this._h.run(native.erp_session_logout, token); }

  // ---- invitations (the invited person's side; see Context#invite)
  /** Accepts an invitation without a session; returns {tenantId, userId}.
   * When the invited email has no account, creates it with password and
   * displayName; when it has one, password must be that account's
   * (displayName is then ignored). erp.AuthError (field "token") for a token
   * that is unknown, used, revoked or expired; (field "password") for a
   * wrong password. */
  acceptInvitation(token, password, displayName = null) {
    const [tenantId, userId] = this._h.run(native.erp_invitation_accept_password, token, displayName ?? null,
      password);
    return { tenantId, userId };
  }

  /** Counts one request against a fixed-window limit: {allowed, count,
   * remaining, resetMs, retryAfterMs, degraded}. */
  rateLimit(key, limit, windowMs) {
    return this._h.run(native.erp_rate_limit, key, int(limit, 'limit'), int(windowMs, 'windowMs'));
  }

  // ---- used by Context
  _entityKeys(type) {
    if (this._amountKeys === null) this._amountKeys = entityAmountKeys();
    return this._amountKeys.get(type) || new Set();
  }
}

if (Symbol.dispose) Store.prototype[Symbol.dispose] = Store.prototype.close;

module.exports = { Store };
