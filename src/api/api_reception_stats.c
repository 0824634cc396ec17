/* api_reception_stats.c - the "receptions" section of GET /api/v1/stats; see
 * api_reception_stats.h.  Public: counts of reception days, residents
 * received, bookings and deputies on duty; no person is named or counted
 * alone.  Rules in domain/reception_stats.c, rows in
 * store/reception_stats.c. */
#include "api/api_reception_stats.h"

#include "api/api.h"
#include "domain/reception_stats.h"
#include "domain/stats.h"
#include "store/reception_stats.h"

static void write_counts(struct jsonw *w, const struct rec_stats_group *g)
{
    jsonw_member_int(w, "held", g->held);
    jsonw_member_int(w, "residents_received", g->received);
    jsonw_member_int(w, "deputy_attendances", g->attendances);
}

static void write_groups(struct jsonw *w, const char *key, const char *id_key,
                         const struct rec_stats_groups *g)
{
    jsonw_key(w, key);
    jsonw_array_begin(w);
    for (size_t i = 0; i < g->n; i++) {
        const struct rec_stats_group *x = &g->items[i];
        jsonw_object_begin(w);
        jsonw_key(w, id_key);
        jsonw_int(w, x->id);
        jsonw_key(w, "name");
        jsonw_string(w, x->name);
        write_counts(w, x);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

enum yy_err api_stats_write_receptions(struct request *req, struct jsonw *w, int64_t from_day,
                                       int64_t to_day, int64_t street_id)
{
    struct db *db = api_app(req)->db;
    int64_t from = stats_day_start(from_day), to = stats_day_start(to_day + 1);
    struct rec_stats_row *rows;
    size_t n;
    int64_t deputies = 0, raised = 0, resolved = 0;
    enum yy_err rc = store_reception_stats_rows(db, req->arena, from_day, to_day, street_id, &rows,
                                                &n, &req->err);
    if (rc == YY_OK)
        rc = store_reception_stats_deputies(db, from_day, to_day, street_id, &deputies, &req->err);
    if (rc == YY_OK)
        rc = store_reception_stats_concerns(db, from, to, street_id, &raised, &resolved, &req->err);
    if (rc != YY_OK)
        return rc;
    struct rec_stats s;
    rec_stats_compute(req->arena, rows, n, &s);

    jsonw_key(w, "receptions");
    jsonw_object_begin(w);
    jsonw_member_int(w, "held", s.held);
    jsonw_member_int(w, "residents_received", s.received);
    jsonw_member_int(w, "walk_ins", s.walk_ins);
    jsonw_key(w, "bookings");
    jsonw_object_begin(w);
    jsonw_member_int(w, "made", s.bookings);
    jsonw_member_int(w, "cancelled", s.cancelled);
    jsonw_member_int(w, "attended", s.attended);
    jsonw_member_int(w, "no_shows", s.no_shows);
    jsonw_member_int(w, "pending", s.pending);
    jsonw_object_end(w);
    jsonw_member_int(w, "deputy_attendances", s.attendances);
    jsonw_member_int(w, "deputies_attending", deputies);
    jsonw_key(w, "concerns_raised");
    jsonw_object_begin(w);
    jsonw_member_int(w, "raised", raised);
    jsonw_member_int(w, "resolved", resolved);
    jsonw_object_end(w);
    write_groups(w, "by_station", "station_id", &s.by_station);
    write_groups(w, "by_street", "street_id", &s.by_street);
    jsonw_key(w, "by_month");
    jsonw_array_begin(w);
    for (size_t i = 0; i < s.by_month.n; i++) {
        jsonw_object_begin(w);
        jsonw_key(w, "month");
        jsonw_string(w, s.by_month.items[i].key);
        write_counts(w, &s.by_month.items[i]);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_object_end(w);
    return YY_OK;
}
