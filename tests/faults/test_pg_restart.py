"""PostgreSQL restarted, and stopped for a while, under a running erp-server.

The test starts its own cluster (scripts/pg-start.sh, synchronous_commit on)
so that it may crash and restart it without disturbing the shared one; one
erp-server serves all the tests below, never restarted.
Promised: a restart between requests is invisible (the pool reconnects and
the request is retried); while the server is down every request that needs
storage gets 503 with the "backend"/"retry" error shape at once (no hang, no
401 for a valid token, no 500); once it is back the same erp-server process
serves again; no acknowledged write is lost, the ledger balances, and
erp_store_verify passes after each test.

    ERP_SERVER_BIN=build/erp-server python3 tests/faults/run.py postgresql -v
"""

import threading
import time
import unittest
from decimal import Decimal

import api
import faultkit
import pgcluster
import store_verify
import waiting

# A request during the outage must be answered within this (connect timeout
# and retries included), not hang.
OUTAGE_ANSWER_S = 20.0


class PostgresRestartTest(faultkit.FaultCase):

    @classmethod
    def setUpClass(cls):
        cls.pg = pgcluster.Cluster(prefix="erpf")
        cls.addClassCleanup(cls.pg.remove)
        cls.db = cls.pg.database()
        cls.addClassCleanup(cls.pg.drop, cls.db)
        cls.srv = cls.start_server(database=cls.db, redis=False, env={"ALLOW_SIGNUP": "1"})
        cls.t = api.Tenant(cls.srv)
        cls.books = api.Books(cls.t)

    def setUp(self):
        self.ids_before = faultkit.journal_ids(self.t.admin)
        self.debit_before = Decimal(faultkit.total_debit(self.t.admin))

    def tearDown(self):
        # Whatever happened, the store is whole (PostgreSQL lets it be checked while served).
        self.pg.start_if_stopped()
        ok, report, _ = store_verify.verify_store(self.db.url)
        self.assertTrue(ok, "erp_store_verify after the fault:\n" + report)

    def post(self, amount="1.00", client=None, request_id=None):
        headers = {"X-Request-Id": request_id} if request_id else None
        return (client or self.t.admin).post(api.JOURNAL, self.books.entry(amount), headers=headers)

    def posted(self, resp):
        """The id of an entry whose posting must have been acknowledged."""
        self.assertStatus(resp, 201)
        return resp.json["id"]

    def assertOutageAnswer(self, resp):
        """503, the error shape, code backend or retry: never 401/500 or a success."""
        e = self.assertError(resp, 503)
        self.assertIn(e["code"], ("backend", "retry"), resp)

    def assertBooks(self, new_ids, amount):
        """Every new entry is stored, no other, and the trial balance adds up to them."""
        stored = faultkit.journal_ids(self.t.admin) - self.ids_before
        self.assertEqual(stored, set(new_ids))
        self.assertEqual(Decimal(faultkit.total_debit(self.t.admin)) - self.debit_before,
                         Decimal(amount) * len(new_ids))

    def test_restart_between_requests_is_transparent(self):
        acked = [self.posted(self.post("2.00"))]
        clients = [self.srv.client(self.t.admin.token) for _ in range(4)]
        # Keep several pool connections open, so that the restart leaves them all dead.
        self.assertEqual(self.all_at_once(clients, lambda c: c.get(api.TRIAL_BALANCE).status), [200] * 4)
        for mode in ("fast", "immediate"):
            self.pg.stop(mode)
            self.pg.start()
            # Every request still succeeds, posts and reads, on whichever dead connection it gets.
            answers = self.all_at_once(clients, lambda c: (self.post("2.00", client=c),
                                                           c.get(api.JOURNAL + "/" + acked[0]).status))
            for posted, got in answers:
                acked.append(self.posted(posted))
                self.assertEqual(got, 200)
        self.assertBooks(acked, "2.00")
        self.assertTrue(self.srv.alive())

    @staticmethod
    def all_at_once(clients, call):
        """call(client) for every client, each on its own thread; the results in order."""
        results = [None] * len(clients)

        def run(i):
            results[i] = call(clients[i])

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        return results

    def test_outage_gives_503_and_the_server_recovers_without_restart(self):
        admin = self.t.admin
        acked = [self.posted(self.post())]
        self.pg.stop("immediate")
        login = {"email": self.t.email, "password": self.t.password, "tenant_id": self.t.id}
        for name, call in (("post", lambda: self.post()),
                           ("get", lambda: admin.get(api.JOURNAL + "/" + acked[0])),
                           ("report", lambda: admin.get(api.TRIAL_BALANCE)),
                           ("login", lambda: self.srv.client().post(api.LOGIN, login, token=None))):
            t0 = time.monotonic()
            r = call()
            took = time.monotonic() - t0
            self.assertLess(took, OUTAGE_ANSWER_S, "%s took %.1f s during the outage" % (name, took))
            self.assertOutageAnswer(r)
        health = self.srv.client().get("/health")
        self.assertStatus(health, 503)
        self.assertEqual(health.json["status"], "down", health)
        self.assertFalse(health.json["storage"]["ok"], health)
        self.assertIn("PostgreSQL", health.json["storage"]["error"], health)
        self.assertStatus(self.srv.client().get("/health/ready"), 503)
        self.assertStatus(self.srv.client().get("/health/live"), 200)
        # The access log keeps the real reason for the operator.
        r = self.post(request_id="outage-post")
        rec = self.access_log_of(self.srv, "outage-post")
        self.assertEqual(rec["status"], r.status)
        self.assertIn("PostgreSQL", rec.get("error", ""), rec)

        self.pg.start()
        # Back: the same process serves again.
        waiting.wait_until(lambda: self.srv.client().get("/health").status == 200, 30, "health 200 again")
        acked.append(self.posted(self.post()))
        self.assertTrue(self.srv.alive())
        self.assertBooks(acked, "1.00")

    def test_writers_during_a_crash_lose_no_acknowledged_entry(self):
        """Four clients post all along while the server crashes, stays down ~2 s and comes back."""
        stop = threading.Event()
        acked, answers, lock = [], [], threading.Lock()
        clients = [self.srv.client(self.t.admin.token) for _ in range(4)]

        def writer(c):
            while not stop.is_set():
                try:
                    r = self.post(client=c)
                except OSError as e:  # the server must never drop a connection without an answer
                    r = e
                with lock:
                    answers.append(r)
                    if getattr(r, "status", None) == 201:
                        acked.append(r.json["id"])
                time.sleep(0.01)

        threads = [threading.Thread(target=writer, args=(c,), daemon=True) for c in clients]
        for th in threads:
            th.start()
        try:
            waiting.wait_until(lambda: len(acked) >= 8, 30, "posts before the crash")
            self.pg.stop("immediate")
            time.sleep(2.0)
            self.pg.start()
            n = len(acked)
            waiting.wait_until(lambda: len(acked) >= n + 8, 30, "posts after the restart")
        finally:
            stop.set()
            for th in threads:
                th.join(60)
        statuses = {}
        for r in answers:
            key = getattr(r, "status", repr(r))
            statuses[key] = statuses.get(key, 0) + 1
        for r in answers:
            self.assertNotIsInstance(r, OSError, "a request got no answer: %r (all: %r)" % (r, statuses))
            if r.status != 201:
                self.assertOutageAnswer(r)
        stored = faultkit.journal_ids(self.t.admin) - self.ids_before
        self.assertTrue(set(acked) <= stored, "acknowledged entries lost: %r" % (set(acked) - stored))
        # An entry answered 503 may or may not have been committed (the connection died
        # during COMMIT); the books must agree with what is stored either way.
        self.assertLessEqual(len(stored - set(acked)), statuses.get(503, 0))
        self.assertEqual(Decimal(faultkit.total_debit(self.t.admin)) - self.debit_before,
                         Decimal("1.00") * len(stored))


if __name__ == "__main__":
    unittest.main()
