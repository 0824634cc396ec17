/* test_import.c - unit tests for the CSV registry import, on a temporary
 * database holding the demo district. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/import.h"
#include "core/arena.h"
#include "demo/demo.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "store/db.h"
#include "store/store.h"

#include "scratch_db.h"

struct fixture {
    struct scratch_db tmp;
    struct db *db;
    struct arena a;
};

static int group_setup(void **state)
{
    (void)state;
    return auth_init() ? 0 : -1;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    arena_init(&f->a);
    struct yy_error e = {0};
    f->db = scratch_db_open(&f->tmp, "import", &e);
    if (!f->db || demo_load(f->db, &f->a, &e) != YY_OK) {
        fprintf(stderr, "setup failed: %s\n", e.message ? e.message : "?");
        scratch_db_close(&f->tmp, f->db);
        arena_release(&f->a);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    scratch_db_close(&f->tmp, f->db);
    arena_release(&f->a);
    free(f);
    return 0;
}

static int64_t count(struct db *db, const char *table)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    struct yy_error e = {0};
    struct db_stmt *st = db_prepare(db, sql, &e);
    assert_non_null(st);
    bool row = false;
    assert_int_equal(db_step(st, &row, &e), YY_OK);
    assert_true(row);
    int64_t n = db_col_int(st, 0);
    db_done(st);
    return n;
}

struct counts {
    int64_t stations, deputies, deputy_stations, units, regions;
};

static struct counts counts_now(struct db *db)
{
    struct counts c = {count(db, "stations"), count(db, "deputies"),
                       count(db, "deputy_stations"), count(db, "units"), count(db, "regions")};
    return c;
}

static void assert_counts_equal(struct counts a, struct counts b)
{
    assert_int_equal(a.stations, b.stations);
    assert_int_equal(a.deputies, b.deputies);
    assert_int_equal(a.deputy_stations, b.deputy_stations);
    assert_int_equal(a.units, b.units);
    assert_int_equal(a.regions, b.regions);
}

static enum yy_err import(struct fixture *f, const char *what, const char *csv,
                          struct import_result *r, struct yy_error *e)
{
    memset(e, 0, sizeof(*e));
    return import_csv(f->db, &f->a, what, csv, strlen(csv), r, e);
}

/* True when some error starts with prefix ("第3行 lat"). */
static bool has_error(const struct import_result *r, const char *prefix)
{
    for (size_t i = 0; i < r->n_errors && i < IMPORT_MAX_ERRORS; i++)
        if (r->errors[i] && !strncmp(r->errors[i], prefix, strlen(prefix)))
            return true;
    return false;
}

static void print_errors(const struct import_result *r)
{
    for (size_t i = 0; i < r->n_errors && i < IMPORT_MAX_ERRORS; i++)
        print_message("  %s\n", r->errors[i]);
}

static void expect_ok(struct fixture *f, const char *what, const char *csv, size_t want)
{
    struct import_result r;
    struct yy_error e;
    enum yy_err rc = import(f, what, csv, &r, &e);
    if (rc != YY_OK) {
        print_errors(&r);
        fail_msg("import %s failed: %d %s %s", what, rc, e.code ? e.code : "",
                 e.message ? e.message : "");
    }
    assert_int_equal(r.n_errors, 0);
    assert_int_equal(r.imported, want);
}

static int64_t region_id(struct fixture *f, const char *name, int64_t parent)
{
    struct region r;
    struct yy_error e = {0};
    assert_int_equal(store_region_find(f->db, &f->a, name, parent, &r, &e), YY_OK);
    return r.id;
}

/* ---- good files -------------------------------------------------------------- */

static void test_stations_english(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    const char *csv =
        "\xEF\xBB\xBF"
        "kind,name,street,community,address,lat,lon,opening_hours,reception_rule\r\n"
        "work_office,测试工作室一,民族街道,,民族路1号,30.571,114.279,周一至周五 9:00-17:00,"
        "每月15日 9:00-11:00\r\n"
        "reception_room,测试接待室二, 民族街道 ,大夹社区,,30.572,114.28,,\r\n"
        "central_station,测试中心站三,花楼街道,江汉关社区,\"江汉路1号,2楼\",30.578,114.29,,\r\n"
        "park_home,测试之家四,江汉经济开发区,,,30.63,114.24,,\r\n"
        ",,,,,,,,\r\n"
        ",,,,,,,,\r\n";
    expect_ok(f, "stations", csv, 4);
    struct counts after = counts_now(f->db);
    assert_int_equal(after.stations, before.stations + 4);

    struct station s;
    struct yy_error e = {0};
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "测试工作室一", &s, &e), YY_OK);
    assert_int_equal(s.kind, STATION_WORK_OFFICE);
    assert_int_equal(s.street_id, region_id(f, "民族街道", 0));
    assert_int_equal(s.community_id, 0);
    assert_string_equal(s.address, "民族路1号");
    assert_true(s.lat == 30.571 && s.lon == 114.279);
    assert_string_equal(s.opening_hours, "周一至周五 9:00-17:00");
    assert_string_equal(s.reception_rule, "每月15日 9:00-11:00");
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "测试接待室二", &s, &e), YY_OK);
    assert_int_equal(s.kind, STATION_RECEPTION_ROOM);
    int64_t street = region_id(f, "民族街道", 0);
    assert_int_equal(s.community_id, region_id(f, "大夹社区", street));
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "测试中心站三", &s, &e), YY_OK);
    assert_string_equal(s.address, "江汉路1号,2楼");
    assert_int_equal(s.kind, STATION_CENTRAL);
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "测试之家四", &s, &e), YY_OK);
    assert_int_equal(s.street_id, region_id(f, "江汉经济开发区", 0));
}

static void test_stations_chinese(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    /* Chinese headers in another order, Chinese kind labels, LF only, no
     * optional columns. */
    const char *csv = "名称,类型,街道,纬度,经度,社区\n"
                      "测试站甲,街道代表工作室,水塔街道,30.5845,114.286,\n"
                      "测试站乙,社区代表接待室,民族街道,30.571,114.279,大夹社区\n"
                      "测试站丙,接待室,民族街道,30.572,114.279,友谊社区\n"
                      "测试站丁,中心代表联络站,民权街道,30.5755,114.2835,\n"
                      "测试站戊,楼宇代表联络站,民权街道,30.5756,114.2836,\n"
                      "测试站己,园区代表之家,江汉经济开发区,30.63,114.24,\n"
                      "测试站庚,中心联络站,民权街道,30.5757,114.2837,\n"
                      "测试站辛,楼宇联络站,民权街道,30.5758,114.2838,\n"
                      "\n"
                      ",,,,,\n";
    expect_ok(f, "stations", csv, 8);
    assert_int_equal(counts_now(f->db).stations, before.stations + 8);
    static const struct {
        const char *name;
        enum station_kind kind;
    } want[] = {
        {"测试站甲", STATION_WORK_OFFICE}, {"测试站乙", STATION_RECEPTION_ROOM},
        {"测试站丙", STATION_RECEPTION_ROOM}, {"测试站丁", STATION_CENTRAL},
        {"测试站戊", STATION_BUILDING},    {"测试站己", STATION_PARK_HOME},
        {"测试站庚", STATION_CENTRAL},
        {"测试站辛", STATION_BUILDING},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct station s;
        struct yy_error e = {0};
        assert_int_equal(store_station_find_by_name(f->db, &f->a, want[i].name, &s, &e), YY_OK);
        assert_int_equal(s.kind, want[i].kind);
    }
}

static void test_deputies_good(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    const char *csv =
        "\xEF\xBB\xBF姓名,层级,界别,电话,站点,纬度,经度\r\n"
        "测试代表甲,区、市,律师,13800000001,民族街道代表工作室,,\r\n"
        "测试代表乙,district|municipal,,,民族街道代表工作室 | 花楼街道代表工作室,,\r\n"
        "测试代表丙,全国人大代表,企业,027-85880000,,30.60,114.26\r\n"
        "测试代表丁,省;区人大代表,,,花楼街道代表工作室、民族街道代表工作室,30.6,114.26\r\n"
        ",,,,,,\r\n";
    expect_ok(f, "deputies", csv, 4);
    struct counts after = counts_now(f->db);
    assert_int_equal(after.deputies, before.deputies + 4);
    assert_int_equal(after.deputy_stations, before.deputy_stations + 1 + 2 + 1 + 2);

    struct yy_error e = {0};
    struct station s1, s2;
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "民族街道代表工作室", &s1, &e),
                     YY_OK);
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "花楼街道代表工作室", &s2, &e),
                     YY_OK);
    /* The last four deputies are ours, in file order. */
    struct deputy_filter all = {0};
    struct deputy *list;
    size_t n;
    assert_int_equal(store_deputies_list(f->db, &f->a, &all, &list, &n, &e), YY_OK);
    assert_true(n >= 4);
    struct deputy *d = &list[n - 4];
    assert_string_equal(d[0].name, "测试代表甲");
    assert_int_equal(d[0].levels, LEVEL_DISTRICT | LEVEL_MUNICIPAL);
    assert_string_equal(d[0].sector, "律师");
    assert_string_equal(d[0].phone, "13800000001");
    assert_int_equal(d[0].n_station_ids, 1);
    assert_int_equal(d[0].station_ids[0], s1.id);
    assert_false(d[0].has_location);

    assert_int_equal(d[1].levels, LEVEL_DISTRICT | LEVEL_MUNICIPAL);
    assert_int_equal(d[1].n_station_ids, 2);
    assert_null(d[1].phone);

    /* No stations, a location: the nearest station. */
    assert_int_equal(d[2].levels, LEVEL_NATIONAL);
    assert_true(d[2].has_location);
    struct station_filter sf = {0};
    struct station *stations;
    size_t ns;
    assert_int_equal(store_stations_list(f->db, &f->a, &sf, &stations, &ns, &e), YY_OK);
    long best = geo_nearest_station(stations, ns, 30.60, 114.26);
    assert_true(best >= 0);
    assert_int_equal(d[2].n_station_ids, 1);
    assert_int_equal(d[2].station_ids[0], stations[best].id);

    /* Stations given and a location: the stations count. */
    assert_int_equal(d[3].levels, LEVEL_PROVINCIAL | LEVEL_DISTRICT);
    assert_int_equal(d[3].n_station_ids, 2);
    assert_true(d[3].has_location);
}

static void test_units_good(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    const char *csv = "name,kind\r\n"
                      "测试单位一,部门\r\n"
                      "测试单位二,utility\r\n"
                      "测试单位三,\r\n"
                      "测试单位四,检察院\r\n"
                      "测试单位五,街道\r\n"
                      "测试单位六,其他\r\n"
                      ",\r\n"
                      ",\r\n";
    expect_ok(f, "units", csv, 6);
    assert_int_equal(counts_now(f->db).units, before.units + 6);
    struct unit *list;
    size_t n;
    struct yy_error e = {0};
    assert_int_equal(store_units_list(f->db, &f->a, 0, 0, &list, &n, &e), YY_OK);
    assert_true(n >= 6);
    const struct unit *u = &list[n - 6];
    static const enum unit_kind kinds[] = {UNIT_DEPARTMENT,    UNIT_UTILITY,
                                           UNIT_DEPARTMENT,    UNIT_PROCURATORATE,
                                           UNIT_STREET_OFFICE, UNIT_OTHER};
    for (int i = 0; i < 6; i++)
        assert_int_equal(u[i].kind, kinds[i]);
    assert_string_equal(u[0].name, "测试单位一");
    /* Chinese header. */
    expect_ok(f, "units", "名称,类型\n测试单位七,公用事业\n", 1);
}

/* ---- bad files ---------------------------------------------------------------- */

static void test_stations_bad_rows(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    const char *csv =
        "kind,name,street,community,address,lat,lon\r\n"
        "work_office,好站一,民族街道,,,30.571,114.279\r\n"      /* 2: good */
        "work_office,坏站一,民族街道,,,abc,114.279\r\n"         /* 3: lat */
        "work_office,坏站二,不存在街道,,,30.57,114.27\r\n"      /* 4: street */
        "\r\n"                                                  /* 5: blank line */
        "work_office,好站二,民族街道,,,30.572,114.279\r\n"      /* 6: good */
        "菜市场,坏站三,民族街道,,,30.57,114.27\r\n"             /* 7: kind */
        ",,,,,,\r\n";
    struct import_result r;
    struct yy_error e;
    assert_int_equal(import(f, "stations", csv, &r, &e), YY_BAD_INPUT);
    if (r.n_errors != 3)
        print_errors(&r);
    assert_int_equal(r.n_errors, 3);
    assert_int_equal(r.imported, 0);
    assert_true(has_error(&r, "第3行 lat"));
    assert_true(has_error(&r, "第4行 street"));
    assert_true(has_error(&r, "第7行 kind"));
    assert_string_equal(e.code, "invalid_rows");
    assert_counts_equal(counts_now(f->db), before);
    /* A part of a label that fits several kinds is not guessed at. */
    const char *ambiguous = "kind,name,street,lat,lon\n"
                            "联络站,歧义站一,民族街道,30.57,114.27\n"
                            "代表,歧义站二,民族街道,30.57,114.27\n"
                            "中心代表联络站,好站三,民族街道,30.57,114.27\n";
    assert_int_equal(import(f, "stations", ambiguous, &r, &e), YY_BAD_INPUT);
    assert_int_equal(r.n_errors, 2);
    assert_true(has_error(&r, "第2行 kind"));
    assert_true(has_error(&r, "第3行 kind"));
    assert_counts_equal(counts_now(f->db), before);
    struct station s;
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "好站一", &s, NULL), YY_NOT_FOUND);
    assert_int_equal(store_station_find_by_name(f->db, &f->a, "好站二", &s, NULL), YY_NOT_FOUND);

    /* Rules checked by validation and by the store name their fields too. */
    const char *csv2 =
        "kind,name,street,community,address,lat,lon\n"
        "work_office,坏站四,民族街道,,,95,114.279\n"              /* 2: lat out of range */
        "work_office,坏站五,民族街道,,,30.5,200\n"                /* 3: lon out of range */
        "work_office,坏站六,民族街道,江汉关社区,,30.5,114.2\n"    /* 4: community elsewhere */
        "work_office,民族街道代表工作室,民族街道,,,30.5,114.2\n"  /* 5: name taken */
        "work_office,,民族街道,,,30.5,114.2\n";                   /* 6: no name */
    assert_int_equal(import(f, "stations", csv2, &r, &e), YY_BAD_INPUT);
    if (r.n_errors != 5)
        print_errors(&r);
    assert_int_equal(r.n_errors, 5);
    assert_true(has_error(&r, "第2行 lat"));
    assert_true(has_error(&r, "第3行 lon"));
    assert_true(has_error(&r, "第4行 community"));
    assert_true(has_error(&r, "第5行 name"));
    assert_true(has_error(&r, "第6行 name"));
    assert_counts_equal(counts_now(f->db), before);
}

static void test_deputies_bad_rows(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    const char *csv = "name,levels,sector,phone,stations,lat,lon\n"
                      "好代表,区,,,民族街道代表工作室,,\n"        /* 2: good */
                      "坏代表一,乡,,,民族街道代表工作室,,\n"      /* 3: levels */
                      "坏代表二,区,,,不存在的站,,\n"              /* 4: stations */
                      "坏代表三,区,,电话号码,民族街道代表工作室,,\n" /* 5: phone */
                      "坏代表四,区,,,,,\n"                        /* 6: no station, no place */
                      "坏代表五,区,,,,30.6,\n"                    /* 7: lat without lon */
                      "坏代表六,,,,民族街道代表工作室,,\n";       /* 8: no levels */
    struct import_result r;
    struct yy_error e;
    assert_int_equal(import(f, "deputies", csv, &r, &e), YY_BAD_INPUT);
    if (r.n_errors != 6)
        print_errors(&r);
    assert_int_equal(r.n_errors, 6);
    assert_int_equal(r.imported, 0);
    assert_true(has_error(&r, "第3行 levels"));
    assert_true(has_error(&r, "第4行 stations"));
    assert_true(has_error(&r, "第5行 phone"));
    assert_true(has_error(&r, "第6行 stations"));
    assert_true(has_error(&r, "第7行 lon"));
    assert_true(has_error(&r, "第8行 levels"));
    assert_counts_equal(counts_now(f->db), before);
}

static void test_missing_column(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    struct import_result r;
    struct yy_error e;
    const char *csv = "kind,name,street,lon\nwork_office,无纬度站,民族街道,114.2\n";
    assert_int_equal(import(f, "stations", csv, &r, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "missing_column");
    assert_string_equal(e.field, "lat");
    assert_non_null(strstr(e.message, "lat"));
    assert_int_equal(r.imported, 0);

    assert_int_equal(import(f, "deputies", "name,sector\n某人,律师\n", &r, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "missing_column");
    assert_string_equal(e.field, "levels");
    assert_int_equal(import(f, "units", "kind\ndepartment\n", &r, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "name");

    /* Header only, empty file, not UTF-8 (GBK). */
    assert_int_equal(import(f, "units", "name,kind\r\n", &r, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "no_rows");
    assert_int_equal(import(f, "units", "", &r, &e), YY_BAD_INPUT);
    assert_int_equal(import(f, "units", "name,kind\n\xb2\xe2\xca\xd4,other\n", &r, &e),
                     YY_BAD_INPUT);
    assert_string_equal(e.code, "csv_invalid_utf8");
    assert_counts_equal(counts_now(f->db), before);
}

static void test_unknown_kind(void **state)
{
    struct fixture *f = *state;
    struct import_result r;
    struct yy_error e;
    assert_int_equal(import(f, "parties", "name\nx\n", &r, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "unknown_import");
    assert_int_equal(import(f, "", "name\nx\n", &r, &e), YY_BAD_INPUT);
    assert_int_equal(import(f, "Units", "name\nx\n", &r, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, "unknown_import");
    assert_int_equal(r.imported, 0);
    assert_int_equal(r.n_errors, 0);
}

static void test_duplicates_in_file(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    struct import_result r;
    struct yy_error e;
    const char *units = "name,kind\n"
                        "重复单位,department\n"
                        "别的单位,department\n"
                        "重复单位,other\n"
                        "区教育局,department\n"; /* already in the demo */
    assert_int_equal(import(f, "units", units, &r, &e), YY_BAD_INPUT);
    if (r.n_errors != 2)
        print_errors(&r);
    assert_int_equal(r.n_errors, 2);
    assert_true(has_error(&r, "第4行 name"));
    assert_true(has_error(&r, "第5行 name"));
    assert_counts_equal(counts_now(f->db), before);

    const char *stations = "kind,name,street,lat,lon\n"
                           "work_office,重复站,民族街道,30.57,114.27\n"
                           "work_office,重复站,花楼街道,30.58,114.29\n";
    assert_int_equal(import(f, "stations", stations, &r, &e), YY_BAD_INPUT);
    assert_int_equal(r.n_errors, 1);
    assert_true(has_error(&r, "第3行 name"));
    assert_counts_equal(counts_now(f->db), before);
}

static void test_many_errors(void **state)
{
    struct fixture *f = *state;
    struct counts before = counts_now(f->db);
    /* More bad rows than errors kept: the count is exact, the list bounded. */
    size_t rows = IMPORT_MAX_ERRORS + 50;
    char *csv = arena_alloc(&f->a, rows * 32 + 32);
    size_t off = (size_t)snprintf(csv, 32, "name,kind\n");
    for (size_t i = 0; i < rows; i++)
        off += (size_t)snprintf(csv + off, 32, "u%zu,bogus\n", i);
    struct import_result r;
    struct yy_error e;
    assert_int_equal(import(f, "units", csv, &r, &e), YY_BAD_INPUT);
    assert_int_equal(r.n_errors, rows);
    assert_int_equal(r.imported, 0);
    assert_true(has_error(&r, "第2行 kind"));
    assert_non_null(r.errors[IMPORT_MAX_ERRORS - 1]);
    assert_counts_equal(counts_now(f->db), before);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_stations_english),
        T(test_stations_chinese),
        T(test_deputies_good),
        T(test_units_good),
        T(test_stations_bad_rows),
        T(test_deputies_bad_rows),
        T(test_missing_column),
        T(test_unknown_kind),
        T(test_duplicates_in_file),
        T(test_many_errors),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
