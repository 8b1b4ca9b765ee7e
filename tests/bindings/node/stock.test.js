'use strict';
// Stock moves, quants, reservations, valuation.
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { erp, storeSuite } = require('./support');

describe('stock', () => {
  const env = storeSuite();
  const receive = (qty, cost, date = '2026-01-05') => env.ctx.move({
    product_id: env.fx.product, quantity: qty, unit_cost: cost,
    location_id: env.fx.supplier, location_dest_id: env.fx.shelf, date,
  });

  it('moves stock in and out (FIFO); quants, levels, valuation, layers', () => {
    const { ctx, fx } = env;
    const m = receive(10, '4.00');
    assert.deepEqual([m.kind, m.quantity, m.value], ['in', '10', '40.00']);
    receive(10, '6.00');
    const out = ctx.move({ product_id: fx.product, quantity: '15', location_id: fx.shelf, location_dest_id: fx.customer });
    assert.equal(out.value, '-70.00'); // FIFO: 10 x 4 + 5 x 6
    assert.equal(ctx.stockMove(out.id).kind, 'out');
    const q = ctx.quants({ product_id: fx.product });
    assert.deepEqual(q.map((x) => [x.location_id, x.on_hand]), [[fx.shelf, '5']]);
    assert.deepEqual(ctx.stockQuantity(fx.product, fx.shelf), { onHand: 5n, reserved: 0n, available: 5n });
    assert.equal(ctx.stockQuantity(fx.product, null, '2026-01-05').onHand, 20n);
    assert.deepEqual(ctx.stockValuation().totals, { EUR: '30.00' });
    assert.deepEqual(ctx.stockLayers(fx.product).map((l) => l.unit_cost), ['6.00']);
    assert.equal(ctx.stockMoves({ product_id: fx.product }).items.length, 3);
  });

  it('makes a batch of moves all or none', () => {
    const { ctx, fx } = env;
    const moveIn = { product_id: fx.product, quantity: 10, unit_cost: '2.00', location_id: fx.supplier, location_dest_id: fx.shelf };
    const moveOut = { product_id: fx.product, quantity: '3', location_id: fx.shelf, location_dest_id: fx.customer };
    const ids = ctx.moveBatch([moveIn, moveOut]);
    assert.equal(ids.length, 2);
    assert.equal(ctx.stockMove(ids[1]).value, '-6.00');
    assert.equal(ctx.stockQuantity(fx.product, fx.shelf).onHand, 7n);
    // A refused move names itself; nothing of the batch is made.
    assert.throws(() => ctx.moveBatch([moveIn, { ...moveOut, quantity: 100 }]),
      (e) => e instanceof erp.NoStockError && e.field === 'moves[1].quantity');
    assert.throws(() => ctx.moveBatch([]), (e) => e instanceof erp.InvalidError && e.field === 'moves');
    assert.equal(ctx.stockQuantity(fx.product, fx.shelf).onHand, 7n);
  });

  it('reserves and releases', () => {
    const { ctx, fx } = env;
    receive(10, '1.00');
    const r = ctx.reserve({ product_id: fx.product, location_id: fx.shelf, quantity: 4 });
    assert.deepEqual([r.state, r.quantity], ['pending', '4']);
    assert.deepEqual(ctx.stockQuantity(fx.product, fx.shelf), { onHand: 10n, reserved: 4n, available: 6n });
    ctx.release(r.id);
    assert.equal(ctx.reservation(r.id).state, 'released');
    assert.throws(() => ctx.release(r.id), erp.ConflictError);
  });
});
