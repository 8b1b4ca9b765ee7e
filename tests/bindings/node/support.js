'use strict';
/*
 * Shared set-up: a fresh store per test file (describe) on the backend
 * under test, and a fresh tenant with the master data the tests need.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { before, after, beforeEach, afterEach } = require('node:test');

const erp = require(process.env.ERP_NODE_MODULE || 'liberp');

const FAST = { passwordOpsLimit: 1, passwordMemLimit: 8192 }; // cheap argon2id for tests

const backend = () => process.env.ERP_TEST_BINDINGS_BACKEND || 'sqlite';
const pgUrl = () => process.env.ERP_TEST_PG_URL || null;
const unique = (prefix = 't') => prefix + crypto.randomBytes(5).toString('hex');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

function psqlBinary() {
  const p = which('psql');
  if (p) return p;
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => a - b);
    for (const v of versions.reverse()) {
      const c = `/usr/lib/postgresql/${v}/bin/psql`;
      if (fs.existsSync(c)) return c;
    }
  } catch { /* none */ }
  throw new Error('no psql binary (apt-get install postgresql-client)');
}

function psql(sql) {
  const bin = psqlBinary();
  let last;
  for (let i = 0; i < 30; i++) { // a store just closed may still have backends exiting
    try {
      execFileSync(bin, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', pgUrl(), '-c', sql],
        { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
      return;
    } catch (e) {
      last = String(e.stderr || e.message);
      sleep(200);
    }
  }
  throw new Error(`psql ${sql} failed: ${last}`);
}

/** A fresh, empty store location: a SQLite file or a PostgreSQL database. */
class Database {
  constructor(kind = backend()) {
    this.kind = kind;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-node-'));
    this.db = null;
    if (kind === 'sqlite') {
      this.url = `sqlite:${this.tmp}/erp.db`;
    } else {
      if (!pgUrl()) throw new Error('ERP_TEST_PG_URL is not set');
      this.db = 'erp_node_' + crypto.randomBytes(6).toString('hex');
      psql(`CREATE DATABASE ${this.db}`);
      const url = pgUrl();
      const slash = url.lastIndexOf('/');
      const tail = url.slice(slash + 1);
      const query = tail.includes('?') ? tail.slice(tail.indexOf('?')) : '';
      this.url = `${url.slice(0, slash)}/${this.db}${query}`;
    }
  }

  drop() {
    if (this.db) {
      psql(`DROP DATABASE IF EXISTS ${this.db} WITH (FORCE)`);
      this.db = null;
    }
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/**
 * Makes email a member of ctx's tenant the only way there is: ctx (an
 * admin) invites it, the invited person accepts with a password (which
 * creates their account when they have none). Returns the user's id.
 */
function member(store, ctx, email, password, role = 'readwrite', displayName = null) {
  const inv = ctx.invite(email, role);
  const { tenantId, userId } = store.acceptInvitation(inv.token, password, displayName);
  if (tenantId !== ctx.tenantId) throw new Error(`accepted into ${tenantId}, not ${ctx.tenantId}`);
  return userId;
}

/** Accounts, a journal, a product in units, and locations. */
function fixtures(ctx) {
  const c = (type, fields) => ctx.create(type, fields).id;
  const fx = {
    bank: c('financial.account', { code: '512', name: 'Bank', type: 'asset' }),
    capital: c('financial.account', { code: '101', name: 'Capital', type: 'equity' }),
    sales: c('financial.account', { code: '701', name: 'Sales', type: 'income' }),
    journal: c('financial.journal', { code: 'MISC', name: 'Misc' }),
    unit: c('core.uom', { name: 'Unit', precision: 0 }),
    supplier: c('inventory.location', { name: 'Vendors', usage: 'supplier' }),
    customer: c('inventory.location', { name: 'Customers', usage: 'customer' }),
    shelf: c('inventory.location', { name: 'Shelf', usage: 'internal' }),
  };
  fx.product = c('core.product', { name: 'Widget', uom_id: fx.unit, cost_method: 'fifo' });
  return fx;
}

/** A two-line journal entry of amount. */
function entry(fx, amount, { date = '2026-01-15', debit = 'bank', credit = 'capital', ...extra } = {}) {
  return {
    journal_id: fx.journal, date,
    lines: [{ account_id: fx[debit], debit: amount }, { account_id: fx[credit], credit: amount }],
    ...extra,
  };
}

/**
 * Inside a describe(): env.store (one per describe), and per test
 * env.tenant, env.ctx (an admin context of a fresh tenant) and env.fx.
 */
function storeSuite() {
  const env = {};
  before(() => {
    env.database = new Database();
    env.store = new erp.Store(env.database.url, FAST);
  });
  after(() => {
    env.store.close();
    env.database.drop();
  });
  beforeEach(() => {
    env.tenant = env.store.createTenant(unique('Tenant '), 'EUR');
    env.ctx = env.store.context(env.tenant, 'tester', 'admin');
    env.fx = fixtures(env.ctx);
  });
  afterEach(() => env.ctx.close());
  env.count = (type, ctx = env.ctx) => ctx.list(type, { count: true, include_archived: true }).total;
  return env;
}

module.exports = { erp, FAST, Database, backend, pgUrl, unique, member, fixtures, entry, storeSuite, which, sleep };
