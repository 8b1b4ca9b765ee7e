'use strict';
/*
 * The SWIG-generated addon (native.node, from bindings/erp.i) seen as in
 * Python: outputs are return values, inputs are the arguments.
 *
 * SWIG 4.1's JavaScript backend cannot skip output parameters (numinputs=0
 * shifts the argument indices), so erp.i gives every output a placeholder
 * argument that is ignored; OUTPUTS says how many each function has (they
 * always lead the C parameter list) and the functions exported here add
 * the nulls. Failures throw an Error with .erpCode (errors.js converts).
 */
const raw = require('./native.node');

const OUTPUTS = {
  erp_store_open_opts: 1,
  erp_store_schema_version: 1, erp_store_health: 1, erp_store_verify: 1,
  erp_tenant_create: 1, erp_tenant_get: 1, erp_tenant_list: 1, erp_tenant_create_with_admin: 2,
  erp_ctx_new: 1,
  erp_setting_get: 1, erp_setting_list: 1, erp_audit_list: 1,
  erp_entity_types: 1, erp_entity_create: 1, erp_entity_get: 1, erp_entity_update: 1,
  erp_entity_delete: 1, erp_entity_list: 1, erp_entity_history: 1,
  erp_ledger_post_json: 1, erp_ledger_post_batch_json: 1, erp_ledger_reverse: 1,
  erp_ledger_entry_get: 1, erp_ledger_entry_list: 1, erp_ledger_account_balance: 1, erp_ledger_trial_balance: 1,
  erp_ledger_general_ledger: 1, erp_ledger_lock_date: 1,
  erp_stock_move_json: 1, erp_stock_move_batch_json: 1, erp_stock_move_get: 1, erp_stock_move_list: 1, erp_stock_reserve_json: 1,
  erp_stock_reservation_get: 1, erp_stock_quantity: 1, erp_stock_quant_list: 1,
  erp_stock_valuation: 1, erp_stock_layer_list: 1,
  erp_user_get: 1, erp_user_list: 1,
  erp_invitation_create: 2, erp_invitation_get: 1, erp_invitation_list: 1, erp_invitation_accept: 1,
  erp_invitation_accept_password: 2,
  erp_session_login: 2, erp_session_resume: 1, erp_session_revoke_user: 1, erp_session_list: 1,
  erp_rate_limit: 1,
};

const native = {};
for (const [name, fn] of Object.entries(raw)) {
  if (typeof fn !== 'function') continue;
  const n = OUTPUTS[name] || 0;
  native[name] = n === 0 ? fn
    : n === 1 ? (...args) => fn(null, ...args)
    : (...args) => fn(null, null, ...args);
}
for (const name of Object.keys(OUTPUTS)) {
  if (!native[name]) throw new Error(`liberp: native.node lacks ${name}`);
}

module.exports = Object.freeze(native);
