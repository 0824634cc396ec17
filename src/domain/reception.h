/* reception.h - reception days (接待日, DOMAIN.md §2 and §3): a station's
 * recurring schedule, the dates it gives in a period, its slots, and the
 * duty rota's rotation.  See docs/RECEPTIONS.md for the rules with examples.
 *
 * Pure functions over the working-day calendar (domain/workdays.h): a
 * reception day that falls on a day off (a weekend or a public holiday) is
 * moved to the next working day (the default), the previous one, or
 * skipped; a weekend make-up working day (调休上班) counts as a working day.
 * Days are day numbers in China time (workdays.h day_of / day_start).
 */
#ifndef YOUYUE_DOMAIN_RECEPTION_H
#define YOUYUE_DOMAIN_RECEPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/workdays.h"

/* Which day of the month the rule names. */
enum rc_day_kind {
    RC_DAY_OF_MONTH, /* "day_of_month": the 15th */
    RC_NTH_WEEKDAY,  /* "nth_weekday": the second Tuesday; nth -1 = the last */
    RC_WEEKLY,       /* "weekly": every Wednesday */
};

/* Which months. */
enum rc_months {
    RC_MONTHS_ALL,  /* "all" */
    RC_MONTHS_ODD,  /* "odd": January, March, ... 单月 */
    RC_MONTHS_EVEN, /* "even": February, April, ... 双月 */
    RC_MONTHS_LIST, /* "list": the months in month_mask */
};

/* What happens when the named day is not a working day. */
enum rc_day_off {
    RC_OFF_NEXT,     /* "next": the next working day (顺延), the default */
    RC_OFF_PREVIOUS, /* "previous": the working day before (提前) */
    RC_OFF_SKIP,     /* "skip": no reception that time */
};

/* A day of the month the month does not have (the 31st in April, the 30th in
 * February). */
enum rc_missing_day {
    RC_MISSING_LAST_DAY, /* "last_day": the month's last day, the default */
    RC_MISSING_SKIP,     /* "skip": no reception that month */
};

struct reception_schedule {
    enum rc_day_kind day_kind;
    int day;     /* RC_DAY_OF_MONTH: 1..31 */
    int nth;     /* RC_NTH_WEEKDAY: 1..4, or -1 for the last */
    int weekday; /* RC_NTH_WEEKDAY, RC_WEEKLY: 1 = Monday .. 7 = Sunday */
    enum rc_months months;
    unsigned month_mask;          /* RC_MONTHS_LIST: bit m (1..12) for month m */
    int start_minute, end_minute; /* the time window, minutes after midnight */
    int slot_minutes;             /* length of one bookable slot */
    int places;                   /* residents per slot */
    enum rc_day_off day_off;
    enum rc_missing_day missing_day;
};

#define RC_SLOT_MIN 5         /* shortest slot, minutes */
#define RC_PLACES_MAX 100     /* places per slot */
#define RC_SLOTS_MAX 48       /* slots per day */
#define RC_SHIFT_MAX 31       /* days a reception day may move at most */
#define RC_RANGE_MAX_DAYS 366 /* longest period one query may ask for */

/* A defaulted schedule: the 15th of every month, 9:00-11:00, 30-minute slots
 * of 3 places, moved to the next working day. */
void reception_schedule_default(struct reception_schedule *s);

/* Names as the API spells them, and back (false for an unknown name). */
const char *rc_day_kind_name(enum rc_day_kind k);
bool rc_day_kind_from_name(const char *s, enum rc_day_kind *out);
const char *rc_months_name(enum rc_months m);
bool rc_months_from_name(const char *s, enum rc_months *out);
const char *rc_day_off_name(enum rc_day_off o);
bool rc_day_off_from_name(const char *s, enum rc_day_off *out);
const char *rc_missing_day_name(enum rc_missing_day m);
bool rc_missing_day_from_name(const char *s, enum rc_missing_day *out);

/* YY_OK, or YY_BAD_INPUT naming the field (API names: day, nth, weekday,
 * months, start, end, slot_minutes, places). */
enum yy_err reception_schedule_validate(const struct reception_schedule *s, struct yy_error *e);

/* One reception day. */
struct reception_occurrence {
    int64_t day;                /* the day it is held */
    int64_t nominal_day;        /* the day the rule names; != day when moved */
    bool provisional;           /* a day looked at lies in a year without a calendar:
                                 * judged by weekends alone, to be checked again */
    int64_t starts_at, ends_at; /* unix seconds */
};

/* The reception days held from from_day to to_day (both inclusive), in
 * order, at most max into out (out may be NULL when max is 0).  Returns how
 * many there are in all (more than max means out was cut short).  A day
 * moved into the period counts, one moved out of it does not.  When two named
 * days move onto the same working day (a weekly rule over a week-long
 * holiday) the reception is held once.  c may be NULL: weekends only, every
 * day provisional. */
size_t reception_occurrences(const struct reception_schedule *s, const struct calendar *c,
                             int64_t from_day, int64_t to_day, struct reception_occurrence *out,
                             size_t max);

/* The first reception day that has not ended at now, looking up to two years
 * ahead.  False when there is none (a skip rule over a list of months that
 * never come round on a working day). */
bool reception_next_occurrence(const struct reception_schedule *s, const struct calendar *c,
                               int64_t now, struct reception_occurrence *out);

/* Whether day is a reception day of s (held on it); fills *out when so. */
bool reception_is_occurrence(const struct reception_schedule *s, const struct calendar *c,
                             int64_t day, struct reception_occurrence *out);

/* Slots: the window cut into slot_minutes pieces (a remainder shorter than a
 * slot is not bookable). */
int reception_slot_count(const struct reception_schedule *s);
/* The slot whose start is minute (after midnight), or -1. */
int reception_slot_index(const struct reception_schedule *s, int minute);

/* "HH:MM" (or "H:MM") to minutes after midnight; false when malformed. */
bool reception_parse_hm(const char *text, int *minute);
/* Minutes after midnight as "HH:MM" (out has room for 6 bytes). */
void reception_format_hm(int minute, char out[6]);
/* "YYYY-MM-DD" to a day number; false when malformed or not a real date. */
bool reception_parse_date(const char *text, int64_t *day);
/* A day number as "YYYY-MM-DD" (out has room for 11 bytes). */
void reception_format_date(int64_t day, char out[11]);

/* The duty rota's rotation: occurrence number k (0 = the first one on or
 * after the rotation's start day) is served by per_day deputies of the list
 * of n, continuing round it: positions (k*per_day + j) mod n for j in
 * 0..per_day-1 (fewer when n < per_day).  Writes the positions into out
 * (room for per_day) and returns how many. */
size_t reception_rota_positions(int64_t k, size_t n, size_t per_day, size_t *out);

/* Booking codes (预约码): RC_CODE_LEN characters from the tracking codes'
 * alphabet (no 0/O, 1/I/L), random; normalize upper-cases and checks one
 * typed by a resident (false when it cannot be a code). */
#define RC_CODE_LEN 8
void reception_code_new(char out[RC_CODE_LEN + 1]);
bool reception_code_normalize(const char *s, char out[RC_CODE_LEN + 1]);

/* The text rule of a station (stations.reception_rule, free text) read as a
 * schedule, for stations without a structured one.  Understood forms (spaces
 * optional, "：" for ":", "-" "—" "至" "~" between the times):
 *   每月15日 9:00-11:00        the 15th of every month
 *   单月15日 … / 双月15日 …     odd / even months
 *   每月第二个周二 14:30-16:30  the Nth weekday (第一..第四个, 最后一个; 周X or 星期X)
 *   每周三 9:00-11:00           every week
 * The rest of the schedule is the default (next working day, 30-minute
 * slots of 3 places), except that a day the month lacks is skipped, as the
 * text rule always did.  False when the text is none of these. */
bool reception_rule_parse(const char *text, struct reception_schedule *out);

#endif
