'use strict';
/*
 * JSON across the C API, exact: money and quantities never become a
 * floating-point Number.
 *
 * Outgoing: objects, arrays, strings, booleans and null pass through;
 * a Number must be a safe integer (Number.isSafeInteger) anywhere: any
 * other Number (1.5, 0.1, 2**60, NaN) throws erp.InvalidError naming its
 * path ("lines[0].debit") before anything is sent. A safe integer under an
 * amount key (AMOUNT_KEYS, and an entity's money/quantity/decimal fields)
 * is sent as its decimal string; a BigInt likewise. Objects with toJSON()
 * (decimal.js, big.js... whose toJSON gives a decimal string) are sent as
 * what it returns. Incoming: amounts arrive as decimal strings and stay
 * strings.
 */
const { InvalidError } = require('./errors');

// Report members that hold amounts or quantities (ledger and stock reports).
const AMOUNT_KEYS = new Set(['debit', 'credit', 'balance', 'quantity', 'value', 'unit_cost',
  'on_hand', 'reserved', 'available', 'consumed']);

function plain(value, path, keys, key) {
  const where = path || 'json';
  switch (typeof value) {
    case 'string': case 'boolean':
      return value;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new InvalidError(`the number ${value} is refused (not a safe integer): send amounts as decimal strings`,
          { field: where });
      }
      return keys.has(key) ? String(value) : value;
    case 'bigint':
      if (keys.has(key)) return value.toString();
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
      throw new InvalidError(`the integer ${value} is out of range here`, { field: where });
    case 'object':
      break;
    default:
      throw new InvalidError(`cannot send a ${typeof value} as JSON`, { field: where });
  }
  if (value === null) return null;
  if (typeof value.toJSON === 'function') return plain(value.toJSON(key), path, keys, key);
  if (Array.isArray(value)) return value.map((v, i) => plain(v === undefined ? null : v, `${path}[${i}]`, keys));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new InvalidError(`cannot send a ${value.constructor?.name || 'object'} as JSON`, { field: where });
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue; // as JSON.stringify does
    out[k] = plain(v, path ? `${path}.${k}` : k, keys, k);
  }
  return out;
}

/** JSON text of value; null/undefined stay null (the C API's "no query");
 * a string is taken as JSON text already. */
function dumps(value, path = '', keys = AMOUNT_KEYS) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(plain(value, path, keys));
}

/** The value of JSON text (null stays null). */
function loads(text) {
  return text === null || text === undefined ? null : JSON.parse(text);
}

module.exports = { AMOUNT_KEYS, dumps, loads };
