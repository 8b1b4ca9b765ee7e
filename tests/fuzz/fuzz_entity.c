/*
 * libFuzzer target: entity JSON, create then update (erp_entity_create,
 * erp_entity_update), on the fixture's store (fuzz_fixture.h).
 *
 * Input: three lines, placeholders ("@unit@") expanded:
 *   TYPE            e.g. core.product
 *   CREATE_JSON     the object given to erp_entity_create
 *   UPDATE_JSON     optional: given to erp_entity_update at version 1; here
 *                   "@self@" is the created entity's id and "@line@" its
 *                   first line's (documents with lines)
 *
 * Invariants: each call returns ERP_OK or a code its header documents for
 * it (with erp_error_last() set, a field for ERP_EINVALID); a refused
 * create adds no row (the type's count is unchanged); a refused update
 * leaves the entity as it was; a create answers version 1 and the JSON
 * that erp_entity_get then reads, an update version 2; the entity is then
 * deleted (so inputs do not depend on each other); erp_store_verify passes.
 *
 *   build-fuzz/tests/fuzz/fuzz_entity -dict=tests/fuzz/fuzz.dict CORPUS_DIR
 *   build/tests/fuzz/fuzz_replay_entity tests/fuzz/corpus/entity   (replay)
 */
#include "fuzz_fixture.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int WRITE_CODES[] = { ERP_EINVALID, ERP_EEXISTS, ERP_ENOTFOUND, 0 };
static const int READ_CODES[] = { ERP_EINVALID, 0 };

/* How many entities of `type` exist (archived too), or -1 when the type cannot be listed. */
static long long count_of(erp_ctx *ctx, const char *type)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_list(&out, ctx, type, "{\"count\":true,\"limit\":1,\"include_archived\":true}");
	fuzz_check_rc("erp_entity_list (count)", rc, READ_CODES);
	long long n = -1;
	if (rc == ERP_OK) {
		json_t *v = json_loads(out.ptr, 0, NULL);
		n = json_integer_value(json_object_get(v, "total"));
		json_decref(v);
	}
	erp_buf_dispose(&out);
	return n;
}

static json_t *read_entity(erp_ctx *ctx, const char *type, const char *id)
{
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_get(&out, ctx, type, id);
	if (rc != ERP_OK)
		fuzz_fail("erp_entity_get %s %s after a write: %s: %s", type, id, erp_error_name(rc),
		          erp_error_last()->message);
	json_t *v = json_loads(out.ptr, 0, NULL);
	if (!v)
		fuzz_fail("erp_entity_get %s %s: not JSON: %s", type, id, out.ptr);
	erp_buf_dispose(&out);
	return v;
}

/* The written entity (the call's output) is what a read gives, at `version`. */
static void check_written(erp_ctx *ctx, const char *call, const char *type, const char *id, const char *output,
                          long long version)
{
	fuzz_check_json(call, output, 'o');
	json_t *written = json_loads(output, 0, NULL);
	json_t *stored = read_entity(ctx, type, id);
	if (json_integer_value(json_object_get(written, "version")) != version)
		fuzz_fail("%s answered version %lld, not %lld: %s", call,
		          (long long)json_integer_value(json_object_get(written, "version")), version, output);
	if (!json_equal(written, stored)) {
		char *s = json_dumps(stored, JSON_COMPACT | JSON_SORT_KEYS);
		fuzz_fail("%s answered %s but erp_entity_get reads %s", call, output, s);
	}
	json_decref(written);
	json_decref(stored);
}

/* Names the entity just created "@self@" and its first line "@line@",
 * for the update line of the same input. */
static void name_created(fuzz_fixture *f, const char *created)
{
	json_t *v = json_loads(created, 0, NULL);
	const char *self = json_string_value(json_object_get(v, "id"));
	const char *line = json_string_value(json_object_get(json_array_get(json_object_get(v, "lines"), 0), "id"));
	fuzz_set(f, "self", self ? self : "");
	fuzz_set(f, "line", line ? line : "");
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_fixture *f = fuzz_fixture_get();
	/* The update line is expanded after the create, so that it can name
	 * what the create made. */
	const uint8_t *nl = memchr(data, '\n', size);
	const uint8_t *nl2 = nl ? memchr(nl + 1, '\n', size - (size_t)(nl + 1 - data)) : NULL;
	size_t head = nl2 ? (size_t)(nl2 - data) : size;
	char *text = fuzz_expand(f, data, head);
	char *type = text;
	char *create = strchr(text, '\n');
	char *update = NULL;
	if (!create) {
		free(text);
		return 0;
	}
	*create++ = 0;
	long long before = count_of(f->ctx, type);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, f->ctx, type, create);
	fuzz_check_rc("erp_entity_create", rc, WRITE_CODES);
	if (rc != ERP_OK) {
		long long after = count_of(f->ctx, type);
		if (after != before)
			fuzz_fail("a refused erp_entity_create (%s) changed the count of %s from %lld to %lld",
			          erp_error_name(rc), type, before, after);
		goto out;
	}
	char id[37];
	fuzz_json_id(id, out.ptr);
	if (!id[0])
		fuzz_fail("erp_entity_create answered no id: %s", out.ptr);
	check_written(f->ctx, "erp_entity_create", type, id, out.ptr, 1);
	long long version = 1;
	if (nl2) {
		name_created(f, out.ptr);
		update = fuzz_expand(f, nl2 + 1, size - head - 1);
	}

	if (update) {
		json_t *was = read_entity(f->ctx, type, id);
		rc = erp_entity_update(&out, f->ctx, type, id, 1, update);
		fuzz_check_rc("erp_entity_update", rc, WRITE_CODES);
		if (rc == ERP_OK) {
			check_written(f->ctx, "erp_entity_update", type, id, out.ptr, 2);
			version = 2;
		} else {
			json_t *now = read_entity(f->ctx, type, id);
			if (!json_equal(was, now))
				fuzz_fail("a refused erp_entity_update (%s) changed %s %s", erp_error_name(rc), type, id);
			json_decref(now);
		}
		json_decref(was);
	}

	rc = erp_entity_delete(NULL, f->ctx, type, id, version);
	if (rc != ERP_OK)
		fuzz_fail("erp_entity_delete of the entity just written: %s: %s", erp_error_name(rc),
		          erp_error_last()->message);
out:
	erp_buf_dispose(&out);
	free(update);
	free(text);
	fuzz_verify_sometimes(f);
	return 0;
}
