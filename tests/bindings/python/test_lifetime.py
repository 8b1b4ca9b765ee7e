"""Handles: closing in any order never crashes; threads share a store."""
import gc
import threading
import unittest

import erp
from support import FAST, Database, StoreTest, entry, unique


class LifetimeTest(StoreTest):
    def test_store_closed_under_open_contexts(self):
        db = Database()
        try:
            store = erp.Store(db.url, **FAST)
            ctx = store.context(store.create_tenant(unique("L "), "EUR"))
            session_ctx = store.context(ctx.tenant_id, "other", "readonly")
            store.close()
            self.assertTrue(store.closed and ctx.closed and session_ctx.closed)
            for call in (lambda: ctx.create("core.partner", {"name": "X"}), lambda: ctx.tenant_id,
                         lambda: store.tenants(), lambda: store.context(ctx.tenant_id)):
                with self.assertRaises(erp.ClosedError) as cm:
                    call()
                self.assertEqual(cm.exception.code, -5)
                self.assertIsInstance(cm.exception, erp.InvalidError)
            ctx.close()
            store.close()  # idempotent
        finally:
            db.drop()

    def test_dropping_the_store_object_first(self):
        db = Database()
        try:
            store = erp.Store(db.url, **FAST)
            ctx = store.context(store.create_tenant(unique("D "), "EUR"))
            del store
            gc.collect()
            p = ctx.create("core.partner", {"name": "Still here"})  # the context kept it alive
            self.assertEqual(ctx.get("core.partner", p["id"])["name"], "Still here")
            cycle = [ctx]
            cycle.append(cycle)
            del ctx, cycle
            gc.collect()
        finally:
            db.drop()

    def test_with_blocks_close(self):
        with self.store.context(self.tenant, "w", "readwrite") as c:
            pass
        self.assertTrue(c.closed)
        with self.assertRaises(erp.ClosedError):
            c.get("core.partner", "x")

    def test_threads_post_concurrently(self):
        errors = []

        def poster():
            try:
                with self.store.context(self.tenant, "poster", "readwrite") as c:
                    for _ in range(20):
                        c.post(entry(self.fx, "1.00"))
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=poster) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(str(self.ctx.trial_balance()["totals"][0]["debit"]), "80.00")

    def test_close_while_other_threads_call(self):
        db = Database()
        try:
            store = erp.Store(db.url, **FAST)
            tenant = store.create_tenant(unique("C "), "EUR")
            stop = threading.Event()
            seen = []

            def reader():
                try:
                    c = store.context(tenant, "r", "readonly")
                    while not stop.is_set():
                        c.list("core.partner")
                except erp.ClosedError:
                    seen.append("closed")

            threads = [threading.Thread(target=reader) for _ in range(3)]
            for t in threads:
                t.start()
            store.close()
            stop.set()
            for t in threads:
                t.join()
            self.assertEqual(seen, ["closed"] * 3)
        finally:
            db.drop()


if __name__ == "__main__":
    unittest.main()
