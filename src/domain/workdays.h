/* workdays.h - working days (工作日): weekends, public holidays and make-up
 * working days (调休), from a per-year calendar that is data, not code
 * (DOMAIN.md §5).  Every deadline the platform sets comes from here.
 *
 * Days are counted as days since 1970-01-01 in China time (see
 * core/timeutil.h: time_days_from_civil).  A year without a calendar file is
 * "unknown": its days are judged by weekends alone and every answer that
 * touched one is marked provisional, so a deadline past the last known year
 * says so instead of pretending (the office adds the year when the State
 * Council publishes it, usually in November or December).
 */
#ifndef YOUYUE_DOMAIN_WORKDAYS_H
#define YOUYUE_DOMAIN_WORKDAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

#define CALENDAR_MAX_YEARS 64
#define CALENDAR_MAX_DAYS 128 /* special days per year */

struct calendar_year {
    int year;
    size_t n_off, n_work;
    int64_t off[CALENDAR_MAX_DAYS];  /* sorted */
    int64_t work[CALENDAR_MAX_DAYS]; /* sorted */
};

struct calendar {
    size_t n_years;
    struct calendar_year years[CALENDAR_MAX_YEARS];
};

void calendar_init(struct calendar *c);
/* Parses one year's file (format in docs/CALENDAR.md) and adds or replaces
 * that year.  name is used in error messages.  Fails with YY_BAD_INPUT and a
 * message naming the line; the calendar is unchanged then. */
enum yy_err calendar_add_text(struct calendar *c, struct arena *a, const char *name,
                              const char *text, size_t n, struct yy_error *e);
/* The years built into the binary (calendar/YYYY.txt in the source tree). */
enum yy_err calendar_add_builtin(struct calendar *c, struct arena *a, struct yy_error *e);
/* Adds every YYYY.txt in dir (overriding built-in years). */
enum yy_err calendar_add_dir(struct calendar *c, struct arena *a, const char *dir,
                             struct yy_error *e);
/* The last year with a calendar, 0 when none. */
int calendar_last_year(const struct calendar *c);

/* Whether day is a working day. *known (may be NULL) is false when the day's
 * year has no calendar (then weekends decide). */
bool calendar_is_working_day(const struct calendar *c, int64_t day, bool *known);

/* A deadline n >= 1 working days after day: the n-th working day following
 * it.  *provisional is set when a day of an unknown year was involved. */
int64_t deadline_add_working_days(const struct calendar *c, int64_t day, int n,
                                  bool *provisional);
/* A deadline of n calendar months after day (the same day of the month,
 * or the month's last day when it has fewer), moved to the next working day
 * when it falls on a day off (期间届满日为节假日的, 顺延). */
int64_t deadline_add_months(const struct calendar *c, int64_t day, int months, bool *provisional);
/* Working days from `from` (exclusive) to `to` (inclusive); negative when to
 * is before from.  For "due in 10 working days" checks. */
int calendar_working_days_between(const struct calendar *c, int64_t from, int64_t to,
                                  bool *provisional);

/* Day number in China time for a unix time, and the unix time of a day's start. */
int64_t day_of(int64_t unix_time);
int64_t day_start(int64_t day);

#endif
