"""Bad input over HTTP: each is refused with the right status and the error
shape, writes nothing (the list is read after), and the server keeps serving."""

import json
import unittest

import api
import erpserver
from api import Books, Tenant, entities, query
from erpserver import ServerCase


class TestBadInput(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = cls.start_server(env={"ALLOW_SIGNUP": "1"})
        cls.t = Tenant(cls.srv)
        cls.addClassCleanup(cls.t.admin.close)
        cls.b = Books(cls.t)
        cls.prefix = "Bad" + erpserver.unique()

    def total(self):
        r = self.t.admin.get(query(entities("core.partner"), count="true", limit=1))
        self.assertStatus(r, 200)
        return r.json["total"]

    def entries(self):
        r = self.t.admin.get(query(api.JOURNAL, limit=1000))
        self.assertStatus(r, 200)
        return len(r.json["items"])

    def refused(self, status, raw, content_type="application/json", path=None, code=None, method="POST"):
        """Sends `raw` and checks the answer, that nothing was written, and that the server still serves."""
        before, before_entries = self.total(), self.entries()
        headers = {"Content-Type": content_type} if content_type else {"Content-Type": None}
        c = self.srv.client(self.t.admin.token)
        try:
            r = c.request(method, path or entities("core.partner"), raw=raw, headers=headers)
        finally:
            c.close()
        e = self.assertError(r, status, code)
        self.assertEqual(self.total(), before, "a refused request wrote a partner")
        self.assertEqual(self.entries(), before_entries, "a refused request posted an entry")
        self.assertStatus(self.t.admin.get(api.PING), 200)
        self.assertTrue(self.srv.alive())
        return e

    def test_malformed_json(self):
        for raw in (b'{"name": ', b"{name: 1}", b'{"name":"x",}', b"nul", b'{"name":"a"} trailing', b"\x00"):
            with self.subTest(raw=raw):
                self.refused(400, raw, code="malformed_json")

    def test_duplicate_keys(self):
        self.refused(400, b'{"name":"a","name":"b"}', code="malformed_json")

    def test_body_of_the_wrong_shape(self):
        self.refused(400, b'[{"name":"x"}]', code="malformed_json")
        self.refused(400, b'"just a string"', code="malformed_json")
        self.refused(400, b"42", code="malformed_json")

    def test_wrong_content_type(self):
        body = json.dumps({"name": self.prefix}).encode()
        for ct in ("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1",
                   "application/jsonx", None):
            with self.subTest(content_type=ct):
                self.refused(415, body, content_type=ct, code="unsupported_media_type")

    def test_json_content_type_variants_accepted(self):
        for ct in ("application/json; charset=utf-8", "Application/JSON", 'application/json;charset="UTF-8"'):
            with self.subTest(content_type=ct):
                r = self.t.admin.post(entities("core.partner"), raw=json.dumps({"name": self.prefix}).encode(),
                                      headers={"Content-Type": ct})
                self.assertStatus(r, 201)

    def test_invalid_utf8(self):
        for raw in (b'{"name":"\xff\xfe"}', b'{"name":"\xc3"}', b'{"name":"\xed\xa0\x80"}', b'{"\xff":1}'):
            with self.subTest(raw=raw):
                self.refused(400, raw, code="malformed_json")

    def test_nul_escape(self):
        """A NUL in a JSON string is refused naming its field, at any depth."""
        e = self.refused(422, b'{"name":"a\\u0000b"}', code="invalid")
        self.assertEqual(e["field"], "name")
        e = self.refused(422, b'{"name":"ok","tags":["x","\\u0000"]}', code="invalid")
        self.assertEqual(e["field"], "tags[1]")
        entry = self.b.entry("1.00")
        entry["lines"][1]["memo"] = "a\u0000"
        e = self.refused(422, json.dumps(entry).encode(), path=api.JOURNAL, code="invalid")
        self.assertEqual(e["field"], "lines[1].memo")
        # a key with a NUL is not JSON that jansson keeps
        self.refused(400, b'{"na\\u0000me":"x"}', code="malformed_json")

    def test_huge_numbers(self):
        for raw in (b'{"name":"big","tags":123456789012345678901234567890}', b'{"name":"big","tags":1e999}',
                    b'{"name":"big","tags":-1e999}'):
            with self.subTest(raw=raw):
                self.refused(400, raw, code="malformed_json")
        # Well-formed JSON with amounts no column can hold: refused by validation.
        for body in ({"name": "big", "credit_limit": "123456789012345678901234567890.00"},
                     {"name": "big", "credit_limit": 9223372036854775807},
                     {"name": "big", "credit_limit": "1e10"}):
            with self.subTest(body=body):
                self.refused(422, json.dumps(body).encode(), code="invalid")
        entry = self.b.entry("92233720368547758.08")  # INT64_MAX + 1 minor units
        self.refused(422, json.dumps(entry).encode(), path=api.JOURNAL)
        entry = self.b.entry("1e3")
        self.refused(422, json.dumps(entry).encode(), path=api.JOURNAL)

    def test_balance_overflow_refused_cleanly(self):
        # One entry of INT64_MAX minor units is fine; one more cent on the same
        # account cannot be kept: refused as bad input, nothing written, and
        # the message speaks of amounts, not of the storage.
        t = Tenant(self.srv)
        self.addCleanup(t.admin.close)
        b = Books(t)
        c = t.admin
        self.assertStatus(c.post(api.JOURNAL, b.entry("92233720368547758.07")), 201)
        tb = c.get(api.TRIAL_BALANCE).json
        r = c.post(api.JOURNAL, b.entry("1.00"))
        self.assertIn(r.status, (409, 422), r)
        e = self.assertError(r, r.status)
        for word in ("SQLite", "sqlite", "INTEGER", "column", "REAL", "numeric", "bigint", "out of range for type"):
            self.assertNotIn(word, e["message"], "the message shows the storage: %r" % e["message"])
        self.assertEqual(c.get(api.TRIAL_BALANCE).json, tb)
        r = c.post(api.JOURNAL_BATCH, {"entries": [b.entry("1.00")]})
        self.assertIn(r.status, (409, 422), r)
        self.assertEqual(c.get(api.TRIAL_BALANCE).json, tb)
        self.assertStatus(c.get(api.PING), 200)

    def test_deep_nesting(self):
        deep = b'{"name":"deep","tags":' + b"[" * 100 + b"]" * 100 + b"}"
        self.refused(400, deep, code="malformed_json")
        deep = b'{"name":"deep","tags":' + b'{"a":' * 100 + b"1" + b"}" * 100 + b"}"
        self.refused(400, deep, code="malformed_json")
        # Brackets inside strings are not nesting.
        r = self.t.admin.post(entities("core.partner"), {"name": "[" * 150, "tags": [[["ok"]]]})
        self.assertStatus(r, 201)

    def test_empty_body_where_one_is_needed(self):
        e = self.refused(422, b"", content_type="application/json", code="invalid")
        self.assertEqual(e["field"], "body")

    def test_long_and_odd_path_segments(self):
        c = self.t.admin
        for path in (entities("core.partner", "x" * 3000), entities("core.partner", "%00"),
                     entities("core.partner", "..%2F..%2Fetc%2Fpasswd"), entities("%27%3B--"),
                     entities("core.partner") + "/" + "a/" * 50):
            with self.subTest(path=path[:80]):
                r = c.get(path)
                self.assertIn(r.status, (400, 404, 414, 422, 431), r)
                self.assertLess(r.status, 500)
        self.assertStatus(c.get(api.PING), 200)

    def test_bad_query_strings(self):
        c = self.t.admin
        for q in ("limit=-1", "limit=99999999999999999999", "limit=1.5", "count=maybe", "cursor=%FF%FE",
                  "q=%FF", "q=" + "%5B" * 200):
            with self.subTest(q=q):
                r = c.get(entities("core.partner") + "?" + q)
                self.assertIn(r.status, (400, 422), r)
        self.assertStatus(c.get(api.PING), 200)

    def test_no_nul_anywhere_in_the_query(self):
        """Every query parameter of every operation of the OpenAPI document,
        sent with a NUL byte (1%00, %00): 422 naming that parameter, nothing
        written, on every route alike (one parser, not a check per handler)."""
        doc = self.t.admin.get("/openapi.json").json
        partner = self.t.admin.post(entities("core.partner"), {"name": self.prefix + " nul"}).json
        some_id = partner["id"]
        tried = 0
        for path, item in doc["paths"].items():
            for method, op in item.items():
                names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
                if not names:
                    continue
                concrete = path
                for p in op.get("parameters", []):
                    if p["in"] == "path":
                        concrete = concrete.replace("{%s}" % p["name"], "core.partner" if p["name"] == "type" else some_id)
                for name in names:
                    for value in ("1%00", "%00", "%00" + "1"):
                        tried += 1
                        with self.subTest(op=op["operationId"], param=name, value=value):
                            r = self.t.admin.request(method.upper(), "%s?%s=%s" % (concrete, name, value))
                            e = self.assertError(r, 422, "invalid", field=name)
                            self.assertIn("NUL", e["message"])
        self.assertGreater(tried, 40)
        # the probe's own example: the partner is still there, at its version
        r = self.t.admin.delete(entities("core.partner", some_id) + "?version=1%00")
        self.assertError(r, 422, "invalid", field="version")
        got = self.t.admin.get(entities("core.partner", some_id))
        self.assertStatus(got, 200)
        self.assertEqual(got.json["version"], partner["version"])

    def test_no_nul_in_a_path_parameter(self):
        # (Headers: libmicrohttpd 0.9.75 keeps a header's value up to its
        # first NUL and drops the rest before the server sees it; params.c
        # refuses a NUL in a header whenever the library passes one on.)
        c = self.t.admin
        e = self.assertError(c.get(entities("core.partner", "%00")), 422, "invalid", field="id")
        self.assertIn("NUL", e["message"])
        self.assertError(c.get(entities("core.par%00tner", "x")), 422, "invalid", field="type")
        self.assertError(c.get(api.API + "/pi%00ng"), 422, "invalid", field="path")
        before = self.total()
        self.assertError(c.post(entities("core.partner%00"), {"name": self.prefix + " p"}), 422, "invalid",
                         field="type")
        self.assertEqual(self.total(), before)

    def test_unknown_route_and_method_write_nothing(self):
        before = self.total()
        c = self.t.admin
        self.assertError(c.post(api.API + "/entitiez/core.partner", {"name": "x"}), 404, "not_found")
        self.assertError(c.put(entities("core.partner"), {"name": "x"}), 405, "method_not_allowed")
        self.assertError(c.request("PROPFIND", entities("core.partner")), 405)
        self.assertEqual(self.total(), before)

    def test_garbage_on_the_wire(self):
        # Not HTTP at all, and a request line too long: the server answers or
        # closes, and keeps serving others.
        for raw in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64 + b"\r\n\r\n",
                    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"b" * 200000 + b"\r\n\r\n",
                    b"POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"):
            with self.subTest(raw=raw[:40]):
                out = erpserver.raw_http(self.srv.port, raw, timeout=10)
                if out:
                    self.assertTrue(out.startswith(b"HTTP/1."), out[:100])
                    status = int(out.split(b" ", 2)[1])
                    self.assertLess(status, 500, out[:300])
                self.assertStatus(self.t.admin.get(api.PING), 200)
        self.assertTrue(self.srv.alive())


if __name__ == "__main__":
    unittest.main()
