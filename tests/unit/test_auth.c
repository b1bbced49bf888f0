/*
 * test_auth: argon2id password hashes and session tokens (auth/auth.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth/auth.h"

static void test_password(void **state)
{
	char h1[KVPT_AUTH_HASH_MAX], h2[KVPT_AUTH_HASH_MAX];

	assert_int_equal(kvpt_auth_init(), 0);
	assert_int_equal(kvpt_auth_hash_password("mật khẩu dài 123", h1), 0);
	assert_int_equal(kvpt_auth_hash_password("mật khẩu dài 123", h2), 0);
	/* argon2id, salted: the same password never hashes the same */
	assert_true(!strncmp(h1, "$argon2id$", 10));
	assert_string_not_equal(h1, h2);
	assert_true(kvpt_auth_verify_password(h1, "mật khẩu dài 123"));
	assert_true(kvpt_auth_verify_password(h2, "mật khẩu dài 123"));
	assert_false(kvpt_auth_verify_password(h1, "mat khau dai 123"));
	assert_false(kvpt_auth_verify_password(h1, ""));
	assert_false(kvpt_auth_verify_password("not a hash", "x"));
	assert_false(kvpt_auth_verify_password(NULL, "x"));
}

static void test_tokens(void **state)
{
	char a[KVPT_AUTH_TOKEN_HEX + 1], b[KVPT_AUTH_TOKEN_HEX + 1];
	uint8_t ha[KVPT_AUTH_TOKEN_HASH], ha2[KVPT_AUTH_TOKEN_HASH];
	uint8_t hb[KVPT_AUTH_TOKEN_HASH];
	char pw[17];
	size_t i;

	kvpt_auth_token(a);
	kvpt_auth_token(b);
	assert_int_equal(strlen(a), KVPT_AUTH_TOKEN_HEX);
	assert_int_equal(strspn(a, "0123456789abcdef"), KVPT_AUTH_TOKEN_HEX);
	assert_string_not_equal(a, b);
	kvpt_auth_token_hash(a, strlen(a), ha);
	kvpt_auth_token_hash(a, strlen(a), ha2);
	kvpt_auth_token_hash(b, strlen(b), hb);
	assert_true(kvpt_auth_equal(ha, ha2, sizeof(ha)));
	assert_false(kvpt_auth_equal(ha, hb, sizeof(ha)));
	kvpt_auth_random_password(pw, 16);
	assert_int_equal(strlen(pw), 16);
	for (i = 0; i < 16; i++)
		assert_true((pw[i] >= 'a' && pw[i] <= 'z') ||
			    (pw[i] >= 'A' && pw[i] <= 'Z') ||
			    (pw[i] >= '2' && pw[i] <= '9'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
