#!/usr/bin/env node
'use strict';
/*
 * Runs the Node binding's suite (node:test, one process per *.test.js) on
 * one storage backend:
 *
 *   NODE_PATH=build-node/bindings/node/tests/node_path ERP_TEST_BINDINGS_BACKEND=sqlite \
 *       node tests/bindings/node/run.js [files...]
 *
 * (or ERP_NODE_MODULE=build-node/bindings/node instead of NODE_PATH).
 * Exits 0 when every test passed, 1 on a failure, 77 (CTest: skipped) for
 * postgresql without ERP_TEST_PG_URL. `node --expose-gc --test
 * tests/bindings/node/` runs the same files.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const kind = process.env.ERP_TEST_BINDINGS_BACKEND || 'sqlite';
if (kind !== 'sqlite' && kind !== 'postgresql') {
  process.stderr.write(`unknown ERP_TEST_BINDINGS_BACKEND ${kind}\n`);
  process.exit(2);
}
if (kind === 'postgresql' && !process.env.ERP_TEST_PG_URL) {
  process.stderr.write('ERP_TEST_PG_URL is not set: skipping the PostgreSQL bindings run\n');
  process.exit(77);
}
const args = process.argv.slice(2);
const files = args.length ? args
  : fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(__dirname, f));
process.stderr.write(`liberp Node tests on ${kind}, node ${process.version}: ${files.length} files\n`);
const r = spawnSync(process.execPath, ['--expose-gc', '--test', ...files], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
