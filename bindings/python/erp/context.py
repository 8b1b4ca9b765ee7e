"""erp.Context: acting in one tenant as one user with one role.

Methods mirror the C API (erp_<noun>_<verb> -> <verb>_<noun> or the noun):
JSON crosses as dict/list, amounts as decimal.Decimal (send Decimal, int or
str; a float raises erp.InvalidError). A Context is used by one thread at
a time (concurrent calls from several threads take turns); close it, or use
`with`. It keeps its Store's native handle alive.
"""

import collections

from . import _json, native
from ._handles import Closable
from .errors import NotFoundError, InvalidError

ROLE_READONLY, ROLE_READWRITE, ROLE_ADMIN = 1, 2, 3
_ROLES = {"readonly": ROLE_READONLY, "readwrite": ROLE_READWRITE, "admin": ROLE_ADMIN}
_ROLE_NAMES = {v: k for k, v in _ROLES.items()}

StockLevel = collections.namedtuple("StockLevel", "on_hand reserved available")
StockLevel.__doc__ = "Quantities in minor units of the product's unit of measure (ints)."


def role_number(role):
    if isinstance(role, str):
        if role not in _ROLES:
            raise InvalidError("role must be readonly, readwrite or admin", "role")
        return _ROLES[role]
    if isinstance(role, bool) or not isinstance(role, int):
        raise InvalidError("role must be a str or an erp.ROLE_* int", "role")
    return role


class Context(Closable):
    def __init__(self, store, handle):
        self.store = store  # keeps the Store object alive too
        self._h = handle

    def _run(self, fn, *args):
        return self._h.run(fn, *args)

    # ---- identity (close(), .closed and `with` come from Closable)
    @property
    def tenant_id(self):
        return self._run(native.erp_ctx_tenant)

    @property
    def user_id(self):
        return self._run(native.erp_ctx_user)

    @property
    def role(self):
        """"readonly", "readwrite" or "admin"."""
        return _ROLE_NAMES.get(self._run(native.erp_ctx_role))

    # ---- settings and audit
    def setting(self, key, default=None):
        """A setting's value, or default when unset."""
        try:
            return self._run(native.erp_setting_get, key)
        except NotFoundError:
            return default

    def set_setting(self, key, value):
        """Sets (value None: deletes) a setting; admin only."""
        self._run(native.erp_setting_set, key, value)

    def settings(self):
        """Every setting of the tenant, by key: {key: value}."""
        return {s["key"]: s["value"] for s in _json.loads(self._run(native.erp_setting_list), None)}

    def audit(self, limit=100):
        return _json.loads(self._run(native.erp_audit_list, int(limit)), None)

    # ---- entities
    def _keys(self, type_):
        return self.store._entity_keys(type_) | _json.AMOUNT_KEYS

    def _entity(self, type_, text):
        return _json.loads(text, self._keys(type_))

    def create(self, type_, fields):
        """Creates an entity of type_ ("core.partner"...); returns it (id, version 1...)."""
        return self._entity(type_, self._run(native.erp_entity_create, type_,
                                             _json.dumps(fields, "", self.store._entity_keys(type_))))

    def get(self, type_, entity_id):
        return self._entity(type_, self._run(native.erp_entity_get, type_, entity_id))

    def update(self, type_, entity_id, version, fields):
        """Changes fields of the entity read at version; erp.ConflictError when stale."""
        return self._entity(type_, self._run(native.erp_entity_update, type_, entity_id, int(version),
                                             _json.dumps(fields, "", self.store._entity_keys(type_))))

    def delete(self, type_, entity_id, version):
        """Deletes (or archives, when referenced); returns {"id","result",...}."""
        return _json.loads(self._run(native.erp_entity_delete, type_, entity_id, int(version)), None)

    def list(self, type_, query=None, **members):
        """One page {"items","next_cursor"[,"total"]}; query members as a dict
        or keywords: filter, sort, limit, cursor, count, include_archived."""
        q = dict(query or {}, **members) or None
        return self._entity(type_, self._run(native.erp_entity_list, type_, _json.dumps(q, "query")))

    def history(self, type_, entity_id):
        return _json.loads(self._run(native.erp_entity_history, type_, entity_id), None)

    # ---- ledger
    def post(self, entry):
        """Posts a journal entry {"journal_id","date","lines":[{"account_id","debit"|"credit"}...]};
        returns the posted entry."""
        return _json.loads(self._run(native.erp_ledger_post_json, _json.dumps(entry)))

    def post_batch(self, entries):
        """Posts entries all or none; returns their ids."""
        return _json.loads(self._run(native.erp_ledger_post_batch_json, _json.dumps(entries)), None)

    def reverse(self, entry_id, date):
        """Posts the mirror of an entry; returns the reversal's id."""
        return self._run(native.erp_ledger_reverse, entry_id, date)

    def journal_entry(self, entry_id):
        return _json.loads(self._run(native.erp_ledger_entry_get, entry_id))

    def journal_entries(self, query=None, **members):
        q = dict(query or {}, **members) or None
        return _json.loads(self._run(native.erp_ledger_entry_list, _json.dumps(q, "query")))

    def account_balance(self, account_id, as_of=None):
        return _json.loads(self._run(native.erp_ledger_account_balance, account_id, as_of))

    def trial_balance(self, as_of=None):
        return _json.loads(self._run(native.erp_ledger_trial_balance, as_of))

    def general_ledger(self, account_id, date_from=None, date_to=None, cursor=None, limit=100):
        return _json.loads(self._run(native.erp_ledger_general_ledger, account_id, date_from, date_to,
                                     cursor, int(limit)))

    def set_lock_date(self, date):
        """Sets (None: removes) the lock date; admin only."""
        self._run(native.erp_ledger_set_lock_date, date)

    def lock_date(self):
        """The lock date "YYYY-MM-DD", or None."""
        try:
            return self._run(native.erp_ledger_lock_date)
        except NotFoundError:
            return None

    # ---- stock
    def move(self, move):
        """Makes a stock move {"product_id","quantity","location_id","location_dest_id",...};
        returns it."""
        return _json.loads(self._run(native.erp_stock_move_json, _json.dumps(move)))

    def move_batch(self, moves):
        """Makes moves all or none (one transaction); returns their ids."""
        return _json.loads(self._run(native.erp_stock_move_batch_json, _json.dumps(moves)), None)

    def stock_move(self, move_id):
        return _json.loads(self._run(native.erp_stock_move_get, move_id))

    def stock_moves(self, query=None, **members):
        q = dict(query or {}, **members) or None
        return _json.loads(self._run(native.erp_stock_move_list, _json.dumps(q, "query")))

    def reserve(self, reservation):
        return _json.loads(self._run(native.erp_stock_reserve_json, _json.dumps(reservation)))

    def release(self, reservation_id):
        self._run(native.erp_stock_release, reservation_id)

    def reservation(self, reservation_id):
        return _json.loads(self._run(native.erp_stock_reservation_get, reservation_id))

    def stock_quantity(self, product_id, location_id=None, as_of=None):
        """A StockLevel in minor units (ints)."""
        return StockLevel(*self._run(native.erp_stock_quantity, product_id, location_id, as_of))

    def quants(self, query=None, **members):
        q = dict(query or {}, **members) or None
        return _json.loads(self._run(native.erp_stock_quant_list, _json.dumps(q, "query")))

    def stock_valuation(self, as_of=None):
        return _json.loads_totals(self._run(native.erp_stock_valuation, as_of))

    def stock_layers(self, product_id):
        return _json.loads(self._run(native.erp_stock_layer_list, product_id))

    # ---- users (admin API) and sessions
    # Members are never created or added by an admin: they are invited
    # (invite()) and accept (accept_invitation() here, or
    # Store.accept_invitation() with a password).
    def set_user_role(self, user_id, role):
        self._run(native.erp_user_set_role, user_id, role_number(role))

    def set_user_disabled(self, user_id, disabled=True):
        self._run(native.erp_user_set_disabled, user_id, int(bool(disabled)))

    def remove_user(self, user_id):
        self._run(native.erp_user_remove, user_id)

    def set_user_password(self, user_id, password):
        self._run(native.erp_user_set_password, user_id, password)

    def change_password(self, old_password, new_password):
        self._run(native.erp_user_change_password, old_password, new_password)

    def user(self, user_id):
        return _json.loads(self._run(native.erp_user_get, user_id), None)

    def users(self):
        return _json.loads(self._run(native.erp_user_list), None)

    # ---- invitations
    def invite(self, email, role="readwrite", ttl_seconds=0):
        """Invites email to this tenant with role (admin only); returns
        {"id": ..., "token": ...}. The answer is the same whether or not the
        address has an account. The token is given here only: deliver it
        to the address. ttl_seconds 0: the library default (7 days)."""
        token, invitation_id = self._run(native.erp_invitation_create, email, role_number(role),
                                         int(ttl_seconds))
        return {"id": invitation_id, "token": token}

    def invitations(self):
        """This tenant's invitations, newest first (admin only)."""
        return _json.loads(self._run(native.erp_invitation_list), None)

    def invitation(self, invitation_id):
        """One invitation {"id","email","role","status","expires_at","invited_by",...} (admin only)."""
        return _json.loads(self._run(native.erp_invitation_get, invitation_id), None)

    def revoke_invitation(self, invitation_id):
        """Revokes a pending invitation (admin only); erp.ConflictError when no longer pending."""
        self._run(native.erp_invitation_revoke, invitation_id)

    def accept_invitation(self, token):
        """Accepts an invitation as this context's user (whose email is the
        invited one); returns the inviting tenant's id. erp.AuthError when
        the token is unknown, used, revoked, expired or for another email."""
        return self._run(native.erp_invitation_accept, token)

    def sessions(self, user_id):
        return _json.loads(self._run(native.erp_session_list, user_id), None)

    def revoke_sessions(self, user_id):
        """Ends every live session of the user here; returns how many."""
        return self._run(native.erp_session_revoke_user, user_id)
