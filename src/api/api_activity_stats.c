/* api_activity_stats.c - the "activities" section of GET /api/v1/stats; see
 * api_activity_stats.h.  Public: counts of activities, deputies' attendances
 * and residents' check-ins; no person is named or counted alone.  Rules in
 * domain/activity_stats.c, rows in store/activity_stats.c. */
#include "api/api_activity_stats.h"

#include "api/api.h"
#include "domain/activity.h"
#include "domain/activity_stats.h"
#include "domain/stats.h"
#include "store/activity_stats.h"

static void write_counts(struct jsonw *w, const struct act_stats_group *g)
{
    jsonw_member_int(w, "held", g->held);
    jsonw_member_int(w, "deputy_attendances", g->attendances);
    jsonw_member_int(w, "residents_checked_in", g->checked_in);
}

static void write_groups(struct jsonw *w, const char *key, const char *id_key,
                         const struct act_stats_groups *g)
{
    jsonw_key(w, key);
    jsonw_array_begin(w);
    for (size_t i = 0; i < g->n; i++) {
        const struct act_stats_group *x = &g->items[i];
        jsonw_object_begin(w);
        jsonw_key(w, id_key);
        if (x->id)
            jsonw_int(w, x->id);
        else
            jsonw_null(w);
        jsonw_key(w, "name");
        jsonw_string(w, x->name);
        write_counts(w, x);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

enum yy_err api_stats_write_activities(struct request *req, struct jsonw *w, int64_t from_day,
                                       int64_t to_day, int64_t street_id, int64_t now)
{
    struct db *db = api_app(req)->db;
    int64_t from = stats_day_start(from_day), to = stats_day_start(to_day + 1);
    struct act_stats_row *rows;
    size_t n;
    int64_t deputies = 0, raised = 0, resolved = 0;
    enum yy_err rc = store_activity_stats_rows(db, req->arena, from, to, street_id, &rows, &n,
                                               &req->err);
    if (rc == YY_OK)
        rc = store_activity_stats_deputies(db, from, to, street_id, now, &deputies, &req->err);
    if (rc == YY_OK)
        rc = store_activity_stats_concerns(db, from, to, street_id, &raised, &resolved,
                                           &req->err);
    if (rc != YY_OK)
        return rc;
    struct act_stats s;
    act_stats_compute(req->arena, rows, n, now, &s);

    jsonw_key(w, "activities");
    jsonw_object_begin(w);
    jsonw_member_int(w, "held", s.held);
    jsonw_member_int(w, "upcoming", s.upcoming);
    jsonw_member_int(w, "cancelled", s.cancelled);
    jsonw_member_int(w, "deputy_attendances", s.attendances);
    jsonw_member_int(w, "deputies_attending", deputies);
    jsonw_member_int(w, "residents_checked_in", s.checked_in);
    jsonw_key(w, "concerns_raised");
    jsonw_object_begin(w);
    jsonw_member_int(w, "raised", raised);
    jsonw_member_int(w, "resolved", resolved);
    jsonw_object_end(w);

    jsonw_key(w, "by_kind");
    jsonw_array_begin(w);
    for (size_t k = 0; k < ACT_STATS_KINDS; k++) {
        const struct act_stats_group *g = &s.by_kind[k];
        enum act_kind kind;
        jsonw_object_begin(w);
        jsonw_key(w, "kind");
        jsonw_string(w, g->key);
        jsonw_key(w, "label");
        jsonw_string(w, act_kind_from_name(g->key, &kind) ? act_kind_label_zh(kind) : NULL);
        write_counts(w, g);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
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
