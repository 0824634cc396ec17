/* test_reception.c - reception-day rules (接待日, DOMAIN.md §2; docs/RECEPTIONS.md)
 * against the built-in 2026 calendar (calendar/2026.txt): month ends, leap
 * years, holidays, make-up working days, odd/even months, the year end into
 * 2027 (no calendar: provisional), slots, the rota's rotation and the text
 * rule parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "domain/reception.h"
#include "domain/registry.h"
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

static struct reception_schedule monthly(int day)
{
    struct reception_schedule s;
    reception_schedule_default(&s);
    s.day = day;
    return s;
}

/* The one occurrence of s in month m of year y; asserts there is exactly one. */
static struct reception_occurrence in_month(const struct reception_schedule *s, int y, unsigned m)
{
    struct reception_occurrence occ[8];
    int64_t first = D(y, m, 1);
    int64_t last = (m == 12 ? D(y + 1, 1, 1) : D(y, m + 1, 1)) - 1;
    size_t n = reception_occurrences(s, &cal, first, last, occ, 8);
    assert_int_equal(n, 1);
    return occ[0];
}

static size_t count_in_month(const struct reception_schedule *s, int y, unsigned m)
{
    int64_t first = D(y, m, 1);
    int64_t last = (m == 12 ? D(y + 1, 1, 1) : D(y, m + 1, 1)) - 1;
    return reception_occurrences(s, &cal, first, last, NULL, 0);
}

static void test_plain_working_day(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(15);
    struct reception_occurrence o = in_month(&s, 2026, 1); /* Thursday */
    assert_int_equal(o.day, D(2026, 1, 15));
    assert_int_equal(o.nominal_day, o.day);
    assert_false(o.provisional);
    assert_int_equal(o.starts_at, day_start(D(2026, 1, 15)) + 9 * 3600);
    assert_int_equal(o.ends_at, day_start(D(2026, 1, 15)) + 11 * 3600);
    /* 2026-01-15T09:00:00+08:00 */
    assert_int_equal(o.starts_at, 1768438800);
}

static void test_weekend_moves_to_monday(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(15);
    struct reception_occurrence o = in_month(&s, 2026, 3); /* Sunday 15 March */
    assert_int_equal(o.nominal_day, D(2026, 3, 15));
    assert_int_equal(o.day, D(2026, 3, 16));
    o = in_month(&s, 2026, 11); /* Sunday 15 November */
    assert_int_equal(o.day, D(2026, 11, 16));
}

static void test_spring_festival_moves_past_the_holiday(void **state)
{
    (void)state;
    /* 2026-02-15 is the first day of 春节 (15-23 February off) */
    struct reception_schedule s = monthly(15);
    struct reception_occurrence o = in_month(&s, 2026, 2);
    assert_int_equal(o.nominal_day, D(2026, 2, 15));
    assert_int_equal(o.day, D(2026, 2, 24));
    assert_false(o.provisional);
    /* moved earlier instead: Saturday 14 February is a make-up working day */
    s.day_off = RC_OFF_PREVIOUS;
    o = in_month(&s, 2026, 2);
    assert_int_equal(o.day, D(2026, 2, 14));
    /* skipped: no reception in February */
    s.day_off = RC_OFF_SKIP;
    assert_int_equal(count_in_month(&s, 2026, 2), 0);
    assert_int_equal(count_in_month(&s, 2026, 1), 1);
}

static void test_national_day_holiday(void **state)
{
    (void)state;
    /* 国庆 1-7 October: the 1st and the 5th both move to Thursday the 8th */
    struct reception_schedule s = monthly(1);
    assert_int_equal(in_month(&s, 2026, 10).day, D(2026, 10, 8));
    s = monthly(5);
    assert_int_equal(in_month(&s, 2026, 10).day, D(2026, 10, 8));
    /* previous: the working day before 1 October is Wednesday 30 September,
     * which lies in the month before */
    s = monthly(1);
    s.day_off = RC_OFF_PREVIOUS;
    struct reception_occurrence o;
    assert_true(reception_is_occurrence(&s, &cal, D(2026, 9, 30), &o));
    assert_int_equal(o.nominal_day, D(2026, 10, 1));
    assert_false(reception_is_occurrence(&s, &cal, D(2026, 10, 1), NULL));
    /* 劳动节 1-5 May: the 1st moves to Wednesday 6 May */
    s = monthly(1);
    assert_int_equal(in_month(&s, 2026, 5).day, D(2026, 5, 6));
    /* 端午 19 June (Friday) moves to Monday the 22nd, past the weekend */
    s = monthly(19);
    assert_int_equal(in_month(&s, 2026, 6).day, D(2026, 6, 22));
}

static void test_make_up_working_days_count(void **state)
{
    (void)state;
    /* Sunday 20 September and Saturday 10 October are worked (国庆调休) */
    struct reception_schedule s = monthly(20);
    struct reception_occurrence o = in_month(&s, 2026, 9);
    assert_int_equal(o.day, D(2026, 9, 20));
    assert_int_equal(o.nominal_day, o.day);
    s = monthly(10);
    assert_int_equal(in_month(&s, 2026, 10).day, D(2026, 10, 10));
    /* Sunday 4 January (元旦调休) */
    s = monthly(4);
    assert_int_equal(in_month(&s, 2026, 1).day, D(2026, 1, 4));
    /* an ordinary Saturday is not: 15 August moves to Monday the 17th */
    s = monthly(15);
    assert_int_equal(in_month(&s, 2026, 8).day, D(2026, 8, 17));
}

static void test_month_ends(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(31);
    /* April has no 31st: its last day, Thursday the 30th */
    assert_int_equal(in_month(&s, 2026, 4).day, D(2026, 4, 30));
    /* February 2026 holds two: 31 January, a Saturday, moved to Monday the
     * 2nd, and its own last day, the 28th, a Saturday worked (春节调休) */
    struct reception_occurrence feb[4];
    size_t n = reception_occurrences(&s, &cal, D(2026, 2, 1), D(2026, 2, 28), feb, 4);
    assert_int_equal(n, 2);
    assert_int_equal(feb[0].nominal_day, D(2026, 1, 31));
    assert_int_equal(feb[0].day, D(2026, 2, 2));
    assert_int_equal(feb[1].day, D(2026, 2, 28));
    assert_int_equal(feb[1].nominal_day, D(2026, 2, 28));
    assert_int_equal(count_in_month(&s, 2026, 1), 0); /* January's moved out of it */
    /* skip instead: no April, no February (nominal), June, September, November */
    s.missing_day = RC_MISSING_SKIP;
    assert_int_equal(count_in_month(&s, 2026, 4), 0);
    assert_int_equal(reception_occurrences(&s, &cal, D(2026, 1, 1), D(2026, 12, 31), NULL, 0), 7);
    /* the 29th and the 30th in February */
    s = monthly(29);
    assert_int_equal(in_month(&s, 2026, 2).day, D(2026, 2, 28));
    s = monthly(30);
    s.missing_day = RC_MISSING_SKIP;
    assert_int_equal(count_in_month(&s, 2026, 2), 0);
    assert_int_equal(in_month(&s, 2026, 4).day, D(2026, 4, 30));
}

static void test_leap_years(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(29);
    s.missing_day = RC_MISSING_SKIP;
    /* 2028 is a leap year: Tuesday 29 February, judged by weekends alone */
    struct reception_occurrence o = in_month(&s, 2028, 2);
    assert_int_equal(o.day, D(2028, 2, 29));
    assert_true(o.provisional);
    assert_int_equal(count_in_month(&s, 2027, 2), 0);
    /* 2100 is not (divisible by 100, not by 400); 2000 was */
    assert_int_equal(count_in_month(&s, 2100, 2), 0);
    s = monthly(31);
    struct reception_occurrence occ[2];
    assert_int_equal(reception_occurrences(&s, &cal, D(2028, 2, 1), D(2028, 2, 29), occ, 2), 1);
    assert_int_equal(occ[0].nominal_day, D(2028, 2, 29));
}

static void test_odd_even_and_listed_months(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(10);
    s.months = RC_MONTHS_ODD;
    struct reception_occurrence occ[12];
    size_t n = reception_occurrences(&s, &cal, D(2026, 1, 1), D(2026, 12, 31), occ, 12);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        int64_t y;
        unsigned m, d;
        time_civil_from_days(occ[i].nominal_day, &y, &m, &d);
        assert_int_equal(m, 2 * i + 1);
    }
    s.months = RC_MONTHS_EVEN;
    n = reception_occurrences(&s, &cal, D(2026, 1, 1), D(2026, 12, 31), occ, 12);
    assert_int_equal(n, 6);
    /* 10 October (even) is a make-up Saturday: held on it */
    assert_int_equal(occ[4].day, D(2026, 10, 10));
    s.months = RC_MONTHS_LIST;
    s.month_mask = (1u << 3) | (1u << 9);
    n = reception_occurrences(&s, &cal, D(2026, 1, 1), D(2026, 12, 31), occ, 12);
    assert_int_equal(n, 2);
    assert_int_equal(occ[0].day, D(2026, 3, 10));
    assert_int_equal(occ[1].day, D(2026, 9, 10));
    /* the month is the named day's: an odd-month rule moved into an even
     * month still counts (31 January -> 2 February) */
    s = monthly(31);
    s.months = RC_MONTHS_ODD;
    assert_int_equal(count_in_month(&s, 2026, 2), 1);
}

static void test_nth_weekday_and_weekly(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(1);
    s.day_kind = RC_NTH_WEEKDAY;
    s.nth = 2;
    s.weekday = 2; /* the second Tuesday */
    assert_int_equal(in_month(&s, 2026, 1).day, D(2026, 1, 13));
    s.nth = -1;
    s.weekday = 5; /* the last Friday */
    assert_int_equal(in_month(&s, 2026, 10).day, D(2026, 10, 30));
    /* the first Thursday of October is the 1st (国庆): moved to the 8th */
    s.nth = 1;
    s.weekday = 4;
    struct reception_occurrence o = in_month(&s, 2026, 10);
    assert_int_equal(o.nominal_day, D(2026, 10, 1));
    assert_int_equal(o.day, D(2026, 10, 8));
    /* every Monday: in February 2026 the 16th and the 23rd are both in 春节
     * and both move to Tuesday the 24th, where one reception is held */
    s.day_kind = RC_WEEKLY;
    s.weekday = 1;
    struct reception_occurrence occ[8];
    size_t n = reception_occurrences(&s, &cal, D(2026, 2, 1), D(2026, 2, 28), occ, 8);
    assert_int_equal(n, 3);
    assert_int_equal(occ[0].day, D(2026, 2, 2));
    assert_int_equal(occ[1].day, D(2026, 2, 9));
    assert_int_equal(occ[2].day, D(2026, 2, 24));
    assert_int_equal(occ[2].nominal_day, D(2026, 2, 16));
    /* a weekly rule over a year has 52 or 53 */
    n = reception_occurrences(&s, &cal, D(2026, 1, 1), D(2026, 12, 31), NULL, 0);
    assert_true(n >= 49 && n <= 53);
}

static void test_year_end_into_2027_is_provisional(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(15);
    struct reception_occurrence occ[4];
    size_t n = reception_occurrences(&s, &cal, D(2026, 12, 1), D(2027, 2, 28), occ, 4);
    assert_int_equal(n, 3);
    assert_int_equal(occ[0].day, D(2026, 12, 15));
    assert_false(occ[0].provisional);
    assert_int_equal(occ[1].day, D(2027, 1, 15));
    assert_true(occ[1].provisional);
    /* Monday 15 February 2027: no holiday is guessed for a year nobody has
     * published, it stays where the rule puts it, provisional */
    assert_int_equal(occ[2].day, D(2027, 2, 15));
    assert_true(occ[2].provisional);
    /* 1 January 2027 is a Friday: held on it, provisional, not guessed off */
    s = monthly(1);
    struct reception_occurrence o = in_month(&s, 2027, 1);
    assert_int_equal(o.day, D(2027, 1, 1));
    assert_true(o.provisional);
    /* Sunday 31 January 2027 -> Monday 1 February, provisional */
    s = monthly(31);
    assert_true(reception_is_occurrence(&s, &cal, D(2027, 2, 1), &o));
    assert_int_equal(o.nominal_day, D(2027, 1, 31));
    assert_true(o.provisional);
    /* 31 December 2026, a Thursday in a known year, is not */
    o = in_month(&s, 2026, 12);
    assert_int_equal(o.day, D(2026, 12, 31));
    assert_false(o.provisional);
}

static void test_range_edges(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(15);
    /* moved into a one-day range: 24 February holds the 15th's reception */
    struct reception_occurrence o;
    assert_true(reception_is_occurrence(&s, &cal, D(2026, 2, 24), &o));
    assert_int_equal(o.nominal_day, D(2026, 2, 15));
    /* the named day itself is not one when moved */
    assert_false(reception_is_occurrence(&s, &cal, D(2026, 2, 15), NULL));
    assert_false(reception_is_occurrence(&s, &cal, D(2026, 2, 16), NULL));
    /* an empty or reversed range */
    assert_int_equal(reception_occurrences(&s, &cal, D(2026, 3, 1), D(2026, 2, 1), NULL, 0), 0);
    /* out cut short: the count is still the whole */
    struct reception_occurrence occ[2];
    assert_int_equal(reception_occurrences(&s, &cal, D(2026, 1, 1), D(2026, 12, 31), occ, 2), 12);
    assert_int_equal(occ[1].day, D(2026, 2, 24));
    /* without a calendar: weekends only, all provisional */
    size_t n = reception_occurrences(&s, NULL, D(2026, 2, 1), D(2026, 2, 28), occ, 2);
    assert_int_equal(n, 1);
    assert_int_equal(occ[0].day, D(2026, 2, 16));
    assert_true(occ[0].provisional);
}

static void test_next_occurrence(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(15);
    struct reception_occurrence o;
    /* 10 February -> 24 February (春节 moved) */
    assert_true(reception_next_occurrence(&s, &cal, day_start(D(2026, 2, 10)), &o));
    assert_int_equal(o.day, D(2026, 2, 24));
    /* during the window: still this one; at its end: the next */
    int64_t jan15 = day_start(D(2026, 1, 15));
    assert_true(reception_next_occurrence(&s, &cal, jan15 + 10 * 3600, &o));
    assert_int_equal(o.day, D(2026, 1, 15));
    assert_true(reception_next_occurrence(&s, &cal, jan15 + 11 * 3600, &o));
    assert_int_equal(o.day, D(2026, 2, 24));
    /* once a year, in a month far ahead */
    s.months = RC_MONTHS_LIST;
    s.month_mask = 1u << 1;
    assert_true(reception_next_occurrence(&s, &cal, day_start(D(2026, 2, 1)), &o));
    assert_int_equal(o.day, D(2027, 1, 15));
    assert_true(o.provisional);
}

static void test_validate(void **state)
{
    (void)state;
    struct yy_error e = {0};
    struct reception_schedule s = monthly(15);
    assert_int_equal(reception_schedule_validate(&s, &e), YY_OK);
    s.day = 32;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "day");
    s = monthly(15);
    s.day_kind = RC_NTH_WEEKDAY;
    s.nth = 5;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "nth");
    s.nth = -1;
    s.weekday = 8;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "weekday");
    s = monthly(15);
    s.end_minute = s.start_minute;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "end");
    s = monthly(15);
    s.slot_minutes = 121;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "slot_minutes");
    s.slot_minutes = 4;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    s = monthly(15);
    s.places = 0;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "places");
    s = monthly(15);
    s.months = RC_MONTHS_LIST;
    s.month_mask = 0;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "month_list");
    s.month_mask = 1u << 13;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_BAD_INPUT);
    s.month_mask = 1u << 12;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_OK);
}

static void test_slots(void **state)
{
    (void)state;
    struct reception_schedule s = monthly(15); /* 9:00-11:00, 30 minutes */
    assert_int_equal(reception_slot_count(&s), 4);
    assert_int_equal(reception_slot_index(&s, 9 * 60), 0);
    assert_int_equal(reception_slot_index(&s, 10 * 60 + 30), 3);
    assert_int_equal(reception_slot_index(&s, 9 * 60 + 15), -1);
    assert_int_equal(reception_slot_index(&s, 11 * 60), -1);
    assert_int_equal(reception_slot_index(&s, 8 * 60 + 30), -1);
    s.slot_minutes = 45; /* 9:00, 9:45; 10:30-11:00 is too short */
    assert_int_equal(reception_slot_count(&s), 2);
    assert_int_equal(reception_slot_index(&s, 10 * 60 + 30), -1);
    int m;
    assert_true(reception_parse_hm("09:30", &m));
    assert_int_equal(m, 570);
    assert_true(reception_parse_hm("9:30", &m));
    assert_false(reception_parse_hm("9:3", &m));
    assert_false(reception_parse_hm("24:00", &m));
    assert_false(reception_parse_hm("09:30x", &m));
    char hm[6];
    reception_format_hm(570, hm);
    assert_string_equal(hm, "09:30");
    int64_t d;
    assert_true(reception_parse_date("2026-02-28", &d));
    assert_int_equal(d, D(2026, 2, 28));
    assert_false(reception_parse_date("2026-02-29", &d));
    assert_true(reception_parse_date("2028-02-29", &d));
    assert_false(reception_parse_date("2026-13-01", &d));
    assert_false(reception_parse_date("2026-1-01", &d));
    assert_false(reception_parse_date("2026-01-0a", &d));
    char ds[11];
    reception_format_date(D(2026, 12, 15), ds);
    assert_string_equal(ds, "2026-12-15");
}

static void test_rota_rotation(void **state)
{
    (void)state;
    size_t pos[4];
    assert_int_equal(reception_rota_positions(0, 5, 2, pos), 2);
    assert_int_equal(pos[0], 0);
    assert_int_equal(pos[1], 1);
    assert_int_equal(reception_rota_positions(1, 5, 2, pos), 2);
    assert_int_equal(pos[0], 2);
    assert_int_equal(pos[1], 3);
    assert_int_equal(reception_rota_positions(2, 5, 2, pos), 2);
    assert_int_equal(pos[0], 4);
    assert_int_equal(pos[1], 0); /* round the list */
    assert_int_equal(reception_rota_positions(5, 5, 2, pos), 2);
    assert_int_equal(pos[0], 0);
    /* more per day than on the list: everyone, once */
    assert_int_equal(reception_rota_positions(3, 2, 3, pos), 2);
    assert_int_not_equal(pos[0], pos[1]);
    assert_int_equal(reception_rota_positions(7, 0, 2, pos), 0);
    /* a large k does not overflow */
    assert_int_equal(reception_rota_positions(INT64_MAX, 3, 1, pos), 1);
    assert_int_equal(pos[0], (size_t)(INT64_MAX % 3));
}

static void test_text_rule(void **state)
{
    (void)state;
    struct reception_schedule s;
    assert_true(reception_rule_parse("每月15日 9:00-11:00", &s));
    assert_int_equal(s.day_kind, RC_DAY_OF_MONTH);
    assert_int_equal(s.day, 15);
    assert_int_equal(s.months, RC_MONTHS_ALL);
    assert_int_equal(s.start_minute, 540);
    assert_int_equal(s.end_minute, 660);
    assert_int_equal(s.day_off, RC_OFF_NEXT);
    assert_int_equal(s.missing_day, RC_MISSING_SKIP);
    struct yy_error e;
    assert_int_equal(reception_schedule_validate(&s, &e), YY_OK);
    assert_true(reception_rule_parse("每月15日 14:30-16:30", &s));
    assert_int_equal(s.start_minute, 870);
    assert_true(reception_rule_parse("单月10号 9：00至11：00", &s));
    assert_int_equal(s.months, RC_MONTHS_ODD);
    assert_int_equal(s.day, 10);
    assert_true(reception_rule_parse("双月5日9:00—10:00", &s));
    assert_int_equal(s.months, RC_MONTHS_EVEN);
    assert_true(reception_rule_parse("每月第二个周二 9:00-11:00", &s));
    assert_int_equal(s.day_kind, RC_NTH_WEEKDAY);
    assert_int_equal(s.nth, 2);
    assert_int_equal(s.weekday, 2);
    assert_true(reception_rule_parse("每月最后一个星期五 15:00-17:00", &s));
    assert_int_equal(s.nth, -1);
    assert_int_equal(s.weekday, 5);
    assert_true(reception_rule_parse("每周三 9:00-11:00", &s));
    assert_int_equal(s.day_kind, RC_WEEKLY);
    assert_int_equal(s.weekday, 3);
    assert_true(reception_rule_parse("每周日 9:00-9:20", &s));
    assert_int_equal(s.weekday, 7);
    assert_int_equal(s.slot_minutes, 20);
    /* not understood */
    assert_false(reception_rule_parse(NULL, &s));
    assert_false(reception_rule_parse("", &s));
    assert_false(reception_rule_parse("每月15日", &s));
    assert_false(reception_rule_parse("每月32日 9:00-11:00", &s));
    assert_false(reception_rule_parse("每月0日 9:00-11:00", &s));
    assert_false(reception_rule_parse("每月15日 11:00-9:00", &s));
    assert_false(reception_rule_parse("每月15日 9:60-11:00", &s));
    assert_false(reception_rule_parse("每月第五个周二 9:00-11:00", &s));
    assert_false(reception_rule_parse("每周八 9:00-11:00", &s));
    assert_false(reception_rule_parse("预约接待", &s));
    assert_false(reception_rule_parse("每月15日 9:00-9:03", &s));
}

/* The text rule keeps meaning what reception_next (registry.c) reads, and
 * the schedule adds the holidays it ignores. */
static void test_text_rule_agrees_with_reception_next(void **state)
{
    (void)state;
    const char *rule = "每月15日 9:00-11:00";
    struct reception_schedule s;
    assert_true(reception_rule_parse(rule, &s));
    int64_t start, end;
    struct reception_occurrence o;
    int64_t now = day_start(D(2026, 4, 1));
    assert_true(reception_next(rule, now, &start, &end));
    assert_true(reception_next_occurrence(&s, &cal, now, &o));
    assert_int_equal(o.starts_at, start); /* Wednesday 15 April: the same */
    assert_int_equal(o.ends_at, end);
    now = day_start(D(2026, 2, 1));
    assert_true(reception_next(rule, now, &start, &end));
    assert_int_equal(start, day_start(D(2026, 2, 15)) + 9 * 3600); /* ignores 春节 */
    assert_true(reception_next_occurrence(&s, &cal, now, &o));
    assert_int_equal(o.day, D(2026, 2, 24)); /* the schedule does not */
    /* a 31st rule skips April in both */
    assert_true(reception_rule_parse("每月31日 9:00-11:00", &s));
    now = day_start(D(2026, 4, 1));
    assert_true(reception_next(rule = "每月31日 9:00-11:00", now, &start, &end));
    assert_int_equal(start, day_start(D(2026, 5, 31)) + 9 * 3600);
    assert_true(reception_next_occurrence(&s, &cal, now, &o));
    assert_int_equal(o.nominal_day, D(2026, 5, 31));
    assert_int_equal(o.day, D(2026, 6, 1)); /* Sunday -> Monday */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_working_day),
        cmocka_unit_test(test_weekend_moves_to_monday),
        cmocka_unit_test(test_spring_festival_moves_past_the_holiday),
        cmocka_unit_test(test_national_day_holiday),
        cmocka_unit_test(test_make_up_working_days_count),
        cmocka_unit_test(test_month_ends),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_odd_even_and_listed_months),
        cmocka_unit_test(test_nth_weekday_and_weekly),
        cmocka_unit_test(test_year_end_into_2027_is_provisional),
        cmocka_unit_test(test_range_edges),
        cmocka_unit_test(test_next_occurrence),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_rota_rotation),
        cmocka_unit_test(test_text_rule),
        cmocka_unit_test(test_text_rule_agrees_with_reception_next),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
