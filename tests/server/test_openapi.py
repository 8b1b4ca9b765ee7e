"""The OpenAPI document describes exactly the routes: every operation in it
is answered by its route (never 404 "no such path", 405 or 5xx), every
other method on its paths is 405 with an Allow header that lists exactly
the documented methods, and the routes of the issue are all documented."""

import json
import re
import unittest

import api
import erpserver
from api import Books, StockWorld, Tenant, expect
from erpserver import ServerCase

METHODS = ("get", "post", "put", "patch", "delete")

# Every route the issue asks for (method, path template).
EXPECTED = {
    ("get", "/health"), ("get", "/health/live"), ("get", "/health/ready"), ("get", "/metrics"),
    ("get", "/openapi.json"), ("get", "/api/v1/ping"),
    ("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/logout"), ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/tenants"),
    ("get", "/api/v1/users"), ("patch", "/api/v1/users/{id}"),
    ("post", "/api/v1/invitations"), ("get", "/api/v1/invitations"), ("get", "/api/v1/invitations/{id}"),
    ("post", "/api/v1/invitations/{id}/revoke"), ("post", "/api/v1/invitations/accept"),
    ("post", "/api/v1/auth/accept-invitation"),
    ("get", "/api/v1/entities/{type}"), ("post", "/api/v1/entities/{type}"),
    ("get", "/api/v1/entities/{type}/{id}"), ("patch", "/api/v1/entities/{type}/{id}"),
    ("delete", "/api/v1/entities/{type}/{id}"),
    ("post", "/api/v1/journal-entries"), ("get", "/api/v1/journal-entries"),
    ("get", "/api/v1/journal-entries/{id}"), ("post", "/api/v1/journal-entries/{id}/reverse"),
    ("post", "/api/v1/journal-entries/batch"),
    ("get", "/api/v1/reports/trial-balance"), ("get", "/api/v1/accounts/{id}/balance"),
    ("get", "/api/v1/reports/general-ledger"), ("get", "/api/v1/reports/stock-valuation"),
    ("post", "/api/v1/stock/moves"), ("post", "/api/v1/stock/moves/batch"), ("get", "/api/v1/stock/moves"),
    ("get", "/api/v1/stock/quants"),
    ("post", "/api/v1/stock/reservations"), ("post", "/api/v1/stock/reservations/{id}/consume"),
    ("post", "/api/v1/stock/reservations/{id}/release"),
    ("get", "/api/v1/settings"), ("get", "/api/v1/settings/{key}"), ("put", "/api/v1/settings/{key}"),
    ("delete", "/api/v1/settings/{key}"), ("get", "/api/v1/users/{id}/sessions"), ("get", "/api/v1/audit"),
}


def template_regex(template):
    return re.compile("^" + re.sub(r"\\\{[a-z0-9_]+\\\}", "[^/]+", re.escape(template)) + "$")


class TestOpenApiWalk(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server(env={"ALLOW_SIGNUP": "1"})
        c = cls.srv.client()
        cls.doc = expect(c.get("/openapi.json"), 200)
        c.close()
        # Real ids for the path parameters.
        cls.t = t = Tenant(cls.srv)
        cls.addClassCleanup(t.admin.close)
        b = Books(t)
        w = StockWorld(t)
        a = t.admin
        cls.partner = t.create("core.partner", {"name": "Walk partner"})["id"]
        cls.invitation = t.invite("walk-%s@example.com" % erpserver.unique())["id"]
        cls.setting = "walk.setting"
        expect(a.put(api.SETTINGS + "/" + cls.setting, {"value": "walked"}), 200)
        cls.entry = expect(a.post(api.JOURNAL, b.entry("5.00")), 201)["id"]
        cls.move = expect(a.post(api.MOVES, w.move(w.fifo, 10, w.supplier, w.stock, "2.00")), 201)["id"]
        cls.reservation = expect(a.post(api.RESERVATIONS, {"product_id": w.fifo, "location_id": w.stock,
                                                           "quantity": "2"}), 201)["id"]
        cls.user, _ = t.add_user("readwrite")
        cls.b, cls.w = b, w
        cls.query_values = {
            "account_id": b.receivable, "product_id": w.fifo, "location_id": w.stock, "journal_id": b.journal,
            "as_of": "2026-12-31", "from": "2026-01-01", "to": "2026-12-31",
            "limit": "10", "count": "true", "sort": "name", "include_archived": "false",
            "version": "1",
        }

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method, op in item.items():
                if method in METHODS:
                    yield method, path, op

    def concrete(self, method, path):
        """The template with real ids for its parameters."""
        def param(m):
            name = m.group(1)
            before = path[:m.start()].rstrip("/").rsplit("/", 1)[-1]
            if name == "type":
                return "core.partner"
            if before == "core.partner" or (before == "{type}"):
                return self.partner
            if before == "journal-entries":
                return self.entry
            if before == "accounts":
                return self.b.receivable
            if before == "moves":
                return self.move
            if before == "reservations":
                return self.reservation
            if before == "users":
                return self.user
            if before == "invitations":
                return self.invitation
            if before == "settings":
                return self.setting
            if name == "product_id" or before == "layers":
                return self.w.fifo
            self.fail("no id for {%s} in %s" % (name, path))
        return re.sub(r"\{([a-z0-9_]+)\}", param, path)

    def test_document_covers_the_issue(self):
        documented = {(m, p) for m, p, _ in self.operations()}
        missing = EXPECTED - documented
        self.assertFalse(missing, "routes missing from the OpenAPI document: %s" % sorted(missing))

    def test_every_operation_is_served(self):
        ops = list(self.operations())
        self.assertGreater(len(ops), 30)
        # Reads first, then writes, then deletes; logging out last.
        order = {"get": 0, "post": 1, "put": 1, "patch": 1, "delete": 2}
        ops.sort(key=lambda o: (o[1] == "/api/v1/auth/logout", order[o[0]]))
        c = self.t.login(self.t.email)
        self.addCleanup(c.close)
        problems = []
        for method, path, op in ops:
            url = self.concrete(method, path)
            params = {p["name"]: self.query_values[p["name"]] for p in op.get("parameters", [])
                      if p.get("in") == "query" and p["name"] in self.query_values}
            body = None
            rb = op.get("requestBody")
            if rb:
                media = rb.get("content", {}).get("application/json", {})
                body = media.get("example")
                if body is None:
                    body = [] if media.get("schema", {}).get("type") == "array" else {}
            needs_session = bool(op.get("security"))
            r = c.request(method.upper(), api.query(url, **params), body=body, token=True if needs_session else None)
            where = "%s %s -> %r" % (method.upper(), url, r)
            if r.status >= 500:
                problems.append("5xx: " + where)
            elif r.status == 405:
                problems.append("405: " + where)
            elif r.status == 404 and (r.json or {}).get("error", {}).get("message") == "no such path":
                problems.append("route unknown: " + where)
            elif method == "get" and not 200 <= r.status < 300:
                problems.append("a read with real ids failed: " + where)
            elif r.status < 300:
                declared = [s for s in op.get("responses", {}) if s != "default"]
                if declared and str(r.status) not in declared:
                    problems.append("status %d not the documented %s: %s" % (r.status, declared, where))
            if r.status == 401 and needs_session and path != "/api/v1/auth/logout":
                # The walk must not have lost its own session on the way.
                if c.get(api.ME).status != 200:
                    c = self.t.login(self.t.email)
                    self.addCleanup(c.close)
        self.assertFalse(problems, "\n".join(problems))

    def test_undocumented_methods_are_405_with_the_documented_allow(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        templates = {p: {m.upper() for m in item if m in METHODS} for p, item in self.doc["paths"].items()}
        problems = []
        for path in templates:
            url = self.concrete("get", path)
            # The methods of every documented template this URL matches.
            allowed = set()
            for other, methods in templates.items():
                if template_regex(other).match(url):
                    allowed |= methods
            for m in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                if m in allowed:
                    continue
                r = c.request(m, url, body={} if m in ("POST", "PUT", "PATCH") else None)
                if r.status != 405:
                    problems.append("%s %s: expected 405, got %r" % (m, url, r))
                    continue
                got = {x.strip() for x in (r.header("Allow") or "").split(",") if x.strip()} - {"HEAD", "OPTIONS"}
                if got != allowed:
                    problems.append("%s %s: Allow %s, documented %s" % (m, url, sorted(got), sorted(allowed)))
        self.assertFalse(problems, "\n".join(problems))

    def test_examples_are_json_of_the_declared_type(self):
        for method, path, op in self.operations():
            rb = op.get("requestBody")
            if not rb:
                continue
            media = rb["content"]["application/json"]
            self.assertIn("example", media, (method, path))
            ex = media["example"]
            want = media.get("schema", {}).get("type")
            self.assertEqual("array" if isinstance(ex, list) else "object", want, (method, path))
            json.dumps(ex)


if __name__ == "__main__":
    unittest.main()
