"""A full disk under erp-server's store: the scenario both backends' tests run.

The store (a SQLite file, or a PostgreSQL database's tablespace) lives on a
small tmpfs of its own; the test fills it with a filler file, then posts
until the store refuses (SQLite's WAL, PostgreSQL's last pages may still
have room). Decided and promised: a write refused for lack of space answers
507 Insufficient Storage, code "backend", a message saying the storage is
full and nothing was written (it is not a transient 503: retrying will not
help until someone frees space). Reads (single entries, lists, reports,
/health) keep working; a refused single post, batch, entity create, login
or logout writes nothing (a session that could not be logged out stays
valid); once space is freed, writes work again in the same process, and
erp_store_verify passes afterwards.

A subclass (the test module imports this module, not the class, so that
unittest does not run the scenario alone) has a setUp that mounts self.fs (faultkit.Tmpfs), starts self.srv on the
store at self.url and calls self.begin().
"""

from decimal import Decimal

import api
import faultkit
import store_verify

MAX_POSTS = 2000  # to use up what the store had left once the disk is full


class DiskFullScenario(faultkit.FaultCase):

    # True when the store needs new space for any write at all (SQLite: every
    # commit appends to the WAL, on the full disk). PostgreSQL's WAL is not on
    # the full tablespace: a write that fits in a page already allocated (a
    # session row, a logout's delete) still goes through there, as it should.
    every_write_needs_space = True

    def begin(self):
        self.t = api.Tenant(self.srv)
        self.books = api.Books(self.t)
        self.acked = [self.post() for _ in range(3)]

    def post(self, expect=201):
        r = self.t.admin.post(api.JOURNAL, self.books.entry("1.00"))
        if expect is None:
            return r
        self.assertStatus(r, expect)
        return r.json["id"]

    def fill_until_refused(self):
        self.fs.fill()
        for _ in range(MAX_POSTS):
            r = self.post(expect=None)
            if r.status != 201:
                return r
            self.acked.append(r.json["id"])
        self.fail("%d posts went through on a full disk" % MAX_POSTS)

    def assertFull(self, resp):
        e = self.assertBackendError(resp, 507, "full", "nothing was written")
        for internal in ("SQLite", "PostgreSQL", "SQLSTATE"):
            self.assertNotIn(internal, e["message"], "the client sees no storage internals")

    def test_writes_refused_with_507_reads_work_then_recovers(self):
        admin = self.t.admin
        r = self.fill_until_refused()
        self.assertFull(r)
        stored = faultkit.journal_ids(admin)
        self.assertEqual(stored, set(self.acked))
        # Every write is refused the same way, and none writes anything.
        self.assertFull(self.post(expect=None))
        batch = [self.books.entry("3.00", reference="B%d" % i) for i in range(3)]
        self.assertFull(admin.post(api.JOURNAL_BATCH, {"entries": batch}))
        self.assertFull(admin.post(api.entities("core.partner"), {"name": "Full disk Ltd"}))
        self.assertEqual(faultkit.journal_ids(admin), stored)
        self.assertEqual(admin.get(api.query(api.entities("core.partner"), limit=10)).json["items"], [])
        # Reads keep working.
        self.assertStatus(admin.get(api.JOURNAL + "/" + self.acked[0]), 200)
        self.assertEqual(Decimal(faultkit.total_debit(admin)), Decimal("1.00") * len(self.acked))
        self.assertStatus(admin.get(api.ME), 200)
        self.assertStatus(self.srv.client().get("/health"), 200)
        if self.every_write_needs_space:
            # A login cannot store its session, and a logout cannot end one: both say so,
            # and the session that could not be ended still works (it was not ended).
            login = {"email": self.t.email, "password": self.t.password, "tenant_id": self.t.id}
            self.assertFull(self.srv.client().post(api.LOGIN, login, token=None))
            self.assertFull(admin.post(api.LOGOUT))
            self.assertStatus(admin.get(api.ME), 200)
        # The access log names the real cause for the operator.
        r = admin.post(api.JOURNAL, self.books.entry("1.00"), headers={"X-Request-Id": "disk-full-post"})
        self.assertFull(r)
        rec = self.access_log_of(self.srv, "disk-full-post")
        self.assertIn("full", rec.get("error", ""), rec)

        self.fs.free()
        self.acked.append(self.post())
        r = admin.post(api.JOURNAL_BATCH, {"entries": batch})
        self.assertStatus(r, 201)
        self.assertEqual(faultkit.journal_ids(admin), set(self.acked) | set(r.json["ids"]))
        self.assertEqual(Decimal(faultkit.total_debit(admin)), Decimal("1.00") * len(self.acked) + Decimal("9.00"))
        self.assertStatus(admin.post(api.LOGOUT), 200, 204)
        self.assertStatus(admin.get(api.ME), 401)
        self.assertTrue(self.srv.alive())
        self.srv.finish()
        ok, report, _ = store_verify.verify_store(self.url)
        self.assertTrue(ok, report)
