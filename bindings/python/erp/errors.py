"""The exceptions of liberp: one subclass of erp.Error per error code.

Every failed call raises a subclass of :class:`Error` carrying

- ``code``: the C code (a negative int, e.g. -5), ``name``: its symbol
  ("ERP_EINVALID");
- ``field``: the field at fault ("lines[1].debit") or None;
- ``entity``: the entity type at fault or None;
- ``message``: the library's text;
- ``retry_after_ms``: for LimitError, when to try again (else 0).
"""

ERP_OK = 0


class Error(Exception):
    """Base class of every liberp error. ``code`` is ERP_ERROR (-1) unless a subclass says."""

    code = -1
    name = "ERP_ERROR"

    def __init__(self, message="", field=None, entity=None, retry_after_ms=0, code=None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.field = field
        self.entity = entity
        self.retry_after_ms = retry_after_ms

    def __str__(self):
        where = " (field %s)" % self.field if self.field else ""
        return "%s: %s%s" % (self.name, self.message, where)


def _code(code, name, doc):
    return type(name, (Error,), {"code": code, "name": "ERP_" + doc[0], "__doc__": doc[1]})


InternalError = _code(-1, "InternalError", ("ERROR", "Anything else: out of memory, an internal error (ERP_ERROR)."))
NotFoundError = _code(-2, "NotFoundError", ("ENOTFOUND", "The object does not exist or is another tenant's (ERP_ENOTFOUND)."))
ExistsError = _code(-3, "ExistsError", ("EEXISTS", "The object exists already, or an idempotency key was reused (ERP_EEXISTS)."))
ConflictError = _code(-4, "ConflictError", ("ECONFLICT", "Stale version: the object changed since it was read (ERP_ECONFLICT)."))
InvalidError = _code(-5, "InvalidError", ("EINVALID", "Bad input; .field names it (ERP_EINVALID)."))
UnbalancedError = _code(-6, "UnbalancedError", ("EUNBALANCED", "A journal entry does not balance (ERP_EUNBALANCED)."))
LockedError = _code(-7, "LockedError", ("ELOCKED", "The period is closed (ERP_ELOCKED)."))
NoStockError = _code(-8, "NoStockError", ("ENOSTOCK", "Not enough stock available (ERP_ENOSTOCK)."))
PermissionDeniedError = _code(-9, "PermissionDeniedError", ("EPERM", "The acting role may not do this (ERP_EPERM)."))
AuthError = _code(-10, "AuthError", ("EAUTH", "Authentication failed (ERP_EAUTH)."))
RetryError = _code(-11, "RetryError", ("ERETRY", "Busy or serialization failure; nothing written; retry (ERP_ERETRY)."))
BackendError = _code(-12, "BackendError", ("EBACKEND", "The storage or cache backend failed (ERP_EBACKEND)."))
LimitError = _code(-13, "LimitError", ("ELIMIT", "Too many attempts; see .retry_after_ms (ERP_ELIMIT)."))


class ClosedError(InvalidError):
    """A call on a Store, Context or Session that was closed (code ERP_EINVALID,
    field "store" or "context"). Raised by the Python layer, never by C."""


BY_CODE = {c.code: c for c in (InternalError, NotFoundError, ExistsError, ConflictError, InvalidError,
                               UnbalancedError, LockedError, NoStockError, PermissionDeniedError,
                               AuthError, RetryError, BackendError, LimitError)}


def from_failure(failure):
    """The erp.Error for an erp.native.Failure(code, field, entity, message, retry_after_ms)."""
    code, field, entity, message, retry_after_ms = failure.args
    cls = BY_CODE.get(code)
    if cls is None:  # a code newer than this module: treat it as ERP_ERROR, keep the number
        return Error(message, field, entity, retry_after_ms, code=code)
    return cls(message, field, entity, retry_after_ms)
