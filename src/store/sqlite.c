/* sqlite.c - the SQLite backend of db.h: the embedded default for one district
 * on one machine.
 *
 * Design (see db.h for the contract):
 *  - WAL journal, synchronous=FULL (an acknowledged write survives a crash and
 *    a power cut), foreign keys on, busy timeout for other processes.
 *  - One writer connection behind a mutex: db_begin takes the mutex and runs
 *    BEGIN IMMEDIATE, so writers in this process queue rather than hit
 *    SQLITE_BUSY.  The thread that holds it uses the writer for reads too.
 *  - Each other thread reads on its own read-only connection, opened on first
 *    use and closed by db_close.
 *  - Prepared statements are cached per connection, keyed by SQL text.
 *  - Group commit (db.h db_group_write, db.c): the leader thread holds the
 *    writer for a whole batch, each write in a savepoint, and one COMMIT
 *    (one WAL fsync) makes the batch durable.
 */
#include "store/backend.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utf8.h"
#include "store/schema.h"

#define CACHE_SLOTS 256

struct cached {
    char *sql;
    struct sq_stmt *st;
};

struct conn {
    sqlite3 *h;
    struct cached cache[CACHE_SLOTS];
    struct conn *next_reader;   /* list of all readers, for db_close */
    sqlite3_stmt *data_version; /* PRAGMA data_version, prepared on first use */
    int64_t seen_data_version;  /* its last value, -1 before the first */
};

struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *s;
    struct conn *conn;
    bool cached;
    bool in_use;
    bool stepped;
    bool done; /* stepped past the last row */
};

struct sq_db {
    struct db base;
    char *path;
    struct conn writer;
    pthread_mutex_t wlock;
    pthread_key_t reader_key;
    pthread_mutex_t readers_lock;
    struct conn *readers;
    /* db_data_version: bumped (atomically) after every outermost commit, and
     * by any thread whose read connection sees another connection's commit.
     * Starts at 1; 0 means "unknown". */
    uint64_t version;
};

#define SQ(db) ((struct sq_db *)(void *)(db))
#define SQS(st) ((struct sq_stmt *)(void *)(st))

static const struct db_ops sqlite_ops;

/* The transaction this thread holds, if any (one db per thread at a time). */
static _Thread_local struct sq_db *tx_db;
static _Thread_local int tx_depth;

static enum yy_err sqlite_error(struct yy_error *e, sqlite3 *h, int rc, const char *what)
{
    int base = rc & 0xff;
    if (base == SQLITE_CONSTRAINT) {
        int ext = rc;
        if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
            return yy_fail(e, YY_CONFLICT, "duplicate", "记录已存在,不能重复", NULL);
        if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
            return yy_fail(e, YY_BAD_INPUT, "unknown_reference", "引用的记录不存在", NULL);
        return yy_fail(e, YY_BAD_INPUT, "constraint_failed", "数据不符合要求", NULL);
    }
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return yy_fail(e, YY_UNAVAILABLE, "database_busy", "数据库繁忙,请稍后再试", NULL);
    log_msg("error", "sqlite %s: %s (%d)", what, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc), rc);
    if (base == SQLITE_FULL || base == SQLITE_IOERR || base == SQLITE_CANTOPEN)
        return yy_fail(e, YY_IO, "storage_error", "数据存储失败", NULL);
    return yy_fail(e, YY_INTERNAL, "database_error", "数据库错误", NULL);
}

static int conn_open(struct conn *c, const char *path, bool readonly, bool create)
{
    memset(c, 0, sizeof(*c));
    c->seen_data_version = -1;
    int flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    if (create && !readonly)
        flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &c->h, flags, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_extended_result_codes(c->h, 1);
    sqlite3_busy_timeout(c->h, 5000);
    const char *pragmas = readonly ? "PRAGMA foreign_keys=ON;"
                                   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                     " PRAGMA foreign_keys=ON;";
    return sqlite3_exec(c->h, pragmas, NULL, NULL, NULL);
}

static void conn_close(struct conn *c)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (c->cache[i].st) {
            sqlite3_finalize(c->cache[i].st->s);
            free(c->cache[i].st);
            free(c->cache[i].sql);
        }
    }
    sqlite3_finalize(c->data_version);
    c->data_version = NULL;
    sqlite3_close_v2(c->h);
    c->h = NULL;
}

struct db *sqlite_open(const char *path, bool create, struct yy_error *e)
{
    if (!*path) {
        yy_fail(e, YY_BAD_INPUT, "invalid_db", "数据库路径为空", "db");
        return NULL;
    }
    if (!create && access(path, F_OK) != 0) {
        yy_fail(e, YY_NOT_FOUND, "db_not_found", "数据库文件不存在", "db");
        return NULL;
    }
    struct sq_db *db = calloc(1, sizeof(*db));
    if (!db) {
        yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
        return NULL;
    }
    db->base.ops = &sqlite_ops;
    db->version = 1;
    db->path = strdup(path);
    pthread_mutex_init(&db->wlock, NULL);
    pthread_mutex_init(&db->readers_lock, NULL);
    pthread_key_create(&db->reader_key, NULL);
    int rc = conn_open(&db->writer, path, false, create);
    if (rc != SQLITE_OK) {
        char *msg = NULL;
        if (db->writer.h)
            msg = strdup(sqlite3_errmsg(db->writer.h));
        log_msg("error", "cannot open database %s: %s", path, msg ? msg : sqlite3_errstr(rc));
        free(msg);
        yy_fail(e, YY_IO, "db_open_failed", "无法打开数据库", "db");
        sqlite_ops.close(&db->base);
        return NULL;
    }
    return &db->base;
}

static void sq_close(struct db *base)
{
    struct sq_db *db = SQ(base);
    struct conn *r = db->readers;
    while (r) {
        struct conn *next = r->next_reader;
        conn_close(r);
        free(r);
        r = next;
    }
    if (db->writer.h)
        conn_close(&db->writer);
    pthread_key_delete(db->reader_key);
    pthread_mutex_destroy(&db->wlock);
    pthread_mutex_destroy(&db->readers_lock);
    free(db->path);
    free(db);
}

/* The connection this thread uses now: the writer inside a transaction, else
 * its own reader. NULL when a reader cannot be opened. */
static struct conn *reader_conn(struct sq_db *db);

static struct conn *current_conn(struct sq_db *db)
{
    if (tx_db == db && tx_depth > 0)
        return &db->writer;
    return reader_conn(db);
}

/* This thread's own read connection, opened on first use; NULL when it
 * cannot be opened. */
static struct conn *reader_conn(struct sq_db *db)
{
    struct conn *c = pthread_getspecific(db->reader_key);
    if (c)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    int rc = conn_open(c, db->path, true, false);
    if (rc != SQLITE_OK) {
        log_msg("error", "cannot open read connection: %s", sqlite3_errstr(rc));
        if (c->h)
            sqlite3_close_v2(c->h);
        free(c);
        return NULL;
    }
    pthread_mutex_lock(&db->readers_lock);
    c->next_reader = db->readers;
    db->readers = c;
    pthread_mutex_unlock(&db->readers_lock);
    pthread_setspecific(db->reader_key, c);
    return c;
}

/* ---- transactions -------------------------------------------------------- */

static enum yy_err sq_begin(struct db *base)
{
    struct sq_db *db = SQ(base);
    if (tx_db == db && tx_depth > 0) {
        /* nested: a savepoint, so an inner failure undoes only the inner part */
        char sql[48];
        snprintf(sql, sizeof(sql), "SAVEPOINT sp%d", tx_depth);
        int rc = sqlite3_exec(db->writer.h, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return sqlite_error(NULL, db->writer.h, rc, "savepoint");
        tx_depth++;
        return YY_OK;
    }
    pthread_mutex_lock(&db->wlock);
    int rc = sqlite3_exec(db->writer.h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        pthread_mutex_unlock(&db->wlock);
        return sqlite_error(NULL, db->writer.h, rc, "begin");
    }
    tx_db = db;
    tx_depth = 1;
    return YY_OK;
}

static enum yy_err sq_commit(struct db *base)
{
    struct sq_db *db = SQ(base);
    if (tx_db != db || tx_depth <= 0)
        return YY_INTERNAL;
    if (tx_depth > 1) {
        char sql[48];
        tx_depth--;
        snprintf(sql, sizeof(sql), "RELEASE sp%d", tx_depth);
        int rc = sqlite3_exec(db->writer.h, sql, NULL, NULL, NULL);
        return rc == SQLITE_OK ? YY_OK : sqlite_error(NULL, db->writer.h, rc, "release");
    }
    tx_depth = 0;
    int rc = sqlite3_exec(db->writer.h, "COMMIT", NULL, NULL, NULL);
    enum yy_err out = YY_OK;
    if (rc != SQLITE_OK) {
        out = sqlite_error(NULL, db->writer.h, rc, "commit");
        sqlite3_exec(db->writer.h, "ROLLBACK", NULL, NULL, NULL);
    }
    /* after COMMIT returned, so whoever sees the new version reads the new
     * data (bumped after a failed commit too: harmless, and simpler) */
    __atomic_add_fetch(&db->version, 1, __ATOMIC_SEQ_CST);
    tx_db = NULL;
    pthread_mutex_unlock(&db->wlock);
    return out;
}

static void sq_rollback(struct db *base)
{
    struct sq_db *db = SQ(base);
    if (tx_db != db || tx_depth <= 0)
        return;
    if (tx_depth > 1) {
        char sql[64];
        tx_depth--;
        snprintf(sql, sizeof(sql), "ROLLBACK TO sp%d; RELEASE sp%d", tx_depth, tx_depth);
        sqlite3_exec(db->writer.h, sql, NULL, NULL, NULL);
        return;
    }
    tx_depth = 0;
    tx_db = NULL;
    sqlite3_exec(db->writer.h, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&db->wlock);
}

static bool sq_in_transaction(struct db *base)
{
    struct sq_db *db = SQ(base);
    return tx_db == db && tx_depth > 0;
}

/* ---- statements ---------------------------------------------------------- */

static size_t hash_sql(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct db_stmt *sq_prepare(struct db *base, const char *sql, struct yy_error *e)
{
    struct sq_db *db = SQ(base);
    struct conn *c = current_conn(db);
    if (!c) {
        yy_fail(e, YY_IO, "db_open_failed", "无法打开数据库", NULL);
        return NULL;
    }
    size_t h = hash_sql(sql) % CACHE_SLOTS;
    size_t slot = CACHE_SLOTS;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        size_t k = (h + i) % CACHE_SLOTS;
        if (!c->cache[k].st) {
            slot = k;
            break;
        }
        if (!strcmp(c->cache[k].sql, sql)) {
            if (!c->cache[k].st->in_use) {
                struct sq_stmt *st = c->cache[k].st;
                st->in_use = true;
                st->stepped = false;
                st->done = false;
                return &st->base;
            }
            break; /* in use (re-entrant use): prepare a one-off below */
        }
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(c->h, sql, -1, slot < CACHE_SLOTS ? SQLITE_PREPARE_PERSISTENT : 0,
                                &s, NULL);
    if (rc != SQLITE_OK) {
        sqlite_error(e, c->h, rc, "prepare");
        log_msg("error", "in SQL: %s", sql);
        return NULL;
    }
    struct sq_stmt *st = calloc(1, sizeof(*st));
    if (!st) {
        sqlite3_finalize(s);
        yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
        return NULL;
    }
    st->base.ops = &sqlite_ops;
    st->s = s;
    st->conn = c;
    st->in_use = true;
    if (slot < CACHE_SLOTS) {
        c->cache[slot].sql = strdup(sql);
        c->cache[slot].st = st;
        st->cached = true;
    }
    return &st->base;
}

static void sq_bind_int(struct db_stmt *st_, int idx, int64_t v)
{
    struct sq_stmt *st = SQS(st_);
    sqlite3_bind_int64(st->s, idx, v);
}

static void sq_bind_double(struct db_stmt *st_, int idx, double v)
{
    struct sq_stmt *st = SQS(st_);
    sqlite3_bind_double(st->s, idx, v);
}

static void sq_bind_text(struct db_stmt *st_, int idx, const char *s)
{
    struct sq_stmt *st = SQS(st_);
    if (s)
        sqlite3_bind_text(st->s, idx, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st->s, idx);
}

static void sq_bind_null(struct db_stmt *st_, int idx)
{
    struct sq_stmt *st = SQS(st_);
    sqlite3_bind_null(st->s, idx);
}

static enum yy_err sq_step(struct db_stmt *st_, bool *row, struct yy_error *e)
{
    struct sq_stmt *st = SQS(st_);
    *row = false;
    if (st->done)
        return YY_OK;
    st->stepped = true;
    int rc = sqlite3_step(st->s);
    if (rc == SQLITE_ROW) {
        *row = true;
        return YY_OK;
    }
    st->done = true;
    if (rc == SQLITE_DONE)
        return YY_OK;
    return sqlite_error(e, st->conn->h, sqlite3_extended_errcode(st->conn->h), "step");
}

static int64_t sq_col_int(struct db_stmt *st_, int col)
{
    struct sq_stmt *st = SQS(st_);
    return sqlite3_column_int64(st->s, col);
}

static double sq_col_double(struct db_stmt *st_, int col)
{
    struct sq_stmt *st = SQS(st_);
    return sqlite3_column_double(st->s, col);
}

static const char *sq_col_text(struct db_stmt *st_, int col)
{
    struct sq_stmt *st = SQS(st_);
    return (const char *)sqlite3_column_text(st->s, col);
}

static bool sq_col_null(struct db_stmt *st_, int col)
{
    struct sq_stmt *st = SQS(st_);
    return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

static void sq_done(struct db_stmt *st_)
{
    struct sq_stmt *st = SQS(st_);
    sqlite3_reset(st->s);
    sqlite3_clear_bindings(st->s);
    if (st->cached) {
        st->in_use = false;
    } else {
        sqlite3_finalize(st->s);
        free(st);
    }
}

static int64_t sq_changes(struct db *base)
{
    struct sq_db *db = SQ(base);
    struct conn *c = current_conn(db);
    return c ? sqlite3_changes64(c->h) : 0;
}

/* db_data_version: see db.h and struct sq_db.  PRAGMA data_version on this
 * thread's read connection changes whenever another connection - this
 * process's writer, or another process such as `youyue import` - has
 * committed since the connection last asked; a change seen here bumps the
 * shared counter before it is read, so no commit that completed before this
 * call can hide behind an old value.  A connection's first answer counts as a
 * change too (there is nothing to compare it with), so each thread costs the
 * caches one round of misses after start-up. */
static uint64_t sq_data_version(struct db *base)
{
    struct sq_db *db = SQ(base);
    if (tx_db == db && tx_depth > 0)
        return 0; /* this thread's own uncommitted writes: not shareable */
    struct conn *c = reader_conn(db);
    if (!c)
        return 0;
    if (!c->data_version &&
        sqlite3_prepare_v3(c->h, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                           &c->data_version, NULL) != SQLITE_OK) {
        c->data_version = NULL;
        return 0;
    }
    int rc = sqlite3_step(c->data_version);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(c->data_version, 0) : -1;
    sqlite3_reset(c->data_version);
    if (v < 0)
        return 0;
    if (v != c->seen_data_version) {
        c->seen_data_version = v;
        __atomic_add_fetch(&db->version, 1, __ATOMIC_SEQ_CST);
    }
    return __atomic_load_n(&db->version, __ATOMIC_SEQ_CST);
}

/* ---- text search --------------------------------------------------------- */

/* "q" as an FTS5 phrase: between double quotes, its own quotes doubled, so
 * operators (OR, NEAR, *, ^, :) inside are plain text. */
static bool fts_phrase(const char *q, char *out, size_t n)
{
    size_t o = 0;
    if (n < 3)
        return false;
    out[o++] = '"';
    for (const char *p = q; *p; p++) {
        if (o + 4 > n)
            return false;
        if (*p == '"')
            out[o++] = '"';
        out[o++] = *p;
    }
    out[o++] = '"';
    out[o] = '\0';
    return true;
}

/* Trigrams need 3 characters: shorter queries scan with LIKE (ASCII letters
 * in any case, as the trigram tokenizer folds them). */
static enum yy_err sq_search_condition(struct db *base, const char *table, const char *alias,
                                       const char *const *cols, const char *q, int param,
                                       char *cond, size_t cond_n, char *arg, size_t arg_n)
{
    (void)base;
    const char *who = alias ? alias : table;
    size_t used = 0;
    bool ok;
    if (utf8_length(q, strlen(q)) >= 3) {
        ok = fts_phrase(q, arg, arg_n);
        int w = snprintf(cond, cond_n, "%s.id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH $%d)",
                         who, table, table, param);
        ok = ok && w > 0 && (size_t)w < cond_n;
    } else {
        ok = db_like_pattern(q, arg, arg_n) && cond_n > 2;
        if (ok)
            cond[used++] = '(';
        for (size_t i = 0; ok && cols[i]; i++) {
            int w = snprintf(cond + used, cond_n - used, "%s%s.%s LIKE $%d ESCAPE '\\'",
                             i ? " OR " : "", who, cols[i], param);
            ok = w > 0 && (size_t)w < cond_n - used;
            if (ok)
                used += (size_t)w;
        }
        ok = ok && used + 2 <= cond_n;
        if (ok) {
            cond[used++] = ')';
            cond[used] = '\0';
        }
    }
    if (!ok) {
        log_msg("error", "search condition for %s does not fit", table);
        return YY_INTERNAL;
    }
    return YY_OK;
}

/* ---- schema and backup --------------------------------------------------- */

static int sq_schema_version(struct db *base)
{
    struct sq_db *db = SQ(base);
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(db->writer.h, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    return v;
}

static enum yy_err sq_migrate(struct db *base, struct yy_error *e)
{
    struct sq_db *db = SQ(base);
    int have = sq_schema_version(base);
    if (have < 0)
        return yy_fail(e, YY_IO, "db_open_failed", "无法读取数据库版本", "db");
    if ((size_t)have > schema_sqlite_n)
        return yy_fail(e, YY_CONFLICT, "schema_too_new", "数据库版本比程序新,请升级程序", "db");
    /* from migration 2 on, text search needs FTS5 with its trigram tokenizer */
    if ((size_t)have < schema_sqlite_n &&
        (!sqlite3_compileoption_used("ENABLE_FTS5") || sqlite3_libversion_number() < 3034000)) {
        log_msg("error", "SQLite %s lacks FTS5 or its trigram tokenizer (3.34+)",
                sqlite3_libversion());
        return yy_fail(e, YY_INTERNAL, "sqlite_without_fts5",
                       "SQLite 缺少 FTS5 全文检索(需 3.34 以上并启用 FTS5)", "db");
    }
    for (size_t v = (size_t)have; v < schema_sqlite_n; v++) {
        enum yy_err rc = sq_begin(base);
        if (rc != YY_OK)
            return yy_fail(e, rc, "migration_failed", "数据库升级失败", NULL);
        char *err = NULL;
        int src = sqlite3_exec(db->writer.h, schema_sqlite[v], NULL, NULL, &err);
        if (src == SQLITE_OK) {
            char pragma[64];
            snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%zu", v + 1);
            src = sqlite3_exec(db->writer.h, pragma, NULL, NULL, &err);
        }
        if (src != SQLITE_OK) {
            log_msg("error", "migration %zu failed: %s", v + 1, err ? err : "?");
            sqlite3_free(err);
            sq_rollback(base);
            return yy_fail(e, YY_INTERNAL, "migration_failed", "数据库升级失败", NULL);
        }
        rc = sq_commit(base);
        if (rc != YY_OK)
            return yy_fail(e, rc, "migration_failed", "数据库升级失败", NULL);
    }
    return YY_OK;
}

static enum yy_err sq_backup(struct db *base, const char *path, struct yy_error *e)
{
    struct sq_db *db = SQ(base);
    /* Write beside the target and rename, so a failed backup never leaves a
     * half-written file under the name the operator asked for. */
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
    snprintf(tmp, n, "%s.partial", path);
    unlink(tmp);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    enum yy_err out = YY_OK;
    if (rc == SQLITE_OK) {
        struct conn *src = current_conn(db);
        sqlite3_backup *b = src ? sqlite3_backup_init(dst, "main", src->h, "main") : NULL;
        if (b) {
            do {
                rc = sqlite3_backup_step(b, -1); /* one read snapshot, whole file */
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                    sqlite3_sleep(20);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        } else {
            rc = src ? sqlite3_errcode(dst) : SQLITE_CANTOPEN;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close_v2(dst);
    if (rc != SQLITE_OK) {
        log_msg("error", "backup failed: %s", sqlite3_errstr(rc));
        out = yy_fail(e, YY_IO, "backup_failed", "备份失败", NULL);
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        out = yy_fail(e, YY_IO, "backup_failed", "备份文件无法写入", NULL);
        unlink(tmp);
    }
    free(tmp);
    return out;
}

static const struct db_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .migrate = sq_migrate,
    .schema_version = sq_schema_version,
    .backup = sq_backup,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_null = sq_col_null,
    .done = sq_done,
    .changes = sq_changes,
    .data_version = sq_data_version,
    .search_condition = sq_search_condition,
};
