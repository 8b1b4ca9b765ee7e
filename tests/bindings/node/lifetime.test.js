'use strict';
// Handles: closing or collecting in any order never crashes; closed handles throw.
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { erp, FAST, Database, unique } = require('./support');

const gc = globalThis.gc || (() => { throw new Error('run with node --expose-gc'); });

/** Collects garbage until the FinalizationRegistry callbacks have run. */
async function collect(until) {
  for (let i = 0; i < 50; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
    if (until()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return until();
}

describe('lifetime', () => {
  it('closing the store under open contexts closes them; later calls throw ClosedError', () => {
    const db = new Database();
    try {
      const store = new erp.Store(db.url, FAST);
      const tenant = store.createTenant(unique('L '), 'EUR');
      const ctx = store.context(tenant);
      const other = store.context(tenant, 'other', 'readonly');
      store.close();
      assert.ok(store.closed && ctx.closed && other.closed);
      const calls = [
        [() => ctx.create('core.partner', { name: 'X' }), 'context'],
        [() => ctx.tenantId, 'context'],
        [() => store.tenants(), 'store'],
        [() => store.context(tenant), 'store'],
      ];
      for (const [call, field] of calls) {
        assert.throws(call, (e) => e instanceof erp.ClosedError && e instanceof erp.InvalidError
          && e.code === -5 && e.field === field && /closed/.test(e.message));
      }
      ctx.close();
      store.close(); // idempotent
    } finally {
      db.drop();
    }
  });

  it('a closed context throws ClosedError; its store lives on', () => {
    const db = new Database();
    try {
      const store = new erp.Store(db.url, FAST);
      const ctx = store.context(store.createTenant(unique('C '), 'EUR'));
      ctx.close();
      ctx.close();
      assert.throws(() => ctx.get('core.partner', 'x'), { name: 'ClosedError', code: -5, field: 'context',
        message: 'the context is closed' });
      assert.equal(store.tenants().length, 1);
      store.close();
    } finally {
      db.drop();
    }
  });

  it('dropping the Store before its Context and collecting garbage does not crash', async () => {
    const db = new Database();
    try {
      const base = erp._stats();
      let ctx = (() => {
        const store = new erp.Store(db.url, FAST);
        return store.context(store.createTenant(unique('D '), 'EUR'));
      })();
      await collect(() => false); // the store is only reachable through the context
      const p = ctx.create('core.partner', { name: 'Still here' });
      assert.equal(ctx.get('core.partner', p.id).name, 'Still here');
      assert.deepEqual(erp._stats(), { stores: base.stores + 1, contexts: base.contexts + 1 });
      ctx = null; // now both go, in whatever order the collector finalizes them
      assert.ok(await collect(() => erp._stats().stores === base.stores), 'the store was not freed');
      assert.deepEqual(erp._stats(), base);
    } finally {
      db.drop();
    }
  });

  it('many unclosed contexts and stores are freed by the collector', async () => {
    const db = new Database();
    try {
      const base = erp._stats();
      (() => {
        const store = new erp.Store(db.url, FAST);
        const t = store.createTenant(unique('G '), 'EUR');
        for (let i = 0; i < 50; i++) store.context(t, `u${i}`, 'readonly').tenantId;
      })();
      assert.ok(await collect(() => erp._stats().contexts === base.contexts && erp._stats().stores === base.stores),
        JSON.stringify(erp._stats()));
    } finally {
      db.drop();
    }
  });

  it('closing a context whose Store object is unreachable frees both', async () => {
    const db = new Database();
    try {
      const base = erp._stats();
      let ctx = (() => {
        const store = new erp.Store(db.url, FAST);
        return store.context(store.createTenant(unique('E '), 'EUR'));
      })();
      await collect(() => false);
      ctx.close(); // frees the context; the store goes with the last reference to it
      assert.deepEqual(erp._stats(), { stores: base.stores + 1, contexts: base.contexts });
      assert.throws(() => ctx.tenantId, erp.ClosedError);
      ctx = null;
      assert.ok(await collect(() => erp._stats().stores === base.stores), 'the store was not freed');
    } finally {
      db.drop();
    }
  });

  it('bad arguments throw before reaching C', () => {
    const db = new Database();
    try {
      const store = new erp.Store(db.url, FAST);
      assert.throws(() => store.context('t', 'u', 'root'), { name: 'InvalidError', field: 'role' });
      assert.throws(() => store.createTenant(42, 'EUR'), TypeError);
      assert.throws(() => store.createTenant('a\0b', 'EUR'), /NUL/);
      store.close();
    } finally {
      db.drop();
    }
  });
});
