/* test_search.c - text search (q=) on the SQLite backend: db_search_condition
 * and the station and deputy lists with q, against a plain substring match
 * done here (ASCII letters folded), for queries of every length. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "store/db.h"
#include "store/schema.h"
#include "store/store.h"

#include "scratch_db.h"

struct fixture {
    struct scratch_db tmp;
    struct db *db;
    int64_t street;
};

static const char *const station_names[][2] = {
    {"民族街道代表工作室", "武汉市江汉区民族路333号"},
    {"民权街道代表工作室", "中山大道215号"},
    {"民族路社区代表接待室", "民族路12号"},
    {"花楼街道中心代表联络站", "江汉路120号"},
    {"ABC科技园联络站", "Xyz Road 12号"},
    {"abc小站", ""},
    {"百分之百%站", ""},
    {"下划_线站", ""},
    {"反斜\\杠站", ""},
    {"say \"hi\" 站", ""},
    {"NEAR(1) OR 2* 站", ""},
};
#define N_STATIONS (sizeof(station_names) / sizeof(station_names[0]))

static const char *const deputy_names[][2] = {
    {"林立峰", "律师"},         {"许嘉琳", "律师事务所主任"}, {"杨萍", "教师"},
    {"欧阳非遗", "非遗传承人"}, {"Wang Lei", "IT 企业"},      {"李律", "社区工作者"},
};
#define N_DEPUTIES (sizeof(deputy_names) / sizeof(deputy_names[0]))

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    struct yy_error e = {0};
    f->db = scratch_db_open(&f->tmp, "search", &e);
    if (!f->db)
        goto fail;
    struct region district = {.kind = REGION_DISTRICT, .name = "江汉区"};
    if (store_region_add(f->db, &district, &e) != YY_OK)
        goto fail;
    struct region street = {.kind = REGION_STREET, .name = "民族街道", .parent_id = district.id};
    if (store_region_add(f->db, &street, &e) != YY_OK)
        goto fail;
    f->street = street.id;
    for (size_t i = 0; i < N_STATIONS; i++) {
        struct station s = {.kind = i % 2 ? STATION_RECEPTION_ROOM : STATION_WORK_OFFICE,
                            .name = station_names[i][0],
                            .street_id = street.id,
                            .address = station_names[i][1],
                            .lat = 30.6,
                            .lon = 114.26,
                            .opening_hours = "",
                            .reception_rule = ""};
        if (store_station_add(f->db, &s, &e) != YY_OK)
            goto fail;
    }
    for (size_t i = 0; i < N_DEPUTIES; i++) {
        struct arena a = ARENA_INIT;
        int64_t sid = 1 + (int64_t)(i % 3);
        struct deputy d = {.name = deputy_names[i][0],
                           .levels = i % 2 ? LEVEL_DISTRICT : LEVEL_MUNICIPAL,
                           .sector = deputy_names[i][1],
                           .station_ids = &sid,
                           .n_station_ids = 1};
        enum yy_err rc = store_deputy_add(f->db, &a, &d, &e);
        arena_release(&a);
        if (rc != YY_OK)
            goto fail;
    }
    *state = f;
    return 0;
fail:
    fprintf(stderr, "setup: %s (%s)\n", e.message ? e.message : "?", e.code ? e.code : "?");
    scratch_db_close(&f->tmp, f->db);
    free(f);
    return -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    scratch_db_close(&f->tmp, f->db);
    free(f);
    return 0;
}

/* The reference: q is a substring of text, ASCII letters folded. */
static bool contains(const char *text, const char *q)
{
    size_t tl = strlen(text), ql = strlen(q);
    for (size_t i = 0; i + ql <= tl; i++) {
        size_t k = 0;
        while (k < ql) {
            char a = text[i + k], b = q[k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z')
                b = (char)(b - 'A' + 'a');
            if (a != b)
                break;
            k++;
        }
        if (k == ql)
            return true;
    }
    return false;
}

/* Station ids (as a bit set over 1..N_STATIONS) found for q. */
static unsigned stations_found(struct db *db, const char *q)
{
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct station_filter fl = {.q = q};
    struct station *list;
    size_t n;
    assert_int_equal(store_stations_list(db, &a, &fl, &list, &n, &e), YY_OK);
    unsigned set = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(list[i].id >= 1 && list[i].id <= (int64_t)N_STATIONS);
        if (i)
            assert_true(list[i].id > list[i - 1].id);
        set |= 1u << (list[i].id - 1);
    }
    arena_release(&a);
    return set;
}

/* Which of the n rows of names (as a bit set over their indexes) hold q in
 * either of their two texts. */
static unsigned names_expected(const char *const names[][2], size_t n, const char *q)
{
    unsigned set = 0;
    for (size_t i = 0; i < n; i++)
        if (contains(names[i][0], q) || contains(names[i][1], q))
            set |= 1u << i;
    return set;
}

static unsigned deputies_found(struct db *db, const char *q)
{
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct deputy_filter fl = {.q = q};
    struct deputy *list;
    size_t n;
    assert_int_equal(store_deputies_list(db, &a, &fl, &list, &n, &e), YY_OK);
    unsigned set = 0;
    for (size_t i = 0; i < n; i++)
        set |= 1u << (list[i].id - 1);
    arena_release(&a);
    return set;
}

static void check(struct db *db, const char *q)
{
    unsigned got = stations_found(db, q), want = names_expected(station_names, N_STATIONS, q);
    if (got != want)
        fail_msg("stations q=[%s]: got %#x, want %#x", q, got, want);
    got = deputies_found(db, q);
    want = names_expected(deputy_names, N_DEPUTIES, q);
    if (got != want)
        fail_msg("deputies q=[%s]: got %#x, want %#x", q, got, want);
}

/* Every substring of 1 to 5 code points of every name, address and sector. */
static void check_all_substrings(struct db *db, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue; /* not the start of a character */
        size_t j = i;
        for (int chars = 1; chars <= 5 && j < len; chars++) {
            j++;
            while (j < len && ((unsigned char)text[j] & 0xC0) == 0x80)
                j++;
            char q[64];
            if (j - i >= sizeof(q))
                break;
            memcpy(q, text + i, j - i);
            q[j - i] = '\0';
            check(db, q);
        }
    }
}

static void test_substrings_match_reference(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < N_STATIONS; i++) {
        check_all_substrings(f->db, station_names[i][0]);
        check_all_substrings(f->db, station_names[i][1]);
    }
    for (size_t i = 0; i < N_DEPUTIES; i++) {
        check_all_substrings(f->db, deputy_names[i][0]);
        check_all_substrings(f->db, deputy_names[i][1]);
    }
}

static void test_chinese_lengths(void **state)
{
    struct fixture *f = *state;
    /* 1, 2, 3, 4 characters */
    assert_int_equal(stations_found(f->db, "民"), 0x7);
    assert_int_equal(stations_found(f->db, "民族"), 0x5);
    assert_int_equal(stations_found(f->db, "民族路"), 0x5); /* #1 by its address */
    assert_int_equal(stations_found(f->db, "民族街道"), 0x1);
    assert_int_equal(stations_found(f->db, "联络站"), 0x18);
    assert_int_equal(deputies_found(f->db, "律"), 0x23);
    assert_int_equal(deputies_found(f->db, "律师"), 0x3);
    assert_int_equal(deputies_found(f->db, "律师事"), 0x2);
    assert_int_equal(deputies_found(f->db, "非遗传承"), 0x8);
    assert_int_equal(stations_found(f->db, "汉口火车站"), 0);
    /* empty and NULL mean no filter */
    assert_int_equal(stations_found(f->db, ""), (1u << N_STATIONS) - 1);
    assert_int_equal(stations_found(f->db, NULL), (1u << N_STATIONS) - 1);
}

static void test_latin_case_and_metacharacters(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(stations_found(f->db, "abc"), 0x30);
    assert_int_equal(stations_found(f->db, "ABC"), 0x30);
    assert_int_equal(stations_found(f->db, "Ab"), 0x30);
    assert_int_equal(stations_found(f->db, "xyz road"), 0x10);
    assert_int_equal(deputies_found(f->db, "wang"), 0x10);
    assert_int_equal(deputies_found(f->db, "it"), 0x10);
    assert_int_equal(stations_found(f->db, "%"), 1u << 6);
    assert_int_equal(stations_found(f->db, "百%站"), 1u << 6);
    assert_int_equal(stations_found(f->db, "_"), 1u << 7);
    assert_int_equal(stations_found(f->db, "划_线"), 1u << 7);
    assert_int_equal(stations_found(f->db, "\\"), 1u << 8);
    assert_int_equal(stations_found(f->db, "斜\\杠"), 1u << 8);
    assert_int_equal(stations_found(f->db, "%%"), 0);
    assert_int_equal(stations_found(f->db, "街_代"), 0);
    /* quotes and FTS5 syntax are text */
    assert_int_equal(stations_found(f->db, "\""), 1u << 9);
    assert_int_equal(stations_found(f->db, "\"hi\""), 1u << 9);
    assert_int_equal(stations_found(f->db, "NEAR("), 1u << 10);
    assert_int_equal(stations_found(f->db, "2*"), 1u << 10);
    assert_int_equal(stations_found(f->db, "*"), 1u << 10);
    assert_int_equal(stations_found(f->db, " OR "), 1u << 10);
    assert_int_equal(stations_found(f->db, "民族 OR 花楼"), 0);
    assert_int_equal(stations_found(f->db, "民族*"), 0);
    assert_int_equal(stations_found(f->db, "\"民族\""), 0);
    assert_int_equal(stations_found(f->db, "NEAR(民族 花楼)"), 0);
    assert_int_equal(stations_found(f->db, "name:民族"), 0);
    assert_int_equal(stations_found(f->db, "^民族"), 0);
    assert_int_equal(stations_found(f->db, "-民族"), 0);
}

static void test_combined_filters_and_pages(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct station *list;
    size_t n;
    struct station_filter fl = {.q = "站", .by_kind = true, .kind = STATION_RECEPTION_ROOM};
    assert_int_equal(store_stations_list(f->db, &a, &fl, &list, &n, &e), YY_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(list[i].id % 2 == 0 && strstr(list[i].name, "站"));
    assert_int_equal(n, 4); /* ids 4, 6, 8, 10 */
    /* pages of 2 over q = "站" */
    struct station_filter pg = {.q = "站", .limit = 2};
    int64_t seen[16];
    size_t total = 0;
    for (;;) {
        assert_int_equal(store_stations_list(f->db, &a, &pg, &list, &n, &e), YY_OK);
        for (size_t i = 0; i < n; i++)
            seen[total++] = list[i].id;
        if (n < 2)
            break;
        pg.after_id = list[n - 1].id;
    }
    assert_int_equal(total, 8); /* 4..11 */
    for (size_t i = 0; i < total; i++)
        assert_int_equal(seen[i], (int64_t)(4 + i));
    struct deputy *ds;
    struct deputy_filter df = {.q = "律", .station_id = 3};
    assert_int_equal(store_deputies_list(f->db, &a, &df, &ds, &n, &e), YY_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ds[0].id, 6);
    df = (struct deputy_filter){.q = "律", .level = LEVEL_DISTRICT};
    assert_int_equal(store_deputies_list(f->db, &a, &df, &ds, &n, &e), YY_OK);
    assert_int_equal(n, 2); /* 2 and 6 */
    arena_release(&a);
}

static void test_updates_inserts_deletes(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct station s;
    assert_int_equal(store_station_get(f->db, &a, 4, &s, &e), YY_OK);
    s.name = "银杏园代表之家";
    assert_int_equal(store_station_update(f->db, &s, &e), YY_OK);
    assert_int_equal(stations_found(f->db, "银杏园代"), 1u << 3);
    assert_int_equal(stations_found(f->db, "银杏"), 1u << 3);
    assert_int_equal(stations_found(f->db, "花楼街道"), 0);
    assert_int_equal(stations_found(f->db, "江汉路"), 1u << 3); /* the address stays */
    /* an edit of other fields leaves the index as it was */
    s.lat = 30.7;
    assert_int_equal(store_station_update(f->db, &s, &e), YY_OK);
    assert_int_equal(stations_found(f->db, "银杏园代"), 1u << 3);

    struct deputy d = {.name = "赵新", .levels = LEVEL_DISTRICT, .sector = "快递外卖从业者"};
    assert_int_equal(store_deputy_add(f->db, &a, &d, &e), YY_OK);
    assert_int_equal(deputies_found(f->db, "外卖从业"), 1u << (d.id - 1));
    assert_int_equal(deputies_found(f->db, "快递"), 1u << (d.id - 1));
    d.sector = "物业服务";
    assert_int_equal(store_deputy_update(f->db, &a, &d, &e), YY_OK);
    assert_int_equal(deputies_found(f->db, "外卖从业"), 0);
    assert_int_equal(deputies_found(f->db, "物业服"), 1u << (d.id - 1));

    /* deletes (no API yet, but the trigger keeps the index) */
    assert_int_equal(db_begin(f->db), YY_OK);
    assert_int_equal(db_exec(f->db, "DELETE FROM deputy_stations", &e), YY_OK);
    assert_int_equal(db_exec(f->db, "DELETE FROM deputies WHERE name = '欧阳非遗'", &e), YY_OK);
    assert_int_equal(db_commit(f->db), YY_OK);
    assert_int_equal(deputies_found(f->db, "非遗传承"), 0);
    /* the index agrees with its tables */
    assert_int_equal(db_begin(f->db), YY_OK);
    assert_int_equal(
        db_exec(f->db, "INSERT INTO stations_fts(stations_fts) VALUES ('integrity-check')", &e),
        YY_OK);
    assert_int_equal(
        db_exec(f->db, "INSERT INTO deputies_fts(deputies_fts) VALUES ('integrity-check')", &e),
        YY_OK);
    assert_int_equal(db_commit(f->db), YY_OK);
    arena_release(&a);
}

static void test_too_long_and_invalid(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    char q[512] = "";
    for (int i = 0; i < STORE_SEARCH_MAX; i++)
        strcat(q, "民");
    struct station *list;
    size_t n;
    struct station_filter fl = {.q = q};
    assert_int_equal(store_stations_list(f->db, &a, &fl, &list, &n, &e), YY_OK);
    assert_int_equal(n, 0);
    strcat(q, "民");
    assert_int_equal(store_stations_list(f->db, &a, &fl, &list, &n, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "q");
    struct deputy *ds;
    struct deputy_filter df = {.q = q};
    assert_int_equal(store_deputies_list(f->db, &a, &df, &ds, &n, &e), YY_BAD_INPUT);
    arena_release(&a);
}

static void test_condition_sql(void **state)
{
    struct fixture *f = *state;
    static const char *const cols[] = {"name", "address", NULL};
    char cond[256], arg[64];
    assert_int_equal(db_search_condition(f->db, "stations", NULL, cols, "民族街", 7, cond,
                                         sizeof(cond), arg, sizeof(arg)),
                     YY_OK);
    assert_string_equal(cond, "stations.id IN (SELECT rowid FROM stations_fts WHERE"
                              " stations_fts MATCH $7)");
    assert_string_equal(arg, "\"民族街\"");
    assert_int_equal(db_search_condition(f->db, "stations", NULL, cols, "a\"b", 7, cond,
                                         sizeof(cond), arg, sizeof(arg)),
                     YY_OK);
    assert_string_equal(arg, "\"a\"\"b\"");
    assert_int_equal(db_search_condition(f->db, "stations", "s", cols, "%_", 2, cond, sizeof(cond),
                                         arg, sizeof(arg)),
                     YY_OK);
    assert_string_equal(cond, "(s.name LIKE $2 ESCAPE '\\' OR s.address LIKE $2 ESCAPE '\\')");
    assert_string_equal(arg, "%\\%\\_%");
    assert_int_equal(db_search_condition(f->db, "stations", "s", cols, "\\", 2, cond, sizeof(cond),
                                         arg, sizeof(arg)),
                     YY_OK);
    assert_string_equal(arg, "%\\\\%");
    /* buffers too small: an internal error, never a cut-off condition */
    assert_int_equal(
        db_search_condition(f->db, "stations", "s", cols, "ab", 2, cond, 20, arg, sizeof(arg)),
        YY_INTERNAL);
    assert_int_equal(
        db_search_condition(f->db, "stations", "s", cols, "abcd", 2, cond, sizeof(cond), arg, 5),
        YY_INTERNAL);
    /* no standby on SQLite */
    struct yy_error e = {0};
    assert_int_equal(db_open_replica(f->db, "postgresql://127.0.0.1:1/x", &e), YY_BAD_INPUT);
    assert_false(db_has_replica(f->db));
}

/* Rows that were there before the search migration are found after it. */
static void test_migration_indexes_existing_rows(void **state)
{
    (void)state;
    struct scratch_db tmp;
    assert_true(scratch_dir_make(&tmp, "search"));
    char path[300];
    snprintf(path, sizeof(path), "%s/old.db", tmp.dir);
    /* a version 1 database with a station in it, made by SQLite itself */
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, schema_sqlite[0], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(h,
                     "PRAGMA user_version = 1;"
                     "INSERT INTO regions (id, kind, name) VALUES (1, 'district', '江汉区'),"
                     " (2, 'street', '民族街道');"
                     "INSERT INTO stations (kind, name, street_id, address, lat, lon,"
                     " created_at, updated_at) VALUES ('work_office', '旧站代表工作室', 2,"
                     " '老街1号', 30.6, 114.3, 0, 0)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);
    struct yy_error e = {0};
    struct db *db;
    db = db_open(path, false, &e);
    assert_non_null(db);
    assert_int_equal(db_schema_version(db), 1);
    assert_int_equal(db_migrate(db, &e), YY_OK);
    assert_int_equal(db_schema_version(db), (int)schema_sqlite_n);
    assert_int_equal(stations_found(db, "旧站代表"), 1);
    assert_int_equal(stations_found(db, "老街"), 1);
    db_close(db);
    scratch_dir_remove(&tmp);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_substrings_match_reference),
        T(test_chinese_lengths),
        T(test_latin_case_and_metacharacters),
        T(test_combined_filters_and_pages),
        T(test_updates_inserts_deletes),
        T(test_too_long_and_invalid),
        T(test_condition_sql),
        cmocka_unit_test(test_migration_indexes_existing_rows),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
