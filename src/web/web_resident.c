/* web_resident.c - the residents' pages (docs/WEB.md "Pages"): the home page
 * (find a station by street or near me), a station, the concern form and its
 * result page, tracking by code with the rating form, the published
 * suggestions (网上晒) and their public rating (网上评).
 *
 * Registry pages read the store directly and go through the page cache for
 * anonymous callers; everything with rules (concerns, suggestions, ratings)
 * goes through the API's routes in-process, so the pages show exactly what
 * the API shows the same caller: no resident's name or phone anywhere. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/concern.h"
#include "domain/suggestion.h"
#include "domain/geo.h"
#include "store/concern.h"
#include "store/store.h"
#include "store/webform.h"
#include "web/web.h"

/* Stations shown for "near me". */
#define NEAR_MAX 5
/* Activities shown on a station's page. */
#define STATION_ACTIVITIES 5
/* Published suggestions per page. */
#define SUGGESTIONS_PAGE 20

static const char *const weekdays[] = {"周日", "周一", "周二", "周三", "周四", "周五", "周六"};

/* "2026-12-15(周二)09:00-11:00" for a slot in China time. */
static const char *slot_text(struct arena *a, int64_t start, int64_t end)
{
    int64_t ls = start + 8 * 3600, le = end + 8 * 3600;
    int64_t day = ls >= 0 ? ls / 86400 : (ls - 86399) / 86400;
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day, &y, &m, &d);
    int64_t wd = ((day % 7) + 11) % 7; /* 1970-01-01 was a Thursday */
    return arena_printf(a, "%04lld-%02u-%02u(%s)%02d:%02d-%02d:%02d", (long long)y, m, d,
                        weekdays[wd], (int)(ls % 86400 / 3600), (int)(ls % 3600 / 60),
                        (int)(le % 86400 / 3600), (int)(le % 3600 / 60));
}

static const char *distance_text(struct arena *a, double m)
{
    if (m < 1000)
        return arena_printf(a, "约%d米", (int)(m / 10 + 0.5) * 10);
    return arena_printf(a, "约%.1f公里", m / 1000);
}

static const char *levels_text(struct arena *a, unsigned levels)
{
    static const char *const names[] = {"全国", "省", "市", "区"};
    const char *out = "";
    for (unsigned i = 0; i < 4; i++)
        if (levels & (1u << i))
            out = arena_printf(a, "%s%s%s", out, *out ? "、" : "", names[i]);
    return arena_printf(a, "%s人大代表", out);
}

static json_t *station_brief(struct arena *a, const struct station *s)
{
    (void)a;
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)s->id, "name", s->name, "address",
                     s->address ? s->address : "", "kind", station_kind_label_zh(s->kind));
}

/* ---- the home page ------------------------------------------------------------- */

/* "LAT,LON" as the near-me form sends it. */
static bool parse_near(struct arena *a, const char *s, double *lat, double *lon)
{
    const char *comma = strchr(s, ',');
    if (!comma)
        return false;
    const char *la = arena_strndup(a, s, (size_t)(comma - s));
    const char *lo = comma + 1;
    while (*lo == ' ')
        lo++;
    return parse_double(la, lat) && parse_double(lo, lon) && geo_valid(*lat, *lon);
}

static enum yy_err home_render(struct request *req, struct response *res)
{
    struct db *db = api_app(req)->db;
    struct region *regions;
    size_t n_regions;
    STORE(store_regions_all(db, req->arena, &regions, &n_regions, &req->err));
    const char *street_q = kvlist_get(&req->query, "street");
    const char *near_q = kvlist_get(&req->query, "near");
    int64_t street_id = 0;
    int status = 200;
    json_t *data = json_pack("{s:s}", "title", "找到身边的代表联络站");
    json_t *f = json_pack("{s:{s:s}, s:{}}", "near", "value", near_q ? near_q : "", "street");
    json_object_set_new(data, "f", f);
    if (street_q && *street_q &&
        (!parse_int64(street_q, 1, INT64_MAX, &street_id) || street_id <= 0)) {
        json_object_set_new(json_object_get(f, "street"), "error", json_string("请选择街道"));
        status = 400;
        street_id = 0;
    }
    json_t *streets = json_array();
    const char *street_name = NULL;
    for (size_t i = 0; i < n_regions; i++) {
        const struct region *r = &regions[i];
        if (r->kind != REGION_STREET && r->kind != REGION_DEV_ZONE)
            continue;
        if (r->id == street_id)
            street_name = r->name;
        json_array_append_new(streets, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)r->id, "name",
                                                 r->name, "selected", r->id == street_id));
    }
    json_object_set_new(data, "streets", streets);
    if (street_id && !street_name) {
        json_object_set_new(json_object_get(f, "street"), "error",
                            json_string("没有这个街道,请从列表中选择"));
        status = 400;
        street_id = 0;
    }
    if (street_id) {
        struct station_filter sf = {.street_id = street_id};
        struct station *st;
        size_t n;
        STORE(store_stations_list(db, req->arena, &sf, &st, &n, &req->err));
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, station_brief(req->arena, &st[i]));
        json_object_set_new(data, "results",
                            json_pack("{s:s, s:o, s:i}", "heading",
                                      arena_printf(req->arena, "%s的代表联络站", street_name),
                                      "stations", list, "count", (int)n));
    } else if (near_q && *near_q) {
        double lat, lon;
        if (!parse_near(req->arena, near_q, &lat, &lon)) {
            json_object_set_new(json_object_get(f, "near"), "error",
                                json_string("位置格式应为“纬度,经度”,例如 30.58,114.27"));
            status = 400;
        } else {
            struct station_filter sf = {0};
            struct station *st;
            size_t n;
            STORE(store_stations_list(db, req->arena, &sf, &st, &n, &req->err));
            /* a partial selection of the NEAR_MAX nearest: n is small (a district) */
            size_t idx[NEAR_MAX];
            double dist[NEAR_MAX];
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                double d = geo_distance_m(lat, lon, st[i].lat, st[i].lon);
                size_t j = k < NEAR_MAX ? k++ : NEAR_MAX;
                if (j == NEAR_MAX && d >= dist[NEAR_MAX - 1])
                    continue;
                if (j == NEAR_MAX)
                    j = NEAR_MAX - 1;
                while (j > 0 && dist[j - 1] > d) {
                    dist[j] = dist[j - 1];
                    idx[j] = idx[j - 1];
                    j--;
                }
                dist[j] = d;
                idx[j] = i;
            }
            json_t *list = json_array();
            for (size_t i = 0; i < k; i++) {
                json_t *o = station_brief(req->arena, &st[idx[i]]);
                json_object_set_new(o, "distance", json_string(distance_text(req->arena, dist[i])));
                json_array_append_new(list, o);
            }
            json_object_set_new(data, "results",
                                json_pack("{s:s, s:o, s:i}", "heading", "离您最近的代表联络站",
                                          "stations", list, "count", (int)k));
        }
    }
    return web_page(req, res, status, "home", data);
}

static enum yy_err get_home(struct request *req, struct response *res)
{
    return web_cached(req, res, NULL, home_render);
}

/* ---- a station ------------------------------------------------------------------ */

static enum yy_err station_render(struct request *req, struct response *res)
{
    struct db *db = api_app(req)->db;
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct station s;
    enum yy_err rc = store_station_get(db, req->arena, id, &s, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "站点不存在", NULL);
    STORE(rc);
    struct region street;
    const char *street_name = "";
    if (store_region_get(db, req->arena, s.street_id, &street, &req->err) == YY_OK)
        street_name = street.name;
    struct deputy_filter df = {.station_id = id};
    struct deputy *d;
    size_t n;
    STORE(store_deputies_list(db, req->arena, &df, &d, &n, &req->err));
    json_t *deputies = json_array();
    for (size_t i = 0; i < n; i++) /* public fields only: never the phone */
        json_array_append_new(deputies, json_pack("{s:s, s:s, s:s}", "name", d[i].name, "levels",
                                                  levels_text(req->arena, d[i].levels), "sector",
                                                  d[i].sector ? d[i].sector : ""));
    int64_t start, end;
    const char *next = NULL;
    if (reception_next(s.reception_rule, time_now(), &start, &end))
        next = slot_text(req->arena, start, end);
    json_t *data = json_pack(
        "{s:s, s:o, s:o, s:i, s:s?}", "title", s.name, "station",
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)s.id, "name", s.name,
                  "kind", station_kind_label_zh(s.kind), "address", s.address ? s.address : "",
                  "street", street_name, "opening_hours", s.opening_hours ? s.opening_hours : "",
                  "reception_rule", s.reception_rule ? s.reception_rule : ""),
        "deputies", deputies, "n_deputies", (int)n, "next_reception", next);
    /* its next open activities (代表有约), as the API lists them to the public */
    int64_t day = (time_now() + 8 * 3600) / 86400;
    int64_t y;
    unsigned mo, dd;
    time_civil_from_days(day, &y, &mo, &dd);
    int st;
    json_t *acts;
    rc = web_api_call(
        req, "GET",
        arena_printf(req->arena,
                     "/api/v1/activities?station=%lld&status=open&from=%04lld-%02u-%02u"
                     "&limit=%d",
                     (long long)id, (long long)y, mo, dd, STATION_ACTIVITIES),
        NULL, &st, &acts, NULL);
    if (rc == YY_OK) {
        web_times(acts);
        json_object_set(data, "activities", json_object_get(acts, "items"));
        json_decref(acts);
    } else if (rc != YY_NOT_FOUND) { /* NOT_FOUND: a build without activities */
        json_decref(data);
        return rc;
    }
    return web_page(req, res, 200, "station", data);
}

static enum yy_err get_station(struct request *req, struct response *res)
{
    /* the next reception day moves with the clock: one entry per minute */
    return web_cached(req, res, arena_printf(req->arena, "%lld", (long long)(time_now() / 60)),
                      station_render);
}

/* ---- raising a concern ------------------------------------------------------------- */

static const char *const concern_fields[] = {"title",        "body",          "category", "address",
                                             "contact_name", "contact_phone", NULL};

/* The form's data: the fields as typed, the error beside its field (or at the
 * top when it names none of them), the one-time token. */
static enum yy_err concern_form_data(struct request *req, const struct station *st,
                                     const struct kvlist *in, const char *token,
                                     const struct yy_error *err, json_t **out)
{
    const char **cats;
    size_t n_cats;
    STORE(store_concern_categories(api_app(req)->db, req->arena, &cats, &n_cats, &req->err));
    const char *chosen = in ? kvlist_get(in, "category") : NULL;
    json_t *categories = json_array();
    for (size_t i = 0; i < n_cats; i++)
        json_array_append_new(categories, json_pack("{s:s, s:b}", "name", cats[i], "selected",
                                                    chosen && !strcmp(chosen, cats[i])));
    bool placed = false;
    json_t *f = web_form_fields(in, concern_fields, err, &placed);
    char fresh[TOKEN_LEN + 1];
    if (!token) {
        token_new(fresh);
        token = fresh;
    }
    json_t *data =
        json_pack("{s:s, s:o, s:o, s:s, s:s?}", "title", "反映问题", "f", f, "categories",
                  categories, "form_token", token, "error", err && !placed ? err->message : NULL);
    if (st) {
        json_object_set_new(data, "station",
                            json_pack("{s:I, s:s}", "id", (json_int_t)st->id, "name", st->name));
        json_object_set_new(
            data, "action",
            json_string(arena_printf(req->arena, "/stations/%lld/concern", (long long)st->id)));
    } else {
        json_object_set_new(data, "action", json_string("/concern"));
    }
    if (err)
        json_object_set_new(data, "has_errors", json_true());
    *out = data;
    return YY_OK;
}

/* The station of /stations/{id}/concern, or none for /concern. */
static enum yy_err form_station(struct request *req, struct station *st, bool *has)
{
    *has = false;
    if (!request_param(req, "id"))
        return YY_OK;
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    enum yy_err rc = store_station_get(api_app(req)->db, req->arena, id, st, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "站点不存在", NULL);
    STORE(rc);
    *has = true;
    return YY_OK;
}

static enum yy_err get_concern_form(struct request *req, struct response *res)
{
    struct station st;
    bool has;
    STORE(form_station(req, &st, &has));
    json_t *data;
    STORE(concern_form_data(req, has ? &st : NULL, NULL, NULL, NULL, &data));
    return web_page(req, res, 200, "concern", data);
}

/* The API call of the concern form, run inside the form token's transaction. */
struct concern_submit {
    struct request *req;
    json_t *body; /* stolen by the call */
    bool ran;
};

static enum yy_err concern_submit_fn(void *ctx, const char **result, struct yy_error *e)
{
    struct concern_submit *cs = ctx;
    cs->ran = true;
    json_t *body = cs->body;
    cs->body = NULL;
    int status;
    json_t *out;
    enum yy_err rc = web_api_call(cs->req, "POST", "/api/v1/concerns", body, &status, &out, NULL);
    if (rc != YY_OK) {
        *e = cs->req->err;
        return rc;
    }
    json_t *r = json_pack("{s:O, s:O, s:O}", "tracking_code", json_object_get(out, "tracking_code"),
                          "duplicates", json_object_get(out, "duplicates"), "station_id",
                          json_object_get(out, "station_id"));
    json_decref(out);
    char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
    json_decref(r);
    if (!text)
        return yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
    *result = arena_strdup(cs->req->arena, text);
    free(text);
    return YY_OK;
}

static enum yy_err post_concern_form(struct request *req, struct response *res)
{
    struct station st;
    bool has;
    STORE(form_station(req, &st, &has));
    struct kvlist in;
    STORE(web_form(req, &in));
    struct db *db = api_app(req)->db;
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token)) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "表单已失效,请重新提交"};
        json_t *data;
        STORE(concern_form_data(req, has ? &st : NULL, &in, NULL, &e, &data));
        return web_page(req, res, 400, "concern", data);
    }
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    const char *sent_url = arena_printf(req->arena, "/concern/sent/%s", token);
    json_t *body = json_pack("{s:s, s:s}", "source", "online", "category",
                             kvlist_get(&in, "category") ? kvlist_get(&in, "category") : "");
    for (size_t i = 0; concern_fields[i]; i++) {
        const char *v = kvlist_get(&in, concern_fields[i]);
        if (v && strcmp(concern_fields[i], "category"))
            json_object_set_new(body, concern_fields[i], json_string(v));
    }
    if (has)
        json_object_set_new(body, "station_id", json_integer(st.id));
    /* the claim, the concern and the result in one transaction: a crash
     * leaves neither a concern without its result nor a result page
     * "still running" for ever (store_webform_once) */
    struct concern_submit cs = {.req = req, .body = body};
    const char *result;
    enum yy_err rc = store_webform_once(db, req->arena, hash, time_now(), concern_submit_fn, &cs,
                                        &result, &req->err);
    json_decref(cs.body);
    if (rc == YY_CONFLICT && !cs.ran) /* a second submit of the same form: the first one's result */
        return web_redirect(req, res, sent_url);
    if (rc == YY_BAD_INPUT) {
        struct yy_error keep = req->err;
        json_t *data;
        STORE(concern_form_data(req, has ? &st : NULL, &in, token, &keep, &data));
        return web_page(req, res, 400, "concern", data);
    }
    STORE(rc);
    return web_redirect(req, res, sent_url);
}

static enum yy_err get_concern_sent(struct request *req, struct response *res)
{
    const char *result;
    STORE(web_form_result(req, &result));
    json_t *data = json_pack("{s:s}", "title", "已收到您反映的问题");
    json_t *r = result ? json_loads(result, 0, NULL) : NULL;
    if (r) {
        json_t *code = json_object_get(r, "tracking_code");
        if (json_is_string(code))
            json_object_set(data, "tracking_code", code);
        json_t *dups = json_object_get(r, "duplicates");
        if (json_array_size(dups))
            json_object_set_new(data, "similar", json_pack("{s:O}", "items", dups));
        json_t *sid = json_object_get(r, "station_id");
        if (json_is_integer(sid))
            json_object_set(data, "station_id", sid);
        json_decref(r);
    } else {
        json_object_set_new(data, "pending", json_true());
        json_object_set_new(data, "refresh", json_string(req->path));
    }
    web_times(data);
    return web_page(req, res, 200, "sent", data);
}

/* ---- tracking ----------------------------------------------------------------------- */

static json_t *rating_options(const char *chosen)
{
    static const char *const values[] = {"satisfied", "basically_satisfied", "dissatisfied"};
    json_t *a = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
                                           concern_rating_label_zh(values[i]), "checked",
                                           chosen && !strcmp(chosen, values[i])));
    return a;
}

/* A code as people type it: spaces and dashes ignored, any case. */
static bool code_normalize(struct arena *a, const char *in, char out[TRACKING_CODE_LEN + 1])
{
    if (!in)
        return false;
    char *s = arena_strdup(a, in);
    size_t n = 0;
    for (const char *p = in; *p; p++)
        if (*p != ' ' && *p != '-')
            s[n++] = *p;
    s[n] = '\0';
    return concern_tracking_code_normalize(s, out);
}

static enum yy_err track_form(struct request *req, struct response *res, int status,
                              const char *code, const char *error)
{
    json_t *f = json_pack("{s:{s:s}}", "code", "value", code ? code : "");
    if (error)
        json_object_set_new(json_object_get(f, "code"), "error", json_string(error));
    return web_page(req, res, status, "track",
                    json_pack("{s:s, s:o}", "title", "查询办理进度", "f", f));
}

static enum yy_err get_track_form(struct request *req, struct response *res)
{
    const char *code = kvlist_get(&req->query, "code");
    if (!code)
        return track_form(req, res, 200, NULL, NULL);
    char norm[TRACKING_CODE_LEN + 1];
    if (!code_normalize(req->arena, code, norm))
        return track_form(req, res, 400, code, "查询码格式不对,请核对后重新输入");
    return web_redirect(req, res, arena_printf(req->arena, "/track/%s", norm));
}

/* The tracking page of code, with the rating form when it can be rated. */
static enum yy_err track_page(struct request *req, struct response *res, int status,
                              const char *code, const char *rate_value, const char *rate_error)
{
    char norm[TRACKING_CODE_LEN + 1];
    if (!code_normalize(req->arena, code, norm))
        return track_form(req, res, 404, code, "查询码不存在,请核对后重新输入");
    int st;
    json_t *c;
    enum yy_err rc =
        web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/concerns/track/%s", norm), NULL,
                     &st, &c, NULL);
    if (rc == YY_NOT_FOUND)
        return track_form(req, res, 404, code, "查询码不存在,请核对后重新输入");
    STORE(rc);
    bool can_rate = false;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(c, "actions"), i,
                       a) if (!strcmp(json_string_value(a), "rate")) can_rate = true;
    web_label_timeline(json_object_get(c, "timeline"), cn_event_label_zh);
    const char *rating = json_string_value(json_object_get(c, "rating"));
    if (rating)
        json_object_set_new(c, "rating_label", json_string(concern_rating_label_zh(rating)));
    web_times(c);
    json_t *data = json_pack("{s:s, s:o, s:s}", "title", "办理进度", "c", c, "code", norm);
    if (can_rate) {
        json_t *rf =
            json_pack("{s:o, s:s, s:s?}", "options", rating_options(rate_value), "action",
                      arena_printf(req->arena, "/track/%s/rating", norm), "error", rate_error);
        json_object_set_new(data, "rate", rf);
    }
    return web_page(req, res, status, "track_result", data);
}

static enum yy_err get_track(struct request *req, struct response *res)
{
    return track_page(req, res, 200, request_param(req, "code"), NULL, NULL);
}

static enum yy_err post_track_rating(struct request *req, struct response *res)
{
    const char *code = request_param(req, "code");
    char norm[TRACKING_CODE_LEN + 1];
    if (!code_normalize(req->arena, code, norm))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "查询码不存在", NULL);
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *value = kvlist_get(&in, "value");
    if (!value || !concern_rating_valid(value))
        return track_page(req, res, 400, norm, value, "请选择满意、基本满意或不满意");
    int st;
    json_t *c;
    STORE(web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/concerns/track/%s", norm),
                       NULL, &st, &c, NULL));
    json_int_t id = json_integer_value(json_object_get(c, "id"));
    json_decref(c);
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/concerns/%lld/actions", (long long)id),
        json_pack("{s:s, s:s, s:s}", "action", "rate", "tracking_code", norm, "value", value), &st,
        &out, NULL);
    /* rated already (a second submit): the page shows the rating given */
    if (rc == YY_OK || rc == YY_CONFLICT) {
        if (rc == YY_OK)
            json_decref(out);
        return web_redirect(req, res, arena_printf(req->arena, "/track/%s", norm));
    }
    if (rc == YY_BAD_INPUT)
        return track_page(req, res, 400, norm, value, req->err.message);
    return rc;
}

/* ---- published suggestions (网上晒) and their rating (网上评) --------------------------- */

static enum yy_err get_suggestions(struct request *req, struct response *res)
{
    json_t *out;
    STORE(web_api_page(
        req, arena_printf(req->arena, "/api/v1/suggestions?limit=%d", SUGGESTIONS_PAGE), &out));
    json_t *items = json_object_get(out, "items");
    json_t *data = json_pack("{s:s, s:O, s:b}", "title", "网上晒 · 代表建议办理结果", "items",
                             items, "empty", json_array_size(items) == 0);
    const char *next = json_string_value(json_object_get(out, "next_cursor"));
    if (next)
        json_object_set_new(data, "next",
                            json_string(arena_printf(req->arena, "/suggestions?cursor=%s", next)));
    json_decref(out);
    return web_page(req, res, 200, "suggestions", data);
}

static enum yy_err suggestion_page(struct request *req, struct response *res, int status,
                                   const char *rate_value, const char *rate_error)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    int st;
    json_t *s;
    STORE(web_api_call(req, "GET",
                       arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), NULL,
                       &st, &s, NULL));
    web_label_timeline(json_object_get(s, "timeline"), sg_event_label_zh);
    web_times(s);
    json_t *data = json_pack("{s:O, s:o}", "title", json_object_get(s, "title"), "s", s);
    if (json_is_true(json_object_get(s, "published")))
        json_object_set_new(
            data, "rate",
            json_pack("{s:o, s:s, s:s?, s:b}", "options", rating_options(rate_value), "action",
                      arena_printf(req->arena, "/suggestions/%lld/rating", (long long)id), "error",
                      rate_error, "thanks", kvlist_get(&req->query, "rated") != NULL));
    return web_page(req, res, status, "suggestion", data);
}

static enum yy_err get_suggestion(struct request *req, struct response *res)
{
    return suggestion_page(req, res, 200, NULL, NULL);
}

static enum yy_err post_suggestion_rating(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *value = kvlist_get(&in, "value");
    if (!value || !concern_rating_valid(value))
        return suggestion_page(req, res, 400, value, "请选择满意、基本满意或不满意");
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/suggestions/%lld/ratings", (long long)id),
        json_pack("{s:s}", "value", value), &st, &out, NULL);
    const char *back = arena_printf(req->arena, "/suggestions/%lld?rated=1", (long long)id);
    if (rc == YY_OK) {
        json_decref(out);
        return web_redirect(req, res, back);
    }
    /* rated before by this rater (a second submit) */
    if (rc == YY_CONFLICT && req->err.code && strcmp(req->err.code, "not_published"))
        return web_redirect(req, res, back);
    if (rc == YY_BAD_INPUT || rc == YY_FORBIDDEN)
        return suggestion_page(req, res, rc == YY_BAD_INPUT ? 400 : 403, value, req->err.message);
    return rc;
}

enum yy_err web_resident_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/", get_home},
        {"GET", "/stations/{id}", get_station},
        {"GET", "/stations/{id}/concern", get_concern_form},
        {"POST", "/stations/{id}/concern", post_concern_form},
        {"GET", "/concern", get_concern_form},
        {"POST", "/concern", post_concern_form},
        {"GET", "/concern/sent/{token}", get_concern_sent},
        {"GET", "/track", get_track_form},
        {"GET", "/track/{code}", get_track},
        {"POST", "/track/{code}/rating", post_track_rating},
        {"GET", "/suggestions", get_suggestions},
        {"GET", "/suggestions/{id}", get_suggestion},
        {"POST", "/suggestions/{id}/rating", post_suggestion_rating},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
