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
/* sql_one for a row whose first column is a number (an INSERT's RETURNING
 * id, a count): *out set from it when there is one; releases the statement. */
enum yy_err sql_one_int(struct db_stmt *st, int64_t *out, struct yy_error *e);
/* Steps a statement and tells whether it returned a row; releases it. */
enum yy_err sql_exists(struct db_stmt *st, bool *found, struct yy_error *e);
/* Column text copied into a ("" for SQL NULL), or NULL for SQL NULL. */
const char *sql_col_str(struct arena *a, struct db_stmt *st, int col);
const char *sql_col_dup(struct arena *a, struct db_stmt *st, int col);
/* An id column: 0 for SQL NULL. */
int64_t sql_col_id(struct db_stmt *st, int col);
/* Reads the current row of a statement into item, a struct of the reader's
 * own type (the readers of a file's *_COLS). */
typedef void sql_row_fn(struct arena *a, struct db_stmt *st, void *item);
/* sql_one, read on the row when there is one, db_done: YY_NOT_FOUND when
 * there is none. */
enum yy_err sql_get(struct arena *a, struct db_stmt *st, sql_row_fn *read, void *item,
                    struct yy_error *e);
/* Steps a statement to its end, reading every row with read into an arena
 * array of items of size bytes each, and releases it.  cap is the room made
 * at once (0: none until the first row, so no rows leave *items NULL); it
 * doubles as rows come.  *items and *n are set on error too (the rows read
 * before it). */
enum yy_err sql_rows(struct arena *a, struct db_stmt *st, sql_row_fn *read, size_t size, size_t cap,
                     void **items, size_t *n, struct yy_error *e);
/* A sql_row_fn for lists of ids: the first column into an int64_t item. */
void sql_row_id(struct arena *a, struct db_stmt *st, void *item);
/* Binds an id, 0 as SQL NULL. */
void sql_bind_id(struct db_stmt *st, int idx, int64_t v);
/* YY_OK inside a transaction; a write function called outside one is a bug
 * of the caller (YY_INTERNAL). */
enum yy_err sql_need_tx(struct db *db, struct yy_error *e);

#endif
