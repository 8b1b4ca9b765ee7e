/*
 * A domain of the library as the core sees it (auth, entity, ledger,
 * stock, and the flows to come): its per-store state, its start-up and
 * shutdown, the options it owns, the hooks it fills, and its check in
 * erp_store_verify. The core walks the table without knowing the domains;
 * the table itself, erp__modules in lib/modules.c, is the one place that
 * names them all (as libgit2's init_fns[]). docs/architecture.md tells
 * how to add a domain.
 */
#ifndef ERP_LIB_MODULE_H
#define ERP_LIB_MODULE_H

#include <erp/store.h>

#include "util/strbuf.h"

#include <stddef.h>

typedef struct erp__module {
	/* Its name, and its check's name in erp_store_verify's report. */
	const char *name;
	/* Bytes of per-store state, zeroed before start (0: none). */
	size_t state_size;
	/* Once per process, from erp__library_init: registers the module's hooks. */
	void (*init)(void);
	/* Fills the defaults of the store options the module owns and checks them
	 * (ERP_EINVALID naming the field). Runs before start. */
	int (*options)(erp_store_options *o);
	/* Makes the store's state (ERP_ENOMEM...); NULL: nothing to make. */
	int (*start)(erp_store *store, void *state);
	/* Frees what start made; called only when start succeeded. */
	void (*stop)(erp_store *store, void *state);
	/* Checks the module's invariants over the whole store, describing what
	 * it checked or found in `detail`; NULL: no check of its own. */
	int (*verify)(erp_store *store, erp__strbuf *detail);
} erp__module;

/** Every module, NULL-terminated, in layer order (lib/modules.c). */
extern const erp__module *const erp__modules[];

/** The module's per-store state (NULL when it has none). */
void *erp__module_state(const erp_store *store, const erp__module *m);

/** Runs every module's init once per process (from erp__library_init). */
void erp__modules_init(void);

/** Fills and checks the options of every module. */
int erp__modules_options(erp_store_options *o);

/** Starts every module for a new store; on failure stops those started. */
int erp__modules_start(erp_store *store);

/** Stops the started modules of a store, last first. */
void erp__modules_stop(erp_store *store);

#endif
