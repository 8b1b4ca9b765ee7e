/* Email addresses as login names (email.h). */
#include "email.h"

#include "ident.h"

#include <string.h>

bool erp__email_normalize(char out[ERP__EMAIL_MAX + 1], const char *in)
{
	size_t chars, at = 0, ats = 0;
	out[0] = '\0';
	if (!in)
		return false;
	size_t len = strnlen(in, ERP__EMAIL_MAX + 1);
	if (len < 3 || len > ERP__EMAIL_MAX || !erp__utf8_check(in, len, false, &chars))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == ' ' || c == '\t')
			return false;
		if (c == '@') {
			ats++;
			at = i;
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = '\0';
	if (ats != 1 || at == 0 || at == len - 1) {
		out[0] = '\0';
		return false;
	}
	return true;
}
