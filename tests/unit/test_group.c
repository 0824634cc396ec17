/* test_group.c - group commit (store/db.h db_group_write) on a real SQLite
 * database, and on PostgreSQL too when YOUYUE_PG_URL names a scratch
 * database: many threads' writes share one transaction, each in its own
 * savepoint, so a failing write is undone alone and answers its own error
 * while every other write of its batch is committed; the audit chain stays
 * whole entry by entry; nobody returns before the commit that holds its
 * write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/auth.h"
#include "store/audit.h"
#include "store/db.h"

/* The writers that queue behind the first one; the one that fails. */
#define WRITERS 24
#define FAILING 11

struct fixture {
    char dir[64];
    char url[512];
    char admin_url[512]; /* PostgreSQL: the server's postgres database */
    char dbname[64];     /* PostgreSQL: the scratch database made for the test */
    struct db *db;
};

#define TABLE_SQL                                                                                  \
    "CREATE TABLE group_test (id BIGINT PRIMARY KEY, writer BIGINT NOT NULL, note TEXT NOT NULL)"

static int setup_sqlite(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || !auth_init())
        return -1;
    *state = f;
    snprintf(f->dir, sizeof(f->dir), "/tmp/yy_group_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->url, sizeof(f->url), "%s/g.db", f->dir);
    struct yy_error e = {0};
    f->db = db_open(f->url, true, &e);
    if (!f->db || db_migrate(f->db, &e) != YY_OK || db_begin(f->db) != YY_OK)
        return -1;
    if (db_exec(f->db, TABLE_SQL, &e) != YY_OK) {
        db_rollback(f->db);
        return -1;
    }
    return db_commit(f->db) == YY_OK ? 0 : -1;
}

static bool pg_admin(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(c);
    return ok;
}

/* YOUYUE_PG_URL is a server's base URL (tests/pg.sh start): a scratch
 * database is created for each test and dropped after it. */
static int setup_pg(void **state)
{
    const char *base = getenv("YOUYUE_PG_URL");
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || !auth_init())
        return -1;
    *state = f;
    if (!base || !*base)
        return 0; /* skipped in the test */
    static int n;
    snprintf(f->dbname, sizeof(f->dbname), "youyue_unit_group_%d_%d", (int)getpid(), ++n);
    snprintf(f->admin_url, sizeof(f->admin_url), "%s/postgres", base);
    snprintf(f->url, sizeof(f->url), "%s/%s", base, f->dbname);
    char sql[160];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->dbname);
    if (!pg_admin(f->admin_url, sql) || !pg_admin(f->url, TABLE_SQL))
        return -1;
    struct yy_error e = {0};
    f->db = db_open(f->url, false, &e);
    return f->db && db_migrate(f->db, &e) == YY_OK ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    if (f->dbname[0]) {
        char sql[160];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", f->dbname);
        pg_admin(f->admin_url, sql);
    } else if (f->dir[0]) {
        char p[sizeof(f->url) + 8];
        static const char *const suffix[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof(p), "%s%s", f->url, suffix[i]);
            unlink(p);
        }
        rmdir(f->dir);
    }
    free(f);
    return 0;
}

/* ---- the writes ------------------------------------------------------------------ */

struct writer {
    struct fixture *f;
    int64_t id;         /* this writer's row */
    bool fail;          /* inserts its row and its audit entry, then its row again */
    bool hold;          /* the first writer: waits inside its write until the others queue */
    pthread_mutex_t *m; /* for hold: tells the test it is inside its write */
    pthread_cond_t *cv;
    bool *inside;
    bool in_tx;         /* the write ran inside a transaction */
    struct yy_error e;
    enum yy_err rc;
    pthread_t th;
};

static enum yy_err insert_row(struct db *db, int64_t id, int64_t writer, struct yy_error *e)
{
    struct db_stmt *st =
        db_prepare(db, "INSERT INTO group_test (id, writer, note) VALUES ($1, $2, $3)", e);
    if (!st)
        return e->kind;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, writer);
    db_bind_text(st, 3, "写入");
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    db_done(st);
    return rc;
}

static enum yy_err write_fn(struct db *db, void *ctx, struct yy_error *e)
{
    struct writer *w = ctx;
    w->in_tx = db_in_transaction(db); /* checked by the test's thread: cmocka is not thread-safe */
    enum yy_err rc = insert_row(db, w->id, w->id, e);
    if (rc != YY_OK)
        return rc;
    struct audit_who who = {.user_id = 0, .role = "system"};
    char detail[48];
    snprintf(detail, sizeof(detail), "{\"writer\":%lld}", (long long)w->id);
    rc = audit_append(db, &who, "group.write", "group_test", w->id, detail, e);
    if (rc != YY_OK)
        return rc;
    if (w->fail)
        return insert_row(db, w->id, w->id, e); /* its own row again: a unique violation */
    if (w->hold) {
        pthread_mutex_lock(w->m);
        *w->inside = true;
        pthread_cond_signal(w->cv);
        pthread_mutex_unlock(w->m);
        /* every other writer must be queued before this batch ends, so the
         * next leader finds all of them */
        struct db_group_stats s;
        for (db_group_stats(db, &s); s.queued < WRITERS; db_group_stats(db, &s))
            sched_yield();
    }
    return YY_OK;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    w->rc = db_group_write(w->f->db, write_fn, w, &w->e);
    return NULL;
}

static int64_t count(struct db *db, const char *sql)
{
    struct yy_error e = {0};
    struct db_stmt *st = db_prepare_primary(db, sql, &e);
    assert_non_null(st);
    bool row;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    assert_true(row);
    int64_t n = db_col_int(st, 0);
    db_done(st);
    return n;
}

/* One writer holds the first batch open while WRITERS more queue; they then
 * go in one batch (one commit), in which writer FAILING breaks after its row
 * and audit entry: it alone is rolled back and gets its own error. */
static void batch_with_one_failure(void **state)
{
    struct fixture *f = *state;
    if (!f->db)
        skip();
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    bool inside = false;
    struct writer ws[WRITERS + 1];
    memset(ws, 0, sizeof(ws));
    for (int i = 0; i <= WRITERS; i++) {
        ws[i].f = f;
        ws[i].id = i + 1;
    }
    ws[0].hold = true;
    ws[0].m = &m;
    ws[0].cv = &cv;
    ws[0].inside = &inside;
    ws[FAILING].fail = true;

    assert_int_equal(pthread_create(&ws[0].th, NULL, writer_main, &ws[0]), 0);
    pthread_mutex_lock(&m);
    while (!inside)
        pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    for (int i = 1; i <= WRITERS; i++)
        assert_int_equal(pthread_create(&ws[i].th, NULL, writer_main, &ws[i]), 0);
    for (int i = 0; i <= WRITERS; i++)
        pthread_join(ws[i].th, NULL);

    for (int i = 0; i <= WRITERS; i++) {
        assert_true(ws[i].in_tx);
        if (i == FAILING) {
            assert_int_equal(ws[i].rc, YY_CONFLICT);
            assert_string_equal(ws[i].e.code, "duplicate");
        } else {
            assert_int_equal(ws[i].rc, YY_OK);
        }
    }
    struct db_group_stats s;
    db_group_stats(f->db, &s);
    assert_int_equal(s.batches, 2); /* the holder's, then everyone else's at once */
    assert_int_equal(s.writes, WRITERS + 1);
    assert_int_equal(s.queued, 0);

    /* durable and exact: reopen and look */
    db_close(f->db);
    struct yy_error e = {0};
    f->db = db_open(f->url, false, &e);
    assert_non_null(f->db);
    assert_int_equal(count(f->db, "SELECT count(*) FROM group_test"), WRITERS);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM group_test WHERE writer = %d", FAILING + 1);
    assert_int_equal(count(f->db, sql), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE action = 'group.write'"),
                     WRITERS);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE entity_id = %d",
             FAILING + 1);
    assert_int_equal(count(f->db, sql), 0);
    struct arena a = ARENA_INIT;
    struct audit_report r;
    assert_int_equal(audit_verify(f->db, &a, &r, &e), YY_OK);
    assert_int_equal(r.checked, WRITERS);
    arena_release(&a);
}

/* Without contention every write is its own batch, and a failure is still
 * the writer's own. */
static void alone_and_failing(void **state)
{
    struct fixture *f = *state;
    if (!f->db)
        skip();
    struct writer ok = {.f = f, .id = 100}, bad = {.f = f, .id = 101, .fail = true};
    writer_main(&ok);
    writer_main(&bad);
    assert_int_equal(ok.rc, YY_OK);
    assert_int_equal(bad.rc, YY_CONFLICT);
    struct db_group_stats s;
    db_group_stats(f->db, &s);
    assert_int_equal(s.batches, 2);
    assert_int_equal(s.writes, 2);
    assert_string_equal(bad.e.code, "duplicate");
    /* the failed write's first row and audit entry went with it */
    assert_int_equal(count(f->db, "SELECT count(*) FROM group_test"), 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM group_test WHERE id = 101"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), 1);
}

/* Inside the caller's own transaction the write is a savepoint of it: not
 * grouped, and the caller's rollback undoes it. */
static void inside_a_transaction(void **state)
{
    struct fixture *f = *state;
    if (!f->db)
        skip();
    struct writer w = {.f = f, .id = 200};
    assert_int_equal(db_begin(f->db), YY_OK);
    writer_main(&w);
    assert_int_equal(w.rc, YY_OK);
    assert_true(db_in_transaction(f->db));
    db_rollback(f->db);
    struct db_group_stats s;
    db_group_stats(f->db, &s);
    assert_int_equal(s.batches, 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM group_test"), 0);
}

int main(void)
{
    /* the PostgreSQL ones skip without YOUYUE_PG_URL */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(batch_with_one_failure, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(alone_and_failing, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(inside_a_transaction, setup_sqlite, teardown),
        {"pg_batch_with_one_failure", batch_with_one_failure, setup_pg, teardown, NULL},
        {"pg_alone_and_failing", alone_and_failing, setup_pg, teardown, NULL},
        {"pg_inside_a_transaction", inside_a_transaction, setup_pg, teardown, NULL},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
