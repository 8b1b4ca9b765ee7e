"""Ownership of the native handles, so that no order of close/del crashes.

A _StoreHandle owns an erp_store*; a _CtxHandle owns an erp_ctx* and holds
a strong reference to its _StoreHandle, so the store is freed after every
context made from it. Neither refers to the user-facing objects, so they
never sit in a reference cycle and are freed by reference counting, in
that order.

Closing a store explicitly while contexts are open is safe: it refuses new
calls, waits for the calls in flight (other threads; the GIL is released
during C calls), frees the remaining contexts, then the store. A later call
on any of them raises erp.ClosedError.

An erp_ctx is used by one thread at a time (erp/context.h): each context
has a lock, so two Python threads sharing one Context take turns.
"""

import threading
import weakref

from . import native
from .errors import ClosedError, from_failure


def call(fn, *args):
    """Calls a native function, turning its failure into an erp.Error."""
    try:
        return fn(*args)
    except native.Failure as f:
        raise from_failure(f) from None


class _StoreHandle:
    def __init__(self, ptr):
        self.ptr = ptr
        self.cond = threading.Condition(threading.RLock())
        self.busy = 0
        self.children = weakref.WeakSet()

    def enter(self, what="store"):
        with self.cond:
            if self.ptr is None:
                raise ClosedError("the store is closed", what)
            self.busy += 1
            return self.ptr

    def leave(self):
        with self.cond:
            self.busy -= 1
            if self.busy == 0:
                self.cond.notify_all()

    def run(self, fn, *args):
        """fn(store_ptr, *args) with the store kept open meanwhile."""
        ptr = self.enter()
        try:
            return call(fn, ptr, *args)
        finally:
            self.leave()

    def adopt(self, ctx_ptr):
        """A _CtxHandle for a context just made from this store."""
        h = _CtxHandle(self, ctx_ptr)
        with self.cond:
            if self.ptr is None:  # closed while the context was being made
                native.erp_ctx_free(ctx_ptr)
                h.ptr = None
                raise ClosedError("the store is closed", "store")
            self.children.add(h)
        return h

    def close(self):
        with self.cond:
            if self.ptr is None:
                return
            ptr, self.ptr = self.ptr, None  # refuses new calls from now on
            while self.busy:
                self.cond.wait()
            for child in list(self.children):
                child.free()
            self.children.clear()
        native.erp_store_close(ptr)

    def __del__(self):
        self.close()


class _CtxHandle:
    def __init__(self, store, ptr):
        self.store = store
        self.ptr = ptr
        self.lock = threading.RLock()

    def run(self, fn, *args):
        """fn(ctx_ptr, *args), the store kept open and the context ours meanwhile."""
        self.store.enter("context")
        try:
            with self.lock:
                if self.ptr is None:
                    raise ClosedError("the context is closed", "context")
                return call(fn, self.ptr, *args)
        finally:
            self.store.leave()

    def free(self):
        with self.lock:
            ptr, self.ptr = self.ptr, None
        if ptr is not None:
            native.erp_ctx_free(ptr)

    def close(self):
        with self.store.cond:
            self.free()
            self.store.children.discard(self)

    def __del__(self):
        self.close()


class Closable:
    """Close(), .closed and the context manager of an object holding a handle in self._h."""

    def close(self):
        """Frees the handle. Idempotent; later calls raise erp.ClosedError."""
        self._h.close()

    @property
    def closed(self):
        return self._h.ptr is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
