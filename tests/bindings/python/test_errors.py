"""Every error class: raised with its code and field, and a refused call writes nothing."""
import os
import sqlite3
import tempfile
import unittest
from decimal import Decimal

import erp
from erp import native
from erp.errors import from_failure
from support import FAST, StoreTest, entry, fixtures, member, unique


class ErrorTest(StoreTest):
    def check(self, cls, code, field, fn, *args):
        with self.assertRaises(cls) as cm:
            fn(*args)
        e = cm.exception
        self.assertIsInstance(e, erp.Error)
        self.assertEqual((e.code, e.field), (code, field), str(e))
        self.assertTrue(e.message)
        return e

    def tb(self):
        return self.ctx.trial_balance()

    def test_invalid(self):
        before = self.count("core.partner")
        e = self.check(erp.InvalidError, -5, "name", self.ctx.create, "core.partner", {"name": ""})
        self.assertEqual(e.name, "ERP_EINVALID")
        self.check(erp.InvalidError, -5, "lines[0].debit", self.ctx.post,
                   entry(self.fx, "1.001"))
        self.assertEqual(self.count("core.partner"), before)
        self.assertEqual(self.tb()["accounts"], [])

    def test_float_refused_before_anything_is_sent(self):
        before = self.count("core.partner")
        self.check(erp.InvalidError, -5, "credit_limit", self.ctx.create, "core.partner",
                   {"name": "F", "credit_limit": 1.5})
        self.check(erp.InvalidError, -5, "lines[0].debit", self.ctx.post, entry(self.fx, 0.1))
        self.assertEqual(self.count("core.partner"), before)
        self.assertEqual(self.tb()["accounts"], [])

    def test_not_found(self):
        self.check(erp.NotFoundError, -2, "id", self.ctx.get, "core.partner",
                   "01a23729-a053-73ae-acc1-6a1f82c12118")
        bad = entry(self.fx, "5.00")
        bad["lines"][1]["account_id"] = "01a23729-a053-73ae-acc1-6a1f82c12118"
        self.check(erp.NotFoundError, -2, "lines[1].account_id", self.ctx.post, bad)
        self.assertEqual(self.tb()["accounts"], [])

    def test_exists(self):
        name = unique("Dup ")
        self.store.create_tenant(name, "EUR")
        n = len(self.store.tenants())
        self.check(erp.ExistsError, -3, "name", self.store.create_tenant, name, "EUR")
        self.assertEqual(len(self.store.tenants()), n)
        self.ctx.post(entry(self.fx, "5.00", idempotency_key="same"))
        self.check(erp.ExistsError, -3, "idempotency_key", self.ctx.post,
                   entry(self.fx, "6.00", idempotency_key="same"))
        self.assertEqual(self.tb()["totals"][0]["debit"], Decimal("5.00"))

    def test_conflict(self):
        p = self.ctx.create("core.partner", {"name": "V"})
        self.ctx.update("core.partner", p["id"], 1, {"city": "Lyon"})
        self.check(erp.ConflictError, -4, "version", self.ctx.update, "core.partner", p["id"], 1,
                   {"city": "Nice"})
        self.assertEqual(self.ctx.get("core.partner", p["id"])["city"], "Lyon")

    def test_unbalanced(self):
        e = entry(self.fx, "5.00")
        e["lines"][1]["credit"] = "4.00"
        self.check(erp.UnbalancedError, -6, "lines", self.ctx.post, e)
        self.assertEqual(self.tb()["accounts"], [])

    def test_locked(self):
        self.ctx.set_lock_date("2026-01-31")
        self.check(erp.LockedError, -7, "date", self.ctx.post, entry(self.fx, "5.00", date="2026-01-31"))
        self.assertEqual(self.tb()["accounts"], [])

    def test_no_stock(self):
        self.check(erp.NoStockError, -8, "quantity", self.ctx.move,
                   {"product_id": self.fx["product"], "quantity": 1, "location_id": self.fx["shelf"],
                    "location_dest_id": self.fx["customer"]})
        self.assertEqual(self.ctx.quants(), [])
        self.assertEqual(self.ctx.stock_moves()["items"], [])

    def test_permission(self):
        with self.store.context(self.tenant, "reader", "readonly") as ro:
            before = self.count("core.partner")
            self.check(erp.PermissionDeniedError, -9, None, ro.create, "core.partner", {"name": "R"})
            self.check(erp.PermissionDeniedError, -9, None, ro.post, entry(self.fx, "1.00"))
        self.assertEqual(self.count("core.partner"), before)
        self.assertEqual(self.tb()["accounts"], [])

    def test_auth_and_limit(self):
        email = unique("eve") + "@example.com"
        member(self.store, self.ctx, email, "right password", "readwrite")
        for _ in range(5):
            self.check(erp.AuthError, -10, None, self.store.login, email, "wrong password", self.tenant)
        e = self.check(erp.LimitError, -13, "email", self.store.login, email, "right password", self.tenant)
        self.assertGreater(e.retry_after_ms, 0)
        self.check(erp.AuthError, -10, None, self.store.resume, "x" * 43)

    def test_backend(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "junk.db")
            with open(path, "wb") as f:
                f.write(b"this is not a database" * 100)
            self.check(erp.BackendError, -12, None, erp.Store, "sqlite:" + path)

    def test_retry_when_sqlite_is_locked(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "busy.db")
            with erp.Store("sqlite:" + path, busy_timeout_ms=50, **FAST) as store:
                n = len(store.tenants())
                other = sqlite3.connect(path, isolation_level=None)
                other.execute("BEGIN IMMEDIATE")
                try:
                    self.check(erp.RetryError, -11, None, store.create_tenant, unique("Busy "), "EUR")
                finally:
                    other.execute("ROLLBACK")
                    other.close()
                self.assertEqual(len(store.tenants()), n)

    def test_internal_error_from_verify(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "v.db")
            with erp.Store("sqlite:" + path, **FAST) as store:
                with store.context(store.create_tenant("V", "EUR")) as ctx:
                    fx = fixtures(ctx)
                    ctx.move({"product_id": fx["product"], "quantity": 2, "unit_cost": "1.00",
                              "location_id": fx["supplier"], "location_dest_id": fx["shelf"]})
                self.assertTrue(store.verify()["ok"])
                db = sqlite3.connect(path, isolation_level=None)
                db.execute("UPDATE inventory_quants SET quantity = quantity + 1")
                db.close()
                e = self.check(erp.InternalError, -1, None, store.verify)  # verify names no field
                self.assertEqual(e.name, "ERP_ERROR")

    def test_mapping_of_every_code(self):
        for code in range(-1, -14, -1):
            e = from_failure(native.Failure(code, "f", "core.partner", "m", 0))
            self.assertIs(type(e), erp.errors.BY_CODE[code])
            self.assertEqual((e.code, e.field, e.entity, e.name), (code, "f", "core.partner",
                                                                   native.erp_error_name(code)))
        e = from_failure(native.Failure(-99, None, None, "new", 0))
        self.assertEqual((type(e), e.code), (erp.Error, -99))


if __name__ == "__main__":
    unittest.main()
