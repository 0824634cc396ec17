/* web_unit.c - the handling units' pages (承办单位, DOMAIN.md §5; docs/WEB.md
 * "Pages"): /unit/ (the unit's assignments with their due dates, grouped by
 * where they stand, the open lead assignments counted by due state, the
 * downloads of the unit's 交办清单 and 效果清单, and the unit's inbox), a
 * suggestion as the unit sees it
 * with the forms of the actions the API allows the unit now, and the contact
 * log of a suggestion as a table.
 *
 * Everything comes from the API's routes in-process (web_api_call), as the
 * same caller: the list is GET /api/v1/suggestions (the unit sees what is
 * assigned to it now), each row's assignment from GET /api/v1/suggestions/{id},
 * every form is POST /api/v1/suggestions/{id}/actions.  The store is read only
 * for what the forms show beforehand (the configured reply classes, the
 * extension limit, the last day of a return request, the term's end), with the
 * same functions the API's guards use.
 *
 * Every form carries a one-time form token (docs/WEB.md "Forms"): logging a
 * contact, a co unit's opinion and a follow-up note each add a row, so a
 * double submit must find the token claimed and land on the same page
 * instead of acting twice; the other actions cannot happen twice anyway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/concern.h"
#include "domain/suggestion.h"
#include "domain/supervision.h"
#include "domain/workdays.h"
#include "store/suggestion.h"
#include "store/webform.h"
#include "web/web.h"

/* Suggestions shown on the home page (the API's pages of 100, walked). */
#define HOME_MAX 300
/* Rows shown per group on the home page (?group=KEY shows one group whole):
 * the page stays under 50 KB with its assets. */
#define GROUP_SHOWN 25
/* Inbox entries shown on the home page. */
#define INBOX_SHOWN 20
/* The units one login may work for. */
#define UNITS_MAX 8

/* ---- the caller ------------------------------------------------------------------ */

struct units {
    int64_t ids[UNITS_MAX];
    size_t n;
};

/* The units the caller works for; 401 / 403 as the API answers them. */
static enum yy_err my_units(struct request *req, struct units *u)
{
    STORE(api_require_role(req, ROLE_UNIT_STAFF));
    const struct user *user = &api_caller(req)->user;
    u->n = 0;
    for (size_t i = 0; i < user->n_roles && u->n < UNITS_MAX; i++)
        if (user->roles[i].role == ROLE_UNIT_STAFF)
            u->ids[u->n++] = user->roles[i].scope_id;
    return YY_OK;
}

static bool is_mine(const struct units *u, int64_t id)
{
    for (size_t i = 0; i < u->n; i++)
        if (u->ids[i] == id)
            return true;
    return false;
}

/* The caller's active assignment in a suggestion's answer (lead first), or NULL. */
static json_t *my_assignment(json_t *s, const struct units *u)
{
    json_t *found = NULL, *g;
    size_t i;
    json_array_foreach(json_object_get(s, "assignments"), i, g)
    {
        if (!json_is_true(json_object_get(g, "active")) ||
            !is_mine(u, json_integer_value(json_object_get(g, "unit_id"))))
            continue;
        if (!found || !strcmp(json_string_value(json_object_get(g, "role")), "lead"))
            found = g;
    }
    return found;
}

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static bool has_action(json_t *s, const char *name)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(s, "actions"), i, a)
    {
        if (!strcmp(json_string_value(a), name))
            return true;
    }
    return false;
}

static const char *calendar_date(struct arena *a, int64_t day)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day, &y, &m, &d);
    return arena_printf(a, "%04lld-%02u-%02u", (long long)y, m, d);
}

static const struct calendar *calendar_of(struct request *req)
{
    static const struct calendar none; /* as the API: weekends only */
    const struct calendar *c = api_app(req)->calendar;
    return c ? c : &none;
}

/* ---- labels ------------------------------------------------------------------------ */

static const char *lookup(const char *const map[][2], size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (key && !strcmp(map[i][0], key))
            return map[i][1];
    return key ? key : "";
}
#define LOOKUP(map, key) lookup(map, sizeof(map) / sizeof(map[0]), key)

static const char *const asg_status_labels[][2] = {
    {"assigned", "新交办"}, {"in_handling", "办理中"}, {"return_requested", "申请退回中"},
    {"returned", "已退回"}, {"replied", "已答复"},
};
static const char *const stage_labels[][2] = {
    {"before", "办前沟通"},
    {"during", "办中沟通"},
    {"after", "办后沟通"},
};
static const char *const mode_labels[][2] = {
    {"visit", "上门走访"},
    {"phone", "电话"},
    {"meeting", "当面座谈"},
    {"online", "网络"},
};
static const char *const ext_labels[][2] = {
    {"requested", "延期申请中"},
    {"approved", "已批准延期"},
    {"refused", "延期未获批准"},
};
/* A rating (满意 / 基本满意 / 不满意) in Chinese; an unknown value as it is. */
static const char *rating_text(const char *v)
{
    const char *l = concern_rating_label_zh(v);
    return l ? l : v;
}

static const char *const inbox_kinds[][2] = {
    {"overdue", "已超期"},
    {"due_soon", "即将到期"},
    {"new_assignment", "新交办"},
    {"supervision", "督办"},
    {"notice", "通知"},
    {"reply_received", "收到答复"},
    {"return_requested", "退回申请"},
    {"extension_requested", "延期申请"},
};
/* The notes of a done action, shown once after the redirect. */
static const char *const done_notes[][2] = {
    {"request_return", "退回申请已提交,等待代表工委决定。"},
    {"log_contact", "联系记录已登记。"},
    {"co_opinion", "协办意见已送主办单位。"},
    {"request_extension", "延期申请已提交,等待代表工委批准。"},
    {"reply", "答复已提交,代表将收到通知。"},
    {"follow_up", "落实情况已登记。"},
    {"explain", "届末书面说明已提交。"},
};

/* ---- deadlines ------------------------------------------------------------------- */

/* A due time of the API as its China day (day number), or -1. */
static int64_t due_day(json_t *o, const char *key)
{
    int64_t t;
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || !time_parse_rfc3339(s, &t))
        return -1;
    return day_of(t);
}

/* Adds to o what the unit reads about the deadline of assignment g: the due
 * day, and while the unit still owes its answer (not replied, not
 * returned) the days left or overdue, in calendar days as the assignment list
 * (交办清单, docs/LISTS.md) counts them. */
static void deadline_json(struct arena *a, json_t *o, json_t *g)
{
    int64_t due = due_day(g, "due_at");
    if (due < 0)
        return;
    json_object_set_new(o, "due_on", json_string(calendar_date(a, due)));
    json_object_set(o, "due_provisional", json_object_get(g, "due_provisional"));
    const char *st = str(g, "status");
    bool owing =
        !strcmp(st, "assigned") || !strcmp(st, "in_handling") || !strcmp(st, "return_requested");
    if (!owing || strcmp(str(g, "role"), "lead"))
        return;
    int64_t today = day_of(time_now());
    if (today > due)
        json_object_set_new(o, "overdue_days", json_integer(today - due));
    else if (today == due)
        json_object_set_new(o, "due_today", json_true());
    else
        json_object_set_new(o, "days_left", json_integer(due - today));
}

/* ---- the home page ----------------------------------------------------------------- */

enum group { G_NEW, G_HANDLING, G_REHANDLING, G_FOLLOW_UP, G_REPLIED, G_CLOSED, G_COUNT };

static const struct {
    const char *key, *heading, *hint;
} groups[G_COUNT] = {
    {"new", "新交办",
     "请核对是否属于本单位职责:不属于的,在收到交办后 7 "
     "个工作日内申请退回;属于的,联系代表开始办理。"},
    {"handling", "办理中", "答复前须与代表沟通并登记。"},
    {"rehandling", "重新办理", "代表对答复不满意,须在新的期限内再次答复。"},
    {"follow_up", "跟踪落实", "答复中承诺的事项,落实后登记完成。"},
    {"replied", "已答复", NULL},
    {"closed", "已办结", NULL},
};

/* Where a suggestion stands for the unit (its assignment g). */
static enum group group_of(json_t *s, json_t *g, const struct sg_rules *rules)
{
    const char *ss = str(s, "status"), *gs = str(g, "status");
    bool lead = !strcmp(str(g, "role"), "lead");
    if (!strcmp(ss, "closed") || !strcmp(ss, "withdrawn"))
        return G_CLOSED;
    if (!strcmp(ss, "rehandling"))
        return lead && strcmp(gs, "replied") ? G_REHANDLING : G_REPLIED;
    if (!strcmp(ss, "following_up"))
        return lead ? G_FOLLOW_UP : G_REPLIED;
    if (!strcmp(ss, "evaluated") && lead) {
        json_t *reply = json_object_get(g, "reply");
        const char *cls = str(reply, "class");
        bool done = false;
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(s, "follow_ups"), i, f)
        {
            done |= json_is_true(json_object_get(f, "done"));
        }
        if (*cls && sg_rules_class_needs_follow_up(rules, cls) && !done)
            return G_FOLLOW_UP;
    }
    if (!strcmp(gs, "assigned") || !strcmp(gs, "return_requested"))
        return G_NEW;
    if (!strcmp(gs, "in_handling"))
        return G_HANDLING;
    return G_REPLIED;
}

struct row {
    json_t *item;
    enum group group;
    int64_t due; /* day, for the order within a group */
};

/* Replaces the calendar days left of the rows whose reply is due soon by
 * the working days left GET /api/v1/supervision gives (the sweep's rules:
 * only due-soon duties carry them; the others keep their calendar days).
 * The API's refusal or failure leaves the rows as they are. */
static void working_days_overlay(struct request *req, struct row *rows, size_t n)
{
    const char *cursor = NULL;
    for (int p = 0; p < 10; p++) {
        int st;
        json_t *out;
        const char *path =
            cursor ? arena_printf(req->arena,
                                  "/api/v1/supervision?state=due_soon&limit=100&cursor=%s", cursor)
                   : "/api/v1/supervision?state=due_soon&limit=100";
        if (web_api_call(req, "GET", path, NULL, &st, &out, NULL) != YY_OK) {
            memset(&req->err, 0, sizeof(req->err));
            return;
        }
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(out, "items"), i, d)
        {
            const char *item = str(d, "item");
            if (strcmp(item, "reply") && strcmp(item, "rehandling"))
                continue;
            json_int_t sid = json_integer_value(json_object_get(d, "suggestion_id"));
            for (size_t k = 0; k < n; k++) {
                json_t *o = rows[k].item;
                if (json_integer_value(json_object_get(o, "id")) != sid ||
                    !json_object_get(o, "days_left"))
                    continue;
                json_object_del(o, "days_left");
                json_object_set(o, "working_days_left", json_object_get(d, "working_days_left"));
            }
        }
        const char *next = json_string_value(json_object_get(out, "next_cursor"));
        cursor = next ? arena_strdup(req->arena, next) : NULL;
        json_decref(out);
        if (!cursor)
            return;
    }
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    if (a->group != b->group)
        return (int)a->group - (int)b->group;
    if (a->due != b->due)
        return a->due < b->due ? -1 : 1;
    return 0;
}

/* One row of the home page: the suggestion s as its assignment g stands. */
static json_t *row_json(struct request *req, json_t *s, json_t *g)
{
    bool lead = !strcmp(str(g, "role"), "lead");
    json_t *o = json_pack("{s:O, s:O, s:O, s:s, s:s, s:s, s:b}", "id", json_object_get(s, "id"),
                          "title", json_object_get(s, "title"), "status_label",
                          json_object_get(s, "status_label"), "role_label", lead ? "主办" : "协办",
                          "asg_status_label", LOOKUP(asg_status_labels, str(g, "status")), "href",
                          arena_printf(req->arena, "/unit/suggestions/%lld",
                                       (long long)json_integer_value(json_object_get(s, "id"))),
                          "key", json_is_object(json_object_get(s, "key")));
    deadline_json(req->arena, o, g);
    json_t *ext = json_object_get(g, "extension");
    if (json_is_object(ext))
        json_object_set_new(o, "extension", json_string(LOOKUP(ext_labels, str(ext, "status"))));
    if (!lead && json_is_null(json_object_get(g, "co_opinion"))) {
        int64_t d = due_day(g, "co_opinion_due_at");
        if (d >= 0)
            json_object_set_new(o, "co_opinion_due_on", json_string(calendar_date(req->arena, d)));
    }
    if (json_array_size(json_object_get(g, "contacts")) == 0 && lead &&
        strcmp(str(g, "status"), "replied"))
        json_object_set_new(o, "no_contact", json_true());
    return o;
}

/* The lists (三张清单, docs/LISTS.md) a unit may read: its own rows of 交办清单 and
 * 效果清单 (GET /api/v1/lists/... refuses a unit 建议清单, the list of all).
 * The downloads are the API's exports themselves, a GET with the session
 * cookie, scoped to each unit of the caller by unit=. */
static const char *const unit_lists[][2] = {
    {"assignments", "交办清单"},
    {"results", "效果清单"},
};

/* The download links, this year (China time, as the API's default) and the
 * one before, for each of the caller's units (names[i] or NULL). */
static json_t *lists_json(struct request *req, const struct units *u, const char *const *names)
{
    int64_t this_year;
    unsigned m, d;
    time_civil_from_days(day_of(time_now()), &this_year, &m, &d);
    json_t *rows = json_array();
    for (size_t i = 0; i < u->n; i++)
        for (int64_t y = this_year; y >= this_year - 1; y--)
            for (size_t k = 0; k < sizeof(unit_lists) / sizeof(unit_lists[0]); k++) {
                const char *base =
                    arena_printf(req->arena, "/api/v1/lists/%s?year=%lld&unit=%lld",
                                 unit_lists[k][0], (long long)y, (long long)u->ids[i]);
                json_t *o = json_pack(
                    "{s:s, s:s, s:s, s:s}", "name",
                    arena_printf(req->arena, "%lld 年%s", (long long)y, unit_lists[k][1]), "kind",
                    unit_lists[k][0], "csv", arena_printf(req->arena, "%s&format=csv", base),
                    "xlsx", arena_printf(req->arena, "%s&format=xlsx", base));
                if (u->n > 1 && names[i])
                    json_object_set_new(o, "unit", json_string(names[i]));
                json_array_append_new(rows, o);
            }
    return rows;
}

static enum yy_err get_home(struct request *req, struct response *res)
{
    struct units u;
    STORE(my_units(req, &u));
    struct sg_rules rules;
    STORE(store_sg_rules(api_app(req)->db, &rules, &req->err));
    int st;
    json_t *out;
    /* the unit's name */
    json_t *names = json_array();
    const char *unit_names[UNITS_MAX] = {0};
    for (size_t i = 0; i < u.n; i++) {
        if (web_api_call(req, "GET",
                         arena_printf(req->arena, "/api/v1/units/%lld", (long long)u.ids[i]), NULL,
                         &st, &out, NULL) == YY_OK) {
            json_array_append(names, json_object_get(out, "name"));
            unit_names[i] = arena_strdup(req->arena, str(out, "name"));
            json_decref(out);
        }
    }
    /* the suggestions assigned to the unit now, each with its assignment */
    struct row *rows = arena_calloc(req->arena, HOME_MAX, sizeof(*rows));
    size_t n = 0;
    bool more = false;
    const char *cursor = NULL;
    while (n < HOME_MAX) {
        const char *path =
            cursor ? arena_printf(req->arena, "/api/v1/suggestions?limit=100&cursor=%s", cursor)
                   : "/api/v1/suggestions?limit=100";
        enum yy_err rc = web_api_call(req, "GET", path, NULL, &st, &out, NULL);
        if (rc != YY_OK) {
            for (size_t k = 0; k < n; k++)
                json_decref(rows[k].item);
            json_decref(names);
            return rc;
        }
        size_t i;
        json_t *sum;
        json_array_foreach(json_object_get(out, "items"), i, sum)
        {
            if (n >= HOME_MAX) {
                more = true;
                break;
            }
            json_t *s;
            if (web_api_call(
                    req, "GET",
                    arena_printf(req->arena, "/api/v1/suggestions/%lld",
                                 (long long)json_integer_value(json_object_get(sum, "id"))),
                    NULL, &st, &s, NULL) != YY_OK)
                continue; /* gone since the list was read */
            json_t *g = my_assignment(s, &u);
            if (g) {
                rows[n].item = row_json(req, s, g);
                rows[n].group = group_of(s, g, &rules);
                rows[n].due = due_day(g, "due_at");
                n++;
            }
            json_decref(s);
        }
        const char *next = json_string_value(json_object_get(out, "next_cursor"));
        cursor = next ? arena_strdup(req->arena, next) : NULL;
        json_decref(out);
        if (!cursor)
            break;
    }
    if (cursor && n >= HOME_MAX)
        more = true;
    working_days_overlay(req, rows, n);
    qsort(rows, n, sizeof(*rows), row_cmp);
    /* ?group=KEY: that group alone, whole */
    const char *only = kvlist_get(&req->query, "group");
    int only_g = -1;
    for (int gi = 0; only && gi < G_COUNT; gi++)
        if (!strcmp(only, groups[gi].key))
            only_g = gi;
    if (only && only_g < 0) {
        for (size_t j = 0; j < n; j++)
            json_decref(rows[j].item);
        json_decref(names);
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "没有这个分组", NULL);
    }
    json_t *gs = json_array(), *nav = json_array();
    size_t k = 0;
    int overdue = 0, due_today = 0, due_soon = 0, in_time = 0;
    for (int gi = 0; gi < G_COUNT; gi++) {
        json_t *items = json_array();
        size_t count = 0;
        bool shown = only_g < 0 || only_g == gi;
        for (; k < n && rows[k].group == (enum group)gi; k++, count++) {
            json_t *it = rows[k].item;
            if (json_object_get(it, "overdue_days"))
                overdue++;
            else if (json_object_get(it, "due_today"))
                due_today++;
            else if (json_object_get(it, "working_days_left"))
                due_soon++;
            else if (json_object_get(it, "days_left"))
                in_time++;
            if (shown && (only_g == gi || count < GROUP_SHOWN))
                json_array_append(items, rows[k].item);
            json_decref(rows[k].item);
        }
        json_array_append_new(
            nav, json_pack("{s:s, s:s, s:i}", "heading", groups[gi].heading, "href",
                           only_g < 0 ? arena_printf(req->arena, "#g-%s", groups[gi].key)
                                      : arena_printf(req->arena, "/unit/?group=%s", groups[gi].key),
                           "count", (int)count));
        if (!shown) {
            json_decref(items);
            continue;
        }
        json_t *o = json_pack("{s:s, s:s, s:s?, s:i, s:b, s:o}", "key", groups[gi].key, "heading",
                              groups[gi].heading, "hint", groups[gi].hint, "count", (int)count,
                              "has_items", count > 0, "items", items);
        if (count > json_array_size(items))
            json_object_set_new(
                o, "rest",
                json_pack("{s:i, s:s}", "count", (int)(count - json_array_size(items)), "href",
                          arena_printf(req->arena, "/unit/?group=%s", groups[gi].key)));
        json_array_append_new(gs, o);
    }
    int owing = overdue + due_today + due_soon + in_time;
    json_t *counts =
        json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "total", (int)n, "overdue", overdue, "owing",
                  owing, "due_today", due_today, "due_soon", due_soon, "in_time", in_time);
    json_t *data = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "title", "承办工作台", "units",
                             names, "groups", gs, "jump", nav, "counts", counts, "more", more);
    if (only_g >= 0)
        json_object_set_new(data, "one_group", json_true());
    if (overdue)
        json_object_set_new(data, "has_overdue", json_true());
    if (owing)
        json_object_set_new(data, "has_owing", json_true());
    if (only_g >= 0)
        return web_page(req, res, 200, "unit_home", data);
    json_object_set_new(data, "lists", lists_json(req, &u, unit_names));
    /* the inbox: reminders (催办) and notices */
    enum yy_err irc =
        web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/inbox?limit=%d", INBOX_SHOWN),
                     NULL, &st, &out, NULL);
    if (irc == YY_OK) {
        json_t *items = json_object_get(out, "items"), *it;
        size_t i;
        json_array_foreach(items, i, it)
        {
            const char *kind = str(it, "kind");
            json_object_set_new(it, "kind_label", json_string(LOOKUP(inbox_kinds, kind)));
            if (!strcmp(kind, "overdue"))
                json_object_set_new(it, "urgent", json_true());
            json_t *sid = json_object_get(it, "suggestion_id");
            if (json_is_integer(sid))
                json_object_set_new(it, "href",
                                    json_string(arena_printf(req->arena, "/unit/suggestions/%lld",
                                                             (long long)json_integer_value(sid))));
            int64_t d = due_day(it, "due_at");
            if (d >= 0)
                json_object_set_new(it, "due_on", json_string(calendar_date(req->arena, d)));
        }
        web_times(items);
        json_object_set(data, "inbox", items);
        json_object_set_new(data, "inbox_empty", json_boolean(json_array_size(items) == 0));
        json_decref(out);
    } else {
        json_decref(data);
        return irc;
    }
    return web_page(req, res, 200, "unit_home", data);
}

static enum yy_err get_unit_root(struct request *req, struct response *res)
{
    return web_redirect(req, res, "/unit/");
}

/* ---- a suggestion ----------------------------------------------------------------- */

static enum yy_err path_id(struct request *req, int64_t *out)
{
    const char *s = request_param(req, "id");
    if (!s || !parse_int64(s, 1, INT64_MAX, out))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    return YY_OK;
}

/* The suggestion as the API shows the caller, and the caller's assignment
 * in it (404 when it is not assigned to the caller's unit now). */
static enum yy_err load(struct request *req, const struct units *u, int64_t id, json_t **s,
                        json_t **g)
{
    int st;
    STORE(web_api_call(req, "GET",
                       arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), NULL,
                       &st, s, NULL));
    *g = my_assignment(*s, u);
    if (!*g) {
        json_decref(*s);
        *s = NULL;
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "这件建议没有交办给本单位", NULL);
    }
    return YY_OK;
}

/* The fields of each form (the API's field names). */
struct form_def {
    const char *action, *heading;
    const char *fields[4];
};
static const struct form_def forms[] = {
    {"log_contact", "登记与代表的联系", {"stage", "mode", "note", NULL}},
    {"co_opinion", "向主办单位提出协办意见", {"text", NULL}},
    {"reply", "答复代表", {"class", "text", NULL}},
    {"request_extension", "申请延期答复", {"months", "reason", NULL}},
    {"request_return", "申请退回", {"reason", NULL}},
    {"follow_up", "登记落实情况", {"note", "done", NULL}},
    {"explain", "届末书面说明", {"text", NULL}},
};
#define N_FORMS (sizeof(forms) / sizeof(forms[0]))

static const struct form_def *form_def(const char *action)
{
    for (size_t i = 0; action && i < N_FORMS; i++)
        if (!strcmp(forms[i].action, action))
            return &forms[i];
    return NULL;
}

static json_t *options(const char *const map[][2], size_t n, const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:b}", "value", map[i][0], "label", map[i][1],
                                        "selected", chosen && !strcmp(chosen, map[i][0])));
    return a;
}

/* What the page says about one form before it is sent: whether it is shown
 * now (*show), and its notes. */
struct form_state {
    const char *submitted; /* the action of the form sent, when re-rendering */
    const struct kvlist *in;
    const struct yy_error *err;
    const char *token;
};

/* The data of form def: {action, heading, token, f.FIELD.{value,error}, error}. */
static json_t *form_json(struct request *req, int64_t id, const struct form_def *def,
                         const struct form_state *fs, bool *placed)
{
    bool mine = fs->submitted && !strcmp(fs->submitted, def->action);
    char fresh[TOKEN_LEN + 1];
    const char *token = mine && fs->token ? fs->token : NULL;
    if (!token) {
        token_new(fresh);
        token = arena_strdup(req->arena, fresh);
    }
    json_t *f = json_object();
    for (size_t i = 0; def->fields[i]; i++) {
        const char *v = mine && fs->in ? kvlist_get(fs->in, def->fields[i]) : NULL;
        json_t *o = json_pack("{s:s, s:s}", "value", v ? v : "", "id",
                              arena_printf(req->arena, "%s-%s", def->action, def->fields[i]));
        if (mine && fs->err && fs->err->field && !strcmp(fs->err->field, def->fields[i])) {
            json_object_set_new(o, "error", json_string(fs->err->message));
            *placed = true;
        }
        json_object_set_new(f, def->fields[i], o);
    }
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:o}", "heading", def->heading, "token", token, "action",
                  arena_printf(req->arena, "/unit/suggestions/%lld", (long long)id), "f", f);
    if (mine && fs->err && !*placed) {
        json_object_set_new(o, "error", json_string(fs->err->message));
        *placed = true;
    }
    return o;
}

static enum yy_err suggestion_page(struct request *req, struct response *res, int status,
                                   const struct form_state *fs)
{
    struct units u;
    STORE(my_units(req, &u));
    int64_t id;
    STORE(path_id(req, &id));
    struct sg_rules rules;
    STORE(store_sg_rules(api_app(req)->db, &rules, &req->err));
    json_t *s, *g;
    STORE(load(req, &u, id, &s, &g));
    struct arena *a = req->arena;
    const char *gs = str(g, "status"), *ss = str(s, "status");
    bool lead = !strcmp(str(g, "role"), "lead");
    bool pending = !strcmp(gs, "return_requested");
    bool replied = !strcmp(gs, "replied");
    bool contacted = json_array_size(json_object_get(g, "contacts")) > 0;

    /* my assignment */
    json_t *mine = json_pack("{s:s, s:s, s:s, s:O}", "role_label", lead ? "主办单位" : "协办单位",
                             "status_label", LOOKUP(asg_status_labels, gs), "unit_name",
                             str(g, "unit_name"), "assigned_at", json_object_get(g, "assigned_at"));
    deadline_json(a, mine, g);
    json_t *ext = json_object_get(g, "extension");
    if (json_is_object(ext))
        json_object_set_new(
            mine, "extension",
            json_pack("{s:s, s:O, s:O}", "label", LOOKUP(ext_labels, str(ext, "status")), "months",
                      json_object_get(ext, "months"), "reason", json_object_get(ext, "reason")));
    json_t *rr = json_object_get(g, "return_request");
    if (json_is_object(rr))
        json_object_set(mine, "return_request", rr);
    int64_t cod = due_day(g, "co_opinion_due_at");
    if (!lead && cod >= 0)
        json_object_set_new(mine, "co_opinion_due_on", json_string(calendar_date(a, cod)));
    json_object_set(mine, "co_opinion", json_object_get(g, "co_opinion"));
    json_t *reply = json_object_get(g, "reply");
    if (json_is_object(reply)) {
        json_t *r = json_deep_copy(reply);
        json_object_set_new(r, "class_label", json_string(sg_class_label_zh(str(reply, "class"))));
        json_object_set_new(mine, "reply", r);
    }
    /* the last day of a return request (the API's guard: the 7th working day
     * after the assignment) */
    int64_t assigned_day = due_day(g, "assigned_at");
    int64_t return_last = assigned_day >= 0
                              ? deadline_add_working_days(calendar_of(req), assigned_day,
                                                          rules.return_request_working_days, NULL)
                              : -1;
    int64_t today = day_of(time_now());

    /* every unit on it: the lead reads the co units' opinions */
    json_t *units = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(s, "assignments"), i, x)
    {
        if (!json_is_true(json_object_get(x, "active")))
            continue;
        json_t *o = json_pack("{s:s, s:s, s:s}", "unit_name", str(x, "unit_name"), "role_label",
                              !strcmp(str(x, "role"), "lead") ? "主办" : "协办", "status_label",
                              LOOKUP(asg_status_labels, str(x, "status")));
        json_t *co = json_object_get(x, "co_opinion");
        if (json_is_object(co))
            json_object_set(o, "co_opinion", co);
        json_t *rp = json_object_get(x, "reply");
        if (json_is_object(rp)) {
            json_t *r = json_deep_copy(rp);
            json_object_set_new(r, "class_label", json_string(sg_class_label_zh(str(rp, "class"))));
            json_object_set_new(o, "reply", r);
        }
        json_array_append_new(units, o);
    }
    /* the deputies' public fields: name and whether they led or co-signed */
    json_t *signers = json_array();
    json_array_foreach(json_object_get(s, "signers"), i, x)
    {
        json_array_append_new(
            signers, json_pack("{s:s, s:s}", "name", str(x, "name"), "role_label",
                               !strcmp(str(x, "role"), "author") ? "领衔代表" : "联名代表"));
    }
    json_t *evaluations = json_array();
    json_array_foreach(json_object_get(s, "evaluations"), i, x)
    {
        json_array_append_new(evaluations,
                              json_pack("{s:s, s:s, s:s, s:O}", "attitude",
                                        rating_text(str(x, "attitude")), "result",
                                        rating_text(str(x, "result")), "reason",
                                        str(x, "reason"), "at", json_object_get(x, "at")));
    }
    bool follow_done = false;
    json_array_foreach(json_object_get(s, "follow_ups"), i, x)
    {
        follow_done |= json_is_true(json_object_get(x, "done"));
    }
    json_t *timeline = json_object_get(s, "timeline");
    web_label_timeline(timeline, sg_event_label_zh);

    /* the forms the API allows now, less those its guards would refuse for
     * what the page already knows */
    bool show[N_FORMS] = {0};
    for (size_t k = 0; k < N_FORMS; k++)
        show[k] = has_action(s, forms[k].action);
    json_t *notes = json_object();
    for (size_t k = 0; k < N_FORMS; k++) {
        const char *act = forms[k].action;
        if (!show[k])
            continue;
        if (!strcmp(act, "request_return")) {
            if (replied || pending)
                show[k] = false;
            else if (return_last >= 0 && today > return_last) {
                show[k] = false;
                json_object_set_new(
                    notes, "return_closed",
                    json_string(arena_printf(
                        a, "申请退回的期限(收到交办后 %d 个工作日,截至 %s)已过,交办已生效。",
                        rules.return_request_working_days, calendar_date(a, return_last))));
            }
        } else if (!strcmp(act, "log_contact") || !strcmp(act, "co_opinion")) {
            show[k] = !pending;
        } else if (!strcmp(act, "reply")) {
            show[k] = !pending && !replied;
        } else if (!strcmp(act, "request_extension")) {
            const char *es = json_is_object(ext) ? str(ext, "status") : "";
            show[k] = !pending && !replied && strcmp(es, "requested") && strcmp(es, "approved");
        } else if (!strcmp(act, "follow_up")) {
            bool needs = true;
            if (!strcmp(ss, "evaluated")) {
                const char *cls = json_is_object(reply) ? str(reply, "class") : "";
                needs = *cls && sg_rules_class_needs_follow_up(&rules, cls);
            }
            show[k] = needs && !follow_done;
        } else if (!strcmp(act, "explain")) {
            show[k] = !follow_done && json_is_null(json_object_get(s, "explanation"));
            if (show[k]) {
                struct sv_assessment as;
                if (!rules.has_term_end) {
                    show[k] = false;
                } else {
                    sv_assess(calendar_of(req), sg_rules_term_end_at(&rules), time_now(),
                              rules.due_soon_working_days, &as);
                    show[k] = as.state != SV_OPEN;
                }
            }
        }
    }
    if (pending)
        json_object_set_new(notes, "pending",
                            json_string("本单位已申请退回,代表工委决定前不能办理。"));
    json_t *fdata = json_object();
    bool placed = false;
    for (size_t k = 0; k < N_FORMS; k++) {
        if (!show[k])
            continue;
        json_t *o = form_json(req, id, &forms[k], fs, &placed);
        const char *act = forms[k].action;
        const char *in_v = NULL;
        bool mine_form = fs->submitted && !strcmp(fs->submitted, act);
        if (!strcmp(act, "log_contact")) {
            json_object_set_new(
                o, "stages",
                options(stage_labels, 3, mine_form && fs->in ? kvlist_get(fs->in, "stage") : NULL));
            json_object_set_new(
                o, "modes",
                options(mode_labels, 4, mine_form && fs->in ? kvlist_get(fs->in, "mode") : NULL));
        } else if (!strcmp(act, "reply")) {
            in_v = mine_form && fs->in ? kvlist_get(fs->in, "class") : NULL;
            json_t *classes = json_array();
            for (size_t c = 0; c < rules.n_classes; c++)
                json_array_append_new(classes,
                                      json_pack("{s:s, s:s, s:s, s:b}", "value", rules.classes[c],
                                                "label", sg_class_label_zh(rules.classes[c]), "id",
                                                arena_printf(a, "reply-class-%zu", c), "checked",
                                                in_v && !strcmp(in_v, rules.classes[c])));
            json_object_set_new(o, "classes", classes);
            if (rules.reply_needs_contact && !contacted)
                json_object_set_new(o, "needs_contact", json_true());
        } else if (!strcmp(act, "request_extension")) {
            in_v = mine_form && fs->in ? kvlist_get(fs->in, "months") : NULL;
            json_t *months = json_array();
            for (int m = 1; m <= rules.extension_max_months; m++) {
                const char *v = arena_printf(a, "%d", m);
                json_array_append_new(months, json_pack("{s:s, s:s, s:b}", "value", v, "label",
                                                        arena_printf(a, "%d 个月", m), "selected",
                                                        in_v && !strcmp(in_v, v)));
            }
            json_object_set_new(o, "months", months);
        } else if (!strcmp(act, "request_return") && return_last >= 0) {
            json_object_set_new(o, "last_on", json_string(calendar_date(a, return_last)));
            json_object_set_new(mine, "return_last_on", json_string(calendar_date(a, return_last)));
            json_object_set_new(o, "days", json_integer(rules.return_request_working_days));
        } else if (!strcmp(act, "follow_up")) {
            in_v = mine_form && fs->in ? kvlist_get(fs->in, "done") : NULL;
            json_object_set_new(o, "done_checked", json_boolean(in_v && *in_v));
        } else if (!strcmp(act, "explain")) {
            json_object_set_new(o, "term_ends_on",
                                json_string(calendar_date(a, rules.term_end_day)));
        }
        json_object_set_new(fdata, act, o);
    }
    json_t *data = json_pack("{s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:o, s:O, s:s, s:i}", "title",
                             json_object_get(s, "title"), "s", s, "mine", mine, "units", units,
                             "signers", signers, "evaluations", evaluations, "forms", fdata,
                             "notes", notes, "timeline", timeline, "contacts_href",
                             arena_printf(a, "/unit/suggestions/%lld/contacts", (long long)id),
                             "n_contacts", (int)json_array_size(json_object_get(g, "contacts")));
    json_decref(s);
    if (json_object_size(fdata) == 0)
        json_object_set_new(data, "no_forms", json_true());
    if (fs->err && !placed)
        json_object_set_new(data, "error", json_string(fs->err->message));
    const char *done = kvlist_get(&req->query, "done");
    if (done && !fs->submitted) {
        const char *note = LOOKUP(done_notes, done);
        if (note != done)
            json_object_set_new(data, "done", json_string(note));
    }
    web_times(data);
    return web_page(req, res, status, "unit_suggestion", data);
}

static enum yy_err get_suggestion(struct request *req, struct response *res)
{
    struct form_state fs = {0};
    return suggestion_page(req, res, 200, &fs);
}

/* One action through the API, inside the form token's transaction
 * (store_webform_once).  A refusal of the API is kept in api_rc / err and
 * reported to the store as a failure, so that nothing is kept. */
struct act_ctx {
    struct request *req;
    const char *path;
    json_t *body; /* stolen by the call */
    enum yy_err api_rc;
    struct yy_error err;
};

static enum yy_err act(void *p, const char **result, struct yy_error *e)
{
    struct act_ctx *c = p;
    int st;
    json_t *out;
    json_t *body = c->body;
    c->body = NULL;
    c->api_rc = web_api_call(c->req, "POST", c->path, body, &st, &out, NULL);
    if (c->api_rc != YY_OK) {
        c->err = c->req->err;
        if (e != &c->req->err)
            *e = c->err;
        return c->api_rc == YY_CONFLICT ? YY_BAD_INPUT : c->api_rc;
    }
    json_decref(out);
    *result = "{}";
    return YY_OK;
}

/* The API body of a form. */
static json_t *action_body(const struct form_def *def, const struct kvlist *in,
                           struct yy_error *bad)
{
    json_t *body = json_pack("{s:s}", "action", def->action);
    for (size_t i = 0; def->fields[i]; i++) {
        const char *name = def->fields[i];
        const char *v = kvlist_get(in, name);
        if (!strcmp(name, "done")) {
            json_object_set_new(body, "done", json_boolean(v && *v));
        } else if (!strcmp(name, "months")) {
            int64_t m;
            if (!v || !parse_int64(v, 1, 12, &m)) {
                *bad = (struct yy_error){.kind = YY_BAD_INPUT,
                                         .code = "invalid_months",
                                         .message = "请选择延期月数",
                                         .field = "months"};
                json_decref(body);
                return NULL;
            }
            json_object_set_new(body, "months", json_integer(m));
        } else if (v) {
            json_object_set_new(body, name, json_string(v));
        }
    }
    return body;
}

static enum yy_err post_suggestion(struct request *req, struct response *res)
{
    struct units u;
    STORE(my_units(req, &u));
    int64_t id;
    STORE(path_id(req, &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const struct form_def *def = form_def(kvlist_get(&in, "action"));
    if (!def)
        return yy_fail(&req->err, YY_BAD_INPUT, "unknown_action", "请通过页面上的表单提交",
                       "action");
    const char *back =
        arena_printf(req->arena, "/unit/suggestions/%lld?done=%s", (long long)id, def->action);
    struct form_state fs = {.submitted = def->action, .in = &in};
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token)) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "表单已失效,请重新提交"};
        fs.err = &e;
        return suggestion_page(req, res, 400, &fs);
    }
    struct yy_error bad = {0};
    json_t *body = action_body(def, &in, &bad);
    if (!body) {
        fs.err = &bad;
        fs.token = token;
        return suggestion_page(req, res, 400, &fs);
    }
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    struct act_ctx ctx = {
        .req = req,
        .path = arena_printf(req->arena, "/api/v1/suggestions/%lld/actions", (long long)id),
        .body = body};
    const char *result;
    enum yy_err rc = store_webform_once(api_app(req)->db, req->arena, hash, time_now(), act, &ctx,
                                        &result, &req->err);
    json_decref(ctx.body); /* not sent when the token was claimed before */
    if (ctx.api_rc == YY_BAD_INPUT || ctx.api_rc == YY_CONFLICT) {
        /* the API refused it (nothing was kept, the token is free again):
         * the form again with its message */
        fs.err = &ctx.err;
        fs.token = token;
        memset(&req->err, 0, sizeof(req->err));
        return suggestion_page(req, res, ctx.api_rc == YY_BAD_INPUT ? 400 : 409, &fs);
    }
    if (ctx.api_rc != YY_OK) {
        req->err = ctx.err;
        return ctx.api_rc;
    }
    /* done now, or sent before (a double submit): that submission's page */
    if (rc == YY_OK || rc == YY_CONFLICT)
        return web_redirect(req, res, back);
    return rc;
}

/* ---- the inbox ----------------------------------------------------------------------- */

/* Marks one inbox entry read (POST /api/v1/inbox/{id}/read: 404 for an entry
 * of another inbox); marking it again changes nothing. */
static enum yy_err post_inbox_read(struct request *req, struct response *res)
{
    struct units u;
    STORE(my_units(req, &u));
    int64_t id;
    STORE(path_id(req, &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    int st;
    json_t *out;
    STORE(web_api_call(req, "POST",
                       arena_printf(req->arena, "/api/v1/inbox/%lld/read", (long long)id), NULL,
                       &st, &out, NULL));
    json_decref(out);
    return web_redirect(req, res, "/unit/#inbox-heading");
}

/* ---- the contact log ------------------------------------------------------------------- */

static enum yy_err get_contacts(struct request *req, struct response *res)
{
    struct units u;
    STORE(my_units(req, &u));
    int64_t id;
    STORE(path_id(req, &id));
    json_t *s, *g;
    STORE(load(req, &u, id, &s, &g));
    json_t *rows = json_array(), *x, *c;
    size_t i, j;
    json_array_foreach(json_object_get(s, "assignments"), i, x)
    {
        json_array_foreach(json_object_get(x, "contacts"), j, c)
        {
            json_array_append_new(
                rows,
                json_pack("{s:O, s:s, s:s, s:s, s:s}", "at", json_object_get(c, "at"), "unit_name",
                          str(x, "unit_name"), "stage", LOOKUP(stage_labels, str(c, "stage")),
                          "mode", LOOKUP(mode_labels, str(c, "mode")), "note", str(c, "note")));
        }
    }
    /* oldest first, as a log reads (RFC 3339 in one offset sorts as text) */
    size_t n = json_array_size(rows);
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(str(json_array_get(rows, b - 1), "at"),
                                           str(json_array_get(rows, b), "at")) > 0;
             b--) {
            json_t *t = json_incref(json_array_get(rows, b));
            json_array_set(rows, b, json_array_get(rows, b - 1));
            json_array_set_new(rows, b - 1, t);
        }
    web_times(rows);
    json_t *data =
        json_pack("{s:s, s:O, s:o, s:b, s:s}", "title",
                  arena_printf(req->arena, "联系代表记录 · %s", str(s, "title")), "s_title",
                  json_object_get(s, "title"), "rows", rows, "empty", n == 0, "back",
                  arena_printf(req->arena, "/unit/suggestions/%lld", (long long)id));
    json_decref(s);
    return web_page(req, res, 200, "unit_contacts", data);
}

enum yy_err web_unit_routes(struct router *r)
{
    static const struct {
        const char *method, *pattern;
        route_fn fn;
    } routes[] = {
        {"GET", "/unit", get_unit_root},
        {"GET", "/unit/", get_home},
        {"GET", "/unit/suggestions/{id}", get_suggestion},
        {"POST", "/unit/suggestions/{id}", post_suggestion},
        {"GET", "/unit/suggestions/{id}/contacts", get_contacts},
        {"POST", "/unit/inbox/{id}/read", post_inbox_read},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        enum yy_err rc = router_add(r, routes[i].method, routes[i].pattern, routes[i].fn, 0);
        if (rc != YY_OK)
            return rc;
    }
    return YY_OK;
}
