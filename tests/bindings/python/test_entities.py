"""Tenants and entities: create, get, update, list, delete, history."""
import unittest
from decimal import Decimal

import erp
from support import StoreTest, unique


class TenantTest(StoreTest):
    def test_tenants(self):
        name = unique("Acme ")
        tid = self.store.create_tenant(name, "USD")
        t = self.store.tenant(tid)
        self.assertEqual((t["name"], t["base_currency"]), (name, "USD"))
        self.assertIn(tid, [x["id"] for x in self.store.tenants()])
        self.assertIn(self.store.backend, ("sqlite", "postgresql"))
        self.assertGreaterEqual(self.store.schema_version(), 1)
        self.assertEqual(self.store.health()["status"], "ok")

    def test_context_identity_and_settings(self):
        self.assertEqual(self.ctx.tenant_id, self.tenant)
        self.assertEqual((self.ctx.user_id, self.ctx.role), ("tester", "admin"))
        self.assertIsNone(self.ctx.setting("invoice.prefix"))
        self.ctx.set_setting("invoice.prefix", "ACME-")
        self.assertEqual(self.ctx.setting("invoice.prefix"), "ACME-")
        self.ctx.set_setting("a.first", "1")
        self.assertEqual(self.ctx.settings(), {"a.first": "1", "invoice.prefix": "ACME-"})
        self.assertEqual(list(self.ctx.settings()), ["a.first", "invoice.prefix"])
        self.assertTrue(any(a["action"] for a in self.ctx.audit(10)))


class EntityTest(StoreTest):
    def test_crud(self):
        p = self.ctx.create("core.partner", {"name": "Globex", "credit_limit": Decimal("1500.50")})
        self.assertEqual(p["version"], 1)
        self.assertEqual(p["credit_limit"], Decimal("1500.50"))
        self.assertIsInstance(p["credit_limit"], Decimal)
        got = self.ctx.get("core.partner", p["id"])
        self.assertEqual(got["name"], "Globex")
        up = self.ctx.update("core.partner", p["id"], 1, {"credit_limit": 2000, "city": "Paris"})
        self.assertEqual((up["version"], up["credit_limit"], up["city"]), (2, Decimal("2000.00"), "Paris"))
        self.assertEqual(len(self.ctx.history("core.partner", p["id"])), 2)
        gone = self.ctx.delete("core.partner", p["id"], 2)
        self.assertEqual(gone["result"], "deleted")
        with self.assertRaises(erp.NotFoundError):
            self.ctx.get("core.partner", p["id"])

    def test_list_filters_pages_and_counts(self):
        for i in range(5):
            self.ctx.create("core.partner", {"name": "P%d" % i, "credit_limit": "%d.00" % (i * 100)})
        page = self.ctx.list("core.partner", filter=[["credit_limit", "ge", "200.00"]],
                             sort=[["name", "desc"]], limit=2, count=True)
        self.assertEqual(page["total"], 3)
        self.assertEqual([x["name"] for x in page["items"]], ["P4", "P3"])
        rest = self.ctx.list("core.partner", {"filter": [["credit_limit", "ge", "200.00"]],
                                              "sort": [["name", "desc"]], "cursor": page["next_cursor"]})
        self.assertEqual([x["name"] for x in rest["items"]], ["P2"])

    def test_document_with_lines_amounts_are_decimal(self):
        partner = self.ctx.create("core.partner", {"name": "Client"})["id"]
        o = self.ctx.create("sales.order", {"partner_id": partner, "date": "2026-01-10", "lines": [
            {"product_id": self.fx["product"], "uom_id": self.fx["unit"], "quantity": 3, "price_unit": Decimal("9.99")}]})
        line = o["lines"][0]
        self.assertEqual((line["quantity"], line["amount"]), (Decimal("3"), Decimal("29.97")))
        self.assertEqual(o["amount_total"], Decimal("29.97"))

    def test_archive_when_referenced(self):
        uom = self.fx["unit"]
        r = self.ctx.delete("core.uom", uom, 1)
        self.assertEqual(r["result"], "archived")


if __name__ == "__main__":
    unittest.main()
