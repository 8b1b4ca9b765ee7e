"""A read-only SQLite database under erp-server: on a file system remounted
read-only (as root, where file modes do not stop writes), and by file mode
(chmod 0444, when not root).

liberp opens a SQLite store for writing or not at all, so promised: the
server refuses to start, exit status 1, with one message on stderr naming
DATABASE_URL, the file and that it is read-only; nothing in the store is
changed; once the file is writable again the server starts on it, serves
the data written before, and erp_store_verify passes.

    ERP_SERVER_BIN=build/erp-server python3 tests/faults/run.py sqlite test_sqlite_read_only -v
"""

import os
import unittest
from decimal import Decimal

import api
import erpserver
import faultkit
import store_verify

FS_SIZE = 16 * 1024 * 1024


class SqliteReadOnlyTest(faultkit.FaultCase):

    def make_store(self, directory):
        """A store with a tenant and two entries, written by a server that then stops."""
        url = "sqlite:%s/erp.db" % directory
        srv = self.serve(url, redis=False)
        t = api.Tenant(srv)
        books = api.Books(t)
        for _ in range(2):
            self.assertStatus(t.admin.post(api.JOURNAL, books.entry("4.00")), 201)
        srv.finish()
        return url, t

    def assertRefusedToStart(self, url, *words):
        srv = erpserver.Server(url, redis=False)
        self.addCleanup(srv.kill)
        srv.spawn(["--port", "0"])
        try:
            rc = srv.wait(60)
        except Exception:
            self.fail("erp-server serves a read-only store:\n" + srv.stderr_text())
        err = srv.stderr_text()
        self.assertEqual(rc, 1, err)
        for w in ("DATABASE_URL", url[len("sqlite:"):]) + words:
            self.assertIn(w, err)
        self.assertNotIn("Sanitizer", err)
        return err

    def assertServesAgain(self, url, tenant):
        srv = self.serve(url, redis=False)
        c = srv.client()
        r = c.post(api.LOGIN, {"email": tenant.email, "password": tenant.password, "tenant_id": tenant.id},
                   token=None)
        self.assertStatus(r, 200)
        c.token = r.json["token"]
        self.assertEqual(Decimal(faultkit.total_debit(c)), Decimal("8.00"))
        self.assertEqual(len(faultkit.journal_ids(c)), 2)
        srv.finish()
        ok, report, _ = store_verify.verify_store(url)
        self.assertTrue(ok, report)

    def test_read_only_file_system_refused_at_start(self):
        fs = faultkit.Tmpfs(FS_SIZE)
        self.addCleanup(fs.unmount)
        url, tenant = self.make_store(fs.path)
        before = sorted(os.listdir(fs.path))
        fs.remount("ro")
        try:
            self.assertRefusedToStart(url, "the file system is read-only")
            self.assertEqual(sorted(os.listdir(fs.path)), before)
        finally:
            fs.remount("rw")
        self.assertServesAgain(url, tenant)

    def test_read_only_file_mode_refused_at_start(self):
        if os.geteuid() == 0:
            self.skipTest("root ignores file modes (the read-only file system test covers root)")
        db = erpserver.Database("sqlite")
        self.addCleanup(db.drop)
        url, tenant = self.make_store(db.tmp)
        path = url[len("sqlite:"):]
        os.chmod(path, 0o444)
        try:
            self.assertRefusedToStart(url, "the file is read-only (permission denied)")
        finally:
            os.chmod(path, 0o644)
        self.assertServesAgain(url, tenant)


if __name__ == "__main__":
    unittest.main()
