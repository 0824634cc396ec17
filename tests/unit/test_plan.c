/* test_plan.c - db_prepare_generic (db.h): on PostgreSQL a generic
 * statement runs with plan_cache_mode = force_generic_plan and every other
 * statement, and every transaction, with the server's default; on SQLite it
 * is db_prepare.  The PostgreSQL cases need YOUYUE_PG_URL (a server's base
 * URL, tests/pg.sh start) and skip without it; tests/run.sh runs them in its
 * unit-postgresql suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/db.h"

#define MODE_SQL "SELECT current_setting('plan_cache_mode')"

static int setup_pg(void **state)
{
    const char *base = getenv("YOUYUE_PG_URL");
    *state = NULL;
    if (!base || !*base)
        return 0; /* skipped in the test */
    char url[512];
    snprintf(url, sizeof(url), "%s/postgres", base);
    struct yy_error e = {0};
    *state = db_open(url, false, &e);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

/* The plan_cache_mode a statement prepared by prep sees when it runs. */
static void mode_seen(struct db *db, bool generic, char *out, size_t n)
{
    struct yy_error e = {0};
    struct db_stmt *st = generic ? db_prepare_generic(db, MODE_SQL, &e) : db_prepare(db, MODE_SQL, &e);
    assert_non_null(st);
    bool row = false;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    assert_true(row);
    snprintf(out, n, "%s", db_col_text(st, 0));
    db_done(st);
}

static void generic_only_while_it_runs(void **state)
{
    struct db *db = *state;
    if (!db)
        skip();
    char m[64];
    mode_seen(db, false, m, sizeof(m));
    assert_string_equal(m, "auto");
    mode_seen(db, true, m, sizeof(m));
    assert_string_equal(m, "force_generic_plan");
    mode_seen(db, true, m, sizeof(m)); /* stays while generic statements follow */
    assert_string_equal(m, "force_generic_plan");
    /* the same SQL text, now from db_prepare: the connection's cached
     * statement must not keep the flag of its last use */
    mode_seen(db, false, m, sizeof(m));
    assert_string_equal(m, "auto");
}

static void transactions_plan_as_configured(void **state)
{
    struct db *db = *state;
    if (!db)
        skip();
    char m[64];
    mode_seen(db, true, m, sizeof(m));
    assert_string_equal(m, "force_generic_plan");
    /* a transaction after a generic read: its writes plan as usual */
    assert_int_equal(db_begin(db), YY_OK);
    mode_seen(db, false, m, sizeof(m));
    assert_string_equal(m, "auto");
    /* inside a transaction the mode is not switched: a SET there would be
     * undone by a rollback behind the connection's back */
    mode_seen(db, true, m, sizeof(m));
    assert_string_equal(m, "auto");
    db_rollback(db);
    mode_seen(db, true, m, sizeof(m));
    assert_string_equal(m, "force_generic_plan");
    mode_seen(db, false, m, sizeof(m));
    assert_string_equal(m, "auto");
}

/* SQLite: the same rows as db_prepare, bound parameters and all. */
static void sqlite_generic_is_prepare(void **state)
{
    (void)state;
    struct yy_error e = {0};
    struct db *db = db_open(":memory:", true, &e);
    assert_non_null(db);
    struct db_stmt *st = db_prepare_generic(db, "SELECT $1 + 1", &e);
    assert_non_null(st);
    db_bind_int(st, 1, 41);
    bool row = false;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    assert_true(row);
    assert_int_equal(db_col_int(st, 0), 42);
    db_done(st);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sqlite_generic_is_prepare),
        {"pg_generic_only_while_it_runs", generic_only_while_it_runs, setup_pg, teardown, NULL},
        {"pg_transactions_plan_as_configured", transactions_plan_as_configured, setup_pg, teardown,
         NULL},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
