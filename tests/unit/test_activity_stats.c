/* test_activity_stats.c - the activities section of the dashboard
 * (domain/activity_stats.c, docs/STATS.md "Activities"): what counts as held,
 * the groups by kind, station, street and China month. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "domain/activity_stats.h"
#include "domain/stats.h"

static int64_t T(int y, unsigned m, unsigned d, int h)
{
    return stats_day_start(time_days_from_civil(y, m, d)) + h * 3600;
}

static void test_compute(void **state)
{
    (void)state;
    struct arena ar;
    arena_init(&ar);
    struct arena *a = &ar;
    int64_t now = T(2026, 11, 2, 10);
    const struct act_stats_row rows[] = {
        /* held: closed, open and started (under way) */
        {1, "talk", "closed", T(2026, 9, 30, 23), 11, "甲站", 101, "甲街道", 3, 20},
        {2, "talk", "open", T(2026, 11, 2, 9), 12, "乙站", 102, "乙街道", 2, 5},
        /* 00:30 China time on Oct 1st is still September 30th in UTC: October here */
        {3, "learn", "closed", T(2026, 10, 1, 0) + 1800, 11, "甲站", 101, "甲街道", 1, 0},
        /* a venue without a station and without a street */
        {4, "share", "closed", T(2026, 10, 5, 9), 0, NULL, 0, NULL, 4, 7},
        /* upcoming, cancelled, a draft: not held */
        {5, "build", "open", T(2026, 11, 20, 9), 11, "甲站", 101, "甲街道", 0, 0},
        {6, "talk", "cancelled", T(2026, 10, 9, 9), 11, "甲站", 101, "甲街道", 2, 0},
        {7, "talk", "draft", T(2026, 10, 9, 9), 11, "甲站", 101, "甲街道", 1, 0},
    };
    struct act_stats s;
    act_stats_compute(a, rows, sizeof(rows) / sizeof(rows[0]), now, &s);
    assert_int_equal(s.held, 4);
    assert_int_equal(s.upcoming, 1);
    assert_int_equal(s.cancelled, 1);
    assert_int_equal(s.attendances, 3 + 2 + 1 + 4);
    assert_int_equal(s.checked_in, 32);

    /* every kind, in the contract's order */
    assert_string_equal(s.by_kind[0].key, "learn");
    assert_int_equal(s.by_kind[0].held, 1);
    assert_string_equal(s.by_kind[1].key, "talk");
    assert_int_equal(s.by_kind[1].held, 2);
    assert_int_equal(s.by_kind[1].attendances, 5);
    assert_string_equal(s.by_kind[2].key, "build");
    assert_int_equal(s.by_kind[2].held, 0);
    assert_string_equal(s.by_kind[5].key, "share");
    assert_int_equal(s.by_kind[5].held, 1);

    assert_int_equal(s.by_station.n, 2);
    assert_int_equal(s.by_station.items[0].id, 11);
    assert_int_equal(s.by_station.items[0].held, 2);
    assert_int_equal(s.by_station.items[0].attendances, 4);
    assert_string_equal(s.by_station.items[1].name, "乙站");

    assert_int_equal(s.by_street.n, 3);
    assert_int_equal(s.by_street.items[0].id, 101);
    assert_int_equal(s.by_street.items[1].id, 102);
    assert_int_equal(s.by_street.items[2].id, 0); /* no street last */
    assert_null(s.by_street.items[2].name);
    assert_int_equal(s.by_street.items[2].held, 1);

    assert_int_equal(s.by_month.n, 3);
    assert_string_equal(s.by_month.items[0].key, "2026-09");
    assert_int_equal(s.by_month.items[0].held, 1);
    assert_string_equal(s.by_month.items[1].key, "2026-10");
    assert_int_equal(s.by_month.items[1].held, 2);
    assert_int_equal(s.by_month.items[1].attendances, 5);
    assert_string_equal(s.by_month.items[2].key, "2026-11");
    arena_release(a);
}

static void test_held_boundaries(void **state)
{
    (void)state;
    int64_t now = T(2026, 11, 2, 10);
    struct act_stats_row r = {.status = "open", .starts_at = now};
    assert_true(act_stats_held(&r, now)); /* starting this second: under way */
    assert_false(act_stats_upcoming(&r, now));
    r.starts_at = now + 1;
    assert_false(act_stats_held(&r, now));
    assert_true(act_stats_upcoming(&r, now));
    r.status = "closed";
    assert_false(act_stats_upcoming(&r, now));
    r.status = "draft";
    r.starts_at = now - 100;
    assert_false(act_stats_held(&r, now));
    r.status = "cancelled";
    assert_false(act_stats_held(&r, now));

    struct arena ar;
    arena_init(&ar);
    struct arena *a = &ar;
    struct act_stats s;
    act_stats_compute(a, NULL, 0, now, &s);
    assert_int_equal(s.held, 0);
    assert_int_equal(s.by_month.n, 0);
    assert_string_equal(s.by_kind[3].key, "supervise");
    arena_release(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_held_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
