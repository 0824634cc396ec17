/* sql.c - the store's shared statement helpers; see sql.h. */
#include "store/sql.h"

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
