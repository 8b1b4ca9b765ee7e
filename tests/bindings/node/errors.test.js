'use strict';
// Every error class: thrown with its code and field, and a refused call writes nothing.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { describe, it } = require('node:test');
const { erp, FAST, storeSuite, entry, fixtures, member, unique, which } = require('./support');

describe('errors', () => {
  const env = storeSuite();
  const tbAccounts = () => env.ctx.trialBalance().accounts;

  /** fn() throws cls with (code, field); returns the error. */
  function check(cls, code, field, fn) {
    let err;
    assert.throws(fn, (e) => { err = e; return true; });
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err && err.stack}`);
    assert.ok(err instanceof erp.Error && err instanceof Error);
    assert.deepEqual([err.code, err.field], [code, field], String(err));
    assert.equal(err.name, cls.name);
    assert.equal(err.codeName, cls.codeName);
    assert.ok(err.message);
    assert.match(err.stack, new RegExp(`^${cls.name}: `));
    return err;
  }

  it('InvalidError', () => {
    const { ctx, fx } = env;
    const before = env.count('core.partner');
    const e = check(erp.InvalidError, -5, 'name', () => ctx.create('core.partner', { name: '' }));
    assert.equal(e.codeName, 'ERP_EINVALID');
    check(erp.InvalidError, -5, 'lines[0].debit', () => ctx.post(entry(fx, '1.001')));
    assert.equal(env.count('core.partner'), before);
    assert.deepEqual(tbAccounts(), []);
  });

  it('refuses Numbers that are not safe integers before anything is sent', () => {
    const { ctx, fx } = env;
    const before = env.count('core.partner');
    check(erp.InvalidError, -5, 'credit_limit', () => ctx.create('core.partner', { name: 'F', credit_limit: 1.5 }));
    check(erp.InvalidError, -5, 'lines[0].debit', () => ctx.post(entry(fx, 0.1)));
    check(erp.InvalidError, -5, 'lines[1].credit', () => {
      const e = entry(fx, '1.00');
      e.lines[1].credit = 2 ** 60;
      ctx.post(e);
    });
    check(erp.InvalidError, -5, 'lines[0].debit', () => ctx.post(entry(fx, NaN)));
    check(erp.InvalidError, -5, 'quantity', () => ctx.move({ product_id: fx.product, quantity: 0.5,
      location_id: fx.supplier, location_dest_id: fx.shelf }));
    check(erp.InvalidError, -5, 'version', () => ctx.update('core.partner', fx.bank, 1.5, {}));
    assert.equal(env.count('core.partner'), before);
    assert.deepEqual(tbAccounts(), []);
    assert.deepEqual(ctx.quants(), []);
  });

  it('NotFoundError', () => {
    const { ctx, fx } = env;
    check(erp.NotFoundError, -2, 'id', () => ctx.get('core.partner', '01a23729-a053-73ae-acc1-6a1f82c12118'));
    const bad = entry(fx, '5.00');
    bad.lines[1].account_id = '01a23729-a053-73ae-acc1-6a1f82c12118';
    check(erp.NotFoundError, -2, 'lines[1].account_id', () => ctx.post(bad));
    assert.deepEqual(tbAccounts(), []);
  });

  it('ExistsError', () => {
    const { ctx, fx, store } = env;
    const name = unique('Dup ');
    store.createTenant(name, 'EUR');
    const n = store.tenants().length;
    check(erp.ExistsError, -3, 'name', () => store.createTenant(name, 'EUR'));
    assert.equal(store.tenants().length, n);
    ctx.post(entry(fx, '5.00', { idempotency_key: 'same' }));
    check(erp.ExistsError, -3, 'idempotency_key', () => ctx.post(entry(fx, '6.00', { idempotency_key: 'same' })));
    assert.equal(ctx.trialBalance().totals[0].debit, '5.00');
  });

  it('ConflictError', () => {
    const { ctx } = env;
    const p = ctx.create('core.partner', { name: 'V' });
    ctx.update('core.partner', p.id, 1, { city: 'Lyon' });
    check(erp.ConflictError, -4, 'version', () => ctx.update('core.partner', p.id, 1, { city: 'Nice' }));
    assert.equal(ctx.get('core.partner', p.id).city, 'Lyon');
  });

  it('UnbalancedError', () => {
    const e = entry(env.fx, '5.00');
    e.lines[1].credit = '4.00';
    check(erp.UnbalancedError, -6, 'lines', () => env.ctx.post(e));
    assert.deepEqual(tbAccounts(), []);
  });

  it('LockedError', () => {
    env.ctx.setLockDate('2026-01-31');
    check(erp.LockedError, -7, 'date', () => env.ctx.post(entry(env.fx, '5.00', { date: '2026-01-31' })));
    assert.deepEqual(tbAccounts(), []);
  });

  it('NoStockError', () => {
    const { ctx, fx } = env;
    check(erp.NoStockError, -8, 'quantity', () => ctx.move({ product_id: fx.product, quantity: 1,
      location_id: fx.shelf, location_dest_id: fx.customer }));
    assert.deepEqual(ctx.quants(), []);
    assert.deepEqual(ctx.stockMoves().items, []);
  });

  it('PermissionDeniedError', () => {
    const ro = env.store.context(env.tenant, 'reader', 'readonly');
    try {
      const before = env.count('core.partner');
      check(erp.PermissionDeniedError, -9, null, () => ro.create('core.partner', { name: 'R' }));
      check(erp.PermissionDeniedError, -9, null, () => ro.post(entry(env.fx, '1.00')));
      assert.equal(env.count('core.partner'), before);
    } finally {
      ro.close();
    }
    assert.deepEqual(tbAccounts(), []);
  });

  it('AuthError and LimitError', () => {
    const email = unique('eve') + '@example.com';
    member(env.store, env.ctx, email, 'right password', 'readwrite');
    for (let i = 0; i < 5; i++) check(erp.AuthError, -10, null, () => env.store.login(email, 'wrong password', env.tenant));
    const e = check(erp.LimitError, -13, 'email', () => env.store.login(email, 'right password', env.tenant));
    assert.ok(e.retryAfterMs > 0);
    check(erp.AuthError, -10, null, () => env.store.resume('x'.repeat(43)));
  });

  it('BackendError', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-node-junk-'));
    try {
      const p = path.join(d, 'junk.db');
      fs.writeFileSync(p, 'this is not a database'.repeat(100));
      check(erp.BackendError, -12, null, () => new erp.Store('sqlite:' + p));
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('RetryError when SQLite is locked', { skip: !which('sqlite3') && 'no sqlite3 binary' }, async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-node-busy-'));
    const p = path.join(d, 'busy.db');
    const store = new erp.Store('sqlite:' + p, { busyTimeoutMs: 50, ...FAST });
    const other = spawn('sqlite3', [p], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const n = store.tenants().length;
      await new Promise((resolve, reject) => { // wait until the other process holds the write lock
        other.stdout.on('data', (b) => { if (String(b).includes('locked')) resolve(); });
        other.on('error', reject);
        other.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n");
      });
      check(erp.RetryError, -11, null, () => store.createTenant(unique('Busy '), 'EUR'));
      other.stdin.end('ROLLBACK;\n');
      await new Promise((resolve) => other.on('close', resolve));
      assert.equal(store.tenants().length, n);
    } finally {
      other.kill();
      store.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('InternalError from verify', { skip: !which('sqlite3') && 'no sqlite3 binary' }, () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-node-v-'));
    const p = path.join(d, 'v.db');
    const store = new erp.Store('sqlite:' + p, FAST);
    try {
      const ctx = store.context(store.createTenant('V', 'EUR'));
      const fx = fixtures(ctx);
      ctx.move({ product_id: fx.product, quantity: 2, unit_cost: '1.00', location_id: fx.supplier, location_dest_id: fx.shelf });
      ctx.close();
      assert.equal(store.verify().ok, true);
      execFileSync('sqlite3', [p, 'UPDATE inventory_quants SET quantity = quantity + 1']);
      const e = check(erp.InternalError, -1, null, () => store.verify()); // verify names no field
      assert.equal(e.codeName, 'ERP_ERROR');
    } finally {
      store.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('maps every code to its class', () => {
    const native = require(path.join(process.env.ERP_NODE_MODULE || path.dirname(require.resolve('liberp')), 'lib', 'native'));
    for (let code = -1; code >= -13; code--) {
      const raw = Object.assign(new Error('m'), { erpCode: code, field: 'f', entity: 'core.partner', retryAfterMs: 0 });
      const e = erp._fromNative(raw);
      assert.equal(e.constructor.code, code);
      assert.deepEqual([e.code, e.field, e.entity, e.codeName], [code, 'f', 'core.partner', native.erp_error_name(code)]);
    }
    const e = erp._fromNative(Object.assign(new Error('new'), { erpCode: -99, field: null }));
    assert.equal(e.constructor, erp.Error);
    assert.equal(e.code, -99);
    const names = ['InternalError', 'NotFoundError', 'ExistsError', 'ConflictError', 'InvalidError',
      'UnbalancedError', 'LockedError', 'NoStockError', 'PermissionDeniedError', 'AuthError',
      'RetryError', 'BackendError', 'LimitError'];
    names.forEach((n, i) => assert.equal(erp[n].code, -1 - i, n));
    assert.ok(new erp.ClosedError('x', 'store') instanceof erp.InvalidError);
  });
});
