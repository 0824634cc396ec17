/* audit.c - the audit chain's hash; see audit.h. */
#include "domain/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void put_str(crypto_hash_sha256_state *st, const char *s)
{
    char len[24];
    size_t n = s ? strlen(s) : 0;
    int l = snprintf(len, sizeof(len), "%zu:", n);
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)l);
    if (n)
        crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

static void put_int(crypto_hash_sha256_state *st, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    put_str(st, buf);
}

void audit_entry_hash(const struct audit_entry *e, char out[AUDIT_HASH_LEN + 1])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    put_str(&st, "youyue-audit-v1");
    put_str(&st, e->prev_hash);
    put_int(&st, e->id);
    put_int(&st, e->at);
    put_int(&st, e->actor_user_id);
    put_str(&st, e->actor_role);
    put_str(&st, e->action);
    put_str(&st, e->entity);
    put_int(&st, e->entity_id);
    put_str(&st, e->detail);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, AUDIT_HASH_LEN + 1, h, sizeof(h));
}
