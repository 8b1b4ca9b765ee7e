/**
 * @file erp/sys/cache.h
 * @brief The cache backend interface (for backend implementers).
 *
 * Weaker stability promise: see erp/sys/backend.h.
 *
 * The cache is an accelerator, never the system of record: everything in it
 * can be lost at any time and liberp still gives correct answers from
 * storage. Keys are NUL-terminated text (the core namespaces and
 * tenant-prefixes them); values are bytes.
 *
 * A backend is a versioned struct of function pointers registered under a
 * URL scheme with erp_cache_register(). Its open() allocates its own struct
 * whose first member is an erp_cache. Every member function may be called
 * concurrently from many threads.
 *
 * Errors: ERP_ENOTFOUND for a miss (a normal outcome: returned without
 * calling erp_error_set(), leaving `out` untouched), ERP_EINVALID for bad
 * arguments (a negative TTL: field "ttl_ms"; incr on a value that is not an
 * integer: field "key"; incr overflow: field "delta"), ERP_EBACKEND when
 * the cache cannot be reached (the core then goes to storage), ERP_ERROR
 * when out of memory. A cache may decline to keep anything (too large, no
 * room) and still return ERP_OK from set().
 */
#ifndef ERP_SYS_CACHE_H
#define ERP_SYS_CACHE_H

#include "../common.h"
#include "../store.h"
#include "backend.h"

ERP_BEGIN_DECL

/** The current version of erp_cache (2 appended `add` and `flags`). */
#define ERP_CACHE_VERSION 2

/**
 * erp_cache.flags: the cache is shared by every store opened on the same
 * storage, in this process and in others (Redis is; the in-process mem:
 * cache is not). The core keeps state that any store may change — sessions
 * and their revocation — only in a shared cache: a private cache could not
 * hear that another process revoked a session.
 */
#define ERP_CACHE_SHARED 1u

/** An opened cache. */
typedef struct erp_cache erp_cache;
struct erp_cache {
	unsigned int version;  /**< ERP_CACHE_VERSION. */
	const char *name;      /**< Backend name: "mem", "redis". */

	/** Releases everything; called once. */
	void (*close)(erp_cache *cache);
	/** Copies the value of `key` into `out`; ERP_ENOTFOUND when absent or expired. */
	int (*get)(erp_buf *out, erp_cache *cache, const char *key);
	/** Stores `len` bytes under `key`, expiring after `ttl_ms` milliseconds (0: never). */
	int (*set)(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms);
	/** Removes `key`; ERP_OK also when it was absent. */
	int (*del)(erp_cache *cache, const char *key);
	/**
	 * Atomically adds `delta` to the integer at `key` (absent counts as 0)
	 * and stores the result in `out`. When the key is created by this call
	 * it expires after `ttl_ms` milliseconds (0: never); an existing key
	 * keeps its expiry. The building block of rate limits.
	 */
	int (*incr)(int64_t *out, erp_cache *cache, const char *key, int64_t delta, int64_t ttl_ms);
	/** Optional (may be NULL): ERP_OK when the cache is reachable. */
	int (*ping)(erp_cache *cache);
	/* ---- version 2 ---- */
	/**
	 * Optional (may be NULL): stores `len` bytes under `key` only when the
	 * key is absent (atomically, like Redis SET NX), expiring after `ttl_ms`
	 * milliseconds (0: never). ERP_OK when stored; ERP_EEXISTS, without
	 * calling erp_error_set(), when the key was present. The core uses it so
	 * that a reader refilling the cache never overwrites a newer tombstone.
	 */
	int (*add)(erp_cache *cache, const char *key, const char *value, size_t len, int64_t ttl_ms);
	/** ERP_CACHE_SHARED or 0. */
	unsigned int flags;
};

/** The current version of erp_cache_backend. */
#define ERP_CACHE_BACKEND_VERSION 1

/** A cache backend, registered under a URL scheme. */
typedef struct erp_cache_backend {
	unsigned int version; /**< ERP_CACHE_BACKEND_VERSION. */
	const char *scheme;   /**< URL scheme without the colon: "mem", "redis". */
	/** Opens the cache at `url` (the whole URL, scheme included). */
	int (*open)(erp_cache **out, const char *url, const erp_store_options *opts);
} erp_cache_backend;

/** Initialiser for an erp_cache_backend. */
#define ERP_CACHE_BACKEND_INIT { ERP_CACHE_BACKEND_VERSION, NULL, NULL }

/**
 * Registers a cache backend for its scheme, process-wide.
 *
 * @param backend the backend; must stay valid for the life of the process.
 * @return ERP_OK; ERP_EINVALID (field "version") for a struct of another
 *         version or missing members; ERP_EEXISTS when the scheme is taken.
 *         Thread-safe.
 */
ERP_EXTERN int erp_cache_register(const erp_cache_backend *backend);

ERP_END_DECL

#endif /* ERP_SYS_CACHE_H */
