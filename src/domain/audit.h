/* audit.h - the audit trail's hash chain (DOMAIN.md, issue 4 "the audit
 * trail"): each entry's hash covers its own fields and the previous entry's
 * hash, so an edited, inserted or deleted entry breaks the chain at a place
 * `youyue audit verify` can name.  Pure: the hashing only; storage is in
 * store/audit.c. */
#ifndef YOUYUE_DOMAIN_AUDIT_H
#define YOUYUE_DOMAIN_AUDIT_H

#include <stdint.h>

#define AUDIT_HASH_LEN 64 /* SHA-256 in hex */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_entry {
    int64_t id;
    int64_t at;            /* unix seconds */
    int64_t actor_user_id; /* 0 for an anonymous caller or a command */
    const char *actor_role;/* role name, "anonymous" or "system" */
    const char *action;    /* e.g. "suggestion.assign" */
    const char *entity;    /* "concern", "suggestion", ... */
    int64_t entity_id;
    const char *detail;    /* compact JSON: what changed */
    const char *prev_hash;
    const char *hash;
};

/* SHA-256 (hex) over prev_hash and every field of e but hash, each
 * length-prefixed so no two different entries hash the same text. */
void audit_entry_hash(const struct audit_entry *e, char out[AUDIT_HASH_LEN + 1]);

#endif
