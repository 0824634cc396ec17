/* auth.h - roles, scopes, passwords and tokens (DOMAIN.md §1, CONTRACT.md
 * "Sessions").  Computation only: hashing and random tokens, no storage. */
#ifndef YOUYUE_DOMAIN_AUTH_H
#define YOUYUE_DOMAIN_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum role {
    ROLE_RESIDENT,
    ROLE_DEPUTY,          /* scope: the deputy's id */
    ROLE_COMMUNITY_STAFF, /* scope: a community (region id) */
    ROLE_STREET_STAFF,    /* scope: a street or the development zone (region id) */
    ROLE_ADMIN,
    ROLE_LEADER,
    ROLE_UNIT_STAFF,      /* scope: a handling unit's id */
    ROLE_PROCURATOR,
};
#define ROLE_COUNT 8

struct role_grant {
    enum role role;
    int64_t scope_id; /* 0 for roles held for the whole district */
};

struct user {
    int64_t id;
    const char *login;
    const char *name;
    const char *password_hash;
    bool disabled;
    struct role_grant *roles;
    size_t n_roles;
};

const char *role_name(enum role r);
const char *role_label_zh(enum role r);
bool role_from_name(const char *s, enum role *out);
/* deputy, unit_staff, street_staff and community_staff are held for a scope. */
bool role_needs_scope(enum role r);
bool user_has_role(const struct user *u, enum role r);
/* True when u holds r for scope (or r is district-wide and u holds it). */
bool user_has_scoped_role(const struct user *u, enum role r, int64_t scope);

/* Logins: 3-64 characters of [A-Za-z0-9._@-]. */
enum yy_err login_validate(const char *login, struct yy_error *e);
/* Passwords: 8-128 bytes of valid UTF-8. */
enum yy_err password_validate(const char *pw, struct yy_error *e);

#define PASSWORD_HASH_MAX 128
/* Argon2id (libsodium crypto_pwhash_str_alg) with t=2, m=19 MiB (OWASP's
 * recommendation): strong, yet a handful of concurrent logins stay far below
 * the server's memory budget.  Returns YY_NOMEM when the hash cannot be made. */
enum yy_err password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* Constant-time verification against a stored hash.  With hash == NULL it
 * spends the same time on a dummy hash and returns false (unknown logins
 * must not answer faster). */
bool password_verify(const char *hash, const char *pw);

#define TOKEN_LEN 43      /* 32 random bytes, base64url without padding */
#define TOKEN_HASH_LEN 64 /* SHA-256 in hex */
/* A fresh random token (sessions, CSRF, bearer tokens). */
void token_new(char out[TOKEN_LEN + 1]);
/* What the database keeps of a token: SHA-256 hex, so a stolen database
 * yields no usable session. */
void token_hash(const char *token, char out[TOKEN_HASH_LEN + 1]);
/* Constant-time string equality (for CSRF tokens). */
bool token_equal(const char *a, const char *b);

/* Initialises libsodium; call once at start-up. Returns false on failure. */
bool auth_init(void);

#endif
