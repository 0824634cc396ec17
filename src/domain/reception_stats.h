/* reception_stats.h - the receptions section of the dashboard (GET
 * /api/v1/stats, docs/STATS.md "Reception days"): reception days held,
 * residents received, bookings made, cancelled and not kept, deputies on
 * duty (人次), by station, street and China month.  Pure: the store hands
 * over one row per station and day of the period that has a reception
 * record or a booking, these functions count.
 *
 * Held: the day has a reception record (接待记录); a reception day nobody
 * recorded is not known to have taken place.  A no-show (爽约) is a booking
 * still "booked" (neither cancelled nor marked attended) on a held day. */
#ifndef YOUYUE_DOMAIN_RECEPTION_STATS_H
#define YOUYUE_DOMAIN_RECEPTION_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* One station and China day of the period with a record or a booking. */
struct rec_stats_row {
    int64_t station_id;
    const char *station;
    int64_t street_id; /* the station's street */
    const char *street;
    int64_t day;       /* China day number */
    bool recorded;     /* a reception record exists: held */
    int64_t received;  /* the record's residents_received */
    int64_t deputies;  /* deputies the record lists present */
    int64_t bookings;  /* bookings made for the day, any status */
    int64_t cancelled; /* of those, cancelled */
    int64_t attended;  /* of those, marked attended */
    int64_t booked;    /* of those, still booked */
    int64_t walk_ins;  /* walk-ins registered on the day */
};

/* Counts under one key: a station, a street or a month (held days only). */
struct rec_stats_group {
    int64_t id;       /* station or street id; 0 for months */
    const char *key;  /* the month "YYYY-MM"; NULL for stations and streets */
    const char *name; /* station or street name */
    int64_t held, received, attendances;
};

struct rec_stats_groups {
    struct rec_stats_group *items;
    size_t n, cap;
};

struct rec_stats {
    int64_t held;        /* days with a record */
    int64_t received;    /* residents received, as the records count them */
    int64_t walk_ins;    /* walk-ins on held days */
    int64_t attendances; /* 人次: deputies present, one per deputy per held day */
    int64_t bookings, cancelled, attended, no_shows, pending;
    struct rec_stats_groups by_station; /* by station id */
    struct rec_stats_groups by_street;  /* by street id */
    struct rec_stats_groups by_month;   /* by month, ascending */
};

/* Whether a booking still "booked" on this row's day is a no-show: the day
 * was held (recorded).  Otherwise it is pending (the day is to come, or
 * nobody recorded it yet). */
bool rec_stats_no_show_day(const struct rec_stats_row *r);

/* Counts rows into out (groups in arena a).  Bookings count over every row
 * (a booking cancelled for a day that was never held still was made and
 * cancelled); residents, walk-ins, attendances and the groups over held
 * days only; groups list only keys with a held day. */
void rec_stats_compute(struct arena *a, const struct rec_stats_row *rows, size_t n,
                       struct rec_stats *out);

#endif
