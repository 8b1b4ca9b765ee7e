/* SQLite storage URLs (sqlite_url.h). */
#include "sqlite_url.h"

#include <erp/sys/backend.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SCHEME "sqlite:"
#define MEMORY ":memory:"

static int invalid(const char *url, const char *why)
{
	char msg[512];
	snprintf(msg, sizeof msg, "invalid SQLite URL '%.200s': %s", url, why);
	return erp_error_set(ERP_EINVALID, NULL, "url", msg);
}

int erp__sqlite_url_parse(char **path, int *memory, const char *url)
{
	*path = NULL;
	*memory = 0;
	if (!url)
		return erp_error_set(ERP_EINVALID, NULL, "url", "the SQLite URL is NULL");
	if (strncasecmp(url, SCHEME, strlen(SCHEME)) != 0)
		return invalid(url, "it does not start with 'sqlite:'");
	const char *p = url + strlen(SCHEME);
	if (p[0] == '/' && p[1] == '/')
		p += 2;
	if (strcmp(p, MEMORY) == 0) {
		*memory = 1;
		return ERP_OK;
	}
	if (!*p)
		return invalid(url, "the database path is empty (use sqlite:PATH or sqlite::memory:)");
	for (const char *c = p; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return invalid(url, "the path contains a control character");
		if (*c == '?' || *c == '#')
			return invalid(url, "'?' and '#' are reserved in SQLite URLs (no options are supported yet)");
	}
	if (p[0] == ':')
		return invalid(url, "a path may not start with ':' (did you mean sqlite::memory:?)");
	if (strncasecmp(p, "file:", 5) == 0)
		return invalid(url, "SQLite URI filenames (file:...) are not supported; give a plain path");
	if (p[strlen(p) - 1] == '/')
		return invalid(url, "the path names a directory, not a database file");
	*path = strdup(p);
	if (!*path)
		return erp_error_set(ERP_ERROR, NULL, NULL, "out of memory");
	return ERP_OK;
}
