/* test_chart.c - unit tests for the server's SVG charts (web/chart.h).
 *
 * Every chart drawn here goes through check_svg(): a small XML checker (tags
 * balance, attributes are quoted, every '&' starts a known entity, no '<' in
 * text or values, valid UTF-8, one root <svg> with role, title and viewBox)
 * that also checks every coordinate attribute against the viewBox.  The tests
 * then look at what the numbers came out as: escaping, empty and zero data,
 * clamping of negative, huge and non-finite values, the target line, the
 * map's projection and links, determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "web/chart.h"

/* ---- the checker ------------------------------------------------------------- */

struct svg_info {
    double vb_w, vb_h;
    char role[16];
    int n_elements;
};

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == ':' || c == '.';
}

/* An entity at p ('&'); returns its length or fails. */
static size_t entity(const char *p)
{
    static const char *const known[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (!strncmp(p, known[i], strlen(known[i])))
            return strlen(known[i]);
    if (p[1] == '#') {
        size_t i = 2;
        while (p[i] >= '0' && p[i] <= '9')
            i++;
        if (i > 2 && p[i] == ';')
            return i + 1;
    }
    fail_msg("bad entity at: %.20s", p);
    return 0;
}

static const char *const X_ATTRS[] = {"x", "x1", "x2", "cx", NULL};
static const char *const Y_ATTRS[] = {"y", "y1", "y2", "cy", NULL};

static bool in_list(const char *name, size_t len, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == len && !strncmp(name, list[i], len))
            return true;
    return false;
}

/* Checks one numeric attribute against the viewBox; rect sizes against the
 * rect's own x/y (kept in *x and *y). */
static void check_coord(const struct svg_info *info, const char *el, size_t el_len,
                        const char *name, size_t len, const char *val, double *x, double *y)
{
    if (!info->vb_w)
        return; /* the root itself */
    if (len == 6 && !strncmp(name, "points", 6)) {
        const char *p = val;
        while (*p && *p != '"') {
            char *end;
            double px = strtod(p, &end);
            assert_true(end != p && *end == ',');
            double py = strtod(end + 1, &end);
            if (px < 0 || px > info->vb_w || py < 0 || py > info->vb_h)
                fail_msg("point %g,%g outside 0 0 %g %g", px, py, info->vb_w, info->vb_h);
            p = end;
            while (*p == ' ')
                p++;
        }
        return;
    }
    bool is_x = in_list(name, len, X_ATTRS), is_y = in_list(name, len, Y_ATTRS);
    bool is_w = len == 5 && !strncmp(name, "width", 5), is_h = len == 6 && !strncmp(name, "height", 6);
    if (!is_x && !is_y && !is_w && !is_h)
        return;
    char *end;
    double v = strtod(val, &end);
    if (end == val || *end != '"')
        fail_msg("%.*s=\"%.10s\" is not a number", (int)len, name, val);
    assert_false(isnan(v));
    if (v < 0)
        fail_msg("%.*s %.*s=%g is negative", (int)el_len, el, (int)len, name, v);
    if (is_x && v > info->vb_w)
        fail_msg("%.*s %.*s=%g past the width %g", (int)el_len, el, (int)len, name, v, info->vb_w);
    if (is_y && v > info->vb_h)
        fail_msg("%.*s %.*s=%g past the height %g", (int)el_len, el, (int)len, name, v, info->vb_h);
    if (len == 1 && name[0] == 'x')
        *x = v;
    if (len == 1 && name[0] == 'y')
        *y = v;
    if (is_w && *x + v > info->vb_w + 1e-9)
        fail_msg("%.*s ends at %g past the width %g", (int)el_len, el, *x + v, info->vb_w);
    if (is_h && *y + v > info->vb_h + 1e-9)
        fail_msg("%.*s ends at %g past the height %g", (int)el_len, el, *y + v, info->vb_h);
}

static struct svg_info check_svg(const char *doc)
{
    struct svg_info info = {0};
    assert_true(utf8_valid(doc, strlen(doc)));
    const char *stack[256];
    size_t stack_len[256], depth = 0;
    const char *p = doc;
    bool root_done = false, have_title = false;
    assert_memory_equal(p, "<svg ", 5);
    while (*p) {
        if (*p != '<') {
            assert_false(root_done && *p != '\n'); /* nothing after the root */
            if (*p == '&')
                p += entity(p);
            else
                p++;
            continue;
        }
        assert_false(root_done);
        if (p[1] == '/') { /* end tag */
            const char *name = p + 2;
            size_t n = 0;
            while (name_char(name[n]))
                n++;
            assert_true(n > 0 && name[n] == '>');
            assert_true(depth > 0);
            depth--;
            if (stack_len[depth] != n || strncmp(stack[depth], name, n))
                fail_msg("</%.*s> closes <%.*s>", (int)n, name, (int)stack_len[depth], stack[depth]);
            p = name + n + 1;
            if (depth == 0)
                root_done = true;
            continue;
        }
        const char *name = p + 1;
        size_t n = 0;
        while (name_char(name[n]))
            n++;
        assert_true(n > 0);
        info.n_elements++;
        if (n == 5 && !strncmp(name, "title", 5) && depth == 1)
            have_title = true;
        p = name + n;
        double x = 0, y = 0;
        for (;;) {
            while (*p == ' ')
                p++;
            if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                break;
            const char *an = p;
            size_t al = 0;
            while (name_char(an[al]))
                al++;
            if (al == 0 || an[al] != '=' || an[al + 1] != '"')
                fail_msg("bad attribute in <%.*s: %.30s", (int)n, name, an);
            const char *val = an + al + 2, *v = val;
            while (*v != '"') {
                assert_true(*v != '\0' && *v != '<');
                v += *v == '&' ? entity(v) : 1;
            }
            if (depth == 0 && al == 7 && !strncmp(an, "viewBox", 7)) {
                assert_int_equal(sscanf(val, "0 0 %lf %lf", &info.vb_w, &info.vb_h), 2);
                assert_true(info.vb_w == CHART_WIDTH && info.vb_h > 0);
            } else if (depth == 0 && al == 4 && !strncmp(an, "role", 4)) {
                snprintf(info.role, sizeof(info.role), "%.*s", (int)(v - val), val);
            } else if (depth > 0) {
                check_coord(&info, name, n, an, al, val, &x, &y);
            }
            p = v + 1;
        }
        if (*p == '/') {
            p += 2;
            assert_true(depth > 0); /* the root is not empty */
        } else {
            assert_true(depth < 256);
            stack[depth] = name;
            stack_len[depth] = n;
            depth++;
            p++;
        }
    }
    assert_true(root_done);
    assert_int_equal(depth, 0);
    assert_true(have_title);
    assert_true(info.vb_w > 0);
    assert_true(!strcmp(info.role, "img") || !strcmp(info.role, "group"));
    return info;
}

/* ---- helpers ------------------------------------------------------------------- */

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The number after `attr="` in the n-th (0-based) occurrence of `el` */
static double nth_attr(const char *doc, const char *el, size_t nth, const char *attr)
{
    const char *p = doc;
    for (size_t i = 0; i <= nth; i++) {
        p = strstr(p, el);
        assert_non_null(p);
        p += strlen(el);
    }
    char key[32];
    snprintf(key, sizeof(key), " %s=\"", attr);
    const char *end = strchr(p, '>');
    const char *a = strstr(p, key);
    assert_true(a && a < end);
    return strtod(a + strlen(key), NULL);
}

static const struct chart_opts OPTS = {.id = "t", .title = "各街道办结率", .desc = "按街道", .unit = "%"};

/* ---- tests ------------------------------------------------------------------- */

static void test_hbar_escaping(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    struct chart_item items[] = {{"<b>&\"", 10}, {"民族街道", 20}};
    struct chart_opts o = OPTS;
    o.title = "标题<script>&'";
    assert_int_equal(chart_hbar(&b, &o, items, 2), YY_OK);
    check_svg(b.data);
    assert_null(strstr(b.data, "<b>"));
    assert_null(strstr(b.data, "<script>"));
    assert_non_null(strstr(b.data, "&lt;b&gt;&amp;&quot;"));
    assert_non_null(strstr(b.data, "<title id=\"t-title\">标题&lt;script&gt;&amp;&#39;</title>"));
    assert_non_null(strstr(b.data, "aria-labelledby=\"t-title t-desc\""));
    assert_non_null(strstr(b.data, "role=\"img\""));
    assert_non_null(strstr(b.data, ">民族街道</text>"));
    assert_non_null(strstr(b.data, ">20%</text>"));
    buf_release(&b);
}

static void test_escape_bad_utf8_and_controls(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    /* a lone continuation byte, an overlong '/', a surrogate, C0 and C1
     * controls, a bidi override, a tab */
    assert_int_equal(chart_escape(&b, "a\x80" "b\xC0\xAF" "c\xED\xA0\x80" "d\x01\x1b" "e\xC2\x85"
                                      "f\xE2\x80\xAE" "g\th"),
                     YY_OK);
    assert_string_equal(b.data, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                "defg h");
    assert_true(utf8_valid(b.data, b.len));
    buf_reset(&b);
    /* a sequence cut by the end of the string */
    assert_int_equal(chart_escape(&b, "民\xE6\xB0"), YY_OK);
    assert_string_equal(b.data, "民\xEF\xBF\xBD\xEF\xBF\xBD");
    buf_release(&b);
}

static void test_long_labels_cut(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    struct chart_item items[] = {{"一二三四五六七八九十", 1}};
    assert_int_equal(chart_hbar(&b, &OPTS, items, 1), YY_OK);
    check_svg(b.data);
    assert_non_null(strstr(b.data, ">一二三四五六七八…</text>"));
    /* the whole label stays in the tooltip */
    assert_non_null(strstr(b.data, "<title>一二三四五六七八九十:1%</title>"));
    buf_release(&b);
}

static void test_empty_and_zero(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(chart_hbar(&b, &OPTS, NULL, 0), YY_OK);
    check_svg(b.data);
    assert_non_null(strstr(b.data, "暂无数据"));
    buf_reset(&b);
    assert_int_equal(chart_months(&b, &OPTS, NULL, 0, CHART_LINE), YY_OK);
    check_svg(b.data);
    assert_non_null(strstr(b.data, "暂无数据"));
    buf_reset(&b);
    assert_int_equal(chart_status_bars(&b, &OPTS, NULL, 0, NULL, 0, NULL, true), YY_OK);
    check_svg(b.data);
    buf_reset(&b);
    assert_int_equal(chart_map(&b, &OPTS, NULL, 0, true), YY_OK);
    check_svg(b.data);
    assert_non_null(strstr(b.data, "暂无数据"));
    buf_reset(&b);

    struct chart_item zeros[] = {{"甲", 0}, {"乙", 0}};
    assert_int_equal(chart_hbar(&b, &OPTS, zeros, 2), YY_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "width=\"0\""), 2);
    assert_int_equal(count(b.data, "data-value=\"0\""), 2);
    buf_reset(&b);
    assert_int_equal(chart_months(&b, &OPTS, zeros, 2, CHART_COLUMNS), YY_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "height=\"0\""), 2);
    buf_release(&b);
}

static void test_clamping(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    struct chart_item items[] = {
        {"负数", -5}, {"很大", 1e300}, {"无穷", INFINITY}, {"非数", NAN}, {"一半", 5e11},
    };
    assert_int_equal(chart_hbar(&b, &OPTS, items, 5), YY_OK);
    struct svg_info info = check_svg(b.data);
    assert_int_equal(count(b.data, "data-value=\"0\""), 3);
    assert_int_equal(count(b.data, "data-value=\"1000000000000\""), 1);
    assert_int_equal(count(b.data, "data-value=\"500000000000\""), 1);
    /* the huge bar is the full span, the half one half of it */
    double full = nth_attr(b.data, "<rect", 1, "width"), half = nth_attr(b.data, "<rect", 4, "width");
    assert_true(full > 100 && full <= info.vb_w);
    assert_true(fabs(half - full / 2) <= 0.1);
    assert_true(nth_attr(b.data, "<rect", 0, "width") == 0);
    buf_reset(&b);
    for (int style = CHART_COLUMNS; style <= CHART_LINE; style++) {
        assert_int_equal(chart_months(&b, &OPTS, items, 5, (enum chart_months_style)style), YY_OK);
        check_svg(b.data);
        buf_reset(&b);
    }
    /* a negative, NaN or huge axis end and target are clamped too */
    struct chart_opts o = OPTS;
    o.max = -3;
    o.has_target = true;
    o.target = 1e200;
    assert_int_equal(chart_hbar(&b, &o, items, 5), YY_OK);
    check_svg(b.data);
    buf_reset(&b);
    o.max = NAN;
    o.target = -1;
    assert_int_equal(chart_months(&b, &o, items, 5, CHART_COLUMNS), YY_OK);
    check_svg(b.data);
    buf_release(&b);

    char v[48];
    assert_string_equal(chart_format_value(v, sizeof(v), 87.46, "%"), "87.5%");
    assert_string_equal(chart_format_value(v, sizeof(v), 12, NULL), "12");
    assert_string_equal(chart_format_value(v, sizeof(v), 11.96, NULL), "12");
    assert_string_equal(chart_format_value(v, sizeof(v), -4, "件"), "0件");
    assert_string_equal(chart_format_value(v, sizeof(v), 1e300, NULL), "1000000000000");
}

static void test_target_line(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    struct chart_item items[] = {{"甲", 50}, {"乙", 80}};
    struct chart_opts o = OPTS;
    o.has_target = true;
    o.target = 100;
    o.target_label = "目标";
    assert_int_equal(chart_hbar(&b, &o, items, 2), YY_OK);
    check_svg(b.data);
    /* the axis ends at the target (larger than the values): the 50 bar is
     * half the distance from the bars' start to the target line */
    double start = nth_attr(b.data, "<rect", 0, "x"), w50 = nth_attr(b.data, "<rect", 0, "width");
    const char *dashed = strstr(b.data, "stroke-dasharray");
    assert_non_null(dashed);
    const char *line = dashed;
    while (strncmp(line, "<line", 5))
        line--;
    double tx = nth_attr(line, "<line", 0, "x1");
    assert_true(fabs((tx - start) / 2 - w50) <= 0.1);
    assert_non_null(strstr(b.data, ">目标 100%</text>"));
    buf_release(&b);
}

static void test_status_bars(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    const char *cats[] = {"民族街道", "花楼街道", "<x>"};
    const char *series[] = {"办理中", "已办结", "已逾期"};
    double values[] = {/* 办理中 */ 3, 0, 1, /* 已办结 */ 5, 2, -1, /* 已逾期 */ 2, 0, 1e30};
    assert_int_equal(chart_status_bars(&b, &OPTS, cats, 3, series, 3, values, true), YY_OK);
    struct svg_info info = check_svg(b.data);
    assert_int_equal(count(b.data, "<rect"), 3 /* legend */ + 9);
    assert_non_null(strstr(b.data, "<title>民族街道 · 已办结:5%</title>"));
    assert_non_null(strstr(b.data, "&lt;x&gt;"));
    /* the stacked segments of a row follow each other */
    double x0 = nth_attr(b.data, "<rect", 3, "x"), w0 = nth_attr(b.data, "<rect", 3, "width");
    assert_true(fabs(nth_attr(b.data, "<rect", 4, "x") - (x0 + w0)) <= 0.1);
    assert_true(info.n_elements > 10);
    buf_reset(&b);
    assert_int_equal(chart_status_bars(&b, &OPTS, cats, 3, series, 3, values, false), YY_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "<rect"), 3 + 9);
    buf_reset(&b);
    const char *nine[9] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
    double nine_v[9 * 1] = {0};
    assert_int_equal(chart_status_bars(&b, &OPTS, cats, 1, nine, 9, nine_v, true), YY_BAD_INPUT);
    /* eight long series names wrap the legend onto more rows, still inside */
    const char *eight[8] = {"很长很长的状态名称甲", "很长很长的状态名称乙", "很长很长的状态名称丙",
                            "很长很长的状态名称丁", "很长很长的状态名称戊", "很长很长的状态名称己",
                            "很长很长的状态名称庚", "很长很长的状态名称辛"};
    double eight_v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    buf_reset(&b);
    assert_int_equal(chart_status_bars(&b, &OPTS, cats, 1, eight, 8, eight_v, true), YY_OK);
    check_svg(b.data);
    buf_release(&b);
}

static void test_months(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    struct chart_item months[24];
    char labels[24][16];
    for (int i = 0; i < 24; i++) {
        snprintf(labels[i], sizeof(labels[i]), "%d月", i % 12 + 1);
        months[i].label = labels[i];
        months[i].value = i * 3.5;
    }
    assert_int_equal(chart_months(&b, &OPTS, months, 12, CHART_COLUMNS), YY_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "<rect"), 12);
    assert_non_null(strstr(b.data, ">12月</text>"));
    buf_reset(&b);
    assert_int_equal(chart_months(&b, &OPTS, months, 24, CHART_LINE), YY_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, "<polyline"), 1);
    assert_int_equal(count(b.data, "<circle"), 24);
    /* 24 periods: every other label */
    assert_int_equal(count(b.data, "font-size=\"10\">") - 3 /* axis */, 12);
    /* the largest value's dot is at the top of the plot, the first at the bottom */
    assert_true(nth_attr(b.data, "<circle", 23, "cy") < nth_attr(b.data, "<circle", 0, "cy"));
    buf_release(&b);
}

static void test_map(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    /* a square of 0.02 degrees around Jianghan, plus points without valid
     * coordinates, which are left out */
    struct chart_point pts[] = {
        {1, "西北站", "民族街道", 30.60, 114.26}, {2, "东北站", "民族街道", 30.60, 114.28},
        {3, "西南站", "花楼街道", 30.58, 114.26}, {4, "东南<站>", "花楼街道", 30.58, 114.28},
        {5, "坏站", "x", NAN, 114.27},            {6, "坏站2", "x", 30.59, 200},
    };
    assert_int_equal(chart_map(&b, &OPTS, pts, 6, true), YY_OK);
    struct svg_info info = check_svg(b.data);
    assert_string_equal(info.role, "group"); /* links stay reachable */
    assert_int_equal(count(b.data, "<a href=\"/stations/"), 4);
    assert_non_null(strstr(b.data, "<a href=\"/stations/4\" aria-label=\"东南&lt;站&gt;\">"));
    assert_null(strstr(b.data, "/stations/5\""));
    assert_null(strstr(b.data, "/stations/6\""));
    assert_int_equal(count(b.data, ">民族街道</text>"), 1);
    assert_int_equal(count(b.data, ">花楼街道</text>"), 1);
    /* north is up, east is right, and one degree of longitude is shorter than
     * one of latitude by cos(30.59°) */
    double x1 = nth_attr(b.data, "<circle", 0, "cx"), y1 = nth_attr(b.data, "<circle", 0, "cy");
    double x2 = nth_attr(b.data, "<circle", 1, "cx"), y3 = nth_attr(b.data, "<circle", 2, "cy");
    assert_true(x2 > x1);
    assert_true(y3 > y1);
    double ratio = (x2 - x1) / (y3 - y1);
    assert_true(fabs(ratio - cos(30.59 * M_PI / 180)) < 0.01);
    buf_reset(&b);
    /* no street labels when not asked */
    assert_int_equal(chart_map(&b, &OPTS, pts, 6, false), YY_OK);
    check_svg(b.data);
    assert_int_equal(count(b.data, ">民族街道</text>"), 0);
    buf_reset(&b);
    /* one point: in the middle */
    assert_int_equal(chart_map(&b, &OPTS, pts, 1, true), YY_OK);
    info = check_svg(b.data);
    assert_true(fabs(nth_attr(b.data, "<circle", 0, "cx") - info.vb_w / 2) < 0.1);
    assert_true(fabs(nth_attr(b.data, "<circle", 0, "cy") - info.vb_h / 2) < 0.1);
    buf_reset(&b);
    /* a north-south line of points: all on one x, spread over the height */
    struct chart_point line[] = {{1, "a", NULL, 30.50, 114.2}, {2, "b", NULL, 30.70, 114.2}};
    assert_int_equal(chart_map(&b, &OPTS, line, 2, true), YY_OK);
    info = check_svg(b.data);
    assert_true(nth_attr(b.data, "<circle", 1, "cy") < nth_attr(b.data, "<circle", 0, "cy"));
    buf_release(&b);
}

static void test_deterministic_and_ids(void **state)
{
    (void)state;
    struct buf a, b;
    buf_init(&a, 1 << 20);
    buf_init(&b, 1 << 20);
    struct chart_item items[] = {{"甲", 1.25}, {"乙", 2}};
    assert_int_equal(chart_months(&a, &OPTS, items, 2, CHART_LINE), YY_OK);
    assert_int_equal(chart_months(&b, &OPTS, items, 2, CHART_LINE), YY_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    buf_reset(&a);
    /* an id that is not safe in an attribute falls back to "chart" */
    struct chart_opts o = OPTS;
    o.id = "x\" onload=\"alert(1)";
    o.desc = NULL;
    assert_int_equal(chart_hbar(&a, &o, items, 2), YY_OK);
    check_svg(a.data);
    assert_non_null(strstr(a.data, "aria-labelledby=\"chart-title\""));
    assert_null(strstr(a.data, "onload"));
    assert_null(strstr(a.data, "<desc"));
    buf_release(&a);
    buf_release(&b);
}

static void test_buffer_maximum(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    struct chart_item items[] = {{"甲", 1}, {"乙", 2}};
    assert_int_equal(chart_hbar(&b, &OPTS, items, 2), YY_TOO_LARGE);
    assert_true(b.len <= 100);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hbar_escaping),
        cmocka_unit_test(test_escape_bad_utf8_and_controls),
        cmocka_unit_test(test_long_labels_cut),
        cmocka_unit_test(test_empty_and_zero),
        cmocka_unit_test(test_clamping),
        cmocka_unit_test(test_target_line),
        cmocka_unit_test(test_status_bars),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_deterministic_and_ids),
        cmocka_unit_test(test_buffer_maximum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
