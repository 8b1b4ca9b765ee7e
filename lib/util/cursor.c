/* Cursors of lists and reports (cursor.h). */
#include "cursor.h"

#include "error.h"
#include "json_out.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longest cursor text read: a position of a few sort values. */
#define CURSOR_TEXT_MAX 6000

static void hash_part(crypto_generichash_state *h, const char *s)
{
	/* a length prefix keeps ("ab","c") apart from ("a","bc"); NULL has its own */
	uint64_t len = s ? (uint64_t)strlen(s) : UINT64_MAX;
	unsigned char n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)(len >> (8 * i));
	crypto_generichash_update(h, n, sizeof n);
	if (s)
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

void erp__cursor_binding(char out[ERP__CURSOR_BINDING_LEN + 1], const char *kind, const char *tenant,
                         const char *const *parts, size_t nparts)
{
	crypto_generichash_state h;
	unsigned char digest[ERP__CURSOR_BINDING_LEN / 2];
	crypto_generichash_init(&h, NULL, 0, sizeof digest);
	hash_part(&h, "liberp cursor v1");
	hash_part(&h, kind);
	hash_part(&h, tenant);
	for (size_t i = 0; i < nparts; i++)
		hash_part(&h, parts[i]);
	crypto_generichash_final(&h, digest, sizeof digest);
	sodium_bin2hex(out, ERP__CURSOR_BINDING_LEN + 1, digest, sizeof digest);
}

/* The check of a cursor: BLAKE2b of its binding and of its position's text. */
static bool cursor_check(char out[ERP__CURSOR_BINDING_LEN + 1], const json_t *position, const char *binding)
{
	char *text = erp__json_dumps(position, JSON_COMPACT);
	if (!text)
		return false;
	const char *parts[] = { binding, text };
	erp__cursor_binding(out, "position", NULL, parts, 2);
	free(text);
	return true;
}

char *erp__cursor_make(const json_t *position, const char *binding)
{
	char check[ERP__CURSOR_BINDING_LEN + 1];
	if (!cursor_check(check, position, binding))
		return NULL;
	json_t *arr = json_copy((json_t *)position);
	bool ok = arr != NULL;
	if (arr)
		erp__json_append(arr, json_string(check), &ok);
	char *raw = ok ? erp__json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	if (!raw)
		return NULL;
	size_t n = sodium_base64_encoded_len(strlen(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *b64 = malloc(n);
	if (b64)
		sodium_bin2base64(b64, n, (const unsigned char *)raw, strlen(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(raw);
	return b64;
}

int erp__cursor_open(json_t **out, const char *cursor, const char *binding, size_t npos, const char *entity)
{
	*out = NULL;
	size_t len = cursor ? strlen(cursor) : 0;
	unsigned char *raw = len && len <= CURSOR_TEXT_MAX ? malloc(len + 1) : NULL;
	if (len && len <= CURSOR_TEXT_MAX && !raw)
		return erp__oom();
	size_t n = 0;
	json_t *arr = NULL;
	const char *end = NULL;
	/* the whole text, and JSON without a NUL in it (which would cut it) */
	if (raw && sodium_base642bin(raw, len, cursor, len, NULL, &n, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	    end == cursor + len && !memchr(raw, 0, n)) {
		json_error_t err;
		raw[n] = '\0';
		arr = erp__json_loads((const char *)raw, 0, &err);
		if (!arr && erp__json_load_oom(&err)) {
			free(raw);
			return erp__oom();
		}
	}
	free(raw);
	char got[ERP__CURSOR_BINDING_LEN + 1] = "", want[ERP__CURSOR_BINDING_LEN + 1];
	if (json_is_array(arr) && json_array_size(arr) == npos + 1) {
		const char *g = json_string_value(json_array_get(arr, npos));
		snprintf(got, sizeof got, "%s", g ? g : "");
		if (json_array_remove(arr, npos) != 0 || !cursor_check(want, arr, binding)) {
			json_decref(arr);
			return erp__oom();
		}
		if (strlen(got) == ERP__CURSOR_BINDING_LEN && sodium_memcmp(got, want, ERP__CURSOR_BINDING_LEN) == 0) {
			*out = arr;
			return ERP_OK;
		}
	}
	json_decref(arr);
	return erp__error(ERP_EINVALID, entity, "cursor",
	                  "cursor is not one this library returned for this query (a cursor is valid only for the "
	                  "tenant and the query that made it, and only as it was returned)");
}
