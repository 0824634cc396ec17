/* test_store.c - unit tests for db.h (SQLite backend) and store.h on a real
 * database file in a fresh temporary folder per test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "store/db.h"
#include "store/schema.h"
#include "store/store.h"

#include "scratch_db.h"

struct fixture {
    struct scratch_db tmp;
    struct db *db;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    struct yy_error e = {0};
    f->db = scratch_db_open(&f->tmp, "store", &e);
    if (!f->db) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    scratch_db_close(&f->tmp, f->db);
    free(f);
    return 0;
}

/* The single integer a query returns. */
static int64_t query_int(struct db *db, const char *sql)
{
    struct yy_error e = {0};
    struct db_stmt *st = db_prepare(db, sql, &e);
    assert_non_null(st);
    bool row = false;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    assert_true(row);
    int64_t v = db_col_int(st, 0);
    db_done(st);
    return v;
}

static void make_scratch_table(struct db *db)
{
    struct yy_error e = {0};
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(
        db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE, n INTEGER)", &e),
        YY_OK);
    assert_int_equal(db_commit(db), YY_OK);
}

static enum yy_err insert_t(struct db *db, int64_t id, const char *v, struct yy_error *e)
{
    struct db_stmt *st = db_prepare(db, "INSERT INTO t (id, v) VALUES ($1, $2)", e);
    if (!st)
        return e->kind;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, v);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    db_done(st);
    return rc;
}

static bool file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* ---- db.h -------------------------------------------------------------------- */

static void test_open(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(db_backend(f->db), "sqlite");
    struct yy_error e = {0};

    char p[400];
    snprintf(p, sizeof(p), "%s/missing.db", f->tmp.dir);
    assert_null(db_open(p, false, &e));
    assert_int_equal(e.kind, YY_NOT_FOUND);
    assert_string_equal(e.code, "db_not_found");
    assert_false(file_exists(p));

    /* "sqlite:" prefix, created on demand. */
    char url[420];
    snprintf(url, sizeof(url), "sqlite:%s", p);
    struct db *db = db_open(url, true, &e);
    assert_non_null(db);
    assert_int_equal(db_schema_version(db), 0);
    assert_int_equal(db_migrate(db, &e), YY_OK);
    db_close(db);
    assert_true(file_exists(p));
    /* Now it exists: opening without create works and sees the schema. */
    db = db_open(p, false, &e);
    assert_non_null(db);
    assert_int_equal(db_schema_version(db), (int)schema_sqlite_n);
    db_close(db);

    memset(&e, 0, sizeof(e));
    assert_null(db_open("", true, &e));
    assert_int_equal(e.kind, YY_BAD_INPUT);
    assert_null(db_open("sqlite:", true, &e));
    assert_int_equal(e.kind, YY_BAD_INPUT);
    /* A folder that does not exist. */
    snprintf(p, sizeof(p), "%s/no/such/dir/x.db", f->tmp.dir);
    memset(&e, 0, sizeof(e));
    assert_null(db_open(p, true, &e));
    assert_int_equal(e.kind, YY_IO);
    db_close(NULL);
}

static void test_migrate_twice(void **state)
{
    struct fixture *f = *state;
    struct yy_error e = {0};
    assert_true(schema_sqlite_n >= 1);
    assert_int_equal(db_schema_version(f->db), (int)schema_sqlite_n);
    assert_int_equal(db_migrate(f->db, &e), YY_OK);
    assert_int_equal(db_migrate(f->db, &e), YY_OK);
    assert_int_equal(db_schema_version(f->db), (int)schema_sqlite_n);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM regions"), 0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM sqlite_master WHERE name='users'"),
                     1);
    assert_false(db_in_transaction(f->db));
    /* A database from a newer program is refused. */
    assert_int_equal(db_begin(f->db), YY_OK);
    assert_int_equal(db_exec(f->db, "PRAGMA user_version=999", &e), YY_OK);
    assert_int_equal(db_commit(f->db), YY_OK);
    memset(&e, 0, sizeof(e));
    assert_int_equal(db_migrate(f->db, &e), YY_CONFLICT);
    assert_string_equal(e.code, "schema_too_new");
}

static void test_nested_transactions(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    struct yy_error e = {0};
    make_scratch_table(db);

    assert_false(db_in_transaction(db));
    assert_int_equal(db_begin(db), YY_OK);
    assert_true(db_in_transaction(db));
    assert_int_equal(insert_t(db, 1, "a", &e), YY_OK);
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(insert_t(db, 2, "b", &e), YY_OK);
    /* Reads inside the transaction see its writes. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 2);
    db_rollback(db); /* inner only */
    assert_true(db_in_transaction(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 1);
    assert_int_equal(insert_t(db, 3, "c", &e), YY_OK);
    assert_int_equal(db_commit(db), YY_OK);
    assert_false(db_in_transaction(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 2);
    assert_int_equal(query_int(db, "SELECT sum(id) FROM t"), 4);

    /* Outer rollback discards the committed inner part too. */
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(insert_t(db, 4, "d", &e), YY_OK);
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(insert_t(db, 5, "e", &e), YY_OK);
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(insert_t(db, 6, "f", &e), YY_OK);
    assert_int_equal(db_commit(db), YY_OK);
    assert_int_equal(db_commit(db), YY_OK);
    assert_true(db_in_transaction(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 5);
    db_rollback(db);
    assert_false(db_in_transaction(db));
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 2);

    /* Commit or rollback without a transaction. */
    assert_int_equal(db_commit(db), YY_INTERNAL);
    db_rollback(db);
    assert_false(db_in_transaction(db));

    /* The savepoint names are reused correctly after an inner rollback. */
    assert_int_equal(db_begin(db), YY_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(db_begin(db), YY_OK);
        assert_int_equal(insert_t(db, 100 + i, NULL, &e), YY_OK);
        if (i % 2)
            db_rollback(db);
        else
            assert_int_equal(db_commit(db), YY_OK);
    }
    assert_int_equal(db_commit(db), YY_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM t WHERE id >= 100"), 3);
}

static void test_write_outside_transaction(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    struct yy_error e = {0};
    make_scratch_table(db);
    /* Reads outside a transaction go to a read-only connection: a write there
     * is an error, never a silent autocommit beside the writer. */
    assert_int_not_equal(insert_t(db, 1, "a", &e), YY_OK);
    assert_int_not_equal(db_exec(db, "DELETE FROM t", &e), YY_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 0);
    /* And the connection is still usable afterwards. */
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(insert_t(db, 1, "a", &e), YY_OK);
    assert_int_equal(db_commit(db), YY_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 1);
    /* Bad SQL is an error, not a crash. */
    memset(&e, 0, sizeof(e));
    assert_null(db_prepare(db, "SELEKT 1", &e));
    assert_int_not_equal(e.kind, YY_OK);
}

static void test_statement_reentrant(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    struct yy_error e = {0};
    make_scratch_table(db);
    assert_int_equal(db_begin(db), YY_OK);
    for (int i = 1; i <= 10; i++) {
        char v[8];
        snprintf(v, sizeof(v), "v%d", i);
        assert_int_equal(insert_t(db, i, v, &e), YY_OK);
    }
    assert_int_equal(db_commit(db), YY_OK);

    static const char sql[] = "SELECT id, v FROM t WHERE id >= $1 ORDER BY id";
    for (int round = 0; round < 3; round++) {
        struct db_stmt *outer = db_prepare(db, sql, &e);
        assert_non_null(outer);
        db_bind_int(outer, 1, 3);
        bool row;
        int64_t expect = 3;
        while (db_step(outer, &row, &e) == YY_OK && row) {
            assert_int_equal(db_col_int(outer, 0), expect);
            /* Same SQL while the outer one is mid-way through its rows. */
            struct db_stmt *inner = db_prepare(db, sql, &e);
            assert_non_null(inner);
            assert_ptr_not_equal(inner, outer);
            db_bind_int(inner, 1, 8);
            int n = 0;
            bool r2;
            while (db_step(inner, &r2, &e) == YY_OK && r2) {
                assert_int_equal(db_col_int(inner, 0), 8 + n);
                n++;
            }
            assert_int_equal(n, 3);
            db_done(inner);
            /* The outer statement's current row is undisturbed. */
            assert_int_equal(db_col_int(outer, 0), expect);
            char v[8];
            snprintf(v, sizeof(v), "v%d", (int)expect);
            assert_string_equal(db_col_text(outer, 1), v);
            expect++;
        }
        assert_int_equal(expect, 11);
        /* Stepping past the end stays at the end. */
        assert_int_equal(db_step(outer, &row, &e), YY_OK);
        assert_false(row);
        db_done(outer);
    }
    /* Bindings do not leak from one use to the next. */
    struct db_stmt *st = db_prepare(db, "SELECT $1 IS NULL", &e);
    db_bind_int(st, 1, 5);
    db_done(st);
    assert_int_equal(query_int(db, "SELECT $1 IS NULL"), 1);

    /* More distinct statements than the cache holds: all still work. */
    for (int i = 0; i < 400; i++) {
        char q[64];
        snprintf(q, sizeof(q), "SELECT %d + count(*) FROM t", i);
        assert_int_equal(query_int(db, q), i + 10);
    }
    /* NULL and text columns. */
    st = db_prepare(db, "SELECT NULL, 'x', 2.5", &e);
    bool row;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    assert_true(db_col_null(st, 0));
    assert_null(db_col_text(st, 0));
    assert_false(db_col_null(st, 1));
    assert_string_equal(db_col_text(st, 1), "x");
    assert_true(db_col_double(st, 2) == 2.5);
    db_done(st);
    db_done(NULL);
}

static void test_unique_conflict(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    struct yy_error e = {0};
    make_scratch_table(db);
    assert_int_equal(db_begin(db), YY_OK);
    assert_int_equal(insert_t(db, 1, "same", &e), YY_OK);
    memset(&e, 0, sizeof(e));
    assert_int_equal(insert_t(db, 2, "same", &e), YY_CONFLICT);
    assert_int_equal(e.kind, YY_CONFLICT);
    assert_non_null(e.code);
    /* Primary key too. */
    assert_int_equal(insert_t(db, 1, "other", &e), YY_CONFLICT);
    /* The transaction goes on: only the failed statement is undone. */
    assert_int_equal(insert_t(db, 3, "third", &e), YY_OK);
    assert_int_equal(db_changes(db), 1);
    assert_int_equal(db_commit(db), YY_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM t"), 2);
    /* A foreign key violation is bad input. */
    assert_int_equal(db_begin(db), YY_OK);
    memset(&e, 0, sizeof(e));
    assert_int_equal(
        db_exec(db, "INSERT INTO regions (kind, name, parent_id) VALUES ('street', 'x', 999)",
                &e),
        YY_BAD_INPUT);
    db_rollback(db);
}

/* ---- threads ----------------------------------------------------------------- */

#define WRITERS 8
#define WRITES_EACH 200

struct writer_arg {
    struct db *db;
    int index;
    int failures;
    int unavailable;
};

static void *writer_main(void *p)
{
    struct writer_arg *w = p;
    for (int i = 0; i < WRITES_EACH; i++) {
        struct yy_error e = {0};
        enum yy_err rc = db_begin(w->db);
        if (rc == YY_OK) {
            struct db_stmt *st = db_prepare(w->db, "INSERT INTO t (v, n) VALUES ($1, $2)", &e);
            if (st) {
                char v[32];
                snprintf(v, sizeof(v), "w%d-%d", w->index, i);
                db_bind_text(st, 1, v);
                db_bind_int(st, 2, w->index);
                bool row;
                rc = db_step(st, &row, &e);
                db_done(st);
            } else {
                rc = e.kind;
            }
            if (rc == YY_OK)
                rc = db_commit(w->db);
            else
                db_rollback(w->db);
        }
        if (rc == YY_UNAVAILABLE)
            w->unavailable++;
        if (rc != YY_OK)
            w->failures++;
    }
    return NULL;
}

struct reader_arg {
    struct db *db;
    _Atomic int *stop;
    int errors;
    int went_back;
    int64_t reads;
};

static void *reader_main(void *p)
{
    struct reader_arg *r = p;
    int64_t last = 0;
    while (!*r->stop) {
        struct yy_error e = {0};
        struct db_stmt *st = db_prepare(r->db, "SELECT count(*) FROM t", &e);
        if (!st) {
            r->errors++;
            continue;
        }
        bool row;
        if (db_step(st, &row, &e) != YY_OK || !row) {
            r->errors++;
        } else {
            int64_t n = db_col_int(st, 0);
            if (n < last)
                r->went_back++;
            last = n;
        }
        db_done(st);
        r->reads++;
    }
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    struct fixture *f = *state;
    make_scratch_table(f->db);
    pthread_t th[WRITERS], rth[2];
    struct writer_arg w[WRITERS];
    struct reader_arg r[2];
    _Atomic int stop = 0;
    for (int i = 0; i < 2; i++) {
        r[i] = (struct reader_arg){.db = f->db, .stop = &stop};
        assert_int_equal(pthread_create(&rth[i], NULL, reader_main, &r[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer_arg){.db = f->db, .index = i};
        assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++)
        pthread_join(th[i], NULL);
    stop = 1;
    for (int i = 0; i < 2; i++)
        pthread_join(rth[i], NULL);
    for (int i = 0; i < WRITERS; i++) {
        assert_int_equal(w[i].unavailable, 0);
        assert_int_equal(w[i].failures, 0);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r[i].errors, 0);
        assert_int_equal(r[i].went_back, 0);
        assert_true(r[i].reads > 0);
    }
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM t"), WRITERS * WRITES_EACH);
    for (int i = 0; i < WRITERS; i++) {
        char q[64];
        snprintf(q, sizeof(q), "SELECT count(*) FROM t WHERE n = %d", i);
        assert_int_equal(query_int(f->db, q), WRITES_EACH);
    }
}

struct visibility {
    struct db *db;
    pthread_barrier_t *barrier;
    int64_t seen[3];
};

static int64_t thread_count(struct db *db)
{
    struct yy_error e = {0};
    struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM t", &e);
    if (!st)
        return -1;
    bool row;
    int64_t n = -1;
    if (db_step(st, &row, &e) == YY_OK && row)
        n = db_col_int(st, 0);
    db_done(st);
    return n;
}

static void *visibility_main(void *p)
{
    struct visibility *v = p;
    v->seen[0] = thread_count(v->db); /* opens this thread's reader */
    pthread_barrier_wait(v->barrier);  /* main: insert, not committed */
    pthread_barrier_wait(v->barrier);
    v->seen[1] = thread_count(v->db);
    pthread_barrier_wait(v->barrier);  /* main: commit */
    pthread_barrier_wait(v->barrier);
    v->seen[2] = thread_count(v->db);
    return NULL;
}

static void test_readers_see_committed(void **state)
{
    struct fixture *f = *state;
    struct yy_error e = {0};
    make_scratch_table(f->db);
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, 2);
    struct visibility v = {.db = f->db, .barrier = &b};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, visibility_main, &v), 0);
    pthread_barrier_wait(&b);
    assert_int_equal(db_begin(f->db), YY_OK);
    assert_int_equal(insert_t(f->db, 1, "x", &e), YY_OK);
    pthread_barrier_wait(&b);
    pthread_barrier_wait(&b); /* reader has looked */
    assert_int_equal(db_commit(f->db), YY_OK);
    pthread_barrier_wait(&b);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&b);
    assert_int_equal(v.seen[0], 0);
    assert_int_equal(v.seen[1], 0); /* uncommitted: invisible */
    assert_int_equal(v.seen[2], 1); /* committed: visible */
}

/* ---- store: regions and stations --------------------------------------------- */

struct net {
    int64_t district, street_a, zone, c1, c2, s1, s2, s3;
};

static void make_network(struct db *db, struct net *n)
{
    struct yy_error e = {0};
    struct region r = {.kind = REGION_DISTRICT, .name = "江汉区"};
    assert_int_equal(store_region_add(db, &r, &e), YY_OK);
    n->district = r.id;
    r = (struct region){.kind = REGION_STREET, .name = "民族街道", .parent_id = n->district};
    assert_int_equal(store_region_add(db, &r, &e), YY_OK);
    n->street_a = r.id;
    r = (struct region){.kind = REGION_DEV_ZONE, .name = "江汉经济开发区",
                        .parent_id = n->district};
    assert_int_equal(store_region_add(db, &r, &e), YY_OK);
    n->zone = r.id;
    r = (struct region){.kind = REGION_COMMUNITY, .name = "大夹社区", .parent_id = n->street_a};
    assert_int_equal(store_region_add(db, &r, &e), YY_OK);
    n->c1 = r.id;
    r = (struct region){.kind = REGION_COMMUNITY, .name = "园区社区", .parent_id = n->zone};
    assert_int_equal(store_region_add(db, &r, &e), YY_OK);
    n->c2 = r.id;

    struct station s = {.kind = STATION_WORK_OFFICE,
                        .name = "民族街道代表工作室",
                        .street_id = n->street_a,
                        .address = "民族路1号",
                        .lat = 30.60,
                        .lon = 114.26,
                        .opening_hours = "周一至周五",
                        .reception_rule = "每月15日 9:00-11:00"};
    assert_int_equal(store_station_add(db, &s, &e), YY_OK);
    n->s1 = s.id;
    s = (struct station){.kind = STATION_RECEPTION_ROOM,
                         .name = "大夹社区代表接待室",
                         .street_id = n->street_a,
                         .community_id = n->c1,
                         .lat = 30.58,
                         .lon = 114.28};
    assert_int_equal(store_station_add(db, &s, &e), YY_OK);
    n->s2 = s.id;
    s = (struct station){.kind = STATION_PARK_HOME,
                         .name = "园区代表之家",
                         .street_id = n->zone,
                         .community_id = n->c2,
                         .lat = 30.63,
                         .lon = 114.24};
    assert_int_equal(store_station_add(db, &s, &e), YY_OK);
    n->s3 = s.id;
}

static void test_regions(void **state)
{
    struct fixture *f = *state;
    struct net n;
    make_network(f->db, &n);
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct region r;
    assert_int_equal(store_region_get(f->db, &a, n.street_a, &r, &e), YY_OK);
    assert_int_equal(r.id, n.street_a);
    assert_int_equal(r.kind, REGION_STREET);
    assert_string_equal(r.name, "民族街道");
    assert_int_equal(r.parent_id, n.district);
    assert_int_equal(store_region_get(f->db, &a, n.district, &r, &e), YY_OK);
    assert_int_equal(r.parent_id, 0);
    assert_int_equal(r.kind, REGION_DISTRICT);
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_region_get(f->db, &a, 9999, &r, &e), YY_NOT_FOUND);
    assert_int_equal(e.kind, YY_NOT_FOUND);

    assert_int_equal(store_region_find(f->db, &a, "大夹社区", 0, &r, &e), YY_OK);
    assert_int_equal(r.id, n.c1);
    assert_int_equal(store_region_find(f->db, &a, "大夹社区", n.street_a, &r, &e), YY_OK);
    assert_int_equal(store_region_find(f->db, &a, "大夹社区", n.zone, &r, &e), YY_NOT_FOUND);
    assert_int_equal(store_region_find(f->db, &a, "大夹", 0, &r, &e), YY_NOT_FOUND);

    struct region *all;
    size_t cnt;
    assert_int_equal(store_regions_all(f->db, &a, &all, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 5);
    assert_int_equal(all[0].id, n.district);
    assert_int_equal(all[2].kind, REGION_DEV_ZONE);
    assert_int_equal(all[4].parent_id, n.zone);

    /* The same name under one parent is a conflict, under another fine. */
    struct region dup = {.kind = REGION_COMMUNITY, .name = "大夹社区", .parent_id = n.street_a};
    assert_int_equal(store_region_add(f->db, &dup, &e), YY_CONFLICT);
    dup.parent_id = n.zone;
    assert_int_equal(store_region_add(f->db, &dup, &e), YY_OK);
    /* An unknown parent. */
    struct region orphan = {.kind = REGION_COMMUNITY, .name = "孤儿社区", .parent_id = 4242};
    assert_int_not_equal(store_region_add(f->db, &orphan, &e), YY_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM regions"), 6);
    arena_release(&a);
}

static void test_stations(void **state)
{
    struct fixture *f = *state;
    struct net n;
    make_network(f->db, &n);
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};

    struct station s;
    assert_int_equal(store_station_get(f->db, &a, n.s1, &s, &e), YY_OK);
    assert_int_equal(s.id, n.s1);
    assert_int_equal(s.kind, STATION_WORK_OFFICE);
    assert_string_equal(s.name, "民族街道代表工作室");
    assert_int_equal(s.street_id, n.street_a);
    assert_int_equal(s.community_id, 0);
    assert_string_equal(s.address, "民族路1号");
    assert_true(s.lat == 30.60 && s.lon == 114.26);
    assert_string_equal(s.opening_hours, "周一至周五");
    assert_string_equal(s.reception_rule, "每月15日 9:00-11:00");
    assert_int_equal(store_station_get(f->db, &a, n.s2, &s, &e), YY_OK);
    assert_int_equal(s.community_id, n.c1);
    assert_string_equal(s.address, ""); /* NULL stored as empty */
    assert_int_equal(store_station_get(f->db, &a, 777, &s, &e), YY_NOT_FOUND);
    assert_int_equal(store_station_find_by_name(f->db, &a, "园区代表之家", &s, &e), YY_OK);
    assert_int_equal(s.id, n.s3);
    assert_int_equal(store_station_find_by_name(f->db, &a, "园区", &s, &e), YY_NOT_FOUND);

    /* Lists and filters. */
    struct station *list;
    size_t cnt;
    struct station_filter all = {0};
    assert_int_equal(store_stations_list(f->db, &a, &all, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 3);
    assert_int_equal(list[0].id, n.s1);
    assert_int_equal(list[2].id, n.s3);
    struct station_filter by_street = {.street_id = n.street_a};
    assert_int_equal(store_stations_list(f->db, &a, &by_street, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 2);
    struct station_filter by_kind = {.by_kind = true, .kind = STATION_PARK_HOME};
    assert_int_equal(store_stations_list(f->db, &a, &by_kind, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 1);
    assert_int_equal(list[0].id, n.s3);
    by_kind.kind = STATION_CENTRAL;
    assert_int_equal(store_stations_list(f->db, &a, &by_kind, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 0);
    struct station_filter page = {.limit = 2};
    assert_int_equal(store_stations_list(f->db, &a, &page, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 2);
    page.after_id = list[1].id;
    assert_int_equal(store_stations_list(f->db, &a, &page, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 1);
    assert_int_equal(list[0].id, n.s3);

    /* Reference checks: the street must be a street or the zone. */
    struct station bad = {.kind = STATION_CENTRAL, .name = "新站", .lat = 30.6, .lon = 114.3};
    const int64_t not_streets[] = {n.district, n.c1, 9999, 0};
    for (size_t i = 0; i < 4; i++) {
        bad.street_id = not_streets[i];
        memset(&e, 0, sizeof(e));
        assert_int_equal(store_station_add(f->db, &bad, &e), YY_BAD_INPUT);
        assert_string_equal(e.field, "street_id");
    }
    /* The community must be a community inside that street. */
    bad.street_id = n.street_a;
    const int64_t not_communities[] = {n.c2, n.zone, n.street_a, 9999};
    for (size_t i = 0; i < 4; i++) {
        bad.community_id = not_communities[i];
        memset(&e, 0, sizeof(e));
        assert_int_equal(store_station_add(f->db, &bad, &e), YY_BAD_INPUT);
        assert_string_equal(e.field, "community_id");
    }
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM stations"), 3);
    bad.street_id = n.zone;
    bad.community_id = n.c2;
    assert_int_equal(store_station_add(f->db, &bad, &e), YY_OK);
    assert_true(bad.id > n.s3);

    /* Duplicate names. */
    struct station dup = bad;
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_station_add(f->db, &dup, &e), YY_CONFLICT);
    assert_string_equal(e.field, "name");

    /* Updates. */
    assert_int_equal(store_station_get(f->db, &a, n.s2, &s, &e), YY_OK);
    s.name = "大夹社区代表接待站";
    s.kind = STATION_CENTRAL;
    s.reception_rule = "每月20日 9:00-11:00";
    assert_int_equal(store_station_update(f->db, &s, &e), YY_OK);
    struct station got;
    assert_int_equal(store_station_get(f->db, &a, n.s2, &got, &e), YY_OK);
    assert_string_equal(got.name, "大夹社区代表接待站");
    assert_int_equal(got.kind, STATION_CENTRAL);
    assert_string_equal(got.reception_rule, "每月20日 9:00-11:00");
    s.name = "园区代表之家";
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_station_update(f->db, &s, &e), YY_CONFLICT);
    assert_string_equal(e.field, "name");
    s.name = "改名";
    s.community_id = n.c2;
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_station_update(f->db, &s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "community_id");
    s.community_id = n.c1;
    s.id = 9999;
    assert_int_equal(store_station_update(f->db, &s, &e), YY_NOT_FOUND);
    assert_int_equal(store_station_get(f->db, &a, n.s2, &got, &e), YY_OK);
    assert_string_equal(got.name, "大夹社区代表接待站");
    arena_release(&a);
}

/* ---- store: deputies and units ----------------------------------------------- */

static void test_deputies(void **state)
{
    struct fixture *f = *state;
    struct net n;
    make_network(f->db, &n);
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};

    /* Explicit stations. */
    int64_t ids[] = {n.s3, n.s1};
    struct deputy d = {.name = "王五",
                       .levels = LEVEL_DISTRICT | LEVEL_MUNICIPAL,
                       .sector = "律师",
                       .phone = "13800138000",
                       .station_ids = ids,
                       .n_station_ids = 2};
    assert_int_equal(store_deputy_add(f->db, &a, &d, &e), YY_OK);
    int64_t wang = d.id;
    assert_true(wang > 0);
    struct deputy got;
    assert_int_equal(store_deputy_get(f->db, &a, wang, &got, &e), YY_OK);
    assert_string_equal(got.name, "王五");
    assert_int_equal(got.levels, LEVEL_DISTRICT | LEVEL_MUNICIPAL);
    assert_string_equal(got.sector, "律师");
    assert_string_equal(got.phone, "13800138000");
    assert_false(got.has_location);
    assert_int_equal(got.n_station_ids, 2);
    assert_int_equal(got.station_ids[0], n.s1 < n.s3 ? n.s1 : n.s3);
    assert_int_equal(got.station_ids[1], n.s1 < n.s3 ? n.s3 : n.s1);

    /* No stations, a location: placed at the nearest station. */
    struct deputy near = {.name = "赵六",
                          .levels = LEVEL_DISTRICT,
                          .has_location = true,
                          .lat = 30.581,
                          .lon = 114.279};
    assert_int_equal(store_deputy_add(f->db, &a, &near, &e), YY_OK);
    assert_int_equal(near.n_station_ids, 1);
    assert_int_equal(near.station_ids[0], n.s2);
    assert_int_equal(store_deputy_get(f->db, &a, near.id, &got, &e), YY_OK);
    assert_true(got.has_location);
    assert_true(got.lat == 30.581 && got.lon == 114.279);
    assert_null(got.phone);
    assert_int_equal(got.n_station_ids, 1);
    assert_int_equal(got.station_ids[0], n.s2);
    struct deputy far = {.name = "孙七", .levels = LEVEL_NATIONAL, .has_location = true,
                         .lat = 30.64, .lon = 114.23};
    assert_int_equal(store_deputy_add(f->db, &a, &far, &e), YY_OK);
    assert_int_equal(far.station_ids[0], n.s3);
    /* Neither: added without a station. */
    struct deputy none = {.name = "周八", .levels = LEVEL_PROVINCIAL};
    assert_int_equal(store_deputy_add(f->db, &a, &none, &e), YY_OK);
    assert_int_equal(store_deputy_get(f->db, &a, none.id, &got, &e), YY_OK);
    assert_int_equal(got.n_station_ids, 0);

    /* An unknown station: nothing is added. */
    int64_t unknown[] = {n.s1, 4242};
    struct deputy bad = {.name = "错误", .levels = LEVEL_DISTRICT, .station_ids = unknown,
                         .n_station_ids = 2};
    int64_t before = query_int(f->db, "SELECT count(*) FROM deputies");
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_deputy_add(f->db, &a, &bad, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "station_ids");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM deputies"), before);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM deputy_stations"), 4);

    /* Lists and filters. */
    struct deputy *list;
    size_t cnt;
    struct deputy_filter all = {0};
    assert_int_equal(store_deputies_list(f->db, &a, &all, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 4);
    assert_int_equal(list[0].id, wang);
    assert_int_equal(list[0].n_station_ids, 2);
    assert_int_equal(list[1].n_station_ids, 1);
    assert_int_equal(list[3].n_station_ids, 0);
    struct deputy_filter at_s3 = {.station_id = n.s3};
    assert_int_equal(store_deputies_list(f->db, &a, &at_s3, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 2);
    assert_int_equal(list[0].id, wang);
    assert_int_equal(list[1].id, far.id);
    assert_int_equal(list[1].n_station_ids, 1);
    struct deputy_filter district = {.level = LEVEL_DISTRICT};
    assert_int_equal(store_deputies_list(f->db, &a, &district, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 2);
    struct deputy_filter page = {.limit = 1, .after_id = wang};
    assert_int_equal(store_deputies_list(f->db, &a, &page, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 1);
    assert_int_equal(list[0].id, near.id);
    assert_int_equal(list[0].n_station_ids, 1);
    assert_int_equal(list[0].station_ids[0], n.s2);

    /* Update replaces every field and the stations. */
    int64_t only[] = {n.s2};
    struct deputy upd = {.id = wang,
                         .name = "王五",
                         .levels = LEVEL_NATIONAL,
                         .sector = "企业",
                         .phone = "",
                         .station_ids = only,
                         .n_station_ids = 1};
    assert_int_equal(store_deputy_update(f->db, &a, &upd, &e), YY_OK);
    assert_int_equal(store_deputy_get(f->db, &a, wang, &got, &e), YY_OK);
    assert_int_equal(got.levels, LEVEL_NATIONAL);
    assert_string_equal(got.sector, "企业");
    assert_null(got.phone);
    assert_int_equal(got.n_station_ids, 1);
    assert_int_equal(got.station_ids[0], n.s2);
    upd.id = 9999;
    assert_int_equal(store_deputy_update(f->db, &a, &upd, &e), YY_NOT_FOUND);
    assert_int_equal(store_deputy_get(f->db, &a, 9999, &got, &e), YY_NOT_FOUND);
    arena_release(&a);
}

static void test_units(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct unit u = {.name = "区建设局", .kind = UNIT_DEPARTMENT};
    assert_int_equal(store_unit_add(f->db, &u, &e), YY_OK);
    struct unit u2 = {.name = "区检察院", .kind = UNIT_PROCURATORATE};
    assert_int_equal(store_unit_add(f->db, &u2, &e), YY_OK);
    struct unit u3 = {.name = "自来水公司", .kind = UNIT_UTILITY};
    assert_int_equal(store_unit_add(f->db, &u3, &e), YY_OK);
    struct unit got;
    assert_int_equal(store_unit_get(f->db, &a, u2.id, &got, &e), YY_OK);
    assert_string_equal(got.name, "区检察院");
    assert_int_equal(got.kind, UNIT_PROCURATORATE);
    assert_int_equal(store_unit_get(f->db, &a, 999, &got, &e), YY_NOT_FOUND);

    struct unit dup = {.name = "区建设局", .kind = UNIT_OTHER};
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_unit_add(f->db, &dup, &e), YY_CONFLICT);
    assert_string_equal(e.field, "name");

    struct unit *list;
    size_t cnt;
    assert_int_equal(store_units_list(f->db, &a, 0, 0, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 3);
    assert_int_equal(store_units_list(f->db, &a, u.id, 1, &list, &cnt, &e), YY_OK);
    assert_int_equal(cnt, 1);
    assert_int_equal(list[0].id, u2.id);

    u3.kind = UNIT_OTHER;
    u3.name = "市自来水公司";
    assert_int_equal(store_unit_update(f->db, &u3, &e), YY_OK);
    assert_int_equal(store_unit_get(f->db, &a, u3.id, &got, &e), YY_OK);
    assert_string_equal(got.name, "市自来水公司");
    assert_int_equal(got.kind, UNIT_OTHER);
    u3.name = "区检察院";
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_unit_update(f->db, &u3, &e), YY_CONFLICT);
    assert_string_equal(e.field, "name");
    struct unit ghost = {.id = 999, .name = "无", .kind = UNIT_OTHER};
    assert_int_equal(store_unit_update(f->db, &ghost, &e), YY_NOT_FOUND);

    /* Writes nest inside the caller's transaction and go with its rollback. */
    assert_int_equal(db_begin(f->db), YY_OK);
    struct unit temp = {.name = "临时单位", .kind = UNIT_OTHER};
    assert_int_equal(store_unit_add(f->db, &temp, &e), YY_OK);
    assert_true(db_in_transaction(f->db));
    db_rollback(f->db);
    assert_int_equal(store_unit_get(f->db, &a, temp.id, &got, &e), YY_NOT_FOUND);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM units"), 3);
    arena_release(&a);
}

/* ---- store: accounts ------------------------------------------------------------ */

static void test_users(void **state)
{
    struct fixture *f = *state;
    struct net n;
    make_network(f->db, &n);
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct unit unit = {.name = "区城管局", .kind = UNIT_DEPARTMENT};
    assert_int_equal(store_unit_add(f->db, &unit, &e), YY_OK);
    struct deputy dep = {.name = "代表甲", .levels = LEVEL_DISTRICT};
    assert_int_equal(store_deputy_add(f->db, &a, &dep, &e), YY_OK);

    struct role_grant g[] = {{ROLE_STREET_STAFF, n.zone},
                             {ROLE_COMMUNITY_STAFF, n.c1},
                             {ROLE_UNIT_STAFF, unit.id},
                             {ROLE_DEPUTY, dep.id},
                             {ROLE_ADMIN, 0}};
    struct user u = {.login = "li.si", .name = "李四", .password_hash = "$argon2id$x",
                     .roles = g, .n_roles = 5};
    assert_int_equal(store_user_add(f->db, &u, &e), YY_OK);
    assert_true(u.id > 0);
    struct user got;
    assert_int_equal(store_user_by_login(f->db, &a, "li.si", &got, &e), YY_OK);
    assert_int_equal(got.id, u.id);
    assert_string_equal(got.name, "李四");
    assert_string_equal(got.password_hash, "$argon2id$x");
    assert_false(got.disabled);
    assert_int_equal(got.n_roles, 5);
    assert_true(user_has_scoped_role(&got, ROLE_STREET_STAFF, n.zone));
    assert_true(user_has_scoped_role(&got, ROLE_COMMUNITY_STAFF, n.c1));
    assert_true(user_has_scoped_role(&got, ROLE_UNIT_STAFF, unit.id));
    assert_true(user_has_scoped_role(&got, ROLE_DEPUTY, dep.id));
    assert_true(user_has_role(&got, ROLE_ADMIN));
    assert_int_equal(store_user_get(f->db, &a, u.id, &got, &e), YY_OK);
    assert_string_equal(got.login, "li.si");
    assert_int_equal(got.n_roles, 5);
    assert_int_equal(store_user_by_login(f->db, &a, "LI.SI", &got, &e), YY_NOT_FOUND);
    assert_int_equal(store_user_get(f->db, &a, 999, &got, &e), YY_NOT_FOUND);

    /* Duplicate login. */
    struct user again = {.login = "li.si", .password_hash = "h"};
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_user_add(f->db, &again, &e), YY_CONFLICT);
    assert_string_equal(e.code, "login_taken");
    assert_string_equal(e.field, "login");

    /* Scopes of the wrong kind or unknown. */
    struct {
        enum role role;
        int64_t scope;
        const char *code;
    } bad[] = {
        {ROLE_STREET_STAFF, n.c1, "unknown_scope"},   /* a community, not a street */
        {ROLE_STREET_STAFF, n.district, "unknown_scope"},
        {ROLE_COMMUNITY_STAFF, n.street_a, "unknown_scope"},
        {ROLE_UNIT_STAFF, 999, "unknown_scope"},
        {ROLE_DEPUTY, 999, "unknown_scope"},
        {ROLE_DEPUTY, 0, "unknown_scope"},
        {ROLE_ADMIN, 5, "unexpected_scope"},
        {ROLE_RESIDENT, 1, "unexpected_scope"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct role_grant bg[] = {{ROLE_LEADER, 0}, {bad[i].role, bad[i].scope}};
        char login[32];
        snprintf(login, sizeof(login), "bad%zu", i);
        struct user bu = {.login = login, .password_hash = "h", .roles = bg, .n_roles = 2};
        memset(&e, 0, sizeof(e));
        assert_int_equal(store_user_add(f->db, &bu, &e), YY_BAD_INPUT);
        assert_string_equal(e.code, bad[i].code);
        assert_string_equal(e.field, "scope");
        assert_int_equal(store_user_by_login(f->db, &a, login, &got, &e), YY_NOT_FOUND);
    }
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM users"), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM user_roles"), 5);
    arena_release(&a);
}

static void test_sessions_and_tokens(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct role_grant g = {ROLE_RESIDENT, 0};
    struct user u = {.login = "resident1", .password_hash = "h", .roles = &g, .n_roles = 1};
    assert_int_equal(store_user_add(f->db, &u, &e), YY_OK);

    char tok[TOKEN_LEN + 1], h[TOKEN_HASH_LEN + 1];
    token_new(tok);
    token_hash(tok, h);
    const int64_t now = time_now();
    assert_int_equal(store_session_add(f->db, h, u.id, "csrf-123", now + 3600, &e), YY_OK);
    int64_t uid = 0;
    const char *csrf = NULL;
    assert_int_equal(store_session_get(f->db, &a, h, now, &uid, &csrf, &e), YY_OK);
    assert_int_equal(uid, u.id);
    assert_string_equal(csrf, "csrf-123");
    assert_int_equal(store_session_get(f->db, &a, h, now + 3599, &uid, &csrf, &e), YY_OK);
    /* Expired at expires_at exactly and after. */
    assert_int_equal(store_session_get(f->db, &a, h, now + 3600, &uid, &csrf, &e),
                     YY_NOT_FOUND);
    assert_int_equal(store_session_get(f->db, &a, h, now + 86400, &uid, &csrf, &e),
                     YY_NOT_FOUND);
    /* Unknown hash; the raw token is not the key. */
    assert_int_equal(store_session_get(f->db, &a, tok, now, &uid, &csrf, &e), YY_NOT_FOUND);
    /* The same hash twice is a conflict. */
    assert_int_equal(store_session_add(f->db, h, u.id, "x", now + 10, &e), YY_CONFLICT);
    /* Unknown user. */
    char h2[TOKEN_HASH_LEN + 1];
    token_hash("other", h2);
    assert_int_not_equal(store_session_add(f->db, h2, 999, "x", now + 10, &e), YY_OK);
    /* Delete. */
    assert_int_equal(store_session_delete(f->db, h, &e), YY_OK);
    assert_int_equal(store_session_get(f->db, &a, h, now, &uid, &csrf, &e), YY_NOT_FOUND);
    assert_int_equal(store_session_delete(f->db, h, &e), YY_OK);

    /* Bearer tokens. */
    char th[TOKEN_HASH_LEN + 1];
    token_hash("bearer", th);
    assert_int_equal(store_token_add(f->db, th, u.id, now + 100, &e), YY_OK);
    uid = 0;
    assert_int_equal(store_token_get(f->db, th, now + 99, &uid, &e), YY_OK);
    assert_int_equal(uid, u.id);
    assert_int_equal(store_token_get(f->db, th, now + 100, &uid, &e), YY_NOT_FOUND);
    assert_int_equal(store_token_get(f->db, h, now, &uid, &e), YY_NOT_FOUND);
    assert_int_equal(store_token_add(f->db, th, u.id, now + 100, &e), YY_CONFLICT);

    /* A disabled user's session and tokens stop working. */
    assert_int_equal(store_session_add(f->db, h, u.id, "c", now + 100, &e), YY_OK);
    assert_int_equal(db_begin(f->db), YY_OK);
    assert_int_equal(db_exec(f->db, "UPDATE users SET disabled = 1", &e), YY_OK);
    assert_int_equal(db_commit(f->db), YY_OK);
    assert_int_equal(store_session_get(f->db, &a, h, now, &uid, &csrf, &e), YY_NOT_FOUND);
    assert_int_equal(store_token_get(f->db, th, now, &uid, &e), YY_NOT_FOUND);
    arena_release(&a);
}

/* ---- backup -------------------------------------------------------------------- */

static void test_backup(void **state)
{
    struct fixture *f = *state;
    struct net n;
    make_network(f->db, &n);
    struct yy_error e = {0};
    char out[400], partial[420];
    snprintf(out, sizeof(out), "%s/backup.db", f->tmp.dir);
    snprintf(partial, sizeof(partial), "%s.partial", out);
    assert_int_equal(db_backup(f->db, out, &e), YY_OK);
    assert_true(file_exists(out));
    assert_false(file_exists(partial));

    struct db *b = db_open(out, false, &e);
    assert_non_null(b);
    assert_int_equal(db_schema_version(b), (int)schema_sqlite_n);
    assert_int_equal(query_int(b, "SELECT count(*) FROM regions"), 5);
    assert_int_equal(query_int(b, "SELECT count(*) FROM stations"), 3);
    struct arena a = ARENA_INIT;
    struct station s;
    assert_int_equal(store_station_get(b, &a, n.s2, &s, &e), YY_OK);
    assert_string_equal(s.name, "大夹社区代表接待室");
    arena_release(&a);
    db_close(b);

    /* A second backup over the first replaces it. */
    struct unit u = {.name = "区民政局", .kind = UNIT_DEPARTMENT};
    assert_int_equal(store_unit_add(f->db, &u, &e), YY_OK);
    assert_int_equal(db_backup(f->db, out, &e), YY_OK);
    assert_false(file_exists(partial));
    b = db_open(out, false, &e);
    assert_non_null(b);
    assert_int_equal(query_int(b, "SELECT count(*) FROM units"), 1);
    db_close(b);

    /* Into a folder that does not exist: an error, no file left behind. */
    char nowhere[400], nowhere_partial[420];
    snprintf(nowhere, sizeof(nowhere), "%s/none/backup.db", f->tmp.dir);
    snprintf(nowhere_partial, sizeof(nowhere_partial), "%s.partial", nowhere);
    memset(&e, 0, sizeof(e));
    assert_int_equal(db_backup(f->db, nowhere, &e), YY_IO);
    assert_false(file_exists(nowhere));
    assert_false(file_exists(nowhere_partial));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_open),
        T(test_migrate_twice),
        T(test_nested_transactions),
        T(test_write_outside_transaction),
        T(test_statement_reentrant),
        T(test_unique_conflict),
        T(test_concurrent_writers),
        T(test_readers_see_committed),
        T(test_regions),
        T(test_stations),
        T(test_deputies),
        T(test_units),
        T(test_users),
        T(test_sessions_and_tokens),
        T(test_backup),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
