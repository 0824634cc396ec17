/* test_time.c - unit tests for RFC 3339 at +08:00, civil dates and time_now. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

static void expect_format(int64_t t, const char *want)
{
    char out[TIME_RFC3339_LEN];
    memset(out, 'x', sizeof(out));
    time_format_rfc3339(t, out);
    assert_string_equal(out, want);
    assert_int_equal(strlen(out), TIME_RFC3339_LEN - 1);
}

static void test_format(void **state)
{
    (void)state;
    expect_format(0, "1970-01-01T08:00:00+08:00");
    expect_format(-1, "1970-01-01T07:59:59+08:00");
    expect_format(-8 * 3600, "1970-01-01T00:00:00+08:00");
    expect_format(-8 * 3600 - 1, "1969-12-31T23:59:59+08:00");
    expect_format(16 * 3600, "1970-01-02T00:00:00+08:00");
    expect_format(1000000000, "2001-09-09T09:46:40+08:00");
    expect_format(1700000000, "2023-11-15T06:13:20+08:00");
    /* 2026-11-27T01:30:00Z */
    expect_format(1795743000, "2026-11-27T09:30:00+08:00");
    /* Leap day and year end in China time. */
    expect_format(951753600, "2000-02-29T00:00:00+08:00"); /* 2000-02-28T16:00Z */
    expect_format(1798732799, "2026-12-31T23:59:59+08:00");
    expect_format(1798732800, "2027-01-01T00:00:00+08:00");
    expect_format(INT64_C(253402271999), "9999-12-31T23:59:59+08:00");
    /* Beyond the representable range the year is clamped, still well formed. */
    char out[TIME_RFC3339_LEN];
    time_format_rfc3339(INT64_C(253402300800) * 2, out);
    assert_int_equal(strlen(out), TIME_RFC3339_LEN - 1);
    assert_memory_equal(out, "9999-", 5);
}

static void expect_parse(const char *s, int64_t want)
{
    int64_t t = -12345;
    if (!time_parse_rfc3339(s, &t))
        fail_msg("did not parse: %s", s);
    assert_int_equal(t, want);
}

static void expect_reject(const char *s)
{
    int64_t t = -12345;
    if (time_parse_rfc3339(s, &t))
        fail_msg("accepted: %s", s);
    assert_int_equal(t, -12345);
}

static void test_parse_offsets(void **state)
{
    (void)state;
    expect_parse("1970-01-01T00:00:00Z", 0);
    expect_parse("1970-01-01T00:00:00z", 0);
    expect_parse("1970-01-01T08:00:00+08:00", 0);
    expect_parse("1970-01-01t08:00:00+08:00", 0);
    expect_parse("1970-01-01 08:00:00+08:00", 0);
    expect_parse("2026-11-27T09:30:00+08:00", 1795743000);
    expect_parse("2026-11-27T01:30:00Z", 1795743000);
    expect_parse("2026-11-27T01:30:00+00:00", 1795743000);
    expect_parse("2026-11-26T20:00:00-05:30", 1795743000);
    expect_parse("2026-11-27T07:00:00+05:30", 1795743000);
    expect_parse("2001-09-09T01:46:40Z", 1000000000);
    /* Fractional seconds are accepted and dropped. */
    expect_parse("2001-09-09T01:46:40.999Z", 1000000000);
    expect_parse("2001-09-09T09:46:40.5+08:00", 1000000000);
    expect_parse("2001-09-09T09:46:40.123456789+08:00", 1000000000);
    /* Leap days and the last second of a year. */
    expect_parse("2000-02-29T00:00:00+08:00", 951753600);
    expect_parse("2028-02-29T12:00:00Z", 1835438400);
    expect_parse("2026-12-31T23:59:59+08:00", 1798732799);
    expect_parse("9999-12-31T23:59:59+08:00", INT64_C(253402271999));
}

static void test_parse_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2026",
        "2026-11-27",
        "2026-11-27T09:30:00",           /* no offset */
        "2026-11-27T09:30+08:00",        /* no seconds */
        "2026-02-30T00:00:00+08:00",     /* 30 February */
        "2026-02-29T00:00:00+08:00",     /* not a leap year */
        "2100-02-29T00:00:00+08:00",     /* not a leap year either */
        "2026-13-01T00:00:00+08:00",     /* month 13 */
        "2026-00-10T00:00:00+08:00",     /* month 0 */
        "2026-04-31T00:00:00+08:00",     /* 31 April */
        "2026-01-00T00:00:00+08:00",     /* day 0 */
        "2026-01-32T00:00:00+08:00",
        "2026-01-01T24:00:00+08:00",     /* hour 24 */
        "2026-01-01T23:60:00+08:00",
        "2026-01-01T23:59:60+08:00",     /* no leap seconds */
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+08:60",
        "2026-01-01T00:00:00+0800",
        "2026-01-01T00:00:00+08",
        "2026-01-01T00:00:00 +08:00",
        "2026-01-01T00:00:00+08:00 ",
        "2026-01-01T00:00:00Zjunk",
        "2026-01-01T00:00:00.Z",         /* empty fraction */
        "2026-01-01T00:00:00,5Z",
        "2026/01/01T00:00:00+08:00",
        "2026-01-01X00:00:00+08:00",
        "2026-1-01T00:00:00+08:00",
        "２０２６-01-01T00:00:00+08:00",
        "-026-01-01T00:00:00+08:00",
        "+026-01-01T00:00:00+08:00",
        "2026-01-01T0a:00:00+08:00",
        "1969-12-31T23:59:59Z",         /* before the epoch */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_reject(bad[i]);
}

static void test_round_trip(void **state)
{
    (void)state;
    /* Every formatted time parses back to itself, over a range of values. */
    char out[TIME_RFC3339_LEN];
    for (int64_t t = 0; t < INT64_C(253402271999); t += INT64_C(86399) * 37 + 7919) {
        time_format_rfc3339(t, out);
        int64_t back = -1;
        if (!time_parse_rfc3339(out, &back))
            fail_msg("formatted %lld as %s which does not parse", (long long)t, out);
        assert_int_equal(back, t);
    }
    /* Every second of one day around midnight China time. */
    for (int64_t t = 1798732799 - 86400; t <= 1798732799 + 86400; t += 59) {
        time_format_rfc3339(t, out);
        int64_t back = -1;
        assert_true(time_parse_rfc3339(out, &back));
        assert_int_equal(back, t);
    }
}

static void test_civil_days(void **state)
{
    (void)state;
    assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(time_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(time_days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(time_days_from_civil(2026, 11, 27), 20784);
    assert_int_equal(time_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(time_days_from_civil(0, 3, 1), -719468);

    /* Round trip over about +-11000 years, and consecutive days follow each other. */
    int64_t py = 0;
    unsigned pm = 0, pd = 0;
    for (int64_t z = -5000000; z <= 5000000; z++) {
        int64_t y;
        unsigned m, d;
        time_civil_from_days(z, &y, &m, &d);
        if (m < 1 || m > 12 || d < 1 || d > 31)
            fail_msg("day %lld gave %lld-%u-%u", (long long)z, (long long)y, m, d);
        if (time_days_from_civil(y, m, d) != z)
            fail_msg("day %lld gave %lld-%u-%u which maps back elsewhere", (long long)z,
                     (long long)y, m, d);
        if (z > -5000000) {
            bool next_day = y == py && m == pm && d == pd + 1;
            bool next_month = y == py && m == pm + 1 && d == 1;
            bool next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31;
            if (!next_day && !next_month && !next_year)
                fail_msg("day %lld: %lld-%u-%u after %lld-%u-%u", (long long)z, (long long)y,
                         m, d, (long long)py, pm, pd);
        }
        py = y;
        pm = m;
        pd = d;
    }
    /* Leap year lengths: 2000 and 2024 have 366 days, 1900 and 2100 365. */
    assert_int_equal(time_days_from_civil(2001, 1, 1) - time_days_from_civil(2000, 1, 1), 366);
    assert_int_equal(time_days_from_civil(2025, 1, 1) - time_days_from_civil(2024, 1, 1), 366);
    assert_int_equal(time_days_from_civil(1901, 1, 1) - time_days_from_civil(1900, 1, 1), 365);
    assert_int_equal(time_days_from_civil(2101, 1, 1) - time_days_from_civil(2100, 1, 1), 365);
}

static void test_now_override(void **state)
{
    (void)state;
    const char *old = getenv("YOUYUE_NOW");
    char *saved = old ? strdup(old) : NULL;

    assert_int_equal(setenv("YOUYUE_NOW", "1795743000", 1), 0);
    assert_int_equal(time_now(), 1795743000);
    assert_int_equal(setenv("YOUYUE_NOW", "0", 1), 0);
    assert_int_equal(time_now(), 0);
    /* Garbage and negative values are ignored: the real clock. */
    static const char *const ignored[] = {"abc", "", "-5", "12x", " 12", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
        assert_int_equal(setenv("YOUYUE_NOW", ignored[i], 1), 0);
        int64_t before = (int64_t)time(NULL);
        int64_t now = time_now();
        int64_t after = (int64_t)time(NULL);
        assert_true(now >= before && now <= after);
    }
    assert_int_equal(unsetenv("YOUYUE_NOW"), 0);
    int64_t before = (int64_t)time(NULL);
    int64_t now = time_now();
    assert_true(now >= before && now <= before + 1);

    /* Monotonic time does not go back. */
    uint64_t a = time_monotonic_us(), b = time_monotonic_us();
    assert_true(b >= a);

    if (saved) {
        setenv("YOUYUE_NOW", saved, 1);
        free(saved);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_offsets),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_civil_days),
        cmocka_unit_test(test_now_override),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
