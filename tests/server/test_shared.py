"""Two erp-server processes on one PostgreSQL database and one Redis: a
session made on one is good on the other, a logout or a disabled member on
one is refused by the other at once, and the rate limit is shared.
Runs in the PostgreSQL run only, when ERP_TEST_REDIS_URL is set too."""

import time
import unittest

import api
import erpserver
from api import Tenant, entities, expect
from erpserver import ServerCase

# Only in the PostgreSQL run (which holds the PostgreSQL server's CTest lock).
SHARED = erpserver.backend() == "postgresql" and erpserver.pg_url() and erpserver.redis_url()
WHY = "needs ERP_TEST_SERVER_BACKEND=postgresql, ERP_TEST_PG_URL and ERP_TEST_REDIS_URL"


@unittest.skipUnless(SHARED, WHY)
class TestTwoServers(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.db = erpserver.Database("postgresql")
        cls.addClassCleanup(cls.db.drop)
        env = {"ALLOW_SIGNUP": "1"}
        cls.a = cls.start_server(env=env, database=cls.db)
        cls.b = cls.start_server(env=env, database=cls.db)
        cls.t = Tenant(cls.a)
        cls.addClassCleanup(cls.t.admin.close)

    def on(self, srv, token):
        c = srv.client(token)
        self.addCleanup(c.close)
        return c

    def test_session_made_on_a_works_on_b(self):
        ca = self.t.login(self.t.email)
        self.addCleanup(ca.close)
        cb = self.on(self.b, ca.token)
        r = cb.get(api.ME)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["tenant"]["id"], self.t.id)
        # What one writes the other reads.
        p = expect(ca.post(entities("core.partner"), {"name": "Made on A"}), 201)
        self.assertEqual(expect(cb.get(entities("core.partner", p["id"])), 200)["name"], "Made on A")

    def test_logout_on_b_refused_on_a_at_once(self):
        ca = self.t.login(self.t.email)
        self.addCleanup(ca.close)
        cb = self.on(self.b, ca.token)
        self.assertStatus(ca.get(api.ME), 200)  # cached on A
        self.assertStatus(cb.get(api.ME), 200)  # and on B
        self.assertStatus(cb.post(api.LOGOUT), 204)
        self.assertError(ca.get(api.ME), 401)
        self.assertError(cb.get(api.ME), 401)

    def test_disable_on_a_refused_on_b_at_once(self):
        uid, email = self.t.add_user("readwrite")
        ub = self.b.client()
        self.addCleanup(ub.close)
        ub.token = expect(ub.post(api.LOGIN, {"email": email, "password": api.PASSWORD_TEXT,
                                              "tenant_id": self.t.id}), 200)["token"]
        self.assertStatus(ub.get(api.ME), 200)
        self.assertStatus(self.t.admin.patch(api.USERS + "/" + uid, {"disabled": True}), 200)
        self.assertError(ub.get(api.ME), 401)
        # A role change on A applies on B from the next call.
        self.assertStatus(self.t.admin.patch(api.USERS + "/" + uid, {"disabled": False, "role": "readonly"}), 200)
        ub.token = expect(ub.post(api.LOGIN, {"email": email, "password": api.PASSWORD_TEXT,
                                              "tenant_id": self.t.id}), 200)["token"]
        self.assertError(ub.post(entities("core.partner"), {"name": "x"}), 403)


@unittest.skipUnless(SHARED, WHY)
class TestSharedRateLimit(ServerCase):
    MAX = 4
    TTL = 4

    @classmethod
    def setUpClass(cls):
        cls.db = erpserver.Database("postgresql")
        cls.addClassCleanup(cls.db.drop)
        env = {"ALLOW_SIGNUP": "1", "RATE_LIMIT_TTL": str(cls.TTL)}
        cls.a = cls.start_server(env=env, database=cls.db, rate_limit_max=cls.MAX)
        cls.b = cls.start_server(env=env, database=cls.db, rate_limit_max=cls.MAX)

    def test_the_limit_is_shared(self):
        # Sign-up and login count against the client's address; start in a fresh window.
        erpserver.wait_window_start(self.TTL)
        t = Tenant(self.a)
        self.addCleanup(t.admin.close)
        token = t.admin.token
        ca, cb = self.a.client(token), self.b.client(token)
        self.addCleanup(ca.close)
        self.addCleanup(cb.close)
        for attempt in range(3):
            # With the token, in one window: 2 on A and 2 on B pass, the 5th on either is refused.
            erpserver.wait_window_start(self.TTL)
            t0 = time.monotonic()
            got = [ca.get(api.ME).status, ca.get(api.ME).status, cb.get(api.ME).status, cb.get(api.ME).status]
            fifth_a, fifth_b = ca.get(api.ME), cb.get(api.ME)
            if time.monotonic() - t0 < self.TTL - 0.5:
                break  # all six fell in one window (else the machine was too slow: again)
        self.assertEqual(got, [200] * 4)
        self.assertError(fifth_a, 429, "limit")
        self.assertError(fifth_b, 429, "limit")
        self.assertTrue(fifth_a.header("Retry-After"))
        self.assertEqual(fifth_a.header("X-RateLimit-Remaining"), "0")
