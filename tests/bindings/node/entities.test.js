'use strict';
// Tenants and entities: create, get, update, list, delete, history.
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { erp, storeSuite, unique } = require('./support');

describe('tenants', () => {
  const env = storeSuite();

  it('creates, gets and lists tenants', () => {
    const name = unique('Acme ');
    const tid = env.store.createTenant(name, 'USD');
    const t = env.store.tenant(tid);
    assert.deepEqual([t.name, t.base_currency], [name, 'USD']);
    assert.ok(env.store.tenants().some((x) => x.id === tid));
    assert.ok(['sqlite', 'postgresql'].includes(env.store.backend));
    assert.equal(env.store.backend, require('./support').backend());
    assert.ok(env.store.schemaVersion() >= 1);
    assert.equal(env.store.health().status, 'ok');
    assert.match(erp.version(), /^\d+\.\d+\.\d+$/);
  });

  it('has context identity and settings', () => {
    const { ctx } = env;
    assert.equal(ctx.tenantId, env.tenant);
    assert.deepEqual([ctx.userId, ctx.role], ['tester', 'admin']);
    assert.equal(ctx.setting('invoice.prefix'), null);
    assert.equal(ctx.setting('invoice.prefix', 'INV-'), 'INV-');
    ctx.setSetting('invoice.prefix', 'ACME-');
    assert.equal(ctx.setting('invoice.prefix'), 'ACME-');
    ctx.setSetting('a.first', '1');
    assert.deepEqual(ctx.settings(), { 'a.first': '1', 'invoice.prefix': 'ACME-' });
    ctx.setSetting('a.first', null);
    ctx.setSetting('invoice.prefix', null);
    assert.equal(ctx.setting('invoice.prefix'), null);
    assert.ok(ctx.audit(10).some((a) => a.action));
  });
});

describe('entities', () => {
  const env = storeSuite();

  it('creates, reads, updates, deletes; amounts are strings', () => {
    const { ctx } = env;
    const p = ctx.create('core.partner', { name: 'Globex', credit_limit: '1500.50' });
    assert.equal(p.version, 1);
    assert.equal(p.credit_limit, '1500.50');
    assert.equal(ctx.get('core.partner', p.id).name, 'Globex');
    const up = ctx.update('core.partner', p.id, 1, { credit_limit: 2000, city: 'Paris' });
    assert.deepEqual([up.version, up.credit_limit, up.city], [2, '2000.00', 'Paris']);
    assert.equal(ctx.history('core.partner', p.id).length, 2);
    assert.equal(ctx.delete('core.partner', p.id, 2n).result, 'deleted');
    assert.throws(() => ctx.get('core.partner', p.id), erp.NotFoundError);
  });

  it('lists with filters, pages and counts', () => {
    const { ctx } = env;
    for (let i = 0; i < 5; i++) ctx.create('core.partner', { name: `P${i}`, credit_limit: `${i * 100}.00` });
    const q = { filter: [['credit_limit', 'ge', '200.00']], sort: [['name', 'desc']] };
    const page = ctx.list('core.partner', { ...q, limit: 2, count: true });
    assert.equal(page.total, 3);
    assert.deepEqual(page.items.map((x) => x.name), ['P4', 'P3']);
    const rest = ctx.list('core.partner', { ...q, cursor: page.next_cursor });
    assert.deepEqual(rest.items.map((x) => x.name), ['P2']);
    assert.equal(env.count('core.partner'), 5);
  });

  it('takes a document with lines; its amounts are strings', () => {
    const { ctx, fx } = env;
    const partner = ctx.create('core.partner', { name: 'Client' }).id;
    const o = ctx.create('sales.order', {
      partner_id: partner, date: '2026-01-10',
      lines: [{ product_id: fx.product, uom_id: fx.unit, quantity: 3, price_unit: '9.99' }],
    });
    assert.deepEqual([o.lines[0].quantity, o.lines[0].amount], ['3', '29.97']);
    assert.equal(o.amount_total, '29.97');
  });

  it('archives a referenced record instead of deleting it', () => {
    assert.equal(env.ctx.delete('core.uom', env.fx.unit, 1).result, 'archived');
  });
});
