/* test_remind.c - the supervision sweep (store/remind.h) on a real SQLite
 * database: every kind of open item, the recipients, idempotence within a
 * day, daily chasing of overdue items, the two due-soon windows, the
 * timeline and audit entries, notices and inboxes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "domain/auth.h"
#include "store/remind.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char path[128];
    struct db *db;
    struct calendar cal;
    struct arena a;
};

static int64_t D(int y, unsigned m, unsigned d)
{
    return time_days_from_civil(y, m, d);
}

static int64_t end_of(int64_t day)
{
    return day_start(day + 1);
}

static int64_t at10(int64_t day)
{
    return day_start(day) + 10 * 3600;
}

/* Writes behind the platform's back, as psql or sqlite3 would. */
static void exec(struct db *db, const char *sql)
{
    struct yy_error e = {0};
    assert_int_equal(db_begin(db), YY_OK);
    if (db_exec(db, sql, &e) != YY_OK)
        fail_msg("%s: %s", sql, e.message ? e.message : "?");
    assert_int_equal(db_commit(db), YY_OK);
}

static void execf(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void execf(struct db *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    exec(db, sql);
}

static int64_t count(struct db *db, const char *sql)
{
    struct yy_error e = {0};
    struct db_stmt *st = db_prepare(db, sql, &e);
    assert_non_null(st);
    bool row;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    int64_t n = row ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

/* The world of the sweep, judged on Monday 30 November 2026:
 *   s1 key (leader user 7): lead a1 (unit 1) due Fri 27 Nov: overdue;
 *                           co a2 (unit 2) opinion due Wed 2 Dec: due soon
 *   s2 accepted, to be assigned by Tue 1 Dec: due soon
 *   s3 in rehandling (since 2 Nov), lead a3 (unit 1) back in handling, due
 *      Wed 2 Dec: due soon
 *   s4 lead a4 due in 2027: open;  s5 replied (a5 replied): not watched
 *   s6 lead a6 (unit 1) due Mon 14 Dec: 10 working days, due soon
 *   c1 on-site commitment of unit 2 due 27 Nov, resolved_on_site: overdue;
 *   c2 the same but resolved: not watched */
#define SG                                                                                         \
    "INSERT INTO suggestions (id, title, body, category, author_id, status,"                       \
    " is_key, key_leader_id, year, assign_due_at, created_at, updated_at)"                         \
    " VALUES (%d, '%s', '', '其他', 1, '%s', %d, %s, 2026, %s, 0, 0)"
#define AS                                                                                         \
    "INSERT INTO assignments (id, suggestion_id, unit_id, role, status,"                           \
    " assigned_at, due_at, co_opinion_due_at) VALUES"                                              \
    " (%d, %d, %d, '%s', '%s', 0, %lld, %s)"
#define CC                                                                                         \
    "INSERT INTO concerns (id, tracking_code, title, body, category, source,"                      \
    " status, unit_id, due_at, created_at, updated_at) VALUES"                                     \
    " (%d, '%s', '路灯不亮', '', '其他', 'activity', '%s', 2, %lld, 0, 0)"

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/yy_remind_XXXXXX");
    if (!f || !mkdtemp(f->dir) || !auth_init())
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/r.db", f->dir);
    struct yy_error e = {0};
    f->db = db_open(f->path, true, &e);
    if (!f->db || db_migrate(f->db, &e) != YY_OK)
        return -1;
    calendar_init(&f->cal);
    if (calendar_add_builtin(&f->cal, &f->a, &e) != YY_OK)
        return -1;
    struct db *db = f->db;
    exec(db, "INSERT INTO units (id, name, kind, created_at, updated_at) VALUES"
             " (1, '区建设局', 'department', 0, 0), (2, '区城管局', 'department', 0, 0)");
    exec(db, "INSERT INTO deputies (id, name, levels, created_at, updated_at)"
             " VALUES (1, '王代表', 8, 0, 0)");
    exec(db, "INSERT INTO users (id, login, password_hash, created_at)"
             " VALUES (7, 'leader1', 'x', 0)");
    execf(db, SG, 1, "增设路灯", "in_handling", 1, "7", "NULL");
    char due[32];
    snprintf(due, sizeof(due), "%lld", (long long)end_of(D(2026, 12, 1)));
    execf(db, SG, 2, "停车难", "accepted", 0, "NULL", due);
    execf(db, SG, 3, "垃圾分类", "rehandling", 0, "NULL", "NULL");
    execf(db, SG, 4, "远期事项", "in_handling", 0, "NULL", "NULL");
    execf(db, SG, 5, "已答复", "replied", 0, "NULL", "NULL");
    execf(db, SG, 6, "下水道", "in_handling", 0, "NULL", "NULL");
    char co_due[32];
    snprintf(co_due, sizeof(co_due), "%lld", (long long)end_of(D(2026, 12, 2)));
    execf(db, AS, 1, 1, 1, "lead", "in_handling", (long long)end_of(D(2026, 11, 27)), "NULL");
    execf(db, AS, 2, 1, 2, "co", "in_handling", (long long)end_of(D(2027, 2, 27)), co_due);
    execf(db, AS, 3, 3, 1, "lead", "in_handling", (long long)end_of(D(2026, 12, 2)), "NULL");
    execf(db, AS, 4, 4, 1, "lead", "in_handling", (long long)end_of(D(2027, 3, 1)), "NULL");
    execf(db, AS, 5, 5, 1, "lead", "replied", (long long)end_of(D(2026, 11, 1)), "NULL");
    execf(db, AS, 6, 6, 1, "lead", "assigned", (long long)end_of(D(2026, 12, 14)), "NULL");
    execf(db, CC, 1, "T1", "resolved_on_site", (long long)end_of(D(2026, 11, 27)));
    execf(db, CC, 2, "T2", "resolved", (long long)end_of(D(2026, 11, 27)));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    arena_release(&f->a);
    char p[200];
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    unsetenv("YOUYUE_NOW");
    return 0;
}

static struct remind_counts sweep(struct fixture *f, int64_t now)
{
    char v[32];
    snprintf(v, sizeof(v), "%lld", (long long)now);
    setenv("YOUYUE_NOW", v, 1); /* the timeline's times */
    struct remind_counts c;
    struct yy_error e = {0};
    assert_int_equal(store_remind_sweep(f->db, &f->cal, now, &c, &e), YY_OK);
    return c;
}

static void test_sweep(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    struct remind_counts c = sweep(f, at10(D(2026, 11, 30)));
    assert_int_equal(c.overdue, 2);  /* a1, c1 */
    assert_int_equal(c.due_soon, 4); /* a2, s2, s3, a6 */
    /* a1: unit 1, leader, office; c1: unit 2, office; a2: unit 2, leader,
     * office; s2: office; s3 (a3): unit 1, office; a6: unit 1, office */
    assert_int_equal(c.reminders, 13);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE recipient_kind = 'user'"
                               " AND recipient_id = 7"),
                     2);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE kind = 'overdue'"
                               " AND recipient_kind = 'unit' AND recipient_id = 1"
                               " AND entity = 'assignment' AND entity_id = 1"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE entity = 'concern'"
                               " AND entity_id = 1 AND recipient_kind = 'unit'"
                               " AND recipient_id = 2"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE entity = 'suggestion'"
                               " AND entity_id = 2 AND recipient_kind = 'office'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE entity = 'assignment'"
                               " AND entity_id IN (4, 5)"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE due_at IS NULL"), 0);
    /* re-handling: the lead assignment's new deadline */
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM reminders WHERE entity_id = 3 AND entity = 'assignment'"
             " AND due_at = %lld",
             (long long)end_of(D(2026, 12, 2)));
    assert_int_equal(count(db, sql), 2);
    /* 催办 on the timelines: one event per item, not per recipient */
    assert_int_equal(count(db, "SELECT count(*) FROM suggestion_events WHERE action = 'remind'"
                               " AND actor_role = 'system' AND suggestion_id = 1"),
                     2);
    assert_int_equal(count(db, "SELECT count(*) FROM concern_events WHERE action = 'remind'"
                               " AND concern_id = 1"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'remind.sweep'"
                               " AND actor_role = 'system'"),
                     1);

    /* the same day again: nothing new, no trace */
    c = sweep(f, at10(D(2026, 11, 30)) + 3600);
    assert_int_equal(c.overdue, 2);
    assert_int_equal(c.due_soon, 4);
    assert_int_equal(c.reminders, 0);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders"), 13);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM suggestion_events"), 5);

    /* the next day: overdue items are chased again, due-soon ones are not */
    c = sweep(f, at10(D(2026, 12, 1)));
    assert_int_equal(c.reminders, 5);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 2);

    /* a6 (due 14 Dec) enters the last 3 working days on Wed 9 Dec */
    const char *a6 = "SELECT count(*) FROM reminders WHERE entity = 'assignment'"
                     " AND entity_id = 6 AND kind = 'due_soon'";
    c = sweep(f, at10(D(2026, 12, 8)));
    assert_int_equal(count(db, a6), 2);
    c = sweep(f, at10(D(2026, 12, 9)));
    assert_int_equal(count(db, a6), 4);
    c = sweep(f, at10(D(2026, 12, 10)));
    assert_int_equal(count(db, a6), 4);

    /* replied: no longer watched */
    exec(db, "UPDATE assignments SET status = 'replied' WHERE id = 1");
    exec(db, "UPDATE concerns SET status = 'resolved' WHERE id = 1");
    c = sweep(f, at10(D(2026, 12, 11)));
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM reminders WHERE entity_id = 1 AND day = %lld",
             (long long)D(2026, 12, 11));
    assert_int_equal(count(db, sql), 0);
    assert_int_equal(c.overdue, 3); /* a2, s2, s3 */
}

static void test_notice(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    struct yy_error e = {0};
    setenv("YOUYUE_NOW", "1796000000", 1);
    assert_int_equal(
        store_notice_tx(db, "deputy", 1, "reply_received", "suggestion", 1, "已答复", &e),
        YY_INTERNAL); /* not inside a transaction */
    assert_int_equal(store_begin(db, &e), YY_OK);
    assert_int_equal(store_notice_tx(db, "deputy", 1, "reply_received", "suggestion", 1,
                                     "区建设局已答复您的建议", &e),
                     YY_OK);
    assert_int_equal(store_notice_tx(db, "deputy", 1, "reply_received", "suggestion", 1,
                                     "区建设局已答复您的建议", &e),
                     YY_OK); /* the same day: dropped */
    assert_int_equal(store_notice_tx(db, "deputy", 1, "replied", "suggestion", 1, "x", &e),
                     YY_INTERNAL);
    assert_int_equal(store_notice_tx(db, "street", 1, "notice", "suggestion", 1, "x", &e),
                     YY_INTERNAL);
    assert_int_equal(store_commit(db, &e), YY_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE recipient_kind = 'deputy'"),
                     1);
}

static void test_inbox(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    sweep(f, at10(D(2026, 11, 30)));
    struct inbox_owner unit1[] = {{"unit", 1}};
    struct inbox_owner both[] = {{"user", 7}, {"unit", 2}};
    struct reminder *r;
    size_t n;
    struct yy_error e = {0};
    struct arena a = ARENA_INIT;
    assert_int_equal(store_inbox_list(db, &a, unit1, 1, 0, 100, &r, &n, &e), YY_OK);
    assert_int_equal(n, 3); /* a1 overdue, a3 and a6 due soon */
    assert_true(r[0].id > r[1].id && r[1].id > r[2].id);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(r[i].recipient_kind, "unit");
        assert_int_equal(r[i].read_at, 0);
        assert_true(r[i].due_at > 0);
    }
    assert_int_equal(r[2].suggestion_id, 1); /* a1's suggestion */
    assert_string_equal(r[2].kind, "overdue");
    /* pages */
    int64_t last = r[0].id;
    assert_int_equal(store_inbox_list(db, &a, unit1, 1, last, 1, &r, &n, &e), YY_OK);
    assert_int_equal(n, 1);
    assert_true(r[0].id < last);
    assert_int_equal(store_inbox_list(db, &a, both, 2, 0, 100, &r, &n, &e), YY_OK);
    assert_int_equal(n, 4); /* leader: a1, a2; unit 2: c1, a2 */
    /* marking read: only one's own */
    struct reminder one;
    int64_t theirs = r[0].id;
    assert_int_equal(store_inbox_mark_read(db, &a, unit1, 1, theirs, 1796000000, &one, &e),
                     YY_NOT_FOUND);
    assert_int_equal(store_inbox_mark_read(db, &a, both, 2, theirs, 1796000000, &one, &e), YY_OK);
    assert_int_equal(one.read_at, 1796000000);
    assert_int_equal(store_inbox_mark_read(db, &a, both, 2, theirs, 1796000999, &one, &e), YY_OK);
    assert_int_equal(one.read_at, 1796000000); /* the first reading counts */
    assert_int_equal(store_inbox_mark_read(db, &a, both, 2, 999999, 1796000000, &one, &e),
                     YY_NOT_FOUND);
    arena_release(&a);
}

/* 届末: following-up suggestions whose promise is neither done nor explained
 * are chased as the term ends (settings.term_ends_on). */
static void test_term_end(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->db;
    /* s7: B promise open, lead unit 2; s8: explained; s9: done; s10: closed */
    execf(db, SG, 7, "老旧小区改造", "following_up", 0, "NULL", "NULL");
    execf(db, SG, 8, "已说明", "following_up", 0, "NULL", "NULL");
    execf(db, SG, 9, "已落实", "following_up", 0, "NULL", "NULL");
    execf(db, SG, 10, "已办结", "closed", 0, "NULL", "NULL");
    for (int i = 7; i <= 10; i++)
        execf(db, AS, 10 + i, i, i == 7 ? 2 : 1, "lead", "replied",
              (long long)end_of(D(2026, 11, 1)), "NULL");
    exec(db, "UPDATE suggestions SET explanation = '资金不足,列入下届计划', explained_at = 1"
             " WHERE id = 8");
    exec(db, "INSERT INTO follow_ups (suggestion_id, note, done, at) VALUES"
             " (7, '已招标', 0, 1), (9, '已完工', 1, 1), (10, '进行中', 0, 1)");
    const char *s7 = "SELECT count(*) FROM reminders WHERE entity = 'suggestion' AND entity_id = 7";
    const char *others = "SELECT count(*) FROM reminders WHERE entity = 'suggestion'"
                         " AND entity_id IN (8, 9, 10)";
    /* the migration's row: no term end set, nothing to chase */
    assert_int_equal(count(db, "SELECT count(*) FROM settings WHERE key = 'term_ends_on'"
                               " AND value = ''"),
                     1);
    sweep(f, at10(D(2026, 12, 17)));
    assert_int_equal(count(db, s7), 0);
    /* the term ends Thu 31 Dec: 11 working days ahead on the 16th, 10 on the 17th */
    exec(db, "UPDATE settings SET value = '2026-12-31' WHERE key = 'term_ends_on'");
    sweep(f, at10(D(2026, 12, 16)));
    assert_int_equal(count(db, s7), 0);
    struct remind_counts c = sweep(f, at10(D(2026, 12, 17)));
    assert_true(c.due_soon >= 1);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE entity = 'suggestion'"
                               " AND entity_id = 7 AND kind = 'due_soon' AND recipient_kind = 'unit'"
                               " AND recipient_id = 2 AND message LIKE '%届末书面说明%'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE entity = 'suggestion'"
                               " AND entity_id = 7 AND recipient_kind = 'office'"),
                     1);
    assert_int_equal(count(db, others), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM suggestion_events WHERE suggestion_id = 7"
                               " AND action = 'remind'"),
                     1);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM reminders WHERE entity_id = 7 AND entity = 'suggestion'"
             " AND due_at = %lld",
             (long long)end_of(D(2026, 12, 31)) - 1);
    assert_int_equal(count(db, sql), 2);
    /* within the window: not again until the last 3 working days */
    sweep(f, at10(D(2026, 12, 18)));
    assert_int_equal(count(db, s7), 2);
    /* past the term's end: chased every day */
    sweep(f, at10(D(2027, 1, 4)));
    assert_int_equal(count(db, "SELECT count(*) FROM reminders WHERE entity = 'suggestion'"
                               " AND entity_id = 7 AND kind = 'overdue'"),
                     2);
    /* explained: no longer chased */
    exec(db, "UPDATE suggestions SET explanation = '说明', explained_at = 1 WHERE id = 7");
    int64_t before = count(db, s7);
    sweep(f, at10(D(2027, 1, 5)));
    assert_int_equal(count(db, s7), before);
    /* a row that does not parse: the rest of the sweep goes on */
    exec(db, "UPDATE suggestions SET explanation = NULL WHERE id = 7");
    exec(db, "UPDATE settings SET value = 'end of 2026' WHERE key = 'term_ends_on'");
    c = sweep(f, at10(D(2027, 1, 6)));
    assert_true(c.overdue > 0);
    assert_int_equal(count(db, s7), before);
    assert_int_equal(count(db, others), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_term_end, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
