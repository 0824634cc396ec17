/* web_staff.c - the staff's casework pages under /staff/ (docs/WEB.md "Pages"):
 * the home page with the day's counts, the triage inbox of concerns and a
 * concern with its handling forms, the suggestions with screening and the
 * assignment (its due dates shown before confirming), the supervision board
 * and the inbox of reminders.
 *
 * Staff are admin, leader, street_staff, community_staff and procurator; any
 * other login gets 403, no login 401 (the error page links to /login).  Every
 * list and every action goes through the API's routes in-process
 * (web_api_call): a page shows exactly what the API shows the same caller
 * (scopes, masked contact details, 404 outside the scope), a form does
 * exactly what the API does, and the forms offer only the actions the API
 * lists in the record's `actions`.
 *
 * Double submits: every action form carries a one-time form token
 * (store/webform.h); claiming it, the API's action and the recorded result
 * commit together (store_webform_once), so a second submit of the same form
 * finds it claimed and lands on the record's page without acting again
 * (refer, supervise, ... could otherwise happen twice).  A refused action
 * leaves the token unused, so the corrected form can be sent again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/concern.h"
#include "domain/suggestion.h"
#include "domain/workdays.h"
#include "store/store.h"
#include "store/suggestion.h"
#include "store/webform.h"
#include "web/web.h"

/* Rows per page of the lists. */
#define PAGE_ROWS 20
/* The largest page the API gives (?limit=). */
#define API_PAGE 100
/* Pages of 100 the home page and the board walk at most. */
#define WALK_PAGES 10
/* Key suggestions the board reads in full at most. */
#define KEY_MAX 40

/* ---- the caller ------------------------------------------------------------------- */

struct staff {
    bool admin, leader, street, community, procurator;
    int64_t user_id;
};

/* 401 without a login, 403 for logins that are not staff. */
static enum yy_err staff_gate(struct request *req, struct staff *s)
{
    memset(s, 0, sizeof(*s));
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    s->user_id = c->user.id;
    for (size_t i = 0; i < c->user.n_roles; i++) {
        switch (c->user.roles[i].role) {
        case ROLE_ADMIN:
            s->admin = true;
            break;
        case ROLE_LEADER:
            s->leader = true;
            break;
        case ROLE_STREET_STAFF:
            s->street = true;
            break;
        case ROLE_COMMUNITY_STAFF:
            s->community = true;
            break;
        case ROLE_PROCURATOR:
            s->procurator = true;
            break;
        default:
            break;
        }
    }
    if (!s->admin && !s->leader && !s->street && !s->community && !s->procurator)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "此页面仅供工作人员使用", NULL);
    return YY_OK;
}

static void err_clear(struct request *req)
{
    memset(&req->err, 0, sizeof(req->err));
}

/* A page's own 400 for a field (before the API is asked). */
static struct yy_error mkbad(const char *code, const char *message, const char *field)
{
    return (struct yy_error){
        .kind = YY_BAD_INPUT, .code = code, .message = message, .field = field};
}

/* A GET of the API as the caller; NULL with *rc and req->err on failure. */
static json_t *api_get(struct request *req, const char *path, enum yy_err *rc)
{
    int st;
    json_t *out = NULL;
    *rc = web_api_call(req, "GET", path, NULL, &st, &out, NULL);
    return *rc == YY_OK ? out : NULL;
}

static const char *date_text(struct arena *a, int64_t t)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day_of(t), &y, &m, &d);
    return arena_printf(a, "%04lld-%02u-%02u", (long long)y, m, d);
}

static bool has_action(json_t *actions, const char *name)
{
    size_t i;
    json_t *a;
    json_array_foreach(actions, i,
                       a) if (json_is_string(a) && !strcmp(json_string_value(a), name)) return true;
    return false;
}

/* ---- labels -------------------------------------------------------------------------- */

static const char *label_of(const char *const (*map)[2], size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(map[i][0], key))
            return map[i][1];
    return key;
}

static const char *const concern_states[] = {
    "new",     "accepted",  "declined", "resolved_on_site", "referred",
    "claimed", "converted", "merged",   "resolved",         NULL};
static const char *const suggestion_states[] = {
    "submitted", "accepted",   "returned_as_letter", "assigned", "in_handling", "replied",
    "evaluated", "rehandling", "following_up",       "closed",   "withdrawn",   NULL};

/* Screening reasons (DOMAIN.md §5 "Screening"): what is not a suggestion. */
static const char *const letter_reasons[] = {"不属于本级职权范围", "属于代表本人或亲属的个人事项",
                                             "涉及具体司法案件",   "属于转交的群众来信",
                                             "属于学术探讨",       "属于产品推介",
                                             "没有实际内容",       NULL};

/* ---- forms ------------------------------------------------------------------------- */

/* The form of action a on a page ({"f": its fields}): the fields as sent
 * and the refusal err when a is the action that failed (failed), err beside
 * its field or else as the form's own error ("form_error"); *placed is set
 * once err has found its place. */
static json_t *action_form(const struct kvlist *in, const char *a, const char *const *fields,
                           const char *failed, const struct yy_error *err, bool *placed)
{
    bool mine = failed && !strcmp(failed, a);
    json_t *fo = json_pack("{s:o}", "f",
                           web_form_fields(mine ? in : NULL, fields, mine ? err : NULL, placed));
    if (mine && err && !*placed) {
        json_object_set_new(fo, "form_error", json_string(err->message));
        *placed = true;
    }
    return fo;
}

/* A fresh one-time token for the forms of a page. */
static json_t *fresh_token(void)
{
    char t[TOKEN_LEN + 1];
    token_new(t);
    return json_string(t);
}

/* One action under the form's one-time token (store_webform_once): the
 * token is claimed, the API called and the claim's result recorded in one
 * transaction, so a second submit of the same form (a double click, a reload
 * of the POST) acts nothing and a failure leaves the token unused. */
struct act_ctx {
    struct request *req;
    const char *path;
    json_t *body; /* stolen by the call */
    bool called;
    enum yy_err api_rc;
};

static enum yy_err act_fn(void *p, const char **result, struct yy_error *e)
{
    struct act_ctx *x = p;
    json_t *body = x->body, *out;
    int st;
    x->body = NULL;
    x->called = true;
    x->api_rc = web_api_call(x->req, "POST", x->path, body, &st, &out, NULL);
    if (x->api_rc != YY_OK) {
        *e = x->req->err;
        return x->api_rc;
    }
    json_decref(out);
    *result = "{}";
    return YY_OK;
}

/* YY_OK: done.  YY_CONFLICT with !*refused: this form was sent before.
 * *refused: the API refused the action (its error in req->err).  Else an
 * error in req->err (400 form_expired for a form without a valid token). */
static enum yy_err act_once(struct request *req, const struct kvlist *in, const char *path,
                            json_t *body, bool *refused)
{
    *refused = false;
    const char *token = kvlist_get(in, "form_token");
    if (!web_token_shaped(token)) {
        json_decref(body);
        return yy_fail(&req->err, YY_BAD_INPUT, "form_expired", "表单已失效,请刷新页面后重新提交",
                       NULL);
    }
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    struct act_ctx x = {.req = req, .path = path, .body = body};
    const char *result;
    struct yy_error e = {0};
    enum yy_err rc =
        store_webform_once(api_app(req)->db, req->arena, hash, time_now(), act_fn, &x, &result, &e);
    json_decref(x.body); /* when the form was sent before, the body was not used */
    if (rc == YY_OK)
        return YY_OK;
    req->err = e;
    if (x.called && x.api_rc != YY_OK) {
        *refused = true;
        return x.api_rc;
    }
    return rc;
}

/* The start of an action POST (a concern's, a suggestion's): the staff gate,
 * the id in the path, the form and its action, which must be one of actions
 * (else 400 invalid_action). */
static enum yy_err action_start(struct request *req, const char *const *actions, int64_t *id,
                                struct kvlist *in, const char **action)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    STORE(web_path_int(req, "id", id));
    STORE(web_form(req, in));
    *action = kvlist_get(in, "action");
    for (size_t i = 0; *action && actions[i]; i++)
        if (!strcmp(*action, actions[i]))
            return YY_OK;
    return yy_fail(&req->err, YY_BAD_INPUT, "invalid_action", "不支持的操作", "action");
}

/* The end of an action POST: body (stolen) to the API's path once
 * (act_once); 303 to back?done=ACTION when done, to back when this form was
 * sent before.  When the API refuses the action (400, 409, 403) or the form
 * has expired (400), *status is the status to re-render the form's page
 * with and *shown the refusal; else *status is 0 and the answer is made (or
 * the error returned). */
static enum yy_err action_finish(struct request *req, struct response *res, const struct kvlist *in,
                                 const char *path, json_t *body, const char *back,
                                 const char *action, int *status, struct yy_error *shown)
{
    *status = 0;
    bool refused;
    enum yy_err rc = act_once(req, in, path, body, &refused);
    if (rc == YY_OK)
        return web_redirect(req, res, arena_printf(req->arena, "%s?done=%s", back, action));
    if (rc == YY_CONFLICT && !refused) /* sent before: the page shows what the first one did */
        return web_redirect(req, res, back);
    if (!refused && rc != YY_BAD_INPUT)
        return rc;
    if (refused && rc != YY_BAD_INPUT && rc != YY_CONFLICT && rc != YY_FORBIDDEN)
        return rc;
    *shown = req->err;
    err_clear(req);
    *status = rc == YY_BAD_INPUT ? 400 : rc == YY_CONFLICT ? 409 : 403;
    return YY_OK;
}

/* The units of the registry as options, those in chosen (form values)
 * selected. */
static enum yy_err unit_options(struct request *req, const struct kvlist *in, const char *key,
                                json_t **out)
{
    struct unit *u;
    size_t n;
    STORE(store_units_list(api_app(req)->db, req->arena, 0, 1000, &u, &n, &req->err));
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        bool sel = false;
        for (size_t k = 0; in && k < in->n; k++)
            if (!strcmp(in->items[k].key, key) && atoll(in->items[k].value) == (long long)u[i].id)
                sel = true;
        json_array_append_new(a, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)u[i].id, "name",
                                           u[i].name, "selected", sel));
    }
    *out = a;
    return YY_OK;
}

static const char *unit_name(struct request *req, int64_t id)
{
    struct unit u;
    struct yy_error e;
    if (store_unit_get(api_app(req)->db, req->arena, id, &u, &e) == YY_OK)
        return u.name;
    return "";
}

/* ---- the home page ------------------------------------------------------------------ */

/* The number of items of a list (walking its pages, at most WALK_PAGES),
 * counting those keep() accepts; -1 when the API refuses this caller. */
static int count_items(struct request *req, const char *path, bool (*keep)(json_t *), bool *more)
{
    int n = 0;
    const char *cursor = NULL;
    *more = false;
    for (int p = 0; p < WALK_PAGES; p++) {
        enum yy_err rc;
        json_t *out = api_get(req,
                              arena_printf(req->arena, "%s%slimit=%d%s%s", path,
                                           strchr(path, '?') ? "&" : "?", API_PAGE,
                                           cursor ? "&cursor=" : "", cursor ? cursor : ""),
                              &rc);
        if (!out) {
            err_clear(req);
            return p ? n : -1;
        }
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(out, "items"), i, it) if (!keep || keep(it)) n++;
        const char *next = json_string_value(json_object_get(out, "next_cursor"));
        cursor = next ? arena_strdup(req->arena, next) : NULL;
        json_decref(out);
        if (!cursor)
            return n;
    }
    *more = true;
    return n;
}

static bool is_unread(json_t *it)
{
    return !json_is_true(json_object_get(it, "read"));
}

static void add_card(struct request *req, json_t *cards, const char *label, const char *path,
                     bool (*keep)(json_t *), const char *href, const char *hint)
{
    bool more;
    int n = count_items(req, path, keep, &more);
    if (n < 0)
        return;
    json_array_append_new(cards, json_pack("{s:s, s:s, s:s, s:b, s:s?}", "label", label, "count",
                                           arena_printf(req->arena, "%d%s", n, more ? "+" : ""),
                                           "href", href, "attention", n > 0, "hint", hint));
}

static const char *roles_text(const struct staff *s)
{
    return s->admin       ? "区人大常委会代表工委"
           : s->leader    ? "主任会议成员"
           : s->street    ? "街道人大工委"
           : s->community ? "社区人大工作"
                          : "区检察院公益诉讼部门";
}

static enum yy_err get_home(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    json_t *cards = json_array();
    add_card(req, cards, "新反映的问题", "/api/v1/concerns?status=new", NULL,
             "/staff/concerns?status=new", "我的范围内待受理");
    add_card(req, cards, "转来的问题", "/api/v1/concerns?status=referred", NULL,
             "/staff/concerns?status=referred", "转交到我处待办理");
    if (s.admin) { /* screening and assignment are the office's (DOMAIN.md §1) */
        add_card(req, cards, "待审查的建议", "/api/v1/suggestions?status=submitted", NULL,
                 "/staff/suggestions?status=submitted", "立案或作为来信处理");
        add_card(req, cards, "待交办的建议", "/api/v1/suggestions?status=accepted", NULL,
                 "/staff/suggestions?status=accepted", "确定主办、协办单位");
    }
    /* GET /api/v1/supervision: the sweep's rules, in working days */
    add_card(req, cards, "即将到期", "/api/v1/supervision?state=due_soon", NULL,
             "/staff/supervision#due-soon", "按工作日计即将到期的督办事项");
    add_card(req, cards, "已超期", "/api/v1/supervision?state=overdue", NULL,
             "/staff/supervision#overdue", "超过期限仍未办结的督办事项");
    add_card(req, cards, "未读提醒", "/api/v1/inbox", is_unread, "/staff/inbox", "催办和通知");
    json_t *data = json_pack("{s:s, s:o, s:s, s:b}", "title", "工作台", "cards", cards, "role",
                             roles_text(&s), "admin", s.admin);
    return web_page(req, res, 200, "staff_home", data);
}

static enum yy_err get_staff_root(struct request *req, struct response *res)
{
    return web_redirect(req, res, "/staff/");
}

/* ---- concerns: the triage inbox ----------------------------------------------------- */

static enum yy_err region_names(struct request *req, struct region **regions, size_t *n)
{
    return store_regions_all(api_app(req)->db, req->arena, regions, n, &req->err);
}

static const char *region_name(const struct region *r, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].id == id)
            return r[i].name;
    return NULL;
}

/* A list page's filters: the API's path and query (api), the page's own
 * link ("PATH?", then "NAME=VALUE&" per filter taken), the filters' fields
 * f ({NAME: {value, error?}}) and the page's status (400 once a filter is
 * refused beside its field). */
struct list_query {
    const char *api, *self;
    json_t *f;
    int status;
};

static void lq_take(struct request *req, struct list_query *lq, const char *name, const char *value)
{
    lq->api = arena_printf(req->arena, "%s&%s=%s", lq->api, name, value);
    lq->self = arena_printf(req->arena, "%s%s=%s&", lq->self, name, value);
}

static void lq_refuse(struct list_query *lq, const char *name, const char *message)
{
    json_object_set_new(json_object_get(lq->f, name), "error", json_string(message));
    lq->status = 400;
}

/* status=: one of states, or refused. */
static void lq_status(struct request *req, struct list_query *lq, const char *status,
                      const char *const *states)
{
    if (!status || !*status)
        return;
    for (size_t i = 0; states[i]; i++)
        if (!strcmp(status, states[i])) {
            lq_take(req, lq, "status", status);
            return;
        }
    lq_refuse(lq, "status", "请从列表中选择状态");
}

/* An id filter (street=, station=): a positive integer in *id, or refused
 * with message. */
static void lq_id(struct request *req, struct list_query *lq, const char *name, const char *value,
                  const char *message, int64_t *id)
{
    if (!value || !*value)
        return;
    if (parse_int64(value, 1, INT64_MAX, id))
        lq_take(req, lq, name, arena_printf(req->arena, "%lld", (long long)*id));
    else
        lq_refuse(lq, name, message);
}

/* &cursor= on the API's path (not on the page's own link); 400 for a
 * cursor that could not have come from the API. */
static enum yy_err lq_cursor(struct request *req, const char *cursor, const char **api)
{
    if (!cursor || !*cursor)
        return YY_OK;
    if (!web_token_chars(cursor, 200))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_cursor", "分页参数无效", "cursor");
    *api = arena_printf(req->arena, "%s&cursor=%s", *api, cursor);
    return YY_OK;
}

static enum yy_err get_concerns(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    struct region *regions;
    size_t n_regions;
    STORE(region_names(req, &regions, &n_regions));
    const char *status = kvlist_get(&req->query, "status");
    const char *street = kvlist_get(&req->query, "street");
    const char *station = kvlist_get(&req->query, "station");
    const char *cursor = kvlist_get(&req->query, "cursor");
    struct list_query lq = {.api = arena_printf(req->arena, "/api/v1/concerns?limit=%d", PAGE_ROWS),
                            .self = "/staff/concerns?",
                            .f = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}}", "status", "value",
                                           status ? status : "", "street", "value",
                                           street ? street : "", "station", "value",
                                           station ? station : ""),
                            .status = 200};
    int64_t street_id = 0, station_id = 0;
    lq_status(req, &lq, status, concern_states);
    lq_id(req, &lq, "street", street, "请从列表中选择街道", &street_id);
    lq_id(req, &lq, "station", station, "请从列表中选择联络站", &station_id);
    enum yy_err crc = lq_cursor(req, cursor, &lq.api);
    if (crc != YY_OK) {
        json_decref(lq.f);
        return crc;
    }
    const char *q = lq.api, *self = lq.self;
    json_t *f = lq.f;
    int http = lq.status;
    json_t *data = json_pack("{s:s, s:o}", "title", "群众意见", "f", f);
    json_t *states = json_array();
    for (size_t i = 0; concern_states[i]; i++) {
        enum cn_state st;
        cn_state_from_name(concern_states[i], &st);
        json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "value", concern_states[i],
                                                "label", cn_state_label_zh(st), "selected",
                                                status && !strcmp(status, concern_states[i])));
    }
    json_object_set_new(data, "states", states);
    json_t *streets = json_array();
    for (size_t i = 0; i < n_regions; i++)
        if (regions[i].kind == REGION_STREET || regions[i].kind == REGION_DEV_ZONE)
            json_array_append_new(
                streets, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)regions[i].id, "name",
                                   regions[i].name, "selected", regions[i].id == street_id));
    json_object_set_new(data, "streets", streets);
    struct station_filter sf = {.street_id = street_id};
    struct station *st;
    size_t n_st;
    STORE(store_stations_list(api_app(req)->db, req->arena, &sf, &st, &n_st, &req->err));
    json_t *stations = json_array();
    for (size_t i = 0; i < n_st; i++)
        json_array_append_new(stations,
                              json_pack("{s:I, s:s, s:b}", "id", (json_int_t)st[i].id, "name",
                                        st[i].name, "selected", st[i].id == station_id));
    json_object_set_new(data, "stations", stations);
    if (http == 200) {
        enum yy_err rc;
        json_t *out = api_get(req, q, &rc);
        if (!out) {
            if (rc != YY_BAD_INPUT) {
                json_decref(data);
                return rc;
            }
            json_t *fo = req->err.field ? json_object_get(f, req->err.field) : NULL;
            if (fo)
                json_object_set_new(fo, "error", json_string(req->err.message));
            else
                json_object_set_new(data, "error", json_string(req->err.message));
            http = 400;
        } else {
            web_times(out);
            json_t *items = json_object_get(out, "items");
            size_t i;
            json_t *it;
            json_array_foreach(items, i, it)
            {
                const char *sn = region_name(regions, n_regions,
                                             json_integer_value(json_object_get(it, "street_id")));
                if (sn)
                    json_object_set_new(it, "street", json_string(sn));
            }
            json_object_set(data, "items", items);
            json_object_set_new(data, "empty", json_boolean(json_array_size(items) == 0));
            json_object_set_new(data, "has_items", json_boolean(json_array_size(items) > 0));
            const char *next = json_string_value(json_object_get(out, "next_cursor"));
            if (next)
                json_object_set_new(
                    data, "next", json_string(arena_printf(req->arena, "%scursor=%s", self, next)));
            if (cursor && *cursor)
                json_object_set_new(data, "first", json_string(self));
            json_decref(out);
        }
    }
    return web_page(req, res, http, "staff_concerns", data);
}

/* ---- a concern and its handling forms ------------------------------------------------ */

/* The staff actions a concern page offers, in this order. */
static const char *const concern_actions[] = {
    "accept", "decline", "resolve_on_site", "refer", "merge", "resolve", NULL};

static const char *const *concern_action_fields(const char *action)
{
    static const char *const none[] = {NULL};
    static const char *const decline[] = {"reason", "redirect", NULL};
    static const char *const on_site[] = {"result", "unit_id", NULL};
    static const char *const refer[] = {"region_id", "note", NULL};
    static const char *const merge[] = {"into", NULL};
    static const char *const resolve[] = {"result", NULL};
    if (!strcmp(action, "decline"))
        return decline;
    if (!strcmp(action, "resolve_on_site"))
        return on_site;
    if (!strcmp(action, "refer"))
        return refer;
    if (!strcmp(action, "merge"))
        return merge;
    if (!strcmp(action, "resolve"))
        return resolve;
    return none;
}

/* The concern page: the record as the API shows it to the caller, and the
 * forms of the actions it allows.  failed/in/err: the form that was sent and
 * what the API said (its field's input kept, the message beside it);
 * merge_into: the merge's confirm step (the target as the API shows it). */
static enum yy_err concern_page(struct request *req, struct response *res, int http,
                                const char *failed, const struct kvlist *in,
                                const struct yy_error *err, json_t *merge_into)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    enum yy_err rc;
    json_t *c = api_get(req, arena_printf(req->arena, "/api/v1/concerns/%lld", (long long)id), &rc);
    if (!c) {
        json_decref(merge_into);
        return rc;
    }
    struct region *regions;
    size_t n_regions;
    rc = region_names(req, &regions, &n_regions);
    if (rc != YY_OK) {
        json_decref(c);
        json_decref(merge_into);
        return rc;
    }
    web_label_timeline(json_object_get(c, "timeline"), cn_event_label_zh);
    const char *sn =
        region_name(regions, n_regions, json_integer_value(json_object_get(c, "street_id")));
    const char *cn =
        region_name(regions, n_regions, json_integer_value(json_object_get(c, "community_id")));
    const char *rn =
        region_name(regions, n_regions, json_integer_value(json_object_get(c, "referred_to")));
    json_t *uid = json_object_get(c, "unit_id");
    if (json_is_integer(uid))
        json_object_set_new(c, "unit_name", json_string(unit_name(req, json_integer_value(uid))));
    web_times(c);
    json_t *data =
        json_pack("{s:O, s:o, s:s?, s:s?, s:s?, s:o}", "title", json_object_get(c, "title"), "c", c,
                  "street", sn, "community", cn, "referred", rn, "form_token", fresh_token());
    json_t *actions = json_object_get(c, "actions");
    json_t *forms = json_object();
    bool placed = false, any = false;
    for (size_t i = 0; concern_actions[i]; i++) {
        const char *a = concern_actions[i];
        if (!has_action(actions, a))
            continue;
        any = true;
        json_t *fo = action_form(in, a, concern_action_fields(a), failed, err, &placed);
        json_object_set_new(forms, a, fo);
    }
    if (json_object_get(forms, "resolve_on_site")) {
        json_t *units;
        if ((rc = unit_options(req, failed && !strcmp(failed, "resolve_on_site") ? in : NULL,
                               "unit_id", &units)) != YY_OK) {
            json_decref(forms);
            json_decref(data);
            json_decref(merge_into);
            return rc;
        }
        json_object_set_new(json_object_get(forms, "resolve_on_site"), "units", units);
    }
    if (json_object_get(forms, "refer")) {
        const char *chosen =
            failed && !strcmp(failed, "refer") ? kvlist_get(in, "region_id") : NULL;
        json_t *opts = json_array();
        for (size_t i = 0; i < n_regions; i++) {
            const struct region *r = &regions[i];
            if (r->kind == REGION_DISTRICT)
                continue;
            const char *parent =
                r->kind == REGION_COMMUNITY ? region_name(regions, n_regions, r->parent_id) : NULL;
            const char *label =
                parent ? arena_printf(req->arena, "%s · %s", parent, r->name) : r->name;
            json_array_append_new(opts, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)r->id,
                                                  "name", label, "selected",
                                                  chosen && atoll(chosen) == (long long)r->id));
        }
        json_object_set_new(json_object_get(forms, "refer"), "regions", opts);
    }
    if (merge_into)
        json_object_set_new(json_object_get(forms, "merge"), "confirm", merge_into);
    json_object_set_new(data, "forms", forms);
    json_object_set_new(data, "has_actions", json_boolean(any));
    if (err && !placed)
        json_object_set_new(data, "error", json_string(err->message));
    const char *done = kvlist_get(&req->query, "done");
    if (done && !err)
        for (size_t i = 0; concern_actions[i]; i++)
            if (!strcmp(done, concern_actions[i]))
                json_object_set_new(
                    data, "done",
                    json_string(cn_event_label_zh(concern_actions[i])));
    return web_page(req, res, http, "staff_concern", data);
}

static enum yy_err get_concern(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    return concern_page(req, res, 200, NULL, NULL, NULL, NULL);
}

/* Text field of a form into the API body (as typed; the API judges it). */
static void put_text(json_t *body, const struct kvlist *in, const char *name, bool optional)
{
    const char *v = kvlist_get(in, name);
    if (optional && (!v || !*v))
        return;
    json_object_set_new(body, name, json_string(v ? v : ""));
}

/* An id field: missing or empty is 0 (absent); not a number is an error. */
static bool form_id(const struct kvlist *in, const char *name, int64_t *out)
{
    const char *v = kvlist_get(in, name);
    *out = 0;
    if (!v || !*v)
        return true;
    return parse_int64(v, 1, INT64_MAX, out);
}

/* An id field (unit_id, region_id, into, leader_id) into the API body as a
 * number.  Empty is left out, or refused when required; not a number is
 * refused: code and message beside the field, unless *bad holds a refusal
 * already.  The id in *out when out is not NULL (0 when left out). */
static void put_id(json_t *body, const struct kvlist *in, const char *name, bool required,
                   const char *code, const char *message, struct yy_error *bad, int64_t *out)
{
    int64_t id;
    if (!form_id(in, name, &id) || (required && !id)) {
        if (!bad->kind)
            *bad = mkbad(code, message, name);
    } else if (id) {
        json_object_set_new(body, name, json_integer(id));
    }
    if (out)
        *out = id;
}

static enum yy_err post_concern_action(struct request *req, struct response *res)
{
    int64_t id;
    struct kvlist in;
    const char *action;
    STORE(action_start(req, concern_actions, &id, &in, &action));
    const char *back = arena_printf(req->arena, "/staff/concerns/%lld", (long long)id);
    json_t *body = json_pack("{s:s}", "action", action);
    struct yy_error bad = {0};
    if (!strcmp(action, "decline")) {
        put_text(body, &in, "reason", false);
        put_text(body, &in, "redirect", false);
    } else if (!strcmp(action, "resolve_on_site")) {
        put_text(body, &in, "result", false);
        put_id(body, &in, "unit_id", false, "invalid_unit", "请从列表中选择单位", &bad, NULL);
    } else if (!strcmp(action, "refer")) {
        put_id(body, &in, "region_id", true, "missing_field", "请选择转交到的社区或街道", &bad,
               NULL);
        put_text(body, &in, "note", true);
    } else if (!strcmp(action, "merge")) {
        int64_t into;
        put_id(body, &in, "into", true, "missing_field", "请输入要并入的问题编号", &bad, &into);
        /* the confirm step: the target's title as the API shows it to the caller */
        if (!bad.kind && !kvlist_get(&in, "confirm")) {
            json_decref(body);
            if (into == id) {
                bad = mkbad("invalid_merge", "不能并入问题本身", "into");
                return concern_page(req, res, 400, action, &in, &bad, NULL);
            }
            enum yy_err rc;
            json_t *t = api_get(
                req, arena_printf(req->arena, "/api/v1/concerns/%lld", (long long)into), &rc);
            if (!t) {
                if (rc != YY_NOT_FOUND)
                    return rc;
                err_clear(req);
                bad = mkbad("unknown_concern", "没有这个编号的问题,或不在您的办理范围内", "into");
                return concern_page(req, res, 400, action, &in, &bad, NULL);
            }
            web_times(t);
            json_t *confirm = json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(t, "id"),
                                        "title", json_object_get(t, "title"), "status_label",
                                        json_object_get(t, "status_label"), "created_at",
                                        json_object_get(t, "created_at"));
            json_decref(t);
            return concern_page(req, res, 200, NULL, NULL, NULL, confirm);
        }
    } else if (!strcmp(action, "resolve")) {
        put_text(body, &in, "result", false);
    }
    if (bad.kind) {
        json_decref(body);
        return concern_page(req, res, 400, action, &in, &bad, NULL);
    }
    int status;
    struct yy_error shown;
    enum yy_err rc = action_finish(
        req, res, &in, arena_printf(req->arena, "/api/v1/concerns/%lld/actions", (long long)id),
        body, back, action, &status, &shown);
    if (!status)
        return rc;
    return concern_page(req, res, status, action, &in, &shown, NULL);
}

/* ---- suggestions ------------------------------------------------------------------------ */

static enum yy_err get_suggestions(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    const char *status = kvlist_get(&req->query, "status");
    const char *cursor = kvlist_get(&req->query, "cursor");
    struct list_query lq = {.api =
                                arena_printf(req->arena, "/api/v1/suggestions?limit=%d", PAGE_ROWS),
                            .self = "/staff/suggestions?",
                            .f = json_pack("{s:{s:s}}", "status", "value", status ? status : ""),
                            .status = 200};
    lq_status(req, &lq, status, suggestion_states);
    enum yy_err crc = lq_cursor(req, cursor, &lq.api);
    if (crc != YY_OK) {
        json_decref(lq.f);
        return crc;
    }
    const char *q = lq.api, *self = lq.self;
    json_t *f = lq.f;
    int http = lq.status;
    json_t *states = json_array();
    for (size_t i = 0; suggestion_states[i]; i++) {
        enum sg_state st;
        sg_state_from_name(suggestion_states[i], &st);
        json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "value", suggestion_states[i],
                                                "label", sg_state_label_zh(st), "selected",
                                                status && !strcmp(status, suggestion_states[i])));
    }
    json_t *data = json_pack("{s:s, s:o, s:o}", "title", "代表建议", "f", f, "states", states);
    if (http == 200) {
        enum yy_err rc;
        json_t *out = api_get(req, q, &rc);
        if (!out) {
            json_decref(data);
            return rc;
        }
        web_times(out);
        json_t *items = json_object_get(out, "items");
        json_object_set(data, "items", items);
        json_object_set_new(data, "empty", json_boolean(json_array_size(items) == 0));
        json_object_set_new(data, "has_items", json_boolean(json_array_size(items) > 0));
        const char *next = json_string_value(json_object_get(out, "next_cursor"));
        if (next)
            json_object_set_new(data, "next",
                                json_string(arena_printf(req->arena, "%scursor=%s", self, next)));
        if (cursor && *cursor)
            json_object_set_new(data, "first", json_string(self));
        json_decref(out);
    }
    return web_page(req, res, http, "staff_suggestions", data);
}

/* The staff actions a suggestion page offers, in this order. */
static const char *const suggestion_actions[] = {
    "accept",   "return_as_letter", "assign",  "decide_return", "decide_extension",
    "mark_key", "supervise",        "publish", "close",         "explain",
    NULL};

static const char *const *suggestion_action_fields(const char *action)
{
    static const char *const none[] = {NULL};
    static const char *const letter[] = {"reason", "detail", NULL};
    static const char *const units[] = {"units", "hard_case", NULL};
    static const char *const decide[] = {"approve", "unit_id", "units", NULL};
    static const char *const key[] = {"leader_id", "committee", NULL};
    static const char *const note[] = {"note", NULL};
    static const char *const text[] = {"text", NULL};
    if (!strcmp(action, "return_as_letter"))
        return letter;
    if (!strcmp(action, "assign"))
        return units;
    if (!strcmp(action, "decide_return") || !strcmp(action, "decide_extension"))
        return decide;
    if (!strcmp(action, "mark_key"))
        return key;
    if (!strcmp(action, "supervise"))
        return note;
    if (!strcmp(action, "explain"))
        return text;
    return none;
}

/* The leaders (主任会议成员) for mark_key: read-only, names only. */
static enum yy_err leader_options(struct request *req, const char *chosen, json_t **out)
{
    struct user_brief *v;
    size_t n;
    enum yy_err rc =
        store_users_with_role(api_app(req)->db, req->arena, ROLE_LEADER, &v, &n, &req->err);
    if (rc != YY_OK)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)v[i].id, "name",
                                           v[i].name, "selected",
                                           chosen && atoll(chosen) == (long long)v[i].id));
    *out = a;
    return YY_OK;
}

static enum yy_err suggestion_page(struct request *req, struct response *res, int http,
                                   const char *failed, const struct kvlist *in,
                                   const struct yy_error *err)
{
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    enum yy_err rc;
    json_t *s =
        api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), &rc);
    if (!s)
        return rc;
    web_label_timeline(json_object_get(s, "timeline"), sg_event_label_zh);
    json_t *key = json_object_get(s, "key");
    if (json_is_integer(json_object_get(key, "leader_id"))) {
        struct user u;
        struct yy_error e;
        if (store_user_get(api_app(req)->db, req->arena,
                           json_integer_value(json_object_get(key, "leader_id")), &u, &e) == YY_OK)
            json_object_set_new(key, "leader_name",
                                json_string(u.name && *u.name ? u.name : u.login));
    }
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(s, "assignments"), i, g)
    {
        json_object_set_new(
            g, "lead",
            json_boolean(!strcmp(json_string_value(json_object_get(g, "role")), "lead")));
        json_t *ex = json_object_get(g, "extension");
        if (json_is_object(ex) &&
            !strcmp(json_string_value(json_object_get(ex, "status")) ?: "", "pending"))
            json_object_set_new(g, "extension_pending", json_true());
    }
    web_times(s);
    json_t *data = json_pack("{s:O, s:o, s:o}", "title", json_object_get(s, "title"), "s", s,
                             "form_token", fresh_token());
    json_t *actions = json_object_get(s, "actions");
    json_t *forms = json_object();
    bool placed = false, any = false;
    for (i = 0; suggestion_actions[i]; i++) {
        const char *a = suggestion_actions[i];
        if (!has_action(actions, a))
            continue;
        any = true;
        bool mine = failed && !strcmp(failed, a);
        json_t *fo = action_form(in, a, suggestion_action_fields(a), failed, err, &placed);
        if (!strcmp(a, "return_as_letter")) {
            const char *chosen = mine ? kvlist_get(in, "reason") : NULL;
            json_t *opts = json_array();
            for (size_t k = 0; letter_reasons[k]; k++)
                json_array_append_new(opts,
                                      json_pack("{s:s, s:b}", "name", letter_reasons[k], "selected",
                                                chosen && !strcmp(chosen, letter_reasons[k])));
            json_object_set_new(fo, "reasons", opts);
        }
        if (!strcmp(a, "assign") || !strcmp(a, "decide_return")) {
            json_t *lead, *co;
            if ((rc = unit_options(req, mine ? in : NULL, "lead", &lead)) != YY_OK ||
                (rc = unit_options(req, mine ? in : NULL, "co", &co)) != YY_OK) {
                json_decref(fo);
                json_decref(forms);
                json_decref(data);
                return rc;
            }
            json_object_set_new(fo, "lead", lead);
            json_object_set_new(fo, "co", co);
            if (mine && kvlist_get(in, "hard_case"))
                json_object_set_new(fo, "hard_case", json_true());
        }
        if (!strcmp(a, "decide_return") || !strcmp(a, "decide_extension")) {
            const char *approve = mine ? kvlist_get(in, "approve") : NULL;
            json_object_set_new(fo, "approve_yes", json_boolean(approve && !strcmp(approve, "1")));
            json_object_set_new(fo, "approve_no", json_boolean(approve && !strcmp(approve, "0")));
        }
        if (!strcmp(a, "mark_key")) {
            json_t *leaders;
            const char *chosen = mine ? kvlist_get(in, "leader_id") : NULL;
            if ((rc = leader_options(req, chosen, &leaders)) != YY_OK) {
                json_decref(fo);
                json_decref(forms);
                json_decref(data);
                return rc;
            }
            json_object_set_new(fo, "leaders", leaders);
        }
        json_object_set_new(forms, a, fo);
    }
    json_object_set_new(data, "forms", forms);
    json_object_set_new(data, "has_actions", json_boolean(any));
    if (err && !placed)
        json_object_set_new(data, "error", json_string(err->message));
    const char *done = kvlist_get(&req->query, "done");
    if (done && !err)
        for (i = 0; suggestion_actions[i]; i++)
            if (!strcmp(done, suggestion_actions[i]))
                json_object_set_new(data, "done",
                                    json_string(sg_event_label_zh(suggestion_actions[i])));
    return web_page(req, res, http, "staff_suggestion", data);
}

static enum yy_err get_suggestion(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    return suggestion_page(req, res, 200, NULL, NULL, NULL);
}

/* units: [{unit_id, role}] from the form's lead= and co= values. */
static bool form_units(const struct kvlist *in, json_t **out)
{
    json_t *a = json_array();
    for (size_t k = 0; k < in->n; k++) {
        bool lead = !strcmp(in->items[k].key, "lead");
        if (!lead && strcmp(in->items[k].key, "co"))
            continue;
        int64_t u;
        if (!parse_int64(in->items[k].value, 1, INT64_MAX, &u)) {
            json_decref(a);
            return false;
        }
        json_array_append_new(
            a, json_pack("{s:I, s:s}", "unit_id", (json_int_t)u, "role", lead ? "lead" : "co"));
    }
    *out = a;
    return true;
}

/* The assignment's confirm step: the units as chosen and the due dates the
 * API will set, computed now with the same rules and calendar
 * (domain/suggestion.c add_assignments). */
static enum yy_err assign_preview(struct request *req, struct response *res, int64_t id,
                                  const struct kvlist *in, json_t *units)
{
    struct sg_rules rules;
    enum yy_err rc = store_sg_rules(api_app(req)->db, &rules, &req->err);
    if (rc != YY_OK) {
        json_decref(units);
        return rc;
    }
    const struct calendar *cal = api_app(req)->calendar;
    static const struct calendar none;
    if (!cal)
        cal = &none;
    bool hard = kvlist_get(in, "hard_case") != NULL;
    int64_t now = time_now();
    struct sg_due due =
        sg_due_months(cal, now, hard ? rules.hard_case_reply_months : rules.reply_months);
    struct sg_due co = sg_due_months(cal, now, rules.co_opinion_months);
    enum yy_err grc;
    json_t *s =
        api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), &grc);
    if (!s) {
        json_decref(units);
        return grc;
    }
    json_t *rows = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u)
    {
        bool lead = !strcmp(json_string_value(json_object_get(u, "role")), "lead");
        struct sg_due d = lead ? due : co;
        json_array_append_new(
            rows,
            json_pack("{s:O, s:s, s:s, s:s, s:s, s:b}", "unit_id", json_object_get(u, "unit_id"),
                      "name", unit_name(req, json_integer_value(json_object_get(u, "unit_id"))),
                      "role", lead ? "lead" : "co", "role_label", lead ? "主办" : "协办", "due",
                      date_text(req->arena, d.at), "provisional", d.provisional));
    }
    json_decref(units);
    json_t *data = json_pack(
        "{s:s, s:O, s:I, s:o, s:s, s:i, s:i, s:b, s:s, s:s, s:b, s:b, s:s}", "title", "确认交办",
        "suggestion_title", json_object_get(s, "title"), "id", (json_int_t)id, "rows", rows,
        "today", date_text(req->arena, now), "reply_months",
        hard ? rules.hard_case_reply_months : rules.reply_months, "co_months",
        rules.co_opinion_months, "hard_case", hard, "due", date_text(req->arena, due.at), "co_due",
        date_text(req->arena, co.at), "provisional", due.provisional || co.provisional, "has_co",
        false, "form_token", kvlist_get(in, "form_token") ?: "");
    json_decref(s);
    json_array_foreach(json_object_get(data, "rows"), i,
                       u) if (!strcmp(json_string_value(json_object_get(u, "role")), "co"))
        json_object_set_new(data, "has_co", json_true());
    return web_page(req, res, 200, "staff_assign", data);
}

static enum yy_err post_suggestion_action(struct request *req, struct response *res)
{
    int64_t id;
    struct kvlist in;
    const char *action;
    STORE(action_start(req, suggestion_actions, &id, &in, &action));
    const char *back = arena_printf(req->arena, "/staff/suggestions/%lld", (long long)id);
    json_t *body = json_pack("{s:s}", "action", action);
    struct yy_error bad = {0};
    if (!strcmp(action, "return_as_letter")) {
        const char *r = kvlist_get(&in, "reason"), *d = kvlist_get(&in, "detail");
        bool listed = false;
        for (size_t k = 0; r && letter_reasons[k]; k++)
            listed |= !strcmp(r, letter_reasons[k]);
        if (!listed)
            bad = mkbad("missing_field", "请选择作为来信处理的理由", "reason");
        else
            json_object_set_new(body, "reason",
                                json_string(d && *d ? arena_printf(req->arena, "%s:%s", r, d) : r));
    } else if (!strcmp(action, "assign") || !strcmp(action, "decide_return")) {
        json_t *units = NULL;
        if (!form_units(&in, &units))
            bad = mkbad("invalid_unit", "请从列表中选择承办单位", "units");
        else
            json_object_set_new(body, "units", units);
        if (!strcmp(action, "assign")) {
            if (kvlist_get(&in, "hard_case"))
                json_object_set_new(body, "hard_case", json_true());
            if (!bad.kind && json_array_size(units) == 0)
                bad = mkbad("missing_field", "须指定承办单位", "units");
            /* the first POST shows the due dates; the confirm POST assigns */
            if (!bad.kind && !kvlist_get(&in, "confirm")) {
                json_t *u = json_incref(units);
                json_decref(body);
                return assign_preview(req, res, id, &in, u);
            }
        }
    }
    if (!strcmp(action, "decide_return") || !strcmp(action, "decide_extension")) {
        const char *ap = kvlist_get(&in, "approve");
        if (!ap || (strcmp(ap, "1") && strcmp(ap, "0"))) {
            if (!bad.kind)
                bad = mkbad("missing_field", "请选择同意或不同意", "approve");
        } else {
            json_object_set_new(body, "approve", json_boolean(!strcmp(ap, "1")));
        }
        if (!strcmp(action, "decide_extension"))
            json_object_del(body, "units");
        put_id(body, &in, "unit_id", false, "invalid_unit", "请从列表中选择单位", &bad, NULL);
    } else if (!strcmp(action, "mark_key")) {
        put_id(body, &in, "leader_id", true, "missing_field", "请选择督办的主任会议成员", &bad,
               NULL);
        put_text(body, &in, "committee", false);
    } else if (!strcmp(action, "supervise")) {
        put_text(body, &in, "note", false);
    } else if (!strcmp(action, "explain")) {
        put_text(body, &in, "text", false);
    }
    if (bad.kind) {
        json_decref(body);
        return suggestion_page(req, res, 400, action, &in, &bad);
    }
    int status;
    struct yy_error shown;
    enum yy_err rc = action_finish(
        req, res, &in, arena_printf(req->arena, "/api/v1/suggestions/%lld/actions", (long long)id),
        body, back, action, &status, &shown);
    if (!status)
        return rc;
    return suggestion_page(req, res, status, action, &in, &shown);
}

/* ---- the supervision board ------------------------------------------------------------- */

/* Every item of a list, walking at most WALK_PAGES pages; NULL with *rc when
 * the API refuses the first page. */
static json_t *walk(struct request *req, const char *path, enum yy_err *rc, bool *more)
{
    json_t *all = json_array();
    const char *cursor = NULL;
    *more = false;
    for (int p = 0; p < WALK_PAGES; p++) {
        json_t *out = api_get(req,
                              arena_printf(req->arena, "%s%slimit=%d%s%s", path,
                                           strchr(path, '?') ? "&" : "?", API_PAGE,
                                           cursor ? "&cursor=" : "", cursor ? cursor : ""),
                              rc);
        if (!out) {
            if (p == 0) {
                json_decref(all);
                return NULL;
            }
            err_clear(req);
            break;
        }
        json_array_extend(all, json_object_get(out, "items"));
        const char *next = json_string_value(json_object_get(out, "next_cursor"));
        cursor = next ? arena_strdup(req->arena, next) : NULL;
        json_decref(out);
        if (!cursor)
            return all;
    }
    *more = cursor != NULL;
    *rc = YY_OK;
    return all;
}

static enum yy_err get_supervision(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    json_t *data = json_pack("{s:s}", "title", "督办");
    enum yy_err rc;
    bool more;
    /* open duties, due soon (the setting's working days) or overdue: the
     * sweep's own judgement (GET /api/v1/supervision) */
    json_t *rows = walk(req, "/api/v1/supervision", &rc, &more);
    if (rows) {
        json_t *soon = json_array(), *over = json_array();
        size_t i;
        json_t *r;
        int64_t days = 0;
        json_array_foreach(rows, i, r)
        {
            json_t *sid = json_object_get(r, "suggestion_id");
            const char *href =
                json_is_integer(sid)
                    ? arena_printf(req->arena, "/staff/suggestions/%lld",
                                   (long long)json_integer_value(sid))
                    : arena_printf(
                          req->arena, "/staff/concerns/%lld",
                          (long long)json_integer_value(json_object_get(r, "concern_id")));
            bool late = !strcmp(json_string_value(json_object_get(r, "state")) ?: "", "overdue");
            json_int_t left = json_integer_value(json_object_get(r, "working_days_left"));
            json_t *row = json_pack(
                "{s:s, s:O, s:O, s:O, s:O, s:O, s:I, s:I, s:b}", "href", href, "title",
                json_object_get(r, "title"), "item_label", json_object_get(r, "item_label"),
                "unit", json_is_string(json_object_get(r, "unit_name"))
                            ? json_object_get(r, "unit_name")
                            : json_string("区人大常委会代表工委"),
                "due_on", json_object_get(r, "due_day"), "days_overdue",
                json_object_get(r, "days_overdue"), "working_days_left", left,
                "working_days_late", -left, "key", json_is_true(json_object_get(r, "key")));
            json_array_append_new(late ? over : soon, row);
        }
        json_decref(rows);
        /* the setting, from a first page (walk keeps the items only) */
        json_t *first = api_get(req, "/api/v1/supervision?limit=1", &rc);
        if (first) {
            days = json_integer_value(json_object_get(first, "due_soon_working_days"));
            json_decref(first);
        } else {
            err_clear(req);
        }
        json_object_set_new(data, "lists", json_true());
        json_object_set_new(data, "due_soon_days", json_integer(days));
        json_object_set_new(data, "soon", soon);
        json_object_set_new(data, "over", over);
        json_object_set_new(data, "soon_empty", json_boolean(json_array_size(soon) == 0));
        json_object_set_new(data, "over_empty", json_boolean(json_array_size(over) == 0));
        json_object_set_new(data, "lists_more", json_boolean(more));
    } else if (rc == YY_FORBIDDEN || rc == YY_NOT_FOUND) {
        err_clear(req);
    } else {
        json_decref(data);
        return rc;
    }
    /* key suggestions (重点建议); a leader sees those they supervise */
    bool mine_only = s.leader && !s.admin;
    json_t *sugs = walk(req,
                        mine_only ? arena_printf(req->arena, "/api/v1/suggestions?leader=%lld",
                                                 (long long)s.user_id)
                                  : "/api/v1/suggestions?key=true",
                        &rc, &more);
    if (!sugs) {
        json_decref(data);
        return rc;
    }
    json_t *keys = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(sugs, i, it)
    {
        if (json_array_size(keys) >= KEY_MAX)
            break;
        json_t *full =
            api_get(req,
                    arena_printf(req->arena, "/api/v1/suggestions/%lld",
                                 (long long)json_integer_value(json_object_get(it, "id"))),
                    &rc);
        if (!full) {
            err_clear(req);
            continue;
        }
        json_t *key = json_object_get(full, "key");
        int64_t leader = json_integer_value(json_object_get(key, "leader_id"));
        const char *lname = "";
        struct user u;
        struct yy_error e;
        if (leader && store_user_get(api_app(req)->db, req->arena, leader, &u, &e) == YY_OK)
            lname = u.name && *u.name ? u.name : u.login;
        const char *due = NULL;
        size_t k;
        json_t *g;
        json_array_foreach(
            json_object_get(full, "assignments"), k,
            g) if (json_is_true(json_object_get(g, "active")) &&
                   !strcmp(json_string_value(json_object_get(g, "role")) ?: "", "lead")) due =
            json_string_value(json_object_get(g, "due_at"));
        json_t *row = json_pack("{s:O, s:O, s:O, s:s, s:O}", "id", json_object_get(full, "id"),
                                "title", json_object_get(full, "title"), "status_label",
                                json_object_get(full, "status_label"), "leader", lname, "committee",
                                json_object_get(key, "committee"));
        if (due)
            json_object_set_new(row, "due_at", json_string(due));
        json_array_append_new(keys, row);
        json_decref(full);
    }
    json_decref(sugs);
    web_times(keys);
    json_object_set_new(data, "keys_empty", json_boolean(json_array_size(keys) == 0));
    json_object_set_new(data, "keys", keys);
    json_object_set_new(data, "mine_only", json_boolean(mine_only));
    /* on-site commitments: resolved on site with a unit's promise still open */
    json_t *onsite = walk(req, "/api/v1/concerns?status=resolved_on_site", &rc, &more);
    if (onsite) {
        json_t *open = json_array();
        int64_t now = time_now();
        json_array_foreach(onsite, i, it)
        {
            json_t *uid = json_object_get(it, "unit_id");
            if (!json_is_integer(uid))
                continue;
            const char *due = json_string_value(json_object_get(it, "due_at"));
            int64_t due_t = 0;
            bool late = due && time_parse_rfc3339(due, &due_t) && due_t < now;
            json_array_append_new(open, json_pack("{s:O, s:O, s:s, s:O, s:b}", "id",
                                                  json_object_get(it, "id"), "title",
                                                  json_object_get(it, "title"), "unit",
                                                  unit_name(req, json_integer_value(uid)), "due_at",
                                                  json_object_get(it, "due_at"), "late", late));
        }
        json_decref(onsite);
        web_times(open);
        json_object_set_new(data, "onsite_shown", json_true());
        json_object_set_new(data, "onsite_empty", json_boolean(json_array_size(open) == 0));
        json_object_set_new(data, "onsite", open);
    } else if (rc == YY_FORBIDDEN) {
        err_clear(req);
    } else {
        json_decref(data);
        return rc;
    }
    web_times(data);
    return web_page(req, res, 200, "staff_supervision", data);
}

/* ---- the inbox ---------------------------------------------------------------------------- */

static const char *const reminder_kinds[][2] = {
    {"overdue", "已超期"},
    {"due_soon", "即将到期"},
    {"new_assignment", "新交办"},
    {"reply_received", "收到答复"},
    {"return_requested", "申请退回"},
    {"extension_requested", "申请延期"},
    {"extension_decided", "延期审核"},
    {"supervise", "督办"},
    {"mark_key", "重点建议"},
    {"rehandling", "重新办理"},
};

static enum yy_err get_inbox(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    const char *cursor = kvlist_get(&req->query, "cursor");
    const char *q = arena_printf(req->arena, "/api/v1/inbox?limit=%d", PAGE_ROWS);
    STORE(lq_cursor(req, cursor, &q));
    enum yy_err rc;
    json_t *out = api_get(req, q, &rc);
    if (!out)
        return rc;
    json_t *items = json_object_get(out, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *k = json_string_value(json_object_get(it, "kind")) ?: "";
        json_object_set_new(
            it, "kind_label",
            json_string(
                label_of(reminder_kinds, sizeof(reminder_kinds) / sizeof(reminder_kinds[0]), k)));
        const char *entity = json_string_value(json_object_get(it, "entity")) ?: "";
        json_int_t eid = json_integer_value(json_object_get(it, "entity_id"));
        json_t *sid = json_object_get(it, "suggestion_id");
        const char *href = NULL;
        if (json_is_integer(sid))
            href = arena_printf(req->arena, "/staff/suggestions/%lld",
                                (long long)json_integer_value(sid));
        else if (!strcmp(entity, "concern"))
            href = arena_printf(req->arena, "/staff/concerns/%lld", (long long)eid);
        else if (!strcmp(entity, "suggestion"))
            href = arena_printf(req->arena, "/staff/suggestions/%lld", (long long)eid);
        if (href)
            json_object_set_new(it, "href", json_string(href));
    }
    web_times(out);
    json_t *data = json_pack("{s:s, s:O, s:b}", "title", "提醒", "items", items, "empty",
                             json_array_size(items) == 0);
    const char *next = json_string_value(json_object_get(out, "next_cursor"));
    if (next)
        json_object_set_new(data, "next",
                            json_string(arena_printf(req->arena, "/staff/inbox?cursor=%s", next)));
    if (cursor && *cursor)
        json_object_set_new(data, "first", json_string("/staff/inbox"));
    json_decref(out);
    return web_page(req, res, 200, "staff_inbox", data);
}

/* Marking read twice changes nothing: the second submit lands on the inbox. */
static enum yy_err post_inbox_read(struct request *req, struct response *res)
{
    struct staff s;
    STORE(staff_gate(req, &s));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    int st;
    json_t *out;
    STORE(web_api_call(req, "POST",
                       arena_printf(req->arena, "/api/v1/inbox/%lld/read", (long long)id), NULL,
                       &st, &out, NULL));
    json_decref(out);
    return web_redirect(req, res, "/staff/inbox");
}

enum yy_err web_staff_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/staff", get_staff_root},
        {"GET", "/staff/", get_home},
        {"GET", "/staff/concerns", get_concerns},
        {"GET", "/staff/concerns/{id}", get_concern},
        {"POST", "/staff/concerns/{id}/actions", post_concern_action},
        {"GET", "/staff/suggestions", get_suggestions},
        {"GET", "/staff/suggestions/{id}", get_suggestion},
        {"POST", "/staff/suggestions/{id}/actions", post_suggestion_action},
        {"GET", "/staff/supervision", get_supervision},
        {"GET", "/staff/inbox", get_inbox},
        {"POST", "/staff/inbox/{id}/read", post_inbox_read},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
