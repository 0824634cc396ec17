/* test_reception_stats.c - the receptions section of the dashboard
 * (domain/reception_stats.c, docs/STATS.md "Reception days"): held means
 * recorded, residents as the records count them, bookings made, cancelled,
 * no-shows (only on held days), and the groups by station, street and China
 * month. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "domain/reception_stats.h"

static int64_t D(int y, unsigned m, unsigned d)
{
    return time_days_from_civil(y, m, d);
}

static void test_compute(void **state)
{
    (void)state;
    struct arena ar;
    arena_init(&ar);
    struct arena *a = &ar;
    /* station, name, street, name, day, recorded, received, deputies,
     * bookings, cancelled, attended, booked, walk_ins */
    const struct rec_stats_row rows[] = {
        /* held: 3 received (2 bookings came, 1 walk-in), 1 booking not kept */
        {11, "甲站", 101, "甲街道", D(2026, 9, 15), true, 3, 2, 4, 1, 2, 1, 1},
        /* held, residents_received given by hand (5, not 0 + 0) */
        {12, "乙站", 102, "乙街道", D(2026, 9, 30), true, 5, 1, 0, 0, 0, 0, 0},
        {11, "甲站", 101, "甲街道", D(2026, 10, 1), true, 1, 3, 1, 0, 1, 0, 0},
        /* bookings for a day not (yet) recorded: made and pending, not no-shows */
        {11, "甲站", 101, "甲街道", D(2026, 11, 15), false, 0, 0, 3, 1, 0, 2, 0},
        /* a walk-in on a day nobody recorded: not counted as received */
        {12, "乙站", 102, "乙街道", D(2026, 10, 15), false, 0, 0, 0, 0, 0, 0, 1},
    };
    struct rec_stats s;
    rec_stats_compute(a, rows, sizeof(rows) / sizeof(rows[0]), &s);
    assert_int_equal(s.held, 3);
    assert_int_equal(s.received, 3 + 5 + 1);
    assert_int_equal(s.walk_ins, 1);
    assert_int_equal(s.attendances, 2 + 1 + 3);
    assert_int_equal(s.bookings, 4 + 1 + 3);
    assert_int_equal(s.cancelled, 2);
    assert_int_equal(s.attended, 3);
    assert_int_equal(s.no_shows, 1);
    assert_int_equal(s.pending, 2);

    assert_int_equal(s.by_station.n, 2);
    assert_int_equal(s.by_station.items[0].id, 11);
    assert_string_equal(s.by_station.items[0].name, "甲站");
    assert_int_equal(s.by_station.items[0].held, 2);
    assert_int_equal(s.by_station.items[0].received, 4);
    assert_int_equal(s.by_station.items[0].attendances, 5);
    assert_int_equal(s.by_station.items[1].id, 12);
    assert_int_equal(s.by_station.items[1].held, 1);
    assert_int_equal(s.by_street.n, 2);
    assert_int_equal(s.by_street.items[0].id, 101);
    assert_string_equal(s.by_street.items[0].name, "甲街道");
    assert_int_equal(s.by_street.items[0].held, 2);
    assert_int_equal(s.by_street.items[1].id, 102);
    assert_int_equal(s.by_street.items[1].received, 5);

    /* months of held days only, ascending: October has one, November none */
    assert_int_equal(s.by_month.n, 2);
    assert_string_equal(s.by_month.items[0].key, "2026-09");
    assert_int_equal(s.by_month.items[0].held, 2);
    assert_int_equal(s.by_month.items[0].received, 8);
    assert_int_equal(s.by_month.items[0].attendances, 3);
    assert_string_equal(s.by_month.items[1].key, "2026-10");
    assert_int_equal(s.by_month.items[1].held, 1);
    arena_release(a);
}

static void test_sorted_and_empty(void **state)
{
    (void)state;
    struct arena ar;
    arena_init(&ar);
    struct arena *a = &ar;
    /* rows arrive by day; groups come out by id and by month */
    const struct rec_stats_row rows[] = {
        {30, "丙站", 103, "丙街道", D(2026, 12, 1), true, 1, 1, 0, 0, 0, 0, 0},
        {20, "乙站", 102, "乙街道", D(2027, 1, 5), true, 2, 1, 0, 0, 0, 0, 0},
        {10, "甲站", 101, "甲街道", D(2027, 2, 1), true, 3, 1, 0, 0, 0, 0, 0},
        {20, "乙站", 102, "乙街道", D(2026, 11, 30), true, 4, 2, 0, 0, 0, 0, 0},
    };
    struct rec_stats s;
    rec_stats_compute(a, rows, 4, &s);
    assert_int_equal(s.by_station.n, 3);
    assert_int_equal(s.by_station.items[0].id, 10);
    assert_int_equal(s.by_station.items[1].id, 20);
    assert_int_equal(s.by_station.items[1].held, 2);
    assert_int_equal(s.by_station.items[1].received, 6);
    assert_int_equal(s.by_station.items[2].id, 30);
    assert_int_equal(s.by_month.n, 4);
    assert_string_equal(s.by_month.items[0].key, "2026-11");
    assert_string_equal(s.by_month.items[1].key, "2026-12");
    assert_string_equal(s.by_month.items[2].key, "2027-01");
    assert_string_equal(s.by_month.items[3].key, "2027-02");

    rec_stats_compute(a, NULL, 0, &s);
    assert_int_equal(s.held, 0);
    assert_int_equal(s.bookings, 0);
    assert_int_equal(s.by_station.n, 0);
    assert_int_equal(s.by_month.n, 0);
    arena_release(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_sorted_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
