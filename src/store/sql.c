/* sql.c - the store's shared statement helpers; see sql.h. */
#include "store/sql.h"

#include <string.h>

enum yy_err sql_run(struct db_stmt *st, struct yy_error *e)
{
    bool row;
    enum yy_err rc;
    do {
        rc = db_step(st, &row, e);
    } while (rc == YY_OK && row);
    db_done(st);
    return rc;
}

enum yy_err sql_one(struct db_stmt *st, struct yy_error *e)
{
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && !row)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "记录不存在", NULL);
    return rc;
}

enum yy_err sql_one_int(struct db_stmt *st, int64_t *out, struct yy_error *e)
{
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        *out = db_col_int(st, 0);
    db_done(st);
    return rc;
}

enum yy_err sql_exists(struct db_stmt *st, bool *found, struct yy_error *e)
{
    bool row = false;
    enum yy_err rc = db_step(st, &row, e);
    *found = rc == YY_OK && row;
    db_done(st);
    return rc;
}

enum yy_err sql_get(struct arena *a, struct db_stmt *st, sql_row_fn *read, void *item,
                    struct yy_error *e)
{
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        read(a, st, item);
    db_done(st);
    return rc;
}

enum yy_err sql_rows(struct arena *a, struct db_stmt *st, sql_row_fn *read, size_t size, size_t cap,
                     void **items, size_t *n, struct yy_error *e)
{
    char *v = cap ? arena_calloc(a, cap, size) : NULL;
    size_t k = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        if (k == cap) {
            size_t bigger = cap ? 2 * cap : 8;
            char *w = arena_calloc(a, bigger, size);
            if (k)
                memcpy(w, v, k * size);
            v = w;
            cap = bigger;
        }
        read(a, st, v + k * size);
        k++;
    }
    db_done(st);
    *items = v;
    *n = k;
    return rc;
}

void sql_row_id(struct arena *a, struct db_stmt *st, void *item)
{
    *(int64_t *)item = db_col_int(st, 0);
}

const char *sql_col_str(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return arena_strdup(a, s ? s : "");
}

const char *sql_col_dup(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? arena_strdup(a, s) : NULL;
}

int64_t sql_col_id(struct db_stmt *st, int col)
{
    return db_col_null(st, col) ? 0 : db_col_int(st, col);
}

void sql_bind_id(struct db_stmt *st, int idx, int64_t v)
{
    if (v)
        db_bind_int(st, idx, v);
    else
        db_bind_null(st, idx);
}

enum yy_err sql_need_tx(struct db *db, struct yy_error *e)
{
    return db_in_transaction(db)
               ? YY_OK
               : yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
}
