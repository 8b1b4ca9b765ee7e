/* JSON output helpers (json_out.h). */
#include "json_out.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int dump_to_strbuf(const char *buffer, size_t size, void *data)
{
	erp__strbuf_append(data, buffer, size);
	return erp__strbuf_ok(data) ? 0 : -1;
}

char *erp__json_dumps(const json_t *value, size_t flags)
{
	erp__strbuf sb = ERP__STRBUF_INIT;
	if (json_dump_callback(value, dump_to_strbuf, &sb, flags) != 0 || !erp__strbuf_ok(&sb) || !sb.ptr) {
		erp__strbuf_free(&sb);
		return NULL;
	}
	return sb.ptr;
}

int erp__json_to_buf(erp_buf *out, const json_t *value)
{
	char *text = erp__json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return erp__oom();
	int rc = erp_buf_set(out, text, strlen(text));
	free(text);
	return rc;
}

json_t *erp__json_text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

void erp__json_set(json_t *object, const char *key, json_t *value, bool *ok)
{
	if (!*ok)
		json_decref(value);
	else if (!value || json_object_set_new(object, key, value) != 0) /* it drops `value` when it fails */
		*ok = false;
}

void erp__json_append(json_t *array, json_t *value, bool *ok)
{
	if (!*ok)
		json_decref(value);
	else if (!value || json_array_append_new(array, value) != 0) /* it drops `value` when it fails */
		*ok = false;
}

json_t *erp__json_stored(const char *text)
{
	if (!text)
		return json_null();
	json_error_t err;
	json_t *v = erp__json_loads(text, JSON_DECODE_ANY, &err);
	if (!v && erp__json_load_oom(&err))
		return NULL;
	return v ? v : json_string(text);
}

void erp__json_put_string(erp__strbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	erp__strbuf_putc(sb, '"');
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		erp__strbuf_append(sb, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': erp__strbuf_puts(sb, "\\\""); break;
		case '\\': erp__strbuf_puts(sb, "\\\\"); break;
		case '\n': erp__strbuf_puts(sb, "\\n"); break;
		case '\r': erp__strbuf_puts(sb, "\\r"); break;
		case '\t': erp__strbuf_puts(sb, "\\t"); break;
		default: {
			char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			erp__strbuf_append(sb, u, 6);
		}
		}
	}
	erp__strbuf_append(sb, s + start, len - start);
	erp__strbuf_putc(sb, '"');
}

void erp__json_put_key(erp__strbuf *sb, const char *key, bool first)
{
	if (!first)
		erp__strbuf_putc(sb, ',');
	erp__json_put_string(sb, key, strlen(key));
	erp__strbuf_putc(sb, ':');
}

/*
 * jansson drops a byte it cannot save (its lexer ignores a failed append)
 * and goes on, and it clears errno itself before it converts a number: a
 * failed allocation can leave a value without some of the text and no
 * trace once the parse is over. So the text is handed over one byte at a
 * time, and between two bytes an ENOMEM is latched before jansson can
 * clear it.
 */
typedef struct byte_feed {
	const char *p;
	size_t left;
	bool oom;
} byte_feed;

static size_t feed_one(void *buffer, size_t buflen, void *data)
{
	byte_feed *f = data;
	if (errno == ENOMEM)
		f->oom = true;
	if (!f->left || !buflen)
		return 0;
	*(char *)buffer = *f->p++;
	f->left--;
	return 1;
}

json_t *erp__json_loadb(const char *input, size_t len, size_t flags, json_error_t *err)
{
	byte_feed feed = { input, len, false };
	errno = 0;
	json_t *v = json_load_callback(feed_one, &feed, flags, err);
	if (feed.oom || errno == ENOMEM) {
		/* jansson went on after a failed allocation: the value may not be the text's */
		json_decref(v);
		errno = ENOMEM;
		return NULL;
	}
	return v;
}

json_t *erp__json_loads(const char *input, size_t flags, json_error_t *err)
{
	return erp__json_loadb(input, strlen(input), flags, err);
}

bool erp__json_load_oom(const json_error_t *err)
{
	return errno == ENOMEM || json_error_code(err) == json_error_out_of_memory;
}

int erp__json_parse_arg(json_t **root, const char *json, const char *entity)
{
	json_error_t jerr;
	*root = json ? erp__json_loads(json, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (*root)
		return ERP_OK;
	if (json && erp__json_load_oom(&jerr))
		return erp__oom();
	return erp__error(ERP_EINVALID, entity, "json", "%s", json ? jerr.text : "json is NULL");
}

int erp__json_opt_text(const char **out, const json_t *obj, const char *key, const char *entity, const char *field)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return ERP_OK;
	if (!json_is_string(v))
		return erp__error(ERP_EINVALID, entity, field, "%s must be a string", field);
	*out = json_string_value(v);
	return ERP_OK;
}

const char *erp__json_unknown_key(const json_t *obj, const char *const *known)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		const char *const *k = known;
		while (*k && strcmp(*k, key) != 0)
			k++;
		if (!*k)
			return key;
	}
	return NULL;
}

int erp__ids_json(erp_buf *out, const char (*ids)[37], size_t n)
{
	erp__strbuf sb = ERP__STRBUF_INIT;
	erp__strbuf_putc(&sb, '[');
	for (size_t i = 0; i < n; i++)
		erp__strbuf_printf(&sb, "%s\"%s\"", i ? "," : "", ids[i]);
	erp__strbuf_putc(&sb, ']');
	return erp__strbuf_detach(out, &sb);
}
