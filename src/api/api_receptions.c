/* api_receptions.c - reception days (接待日, DOMAIN.md §2-§3, issue 5 item 4;
 * docs/RECEPTIONS.md): a station's schedule and duty rota, its reception days
 * with the deputies on duty and free places, bookings by residents (with or
 * without a login), cancellation by booking code, walk-ins and the reception
 * record (接待记录) with the concerns raised there.
 *
 * Reading the schedule and the reception days is public (deputies' public
 * fields only, never residents' names or phones).  Writing is for staff of
 * the station: admin, street_staff of its street, community_staff of its
 * community (403 for anyone else: stations are public, so visible).  Every
 * write is one transaction with its audit entry.  Bookings lock the
 * station's row first, so the count of places and the insert cannot
 * interleave with another booking on any backend. */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "domain/concern.h"
#include "domain/reception.h"
#include "store/concern.h"
#include "store/reception.h"
#include "store/remind.h"
#include "store/store.h"

#define SUMMARY_MAX 5000
#define NOTE_MAX 500
#define DEFAULT_RANGE_DAYS 92 /* from today, when ?to= is absent */
#define PER_DAY_MAX 10

/* ---- helpers ----------------------------------------------------------------------- */

static json_t *jdate(int64_t day)
{
    char s[11];
    reception_format_date(day, s);
    return json_string(s);
}

static json_t *jhm(int minute)
{
    char s[6];
    reception_format_hm(minute, s);
    return json_string(s);
}

static int64_t today(void)
{
    return day_of(time_now());
}

static const struct calendar *calendar_of(struct request *req)
{
    return api_app(req)->calendar; /* NULL: weekends only, every day provisional */
}

/* The station of the path, or 404. */
static enum yy_err path_station(struct request *req, struct station *s)
{
    int64_t id;
    STORE(path_id(req, &id));
    return store_station_get(api_app(req)->db, req->arena, id, s, &req->err);
}

/* The date of the path: 400 when malformed. */
static enum yy_err path_date(struct request *req, int64_t *day)
{
    if (!reception_parse_date(request_param(req, "date"), day))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_date", "日期须为 YYYY-MM-DD", "date");
    return YY_OK;
}

/* Staff of the station: admin, street_staff of its street, community_staff
 * of its community.  *as is the role acted in. */
static enum yy_err require_station_staff(struct request *req, const struct station *s,
                                         const char **as)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const struct user *u = &c->user;
    if (user_has_role(u, ROLE_ADMIN)) {
        *as = "admin";
        return YY_OK;
    }
    if (user_has_scoped_role(u, ROLE_STREET_STAFF, s->street_id)) {
        *as = "street_staff";
        return YY_OK;
    }
    if (s->community_id && user_has_scoped_role(u, ROLE_COMMUNITY_STAFF, s->community_id)) {
        *as = "community_staff";
        return YY_OK;
    }
    return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限管理该站点的接待日", NULL);
}

/* A list of deputy ids in body[key]: positive, distinct, existing, at most
 * RECEPTION_ROTA_MAX.  Absent: *n = 0 (an error when required). */
static enum yy_err read_deputy_ids(struct request *req, json_t *body, const char *key,
                                   bool required, int64_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *arr = json_object_get(body, key);
    if (!arr || json_is_null(arr)) {
        if (required)
            return yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "缺少必填项", key);
        return YY_OK;
    }
    if (!json_is_array(arr) || json_array_size(arr) > RECEPTION_ROTA_MAX)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_deputy_ids",
                       "代表须为代表编号的列表(最多50人)", key);
    size_t m = json_array_size(arr);
    int64_t *ids = arena_calloc(req->arena, m ? m : 1, sizeof(*ids));
    for (size_t i = 0; i < m; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_deputy_ids", "代表编号不正确", key);
        ids[i] = json_integer_value(v);
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i])
                return yy_fail(&req->err, YY_BAD_INPUT, "duplicate_deputy", "代表重复", key);
        struct deputy d;
        enum yy_err rc = store_deputy_get(api_app(req)->db, req->arena, ids[i], &d, &req->err);
        if (rc == YY_NOT_FOUND)
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_deputy", "代表不存在", key);
        STORE(rc);
    }
    *out = ids;
    *n = m;
    return YY_OK;
}

static json_t *deputies_json(const struct reception_deputy *d, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s}", "id", (json_int_t)d[i].id, "name",
                                             d[i].name ? d[i].name : ""));
    return arr;
}

/* A reception day as the public sees it, by the version of the schedule
 * that governs it (p when the day does not say). */
static json_t *day_json(const struct reception_plan *p, const struct reception_day *d)
{
    if (d->plan)
        p = d->plan;
    json_t *slots = json_array();
    int free_total = 0;
    for (size_t i = 0; i < d->n_slots; i++) {
        int minute = p->s.start_minute + (int)i * p->s.slot_minutes;
        int free = p->s.places - d->booked[i];
        if (free < 0)
            free = 0;
        free_total += free;
        json_array_append_new(
            slots,
            json_pack("{s:o, s:o, s:o, s:i, s:i, s:i}", "start", jhm(minute), "starts_at",
                      json_time(day_start(d->occ.day) + (int64_t)minute * 60), "ends_at",
                      json_time(day_start(d->occ.day) + (int64_t)(minute + p->s.slot_minutes) * 60),
                      "places", p->s.places, "booked", d->booked[i], "free", free));
    }
    return json_pack("{s:I, s:o, s:o, s:b, s:b, s:o, s:o, s:o, s:s, s:o, s:i, s:i}", "station_id",
                     (json_int_t)d->station_id, "date", jdate(d->occ.day), "nominal_date",
                     jdate(d->occ.nominal_day), "moved", d->occ.day != d->occ.nominal_day,
                     "provisional", d->occ.provisional, "starts_at", json_time(d->occ.starts_at),
                     "ends_at", json_time(d->occ.ends_at), "deputies",
                     deputies_json(d->deputies, d->n_deputies), "duty",
                     d->explicit_duty ? "assigned" : (d->n_deputies ? "rota" : "none"), "slots",
                     slots, "free_places", free_total, "walk_ins", d->walk_ins);
}

/* The one reception day of the path's date; 404 when the date is none. */
static enum yy_err load_day(struct request *req, const struct station *s, int64_t day,
                            struct reception_plan *p, struct reception_day *out)
{
    struct reception_day *days;
    size_t n;
    STORE(store_reception_days(api_app(req)->db, req->arena, calendar_of(req), s->id, day, day, p,
                               &days, &n, &req->err));
    if (n != 1)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_a_reception_day", "该日不是本站的接待日",
                       "date");
    *out = days[0];
    if (days[0].plan) /* its slots and places are those of the version governing it */
        *p = *days[0].plan;
    return YY_OK;
}

/* ---- the schedule ------------------------------------------------------------------- */

static json_t *plan_json(struct request *req, const struct reception_plan *p)
{
    json_t *months = json_array();
    for (unsigned m = 1; m <= 12; m++)
        if (p->s.months == RC_MONTHS_LIST && (p->s.month_mask >> m) & 1u)
            json_array_append_new(months, json_integer(m));
    json_t *rota = json_array();
    for (size_t i = 0; i < p->n_rota; i++) {
        struct deputy d;
        const char *name = "";
        if (store_deputy_get(api_app(req)->db, req->arena, p->rota[i], &d, NULL) == YY_OK)
            name = d.name;
        json_array_append_new(rota,
                              json_pack("{s:I, s:s}", "id", (json_int_t)p->rota[i], "name", name));
    }
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:i, s:s, s:b, s:o, s:i, s:o, s:o}", "station_id",
        (json_int_t)p->station_id, "day_kind", rc_day_kind_name(p->s.day_kind), "months",
        rc_months_name(p->s.months), "month_list", months, "start", jhm(p->s.start_minute), "end",
        jhm(p->s.end_minute), "on_day_off", rc_day_off_name(p->s.day_off), "slot_minutes",
        p->s.slot_minutes, "missing_day", rc_missing_day_name(p->s.missing_day), "active",
        p->active, "rota", rota, "rota_per_day", p->per_day, "rota_from", jdate(p->rota_from),
        "updated_at", json_time(p->updated_at));
    json_object_set_new(o, "places", json_integer(p->s.places));
    json_object_set_new(o, "effective_from", p->effective_from ? jdate(p->effective_from) : json_null());
    switch (p->s.day_kind) {
    case RC_DAY_OF_MONTH:
        json_object_set_new(o, "day", json_integer(p->s.day));
        break;
    case RC_NTH_WEEKDAY:
        json_object_set_new(o, "nth", json_integer(p->s.nth));
        json_object_set_new(o, "weekday", json_integer(p->s.weekday));
        break;
    case RC_WEEKLY:
        json_object_set_new(o, "weekday", json_integer(p->s.weekday));
        break;
    }
    return o;
}

static enum yy_err get_schedule(struct request *req, struct response *res)
{
    struct station s;
    STORE(path_station(req, &s));
    struct reception_plan p;
    enum yy_err rc = store_reception_plan_get(api_app(req)->db, req->arena, s.id, &p, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "no_schedule", "该站点尚未设置接待日安排", NULL);
    STORE(rc);
    return api_reply(res, 200, plan_json(req, &p));
}

static enum yy_err read_name(struct request *req, json_t *body, const char *key, bool required,
                             const char *const *names, size_t n, int *out, const char *msg)
{
    const char *v;
    bool present;
    STORE(json_get_text(req, body, key, required, 32, false, &v, &present));
    if (!present)
        return YY_OK;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v, names[i])) {
            *out = (int)i;
            return YY_OK;
        }
    }
    return yy_fail(&req->err, YY_BAD_INPUT, "invalid_value", msg, key);
}

static enum yy_err read_hm_field(struct request *req, json_t *body, const char *key, int *out)
{
    const char *v;
    STORE(json_get_text(req, body, key, true, 5, false, &v, NULL));
    if (!reception_parse_hm(v, out))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_time", "时间须为 HH:MM", key);
    return YY_OK;
}

static enum yy_err plan_read(struct request *req, json_t *body, struct reception_plan *p)
{
    static const char *const allowed[] = {
        "day_kind",   "day",         "nth",    "weekday",         "months",
        "month_list", "start",       "end",    "slot_minutes",    "places",
        "on_day_off", "missing_day", "active", "rota_deputy_ids", "rota_per_day",
        "rota_from",  NULL};
    STORE(json_only_fields(body, allowed, &req->err));
    reception_schedule_default(&p->s);
    static const char *const kinds[] = {"day_of_month", "nth_weekday", "weekly"};
    static const char *const months[] = {"all", "odd", "even", "list"};
    static const char *const offs[] = {"next", "previous", "skip"};
    static const char *const missing[] = {"last_day", "skip"};
    int v = 0;
    STORE(read_name(req, body, "day_kind", true, kinds, 3, &v,
                    "接待日类型须为 day_of_month、nth_weekday 或 weekly"));
    p->s.day_kind = (enum rc_day_kind)v;
    int64_t x;
    bool present;
    if (p->s.day_kind == RC_DAY_OF_MONTH) {
        STORE(json_get_int(req, body, "day", true, 1, 31, &x, NULL));
        p->s.day = (int)x;
    } else {
        if (p->s.day_kind == RC_NTH_WEEKDAY) {
            STORE(json_get_int(req, body, "nth", true, -1, 4, &x, NULL));
            if (x == 0)
                return yy_fail(&req->err, YY_BAD_INPUT, "invalid_nth",
                               "第几个须为1至4,或-1表示最后一个", "nth");
            p->s.nth = (int)x;
        }
        STORE(json_get_int(req, body, "weekday", true, 1, 7, &x, NULL));
        p->s.weekday = (int)x;
    }
    v = 0;
    STORE(read_name(req, body, "months", false, months, 4, &v, "月份须为 all、odd、even 或 list"));
    p->s.months = (enum rc_months)v;
    json_t *list = json_object_get(body, "month_list");
    if (p->s.months == RC_MONTHS_LIST) {
        if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 12)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_months", "请列出1至12之间的月份",
                           "month_list");
        for (size_t i = 0; i < json_array_size(list); i++) {
            json_t *m = json_array_get(list, i);
            if (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 12)
                return yy_fail(&req->err, YY_BAD_INPUT, "invalid_months", "请列出1至12之间的月份",
                               "month_list");
            p->s.month_mask |= 1u << json_integer_value(m);
        }
    } else if (list && !json_is_null(list)) {
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_months",
                       "只有 months 为 list 时才可列出月份", "month_list");
    }
    STORE(read_hm_field(req, body, "start", &p->s.start_minute));
    STORE(read_hm_field(req, body, "end", &p->s.end_minute));
    STORE(json_get_int(req, body, "slot_minutes", false, 1, 24 * 60, &x, &present));
    if (present)
        p->s.slot_minutes = (int)x;
    else if (p->s.slot_minutes > p->s.end_minute - p->s.start_minute)
        p->s.slot_minutes = p->s.end_minute - p->s.start_minute;
    STORE(json_get_int(req, body, "places", false, 1, RC_PLACES_MAX, &x, &present));
    if (present)
        p->s.places = (int)x;
    v = 0;
    STORE(read_name(req, body, "on_day_off", false, offs, 3, &v,
                    "节假日处理须为 next、previous 或 skip"));
    p->s.day_off = (enum rc_day_off)v;
    v = 0;
    STORE(read_name(req, body, "missing_day", false, missing, 2, &v,
                    "缺日处理须为 last_day 或 skip"));
    p->s.missing_day = (enum rc_missing_day)v;
    bool active = true;
    STORE(json_get_bool(req, body, "active", false, &active, NULL));
    p->active = active;
    STORE(reception_schedule_validate(&p->s, &req->err));

    STORE(read_deputy_ids(req, body, "rota_deputy_ids", false, &p->rota, &p->n_rota));
    p->per_day = 1;
    STORE(json_get_int(req, body, "rota_per_day", false, 1, PER_DAY_MAX, &x, &present));
    if (present)
        p->per_day = (int)x;
    p->rota_from = today();
    const char *from;
    STORE(json_get_text(req, body, "rota_from", false, 10, false, &from, &present));
    if (present && !reception_parse_date(from, &p->rota_from))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_date", "日期须为 YYYY-MM-DD", "rota_from");
    return YY_OK;
}

/* A change that leaves bookings on days (or slots) the new version does not
 * hold: a notice to the office and to the station's staff, so the residents
 * are called (the bookings stay as they are, in the lists of those dates). */
static enum yy_err notify_affected(struct request *req, const struct station *s,
                                   const struct reception_change *ch)
{
    struct db *db = api_app(req)->db;
    int64_t *staff;
    size_t n;
    STORE(store_reception_station_staff(db, req->arena, s->street_id, s->community_id, &staff, &n,
                                        &req->err));
    char first[11];
    reception_format_date(ch->affected_days[0], first);
    char from[11];
    reception_format_date(ch->effective_from, from);
    char *message = arena_printf(
        req->arena,
        "【接待日变更】%s接待日安排已修改,自%s起生效;%lld个预约所在的接待日或时段不再安排"
        "(最早%s,共%zu天),请查看各日预约名单并联系预约群众",
        s->name, from, (long long)ch->affected, first, ch->n_affected_days);
    STORE(store_notice_tx(db, "office", 0, "notice", "station", s->id, message, &req->err));
    for (size_t i = 0; i < n; i++)
        STORE(store_notice_tx(db, "user", staff[i], "notice", "station", s->id, message,
                              &req->err));
    return YY_OK;
}

static enum yy_err put_schedule(struct request *req, struct response *res)
{
    struct station s;
    STORE(path_station(req, &s));
    const char *as;
    STORE(require_station_staff(req, &s, &as));
    json_t *body;
    STORE(api_body_object(req, &body));
    struct reception_plan p = {.station_id = s.id};
    enum yy_err rc = plan_read(req, body, &p);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct db *db = api_app(req)->db;
    int64_t now = time_now();
    int64_t notice = 3;
    STORE(store_setting_int(db, "activity_notice_days", 3, &notice, &req->err));
    if (notice < 0 || notice > 60)
        notice = 3;
    struct station locked;
    struct reception_change ch = {0};
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_station_get_for_update(db, req->arena, s.id, &locked, &req->err);
    if (rc == YY_OK)
        rc = store_reception_plan_change_tx(db, req->arena, calendar_of(req), &p, today(),
                                            (int)notice, now, &ch, &req->err);
    if (rc == YY_OK && ch.affected)
        rc = notify_affected(req, &s, &ch);
    if (rc == YY_OK) {
        json_t *rota = json_array();
        for (size_t i = 0; i < p.n_rota; i++)
            json_array_append_new(rota, json_integer(p.rota[i]));
        rc = api_audit(req, as, "reception.schedule", "station", s.id,
                       json_pack("{s:o, s:I, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:b, s:o, s:i}",
                                 "effective_from",
                                 ch.effective_from ? jdate(ch.effective_from) : json_null(),
                                 "affected_bookings", (json_int_t)ch.affected, "day_kind",
                                 rc_day_kind_name(p.s.day_kind), "months",
                                 rc_months_name(p.s.months), "start_minute", p.s.start_minute,
                                 "end_minute", p.s.end_minute, "slot_minutes", p.s.slot_minutes,
                                 "places", p.s.places, "on_day_off", rc_day_off_name(p.s.day_off),
                                 "active", p.active, "rota", rota, "rota_per_day", p.per_day));
    }
    STORE(store_finish(db, rc, &req->err));
    struct reception_plan saved;
    STORE(store_reception_plan_get(db, req->arena, s.id, &saved, &req->err));
    json_t *o = plan_json(req, &saved);
    /* a first schedule applies at once: from today in the answer */
    json_object_set_new(o, "effective_from", jdate(ch.effective_from ? ch.effective_from : today()));
    json_object_set_new(o, "affected_bookings", json_integer(ch.affected));
    json_t *dates = json_array();
    for (size_t i = 0; i < ch.n_affected_days; i++)
        json_array_append_new(dates, jdate(ch.affected_days[i]));
    json_object_set_new(o, "affected_dates", dates);
    return api_reply(res, 200, o);
}

/* ---- reception days ----------------------------------------------------------------- */

static enum yy_err query_date(struct request *req, const char *key, int64_t *out, bool *present)
{
    const char *v;
    STORE(query_text(req, key, 10, &v));
    *present = v != NULL;
    if (v && !reception_parse_date(v, out))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_date", "日期须为 YYYY-MM-DD", key);
    return YY_OK;
}

/* ?from=&to= of a list of days: from defaults to today, to to DEFAULT_RANGE_DAYS
 * after from; at most RC_RANGE_MAX_DAYS apart. */
static enum yy_err query_range(struct request *req, int64_t *from, int64_t *to)
{
    bool has_from, has_to;
    STORE(query_date(req, "from", from, &has_from));
    STORE(query_date(req, "to", to, &has_to));
    if (!has_from)
        *from = today();
    if (!has_to)
        *to = *from + DEFAULT_RANGE_DAYS;
    if (*to < *from)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_range", "结束日期不能早于开始日期", "to");
    if (*to - *from > RC_RANGE_MAX_DAYS)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_range", "查询期间不能超过一年", "to");
    return YY_OK;
}

/* The page of n days shown: items [*start, *end); the cursor is an offset. */
static void page_slice(const struct page *pg, size_t n, size_t *start, size_t *end)
{
    *start = pg->after > 0 ? (size_t)pg->after : 0;
    *end = *start + pg->limit < n ? *start + pg->limit : n;
}

static enum yy_err get_days(struct request *req, struct response *res)
{
    struct station s;
    STORE(path_station(req, &s));
    struct page pg;
    STORE(api_page(req, &pg));
    int64_t from, to;
    STORE(query_range(req, &from, &to));
    struct reception_plan p;
    struct reception_day *days;
    size_t n;
    STORE(store_reception_days(api_app(req)->db, req->arena, calendar_of(req), s.id, from, to, &p,
                               &days, &n, &req->err));
    json_t *items = json_array();
    size_t start, end;
    page_slice(&pg, n, &start, &end);
    for (size_t i = start; i < end; i++)
        json_array_append_new(items, day_json(&p, &days[i]));
    return api_reply(res, 200, api_list(items, end < n ? api_cursor(req, (int64_t)end) : NULL));
}

/* The days a deputy is on duty (值班), across stations. */
static enum yy_err get_deputy_days(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    struct deputy dep;
    STORE(store_deputy_get(api_app(req)->db, req->arena, id, &dep, &req->err));
    struct page pg;
    STORE(api_page(req, &pg));
    int64_t from, to;
    STORE(query_range(req, &from, &to));
    struct reception_day *days;
    size_t n;
    STORE(store_reception_days_of_deputy(api_app(req)->db, req->arena, calendar_of(req), id, from,
                                         to, &days, &n, &req->err));
    json_t *items = json_array();
    size_t start, end;
    page_slice(&pg, n, &start, &end);
    for (size_t i = start; i < end; i++) {
        const struct reception_day *d = &days[i];
        json_array_append_new(
            items, json_pack("{s:I, s:o, s:o, s:b, s:b, s:o, s:o, s:o, s:s}", "station_id",
                             (json_int_t)d->station_id, "date", jdate(d->occ.day), "nominal_date",
                             jdate(d->occ.nominal_day), "moved", d->occ.day != d->occ.nominal_day,
                             "provisional", d->occ.provisional, "starts_at",
                             json_time(d->occ.starts_at), "ends_at", json_time(d->occ.ends_at),
                             "deputies", deputies_json(d->deputies, d->n_deputies), "duty",
                             d->explicit_duty ? "assigned" : "rota"));
    }
    return api_reply(res, 200, api_list(items, end < n ? api_cursor(req, (int64_t)end) : NULL));
}

static enum yy_err get_day(struct request *req, struct response *res)
{
    struct station s;
    STORE(path_station(req, &s));
    int64_t day;
    STORE(path_date(req, &day));
    struct reception_plan p;
    struct reception_day d;
    STORE(load_day(req, &s, day, &p, &d));
    return api_reply(res, 200, day_json(&p, &d));
}

/* The start of a station staff's handler on one reception day: the station
 * and the date in the path, and the caller its staff (*as: the role the
 * audit names). */
static enum yy_err staff_day(struct request *req, struct station *s, const char **as, int64_t *day)
{
    STORE(path_station(req, s));
    STORE(require_station_staff(req, s, as));
    return path_date(req, day);
}

static enum yy_err put_duty(struct request *req, struct response *res)
{
    struct station s;
    const char *as;
    int64_t day;
    STORE(staff_day(req, &s, &as, &day));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const allowed[] = {"deputy_ids", NULL};
    int64_t *ids = NULL;
    size_t n = 0;
    enum yy_err rc = json_only_fields(body, allowed, &req->err);
    if (rc == YY_OK)
        rc = read_deputy_ids(req, body, "deputy_ids", true, &ids, &n);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct reception_plan p;
    struct reception_day d;
    STORE(load_day(req, &s, day, &p, &d));
    struct db *db = api_app(req)->db;
    struct station locked;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_station_get_for_update(db, req->arena, s.id, &locked, &req->err);
    if (rc == YY_OK)
        rc = store_reception_duty_set_tx(db, s.id, day, ids, n, &req->err);
    if (rc == YY_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_integer(ids[i]));
        rc = api_audit(req, as, "reception.duty", "station", s.id,
                       json_pack("{s:o, s:o}", "date", jdate(day), "deputy_ids", arr));
    }
    STORE(store_finish(db, rc, &req->err));
    STORE(load_day(req, &s, day, &p, &d));
    return api_reply(res, 200, day_json(&p, &d));
}

/* ---- bookings ----------------------------------------------------------------------- */

static json_t *booking_public_json(const struct reception_booking *b, int slot_minutes)
{
    json_t *o = json_pack("{s:I, s:s, s:I, s:o, s:s}", "id", (json_int_t)b->id, "kind", b->kind,
                          "station_id", (json_int_t)b->station_id, "date", jdate(b->day), "status",
                          b->status);
    if (b->code)
        json_object_set_new(o, "code", json_string(b->code));
    if (b->slot_minute >= 0) {
        json_object_set_new(o, "slot", jhm(b->slot_minute));
        json_object_set_new(o, "starts_at",
                            json_time(day_start(b->day) + (int64_t)b->slot_minute * 60));
        if (slot_minutes > 0)
            json_object_set_new(
                o, "ends_at",
                json_time(day_start(b->day) + (int64_t)(b->slot_minute + slot_minutes) * 60));
    }
    return o;
}

/* The slots with free places, as "HH:MM" (for a full slot's 409). */
static void free_slots(struct request *req, const struct reception_plan *p,
                       const struct reception_day *d, int64_t now)
{
    const char **names = arena_calloc(req->arena, d->n_slots ? d->n_slots : 1, sizeof(*names));
    size_t k = 0;
    for (size_t i = 0; i < d->n_slots; i++) {
        int minute = p->s.start_minute + (int)i * p->s.slot_minutes;
        if (d->booked[i] < p->s.places && day_start(d->occ.day) + (int64_t)minute * 60 > now) {
            char *hm = arena_alloc(req->arena, 6);
            reception_format_hm(minute, hm);
            names[k++] = hm;
        }
    }
    req->err.allowed = names;
    req->err.n_allowed = k;
}

/* The visitor's fields of a booking or a walk-in: name, phone (empty: none)
 * and note, each optional here. */
static enum yy_err visitor_read(struct request *req, json_t *body, const char **name,
                                const char **phone, const char **note)
{
    enum yy_err rc = json_get_text(req, body, "name", false, 50, false, name, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "phone", false, 20, false, phone, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "note", false, NOTE_MAX, true, note, NULL);
    if (rc == YY_OK && *phone && !**phone)
        *phone = NULL;
    return rc;
}

static enum yy_err post_booking(struct request *req, struct response *res)
{
    struct station s;
    STORE(path_station(req, &s));
    int64_t day;
    STORE(path_date(req, &day));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const allowed[] = {"slot", "name", "phone", "note", NULL};
    const char *slot_text = NULL, *name = NULL, *phone = NULL, *note = NULL;
    enum yy_err rc = json_only_fields(body, allowed, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "slot", true, 5, false, &slot_text, NULL);
    if (rc == YY_OK)
        rc = visitor_read(req, body, &name, &phone, &note);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    const struct caller *caller = api_caller(req);
    bool logged_in = caller->via != AUTH_NONE;
    if (name && !*name)
        name = NULL;
    if (!name && logged_in)
        name = caller->user.name;
    if (!name || !*name)
        return yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "请填写姓名", "name");
    if (!phone && !logged_in)
        return yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "请填写联系电话", "phone");
    if (phone && !concern_phone_valid(phone))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_phone",
                       "电话须为11位手机号或带区号的固定电话", "phone");
    int minute;
    if (!reception_parse_hm(slot_text, &minute))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_slot", "时段须为 HH:MM", "slot");

    struct reception_plan p;
    struct reception_day d;
    STORE(load_day(req, &s, day, &p, &d));
    int idx = reception_slot_index(&p.s, minute);
    if (idx < 0)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_slot", "该时段不在接待时间内", "slot");
    int64_t now = time_now();
    if (day_start(day) + (int64_t)minute * 60 <= now)
        return yy_fail(&req->err, YY_CONFLICT, "reception_day_passed", "该时段已过,不能预约",
                       "slot");

    struct db *db = api_app(req)->db;
    struct reception_booking b = {.station_id = s.id,
                                  .day = day,
                                  .kind = "booking",
                                  .slot_minute = minute,
                                  .name = name,
                                  .phone = phone,
                                  .user_id = logged_in ? caller->user.id : 0,
                                  .note = note ? note : "",
                                  .status = "booked",
                                  .created_at = now,
                                  .updated_at = now};
    const char *as =
        logged_in && caller->user.n_roles ? role_name(caller->user.roles[0].role) : "resident";
    struct station locked;
    int taken = 0;
    bool dup = false;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK) /* bookings of this station queue here */
        rc = store_station_get_for_update(db, req->arena, s.id, &locked, &req->err);
    if (rc == YY_OK)
        rc = store_reception_booked_by(db, s.id, day, phone, b.user_id, &dup, &req->err);
    if (rc == YY_OK && dup)
        rc = yy_fail(&req->err, YY_CONFLICT, "already_booked", "同一电话或账号当天已有预约",
                     phone ? "phone" : NULL);
    if (rc == YY_OK)
        rc = store_reception_slot_taken(db, s.id, day, minute, &taken, &req->err);
    if (rc == YY_OK && taken >= p.s.places) {
        rc = yy_fail(&req->err, YY_CONFLICT, "slot_full", "该时段已约满,请选择其他时段", "slot");
        d.booked[idx] = taken;
        free_slots(req, &p, &d, now);
    }
    if (rc == YY_OK)
        rc = store_reception_booking_insert_tx(db, req->arena, &b, &req->err);
    if (rc == YY_OK)
        rc = api_audit(req, as, "reception.book", "reception_booking", b.id,
                       json_pack("{s:I, s:o, s:o, s:b, s:b}", "station_id", (json_int_t)s.id,
                                 "date", jdate(day), "slot", jhm(minute), "phone", phone != NULL,
                                 "by_login", logged_in));
    rc = store_finish(db, rc, &req->err);
    if (rc != YY_OK)
        return rc;
    json_t *o = booking_public_json(&b, p.s.slot_minutes);
    json_object_set_new(o, "provisional", json_boolean(d.occ.provisional));
    return api_reply(res, 201, o);
}

static enum yy_err post_cancel(struct request *req, struct response *res)
{
    char code[RC_CODE_LEN + 1];
    if (!reception_code_normalize(request_param(req, "code"), code))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "预约码不存在", NULL);
    struct db *db = api_app(req)->db;
    struct reception_booking b;
    enum yy_err rc = store_reception_booking_by_code(db, req->arena, code, &b, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "预约码不存在", NULL);
    STORE(rc);
    int64_t now = time_now();
    struct station locked;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_station_get_for_update(db, req->arena, b.station_id, &locked, &req->err);
    if (rc == YY_OK) /* read again under the lock: a concurrent cancel went first */
        rc = store_reception_booking_get(db, req->arena, b.id, &b, &req->err);
    if (rc == YY_OK && strcmp(b.status, "booked") != 0) {
        static const char *const none[] = {NULL};
        rc = yy_fail(&req->err, YY_CONFLICT, "invalid_transition",
                     !strcmp(b.status, "cancelled") ? "该预约已取消" : "该预约已到场,不能取消",
                     NULL);
        req->err.allowed = none;
        req->err.n_allowed = 0;
    }
    if (rc == YY_OK && day_start(b.day) + (int64_t)b.slot_minute * 60 <= now)
        rc = yy_fail(&req->err, YY_CONFLICT, "reception_day_passed", "预约时段已开始,不能取消",
                     NULL);
    if (rc == YY_OK)
        rc = store_reception_booking_status_tx(db, b.id, "cancelled", now, &req->err);
    if (rc == YY_OK)
        rc = api_audit(
            req, "resident", "reception.cancel", "reception_booking", b.id,
            json_pack("{s:I, s:o}", "station_id", (json_int_t)b.station_id, "date", jdate(b.day)));
    STORE(store_finish(db, rc, &req->err));
    b.status = "cancelled";
    return api_reply(res, 200, booking_public_json(&b, 0));
}

static json_t *booking_staff_json(const struct reception_booking *b)
{
    json_t *o = booking_public_json(b, 0);
    json_object_set_new(o, "name", json_string(b->name ? b->name : ""));
    json_object_set_new(o, "phone", b->phone ? json_string(b->phone) : json_null());
    json_object_set_new(o, "note", json_string(b->note ? b->note : ""));
    json_object_set_new(o, "user_id", b->user_id ? json_integer(b->user_id) : json_null());
    json_object_set_new(o, "created_at", json_time(b->created_at));
    return o;
}

static enum yy_err get_bookings(struct request *req, struct response *res)
{
    struct station s;
    const char *as;
    int64_t day;
    STORE(staff_day(req, &s, &as, &day));
    struct reception_booking *bs;
    size_t n;
    STORE(store_reception_bookings(api_app(req)->db, req->arena, s.id, day, &bs, &n, &req->err));
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, booking_staff_json(&bs[i]));
    return api_reply(res, 200, api_list(items, NULL));
}

static enum yy_err post_walk_in(struct request *req, struct response *res)
{
    struct station s;
    const char *as;
    int64_t day;
    STORE(staff_day(req, &s, &as, &day));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const allowed[] = {"name", "phone", "note", NULL};
    const char *name = NULL, *phone = NULL, *note = NULL;
    enum yy_err rc = json_only_fields(body, allowed, &req->err);
    if (rc == YY_OK)
        rc = visitor_read(req, body, &name, &phone, &note);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    if (phone && !concern_phone_valid(phone))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_phone",
                       "电话须为11位手机号或带区号的固定电话", "phone");
    struct reception_plan p;
    struct reception_day d;
    STORE(load_day(req, &s, day, &p, &d));
    if (day > today())
        return yy_fail(&req->err, YY_CONFLICT, "reception_not_held_yet", "接待日尚未到来", "date");
    int64_t now = time_now();
    struct db *db = api_app(req)->db;
    struct reception_booking b = {.station_id = s.id,
                                  .day = day,
                                  .kind = "walk_in",
                                  .slot_minute = -1,
                                  .name = name ? name : "",
                                  .phone = phone,
                                  .note = note ? note : "",
                                  .status = "attended",
                                  .created_at = now,
                                  .updated_at = now};
    struct station locked;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_station_get_for_update(db, req->arena, s.id, &locked, &req->err);
    if (rc == YY_OK)
        rc = store_reception_booking_insert_tx(db, req->arena, &b, &req->err);
    if (rc == YY_OK)
        rc = api_audit(req, as, "reception.walk_in", "reception_booking", b.id,
                       json_pack("{s:I, s:o}", "station_id", (json_int_t)s.id, "date", jdate(day)));
    STORE(store_finish(db, rc, &req->err));
    return api_reply(res, 201, booking_staff_json(&b));
}

/* ---- reception records ---------------------------------------------------------------- */

static json_t *record_json(struct request *req, const struct reception_record *r)
{
    struct reception_deputy *ds =
        arena_calloc(req->arena, r->n_deputies ? r->n_deputies : 1, sizeof(*ds));
    for (size_t i = 0; i < r->n_deputies; i++) {
        struct deputy d;
        ds[i].id = r->deputy_ids[i];
        ds[i].name = store_deputy_get(api_app(req)->db, req->arena, ds[i].id, &d, NULL) == YY_OK
                         ? d.name
                         : "";
    }
    json_t *concerns = json_array();
    for (size_t i = 0; i < r->n_concerns; i++)
        json_array_append_new(concerns, json_integer(r->concern_ids[i]));
    return json_pack("{s:I, s:I, s:o, s:i, s:s, s:o, s:o, s:o}", "id", (json_int_t)r->id,
                     "station_id", (json_int_t)r->station_id, "date", jdate(r->day),
                     "residents_received", r->residents_received, "summary", r->summary, "deputies",
                     deputies_json(ds, r->n_deputies), "concern_ids", concerns, "created_at",
                     json_time(r->created_at));
}

/* The concerns a record links: raised at this station with source reception. */
static enum yy_err check_concerns(struct request *req, const struct station *s, json_t *body,
                                  struct reception_record *r)
{
    json_t *arr = json_object_get(body, "concern_ids");
    if (!arr || json_is_null(arr))
        return YY_OK;
    if (!json_is_array(arr) || json_array_size(arr) > 100)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_concern_ids",
                       "群众意见须为编号的列表(最多100条)", "concern_ids");
    size_t m = json_array_size(arr);
    r->concern_ids = arena_calloc(req->arena, m ? m : 1, sizeof(int64_t));
    for (size_t i = 0; i < m; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_concern_ids", "群众意见编号不正确",
                           "concern_ids");
        int64_t id = json_integer_value(v);
        for (size_t j = 0; j < i; j++)
            if (r->concern_ids[j] == id)
                return yy_fail(&req->err, YY_BAD_INPUT, "invalid_concern_ids", "群众意见重复",
                               "concern_ids");
        struct concern c;
        enum yy_err rc = store_concern_get(api_app(req)->db, req->arena, id, &c, &req->err);
        if (rc == YY_NOT_FOUND)
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_concern", "群众意见不存在",
                           "concern_ids");
        STORE(rc);
        if (!c.source || strcmp(c.source, "reception") != 0 || c.station_id != s->id)
            return yy_fail(&req->err, YY_BAD_INPUT, "concern_not_from_reception",
                           "只能记入在本站接待日反映的群众意见(来源为 reception)", "concern_ids");
        r->concern_ids[r->n_concerns++] = id;
    }
    return YY_OK;
}

static enum yy_err post_record(struct request *req, struct response *res)
{
    struct station s;
    const char *as;
    int64_t day;
    STORE(staff_day(req, &s, &as, &day));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const allowed[] = {"summary",     "deputy_ids",     "residents_received",
                                          "concern_ids", "attended_codes", NULL};
    struct reception_record r = {.station_id = s.id, .day = day};
    int64_t received = -1;
    bool has_received = false;
    const char **codes = NULL;
    size_t n_codes = 0;
    enum yy_err rc = json_only_fields(body, allowed, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "summary", true, SUMMARY_MAX, true, &r.summary, NULL);
    if (rc == YY_OK && !*r.summary)
        rc = yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "请填写接待情况", "summary");
    if (rc == YY_OK)
        rc = read_deputy_ids(req, body, "deputy_ids", true, &r.deputy_ids, &r.n_deputies);
    if (rc == YY_OK && r.n_deputies == 0)
        rc =
            yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "请列出到场接待的代表", "deputy_ids");
    if (rc == YY_OK)
        rc = json_get_int(req, body, "residents_received", false, 0, 100000, &received,
                          &has_received);
    if (rc == YY_OK)
        rc = check_concerns(req, &s, body, &r);
    if (rc == YY_OK) {
        json_t *arr = json_object_get(body, "attended_codes");
        if (arr && !json_is_null(arr)) {
            if (!json_is_array(arr) || json_array_size(arr) > 1000) {
                rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_codes", "到场预约码须为列表",
                             "attended_codes");
            } else {
                n_codes = json_array_size(arr);
                codes = arena_calloc(req->arena, n_codes ? n_codes : 1, sizeof(*codes));
                for (size_t i = 0; i < n_codes && rc == YY_OK; i++) {
                    char *c = arena_alloc(req->arena, RC_CODE_LEN + 1);
                    if (!reception_code_normalize(json_string_value(json_array_get(arr, i)), c))
                        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_codes", "预约码不正确",
                                     "attended_codes");
                    codes[i] = c;
                }
            }
        }
    }
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct reception_plan p;
    struct reception_day d;
    STORE(load_day(req, &s, day, &p, &d));
    if (day > today())
        return yy_fail(&req->err, YY_CONFLICT, "reception_not_held_yet", "接待日尚未到来", "date");

    struct db *db = api_app(req)->db;
    int64_t now = time_now();
    r.created_at = now;
    r.recorded_by = api_caller(req)->user.id;
    struct station locked;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_station_get_for_update(db, req->arena, s.id, &locked, &req->err);
    for (size_t i = 0; i < n_codes && rc == YY_OK; i++) {
        struct reception_booking b;
        rc = store_reception_booking_by_code(db, req->arena, codes[i], &b, &req->err);
        if (rc == YY_NOT_FOUND || (rc == YY_OK && (b.station_id != s.id || b.day != day)))
            rc = yy_fail(&req->err, YY_BAD_INPUT, "unknown_code", "预约码不是本接待日的",
                         "attended_codes");
        else if (rc == YY_OK && strcmp(b.status, "cancelled") == 0)
            rc = yy_fail(&req->err, YY_BAD_INPUT, "booking_cancelled", "该预约已取消",
                         "attended_codes");
        else if (rc == YY_OK)
            rc = store_reception_booking_status_tx(db, b.id, "attended", now, &req->err);
    }
    if (rc == YY_OK && !has_received) {
        /* walk-ins and the bookings marked attended */
        struct reception_booking *bs;
        size_t nb;
        rc = store_reception_bookings(db, req->arena, s.id, day, &bs, &nb, &req->err);
        received = 0;
        for (size_t i = 0; rc == YY_OK && i < nb; i++)
            received += !strcmp(bs[i].status, "attended");
    }
    r.residents_received = (int)received;
    if (rc == YY_OK)
        rc = store_reception_record_insert_tx(db, &r, &req->err);
    if (rc == YY_OK) {
        json_t *deps = json_array(), *cons = json_array();
        for (size_t i = 0; i < r.n_deputies; i++)
            json_array_append_new(deps, json_integer(r.deputy_ids[i]));
        for (size_t i = 0; i < r.n_concerns; i++)
            json_array_append_new(cons, json_integer(r.concern_ids[i]));
        rc = api_audit(req, as, "reception.record", "reception_record", r.id,
                       json_pack("{s:I, s:o, s:i, s:o, s:o}", "station_id", (json_int_t)s.id,
                                 "date", jdate(day), "residents_received", r.residents_received,
                                 "deputy_ids", deps, "concern_ids", cons));
    }
    STORE(store_finish(db, rc, &req->err));
    return api_reply(res, 201, record_json(req, &r));
}

static enum yy_err get_record(struct request *req, struct response *res)
{
    struct station s;
    const char *as;
    int64_t day;
    STORE(staff_day(req, &s, &as, &day));
    struct reception_record r;
    enum yy_err rc =
        store_reception_record_get(api_app(req)->db, req->arena, s.id, day, &r, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "该接待日尚无接待记录", NULL);
    STORE(rc);
    return api_reply(res, 200, record_json(req, &r));
}

enum yy_err api_receptions_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/api/v1/stations/{id}/reception-schedule", get_schedule},
        {"PUT", "/api/v1/stations/{id}/reception-schedule", put_schedule},
        {"GET", "/api/v1/stations/{id}/reception-days", get_days},
        {"GET", "/api/v1/stations/{id}/reception-days/{date}", get_day},
        {"PUT", "/api/v1/stations/{id}/reception-days/{date}/duty", put_duty},
        {"POST", "/api/v1/stations/{id}/reception-days/{date}/bookings", post_booking},
        {"GET", "/api/v1/stations/{id}/reception-days/{date}/bookings", get_bookings},
        {"POST", "/api/v1/stations/{id}/reception-days/{date}/walk-ins", post_walk_in},
        {"POST", "/api/v1/stations/{id}/reception-days/{date}/record", post_record},
        {"GET", "/api/v1/stations/{id}/reception-days/{date}/record", get_record},
        {"POST", "/api/v1/reception-bookings/{code}/cancel", post_cancel},
        {"GET", "/api/v1/deputies/{id}/reception-days", get_deputy_days},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
