"""Start and stop: the ready file, --demo, graceful shutdown on SIGTERM (the
requests in flight finish with 2xx, new ones get 503, exit 0), SIGINT."""

import json
import re
import signal
import socket
import threading
import time
import unittest

import api
import erpserver
from api import Books, Tenant, expect, query
from erpserver import ServerCase


def in_flight(client):
    text = client.get("/metrics").text
    m = re.search(r"^erp_http_in_flight (\d+)", text, re.M)
    return int(m.group(1)) if m else None


class TestGracefulShutdown(ServerCase):
    N = 6

    def test_requests_in_flight_finish_on_sigterm(self):
        db = erpserver.Database()
        self.addCleanup(db.drop)
        srv = self.start_server(env={"ALLOW_SIGNUP": "1"}, database=db)
        self.addCleanup(srv.kill)  # only if the test failed half-way (it stops the server itself)
        t = Tenant(srv)
        b = Books(t)
        token = t.admin.token
        t.admin.close()
        idle = srv.client(token)
        self.addCleanup(idle.close)
        self.assertStatus(idle.get(api.PING), 200)

        # N requests whose headers and half of whose bodies are sent: in flight.
        socks, bodies = [], []
        for i in range(self.N):
            body = json.dumps(b.entry("1.%02d" % i, reference="inflight-%d" % i)).encode()
            head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                    "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (api.JOURNAL, token, len(body)))
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=60)
            self.addCleanup(s.close)
            s.sendall(head.encode() + body[:len(body) // 2])
            socks.append(s)
            bodies.append(body[len(body) // 2:])
        # The server has seen their request lines (the gauge counts this request too).
        deadline = time.monotonic() + 60
        while in_flight(idle) < self.N + 1:
            self.assertLess(time.monotonic(), deadline, "the requests never showed as in flight")
            time.sleep(0.05)

        srv.proc.send_signal(signal.SIGTERM)
        self.assertIsNotNone(srv.wait_log(lambda r: r.get("msg") == "stopping", timeout=30),
                             "no 'stopping' log line after SIGTERM")
        # A new request on a kept-alive connection: 503, and the connection closes.
        r = idle.get("/health/ready")
        self.assertEqual(r.status, 503, r)
        self.assertTrue(srv.alive(), "the server stopped before the requests in flight finished")

        # The requests in flight complete, with 201.
        results = [None] * self.N

        def finish(i):
            socks[i].sendall(bodies[i])
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = socks[i].recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            need = int(m.group(1)) if m else 0
            while len(rest) < need:
                chunk = socks[i].recv(65536)
                if not chunk:
                    break
                rest += chunk
            results[i] = (head, rest)

        threads = [threading.Thread(target=finish, args=(i,)) for i in range(self.N)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        for i, res in enumerate(results):
            self.assertIsNotNone(res, "request %d got no answer" % i)
            head, rest = res
            self.assertTrue(head.startswith(b"HTTP/1.1 201"), "request %d: %r" % (i, head[:200] + rest[:300]))

        rc = srv.wait(60)
        self.assertEqual(rc, 0, srv.stderr_text()[-3000:])
        stopped = srv.wait_log(lambda r: r.get("msg") == "stopped", timeout=1)
        self.assertIsNotNone(stopped)
        self.assertEqual(stopped.get("abandoned"), 0, stopped)

        # What they posted is there: a new server on the same store finds the N entries.
        srv2 = self.start_server(env={"ALLOW_SIGNUP": "1"}, database=db)
        self.addCleanup(srv2.finish)  # before the database is dropped
        c = srv2.client()
        self.addCleanup(c.close)
        c.token = expect(c.post(api.LOGIN, {"email": t.email, "password": t.password, "tenant_id": t.id}), 200)["token"]
        items = expect(c.get(query(api.JOURNAL, limit=100)), 200)["items"]
        self.assertEqual(sorted(x["reference"] for x in items), sorted("inflight-%d" % i for i in range(self.N)))

    def test_idle_server_stops_at_once(self):
        srv = self.start_server()
        c = srv.client()
        self.assertStatus(c.get(api.PING), 200)  # an idle keep-alive connection stays open
        t0 = time.monotonic()
        rc = srv.stop(signal.SIGTERM)
        c.close()
        self.assertEqual(rc, 0, srv.stderr_text()[-2000:])
        self.assertLess(time.monotonic() - t0, 25, "an idle keep-alive connection held the stop")

    def test_sigint(self):
        srv = self.start_server()
        self.assertEqual(srv.stop(signal.SIGINT), 0, srv.stderr_text()[-2000:])


class TestStart(ServerCase):
    def test_ready_file_and_listening_log(self):
        srv = self.start_server()
        rec = srv.wait_log(lambda r: r.get("msg") == "listening", timeout=10)
        self.assertIsNotNone(rec, srv.stderr_text())
        self.assertEqual(rec.get("port"), srv.port)
        self.assertEqual(rec.get("backend"), erpserver.backend())
        # The database password never shows in the log.
        if "://" in srv.database_url and ":" in srv.database_url.split("://", 1)[1].split("@")[0]:
            password = srv.database_url.split("://", 1)[1].split("@")[0].split(":", 1)[1]
            self.assertNotIn(":" + password + "@", srv.stderr_text())
        if erpserver.redis_url():
            secret = erpserver.redis_url().split("://", 1)[1].split("@")[0]
            if secret.strip(":"):
                self.assertNotIn(secret.strip(":"), srv.stderr_text())

    def test_demo(self):
        srv = self.start_server(args=["--demo"])
        deadline = time.monotonic() + 10
        creds = None
        while creds is None and time.monotonic() < deadline:
            for line in srv.stdout_lines:
                try:
                    v = json.loads(line)
                except ValueError:
                    continue
                if isinstance(v, dict) and "demo" in v:
                    creds = v["demo"]
            time.sleep(0.05)
        self.assertIsNotNone(creds, "no demo credentials on stdout: %r" % srv.stdout_text())
        c = srv.client()
        self.addCleanup(c.close)
        out = expect(c.post(api.LOGIN, {"email": creds["email"], "password": creds["password"],
                                        "tenant_id": creds["tenant_id"]}), 200)
        c.token = out["token"]
        self.assertEqual(out["role"], "admin")
        partners = expect(c.get(api.entities("core.partner")), 200)["items"]
        self.assertTrue(partners, "the demo has no partners")
        r = c.get(api.entities("core.partner", partners[0]["id"]))
        self.assertStatus(r, 200)
        tb = expect(c.get(api.TRIAL_BALANCE), 200)
        for tot in tb["totals"]:
            self.assertEqual(tot["debit"], tot["credit"])
        # The password is shown once, on stdout, never in the log.
        self.assertNotIn(creds["password"], srv.stderr_text())

    def test_signup_closed_by_default(self):
        srv = self.start_server()
        c = srv.client()
        self.addCleanup(c.close)
        r = c.post(api.SIGNUP, {"name": "Nope", "base_currency": "USD", "admin_email": "a@b.example",
                                "admin_password": api.PASSWORD_TEXT})
        self.assertError(r, 403, "forbidden")


if __name__ == "__main__":
    unittest.main()
