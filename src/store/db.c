/* db.c - chooses the backend from the database URL and dispatches db.h's calls
 * through its operations table (backend.h). */
#include "store/backend.h"

#include <string.h>

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

struct db *db_open(const char *url, bool create, struct yy_error *e)
{
    if (db_url_is_postgres(url))
        return pg_open(url, create, e);
    return sqlite_open(!strncmp(url, "sqlite:", 7) ? url + 7 : url, create, e);
}

void db_close(struct db *db)
{
    if (db)
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
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    bool row;
    enum yy_err rc;
    do {
        rc = db_step(st, &row, e);
    } while (rc == YY_OK && row);
    db_done(st);
    return rc;
}
