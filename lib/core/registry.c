/* Backend registries (registry.h, erp/sys/storage.h, erp/sys/cache.h). */
#include "registry.h"
#include "module.h"
#include "util/error.h"
#include "storage/sqlite/sqlite_backend.h"
#include "cache/mem/mem_cache.h"
#ifdef ERP_HAVE_POSTGRES
#include "storage/postgres/pg_backend.h"
#endif
#ifdef ERP_HAVE_REDIS
#include "cache/redis/redis_cache.h"
#endif

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#define MAX_BACKENDS 16

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static const erp_storage_backend *storage_backends[MAX_BACKENDS];
static size_t storage_count;
static const erp_cache_backend *cache_backends[MAX_BACKENDS];
static size_t cache_count;

static int add_storage(const erp_storage_backend *backend);
static int add_cache(const erp_cache_backend *backend);

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = ERP_OK;

static void library_init_once(void)
{
	if (sodium_init() < 0) {
		init_result = ERP_ERROR;
		return;
	}
	add_storage(&erp__sqlite_backend);
#ifdef ERP_HAVE_POSTGRES
	add_storage(&erp__postgresql_backend);
	add_storage(&erp__postgres_backend);
#endif
	add_cache(&erp__mem_cache_backend);
#ifdef ERP_HAVE_REDIS
	add_cache(&erp__redis_cache_backend);
#endif
	erp__modules_init();
}

int erp__library_init(void)
{
	pthread_once(&init_once, library_init_once);
	if (init_result != ERP_OK)
		return erp_error_set(ERP_ERROR, NULL, NULL, "libsodium could not be initialised");
	return ERP_OK;
}

bool erp__url_scheme(char *scheme, size_t cap, const char *url)
{
	const char *colon = strchr(url, ':');
	if (!colon || colon == url || (size_t)(colon - url) >= cap)
		return false;
	for (const char *p = url; p < colon; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (p > url && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
		if (!ok)
			return false;
	}
	memcpy(scheme, url, (size_t)(colon - url));
	scheme[colon - url] = '\0';
	return true;
}

static int add_storage(const erp_storage_backend *backend)
{
	if (!backend)
		return erp__invalid("backend", "backend is NULL");
	if (backend->version != ERP_STORAGE_BACKEND_VERSION)
		return erp__invalid("version", "storage backend version %u is not %u", backend->version,
		                    ERP_STORAGE_BACKEND_VERSION);
	if (!backend->scheme || !backend->scheme[0] || !backend->open)
		return erp__invalid("scheme", "storage backend needs a scheme and an open function");
	pthread_mutex_lock(&registry_lock);
	int rc = ERP_OK;
	for (size_t i = 0; i < storage_count; i++)
		if (strcmp(storage_backends[i]->scheme, backend->scheme) == 0)
			rc = erp__error(ERP_EEXISTS, NULL, "scheme", "storage scheme '%s' is already registered", backend->scheme);
	if (rc == ERP_OK && storage_count == MAX_BACKENDS)
		rc = erp__error(ERP_ERROR, NULL, NULL, "too many storage backends");
	if (rc == ERP_OK)
		storage_backends[storage_count++] = backend;
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

static int add_cache(const erp_cache_backend *backend)
{
	if (!backend)
		return erp__invalid("backend", "backend is NULL");
	if (backend->version != ERP_CACHE_BACKEND_VERSION)
		return erp__invalid("version", "cache backend version %u is not %u", backend->version,
		                    ERP_CACHE_BACKEND_VERSION);
	if (!backend->scheme || !backend->scheme[0] || !backend->open)
		return erp__invalid("scheme", "cache backend needs a scheme and an open function");
	pthread_mutex_lock(&registry_lock);
	int rc = ERP_OK;
	for (size_t i = 0; i < cache_count; i++)
		if (strcmp(cache_backends[i]->scheme, backend->scheme) == 0)
			rc = erp__error(ERP_EEXISTS, NULL, "scheme", "cache scheme '%s' is already registered", backend->scheme);
	if (rc == ERP_OK && cache_count == MAX_BACKENDS)
		rc = erp__error(ERP_ERROR, NULL, NULL, "too many cache backends");
	if (rc == ERP_OK)
		cache_backends[cache_count++] = backend;
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

int erp_storage_register(const erp_storage_backend *backend)
{
	pthread_once(&init_once, library_init_once);
	return add_storage(backend);
}

int erp_cache_register(const erp_cache_backend *backend)
{
	pthread_once(&init_once, library_init_once);
	return add_cache(backend);
}

const erp_storage_backend *erp__storage_backend_find(const char *scheme)
{
	const erp_storage_backend *found = NULL;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < storage_count && !found; i++)
		if (strcmp(storage_backends[i]->scheme, scheme) == 0)
			found = storage_backends[i];
	pthread_mutex_unlock(&registry_lock);
	return found;
}

const erp_cache_backend *erp__cache_backend_find(const char *scheme)
{
	const erp_cache_backend *found = NULL;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < cache_count && !found; i++)
		if (strcmp(cache_backends[i]->scheme, scheme) == 0)
			found = cache_backends[i];
	pthread_mutex_unlock(&registry_lock);
	return found;
}

void erp__backend_schemes(char *out, size_t cap, bool cache)
{
	size_t used = 0;
	out[0] = '\0';
	pthread_mutex_lock(&registry_lock);
	size_t n = cache ? cache_count : storage_count;
	for (size_t i = 0; i < n; i++) {
		const char *s = cache ? cache_backends[i]->scheme : storage_backends[i]->scheme;
		size_t len = strlen(s);
		if (used + len + 3 >= cap)
			break;
		if (used) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, s, len);
		used += len;
		out[used] = '\0';
	}
	pthread_mutex_unlock(&registry_lock);
}
