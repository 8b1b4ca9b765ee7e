'use strict';
// Posting (JSON entry and JSON batch), reversal, balances, trial balance.
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { storeSuite, entry } = require('./support');

describe('ledger', () => {
  const env = storeSuite();

  it('posts, idempotently, and reports balances', () => {
    const { ctx, fx } = env;
    const posted = ctx.post(entry(fx, '1000.00', { memo: 'capital', idempotency_key: 'k1' }));
    assert.deepEqual(posted.lines.map((l) => l.debit), ['1000.00', '0.00']);
    const again = ctx.post(entry(fx, '1000.00', { memo: 'capital', idempotency_key: 'k1' }));
    assert.equal(again.id, posted.id);
    assert.equal(ctx.journalEntry(posted.id).memo, 'capital');
    assert.deepEqual(ctx.accountBalance(fx.bank).balances,
      [{ currency: 'EUR', debit: '1000.00', credit: '0.00', balance: '1000.00' }]);
  });

  it('takes amounts as safe integers, strings, BigInts and toJSON objects', () => {
    const { ctx, fx } = env;
    ctx.post(entry(fx, 10));
    ctx.post(entry(fx, '0.25'));
    ctx.post(entry(fx, 5n));
    ctx.post(entry(fx, { toJSON: () => '0.50' })); // as decimal.js / big.js values do
    assert.equal(ctx.accountBalance(fx.bank).balances[0].balance, '15.75');
  });

  it('posts a batch all or none; trial balance and general ledger', () => {
    const { ctx, fx } = env;
    const ids = ctx.postBatch([entry(fx, '100.00'),
      entry(fx, '40.00', { debit: 'bank', credit: 'sales', date: '2026-02-01' })]);
    assert.equal(ids.length, 2);
    const tb = ctx.trialBalance();
    assert.deepEqual(tb.totals, [{ currency: 'EUR', debit: '140.00', credit: '140.00' }]);
    assert.equal(tb.accounts.find((a) => a.code === '512').balance, '140.00');
    assert.equal(ctx.trialBalance('2026-01-31').totals[0].debit, '100.00');
    const gl = ctx.generalLedger(fx.bank, { limit: 10 });
    assert.deepEqual(gl.lines.map((l) => l.balance), ['100.00', '140.00']);
    assert.equal(ctx.generalLedger(fx.bank, { from: '2026-02-01' }).lines.length, 1);
    assert.equal(ctx.journalEntries({ limit: 10 }).items.length, 2);
  });

  it('reverses, and sets and clears the lock date', () => {
    const { ctx, fx } = env;
    const posted = ctx.post(entry(fx, '70.00'));
    const rid = ctx.reverse(posted.id, '2026-01-20');
    assert.equal(ctx.journalEntry(rid).reversal_of, posted.id);
    assert.equal(ctx.accountBalance(fx.bank).balances[0].balance, '0.00');
    assert.equal(ctx.lockDate(), null);
    ctx.setLockDate('2026-01-31');
    assert.equal(ctx.lockDate(), '2026-01-31');
    ctx.setLockDate(null);
    assert.equal(ctx.lockDate(), null);
  });
});
