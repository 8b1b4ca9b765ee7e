/*
 * Growable arrays: the one place the library grows a `T *items` with its
 * `size_t cap` (how many items it holds room for).
 *
 *     erp__row *rows = NULL;
 *     size_t n = 0, cap = 0;
 *     ...
 *     if ((rc = ERP__ARRAY_RESERVE(rows, cap, n + 1)) != ERP_OK)
 *         return rc;                  // rows and cap unchanged, still freeable
 *     rows[n++] = ...;
 *     ...
 *     free(rows);
 *
 * Growth is geometric: the first allocation holds ERP__ARRAY_MIN items (or
 * `need`, when more), and each later one doubles the capacity until it
 * holds `need`. The capacity reached depends on `*cap` and `need` only,
 * not on the item size (unless doubling would pass SIZE_MAX bytes, when
 * it is `need` itself), so parallel arrays grown from one capacity reach
 * the same one.
 *
 * Overflow is checked before anything is allocated: a `need` whose bytes
 * (need * item_size) would pass SIZE_MAX fails like an allocation does.
 * On failure the array and `*cap` are left as they were.
 */
#ifndef ERP_LIB_ARRAY_H
#define ERP_LIB_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/** The capacity of an array's first allocation, in items. */
#define ERP__ARRAY_MIN 8

/**
 * Makes `*items_ptr` (the address of a `T *`, NULL or from malloc/realloc)
 * hold at least `need` items of `item_size` bytes, updating `*cap`.
 * Returns ERP_OK, or erp__oom() (ERP_ERROR, "out of memory" raised) when
 * the size overflows or realloc fails.
 */
int erp__array_reserve(void *items_ptr, size_t *cap, size_t need, size_t item_size);

/**
 * The same, but raises no error: true on success, false on failure. For
 * callers that report a failure their own way (a sticky strbuf, a memo
 * that may be skipped, a NULL or negative result the caller turns into
 * its error).
 */
bool erp__array_try_reserve(void *items_ptr, size_t *cap, size_t need, size_t item_size);

/** erp__array_reserve() for a `T *ptr` and its `size_t cap` (lvalues; each evaluated once). */
#define ERP__ARRAY_RESERVE(ptr, cap, need) erp__array_reserve(&(ptr), &(cap), (need), sizeof *(ptr))

/** erp__array_try_reserve() for a `T *ptr` and its `size_t cap`. */
#define ERP__ARRAY_TRY_RESERVE(ptr, cap, need) erp__array_try_reserve(&(ptr), &(cap), (need), sizeof *(ptr))

#endif
