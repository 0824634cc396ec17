/* test_registry.c - unit tests for the registry's names, validation rules
 * and the reception-day rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/registry.h"

/* ---- names ----------------------------------------------------------------- */

static void test_region_kind_names(void **state)
{
    (void)state;
    static const char *const names[] = {"district", "street", "dev_zone", "community"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(region_kind_name((enum region_kind)i), names[i]);
        enum region_kind k = REGION_DISTRICT;
        assert_true(region_kind_from_name(names[i], &k));
        assert_int_equal(k, i);
    }
    assert_string_equal(region_kind_name((enum region_kind)4), "unknown");
    enum region_kind k = REGION_STREET;
    assert_false(region_kind_from_name("Street", &k));
    assert_false(region_kind_from_name("街道", &k));
    assert_false(region_kind_from_name("", &k));
    assert_false(region_kind_from_name(NULL, &k));
    assert_false(region_kind_from_name("unknown", &k));
    assert_int_equal(k, REGION_STREET);
}

static void test_station_kind_names(void **state)
{
    (void)state;
    static const char *const names[] = {"work_office", "reception_room", "central_station",
                                        "building_station", "park_home"};
    static const char *const labels[] = {"街道代表工作室", "社区代表接待室", "中心代表联络站",
                                         "楼宇代表联络站", "园区代表之家"};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(station_kind_name((enum station_kind)i), names[i]);
        assert_string_equal(station_kind_label_zh((enum station_kind)i), labels[i]);
        enum station_kind k = STATION_WORK_OFFICE;
        assert_true(station_kind_from_name(names[i], &k));
        assert_int_equal(k, i);
    }
    assert_string_equal(station_kind_name((enum station_kind)5), "unknown");
    assert_string_equal(station_kind_label_zh((enum station_kind)5), "未知");
    enum station_kind k = STATION_PARK_HOME;
    assert_false(station_kind_from_name("central", &k));
    assert_false(station_kind_from_name("街道代表工作室", &k));
    assert_false(station_kind_from_name(" park_home", &k));
    assert_false(station_kind_from_name(NULL, &k));
    assert_int_equal(k, STATION_PARK_HOME);
}

static void test_level_names(void **state)
{
    (void)state;
    static const struct {
        enum deputy_level l;
        const char *name;
    } t[] = {{LEVEL_NATIONAL, "national"},
             {LEVEL_PROVINCIAL, "provincial"},
             {LEVEL_MUNICIPAL, "municipal"},
             {LEVEL_DISTRICT, "district"}};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(deputy_level_name(t[i].l), t[i].name);
        enum deputy_level l = LEVEL_NATIONAL;
        assert_true(deputy_level_from_name(t[i].name, &l));
        assert_int_equal(l, t[i].l);
    }
    assert_int_equal(LEVEL_ALL, 15);
    /* Not single levels. */
    assert_string_equal(deputy_level_name((enum deputy_level)0), "unknown");
    assert_string_equal(deputy_level_name((enum deputy_level)3), "unknown");
    assert_string_equal(deputy_level_name((enum deputy_level)16), "unknown");
    enum deputy_level l = LEVEL_MUNICIPAL;
    assert_false(deputy_level_from_name("区", &l));
    assert_false(deputy_level_from_name("National", &l));
    assert_false(deputy_level_from_name("", &l));
    assert_false(deputy_level_from_name(NULL, &l));
    assert_int_equal(l, LEVEL_MUNICIPAL);
}

static void test_unit_kind_names(void **state)
{
    (void)state;
    static const char *const names[] = {"department", "street_office", "utility",
                                        "procuratorate", "other"};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(unit_kind_name((enum unit_kind)i), names[i]);
        enum unit_kind k = UNIT_OTHER;
        assert_true(unit_kind_from_name(names[i], &k));
        assert_int_equal(k, i);
    }
    assert_string_equal(unit_kind_name((enum unit_kind)5), "unknown");
    enum unit_kind k = UNIT_UTILITY;
    assert_false(unit_kind_from_name("部门", &k));
    assert_false(unit_kind_from_name("Department", &k));
    assert_false(unit_kind_from_name(NULL, &k));
    assert_int_equal(k, UNIT_UTILITY);
}

static void test_geo_valid(void **state)
{
    (void)state;
    assert_true(geo_valid(30.58, 114.27));
    assert_true(geo_valid(90.0, 180.0));
    assert_true(geo_valid(-90.0, -180.0));
    assert_true(geo_valid(0.0, 0.0));
    assert_false(geo_valid(90.0001, 0.0));
    assert_false(geo_valid(-90.0001, 0.0));
    assert_false(geo_valid(0.0, 180.0001));
    assert_false(geo_valid(0.0, -180.0001));
    assert_false(geo_valid(NAN, 0.0));
    assert_false(geo_valid(0.0, NAN));
    assert_false(geo_valid(INFINITY, 0.0));
    assert_false(geo_valid(0.0, -INFINITY));
}

/* ---- validation -------------------------------------------------------------- */

/* Repeats s n times into buf (large enough). */
static const char *repeat(char *buf, const char *s, size_t n)
{
    size_t l = strlen(s);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * l, s, l);
    buf[n * l] = '\0';
    return buf;
}

static struct station good_station(void)
{
    struct station s = {.kind = STATION_RECEPTION_ROOM,
                        .name = "江汉关社区代表接待室",
                        .street_id = 2,
                        .community_id = 9,
                        .address = "江汉区沿江大道100号",
                        .lat = 30.58,
                        .lon = 114.29,
                        .opening_hours = "周一至周五 9:00-17:00",
                        .reception_rule = "每月15日 9:00-11:00"};
    return s;
}

static void expect_station_bad(const struct station *s, const char *field, const char *code)
{
    struct yy_error e = {0};
    assert_int_equal(station_validate(s, &e), YY_BAD_INPUT);
    assert_int_equal(e.kind, YY_BAD_INPUT);
    assert_non_null(e.message);
    assert_non_null(e.field);
    assert_string_equal(e.field, field);
    if (code)
        assert_string_equal(e.code, code);
}

static void test_station_validate(void **state)
{
    (void)state;
    struct yy_error e = {0};
    struct station s = good_station();
    assert_int_equal(station_validate(&s, &e), YY_OK);
    /* Optional fields may be empty or NULL, community 0. */
    s.community_id = 0;
    s.address = NULL;
    s.opening_hours = "";
    s.reception_rule = NULL;
    assert_int_equal(station_validate(&s, &e), YY_OK);
    assert_int_equal(station_validate(&s, NULL), YY_OK);

    s = good_station();
    s.kind = (enum station_kind)5;
    expect_station_bad(&s, "kind", "invalid_kind");

    s = good_station();
    s.name = "";
    expect_station_bad(&s, "name", "missing_field");
    s.name = NULL;
    expect_station_bad(&s, "name", "missing_field");

    /* 100 code points of Chinese (300 bytes) fit, 101 do not. */
    char buf[2048];
    s = good_station();
    s.name = repeat(buf, "站", 100);
    assert_int_equal(strlen(s.name), 300);
    assert_int_equal(station_validate(&s, &e), YY_OK);
    s.name = repeat(buf, "站", 101);
    expect_station_bad(&s, "name", "too_long");
    s.name = repeat(buf, "a", 101);
    expect_station_bad(&s, "name", "too_long");

    s = good_station();
    s.name = "接待\x01室";
    expect_station_bad(&s, "name", "invalid_text");
    s.name = "接待\t室";
    expect_station_bad(&s, "name", "invalid_text");
    s.name = "接待\n室";
    expect_station_bad(&s, "name", "invalid_text");
    s.name = "接待\x7f室";
    expect_station_bad(&s, "name", "invalid_text");
    s.name = "接待\xe5\xae";
    expect_station_bad(&s, "name", "invalid_text");

    s = good_station();
    s.street_id = 0;
    expect_station_bad(&s, "street_id", NULL);
    s.street_id = -4;
    expect_station_bad(&s, "street_id", NULL);

    s = good_station();
    s.community_id = -1;
    expect_station_bad(&s, "community_id", NULL);

    s = good_station();
    s.address = repeat(buf, "路", 501);
    expect_station_bad(&s, "address", "too_long");
    s.address = repeat(buf, "路", 500);
    assert_int_equal(station_validate(&s, &e), YY_OK);
    s.address = "一行\r\n两行";
    expect_station_bad(&s, "address", "invalid_text");

    s = good_station();
    s.opening_hours = repeat(buf, "时", 101);
    expect_station_bad(&s, "opening_hours", "too_long");
    s = good_station();
    s.reception_rule = "每月15日\x1b";
    expect_station_bad(&s, "reception_rule", "invalid_text");
}

static void test_station_coordinates(void **state)
{
    (void)state;
    struct station s = good_station();
    static const double bad_lat[] = {90.5, -91.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof(bad_lat) / sizeof(bad_lat[0]); i++) {
        s = good_station();
        s.lat = bad_lat[i];
        expect_station_bad(&s, "lat", "invalid_coordinates");
    }
    static const double bad_lon[] = {180.5, -181.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof(bad_lon) / sizeof(bad_lon[0]); i++) {
        s = good_station();
        s.lon = bad_lon[i];
        expect_station_bad(&s, "lon", "invalid_coordinates");
    }
    /* Both bad: the first one is named. */
    s = good_station();
    s.lat = NAN;
    s.lon = NAN;
    expect_station_bad(&s, "lat", "invalid_coordinates");
}

static struct deputy good_deputy(int64_t *ids, size_t n)
{
    struct deputy d = {.name = "张三",
                       .levels = LEVEL_DISTRICT | LEVEL_MUNICIPAL,
                       .sector = "律师",
                       .phone = "027-85881234",
                       .has_location = true,
                       .lat = 30.6,
                       .lon = 114.26,
                       .station_ids = ids,
                       .n_station_ids = n};
    return d;
}

static void expect_deputy_bad(const struct deputy *d, const char *field, const char *code)
{
    struct yy_error e = {0};
    assert_int_equal(deputy_validate(d, &e), YY_BAD_INPUT);
    assert_non_null(e.field);
    assert_string_equal(e.field, field);
    assert_non_null(e.message);
    if (code)
        assert_string_equal(e.code, code);
}

static void test_deputy_validate(void **state)
{
    (void)state;
    struct yy_error e = {0};
    int64_t ids[] = {3, 1, 2};
    struct deputy d = good_deputy(ids, 3);
    assert_int_equal(deputy_validate(&d, &e), YY_OK);
    d.levels = LEVEL_ALL;
    assert_int_equal(deputy_validate(&d, &e), YY_OK);
    /* No stations, no phone, no sector, no location: fine for validation. */
    d = good_deputy(NULL, 0);
    d.phone = NULL;
    d.sector = "";
    d.has_location = false;
    d.lat = NAN; /* ignored without has_location */
    assert_int_equal(deputy_validate(&d, &e), YY_OK);

    d = good_deputy(ids, 3);
    d.name = "";
    expect_deputy_bad(&d, "name", "missing_field");
    char buf[1024];
    d.name = repeat(buf, "张", 101);
    expect_deputy_bad(&d, "name", "too_long");
    d.name = repeat(buf, "张", 100);
    assert_int_equal(deputy_validate(&d, &e), YY_OK);
    d.name = "张\x02三";
    expect_deputy_bad(&d, "name", "invalid_text");

    d = good_deputy(ids, 3);
    d.levels = 0;
    expect_deputy_bad(&d, "levels", "invalid_levels");
    d.levels = 16;
    expect_deputy_bad(&d, "levels", "invalid_levels");
    d.levels = LEVEL_DISTRICT | 16;
    expect_deputy_bad(&d, "levels", "invalid_levels");
    d.levels = 1u << 31;
    expect_deputy_bad(&d, "levels", "invalid_levels");

    d = good_deputy(ids, 3);
    d.sector = repeat(buf, "界", 101);
    expect_deputy_bad(&d, "sector", "too_long");

    static const char *const good_phones[] = {"", "12345", "13800138000", "+8613800138000",
                                              "027-8588-1234", "12345678901234567890"};
    for (size_t i = 0; i < sizeof(good_phones) / sizeof(good_phones[0]); i++) {
        d = good_deputy(ids, 3);
        d.phone = good_phones[i];
        assert_int_equal(deputy_validate(&d, &e), YY_OK);
    }
    static const char *const bad_phones[] = {"1234",   "123456789012345678901", "abc12345",
                                             "-12345", "12+34567", "138 0013 8000",
                                             "１３８００１３８０００"};
    for (size_t i = 0; i < sizeof(bad_phones) / sizeof(bad_phones[0]); i++) {
        d = good_deputy(ids, 3);
        d.phone = bad_phones[i];
        expect_deputy_bad(&d, "phone", "invalid_phone");
    }

    d = good_deputy(ids, 3);
    d.lat = 95.0;
    expect_deputy_bad(&d, "lat", "invalid_coordinates");
    d = good_deputy(ids, 3);
    d.lon = NAN;
    expect_deputy_bad(&d, "lon", "invalid_coordinates");
    d = good_deputy(ids, 3);
    d.lon = -INFINITY;
    expect_deputy_bad(&d, "lon", "invalid_coordinates");

    int64_t dup[] = {4, 5, 4};
    d = good_deputy(dup, 3);
    expect_deputy_bad(&d, "station_ids", "duplicate_station");
    int64_t zero[] = {4, 0};
    d = good_deputy(zero, 2);
    expect_deputy_bad(&d, "station_ids", NULL);
    int64_t neg[] = {-7};
    d = good_deputy(neg, 1);
    expect_deputy_bad(&d, "station_ids", NULL);
}

static void test_unit_validate(void **state)
{
    (void)state;
    struct yy_error e = {0};
    struct unit u = {.name = "区建设局", .kind = UNIT_DEPARTMENT};
    assert_int_equal(unit_validate(&u, &e), YY_OK);
    u.kind = UNIT_OTHER;
    assert_int_equal(unit_validate(&u, &e), YY_OK);
    u.kind = (enum unit_kind)5;
    assert_int_equal(unit_validate(&u, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "kind");
    u.kind = UNIT_UTILITY;
    u.name = "";
    memset(&e, 0, sizeof(e));
    assert_int_equal(unit_validate(&u, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "name");
    assert_string_equal(e.code, "missing_field");
    char buf[1024];
    u.name = repeat(buf, "局", 101);
    assert_int_equal(unit_validate(&u, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "name");
    assert_string_equal(e.code, "too_long");
    u.name = "区\r建设局";
    assert_int_equal(unit_validate(&u, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "name");
}

/* ---- reception days ---------------------------------------------------------- */

static int64_t at(const char *s)
{
    int64_t t = 0;
    if (!time_parse_rfc3339(s, &t))
        fail_msg("bad time in test: %s", s);
    return t;
}

static void expect_next(const char *rule, const char *now, const char *want_start,
                        const char *want_end)
{
    int64_t start = -1, end = -1;
    if (!reception_next(rule, at(now), &start, &end))
        fail_msg("reception_next(\"%s\", %s) returned false", rule, now);
    char s[TIME_RFC3339_LEN], e[TIME_RFC3339_LEN];
    time_format_rfc3339(start, s);
    time_format_rfc3339(end, e);
    assert_string_equal(s, want_start);
    assert_string_equal(e, want_end);
}

static void test_reception_same_month(void **state)
{
    (void)state;
    const char *r = "每月15日 9:00-11:00";
    expect_next(r, "2026-03-10T12:00:00+08:00", "2026-03-15T09:00:00+08:00",
                "2026-03-15T11:00:00+08:00");
    /* At the start, during, one second before the end: still this slot. */
    expect_next(r, "2026-03-15T09:00:00+08:00", "2026-03-15T09:00:00+08:00",
                "2026-03-15T11:00:00+08:00");
    expect_next(r, "2026-03-15T10:00:00+08:00", "2026-03-15T09:00:00+08:00",
                "2026-03-15T11:00:00+08:00");
    expect_next(r, "2026-03-15T10:59:59+08:00", "2026-03-15T09:00:00+08:00",
                "2026-03-15T11:00:00+08:00");
    /* At the end and after: next month. */
    expect_next(r, "2026-03-15T11:00:00+08:00", "2026-04-15T09:00:00+08:00",
                "2026-04-15T11:00:00+08:00");
    expect_next(r, "2026-03-15T15:00:00+08:00", "2026-04-15T09:00:00+08:00",
                "2026-04-15T11:00:00+08:00");
    /* China time, not UTC: 07:00 on the 15th in Wuhan is still the 14th in UTC. */
    expect_next(r, "2026-03-14T23:00:00Z", "2026-03-15T09:00:00+08:00",
                "2026-03-15T11:00:00+08:00");
    /* 04:00 UTC on the 15th is 12:00 in Wuhan: the slot has passed. */
    expect_next(r, "2026-03-15T04:00:00Z", "2026-04-15T09:00:00+08:00",
                "2026-04-15T11:00:00+08:00");
    /* Slot in unix seconds: 09:00 at +08:00 is 01:00 UTC. */
    int64_t start, end;
    assert_true(reception_next(r, at("2026-03-10T00:00:00Z"), &start, &end));
    assert_int_equal(start, at("2026-03-15T01:00:00Z"));
    assert_int_equal(end - start, 2 * 3600);
}

static void test_reception_month_and_year_end(void **state)
{
    (void)state;
    const char *r = "每月15日 9:00-11:00";
    expect_next(r, "2026-01-31T23:59:59+08:00", "2026-02-15T09:00:00+08:00",
                "2026-02-15T11:00:00+08:00");
    expect_next(r, "2026-12-20T08:00:00+08:00", "2027-01-15T09:00:00+08:00",
                "2027-01-15T11:00:00+08:00");
    expect_next(r, "2026-12-15T11:00:00+08:00", "2027-01-15T09:00:00+08:00",
                "2027-01-15T11:00:00+08:00");
    expect_next(r, "2026-12-31T23:59:59+08:00", "2027-01-15T09:00:00+08:00",
                "2027-01-15T11:00:00+08:00");
    /* The year turns in Wuhan before it does in UTC. */
    expect_next(r, "2026-12-31T16:30:00Z", "2027-01-15T09:00:00+08:00",
                "2027-01-15T11:00:00+08:00");
}

static void test_reception_short_months(void **state)
{
    (void)state;
    const char *r31 = "每月31日 9:00-11:00";
    expect_next(r31, "2026-01-10T00:00:00+08:00", "2026-01-31T09:00:00+08:00",
                "2026-01-31T11:00:00+08:00");
    /* No 31st in February: March. */
    expect_next(r31, "2026-01-31T12:00:00+08:00", "2026-03-31T09:00:00+08:00",
                "2026-03-31T11:00:00+08:00");
    /* None in April: May. None in June: July. */
    expect_next(r31, "2026-04-01T00:00:00+08:00", "2026-05-31T09:00:00+08:00",
                "2026-05-31T11:00:00+08:00");
    expect_next(r31, "2026-06-01T00:00:00+08:00", "2026-07-31T09:00:00+08:00",
                "2026-07-31T11:00:00+08:00");
    /* July and August both have one. */
    expect_next(r31, "2026-07-31T11:00:00+08:00", "2026-08-31T09:00:00+08:00",
                "2026-08-31T11:00:00+08:00");
    expect_next(r31, "2026-12-31T11:30:00+08:00", "2027-01-31T09:00:00+08:00",
                "2027-01-31T11:00:00+08:00");

    const char *r29 = "每月29日 14:00-16:00";
    /* 2028 is a leap year: 29 February. 2026 is not: 29 March. */
    expect_next(r29, "2028-02-01T00:00:00+08:00", "2028-02-29T14:00:00+08:00",
                "2028-02-29T16:00:00+08:00");
    expect_next(r29, "2026-02-01T00:00:00+08:00", "2026-03-29T14:00:00+08:00",
                "2026-03-29T16:00:00+08:00");
    expect_next(r29, "2026-01-29T16:00:00+08:00", "2026-03-29T14:00:00+08:00",
                "2026-03-29T16:00:00+08:00");
    /* Centuries: 2100 is not a leap year, 2000 was. */
    expect_next(r29, "2100-02-01T00:00:00+08:00", "2100-03-29T14:00:00+08:00",
                "2100-03-29T16:00:00+08:00");
    expect_next(r29, "2000-02-01T00:00:00+08:00", "2000-02-29T14:00:00+08:00",
                "2000-02-29T16:00:00+08:00");
    const char *r30 = "每月30日 9:00-10:00";
    expect_next(r30, "2028-02-01T00:00:00+08:00", "2028-03-30T09:00:00+08:00",
                "2028-03-30T10:00:00+08:00");
    const char *r1 = "每月1日 9:00-10:00";
    expect_next(r1, "2026-02-28T23:00:00+08:00", "2026-03-01T09:00:00+08:00",
                "2026-03-01T10:00:00+08:00");
}

static void test_reception_spellings(void **state)
{
    (void)state;
    const char *now = "2026-03-10T12:00:00+08:00";
    const char *s = "2026-03-15T09:00:00+08:00", *e = "2026-03-15T11:30:00+08:00";
    expect_next("每月15日 9:00-11:30", now, s, e);
    expect_next("每月15日 09:00-11:30", now, s, e);
    expect_next("每月15日 9：00-11：30", now, s, e); /* full-width colons */
    expect_next("每月15日 9:00至11:30", now, s, e);
    expect_next("每月15日 9:00—11:30", now, s, e);
    expect_next("每月15日9:00-11:30", now, s, e);
    expect_next("每月15日   9：00至11:30", now, s, e);
    expect_next("每月5日 14:30-16:30", now, "2026-04-05T14:30:00+08:00",
                "2026-04-05T16:30:00+08:00");
    expect_next("每月05日 0:00-23:59", now, "2026-04-05T00:00:00+08:00",
                "2026-04-05T23:59:00+08:00");
}

static void test_reception_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "每周一 9:00-11:00",
        "每月 9:00-11:00",
        "每月日 9:00-11:00",
        "每月0日 9:00-11:00",
        "每月32日 9:00-11:00",
        "每月155日 9:00-11:00",
        "每月15号 9:00-11:00",
        "每月15日",
        "每月15日 9:00",
        "每月15日 9:00-",
        "每月15日 9:00-11",
        "每月15日 9-11",
        "每月15日 11:00-9:00",
        "每月15日 9:00-9:00",
        "每月15日 24:00-25:00",
        "每月15日 9:60-10:00",
        "每月15日 9:00~11:00",
        "每月15日 :00-11:00",
        "每月-1日 9:00-11:00",
        "15日 9:00-11:00",
        "每月",
        "每",
        "every month 15 9:00-11:00",
    };
    int64_t start = 42, end = 43;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (reception_next(bad[i], at("2026-03-10T12:00:00+08:00"), &start, &end))
            fail_msg("rule \"%s\" accepted", bad[i]);
    }
    assert_false(reception_next(NULL, 0, &start, &end));
    assert_int_equal(start, 42);
    assert_int_equal(end, 43);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_kind_names),
        cmocka_unit_test(test_station_kind_names),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_unit_kind_names),
        cmocka_unit_test(test_geo_valid),
        cmocka_unit_test(test_station_validate),
        cmocka_unit_test(test_station_coordinates),
        cmocka_unit_test(test_deputy_validate),
        cmocka_unit_test(test_unit_validate),
        cmocka_unit_test(test_reception_same_month),
        cmocka_unit_test(test_reception_month_and_year_end),
        cmocka_unit_test(test_reception_short_months),
        cmocka_unit_test(test_reception_spellings),
        cmocka_unit_test(test_reception_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
