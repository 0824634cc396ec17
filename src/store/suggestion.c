/* suggestion.c (store) - suggestions over db.h; see store/suggestion.h.
 * Portable SQL only. */
#include "store/suggestion.h"

#include "core/timeutil.h"

static enum yy_err run(struct db *db, struct db_stmt *st, struct yy_error *e)
{
    (void)db;
    bool row;
    enum yy_err rc;
    do {
        rc = db_step(st, &row, e);
    } while (rc == YY_OK && row);
    db_done(st);
    return rc;
}

static enum yy_err exists(struct db *db, const char *sql, int64_t id, bool *found,
                          struct yy_error *e)
{
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, id);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    *found = rc == YY_OK && row && db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

enum yy_err store_suggestion_create_tx(struct db *db, const struct suggestion_draft *d,
                                       int64_t *id, struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    bool found;
    enum yy_err rc;
    for (size_t i = 0; i < d->n_cosigners; i++) {
        if ((rc = exists(db, "SELECT count(*) FROM deputies WHERE id = $1", d->cosigner_ids[i],
                         &found, e)) != YY_OK)
            return rc;
        if (!found || d->cosigner_ids[i] == d->author_id)
            return yy_fail(e, YY_BAD_INPUT, "unknown_deputy", "联名代表不存在或与领衔代表重复",
                           "co_signer_ids");
    }
    for (size_t i = 0; i < d->n_concerns; i++) {
        if ((rc = exists(db, "SELECT count(*) FROM concerns WHERE id = $1", d->concern_ids[i],
                         &found, e)) != YY_OK)
            return rc;
        if (!found)
            return yy_fail(e, YY_BAD_INPUT, "unknown_concern", "关联的群众意见不存在",
                           "concern_ids");
    }
    int64_t now = time_now();
    int64_t y;
    unsigned m, dd;
    time_civil_from_days((now + TIME_CST_OFFSET) / 86400, &y, &m, &dd);
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO suggestions (title, body, category, author_id,"
                                    " status, year, created_at, updated_at)"
                                    " VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id",
                                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_text(st, 1, d->title);
    db_bind_text(st, 2, d->body);
    db_bind_text(st, 3, d->category);
    db_bind_int(st, 4, d->author_id);
    db_bind_int(st, 5, y);
    db_bind_int(st, 6, now);
    bool row;
    rc = db_step(st, &row, e);
    if (rc == YY_OK && row)
        *id = db_col_int(st, 0);
    db_done(st);
    if (rc != YY_OK)
        return rc == YY_BAD_INPUT ? yy_fail(e, rc, "unknown_deputy", "领衔代表不存在", NULL) : rc;
    st = db_prepare(db,
                    "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role)"
                    " VALUES ($1, $2, 'author')",
                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, *id);
    db_bind_int(st, 2, d->author_id);
    if ((rc = run(db, st, e)) != YY_OK)
        return rc;
    for (size_t i = 0; i < d->n_cosigners; i++) {
        st = db_prepare(db,
                        "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role)"
                        " VALUES ($1, $2, 'cosigner')",
                        e);
        if (!st)
            return e ? e->kind : YY_INTERNAL;
        db_bind_int(st, 1, *id);
        db_bind_int(st, 2, d->cosigner_ids[i]);
        if ((rc = run(db, st, e)) != YY_OK)
            return rc == YY_CONFLICT ? yy_fail(e, YY_BAD_INPUT, "duplicate_deputy",
                                               "联名代表重复", "co_signer_ids")
                                     : rc;
    }
    for (size_t i = 0; i < d->n_concerns; i++) {
        st = db_prepare(db,
                        "INSERT INTO suggestion_concerns (suggestion_id, concern_id) VALUES ($1, $2)",
                        e);
        if (!st)
            return e ? e->kind : YY_INTERNAL;
        db_bind_int(st, 1, *id);
        db_bind_int(st, 2, d->concern_ids[i]);
        if ((rc = run(db, st, e)) != YY_OK)
            return rc == YY_CONFLICT ? yy_fail(e, YY_BAD_INPUT, "duplicate_concern",
                                               "关联的群众意见重复", "concern_ids")
                                     : rc;
    }
    return store_suggestion_event_tx(db, *id, "create", "deputy", "", e);
}

enum yy_err store_suggestion_event_tx(struct db *db, int64_t suggestion_id, const char *action,
                                      const char *actor_role, const char *note,
                                      struct yy_error *e)
{
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO suggestion_events (suggestion_id, at, action,"
                                    " actor_role, note) VALUES ($1, $2, $3, $4, $5)",
                                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, suggestion_id);
    db_bind_int(st, 2, time_now());
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, actor_role);
    db_bind_text(st, 5, note ? note : "");
    return run(db, st, e);
}
