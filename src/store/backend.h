/* backend.h - what a store backend provides: the operations table behind
 * db.h (after curl's TLS backends).  Only db.c and the backends include this.
 *
 * A backend's own database and statement structs start with the struct db /
 * struct db_stmt declared here, so db.c can dispatch through ops.
 */
#ifndef YOUYUE_STORE_BACKEND_H
#define YOUYUE_STORE_BACKEND_H

#include "store/db.h"

struct db_ops {
    const char *name;
    void (*close)(struct db *db);
    enum yy_err (*migrate)(struct db *db, struct yy_error *e);
    int (*schema_version)(struct db *db);
    enum yy_err (*backup)(struct db *db, const char *path, struct yy_error *e);
    enum yy_err (*begin)(struct db *db);
    enum yy_err (*commit)(struct db *db);
    void (*rollback)(struct db *db);
    bool (*in_transaction)(struct db *db);
    struct db_stmt *(*prepare)(struct db *db, const char *sql, struct yy_error *e);
    void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
    void (*bind_double)(struct db_stmt *st, int idx, double v);
    void (*bind_text)(struct db_stmt *st, int idx, const char *s);
    void (*bind_null)(struct db_stmt *st, int idx);
    enum yy_err (*step)(struct db_stmt *st, bool *row, struct yy_error *e);
    int64_t (*col_int)(struct db_stmt *st, int col);
    double (*col_double)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col);
    bool (*col_null)(struct db_stmt *st, int col);
    void (*done)(struct db_stmt *st);
    int64_t (*changes)(struct db *db);
    /* db.h db_data_version; NULL: always 0. */
    uint64_t (*data_version)(struct db *db);
    /* Hot standby (db.h db_open_replica); NULL where there is none. */
    enum yy_err (*open_replica)(struct db *db, const char *url, struct yy_error *e);
    bool (*has_replica)(struct db *db);
    /* NULL: the same as prepare. */
    struct db_stmt *(*prepare_primary)(struct db *db, const char *sql, struct yy_error *e);
    /* db.h db_prepare_generic; NULL: the same as prepare. */
    struct db_stmt *(*prepare_generic)(struct db *db, const char *sql, struct yy_error *e);
    /* Called on a thread whose write another thread committed for it
     * (db_group_write): whatever the backend does after a commit of this
     * thread's own (PostgreSQL: read-after-write stays on the primary).
     * NULL: nothing. */
    void (*note_commit)(struct db *db);
    /* db.h db_search_condition; both backends have it. */
    enum yy_err (*search_condition)(struct db *db, const char *table, const char *alias,
                                    const char *const *cols, const char *q, int param,
                                    char *cond, size_t cond_n, char *arg, size_t arg_n);
};

struct db_group;

struct db {
    const struct db_ops *ops;
    /* db_group_write's queue (db.c), set by db_open; NULL: no grouping, each
     * write its own transaction. */
    struct db_group *group;
};

struct db_stmt {
    const struct db_ops *ops;
};

/* For search_condition: '%' q '%' with %, _ and \ escaped by \ (a LIKE
 * pattern matching q as a substring).  False when out (size n) is too small. */
bool db_like_pattern(const char *q, char *out, size_t n);

/* Backend constructors (NULL with *e filled on failure). */
struct db *sqlite_open(const char *path, bool create, struct yy_error *e);
struct db *pg_open(const char *url, bool create, struct yy_error *e);

#endif
