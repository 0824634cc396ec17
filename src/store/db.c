/* db.c - chooses the backend from the database URL and dispatches db.h's calls
 * through its operations table (backend.h). */
#include "store/backend.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/sql.h"

bool db_url_is_postgres(const char *url)
{
    return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

bool db_like_pattern(const char *q, char *out, size_t n)
{
    size_t o = 0;
    if (n < 3)
        return false;
    out[o++] = '%';
    for (const char *p = q; *p; p++) {
        if (o + 4 > n)
            return false;
        if (*p == '%' || *p == '_' || *p == '\\')
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o++] = '%';
    out[o] = '\0';
    return true;
}

/* ---- group commit (db.h db_group_write) -------------------------------------------
 *
 * A queue of waiting writes under one mutex; each waiter sleeps on its own
 * condition variable (on its stack), so a finished batch wakes exactly its
 * own waiters and the next leader, not every thread.  The leader is the
 * waiter at the head of the queue when no batch runs; it takes the writer
 * (db_begin) first and cuts the batch after that, so whatever queued while it
 * waited for the writer (another thread's transaction, the previous batch's
 * commit) rides along. */

struct group_item {
    db_write_fn fn;
    void *ctx;
    struct yy_error *e;
    enum yy_err rc;
    bool done;
    pthread_cond_t cv;
    struct group_item *next;
};

struct db_group {
    pthread_mutex_t lock;
    struct group_item *head, *tail; /* waiting, not yet taken by a leader */
    size_t queued;
    bool running; /* a leader is running a batch */
    uint64_t batches, writes;
};

static struct db_group *group_new(void)
{
    struct db_group *g = calloc(1, sizeof(*g));
    if (g)
        pthread_mutex_init(&g->lock, NULL);
    return g;
}

static void group_free(struct db_group *g)
{
    if (!g)
        return;
    if (g->batches)
        log_msg("info", "group commit: %llu writes in %llu commits (%.1f per commit)",
                (unsigned long long)g->writes, (unsigned long long)g->batches,
                (double)g->writes / (double)g->batches);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

/* One write in its own savepoint of the running transaction.  *broken is set
 * when the savepoint could not be released: the transaction's state is then
 * unknown and the batch must not commit. */
static enum yy_err group_run_one(struct db *db, struct group_item *it, bool *broken)
{
    if (db_begin(db) != YY_OK) {
        *broken = true;
        return yy_fail(it->e, YY_UNAVAILABLE, "database_busy", "数据库繁忙,请稍后再试", NULL);
    }
    enum yy_err rc = it->fn(db, it->ctx, it->e);
    if (rc != YY_OK) {
        db_rollback(db); /* to the savepoint: only this write is undone */
        return rc;
    }
    if (db_commit(db) != YY_OK) {
        *broken = true;
        return yy_fail(it->e, YY_INTERNAL, "commit_failed", "保存失败,请重试", NULL);
    }
    return YY_OK;
}

/* Runs the batch in the transaction the leader began (began: its outcome)
 * and ends it: one commit for all. */
static void group_run(struct db *db, enum yy_err began, struct group_item *batch)
{
    if (began != YY_OK) {
        for (struct group_item *it = batch; it; it = it->next)
            it->rc = yy_fail(it->e, YY_UNAVAILABLE, "database_busy", "数据库繁忙,请稍后再试",
                             NULL);
        return;
    }
    bool broken = false;
    if (!batch->next) {
        /* alone: its own transaction, no savepoint needed (two statements
         * fewer when nobody else is writing) */
        batch->rc = batch->fn(db, batch->ctx, batch->e);
        if (batch->rc != YY_OK) {
            db_rollback(db);
            return;
        }
    } else {
        for (struct group_item *it = batch; it && !broken; it = it->next)
            it->rc = group_run_one(db, it, &broken);
    }
    enum yy_err rc;
    if (broken) {
        db_rollback(db);
        rc = YY_INTERNAL;
    } else {
        rc = db_commit(db);
    }
    if (rc == YY_OK)
        return;
    /* nothing of the batch was saved: every write fails, also those not run */
    for (struct group_item *it = batch; it; it = it->next)
        if (it->rc == YY_OK || broken)
            it->rc = yy_fail(it->e, rc == YY_UNAVAILABLE ? rc : YY_INTERNAL, "commit_failed",
                             "保存失败,请重试", NULL);
}

/* Not grouped: inside the caller's transaction (a savepoint), or its own. */
static enum yy_err run_alone(struct db *db, db_write_fn fn, void *ctx, struct yy_error *e)
{
    bool outer = !db_in_transaction(db);
    if (db_begin(db) != YY_OK)
        return yy_fail(e, YY_UNAVAILABLE, "database_busy", "数据库繁忙,请稍后再试", NULL);
    enum yy_err rc = fn(db, ctx, e);
    if (rc != YY_OK) {
        db_rollback(db);
        return rc;
    }
    enum yy_err c = db_commit(db);
    if (c != YY_OK)
        return yy_fail(e, c == YY_UNAVAILABLE && outer ? c : YY_INTERNAL, "commit_failed",
                       "保存失败,请重试", NULL);
    return YY_OK;
}

enum yy_err db_group_write(struct db *db, db_write_fn fn, void *ctx, struct yy_error *e)
{
    struct db_group *g = db->group;
    if (!g || db_in_transaction(db))
        return run_alone(db, fn, ctx, e);
    struct group_item me = {.fn = fn, .ctx = ctx, .e = e, .rc = YY_INTERNAL};
    pthread_cond_init(&me.cv, NULL);
    pthread_mutex_lock(&g->lock);
    if (g->tail)
        g->tail->next = &me;
    else
        g->head = &me;
    g->tail = &me;
    g->queued++;
    while (!me.done && (g->running || g->head != &me))
        pthread_cond_wait(&me.cv, &g->lock);
    if (me.done) {
        /* a leader ran and committed it (or failed it) */
        pthread_mutex_unlock(&g->lock);
        pthread_cond_destroy(&me.cv);
        if (me.rc == YY_OK && db->ops->note_commit)
            db->ops->note_commit(db);
        return me.rc;
    }
    /* the leader: first the writer, then the batch, which has grown meanwhile */
    g->running = true;
    pthread_mutex_unlock(&g->lock);
    enum yy_err began = db_begin(db);
    pthread_mutex_lock(&g->lock);
    struct group_item *batch = g->head, *last = batch; /* batch == &me */
    size_t n = 1;
    while (last->next && n < DB_GROUP_MAX) {
        last = last->next;
        n++;
    }
    g->head = last->next;
    if (!g->head)
        g->tail = NULL;
    last->next = NULL;
    g->queued -= n;
    pthread_mutex_unlock(&g->lock);

    group_run(db, began, batch);

    pthread_mutex_lock(&g->lock);
    g->running = false;
    g->batches++;
    g->writes += n;
    /* a woken waiter returns and its item (on its stack) is gone: read next
     * first; they cannot run before the unlock below */
    for (struct group_item *it = batch, *next; it; it = next) {
        next = it->next;
        it->done = true;
        if (it != &me)
            pthread_cond_signal(&it->cv);
    }
    if (g->head)
        pthread_cond_signal(&g->head->cv); /* the next leader */
    pthread_mutex_unlock(&g->lock);
    pthread_cond_destroy(&me.cv);
    return me.rc;
}

void db_group_stats(struct db *db, struct db_group_stats *out)
{
    memset(out, 0, sizeof(*out));
    struct db_group *g = db->group;
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    out->batches = g->batches;
    out->writes = g->writes;
    out->queued = g->queued;
    pthread_mutex_unlock(&g->lock);
}

/* ---- opening ----------------------------------------------------------------------- */

struct db *db_open(const char *url, bool create, struct yy_error *e)
{
    struct db *db = db_url_is_postgres(url)
                        ? pg_open(url, create, e)
                        : sqlite_open(!strncmp(url, "sqlite:", 7) ? url + 7 : url, create, e);
    if (db)
        db->group = group_new(); /* NULL (out of memory): writes just do not group */
    return db;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    group_free(db->group);
    db->group = NULL;
    db->ops->close(db);
}

const char *db_backend(const struct db *db)
{
    return db->ops->name;
}

enum yy_err db_migrate(struct db *db, struct yy_error *e)
{
    return db->ops->migrate(db, e);
}

int db_schema_version(struct db *db)
{
    return db->ops->schema_version(db);
}

enum yy_err db_backup(struct db *db, const char *path, struct yy_error *e)
{
    return db->ops->backup(db, path, e);
}

enum yy_err db_begin(struct db *db)
{
    return db->ops->begin(db);
}

enum yy_err db_commit(struct db *db)
{
    return db->ops->commit(db);
}

void db_rollback(struct db *db)
{
    db->ops->rollback(db);
}

bool db_in_transaction(struct db *db)
{
    return db->ops->in_transaction(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct yy_error *e)
{
    return db->ops->prepare(db, sql, e);
}

struct db_stmt *db_prepare_primary(struct db *db, const char *sql, struct yy_error *e)
{
    if (db->ops->prepare_primary)
        return db->ops->prepare_primary(db, sql, e);
    return db->ops->prepare(db, sql, e);
}
struct db_stmt *db_prepare_generic(struct db *db, const char *sql, struct yy_error *e)
{
    if (db->ops->prepare_generic)
        return db->ops->prepare_generic(db, sql, e);
    return db->ops->prepare(db, sql, e);
}


enum yy_err db_open_replica(struct db *db, const char *url, struct yy_error *e)
{
    if (!db->ops->open_replica)
        return yy_fail(e, YY_BAD_INPUT, "replica_unsupported",
                       "只读副本仅支持 PostgreSQL 数据库", "db-read");
    if (!db_url_is_postgres(url))
        return yy_fail(e, YY_BAD_INPUT, "invalid_replica",
                       "只读副本须为 postgresql:// 地址", "db-read");
    return db->ops->open_replica(db, url, e);
}

bool db_has_replica(struct db *db)
{
    return db->ops->has_replica && db->ops->has_replica(db);
}

enum yy_err db_search_condition(struct db *db, const char *table, const char *alias,
                                const char *const *cols, const char *q, int param, char *cond,
                                size_t cond_n, char *arg, size_t arg_n)
{
    return db->ops->search_condition(db, table, alias, cols, q, param, cond, cond_n, arg, arg_n);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    st->ops->bind_int(st, idx, v);
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
    st->ops->bind_double(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
    st->ops->bind_text(st, idx, s);
}

void db_bind_null(struct db_stmt *st, int idx)
{
    st->ops->bind_null(st, idx);
}

enum yy_err db_step(struct db_stmt *st, bool *row, struct yy_error *e)
{
    return st->ops->step(st, row, e);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    return st->ops->col_int(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    return st->ops->col_double(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    return st->ops->col_text(st, col);
}

bool db_col_null(struct db_stmt *st, int col)
{
    return st->ops->col_null(st, col);
}

void db_done(struct db_stmt *st)
{
    if (st)
        st->ops->done(st);
}

int64_t db_changes(struct db *db)
{
    return db->ops->changes(db);
}

uint64_t db_data_version(struct db *db)
{
    return db->ops->data_version ? db->ops->data_version(db) : 0;
}

enum yy_err db_exec(struct db *db, const char *sql, struct yy_error *e)
{
    PREP(st, db, sql, e);
    return sql_run(st, e);
}
