"""Shared set-up: a fresh store per test class on the backend under test,
and a fresh tenant with the master data the tests need."""
import os
import secrets
import shutil
import sys
import tempfile
import unittest

import erp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support", "python"))
from pg_admin import pg_admin, pg_url, pg_url_with_db  # noqa: E402

SKIP = 77
FAST = dict(password_ops_limit=1, password_mem_limit=8192)  # cheap argon2id for tests


def backend():
    return os.environ.get("ERP_TEST_BINDINGS_BACKEND", "sqlite") or "sqlite"


def unique(prefix="t"):
    return prefix + secrets.token_hex(5)


class Database:
    """A fresh, empty store location: a SQLite file or a PostgreSQL database."""

    def __init__(self, kind=None):
        self.kind = kind or backend()
        self.tmp = tempfile.mkdtemp(prefix="erp-py-")
        self.db = None
        if self.kind == "sqlite":
            self.url = "sqlite:%s/erp.db" % self.tmp
        else:
            if not pg_url():
                raise unittest.SkipTest("ERP_TEST_PG_URL is not set")
            self.db = "erp_py_" + secrets.token_hex(6)
            pg_admin("CREATE DATABASE %s" % self.db)
            self.url = pg_url_with_db(pg_url(), self.db)

    def drop(self):
        if self.db:
            pg_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.db)
            self.db = None
        shutil.rmtree(self.tmp, ignore_errors=True)


class StoreTest(unittest.TestCase):
    """A test class with self.store (one per class) and self.ctx (an admin
    context of a fresh tenant per test, with self.fx: its master data)."""

    @classmethod
    def setUpClass(cls):
        cls.database = Database()
        cls.store = erp.Store(cls.database.url, **FAST)

    @classmethod
    def tearDownClass(cls):
        cls.store.close()
        cls.database.drop()

    def setUp(self):
        self.tenant = self.store.create_tenant(unique("Tenant "), "EUR")
        self.ctx = self.store.context(self.tenant, "tester", "admin")
        self.addCleanup(self.ctx.close)
        self.fx = fixtures(self.ctx)

    def count(self, type_, ctx=None):
        return (ctx or self.ctx).list(type_, count=True, include_archived=True)["total"]


def member(store, ctx, email, password, role="readwrite", display_name=None):
    """Makes email a member of ctx's tenant the only way there is: ctx (an
    admin) invites it, the invited person accepts with a password (which
    creates their account when they have none). Returns the user's id."""
    inv = ctx.invite(email, role)
    tenant_id, user_id = store.accept_invitation(inv["token"], password, display_name)
    assert tenant_id == ctx.tenant_id
    return user_id


def fixtures(ctx):
    """Accounts, a journal, a product in units, and locations."""
    c = ctx.create
    fx = {
        "bank": c("financial.account", {"code": "512", "name": "Bank", "type": "asset"})["id"],
        "capital": c("financial.account", {"code": "101", "name": "Capital", "type": "equity"})["id"],
        "sales": c("financial.account", {"code": "701", "name": "Sales", "type": "income"})["id"],
        "journal": c("financial.journal", {"code": "MISC", "name": "Misc"})["id"],
        "unit": c("core.uom", {"name": "Unit", "precision": 0})["id"],
        "supplier": c("inventory.location", {"name": "Vendors", "usage": "supplier"})["id"],
        "customer": c("inventory.location", {"name": "Customers", "usage": "customer"})["id"],
        "shelf": c("inventory.location", {"name": "Shelf", "usage": "internal"})["id"],
    }
    fx["product"] = c("core.product", {"name": "Widget", "uom_id": fx["unit"],
                                       "cost_method": "fifo"})["id"]
    return fx


def entry(fx, amount, date="2026-01-15", debit="bank", credit="capital", **extra):
    """A two-line journal entry of amount."""
    e = {"journal_id": fx["journal"], "date": date,
         "lines": [{"account_id": fx[debit], "debit": amount},
                   {"account_id": fx[credit], "credit": amount}]}
    e.update(extra)
    return e
