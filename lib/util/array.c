/* Growable arrays (array.h). */
#include "array.h"
#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool erp__array_try_reserve(void *items_ptr, size_t *cap, size_t need, size_t item_size)
{
	if (need <= *cap)
		return true;
	/* The most items whose bytes fit a size_t. */
	size_t most = item_size ? SIZE_MAX / item_size : SIZE_MAX;
	if (need > most)
		return false;
	size_t grown = *cap < ERP__ARRAY_MIN ? ERP__ARRAY_MIN : *cap;
	while (grown < need && grown <= most / 2)
		grown *= 2;
	if (grown < need || grown > most)
		grown = need;
	/* The caller's pointer is a `T *`: read and written as bytes, not through a `void *` lvalue. */
	void *items;
	memcpy(&items, items_ptr, sizeof items);
	void *p = realloc(items, grown * item_size);
	if (!p)
		return false;
	memcpy(items_ptr, &p, sizeof p);
	*cap = grown;
	return true;
}

int erp__array_reserve(void *items_ptr, size_t *cap, size_t need, size_t item_size)
{
	return erp__array_try_reserve(items_ptr, cap, need, item_size) ? ERP_OK : erp__oom();
}
