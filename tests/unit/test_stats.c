/* test_stats.c - the dashboard's rates (domain/stats.c, docs/STATS.md) and
 * the lists' tables and their CSV (domain/lists.c, core/table.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/table.h"
#include "core/timeutil.h"
#include "domain/lists.h"
#include "domain/stats.h"

static int64_t D(int y, unsigned m, unsigned d)
{
    return time_days_from_civil(y, m, d);
}

/* Unix time of a China wall-clock time. */
static int64_t T(int y, unsigned m, unsigned d, int h, int mi)
{
    return stats_day_start(D(y, m, d)) + h * 3600 + mi * 60;
}

static void test_rate_rounds_and_is_undefined_on_zero(void **state)
{
    (void)state;
    struct stat_rate r = stat_rate(0, 0);
    assert_false(r.defined);
    r = stat_rate(5, 0);
    assert_false(r.defined);
    r = stat_rate(0, 7);
    assert_true(r.defined);
    assert_true(r.value == 0.0);
    r = stat_rate(2, 3);
    assert_true(r.defined);
    assert_true(r.value == 0.6667);
    r = stat_rate(1, 3);
    assert_true(r.value == 0.3333);
    r = stat_rate(1, 8); /* 0.125 exactly */
    assert_true(r.value == 0.125);
    r = stat_rate(1, 20000); /* 0.00005: half rounds up */
    assert_true(r.value == 0.0001);
    r = stat_rate(7, 7);
    assert_true(r.value == 1.0);
}

static void test_days_are_china_days(void **state)
{
    (void)state;
    assert_int_equal(stats_day_of(T(2026, 1, 1, 0, 0)), D(2026, 1, 1));
    assert_int_equal(stats_day_of(T(2026, 1, 1, 0, 0) - 1), D(2025, 12, 31));
    assert_int_equal(stats_day_of(T(2026, 12, 31, 23, 59)), D(2026, 12, 31));
    /* 2026-06-30T20:00Z is already July 1st in China */
    assert_int_equal(stats_day_of(T(2026, 7, 1, 4, 0)), D(2026, 7, 1));
    assert_int_equal(stats_year_of(T(2027, 1, 1, 0, 30)), 2027);
    assert_int_equal(stats_year_of(T(2026, 12, 31, 23, 30)), 2026);
    int64_t first, last;
    stats_year_days(2026, &first, &last);
    assert_int_equal(first, D(2026, 1, 1));
    assert_int_equal(last, D(2026, 12, 31));
}

static void test_parse_date_is_strict(void **state)
{
    (void)state;
    int64_t day = 0;
    assert_true(stats_parse_date("2026-03-01", &day));
    assert_int_equal(day, D(2026, 3, 1));
    assert_true(stats_parse_date("2028-02-29", &day));
    assert_int_equal(day, D(2028, 2, 29));
    assert_true(stats_parse_date("2000-01-01", &day));
    assert_true(stats_parse_date("2100-12-31", &day));
    static const char *const bad[] = {
        "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",          "2026-1-01",
        "2026-01-1",  "20260101",   "2026/01/01", "2026-01-01T00:00:00", " 2026-01-01",
        "1999-12-31", "2101-01-01", "",           "abcd-ef-gh",          "2026-01-0a",
        "2100-02-29",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        day = -1;
        assert_false(stats_parse_date(bad[i], &day));
        assert_int_equal(day, -1);
    }
    assert_false(stats_parse_date(NULL, &day));
}

static void test_concern_rates(void **state)
{
    (void)state;
    struct concern_counts c = {0};
    struct concern_rates r;
    concern_rates_compute(&c, &r);
    assert_false(r.response.defined);
    assert_false(r.resolution.defined);
    assert_false(r.satisfaction.defined);

    concern_counts_add(&c, "new", NULL, 2);
    concern_counts_add(&c, "accepted", NULL, 1);
    concern_counts_add(&c, "declined", NULL, 1);
    concern_counts_add(&c, "resolved", "satisfied", 2);
    concern_counts_add(&c, "resolved", "dissatisfied", 1);
    concern_counts_add(&c, "resolved_on_site", "basically_satisfied", 1);
    concern_counts_add(&c, "merged", "satisfied", 3); /* folded into another: not counted */
    concern_counts_add(&c, "converted", NULL, 1);
    assert_int_equal(c.total, 12);
    assert_int_equal(c.merged, 3);
    assert_int_equal(c.raised, 9);
    assert_int_equal(c.responded, 7);
    assert_int_equal(c.resolved, 4);
    assert_int_equal(c.rated, 4);
    assert_int_equal(c.satisfied, 2);
    assert_int_equal(c.basically_satisfied, 1);
    assert_int_equal(c.dissatisfied, 1);
    concern_rates_compute(&c, &r);
    assert_true(r.response.defined && r.response.value == 0.7778);
    assert_true(r.resolution.defined && r.resolution.value == 0.4444);
    assert_true(r.satisfaction.defined && r.satisfaction.value == 0.75);

    /* raised but nothing rated: satisfaction undefined, the others defined */
    struct concern_counts only_new = {0};
    concern_counts_add(&only_new, "new", NULL, 1);
    concern_rates_compute(&only_new, &r);
    assert_true(r.response.defined && r.response.value == 0.0);
    assert_false(r.satisfaction.defined);
    assert_true(concern_status_resolved("resolved_on_site"));
    assert_false(concern_status_resolved("claimed"));
    assert_false(concern_status_resolved(NULL));
}

static void test_on_time_is_by_china_day(void **state)
{
    (void)state;
    int64_t due = T(2026, 6, 30, 17, 0);
    assert_true(stats_on_time(T(2026, 6, 30, 23, 59), due)); /* same day, later hour */
    assert_true(stats_on_time(T(2026, 6, 1, 9, 0), due));
    assert_false(stats_on_time(T(2026, 7, 1, 0, 0), due));
    assert_int_equal(stats_days_to_due(due, T(2026, 6, 30, 8, 0)), 0);
    assert_int_equal(stats_days_to_due(due, T(2026, 6, 20, 23, 0)), 10);
    assert_int_equal(stats_days_to_due(due, T(2026, 7, 3, 1, 0)), -3);
}

static void test_handling_rates(void **state)
{
    (void)state;
    int64_t now = T(2026, 6, 15, 12, 0);
    struct handling_counts h = {0};
    struct handling_rates r;
    handling_rates_compute(&h, &r);
    assert_false(r.reply.defined);
    assert_false(r.on_time.defined);
    assert_false(r.meeting.defined);

    /* replied on time, met in person */
    handling_counts_add(&h, T(2026, 5, 1, 10, 0), T(2026, 5, 31, 0, 0), now, true);
    /* replied late */
    handling_counts_add(&h, T(2026, 6, 2, 10, 0), T(2026, 6, 1, 0, 0), now, false);
    /* no reply, overdue: settles on-time as late */
    handling_counts_add(&h, 0, T(2026, 6, 14, 0, 0), now, true);
    /* no reply, due today: not yet settled */
    handling_counts_add(&h, 0, T(2026, 6, 15, 0, 0), now, false);
    assert_int_equal(h.assignments, 4);
    assert_int_equal(h.replied, 2);
    assert_int_equal(h.timed, 3);
    assert_int_equal(h.on_time, 1);
    assert_int_equal(h.met, 2);
    handling_rates_compute(&h, &r);
    assert_true(r.reply.value == 0.5);
    assert_true(r.on_time.value == 0.3333);
    assert_true(r.meeting.value == 0.5);

    /* nothing replied and nothing due yet: on-time undefined, not 0 */
    struct handling_counts fresh = {0};
    handling_counts_add(&fresh, 0, T(2026, 9, 1, 0, 0), now, false);
    handling_rates_compute(&fresh, &r);
    assert_true(r.reply.defined && r.reply.value == 0.0);
    assert_false(r.on_time.defined);
    assert_true(contact_mode_in_person("visit"));
    assert_true(contact_mode_in_person("meeting"));
    assert_false(contact_mode_in_person("phone"));
    assert_false(contact_mode_in_person("online"));
}

static void test_ratings(void **state)
{
    (void)state;
    struct rating_counts r = {0};
    assert_false(rating_satisfaction(&r).defined);
    rating_counts_add(&r, "satisfied", 3);
    rating_counts_add(&r, "basically_satisfied", 1);
    rating_counts_add(&r, "dissatisfied", 2);
    rating_counts_add(&r, "bogus", 9);
    rating_counts_add(&r, NULL, 9);
    assert_int_equal(rating_counts_total(&r), 6);
    assert_true(rating_satisfaction(&r).value == 0.6667);
    assert_string_equal(rating_label_zh("basically_satisfied"), "基本满意");
    assert_null(rating_label_zh("x"));
    assert_string_equal(reply_class_label_zh("A"), "已解决或基本解决");
    assert_null(reply_class_label_zh("E"));
}

static void test_suggestion_list_csv(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct list_suggestion_row rows[] = {
        {.id = 7,
         .title = "=HYPERLINK(\"x\")",
         .category = "民生保障",
         .author = "张三",
         .cosigners = "李四、王五",
         .streets = "民族街道",
         .submitted_at = T(2026, 3, 2, 9, 0),
         .status = "assigned",
         .key = true},
        {.id = 9,
         .title = "加装电梯, 方便老人",
         .category = "城市建设与管理",
         .author = "赵六",
         .cosigners = "",
         .streets = "",
         .submitted_at = 0,
         .status = "withdrawn"},
    };
    struct table t;
    list_suggestions_table(&a, rows, 2, &t);
    assert_int_equal(t.n_rows, 2);
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(table_write_csv(&b, &t), YY_OK);
    const char *want = "\xEF\xBB\xBF"
                       "编号,标题,类别,领衔代表,附议代表,所在街道,提交日期,状态,重点督办\r\n"
                       "7,\"'=HYPERLINK(\"\"x\"\")\",民生保障,张三,李四、王五,民族街道,2026-03-02,"
                       "已交办,是\r\n"
                       "9,\"加装电梯, 方便老人\",城市建设与管理,赵六,,,,已撤回,否\r\n";
    assert_string_equal(b.data, want);
    buf_release(&b);
    arena_release(&a);
}

static void test_assignment_days_left(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    int64_t now = T(2026, 6, 15, 12, 0);
    struct list_assignment_row rows[] = {
        {.suggestion_id = 1,
         .title = "a",
         .unit = "区建设局",
         .role = "lead",
         .status = "in_handling",
         .suggestion_status = "in_handling",
         .assigned_at = T(2026, 3, 10, 9, 0),
         .due_at = T(2026, 6, 25, 0, 0)},
        {.suggestion_id = 1,
         .title = "a",
         .unit = "区水务局",
         .role = "co",
         .status = "assigned",
         .suggestion_status = "in_handling",
         .assigned_at = T(2026, 3, 10, 9, 0),
         .due_at = T(2026, 6, 10, 0, 0),
         .due_provisional = true,
         .extension_status = "approved",
         .extension_months = 2},
        {.suggestion_id = 2,
         .title = "b",
         .unit = "区建设局",
         .role = "lead",
         .status = "replied",
         .suggestion_status = "replied",
         .assigned_at = T(2026, 2, 1, 9, 0),
         .due_at = T(2026, 5, 1, 0, 0),
         .replied_at = T(2026, 5, 3, 0, 0)},
    };
    struct table t;
    list_assignments_table(&a, rows, 3, now, &t);
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(table_write_csv(&b, &t), YY_OK);
    const char *want = "\xEF\xBB\xBF"
                       "建议编号,建议标题,承办单位,办理方式,交办日期,办理期限,期限暂定,延期情况,"
                       "剩余天数,超期天数,办理状态,建议状态\r\n"
                       "1,a,区建设局,主办,2026-03-10,2026-06-25,否,,10,,办理中,办理中\r\n"
                       "1,a,区水务局,协办,2026-03-10,2026-06-10,是,已延期2个月,,5,已交办,办理中\r\n"
                       "2,b,区建设局,主办,2026-02-01,2026-05-01,否,,,,已答复,已答复\r\n";
    assert_string_equal(b.data, want);
    buf_release(&b);
    arena_release(&a);
}

static void test_text_width(void **state)
{
    (void)state;
    assert_int_equal(table_text_width(""), 0);
    assert_int_equal(table_text_width("abc"), 3);
    assert_int_equal(table_text_width("建议清单"), 8);
    /* a fullwidth colon is wide */
    assert_int_equal(table_text_width("A类\xEF\xBC\x9A已解决"), 1 + 2 + 2 + 6);
    char day[11];
    table_format_day(D(2026, 11, 27), day);
    assert_string_equal(day, "2026-11-27");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_rounds_and_is_undefined_on_zero),
        cmocka_unit_test(test_days_are_china_days),
        cmocka_unit_test(test_parse_date_is_strict),
        cmocka_unit_test(test_concern_rates),
        cmocka_unit_test(test_on_time_is_by_china_day),
        cmocka_unit_test(test_handling_rates),
        cmocka_unit_test(test_ratings),
        cmocka_unit_test(test_suggestion_list_csv),
        cmocka_unit_test(test_assignment_days_left),
        cmocka_unit_test(test_text_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
