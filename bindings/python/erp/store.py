"""erp.Store: an opened store (storage backend + cache), shared by threads."""

import collections
import json

from . import _json, native
from ._handles import Closable, _StoreHandle, call
from .context import Context, role_number
from .session import Session

RateResult = collections.namedtuple("RateResult",
                                    "allowed count remaining reset_ms retry_after_ms degraded")

_AMOUNT_KINDS = ("money", "quantity", "decimal")


def entity_amount_keys():
    """{type: frozenset of its (and its lines') money, quantity and decimal fields}."""
    types = json.loads(call(native.erp_entity_types))
    own = {t["type"]: {f["name"] for f in t["fields"] if f["kind"] in _AMOUNT_KINDS} for t in types}
    keys = {}
    for t in types:
        names = set(own[t["type"]])
        if t.get("lines"):
            names |= own.get(t["lines"], set())
        keys[t["type"]] = frozenset(names)
    return keys


class Store(Closable):
    """Opens the store at url ("sqlite:PATH", "sqlite::memory:",
    "postgresql://user:pass@host/db"); the schema is migrated on open.

    Options (0/None: the library default): cache_url ("mem:" or
    "redis://..."), sync_full, pool_size, busy_timeout_ms (SQLite), password_ops_limit,
    password_mem_limit (argon2id cost; tests use 1 and 8192).

    Thread-safe. Closing it (close(), or leaving a `with` block) first
    waits for calls in flight, then closes every Context made from it:
    later calls on them raise erp.ClosedError.
    """

    def __init__(self, url="sqlite:erp.db", cache_url=None, sync_full=False, pool_size=0,
                 busy_timeout_ms=0, password_ops_limit=0, password_mem_limit=0):
        ptr = call(native.erp_py_store_open, url, cache_url, int(bool(sync_full)), int(pool_size),
                   int(busy_timeout_ms), int(password_ops_limit), int(password_mem_limit))
        self._h = _StoreHandle(ptr)
        self._amount_keys = None

    # close() (which closes every context still open on the store too),
    # .closed and `with` come from Closable.

    # ---- the store
    @property
    def backend(self):
        """"sqlite" or "postgresql"."""
        return self._h.run(native.erp_store_backend)

    def schema_version(self):
        return self._h.run(native.erp_store_schema_version)

    def health(self):
        return _json.loads(self._h.run(native.erp_store_health), None)

    def verify(self):
        """The invariants report; raises erp.InternalError naming the first failed check."""
        return _json.loads(self._h.run(native.erp_store_verify), None)

    # ---- tenants
    def create_tenant(self, name, base_currency):
        """Creates a tenant; returns its id."""
        return self._h.run(native.erp_tenant_create, name, base_currency)

    def create_tenant_with_admin(self, name, base_currency, email, password, display_name=None):
        """Creates a tenant and its first admin together; returns (tenant_id, user_id)."""
        return tuple(self._h.run(native.erp_tenant_create_with_admin, name, base_currency, email,
                                 display_name, password))

    def tenant(self, tenant_id):
        return _json.loads(self._h.run(native.erp_tenant_get, tenant_id), None)

    def tenants(self):
        return _json.loads(self._h.run(native.erp_tenant_list), None)

    # ---- contexts and sessions
    def context(self, tenant_id, user_id="system", role="admin"):
        """A Context acting in tenant_id as user_id with role ("readonly",
        "readwrite", "admin" or erp.ROLE_*). Close it, or use `with`."""
        ptr = self._h.run(native.erp_ctx_new, tenant_id, user_id, role_number(role))
        return Context(self, self._h.adopt(ptr))

    def login(self, email, password, tenant_id, client_key=None):
        """Logs in; returns a Session (a Context with a .token)."""
        token, ptr = self._h.run(native.erp_session_login, email, password, tenant_id, client_key)
        return Session(self, self._h.adopt(ptr), token)

    def resume(self, token):
        """The Session of a token from login(); erp.AuthError when it is not live."""
        ptr = self._h.run(native.erp_session_resume, token)
        return Session(self, self._h.adopt(ptr), token)

    def logout(self, token):
        """Ends the session of token; erp.AuthError when it is not live."""
        self._h.run(native.erp_session_logout, token)

    # ---- invitations (the invited person's side; see Context.invite)
    def accept_invitation(self, token, password, display_name=None):
        """Accepts an invitation without a session; returns (tenant_id, user_id).
        When the invited email has no account, creates it with password and
        display_name; when it has one, password must be that account's
        (display_name is then ignored). erp.AuthError (field "token") for a
        token that is unknown, used, revoked or expired; (field "password")
        for a wrong password."""
        return tuple(self._h.run(native.erp_invitation_accept_password, token, display_name, password))

    def rate_limit(self, key, limit, window_ms):
        """Counts one request against a fixed-window limit; returns a RateResult."""
        r = self._h.run(native.erp_rate_limit, key, int(limit), int(window_ms))
        return RateResult(bool(r[0]), r[1], r[2], r[3], r[4], bool(r[5]))

    # ---- used by Context
    def _entity_keys(self, type_):
        if self._amount_keys is None:
            self._amount_keys = entity_amount_keys()
        return self._amount_keys.get(type_, frozenset())
