/*
 * The posting calls of erp/ledger.h as a caller makes them: one entry
 * (group-committed with the concurrent postings of the same tenant and
 * user, ledger_group.c), a typed batch, and their JSON forms, read here
 * into requests for the engine (ledger_post.c).
 */
#include <erp/ledger.h>

#include "core/batch.h"
#include "ledger_group.h"
#include "ledger_internal.h"
#include "ledger_module.h"
#include "util/error.h"
#include "util/json_out.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BATCH 100000

int erp_ledger_post(erp_buf *out_id, erp_ctx *ctx, const erp_ledger_entry *entry)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "posting journal entries");
	if (rc != ERP_OK)
		return rc;
	erp__post_request req = { entry, NULL, NULL, NULL };
	char id[1][ERP__UUID_LEN + 1];
	rc = erp__post_grouped(erp__ledger_state_of(ctx->store)->posts, ctx, &req, id[0]);
	return rc == ERP_OK && out_id ? erp_buf_set(out_id, id[0], ERP__UUID_LEN) : rc;
}

static void batch_fill(void *request, const void *items, size_t i)
{
	((erp__post_request *)request)->entry = &((const erp_ledger_entry *)items)[i];
}

static int batch_post(erp_ctx *ctx, void *requests, size_t n, char (*ids)[ERP__UUID_LEN + 1])
{
	return erp__post_run(ctx, requests, n, ids);
}

static const erp__batch entry_batch = { "financial.entry", "entries", "entries", MAX_BATCH, sizeof(erp__post_request),
	                                batch_fill, batch_post };

int erp_ledger_post_batch(erp_buf *out_ids, erp_ctx *ctx, const erp_ledger_entry *entries, size_t count)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "posting journal entries");
	return rc == ERP_OK ? erp__batch_run(out_ids, ctx, &entry_batch, entries, count) : rc;
}

/* ---- JSON ------------------------------------------------------------------------- */

static int json_amount(const char **out, json_t *line, const char *key, const char *field)
{
	json_t *v = json_object_get(line, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return ERP_OK;
	if (json_is_real(v))
		return erp__error(ERP_EINVALID, "financial.entry", field,
		                  "%s must be a decimal string such as \"12.50\": JSON numbers with a fraction are floating point", field);
	if (json_is_integer(v))
		return erp__error(ERP_EINVALID, "financial.entry", field, "%s must be a decimal string such as \"12\"", field);
	if (!json_is_string(v))
		return erp__error(ERP_EINVALID, "financial.entry", field, "%s must be a decimal string", field);
	*out = json_string_value(v);
	return ERP_OK;
}

/* An entry read from JSON: the typed entry, its lines and their amount texts. */
typedef struct {
	erp_ledger_entry e;
	erp_ledger_line *lines;
	const char **debits, **credits;
} json_entry;

static void json_entry_free(json_entry *je)
{
	free(je->lines);
	free(je->debits);
	free(je->credits);
	memset(je, 0, sizeof *je);
}

/*
 * Reads one entry object into `je` (strings borrowed from `root`). Fields
 * are named with `prefix` ("" or "entries[3].").
 */
static int json_entry_read(json_entry *je, json_t *root, const char *prefix)
{
	static const char *const keys[] = { "journal_id", "date", "reference", "memo", "idempotency_key", "lines", NULL };
	static const char *const line_keys[] = { "account_id", "debit", "credit", "currency", "partner_id", "analytic_account_id", "memo", NULL };
	erp_ledger_entry init = ERP_LEDGER_ENTRY_INIT;
	memset(je, 0, sizeof *je);
	je->e = init;
	char fld[96];
	int rc;
	if (!json_is_object(root)) {
		/* "entries[3]" for a batch's entry, "json" for a lone one */
		snprintf(fld, sizeof fld, "%.*s", prefix[0] ? (int)strlen(prefix) - 1 : 4, prefix[0] ? prefix : "json");
		return erp__error(ERP_EINVALID, "financial.entry", fld, "an entry is a JSON object");
	}
	const char *key = erp__json_unknown_key(root, keys);
	if (key) {
		snprintf(fld, sizeof fld, "%s%.60s", prefix, key);
		return erp__error(ERP_EINVALID, "financial.entry", fld, "an entry has no field '%.60s'", key);
	}
	static const char *const texts[] = { "journal_id", "date", "reference", "memo", "idempotency_key" };
	const char **tdst[] = { &je->e.journal_id, &je->e.date, &je->e.reference, &je->e.memo, &je->e.idempotency_key };
	for (int x = 0; x < 5; x++) {
		snprintf(fld, sizeof fld, "%s%s", prefix, texts[x]);
		if ((rc = erp__json_opt_text(tdst[x], root, texts[x], "financial.entry", fld)) != ERP_OK)
			return rc;
	}
	json_t *jlines = json_object_get(root, "lines");
	if (!json_is_array(jlines)) {
		snprintf(fld, sizeof fld, "%slines", prefix);
		return erp__error(ERP_EINVALID, "financial.entry", fld, "lines must be an array of 2 or more lines");
	}
	size_t n = json_array_size(jlines);
	je->lines = calloc(n + 1, sizeof *je->lines);
	je->debits = calloc(n + 1, sizeof *je->debits);
	je->credits = calloc(n + 1, sizeof *je->credits);
	if (!je->lines || !je->debits || !je->credits)
		return erp__oom();
	for (size_t k = 0; k < n; k++) {
		json_t *l = json_array_get(jlines, k);
		if (!json_is_object(l)) {
			snprintf(fld, sizeof fld, "%slines[%zu]", prefix, k);
			return erp__error(ERP_EINVALID, "financial.entry", fld, "a line is a JSON object");
		}
		if ((key = erp__json_unknown_key(l, line_keys))) {
			snprintf(fld, sizeof fld, "%slines[%zu].%.30s", prefix, k, key);
			return erp__error(ERP_EINVALID, "financial.entry", fld, "a line has no field '%.30s'", key);
		}
		const char *names[] = { "account_id", "currency", "partner_id", "analytic_account_id", "memo" };
		const char **dst[] = { &je->lines[k].account_id, &je->lines[k].currency, &je->lines[k].partner_id,
		                       &je->lines[k].analytic_account_id, &je->lines[k].memo };
		for (int x = 0; x < 5; x++) {
			snprintf(fld, sizeof fld, "%slines[%zu].%s", prefix, k, names[x]);
			if ((rc = erp__json_opt_text(dst[x], l, names[x], "financial.entry", fld)) != ERP_OK)
				return rc;
		}
		snprintf(fld, sizeof fld, "%slines[%zu].debit", prefix, k);
		if ((rc = json_amount(&je->debits[k], l, "debit", fld)) != ERP_OK)
			return rc;
		snprintf(fld, sizeof fld, "%slines[%zu].credit", prefix, k);
		if ((rc = json_amount(&je->credits[k], l, "credit", fld)) != ERP_OK)
			return rc;
		if (!je->debits[k] && !je->credits[k]) {
			snprintf(fld, sizeof fld, "%slines[%zu].debit", prefix, k);
			return erp__error(ERP_EINVALID, "financial.entry", fld, "a line has a debit or a credit");
		}
	}
	je->e.lines = je->lines;
	je->e.line_count = n;
	return ERP_OK;
}

/* The role check and the parsed text every JSON posting begins with. */
static int json_post_root(json_t **root, erp_ctx *ctx, const char *json)
{
	int rc = erp__ctx_require(ctx, ERP_ROLE_READWRITE, "posting journal entries");
	return rc == ERP_OK ? erp__json_parse_arg(root, json, "financial.entry") : rc;
}

int erp_ledger_post_json(erp_buf *out, erp_ctx *ctx, const char *json)
{
	json_t *root;
	int rc = json_post_root(&root, ctx, json);
	if (rc != ERP_OK)
		return rc;
	json_entry je;
	rc = json_entry_read(&je, root, "");
	char id[1][ERP__UUID_LEN + 1];
	if (rc == ERP_OK) {
		erp__post_request req = { &je.e, je.debits, je.credits, NULL };
		rc = erp__post_grouped(erp__ledger_state_of(ctx->store)->posts, ctx, &req, id[0]);
	}
	if (rc == ERP_OK && out)
		rc = erp_ledger_entry_get(out, ctx, id[0]);
	json_entry_free(&je);
	json_decref(root);
	return rc;
}

int erp_ledger_post_batch_json(erp_buf *out_ids, erp_ctx *ctx, const char *json)
{
	json_t *root;
	int rc = json_post_root(&root, ctx, json);
	if (rc != ERP_OK)
		return rc;
	size_t n = json_array_size(root);
	if (!json_is_array(root) || n < 1 || n > MAX_BATCH) {
		json_decref(root);
		return erp__error(ERP_EINVALID, "financial.entry", "entries", "a batch is a JSON array of 1 to %d entries", MAX_BATCH);
	}
	json_entry *je = calloc(n, sizeof *je);
	erp__post_request *reqs = calloc(n, sizeof *reqs);
	char (*ids)[ERP__UUID_LEN + 1] = calloc(n, sizeof *ids);
	rc = je && reqs && ids ? ERP_OK : erp__oom();
	for (size_t i = 0; rc == ERP_OK && i < n; i++) {
		char prefix[32];
		/* a batch of one names its fields as a lone entry does, like erp_ledger_post_batch */
		if (n > 1)
			snprintf(prefix, sizeof prefix, "entries[%zu].", i);
		else
			prefix[0] = '\0';
		rc = json_entry_read(&je[i], json_array_get(root, i), prefix);
		reqs[i] = (erp__post_request){ &je[i].e, je[i].debits, je[i].credits, NULL };
	}
	if (rc == ERP_OK)
		rc = erp__post_run(ctx, reqs, n, ids);
	if (rc == ERP_OK && out_ids)
		rc = erp__ids_json(out_ids, (const char (*)[37])ids, n);
	for (size_t i = 0; je && i < n; i++)
		json_entry_free(&je[i]);
	free(je);
	free(reqs);
	free(ids);
	json_decref(root);
	return rc;
}

