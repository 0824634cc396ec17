/* test_auth.c - unit tests for roles, scopes, passwords and tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "domain/auth.h"

static int setup(void **state)
{
    (void)state;
    return auth_init() ? 0 : -1;
}

static void test_role_names(void **state)
{
    (void)state;
    static const char *const names[ROLE_COUNT] = {
        "resident", "deputy", "community_staff", "street_staff",
        "admin",    "leader", "unit_staff",      "procurator",
    };
    for (int i = 0; i < ROLE_COUNT; i++) {
        assert_string_equal(role_name((enum role)i), names[i]);
        enum role r = ROLE_ADMIN;
        assert_true(role_from_name(names[i], &r));
        assert_int_equal(r, i);
        const char *zh = role_label_zh((enum role)i);
        assert_non_null(zh);
        assert_true(strlen(zh) > 0);
        assert_string_not_equal(zh, "未知");
    }
    assert_string_equal(role_label_zh(ROLE_DEPUTY), "人大代表");
    assert_string_equal(role_name((enum role)ROLE_COUNT), "unknown");
    assert_string_equal(role_label_zh((enum role)99), "未知");
    enum role r = ROLE_LEADER;
    assert_false(role_from_name("Admin", &r));
    assert_false(role_from_name("admin ", &r));
    assert_false(role_from_name("", &r));
    assert_false(role_from_name("unknown", &r));
    assert_false(role_from_name(NULL, &r));
    assert_int_equal(r, ROLE_LEADER); /* untouched on failure */
}

static void test_role_needs_scope(void **state)
{
    (void)state;
    assert_true(role_needs_scope(ROLE_DEPUTY));
    assert_true(role_needs_scope(ROLE_UNIT_STAFF));
    assert_true(role_needs_scope(ROLE_STREET_STAFF));
    assert_true(role_needs_scope(ROLE_COMMUNITY_STAFF));
    assert_false(role_needs_scope(ROLE_RESIDENT));
    assert_false(role_needs_scope(ROLE_ADMIN));
    assert_false(role_needs_scope(ROLE_LEADER));
    assert_false(role_needs_scope(ROLE_PROCURATOR));
}

static void test_user_roles(void **state)
{
    (void)state;
    struct role_grant g[] = {
        {ROLE_STREET_STAFF, 5},
        {ROLE_DEPUTY, 12},
        {ROLE_ADMIN, 0},
    };
    struct user u = {.id = 1, .login = "x", .roles = g, .n_roles = 3};
    assert_true(user_has_role(&u, ROLE_STREET_STAFF));
    assert_true(user_has_role(&u, ROLE_ADMIN));
    assert_false(user_has_role(&u, ROLE_LEADER));
    assert_false(user_has_role(NULL, ROLE_ADMIN));

    assert_true(user_has_scoped_role(&u, ROLE_STREET_STAFF, 5));
    assert_false(user_has_scoped_role(&u, ROLE_STREET_STAFF, 6));
    assert_false(user_has_scoped_role(&u, ROLE_STREET_STAFF, 0));
    assert_true(user_has_scoped_role(&u, ROLE_DEPUTY, 12));
    assert_false(user_has_scoped_role(&u, ROLE_DEPUTY, 5));
    /* District-wide roles hold for any scope asked about. */
    assert_true(user_has_scoped_role(&u, ROLE_ADMIN, 0));
    assert_true(user_has_scoped_role(&u, ROLE_ADMIN, 77));
    /* Roles not held do not hold for any scope. */
    assert_false(user_has_scoped_role(&u, ROLE_LEADER, 0));
    assert_false(user_has_scoped_role(&u, ROLE_COMMUNITY_STAFF, 5));
    assert_false(user_has_scoped_role(NULL, ROLE_ADMIN, 0));
    struct user none = {.id = 2};
    assert_false(user_has_scoped_role(&none, ROLE_RESIDENT, 0));
}

static void test_login_validate(void **state)
{
    (void)state;
    struct yy_error e = {0};
    assert_int_equal(login_validate("abc", &e), YY_OK);
    assert_int_equal(login_validate("A.b_c@d-9", &e), YY_OK);
    char l64[65], l65[66];
    memset(l64, 'a', 64);
    l64[64] = '\0';
    memset(l65, 'a', 65);
    l65[65] = '\0';
    assert_int_equal(login_validate(l64, &e), YY_OK);

    static const char *const bad[] = {"", "ab", "a b", "ab!", "张三丰", "abc\n", "ab/c", "a:bc"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&e, 0, sizeof(e));
        assert_int_equal(login_validate(bad[i], &e), YY_BAD_INPUT);
        assert_int_equal(e.kind, YY_BAD_INPUT);
        assert_string_equal(e.code, "invalid_login");
        assert_string_equal(e.field, "login");
        assert_non_null(e.message);
    }
    assert_int_equal(login_validate(l65, &e), YY_BAD_INPUT);
    assert_int_equal(login_validate(NULL, &e), YY_BAD_INPUT);
    assert_int_equal(login_validate("abc", NULL), YY_OK);
    assert_int_equal(login_validate("a", NULL), YY_BAD_INPUT);
}

static void test_password_validate(void **state)
{
    (void)state;
    struct yy_error e = {0};
    assert_int_equal(password_validate("12345678", &e), YY_OK);
    assert_int_equal(password_validate("密码密码密码", &e), YY_OK); /* 18 bytes */
    assert_int_equal(password_validate("with space and !@#", &e), YY_OK);

    assert_int_equal(password_validate("1234567", &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "weak_password");
    assert_string_equal(e.field, "password");
    assert_int_equal(password_validate("", &e), YY_BAD_INPUT);
    assert_int_equal(password_validate(NULL, &e), YY_BAD_INPUT);
    /* "密码" is 6 bytes: too short although two characters are fine in a login form. */
    assert_int_equal(password_validate("密码", &e), YY_BAD_INPUT);

    char p128[129], p129[130];
    memset(p128, 'x', 128);
    p128[128] = '\0';
    memset(p129, 'x', 129);
    p129[129] = '\0';
    assert_int_equal(password_validate(p128, &e), YY_OK);
    memset(&e, 0, sizeof(e));
    assert_int_equal(password_validate(p129, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "invalid_password");
    assert_string_equal(e.field, "password");

    memset(&e, 0, sizeof(e));
    assert_int_equal(password_validate("abcdefg\xff", &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "invalid_password");
    assert_int_equal(password_validate("abcdefg\xc0\xaf", &e), YY_BAD_INPUT); /* overlong */
    assert_int_equal(password_validate("abcdef\xe5\xaf", &e), YY_BAD_INPUT);  /* truncated */
}

static void test_password_hash_verify(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_MAX];
    memset(h, 0, sizeof(h));
    assert_int_equal(password_hash("correct horse 电池", h), YY_OK);
    assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
    assert_non_null(memchr(h, '\0', sizeof(h)));
    assert_non_null(strstr(h, "m=19456"));
    assert_non_null(strstr(h, "t=2"));
    assert_true(password_verify(h, "correct horse 电池"));
    assert_false(password_verify(h, "correct horse 电"));
    assert_false(password_verify(h, "Correct horse 电池"));
    assert_false(password_verify(h, ""));

    /* Salted: the same password hashes differently, and both verify. */
    char h2[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash("correct horse 电池", h2), YY_OK);
    assert_string_not_equal(h, h2);
    assert_true(password_verify(h2, "correct horse 电池"));

    /* Unknown login: dummy work, always false. */
    assert_false(password_verify(NULL, "correct horse 电池"));
    assert_false(password_verify(NULL, ""));

    /* Garbage and hashes of other algorithms are refused. */
    assert_false(password_verify("", "x"));
    assert_false(password_verify("plain", "plain"));
    /* A genuine Argon2i hash of the right password: libsodium itself would
     * accept it, the platform must not. */
    char argon2i[crypto_pwhash_argon2i_STRBYTES];
    assert_int_equal(crypto_pwhash_argon2i_str(argon2i, "correct horse 电池",
                                               strlen("correct horse 电池"),
                                               crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE),
                     0);
    assert_int_equal(strncmp(argon2i, "$argon2i$", 9), 0);
    assert_int_equal(crypto_pwhash_str_verify(argon2i, "correct horse 电池",
                                              strlen("correct horse 电池")),
                     0);
    assert_false(password_verify(argon2i, "correct horse 电池"));
    /* A bcrypt hash of "password" (from the OpenBSD test vectors' format). */
    assert_false(password_verify("$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m",
                                 "password"));
    /* A truncated argon2id hash does not verify. */
    char cut[PASSWORD_HASH_MAX];
    memcpy(cut, h, sizeof(h));
    cut[strlen(cut) - 5] = '\0';
    assert_false(password_verify(cut, "correct horse 电池"));
}

static void test_token_new(void **state)
{
    (void)state;
    enum { N = 64 };
    char toks[N][TOKEN_LEN + 1];
    for (int i = 0; i < N; i++) {
        memset(toks[i], '#', sizeof(toks[i]));
        token_new(toks[i]);
        assert_int_equal(strlen(toks[i]), TOKEN_LEN);
        for (size_t k = 0; k < TOKEN_LEN; k++) {
            char c = toks[i][k];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_';
            assert_true(ok);
        }
        for (int j = 0; j < i; j++)
            assert_string_not_equal(toks[i], toks[j]);
    }
}

static void test_token_hash(void **state)
{
    (void)state;
    char out[TOKEN_HASH_LEN + 1];
    token_hash("abc", out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    token_hash("", out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    char t[TOKEN_LEN + 1];
    token_new(t);
    char a[TOKEN_HASH_LEN + 1], b[TOKEN_HASH_LEN + 1];
    token_hash(t, a);
    token_hash(t, b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), TOKEN_HASH_LEN);
    for (size_t i = 0; i < TOKEN_HASH_LEN; i++)
        assert_non_null(strchr("0123456789abcdef", a[i]));
}

static void test_token_equal(void **state)
{
    (void)state;
    assert_true(token_equal("abc", "abc"));
    assert_false(token_equal("abc", "abd"));
    assert_false(token_equal("abc", "abcd"));
    assert_false(token_equal("abcd", "abc"));
    assert_false(token_equal("", ""));
    assert_false(token_equal("", "a"));
    assert_false(token_equal(NULL, "abc"));
    assert_false(token_equal("abc", NULL));
    assert_false(token_equal(NULL, NULL));
    char t[TOKEN_LEN + 1], u[TOKEN_LEN + 1];
    token_new(t);
    memcpy(u, t, sizeof(t));
    assert_true(token_equal(t, u));
    u[TOKEN_LEN - 1] = u[TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
    assert_false(token_equal(t, u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_role_needs_scope),
        cmocka_unit_test(test_user_roles),
        cmocka_unit_test(test_login_validate),
        cmocka_unit_test(test_password_validate),
        cmocka_unit_test(test_password_hash_verify),
        cmocka_unit_test(test_token_new),
        cmocka_unit_test(test_token_hash),
        cmocka_unit_test(test_token_equal),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
