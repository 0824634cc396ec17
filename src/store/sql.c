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
