'use strict';
/*
 * The errors of liberp: one subclass of erp.Error per error code.
 *
 * Every failed call throws a subclass of Error (itself a JavaScript Error)
 * carrying
 *   .code          the C code, a negative number (-5), also on the class
 *                  (InvalidError.code);
 *   .codeName      its symbol ("ERP_EINVALID");
 *   .name          the class name ("InvalidError"), as JavaScript errors do;
 *   .field         the field at fault ("lines[1].debit") or null;
 *   .entity        the entity type at fault or null;
 *   .message       the library's text;
 *   .retryAfterMs  for LimitError, when to try again (else 0).
 */

class Error extends globalThis.Error {
  constructor(message = '', { field = null, entity = null, retryAfterMs = 0, code } = {}) {
    super(message);
    this.code = code !== undefined ? code : new.target.code;
    this.field = field;
    this.entity = entity;
    this.retryAfterMs = retryAfterMs;
  }

  get name() { return this.constructor.name; }

  get codeName() {
    const cls = BY_CODE.get(this.code);
    return cls ? cls.codeName : 'ERP_ERROR';
  }

  toString() {
    return `${this.name}: ${this.message}${this.field ? ` (field ${this.field})` : ''}`;
  }
}
Error.code = -1;
Error.codeName = 'ERP_ERROR';

function code(value, name, symbol, doc) {
  // A named class: class expressions get the name of their binding.
  const cls = { [name]: class extends Error {} }[name];
  cls.code = value;
  cls.codeName = 'ERP_' + symbol;
  cls.description = doc;
  return cls;
}

const InternalError = code(-1, 'InternalError', 'ERROR', 'Anything else: out of memory, an internal error.');
const NotFoundError = code(-2, 'NotFoundError', 'ENOTFOUND', 'No such record (in this tenant).');
const ExistsError = code(-3, 'ExistsError', 'EEXISTS', 'A unique value is taken.');
const ConflictError = code(-4, 'ConflictError', 'ECONFLICT', 'Stale version or a state that forbids the change.');
const InvalidError = code(-5, 'InvalidError', 'EINVALID', 'Invalid input; .field names it.');
const UnbalancedError = code(-6, 'UnbalancedError', 'EUNBALANCED', 'Debits and credits differ.');
const LockedError = code(-7, 'LockedError', 'ELOCKED', 'The date is on or before the lock date.');
const NoStockError = code(-8, 'NoStockError', 'ENOSTOCK', 'Not enough stock.');
const PermissionDeniedError = code(-9, 'PermissionDeniedError', 'EPERM', 'The role does not allow it.');
const AuthError = code(-10, 'AuthError', 'EAUTH', 'Authentication failed.');
const RetryError = code(-11, 'RetryError', 'ERETRY', 'Busy or serialization failure; nothing written; retry.');
const BackendError = code(-12, 'BackendError', 'EBACKEND', 'The storage or cache backend failed.');
const LimitError = code(-13, 'LimitError', 'ELIMIT', 'Too many attempts; see .retryAfterMs.');

/** A call on a closed Store, Context or Session (code -5, field "store" or
 * "context"). Thrown by the JavaScript layer, never by C. */
class ClosedError extends InvalidError {
  constructor(message, field) {
    super(message, { field });
  }
}

const BY_CODE = new Map([InternalError, NotFoundError, ExistsError, ConflictError, InvalidError,
  UnbalancedError, LockedError, NoStockError, PermissionDeniedError, AuthError, RetryError,
  BackendError, LimitError].map((c) => [c.code, c]));

/** The erp.Error for an error thrown by native.node (one with .erpCode);
 * anything else (a TypeError from argument checks) is returned as is. */
function fromNative(e) {
  if (!e || typeof e.erpCode !== 'number') return e;
  const opts = { field: e.field ?? null, entity: e.entity ?? null, retryAfterMs: e.retryAfterMs || 0 };
  const cls = BY_CODE.get(e.erpCode);
  if (!cls) return new Error(e.message, { ...opts, code: e.erpCode }); // a code newer than this module
  return new cls(e.message, opts);
}

module.exports = {
  Error, InternalError, NotFoundError, ExistsError, ConflictError, InvalidError, UnbalancedError,
  LockedError, NoStockError, PermissionDeniedError, AuthError, RetryError, BackendError, LimitError,
  ClosedError, BY_CODE, fromNative,
};
