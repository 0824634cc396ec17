/* webform.c - one-time form tokens (webform.h).  The claim is an INSERT on
 * the token's primary key: of two submissions of one form, the database lets
 * exactly one insert, whichever backend arbitrates (SQLite's single writer,
 * PostgreSQL's unique index). */
#include "store/webform.h"

#include "store/sql.h"
#include "store/store.h"

static enum yy_err claim_tx(struct db *db, const char *token_hash, int64_t now, struct yy_error *e)
{
    PREP(del, db, "DELETE FROM web_forms WHERE created_at < $1", e);
    db_bind_int(del, 1, now - WEBFORM_TTL);
    enum yy_err rc = sql_run(del, e);
    if (rc != YY_OK)
        return rc;
    PREP(find, db, "SELECT 1 FROM web_forms WHERE token_hash = $1", e);
    db_bind_text(find, 1, token_hash);
    rc = sql_one(find, e);
    db_done(find);
    if (rc == YY_OK)
        return YY_CONFLICT;
    if (rc != YY_NOT_FOUND)
        return rc;
    PREP(st, db, "INSERT INTO web_forms (token_hash, result, created_at) VALUES ($1, NULL, $2)", e);
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, now);
    return sql_run(st, e);
}

enum yy_err store_webform_claim(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                                const char **result, struct yy_error *e)
{
    *result = NULL;
    enum yy_err rc = store_begin(db, e);
    if (rc != YY_OK)
        return rc;
    rc = claim_tx(db, token_hash, now, e);
    if (rc == YY_CONFLICT) {
        store_rollback(db);
        if (store_webform_get(db, a, token_hash, result, e) == YY_NOT_FOUND)
            *result = NULL;
        return YY_CONFLICT;
    }
    return store_finish(db, rc, e);
}

enum yy_err store_webform_once(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                               webform_fn fn, void *ctx, const char **result, struct yy_error *e)
{
    *result = NULL;
    enum yy_err rc = store_begin(db, e);
    if (rc != YY_OK)
        return rc;
    rc = claim_tx(db, token_hash, now, e);
    if (rc == YY_CONFLICT) { /* found, or a concurrent claim's unique violation */
        store_rollback(db);
        if (store_webform_get(db, a, token_hash, result, e) != YY_OK)
            *result = NULL;
        return YY_CONFLICT;
    }
    if (rc == YY_OK)
        rc = fn(ctx, result, e);
    if (rc == YY_OK) {
        struct db_stmt *st =
            db_prepare(db, "UPDATE web_forms SET result = $1 WHERE token_hash = $2", e);
        if (!st)
            rc = e ? e->kind : YY_INTERNAL;
        if (st) {
            db_bind_text(st, 1, *result ? *result : "{}");
            db_bind_text(st, 2, token_hash);
            rc = sql_run(st, e);
        }
    }
    if (rc != YY_OK)
        *result = NULL;
    return store_finish(db, rc, e);
}

enum yy_err store_webform_done(struct db *db, const char *token_hash, const char *result,
                               struct yy_error *e)
{
    enum yy_err rc = store_begin(db, e);
    if (rc != YY_OK)
        return rc;
    struct db_stmt *st =
        db_prepare(db, "UPDATE web_forms SET result = $1 WHERE token_hash = $2", e);
    if (!st)
        rc = e ? e->kind : YY_INTERNAL;
    if (st) {
        db_bind_text(st, 1, result);
        db_bind_text(st, 2, token_hash);
        rc = sql_run(st, e);
    }
    return store_finish(db, rc, e);
}

enum yy_err store_webform_release(struct db *db, const char *token_hash, struct yy_error *e)
{
    enum yy_err rc = store_begin(db, e);
    if (rc != YY_OK)
        return rc;
    struct db_stmt *st = db_prepare(db, "DELETE FROM web_forms WHERE token_hash = $1", e);
    if (!st)
        rc = e ? e->kind : YY_INTERNAL;
    if (st) {
        db_bind_text(st, 1, token_hash);
        rc = sql_run(st, e);
    }
    return store_finish(db, rc, e);
}

enum yy_err store_webform_get(struct db *db, struct arena *a, const char *token_hash,
                              const char **result, struct yy_error *e)
{
    struct db_stmt *st =
        db_prepare_primary(db, "SELECT result FROM web_forms WHERE token_hash = $1", e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_text(st, 1, token_hash);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        *result = sql_col_dup(a, st, 0);
    db_done(st);
    return rc;
}
