/* ical.h - an iCalendar (RFC 5545) writer for published calendars: the
 * activity and reception-day feeds (docs/ICAL.md).
 *
 *   struct buf *out = &res->body;
 *   ical_begin(out, "有约·全部活动");
 *   ical_event(out, &ev);  ... one per event
 *   ical_end(out);
 *
 * What it writes: VCALENDAR with PRODID, VERSION:2.0, CALSCALE:GREGORIAN,
 * METHOD:PUBLISH and X-WR-CALNAME; one VTIMEZONE for Asia/Shanghai (UTC+08:00,
 * no daylight saving since 1991); VEVENTs whose DTSTART/DTEND carry
 * TZID=Asia/Shanghai (wall-clock time in China) and whose DTSTAMP and
 * LAST-MODIFIED are UTC.  Lines end in CRLF and are folded at 75 octets (a
 * CRLF and one space), never inside a UTF-8 character: a line of Chinese
 * text breaks between characters.  TEXT values escape backslash, semicolon,
 * comma and newline (\\ \; \, \n); a CR is dropped and other control
 * characters become a space (TEXT may not hold them).
 *
 * Everything is pure: the bytes depend only on the arguments, so a feed whose
 * data has not changed is byte-identical (and keeps its ETag).
 *
 * Errors: the buffer's maximum (YY_TOO_LARGE) or out of memory (YY_NOMEM);
 * the buffer then holds a partial calendar the caller discards.
 */
#ifndef YOUYUE_ICAL_H
#define YOUYUE_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* The longest line in octets, CRLF excluded (RFC 5545 §3.1). */
#define ICAL_LINE_MAX 75
#define ICAL_TZID "Asia/Shanghai"
#define ICAL_PRODID "-//youyue//youyue feeds 1.0//ZH"

enum ical_status { ICAL_CONFIRMED, ICAL_TENTATIVE, ICAL_CANCELLED };

struct ical_event {
    const char *uid;         /* stable across requests, e.g. "activity-42@youyue" */
    int64_t starts_at;       /* unix seconds */
    int64_t ends_at;         /* unix seconds; <= starts_at writes no DTEND */
    int64_t stamp;           /* DTSTAMP, unix seconds */
    int64_t last_modified;   /* LAST-MODIFIED, unix seconds; 0 = none */
    int64_t sequence;        /* SEQUENCE: rises with every change */
    enum ical_status status;
    const char *summary;     /* TEXT; NULL or "" = none */
    const char *location;    /* TEXT; NULL or "" = none */
    const char *description; /* TEXT; NULL or "" = none */
    const char *categories;  /* one TEXT category; NULL or "" = none */
    const char *url;         /* URI, written as is; NULL or "" = none */
};

/* BEGIN:VCALENDAR, the calendar's properties (X-WR-CALNAME: name, TEXT) and
 * the VTIMEZONE. */
enum yy_err ical_begin(struct buf *out, const char *name);
/* One VEVENT. */
enum yy_err ical_event(struct buf *out, const struct ical_event *ev);
/* END:VCALENDAR. */
enum yy_err ical_end(struct buf *out);

/* The pieces, for tests and other writers. */

/* Appends s escaped as a TEXT value (unfolded, no line end). */
enum yy_err ical_escape_text(struct buf *out, const char *s);
/* Appends the content line line[0..n) folded at ICAL_LINE_MAX octets without
 * splitting a UTF-8 sequence, then CRLF.  The line must not hold CR or LF. */
enum yy_err ical_fold(struct buf *out, const char *line, size_t n);
/* "20261127T093000" for unix time t, as wall-clock time at +08:00 (local)
 * or as UTC with a trailing Z; out must hold 17 bytes. */
void ical_format_local(int64_t t, char out[17]);
void ical_format_utc(int64_t t, char out[17]);

#endif
