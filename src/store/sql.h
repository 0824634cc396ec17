/* sql.h - small helpers the store's files share over db.h (store-internal:
 * nothing outside src/store/ includes this). */
#ifndef YOUYUE_STORE_SQL_H
#define YOUYUE_STORE_SQL_H

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* Declares `st` prepared from sql, returning the error from the enclosing
 * function when it cannot be prepared. */
#define PREP(st, db, sql, e)                                                                      \
    struct db_stmt *st = db_prepare(db, sql, e);                                                  \
    if (!(st))                                                                                    \
    return (e) ? (e)->kind : YY_INTERNAL

/* Steps a statement that returns no rows to its end and releases it. */
enum yy_err sql_run(struct db_stmt *st, struct yy_error *e);
/* Steps a statement expected to return one row; YY_NOT_FOUND when none.
 * The caller reads the columns and calls db_done. */
enum yy_err sql_one(struct db_stmt *st, struct yy_error *e);
/* Column text copied into a ("" for SQL NULL), or NULL for SQL NULL. */
const char *sql_col_str(struct arena *a, struct db_stmt *st, int col);
const char *sql_col_dup(struct arena *a, struct db_stmt *st, int col);
/* An id column: 0 for SQL NULL. */
int64_t sql_col_id(struct db_stmt *st, int col);
/* Binds an id, 0 as SQL NULL. */
void sql_bind_id(struct db_stmt *st, int idx, int64_t v);
/* YY_OK inside a transaction; a write function called outside one is a bug
 * of the caller (YY_INTERNAL). */
enum yy_err sql_need_tx(struct db *db, struct yy_error *e);

#endif
