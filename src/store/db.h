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

/* Reads from a hot standby (PostgreSQL only; YY_BAD_INPUT on SQLite or for a
 * url that is not postgresql://).  From then on a statement that starts with
 * SELECT, prepared by db_prepare outside a transaction, runs on this thread's
 * own connection to the standby; writes, everything inside a transaction,
 * statements from db_prepare_primary, and reads by a thread that committed
 * within the last second (read-after-write in one request) run on the
 * primary.  When the standby cannot be reached or a statement fails there,
 * the statement runs on the primary instead; the outage is logged once and
 * the standby is tried again after a few seconds.  An unreachable standby at
 * open time is not an error. */
enum yy_err db_open_replica(struct db *db, const char *url, struct yy_error *e);
/* True when db_open_replica was called on db. */
bool db_has_replica(struct db *db);

/* Write transactions.  They nest: an inner db_begin is a savepoint, so an
 * inner db_rollback undoes only the inner part and the outer transaction goes
 * on; the outermost db_commit makes everything durable at once. */
enum yy_err db_begin(struct db *db);
enum yy_err db_commit(struct db *db);
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);

/* Group commit: a write run together with other threads' writes in one
 * transaction, so they share one commit (one fsync).
 *
 * fn(db, ctx, e) is the write: it runs inside its own savepoint of a shared
 * transaction (alone in its batch: in the transaction itself), so when it
 * fails (returns anything but YY_OK, with e filled) only its own changes are
 * undone and the others' go on.  The calling thread
 * enqueues it and waits; whichever waiting thread finds no batch running (the
 * leader) takes everything queued, up to DB_GROUP_MAX writes, runs them in
 * one transaction on its own connection, commits once, and wakes each waiter
 * with its own result.  db_group_write returns only after the commit that
 * holds the write has returned: YY_OK means durable.  A failed commit fails
 * every write of the batch (e says commit_failed).  Batches form naturally
 * from what queued while the previous commit ran; nothing waits on a timer.
 *
 * fn may run on another thread than the caller (the leader's): it must reach
 * the database only through db (which then uses the leader's connection and
 * transaction), keep its db_begin/db_commit/db_rollback balanced, take no
 * lock the caller holds, and use no thread-local state of the caller.  Memory
 * of the caller (its arena, ctx, e) is safe to use: the caller is blocked
 * until fn has returned and the batch committed.
 * Called inside a transaction, fn simply runs in a savepoint of it (no
 * grouping; the outer commit decides). */
#define DB_GROUP_MAX 64
typedef enum yy_err (*db_write_fn)(struct db *db, void *ctx, struct yy_error *e);
enum yy_err db_group_write(struct db *db, db_write_fn fn, void *ctx, struct yy_error *e);
/* db_group_write's counters since db_open: batches committed (or failed),
 * writes in them (writes / batches is the mean batch size), and writes
 * waiting for a leader now. */
struct db_group_stats {
    uint64_t batches;
    uint64_t writes;
    uint64_t queued;
};
void db_group_stats(struct db *db, struct db_group_stats *out);

/* Returns NULL with *e filled on failure (bad SQL is a program error and is
 * logged). */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct yy_error *e);
/* As db_prepare, but always on the primary: for reads that must see the
 * latest committed writes of any thread (sessions, tokens, accounts).  The
 * same as db_prepare without a standby. */
struct db_stmt *db_prepare_primary(struct db *db, const char *sql, struct yy_error *e);
/* As db_prepare, for a statement run often whose best plan does not depend
 * on its parameter values (a keyset page: ids and a LIMIT).  PostgreSQL then
 * keeps one generic plan for it instead of planning every execution again
 * (plan_cache_mode = force_generic_plan while it runs outside a transaction;
 * other statements keep the default, where a custom plan can use an index
 * for "$1 = 0 OR col = $1").  SQLite compiles a statement once anyway: the
 * same as db_prepare. */
struct db_stmt *db_prepare_generic(struct db *db, const char *sql, struct yy_error *e);
/* Text search, for the q= of lists: writes into cond (size cond_n) a SQL
 * condition that is true for the rows of table (alias: its name or alias in
 * the statement, whose column id is the row's id) where one of cols
 * (NULL-terminated, at most 4) contains q as a substring.  ASCII letters match
 * in either case; %, _, \, quotes and full-text operators in q are plain
 * text.  The condition holds one placeholder, $param; bind *arg there (written
 * into arg, of size arg_n >= 2 * strlen(q) + 3).  q must be non-empty UTF-8.
 * SQLite: an FTS5 trigram index named TABLE_fts (content=TABLE, columns cols,
 * kept by triggers) for q of 3+ characters, a LIKE scan for shorter q.
 * PostgreSQL: ILIKE, served by pg_trgm GIN indexes for 3+ characters.
 * YY_INTERNAL (logged) when the buffers are too small. */
enum yy_err db_search_condition(struct db *db, const char *table, const char *alias,
                                const char *const *cols, const char *q, int param, char *cond,
                                size_t cond_n, char *arg, size_t arg_n);
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

/* For caches of query results: a number that changes whenever a write has
 * been committed, by this process or another one on the same database.  A
 * call that starts after a commit completed returns a value different from
 * every value returned by calls that ended before that commit; calls
 * overlapping a commit may return either.  So tag a cached result with the
 * value read before its query ran, and serve it only while the value is the
 * same.  0 means "unknown, do not cache": always on PostgreSQL (commits of
 * other servers and of psql cannot be seen cheaply; caching there is off),
 * inside a transaction, and on errors.
 * SQLite: an in-process counter bumped after every outermost commit, which
 * also rises when PRAGMA data_version on this thread's read connection shows
 * another connection's commit (another process's too).  Costs one tiny
 * statement. */
uint64_t db_data_version(struct db *db);

/* Runs a statement that returns no rows.  Convenience over prepare/step/done. */
enum yy_err db_exec(struct db *db, const char *sql, struct yy_error *e);

#endif
