/* Unit tests: password hashing, tokens and their hashes, name and password
 * rules, and the Origin check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "chat/accounts.h"
#include "core/auth.h"
#include "core/req.h"

static int setup(void **state)
{
	(void)state;
	return auth_init();
}

static void password_round_trip(void **state)
{
	(void)state;
	char hash[AUTH_HASH_MAX];
	assert_int_equal(auth_hash_password("correct horse", hash), 0);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_null(strstr(hash, "correct horse"));
	assert_true(auth_verify_password(hash, "correct horse"));
	assert_false(auth_verify_password(hash, "correct hors"));
	assert_false(auth_verify_password(hash, ""));
	/* An unknown user never matches, whatever the password. */
	assert_false(auth_verify_password(NULL, "correct horse"));
	char again[AUTH_HASH_MAX];
	assert_int_equal(auth_hash_password("correct horse", again), 0);
	assert_string_not_equal(hash, again); /* salted */
}

static void tokens_are_random_and_hashed(void **state)
{
	(void)state;
	char t1[AUTH_TOKEN_LEN + 1], h1[AUTH_TOKEN_HASH_LEN + 1];
	char t2[AUTH_TOKEN_LEN + 1], h2[AUTH_TOKEN_HASH_LEN + 1];
	auth_new_token(t1, h1);
	auth_new_token(t2, h2);
	assert_int_equal(strlen(t1), AUTH_TOKEN_LEN);
	assert_int_equal(strlen(h1), AUTH_TOKEN_HASH_LEN);
	assert_string_not_equal(t1, t2);
	assert_string_not_equal(h1, h2);
	for (const char *p = t1; *p; p++) /* URL- and cookie-safe */
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
	char again[AUTH_TOKEN_HASH_LEN + 1];
	auth_token_hash(t1, again);
	assert_string_equal(h1, again);
	assert_null(strstr(h1, t1));
}

static void username_rules(void **state)
{
	(void)state;
	assert_true(accounts_name_valid("ana"));
	assert_true(accounts_name_valid("Ana.Maria_99-x"));
	assert_true(accounts_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(accounts_name_valid("ab"));
	assert_false(accounts_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(accounts_name_valid("ana maria"));
	assert_false(accounts_name_valid("añа"));
	assert_false(accounts_name_valid("a<b>c"));
	assert_false(accounts_name_valid(""));
}

static void password_rules(void **state)
{
	(void)state;
	assert_non_null(auth_password_problem("short"));
	assert_null(auth_password_problem("12345678"));
	char long_pw[1100];
	memset(long_pw, 'a', sizeof(long_pw) - 1);
	long_pw[sizeof(long_pw) - 1] = '\0';
	assert_non_null(auth_password_problem(long_pw));
	long_pw[1024] = '\0';
	assert_null(auth_password_problem(long_pw));
}

static void origin_check(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	r.host = "127.0.0.1:8080";
	assert_true(auth_origin_ok(&r)); /* curl sends no Origin */
	r.origin = "http://127.0.0.1:8080";
	assert_true(auth_origin_ok(&r));
	r.origin = "http://evil.example";
	assert_false(auth_origin_ok(&r));
	r.origin = "http://127.0.0.1:8081";
	assert_false(auth_origin_ok(&r));
	r.origin = "http://127.0.0.1:8080.evil.example";
	assert_false(auth_origin_ok(&r));
	r.origin = "null";
	assert_false(auth_origin_ok(&r));
	r.host = NULL;
	r.origin = "http://127.0.0.1:8080";
	assert_false(auth_origin_ok(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_round_trip),
		cmocka_unit_test(tokens_are_random_and_hashed),
		cmocka_unit_test(username_rules),
		cmocka_unit_test(password_rules),
		cmocka_unit_test(origin_check),
	};
	return cmocka_run_group_tests_name("auth", tests, setup, NULL);
}
