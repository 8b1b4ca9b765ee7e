/* Schema migrations (migrate.h). */
#include "migrate.h"
#include "db.h"
#include "util/error.h"
#include "util/ident.h"

#include <erp/version.h>

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#define CHECKSUM_HEX (crypto_generichash_BYTES * 2 + 1)

static void checksum(char out[CHECKSUM_HEX], const char *sql)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)sql, strlen(sql), NULL, 0);
	sodium_bin2hex(out, CHECKSUM_HEX, h, sizeof h);
}

typedef struct {
	bool apply;
	int schema_version;
} migrate_job;

/* Compares what the store recorded with the built-in scripts. */
static int check_recorded(erp__tx *tx, int *highest, bool *unreadable)
{
	const erp_sql_dialect *d = tx->st->dialect;
	erp_storage_rows *rows;
	*unreadable = false;
	int rc = erp__db_query(&rows, tx, "SELECT number, name, checksum FROM {system.migrations} ORDER BY number", NULL, 0);
	if (rc != ERP_OK) {
		*unreadable = true;
		return rc;
	}
	*highest = 0;
	while ((rc = erp__db_next(tx, rows)) == 1) {
		char s1[24], s2[24];
		int64_t number = erp__db_int(tx, rows, 0);
		const char *name = erp__db_text(tx, rows, 1, s1);
		const char *sum = erp__db_text(tx, rows, 2, s2);
		if (number < 1 || (size_t)number > d->migration_count) {
			rc = erp__error(ERP_EBACKEND, NULL, NULL,
			                "the store was written by a newer liberp: it has migration %lld (%s), "
			                "this liberp %s knows %zu; upgrade liberp",
			                (long long)number, name ? name : "?", LIBERP_VERSION, d->migration_count);
			break;
		}
		const erp_sql_migration *m = &d->migrations[number - 1];
		char expect[CHECKSUM_HEX];
		checksum(expect, m->sql);
		if (!sum || strcmp(sum, expect) != 0) {
			rc = erp__error(ERP_EBACKEND, NULL, NULL,
			                "migration %d (%s) was applied with a different text than this liberp's "
			                "(checksum %s, expected %s); migrations are forward-only and never edited",
			                m->number, m->name, sum ? sum : "NULL", expect);
			break;
		}
		if (number != *highest + 1) {
			rc = erp__error(ERP_EBACKEND, NULL, NULL, "migration %lld is recorded but %d is missing",
			                (long long)number, *highest + 1);
			break;
		}
		*highest = (int)number;
	}
	erp__db_close(tx, rows);
	return rc < 0 ? rc : ERP_OK;
}

static int migrate_body(erp__tx *tx, void *payload)
{
	migrate_job *job = payload;
	const erp_sql_dialect *d = tx->st->dialect;
	int rc;
	job->schema_version = 0;
	if (job->apply) {
		if (d->migration_lock && (rc = erp__db_exec(tx, d->migration_lock, NULL, 0, NULL)) != ERP_OK)
			return rc;
		if ((rc = tx->st->exec_script(tx->stx, d->bootstrap)) != ERP_OK)
			return rc;
	}
	int highest = 0;
	bool unreadable;
	rc = check_recorded(tx, &highest, &unreadable);
	if (rc == ERP_EBACKEND && unreadable && !job->apply)
		return erp__error(ERP_EBACKEND, NULL, NULL,
		                  "the store has no liberp schema (its migrations were not applied, and "
		                  "no_migrate is set): %s", erp_error_last()->message);
	if (rc != ERP_OK)
		return rc;
	if (!job->apply) {
		job->schema_version = highest;
		if ((size_t)highest < d->migration_count)
			return erp__error(ERP_EBACKEND, NULL, NULL,
			                  "the store's schema is at migration %d but this liberp needs %zu; "
			                  "open it without no_migrate to upgrade", highest, d->migration_count);
		return ERP_OK;
	}
	char now[ERP__TIMESTAMP_LEN + 1]; /* one transaction, one moment */
	erp__now_timestamp(now);
	for (size_t i = (size_t)highest; i < d->migration_count; i++) {
		const erp_sql_migration *m = &d->migrations[i];
		if ((rc = tx->st->exec_script(tx->stx, m->sql)) != ERP_OK)
			return erp__error(rc, NULL, NULL, "migration %d (%s) failed: %s", m->number, m->name,
			                  erp_error_last()->message);
		char sum[CHECKSUM_HEX];
		checksum(sum, m->sql);
		erp_value p[] = { erp__v_int(m->number), erp__v_text(m->name), erp__v_text(sum), erp__v_text(now) };
		rc = erp__db_exec(tx, "INSERT INTO {system.migrations} (number, name, checksum, applied_at) "
		                      "VALUES ($1, $2, $3, $4)", p, 4, NULL);
		if (rc != ERP_OK)
			return rc;
	}
	job->schema_version = (int)d->migration_count;
	return ERP_OK;
}

int erp__migrate(erp_store *store, bool apply)
{
	migrate_job job = { apply, 0 };
	erp_storage_scope scope = { NULL, NULL, 0 };
	return erp__tx_run(store, apply ? ERP_TX_WRITE : ERP_TX_READ, &scope, migrate_body, &job);
}

static int verify_body(erp__tx *tx, void *payload)
{
	bool unreadable;
	return check_recorded(tx, payload, &unreadable);
}

int erp__migrate_verify(erp_store *store, int *schema_version)
{
	erp_storage_scope scope = { NULL, NULL, 0 };
	*schema_version = 0;
	return erp__tx_run(store, ERP_TX_READ, &scope, verify_body, schema_version);
}
