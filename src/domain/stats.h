/* stats.h - the dashboard's figures (DOMAIN.md §4, §5, §8) as pure
 * functions: China calendar days, the rates and what counts toward them.
 * Every definition here is written out for people in docs/STATS.md; the
 * store only reads rows and hands them to these functions, so a rule lives
 * in one place.
 *
 * Days: a "day" is a China calendar day (UTC+08:00, no daylight saving),
 * numbered as days since 1970-01-01.
 */
#ifndef YOUYUE_DOMAIN_STATS_H
#define YOUYUE_DOMAIN_STATS_H

#include <stdbool.h>
#include <stdint.h>

/* ---- days ---- */

/* The China day of unix time t. */
int64_t stats_day_of(int64_t t);
/* Unix time of 00:00 China time on day. */
int64_t stats_day_start(int64_t day);
/* The China calendar year of unix time t. */
int stats_year_of(int64_t t);
/* First and last day of a calendar year. */
void stats_year_days(int year, int64_t *first, int64_t *last);
/* Strict "YYYY-MM-DD" (a real date, year 2000..2100); false otherwise. */
bool stats_parse_date(const char *s, int64_t *day);

/* ---- rates ---- */

/* num / den, rounded to 4 decimal places (half away from zero).  Undefined
 * (shown as null, never 0) when den is 0: nothing to measure yet. */
struct stat_rate {
    bool defined;
    double value;
};
struct stat_rate stat_rate(int64_t num, int64_t den);

/* ---- concerns (民呼, §4) ---- */

struct concern_counts {
    int64_t total;     /* every concern raised in the period */
    int64_t merged;    /* folded into another concern: not counted again */
    int64_t raised;    /* total - merged: the denominator of response and resolution */
    int64_t responded; /* raised and past "new": accepted, declined, referred, ... */
    int64_t resolved;  /* resolved or resolved_on_site */
    int64_t rated;     /* raised and rated by the resident */
    int64_t satisfied, basically_satisfied, dissatisfied;
};

/* Counts n concerns of status and rating (NULL: not rated) into c. */
void concern_counts_add(struct concern_counts *c, const char *status, const char *rating,
                        int64_t n);
/* resolved or resolved_on_site: a problem solved (§8). */
bool concern_status_resolved(const char *status);

struct concern_rates {
    struct stat_rate response;     /* responded / raised */
    struct stat_rate resolution;   /* resolved / raised */
    struct stat_rate satisfaction; /* (satisfied + basically_satisfied) / rated */
};
void concern_rates_compute(const struct concern_counts *c, struct concern_rates *out);

/* ---- suggestion handling (办理, §5) ---- */

/* Over the active lead (主办) assignments. */
struct handling_counts {
    int64_t assignments; /* active lead assignments */
    int64_t replied;     /* with a reply */
    int64_t timed;       /* replied, or unreplied and past the due day: settled for on-time */
    int64_t on_time;     /* replied on or before the due day */
    int64_t met;         /* with a logged contact in person (visit or meeting) */
};

/* A reply is on time when it was given on or before the China day of its
 * due time. */
bool stats_on_time(int64_t replied_at, int64_t due_at);
/* Days from the China day of now to the due day: 0 due today, negative
 * overdue by that many days. */
int64_t stats_days_to_due(int64_t due_at, int64_t now);
/* Counts one active lead assignment into h.  replied_at 0: no reply yet. */
void handling_counts_add(struct handling_counts *h, int64_t replied_at, int64_t due_at, int64_t now,
                         bool met_in_person);
/* Contact modes that count as meeting the deputy (见面): visit, meeting. */
bool contact_mode_in_person(const char *mode);

struct handling_rates {
    struct stat_rate reply;   /* replied / assignments */
    struct stat_rate on_time; /* on_time / timed */
    struct stat_rate meeting; /* met / assignments */
};
void handling_rates_compute(const struct handling_counts *h, struct handling_rates *out);

/* ---- ratings: residents' (concerns, published suggestions), deputies' ---- */

struct rating_counts {
    int64_t satisfied, basically_satisfied, dissatisfied;
};
/* Counts n ratings of value (satisfied basically_satisfied dissatisfied;
 * anything else is ignored) into r. */
void rating_counts_add(struct rating_counts *r, const char *value, int64_t n);
int64_t rating_counts_total(const struct rating_counts *r);
/* (satisfied + basically_satisfied) / all ratings. */
struct stat_rate rating_satisfaction(const struct rating_counts *r);

/* Chinese labels of the rating values and of the reply classes A-D; NULL
 * for unknown values. */
const char *rating_label_zh(const char *value);
const char *reply_class_label_zh(const char *cls);

#endif
