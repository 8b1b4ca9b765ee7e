'use strict';
/*
 * erp.Context: acting in one tenant as one user with one role.
 *
 * Methods mirror the C API in camelCase (erp_stock_move_json -> move(),
 * erp_ledger_trial_balance -> trialBalance()). JSON crosses as objects (their keys
 * stay as the library spells them: "journal_id"); amounts as decimal
 * strings (see json.js: a Number that is not a safe integer is refused).
 * A Context keeps its Store alive; close() frees it at once, garbage
 * collection frees it otherwise.
 */
const native = require('./native');
const json = require('./json');
const { ctxRegistry } = require('./handles');
const { InvalidError, NotFoundError } = require('./errors');

const ROLE_READONLY = 1;
const ROLE_READWRITE = 2;
const ROLE_ADMIN = 3;
const ROLES = { readonly: ROLE_READONLY, readwrite: ROLE_READWRITE, admin: ROLE_ADMIN };
const ROLE_NAMES = { 1: 'readonly', 2: 'readwrite', 3: 'admin' };

function roleNumber(role) {
  if (typeof role === 'string') {
    if (!Object.hasOwn(ROLES, role)) throw new InvalidError('role must be readonly, readwrite or admin', { field: 'role' });
    return ROLES[role];
  }
  if (!Number.isSafeInteger(role)) throw new InvalidError('role must be a string or an erp.ROLE_* number', { field: 'role' });
  return role;
}

/** An integer argument (a safe-integer Number, or a BigInt in range). */
function int(v, field) {
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (!Number.isSafeInteger(v)) throw new InvalidError(`${field} must be an integer`, { field });
  return v;
}

/** An int (C int) argument. */
function cint(v, field) {
  const n = int(v, field);
  if (n < -2147483648 || n > 2147483647) throw new InvalidError(`${field} is out of range`, { field });
  return n;
}

class Context {
  constructor(store, handle) {
    this.store = store; // keeps the Store object alive too
    this._h = handle;
  }

  _run(fn, ...args) { return this._h.run(fn, ...args); }

  /** Frees the context. Idempotent; later calls throw erp.ClosedError. */
  close() {
    ctxRegistry.unregister(this);
    this._h.free();
  }

  get closed() { return this._h.ptr === null || this._h.store.ptr === null; }

  // ---- identity
  get tenantId() { return this._run(native.erp_ctx_tenant); }
  get userId() { return this._run(native.erp_ctx_user); }
  /** "readonly", "readwrite" or "admin". */
  get role() { return ROLE_NAMES[this._run(native.erp_ctx_role)] ?? null; }

  // ---- settings and audit
  /** A setting's value, or dflt when unset. */
  setting(key, dflt = null) {
    try {
      return this._run(native.erp_setting_get, key);
    } catch (e) {
      if (e instanceof NotFoundError) return dflt;
      throw e;
    }
  }

  /** Sets (value null: deletes) a setting; admin only. */
  setSetting(key, value) { this._run(native.erp_setting_set, key, value ?? null); }

  /** Every setting of the tenant, by key: {key: value}. */
  settings() {
    return Object.fromEntries(json.loads(this._run(native.erp_setting_list)).map((s) => [s.key, s.value]));
  }

  audit(limit = 100) { return json.loads(this._run(native.erp_audit_list, cint(limit, 'limit'))); }

  // ---- entities
  _dumpEntity(type, fields) {
    const keys = this.store._entityKeys(type);
    return json.dumps(fields, '', keys);
  }

  /** Creates an entity of type ("core.partner"...); returns it (id, version 1...). */
  create(type, fields) {
    return json.loads(this._run(native.erp_entity_create, type, this._dumpEntity(type, fields)));
  }

  get(type, id) { return json.loads(this._run(native.erp_entity_get, type, id)); }

  /** Updates the fields given; version is the one read (erp.ConflictError when stale). */
  update(type, id, version, fields) {
    return json.loads(this._run(native.erp_entity_update, type, id, int(version, 'version'),
      this._dumpEntity(type, fields)));
  }

  /** Deletes (or archives, when referenced); returns {"result": "deleted"|"archived", ...}. */
  delete(type, id, version) {
    return json.loads(this._run(native.erp_entity_delete, type, id, int(version, 'version')));
  }

  /** One page {items, next_cursor[, total]}; query: {filter, sort, limit, cursor, count, include_archived}. */
  list(type, query = null) {
    return json.loads(this._run(native.erp_entity_list, type, json.dumps(query, 'query')));
  }

  history(type, id) { return json.loads(this._run(native.erp_entity_history, type, id)); }

  // ---- ledger
  /** Posts a journal entry {journal_id, date, lines: [{account_id, debit|credit}...]}; returns it. */
  post(entry) { return json.loads(this._run(native.erp_ledger_post_json, json.dumps(entry))); }

  /** Posts entries all or none; returns their ids. */
  postBatch(entries) {
    return json.loads(this._run(native.erp_ledger_post_batch_json, json.dumps(entries)));
  }

  /** Posts the mirror of an entry; returns the reversal's id. */
  reverse(entryId, date) { return this._run(native.erp_ledger_reverse, entryId, date); }

  journalEntry(entryId) { return json.loads(this._run(native.erp_ledger_entry_get, entryId)); }

  journalEntries(query = null) {
    return json.loads(this._run(native.erp_ledger_entry_list, json.dumps(query, 'query')));
  }

  accountBalance(accountId, asOf = null) {
    return json.loads(this._run(native.erp_ledger_account_balance, accountId, asOf));
  }

  trialBalance(asOf = null) { return json.loads(this._run(native.erp_ledger_trial_balance, asOf)); }

  /** options: {from, to, cursor, limit = 100}. */
  generalLedger(accountId, { from = null, to = null, cursor = null, limit = 100 } = {}) {
    return json.loads(this._run(native.erp_ledger_general_ledger, accountId, from, to, cursor, cint(limit, 'limit')));
  }

  /** Sets (null: removes) the lock date; admin only. */
  setLockDate(date) { this._run(native.erp_ledger_set_lock_date, date ?? null); }

  /** The lock date "YYYY-MM-DD", or null. */
  lockDate() {
    try {
      return this._run(native.erp_ledger_lock_date);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  }

  // ---- stock
  /** Makes a stock move {product_id, quantity, location_id, location_dest_id, ...}; returns it. */
  move(move) { return json.loads(this._run(native.erp_stock_move_json, json.dumps(move))); }

  /** Makes moves all or none (one transaction); returns their ids. */
  moveBatch(moves) { return json.loads(this._run(native.erp_stock_move_batch_json, json.dumps(moves))); }

  stockMove(moveId) { return json.loads(this._run(native.erp_stock_move_get, moveId)); }

  stockMoves(query = null) { return json.loads(this._run(native.erp_stock_move_list, json.dumps(query, 'query'))); }

  reserve(reservation) {
    return json.loads(this._run(native.erp_stock_reserve_json, json.dumps(reservation)));
  }

  release(reservationId) { this._run(native.erp_stock_release, reservationId); }

  reservation(reservationId) { return json.loads(this._run(native.erp_stock_reservation_get, reservationId)); }

  /** {onHand, reserved, available}: BigInts, in minor units of the product's unit of measure. */
  stockQuantity(productId, locationId = null, asOf = null) {
    return this._run(native.erp_stock_quantity, productId, locationId, asOf);
  }

  quants(query = null) { return json.loads(this._run(native.erp_stock_quant_list, json.dumps(query, 'query'))); }

  stockValuation(asOf = null) { return json.loads(this._run(native.erp_stock_valuation, asOf)); }

  stockLayers(productId) { return json.loads(this._run(native.erp_stock_layer_list, productId)); }

  // ---- users (admin API) and sessions
  // Members are never created or added by an admin: they are invited
  // (invite()) and accept (acceptInvitation() here, or
  // store.acceptInvitation() with a password).
  setUserRole(userId, role) { this._run(native.erp_user_set_role, userId, roleNumber(role)); }
  setUserDisabled(userId, disabled = true) { this._run(native.erp_user_set_disabled, userId, disabled ? 1 : 0); }
  removeUser(userId) { this._run(native.erp_user_remove, userId); }
  setUserPassword(userId, password) { this._run(native.erp_user_set_password, userId, password); }
  changePassword(oldPassword, newPassword) { this._run(native.erp_user_change_password, oldPassword, newPassword); }
  user(userId) { return json.loads(this._run(native.erp_user_get, userId)); }
  users() { return json.loads(this._run(native.erp_user_list)); }
  sessions(userId) { return json.loads(this._run(native.erp_session_list, userId)); }

  /** Ends every live session of the user here; returns how many. */
  revokeSessions(userId) { return this._run(native.erp_session_revoke_user, userId); }

  // ---- invitations
  /** Invites email to this tenant with role (admin only); returns {id, token}.
   * The answer is the same whether or not the address has an account. The
   * token is given here only: deliver it to the address. ttlSeconds 0: the
   * library default (7 days). */
  invite(email, role = 'readwrite', ttlSeconds = 0) {
    const [token, id] = this._run(native.erp_invitation_create, email, roleNumber(role),
      int(ttlSeconds, 'ttlSeconds'));
    return { id, token };
  }

  /** This tenant's invitations, newest first (admin only). */
  invitations() { return json.loads(this._run(native.erp_invitation_list)); }

  /** One invitation {id, email, role, status, expires_at, invited_by, ...} (admin only). */
  invitation(invitationId) { return json.loads(this._run(native.erp_invitation_get, invitationId)); }

  /** Revokes a pending invitation (admin only); erp.ConflictError when no longer pending. */
  revokeInvitation(invitationId) { this._run(native.erp_invitation_revoke, invitationId); }

  /** Accepts an invitation as this context's user (whose email is the invited
   * one); returns the inviting tenant's id. erp.AuthError when the token is
   * unknown, used, revoked, expired or for another email. */
  acceptInvitation(token) { return this._run(native.erp_invitation_accept, token); }
}

if (Symbol.dispose) Context.prototype[Symbol.dispose] = Context.prototype.close;

module.exports = { Context, roleNumber, int, ROLE_READONLY, ROLE_READWRITE, ROLE_ADMIN };
