"""Redis killed (SIGKILL) or hung (SIGSTOP) under a running erp-server, then back.

The test starts its own redis-server (scripts/redis-start.sh) and gives it
to erp-server as REDIS_URL. Promised: the cache is an accelerator, so while
Redis is dead or hung every request still works from storage (sessions
included), /health answers 200 with status "degraded"; logouts stay correct
(a token logged out before or during the outage stays refused, before and
after Redis is back, even when a hung Redis comes back still holding the
session's old entry); once Redis is back the server uses it again with no
restart (health "ok", keys written to Redis again).

    ERP_SERVER_BIN=build/erp-server python3 tests/faults/run.py sqlite test_redis_outage -v
"""

import os
import signal
import time
import unittest
from decimal import Decimal

import api
import erpserver
import faultkit
import store_verify
import waiting


class RedisOutageTest(faultkit.FaultCase):

    def setUp(self):
        self.redis = faultkit.OwnRedis()
        self.addCleanup(self.redis.remove)
        self.db = erpserver.Database("sqlite")
        self.addCleanup(self.db.drop)
        self.srv = self.serve(self.db.url, redis=self.redis.url)

    def health(self):
        r = self.srv.client().get("/health")
        self.assertStatus(r, 200)
        return r.json

    def assertRefused(self, client, when):
        r = client.get(api.ME)
        self.assertEqual(r.status, 401, "%s: a logged-out token was accepted: %r" % (when, r))

    def assertAccepted(self, client, when):
        r = client.get(api.ME)
        self.assertEqual(r.status, 200, "%s: a live token was refused: %r" % (when, r))

    def logout(self, client):
        self.assertStatus(client.post(api.LOGOUT), 200, 204)

    def test_requests_and_sessions_survive_a_killed_redis(self):
        t = api.Tenant(self.srv)
        books = api.Books(t)
        kept = t.admin
        self.assertEqual(self.health()["status"], "ok")
        self.assertTrue(self.health()["cache"]["shared"])
        early_out = t.login(t.email)
        self.assertAccepted(early_out, "before the kill")  # its session is now in Redis
        self.assertAccepted(kept, "before the kill")
        self.logout(early_out)
        self.assertRefused(early_out, "before the kill")
        self.assertGreater(int(self.redis.command("DBSIZE")), 0, "the server never wrote to Redis")

        self.redis.kill()
        self.assertIsNone(self.redis.command("PING"))
        # Every kind of request still works, from storage.
        self.assertAccepted(kept, "Redis dead")
        self.assertRefused(early_out, "Redis dead")
        self.assertStatus(kept.post(api.JOURNAL, books.entry("5.00")), 201)
        self.assertStatus(kept.get(api.TRIAL_BALANCE), 200)
        during = t.login(t.email)  # a login writes its session to storage only
        self.assertAccepted(during, "Redis dead")
        self.logout(during)  # the tombstone cannot reach Redis: storage must decide
        self.assertRefused(during, "Redis dead")
        h = self.health()
        self.assertEqual(h["status"], "degraded", h)
        self.assertFalse(h["cache"]["ok"], h)
        self.assertTrue(h["storage"]["ok"], h)
        self.assertGreater(h["cache"]["failures"], 0, h)

        self.redis.start_again()
        waiting.wait_until(lambda: self.health()["status"] == "ok", 30, "health ok again once Redis is back")
        self.assertAccepted(kept, "Redis back")
        for c in (early_out, during):
            self.assertRefused(c, "Redis back")
        # Used again: the session just resumed was put back into the (empty) Redis.
        waiting.wait_until(lambda: int(self.redis.command("DBSIZE") or 0) > 0, 10, "keys in Redis again")
        self.assertStatus(kept.post(api.JOURNAL, books.entry("5.00")), 201)
        self.assertEqual(Decimal(faultkit.total_debit(kept)), Decimal("10.00"))
        self.logout(kept)
        self.assertRefused(kept, "Redis back")
        self.assertRefused(kept, "Redis back, again")

        self.srv.finish()
        ok, report, _ = store_verify.verify_store(self.db.url)
        self.assertTrue(ok, report)

    def test_logout_while_redis_hangs_stays_refused_when_it_resumes(self):
        t = api.Tenant(self.srv)
        out, kept = t.login(t.email), t.admin
        for c in (out, kept):
            self.assertAccepted(c, "before the hang")  # both sessions are now live in Redis
        pid = self.redis.pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            self.assertAccepted(kept, "Redis hung")  # after the cache's timeout, from storage
            self.logout(out)  # its tombstone cannot reach Redis, which keeps the live entry
            self.assertRefused(out, "Redis hung")
            self.assertEqual(self.health()["status"], "degraded")
        finally:
            os.kill(pid, signal.SIGCONT)
        waiting.wait_until(lambda: self.health()["status"] == "ok", 30, "health ok once Redis resumes")
        # Redis still holds the session's live entry: it must not bring the token back.
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            self.assertRefused(out, "Redis resumed")
            self.assertAccepted(kept, "Redis resumed")
            time.sleep(0.2)
        self.srv.finish()


if __name__ == "__main__":
    unittest.main()
