"""liberp for Python: `import erp`.

    with erp.Store("sqlite:acme.db") as store:
        tenant = store.create_tenant("Acme", "EUR")
        with store.context(tenant, "alice", "admin") as ctx:
            partner = ctx.create("core.partner", {"name": "Globex"})

See bindings/README.md. Errors are subclasses of erp.Error (errors.py);
amounts are decimal.Decimal, never float.
"""

from . import native
from .context import Context, StockLevel, ROLE_ADMIN, ROLE_READONLY, ROLE_READWRITE
from .errors import (Error, InternalError, NotFoundError, ExistsError, ConflictError, InvalidError,
                     UnbalancedError, LockedError, NoStockError, PermissionDeniedError, AuthError,
                     RetryError, BackendError, LimitError, ClosedError)
from .session import Session
from .store import RateResult, Store

__version__ = native.erp_version()


def open(url="sqlite:erp.db", **options):  # noqa: A001 - mirrors erp_store_open
    """Store(url, **options)."""
    return Store(url, **options)


def version():
    """The version of the liberp library loaded, "MAJOR.MINOR.PATCH"."""
    return native.erp_version()


__all__ = ["Store", "Context", "Session", "StockLevel", "RateResult", "open", "version",
           "ROLE_READONLY", "ROLE_READWRITE", "ROLE_ADMIN",
           "Error", "InternalError", "NotFoundError", "ExistsError", "ConflictError", "InvalidError",
           "UnbalancedError", "LockedError", "NoStockError", "PermissionDeniedError", "AuthError",
           "RetryError", "BackendError", "LimitError", "ClosedError"]
