'use strict';
/*
 * Ownership of the native handles, so that no order of close() / garbage
 * collection ever frees a store before a context made from it.
 *
 * A StoreHandle owns an erp_store* and counts its references: one for the
 * Store object (released by Store.close() or when the Store is collected)
 * and one per open CtxHandle. A CtxHandle owns an erp_ctx* and holds its
 * StoreHandle, so the store is closed after every context made from it.
 * Neither refers to the user-facing objects: they are the held values of
 * FinalizationRegistry entries on the Store / Context objects, so that
 * garbage collection frees the native handles once (close() unregisters).
 *
 * Closing a store explicitly while contexts are open frees those contexts
 * first, then the store; later calls on any of them throw erp.ClosedError.
 * (Node runs JavaScript on one thread: no call can be in flight while
 * close() runs. An erp_ctx is used by one thread at a time, which holds.)
 */
const native = require('./native');
const { ClosedError, fromNative } = require('./errors');

// Live native handles, for tests and leak checks (erp._stats()).
const live = { stores: 0, contexts: 0 };

/** Calls a native function, turning its failure into an erp.Error. */
function call(fn, ...args) {
  try {
    return fn(...args);
  } catch (e) {
    throw fromNative(e);
  }
}

class StoreHandle {
  constructor(ptr) {
    this.ptr = ptr;
    this.refs = 1; // the Store object's
    this.children = new Set();
    live.stores++;
  }

  get(what = 'store') {
    if (this.ptr === null) throw new ClosedError(`the ${what === 'store' ? 'store' : 'store of this context'} is closed`, what);
    return this.ptr;
  }

  /** fn(store_ptr, ...args). */
  run(fn, ...args) {
    return call(fn, this.get(), ...args);
  }

  /** A CtxHandle for a context just made from this store. */
  adopt(ctxPtr) {
    const h = new CtxHandle(this, ctxPtr);
    this.children.add(h);
    this.refs++;
    return h;
  }

  release() {
    if (--this.refs === 0 && this.ptr !== null) this.close();
  }

  close() {
    if (this.ptr === null) return;
    const ptr = this.ptr;
    this.ptr = null; // refuses new calls from now on
    for (const child of [...this.children]) child.free();
    this.children.clear();
    native.erp_store_close(ptr);
    live.stores--;
  }
}

class CtxHandle {
  constructor(store, ptr) {
    this.store = store;
    this.ptr = ptr;
    live.contexts++;
  }

  /** fn(ctx_ptr, ...args). */
  run(fn, ...args) {
    this.store.get('context');
    if (this.ptr === null) throw new ClosedError('the context is closed', 'context');
    return call(fn, this.ptr, ...args);
  }

  free() {
    if (this.ptr === null) return;
    const ptr = this.ptr;
    this.ptr = null;
    this.store.children.delete(this);
    native.erp_ctx_free(ptr);
    live.contexts--;
    this.store.release(); // may close the store when nothing else holds it
  }
}

const storeRegistry = new FinalizationRegistry((h) => h.release());
const ctxRegistry = new FinalizationRegistry((h) => h.free());

module.exports = { call, StoreHandle, CtxHandle, storeRegistry, ctxRegistry, live };
