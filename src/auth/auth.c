/*
 * auth: argon2id password hashes and session tokens over libsodium
 * (auth.h).
 */
#include "auth/auth.h"
#include "model/model.h"

#include <sodium.h>
#include <string.h>

int kvpt_auth_init(void)
{
	return sodium_init() < 0 ? KVPT_EIO : 0;
}

int kvpt_auth_hash_password(const char *password,
			    char out[KVPT_AUTH_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= KVPT_AUTH_HASH_MAX,
		       "hash buffer too small");
	if (crypto_pwhash_str_alg(out, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return KVPT_EIO;
	return 0;
}

int kvpt_auth_verify_password(const char *hash, const char *password)
{
	if (!hash || !password)
		return 0;
	return crypto_pwhash_str_verify(hash, password,
					strlen(password)) == 0;
}

void kvpt_auth_token(char out[KVPT_AUTH_TOKEN_HEX + 1])
{
	unsigned char raw[KVPT_AUTH_TOKEN_HEX / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, KVPT_AUTH_TOKEN_HEX + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

void kvpt_auth_token_hash(const char *token, size_t len,
			  uint8_t out[KVPT_AUTH_TOKEN_HASH])
{
	crypto_generichash(out, KVPT_AUTH_TOKEN_HASH,
			   (const unsigned char *)token, len, NULL, 0);
}

int kvpt_auth_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

void kvpt_auth_random_password(char *out, size_t n)
{
	static const char alphabet[] =
		"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[n] = '\0';
}
