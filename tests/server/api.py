"""The routes of erp-server (see server/routes.c) and fixtures made through them:
a tenant with its admin (sign-up), logins, books (accounts, a journal) and a
stock world (units, locations, a category with perpetual valuation, products).

Shared by the tests and by scripts/bench-http.sh (bench/http/fixtures.py).
"""

import secrets
import urllib.parse

API = "/api/v1"
SIGNUP = API + "/tenants"
LOGIN = API + "/auth/login"
LOGOUT = API + "/auth/logout"
ME = API + "/auth/me"
PASSWORD = API + "/auth/password"
TENANT = API + "/tenant"
USERS = API + "/users"
INVITATIONS = API + "/invitations"
ACCEPT_INVITATION = API + "/auth/accept-invitation"
ENTITY_TYPES = API + "/entity-types"
JOURNAL = API + "/journal-entries"
JOURNAL_BATCH = API + "/journal-entries/batch"
TRIAL_BALANCE = API + "/reports/trial-balance"
GENERAL_LEDGER = API + "/reports/general-ledger"
STOCK_VALUATION = API + "/reports/stock-valuation"
LOCK_DATE = API + "/ledger/lock-date"
MOVES = API + "/stock/moves"
MOVE_BATCH = API + "/stock/moves/batch"
QUANTS = API + "/stock/quants"
RESERVATIONS = API + "/stock/reservations"
LAYERS = API + "/stock/layers"
PING = API + "/ping"
SETTINGS = API + "/settings"
AUDIT = API + "/audit"

PASSWORD_TEXT = "correct horse battery staple"


def entities(etype, eid=None):
    p = "%s/entities/%s" % (API, etype)
    return p if eid is None else "%s/%s" % (p, eid)


def account_balance(account_id):
    return "%s/accounts/%s/balance" % (API, account_id)


def query(path, **params):
    items = [(k, v) for k, v in params.items() if v is not None]
    if not items:
        return path
    return path + "?" + urllib.parse.urlencode(items)


class ApiError(AssertionError):
    pass


def expect(resp, *statuses):
    if resp.status not in statuses:
        raise ApiError("expected %s, got %r" % ("/".join(map(str, statuses)), resp))
    return resp.json


class Tenant:
    """A tenant made by sign-up, with its admin logged in (`admin`: a Client with the token)."""

    def __init__(self, server, currency="USD", name=None):
        self.server = server
        self.name = name or "Tenant " + secrets.token_hex(6)
        self.email = "admin-%s@example.com" % secrets.token_hex(6)
        self.password = PASSWORD_TEXT
        c = server.client()
        try:
            out = expect(c.post(SIGNUP, {"name": self.name, "base_currency": currency, "admin_email": self.email,
                                         "admin_password": self.password, "admin_name": "Admin"}, token=None), 201)
        finally:
            c.close()
        self.id = out["tenant"]["id"]
        self.admin_id = out["user"]["id"]
        self.admin = self.login(self.email, self.password)

    def login(self, email, password=PASSWORD_TEXT):
        """A new Client holding a fresh session token of that user."""
        c = self.server.client()
        out = expect(c.post(LOGIN, {"email": email, "password": password, "tenant_id": self.id}, token=None), 200)
        c.token = out["token"]
        c.user_id = out["user_id"]
        return c

    def invite(self, email, role="readwrite"):
        """The admin invites `email`: the invitation, with its token."""
        return expect(self.admin.post(INVITATIONS, {"email": email, "role": role}), 201)

    def add_user(self, role, password=PASSWORD_TEXT):
        """A new member with `role` (invited, then accepted with a password); returns (user id, email)."""
        email = "%s-%s@example.com" % (role, secrets.token_hex(6))
        token = self.invite(email, role)["token"]
        c = self.server.client()
        try:
            out = expect(c.post(ACCEPT_INVITATION, {"token": token, "password": password,
                                                    "display_name": role.title()}, token=None), 200)
        finally:
            c.close()
        return out["user_id"], email

    def create(self, etype, fields, client=None):
        return expect((client or self.admin).post(entities(etype), fields), 201)


class Books:
    """Accounts and a journal in a tenant."""

    def __init__(self, tenant, code="GEN"):
        t = tenant
        self.cash = t.create("financial.account", {"code": "1000", "name": "Cash", "type": "asset"})["id"]
        self.receivable = t.create("financial.account", {"code": "1100", "name": "Receivable", "type": "asset"})["id"]
        self.revenue = t.create("financial.account", {"code": "4000", "name": "Revenue", "type": "income"})["id"]
        self.expense = t.create("financial.account", {"code": "6000", "name": "Expense", "type": "expense"})["id"]
        self.journal = t.create("financial.journal", {"code": code, "name": "General", "type": "general"})["id"]

    def entry(self, amount="42.00", debit=None, credit=None, date="2026-03-10", reference=None, **extra):
        body = {"journal_id": self.journal, "date": date,
                "lines": [{"account_id": debit or self.receivable, "debit": amount},
                          {"account_id": credit or self.revenue, "credit": amount}]}
        if reference is not None:
            body["reference"] = reference
        body.update(extra)
        return body


class StockWorld:
    """What stock moves need: a unit, a category with perpetual valuation, a
    warehouse, locations, and a FIFO and an AVCO product."""

    def __init__(self, tenant):
        t = tenant
        u = secrets.token_hex(4)
        self.unit = t.create("core.uom", {"name": "Unit " + u, "precision": 0, "category": "unit"})["id"]
        self.valuation = t.create("financial.account", {"code": "1300", "name": "Stock valuation", "type": "asset"})["id"]
        self.input = t.create("financial.account", {"code": "2300", "name": "Stock input", "type": "liability"})["id"]
        self.output = t.create("financial.account", {"code": "5000", "name": "COGS", "type": "expense"})["id"]
        self.journal = t.create("financial.journal", {"code": "STK", "name": "Stock"})["id"]
        self.category = t.create("core.product_category", {
            "name": "Stocked " + u, "stock_valuation_account_id": self.valuation,
            "stock_input_account_id": self.input, "stock_output_account_id": self.output,
            "stock_journal_id": self.journal})["id"]
        self.warehouse = t.create("inventory.warehouse", {"code": "WH", "name": "Warehouse"})["id"]

        def loc(name, usage, negative=False):
            return t.create("inventory.location", {"name": name, "usage": usage, "warehouse_id": self.warehouse,
                                                   "allow_negative": negative})["id"]

        self.supplier = loc("Suppliers", "supplier")
        self.customer = loc("Customers", "customer")
        self.stock = loc("WH/Stock", "internal")
        self.negative = loc("WH/Negative", "internal", True)

        def product(method):
            return t.create("core.product", {"name": "Product %s %s" % (method, u), "sku": "P-%s-%s" % (method, u),
                                             "uom_id": self.unit, "category_id": self.category,
                                             "cost_method": method, "currency": "USD"})["id"]

        self.fifo = product("fifo")
        self.average = product("average")

    def move(self, product, qty, src, dst, unit_cost=None, date="2026-03-10", **extra):
        body = {"product_id": product, "quantity": str(qty), "location_id": src, "location_dest_id": dst,
                "date": date}
        if unit_cost is not None:
            body["unit_cost"] = unit_cost
        body.update(extra)
        return body
