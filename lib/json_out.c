/* JSON output helpers (json_out.h). */
#include "json_out.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

int erp__json_to_buf(erp_buf *out, const json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
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
