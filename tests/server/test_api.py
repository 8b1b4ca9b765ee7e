"""The business routes over HTTP: sessions, entities, the journal, reports,
stock, users and roles. One server for the module; each class signs up its
own tenant, so the numbers it checks are its own."""

import json
import threading
import time
import unittest

import api
import erpserver
from api import Books, StockWorld, Tenant, entities, expect, query
from erpserver import ServerCase

SERVER = None
DATABASE = None


def setUpModule():
    global SERVER, DATABASE
    DATABASE = erpserver.Database()
    try:
        SERVER = erpserver.Server(DATABASE.url, env={"ALLOW_SIGNUP": "1"}).start()
    except Exception:
        DATABASE.drop()
        raise


def tearDownModule():
    try:
        if SERVER:
            SERVER.finish()
    finally:
        if DATABASE:
            DATABASE.drop()


class ApiCase(ServerCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = SERVER
        cls.t = Tenant(SERVER)
        cls.addClassCleanup(cls.t.admin.close)

    @classmethod
    def log_in_members(cls):
        """cls.ro and cls.rw: sessions of a new readonly and a new readwrite member."""
        for role, attr in (("readonly", "ro"), ("readwrite", "rw")):
            _, email = cls.t.add_user(role)
            client = cls.t.login(email)
            cls.addClassCleanup(client.close)
            setattr(cls, attr, client)

    def count(self, etype, prefix=None, client=None):
        q = '{"filter":[["name","like","%s%%"]]}' % prefix if prefix else None
        r = (client or self.t.admin).get(query(entities(etype), q=q, count="true", limit="1"))
        self.assertStatus(r, 200)
        return r.json["total"]


# ---- sessions -----------------------------------------------------------------------------


class TestAuth(ApiCase):
    def test_login_me_logout(self):
        c = self.t.login(self.t.email)
        self.addCleanup(c.close)
        self.assertEqual(len(c.token), 43)
        r = c.get(api.ME)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["role"], "admin")
        self.assertEqual(r.json["tenant"]["id"], self.t.id)
        self.assertEqual(r.json["user"]["email"], self.t.email)
        self.assertNotIn("argon2", r.text)
        r = c.post(api.LOGOUT)
        self.assertStatus(r, 204)
        self.assertEqual(r.body, b"")
        r = c.get(api.ME)
        self.assertError(r, 401)
        self.assertEqual(r.header("WWW-Authenticate"), "Bearer")
        # Logging out twice: the token is dead.
        self.assertError(c.post(api.LOGOUT), 401)
        # Another session of the same user is untouched.
        self.assertStatus(self.t.admin.get(api.ME), 200)

    def test_login_answer(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        r = c.post(api.LOGIN, {"email": self.t.email.upper(), "password": self.t.password, "tenant_id": self.t.id})
        self.assertStatus(r, 200)
        self.assertEqual(set(r.json), {"token", "tenant_id", "user_id", "role"})
        self.assertEqual(r.json["tenant_id"], self.t.id)
        self.assertEqual(r.json["user_id"], self.t.admin_id)
        # The token and whatever a session reads are kept by no cache
        self.assertEqual(r.header("Cache-Control"), "no-store", r)
        c.token = r.json["token"]
        for answer in (c.get(api.ME), c.get(entities("core.partner")), c.post(api.LOGOUT)):
            self.assertEqual(answer.header("Cache-Control"), "no-store", answer)
            self.assertEqual(answer.header("X-Content-Type-Options"), "nosniff", answer)
        self.assertEqual(c.get(api.ME).status, 401)

    def test_wrong_password_and_unknown_email_alike(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        r1 = c.post(api.LOGIN, {"email": self.t.email, "password": "wrong password!", "tenant_id": self.t.id})
        e1 = self.assertError(r1, 401, code="auth")
        r2 = c.post(api.LOGIN, {"email": "nobody-%s@example.com" % erpserver.unique(), "password": "wrong password!",
                                "tenant_id": self.t.id})
        e2 = self.assertError(r2, 401, code="auth")
        self.assertEqual(e1["message"], e2["message"])
        self.assertNotIn("token", r1.text)

    def test_login_validation(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        self.assertError(c.post(api.LOGIN, {"email": self.t.email, "tenant_id": self.t.id}), 422, "invalid", "password")
        self.assertError(c.post(api.LOGIN, {"email": self.t.email, "password": "x" * 10, "tenant_id": self.t.id,
                                            "extra": 1}), 422, "invalid")
        self.assertError(c.post(api.LOGIN, {"email": 5, "password": "x" * 10, "tenant_id": self.t.id}), 422,
                         "invalid", "email")

    def test_session_routes_need_a_token(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        for path in (api.ME, entities("core.partner"), api.JOURNAL, api.USERS, api.TRIAL_BALANCE):
            with self.subTest(path=path):
                r = c.get(path)
                self.assertError(r, 401, code="auth")
                self.assertEqual(r.header("WWW-Authenticate"), "Bearer")
        for bad in ("garbage", "A" * 43, "Basic dXNlcjpwYXNz"):
            with self.subTest(token=bad):
                r = c.get(api.ME, token=None, headers={"Authorization": "Bearer " + bad})
                self.assertError(r, 401)
        r = c.get(api.ME, token=None, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        self.assertError(r, 401)

    def test_tenant_and_change_password(self):
        uid, email = self.t.add_user("readwrite")
        c = self.t.login(email)
        other = self.t.login(email)
        self.addCleanup(c.close)
        self.addCleanup(other.close)
        r = c.get(api.TENANT)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["id"], self.t.id)
        self.assertError(c.post(api.PASSWORD, {"old_password": "not it at all", "new_password": "new password 123"}),
                         401)
        self.assertStatus(c.post(api.PASSWORD, {"old_password": api.PASSWORD_TEXT,
                                                "new_password": "new password 123"}), 204)
        # This session stays; the user's other sessions end; the new password logs in.
        self.assertStatus(c.get(api.ME), 200)
        self.assertError(other.get(api.ME), 401)
        x = self.srv.client()
        self.addCleanup(x.close)
        self.assertError(x.post(api.LOGIN, {"email": email, "password": api.PASSWORD_TEXT, "tenant_id": self.t.id}),
                         401)
        self.t.login(email, "new password 123").close()


class TestSignup(ApiCase):
    def test_signup_validation_writes_nothing(self):
        c = self.srv.client()
        self.addCleanup(c.close)
        name = "Bad " + erpserver.unique()
        self.assertError(c.post(api.SIGNUP, {"name": name, "base_currency": "USD", "admin_email": "not-an-email",
                                             "admin_password": api.PASSWORD_TEXT}), 422, "invalid", "admin_email")
        self.assertError(c.post(api.SIGNUP, {"name": name, "base_currency": "USD", "admin_email": "a@b.example",
                                             "admin_password": "short"}), 422, "invalid", "admin_password")
        self.assertError(c.post(api.SIGNUP, {"name": name, "base_currency": "NOPE", "admin_email": "a@b.example",
                                             "admin_password": api.PASSWORD_TEXT}), 422, "invalid", "base_currency")
        # The name is still free: nothing was written.
        r = c.post(api.SIGNUP, {"name": name, "base_currency": "EUR", "admin_email": "x-%s@b.example" %
                                erpserver.unique(), "admin_password": api.PASSWORD_TEXT})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["tenant"]["base_currency"], "EUR")
        self.assertEqual(r.json["user"]["role"], "admin")
        # The same name again: 409.
        self.assertError(c.post(api.SIGNUP, {"name": name, "base_currency": "EUR", "admin_email": "y-%s@b.example" %
                                             erpserver.unique(), "admin_password": api.PASSWORD_TEXT}), 409)

    def test_refused_signup_for_a_taken_email_writes_nothing(self):
        # Refused because the email is taken: no tenant is left behind, the name stays free.
        c = self.srv.client()
        self.addCleanup(c.close)
        name = "Taken " + erpserver.unique()
        self.assertError(c.post(api.SIGNUP, {"name": name, "base_currency": "USD", "admin_email": self.t.email,
                                             "admin_password": api.PASSWORD_TEXT}), 409, "exists", "admin_email")
        r = c.post(api.SIGNUP, {"name": name, "base_currency": "USD", "admin_email": "z-%s@b.example" %
                                erpserver.unique(), "admin_password": api.PASSWORD_TEXT})
        self.assertEqual(r.status, 201, "a sign-up refused for its email left its tenant behind: %r" % r)


# ---- entities --------------------------------------------------------------------------------


class TestEntities(ApiCase):
    def test_types(self):
        r = self.t.admin.get(api.ENTITY_TYPES)
        self.assertStatus(r, 200)
        names = {t["type"] for t in r.json}
        self.assertIn("core.partner", names)
        self.assertIn("financial.account", names)

    def test_crud(self):
        c = self.t.admin
        r = c.post(entities("core.partner"), {"name": "Acme Ltd", "email": "ap@acme.example", "credit_limit": "1500.50",
                                               "is_customer": True, "tags": {"tier": "gold"}})
        self.assertStatus(r, 201)
        p = r.json
        self.assertEqual(p["version"], 1)
        self.assertEqual(p["credit_limit"], "1500.50")
        self.assertEqual(p["currency"], "USD")
        pid = p["id"]
        r = c.get(entities("core.partner", pid))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["name"], "Acme Ltd")
        self.assertEqual(r.json["tags"], {"tier": "gold"})

        # Update with the version in the body, then with If-Match.
        r = c.patch(entities("core.partner", pid), {"version": 1, "city": "Paris"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["city"], "Paris")
        r = c.patch(entities("core.partner", pid), {"phone": "+33 1"}, headers={"If-Match": '"2"'})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 3)
        # A stale version: 409, nothing changed.
        self.assertError(c.patch(entities("core.partner", pid), {"version": 1, "city": "Lyon"}), 409, "conflict")
        self.assertError(c.patch(entities("core.partner", pid), {"city": "Lyon"}), 422, "invalid", "version")
        self.assertError(c.patch(entities("core.partner", pid), {"version": 3, "city": "Lyon"},
                                 headers={"If-Match": "2"}), 422, "invalid", "version")
        self.assertEqual(c.get(entities("core.partner", pid)).json["city"], "Paris")

        r = c.get(entities("core.partner", pid) + "/history")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json), 3)

        self.assertError(c.delete(entities("core.partner", pid)), 422, "invalid", "version")
        self.assertError(c.delete(query(entities("core.partner", pid), version=2)), 409, "conflict")
        r = c.delete(query(entities("core.partner", pid), version=3))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["result"], "deleted")
        e = self.assertError(c.get(entities("core.partner", pid)), 404, "not_found")
        self.assertNotEqual(e["message"], "no such path")

    def test_archive_when_referenced(self):
        c = self.t.admin
        parent = self.t.create("core.partner", {"name": "Parent " + erpserver.unique()})
        self.t.create("core.partner", {"name": "Child", "parent_id": parent["id"]})
        r = c.delete(entities("core.partner", parent["id"]), headers={"If-Match": "1"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["result"], "archived")
        self.assertStatus(c.get(entities("core.partner", parent["id"])), 200)

    def test_validation_names_the_field_and_writes_nothing(self):
        c = self.t.admin
        prefix = "Val" + erpserver.unique()
        before = self.count("core.partner", prefix)
        self.assertError(c.post(entities("core.partner"), {"email": "x@y.example"}), 422, "invalid", "name")
        self.assertError(c.post(entities("core.partner"), {"name": prefix, "credit_limit": "1.234"}), 422,
                         "invalid", "credit_limit")
        self.assertError(c.post(entities("core.partner"), {"name": prefix, "credit_limit": 12.5}), 422,
                         "invalid", "credit_limit")
        self.assertError(c.post(entities("core.partner"), {"name": prefix, "kind": "alien"}), 422, "invalid", "kind")
        self.assertError(c.post(entities("core.partner"), {"name": prefix, "id": "x"}), 422, "invalid")
        self.assertError(c.post(entities("core.partner"), {"name": prefix,
                                                           "parent_id": "0190a0a0-0000-7000-8000-000000000000"}),
                         404, "not_found", "parent_id")
        self.assertError(c.post(entities("core.partner"), {"name": prefix, "country": "FRA"}), 422, "invalid", "country")
        r = c.post(entities("no.such_type"), {"name": prefix})
        self.assertIn(r.status, (404, 422), r)
        self.assertEqual(self.count("core.partner", prefix), before)

    def test_unique_field_409(self):
        ref = "REF-" + erpserver.unique()
        self.t.create("core.partner", {"name": "One", "ref": ref})
        self.assertError(self.t.admin.post(entities("core.partner"), {"name": "Two", "ref": ref}), 409, "exists", "ref")

    def test_list_filters_sort_cursor(self):
        c = self.t.admin
        prefix = "L" + erpserver.unique()
        names = ["%s %s" % (prefix, n) for n in ("delta", "alpha", "echo", "charlie", "bravo")]
        for i, n in enumerate(names):
            self.t.create("core.partner", {"name": n, "credit_limit": "%d.00" % (100 * (i + 1)),
                                           "is_customer": i % 2 == 0})
        flt = '{"filter":[["name","like","%s%%"]]}' % prefix
        # Pages of 2, sorted by name, following next_cursor.
        seen, cursor, pages = [], None, 0
        while True:
            r = c.get(query(entities("core.partner"), q=flt, sort="name", limit=2, cursor=cursor, count="true"))
            self.assertStatus(r, 200)
            self.assertEqual(r.json["total"], 5)
            self.assertLessEqual(len(r.json["items"]), 2)
            seen += [x["name"] for x in r.json["items"]]
            pages += 1
            cursor = r.json["next_cursor"]
            if not cursor:
                break
            self.assertLess(pages, 10)
        self.assertEqual(seen, sorted(names))
        self.assertEqual(pages, 3)
        # Descending.
        r = c.get(query(entities("core.partner"), q=flt, sort="-name", limit=10))
        self.assertEqual([x["name"] for x in r.json["items"]], sorted(names, reverse=True))
        # Filters: ge on money, eq on a boolean, in.
        q = ('{"filter":[["name","like","%s%%"],["credit_limit","ge","300.00"]],"sort":[["credit_limit","asc"]]}'
             % prefix)
        r = c.get(query(entities("core.partner"), q=q))
        self.assertStatus(r, 200)
        self.assertEqual([x["credit_limit"] for x in r.json["items"]], ["300.00", "400.00", "500.00"])
        q = '{"filter":[["name","like","%s%%"],["is_customer","eq",true]]}' % prefix
        self.assertEqual(len(c.get(query(entities("core.partner"), q=q)).json["items"]), 3)
        q = '{"filter":[["name","in",["%s alpha","%s echo"]]]}' % (prefix, prefix)
        self.assertEqual(len(c.get(query(entities("core.partner"), q=q)).json["items"]), 2)
        # Bad queries name what is wrong.
        self.assertError(c.get(query(entities("core.partner"), q="[1]")), 422, "invalid", "q")
        self.assertError(c.get(query(entities("core.partner"), q="{nope")), 422, "invalid", "q")
        self.assertError(c.get(query(entities("core.partner"), limit="abc")), 422, "invalid", "limit")
        r = c.get(query(entities("core.partner"), q='{"filter":[["no_such_field","eq","x"]]}'))
        self.assertEqual(r.status, 422, r)
        r = c.get(query(entities("core.partner"), sort="no_such_field"))
        self.assertEqual(r.status, 422, r)
        r = c.get(query(entities("core.partner"), q=flt, cursor="not-a-cursor"))
        self.assertEqual(r.status, 422, r)

    def test_document_with_lines(self):
        c = self.t.admin
        unit = self.t.create("core.uom", {"name": "pc " + erpserver.unique(), "precision": 0})["id"]
        partner = self.t.create("core.partner", {"name": "Customer"})["id"]
        r = c.post(entities("sales.order"), {"partner_id": partner, "date": "2026-03-01",
                                              "lines": [{"uom_id": unit, "quantity": "3", "price_unit": "10.50"},
                                                        {"uom_id": unit, "quantity": "1", "price_unit": "0.50"}]})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["amount_total"], "32.00")
        self.assertEqual(len(r.json["lines"]), 2)

    def test_tenant_isolation(self):
        other = Tenant(self.srv)
        self.addCleanup(other.admin.close)
        mine = self.t.create("core.partner", {"name": "Secret"})
        self.assertError(other.admin.get(entities("core.partner", mine["id"])), 404, "not_found")
        self.assertError(other.admin.patch(entities("core.partner", mine["id"]), {"version": 1, "name": "x"}), 404)
        self.assertError(other.admin.delete(query(entities("core.partner", mine["id"]), version=1)), 404)
        self.assertStatus(self.t.admin.get(entities("core.partner", mine["id"])), 200)


# ---- the journal ---------------------------------------------------------------------------


class TestJournal(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = Books(cls.t)

    def entries_count(self):
        n, cursor = 0, None
        while True:
            r = self.t.admin.get(query(api.JOURNAL, limit=1000, cursor=cursor))
            self.assertStatus(r, 200)
            n += len(r.json["items"])
            cursor = r.json.get("next_cursor")
            if not cursor:
                return n

    def test_post_get_list_reverse(self):
        c = self.t.admin
        r = c.post(api.JOURNAL, self.b.entry("42.00", reference="INV-42", memo="invoice 42"))
        self.assertStatus(r, 201)
        e = r.json
        self.assertEqual(len(e["lines"]), 2)
        self.assertEqual(e["reference"], "INV-42")
        self.assertEqual(sorted(l["debit"] for l in e["lines"]), ["0.00", "42.00"])
        r = c.get(api.JOURNAL + "/" + e["id"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["id"], e["id"])
        self.assertEqual(r.json["hash"], e["hash"])
        r = c.get(query(api.JOURNAL, journal_id=self.b.journal, limit=500))
        self.assertStatus(r, 200)
        self.assertIn(e["id"], [x["id"] for x in r.json["items"]])
        r = c.get(query(api.JOURNAL, **{"from": "2026-03-11"}))
        self.assertNotIn(e["id"], [x["id"] for x in r.json["items"]])

        r = c.post(api.JOURNAL + "/" + e["id"] + "/reverse", {"date": "2026-03-12"})
        self.assertStatus(r, 201)
        rev = r.json
        self.assertEqual(rev["reversal_of"], e["id"])
        self.assertEqual(c.get(api.JOURNAL + "/" + e["id"]).json["reversed_by"], rev["id"])
        self.assertError(c.post(api.JOURNAL + "/" + e["id"] + "/reverse", {"date": "2026-03-12"}), 409, "exists")
        self.assertError(c.post(api.JOURNAL + "/" + e["id"] + "/reverse", {}), 422, "invalid", "date")
        self.assertError(c.get(api.JOURNAL + "/0190a0a0-0000-7000-8000-000000000000"), 404, "not_found")

    def test_refusals_write_nothing(self):
        c = self.t.admin
        before = self.entries_count()
        body = self.b.entry("10.00")
        body["lines"][1]["credit"] = "9.99"
        self.assertError(c.post(api.JOURNAL, body), 422, "unbalanced")
        self.assertError(c.post(api.JOURNAL, self.b.entry("10.001")), 422, "invalid")
        self.assertError(c.post(api.JOURNAL, self.b.entry("10.00", debit="0190a0a0-0000-7000-8000-000000000000")),
                         404, "not_found")
        self.assertError(c.post(api.JOURNAL, self.b.entry("10.00", date="2026-02-30")), 422, "invalid")
        self.assertError(c.post(api.JOURNAL, self.b.entry("99999999999999999999999.00")), 422)
        self.assertError(c.post(api.JOURNAL, {"journal_id": self.b.journal}), 422, "invalid")
        self.assertEqual(self.entries_count(), before)

    def test_idempotency_key(self):
        c = self.t.admin
        before = self.entries_count()
        key = "idem-" + erpserver.unique()
        body = self.b.entry("7.00", reference="R-" + key)
        r1 = c.post(api.JOURNAL, body, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        r2 = c.post(api.JOURNAL, body, headers={"Idempotency-Key": key})
        self.assertIn(r2.status, (200, 201), r2)
        self.assertEqual(r2.json["id"], r1.json["id"])
        self.assertEqual(self.entries_count(), before + 1)
        # The same key with another body: 409, nothing written.
        self.assertError(c.post(api.JOURNAL, self.b.entry("8.00", reference="R-" + key),
                                headers={"Idempotency-Key": key}), 409, "exists")
        self.assertEqual(self.entries_count(), before + 1)
        # A key in the body that differs from the header: refused.
        b2 = dict(body, idempotency_key="other")
        self.assertError(c.post(api.JOURNAL, b2, headers={"Idempotency-Key": key}), 422, "invalid", "idempotency_key")
        # A refused request leaves its key free.
        key2 = "idem2-" + erpserver.unique()
        bad = self.b.entry("5.00")
        bad["lines"][1]["credit"] = "4.00"
        self.assertError(c.post(api.JOURNAL, bad, headers={"Idempotency-Key": key2}), 422, "unbalanced")
        self.assertStatus(c.post(api.JOURNAL, self.b.entry("5.00"), headers={"Idempotency-Key": key2}), 201)

    def test_idempotency_under_concurrency(self):
        key = "conc-" + erpserver.unique()
        body = self.b.entry("3.00", reference=key)
        before = self.entries_count()
        results = []

        def post():
            c = self.srv.client(self.t.admin.token)
            try:
                results.append(c.post(api.JOURNAL, body, headers={"Idempotency-Key": key}))
            finally:
                c.close()

        threads = [threading.Thread(target=post) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(len(results), 6)
        for r in results:
            self.assertIn(r.status, (200, 201), r)
        self.assertEqual(len({r.json["id"] for r in results}), 1)
        self.assertEqual(self.entries_count(), before + 1)

    def test_batch(self):
        c = self.t.admin
        before = self.entries_count()
        entries = [self.b.entry("1.%02d" % i, reference="B%d" % i) for i in range(3)]
        r = c.post(api.JOURNAL_BATCH, {"entries": entries})
        self.assertStatus(r, 201)
        ids = r.json["ids"]
        self.assertEqual(len(ids), 3)
        for i, eid in enumerate(ids):
            got = c.get(api.JOURNAL + "/" + eid).json
            self.assertEqual(got["reference"], "B%d" % i)
        self.assertEqual(self.entries_count(), before + 3)
        # All or none: one bad entry and nothing is posted; the field names it.
        bad = [self.b.entry("2.00"), self.b.entry("2.00")]
        bad[1]["lines"][1]["credit"] = "1.00"
        r = c.post(api.JOURNAL_BATCH, {"entries": bad})
        self.assertError(r, 422, "unbalanced")
        bad = [self.b.entry("2.00"), self.b.entry("2.001")]
        self.assertError(c.post(api.JOURNAL_BATCH, {"entries": bad}), 422, "invalid", "entries[1].lines[0].debit")
        self.assertError(c.post(api.JOURNAL_BATCH, {"entries": []}), 422, "invalid", "entries")
        self.assertEqual(self.entries_count(), before + 3)
        # A batch with an Idempotency-Key, sent twice: the same ids.
        key = "batch-" + erpserver.unique()
        entries = [self.b.entry("4.00"), self.b.entry("5.00")]
        r1 = c.post(api.JOURNAL_BATCH, {"entries": entries}, headers={"Idempotency-Key": key})
        r2 = c.post(api.JOURNAL_BATCH, {"entries": entries}, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        self.assertIn(r2.status, (200, 201), r2)
        self.assertEqual(r1.json["ids"], r2.json["ids"])
        self.assertEqual(self.entries_count(), before + 5)

    def test_lock_date(self):
        c = self.t.admin
        r = c.get(api.LOCK_DATE)
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["lock_date"])
        r = c.put(api.LOCK_DATE, {"date": "2025-12-31"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["lock_date"], "2025-12-31")
        self.assertError(c.post(api.JOURNAL, self.b.entry("1.00", date="2025-12-31")), 409, "locked")
        self.assertError(c.put(api.LOCK_DATE, {"date": "31/12/2025"}), 422, "invalid")
        self.assertStatus(c.put(api.LOCK_DATE, {"date": None}), 200)
        self.assertIsNone(c.get(api.LOCK_DATE).json["lock_date"])


# ---- reports ------------------------------------------------------------------------------------


class TestReports(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = Books(cls.t)
        c = cls.t.admin
        for amount, date in (("100.00", "2026-01-10"), ("50.25", "2026-02-10"), ("10.00", "2026-03-10")):
            expect(c.post(api.JOURNAL, cls.b.entry(amount, date=date)), 201)
        expect(c.post(api.JOURNAL, cls.b.entry("30.00", debit=cls.b.cash, credit=cls.b.receivable,
                                               date="2026-03-15")), 201)

    def test_trial_balance(self):
        r = self.t.admin.get(api.TRIAL_BALANCE)
        self.assertStatus(r, 200)
        tb = r.json
        self.assertEqual(len(tb["totals"]), 1)
        tot = tb["totals"][0]
        self.assertEqual(tot["currency"], "USD")
        self.assertEqual(tot["debit"], tot["credit"])
        self.assertEqual(tot["debit"], "190.25")
        by = {a["account_id"]: a for a in tb["accounts"]}
        self.assertEqual(by[self.b.receivable]["balance"], "130.25")
        self.assertEqual(by[self.b.revenue]["balance"], "-160.25")
        self.assertEqual(by[self.b.cash]["balance"], "30.00")
        r = self.t.admin.get(query(api.TRIAL_BALANCE, as_of="2026-01-31"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["totals"][0]["debit"], "100.00")
        r = self.t.admin.get(query(api.TRIAL_BALANCE, as_of="2025-01-01"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["accounts"], [])
        self.assertError(self.t.admin.get(query(api.TRIAL_BALANCE, as_of="yesterday")), 422, "invalid")

    def test_account_balance(self):
        r = self.t.admin.get(api.account_balance(self.b.receivable))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["account_id"], self.b.receivable)
        bal = r.json["balances"][0]
        self.assertEqual((bal["currency"], bal["debit"], bal["credit"], bal["balance"]),
                         ("USD", "160.25", "30.00", "130.25"))
        r = self.t.admin.get(query(api.account_balance(self.b.receivable), as_of="2026-02-28"))
        self.assertEqual(r.json["balances"][0]["balance"], "150.25")
        self.assertError(self.t.admin.get(api.account_balance("0190a0a0-0000-7000-8000-000000000000")), 404)

    def test_general_ledger(self):
        c = self.t.admin
        r = c.get(query(api.GENERAL_LEDGER, account_id=self.b.receivable))
        self.assertStatus(r, 200)
        gl = r.json
        self.assertEqual([l["balance"] for l in gl["lines"]], ["100.00", "150.25", "160.25", "130.25"])
        # Pages of one line carry the running balance on.
        balances, cursor = [], None
        for _ in range(10):
            r = c.get(query(api.GENERAL_LEDGER, account_id=self.b.receivable, limit=1, cursor=cursor))
            self.assertStatus(r, 200)
            balances += [l["balance"] for l in r.json["lines"]]
            cursor = r.json.get("next_cursor")
            if not cursor:
                break
        self.assertEqual(balances, ["100.00", "150.25", "160.25", "130.25"])
        r = c.get(query(api.GENERAL_LEDGER, account_id=self.b.receivable, **{"from": "2026-02-01", "to": "2026-03-10"}))
        self.assertEqual([l["debit"] for l in r.json["lines"]], ["50.25", "10.00"])
        self.assertEqual(r.json["opening"][0]["balance"], "100.00")
        self.assertError(c.get(api.GENERAL_LEDGER), 422, "invalid", "account_id")
        self.assertError(c.get(query(api.GENERAL_LEDGER, account_id=self.b.receivable, limit=0)), 422, "invalid",
                         "limit")


# ---- stock --------------------------------------------------------------------------------------


class TestStock(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.w = StockWorld(cls.t)

    def quant(self, product, location):
        r = self.t.admin.get(query(api.QUANTS, product_id=product, location_id=location))
        self.assertStatus(r, 200)
        self.assertLessEqual(len(r.json), 1)
        return r.json[0] if r.json else {"on_hand": "0", "reserved": "0", "available": "0"}

    def test_moves_reservations_valuation(self):
        c, w = self.t.admin, self.w
        r = c.post(api.MOVES, w.move(w.fifo, 10, w.supplier, w.stock, "10.00", reference="PO-1"))
        self.assertStatus(r, 201)
        m = r.json
        self.assertEqual((m["kind"], m["quantity"], m["value"]), ("in", "10", "100.00"))
        self.assertTrue(m["entry_id"], "perpetual valuation posts an entry")
        r = c.post(api.MOVES, w.move(w.fifo, 10, w.supplier, w.stock, "20.00"))
        self.assertStatus(r, 201)
        self.assertEqual(c.get(api.MOVES + "/" + m["id"]).json["id"], m["id"])
        q = self.quant(w.fifo, w.stock)
        self.assertEqual((q["on_hand"], q["available"]), ("20", "20"))

        # Reserve 15 of 20, consume 13 against it: 7 on hand, the rest released.
        r = c.post(api.RESERVATIONS, {"product_id": w.fifo, "location_id": w.stock, "quantity": "15"})
        self.assertStatus(r, 201)
        res = r.json
        self.assertEqual(res["state"], "pending")
        q = self.quant(w.fifo, w.stock)
        self.assertEqual((q["on_hand"], q["reserved"], q["available"]), ("20", "15", "5"))
        self.assertError(c.post(api.RESERVATIONS, {"product_id": w.fifo, "location_id": w.stock, "quantity": "6"}),
                         409, "no_stock")
        r = c.post(api.RESERVATIONS + "/" + res["id"] + "/consume", {"quantity": "13", "location_dest_id": w.customer,
                                                                       "date": "2026-03-11"})
        self.assertStatus(r, 201)
        out = r.json
        self.assertEqual((out["kind"], out["reservation_id"]), ("out", res["id"]))
        self.assertEqual(out["value"], "-160.00")  # FIFO: 10 x 10 + 3 x 20
        r = c.get(api.RESERVATIONS + "/" + res["id"])
        self.assertEqual((r.json["state"], r.json["consumed"]), ("consumed", "13"))
        q = self.quant(w.fifo, w.stock)
        self.assertEqual((q["on_hand"], q["reserved"], q["available"]), ("7", "0", "7"))
        self.assertError(c.post(api.RESERVATIONS + "/" + res["id"] + "/release"), 409, "conflict")

        # A reservation released.
        r = c.post(api.RESERVATIONS, {"product_id": w.fifo, "location_id": w.stock, "quantity": "2"})
        self.assertStatus(r, 201)
        rid = r.json["id"]
        self.assertEqual(self.quant(w.fifo, w.stock)["available"], "5")
        r = c.post(api.RESERVATIONS + "/" + rid + "/release")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "released")
        self.assertEqual(self.quant(w.fifo, w.stock)["available"], "7")
        self.assertError(c.post(api.RESERVATIONS + "/" + rid + "/release"), 409, "conflict")

        # More than there is: 409, nothing moved.
        self.assertError(c.post(api.MOVES, w.move(w.fifo, 8, w.stock, w.customer)), 409, "no_stock")
        self.assertEqual(self.quant(w.fifo, w.stock)["on_hand"], "7")

        r = c.get(api.STOCK_VALUATION)
        self.assertStatus(r, 200)
        prod = [p for p in r.json["products"] if p["product_id"] == w.fifo][0]
        self.assertEqual((prod["quantity"], prod["value"], prod["unit_cost"]), ("7", "140.00", "20.00"))
        r = c.get(query(api.STOCK_VALUATION, as_of="2026-03-10"))
        prod = [p for p in r.json["products"] if p["product_id"] == w.fifo][0]
        self.assertEqual((prod["quantity"], prod["value"]), ("20", "300.00"))
        r = c.get(api.LAYERS + "/" + w.fifo)
        self.assertStatus(r, 200)
        self.assertEqual([(l["quantity"], l["unit_cost"]) for l in r.json], [("7", "20.00")])

        r = c.get(query(api.MOVES, product_id=w.fifo))
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 3)
        # The valuation account in the ledger equals the stock value (every product).
        total = c.get(api.STOCK_VALUATION).json["totals"]["USD"]
        r = c.get(api.account_balance(w.valuation))
        self.assertEqual(r.json["balances"][0]["balance"], total)

    def test_refusals_write_nothing(self):
        c, w = self.t.admin, self.w
        r = c.get(query(api.MOVES, product_id=w.average, limit=1000))
        before = len(r.json["items"])
        self.assertError(c.post(api.MOVES, w.move(w.average, 1, w.supplier, w.stock)), 422, "invalid", "unit_cost")
        self.assertError(c.post(api.MOVES, w.move(w.average, 0, w.supplier, w.stock, "1.00")), 422, "invalid",
                         "quantity")
        self.assertError(c.post(api.MOVES, w.move(w.average, "1.5", w.supplier, w.stock, "1.00")), 422, "invalid",
                         "quantity")
        self.assertError(c.post(api.MOVES, w.move(w.average, 1, w.stock, w.stock, "1.00")), 422, "invalid")
        self.assertError(c.post(api.MOVES, w.move("0190a0a0-0000-7000-8000-000000000000", 1, w.supplier, w.stock,
                                                  "1.00")), 404, "not_found")
        self.assertError(c.post(api.RESERVATIONS, {"product_id": w.average, "location_id": w.stock, "quantity": "-1"}),
                         422, "invalid")
        self.assertError(c.post(api.RESERVATIONS + "/0190a0a0-0000-7000-8000-000000000000/consume",
                                {"quantity": "1", "location_dest_id": w.customer}), 404, "not_found")
        self.assertEqual(len(c.get(query(api.MOVES, product_id=w.average, limit=1000)).json["items"]), before)

    def test_move_idempotency(self):
        c, w = self.t.admin, self.w
        key = "mv-" + erpserver.unique()
        body = w.move(w.average, 2, w.supplier, w.stock, "3.00")
        r1 = c.post(api.MOVES, body, headers={"Idempotency-Key": key})
        r2 = c.post(api.MOVES, body, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        self.assertIn(r2.status, (200, 201), r2)
        self.assertEqual(r1.json["id"], r2.json["id"])
        self.assertError(c.post(api.MOVES, w.move(w.average, 3, w.supplier, w.stock, "3.00"),
                                headers={"Idempotency-Key": key}), 409, "exists")

    def test_move_batch_all_or_none(self):
        c, w = self.t.admin, self.w
        before = self.quant(w.average, w.stock)["on_hand"]
        moves = [w.move(w.average, 4, w.supplier, w.stock, "2.00"), w.move(w.average, 1, w.stock, w.customer)]
        key = "mb-" + erpserver.unique()
        r1 = c.post(api.MOVE_BATCH, {"moves": moves}, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        self.assertEqual(len(r1.json["ids"]), 2)
        self.assertEqual(c.get(api.MOVES + "/" + r1.json["ids"][0]).json["quantity"], "4")
        after = self.quant(w.average, w.stock)["on_hand"]
        self.assertEqual(int(after), int(before) + 3)
        # Sent again with its key: the same moves, nothing more on hand.
        r2 = c.post(api.MOVE_BATCH, {"moves": moves}, headers={"Idempotency-Key": key})
        self.assertIn(r2.status, (200, 201), r2)
        self.assertEqual(r2.json["ids"], r1.json["ids"])
        self.assertEqual(self.quant(w.average, w.stock)["on_hand"], after)
        # A bad move in the middle: named, and nothing written.
        bad = [w.move(w.average, 4, w.supplier, w.stock, "2.00"), w.move(w.average, 0, w.stock, w.customer)]
        self.assertError(c.post(api.MOVE_BATCH, {"moves": bad}), 422, "invalid", "moves[1].quantity")
        self.assertError(c.post(api.MOVE_BATCH, {"moves": []}), 422, "invalid", "moves")
        self.assertError(c.post(api.MOVE_BATCH, {"moves": moves, "extra": 1}), 422, "invalid", "extra")
        self.assertError(c.post(api.MOVE_BATCH, {"moves": "x"}), 422, "invalid", "moves")
        self.assertEqual(self.quant(w.average, w.stock)["on_hand"], after)
        _, email = self.t.add_user("readonly")
        ro = self.t.login(email)
        self.addCleanup(ro.close)
        self.assertError(ro.post(api.MOVE_BATCH, {"moves": moves}), 403, "forbidden")

    def test_reservation_idempotency_and_limits(self):
        c, w = self.t.admin, self.w
        self.assertStatus(c.post(api.MOVES, w.move(w.average, 10, w.supplier, w.stock, "4.00")), 201)
        key = "rs-" + erpserver.unique()
        body = {"product_id": w.average, "location_id": w.stock, "quantity": "3"}
        r1 = c.post(api.RESERVATIONS, body, headers={"Idempotency-Key": key})
        r2 = c.post(api.RESERVATIONS, body, headers={"Idempotency-Key": key})
        self.assertStatus(r1, 201)
        self.assertIn(r2.status, (200, 201), r2)
        self.assertEqual(r1.json["id"], r2.json["id"])
        rid = r1.json["id"]
        self.assertError(c.post(api.RESERVATIONS + "/" + rid + "/consume",
                                {"quantity": "4", "location_dest_id": w.customer}), 409, "conflict")
        self.assertError(c.post(api.RESERVATIONS + "/" + rid + "/consume", {"quantity": "1"}), 422, "invalid",
                         "location_dest_id")
        self.assertError(c.post(api.RESERVATIONS + "/" + rid + "/consume",
                                {"quantity": "1", "location_dest_id": w.customer, "product_id": w.fifo}),
                         422, "invalid")
        self.assertEqual(c.get(api.RESERVATIONS + "/" + rid).json["state"], "pending")
        self.assertStatus(c.post(api.RESERVATIONS + "/" + rid + "/release"), 200)

    def test_negative_location(self):
        c, w = self.t.admin, self.w
        r = c.post(api.MOVES, w.move(w.average, 5, w.negative, w.customer))
        self.assertIn(r.status, (201, 422), r)  # valued at the current cost; none known yet may be refused
        if r.status == 201:
            self.assertEqual(self.quant(w.average, w.negative)["on_hand"], "-5")


# ---- users and roles ------------------------------------------------------------------------------


class TestUsers(ApiCase):
    def test_create_list_get(self):
        uid, email = self.t.add_user("readwrite")
        r = self.t.admin.get(api.USERS)
        self.assertStatus(r, 200)
        self.assertIn(email, [u["email"] for u in r.json])
        r = self.t.admin.get(api.USERS + "/" + uid)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["role"], r.json["disabled"]), ("readwrite", False))
        self.assertNotIn("hash", r.text)
        # a member of this tenant already: the tenant knows its members, so it may be told
        self.assertError(self.t.admin.post(api.INVITATIONS, {"email": email, "role": "readonly"}),
                         409, "exists", "email")
        self.assertError(self.t.admin.post(api.INVITATIONS, {"email": "x-%s@e.example" % erpserver.unique(),
                                                             "role": "boss"}), 422, "invalid", "role")
        self.assertError(self.t.admin.post(api.INVITATIONS, {"email": "not an email", "role": "readonly"}),
                         422, "invalid", "email")
        # there is no way to make or add a user by email without their consent
        self.assertError(self.t.admin.post(api.USERS, {"email": "x-%s@e.example" % erpserver.unique(),
                                                       "password": api.PASSWORD_TEXT, "role": "readonly"}),
                         405, "method_not_allowed")
        r = self.t.admin.post(api.USERS + "/add", {"email": email, "role": "readonly"})
        self.assertIn(r.status, (404, 405), r)

    def test_role_change_applies_to_live_sessions(self):
        uid, email = self.t.add_user("readwrite")
        u = self.t.login(email)
        self.addCleanup(u.close)
        self.assertStatus(u.post(entities("core.partner"), {"name": "By readwrite"}), 201)
        r = self.t.admin.patch(api.USERS + "/" + uid, {"role": "readonly"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["role"], "readonly")
        self.assertError(u.post(entities("core.partner"), {"name": "By readonly"}), 403, "forbidden")
        self.assertStatus(u.get(entities("core.partner")), 200)
        self.assertStatus(self.t.admin.patch(api.USERS + "/" + uid, {"role": "readwrite"}), 200)
        self.assertStatus(u.post(entities("core.partner"), {"name": "By readwrite again"}), 201)

    def test_disable_stops_sessions_at_once(self):
        uid, email = self.t.add_user("readwrite")
        u = self.t.login(email)
        self.addCleanup(u.close)
        self.assertStatus(u.get(api.ME), 200)
        r = self.t.admin.patch(api.USERS + "/" + uid, {"disabled": True})
        self.assertStatus(r, 200)
        self.assertTrue(r.json["disabled"])
        self.assertError(u.get(api.ME), 401)
        self.assertError(u.get(entities("core.partner")), 401)
        x = self.srv.client()
        self.addCleanup(x.close)
        self.assertError(x.post(api.LOGIN, {"email": email, "password": api.PASSWORD_TEXT, "tenant_id": self.t.id}),
                         401, "auth")
        self.assertStatus(self.t.admin.patch(api.USERS + "/" + uid, {"disabled": False}), 200)
        self.t.login(email).close()

    def test_remove_and_revoke(self):
        uid, email = self.t.add_user("readonly")
        u1, u2 = self.t.login(email), self.t.login(email)
        self.addCleanup(u1.close)
        self.addCleanup(u2.close)
        r = self.t.admin.post(api.USERS + "/" + uid + "/revoke-sessions")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["ended"], 2)
        self.assertError(u1.get(api.ME), 401)
        self.assertError(u2.get(api.ME), 401)
        u3 = self.t.login(email)
        self.addCleanup(u3.close)
        self.assertStatus(self.t.admin.delete(api.USERS + "/" + uid), 204)
        self.assertError(u3.get(api.ME), 401)
        self.assertError(self.t.admin.get(api.USERS + "/" + uid), 404)
        # An existing user joins again: invited, and accepting with their own password.
        token = self.t.invite(email, "readonly")["token"]
        r = self.srv.client().post(api.ACCEPT_INVITATION, {"token": token, "password": api.PASSWORD_TEXT},
                                   token=None)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["user_id"], r.json["tenant_id"]), (uid, self.t.id))

    def test_admin_password_reset(self):
        uid, email = self.t.add_user("readwrite")
        u = self.t.login(email)
        self.addCleanup(u.close)
        self.assertStatus(self.t.admin.post(api.USERS + "/" + uid + "/password", {"password": "reset password 1"}), 204)
        self.assertError(u.get(api.ME), 401)
        self.t.login(email, "reset password 1").close()

    def test_last_admin_is_kept(self):
        self.assertError(self.t.admin.patch(api.USERS + "/" + self.t.admin_id, {"role": "readonly"}), 403, "forbidden")
        self.assertError(self.t.admin.patch(api.USERS + "/" + self.t.admin_id, {"disabled": True}), 403, "forbidden")
        self.assertStatus(self.t.admin.get(api.ME), 200)


class TestInvitations(ApiCase):
    """Membership by consent (issue 23, part 4): an invitation answers alike
    whether or not the email has an account, and shows the inviter nothing
    of the account until the person accepts."""

    def test_invitations_tell_nothing_of_other_tenants(self):
        other = Tenant(self.srv)
        self.addCleanup(other.admin.close)
        _, theirs = other.add_user("readwrite")  # an account, member of another tenant only
        fresh = "fresh-%s@example.com" % erpserver.unique()
        a = self.t.invite(theirs)
        b = self.t.invite(fresh)
        self.assertEqual(set(a), set(b))
        self.assertEqual(set(a) - {"token"}, {"id", "email", "role", "status", "expires_at", "invited_by",
                                              "created_at", "updated_at", "version"})
        self.assertEqual((a["status"], b["status"]), ("pending", "pending"))
        # the same refusal for an address invited already, with or without an account
        for email in (theirs, fresh):
            self.assertError(self.t.admin.post(api.INVITATIONS, {"email": email, "role": "readonly"}),
                             409, "exists", "email")
        # nothing of the account: not a member, no id, no name
        members = expect(self.t.admin.get(api.USERS), 200)
        self.assertNotIn(theirs, [u["email"] for u in members])
        listed = expect(self.t.admin.get(api.INVITATIONS), 200)
        self.assertNotIn("display_name", json.dumps(listed))
        self.assertNotIn("token", json.dumps(listed))
        got = expect(self.t.admin.get(api.INVITATIONS + "/" + a["id"]), 200)
        self.assertNotIn("token", got)
        # another tenant cannot read or revoke them
        self.assertError(other.admin.get(api.INVITATIONS + "/" + a["id"]), 404, "not_found")
        self.assertError(other.admin.post(api.INVITATIONS + "/" + a["id"] + "/revoke"), 404, "not_found")
        # the account's owner accepts while logged in elsewhere: then, and only then, a member
        c = other.login(theirs)
        self.addCleanup(c.close)
        r = c.post(api.INVITATIONS + "/accept", {"token": a["token"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["tenant_id"], self.t.id)
        self.assertIn(theirs, [u["email"] for u in expect(self.t.admin.get(api.USERS), 200)])
        self.t.login(theirs).close()
        # a used token is refused, like a made-up one
        self.assertError(c.post(api.INVITATIONS + "/accept", {"token": a["token"]}), 401, "auth", "token")
        self.assertError(c.post(api.INVITATIONS + "/accept", {"token": "A" * 43}), 401, "auth", "token")

    def test_accept_with_a_password_and_revoke(self):
        fresh = "new-%s@example.com" % erpserver.unique()
        inv = self.t.invite(fresh, "readonly")
        anon = self.srv.client()
        self.addCleanup(anon.close)
        before = len(expect(self.t.admin.get(api.USERS), 200))
        self.assertError(anon.post(api.ACCEPT_INVITATION, {"token": inv["token"], "password": "short"}, token=None),
                         422, "invalid", "password")
        self.assertEqual(len(expect(self.t.admin.get(api.USERS), 200)), before)
        r = anon.post(api.ACCEPT_INVITATION, {"token": inv["token"], "password": api.PASSWORD_TEXT,
                                              "display_name": "New One"}, token=None)
        self.assertStatus(r, 200)
        me = self.t.login(fresh)
        self.addCleanup(me.close)
        self.assertEqual(expect(me.get(api.ME), 200)["role"], "readonly")
        self.assertEqual(expect(self.t.admin.get(api.INVITATIONS + "/" + inv["id"]), 200)["status"], "accepted")
        # revoked: the token no longer works, and revoking twice is a conflict
        late = "late-%s@example.com" % erpserver.unique()
        inv2 = self.t.invite(late)
        self.assertEqual(expect(self.t.admin.post(api.INVITATIONS + "/" + inv2["id"] + "/revoke"), 200)["status"],
                         "revoked")
        self.assertError(self.t.admin.post(api.INVITATIONS + "/" + inv2["id"] + "/revoke"), 409, "conflict")
        self.assertError(anon.post(api.ACCEPT_INVITATION, {"token": inv2["token"], "password": api.PASSWORD_TEXT},
                                   token=None), 401, "auth", "token")

    def test_only_admins_invite(self):
        _, email = self.t.add_user("readwrite")
        rw = self.t.login(email)
        self.addCleanup(rw.close)
        self.assertError(rw.post(api.INVITATIONS, {"email": "z-%s@e.example" % erpserver.unique(),
                                                   "role": "admin"}), 403, "forbidden")
        self.assertError(rw.get(api.INVITATIONS), 403, "forbidden")


class TestRoles(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = Books(cls.t)
        cls.log_in_members()

    def test_readonly_reads_but_never_writes(self):
        prefix = "RO" + erpserver.unique()
        before = self.count("core.partner", prefix)
        self.assertError(self.ro.post(entities("core.partner"), {"name": prefix}), 403, "forbidden")
        self.assertError(self.ro.post(api.JOURNAL, self.b.entry("1.00")), 403, "forbidden")
        self.assertError(self.ro.post(api.INVITATIONS, {"email": "z-%s@e.example" % erpserver.unique(),
                                                        "role": "admin"}), 403, "forbidden")
        self.assertError(self.ro.put(api.LOCK_DATE, {"date": "2020-01-01"}), 403, "forbidden")
        self.assertEqual(self.count("core.partner", prefix), before)
        for path in (entities("core.partner"), api.JOURNAL, api.TRIAL_BALANCE, api.USERS, api.QUANTS,
                     api.STOCK_VALUATION, api.ME):
            with self.subTest(path=path):
                self.assertStatus(self.ro.get(path), 200)

    def test_readwrite_writes_business_data_only(self):
        self.assertStatus(self.rw.post(entities("core.partner"), {"name": "RW " + erpserver.unique()}), 201)
        self.assertStatus(self.rw.post(api.JOURNAL, self.b.entry("1.00")), 201)
        self.assertError(self.rw.post(api.INVITATIONS, {"email": "z-%s@e.example" % erpserver.unique(),
                                                        "role": "admin"}), 403, "forbidden")
        self.assertError(self.rw.patch(api.USERS + "/" + self.t.admin_id, {"role": "readonly"}), 403, "forbidden")
        self.assertError(self.rw.put(api.LOCK_DATE, {"date": "2020-01-01"}), 403, "forbidden")


# ---- settings, the audit log, sessions ------------------------------------------------------


class TestSettings(ApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log_in_members()

    def test_admin_writes_members_read(self):
        a = self.t.admin
        key = "invoice.prefix" + erpserver.unique().lower()
        self.assertError(a.get(api.SETTINGS + "/" + key), 404, "not_found", "key")
        r = a.put(api.SETTINGS + "/" + key, {"value": "INV-\u00e9"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"key": key, "value": "INV-\u00e9"})
        for c in (self.ro, self.rw, a):
            self.assertEqual(expect(c.get(api.SETTINGS + "/" + key), 200)["value"], "INV-\u00e9")
            listed = {s["key"]: s for s in expect(c.get(api.SETTINGS), 200)}
            self.assertEqual(listed[key]["value"], "INV-\u00e9")
            self.assertEqual(listed[key]["version"], 1)
        for c in (self.ro, self.rw):
            self.assertError(c.put(api.SETTINGS + "/" + key, {"value": "X"}), 403, "forbidden")
            self.assertError(c.delete(api.SETTINGS + "/" + key), 403, "forbidden")
        self.assertEqual(expect(a.get(api.SETTINGS + "/" + key), 200)["value"], "INV-\u00e9")
        self.assertStatus(a.delete(api.SETTINGS + "/" + key), 204)
        self.assertError(a.get(api.SETTINGS + "/" + key), 404, "not_found")
        self.assertStatus(a.delete(api.SETTINGS + "/" + key), 204)  # deleting nothing is fine

    def test_bad_keys_and_values_write_nothing(self):
        a = self.t.admin
        before = expect(a.get(api.SETTINGS), 200)
        self.assertError(a.put(api.SETTINGS + "/Upper", {"value": "x"}), 422, "invalid", "key")
        self.assertError(a.put(api.SETTINGS + "/" + "k" * 101, {"value": "x"}), 422, "invalid", "key")
        self.assertError(a.put(api.SETTINGS + "/ok.key", {"value": 5}), 422, "invalid", "value")
        self.assertError(a.put(api.SETTINGS + "/ok.key", {}), 422, "invalid", "value")
        self.assertError(a.put(api.SETTINGS + "/ok.key", {"value": "x", "other": 1}), 422, "invalid")
        self.assertError(a.put(api.SETTINGS + "/ok.key", {"value": "v" * 65537}), 422, "invalid", "value")
        self.assertError(a.put(api.SETTINGS + "/ok.key", {"value": "bell\x07"}), 422, "invalid", "value")
        self.assertEqual(expect(a.get(api.SETTINGS), 200), before)

    def test_the_audit_log_shows_setting_changes_to_admins_only(self):
        key = "audited" + erpserver.unique().lower()
        expect(self.t.admin.put(api.SETTINGS + "/" + key, {"value": "v1"}), 200)
        log = expect(self.t.admin.get(api.query(api.AUDIT, limit=5)), 200)
        self.assertLessEqual(len(log), 5)
        self.assertEqual((log[0]["action"], log[0]["entity_id"]), ("set", key), log[0])
        self.assertError(self.t.admin.get(api.query(api.AUDIT, limit=0)), 422, "invalid", "limit")
        self.assertError(self.t.admin.get(api.query(api.AUDIT, limit="5x")), 422, "invalid", "limit")
        for c in (self.ro, self.rw):
            self.assertError(c.get(api.AUDIT), 403, "forbidden")

    def test_sessions_are_listed_to_their_user_and_to_admins(self):
        me = expect(self.ro.get(api.ME), 200)["user"]["id"]
        own = expect(self.ro.get(api.USERS + "/" + me + "/sessions"), 200)
        self.assertTrue(any(s["current"] for s in own), own)
        self.assertNotIn("token", json.dumps(own))
        self.assertEqual(len(expect(self.t.admin.get(api.USERS + "/" + me + "/sessions"), 200)), len(own))
        self.assertError(self.ro.get(api.USERS + "/" + self.t.admin_id + "/sessions"), 403, "forbidden")
        other = Tenant(self.srv)
        self.addCleanup(other.admin.close)
        self.assertError(self.t.admin.get(api.USERS + "/" + other.admin_id + "/sessions"), 404, "not_found")

    def test_tenants_see_only_their_own(self):
        other = Tenant(self.srv)
        self.addCleanup(other.admin.close)
        key = "secret" + erpserver.unique().lower()
        expect(self.t.admin.put(api.SETTINGS + "/" + key, {"value": "only ours"}), 200)
        self.assertError(other.admin.get(api.SETTINGS + "/" + key), 404, "not_found")
        self.assertNotIn(key, {s["key"] for s in expect(other.admin.get(api.SETTINGS), 200)})
        self.assertStatus(other.admin.delete(api.SETTINGS + "/" + key), 204)
        self.assertEqual(expect(self.t.admin.get(api.SETTINGS + "/" + key), 200)["value"], "only ours")


if __name__ == "__main__":
    unittest.main()
