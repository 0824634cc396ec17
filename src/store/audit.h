/* audit.h (store) - appending to and verifying the audit trail.
 *
 * Every action is one transaction together with its audit entry: call
 * audit_append inside the action's store_begin/store_commit.  Appends are
 * serialised by a lock on the chain's head row (on SQLite the single writer
 * does it anyway), so concurrent actions never fork the chain.
 *
 * What the chain proves: an entry edited, inserted or deleted afterwards with
 * SQL is found by audit_verify, which names the first entry that does not
 * fit.  What it does not prove: someone who rewrites the whole chain from an
 * entry onwards and the head row too.  Against that, record the head hash
 * that `youyue audit verify` prints somewhere else now and then (a paper
 * ledger, a signed e-mail): a later verify that does not pass through it
 * shows the rewrite.
 */
#ifndef YOUYUE_STORE_AUDIT_H
#define YOUYUE_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/audit.h"
#include "store/db.h"

struct audit_who {
    int64_t user_id;  /* 0 when nobody is logged in (a resident) or a command runs */
    const char *role; /* the role acted in: a role name, "anonymous" or "system" */
};

/* Appends an entry; must run inside a transaction (YY_INTERNAL otherwise).
 * detail is compact JSON saying what changed (copied). */
enum yy_err audit_append(struct db *db, const struct audit_who *who, const char *action,
                         const char *entity, int64_t entity_id, const char *detail,
                         struct yy_error *e);

struct audit_report {
    int64_t checked;      /* entries read */
    int64_t first_bad_id; /* 0 when the chain is whole */
    const char *problem;  /* what is wrong there (arena), NULL when whole */
    char head_hash[AUDIT_HASH_LEN + 1]; /* the last entry's hash */
};

/* Walks the whole chain in id order.  YY_OK with report->first_bad_id == 0
 * when intact; YY_CONFLICT with the first bad entry named otherwise. */
enum yy_err audit_verify(struct db *db, struct arena *a, struct audit_report *report,
                         struct yy_error *e);

/* Entries for one entity (or all when entity is NULL), oldest first, after
 * id `after`, at most limit. */
enum yy_err audit_list(struct db *db, struct arena *a, const char *entity, int64_t entity_id,
                       int64_t after, size_t limit, struct audit_entry **out, size_t *n,
                       struct yy_error *e);

#endif
