/* api_stats.c - GET /api/v1/stats?from=&to=&street=: counts and rates for
 * the dashboard (DOMAIN.md §4, §5, §8).  Public: every figure is a count
 * over many records, by status, category, street or unit; nothing names or
 * counts a person.  Each figure is defined in docs/STATS.md; the rules are
 * domain/stats.c, the rows store/lists.c.
 *
 * An answer reads every record of the period (on a million concerns, about
 * a second), so it is kept for `serve --stats-ttl` seconds (default 60) in
 * app->stats_cache (api/ttl_cache.h) under its period and street: one
 * computation per period and street per TTL, however many dashboards ask;
 * its as_of says when the figures were taken. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/api_activity_stats.h"
#include "api/api_reception_stats.h"
#include "api/jsonio.h"
#include "api/ttl_cache.h"
#include "core/table.h"
#include "core/timeutil.h"
#include "domain/stats.h"
#include "store/lists.h"
#include "store/store.h"

/* ---- small tallies (a few streets, categories, units: linear search) ------------- */

struct tally {
    int64_t id;       /* street or unit id; 0 for none */
    const char *key;  /* category */
    const char *name; /* street or unit name */
    struct concern_counts concerns;
    int64_t count, solved, lead_count, co_count;
    struct handling_counts handling;
};

struct tallies {
    struct tally *items;
    size_t n, cap;
};

static struct tally *tally_by_id(struct arena *a, struct tallies *t, int64_t id, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].id == id)
            return &t->items[i];
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct tally *bigger = arena_calloc(a, cap, sizeof(*bigger));
        if (t->n)
            memcpy(bigger, t->items, t->n * sizeof(*bigger));
        t->items = bigger;
        t->cap = cap;
    }
    struct tally *x = &t->items[t->n++];
    x->id = id;
    x->name = name;
    return x;
}

static struct tally *tally_by_key(struct arena *a, struct tallies *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].key, key))
            return &t->items[i];
    struct tally *x = tally_by_id(a, t, -1 - (int64_t)t->n, NULL);
    x->key = key;
    return x;
}

static int by_id(const void *pa, const void *pb)
{
    const struct tally *a = pa, *b = pb;
    /* no street (id 0) last */
    if ((a->id == 0) != (b->id == 0))
        return a->id == 0 ? 1 : -1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Most first; ties by the bytes of the key, so both backends agree. */
static int by_count_then_key(const void *pa, const void *pb)
{
    const struct tally *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* ---- writing ------------------------------------------------------------------------ */

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
    jsonw_object_end(w);
}

static void write_day(struct jsonw *w, const char *key, int64_t day)
{
    char s[11];
    table_format_day(day, s);
    jsonw_key(w, key);
    jsonw_string(w, s);
}

/* The counts and rates of concern_counts, as members of an open object. */
static void write_concern_counts(struct jsonw *w, const struct concern_counts *c)
{
    struct concern_rates r;
    concern_rates_compute(c, &r);
    jsonw_member_int(w, "total", c->total);
    jsonw_member_int(w, "raised", c->raised);
    jsonw_member_int(w, "responded", c->responded);
    jsonw_member_int(w, "resolved", c->resolved);
    jsonw_member_int(w, "rated", c->rated);
    write_rate(w, "response_rate", r.response);
    write_rate(w, "resolution_rate", r.resolution);
    write_rate(w, "satisfaction_rate", r.satisfaction);
}

static void write_handling(struct jsonw *w, const struct handling_counts *h)
{
    struct handling_rates r;
    handling_rates_compute(h, &r);
    jsonw_member_int(w, "lead_assignments", h->assignments);
    jsonw_member_int(w, "replied", h->replied);
    jsonw_member_int(w, "due_or_replied", h->timed);
    jsonw_member_int(w, "replied_on_time", h->on_time);
    jsonw_member_int(w, "met_in_person", h->met);
    write_rate(w, "reply_rate", r.reply);
    write_rate(w, "on_time_rate", r.on_time);
    write_rate(w, "meeting_rate", r.meeting);
}

/* "by_status": {status: count, ...}, in the order of statuses. */
static void write_by_status(struct jsonw *w, const char *const *statuses, const int64_t *counts,
                            size_t n)
{
    jsonw_key(w, "by_status");
    jsonw_object_begin(w);
    for (size_t s = 0; s < n; s++)
        jsonw_member_int(w, statuses[s], counts[s]);
    jsonw_object_end(w);
}

/* "by_category": [{category, count, <solved_key>}], most first; the tally's
 * solved is written as solved_key. */
static void write_by_category(struct jsonw *w, struct tallies *cats, const char *solved_key)
{
    if (cats->n)
        qsort(cats->items, cats->n, sizeof(*cats->items), by_count_then_key);
    jsonw_key(w, "by_category");
    jsonw_array_begin(w);
    for (size_t i = 0; i < cats->n; i++) {
        jsonw_object_begin(w);
        jsonw_key(w, "category");
        jsonw_string(w, cats->items[i].key);
        jsonw_member_int(w, "count", cats->items[i].count);
        jsonw_member_int(w, solved_key, cats->items[i].solved);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

static const char *const concern_statuses[] = {
    "new",     "accepted",  "declined", "resolved_on_site", "referred",
    "claimed", "converted", "merged",   "resolved",
};

static const char *const suggestion_statuses[] = {
    "submitted", "accepted",   "returned_as_letter", "assigned", "in_handling", "replied",
    "evaluated", "rehandling", "following_up",       "closed",   "withdrawn",
};

/* ---- the handler --------------------------------------------------------------------- */

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

struct stats_rows {
    struct stats_concern_group *concerns;
    size_t n_concerns;
    struct stats_suggestion *suggestions;
    size_t n_suggestions;
    struct stats_street_count *streets;
    size_t n_streets;
    struct stats_assignment *assignments;
    size_t n_assignments;
    struct stats_pair_count *evaluations;
    size_t n_evaluations;
    struct stats_pair_count *ratings;
    size_t n_ratings;
    const char **classes;
};

static enum yy_err read_rows(struct request *req, const struct stats_query *q, struct stats_rows *r)
{
    struct db *db = api_app(req)->db;
    struct arena *a = req->arena;
    enum yy_err rc = store_stats_concerns(db, a, q, &r->concerns, &r->n_concerns, &req->err);
    if (rc == YY_OK)
        rc = store_stats_suggestions(db, a, q, &r->suggestions, &r->n_suggestions, &req->err);
    if (rc == YY_OK)
        rc = store_stats_suggestion_streets(db, a, q, &r->streets, &r->n_streets, &req->err);
    if (rc == YY_OK)
        rc = store_stats_assignments(db, a, q, &r->assignments, &r->n_assignments, &req->err);
    if (rc == YY_OK)
        rc = store_stats_evaluations(db, a, q, &r->evaluations, &r->n_evaluations, &req->err);
    if (rc == YY_OK)
        rc = store_stats_public_ratings(db, a, q, &r->ratings, &r->n_ratings, &req->err);
    if (rc == YY_OK)
        rc = store_stats_reply_classes(db, a, &r->classes, &req->err);
    return rc;
}

static void write_concerns(struct jsonw *w, struct arena *a, const struct stats_rows *r,
                           struct tallies *solved)
{
    struct concern_counts all = {0};
    struct tallies streets = {0}, cats = {0};
    int64_t by_status[sizeof(concern_statuses) / sizeof(concern_statuses[0])] = {0};
    for (size_t i = 0; i < r->n_concerns; i++) {
        const struct stats_concern_group *g = &r->concerns[i];
        concern_counts_add(&all, g->status, g->rating, g->n);
        concern_counts_add(&tally_by_id(a, &streets, g->street_id, g->street)->concerns, g->status,
                           g->rating, g->n);
        struct tally *c = tally_by_key(a, &cats, g->category);
        c->count += g->n;
        if (concern_status_resolved(g->status)) {
            c->solved += g->n;
            tally_by_key(a, solved, g->category)->count += g->n;
        }
        for (size_t s = 0; s < sizeof(concern_statuses) / sizeof(concern_statuses[0]); s++)
            if (!strcmp(g->status, concern_statuses[s]))
                by_status[s] += g->n;
    }

    jsonw_key(w, "concerns");
    jsonw_object_begin(w);
    write_concern_counts(w, &all);
    struct rating_counts ratings = {all.satisfied, all.basically_satisfied, all.dissatisfied};
    write_ratings(w, "ratings", &ratings);
    write_by_status(w, concern_statuses, by_status, sizeof(by_status) / sizeof(by_status[0]));
    write_by_category(w, &cats, "resolved");

    if (streets.n)
        qsort(streets.items, streets.n, sizeof(*streets.items), by_id);
    jsonw_key(w, "by_street");
    jsonw_array_begin(w);
    for (size_t i = 0; i < streets.n; i++) {
        const struct tally *t = &streets.items[i];
        jsonw_object_begin(w);
        jsonw_key(w, "street_id");
        if (t->id)
            jsonw_int(w, t->id);
        else
            jsonw_null(w);
        jsonw_key(w, "name");
        jsonw_string(w, t->id ? t->name : NULL);
        write_concern_counts(w, &t->concerns);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_object_end(w);
}

static size_t suggestion_index(const struct stats_rows *r, int64_t id)
{
    size_t lo = 0, hi = r->n_suggestions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->suggestions[mid].id == id)
            return mid;
        if (r->suggestions[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

static void write_suggestions(struct jsonw *w, struct arena *a, const struct stats_rows *r,
                              int64_t now, struct tallies *solved)
{
    size_t n_status = sizeof(suggestion_statuses) / sizeof(suggestion_statuses[0]);
    int64_t by_status[sizeof(suggestion_statuses) / sizeof(suggestion_statuses[0])] = {0};
    struct tallies cats = {0}, units = {0}, classes = {0};
    for (size_t i = 0; r->classes[i]; i++)
        tally_by_key(a, &classes, r->classes[i]);

    /* per suggestion: its active lead assignments, and those replied A */
    int64_t *leads = arena_calloc(a, r->n_suggestions + 1, sizeof(*leads));
    int64_t *leads_a = arena_calloc(a, r->n_suggestions + 1, sizeof(*leads_a));
    struct handling_counts handling = {0};
    for (size_t i = 0; i < r->n_assignments; i++) {
        const struct stats_assignment *x = &r->assignments[i];
        struct tally *u = tally_by_id(a, &units, x->unit_id, x->unit);
        if (!x->lead) {
            u->co_count++;
            continue;
        }
        u->lead_count++;
        handling_counts_add(&handling, x->replied_at, x->due_at, now, x->met_in_person);
        handling_counts_add(&u->handling, x->replied_at, x->due_at, now, x->met_in_person);
        if (x->replied_at && x->reply_class)
            tally_by_key(a, &classes, x->reply_class)->count++;
        size_t s = suggestion_index(r, x->suggestion_id);
        if (s != SIZE_MAX) {
            leads[s]++;
            if (x->replied_at && x->reply_class && !strcmp(x->reply_class, "A"))
                leads_a[s]++;
        }
    }
    for (size_t i = 0; i < r->n_suggestions; i++) {
        const struct stats_suggestion *s = &r->suggestions[i];
        for (size_t k = 0; k < n_status; k++)
            if (!strcmp(s->status, suggestion_statuses[k]))
                by_status[k]++;
        struct tally *c = tally_by_key(a, &cats, s->category);
        c->count++;
        if (leads[i] && leads_a[i] == leads[i]) {
            c->solved++;
            tally_by_key(a, solved, s->category)->solved++;
        }
    }

    jsonw_key(w, "suggestions");
    jsonw_object_begin(w);
    jsonw_member_int(w, "total", (int64_t)r->n_suggestions);
    write_by_status(w, suggestion_statuses, by_status, n_status);
    write_by_category(w, &cats, "solved");

    jsonw_key(w, "by_street");
    jsonw_array_begin(w);
    for (size_t i = 0; i < r->n_streets; i++) {
        jsonw_object_begin(w);
        jsonw_member_int(w, "street_id", r->streets[i].street_id);
        jsonw_key(w, "name");
        jsonw_string(w, r->streets[i].street);
        jsonw_member_int(w, "count", r->streets[i].n);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);

    if (units.n)
        qsort(units.items, units.n, sizeof(*units.items), by_id);
    jsonw_key(w, "by_unit");
    jsonw_array_begin(w);
    for (size_t i = 0; i < units.n; i++) {
        const struct tally *u = &units.items[i];
        jsonw_object_begin(w);
        jsonw_member_int(w, "unit_id", u->id);
        jsonw_key(w, "name");
        jsonw_string(w, u->name);
        jsonw_member_int(w, "assignments", u->lead_count + u->co_count);
        jsonw_member_int(w, "co_assignments", u->co_count);
        write_handling(w, &u->handling);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);

    jsonw_key(w, "handling");
    jsonw_object_begin(w);
    write_handling(w, &handling);
    jsonw_object_end(w);

    jsonw_key(w, "reply_classes");
    jsonw_array_begin(w);
    for (size_t i = 0; i < classes.n; i++) {
        const struct tally *c = &classes.items[i];
        jsonw_object_begin(w);
        jsonw_key(w, "class");
        jsonw_string(w, c->key);
        jsonw_key(w, "label");
        jsonw_string(w, reply_class_label_zh(c->key));
        jsonw_member_int(w, "count", c->count);
        write_rate(w, "share", stat_rate(c->count, handling.replied));
        jsonw_object_end(w);
    }
    jsonw_array_end(w);

    struct rating_counts attitude = {0}, result = {0}, public = {0};
    for (size_t i = 0; i < r->n_evaluations; i++) {
        rating_counts_add(&attitude, r->evaluations[i].a, r->evaluations[i].n);
        rating_counts_add(&result, r->evaluations[i].b, r->evaluations[i].n);
    }
    for (size_t i = 0; i < r->n_ratings; i++)
        rating_counts_add(&public, r->ratings[i].a, r->ratings[i].n);
    jsonw_key(w, "evaluations");
    jsonw_object_begin(w);
    jsonw_member_int(w, "evaluated", rating_counts_total(&result));
    write_ratings(w, "attitude", &attitude);
    write_ratings(w, "result", &result);
    write_rate(w, "attitude_satisfaction_rate", rating_satisfaction(&attitude));
    write_rate(w, "result_satisfaction_rate", rating_satisfaction(&result));
    jsonw_object_end(w);

    jsonw_key(w, "public_ratings");
    jsonw_object_begin(w);
    jsonw_member_int(w, "rated", rating_counts_total(&public));
    jsonw_member_int(w, "satisfied", public.satisfied);
    jsonw_member_int(w, "basically_satisfied", public.basically_satisfied);
    jsonw_member_int(w, "dissatisfied", public.dissatisfied);
    write_rate(w, "satisfaction_rate", rating_satisfaction(&public));
    jsonw_object_end(w);
    jsonw_object_end(w);
}

/* Concerns resolved and suggestions solved, per category: count holds the
 * concerns, solved the suggestions. */
static int by_total_then_key(const void *pa, const void *pb)
{
    const struct tally *a = pa, *b = pb;
    int64_t ta = a->count + a->solved, tb = b->count + b->solved;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return strcmp(a->key, b->key);
}

static void write_solved(struct jsonw *w, struct tallies *solved)
{
    if (solved->n)
        qsort(solved->items, solved->n, sizeof(*solved->items), by_total_then_key);
    jsonw_key(w, "solved_by_category");
    jsonw_array_begin(w);
    for (size_t i = 0; i < solved->n; i++) {
        const struct tally *t = &solved->items[i];
        jsonw_object_begin(w);
        jsonw_key(w, "category");
        jsonw_string(w, t->key);
        jsonw_member_int(w, "concerns", t->count);
        jsonw_member_int(w, "suggestions", t->solved);
        jsonw_member_int(w, "total", t->count + t->solved);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

/* One computation of the answer (ttl_cache_fetch calls it on a miss):
 * the rows read now, the figures as of now. */
struct stats_job {
    struct request *req;
    struct stats_query q;
};

static enum yy_err compute_stats(void *ctx, struct buf *out, struct yy_error *e)
{
    (void)e; /* the same as &job->req->err */
    const struct stats_job *job = ctx;
    struct request *req = job->req;
    const struct stats_query q = job->q;
    int64_t now = time_now();
    struct stats_rows rows;
    memset(&rows, 0, sizeof(rows));
    enum yy_err rc = read_rows(req, &q, &rows);
    if (rc != YY_OK)
        return rc;

    struct tallies solved = {0};
    char as_of[TIME_RFC3339_LEN];
    time_format_rfc3339(now, as_of);
    struct jsonw w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    write_day(&w, "from", q.from_day);
    write_day(&w, "to", q.to_day);
    jsonw_key(&w, "street_id");
    if (q.street_id)
        jsonw_int(&w, q.street_id);
    else
        jsonw_null(&w);
    jsonw_key(&w, "as_of");
    jsonw_string(&w, as_of);
    write_concerns(&w, req->arena, &rows, &solved);
    write_suggestions(&w, req->arena, &rows, now, &solved);
    write_solved(&w, &solved);
    rc = api_stats_write_activities(req, &w, q.from_day, q.to_day, q.street_id, now);
    if (rc != YY_OK)
        return rc;
    rc = api_stats_write_receptions(req, &w, q.from_day, q.to_day, q.street_id);
    if (rc != YY_OK)
        return rc;
    jsonw_object_end(&w);
    return jsonw_finish(&w);
}

static enum yy_err get_stats(struct request *req, struct response *res)
{
    int64_t now = time_now();
    struct stats_query q = {0};
    stats_year_days(stats_year_of(now), &q.from_day, &q.to_day);
    bool has_street = false;
    enum yy_err rc = query_day(req, "from", &q.from_day);
    if (rc == YY_OK)
        rc = query_day(req, "to", &q.to_day);
    if (rc == YY_OK)
        rc = query_int(req, "street", 1, INT64_MAX, &q.street_id, &has_street);
    if (rc != YY_OK)
        return rc;
    if (q.from_day > q.to_day)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_range", "开始日期不能晚于结束日期",
                       "from");
    if (has_street) {
        struct region reg;
        rc = store_region_get(api_app(req)->db, req->arena, q.street_id, &reg, &req->err);
        if (rc == YY_NOT_FOUND ||
            (rc == YY_OK && reg.kind != REGION_STREET && reg.kind != REGION_DEV_ZONE))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "街道不存在", "street");
        if (rc != YY_OK)
            return rc;
    }

    struct stats_job job = {req, q};
    bool hit;
    res->status = 200;
    res->content_type = "application/json; charset=utf-8";
    buf_reset(&res->body);
    (void)buf_reserve(&res->body, 16384); /* a hint */
    struct ttl_cache *cache = api_app(req)->stats_cache;
    const char *key = arena_printf(req->arena, "%lld:%lld:%lld", (long long)q.from_day,
                                   (long long)q.to_day, (long long)q.street_id);
    rc = ttl_cache_fetch(cache, key, ttl_cache_now_ms(), compute_stats, &job, &res->body, &hit,
                         &req->err);
    if (rc == YY_OK && cache)
        response_header(res, "X-Cache", hit ? "hit" : "miss");
    return rc;
}

enum yy_err api_stats_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/stats", get_stats, 0);
}

