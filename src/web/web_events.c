/* web_events.c - the staff's pages for 代表有约 activities and reception days
 * (docs/WEB.md "Pages", docs/ACTIVITIES.md, docs/RECEPTIONS.md):
 *
 *   /staff/activities                 my scope's activities (drafts too), the plan form
 *   /staff/activities/{id}            one activity: registrations, the actions allowed
 *   /staff/activities/{id}/check-in   the clerk's check-in page at the door
 *   /staff/receptions[/{id}]          a station's schedule (edit) and next reception days
 *   /staff/receptions/{id}/days/{d}   a day: duty, bookings, walk-ins, the record
 *
 * Everything with rules goes through the API's routes in-process
 * (web_api_call), so a page does exactly what the API does for the same
 * caller: roles, scopes, masking, audit.  The pages themselves only check that
 * the caller is staff (admin, street_staff, community_staff) and narrow lists
 * and selects to the caller's scope.  Forms that create something (an
 * activity, a Q&A entry, a walk-in) carry a one-time form token
 * (store/webform.h); the others are state transitions or replacements that
 * cannot happen twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/activity.h"
#include "domain/auth.h"
#include "domain/reception.h"
#include "store/store.h"
#include "store/webform.h"
#include "web/web.h"

/* Activities per page of the list. */
#define ACTIVITIES_PAGE 50
/* Next reception days shown on a station's page. */
#define NEXT_DAYS 6

/* ---- helpers ------------------------------------------------------------------------ */

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The caller must be staff who run activities and receptions: 401 without a
 * login, 403 for other roles. */
static enum yy_err require_staff(struct request *req)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const struct user *u = &c->user;
    if (user_has_role(u, ROLE_ADMIN) || user_has_role(u, ROLE_STREET_STAFF) ||
        user_has_role(u, ROLE_COMMUNITY_STAFF))
        return YY_OK;
    return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "只有人大工作人员可以使用此页面", NULL);
}

/* Whether the caller is staff of something in this street / community. */
static bool in_scope(struct request *req, int64_t street_id, int64_t community_id)
{
    const struct user *u = &api_caller(req)->user;
    if (user_has_role(u, ROLE_ADMIN))
        return true;
    if (street_id && user_has_scoped_role(u, ROLE_STREET_STAFF, street_id))
        return true;
    return community_id && user_has_scoped_role(u, ROLE_COMMUNITY_STAFF, community_id);
}

static json_t *fresh_token(void)
{
    char t[TOKEN_LEN + 1];
    token_new(t);
    return json_string(t);
}

/* Every value of key in a form, as a JSON array of positive integers; false
 * when one is not. */
static bool form_ids(const struct kvlist *in, const char *key, json_t **out)
{
    json_t *a = json_array();
    for (size_t i = 0; i < in->n; i++) {
        if (strcmp(in->items[i].key, key) || !*in->items[i].value)
            continue;
        int64_t v;
        if (!parse_int64(in->items[i].value, 1, INT64_MAX, &v)) {
            json_decref(a);
            return false;
        }
        json_array_append_new(a, json_integer(v));
    }
    *out = a;
    return true;
}

/* "12, 15、20" as typed: a JSON array of integers; false when a part is not. */
static bool text_ids(struct arena *ar, const char *s, json_t **out)
{
    json_t *a = json_array();
    char *copy = arena_strdup(ar, s ? s : "");
    /* the Chinese enumeration comma and full-width comma are separators too */
    for (char *p = copy; *p; p++) {
        if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
            (unsigned char)p[2] == 0x81)
            p[0] = p[1] = p[2] = ' ';
        else if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC &&
                 (unsigned char)p[2] == 0x8C)
            p[0] = p[1] = p[2] = ' ';
    }
    char *save = NULL;
    for (char *t = strtok_r(copy, " ,;\t\r\n", &save); t; t = strtok_r(NULL, " ,;\t\r\n", &save)) {
        int64_t v;
        if (!parse_int64(t, 1, INT64_MAX, &v)) {
            json_decref(a);
            return false;
        }
        json_array_append_new(a, json_integer(v));
    }
    *out = a;
    return true;
}

static bool ids_has(json_t *ids, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (json_integer_value(v) == id) return true;
    return false;
}

/* f.NAME = {value, error?} for each name; the error goes beside its field, or
 * into "alert" when it names none of them.  Returns f. */
static json_t *form_fields(const struct kvlist *in, const char *const *names,
                           const struct yy_error *err)
{
    bool placed = false;
    json_t *f = web_form_fields(in, names, err, &placed);
    if (err && !placed)
        json_object_set_new(f, "alert",
                            json_string(err->message ? err->message : "提交的内容有误"));
    if (err)
        json_object_set_new(f, "has_errors", json_true());
    return f;
}

/* The stations in the caller's scope as options, the one chosen selected. */
static enum yy_err scope_stations(struct request *req, int64_t chosen, json_t **out)
{
    struct station_filter sf = {0};
    struct station *st;
    size_t n;
    STORE(store_stations_list(api_app(req)->db, req->arena, &sf, &st, &n, &req->err));
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        if (in_scope(req, st[i].street_id, st[i].community_id))
            json_array_append_new(a, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)st[i].id,
                                               "name", st[i].name, "selected", st[i].id == chosen));
    *out = a;
    return YY_OK;
}

/* ---- the activities' list and the plan form ------------------------------------------- */

static const struct {
    const char *name, *label;
} kinds[] = {
    {"learn", "共学"},     {"talk", "共话"},     {"build", "共建"},
    {"supervise", "共督"}, {"evaluate", "共评"}, {"share", "共享"},
};

static const char *const plan_fields[] = {"kind",      "title",      "theme",      "station_id",
                                          "venue",     "start_date", "start_time", "end_date",
                                          "end_time",  "capacity",   "deputy_ids", "unit_ids",
                                          "starts_at", "ends_at",    NULL};

/* The plan form's data: kinds, stations in scope, deputies and units (the
 * chosen ones selected), the fields as typed with the error beside its field. */
static enum yy_err plan_form(struct request *req, const struct kvlist *in,
                             const struct yy_error *err, const char *token, json_t *data)
{
    struct db *db = api_app(req)->db;
    const char *kind = in ? kvlist_get(in, "kind") : NULL;
    json_t *jk = json_array();
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        json_array_append_new(jk, json_pack("{s:s, s:s, s:b}", "name", kinds[i].name, "label",
                                            kinds[i].label, "selected",
                                            kind && !strcmp(kind, kinds[i].name)));
    int64_t sid = 0;
    const char *s = in ? kvlist_get(in, "station_id") : NULL;
    if (s && *s)
        parse_int64(s, 1, INT64_MAX, &sid);
    json_t *stations;
    STORE(scope_stations(req, sid, &stations));
    json_t *dsel = NULL, *usel = NULL;
    if (!in || !form_ids(in, "deputy_ids", &dsel))
        dsel = json_array();
    if (!in || !form_ids(in, "unit_ids", &usel))
        usel = json_array();
    struct deputy_filter df = {0};
    struct deputy *d;
    size_t nd;
    enum yy_err rc = store_deputies_list(db, req->arena, &df, &d, &nd, &req->err);
    struct unit *u = NULL;
    size_t nu = 0;
    if (rc == YY_OK)
        rc = store_units_list(db, req->arena, 0, 0, &u, &nu, &req->err);
    if (rc != YY_OK) {
        json_decref(stations);
        json_decref(dsel);
        json_decref(usel);
        return rc;
    }
    json_t *jd = json_array(), *ju = json_array();
    for (size_t i = 0; i < nd; i++) /* public fields only */
        json_array_append_new(jd, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)d[i].id, "name",
                                            d[i].name, "selected", ids_has(dsel, d[i].id)));
    for (size_t i = 0; i < nu; i++)
        json_array_append_new(ju, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)u[i].id, "name",
                                            u[i].name, "selected", ids_has(usel, u[i].id)));
    json_decref(dsel);
    json_decref(usel);
    json_t *f = form_fields(in, plan_fields, err);
    if (!in) /* a new form: no registration limit typed yet */
        json_object_set_new(json_object_get(f, "capacity"), "value", json_string("50"));
    json_object_set_new(data, "plan",
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "kinds", jk, "stations",
                                  stations, "deputies", jd, "units", ju, "f", f, "form_token",
                                  token));
    return YY_OK;
}

static enum yy_err activities_page(struct request *req, struct response *res, int status,
                                   const struct kvlist *in, const struct yy_error *err,
                                   const char *token)
{
    json_t *out;
    STORE(web_api_page(
        req, arena_printf(req->arena, "/api/v1/activities?limit=%d", ACTIVITIES_PAGE), &out));
    json_t *mine = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(out, "items"), i, a)
    {
        /* the list is public: keep those of the caller's scope */
        if (in_scope(req, json_integer_value(json_object_get(a, "street_id")),
                     json_integer_value(json_object_get(a, "community_id"))))
            json_array_append(mine, a);
    }
    json_t *data = json_pack("{s:s, s:o, s:b}", "title", "代表有约活动", "items", mine, "empty",
                             json_array_size(mine) == 0);
    const char *next = json_string_value(json_object_get(out, "next_cursor"));
    if (next)
        json_object_set_new(
            data, "next",
            json_string(arena_printf(req->arena, "/staff/activities?cursor=%s", next)));
    json_decref(out);
    json_t *tok = token ? json_string(token) : fresh_token();
    enum yy_err rc = plan_form(req, in, err, json_string_value(tok), data);
    json_decref(tok);
    if (rc != YY_OK) {
        json_decref(data);
        return rc;
    }
    return web_page(req, res, status, "staff_activities", data);
}

static enum yy_err get_activities(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    return activities_page(req, res, 200, NULL, NULL, NULL);
}

/* "2026-12-01" + "09:30" as RFC 3339 China time; the API judges the result. */
static const char *local_time(struct arena *a, const char *date, const char *hm)
{
    return arena_printf(a, "%sT%s:00+08:00", date ? date : "", hm ? hm : "");
}

static enum yy_err post_activities(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_form", "表单已失效,请刷新页面后重新填写",
                       NULL);
    /* checks the page makes before the API sees the form */
    struct yy_error bad = {0};
    int64_t capacity = 0, station = 0;
    const char *cap = kvlist_get(&in, "capacity");
    const char *sid = kvlist_get(&in, "station_id");
    json_t *deputies = NULL, *units = NULL;
    if (!cap || !parse_int64(cap, INT64_MIN, INT64_MAX, &capacity))
        yy_fail(&bad, YY_BAD_INPUT, "invalid_capacity", "名额须为 0 至 5000 的整数", "capacity");
    else if (sid && *sid && !parse_int64(sid, 1, INT64_MAX, &station))
        yy_fail(&bad, YY_BAD_INPUT, "unknown_station", "请从列表中选择站点", "station_id");
    else if (!form_ids(&in, "deputy_ids", &deputies))
        yy_fail(&bad, YY_BAD_INPUT, "invalid_deputy_ids", "请从列表中选择代表", "deputy_ids");
    else if (!form_ids(&in, "unit_ids", &units))
        yy_fail(&bad, YY_BAD_INPUT, "invalid_unit_ids", "请从列表中选择单位", "unit_ids");
    if (bad.kind) {
        json_decref(deputies);
        json_decref(units);
        return activities_page(req, res, 400, &in, &bad, token);
    }
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    struct db *db = api_app(req)->db;
    const char *earlier;
    enum yy_err rc = store_webform_claim(db, req->arena, hash, time_now(), &earlier, &req->err);
    if (rc == YY_CONFLICT) { /* a second submit: the first one's activity */
        json_decref(deputies);
        json_decref(units);
        json_t *r = earlier ? json_loads(earlier, 0, NULL) : NULL;
        json_int_t id = json_integer_value(json_object_get(r, "id"));
        json_decref(r);
        return web_redirect(req, res,
                            id ? arena_printf(req->arena, "/staff/activities/%lld", (long long)id)
                               : "/staff/activities");
    }
    if (rc != YY_OK) {
        json_decref(deputies);
        json_decref(units);
        return rc;
    }
    const char *venue = kvlist_get(&in, "venue");
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "kind",
        kvlist_get(&in, "kind") ? kvlist_get(&in, "kind") : "", "title",
        kvlist_get(&in, "title") ? kvlist_get(&in, "title") : "", "theme",
        kvlist_get(&in, "theme") ? kvlist_get(&in, "theme") : "", "starts_at",
        local_time(req->arena, kvlist_get(&in, "start_date"), kvlist_get(&in, "start_time")),
        "ends_at", local_time(req->arena, kvlist_get(&in, "end_date"), kvlist_get(&in, "end_time")),
        "capacity", (json_int_t)capacity, "deputy_ids", deputies, "unit_ids", units);
    if (station)
        json_object_set_new(body, "station_id", json_integer(station));
    if (venue && *venue)
        json_object_set_new(body, "venue", json_string(venue));
    int st;
    json_t *out;
    rc = web_api_call(req, "POST", "/api/v1/activities", body, &st, &out, NULL);
    if (rc != YY_OK) {
        struct yy_error keep = req->err;
        struct yy_error ignore;
        store_webform_release(db, hash, &ignore);
        if (rc != YY_BAD_INPUT && rc != YY_FORBIDDEN)
            return rc;
        return activities_page(req, res, rc == YY_BAD_INPUT ? 400 : 403, &in, &keep, token);
    }
    json_int_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    STORE(store_webform_done(db, hash, arena_printf(req->arena, "{\"id\":%lld}", (long long)id),
                             &req->err));
    return web_redirect(req, res,
                        arena_printf(req->arena, "/staff/activities/%lld", (long long)id));
}

/* ---- one activity -------------------------------------------------------------------- */

static const struct {
    const char *action, *done, *to; /* to: the status it leads to, NULL: stays */
} action_names[] = {
    {"open", "活动已发布,居民可以报名了", "open"},
    {"cancel", "活动已取消", "cancelled"},
    {"check_in", "签到成功", NULL},
    {"record_attendance", "到场代表已记录", NULL},
    {"add_qa", "问答已记录", NULL},
    {"close", "活动记录已保存,活动已结束", "closed"},
};
#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

static int action_index(const char *a)
{
    for (size_t i = 0; a && i < N_ACTIONS; i++)
        if (!strcmp(action_names[i].action, a))
            return (int)i;
    return -1;
}

static enum yy_err load_activity(struct request *req, int64_t id, json_t **out)
{
    int st;
    return web_api_call(req, "GET",
                        arena_printf(req->arena, "/api/v1/activities/%lld", (long long)id), NULL,
                        &st, out, NULL);
}

static const char *const action_fields[] = {"reason",         "deputy_ids", "question",
                                            "answer",         "unit_id",    "minutes",
                                            "suggestion_ids", "code",       NULL};

/* The activity's page; err (with the form it came from, err_action) and in
 * re-render a refused form. */
static enum yy_err activity_page(struct request *req, struct response *res, int status, int64_t id,
                                 const char *err_action, const struct kvlist *in,
                                 const struct yy_error *err, const char *qa_token)
{
    STORE(require_staff(req));
    json_t *a;
    STORE(load_activity(req, id, &a));
    if (!in_scope(req, json_integer_value(json_object_get(a, "street_id")),
                  json_integer_value(json_object_get(a, "community_id")))) {
        json_decref(a);
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "这场活动不在您的管辖范围内", NULL);
    }
    const char *state = json_string_value(json_object_get(a, "status"));
    json_t *can = json_object();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(a, "actions"), i, v)
        json_object_set_new(can, json_string_value(v), json_true());
    /* shown when the status allows them even before their time, so the rule's
     * message (notice, not ended) is what the clerk reads */
    if (!strcmp(state, "draft"))
        json_object_set_new(can, "open", json_true());
    if (!strcmp(state, "open")) {
        json_object_set_new(can, "close", json_true());
        json_object_set_new(can, "check_in", json_true());
    }
    /* attendance checkboxes: the deputies invited or recorded */
    json_array_foreach(json_object_get(a, "deputies"), i, v)
    {
        bool checked = json_is_true(json_object_get(v, "attended"));
        if (err_action && !strcmp(err_action, "record_attendance") && in) {
            json_t *ids = NULL;
            checked = form_ids(in, "deputy_ids", &ids) &&
                      ids_has(ids, json_integer_value(json_object_get(v, "deputy_id")));
            json_decref(ids);
        }
        json_object_set_new(v, "checked", json_boolean(checked));
    }
    json_t *units = json_object_get(a, "units");
    int64_t unit_chosen = 0;
    const char *uc = in ? kvlist_get(in, "unit_id") : NULL;
    if (uc)
        parse_int64(uc, 1, INT64_MAX, &unit_chosen);
    json_array_foreach(units, i, v) json_object_set_new(
        v, "selected",
        json_boolean(json_integer_value(json_object_get(v, "unit_id")) == unit_chosen));
    web_times(a);
    json_t *forms = json_object();
    for (i = 0; i < N_ACTIONS; i++) {
        bool mine = err_action && !strcmp(err_action, action_names[i].action);
        json_object_set_new(forms, action_names[i].action,
                            form_fields(mine ? in : NULL, action_fields, mine ? err : NULL));
    }
    const char *done = kvlist_get(&req->query, "done");
    int di = action_index(done);
    json_t *data =
        json_pack("{s:O, s:o, s:o, s:o, s:s?, s:o}", "title", json_object_get(a, "title"), "a", a,
                  "can", can, "forms", forms, "done", di >= 0 ? action_names[di].done : NULL,
                  "qa_token", qa_token ? json_string(qa_token) : fresh_token());
    json_object_set_new(data, "has_units",
                        json_boolean(json_array_size(json_object_get(a, "units"))));
    json_object_set_new(data, "has_regs",
                        json_boolean(json_array_size(json_object_get(a, "registrations"))));
    json_object_set_new(
        data, "n_registrations",
        json_integer((json_int_t)json_array_size(json_object_get(a, "registrations"))));
    return web_page(req, res, status, "staff_activity", data);
}

static enum yy_err get_activity(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    return activity_page(req, res, 200, id, NULL, NULL, NULL, NULL);
}

/* Calls the action on the API.  For a refused transition whose target the
 * activity is already in (the second click of 发布, 取消, 结束) *already is
 * set: the first click did it. */
static enum yy_err call_action(struct request *req, int64_t id, int ai, json_t *body, bool *already)
{
    *already = false;
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/activities/%lld/actions", (long long)id),
        body, &st, &out, NULL);
    if (rc == YY_OK) {
        json_decref(out);
        return YY_OK;
    }
    if (rc == YY_CONFLICT && action_names[ai].to && req->err.code &&
        !strcmp(req->err.code, "invalid_transition")) {
        struct yy_error keep = req->err;
        json_t *a;
        if (load_activity(req, id, &a) == YY_OK) {
            *already =
                !strcmp(nz(json_string_value(json_object_get(a, "status"))), action_names[ai].to);
            json_decref(a);
        }
        req->err = keep;
    }
    return rc;
}

static enum yy_err post_action(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *action = kvlist_get(&in, "action");
    int ai = action_index(action);
    if (ai < 0)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_action", "不支持的操作", "action");
    struct yy_error bad = {0};
    json_t *body = json_pack("{s:s}", "action", action);
    const char *qa_token = NULL;
    char hash[TOKEN_HASH_LEN + 1] = "";
    struct db *db = api_app(req)->db;
    if (!strcmp(action, "cancel")) {
        const char *r = kvlist_get(&in, "reason");
        json_object_set_new(body, "reason", json_string(r ? r : ""));
    } else if (!strcmp(action, "check_in")) {
        const char *c = kvlist_get(&in, "code");
        json_object_set_new(body, "code", json_string(c ? c : ""));
    } else if (!strcmp(action, "record_attendance")) {
        json_t *ids;
        if (!form_ids(&in, "deputy_ids", &ids))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_deputy_ids", "请勾选到场的代表", "deputy_ids");
        else
            json_object_set_new(body, "deputy_ids", ids);
    } else if (!strcmp(action, "add_qa")) {
        const char *q = kvlist_get(&in, "question"), *an = kvlist_get(&in, "answer"),
                   *u = kvlist_get(&in, "unit_id");
        json_object_set_new(body, "question", json_string(q ? q : ""));
        json_object_set_new(body, "answer", json_string(an ? an : ""));
        int64_t unit;
        if (u && *u) {
            if (!parse_int64(u, 1, INT64_MAX, &unit))
                yy_fail(&bad, YY_BAD_INPUT, "unknown_unit", "请从列表中选择单位", "unit_id");
            else
                json_object_set_new(body, "unit_id", json_integer(unit));
        }
        qa_token = kvlist_get(&in, "form_token");
        if (!bad.kind && !web_token_shaped(qa_token))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_form", "表单已失效,请刷新页面后重新填写", NULL);
    } else if (!strcmp(action, "close")) {
        const char *m = kvlist_get(&in, "minutes");
        json_object_set_new(body, "minutes", json_string(m ? m : ""));
        json_t *ids;
        if (!text_ids(req->arena, kvlist_get(&in, "suggestion_ids"), &ids))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_suggestion_ids",
                    "请填写建议编号,多个编号用逗号隔开", "suggestion_ids");
        else if (json_array_size(ids))
            json_object_set_new(body, "suggestion_ids", ids);
        else
            json_decref(ids);
    }
    const char *check_in_url =
        arena_printf(req->arena, "/staff/activities/%lld/check-in", (long long)id);
    if (bad.kind) {
        json_decref(body);
        if (ai == 2)
            return yy_fail(&req->err, YY_BAD_INPUT, bad.code, bad.message, bad.field);
        return activity_page(req, res, 400, id, action, &in, &bad,
                             web_token_shaped(qa_token) ? qa_token : NULL);
    }
    if (qa_token) { /* add_qa creates an entry: once per form */
        token_hash(qa_token, hash);
        const char *earlier;
        enum yy_err rc = store_webform_claim(db, req->arena, hash, time_now(), &earlier, &req->err);
        if (rc == YY_CONFLICT) {
            json_decref(body);
            return web_redirect(
                req, res,
                arena_printf(req->arena, "/staff/activities/%lld?done=add_qa", (long long)id));
        }
        if (rc != YY_OK) {
            json_decref(body);
            return rc;
        }
    }
    bool already;
    enum yy_err rc = call_action(req, id, ai, body, &already);
    if (rc == YY_OK && qa_token)
        STORE(store_webform_done(db, hash, "{}", &req->err));
    if (rc != YY_OK && qa_token) {
        struct yy_error ignore;
        store_webform_release(db, hash, &ignore);
    }
    const char *code = kvlist_get(&in, "code");
    if (ai == 2) { /* check-in: back to the clerk's page */
        if (rc == YY_OK) {
            char norm[CHECK_IN_CODE_LEN + 1];
            bool ok = activity_code_normalize(code, norm);
            return web_redirect(req, res,
                                ok ? arena_printf(req->arena, "%s?ok=%s", check_in_url, norm)
                                   : check_in_url);
        }
        return rc;
    }
    if (rc == YY_OK || already)
        return web_redirect(
            req, res,
            arena_printf(req->arena, "/staff/activities/%lld?done=%s", (long long)id, action));
    if (rc == YY_BAD_INPUT || rc == YY_CONFLICT || rc == YY_FORBIDDEN) {
        struct yy_error keep = req->err;
        int status = rc == YY_BAD_INPUT ? 400 : rc == YY_CONFLICT ? 409 : 403;
        return activity_page(req, res, status, id, action, &in, &keep, qa_token ? qa_token : NULL);
    }
    return rc;
}

/* ---- the check-in page ------------------------------------------------------------------ */

static enum yy_err checkin_page(struct request *req, struct response *res, int status, int64_t id,
                                const char *code, const struct yy_error *err)
{
    STORE(require_staff(req));
    json_t *a;
    STORE(load_activity(req, id, &a));
    if (!in_scope(req, json_integer_value(json_object_get(a, "street_id")),
                  json_integer_value(json_object_get(a, "community_id")))) {
        json_decref(a);
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "这场活动不在您的管辖范围内", NULL);
    }
    json_t *data = json_pack(
        "{s:s, s:I, s:O, s:O, s:O, s:O}", "title", "活动签到", "id", (json_int_t)id, "activity",
        json_object_get(a, "title"), "checked_in", json_object_get(a, "checked_in"), "confirmed",
        json_object_get(a, "confirmed"), "status_label", json_object_get(a, "status_label"));
    if (!json_array_size(json_object_get(a, "actions")) ||
        strcmp(nz(json_string_value(json_object_get(a, "status"))), "open"))
        json_object_set_new(data, "closed", json_true());
    const char *ok = kvlist_get(&req->query, "ok");
    size_t i;
    json_t *r;
    if (ok && !err)
        json_array_foreach(json_object_get(a, "registrations"), i, r)
        {
            const char *c = json_string_value(json_object_get(r, "check_in_code"));
            if (c && !strcmp(c, ok) &&
                !strcmp(nz(json_string_value(json_object_get(r, "status"))), "checked_in")) {
                json_object_set_new(
                    data, "ok",
                    json_pack("{s:s, s:O}", "code", ok, "name", json_object_get(r, "name")));
            }
        }
    json_decref(a);
    json_t *f = json_pack("{s:s}", "value", err && code ? code : "");
    if (err)
        json_object_set_new(f, "error", json_string(err->message));
    json_object_set_new(data, "f", f);
    return web_page(req, res, status, "staff_activity_checkin", data);
}

static enum yy_err get_checkin(struct request *req, struct response *res)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    return checkin_page(req, res, 200, id, NULL, NULL);
}

static enum yy_err post_checkin(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *code = kvlist_get(&in, "code");
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/activities/%lld/actions", (long long)id),
        json_pack("{s:s, s:s}", "action", "check_in", "code", code ? code : ""), &st, &out, NULL);
    if (rc == YY_OK) {
        json_decref(out);
        char norm[CHECK_IN_CODE_LEN + 1];
        activity_code_normalize(code, norm);
        return web_redirect(
            req, res,
            arena_printf(req->arena, "/staff/activities/%lld/check-in?ok=%s", (long long)id, norm));
    }
    if (rc == YY_BAD_INPUT || rc == YY_CONFLICT) {
        struct yy_error keep = req->err;
        return checkin_page(req, res, rc == YY_BAD_INPUT ? 400 : 409, id, code, &keep);
    }
    return rc;
}

/* ---- reception days ------------------------------------------------------------------- */

static enum yy_err get_receptions(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    const char *s = kvlist_get(&req->query, "station");
    int64_t sid;
    if (s && parse_int64(s, 1, INT64_MAX, &sid))
        return web_redirect(req, res,
                            arena_printf(req->arena, "/staff/receptions/%lld", (long long)sid));
    json_t *stations;
    STORE(scope_stations(req, 0, &stations));
    if (json_array_size(stations) == 1) {
        json_int_t only = json_integer_value(json_object_get(json_array_get(stations, 0), "id"));
        json_decref(stations);
        return web_redirect(req, res,
                            arena_printf(req->arena, "/staff/receptions/%lld", (long long)only));
    }
    return web_page(
        req, res, 200, "staff_receptions",
        json_pack("{s:s, s:o, s:b}", "title", "接待日", "stations", stations, "chooser", true));
}

/* The station of the path, in the caller's scope (403 otherwise). */
static enum yy_err scoped_station(struct request *req, struct station *s)
{
    STORE(require_staff(req));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    enum yy_err rc = store_station_get(api_app(req)->db, req->arena, id, s, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "站点不存在", NULL);
    STORE(rc);
    if (!in_scope(req, s->street_id, s->community_id))
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限管理该站点的接待日", NULL);
    return YY_OK;
}

/* Deputies to choose from for a station: those placed at it, else those of
 * its street's stations; public fields only, each once. */
static enum yy_err station_deputies(struct request *req, const struct station *s, json_t *extra,
                                    json_t **out)
{
    struct db *db = api_app(req)->db;
    json_t *a = json_array();
    json_t *seen = json_array();
    struct deputy_filter df = {.station_id = s->id};
    struct deputy *d;
    size_t n;
    STORE(store_deputies_list(db, req->arena, &df, &d, &n, &req->err));
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(
            a, json_pack("{s:I, s:s}", "id", (json_int_t)d[i].id, "name", d[i].name));
        json_array_append_new(seen, json_integer(d[i].id));
    }
    if (!n) {
        struct station_filter sf = {.street_id = s->street_id};
        struct station *st;
        size_t ns;
        STORE(store_stations_list(db, req->arena, &sf, &st, &ns, &req->err));
        for (size_t k = 0; k < ns; k++) {
            df.station_id = st[k].id;
            STORE(store_deputies_list(db, req->arena, &df, &d, &n, &req->err));
            for (size_t i = 0; i < n; i++)
                if (!ids_has(seen, d[i].id)) {
                    json_array_append_new(
                        a, json_pack("{s:I, s:s}", "id", (json_int_t)d[i].id, "name", d[i].name));
                    json_array_append_new(seen, json_integer(d[i].id));
                }
        }
    }
    size_t i;
    json_t *v; /* extra: {id, name} already named (the rota, the duty) */
    json_array_foreach(extra, i, v)
    {
        json_int_t id = json_integer_value(json_object_get(v, "id"));
        if (!ids_has(seen, id)) {
            json_array_append_new(
                a, json_pack("{s:I, s:O}", "id", id, "name", json_object_get(v, "name")));
            json_array_append_new(seen, json_integer(id));
        }
    }
    json_decref(seen);
    *out = a;
    return YY_OK;
}

/* Marks the deputies whose id is in ids with key = true. */
static void mark(json_t *deputies, json_t *ids, const char *key)
{
    size_t i;
    json_t *v;
    json_array_foreach(deputies, i, v) json_object_set_new(
        v, key, json_boolean(ids_has(ids, json_integer_value(json_object_get(v, "id")))));
}

static json_t *options(const char *const (*list)[2], size_t n, const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:b}", "value", list[i][0], "label", list[i][1],
                                        "selected", chosen && !strcmp(chosen, list[i][0])));
    return a;
}

static const char *const schedule_fields[] = {
    "day_kind",   "day",         "nth",    "weekday",         "months",
    "month_list", "start",       "end",    "slot_minutes",    "places",
    "on_day_off", "missing_day", "active", "rota_deputy_ids", "rota_per_day",
    "rota_from",  NULL};

/* The station's page: the schedule form (from the saved schedule, or from in
 * with err) and the next reception days. */
static enum yy_err station_page(struct request *req, struct response *res, int status,
                                const struct kvlist *in, const struct yy_error *err)
{
    struct station s;
    STORE(scoped_station(req, &s));
    int st;
    json_t *plan = NULL;
    enum yy_err rc = web_api_call(
        req, "GET",
        arena_printf(req->arena, "/api/v1/stations/%lld/reception-schedule", (long long)s.id), NULL,
        &st, &plan, NULL);
    if (rc != YY_OK && rc != YY_NOT_FOUND)
        return rc;
    /* the values the form shows: as typed, or as saved */
    struct kvlist saved = {0};
    if (!in && plan) {
        struct kv *kv = arena_calloc(req->arena, 128, sizeof(*kv));
        size_t n = 0;
#define PUT(k, v) (kv[n].key = (k), kv[n].value = (v), n++)
        const char *key;
        json_t *v;
        json_object_foreach(plan, key, v)
        {
            if (json_is_string(v))
                PUT(key, json_string_value(v));
            else if (json_is_integer(v))
                PUT(key, arena_printf(req->arena, "%lld", (long long)json_integer_value(v)));
            else if (json_is_true(v))
                PUT(key, "1");
        }
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(plan, "month_list"), i, x) if (n < 60)
            PUT("month_list", arena_printf(req->arena, "%lld", (long long)json_integer_value(x)));
        json_array_foreach(json_object_get(plan, "rota"), i, x) if (n < 127)
            PUT("rota_deputy_ids",
                arena_printf(req->arena, "%lld",
                             (long long)json_integer_value(json_object_get(x, "id"))));
#undef PUT
        saved.items = kv;
        saved.n = n;
        in = &saved;
    }
    static const char *const day_kinds[][2] = {
        {"day_of_month", "每月固定日期"}, {"nth_weekday", "每月第几个星期几"}, {"weekly", "每周"}};
    static const char *const nths[][2] = {
        {"1", "第一个"}, {"2", "第二个"}, {"3", "第三个"}, {"4", "第四个"}, {"-1", "最后一个"}};
    static const char *const weekdays[][2] = {{"1", "星期一"}, {"2", "星期二"}, {"3", "星期三"},
                                              {"4", "星期四"}, {"5", "星期五"}, {"6", "星期六"},
                                              {"7", "星期日"}};
    static const char *const months[][2] = {
        {"all", "每月"}, {"odd", "单月"}, {"even", "双月"}, {"list", "指定月份"}};
    static const char *const offs[][2] = {
        {"next", "顺延到下一个工作日"}, {"previous", "提前到前一个工作日"}, {"skip", "当次不接待"}};
    static const char *const missing[][2] = {{"last_day", "改在当月最后一天"},
                                             {"skip", "当月不接待"}};
    const char *g_kind = in ? kvlist_get(in, "day_kind") : NULL;
    json_t *f = form_fields(in, schedule_fields, err);
    json_t *sel = NULL;
    if (!in || !form_ids(in, "month_list", &sel))
        sel = json_array();
    json_t *ml = json_array();
    for (int m = 1; m <= 12; m++)
        json_array_append_new(ml, json_pack("{s:i, s:b}", "m", m, "checked", ids_has(sel, m)));
    json_decref(sel);
    json_t *rota_sel = NULL;
    if (!in || !form_ids(in, "rota_deputy_ids", &rota_sel))
        rota_sel = json_array();
    json_t *deputies;
    rc = station_deputies(req, &s, plan ? json_object_get(plan, "rota") : NULL, &deputies);
    if (rc != YY_OK) {
        json_decref(plan);
        json_decref(f);
        json_decref(ml);
        json_decref(rota_sel);
        return rc;
    }
    mark(deputies, rota_sel, "selected");
    json_decref(rota_sel);
    json_t *form =
        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "f", f, "day_kinds",
                  options(day_kinds, 3, g_kind ? g_kind : "day_of_month"), "nths",
                  options(nths, 5, in ? kvlist_get(in, "nth") : NULL), "weekdays",
                  options(weekdays, 7, in ? kvlist_get(in, "weekday") : NULL), "months",
                  options(months, 4, in ? kvlist_get(in, "months") : NULL), "month_list", ml,
                  "offs", options(offs, 3, in ? kvlist_get(in, "on_day_off") : NULL), "missing",
                  options(missing, 2, in ? kvlist_get(in, "missing_day") : NULL), "active",
                  in ? kvlist_get(in, "active") != NULL : true, "saved", plan != NULL);
    json_object_set_new(form, "deputies", deputies);
    json_decref(plan);
    json_t *data = json_pack("{s:s, s:{s:I, s:s}, s:o, s:b}", "title",
                             arena_printf(req->arena, "%s · 接待日", s.name), "station", "id",
                             (json_int_t)s.id, "name", s.name, "form", form, "saved_ok",
                             kvlist_get(&req->query, "saved") != NULL);
    json_t *days;
    rc = web_api_call(req, "GET",
                      arena_printf(req->arena, "/api/v1/stations/%lld/reception-days?limit=%d",
                                   (long long)s.id, NEXT_DAYS),
                      NULL, &st, &days, NULL);
    if (rc == YY_OK) {
        web_times(days);
        json_t *items = json_object_get(days, "items");
        size_t i;
        json_t *d;
        json_array_foreach(items, i, d)
        {
            const char *sa = json_string_value(json_object_get(d, "starts_at"));
            const char *ea = json_string_value(json_object_get(d, "ends_at"));
            json_object_set_new(d, "window",
                                json_string(arena_printf(req->arena, "%s-%s", sa ? sa + 11 : "",
                                                         ea ? ea + 11 : "")));
        }
        json_object_set(data, "days", items);
        json_decref(days);
    } else if (rc != YY_NOT_FOUND) {
        json_decref(data);
        return rc;
    }
    return web_page(req, res, status, "staff_receptions", data);
}

static enum yy_err get_station(struct request *req, struct response *res)
{
    return station_page(req, res, 200, NULL, NULL);
}

static enum yy_err post_schedule(struct request *req, struct response *res)
{
    struct station s;
    STORE(scoped_station(req, &s));
    struct kvlist in;
    STORE(web_form(req, &in));
    struct yy_error bad = {0};
    const char *kind = kvlist_get(&in, "day_kind");
    json_t *body = json_pack("{s:s, s:s, s:s, s:b}", "day_kind", kind ? kind : "", "start",
                             nz(kvlist_get(&in, "start")), "end", nz(kvlist_get(&in, "end")),
                             "active", kvlist_get(&in, "active") != NULL);
    static const struct {
        const char *key, *kind; /* kind: only for this day_kind (NULL: always) */
    } ints[] = {{"day", "day_of_month"}, {"nth", "nth_weekday"}, {"weekday", "nth_weekday"},
                {"weekday", "weekly"},   {"slot_minutes", NULL}, {"places", NULL},
                {"rota_per_day", NULL}};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]) && !bad.kind; i++) {
        if (ints[i].kind && (!kind || strcmp(kind, ints[i].kind)))
            continue;
        const char *v = kvlist_get(&in, ints[i].key);
        int64_t x;
        if (!v || !*v) {
            if (ints[i].kind)
                yy_fail(&bad, YY_BAD_INPUT, "missing_field", "此项必须填写", ints[i].key);
            continue;
        }
        if (!parse_int64(v, -1000000, 1000000, &x))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_type", "须为整数", ints[i].key);
        else
            json_object_set_new(body, ints[i].key, json_integer(x));
    }
    static const char *const texts[] = {"months", "on_day_off", "missing_day", "rota_from"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *v = kvlist_get(&in, texts[i]);
        if (v && *v)
            json_object_set_new(body, texts[i], json_string(v));
    }
    json_t *ids;
    const char *months = kvlist_get(&in, "months");
    if (!bad.kind && months && !strcmp(months, "list")) {
        if (!form_ids(&in, "month_list", &ids))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_months", "请勾选月份", "month_list");
        else
            json_object_set_new(body, "month_list", ids);
    }
    if (!bad.kind) {
        if (!form_ids(&in, "rota_deputy_ids", &ids))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_deputy_ids", "请从列表中选择代表",
                    "rota_deputy_ids");
        else
            json_object_set_new(body, "rota_deputy_ids", ids);
    }
    if (bad.kind) {
        json_decref(body);
        return station_page(req, res, 400, &in, &bad);
    }
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "PUT",
        arena_printf(req->arena, "/api/v1/stations/%lld/reception-schedule", (long long)s.id), body,
        &st, &out, NULL);
    if (rc == YY_OK) { /* a replacement: a second submit saves the same again */
        json_decref(out);
        return web_redirect(
            req, res, arena_printf(req->arena, "/staff/receptions/%lld?saved=1", (long long)s.id));
    }
    if (rc == YY_BAD_INPUT) {
        struct yy_error keep = req->err;
        return station_page(req, res, 400, &in, &keep);
    }
    return rc;
}

/* ---- one reception day ---------------------------------------------------------------- */

static const char *const day_fields[] = {"name",        "phone",          "note",
                                         "summary",     "deputy_ids",     "residents_received",
                                         "concern_ids", "attended_codes", NULL};

static enum yy_err day_page(struct request *req, struct response *res, int status,
                            const char *err_form, const struct kvlist *in,
                            const struct yy_error *err, const char *walk_token)
{
    struct station s;
    STORE(scoped_station(req, &s));
    int64_t day;
    const char *date = request_param(req, "date");
    if (!reception_parse_date(date, &day))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    const char *base =
        arena_printf(req->arena, "/api/v1/stations/%lld/reception-days/%s", (long long)s.id, date);
    int st;
    json_t *d, *bookings, *record = NULL;
    STORE(web_api_call(req, "GET", base, NULL, &st, &d, NULL));
    enum yy_err rc = web_api_call(req, "GET", arena_printf(req->arena, "%s/bookings", base), NULL,
                                  &st, &bookings, NULL);
    if (rc != YY_OK) {
        json_decref(d);
        return rc;
    }
    rc = web_api_call(req, "GET", arena_printf(req->arena, "%s/record", base), NULL, &st, &record,
                      NULL);
    if (rc != YY_OK && rc != YY_NOT_FOUND) {
        json_decref(d);
        json_decref(bookings);
        return rc;
    }
    web_times(d);
    web_times(bookings);
    web_times(record);
    /* the deputies to choose from: the station's and those on duty */
    json_t *deputies;
    rc = station_deputies(req, &s, json_object_get(d, "deputies"), &deputies);
    if (rc != YY_OK) {
        json_decref(d);
        json_decref(bookings);
        json_decref(record);
        return rc;
    }
    json_t *on_duty = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(d, "deputies"), i, v)
        json_array_append_new(on_duty, json_integer(json_integer_value(json_object_get(v, "id"))));
    json_t *duty_sel = on_duty, *present_sel = NULL;
    if (err_form && !strcmp(err_form, "duty") && in && form_ids(in, "deputy_ids", &duty_sel))
        json_decref(on_duty);
    else
        duty_sel = on_duty;
    if (!(err_form && !strcmp(err_form, "record") && in &&
          form_ids(in, "deputy_ids", &present_sel)))
        present_sel = json_deep_copy(duty_sel);
    json_t *duty_list = json_deep_copy(deputies), *present_list = deputies;
    mark(duty_list, duty_sel, "checked");
    mark(present_list, present_sel, "checked");
    json_decref(duty_sel);
    json_decref(present_sel);
    /* bookings still "booked" may be marked attended with the record */
    json_t *codes = json_array();
    json_array_foreach(json_object_get(bookings, "items"), i, v)
    {
        const char *stt = json_string_value(json_object_get(v, "status"));
        const char *kind = json_string_value(json_object_get(v, "kind"));
        json_object_set_new(v, "status_label",
                            json_string(!strcmp(nz(stt), "booked")      ? "已预约"
                                        : !strcmp(nz(stt), "attended")  ? "已到场"
                                        : !strcmp(nz(stt), "cancelled") ? "已取消"
                                                                        : nz(stt)));
        json_object_set_new(v, "kind_label",
                            json_string(!strcmp(nz(kind), "walk_in") ? "现场来访" : "预约"));
        if (!strcmp(nz(stt), "booked") && json_object_get(v, "code"))
            json_array_append_new(codes, json_pack("{s:O, s:O}", "code", json_object_get(v, "code"),
                                                   "name", json_object_get(v, "name")));
    }
    json_t *forms = json_object();
    static const char *const names[] = {"duty", "walk_in", "record"};
    for (i = 0; i < 3; i++) {
        bool mine = err_form && !strcmp(err_form, names[i]);
        json_object_set_new(forms, names[i],
                            form_fields(mine ? in : NULL, day_fields, mine ? err : NULL));
    }
    const char *done = kvlist_get(&req->query, "done");
    const char *done_text = !done                      ? NULL
                            : !strcmp(done, "duty")    ? "值班代表已更新"
                            : !strcmp(done, "walk_in") ? "现场来访已登记"
                            : !strcmp(done, "record")  ? "接待记录已保存"
                                                       : NULL;
    json_t *data = json_pack(
        "{s:s, s:{s:I, s:s}, s:o, s:O, s:b, s:o, s:o, s:o, s:o, s:o, s:s?}", "title",
        arena_printf(req->arena, "%s · %s 接待日", s.name, date), "station", "id", (json_int_t)s.id,
        "name", s.name, "day", d, "bookings", json_object_get(bookings, "items"), "no_bookings",
        json_array_size(json_object_get(bookings, "items")) == 0, "duty_deputies", duty_list,
        "present_deputies", present_list, "codes", codes, "forms", forms, "walk_token",
        walk_token ? json_string(walk_token) : fresh_token(), "done", done_text);
    json_decref(bookings);
    const char *duty = json_string_value(json_object_get(d, "duty"));
    if (duty && strcmp(duty, "none"))
        json_object_set_new(data, "duty_label",
                            json_string(!strcmp(duty, "assigned") ? "指定" : "轮值"));
    if (record)
        json_object_set_new(data, "record", record);
    json_object_set_new(data, "base",
                        json_string(arena_printf(req->arena, "/staff/receptions/%lld/days/%s",
                                                 (long long)s.id, date)));
    return web_page(req, res, status, "staff_reception_day", data);
}

static enum yy_err get_day(struct request *req, struct response *res)
{
    return day_page(req, res, 200, NULL, NULL, NULL, NULL);
}

/* Posts body to the day's API path sub; on success redirects to the day's
 * page with done=form, on bad input re-renders the page with the error. */
static enum yy_err day_call(struct request *req, struct response *res, const struct station *s,
                            const char *method, const char *sub, json_t *body, const char *form,
                            const struct kvlist *in, const char *token, const char *hash)
{
    const char *date = request_param(req, "date");
    struct db *db = api_app(req)->db;
    int st;
    json_t *out;
    enum yy_err rc =
        web_api_call(req, method,
                     arena_printf(req->arena, "/api/v1/stations/%lld/reception-days/%s/%s",
                                  (long long)s->id, date, sub),
                     body, &st, &out, NULL);
    const char *page =
        arena_printf(req->arena, "/staff/receptions/%lld/days/%s", (long long)s->id, date);
    if (rc == YY_OK) {
        json_decref(out);
        if (hash)
            STORE(store_webform_done(db, hash, "{}", &req->err));
        return web_redirect(req, res, arena_printf(req->arena, "%s?done=%s", page, form));
    }
    if (hash) {
        struct yy_error ignore;
        store_webform_release(db, hash, &ignore);
    }
    /* the record exists already: the second submit of the same form */
    if (rc == YY_CONFLICT && req->err.code && !strcmp(req->err.code, "record_exists"))
        return web_redirect(req, res, arena_printf(req->arena, "%s?done=%s", page, form));
    if (rc == YY_BAD_INPUT || rc == YY_CONFLICT) {
        struct yy_error keep = req->err;
        return day_page(req, res, rc == YY_BAD_INPUT ? 400 : 409, form, in, &keep, token);
    }
    return rc;
}

static enum yy_err post_duty(struct request *req, struct response *res)
{
    struct station s;
    STORE(scoped_station(req, &s));
    struct kvlist in;
    STORE(web_form(req, &in));
    json_t *ids;
    if (!form_ids(&in, "deputy_ids", &ids)) {
        struct yy_error bad = {0};
        yy_fail(&bad, YY_BAD_INPUT, "invalid_deputy_ids", "请从列表中选择代表", "deputy_ids");
        return day_page(req, res, 400, "duty", &in, &bad, NULL);
    }
    /* a replacement (none: back to the rota): a second submit changes nothing */
    return day_call(req, res, &s, "PUT", "duty", json_pack("{s:o}", "deputy_ids", ids), "duty", &in,
                    NULL, NULL);
}

static enum yy_err post_walk_in(struct request *req, struct response *res)
{
    struct station s;
    STORE(scoped_station(req, &s));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_form", "表单已失效,请刷新页面后重新填写",
                       NULL);
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    const char *earlier;
    enum yy_err rc =
        store_webform_claim(api_app(req)->db, req->arena, hash, time_now(), &earlier, &req->err);
    if (rc == YY_CONFLICT) /* a second submit: registered once */
        return web_redirect(req, res,
                            arena_printf(req->arena, "/staff/receptions/%lld/days/%s?done=walk_in",
                                         (long long)s.id, request_param(req, "date")));
    STORE(rc);
    json_t *body = json_object();
    static const char *const keys[] = {"name", "phone", "note"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = kvlist_get(&in, keys[i]);
        if (v && *v)
            json_object_set_new(body, keys[i], json_string(v));
    }
    return day_call(req, res, &s, "POST", "walk-ins", body, "walk_in", &in, token, hash);
}

static enum yy_err post_record(struct request *req, struct response *res)
{
    struct station s;
    STORE(scoped_station(req, &s));
    struct kvlist in;
    STORE(web_form(req, &in));
    struct yy_error bad = {0};
    json_t *body = json_pack("{s:s}", "summary", nz(kvlist_get(&in, "summary")));
    json_t *ids;
    const char *rr = kvlist_get(&in, "residents_received");
    int64_t n;
    if (!form_ids(&in, "deputy_ids", &ids))
        yy_fail(&bad, YY_BAD_INPUT, "invalid_deputy_ids", "请勾选到场的代表", "deputy_ids");
    else
        json_object_set_new(body, "deputy_ids", ids);
    if (!bad.kind && rr && *rr) {
        if (!parse_int64(rr, 0, 100000, &n))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_type", "接待人数须为整数", "residents_received");
        else
            json_object_set_new(body, "residents_received", json_integer(n));
    }
    if (!bad.kind) {
        if (!text_ids(req->arena, kvlist_get(&in, "concern_ids"), &ids))
            yy_fail(&bad, YY_BAD_INPUT, "invalid_concern_ids",
                    "请填写群众意见编号,多个编号用逗号隔开", "concern_ids");
        else if (json_array_size(ids))
            json_object_set_new(body, "concern_ids", ids);
        else
            json_decref(ids);
    }
    json_t *codes = json_array();
    for (size_t i = 0; i < in.n; i++)
        if (!strcmp(in.items[i].key, "attended_codes") && *in.items[i].value)
            json_array_append_new(codes, json_string(in.items[i].value));
    if (json_array_size(codes))
        json_object_set_new(body, "attended_codes", codes);
    else
        json_decref(codes);
    if (bad.kind) {
        json_decref(body);
        return day_page(req, res, 400, "record", &in, &bad, NULL);
    }
    /* one record per day: a second submit meets record_exists */
    return day_call(req, res, &s, "POST", "record", body, "record", &in, NULL, NULL);
}

enum yy_err web_events_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/staff/activities", get_activities},
        {"POST", "/staff/activities", post_activities},
        {"GET", "/staff/activities/{id}", get_activity},
        {"POST", "/staff/activities/{id}/actions", post_action},
        {"GET", "/staff/activities/{id}/check-in", get_checkin},
        {"POST", "/staff/activities/{id}/check-in", post_checkin},
        {"GET", "/staff/receptions", get_receptions},
        {"GET", "/staff/receptions/{id}", get_station},
        {"POST", "/staff/receptions/{id}/schedule", post_schedule},
        {"GET", "/staff/receptions/{id}/days/{date}", get_day},
        {"POST", "/staff/receptions/{id}/days/{date}/duty", post_duty},
        {"POST", "/staff/receptions/{id}/days/{date}/walk-ins", post_walk_in},
        {"POST", "/staff/receptions/{id}/days/{date}/record", post_record},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
