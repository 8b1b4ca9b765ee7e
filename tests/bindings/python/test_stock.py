"""Stock moves, quants, reservations, valuation."""
import unittest
from decimal import Decimal

import erp
from support import StoreTest


class StockTest(StoreTest):
    def receive(self, qty, cost, date="2026-01-05"):
        return self.ctx.move({"product_id": self.fx["product"], "quantity": qty, "unit_cost": cost,
                              "location_id": self.fx["supplier"], "location_dest_id": self.fx["shelf"],
                              "date": date})

    def test_moves_and_quants(self):
        m = self.receive(10, Decimal("4.00"))
        self.assertEqual((m["kind"], m["quantity"], m["value"]), ("in", Decimal("10"), Decimal("40.00")))
        self.receive(10, "6.00")
        out = self.ctx.move({"product_id": self.fx["product"], "quantity": "15",
                             "location_id": self.fx["shelf"], "location_dest_id": self.fx["customer"]})
        self.assertEqual(out["value"], Decimal("-70.00"))  # FIFO: 10 x 4 + 5 x 6
        self.assertEqual(self.ctx.stock_move(out["id"])["kind"], "out")
        q = self.ctx.quants(product_id=self.fx["product"])
        self.assertEqual([(x["location_id"], x["on_hand"]) for x in q], [(self.fx["shelf"], Decimal("5"))])
        self.assertEqual(self.ctx.stock_quantity(self.fx["product"], self.fx["shelf"]),
                         erp.StockLevel(5, 0, 5))
        self.assertEqual(self.ctx.stock_quantity(self.fx["product"], as_of="2026-01-05").on_hand, 20)
        val = self.ctx.stock_valuation()
        self.assertEqual(val["totals"], {"EUR": Decimal("30.00")})
        self.assertEqual([l["unit_cost"] for l in self.ctx.stock_layers(self.fx["product"])],
                         [Decimal("6.00")])
        self.assertEqual(len(self.ctx.stock_moves(product_id=self.fx["product"])["items"]), 3)

    def test_move_batch_all_or_none(self):
        fx = self.fx
        move_in = {"product_id": fx["product"], "quantity": 10, "unit_cost": Decimal("2.00"),
                   "location_id": fx["supplier"], "location_dest_id": fx["shelf"]}
        move_out = {"product_id": fx["product"], "quantity": "3",
                    "location_id": fx["shelf"], "location_dest_id": fx["customer"]}
        ids = self.ctx.move_batch([move_in, move_out])
        self.assertEqual(len(ids), 2)
        self.assertEqual(self.ctx.stock_move(ids[1])["value"], Decimal("-6.00"))
        self.assertEqual(self.ctx.stock_quantity(fx["product"], fx["shelf"]).on_hand, 7)
        # A refused move names itself; nothing of the batch is made.
        with self.assertRaises(erp.NoStockError) as caught:
            self.ctx.move_batch([move_in, dict(move_out, quantity=100)])
        self.assertEqual(caught.exception.field, "moves[1].quantity")
        with self.assertRaises(erp.InvalidError) as caught:
            self.ctx.move_batch([])
        self.assertEqual(caught.exception.field, "moves")
        self.assertEqual(self.ctx.stock_quantity(fx["product"], fx["shelf"]).on_hand, 7)

    def test_reservations(self):
        self.receive(10, "1.00")
        r = self.ctx.reserve({"product_id": self.fx["product"], "location_id": self.fx["shelf"],
                              "quantity": 4})
        self.assertEqual((r["state"], r["quantity"]), ("pending", Decimal("4")))
        self.assertEqual(self.ctx.stock_quantity(self.fx["product"], self.fx["shelf"]), (10, 4, 6))
        self.ctx.release(r["id"])
        self.assertEqual(self.ctx.reservation(r["id"])["state"], "released")
        with self.assertRaises(erp.ConflictError):
            self.ctx.release(r["id"])


if __name__ == "__main__":
    unittest.main()
