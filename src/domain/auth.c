/* auth.c - roles, passwords (Argon2id) and tokens; see auth.h. */
#include "domain/auth.h"

#include <sodium.h>
#include <string.h>

#include "core/utf8.h"

static const char *const role_names[ROLE_COUNT] = {
    "resident", "deputy", "community_staff", "street_staff",
    "admin",    "leader", "unit_staff",      "procurator",
};

static const char *const role_labels[ROLE_COUNT] = {
    "群众", "人大代表", "社区人大工作专职副书记", "街道人大工委",
    "区人大常委会代表工委", "主任会议成员", "承办单位", "区检察院公益诉讼部门",
};

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

const char *role_label_zh(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_labels[r] : "未知";
}

bool role_from_name(const char *s, enum role *out)
{
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (s && !strcmp(s, role_names[i])) {
            *out = (enum role)i;
            return true;
        }
    }
    return false;
}

bool role_needs_scope(enum role r)
{
    return r == ROLE_DEPUTY || r == ROLE_UNIT_STAFF || r == ROLE_STREET_STAFF ||
           r == ROLE_COMMUNITY_STAFF;
}

bool user_has_role(const struct user *u, enum role r)
{
    for (size_t i = 0; u && i < u->n_roles; i++)
        if (u->roles[i].role == r)
            return true;
    return false;
}

bool user_has_scoped_role(const struct user *u, enum role r, int64_t scope)
{
    for (size_t i = 0; u && i < u->n_roles; i++)
        if (u->roles[i].role == r && (!role_needs_scope(r) || u->roles[i].scope_id == scope))
            return true;
    return false;
}

enum yy_err login_validate(const char *login, struct yy_error *e)
{
    size_t n = login ? strlen(login) : 0;
    if (n < 3 || n > 64)
        return yy_fail(e, YY_BAD_INPUT, "invalid_login", "登录名须为3到64个字符", "login");
    for (size_t i = 0; i < n; i++) {
        char c = login[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '@' || c == '-';
        if (!ok)
            return yy_fail(e, YY_BAD_INPUT, "invalid_login",
                           "登录名只能包含字母、数字和 . _ @ -", "login");
    }
    return YY_OK;
}

enum yy_err password_validate(const char *pw, struct yy_error *e)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < 8)
        return yy_fail(e, YY_BAD_INPUT, "weak_password", "密码至少需要8个字符", "password");
    if (n > 128)
        return yy_fail(e, YY_BAD_INPUT, "invalid_password", "密码不能超过128个字节", "password");
    if (!utf8_valid(pw, n))
        return yy_fail(e, YY_BAD_INPUT, "invalid_password", "密码不是有效的UTF-8文本",
                       "password");
    return YY_OK;
}

static char dummy_hash[PASSWORD_HASH_MAX];

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT ((size_t)19 * 1024 * 1024)

enum yy_err password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
    _Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return YY_NOMEM;
    return YY_OK;
}

bool password_verify(const char *hash, const char *pw)
{
    if (!hash) {
        /* Spend the same work as a real verification against a hash made
         * once at start-up, so unknown logins do not answer faster. */
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
            return false;
        return false;
    }
    if (strncmp(hash, "$argon2id$", 10) != 0)
        return false;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void token_new(char out[TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

void token_hash(const char *token, char out[TOKEN_HASH_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, TOKEN_HASH_LEN + 1, h, sizeof(h));
}

bool token_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t n = strlen(a);
    if (n != strlen(b) || n == 0)
        return false;
    return sodium_memcmp(a, b, n) == 0;
}

bool auth_init(void)
{
    if (sodium_init() < 0)
        return false;
    if (!dummy_hash[0]) {
        char pw[TOKEN_LEN + 1];
        token_new(pw);
        if (password_hash(pw, dummy_hash) != YY_OK)
            return false;
    }
    return true;
}
