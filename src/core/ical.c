/* ical.c - the iCalendar writer; see ical.h. */
#include "core/ical.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"

/* A content line is built unfolded in a scratch buffer, then folded into the
 * output.  Description texts are bounded upstream; this bounds one line. */
#define ICAL_CONTENT_MAX ((size_t)256 * 1024)

/* Octets of the UTF-8 sequence that starts with byte c (1 for ASCII, and for
 * a stray continuation or invalid byte, which then travels alone). */
static size_t seq_len(unsigned char c)
{
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    return 1;
}

enum yy_err ical_fold(struct buf *out, const char *line, size_t n)
{
    const unsigned char *s = (const unsigned char *)line;
    size_t col = 0, i = 0;
    enum yy_err rc = YY_OK;
    while (i < n && rc == YY_OK) {
        size_t len = seq_len(s[i]);
        if (len > n - i)
            len = n - i;
        /* a truncated or broken sequence still travels whole: its bytes up
         * to the next byte that starts a character */
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) {
                len = k;
                break;
            }
        if (col + len > ICAL_LINE_MAX) {
            rc = buf_append(out, "\r\n ", 3);
            col = 1; /* the leading space counts */
        }
        if (rc == YY_OK)
            rc = buf_append(out, s + i, len);
        col += len;
        i += len;
    }
    if (rc == YY_OK)
        rc = buf_append(out, "\r\n", 2);
    return rc;
}

enum yy_err ical_escape_text(struct buf *out, const char *s)
{
    enum yy_err rc = YY_OK;
    const char *run = s;
    for (const char *p = s; *p && rc == YY_OK; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '\\':
            esc = "\\\\";
            break;
        case ';':
            esc = "\\;";
            break;
        case ',':
            esc = "\\,";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "";
            break;
        default:
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                esc = " ";
            break;
        }
        if (!esc)
            continue;
        rc = buf_append(out, run, (size_t)(p - run));
        if (rc == YY_OK)
            rc = buf_puts(out, esc);
        run = p + 1;
    }
    if (rc == YY_OK)
        rc = buf_puts(out, run);
    return rc;
}

static void format_fields(int64_t t, char out[17], bool utc)
{
    int64_t local = utc ? t : t + TIME_CST_OFFSET;
    int64_t days = local / 86400, secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    time_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    snprintf(out, 17, "%04d%02u%02uT%02d%02d%02d%s", (int)y, m, d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60), utc ? "Z" : "");
}

void ical_format_local(int64_t t, char out[17])
{
    format_fields(t, out, false);
}

void ical_format_utc(int64_t t, char out[17])
{
    format_fields(t, out, true);
}

/* ---- content lines ------------------------------------------------------- */

/* NAME:value with value written as is (already in its value type's form). */
static enum yy_err raw_line(struct buf *out, const char *name, const char *value)
{
    struct buf line;
    buf_init(&line, ICAL_CONTENT_MAX);
    enum yy_err rc = buf_puts(&line, name);
    if (rc == YY_OK)
        rc = buf_putc(&line, ':');
    if (rc == YY_OK)
        rc = buf_puts(&line, value);
    if (rc == YY_OK)
        rc = ical_fold(out, line.data, line.len);
    buf_release(&line);
    return rc;
}

/* NAME:TEXT, skipped when text is NULL or empty. */
static enum yy_err text_line(struct buf *out, const char *name, const char *text)
{
    if (!text || !*text)
        return YY_OK;
    struct buf line;
    buf_init(&line, ICAL_CONTENT_MAX);
    enum yy_err rc = buf_puts(&line, name);
    if (rc == YY_OK)
        rc = buf_putc(&line, ':');
    if (rc == YY_OK)
        rc = ical_escape_text(&line, text);
    if (rc == YY_OK)
        rc = ical_fold(out, line.data, line.len);
    buf_release(&line);
    return rc;
}

/* A URI must not carry control characters (they would break the line). */
static bool uri_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return false;
    return true;
}

static const char *const calendar_head[] = {
    "BEGIN:VCALENDAR",
    "PRODID:" ICAL_PRODID,
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    NULL,
};

/* China Standard Time: +08:00 all year; the last daylight saving ended in
 * 1991, long before any event a feed carries. */
static const char *const vtimezone[] = {
    "BEGIN:VTIMEZONE",
    "TZID:" ICAL_TZID,
    "X-LIC-LOCATION:" ICAL_TZID,
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "DTSTART:19700101T000000",
    "END:STANDARD",
    "END:VTIMEZONE",
    NULL,
};

static enum yy_err fixed_lines(struct buf *out, const char *const *lines)
{
    enum yy_err rc = YY_OK;
    for (size_t i = 0; lines[i] && rc == YY_OK; i++)
        rc = ical_fold(out, lines[i], strlen(lines[i]));
    return rc;
}

enum yy_err ical_begin(struct buf *out, const char *name)
{
    enum yy_err rc = fixed_lines(out, calendar_head);
    if (rc == YY_OK)
        rc = text_line(out, "X-WR-CALNAME", name);
    if (rc == YY_OK)
        rc = raw_line(out, "X-WR-TIMEZONE", ICAL_TZID);
    if (rc == YY_OK)
        rc = fixed_lines(out, vtimezone);
    return rc;
}

static const char *status_name(enum ical_status s)
{
    switch (s) {
    case ICAL_CANCELLED:
        return "CANCELLED";
    case ICAL_TENTATIVE:
        return "TENTATIVE";
    case ICAL_CONFIRMED:
        break;
    }
    return "CONFIRMED";
}

enum yy_err ical_event(struct buf *out, const struct ical_event *ev)
{
    char t[17], seq[24];
    enum yy_err rc = raw_line(out, "BEGIN", "VEVENT");
    if (rc == YY_OK)
        rc = text_line(out, "UID", ev->uid);
    if (rc == YY_OK) {
        ical_format_utc(ev->stamp, t);
        rc = raw_line(out, "DTSTAMP", t);
    }
    if (rc == YY_OK) {
        ical_format_local(ev->starts_at, t);
        rc = raw_line(out, "DTSTART;TZID=" ICAL_TZID, t);
    }
    if (rc == YY_OK && ev->ends_at > ev->starts_at) {
        ical_format_local(ev->ends_at, t);
        rc = raw_line(out, "DTEND;TZID=" ICAL_TZID, t);
    }
    if (rc == YY_OK) {
        snprintf(seq, sizeof(seq), "%lld", (long long)(ev->sequence < 0 ? 0 : ev->sequence));
        rc = raw_line(out, "SEQUENCE", seq);
    }
    if (rc == YY_OK)
        rc = raw_line(out, "STATUS", status_name(ev->status));
    if (rc == YY_OK)
        rc = text_line(out, "SUMMARY", ev->summary);
    if (rc == YY_OK)
        rc = text_line(out, "LOCATION", ev->location);
    if (rc == YY_OK)
        rc = text_line(out, "DESCRIPTION", ev->description);
    if (rc == YY_OK)
        rc = text_line(out, "CATEGORIES", ev->categories);
    if (rc == YY_OK && ev->url && *ev->url && uri_ok(ev->url))
        rc = raw_line(out, "URL", ev->url);
    if (rc == YY_OK && ev->last_modified > 0) {
        ical_format_utc(ev->last_modified, t);
        rc = raw_line(out, "LAST-MODIFIED", t);
    }
    if (rc == YY_OK)
        rc = raw_line(out, "TRANSP", "OPAQUE");
    if (rc == YY_OK)
        rc = raw_line(out, "END", "VEVENT");
    return rc;
}

enum yy_err ical_end(struct buf *out)
{
    return raw_line(out, "END", "VCALENDAR");
}
