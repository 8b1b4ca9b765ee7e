"""The HTTP layer without a session: health, metrics, ping, routing errors,
request ids, the access log, keep-alive, CORS, the body limit, the rate limit."""

import json
import time
import unittest

import erpserver
from erpserver import ServerCase


class TestSystem(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server()

    def setUp(self):
        self.c = self.srv.client()
        self.addCleanup(self.c.close)

    def test_health(self):
        r = self.c.get("/health")
        self.assertStatus(r, 200)
        self.assertIsInstance(r.json, dict, r)
        self.assertIn("storage", r.json, r)

    def test_live_and_ready(self):
        r = self.c.get("/health/live")
        self.assertStatus(r, 200)
        self.assertIsInstance(r.json, dict, r)
        r = self.c.get("/health/ready")
        self.assertStatus(r, 200)
        self.assertEqual(r.json.get("status"), "ready", r)

    def test_ping(self):
        r = self.c.get("/api/v1/ping")
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"pong": True})

    def test_metrics(self):
        for _ in range(3):
            self.assertStatus(self.c.get("/api/v1/ping"), 200)
        r = self.c.get("/metrics")
        self.assertStatus(r, 200)
        self.assertTrue((r.header("Content-Type") or "").startswith("text/plain"), r.headers)
        text = r.text
        self.assertIn("# TYPE erp_http_requests_total counter", text)
        ping = [line for line in text.splitlines()
                if line.startswith("erp_http_requests_total{") and "/api/v1/ping" in line and '"200"' in line]
        self.assertTrue(ping, "no erp_http_requests_total series for /api/v1/ping:\n" + text[:3000])
        self.assertGreaterEqual(float(ping[0].rsplit(" ", 1)[1]), 3)
        # Every sample line is "name{labels} value" or "name value".
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name, _, value = line.rpartition(" ")
            self.assertTrue(name, line)
            float(value)

    def test_metrics_use_route_patterns_not_paths(self):
        # Unknown paths must not make one series each (cardinality).
        for i in range(5):
            self.c.get("/no/such/route/%d" % i)
        text = self.c.get("/metrics").text
        for i in range(5):
            self.assertNotIn("/no/such/route/%d" % i, text)

    def test_unknown_route_404(self):
        r = self.c.get("/api/v1/no-such-thing")
        self.assertError(r, 404)
        r = self.c.post("/api/v1/no-such-thing", {"a": 1})
        self.assertError(r, 404)

    def test_wrong_method_405(self):
        r = self.c.delete("/api/v1/ping")
        e = self.assertError(r, 405)
        allow = r.header("Allow") or ""
        self.assertIn("GET", [m.strip() for m in allow.split(",")], "Allow: %r" % allow)
        self.assertNotIn("DELETE", allow)
        self.assertTrue(e["message"])

    def test_request_id_echoed(self):
        r = self.c.get("/api/v1/ping", headers={"X-Request-Id": "test-abc-123"})
        self.assertStatus(r, 200)
        self.assertEqual(r.header("X-Request-Id"), "test-abc-123")

    def test_request_id_generated(self):
        a = self.c.get("/api/v1/ping").header("X-Request-Id")
        b = self.c.get("/api/v1/ping").header("X-Request-Id")
        self.assertTrue(a and b, "no X-Request-Id generated")
        self.assertNotEqual(a, b)

    def test_request_id_on_errors(self):
        r = self.c.get("/api/v1/nothing-here", headers={"X-Request-Id": "err-req-1"})
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("X-Request-Id"), "err-req-1")

    def test_hostile_request_id_not_echoed_raw(self):
        # A request id with control characters or of absurd length must not be
        # reflected as is (header injection, log forging); a fresh one is fine.
        r = self.c.get("/api/v1/ping", headers={"X-Request-Id": "x" * 5000})
        self.assertIn(r.status, (200, 400, 431), r)
        rid = r.header("X-Request-Id") or ""
        self.assertLessEqual(len(rid), 256)

    def test_access_log_one_json_line_per_request(self):
        rid = "log-" + erpserver.unique()
        r = self.c.get("/api/v1/ping", headers={"X-Request-Id": rid})
        self.assertStatus(r, 200)
        rid2 = "log-" + erpserver.unique()
        r = self.c.get("/api/v1/not-a-route", headers={"X-Request-Id": rid2})
        self.assertEqual(r.status, 404)

        def mentions(rec, value):
            return any(v == value for v in rec.values())

        rec = self.srv.wait_log(lambda x: mentions(x, rid))
        self.assertIsNotNone(rec, "no JSON access-log line with the request id on stderr:\n" +
                             self.srv.stderr_text()[-3000:])
        self.assertTrue(mentions(rec, 200), rec)
        self.assertTrue(mentions(rec, "GET"), rec)
        self.assertTrue(any(v == "/api/v1/ping" for v in rec.values()), rec)
        rec2 = self.srv.wait_log(lambda x: mentions(x, rid2))
        self.assertIsNotNone(rec2)
        self.assertTrue(mentions(rec2, 404), rec2)
        time.sleep(0.3)
        self.assertEqual(len([x for x in self.srv.log_records() if mentions(x, rid)]), 1,
                         "one access-log line per request")

    def test_access_log_has_no_token(self):
        secret = "S3cretTokenValueThatMustNotBeLogged0123456789"
        self.c.get("/api/v1/ping", headers={"Authorization": "Bearer " + secret})
        time.sleep(0.3)
        self.assertNotIn(secret, self.srv.stderr_text())

    def test_keep_alive(self):
        c = self.srv.client()
        try:
            socks = set()
            for _ in range(6):
                r = c.get("/api/v1/ping")
                self.assertStatus(r, 200)
                socks.add(id(c.conn.sock))
            # An error answer keeps the connection too.
            self.assertEqual(c.get("/api/v1/missing").status, 404)
            self.assertEqual(c.get("/api/v1/ping").status, 200)
            self.assertEqual(c.connections_made, 1, "the connection was not kept alive")
            self.assertEqual(len(socks), 1)
        finally:
            c.close()

    def test_every_answer_forbids_mime_sniffing(self):
        """X-Content-Type-Options: nosniff on answers of every kind: a 200 of
        each content type, 204, 400, 404, 405, 413 and the preflight."""
        answers = [
            self.c.get("/health"),
            self.c.get("/metrics"),
            self.c.get("/openapi.json"),
            self.c.get("/api/v1/ping"),
            self.c.get("/api/v1/nothing-here"),
            self.c.request("DELETE", "/api/v1/ping"),
            self.c.post("/api/v1/auth/login", raw=b"{not json", headers={"Content-Type": "application/json"}),
            self.c.request("OPTIONS", "/api/v1/ping"),
        ]
        for r in answers:
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff", r)
        self.assertEqual({r.status for r in answers} >= {200, 204, 400, 404, 405}, True, [r.status for r in answers])

    def test_api_answers_are_not_cached(self):
        """Cache-Control: no-store on every /api/ answer (they carry sessions and
        a tenant's data), errors included; not on the public documents."""
        for r in (self.c.get("/api/v1/ping"), self.c.get("/api/v1/nothing-here"),
                  self.c.post("/api/v1/auth/login", {"email": "a@b.example", "password": "x" * 12,
                                                     "tenant_id": "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"})):
            self.assertEqual(r.header("Cache-Control"), "no-store", r)
        self.assertIsNone(self.c.get("/openapi.json").header("Cache-Control"))

    def test_openapi_document(self):
        r = self.c.get("/openapi.json")
        self.assertStatus(r, 200)
        doc = r.json
        self.assertIsInstance(doc, dict, r)
        self.assertTrue(str(doc.get("openapi", "")).startswith("3.1"), doc.get("openapi"))
        self.assertIn("info", doc)
        paths = doc.get("paths")
        self.assertIsInstance(paths, dict)
        self.assertIn("/api/v1/ping", paths)
        ids = []
        for path, item in paths.items():
            self.assertTrue(path.startswith("/"), path)
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                self.assertIn("operationId", op, (method, path))
                self.assertIn("responses", op, (method, path))
                ids.append(op["operationId"])
                for seg in path.split("/"):
                    if seg.startswith("{"):
                        names = [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]
                        self.assertIn(seg[1:-1], names, (method, path))
        self.assertEqual(len(ids), len(set(ids)), "operationIds are not unique")

    def test_head_and_options_without_cors(self):
        # No ALLOWED_ORIGINS here: a cross-origin request gets no CORS grant.
        r = self.c.get("/api/v1/ping", headers={"Origin": "https://evil.example"})
        self.assertStatus(r, 200)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))


class TestBodyLimit(ServerCase):
    LIMIT = 2048

    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server(env={"BODY_LIMIT": str(cls.LIMIT), "ALLOW_SIGNUP": "1"})

    def test_oversized_body_413(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        big = {"name": "x" * (self.LIMIT * 4), "base_currency": "USD"}
        r = c.post("/api/v1/tenants", big)
        self.assertError(r, 413)
        # Chunked, with no length announced: refused too.
        body = json.dumps(big).encode()
        raw = (b"POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + (b"%x\r\n" % len(body)) + body + b"\r\n0\r\n\r\n")
        out = erpserver.raw_http(self.srv.port, raw)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:200])
        # The server keeps serving.
        c2 = self.srv.client()
        self.addCleanup(c2.close)
        self.assertStatus(c2.get("/api/v1/ping"), 200)

    def test_body_at_the_limit_is_read(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        # Well under the limit: not 413 (validation may refuse it).
        r = c.post("/api/v1/tenants", {"name": "n" * 10})
        self.assertNotEqual(r.status, 413, r)


class TestCors(ServerCase):
    ORIGIN = "https://app.example"

    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server(env={"ALLOWED_ORIGINS": cls.ORIGIN + ", http://localhost:5173"})

    def setUp(self):
        self.c = self.srv.client()
        self.addCleanup(self.c.close)

    def test_preflight_allowed(self):
        r = self.c.request("OPTIONS", "/api/v1/entities/core.partner", headers={
            "Origin": self.ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"})
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), self.ORIGIN)
        methods = (r.header("Access-Control-Allow-Methods") or "").upper()
        self.assertIn("POST", methods)
        headers = (r.header("Access-Control-Allow-Headers") or "").lower()
        for h in ("authorization", "content-type", "idempotency-key"):
            self.assertIn(h, headers)
        self.assertIn("origin", (r.header("Vary") or "").lower())

    def test_preflight_second_origin(self):
        r = self.c.request("OPTIONS", "/api/v1/ping", headers={
            "Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"})
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "http://localhost:5173")

    def test_preflight_disallowed(self):
        r = self.c.request("OPTIONS", "/api/v1/entities/core.partner", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        self.assertLess(r.status, 500, r)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"), r.headers)

    def test_simple_request_allowed(self):
        r = self.c.get("/api/v1/ping", headers={"Origin": self.ORIGIN})
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), self.ORIGIN)
        # Error answers carry CORS too, so that the browser shows them.
        r = self.c.get("/api/v1/nowhere", headers={"Origin": self.ORIGIN})
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), self.ORIGIN)

    def test_simple_request_disallowed(self):
        r = self.c.get("/api/v1/ping", headers={"Origin": "https://evil.example"})
        self.assertStatus(r, 200)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))


class TestRateLimit(ServerCase):
    MAX = 5
    TTL = 2

    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server(rate_limit_max=cls.MAX, env={"RATE_LIMIT_TTL": str(cls.TTL)})

    def test_429_with_retry_after(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        # Fixed windows aligned on the clock: start just after a window opens,
        # so that MAX + 3 quick requests fall in one window even on a slow machine.
        for attempt in range(3):
            erpserver.wait_window_start(self.TTL)
            t0 = time.monotonic()
            statuses = []
            limited = None
            for _ in range(self.MAX + 3):
                r = c.get("/api/v1/ping")
                statuses.append(r.status)
                if r.status == 429:
                    limited = r
                    break
            if time.monotonic() - t0 < self.TTL - 0.5:
                break  # one window (else the machine was too slow: again)
        self.assertIsNotNone(limited, "no 429 after %d requests: %s" % (len(statuses), statuses))
        self.assertEqual(statuses, [200] * self.MAX + [429])
        self.assertError(limited, 429)
        retry = limited.header("Retry-After")
        self.assertIsNotNone(retry, limited.headers)
        self.assertTrue(retry.isdigit(), retry)
        self.assertGreaterEqual(int(retry), 1)
        self.assertLessEqual(int(retry), self.TTL + 1)
        # After the window, requests pass again.
        time.sleep(int(retry) + 0.2)
        self.assertStatus(c.get("/api/v1/ping"), 200)

    def test_made_up_tokens_do_not_escape_the_limit(self):
        # The limit is per session token or per address: a client that sends a
        # new made-up bearer token with every request is still one client.
        import secrets
        c = self.srv.client()
        self.addCleanup(c.close)
        for attempt in range(3):
            erpserver.wait_window_start(self.TTL)
            t0 = time.monotonic()
            statuses = [c.get("/api/v1/ping", token=secrets.token_urlsafe(32)).status for _ in range(self.MAX + 3)]
            if time.monotonic() - t0 < self.TTL - 0.5:
                break
        self.assertIn(429, statuses, "made-up tokens bypass the rate limit: %s" % statuses)


class TestCacheDown(ServerCase):
    """A Redis that cannot be reached fails no call: health says degraded."""

    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server(env={"ALLOW_SIGNUP": "1"}, redis="redis://127.0.0.1:1/0?connect_timeout_ms=200")

    def test_serves_and_reports(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        r = c.get("/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "degraded", r)
        self.assertFalse(r.json["cache"]["ok"])
        self.assertNotIn("password", r.text)
        self.assertStatus(c.get("/health/ready"), 200)
        import api
        t = api.Tenant(self.srv)
        self.addCleanup(t.admin.close)
        self.assertStatus(t.admin.get(api.ME), 200)
        self.assertStatus(t.admin.post(api.entities("core.partner"), {"name": "No cache"}), 201)
        self.assertStatus(t.admin.post(api.LOGOUT), 204)
        self.assertError(t.admin.get(api.ME), 401)


if __name__ == "__main__":
    unittest.main()
