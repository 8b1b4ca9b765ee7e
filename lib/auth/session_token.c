/*
 * Session tokens: 32 random bytes as base64url, and the BLAKE2b-256 hash
 * that is all the store keeps of them (session_internal.h).
 */
#include "session_internal.h"

#include <sodium.h>
#include <string.h>

_Static_assert(ERP_SESSION_TOKEN_LEN == 43, "a 32-byte token is 43 base64url characters");

#define TOKEN_BYTES 32

static void hash_text(char hash[ERP__SESSION_HASH_LEN + 1], const char *token)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hash, ERP__SESSION_HASH_LEN + 1, h, sizeof h);
}

void erp__session_token_new(char token[ERP_SESSION_TOKEN_LEN + 1], char hash[ERP__SESSION_HASH_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, ERP_SESSION_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	hash_text(hash, token);
}

bool erp__session_token_hash(char hash[ERP__SESSION_HASH_LEN + 1], const char *token)
{
	unsigned char raw[TOKEN_BYTES];
	size_t len = 0;
	const char *end = NULL;
	if (!token || strnlen(token, ERP_SESSION_TOKEN_LEN + 1) != ERP_SESSION_TOKEN_LEN)
		return false;
	if (sodium_base642bin(raw, sizeof raw, token, ERP_SESSION_TOKEN_LEN, NULL, &len, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != TOKEN_BYTES || end != token + ERP_SESSION_TOKEN_LEN)
		return false;
	hash_text(hash, token);
	return true;
}
