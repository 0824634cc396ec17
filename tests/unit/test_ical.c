/* test_ical.c - the iCalendar writer (core/ical.c, docs/ICAL.md): TEXT
 * escaping, folding at 75 octets between UTF-8 characters, CRLF line ends,
 * and the structure of a calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/ical.h"
#include "core/timeutil.h"
#include "core/utf8.h"

static int64_t cst(int y, unsigned m, unsigned d, int h, int mi)
{
    return time_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 - TIME_CST_OFFSET;
}

static const char *escaped(struct buf *b, const char *s)
{
    buf_reset(b);
    assert_int_equal(ical_escape_text(b, s), YY_OK);
    return b->data ? b->data : "";
}

static void test_escape_text(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4096);
    assert_string_equal(escaped(&b, "plain 文本"), "plain 文本");
    assert_string_equal(escaped(&b, "a,b;c\\d"), "a\\,b\\;c\\\\d");
    assert_string_equal(escaped(&b, "line1\nline2"), "line1\\nline2");
    /* CRLF becomes one \n; a lone CR disappears */
    assert_string_equal(escaped(&b, "x\r\ny\rz"), "x\\nyz");
    /* other controls would break the line: a space instead */
    assert_string_equal(escaped(&b, "tab\there\x01"), "tab here ");
    /* colon and quote need no escape in TEXT */
    assert_string_equal(escaped(&b, "时间:9:00 \"共话\""), "时间:9:00 \"共话\"");
    assert_string_equal(escaped(&b, ""), "");
    buf_release(&b);
}

/* Splits folded output into its physical lines; checks each ends in CRLF,
 * is at most 75 octets, holds whole UTF-8 characters, and that every line
 * after the first starts with one space.  Returns the unfolded content. */
static size_t check_folded(const char *out, size_t len, char *unfolded, size_t *n_lines)
{
    size_t u = 0, lines = 0, i = 0;
    while (i < len) {
        const char *crlf = strstr(out + i, "\r\n");
        assert_non_null(crlf);
        size_t l = (size_t)(crlf - (out + i));
        assert_true(l <= ICAL_LINE_MAX);
        assert_true(utf8_valid(out + i, l));
        assert_null(memchr(out + i, '\n', l));
        assert_null(memchr(out + i, '\r', l));
        if (lines > 0) {
            assert_int_equal(out[i], ' ');
            memcpy(unfolded + u, out + i + 1, l - 1);
            u += l - 1;
        } else {
            memcpy(unfolded + u, out + i, l);
            u += l;
        }
        lines++;
        i += l + 2;
    }
    unfolded[u] = '\0';
    *n_lines = lines;
    return u;
}

static void test_fold_ascii(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4096);
    char line[200], unfolded[256];
    size_t lines;
    /* exactly 75 octets: one line */
    memset(line, 'a', 75);
    assert_int_equal(ical_fold(&b, line, 75), YY_OK);
    assert_int_equal(b.len, 77);
    assert_memory_equal(b.data + 75, "\r\n", 2);
    /* 76: the 76th octet goes to a continuation line " a" */
    buf_reset(&b);
    memset(line, 'a', 76);
    assert_int_equal(ical_fold(&b, line, 76), YY_OK);
    assert_int_equal(b.len, 75 + 2 + 1 + 1 + 2);
    assert_memory_equal(b.data + 75, "\r\n a\r\n", 6);
    /* 75 + 74 + 1: the continuation line holds 74 octets after its space */
    buf_reset(&b);
    memset(line, 'b', 150);
    assert_int_equal(ical_fold(&b, line, 150), YY_OK);
    size_t u = check_folded(b.data, b.len, unfolded, &lines);
    assert_int_equal(lines, 3);
    assert_int_equal(u, 150);
    assert_memory_equal(unfolded, line, 150);
    assert_memory_equal(b.data + 77 + 75, "\r\n b\r\n", 6);
    buf_release(&b);
}

static void test_fold_chinese_between_characters(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8192);
    /* "SUMMARY:" (8 octets) + 64 Chinese characters (3 octets each, 192):
     * the first line fits 8 + 22*3 = 74 octets (a 23rd character would make
     * 77), the second " " + 24*3 = 73, the third " " + the remaining 18. */
    char line[512] = "SUMMARY:";
    const char *han = "关于老旧小区加装电梯和雨污分流改造的现场共话活动";
    size_t hl = strlen(han);
    assert_int_equal(utf8_length(han, hl), 24);
    memcpy(line + 8, han, hl);
    memcpy(line + 8 + hl, han, hl);
    memcpy(line + 8 + 2 * hl, han, 16 * 3); /* 24 + 24 + 16 = 64 characters */
    size_t n = 8 + 2 * hl + 48;
    line[n] = '\0';
    assert_int_equal(ical_fold(&b, line, n), YY_OK);
    char unfolded[512];
    size_t lines;
    size_t u = check_folded(b.data, b.len, unfolded, &lines);
    assert_int_equal(lines, 3);
    assert_int_equal(u, n);
    assert_memory_equal(unfolded, line, n);
    const char *first_end = strstr(b.data, "\r\n");
    assert_int_equal(first_end - b.data, 74);
    const char *second_end = strstr(first_end + 2, "\r\n");
    assert_int_equal(second_end - (first_end + 2), 73);
    assert_int_equal(b.len - (size_t)(second_end + 2 - b.data), 1 + 18 * 3 + 2);

    /* every offset of a 4-octet character (an emoji) and mixed widths */
    for (size_t prefix = 0; prefix < 8; prefix++) {
        buf_reset(&b);
        char mixed[600];
        size_t m = 0;
        memset(mixed, 'x', prefix);
        m = prefix;
        for (int k = 0; k < 30; k++) {
            static const char *const pieces[] = {"\xF0\x9F\x98\x80", "é", "区", "a"};
            const char *p = pieces[k % 4];
            memcpy(mixed + m, p, strlen(p));
            m += strlen(p);
        }
        assert_int_equal(ical_fold(&b, mixed, m), YY_OK);
        u = check_folded(b.data, b.len, unfolded, &lines);
        assert_int_equal(u, m);
        assert_memory_equal(unfolded, mixed, m);
        assert_true(lines >= 2);
    }
    buf_release(&b);
}

static void test_fold_empty_and_short(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(ical_fold(&b, "END:VEVENT", 10), YY_OK);
    assert_string_equal(b.data, "END:VEVENT\r\n");
    /* a buffer too small fails instead of writing a broken line */
    struct buf tiny;
    buf_init(&tiny, 8);
    assert_int_equal(ical_fold(&tiny, "END:VEVENT", 10), YY_TOO_LARGE);
    buf_release(&tiny);
    buf_release(&b);
}

static void test_times(void **state)
{
    (void)state;
    char t[17];
    int64_t at = cst(2026, 11, 27, 9, 30);
    ical_format_local(at, t);
    assert_string_equal(t, "20261127T093000");
    ical_format_utc(at, t);
    assert_string_equal(t, "20261127T013000Z");
    /* 01:00 in China is the previous day in UTC */
    at = cst(2027, 1, 1, 1, 0);
    ical_format_local(at, t);
    assert_string_equal(t, "20270101T010000");
    ical_format_utc(at, t);
    assert_string_equal(t, "20261231T170000Z");
}

/* The unfolded content lines of a calendar, in order, joined by '\n'. */
static char *unfold_all(const char *s)
{
    static char out[65536];
    size_t u = 0;
    for (size_t i = 0; s[i];) {
        if (s[i] == '\r' && s[i + 1] == '\n') {
            if (s[i + 2] == ' ') {
                i += 3;
                continue;
            }
            out[u++] = '\n';
            i += 2;
            continue;
        }
        out[u++] = s[i++];
    }
    out[u] = '\0';
    return out;
}

static void test_calendar_structure(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 65536);
    assert_int_equal(ical_begin(&b, "有约·江汉区全部活动, 含接待日"), YY_OK);
    struct ical_event ev = {
        .uid = "activity-42@youyue",
        .starts_at = cst(2026, 12, 15, 9, 0),
        .ends_at = cst(2026, 12, 15, 11, 0),
        .stamp = cst(2026, 11, 27, 10, 0),
        .last_modified = cst(2026, 11, 27, 10, 0),
        .sequence = 3,
        .status = ICAL_CONFIRMED,
        .summary = "约您共话; 加装电梯",
        .location = "民族街代表工作室",
        .description = "主题:加装电梯\n邀请部门:区住房和城市更新局",
        .categories = "共话",
        .url = "http://example.org/api/v1/activities/42",
    };
    assert_int_equal(ical_event(&b, &ev), YY_OK);
    struct ical_event gone = ev;
    gone.uid = "activity-43@youyue";
    gone.status = ICAL_CANCELLED;
    gone.ends_at = gone.starts_at; /* no DTEND written */
    gone.location = NULL;
    gone.description = "";
    gone.url = "bad\nurl";
    gone.last_modified = 0;
    assert_int_equal(ical_event(&b, &gone), YY_OK);
    assert_int_equal(ical_end(&b), YY_OK);

    /* every physical line ends in CRLF and is at most 75 octets */
    char scratch[65536];
    size_t lines = 0;
    for (size_t i = 0; i < b.len;) {
        const char *crlf = strstr(b.data + i, "\r\n");
        assert_non_null(crlf);
        size_t l = (size_t)(crlf - (b.data + i));
        assert_true(l <= ICAL_LINE_MAX);
        i += l + 2;
        lines++;
    }
    (void)scratch;
    assert_true(lines > 20);

    const char *u = unfold_all(b.data);
    const char *expect =
        "BEGIN:VCALENDAR\n"
        "PRODID:" ICAL_PRODID "\n"
        "VERSION:2.0\n"
        "CALSCALE:GREGORIAN\n"
        "METHOD:PUBLISH\n"
        "X-WR-CALNAME:有约·江汉区全部活动\\, 含接待日\n"
        "X-WR-TIMEZONE:Asia/Shanghai\n"
        "BEGIN:VTIMEZONE\n"
        "TZID:Asia/Shanghai\n"
        "X-LIC-LOCATION:Asia/Shanghai\n"
        "BEGIN:STANDARD\n"
        "TZOFFSETFROM:+0800\n"
        "TZOFFSETTO:+0800\n"
        "TZNAME:CST\n"
        "DTSTART:19700101T000000\n"
        "END:STANDARD\n"
        "END:VTIMEZONE\n"
        "BEGIN:VEVENT\n"
        "UID:activity-42@youyue\n"
        "DTSTAMP:20261127T020000Z\n"
        "DTSTART;TZID=Asia/Shanghai:20261215T090000\n"
        "DTEND;TZID=Asia/Shanghai:20261215T110000\n"
        "SEQUENCE:3\n"
        "STATUS:CONFIRMED\n"
        "SUMMARY:约您共话\\; 加装电梯\n"
        "LOCATION:民族街代表工作室\n"
        "DESCRIPTION:主题:加装电梯\\n邀请部门:区住房和城市更新局\n"
        "CATEGORIES:共话\n"
        "URL:http://example.org/api/v1/activities/42\n"
        "LAST-MODIFIED:20261127T020000Z\n"
        "TRANSP:OPAQUE\n"
        "END:VEVENT\n"
        "BEGIN:VEVENT\n"
        "UID:activity-43@youyue\n"
        "DTSTAMP:20261127T020000Z\n"
        "DTSTART;TZID=Asia/Shanghai:20261215T090000\n"
        "SEQUENCE:3\n"
        "STATUS:CANCELLED\n"
        "SUMMARY:约您共话\\; 加装电梯\n"
        "CATEGORIES:共话\n"
        "TRANSP:OPAQUE\n"
        "END:VEVENT\n"
        "END:VCALENDAR\n";
    assert_string_equal(u, expect);

    /* the same input writes the same bytes (stable ETags) */
    struct buf again;
    buf_init(&again, 65536);
    assert_int_equal(ical_begin(&again, "有约·江汉区全部活动, 含接待日"), YY_OK);
    assert_int_equal(ical_event(&again, &ev), YY_OK);
    assert_int_equal(ical_event(&again, &gone), YY_OK);
    assert_int_equal(ical_end(&again), YY_OK);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    buf_release(&again);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_fold_ascii),
        cmocka_unit_test(test_fold_chinese_between_characters),
        cmocka_unit_test(test_fold_empty_and_short),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_calendar_structure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
