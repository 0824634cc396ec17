/* audit.c (store) - the audit trail over db.h; see store/audit.h. */
#include "store/audit.h"

#include <string.h>

#include "core/timeutil.h"

static const char *text_or_empty(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? s : "";
}

enum yy_err audit_append(struct db *db, const struct audit_who *who, const char *action,
                         const char *entity, int64_t entity_id, const char *detail,
                         struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    /* the head row's lock serialises appenders until commit; taken and read
     * in one statement (a round trip less: under group commit one connection
     * appends a whole batch's entries one after the other) */
    struct db_stmt *st = db_prepare(
        db, "UPDATE audit_head SET last_id = last_id WHERE id = 1 RETURNING last_id, last_hash", e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && !row)
        rc = yy_fail(e, YY_INTERNAL, "audit_head_missing", "审计记录链头缺失", NULL);
    struct audit_entry en = {0};
    char prev[AUDIT_HASH_LEN + 1] = "";
    if (rc == YY_OK) {
        en.id = db_col_int(st, 0) + 1;
        const char *h = db_col_text(st, 1);
        if (!h || strlen(h) != AUDIT_HASH_LEN)
            rc = yy_fail(e, YY_INTERNAL, "audit_head_invalid", "审计记录链头已损坏", NULL);
        else
            memcpy(prev, h, AUDIT_HASH_LEN + 1);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;

    en.at = time_now();
    en.actor_user_id = who ? who->user_id : 0;
    en.actor_role = who && who->role ? who->role : "system";
    en.action = action;
    en.entity = entity;
    en.entity_id = entity_id;
    en.detail = detail ? detail : "{}";
    en.prev_hash = prev;
    char hash[AUDIT_HASH_LEN + 1];
    audit_entry_hash(&en, hash);

    st = db_prepare(db,
                    "INSERT INTO audit_log (id, at, actor_user_id, actor_role, action, entity,"
                    " entity_id, detail, prev_hash, hash)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, en.id);
    db_bind_int(st, 2, en.at);
    if (en.actor_user_id)
        db_bind_int(st, 3, en.actor_user_id);
    else
        db_bind_null(st, 3);
    db_bind_text(st, 4, en.actor_role);
    db_bind_text(st, 5, en.action);
    db_bind_text(st, 6, en.entity);
    db_bind_int(st, 7, en.entity_id);
    db_bind_text(st, 8, en.detail);
    db_bind_text(st, 9, prev);
    db_bind_text(st, 10, hash);
    rc = db_step(st, &row, e);
    db_done(st);
    if (rc != YY_OK)
        return rc;
    st = db_prepare(db, "UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1", e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, en.id);
    db_bind_text(st, 2, hash);
    rc = db_step(st, &row, e);
    db_done(st);
    return rc;
}

static void entry_row(struct arena *a, struct db_stmt *st, struct audit_entry *en)
{
    en->id = db_col_int(st, 0);
    en->at = db_col_int(st, 1);
    en->actor_user_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
    en->actor_role = arena_strdup(a, text_or_empty(st, 3));
    en->action = arena_strdup(a, text_or_empty(st, 4));
    en->entity = arena_strdup(a, text_or_empty(st, 5));
    en->entity_id = db_col_int(st, 6);
    en->detail = arena_strdup(a, text_or_empty(st, 7));
    en->prev_hash = arena_strdup(a, text_or_empty(st, 8));
    en->hash = arena_strdup(a, text_or_empty(st, 9));
}

#define AUDIT_COLS                                                                                \
    "id, at, actor_user_id, actor_role, action, entity, entity_id, detail, prev_hash, hash"

enum yy_err audit_verify(struct db *db, struct arena *a, struct audit_report *report,
                         struct yy_error *e)
{
    memset(report, 0, sizeof(*report));
    memcpy(report->head_hash, AUDIT_GENESIS, AUDIT_HASH_LEN + 1);
    /* one read transaction, so the chain and its head are one snapshot */
    enum yy_err rc = db_begin(db);
    if (rc != YY_OK)
        return yy_fail(e, rc, "database_busy", "数据库繁忙,请稍后再试", NULL);
    /* hold the head's lock: no append may slip in between the chain and the head */
    struct db_stmt *st =
        db_prepare(db, "UPDATE audit_head SET last_id = last_id WHERE id = 1", e);
    bool row;
    if (!st || (rc = db_step(st, &row, e)) != YY_OK) {
        if (st)
            db_done(st);
        db_rollback(db);
        return rc != YY_OK ? rc : (e ? e->kind : YY_INTERNAL);
    }
    db_done(st);
    st = db_prepare(db, "SELECT " AUDIT_COLS " FROM audit_log ORDER BY id", e);
    if (!st) {
        db_rollback(db);
        return e ? e->kind : YY_INTERNAL;
    }
    char expected_prev[AUDIT_HASH_LEN + 1];
    memcpy(expected_prev, AUDIT_GENESIS, sizeof(expected_prev));
    int64_t expected_id = 1;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        struct arena scratch = ARENA_INIT;
        struct audit_entry en;
        entry_row(&scratch, st, &en);
        char again[AUDIT_HASH_LEN + 1];
        audit_entry_hash(&en, again);
        const char *problem = NULL;
        if (en.id != expected_id)
            problem = en.id > expected_id ? "此前的审计记录被删除" : "审计记录编号异常(插入)";
        else if (strcmp(en.prev_hash, expected_prev) != 0)
            problem = "与前一条审计记录接不上(插入或删除)";
        else if (strcmp(en.hash, again) != 0)
            problem = "审计记录内容被修改";
        report->checked++;
        if (problem && !report->first_bad_id) {
            report->first_bad_id = en.id;
            report->problem = arena_strdup(a, problem);
        }
        if (strlen(en.hash) == AUDIT_HASH_LEN)
            memcpy(expected_prev, en.hash, AUDIT_HASH_LEN + 1);
        expected_id = en.id + 1;
        arena_release(&scratch);
    }
    db_done(st);
    if (rc == YY_OK) {
        st = db_prepare(db, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", e);
        if (st && (rc = db_step(st, &row, e)) == YY_OK) {
            const char *h = row ? db_col_text(st, 1) : NULL;
            int64_t last_id = row ? db_col_int(st, 0) : -1;
            if (!report->first_bad_id &&
                (!h || last_id != expected_id - 1 || strcmp(h, expected_prev) != 0)) {
                /* the newest entries are gone (or the head was tampered with) */
                report->first_bad_id = last_id > expected_id - 1 ? expected_id : last_id;
                if (report->first_bad_id <= 0)
                    report->first_bad_id = 1;
                report->problem = arena_strdup(a, "最新的审计记录被删除或链头被修改");
            }
        }
        if (st)
            db_done(st);
        else
            rc = e ? e->kind : YY_INTERNAL;
    }
    memcpy(report->head_hash, expected_prev, AUDIT_HASH_LEN + 1);
    db_rollback(db);
    if (rc != YY_OK)
        return rc;
    if (report->first_bad_id)
        return yy_fail(e, YY_CONFLICT, "audit_chain_broken",
                       arena_printf(a, "审计记录第%lld条有问题: %s",
                                    (long long)report->first_bad_id, report->problem),
                       NULL);
    return YY_OK;
}

enum yy_err audit_list(struct db *db, struct arena *a, const char *entity, int64_t entity_id,
                       int64_t after, size_t limit, struct audit_entry **out, size_t *n,
                       struct yy_error *e)
{
    struct db_stmt *st = db_prepare(db,
                                    "SELECT " AUDIT_COLS " FROM audit_log"
                                    " WHERE ($1 = '' OR (entity = $1 AND ($2 = 0 OR entity_id = $2)))"
                                    "   AND id > $3 ORDER BY id LIMIT $4",
                                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_text(st, 1, entity ? entity : "");
    db_bind_int(st, 2, entity_id);
    db_bind_int(st, 3, after);
    db_bind_int(st, 4, limit ? (int64_t)limit : INT64_MAX);
    size_t cap = limit ? limit : 64, cnt = 0;
    struct audit_entry *items = arena_calloc(a, cap, sizeof(*items));
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        if (cnt == cap) {
            struct audit_entry *bigger = arena_calloc(a, cap * 2, sizeof(*items));
            memcpy(bigger, items, cap * sizeof(*items));
            items = bigger;
            cap *= 2;
        }
        entry_row(a, st, &items[cnt++]);
    }
    db_done(st);
    *out = items;
    *n = cnt;
    return rc;
}
