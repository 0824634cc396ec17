/* test_geo.c - unit tests for distances and the nearest-station rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "domain/geo.h"

static void assert_near(double got, double want, double tolerance)
{
    if (fabs(got - want) > tolerance)
        fail_msg("got %.3f, want %.3f +- %.3f", got, want, tolerance);
}

static void test_distance_known(void **state)
{
    (void)state;
    /* Same point. */
    assert_true(geo_distance_m(30.58, 114.27, 30.58, 114.27) == 0.0);
    /* One degree of latitude on the mean sphere: pi * R / 180 = 111195 m. */
    assert_near(geo_distance_m(30.0, 114.0, 31.0, 114.0), 111195.08, 1.0);
    assert_near(geo_distance_m(0.0, 0.0, 1.0, 0.0), 111195.08, 1.0);
    /* One degree of longitude at the equator is the same; at 60 degrees half. */
    assert_near(geo_distance_m(0.0, 10.0, 0.0, 11.0), 111195.08, 1.0);
    assert_near(geo_distance_m(60.0, 10.0, 60.0, 11.0), 55596.0, 60.0);
    /* Symmetric. */
    double ab = geo_distance_m(30.5928, 114.3055, 39.9042, 116.4074);
    double ba = geo_distance_m(39.9042, 116.4074, 30.5928, 114.3055);
    assert_near(ab, ba, 1e-6);
    /* Wuhan - Beijing, great circle about 1052 km: within 1%. */
    assert_near(ab, 1052000.0, 10520.0);
    /* Antipodes: half the circumference, no NaN from rounding. */
    double half = geo_distance_m(0.0, 0.0, 0.0, 180.0);
    assert_false(isnan(half));
    assert_near(half, M_PI * 6371008.8, 1.0);
    assert_near(geo_distance_m(90.0, 0.0, -90.0, 0.0), M_PI * 6371008.8, 1.0);
    /* Across the antimeridian: short way round. */
    assert_near(geo_distance_m(0.0, 179.5, 0.0, -179.5), 111195.08, 1.0);
    /* Two stations in Jianghan, about 1 km apart. */
    double d = geo_distance_m(30.5800, 114.2700, 30.5890, 114.2700);
    assert_near(d, 1000.76, 1.0);
}

static struct station st(int64_t id, double lat, double lon)
{
    struct station s;
    memset(&s, 0, sizeof(s));
    s.id = id;
    s.name = "s";
    s.lat = lat;
    s.lon = lon;
    return s;
}

static void test_nearest(void **state)
{
    (void)state;
    struct station s[] = {
        st(10, 30.60, 114.26),
        st(11, 30.58, 114.28),
        st(12, 30.62, 114.24),
    };
    assert_int_equal(geo_nearest_station(s, 3, 30.581, 114.279), 1);
    assert_int_equal(geo_nearest_station(s, 3, 30.63, 114.23), 2);
    assert_int_equal(geo_nearest_station(s, 3, 30.60, 114.26), 0); /* exactly on one */
    assert_int_equal(geo_nearest_station(s, 1, 30.63, 114.23), 0);
    assert_int_equal(geo_nearest_station(s, 0, 30.63, 114.23), -1);
    assert_int_equal(geo_nearest_station(NULL, 0, 30.63, 114.23), -1);
}

static void test_nearest_tie(void **state)
{
    (void)state;
    /* Two stations at the same place: the lower id wins whatever the order. */
    struct station a[] = {st(9, 30.60, 114.26), st(4, 30.60, 114.26), st(7, 30.60, 114.26)};
    assert_int_equal(geo_nearest_station(a, 3, 30.5, 114.2), 1);
    struct station b[] = {st(4, 30.60, 114.26), st(9, 30.60, 114.26)};
    assert_int_equal(geo_nearest_station(b, 2, 30.5, 114.2), 0);
    /* Symmetric about the point: equal distances, lower id. */
    struct station c[] = {st(20, 0.0, 1.0), st(3, 0.0, -1.0), st(8, 5.0, 5.0)};
    assert_int_equal(geo_nearest_station(c, 3, 0.0, 0.0), 1);
    struct station d[] = {st(3, 0.0, -1.0), st(20, 0.0, 1.0)};
    assert_int_equal(geo_nearest_station(d, 2, 0.0, 0.0), 0);
}

static void test_sort_by_distance(void **state)
{
    (void)state;
    struct station s[] = {
        st(5, 3.0, 0.0), st(2, 1.0, 0.0), st(9, 2.0, 0.0), st(1, 2.0, 0.0),
        st(7, 0.0, 2.0), st(3, 0.0, 0.5), st(4, 0.0, 0.0),
    };
    s[0].name = "five";
    geo_sort_by_distance(s, 7, 0.0, 0.0);
    static const int64_t want[] = {4, 3, 2, 1, 7, 9, 5};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(s[i].id, want[i]);
    /* Whole records move, not just ids. */
    assert_string_equal(s[6].name, "five");
    assert_true(s[6].lat == 3.0);
    /* Sorting again is stable: no change. */
    geo_sort_by_distance(s, 7, 0.0, 0.0);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(s[i].id, want[i]);
    /* Many equal distances: ordered by id. */
    struct station e[40];
    for (int i = 0; i < 40; i++)
        e[i] = st((int64_t)((i * 17) % 40) + 1, 30.6, 114.26);
    geo_sort_by_distance(e, 40, 30.0, 114.0);
    for (int i = 0; i < 40; i++)
        assert_int_equal(e[i].id, i + 1);
    /* n of 0 and 1 are fine. */
    geo_sort_by_distance(NULL, 0, 0.0, 0.0);
    geo_sort_by_distance(s, 1, 50.0, 50.0);
    assert_int_equal(s[0].id, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance_known),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_nearest_tie),
        cmocka_unit_test(test_sort_by_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
