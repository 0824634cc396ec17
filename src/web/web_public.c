/* web_public.c - the public pages beyond the residents' basics (docs/WEB.md
 * "Pages"): activities (代表有约) with registration and cancelling,
 * reception-day booking (接待日预约) at a station, and the public dashboard
 * with its server-drawn charts.
 *
 * Everything with rules goes through the API's routes in-process
 * (web_api_call), so the pages do exactly what the API does for the same
 * caller: no resident's name or phone on any page but the submitter's own
 * result (and there only the code).  The creating forms (registering, booking)
 * are anonymous forms with a one-time form token; the claim, the API's write
 * and the recorded result are one transaction (store_webform_once), so a
 * double submit lands on the first one's result and nothing is made twice. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/concern.h"
#include "store/store.h"
#include "store/webform.h"
#include "web/chart.h"
#include "web/web.h"

/* Activities per page of the list. */
#define ACTIVITIES_PAGE 20
/* Reception days shown on a station's booking page. */
#define RECEPTION_DAYS 6
/* The largest chart (bytes of SVG). */
#define CHART_MAX ((size_t)256 * 1024)

static const char *const kinds[][2] = {{"learn", "共学"},    {"talk", "共话"},
                                       {"build", "共建"},    {"supervise", "共督"},
                                       {"evaluate", "共评"}, {"share", "共享"}};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* ---- small helpers ------------------------------------------------------------- */

/* The status of a page that shows an API refusal. */
static int err_status(enum yy_err rc)
{
    switch (rc) {
    case YY_BAD_INPUT:
        return 400;
    case YY_NOT_FOUND:
        return 404;
    case YY_CONFLICT:
        return 409;
    case YY_FORBIDDEN:
        return 403;
    default:
        return 500;
    }
}

/* An anonymous creating form: its API call, run by store_webform_once inside
 * the token's transaction; the answer is recorded as text. */
struct once_call {
    struct request *req;
    const char *path;
    json_t *body;            /* stolen by the call */
    const char *const *keep; /* the answer's keys recorded */
    bool ran;                /* the call was made (else: the token was claimed before) */
};

static enum yy_err once_fn(void *ctx, const char **result, struct yy_error *e)
{
    struct once_call *c = ctx;
    c->ran = true;
    int status;
    json_t *out;
    json_t *body = c->body;
    c->body = NULL;
    enum yy_err rc = web_api_call(c->req, "POST", c->path, body, &status, &out, NULL);
    if (rc != YY_OK) {
        *e = c->req->err;
        return rc;
    }
    json_t *kept = json_object();
    for (size_t i = 0; c->keep[i]; i++) {
        json_t *v = json_object_get(out, c->keep[i]);
        if (v)
            json_object_set(kept, c->keep[i], v);
    }
    json_decref(out);
    char *text = json_dumps(kept, JSON_COMPACT);
    json_decref(kept);
    if (!text)
        return yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
    *result = arena_strdup(c->req->arena, text);
    free(text);
    return YY_OK;
}

/* Runs the call once for the form token: YY_OK (done now) or YY_CONFLICT
 * with c->ran false (done by an earlier submit of the same form) both mean
 * "go to the result page"; anything else is the API's refusal in req->err. */
static enum yy_err submit_once(struct request *req, const char *token, struct once_call *c)
{
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    const char *result;
    c->req = req;
    enum yy_err rc = store_webform_once(api_app(req)->db, req->arena, hash, time_now(), once_fn, c,
                                        &result, &req->err);
    json_decref(c->body);
    c->body = NULL;
    if (rc == YY_CONFLICT && !c->ran)
        return YY_OK;
    return rc;
}

/* The recorded result of a form token: YY_NOT_FOUND when it was never used. */
static enum yy_err form_result(struct request *req, json_t **out)
{
    const char *result;
    STORE(web_form_result(req, &result));
    *out = result ? json_loads(result, 0, NULL) : NULL;
    if (!*out)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    return YY_OK;
}

static const char *kind_label(const char *k)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (k && !strcmp(kinds[i][0], k))
            return kinds[i][1];
    return NULL;
}

/* The streets (and the development zone) for a select, the chosen one marked. */
static enum yy_err street_options(struct request *req, int64_t chosen, json_t **out,
                                  const char **chosen_name)
{
    struct region *regions;
    size_t n;
    STORE(store_regions_all(api_app(req)->db, req->arena, &regions, &n, &req->err));
    json_t *a = json_array();
    if (chosen_name)
        *chosen_name = NULL;
    for (size_t i = 0; i < n; i++) {
        if (regions[i].kind != REGION_STREET && regions[i].kind != REGION_DEV_ZONE)
            continue;
        if (regions[i].id == chosen && chosen_name)
            *chosen_name = regions[i].name;
        json_array_append_new(a,
                              json_pack("{s:I, s:s, s:b}", "id", (json_int_t)regions[i].id, "name",
                                        regions[i].name, "selected", regions[i].id == chosen));
    }
    *out = a;
    return YY_OK;
}

/* ---- activities: the list ----------------------------------------------------------- */

static enum yy_err get_activities(struct request *req, struct response *res)
{
    const char *kind = kvlist_get(&req->query, "kind");
    const char *street_q = kvlist_get(&req->query, "street");
    const char *station_q = kvlist_get(&req->query, "station");
    const char *month = kvlist_get(&req->query, "month");
    const char *cursor = kvlist_get(&req->query, "cursor");
    int status = 200;
    json_t *f =
        json_pack("{s:{s:s}, s:{}, s:{}}", "month", "value", month ? month : "", "kind", "street");
    const char *q = ""; /* the filters understood, for the API and the next page */
    if (kind && *kind) {
        if (!kind_label(kind)) {
            json_object_set_new(json_object_get(f, "kind"), "error",
                                json_string("请从列表中选择活动类型"));
            status = 400;
        } else {
            q = arena_printf(req->arena, "%s&kind=%s", q, kind);
        }
    }
    int64_t street = 0, station = 0;
    if (street_q && *street_q) {
        if (!parse_int64(street_q, 1, INT64_MAX, &street)) {
            json_object_set_new(json_object_get(f, "street"), "error",
                                json_string("请从列表中选择街道"));
            status = 400;
            street = 0;
        } else {
            q = arena_printf(req->arena, "%s&street=%lld", q, (long long)street);
        }
    }
    if (station_q && *station_q) {
        if (!parse_int64(station_q, 1, INT64_MAX, &station))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "站点参数无效", "station");
        q = arena_printf(req->arena, "%s&station=%lld", q, (long long)station);
    }
    if (month && *month) {
        int y, m;
        char tail;
        if (strlen(month) != 7 || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 ||
            y > 2100 || m < 1 || m > 12) {
            json_object_set_new(json_object_get(f, "month"), "error",
                                json_string("月份格式应为“年-月”,例如 2026-12"));
            status = 400;
        } else {
            q = arena_printf(req->arena, "%s&month=%04d-%02d", q, y, m);
        }
    }
    const char *street_name = NULL;
    json_t *streets;
    STORE(street_options(req, street, &streets, &street_name));
    json_t *kind_opts = json_array();
    for (size_t i = 0; i < N_KINDS; i++)
        json_array_append_new(kind_opts, json_pack("{s:s, s:s, s:b}", "value", kinds[i][0], "label",
                                                   kinds[i][1], "selected",
                                                   kind && !strcmp(kind, kinds[i][0])));
    json_t *data = json_pack("{s:s, s:o, s:o, s:o}", "title", "代表有约 · 活动", "f", f, "streets",
                             streets, "kinds", kind_opts);
    if (station)
        json_object_set_new(data, "station_id", json_integer(station));
    if (status != 200) {
        json_object_set_new(data, "items", json_array());
        json_object_set_new(data, "empty", json_true());
        return web_page(req, res, status, "public_activities", data);
    }
    /* the API's query: month becomes from/to */
    const char *api_q = arena_printf(req->arena, "limit=%d", ACTIVITIES_PAGE);
    if (kind && *kind)
        api_q = arena_printf(req->arena, "%s&kind=%s", api_q, kind);
    if (street)
        api_q = arena_printf(req->arena, "%s&street=%lld", api_q, (long long)street);
    if (station)
        api_q = arena_printf(req->arena, "%s&station=%lld", api_q, (long long)station);
    if (month && *month) {
        int y, m;
        sscanf(month, "%4d-%2d", &y, &m);
        int64_t next = time_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : (unsigned)m + 1, 1);
        int64_t ly;
        unsigned lm, ld;
        time_civil_from_days(next - 1, &ly, &lm, &ld);
        api_q = arena_printf(req->arena, "%s&from=%04d-%02d-01&to=%04lld-%02u-%02u", api_q, y, m,
                             (long long)ly, lm, ld);
    }
    if (cursor && *cursor) {
        if (!web_token_chars(cursor, 64)) {
            json_decref(data);
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "分页参数无效", "cursor");
        }
        api_q = arena_printf(req->arena, "%s&cursor=%s", api_q, cursor);
    }
    int st;
    json_t *out;
    enum yy_err rc =
        web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/activities?%s", api_q), NULL,
                     &st, &out, NULL);
    if (rc != YY_OK) {
        json_decref(data);
        return rc;
    }
    /* the published ones only: staff's drafts belong on their own pages */
    json_t *items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "status")) ?: "", "draft"))
            continue;
        json_object_set_new(
            it, "is_open",
            json_boolean(!strcmp(json_string_value(json_object_get(it, "status")), "open")));
        json_array_append(items, it);
    }
    web_times(items);
    json_object_set_new(data, "empty", json_boolean(json_array_size(items) == 0));
    json_object_set_new(data, "items", items);
    if (street_name)
        json_object_set_new(data, "street_name", json_string(street_name));
    const char *next = json_string_value(json_object_get(out, "next_cursor"));
    if (next && web_token_chars(next, 64))
        json_object_set_new(
            data, "next",
            json_string(arena_printf(req->arena, "/activities?cursor=%s%s", next, q)));
    json_decref(out);
    return web_page(req, res, 200, "public_activities", data);
}

/* ---- activities: one, with the registration form ---------------------------------------- */

static const char *const reg_fields[] = {"name", "phone", NULL};

/* The activity of the path's id as the API shows it to the caller (*a, the
 * caller decrefs); 404 活动不存在 when the API has none. */
static enum yy_err path_activity(struct request *req, int64_t *id, json_t **a)
{
    STORE(web_path_int(req, "id", id));
    int st;
    enum yy_err rc = web_api_call(
        req, "GET", arena_printf(req->arena, "/api/v1/activities/%lld", (long long)*id), NULL, &st,
        a, NULL);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "活动不存在", NULL);
    return rc;
}

/* The activity page; in: the registration form as sent (or NULL), err: its
 * refusal, token: the form's token to keep. */
static enum yy_err activity_page(struct request *req, struct response *res, int status,
                                 const struct kvlist *in, const struct yy_error *err,
                                 const char *token)
{
    int64_t id;
    json_t *a;
    STORE(path_activity(req, &id, &a));
    const char *status_name = json_string_value(json_object_get(a, "status")) ?: "";
    if (!strcmp(status_name, "draft")) { /* not published: not a public page */
        json_decref(a);
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "活动不存在", NULL);
    }
    int64_t starts = 0;
    time_parse_rfc3339(json_string_value(json_object_get(a, "starts_at")) ?: "", &starts);
    bool open = !strcmp(status_name, "open");
    bool can_register =
        open && starts > time_now() && json_integer_value(json_object_get(a, "capacity")) > 0;
    /* the concerns raised there: their status only */
    json_t *concerns = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(a, "concerns"), i, c)
        json_array_append_new(concerns, json_pack("{s:i, s:O}", "n", (int)i + 1, "status_label",
                                                  json_object_get(c, "status_label")));
    json_object_del(a, "concerns");
    json_object_del(a, "registrations"); /* staff see them on their own pages */
    json_t *invited = json_array(), *attended = json_array();
    json_t *d;
    json_array_foreach(json_object_get(a, "deputies"), i, d)
    {
        if (json_is_true(json_object_get(d, "invited")))
            json_array_append_new(invited, json_pack("{s:O}", "name", json_object_get(d, "name")));
        if (json_is_true(json_object_get(d, "attended")))
            json_array_append_new(attended, json_pack("{s:O}", "name", json_object_get(d, "name")));
    }
    web_times(a);
    json_t *data =
        json_pack("{s:O, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b}", "title",
                  json_object_get(a, "title"), "a", a, "concerns", concerns, "invited", invited,
                  "attended", attended, "is_open", open, "is_closed",
                  !strcmp(status_name, "closed"), "is_cancelled", !strcmp(status_name, "cancelled"),
                  "full", json_integer_value(json_object_get(a, "places_left")) <= 0);
    if (json_array_size(concerns))
        json_object_set_new(data, "has_concerns", json_true());
    if (kvlist_get(&req->query, "cancelled"))
        json_object_set_new(data, "cancelled_notice", json_true());
    if (can_register) {
        bool placed = false;
        json_t *f = web_form_fields(in, reg_fields, err, &placed);
        char fresh[TOKEN_LEN + 1];
        if (!token) {
            token_new(fresh);
            token = fresh;
        }
        json_object_set_new(
            data, "reg",
            json_pack("{s:o, s:s, s:s, s:s?, s:b}", "f", f, "form_token", token, "action",
                      arena_printf(req->arena, "/activities/%lld/register", (long long)id), "error",
                      err && !placed ? err->message : NULL, "has_errors", err != NULL));
    } else if (err) {
        json_object_set_new(data, "error", json_string(err->message));
    }
    if (open)
        json_object_set_new(
            data, "cancel_url",
            json_string(arena_printf(req->arena, "/activities/%lld/cancel", (long long)id)));
    return web_page(req, res, status, "public_activity", data);
}

static enum yy_err get_activity(struct request *req, struct response *res)
{
    return activity_page(req, res, 200, NULL, NULL, NULL);
}

static enum yy_err post_register(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token)) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "表单已失效,请重新提交"};
        return activity_page(req, res, 400, &in, &e, NULL);
    }
    json_t *body = json_object();
    for (size_t i = 0; reg_fields[i]; i++) {
        const char *v = kvlist_get(&in, reg_fields[i]);
        /* blank with a login: the account registers (the API's rule) */
        if (v && (*v || api_caller(req)->via == AUTH_NONE))
            json_object_set_new(body, reg_fields[i], json_string(v));
    }
    static const char *const keep[] = {"status",   "status_label",      "check_in_code",
                                       "position", "waitlist_position", NULL};
    struct once_call c = {
        .path = arena_printf(req->arena, "/api/v1/activities/%lld/registrations", (long long)id),
        .body = body,
        .keep = keep};
    enum yy_err rc = submit_once(req, token, &c);
    if (rc == YY_OK)
        return web_redirect(
            req, res,
            arena_printf(req->arena, "/activities/%lld/registered/%s", (long long)id, token));
    if (rc == YY_BAD_INPUT || rc == YY_CONFLICT || (rc == YY_NOT_FOUND && req->err.field != NULL)) {
        struct yy_error keep_err = req->err;
        return activity_page(req, res, err_status(rc), &in, &keep_err, token);
    }
    return rc;
}

static enum yy_err get_registered(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    json_t *r;
    STORE(form_result(req, &r));
    json_t *data = json_pack(
        "{s:s, s:o, s:I, s:b}", "title", "报名结果", "r", r, "activity_id", (json_int_t)id,
        "waitlisted", !strcmp(json_string_value(json_object_get(r, "status")) ?: "", "waitlisted"));
    return web_page(req, res, 200, "public_registered", data);
}

/* ---- activities: cancelling a registration ------------------------------------------------ */

static const char *const cancel_fields[] = {"check_in_code", "phone", NULL};

static enum yy_err cancel_form(struct request *req, struct response *res, int status,
                               const struct kvlist *in, const struct yy_error *err)
{
    int64_t id;
    json_t *a;
    STORE(path_activity(req, &id, &a));
    bool placed = false;
    json_t *f = web_form_fields(in, cancel_fields, err, &placed);
    json_t *data =
        json_pack("{s:s, s:{s:I, s:O}, s:o, s:s, s:s?, s:b}", "title", "取消报名", "a", "id",
                  (json_int_t)id, "title", json_object_get(a, "title"), "f", f, "action",
                  arena_printf(req->arena, "/activities/%lld/cancel", (long long)id), "error",
                  err && !placed ? err->message : NULL, "has_errors", err != NULL);
    json_decref(a);
    return web_page(req, res, status, "public_cancel", data);
}

static enum yy_err get_cancel(struct request *req, struct response *res)
{
    return cancel_form(req, res, 200, NULL, NULL);
}

static enum yy_err post_cancel(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    json_t *body = json_object();
    for (size_t i = 0; cancel_fields[i]; i++) {
        const char *v = kvlist_get(&in, cancel_fields[i]);
        if (v && *v)
            json_object_set_new(body, cancel_fields[i], json_string(v));
    }
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST",
        arena_printf(req->arena, "/api/v1/activities/%lld/registrations/cancel", (long long)id),
        body, &st, &out, NULL);
    const char *back = arena_printf(req->arena, "/activities/%lld?cancelled=1", (long long)id);
    if (rc == YY_OK) {
        json_decref(out);
        return web_redirect(req, res, back);
    }
    /* cancelled already (a second submit of the same form): the same page */
    if (rc == YY_CONFLICT && req->err.code && !strcmp(req->err.code, "already_cancelled"))
        return web_redirect(req, res, back);
    if (rc == YY_BAD_INPUT || rc == YY_CONFLICT ||
        (rc == YY_NOT_FOUND && req->err.code && !strcmp(req->err.code, "unknown_registration"))) {
        struct yy_error e = req->err;
        if (rc == YY_NOT_FOUND)
            e.field = "check_in_code";
        return cancel_form(req, res, err_status(rc), &in, &e);
    }
    return rc;
}

/* ---- reception days: booking ---------------------------------------------------------------- */

static const char *const book_fields[] = {"slot", "name", "phone", NULL};

static enum yy_err reception_page(struct request *req, struct response *res, int status,
                                  const struct kvlist *in, const struct yy_error *err,
                                  const char *token, const struct kvlist *cin,
                                  const struct yy_error *cerr)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct station s;
    enum yy_err rc = store_station_get(api_app(req)->db, req->arena, id, &s, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "站点不存在", NULL);
    STORE(rc);
    int st;
    json_t *out;
    STORE(web_api_call(req, "GET",
                       arena_printf(req->arena, "/api/v1/stations/%lld/reception-days?limit=%d",
                                    (long long)id, RECEPTION_DAYS),
                       NULL, &st, &out, NULL));
    const char *chosen = in ? kvlist_get(in, "slot") : NULL;
    json_t *days = json_object_get(out, "items");
    json_t *options = json_array();
    int64_t now = time_now();
    size_t i, j;
    json_t *day, *slot;
    json_array_foreach(days, i, day)
    {
        const char *date = json_string_value(json_object_get(day, "date")) ?: "";
        json_array_foreach(json_object_get(day, "slots"), j, slot)
        {
            int64_t t = 0;
            time_parse_rfc3339(json_string_value(json_object_get(slot, "starts_at")) ?: "", &t);
            json_int_t free_places = json_integer_value(json_object_get(slot, "free"));
            const char *start = json_string_value(json_object_get(slot, "start")) ?: "";
            if (t <= now || free_places <= 0)
                continue;
            const char *value = arena_printf(req->arena, "%s %s", date, start);
            json_array_append_new(options,
                                  json_pack("{s:s, s:s, s:b}", "value", value, "label",
                                            arena_printf(req->arena, "%s %s(剩%lld个)", date, start,
                                                         (long long)free_places),
                                            "selected", chosen && !strcmp(chosen, value)));
        }
    }
    web_times(days);
    bool placed = false;
    json_t *f = web_form_fields(in, book_fields, err, &placed);
    char fresh[TOKEN_LEN + 1];
    if (!token) {
        token_new(fresh);
        token = fresh;
    }
    static const char *const code_field[] = {"code", NULL};
    bool cplaced = false;
    json_t *cf = web_form_fields(cin, code_field, cerr, &cplaced);
    json_t *data = json_pack(
        "{s:s, s:{s:I, s:s, s:s}, s:O, s:b, s:o, s:b, s:o, s:s, s:s, s:s?, s:b, s:o, s:s, s:s?}",
        "title", arena_printf(req->arena, "%s · 接待日预约", s.name), "station", "id",
        (json_int_t)s.id, "name", s.name, "rule", s.reception_rule ? s.reception_rule : "", "days",
        days, "no_days", json_array_size(days) == 0, "options", options, "bookable",
        json_array_size(options) > 0, "f", f, "form_token", token, "action",
        arena_printf(req->arena, "/stations/%lld/reception", (long long)id), "error",
        err && !placed ? err->message : NULL, "has_errors", err != NULL, "cf", cf, "cancel_action",
        arena_printf(req->arena, "/stations/%lld/reception/cancel", (long long)id), "cancel_error",
        cerr && !cplaced ? cerr->message : NULL);
    json_decref(out);
    if (kvlist_get(&req->query, "cancelled"))
        json_object_set_new(data, "cancelled_notice", json_true());
    return web_page(req, res, status, "public_reception", data);
}

static enum yy_err get_reception(struct request *req, struct response *res)
{
    return reception_page(req, res, 200, NULL, NULL, NULL, NULL, NULL);
}

static enum yy_err post_booking(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token)) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "表单已失效,请重新提交"};
        return reception_page(req, res, 400, &in, &e, NULL, NULL, NULL);
    }
    /* "YYYY-MM-DD HH:MM" as the select gives it */
    const char *slot = kvlist_get(&in, "slot");
    bool shaped = slot && strlen(slot) == 16 && slot[10] == ' ' && slot[13] == ':';
    for (size_t i = 0; shaped && i < 16; i++)
        if (i != 4 && i != 7 && i != 10 && i != 13 && (slot[i] < '0' || slot[i] > '9'))
            shaped = false;
    if (shaped && (slot[4] != '-' || slot[7] != '-'))
        shaped = false;
    if (!shaped) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "请选择预约的时段", .field = "slot"};
        return reception_page(req, res, 400, &in, &e, token, NULL, NULL);
    }
    json_t *body = json_pack("{s:s}", "slot", slot + 11);
    for (size_t i = 1; book_fields[i]; i++) {
        const char *v = kvlist_get(&in, book_fields[i]);
        if (v && (*v || api_caller(req)->via == AUTH_NONE))
            json_object_set_new(body, book_fields[i], json_string(v));
    }
    static const char *const keep[] = {"code", "status",      "starts_at", "ends_at",
                                       "date", "provisional", NULL};
    struct once_call c = {
        .path = arena_printf(req->arena, "/api/v1/stations/%lld/reception-days/%.10s/bookings",
                             (long long)id, slot),
        .body = body,
        .keep = keep};
    enum yy_err rc = submit_once(req, token, &c);
    if (rc == YY_OK)
        return web_redirect(
            req, res,
            arena_printf(req->arena, "/stations/%lld/reception/booked/%s", (long long)id, token));
    if (rc == YY_BAD_INPUT || rc == YY_CONFLICT || rc == YY_NOT_FOUND) {
        struct yy_error e = req->err;
        if (rc == YY_NOT_FOUND || (e.code && !strcmp(e.code, "slot_full")) ||
            (e.code && !strcmp(e.code, "reception_day_passed")))
            e.field = "slot";
        return reception_page(req, res, err_status(rc), &in, &e, token, NULL, NULL);
    }
    return rc;
}

static enum yy_err get_booked(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    json_t *r;
    STORE(form_result(req, &r));
    web_times(r);
    return web_page(
        req, res, 200, "public_booked",
        json_pack("{s:s, s:o, s:I}", "title", "预约成功", "r", r, "station_id", (json_int_t)id));
}

static enum yy_err post_booking_cancel(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *raw = kvlist_get(&in, "code");
    /* blanks and dashes as people type them */
    char *code = arena_strdup(req->arena, raw ? raw : "");
    size_t n = 0;
    for (const char *p = raw ? raw : ""; *p; p++)
        if (*p != ' ' && *p != '-')
            code[n++] = *p;
    code[n] = '\0';
    if (!web_token_chars(code, 32)) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "请输入预约码", .field = "code"};
        return reception_page(req, res, 400, NULL, NULL, NULL, &in, &e);
    }
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/reception-bookings/%s/cancel", code), NULL,
        &st, &out, NULL);
    const char *back =
        arena_printf(req->arena, "/stations/%lld/reception?cancelled=1", (long long)id);
    if (rc == YY_OK) {
        json_decref(out);
        return web_redirect(req, res, back);
    }
    if (rc == YY_NOT_FOUND || rc == YY_BAD_INPUT || rc == YY_CONFLICT) {
        struct yy_error e = req->err;
        e.field = "code";
        /* a 409 keeps the API's own message: 该预约已取消 (a second submit
         * of the same form) or 该预约已到场,不能取消 */
        if (rc == YY_NOT_FOUND)
            e.message = "预约码不存在,请核对后重新输入";
        return reception_page(req, res, err_status(rc), NULL, NULL, NULL, &in, &e);
    }
    return rc;
}

/* ---- the dashboard ----------------------------------------------------------------------- */

/* A chart and its table: {"id", "heading", "svg", "rows": [{"label", "value"}]}. */
static json_t *chart_block(const char *id, const char *heading, struct buf *svg,
                           const struct chart_item *items, size_t n, const char *unit)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++) {
        char v[64];
        chart_format_value(v, sizeof(v), items[i].value, unit);
        json_array_append_new(rows, json_pack("{s:s, s:s}", "label", items[i].label, "value", v));
    }
    return json_pack("{s:s, s:s, s:s%, s:o, s:b, s:b}", "id", id, "heading", heading, "svg",
                     svg->data ? svg->data : "", svg->len, "rows", rows, "empty", n == 0,
                     "has_rows", n > 0);
}

static const char *rate_text(struct arena *a, json_t *v)
{
    if (!json_is_number(v))
        return "暂无数据";
    return arena_printf(a, "%.1f%%", json_number_value(v) * 100);
}

static enum yy_err dashboard_render(struct request *req, struct response *res)
{
    const char *from = kvlist_get(&req->query, "from");
    const char *to = kvlist_get(&req->query, "to");
    const char *street_q = kvlist_get(&req->query, "street");
    int64_t street = 0;
    static const char *const names[] = {"from", "to", "street", NULL};
    struct kvlist shown = req->query;
    const char *q = "";
    /* dates go back into the API's query: digits and dashes only, else the API's 400 */
    struct yy_error bad = {0};
    bool has_bad = false;
    if (from && *from) {
        bool ok = strlen(from) <= 10;
        for (const char *p = from; ok && *p; p++)
            ok = (*p >= '0' && *p <= '9') || *p == '-';
        if (!ok) {
            bad = (struct yy_error){
                .kind = YY_BAD_INPUT, .message = "日期格式应为 2026-01-01", .field = "from"};
            has_bad = true;
        } else {
            q = arena_printf(req->arena, "%s&from=%s", q, from);
        }
    }
    if (to && *to) {
        bool ok = strlen(to) <= 10;
        for (const char *p = to; ok && *p; p++)
            ok = (*p >= '0' && *p <= '9') || *p == '-';
        if (!ok && !has_bad) {
            bad = (struct yy_error){
                .kind = YY_BAD_INPUT, .message = "日期格式应为 2026-12-31", .field = "to"};
            has_bad = true;
        } else if (ok) {
            q = arena_printf(req->arena, "%s&to=%s", q, to);
        }
    }
    if (street_q && *street_q) {
        if (!parse_int64(street_q, 1, INT64_MAX, &street)) {
            if (!has_bad)
                bad = (struct yy_error){
                    .kind = YY_BAD_INPUT, .message = "请从列表中选择街道", .field = "street"};
            has_bad = true;
            street = 0;
        } else {
            q = arena_printf(req->arena, "%s&street=%lld", q, (long long)street);
        }
    }
    json_t *streets;
    const char *street_name = NULL;
    STORE(street_options(req, street, &streets, &street_name));
    json_t *stats = NULL;
    int st;
    if (!has_bad) {
        enum yy_err rc =
            web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/stats?%s", *q ? q + 1 : ""),
                         NULL, &st, &stats, NULL);
        if (rc == YY_BAD_INPUT) {
            bad = req->err;
            has_bad = true;
            if (!bad.field || (strcmp(bad.field, "from") && strcmp(bad.field, "to") &&
                               strcmp(bad.field, "street")))
                bad.field = "to";
        } else if (rc != YY_OK) {
            json_decref(streets);
            return rc;
        }
    }
    bool placed = false;
    json_t *f = web_form_fields(&shown, names, has_bad ? &bad : NULL, &placed);
    json_t *data = json_pack("{s:s, s:o, s:o}", "title", "数据看板", "f", f, "streets", streets);
    if (has_bad) {
        json_object_set_new(data, "has_errors", json_true());
        return web_page(req, res, 400, "public_dashboard", data);
    }
    struct arena *A = req->arena;
    json_t *period = json_pack("{s:O, s:O, s:s?, s:O}", "from", json_object_get(stats, "from"),
                               "to", json_object_get(stats, "to"), "street", street_name, "as_of",
                               json_object_get(stats, "as_of"));
    const char *as_of = json_string_value(json_object_get(stats, "as_of"));
    if (as_of && strlen(as_of) >= 16) /* "YYYY-MM-DD HH:MM", China time as the API writes it */
        json_object_set_new(period, "as_of",
                            json_string(arena_printf(A, "%.10s %.5s", as_of, as_of + 11)));
    json_object_set_new(data, "period", period);
    json_t *acts = json_object_get(stats, "activities");
    json_t *solved = json_object_get(stats, "solved_by_category");
    json_int_t solved_total = 0;
    size_t i;
    json_t *v;
    json_array_foreach(solved, i, v) solved_total +=
        json_integer_value(json_object_get(v, "total"));
    json_object_set_new(data, "headline",
                        json_pack("{s:I, s:I, s:I, s:I, s:I}", "held",
                                  json_integer_value(json_object_get(acts, "held")), "attendances",
                                  json_integer_value(json_object_get(acts, "deputy_attendances")),
                                  "solved", solved_total, "checked_in",
                                  json_integer_value(json_object_get(acts, "residents_checked_in")),
                                  "upcoming",
                                  json_integer_value(json_object_get(acts, "upcoming"))));
    json_t *recs = json_object_get(stats, "receptions");
    json_object_set_new(
        data, "receptions",
        json_pack("{s:I, s:I, s:I}", "held", json_integer_value(json_object_get(recs, "held")),
                  "received", json_integer_value(json_object_get(recs, "residents_received")),
                  "attendances", json_integer_value(json_object_get(recs, "deputy_attendances"))));
    json_t *charts = json_array();
    struct buf svg;
    buf_init(&svg, CHART_MAX);
    enum yy_err rc = YY_OK;
    /* 1. the rates against their target (100%) */
    {
        json_t *c = json_object_get(stats, "concerns");
        json_t *h = json_object_get(json_object_get(stats, "suggestions"), "handling");
        json_t *pr = json_object_get(json_object_get(stats, "suggestions"), "public_ratings");
        struct {
            const char *label;
            json_t *v;
        } rates[] = {
            {"民呼响应率", json_object_get(c, "response_rate")},
            {"民呼解决率", json_object_get(c, "resolution_rate")},
            {"民呼满意率", json_object_get(c, "satisfaction_rate")},
            {"建议办复率", json_object_get(h, "reply_rate")},
            {"按期办复率", json_object_get(h, "on_time_rate")},
            {"见面率", json_object_get(h, "meeting_rate")},
            {"网上评满意率", json_object_get(pr, "satisfaction_rate")},
        };
        struct chart_item items[8];
        size_t n = 0;
        json_t *rows = json_array();
        for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
            json_array_append_new(rows, json_pack("{s:s, s:s}", "label", rates[k].label, "value",
                                                  rate_text(A, rates[k].v)));
            if (json_is_number(rates[k].v))
                items[n++] =
                    (struct chart_item){rates[k].label, json_number_value(rates[k].v) * 100};
        }
        struct chart_opts o = {.id = "rates",
                               .title = "各项比率与目标",
                               .desc = "每一条是一个比率,竖线是目标 100%;没有数据的比率不画",
                               .unit = "%",
                               .max = 100,
                               .has_target = true,
                               .target = 100,
                               .target_label = "目标"};
        buf_reset(&svg);
        if (rc == YY_OK && n)
            rc = chart_hbar(&svg, &o, items, n);
        json_t *b = chart_block("rates", "各项比率(目标 100%)", &svg, items, 0, NULL);
        json_object_set_new(b, "rows", rows); /* every rate, "暂无数据" where none */
        json_object_set_new(b, "empty", json_boolean(n == 0));
        json_object_set_new(b, "has_rows", json_true());
        json_array_append_new(charts, b);
    }
    /* 2. activities held by kind */
    {
        struct chart_item items[8];
        size_t n = 0;
        json_array_foreach(json_object_get(acts, "by_kind"), i, v) if (n < 8) items[n++] =
            (struct chart_item){json_string_value(json_object_get(v, "label")) ?: "",
                                (double)json_integer_value(json_object_get(v, "held"))};
        struct chart_opts o = {.id = "kinds", .title = "代表有约:各类活动举办场次", .unit = "场"};
        buf_reset(&svg);
        if (rc == YY_OK && n)
            rc = chart_hbar(&svg, &o, items, n);
        json_array_append_new(charts,
                              chart_block("kinds", "各类活动举办场次", &svg, items, n, "场"));
    }
    /* 3. activities by month */
    {
        size_t total = json_array_size(json_object_get(acts, "by_month"));
        struct chart_item *items = arena_alloc(A, (total ? total : 1) * sizeof(*items));
        size_t n = 0;
        json_array_foreach(json_object_get(acts, "by_month"), i, v)
        {
            const char *m = json_string_value(json_object_get(v, "month")) ?: "";
            items[n++] = (struct chart_item){
                strlen(m) == 7 ? arena_printf(A, "%s月", m[5] == '0' ? m + 6 : m + 5) : m,
                (double)json_integer_value(json_object_get(v, "held"))};
        }
        struct chart_opts o = {.id = "months", .title = "代表有约:每月举办场次", .unit = "场"};
        buf_reset(&svg);
        if (rc == YY_OK && n)
            rc = chart_months(&svg, &o, items, n, CHART_COLUMNS);
        json_array_append_new(charts, chart_block("months", "每月举办场次", &svg, items, n, "场"));
    }
    /* 3b. reception days held by month */
    {
        size_t total = json_array_size(json_object_get(recs, "by_month"));
        struct chart_item *items = arena_alloc(A, (total ? total : 1) * sizeof(*items));
        size_t n = 0;
        json_array_foreach(json_object_get(recs, "by_month"), i, v)
        {
            const char *m = json_string_value(json_object_get(v, "month")) ?: "";
            items[n++] = (struct chart_item){
                strlen(m) == 7 ? arena_printf(A, "%s月", m[5] == '0' ? m + 6 : m + 5) : m,
                (double)json_integer_value(json_object_get(v, "held"))};
        }
        struct chart_opts o = {
            .id = "reception_months", .title = "接待日:每月接待场次", .unit = "场"};
        buf_reset(&svg);
        if (rc == YY_OK && n)
            rc = chart_months(&svg, &o, items, n, CHART_COLUMNS);
        json_array_append_new(
            charts, chart_block("reception_months", "接待日:每月接待场次", &svg, items, n, "场"));
    }
    /* 4. problems solved by kind */
    {
        size_t total = json_array_size(solved);
        struct chart_item *items = arena_alloc(A, (total ? total : 1) * sizeof(*items));
        size_t n = 0;
        json_array_foreach(solved, i, v) items[n++] =
            (struct chart_item){json_string_value(json_object_get(v, "category")) ?: "",
                                (double)json_integer_value(json_object_get(v, "total"))};
        struct chart_opts o = {.id = "solved", .title = "解决的问题(按类别)", .unit = "件"};
        buf_reset(&svg);
        if (rc == YY_OK && n)
            rc = chart_hbar(&svg, &o, items, n);
        json_array_append_new(charts,
                              chart_block("solved", "解决的问题(按类别)", &svg, items, n, "件"));
    }
    /* 5. concerns by status */
    {
        json_t *bs = json_object_get(json_object_get(stats, "concerns"), "by_status");
        struct chart_item items[16];
        size_t n = 0;
        const char *key;
        json_object_foreach(bs, key, v)
        {
            enum cn_state s;
            if (n < 16 && cn_state_from_name(key, &s))
                items[n++] =
                    (struct chart_item){cn_state_label_zh(s), (double)json_integer_value(v)};
        }
        struct chart_opts o = {.id = "concerns", .title = "民呼:各状态的问题数", .unit = "件"};
        buf_reset(&svg);
        if (rc == YY_OK && n)
            rc = chart_hbar(&svg, &o, items, n);
        json_array_append_new(charts,
                              chart_block("concerns", "民呼:各状态的问题数", &svg, items, n, "件"));
    }
    buf_release(&svg);
    json_decref(stats);
    if (rc != YY_OK) {
        json_decref(charts);
        json_decref(data);
        if (req->err.kind == YY_OK)
            return yy_fail(&req->err, rc, NULL, NULL, NULL);
        return rc;
    }
    json_object_set_new(data, "charts", charts);
    json_object_set_new(
        data, "map_url",
        json_string(street ? arena_printf(A, "/dashboard/map?street=%lld", (long long)street)
                           : "/dashboard/map"));
    return web_page(req, res, 200, "public_dashboard", data);
}

/* The station map, on a page of its own: 128 linked points are about 30 KB,
 * which would take the dashboard past 50 KB.  Its table: the stations of the
 * street chosen, or for the district each street's count with a link to the
 * street's list of stations on the home page. */
static enum yy_err map_render(struct request *req, struct response *res)
{
    struct arena *A = req->arena;
    const char *street_q = kvlist_get(&req->query, "street");
    int64_t street = 0;
    if (street_q && *street_q && !parse_int64(street_q, 1, INT64_MAX, &street))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "请从列表中选择街道",
                       "street");
    json_t *streets;
    const char *street_name = NULL;
    STORE(street_options(req, street, &streets, &street_name));
    if (street && !street_name) {
        json_decref(streets);
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "没有这个街道", NULL);
    }
    struct station_filter sf = {.street_id = street};
    struct station *sts;
    size_t n;
    struct region *regions;
    size_t n_regions;
    enum yy_err rc = store_stations_list(api_app(req)->db, A, &sf, &sts, &n, &req->err);
    if (rc == YY_OK)
        rc = store_regions_all(api_app(req)->db, A, &regions, &n_regions, &req->err);
    if (rc != YY_OK) {
        json_decref(streets);
        return rc;
    }
    struct chart_point *pts = arena_alloc(A, (n ? n : 1) * sizeof(*pts));
    json_t *rows = json_array();
    for (size_t k = 0; k < n; k++) {
        const char *sname = NULL;
        for (size_t r = 0; r < n_regions; r++)
            if (regions[r].id == sts[k].street_id)
                sname = regions[r].name;
        pts[k] = (struct chart_point){sts[k].id, sts[k].name, sname, sts[k].lat, sts[k].lon};
        if (street)
            json_array_append_new(rows, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sts[k].id,
                                                  "name", sts[k].name, "address",
                                                  sts[k].address ? sts[k].address : ""));
    }
    if (!street) { /* per street: how many, and where to find them */
        size_t k;
        json_t *s;
        json_array_foreach(streets, k, s)
        {
            json_int_t sid = json_integer_value(json_object_get(s, "id"));
            int count = 0;
            for (size_t j = 0; j < n; j++)
                count += sts[j].street_id == sid;
            json_array_append_new(rows, json_pack("{s:I, s:O, s:i}", "id", sid, "name",
                                                  json_object_get(s, "name"), "count", count));
        }
    }
    struct chart_opts o = {.id = "map",
                           .title = street_name ? arena_printf(A, "%s代表联络站分布图", street_name)
                                                : "全区代表联络站分布图",
                           .desc = "每个点是一个联络站,点击进入站点页面"};
    struct buf svg;
    buf_init(&svg, CHART_MAX);
    if (n)
        rc = chart_map(&svg, &o, pts, n, street == 0);
    json_t *data =
        json_pack("{s:s, s:o, s:s%, s:o, s:i, s:s?, s:b}", "title", "代表联络站分布图", "streets",
                  streets, "svg", svg.data ? svg.data : "", svg.len, "rows", rows, "n", (int)n,
                  "street_name", street_name, "by_street", street == 0);
    buf_release(&svg);
    if (rc != YY_OK) {
        json_decref(data);
        return yy_fail(&req->err, rc, NULL, NULL, NULL);
    }
    return web_page(req, res, 200, "public_map", data);
}

static enum yy_err get_map(struct request *req, struct response *res)
{
    return web_cached(req, res, NULL, map_render);
}

static enum yy_err get_dashboard(struct request *req, struct response *res)
{
    /* the figures move with the clock (overdue, the default year): one entry per minute */
    return web_cached(req, res, arena_printf(req->arena, "%lld", (long long)(time_now() / 60)),
                      dashboard_render);
}

enum yy_err web_public_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/activities", get_activities},
        {"GET", "/activities/{id}", get_activity},
        {"POST", "/activities/{id}/register", post_register},
        {"GET", "/activities/{id}/registered/{token}", get_registered},
        {"GET", "/activities/{id}/cancel", get_cancel},
        {"POST", "/activities/{id}/cancel", post_cancel},
        {"GET", "/stations/{id}/reception", get_reception},
        {"POST", "/stations/{id}/reception", post_booking},
        {"GET", "/stations/{id}/reception/booked/{token}", get_booked},
        {"POST", "/stations/{id}/reception/cancel", post_booking_cancel},
        {"GET", "/dashboard", get_dashboard},
        {"GET", "/dashboard/map", get_map},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
