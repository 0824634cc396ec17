/* feed.h (store) - the rows of the iCalendar feeds (docs/ICAL.md): public
 * activities (published, closed or cancelled; never drafts) starting in a
 * window, each with the revision number its SEQUENCE shows.  No personal
 * data is read. */
#ifndef YOUYUE_STORE_FEED_H
#define YOUYUE_STORE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* At most this many activities in one feed (the window bounds it long
 * before: a year and a quarter of a district's activities). */
#define FEED_MAX_EVENTS 5000

struct feed_filter {
    int64_t station_id; /* 0 = any */
    int64_t deputy_id;  /* 0 = any; else the activities the deputy is invited to or attended */
    int64_t from, to;   /* starts_at in [from, to), unix seconds */
};

struct feed_activity {
    int64_t id;
    const char *kind, *title, *theme, *status;
    const char *station_name, *station_address; /* NULL without a station */
    const char *venue;                          /* "" when none */
    const char *cancel_reason;                  /* NULL when none */
    int64_t starts_at, ends_at;
    int64_t created_at, updated_at;
    /* The activity's revision: how many changes the audit trail holds for it
     * that a calendar shows (published, cancelled, closed, rescheduled,
     * edited); rises with every such change, never falls. */
    int64_t revision;
};

/* The public activities matching f, by start then id, at most
 * FEED_MAX_EVENTS. */
enum yy_err store_feed_activities(struct db *db, struct arena *a, const struct feed_filter *f,
                                  struct feed_activity **out, size_t *n, struct yy_error *e);

/* The revision of a station's reception days (接待日): how many changes of
 * its schedule and duty rota the audit trail holds (reception.schedule,
 * reception.duty), and the time of the latest (0 when none). */
enum yy_err store_feed_reception_revision(struct db *db, int64_t station_id, int64_t *revision,
                                          int64_t *last_modified, struct yy_error *e);

#endif
