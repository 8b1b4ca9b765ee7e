'use strict';
/*
 * liberp for Node: require('liberp') (or the build tree's bindings/node).
 *
 *   const erp = require('liberp');
 *   const store = new erp.Store('sqlite:acme.db');
 *   const ctx = store.context(store.createTenant('Acme', 'EUR'), 'alice', 'admin');
 *   ctx.create('core.partner', { name: 'Globex' });
 *   ctx.close(); store.close();
 *
 * See bindings/node/README.md. Errors are subclasses of erp.Error
 * (errors.js); amounts are decimal strings, never floating-point Numbers.
 */
const native = require('./native');
const errors = require('./errors');
const { Store } = require('./store');
const { Context, ROLE_READONLY, ROLE_READWRITE, ROLE_ADMIN } = require('./context');
const { Session } = require('./session');
const { live } = require('./handles');

/** new Store(url, options). */
function open(url = 'sqlite:erp.db', options = {}) {
  return new Store(url, options);
}

/** The version of the liberp library loaded, "MAJOR.MINOR.PATCH". */
function version() {
  return native.erp_version();
}

module.exports = {
  Store, Context, Session, open, version,
  ROLE_READONLY, ROLE_READWRITE, ROLE_ADMIN,
  Error: errors.Error, InternalError: errors.InternalError, NotFoundError: errors.NotFoundError,
  ExistsError: errors.ExistsError, ConflictError: errors.ConflictError, InvalidError: errors.InvalidError,
  UnbalancedError: errors.UnbalancedError, LockedError: errors.LockedError, NoStockError: errors.NoStockError,
  PermissionDeniedError: errors.PermissionDeniedError, AuthError: errors.AuthError, RetryError: errors.RetryError,
  BackendError: errors.BackendError, LimitError: errors.LimitError, ClosedError: errors.ClosedError,
  /** Open native handles {stores, contexts}: for leak checks in tests. */
  _stats: () => ({ ...live }),
  _fromNative: errors.fromNative,
};
