/* api_record.c - GET /api/v1/deputies/{id}/record?from=&to=: the deputy's
 * work record (履职档案, issue 5 §6, docs/RECORD.md).  Counts over the period
 * and the newest items of each kind.  Admin and the deputy themself see
 * everything; everyone else the public view: counts, the activities and
 * receptions (public events), published suggestions - never a concern's
 * words and never residents' data.  Rules in domain/record.c, rows in
 * store/record.c. */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/table.h"
#include "core/timeutil.h"
#include "domain/record.h"
#include "domain/stats.h"
#include "store/lists.h"
#include "store/record.h"
#include "store/store.h"

/* key: s, a JSON string (NULL: null). */
static void write_text(struct jsonw *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_string(w, s);
}

/* key: id, or null for none (0). */
static void write_id(struct jsonw *w, const char *key, int64_t id)
{
    jsonw_key(w, key);
    if (id)
        jsonw_int(w, id);
    else
        jsonw_null(w);
}

static void write_time(struct jsonw *w, const char *key, int64_t t)
{
    jsonw_key(w, key);
    if (t)
        api_write_time(w, t);
    else
        jsonw_null(w);
}

static void write_day(struct jsonw *w, const char *key, int64_t day)
{
    char s[11];
    table_format_day(day, s);
    jsonw_key(w, key);
    jsonw_string(w, s);
}

static void write_rate(struct jsonw *w, const char *key, struct stat_rate r)
{
    jsonw_key(w, key);
    if (r.defined)
        jsonw_double(w, r.value);
    else
        jsonw_null(w);
}

static void write_ratings(struct jsonw *w, const char *key, const struct rating_counts *r)
{
    jsonw_key(w, key);
    jsonw_object_begin(w);
    jsonw_member_int(w, "satisfied", r->satisfied);
    jsonw_member_int(w, "basically_satisfied", r->basically_satisfied);
    jsonw_member_int(w, "dissatisfied", r->dissatisfied);
    write_rate(w, "satisfaction_rate", rating_satisfaction(r));
    jsonw_object_end(w);
}

static enum yy_err query_day(struct request *req, const char *key, int64_t *day)
{
    const char *v;
    enum yy_err rc = query_text(req, key, 16, &v);
    if (rc != YY_OK || !v)
        return rc;
    if (!stats_parse_date(v, day))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_date",
                       "日期须为 YYYY-MM-DD 格式的有效日期(2000—2100年)", key);
    return YY_OK;
}

static void write_summary(struct jsonw *w, const struct record_summary *s)
{
    jsonw_key(w, "summary");
    jsonw_object_begin(w);
    jsonw_member_int(w, "activities_attended", s->activities_attended);
    jsonw_member_int(w, "receptions_held", s->receptions_held);

    jsonw_key(w, "concerns");
    jsonw_object_begin(w);
    jsonw_member_int(w, "claimed", s->concerns_claimed);
    for (int o = 0; o < RCO_COUNT; o++)
        jsonw_member_int(w, record_concern_outcome_name((enum record_concern_outcome)o),
                         s->concerns_by_outcome[o]);
    write_rate(w, "resolution_rate", record_concern_resolution(s));
    write_ratings(w, "ratings", &s->concern_ratings);
    jsonw_object_end(w);

    jsonw_key(w, "suggestions");
    jsonw_object_begin(w);
    jsonw_member_int(w, "raised", s->suggestions_raised);
    jsonw_member_int(w, "cosigned", s->suggestions_cosigned);
    for (int o = 0; o < RSO_COUNT; o++)
        jsonw_member_int(w, record_suggestion_outcome_name((enum record_suggestion_outcome)o),
                         s->suggestions_by_outcome[o]);
    jsonw_member_int(w, "replies", s->replies);
    jsonw_key(w, "reply_classes");
    jsonw_array_begin(w);
    for (size_t i = 0; i < s->n_classes; i++) {
        jsonw_object_begin(w);
        write_text(w, "class", s->classes[i]);
        write_text(w, "label", reply_class_label_zh(s->classes[i]));
        jsonw_member_int(w, "count", s->class_counts[i]);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_key(w, "evaluations");
    jsonw_object_begin(w);
    jsonw_member_int(w, "evaluated", rating_counts_total(&s->result));
    write_ratings(w, "attitude", &s->attitude);
    write_ratings(w, "result", &s->result);
    jsonw_object_end(w);
    jsonw_object_end(w);
    jsonw_object_end(w);
}

static void write_activities(struct jsonw *w, const struct record_activity *x, size_t n)
{
    jsonw_key(w, "activities");
    jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(w);
        jsonw_member_int(w, "id", x[i].id);
        write_text(w, "kind", x[i].kind);
        write_text(w, "title", x[i].title);
        write_text(w, "status", x[i].status);
        write_time(w, "starts_at", x[i].starts_at);
        write_time(w, "ends_at", x[i].ends_at);
        write_id(w, "station_id", x[i].station_id);
        write_text(w, "place", x[i].station_name ? x[i].station_name : x[i].venue);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

static void write_receptions(struct jsonw *w, const struct record_reception *x, size_t n,
                             enum record_view view)
{
    jsonw_key(w, "receptions");
    jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        char day[11];
        table_format_day(x[i].day, day);
        jsonw_object_begin(w);
        jsonw_member_int(w, "id", x[i].id);
        jsonw_member_int(w, "station_id", x[i].station_id);
        write_text(w, "station_name", x[i].station_name);
        write_text(w, "date", day);
        jsonw_member_int(w, "residents_received", x[i].residents_received);
        jsonw_member_int(w, "concerns", x[i].concerns);
        if (view == RECORD_FULL) { /* what residents raised: not public */
            write_text(w, "summary", x[i].summary);
        }
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

static void write_concerns(struct jsonw *w, const struct record_concern *c, size_t n)
{
    jsonw_key(w, "concerns");
    jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(w);
        jsonw_member_int(w, "id", c[i].id);
        write_text(w, "title", c[i].title);
        write_text(w, "category", c[i].category);
        write_text(w, "status", c[i].status);
        write_text(w, "outcome",
                   record_concern_outcome_name(record_concern_outcome_of(c[i].status)));
        write_time(w, "claimed_at", c[i].claimed_at);
        write_time(w, "resolved_at", c[i].resolved_at);
        write_text(w, "rating", c[i].rating);
        write_id(w, "suggestion_id", c[i].suggestion_id);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

static void write_suggestions(struct jsonw *w, const struct record_suggestion *s, size_t n)
{
    jsonw_key(w, "suggestions");
    jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(w);
        jsonw_member_int(w, "id", s[i].id);
        write_text(w, "title", s[i].title);
        write_text(w, "category", s[i].category);
        write_text(w, "role", s[i].author ? "author" : "cosigner");
        write_text(w, "status", s[i].status);
        write_text(w, "outcome",
                   record_suggestion_outcome_name(record_suggestion_outcome_of(s[i].status)));
        jsonw_key(w, "published");
        jsonw_bool(w, s[i].published);
        jsonw_key(w, "key");
        jsonw_bool(w, s[i].key);
        write_time(w, "submitted_at", s[i].submitted_at);
        write_time(w, "replied_at", s[i].replied_at);
        jsonw_key(w, "reply_classes");
        jsonw_array_begin(w);
        for (size_t k = 0; k < s[i].n_reply_classes; k++)
            jsonw_string(w, s[i].reply_classes[k]);
        jsonw_array_end(w);
        jsonw_key(w, "evaluation");
        if (s[i].result) {
            jsonw_object_begin(w);
            write_text(w, "attitude", s[i].attitude);
            write_text(w, "result", s[i].result);
            jsonw_object_end(w);
        } else {
            jsonw_null(w);
        }
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

static void write_bool(struct jsonw *w, const char *key, bool v)
{
    jsonw_key(w, key);
    jsonw_bool(w, v);
}

/* Lists are read with one row past RECORD_LIST_MAX: whether there was one
 * (the list was cut), the list then shortened to the cap. */
static bool cut_list(size_t *n)
{
    if (*n <= RECORD_LIST_MAX)
        return false;
    *n = RECORD_LIST_MAX;
    return true;
}

static enum yy_err get_record(struct request *req, struct response *res)
{
    struct db *db = api_app(req)->db;
    struct arena *a = req->arena;
    int64_t id;
    enum yy_err rc = path_id(req, &id);
    if (rc != YY_OK)
        return rc;
    int64_t now = time_now(), from_day, to_day;
    stats_year_days(stats_year_of(now), &from_day, &to_day);
    rc = query_day(req, "from", &from_day);
    if (rc == YY_OK)
        rc = query_day(req, "to", &to_day);
    if (rc != YY_OK)
        return rc;
    if (from_day > to_day)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_range", "开始日期不能晚于结束日期",
                       "from");
    struct deputy d;
    rc = store_deputy_get(db, a, id, &d, &req->err);
    if (rc != YY_OK)
        return rc;

    const struct caller *c = api_caller(req);
    enum record_view view = record_view_for(c->via == AUTH_NONE ? NULL : &c->user, id);
    struct record_period p = {.deputy_id = id,
                              .from = stats_day_start(from_day),
                              .to = stats_day_start(to_day + 1),
                              .from_day = from_day,
                              .to_day = to_day};

    const char **classes = NULL;
    struct record_summary sum;
    rc = store_stats_reply_classes(db, a, &classes, &req->err);
    if (rc != YY_OK)
        return rc;
    record_summary_init(&sum, classes);
    rc = store_record_counts(db, a, &p, &sum, &req->err);

    struct record_activity *acts = NULL;
    struct record_concern *concerns = NULL;
    struct record_suggestion *sugs = NULL;
    struct record_reception *recs = NULL;
    size_t n_acts = 0, n_concerns = 0, n_sugs = 0, n_recs = 0;
    if (rc == YY_OK)
        rc = store_record_activities(db, a, &p, RECORD_LIST_MAX + 1, &acts, &n_acts, &req->err);
    if (rc == YY_OK)
        rc = store_record_receptions(db, a, &p, RECORD_LIST_MAX + 1, &recs, &n_recs, &req->err);
    if (rc == YY_OK && record_concerns_listed(view))
        rc = store_record_concerns(db, a, &p, RECORD_LIST_MAX + 1, &concerns, &n_concerns,
                                   &req->err);
    if (rc == YY_OK)
        rc = store_record_suggestions(db, a, &p, !record_suggestion_listed(view, false),
                                      RECORD_LIST_MAX + 1, &sugs, &n_sugs, &req->err);
    if (rc != YY_OK)
        return rc;
    /* one row past the cap read: a list that has it was cut */
    bool cut_acts = cut_list(&n_acts), cut_recs = cut_list(&n_recs),
         cut_concerns = cut_list(&n_concerns), cut_sugs = cut_list(&n_sugs);

    struct jsonw w;
    api_reply_begin(res, 200, 8192, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "deputy");
    jsonw_object_begin(&w);
    jsonw_member_int(&w, "id", d.id);
    write_text(&w, "name", d.name);
    jsonw_object_end(&w);
    write_day(&w, "from", from_day);
    write_day(&w, "to", to_day);
    write_text(&w, "view", record_view_name(view));
    write_summary(&w, &sum);
    write_activities(&w, acts, n_acts);
    write_receptions(&w, recs, n_recs, view);
    if (record_concerns_listed(view))
        write_concerns(&w, concerns, n_concerns);
    write_suggestions(&w, sugs, n_sugs);
    jsonw_member_int(&w, "list_max", RECORD_LIST_MAX);
    jsonw_key(&w, "truncated");
    jsonw_object_begin(&w);
    write_bool(&w, "activities", cut_acts);
    write_bool(&w, "receptions", cut_recs);
    if (record_concerns_listed(view))
        write_bool(&w, "concerns", cut_concerns);
    write_bool(&w, "suggestions", cut_sugs);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    return api_reply_end(&w);
}

enum yy_err api_record_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/deputies/{id}/record", get_record, 0);
}
