/*
 * SQLite storage URLs.
 *
 * | URL                    | database                              |
 * |------------------------|---------------------------------------|
 * | `sqlite:PATH`          | the file PATH (relative to the cwd)   |
 * | `sqlite://PATH`        | the same: `sqlite:///tmp/x.db` is `/tmp/x.db` |
 * | `sqlite::memory:`      | a private in-memory database          |
 *
 * The scheme is matched without regard to case. PATH is taken literally
 * (no percent-decoding, no SQLite URI filenames); an empty PATH, control
 * characters, `?` or `#` (reserved for options), a PATH ending in `/`, and
 * a PATH starting with `:` other than `:memory:` (a likely typo that would
 * create a file of that name) are refused.
 */
#ifndef ERP_SQLITE_URL_H
#define ERP_SQLITE_URL_H

/**
 * Parses a storage URL.
 *
 * @param path   receives a malloc'd copy of the file path, or NULL for
 *               an in-memory database; the caller frees it.
 * @param memory receives 1 for `sqlite::memory:`, else 0.
 * @param url    the whole URL, scheme included.
 * @return ERP_OK; ERP_EINVALID (field "url") for a malformed URL;
 *         ERP_ERROR when out of memory.
 */
int erp__sqlite_url_parse(char **path, int *memory, const char *url);

#endif
