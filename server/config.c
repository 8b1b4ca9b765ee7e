/*
 * Configuration of erp-server: the environment first, then the flags,
 * which win. A bad value stops the server before it opens anything, with
 * a message that names the variable or the flag it came from.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_THREADS 1024
#define DEFAULT_THREADS_MAX 64 /* request threads unless THREADS says */
#define DEFAULT_POOL_MAX 16     /* storage connections unless POOL_SIZE says */
#define MAX_POOL 1024
#define MAX_BODY_LIMIT (1024LL * 1024 * 1024)

static const char usage[] =
	"usage: erp-server [options]\n"
	"\n"
	"The HTTP/JSON server over liberp. Every option can also be set by the\n"
	"environment variable shown; a flag wins over the environment.\n"
	"\n"
	"  --database-url URL      DATABASE_URL    storage (default sqlite:erp.db;\n"
	"                                          postgresql://user:pass@host/db)\n"
	"  --redis-url URL         REDIS_URL       cache: redis://host:port/db (default: in-process mem:)\n"
	"  --bind ADDRESS          BIND_ADDRESS    address to listen on (default 127.0.0.1; 0.0.0.0, ::)\n"
	"  --port N                PORT            port, 0..65535 (default 3000; 0: any free port)\n"
	"  --log-level LEVEL       LOG_LEVEL       error, warn, info or debug (default info)\n"
	"  --allowed-origins LIST  ALLOWED_ORIGINS CORS: comma-separated origins, or * (default: none)\n"
	"  --rate-limit-ttl S      RATE_LIMIT_TTL  rate-limit window in seconds, 1..86400 (default 60)\n"
	"  --rate-limit-max N      RATE_LIMIT_MAX  requests per window and client, 0 = off (default 1000)\n"
	"  --body-limit BYTES      BODY_LIMIT      largest request body, 1..1073741824 (default 1048576)\n"
	"  --threads N             THREADS         request threads, 1..1024 (default 16 x CPUs, at most 64)\n"
	"  --pool-size N           POOL_SIZE       storage connections, 1..1024 (default: threads, at most 16)\n"
	"  --session-idle S        SESSION_IDLE_TIMEOUT  a session unused this many seconds ends,\n"
	"                                          1..31536000 (default 1800)\n"
	"  --durability MODE       DURABILITY      durable (default: every acknowledged write survives a\n"
	"                                          crash of the server, the database or the machine) or\n"
	"                                          relaxed (faster; a crash can lose the last acknowledged\n"
	"                                          writes: see erp_store_options.relaxed_durability)\n"
	"  --allow-signup          ALLOW_SIGNUP=1  anyone may create a tenant (POST /api/v1/tenants)\n"
	"  --demo                                  create a demo tenant, admin and sample data first\n"
	"  --ready-file PATH                       write the bound port to PATH once serving\n"
	"  --verify                                check the store (erp_store_verify: ledger hash chains and\n"
	"                                          balances, stock quants and valuation layers), print the\n"
	"                                          JSON report and exit: 0 all checks pass, 1 otherwise\n"
	"  --help                                  this text\n";

static int bad(const char *name, const char *why, const char *value)
{
	if (value)
		fprintf(stderr, "erp-server: %s: %s, not '%s'\n", name, why, value);
	else
		fprintf(stderr, "erp-server: %s: %s\n", name, why);
	return 2;
}

/* A decimal integer in [min, max], the whole string. */
static int parse_int(const char *name, const char *s, long long min, long long max, long long *out)
{
	char why[96];
	snprintf(why, sizeof why, "must be %lld..%lld", min, max);
	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return bad(name, why, s ? s : "");
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return bad(name, why, s);
	*out = v;
	return 0;
}

static int parse_bool(const char *name, const char *s, bool *out)
{
	static const char *yes[] = { "1", "true", "yes", "on" };
	static const char *no[] = { "0", "false", "no", "off", "" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, 0;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, 0;
	return bad(name, "must be 1, 0, true, false, yes, no, on or off", s);
}

static int set_string(char **slot, const char *name, const char *value)
{
	if (!*value)
		return bad(name, "must not be empty", NULL);
	char *copy = strdup(value);
	if (!copy)
		return bad(name, "out of memory", NULL);
	free(*slot);
	*slot = copy;
	return 0;
}

static void free_origins(srv_config *cfg)
{
	for (size_t i = 0; i < cfg->norigins; i++)
		free(cfg->origins[i]);
	free(cfg->origins);
	cfg->origins = NULL;
	cfg->norigins = 0;
}

/* "*", or a comma list of origins "scheme://host[:port]" (no path). */
static int set_origins(srv_config *cfg, const char *name, const char *value)
{
	free_origins(cfg);
	size_t n = 1;
	for (const char *p = value; *p; p++)
		n += *p == ',';
	char **list = calloc(n, sizeof *list);
	if (!list)
		return bad(name, "out of memory", NULL);
	cfg->origins = list;
	const char *p = value;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len) {
			char *o = strndup(p, len);
			if (!o)
				return bad(name, "out of memory", NULL);
			cfg->origins[cfg->norigins++] = o;
			if (strcmp(o, "*") != 0) {
				const char *host = strncmp(o, "http://", 7) == 0    ? o + 7
				                   : strncmp(o, "https://", 8) == 0 ? o + 8
				                                                    : NULL;
				if (!host || !*host || strpbrk(host, "/ ?#"))
					return bad(name, "each origin must be scheme://host[:port] (or the list just *)", o);
			}
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (cfg->norigins > 1)
		for (size_t i = 0; i < cfg->norigins; i++)
			if (strcmp(cfg->origins[i], "*") == 0)
				return bad(name, "* stands alone, not in a list", value);
	return 0;
}

static int set_bind(srv_config *cfg, const char *name, const char *value)
{
	const char *v = strcmp(value, "localhost") == 0 ? "127.0.0.1" : value;
	unsigned char addr[16];
	if (inet_pton(AF_INET, v, addr) != 1 && inet_pton(AF_INET6, v, addr) != 1)
		return bad(name, "must be a numeric IPv4 or IPv6 address (or localhost)", value);
	return set_string(&cfg->bind, name, v);
}

enum {
	O_DATABASE_URL, O_REDIS_URL, O_BIND, O_PORT, O_LOG_LEVEL, O_ORIGINS, O_RL_TTL, O_RL_MAX,
	O_BODY_LIMIT, O_THREADS, O_POOL_SIZE, O_SESSION_IDLE, O_DURABILITY, O_ALLOW_SIGNUP, O_DEMO, O_READY_FILE,
	O_VERIFY, O_HELP
};

static const struct option_def {
	int id;
	const char *env;   /* NULL: flag only */
	const char *flag;
	bool is_bool;      /* a flag without a value (may take =VALUE) */
} options[] = {
	{ O_DATABASE_URL, "DATABASE_URL", "--database-url", false },
	{ O_REDIS_URL, "REDIS_URL", "--redis-url", false },
	{ O_BIND, "BIND_ADDRESS", "--bind", false },
	{ O_PORT, "PORT", "--port", false },
	{ O_LOG_LEVEL, "LOG_LEVEL", "--log-level", false },
	{ O_ORIGINS, "ALLOWED_ORIGINS", "--allowed-origins", false },
	{ O_RL_TTL, "RATE_LIMIT_TTL", "--rate-limit-ttl", false },
	{ O_RL_MAX, "RATE_LIMIT_MAX", "--rate-limit-max", false },
	{ O_BODY_LIMIT, "BODY_LIMIT", "--body-limit", false },
	{ O_THREADS, "THREADS", "--threads", false },
	{ O_POOL_SIZE, "POOL_SIZE", "--pool-size", false },
	{ O_SESSION_IDLE, "SESSION_IDLE_TIMEOUT", "--session-idle", false },
	{ O_DURABILITY, "DURABILITY", "--durability", false },
	{ O_ALLOW_SIGNUP, "ALLOW_SIGNUP", "--allow-signup", true },
	{ O_DEMO, NULL, "--demo", true },
	{ O_READY_FILE, NULL, "--ready-file", false },
	{ O_VERIFY, NULL, "--verify", true },
	{ O_HELP, NULL, "--help", true },
};

/* The options set by a flag (bit per option id), for srv_config_name(). */
static unsigned int from_flag;

const char *srv_config_name(const char *env)
{
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (options[i].env && strcmp(options[i].env, env) == 0)
			return from_flag & (1u << options[i].id) ? options[i].flag : options[i].env;
	return env;
}

static int apply(srv_config *cfg, int id, const char *name, const char *value, bool *pool_set)
{
	long long v;
	int rc;
	switch (id) {
	case O_DATABASE_URL:
		return set_string(&cfg->database_url, name, value);
	case O_REDIS_URL:
		if (!*value || strcmp(value, "mem:") == 0) {
			free(cfg->redis_url);
			cfg->redis_url = NULL;
			return 0;
		}
		if (strncmp(value, "redis://", 8) != 0)
			return bad(name, "must be redis://[[user]:password@]host[:port][/db] or mem:", value);
		return set_string(&cfg->redis_url, name, value);
	case O_BIND:
		return set_bind(cfg, name, value);
	case O_PORT:
		if ((rc = parse_int(name, value, 0, 65535, &v)))
			return rc;
		cfg->port = (int)v;
		return 0;
	case O_LOG_LEVEL: {
		static const char *levels[] = { "error", "warn", "info", "debug" };
		for (int i = 0; i < 4; i++)
			if (strcasecmp(value, levels[i]) == 0)
				return cfg->log_level = i, 0;
		if (strcasecmp(value, "warning") == 0)
			return cfg->log_level = SRV_LOG_WARN, 0;
		return bad(name, "must be error, warn, info or debug", value);
	}
	case O_ORIGINS:
		return set_origins(cfg, name, value);
	case O_RL_TTL:
		if ((rc = parse_int(name, value, 1, 86400, &v)))
			return rc;
		cfg->rate_limit_ttl_s = v;
		return 0;
	case O_RL_MAX:
		if ((rc = parse_int(name, value, 0, INT64_MAX / 2, &v)))
			return rc;
		cfg->rate_limit_max = v;
		return 0;
	case O_BODY_LIMIT:
		if ((rc = parse_int(name, value, 1, MAX_BODY_LIMIT, &v)))
			return rc;
		cfg->body_limit = (size_t)v;
		return 0;
	case O_THREADS:
		if ((rc = parse_int(name, value, 1, MAX_THREADS, &v)))
			return rc;
		cfg->threads = (int)v;
		return 0;
	case O_POOL_SIZE:
		if ((rc = parse_int(name, value, 1, MAX_POOL, &v)))
			return rc;
		cfg->pool_size = (int)v;
		*pool_set = true;
		return 0;
	case O_SESSION_IDLE:
		if ((rc = parse_int(name, value, 1, 31536000, &v)))
			return rc;
		cfg->session_idle_s = v;
		return 0;
	case O_DURABILITY:
		if (strcmp(value, "durable") == 0)
			return cfg->relaxed_durability = false, 0;
		if (strcmp(value, "relaxed") == 0)
			return cfg->relaxed_durability = true, 0;
		return bad(name, "must be durable or relaxed", value);
	case O_ALLOW_SIGNUP:
		return parse_bool(name, value, &cfg->allow_signup);
	case O_DEMO:
		return parse_bool(name, value, &cfg->demo);
	case O_READY_FILE:
		return set_string(&cfg->ready_file, name, value);
	case O_VERIFY:
		return parse_bool(name, value, &cfg->verify);
	}
	return 0;
}

int srv_config_load(srv_config *out, int argc, char **argv)
{
	srv_config cfg = { 0 };
	bool pool_set = false;
	int rc = 0;

	from_flag = 0;
	cfg.port = 3000;
	cfg.log_level = SRV_LOG_INFO;
	cfg.rate_limit_ttl_s = 60;
	cfg.rate_limit_max = 1000;
	cfg.body_limit = 1024 * 1024;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/*
	 * Many threads: a request thread waits (in storage, or in the group
	 * of concurrent postings that commit together), and the more postings
	 * wait at once the bigger the groups. Measured on 2 CPUs (README,
	 * Speed): 32 threads post ~70% more than 4, other routes within 20%.
	 */
	cfg.threads = (int)(cpus < 1 ? DEFAULT_THREADS_MAX / 4 : cpus * 16 > DEFAULT_THREADS_MAX ? DEFAULT_THREADS_MAX : cpus * 16);
	cfg.database_url = strdup("sqlite:erp.db");
	cfg.bind = strdup("127.0.0.1");
	if (!cfg.database_url || !cfg.bind) {
		rc = bad("erp-server", "out of memory", NULL);
		goto out;
	}

	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		if (!options[i].env)
			continue;
		const char *v = getenv(options[i].env);
		if (v && *v && (rc = apply(&cfg, options[i].id, options[i].env, v, &pool_set)))
			goto out;
	}

	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		if (strcmp(arg, "-h") == 0)
			arg = "--help";
		const char *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct option_def *def = NULL;
		for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
			if (strlen(options[i].flag) == nlen && strncmp(arg, options[i].flag, nlen) == 0)
				def = &options[i];
		char flag[64];
		snprintf(flag, sizeof flag, "%.*s", (int)(nlen < 40 ? nlen : 40), arg);
		if (!def) {
			rc = bad(flag, "unknown option (see --help)", NULL);
			goto out;
		}
		if (def->id == O_HELP) {
			fputs(usage, stdout);
			rc = 1;
			goto out;
		}
		const char *value;
		if (eq)
			value = eq + 1;
		else if (def->is_bool)
			value = "1";
		else if (a + 1 < argc)
			value = argv[++a];
		else {
			rc = bad(flag, "needs a value", NULL);
			goto out;
		}
		if ((rc = apply(&cfg, def->id, def->flag, value, &pool_set)))
			goto out;
		from_flag |= 1u << def->id;
	}
	if (!pool_set)
		cfg.pool_size = cfg.threads < DEFAULT_POOL_MAX ? cfg.threads : DEFAULT_POOL_MAX;

out:
	if (rc) {
		srv_config_free(&cfg);
		memset(out, 0, sizeof *out);
		return rc;
	}
	*out = cfg;
	return 0;
}

void srv_config_free(srv_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->database_url);
	free(cfg->redis_url);
	free(cfg->bind);
	free(cfg->ready_file);
	free_origins(cfg);
	memset(cfg, 0, sizeof *cfg);
}
