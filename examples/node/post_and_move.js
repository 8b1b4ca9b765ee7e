#!/usr/bin/env node
'use strict';
/*
 * Posts a journal entry, moves stock in, prints the trial balance.
 *
 *   node post_and_move.js                      # a fresh tenant in ./example.db
 *   ERP_EXAMPLE_URL=sqlite::memory: node post_and_move.js
 *
 * require('liberp') finds the installed package (<prefix>/lib/node_modules);
 * from a build tree: NODE_PATH=build/bindings/node/tests/node_path.
 */
const crypto = require('node:crypto');
const erp = require('liberp');

const store = new erp.Store(process.env.ERP_EXAMPLE_URL || 'sqlite:example.db');
try {
  const tenant = store.createTenant('Example ' + crypto.randomBytes(4).toString('hex'), 'EUR');
  const ctx = store.context(tenant, 'alice', 'admin');
  const bank = ctx.create('financial.account', { code: '512', name: 'Bank', type: 'asset' });
  const capital = ctx.create('financial.account', { code: '101', name: 'Capital', type: 'equity' });
  const journal = ctx.create('financial.journal', { code: 'MISC', name: 'Miscellaneous' });
  ctx.post({
    journal_id: journal.id, date: '2026-01-15', memo: 'Capital paid in',
    lines: [{ account_id: bank.id, debit: '1000.00' },      // amounts: decimal strings
            { account_id: capital.id, credit: '1000.00' }],
  });

  const unit = ctx.create('core.uom', { name: 'Unit', precision: 0 });
  const widget = ctx.create('core.product', { name: 'Widget', uom_id: unit.id });
  const vendor = ctx.create('inventory.location', { name: 'Vendors', usage: 'supplier' });
  const shelf = ctx.create('inventory.location', { name: 'Shelf', usage: 'internal' });
  ctx.move({ product_id: widget.id, quantity: 5, unit_cost: '12.50',  // 5: a safe integer is fine
             location_id: vendor.id, location_dest_id: shelf.id, date: '2026-01-16' });

  for (const q of ctx.quants({ product_id: widget.id })) console.log('on hand at Shelf:', q.on_hand);
  for (const a of ctx.trialBalance().accounts) {
    console.log(`${a.code.padEnd(6)} ${a.name.padEnd(10)} ${a.debit.padStart(10)} ${a.credit.padStart(10)}`);
  }
  ctx.close();
} finally {
  store.close();
}
