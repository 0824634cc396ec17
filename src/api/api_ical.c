/* api_ical.c - the iCalendar feeds (issue 5 §5, docs/ICAL.md):
 *
 *   GET /api/v1/activities.ics                 every public activity
 *   GET /api/v1/stations/{id}/activities.ics   a station's activities and reception days
 *   GET /api/v1/deputies/{id}/activities.ics   a deputy's activities and reception duty
 *
 * Public: activities published, closed or cancelled (a cancelled one stays,
 * STATUS:CANCELLED, so subscribed calendars drop it), never drafts; no
 * personal data (no registrations, no residents).  A window of
 * FEED_DAYS_BACK days back to FEED_DAYS_AHEAD ahead.  Every event has a UID
 * that never changes (activity-ID@youyue, reception-STATION-DAY@youyue),
 * times in Asia/Shanghai, and a SEQUENCE that rises with every change.  The
 * bytes depend only on the data and the window, so the ETag holds while
 * nothing changes and If-None-Match answers 304. */
#include <string.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/jsonio.h"
#include "core/ical.h"
#include "core/timeutil.h"
#include "domain/activity.h"
#include "domain/stats.h"
#include "store/feed.h"
#include "store/reception.h"
#include "store/store.h"

#define FEED_DAYS_BACK 90
#define FEED_DAYS_AHEAD 365
#define FEED_CONTENT_TYPE "text/calendar; charset=utf-8"

/* The base of the links in the feed, from the Host the client used; none when
 * the header is missing or holds anything but a host name or address and a
 * port. */
static const char *link_base(struct request *req)
{
    const char *host = request_header(req, "Host");
    if (!host || !*host || strlen(host) > 255)
        return NULL;
    for (const char *p = host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']'))
            return NULL;
    return arena_printf(req->arena, "%s://%s", req->https ? "https" : "http", host);
}

static const char *kind_label(const char *kind)
{
    enum act_kind k;
    return act_kind_from_name(kind, &k) ? act_kind_label_zh(k) : NULL;
}

static const char *status_label(const char *status)
{
    if (!strcmp(status, "cancelled"))
        return "已取消";
    if (!strcmp(status, "closed"))
        return "已结束";
    return "报名中";
}

static enum yy_err write_activity(struct request *req, struct buf *out, const char *base,
                                  const struct feed_activity *x)
{
    struct arena *a = req->arena;
    const char *label = kind_label(x->kind);
    struct ical_event ev = {
        .uid = arena_printf(a, "activity-%lld@youyue", (long long)x->id),
        .starts_at = x->starts_at,
        .ends_at = x->ends_at,
        .stamp = x->updated_at,
        .last_modified = x->updated_at,
        .sequence = x->revision,
        .status = strcmp(x->status, "cancelled") ? ICAL_CONFIRMED : ICAL_CANCELLED,
        .summary = label ? arena_printf(a, "约您%s:%s", label, x->title) : x->title,
        .categories = label ? arena_printf(a, "约您%s", label) : NULL,
    };
    if (x->station_name)
        ev.location = x->station_address && *x->station_address
                          ? arena_printf(a, "%s(%s)", x->station_name, x->station_address)
                          : x->station_name;
    else
        ev.location = x->venue;
    const char *desc = arena_printf(a, "状态:%s", status_label(x->status));
    if (x->theme && *x->theme)
        desc = arena_printf(a, "%s\n主题:%s", desc, x->theme);
    if (!strcmp(x->status, "cancelled") && x->cancel_reason && *x->cancel_reason)
        desc = arena_printf(a, "%s\n取消原因:%s", desc, x->cancel_reason);
    ev.description = desc;
    if (base)
        ev.url = arena_printf(a, "%s/api/v1/activities/%lld", base, (long long)x->id);
    return ical_event(out, &ev);
}

/* What a reception day's event needs of its station, looked up once per
 * station of the feed. */
struct station_info {
    int64_t id;
    const char *name, *address;
    int64_t revision, last_modified;
};

static enum yy_err station_info(struct request *req, struct station_info *cache, size_t *n,
                                int64_t id, const struct station_info **out)
{
    for (size_t i = 0; i < *n; i++)
        if (cache[i].id == id) {
            *out = &cache[i];
            return YY_OK;
        }
    struct db *db = api_app(req)->db;
    struct station s;
    struct station_info *x = &cache[*n];
    enum yy_err rc = store_station_get(db, req->arena, id, &s, &req->err);
    if (rc == YY_OK)
        rc = store_feed_reception_revision(db, id, &x->revision, &x->last_modified, &req->err);
    if (rc != YY_OK)
        return rc;
    x->id = id;
    x->name = s.name;
    x->address = s.address;
    (*n)++;
    *out = x;
    return YY_OK;
}

static enum yy_err write_reception(struct request *req, struct buf *out, const char *base,
                                   const struct station_info *st, const struct reception_day *d)
{
    struct arena *a = req->arena;
    char nominal[11], day[11];
    reception_format_date(d->occ.nominal_day, nominal);
    reception_format_date(d->occ.day, day);
    char uid_day[9] = {nominal[0], nominal[1], nominal[2], nominal[3], nominal[5],
                       nominal[6], nominal[8], nominal[9], 0};
    const char *desc = "值班代表:";
    for (size_t i = 0; i < d->n_deputies; i++)
        desc = arena_printf(a, "%s%s%s", desc, i ? "、" : "", d->deputies[i].name);
    if (!d->n_deputies)
        desc = arena_printf(a, "%s待定", desc);
    if (d->occ.day != d->occ.nominal_day)
        desc = arena_printf(a, "%s\n原定 %s,因节假日调整", desc, nominal);
    if (d->occ.provisional)
        desc = arena_printf(a, "%s\n该年度节假日安排未发布,日期以届时通知为准", desc);
    /* a schedule never changed since the audit trail began: its own time */
    int64_t modified = st->last_modified ? st->last_modified : d->occ.starts_at;
    struct ical_event ev = {
        .uid = arena_printf(a, "reception-%lld-%s@youyue", (long long)st->id, uid_day),
        .starts_at = d->occ.starts_at,
        .ends_at = d->occ.ends_at,
        .stamp = modified,
        .last_modified = st->last_modified,
        .sequence = st->revision,
        .status = d->occ.provisional ? ICAL_TENTATIVE : ICAL_CONFIRMED,
        .summary = arena_printf(a, "代表接待日:%s", st->name),
        .location = st->address && *st->address ? arena_printf(a, "%s(%s)", st->name, st->address)
                                                : st->name,
        .description = desc,
        .categories = "代表接待日",
    };
    if (base)
        ev.url = arena_printf(a, "%s/api/v1/stations/%lld/reception-days/%s", base,
                              (long long)st->id, day);
    return ical_event(out, &ev);
}

/* The reception days of the station, or of the deputy's duty, from
 * from_day to to_day, asked for in pieces the store accepts. */
static enum yy_err write_receptions(struct request *req, struct buf *out, const char *base,
                                    int64_t station_id, int64_t deputy_id, int64_t from_day,
                                    int64_t to_day)
{
    struct app *app = api_app(req);
    struct station_info *cache = NULL;
    size_t n_cache = 0, cap = 0;
    for (int64_t lo = from_day; lo <= to_day; lo += RC_RANGE_MAX_DAYS + 1) {
        int64_t hi = lo + RC_RANGE_MAX_DAYS;
        if (hi > to_day)
            hi = to_day;
        struct reception_day *days;
        size_t n;
        enum yy_err rc =
            station_id ? store_reception_days(app->db, req->arena, app->calendar, station_id, lo,
                                              hi, NULL, &days, &n, &req->err)
                       : store_reception_days_of_deputy(app->db, req->arena, app->calendar,
                                                        deputy_id, lo, hi, &days, &n, &req->err);
        if (rc != YY_OK)
            return rc;
        if (n_cache + n > cap) { /* at most one new station per day */
            size_t bigger = cap + n + 4;
            struct station_info *c = arena_calloc(req->arena, bigger, sizeof(*c));
            if (n_cache)
                memcpy(c, cache, n_cache * sizeof(*c));
            cache = c;
            cap = bigger;
        }
        for (size_t i = 0; i < n; i++) {
            const struct station_info *st;
            rc = station_info(req, cache, &n_cache, days[i].station_id, &st);
            if (rc == YY_OK)
                rc = write_reception(req, out, base, st, &days[i]);
            if (rc != YY_OK)
                return rc;
        }
    }
    return YY_OK;
}

/* station_id / deputy_id: 0 for none (the all-activities feed). */
static enum yy_err write_feed(struct request *req, struct response *res, const char *name,
                              int64_t station_id, int64_t deputy_id)
{
    struct db *db = api_app(req)->db;
    int64_t today = stats_day_of(time_now());
    struct feed_filter f = {.station_id = station_id,
                            .deputy_id = deputy_id,
                            .from = stats_day_start(today - FEED_DAYS_BACK),
                            .to = stats_day_start(today + FEED_DAYS_AHEAD + 1)};
    struct feed_activity *acts;
    size_t n;
    enum yy_err rc = store_feed_activities(db, req->arena, &f, &acts, &n, &req->err);
    if (rc != YY_OK)
        return rc;

    const char *base = link_base(req);
    struct buf *out = &res->body;
    buf_reset(out);
    rc = buf_reserve(out, 1024 + n * 900);
    if (rc == YY_OK)
        rc = ical_begin(out, name);
    for (size_t i = 0; rc == YY_OK && i < n; i++)
        rc = write_activity(req, out, base, &acts[i]);
    if (rc == YY_OK && (station_id || deputy_id))
        rc = write_receptions(req, out, base, station_id, deputy_id, today - FEED_DAYS_BACK,
                              today + FEED_DAYS_AHEAD);
    if (rc == YY_OK)
        rc = ical_end(out);
    if (rc != YY_OK) /* the store's failures say what they are; the writer's do not */
        return req->err.code ? rc
                             : yy_fail(&req->err, rc, err_default_code(rc),
                                       err_default_message(rc), NULL);
    res->status = 200;
    res->content_type = FEED_CONTENT_TYPE;
    return YY_OK;
}

static enum yy_err get_all(struct request *req, struct response *res)
{
    return write_feed(req, res, "有约·代表活动", 0, 0);
}

static enum yy_err get_station_feed(struct request *req, struct response *res)
{
    int64_t id;
    struct station s;
    enum yy_err rc = path_id(req, &id);
    if (rc == YY_OK)
        rc = store_station_get(api_app(req)->db, req->arena, id, &s, &req->err);
    if (rc != YY_OK)
        return rc;
    return write_feed(req, res, arena_printf(req->arena, "有约·%s", s.name), id, 0);
}

static enum yy_err get_deputy_feed(struct request *req, struct response *res)
{
    int64_t id;
    struct deputy d;
    enum yy_err rc = path_id(req, &id);
    if (rc == YY_OK)
        rc = store_deputy_get(api_app(req)->db, req->arena, id, &d, &req->err);
    if (rc != YY_OK)
        return rc;
    return write_feed(req, res, arena_printf(req->arena, "有约·%s代表", d.name), 0, id);
}

/* Not shared between callers (the window moves with the date, the links
 * with the Host), but tagged: a client that has the current feed gets 304. */
static enum yy_err get_all_tagged(struct request *req, struct response *res)
{
    return api_cached(req, res, get_all, false);
}

static enum yy_err get_station_tagged(struct request *req, struct response *res)
{
    return api_cached(req, res, get_station_feed, false);
}

static enum yy_err get_deputy_tagged(struct request *req, struct response *res)
{
    return api_cached(req, res, get_deputy_feed, false);
}

enum yy_err api_ical_routes(struct router *r)
{
    enum yy_err rc = router_add(r, "GET", "/api/v1/activities.ics", get_all_tagged, 0);
    if (rc == YY_OK)
        rc = router_add(r, "GET", "/api/v1/stations/{id}/activities.ics", get_station_tagged, 0);
    if (rc == YY_OK)
        rc = router_add(r, "GET", "/api/v1/deputies/{id}/activities.ics", get_deputy_tagged, 0);
    return rc;
}
