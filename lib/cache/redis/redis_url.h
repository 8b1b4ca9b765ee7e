/*
 * The URL of the redis: cache backend, parsed and checked.
 *
 *   redis://[[user]:password@]host[:port][/db][?option=value&...]
 *
 *   - The scheme is case-insensitive ("REDIS://" works too).
 *   - user, password: percent-encoded ("%40" for '@', "%3A" for ':'). With
 *     a password, every connection starts with AUTH password, or with
 *     AUTH user password (Redis 6 ACL) when a user is given. A user without
 *     a password ("redis://alice@host") is refused: AUTH needs one.
 *   - host: a name, an IPv4 address or a bracketed IPv6 address ("[::1]").
 *   - port: 1 to 65535; 6379 when absent.
 *   - db: 0 to 15 (the databases of a default Redis); 0 when absent. A
 *     connection to another database starts with SELECT db.
 *   - options: connect_timeout_ms (default 250) and command_timeout_ms
 *     (default 500), each 1 to 600000. Nothing else.
 *
 * Anything else is refused with ERP_EINVALID, field "cache_url", and a
 * message that says what is wrong, never quoting the password.
 */
#ifndef ERP_LIB_CACHE_REDIS_URL_H
#define ERP_LIB_CACHE_REDIS_URL_H

#include <stddef.h>

#define ERP__REDIS_DEFAULT_PORT 6379
#define ERP__REDIS_DEFAULT_CONNECT_TIMEOUT_MS 250
#define ERP__REDIS_DEFAULT_COMMAND_TIMEOUT_MS 500
#define ERP__REDIS_MAX_TIMEOUT_MS 600000
#define ERP__REDIS_MAX_DB 15

/** Room for "[host]:port" in messages (longer host names are cut). */
#define ERP__REDIS_ENDPOINT_MAX 300

/** A parsed URL. Strings are owned, NUL-terminated, decoded. */
typedef struct erp__redis_url {
	char *host;              /**< Without brackets. */
	int port;
	char *user;              /**< NULL: no user (plain AUTH password). */
	char *password;          /**< NULL: no AUTH. */
	int db;                  /**< 0..ERP__REDIS_MAX_DB. */
	int connect_timeout_ms;
	int command_timeout_ms;
	char endpoint[ERP__REDIS_ENDPOINT_MAX]; /**< "host:port" or "[v6]:port", for messages. */
} erp__redis_url;

/**
 * Parses and checks a redis: URL.
 *
 * @return ERP_OK; ERP_EINVALID (raised, field "cache_url") when the URL is
 *         malformed or out of range; ERP_ERROR (raised) when out of memory.
 *         On failure `out` holds nothing to free.
 */
int erp__redis_url_parse(erp__redis_url *out, const char *url);

/** Frees what erp__redis_url_parse() allocated, wiping the password. Accepts a zeroed struct. */
void erp__redis_url_free(erp__redis_url *url);

#endif
