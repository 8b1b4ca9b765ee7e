/* Password hashing and verification (password.h). */
#include "password.h"
#include "auth_module.h"

#include "util/error.h"
#include "util/ident.h"

#include <erp/user.h>
#include <errno.h>
#include <sodium.h>
#include <string.h>

_Static_assert(crypto_pwhash_STRBYTES <= ERP__PASSWORD_HASH_CAP, "password hash buffer too small");

int erp__password_check(const char *password, const char *field)
{
	size_t chars;
	if (!password)
		return erp__invalid(field, "%s is NULL", field);
	size_t len = strlen(password);
	if (len < ERP_PASSWORD_MIN || len > ERP_PASSWORD_MAX)
		return erp__invalid(field, "%s must be %d to %d bytes", field, ERP_PASSWORD_MIN, ERP_PASSWORD_MAX);
	if (!erp__utf8_check(password, len, false, &chars))
		return erp__invalid(field, "%s must be UTF-8 without control characters", field);
	return ERP_OK;
}

int erp__password_hash(char out[ERP__PASSWORD_HASH_CAP], erp_store *store, const char *password)
{
	if (crypto_pwhash_str(out, password, strlen(password), store->opts.password_ops_limit,
	                      store->opts.password_mem_limit) != 0)
		return erp__error(ERP_ERROR, NULL, NULL, "cannot hash the password (out of memory for argon2id's %zu bytes?)",
		                  store->opts.password_mem_limit);
	return ERP_OK;
}

/* The dummy hash, made once per store at its cost, of a random password. */
static const char *dummy_hash(erp_store *store)
{
	erp__auth_state *a = erp__auth_state_of(store);
	pthread_mutex_lock(&a->lock);
	if (!a->dummy_ready) {
		unsigned char secret[32];
		char text[65];
		randombytes_buf(secret, sizeof secret);
		sodium_bin2hex(text, sizeof text, secret, sizeof secret);
		if (erp__password_hash(a->dummy_hash, store, text) == ERP_OK)
			a->dummy_ready = true;
		sodium_memzero(text, sizeof text);
	}
	pthread_mutex_unlock(&a->lock);
	return a->dummy_ready ? a->dummy_hash : NULL;
}

/*
 * One argon2id verification: 1 match, 0 mismatch, ERP_ERROR (raised) when
 * argon2id could not run. libsodium sets EINVAL for a wrong password;
 * another failure is argon2id failing to allocate, which says nothing
 * about the password.
 */
static int verify_once(const char *against, const char *password)
{
	errno = 0;
	if (crypto_pwhash_str_verify(against, password, strlen(password)) == 0)
		return 1;
	return errno == EINVAL ? 0 : erp__oom();
}

int erp__password_verify(erp_store *store, const char *hash, const char *password)
{
	bool real = hash && hash[0];
	/* Made on the first verification of any user, known or not, so that
	 * even the first answer does not tell them apart. */
	const char *dummy = dummy_hash(store);
	const char *against = real ? hash : dummy;
	if (!against)
		return erp__oom(); /* the dummy hash could not be made */
	/* When the allocation inside argon2id's hashing fails, libsodium reports
	 * a mismatch, so a mismatch is verified once more: a wrong password fails
	 * twice, a transient allocation failure does not. Unknown users (the
	 * dummy hash) take the same two runs, so the time still tells nothing. */
	int ok = verify_once(against, password);
	if (ok == 0)
		ok = verify_once(against, password);
	return ok < 0 ? ok : real && ok == 1;
}

int erp__password_spend(erp_store *store, const char *password)
{
	const char *dummy = dummy_hash(store);
	if (!dummy)
		return erp__oom();
	int rc = verify_once(dummy, password);
	return rc < 0 ? rc : ERP_OK;
}

bool erp__password_needs_rehash(const erp_store *store, const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, store->opts.password_ops_limit, store->opts.password_mem_limit) != 0;
}
