"""A live session is never refused because several requests of its token
arrive at once (the touch of its last-seen time races between them), and
the server's session and durability settings are taken from the
environment."""

import threading
import time

import api
from api import Tenant
from erpserver import ServerCase


class TestConcurrentRequestsOfOneToken(ServerCase):
    @classmethod
    def setUpClass(cls):
        # A 1 s idle timeout: the session's last-seen time is due a touch
        # every 100 ms, so concurrent requests race on it all the time.
        cls.srv = cls.start_server(env={"ALLOW_SIGNUP": "1", "SESSION_IDLE_TIMEOUT": "1"})
        cls.t = Tenant(cls.srv)
        cls.addClassCleanup(cls.t.admin.close)

    def test_no_request_of_a_live_session_is_refused(self):
        token = self.t.admin.token
        results = []
        lock = threading.Lock()
        until = time.monotonic() + 2.0

        def worker():
            c = self.srv.client(token)
            try:
                seen = []
                while time.monotonic() < until:
                    seen.append(c.get(api.ME).status)
            finally:
                c.close()
            with lock:
                results.extend(seen)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        refused = [s for s in results if s != 200]
        self.assertGreater(len(results), 0)
        self.assertEqual(refused, [], "%d of %d requests refused" % (len(refused), len(results)))
        # The session still ends when it is left alone past its idle timeout.
        time.sleep(1.3)
        self.assertError(self.t.admin.get(api.ME), 401)


class TestDurabilitySetting(ServerCase):
    def test_relaxed_is_explicit_and_checked(self):
        srv = self.start_server(env={"DURABILITY": "relaxed"})
        c = srv.client()
        self.addCleanup(c.close)
        self.assertStatus(c.get("/health/live"), 200)
