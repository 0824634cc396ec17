/* feed.c (store) - the rows of the iCalendar feeds; see feed.h.  Portable
 * SQL over db.h, every parameter bound. */
#include "store/feed.h"

#include <string.h>

#include "store/sql.h"

/* The audit entries of an activity that change what a calendar shows.  Not:
 * its creation (a draft, in no feed), and what happens at it without
 * changing it (registrations, check-ins, attendance, questions answered). */
#define FEED_REVISION                                                                             \
    "(SELECT COUNT(*) FROM audit_log l WHERE l.entity = 'activity' AND l.entity_id = v.id"        \
    " AND l.action NOT IN ('activity.create', 'activity.register',"                               \
    " 'activity.registration_cancel', 'activity.check_in', 'activity.record_attendance',"         \
    " 'activity.add_qa'))"

enum yy_err store_feed_activities(struct db *db, struct arena *a, const struct feed_filter *f,
                                  struct feed_activity **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT v.id, v.kind, v.title, v.theme, v.status, t.name, t.address, v.venue,"
         " v.cancel_reason, v.starts_at, v.ends_at, v.created_at, v.updated_at, " FEED_REVISION
         " FROM activities v LEFT JOIN stations t ON t.id = v.station_id"
         " WHERE v.status IN ('open', 'closed', 'cancelled')"
         " AND v.starts_at >= $1 AND v.starts_at < $2"
         " AND ($3 = 0 OR v.station_id = $3)"
         " AND ($4 = 0 OR EXISTS (SELECT 1 FROM activity_deputies d"
         "   WHERE d.activity_id = v.id AND d.deputy_id = $4))"
         " ORDER BY v.starts_at, v.id LIMIT $5",
         e);
    db_bind_int(st, 1, f->from);
    db_bind_int(st, 2, f->to);
    db_bind_int(st, 3, f->station_id);
    db_bind_int(st, 4, f->deputy_id);
    db_bind_int(st, 5, FEED_MAX_EVENTS);
    size_t cap = 16, k = 0;
    struct feed_activity *items = arena_calloc(a, cap, sizeof(*items));
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        if (k == cap) {
            struct feed_activity *bigger = arena_calloc(a, cap * 2, sizeof(*bigger));
            memcpy(bigger, items, cap * sizeof(*bigger));
            items = bigger;
            cap *= 2;
        }
        struct feed_activity *x = &items[k++];
        x->id = db_col_int(st, 0);
        x->kind = sql_col_str(a, st, 1);
        x->title = sql_col_str(a, st, 2);
        x->theme = sql_col_str(a, st, 3);
        x->status = sql_col_str(a, st, 4);
        x->station_name = sql_col_dup(a, st, 5);
        x->station_address = sql_col_dup(a, st, 6);
        x->venue = sql_col_str(a, st, 7);
        x->cancel_reason = sql_col_dup(a, st, 8);
        x->starts_at = db_col_int(st, 9);
        x->ends_at = db_col_int(st, 10);
        x->created_at = db_col_int(st, 11);
        x->updated_at = db_col_int(st, 12);
        x->revision = db_col_int(st, 13);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = k;
    return YY_OK;
}

enum yy_err store_feed_reception_revision(struct db *db, int64_t station_id, int64_t *revision,
                                          int64_t *last_modified, struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM audit_log WHERE entity = 'station'"
         " AND entity_id = $1 AND action IN ('reception.schedule', 'reception.duty')",
         e);
    db_bind_int(st, 1, station_id);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK) {
        *revision = db_col_int(st, 0);
        *last_modified = db_col_int(st, 1);
    }
    db_done(st);
    return rc;
}
