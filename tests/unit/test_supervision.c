/* test_supervision.c - the date rules of 督办 (domain/supervision.h) against
 * the built-in 2026 calendar: due soon across holidays and make-up working
 * days, overdue by one day, weekends, the two due-soon windows, wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "domain/supervision.h"

static struct calendar cal;
static struct arena arena = ARENA_INIT;

static int64_t D(int y, unsigned m, unsigned d)
{
    return time_days_from_civil(y, m, d);
}

/* 24:00 at the end of a day: how assignments store a deadline */
static int64_t end_of(int64_t day)
{
    return day_start(day + 1);
}

/* hh:mm on a day, China time */
static int64_t at(int64_t day, int hh, int mm)
{
    return day_start(day) + hh * 3600 + mm * 60;
}

static int setup(void **state)
{
    (void)state;
    struct yy_error e = {0};
    calendar_init(&cal);
    return calendar_add_builtin(&cal, &arena, &e) == YY_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&arena);
    return 0;
}

static void test_due_day_of_either_end(void **state)
{
    (void)state;
    assert_int_equal(sv_due_day(end_of(D(2026, 3, 31))), D(2026, 3, 31));
    assert_int_equal(sv_due_day(end_of(D(2026, 3, 31)) - 1), D(2026, 3, 31)); /* 23:59:59 */
    assert_int_equal(sv_due_day(at(D(2026, 3, 31), 18, 0)), D(2026, 3, 31));
}

/* Overdue from the first second of the next day, by calendar days. */
static void test_overdue_by_one_day(void **state)
{
    (void)state;
    struct sv_assessment a;
    int64_t due = end_of(D(2026, 11, 27)); /* a Friday */
    sv_assess(&cal, due, at(D(2026, 11, 27), 23, 59), 10, &a);
    assert_int_equal(a.state, SV_DUE_SOON);
    assert_int_equal(a.working_days_left, 0);
    sv_assess(&cal, due, day_start(D(2026, 11, 28)), 10, &a);
    assert_int_equal(a.state, SV_OVERDUE);
    assert_int_equal(a.days_overdue, 1);
    assert_int_equal(a.remind_since, D(2026, 11, 28)); /* chased every day */
    sv_assess(&cal, due, at(D(2026, 11, 30), 9, 0), 10, &a);
    assert_int_equal(a.days_overdue, 3); /* the weekend counts */
    assert_int_equal(a.remind_since, D(2026, 11, 30));
}

/* Weekends are not working days: Friday to Monday is one working day, and a
 * deadline on a Sunday has none left from Friday on. */
static void test_weekends(void **state)
{
    (void)state;
    struct sv_assessment a;
    sv_assess(&cal, end_of(D(2026, 11, 30)), at(D(2026, 11, 27), 10, 0), 10, &a);
    assert_int_equal(a.state, SV_DUE_SOON);
    assert_int_equal(a.working_days_left, 1);
    sv_assess(&cal, end_of(D(2026, 11, 29)), at(D(2026, 11, 27), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 0);
    assert_int_equal(a.state, SV_DUE_SOON);
    /* 11 working days ahead: two weeks and a day, not yet due soon */
    sv_assess(&cal, end_of(D(2026, 12, 14)), at(D(2026, 11, 27), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 11);
    assert_int_equal(a.state, SV_OPEN);
    assert_int_equal(a.remind_since, 0);
    sv_assess(&cal, end_of(D(2026, 12, 14)), at(D(2026, 11, 30), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 10);
    assert_int_equal(a.state, SV_DUE_SOON);
    /* on a Saturday and Sunday the count does not move */
    sv_assess(&cal, end_of(D(2026, 12, 14)), at(D(2026, 11, 28), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 11);
    sv_assess(&cal, end_of(D(2026, 12, 14)), at(D(2026, 11, 29), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 11);
}

/* A deadline on Monday 12 October, after National Day (1-7 Oct off, Sat 10
 * Oct a make-up working day) and Mid-Autumn (25-27 Sep off, Sun 20 Sep a
 * make-up working day).  Working days back from it: 12, 10, 9, 8 Oct, 30,
 * 29, 28, 24, 23, 22 Sep (10), 21 (11), 20 (12, the make-up Sunday). */
static void test_due_soon_across_holidays_and_makeup_days(void **state)
{
    (void)state;
    struct sv_assessment a;
    int64_t due = end_of(D(2026, 10, 12));
    sv_assess(&cal, due, at(D(2026, 9, 20), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 11);
    assert_int_equal(a.state, SV_OPEN);
    sv_assess(&cal, due, at(D(2026, 9, 21), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 10);
    assert_int_equal(a.state, SV_DUE_SOON);
    assert_int_equal(a.remind_since, D(2026, 9, 21));
    assert_false(a.provisional);
    /* in the middle of the holiday: 8, 9, 10 (make-up) and 12 Oct are left */
    sv_assess(&cal, due, at(D(2026, 10, 3), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 4);
    assert_int_equal(a.remind_since, D(2026, 9, 21)); /* still the first window */
    /* three left: the second window opens on 8 Oct and holds to the end */
    sv_assess(&cal, due, at(D(2026, 10, 8), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 3);
    assert_int_equal(a.remind_since, D(2026, 10, 8));
    sv_assess(&cal, due, at(D(2026, 10, 11), 10, 0), 10, &a); /* a plain Sunday */
    assert_int_equal(a.working_days_left, 1);
    assert_int_equal(a.remind_since, D(2026, 10, 8));
    sv_assess(&cal, due, at(D(2026, 10, 12), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 0);
    assert_int_equal(a.state, SV_DUE_SOON);
    sv_assess(&cal, due, at(D(2026, 10, 13), 0, 0), 10, &a);
    assert_int_equal(a.state, SV_OVERDUE);
    assert_int_equal(a.days_overdue, 1);
}

/* A make-up Saturday counts as a working day before a deadline on it. */
static void test_makeup_day_counts(void **state)
{
    (void)state;
    struct sv_assessment a;
    sv_assess(&cal, end_of(D(2026, 10, 10)), at(D(2026, 10, 9), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 1);
    /* across the Spring Festival: Sat 14 Feb works, 15-23 Feb are off */
    sv_assess(&cal, end_of(D(2026, 2, 24)), at(D(2026, 2, 13), 10, 0), 10, &a);
    assert_int_equal(a.working_days_left, 2); /* 14 Feb and 24 Feb */
}

static void test_setting_and_horizon(void **state)
{
    (void)state;
    struct sv_assessment a;
    int64_t due = end_of(D(2026, 12, 14));
    sv_assess(&cal, due, at(D(2026, 11, 27), 10, 0), 11, &a); /* a wider setting */
    assert_int_equal(a.state, SV_DUE_SOON);
    sv_assess(&cal, due, at(D(2026, 11, 30), 10, 0), 0, &a); /* unset: the default 10 */
    assert_int_equal(a.state, SV_DUE_SOON);
    sv_assess(&cal, due, at(D(2026, 11, 27), 10, 0), 0, &a);
    assert_int_equal(a.state, SV_OPEN);
    /* a setting at or below 3 has one window only */
    sv_assess(&cal, end_of(D(2026, 12, 2)), at(D(2026, 11, 30), 10, 0), 3, &a);
    assert_int_equal(a.working_days_left, 2);
    assert_int_equal(a.remind_since, D(2026, 11, 27));
    /* the horizon: the 11th working day after 21 Sep is 13 Oct */
    assert_int_equal(sv_horizon_day(&cal, D(2026, 9, 21), 10), D(2026, 10, 13));
    /* every day before the horizon is due soon, the horizon itself is open */
    sv_assess(&cal, end_of(D(2026, 10, 12)), at(D(2026, 9, 21), 10, 0), 10, &a);
    assert_int_equal(a.state, SV_DUE_SOON);
    sv_assess(&cal, end_of(D(2026, 10, 13)), at(D(2026, 9, 21), 10, 0), 10, &a);
    assert_int_equal(a.state, SV_OPEN);
}

static void test_unknown_year_is_provisional(void **state)
{
    (void)state;
    struct sv_assessment a;
    sv_assess(&cal, end_of(D(2027, 1, 5)), at(D(2026, 12, 29), 10, 0), 10, &a);
    assert_int_equal(a.state, SV_DUE_SOON);
    assert_true(a.provisional);
}

static void test_messages(void **state)
{
    (void)state;
    struct sv_assessment a;
    char m[SV_MESSAGE_MAX];
    sv_assess(&cal, end_of(D(2026, 11, 27)), at(D(2026, 11, 28), 9, 0), 10, &a);
    sv_message(m, SV_REPLY, &a, "关于增设路灯的建议", "区建设局");
    assert_string_equal(m, "【催办】建议《关于增设路灯的建议》的答复已逾期1天"
                           "(期限2026-11-27,主办单位:区建设局)");
    sv_assess(&cal, end_of(D(2026, 12, 2)), at(D(2026, 11, 27), 9, 0), 10, &a);
    sv_message(m, SV_CO_OPINION, &a, "停车难", "区城管局");
    assert_string_equal(m, "【提醒】建议《停车难》的协办意见将于2026-12-02到期,还剩3个工作日"
                           "(协办单位:区城管局)");
    sv_assess(&cal, end_of(D(2026, 11, 27)), at(D(2026, 11, 27), 9, 0), 10, &a);
    sv_message(m, SV_ASSIGN, &a, "停车难", "ignored");
    assert_string_equal(m, "【提醒】建议《停车难》的交办今天(2026-11-27)到期");
    sv_message(m, SV_ONSITE, &a, "路灯不亮", NULL);
    assert_string_equal(m, "【提醒】群众意见《路灯不亮》的现场承诺事项今天(2026-11-27)到期");
    sv_message(m, SV_TERM_END, &a, "老旧小区改造", "区房管局");
    assert_string_equal(m, "【提醒】建议《老旧小区改造》的答复承诺事项的落实或届末书面说明今天"
                           "(2026-11-27)到期(主办单位:区房管局)");
    /* a long title is cut to 40 characters, on a character boundary */
    char title[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(title, "长");
    sv_message(m, SV_REHANDLING, &a, title, "区建设局");
    assert_true(utf8_valid(m, strlen(m)));
    assert_non_null(strstr(m, "长…》"));
    assert_null(strstr(
        m, "长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长"));
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(sv_state_kind(SV_OVERDUE), "overdue");
    assert_string_equal(sv_state_kind(SV_DUE_SOON), "due_soon");
    assert_null(sv_state_kind(SV_OPEN));
    assert_string_equal(sv_item_name(SV_CO_OPINION), "co_opinion");
    assert_string_equal(sv_item_name(SV_TERM_END), "term_end");
    assert_true(sv_recipient_kind_valid("office"));
    assert_false(sv_recipient_kind_valid("street"));
    assert_false(sv_recipient_kind_valid(NULL));
    assert_true(sv_reminder_kind_valid("reply_received"));
    assert_false(sv_reminder_kind_valid("overdue "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_day_of_either_end),
        cmocka_unit_test(test_overdue_by_one_day),
        cmocka_unit_test(test_weekends),
        cmocka_unit_test(test_due_soon_across_holidays_and_makeup_days),
        cmocka_unit_test(test_makeup_day_counts),
        cmocka_unit_test(test_setting_and_horizon),
        cmocka_unit_test(test_unknown_year_is_provisional),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
