/* test_workdays.c - working days and deadlines (DOMAIN.md §5 "Working days"),
 * against the built-in 2026 calendar (calendar/2026.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "domain/workdays.h"

static struct calendar cal;
static struct arena arena = ARENA_INIT;

static int64_t D(int y, unsigned m, unsigned d)
{
    return time_days_from_civil(y, m, d);
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

static void test_builtin_year(void **state)
{
    (void)state;
    assert_int_equal(calendar_last_year(&cal), 2026);
}

static void test_holidays_and_makeup_days(void **state)
{
    (void)state;
    bool known;
    assert_false(calendar_is_working_day(&cal, D(2026, 10, 1), &known)); /* 国庆, Thursday */
    assert_true(known);
    assert_false(calendar_is_working_day(&cal, D(2026, 10, 7), NULL));
    assert_true(calendar_is_working_day(&cal, D(2026, 10, 8), NULL));  /* Thursday after */
    assert_true(calendar_is_working_day(&cal, D(2026, 10, 10), NULL)); /* make-up Saturday */
    assert_true(calendar_is_working_day(&cal, D(2026, 9, 20), NULL));  /* make-up Sunday */
    assert_false(calendar_is_working_day(&cal, D(2026, 10, 11), NULL)); /* plain Sunday */
    assert_false(calendar_is_working_day(&cal, D(2026, 2, 16), NULL));  /* 春节 Monday */
    assert_true(calendar_is_working_day(&cal, D(2026, 2, 14), NULL));   /* make-up Saturday */
    assert_true(calendar_is_working_day(&cal, D(2026, 11, 27), NULL));  /* a Friday */
    assert_false(calendar_is_working_day(&cal, D(2026, 11, 28), NULL)); /* a Saturday */
}

/* 7 working days across National Day: from Wed 2026-09-30, the days off
 * 10-01..10-07 do not count, the make-up Saturday 10-10 does. */
static void test_seven_working_days_across_national_day(void **state)
{
    (void)state;
    bool prov = true;
    /* 10-08 Thu(1) 10-09 Fri(2) 10-10 Sat make-up(3) 10-12 Mon(4) 13(5) 14(6) 15(7) */
    assert_int_equal(deadline_add_working_days(&cal, D(2026, 9, 30), 7, &prov), D(2026, 10, 15));
    assert_false(prov);
    /* without the make-up day it would be 10-16: the rule breaks loudly */
    assert_int_not_equal(deadline_add_working_days(&cal, D(2026, 9, 30), 7, NULL),
                         D(2026, 10, 16));
}

static void test_working_days_across_spring_festival(void **state)
{
    (void)state;
    /* from Fri 02-13: 02-14 Sat make-up (1), 15..23 off, 02-24 Tue (2), 25 (3) */
    assert_int_equal(deadline_add_working_days(&cal, D(2026, 2, 13), 3, NULL), D(2026, 2, 25));
}

static void test_months_roll_to_next_working_day(void **state)
{
    (void)state;
    bool prov;
    /* 3 months from 2026-07-01 is 10-01, a holiday: rolls to 10-08 */
    assert_int_equal(deadline_add_months(&cal, D(2026, 7, 1), 3, &prov), D(2026, 10, 8));
    assert_false(prov);
    /* month end clamps: 1 month from 2026-01-31 is 02-28 (a Saturday make-up day? no: 02-28 is
     * a make-up working day) */
    assert_int_equal(deadline_add_months(&cal, D(2026, 1, 31), 1, NULL), D(2026, 2, 28));
    /* 1 month from 2026-03-31 is 04-30 (Thursday) */
    assert_int_equal(deadline_add_months(&cal, D(2026, 3, 31), 1, NULL), D(2026, 4, 30));
    /* a plain weekend rolls to Monday: 1 month from 2026-10-17 is 11-17 (Tue), from 10-14 is
     * 11-14 (Sat) -> 11-16 */
    assert_int_equal(deadline_add_months(&cal, D(2026, 10, 14), 1, NULL), D(2026, 11, 16));
}

static void test_unknown_year_is_provisional(void **state)
{
    (void)state;
    bool prov = false, known = true;
    /* 3 months from 2026-11-27 lands in 2027, whose calendar is not built in */
    int64_t due = deadline_add_months(&cal, D(2026, 11, 27), 3, &prov);
    assert_true(prov);
    assert_int_equal(due, D(2027, 3, 1)); /* 02-27 is a Saturday -> Monday 03-01 by weekends */
    calendar_is_working_day(&cal, D(2027, 1, 4), &known);
    assert_false(known);
    prov = false;
    deadline_add_working_days(&cal, D(2026, 12, 28), 7, &prov);
    assert_true(prov);
    prov = true;
    deadline_add_working_days(&cal, D(2026, 12, 1), 7, &prov);
    assert_false(prov);
}

static void test_adding_a_year_as_data(void **state)
{
    (void)state;
    struct calendar c;
    struct yy_error e = {0};
    calendar_init(&c);
    const char *text = "# a test year\nyear 2030\noff 2030-01-01 元旦\nwork 2030-01-05 调休\n";
    assert_int_equal(calendar_add_text(&c, &arena, "t", text, strlen(text), &e), YY_OK);
    bool known;
    assert_false(calendar_is_working_day(&c, D(2030, 1, 1), &known));
    assert_true(known);
    assert_true(calendar_is_working_day(&c, D(2030, 1, 5), NULL)); /* Saturday, make-up */
    assert_int_equal(calendar_last_year(&c), 2030);
}

static void test_bad_files_name_the_line(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "off 2030-01-01\n",                   /* no year first */
        "year 2030\noff 2030-13-01\n",        /* bad month */
        "year 2030\noff 2031-01-01\n",        /* another year */
        "year 2030\nwork 2030-01-07\n",       /* a Monday is no make-up day */
        "year 2030\nholiday 2030-01-01\n",    /* unknown keyword */
        "year 2030\noff 2030-01-01\noff 2030-01-01\n", /* duplicate */
        "year 2030\nyear 2031\n",             /* two years */
        "year 2030\noff 2030-02-29\n",        /* not a leap year */
        "year 2030\noff 2030-01-10 2030-01-01\n", /* range backwards */
        "",                                   /* no year at all */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct calendar c;
        struct yy_error e = {0};
        calendar_init(&c);
        assert_int_equal(calendar_add_text(&c, &arena, "f.txt", bad[i], strlen(bad[i]), &e),
                         YY_BAD_INPUT);
        assert_string_equal(e.code, "invalid_calendar");
        assert_int_equal(c.n_years, 0);
    }
    struct calendar c;
    struct yy_error e = {0};
    calendar_init(&c);
    calendar_add_text(&c, &arena, "f.txt", "year 2030\n\nwork 2030-01-07\n", 26, &e);
    assert_non_null(strstr(e.message, "第3行"));
}

static void test_days_between(void **state)
{
    (void)state;
    /* Fri 2026-09-25 (中秋 off) .. Thu 10-08: 09-28 29 30, (10-01..07 off), 10-08 = 4 */
    assert_int_equal(calendar_working_days_between(&cal, D(2026, 9, 25), D(2026, 10, 8), NULL), 4);
    assert_int_equal(calendar_working_days_between(&cal, D(2026, 10, 8), D(2026, 9, 25), NULL),
                     -4);
    assert_int_equal(day_of(day_start(D(2026, 11, 27))), D(2026, 11, 27));
    /* 23:59 China time is still the same day; 00:00 the next */
    assert_int_equal(day_of(day_start(D(2026, 11, 27)) + 86399), D(2026, 11, 27));
    assert_int_equal(day_of(day_start(D(2026, 11, 27)) + 86400), D(2026, 11, 28));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_year),
        cmocka_unit_test(test_holidays_and_makeup_days),
        cmocka_unit_test(test_seven_working_days_across_national_day),
        cmocka_unit_test(test_working_days_across_spring_festival),
        cmocka_unit_test(test_months_roll_to_next_working_day),
        cmocka_unit_test(test_unknown_year_is_provisional),
        cmocka_unit_test(test_adding_a_year_as_data),
        cmocka_unit_test(test_bad_files_name_the_line),
        cmocka_unit_test(test_days_between),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
