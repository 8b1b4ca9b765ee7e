/*
 * What every fuzz target shares: a store opened once per process (SQLite in
 * memory) with a tenant, an admin context and master data (units, accounts,
 * journals, a stocked category, products, partners, locations), so that
 * valid inputs reach the deep code; placeholders that let an input name
 * those rows; and the invariants a target asserts after each call.
 *
 * Placeholders: "@name@" in an input is replaced by the id of the fixture
 * row of that name (fuzz_expand), e.g. "@cash@" (an account), "@gen@" (a
 * journal), "@fifo@" (a product), "@stock@" (an internal location). The
 * list is in fuzz_fixture.c and in tests/fuzz/fuzz.dict.
 *
 * A violated invariant prints "fuzz invariant: ..." and aborts, which
 * libFuzzer and the replay driver (replay_main.c) report as a crash.
 * Built into every target by tests/fuzz/CMakeLists.txt.
 */
#ifndef ERP_FUZZ_FIXTURE_H
#define ERP_FUZZ_FIXTURE_H

#include <erp/erp.h>
#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_NAMES 40

typedef struct fuzz_fixture {
	erp_store *store;
	erp_ctx *ctx;                  /* the tenant's admin */
	char tenant[37];
	size_t count;                  /* placeholders in use */
	char names[FUZZ_MAX_NAMES][16];
	char values[FUZZ_MAX_NAMES][600];
	unsigned long runs;            /* inputs run, for fuzz_verify_sometimes */
	unsigned long verify_every;    /* ERP_FUZZ_VERIFY_EVERY, default 200 */
} fuzz_fixture;

/** The process's fixture, made on first use; aborts when it cannot be made. */
fuzz_fixture *fuzz_fixture_get(void);

/** Sets (or adds) the placeholder "@name@" to `value`. */
void fuzz_set(fuzz_fixture *f, const char *name, const char *value);

/** The value of a placeholder, or NULL. */
const char *fuzz_get(const fuzz_fixture *f, const char *name);

/** The input as a NUL-terminated string (malloc'd) with every placeholder replaced. */
char *fuzz_expand(const fuzz_fixture *f, const uint8_t *data, size_t size);

/** With ERP_FUZZ_DEBUG set, prints a line to stderr (what each call returned, for writing seeds). */
void fuzz_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Prints "fuzz invariant: ..." to stderr and aborts. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/**
 * Checks a liberp call's answer: `rc` is one of `allowed` (ERP_OK is always
 * allowed; the list ends with 0), and a failure left erp_error_last() with
 * that code, a message, and a field for ERP_EINVALID ("" only for a
 * JSON member named "", which the message quotes as '').
 */
void fuzz_check_rc(const char *call, int rc, const int *allowed);

/** Every verify_every inputs, erp_store_verify() must pass. */
void fuzz_verify_sometimes(fuzz_fixture *f);

/** The "id" member of a JSON object, copied into out (37 bytes); "" when none. */
void fuzz_json_id(char out[37], const char *json);

/** A liberp call that takes JSON and answers JSON (erp_ledger_post_json...). */
typedef int (*fuzz_json_call)(erp_buf *out, erp_ctx *ctx, const char *json);

/** Text standing for the state a call may change (a report), malloc'd. */
typedef char *(*fuzz_state)(erp_ctx *ctx);

/**
 * When `json` has an "idempotency_key": `fn` called again with it answers
 * the id that `made` (its first answer) holds, and `state` is unchanged.
 */
void fuzz_check_idempotent(const char *call, fuzz_json_call fn, fuzz_state state, erp_ctx *ctx, const char *json,
                           const char *made);

/** Aborts unless `json` parses as a JSON value of the type wanted ('o' object, 'a' array). */
void fuzz_check_json(const char *call, const char *json, char want);

#endif
