/* db.h - the statement interface every store backend implements.
 *
 * One opaque struct db per database, one constructor per backend (SQLite
 * now, PostgreSQL next), after the lwan/kore model.  SQL handed to db_prepare
 * is written once for both backends: placeholders are $1..$n, in order of
 * first appearance, and only SQL both engines understand.  SQL only one engine
 * understands (schema, pragmas, full-text search) lives inside that backend.
 *
 * Threads: a struct db is shared by all threads.  Reads run on the calling
 * thread's own connection.  Writes run inside db_begin()/db_commit() on the
 * single writer, so concurrent writers queue instead of failing with
 * SQLITE_BUSY; reads inside a transaction see its writes.
 *
 * Statements: prepared once per connection and cached by their SQL text; a
 * struct db_stmt is valid until db_done() and must not cross threads.
 */
#ifndef YOUYUE_STORE_DB_H
#define YOUYUE_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_stmt;

/* Opens the database named by url: a path, "sqlite:PATH", or (later)
 * "postgresql://...".  Creates the file when create is true. Returns NULL with
 * *e filled on failure. Caller frees with db_close(). */
struct db *db_open(const char *url, bool create, struct yy_error *e);
void db_close(struct db *db);
/* True for postgresql:// and postgres:// URLs. */
bool db_url_is_postgres(const char *url);
/* "sqlite" or "postgresql". */
const char *db_backend(const struct db *db);
/* Applies the versioned migrations not yet applied. Safe to run twice. */
enum yy_err db_migrate(struct db *db, struct yy_error *e);
/* The schema version now in the database. */
int db_schema_version(struct db *db);
/* Copies the live database to path (SQLite online backup). */
enum yy_err db_backup(struct db *db, const char *path, struct yy_error *e);

/* Write transactions.  They nest: an inner db_begin is a savepoint, so an
 * inner db_rollback undoes only the inner part and the outer transaction goes
 * on; the outermost db_commit makes everything durable at once. */
enum yy_err db_begin(struct db *db);
enum yy_err db_commit(struct db *db);
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);

/* Returns NULL with *e filled on failure (bad SQL is a program error and is
 * logged). */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct yy_error *e);
/* Binding: idx is 1-based. Text is copied. A NULL text binds NULL. */
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_null(struct db_stmt *st, int idx);
/* Runs the statement the first time and moves to the next row after that.
 * Sets *row to false when there are no (more) rows.  A unique-constraint
 * violation is YY_CONFLICT; a busy database YY_UNAVAILABLE. */
enum yy_err db_step(struct db_stmt *st, bool *row, struct yy_error *e);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* Valid until the next db_step or db_done; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int col);
bool db_col_null(struct db_stmt *st, int col);
/* Releases the statement back to its cache. Always call, also after errors. */
void db_done(struct db_stmt *st);
/* Rows changed by the last write on this thread's current connection. */
int64_t db_changes(struct db *db);

/* Runs a statement that returns no rows.  Convenience over prepare/step/done. */
enum yy_err db_exec(struct db *db, const char *sql, struct yy_error *e);

#endif
