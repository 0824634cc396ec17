/* activity_stats.h - the activities section of the dashboard (GET
 * /api/v1/stats, issue 5 §7, docs/STATS.md "Activities"): activities held by
 * kind, station, street and month, deputy attendances (人次), and the
 * article's headline figures.  Pure: the store hands over one row per
 * activity of the period, these functions count.
 *
 * Held: published or closed (never a draft or a cancelled one) and started by
 * now - it took place or is under way.  Upcoming: published, not started.
 * An attendance (人次) is one deputy recorded present at one held activity. */
#ifndef YOUYUE_DOMAIN_ACTIVITY_STATS_H
#define YOUYUE_DOMAIN_ACTIVITY_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* One activity of the period (starts_at inside it). */
struct act_stats_row {
    int64_t id;
    const char *kind;   /* learn talk build supervise evaluate share */
    const char *status; /* draft open closed cancelled */
    int64_t starts_at;
    int64_t station_id; /* 0: another venue */
    const char *station;
    int64_t street_id; /* 0: none */
    const char *street;
    int64_t attendances; /* deputies recorded present */
    int64_t checked_in;  /* residents checked in */
};

/* A count under one key: a kind, a station, a street or a month. */
struct act_stats_group {
    int64_t id;       /* station or street id; 0 for kinds and months */
    const char *key;  /* kind name, or the month "YYYY-MM"; NULL for stations and streets */
    const char *name; /* station or street name */
    int64_t held, attendances, checked_in;
};

struct act_stats_groups {
    struct act_stats_group *items;
    size_t n, cap;
};

#define ACT_STATS_KINDS 6

struct act_stats {
    int64_t held, upcoming, cancelled;
    int64_t attendances; /* 人次 */
    int64_t checked_in;  /* residents checked in at held activities */
    struct act_stats_group by_kind[ACT_STATS_KINDS]; /* every kind, in the contract's order */
    struct act_stats_groups by_station;              /* by station id; venues without one left out */
    struct act_stats_groups by_street;               /* by street id; no street (id 0) last */
    struct act_stats_groups by_month;                /* by month, ascending */
};

/* The kind names in the contract's order (共学 共话 共建 共督 共评 共享). */
extern const char *const act_stats_kind_names[ACT_STATS_KINDS];

/* Whether a row counts as held, or upcoming, at now. */
bool act_stats_held(const struct act_stats_row *r, int64_t now);
bool act_stats_upcoming(const struct act_stats_row *r, int64_t now);

/* Counts rows at now into out (groups in arena a).  Only groups with at
 * least one held activity are listed, except by_kind, which lists all six. */
void act_stats_compute(struct arena *a, const struct act_stats_row *rows, size_t n, int64_t now,
                       struct act_stats *out);

#endif
