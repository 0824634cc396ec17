/* web_records.c - the staff's records pages (docs/WEB.md "Pages"): the three
 * lists (三张清单) with their filters, pages, downloads and a print view; the
 * audit trail (admin); the registry of stations, deputies and handling units
 * with a page each and the office's forms to create and edit them.
 *
 * Everything is read and written through the API's routes in-process
 * (web_api_call), so a page shows exactly what the API shows the same caller
 * (scopes of the lists, deputies' phones for admin only) and a form does
 * exactly what the API call does (validation, the audit entry).  Only the
 * choices of the filters (streets, communities, units, stations) are read
 * through the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "store/store.h"
#include "store/webform.h"
#include "web/web.h"

/* Rows per page of a list, of the audit trail, of the registry. */
#define LIST_PAGE 50
#define AUDIT_PAGE 30
#define REGISTRY_PAGE 50
/* The print view reads the API's pages of 100 rows up to the CSV's bound. */
#define PRINT_PAGE 100
#define PRINT_MAX_ROWS 20000
/* Audit details longer than this are cut on the page. */
#define DETAIL_MAX 300

/* ---- small helpers -------------------------------------------------------------- */

/* s percent-encoded for a query string (RFC 3986 unreserved kept). */
static const char *url_enc(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[j++] = (char)c;
        } else {
            out[j++] = '%';
            out[j++] = hex[c >> 4];
            out[j++] = hex[c & 15];
        }
    }
    out[j] = '\0';
    return out;
}

/* Appends "&key=value" (value encoded) to q when the query has a non-empty
 * value for key. */
static const char *q_add(struct request *req, const char *q, const struct kvlist *from,
                         const char *key)
{
    const char *v = kvlist_get(from, key);
    if (!v || !*v)
        return q;
    return arena_printf(req->arena, "%s%s%s=%s", q, *q ? "&" : "", key, url_enc(req->arena, v));
}

/* A cursor goes back to the API as it came: base64url characters only. */
static enum yy_err cursor_param(struct request *req, const char **out)
{
    const char *c = kvlist_get(&req->query, "cursor");
    *out = NULL;
    if (!c || !*c)
        return YY_OK;
    for (const char *p = c; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_cursor", "分页参数无效", "cursor");
    if (strlen(c) > 128)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_cursor", "分页参数无效", "cursor");
    *out = c;
    return YY_OK;
}

/* Logged in and holding a staff role (the registry's pages). */
static enum yy_err require_staff(struct request *req)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    static const enum role staff[] = {ROLE_ADMIN, ROLE_LEADER, ROLE_STREET_STAFF,
                                      ROLE_COMMUNITY_STAFF, ROLE_UNIT_STAFF};
    for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]); i++)
        if (user_has_role(&c->user, staff[i]))
            return YY_OK;
    return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限查看此页面", NULL);
}

static bool is_admin(struct request *req)
{
    const struct caller *c = api_caller(req);
    return c->via != AUTH_NONE && user_has_role(&c->user, ROLE_ADMIN);
}

/* A cell of a table as text: strings as they are, numbers, 是/否, empty. */
static const char *cell_text(struct arena *a, const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return arena_printf(a, "%.10g", json_real_value(v));
    if (json_is_true(v))
        return "是";
    if (json_is_false(v))
        return "否";
    return "";
}

/* The field's error as the templates take it: {"value", "error"}. */
static json_t *field_json(const char *value, const struct yy_error *err, const char *name)
{
    json_t *o = json_pack("{s:s}", "value", value ? value : "");
    if (err && err->field && !strcmp(err->field, name))
        json_object_set_new(o, "error", json_string(err->message ? err->message : "输入有误"));
    return o;
}

/* Whether err names one of fields (the error then goes beside its field). */
static bool err_placed(const struct yy_error *err, const char *const *fields)
{
    if (!err || !err->field)
        return false;
    for (size_t i = 0; fields[i]; i++)
        if (!strcmp(fields[i], err->field))
            return true;
    return false;
}

/* Regions by id (the registry's street and community names). */
struct regions {
    struct region *items;
    size_t n;
};

static const char *region_name(const struct regions *rs, int64_t id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->items[i].id == id)
            return rs->items[i].name;
    return "";
}

/* <option>s of the regions of kind(s) (street: streets and the zone), the
 * one whose id is chosen selected. */
static json_t *region_options(const struct regions *rs, bool streets, const char *chosen,
                              const struct user *only)
{
    json_t *a = json_array();
    for (size_t i = 0; i < rs->n; i++) {
        const struct region *r = &rs->items[i];
        bool street = r->kind == REGION_STREET || r->kind == REGION_DEV_ZONE;
        if (streets ? !street : r->kind != REGION_COMMUNITY)
            continue;
        if (only && !user_has_scoped_role(only, ROLE_STREET_STAFF, r->id))
            continue;
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)r->id);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", id, "label", r->name,
                                           "selected", chosen && !strcmp(chosen, id)));
    }
    return a;
}

static json_t *unit_options(struct request *req, const char *chosen, const struct user *only)
{
    struct unit *us;
    size_t n;
    json_t *a = json_array();
    if (store_units_list(api_app(req)->db, req->arena, 0, 1000, &us, &n, &req->err) != YY_OK)
        return a;
    for (size_t i = 0; i < n; i++) {
        if (only && !user_has_scoped_role(only, ROLE_UNIT_STAFF, us[i].id))
            continue;
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)us[i].id);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", id, "label", us[i].name,
                                           "selected", chosen && !strcmp(chosen, id)));
    }
    return a;
}

/* ---- the three lists (三张清单) -------------------------------------------------- */

static const struct {
    const char *name, *title;
} list_kinds[] = {
    {"suggestions", "建议清单"},
    {"assignments", "交办清单"},
    {"results", "效果清单"},
};
#define N_LISTS (sizeof(list_kinds) / sizeof(list_kinds[0]))

static const char *const list_fields[] = {"year", "street", "unit", NULL};

/* The API's columns and items as a table for the templates:
 * heads [{title}], rows [{cells:[{text}]}] appended to rows. */
static void table_rows(struct arena *a, json_t *columns, json_t *items, json_t *rows)
{
    size_t i, j;
    json_t *it, *col;
    json_array_foreach(items, i, it)
    {
        json_t *cells = json_array();
        json_array_foreach(columns, j, col)
        {
            const char *key = json_string_value(json_object_get(col, "key"));
            json_t *v = key ? json_object_get(it, key) : NULL;
            json_array_append_new(cells, json_pack("{s:s}", "text", cell_text(a, v)));
        }
        json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
    }
}

static json_t *table_heads(json_t *columns)
{
    json_t *heads = json_array();
    size_t j;
    json_t *col;
    json_array_foreach(columns, j, col)
    {
        json_t *t = json_object_get(col, "title");
        json_array_append_new(heads, json_pack("{s:O}", "title", t ? t : json_string("")));
    }
    return heads;
}

static enum yy_err get_list(struct request *req, struct response *res)
{
    const char *kind = request_param(req, "kind");
    size_t k = N_LISTS;
    for (size_t i = 0; i < N_LISTS; i++)
        if (kind && !strcmp(kind, list_kinds[i].name))
            k = i;
    if (k == N_LISTS)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const char *print = kvlist_get(&req->query, "print");
    bool printing = print && !strcmp(print, "1");
    const char *cursor;
    STORE(cursor_param(req, &cursor));

    /* the filters as the API takes them, passed on as typed: its message
     * then goes beside the field */
    const char *q = "";
    for (size_t i = 0; list_fields[i]; i++)
        q = q_add(req, q, &req->query, list_fields[i]);
    const char *api =
        arena_printf(req->arena, "/api/v1/lists/%s?%s%s", list_kinds[k].name, q, *q ? "&" : "");

    json_t *rows = json_array();
    json_t *first = NULL;
    const char *next = NULL;
    int st;
    enum yy_err rc = YY_OK;
    if (printing) {
        /* the whole year: the API's pages one after another */
        const char *after = NULL;
        for (;;) {
            json_t *out;
            rc = web_api_call(req, "GET",
                              arena_printf(req->arena, "%slimit=%d%s%s", api, PRINT_PAGE,
                                           after ? "&cursor=" : "", after ? after : ""),
                              NULL, &st, &out, NULL);
            if (rc != YY_OK)
                break;
            table_rows(req->arena, json_object_get(out, "columns"), json_object_get(out, "items"),
                       rows);
            const char *n = json_string_value(json_object_get(out, "next_cursor"));
            after = n ? arena_strdup(req->arena, n) : NULL;
            if (!first)
                first = out;
            else
                json_decref(out);
            if (!after || json_array_size(rows) >= PRINT_MAX_ROWS)
                break;
        }
    } else {
        rc = web_api_call(req, "GET",
                          arena_printf(req->arena, "%slimit=%d%s%s", api, LIST_PAGE,
                                       cursor ? "&cursor=" : "", cursor ? cursor : ""),
                          NULL, &st, &first, NULL);
        if (rc == YY_OK) {
            table_rows(req->arena, json_object_get(first, "columns"),
                       json_object_get(first, "items"), rows);
            const char *n = json_string_value(json_object_get(first, "next_cursor"));
            if (n)
                next = arena_strdup(req->arena, n);
        }
    }
    struct yy_error keep = req->err;
    if (rc != YY_OK && (rc != YY_BAD_INPUT || printing)) {
        json_decref(rows);
        json_decref(first);
        return rc;
    }

    /* the filters' choices: a street's staff see their streets, a unit's their units */
    const struct user *u = &c->user;
    bool wide = user_has_role(u, ROLE_ADMIN) || user_has_role(u, ROLE_LEADER);
    struct regions rs = {0};
    STORE(store_regions_all(api_app(req)->db, req->arena, &rs.items, &rs.n, &req->err));
    const char *year_q = kvlist_get(&req->query, "year");
    const char *street_q = kvlist_get(&req->query, "street");
    const char *unit_q = kvlist_get(&req->query, "unit");
    json_t *f =
        json_pack("{s:o, s:o, s:o}", "year", field_json(year_q, rc == YY_OK ? NULL : &keep, "year"),
                  "street", field_json(street_q, rc == YY_OK ? NULL : &keep, "street"), "unit",
                  field_json(unit_q, rc == YY_OK ? NULL : &keep, "unit"));
    json_t *streets = region_options(&rs, true, street_q, wide ? NULL : u);
    json_t *units = unit_options(req, unit_q, wide ? NULL : u);
    bool show_units = wide || user_has_role(u, ROLE_UNIT_STAFF);
    json_t *tabs = json_array();
    for (size_t i = 0; i < N_LISTS; i++)
        json_array_append_new(tabs, json_pack("{s:s, s:s, s:b}", "href",
                                              arena_printf(req->arena, "/staff/lists/%s%s%s",
                                                           list_kinds[i].name, *q ? "?" : "", q),
                                              "label", list_kinds[i].title, "current", i == k));

    int64_t year = 0;
    if (first)
        year = json_integer_value(json_object_get(first, "year"));
    const char *heading =
        year ? arena_printf(req->arena, "%lld年%s", (long long)year, list_kinds[k].title)
             : list_kinds[k].title;
    json_t *data = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:i, s:b}", "title", heading, "heading",
        heading, "action", arena_printf(req->arena, "/staff/lists/%s", list_kinds[k].name), "f", f,
        "streets", streets, "units", units, "show_units", show_units, "tabs", tabs, "rows", rows,
        "count", (int)json_array_size(rows), "empty", json_array_size(rows) == 0);
    /* a unit's staff have no street to choose */
    json_object_set_new(data, "show_streets",
                        json_boolean(wide || user_has_role(u, ROLE_STREET_STAFF)));
    if (first) {
        json_object_set_new(data, "heads", table_heads(json_object_get(first, "columns")));
        json_object_set_new(data, "has_table", json_true());
        /* the street or unit the API narrowed to (a street's staff: theirs) */
        json_int_t sid = json_integer_value(json_object_get(first, "street_id"));
        json_int_t uid = json_integer_value(json_object_get(first, "unit_id"));
        const char *scope = sid ? region_name(&rs, sid) : "全区";
        if (uid) {
            struct unit un;
            if (store_unit_get(api_app(req)->db, req->arena, uid, &un, &req->err) == YY_OK)
                scope =
                    arena_printf(req->arena, "%s%s%s", sid ? scope : "", sid ? " · " : "", un.name);
        }
        json_object_set_new(data, "scope", json_string(scope));
        /* the exports: the API's own answers (the session cookie works for GET) */
        const char *fq =
            arena_printf(req->arena, "%s%syear=%lld", q, *q ? "&" : "", (long long)year);
        if (year_q && *year_q)
            fq = q;
        json_object_set_new(
            data, "downloads",
            json_pack(
                "{s:s, s:s, s:s}", "csv",
                arena_printf(req->arena, "/api/v1/lists/%s?%s&format=csv", list_kinds[k].name, fq),
                "xlsx",
                arena_printf(req->arena, "/api/v1/lists/%s?%s&format=xlsx", list_kinds[k].name, fq),
                "print",
                arena_printf(req->arena, "/staff/lists/%s?%s&print=1", list_kinds[k].name, fq)));
        json_object_set_new(
            data, "back",
            json_string(arena_printf(req->arena, "/staff/lists/%s?%s", list_kinds[k].name, fq)));
        json_decref(first);
    }
    if (next)
        json_object_set_new(data, "next",
                            json_string(arena_printf(req->arena, "/staff/lists/%s?%s%scursor=%s",
                                                     list_kinds[k].name, q, *q ? "&" : "", next)));
    if (cursor)
        json_object_set_new(data, "first_page",
                            json_string(arena_printf(req->arena, "/staff/lists/%s%s%s",
                                                     list_kinds[k].name, *q ? "?" : "", q)));
    if (rc != YY_OK) {
        json_object_set_new(data, "has_errors", json_true());
        if (!err_placed(&keep, list_fields))
            json_object_set_new(data, "error", json_string(keep.message ? keep.message : ""));
    }
    if (printing)
        return web_page(req, res, 200, "staff_lists_print", data);
    return web_page(req, res, rc == YY_OK ? 200 : 400, "staff_lists", data);
}

static enum yy_err get_lists_index(struct request *req, struct response *res)
{
    return web_redirect(req, res, "/staff/lists/suggestions");
}

/* ---- the audit trail (admin) ---------------------------------------------------------- */

static const struct {
    const char *name, *label;
} audit_entities[] = {
    {"suggestion", "代表建议"},
    {"concern", "群众诉求"},
    {"activity", "代表有约活动"},
    {"reception_booking", "接待预约"},
    {"reception_record", "接待记录"},
    {"reminder", "催办提醒"},
    {"station", "代表联络站"},
    {"deputy", "代表"},
    {"unit", "承办单位"},
    {"region", "区域"},
};
#define N_ENTITIES (sizeof(audit_entities) / sizeof(audit_entities[0]))

static const char *entity_label(const char *e)
{
    for (size_t i = 0; i < N_ENTITIES; i++)
        if (!strcmp(audit_entities[i].name, e))
            return audit_entities[i].label;
    return e;
}

/* The page of a record in the audit, when there is one on these pages. */
static const char *entity_href(struct arena *a, const char *e, json_int_t id)
{
    if (!strcmp(e, "station") || !strcmp(e, "deputy") || !strcmp(e, "unit"))
        return arena_printf(a, "/staff/registry/%ss/%lld", e, (long long)id);
    return NULL;
}

/* The actor's role in Chinese ("anonymous" when nobody was logged in). */
static const char *role_text(const char *name)
{
    enum role r;
    if (!name)
        return "";
    if (!strcmp(name, "anonymous"))
        return "匿名";
    return role_from_name(name, &r) ? role_label_zh(r) : name;
}

static enum yy_err get_audit(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    const char *cursor;
    STORE(cursor_param(req, &cursor));
    static const char *const fields[] = {"entity", "id", NULL};
    const char *q = "";
    for (size_t i = 0; fields[i]; i++)
        q = q_add(req, q, &req->query, fields[i]);
    int st;
    json_t *out = NULL;
    enum yy_err rc =
        web_api_call(req, "GET",
                     arena_printf(req->arena, "/api/v1/audit?%s%slimit=%d%s%s", q, *q ? "&" : "",
                                  AUDIT_PAGE, cursor ? "&cursor=" : "", cursor ? cursor : ""),
                     NULL, &st, &out, NULL);
    struct yy_error keep = req->err;
    if (rc != YY_OK && rc != YY_BAD_INPUT)
        return rc;
    const char *entity_q = kvlist_get(&req->query, "entity");
    const char *id_q = kvlist_get(&req->query, "id");
    json_t *entities = json_array();
    bool known = !entity_q || !*entity_q;
    for (size_t i = 0; i < N_ENTITIES; i++) {
        bool sel = entity_q && !strcmp(entity_q, audit_entities[i].name);
        known |= sel;
        json_array_append_new(entities,
                              json_pack("{s:s, s:s, s:b}", "value", audit_entities[i].name, "label",
                                        audit_entities[i].label, "selected", sel));
    }
    if (!known) /* a kind of record not listed here: kept as asked */
        json_array_append_new(entities, json_pack("{s:s, s:s, s:b}", "value", entity_q, "label",
                                                  entity_q, "selected", true));
    json_t *rows = json_array();
    const char *next = NULL;
    if (out) {
        web_times(out);
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(out, "items"), i, e)
        {
            const char *ent = json_string_value(json_object_get(e, "entity"));
            json_int_t eid = json_integer_value(json_object_get(e, "entity_id"));
            json_t *actor = json_object_get(e, "actor_user_id");
            json_t *detail = json_object_get(e, "detail");
            char *dtext = detail ? json_dumps(detail, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
            const char *dt = dtext ? arena_strdup(req->arena, dtext) : "";
            free(dtext);
            if (strlen(dt) > DETAIL_MAX) {
                size_t cut = DETAIL_MAX;
                while (cut > 0 && ((unsigned char)dt[cut] & 0xC0) == 0x80)
                    cut--; /* not inside a UTF-8 character */
                dt = arena_printf(req->arena, "%.*s…", (int)cut, dt);
            }
            ent = ent ? ent : "";
            json_array_append_new(
                rows,
                json_pack("{s:O, s:O, s:s, s:s, s:O, s:s, s:I, s:s?, s:s, s:s}", "id",
                          json_object_get(e, "id"), "at", json_object_get(e, "at"), "actor",
                          json_is_integer(actor)
                              ? arena_printf(req->arena, "用户 %lld",
                                             (long long)json_integer_value(actor))
                              : "匿名",
                          "role", role_text(json_string_value(json_object_get(e, "actor_role"))),
                          "action", json_object_get(e, "action"), "entity", entity_label(ent),
                          "entity_id", eid, "href", entity_href(req->arena, ent, eid), "trail",
                          arena_printf(req->arena, "/staff/audit?entity=%s&id=%lld",
                                       url_enc(req->arena, ent), (long long)eid),
                          "detail", dt));
        }
        const char *n = json_string_value(json_object_get(out, "next_cursor"));
        if (n)
            next = arena_printf(req->arena, "/staff/audit?%s%scursor=%s", q, *q ? "&" : "", n);
        json_decref(out);
    }
    const char *heading = "审计记录";
    if (entity_q && *entity_q && id_q && *id_q && rc == YY_OK)
        heading = arena_printf(req->arena, "审计记录 · %s %s", entity_label(entity_q), id_q);
    json_t *data =
        json_pack("{s:s, s:s, s:o, s:{s:o, s:o}, s:o, s:b, s:s?, s:s?}", "title", heading,
                  "heading", heading, "entities", entities, "f", "entity",
                  field_json(entity_q, rc == YY_OK ? NULL : &keep, "entity"), "id",
                  field_json(id_q, rc == YY_OK ? NULL : &keep, "id"), "rows", rows, "empty",
                  json_array_size(rows) == 0, "next", next, "first_page",
                  cursor ? arena_printf(req->arena, "/staff/audit%s%s", *q ? "?" : "", q) : NULL);
    if (rc != YY_OK) {
        json_object_set_new(data, "has_errors", json_true());
        if (!err_placed(&keep, fields))
            json_object_set_new(data, "error", json_string(keep.message ? keep.message : ""));
    }
    return web_page(req, res, rc == YY_OK ? 200 : 400, "staff_audit", data);
}

/* ---- the registry: lists ---------------------------------------------------------------- */

/* A name as the API spells it and its Chinese label. */
struct named {
    const char *name, *label;
};

static const struct named station_kinds[] = {
    {"work_office", "街道代表工作室"},     {"reception_room", "社区代表接待室"},
    {"central_station", "中心代表联络站"}, {"building_station", "楼宇代表联络站"},
    {"park_home", "园区代表之家"},         {NULL, NULL},
};
static const struct named levels[] = {
    {"national", "全国"}, {"provincial", "省"}, {"municipal", "市"},
    {"district", "区"},   {NULL, NULL},
};
static const struct named unit_kinds[] = {
    {"department", "区政府部门"},
    {"street_office", "街道办事处"},
    {"utility", "公用事业单位"},
    {"procuratorate", "区检察院"},
    {"other", "其他"},
    {NULL, NULL},
};

static const char *label_of(const struct named *t, const char *name)
{
    for (size_t i = 0; name && t[i].name; i++)
        if (!strcmp(t[i].name, name))
            return t[i].label;
    return name ? name : "";
}

static json_t *options_of(const struct named *t, const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; t[i].name; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:b}", "value", t[i].name, "label", t[i].label,
                                        "selected", chosen && !strcmp(chosen, t[i].name)));
    return a;
}

static const char *levels_text(struct arena *a, json_t *arr)
{
    const char *out = "";
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *l = label_of(levels, json_string_value(v));
        out = arena_printf(a, "%s%s%s", out, *out ? "、" : "", l);
    }
    return out;
}

/* Names of stations by id, for the deputies' lists and pages. */
struct stations {
    struct station *items;
    size_t n;
};

static const char *station_name(const struct stations *ss, int64_t id)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->items[i].id == id)
            return ss->items[i].name;
    return "";
}

static enum yy_err all_stations(struct request *req, struct stations *ss)
{
    struct station_filter sf = {0};
    return store_stations_list(api_app(req)->db, req->arena, &sf, &ss->items, &ss->n, &req->err);
}

static json_t *station_links(struct request *req, const struct stations *ss, json_t *ids)
{
    json_t *a = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        json_int_t id = json_integer_value(v);
        json_array_append_new(
            a, json_pack("{s:s, s:s}", "href",
                         arena_printf(req->arena, "/staff/registry/stations/%lld", (long long)id),
                         "name", station_name(ss, id)));
    }
    return a;
}

static enum yy_err get_registry_index(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    return web_page(req, res, 200, "staff_registry",
                    json_pack("{s:s, s:b, s:b}", "title", "联络站、代表和承办单位", "index", true,
                              "admin", is_admin(req)));
}

/* One of the three registry lists: kind "stations", "deputies" or "units". */
static enum yy_err registry_list(struct request *req, struct response *res, const char *kind)
{
    STORE(require_staff(req));
    const char *cursor;
    STORE(cursor_param(req, &cursor));
    struct db *db = api_app(req)->db;
    const char *q = "";
    static const char *const station_f[] = {"q", "street", "kind", NULL};
    static const char *const deputy_f[] = {"q", "station", "level", NULL};
    static const char *const unit_f[] = {"q", "kind", NULL};
    const char *const *fields = !strcmp(kind, "stations")   ? station_f
                                : !strcmp(kind, "deputies") ? deputy_f
                                                            : unit_f;
    for (size_t i = 0; fields[i]; i++)
        q = q_add(req, q, &req->query, fields[i]);
    json_t *rows = json_array();
    const char *next = NULL;
    enum yy_err rc;
    int st;
    json_t *out = NULL;
    if (!strcmp(kind, "units")) {
        /* units are few and the API has no search: all of them, filtered here */
        const char *uq = kvlist_get(&req->query, "q");
        const char *uk = kvlist_get(&req->query, "kind");
        const char *after = NULL;
        rc = YY_OK;
        for (int guard = 0; rc == YY_OK && guard < 100; guard++) {
            json_t *page;
            rc = web_api_call(req, "GET",
                              arena_printf(req->arena, "/api/v1/units?limit=100%s%s",
                                           after ? "&cursor=" : "", after ? after : ""),
                              NULL, &st, &page, NULL);
            if (rc != YY_OK)
                break;
            size_t i;
            json_t *it;
            json_array_foreach(json_object_get(page, "items"), i, it)
            {
                const char *name = json_string_value(json_object_get(it, "name"));
                const char *k = json_string_value(json_object_get(it, "kind"));
                if ((uq && *uq && !strstr(name, uq)) || (uk && *uk && strcmp(k, uk)))
                    continue;
                json_int_t id = json_integer_value(json_object_get(it, "id"));
                json_array_append_new(
                    rows, json_pack("{s:I, s:s, s:s, s:s}", "id", id, "name", name, "kind",
                                    label_of(unit_kinds, k), "href",
                                    arena_printf(req->arena, "/staff/registry/units/%lld",
                                                 (long long)id)));
            }
            const char *n = json_string_value(json_object_get(page, "next_cursor"));
            after = n ? arena_strdup(req->arena, n) : NULL;
            json_decref(page);
            if (!after)
                break;
        }
    } else {
        rc = web_api_call(req, "GET",
                          arena_printf(req->arena, "/api/v1/%s?%s%slimit=%d%s%s", kind, q,
                                       *q ? "&" : "", REGISTRY_PAGE, cursor ? "&cursor=" : "",
                                       cursor ? cursor : ""),
                          NULL, &st, &out, NULL);
    }
    struct yy_error keep = req->err;
    if (rc != YY_OK && rc != YY_BAD_INPUT) {
        json_decref(rows);
        return rc;
    }
    struct regions rs = {0};
    STORE(store_regions_all(db, req->arena, &rs.items, &rs.n, &req->err));
    struct stations ss = {0};
    STORE(all_stations(req, &ss));
    if (out) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(out, "items"), i, it)
        {
            json_int_t id = json_integer_value(json_object_get(it, "id"));
            json_t *row =
                json_pack("{s:I, s:O, s:s}", "id", id, "name", json_object_get(it, "name"), "href",
                          arena_printf(req->arena, "/staff/registry/%s/%lld", kind, (long long)id));
            if (!strcmp(kind, "stations")) {
                json_object_set(row, "kind", json_object_get(it, "kind_label"));
                json_object_set_new(row, "street",
                                    json_string(region_name(&rs, json_integer_value(json_object_get(
                                                                     it, "street_id")))));
                json_object_set(row, "address", json_object_get(it, "address"));
            } else {
                json_object_set_new(
                    row, "levels",
                    json_string(levels_text(req->arena, json_object_get(it, "levels"))));
                json_object_set(row, "sector", json_object_get(it, "sector"));
                json_object_set_new(row, "stations",
                                    station_links(req, &ss, json_object_get(it, "station_ids")));
            }
            json_array_append_new(rows, row);
        }
        const char *n = json_string_value(json_object_get(out, "next_cursor"));
        if (n)
            next = arena_printf(req->arena, "/staff/registry/%s?%s%scursor=%s", kind, q,
                                *q ? "&" : "", n);
        json_decref(out);
    }
    static const char *const titles[][2] = {
        {"stations", "代表联络站"}, {"deputies", "人大代表"}, {"units", "承办单位"}};
    const char *title = "";
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(titles[i][0], kind))
            title = titles[i][1];
    const char *kind_q = kvlist_get(&req->query, "kind");
    const struct yy_error *e = rc == YY_OK ? NULL : &keep;
    json_t *f = json_pack("{s:o, s:o, s:o, s:o, s:o}", "q",
                          field_json(kvlist_get(&req->query, "q"), e, "q"), "street",
                          field_json(kvlist_get(&req->query, "street"), e, "street"), "kind",
                          field_json(kind_q, e, "kind"), "station",
                          field_json(kvlist_get(&req->query, "station"), e, "station"), "level",
                          field_json(kvlist_get(&req->query, "level"), e, "level"));
    json_t *data =
        json_pack("{s:s, s:s, s:o, s:o, s:i, s:b, s:b, s:s?, s:s}", "title", title, "kind", kind,
                  "f", f, "rows", rows, "count", (int)json_array_size(rows), "empty",
                  json_array_size(rows) == 0, "admin", is_admin(req), "next", next, "action",
                  arena_printf(req->arena, "/staff/registry/%s", kind));
    json_object_set_new(data, kind, json_true()); /* which columns and filters */
    if (!strcmp(kind, "stations")) {
        json_object_set_new(data, "streets",
                            region_options(&rs, true, kvlist_get(&req->query, "street"), NULL));
        json_object_set_new(data, "kinds", options_of(station_kinds, kind_q));
    } else if (!strcmp(kind, "deputies")) {
        const char *sq = kvlist_get(&req->query, "station");
        json_t *so = json_array();
        for (size_t i = 0; i < ss.n; i++) {
            char id[24];
            snprintf(id, sizeof(id), "%lld", (long long)ss.items[i].id);
            json_array_append_new(so,
                                  json_pack("{s:s, s:s, s:b}", "value", id, "label",
                                            ss.items[i].name, "selected", sq && !strcmp(sq, id)));
        }
        json_object_set_new(data, "station_options", so);
        json_object_set_new(data, "levels", options_of(levels, kvlist_get(&req->query, "level")));
    } else {
        json_object_set_new(data, "kinds", options_of(unit_kinds, kind_q));
    }
    if (cursor)
        json_object_set_new(data, "first_page",
                            json_string(arena_printf(req->arena, "/staff/registry/%s%s%s", kind,
                                                     *q ? "?" : "", q)));
    if (rc != YY_OK) {
        json_object_set_new(data, "has_errors", json_true());
        if (!err_placed(&keep, fields))
            json_object_set_new(data, "error", json_string(keep.message ? keep.message : ""));
    }
    return web_page(req, res, rc == YY_OK ? 200 : 400, "staff_registry", data);
}

static enum yy_err get_stations(struct request *req, struct response *res)
{
    return registry_list(req, res, "stations");
}

static enum yy_err get_deputies(struct request *req, struct response *res)
{
    return registry_list(req, res, "deputies");
}

static enum yy_err get_units(struct request *req, struct response *res)
{
    return registry_list(req, res, "units");
}

/* ---- the registry: a record's page ---------------------------------------------------- */

/* A fact of a record's page: {label, value}. */
static void fact(json_t *facts, const char *label, const char *value)
{
    json_array_append_new(
        facts, json_pack("{s:s, s:s}", "label", label, "value", value && *value ? value : "—"));
}

static enum yy_err get_station(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    int st;
    json_t *s;
    struct regions rs = {0};
    STORE(store_regions_all(api_app(req)->db, req->arena, &rs.items, &rs.n, &req->err));
    STORE(web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/stations/%lld", (long long)id),
                       NULL, &st, &s, NULL));
    web_times(s);
    json_t *facts = json_array();
    fact(facts, "类型", json_string_value(json_object_get(s, "kind_label")));
    fact(facts, "所在街道", region_name(&rs, json_integer_value(json_object_get(s, "street_id"))));
    json_int_t cid = json_integer_value(json_object_get(s, "community_id"));
    fact(facts, "所在社区", cid ? region_name(&rs, cid) : NULL);
    fact(facts, "地址", json_string_value(json_object_get(s, "address")));
    fact(facts, "坐标",
         arena_printf(req->arena, "%.6f, %.6f", json_number_value(json_object_get(s, "lat")),
                      json_number_value(json_object_get(s, "lon"))));
    fact(facts, "开放时间", json_string_value(json_object_get(s, "opening_hours")));
    fact(facts, "接待安排", json_string_value(json_object_get(s, "reception_rule")));
    json_t *next = json_object_get(s, "next_reception_day");
    if (json_is_object(next))
        fact(facts, "下次接待",
             arena_printf(req->arena, "%s 至 %s",
                          cell_text(req->arena, json_object_get(next, "starts_at")),
                          cell_text(req->arena, json_object_get(next, "ends_at"))));
    /* the deputies at the station, as the API lists them to this caller */
    json_t *ds;
    enum yy_err rc = web_api_call(
        req, "GET",
        arena_printf(req->arena, "/api/v1/deputies?station=%lld&limit=100", (long long)id), NULL,
        &st, &ds, NULL);
    if (rc != YY_OK) {
        json_decref(s);
        json_decref(facts);
        return rc;
    }
    json_t *deps = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(ds, "items"), i, d)
    {
        json_int_t did = json_integer_value(json_object_get(d, "id"));
        json_array_append_new(
            deps,
            json_pack("{s:O, s:s, s:s}", "name", json_object_get(d, "name"), "levels",
                      levels_text(req->arena, json_object_get(d, "levels")), "href",
                      arena_printf(req->arena, "/staff/registry/deputies/%lld", (long long)did)));
    }
    json_decref(ds);
    json_t *data = json_pack(
        "{s:O, s:s, s:o, s:o, s:b, s:b, s:{s:s, s:s, s:s}, s:s, s:s, s:s}", "title",
        json_object_get(s, "name"), "kind", "stations", "facts", facts, "deputies", deps,
        "has_deputies", json_array_size(deps) > 0, "admin", is_admin(req), "qr", "svg",
        arena_printf(req->arena, "/stations/%lld/qr.svg", (long long)id), "png",
        arena_printf(req->arena, "/stations/%lld/qr.png", (long long)id), "public",
        arena_printf(req->arena, "/stations/%lld", (long long)id), "edit",
        arena_printf(req->arena, "/staff/registry/stations/%lld/edit", (long long)id), "audit",
        arena_printf(req->arena, "/staff/audit?entity=station&id=%lld", (long long)id), "list",
        "/staff/registry/stations");
    json_object_set_new(data, "list_label", json_string("代表联络站"));
    json_decref(s);
    if (kvlist_get(&req->query, "saved"))
        json_object_set_new(data, "saved", json_true());
    return web_page(req, res, 200, "staff_registry_record", data);
}

static enum yy_err get_deputy(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    int st;
    json_t *d;
    struct stations ss = {0};
    STORE(all_stations(req, &ss));
    STORE(web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/deputies/%lld", (long long)id),
                       NULL, &st, &d, NULL));
    json_t *facts = json_array();
    fact(facts, "级别",
         arena_printf(req->arena, "%s人大代表",
                      levels_text(req->arena, json_object_get(d, "levels"))));
    fact(facts, "界别/行业", json_string_value(json_object_get(d, "sector")));
    /* the API gives the phone and the place only to admin and the deputy */
    if (json_object_get(d, "phone"))
        fact(facts, "联系电话", json_string_value(json_object_get(d, "phone")));
    json_t *lat = json_object_get(d, "lat");
    if (json_is_number(lat))
        fact(facts, "坐标",
             arena_printf(req->arena, "%.6f, %.6f", json_number_value(lat),
                          json_number_value(json_object_get(d, "lon"))));
    json_t *data = json_pack(
        "{s:O, s:s, s:o, s:o, s:b, s:s, s:s, s:s, s:s}", "title", json_object_get(d, "name"),
        "kind", "deputies", "facts", facts, "stations",
        station_links(req, &ss, json_object_get(d, "station_ids")), "admin", is_admin(req), "edit",
        arena_printf(req->arena, "/staff/registry/deputies/%lld/edit", (long long)id), "audit",
        arena_printf(req->arena, "/staff/audit?entity=deputy&id=%lld", (long long)id), "list",
        "/staff/registry/deputies", "list_label", "人大代表");
    json_object_set_new(data, "has_stations",
                        json_boolean(json_array_size(json_object_get(d, "station_ids")) > 0));
    json_decref(d);
    if (kvlist_get(&req->query, "saved"))
        json_object_set_new(data, "saved", json_true());
    return web_page(req, res, 200, "staff_registry_record", data);
}

static enum yy_err get_unit(struct request *req, struct response *res)
{
    STORE(require_staff(req));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    int st;
    json_t *u;
    STORE(web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/units/%lld", (long long)id),
                       NULL, &st, &u, NULL));
    json_t *facts = json_array();
    fact(facts, "类型", label_of(unit_kinds, json_string_value(json_object_get(u, "kind"))));
    json_t *data = json_pack(
        "{s:O, s:s, s:o, s:b, s:s, s:s, s:s, s:s}", "title", json_object_get(u, "name"), "kind",
        "units", "facts", facts, "admin", is_admin(req), "edit",
        arena_printf(req->arena, "/staff/registry/units/%lld/edit", (long long)id), "audit",
        arena_printf(req->arena, "/staff/audit?entity=unit&id=%lld", (long long)id), "list",
        "/staff/registry/units", "list_label", "承办单位");
    json_decref(u);
    if (kvlist_get(&req->query, "saved"))
        json_object_set_new(data, "saved", json_true());
    return web_page(req, res, 200, "staff_registry_record", data);
}

/* ---- the registry: forms (admin) ------------------------------------------------------- */

enum ftype { F_TEXT, F_NUMBER, F_SELECT, F_CHECKS, F_MULTI };

struct fdef {
    const char *name, *label;
    enum ftype type;
    bool required;  /* required when creating */
    bool integer;   /* sent as a JSON integer (selects of ids) */
    bool clearable; /* empty on an edit: sent as null (community_id) */
};

static const struct fdef station_fdefs[] = {
    {"name", "名称", F_TEXT, true, false, false},
    {"kind", "类型", F_SELECT, true, false, false},
    {"street_id", "所在街道", F_SELECT, true, true, false},
    {"community_id", "所在社区(选填)", F_SELECT, false, true, true},
    {"address", "地址", F_TEXT, false, false, false},
    {"lat", "纬度", F_NUMBER, true, false, false},
    {"lon", "经度", F_NUMBER, true, false, false},
    {"opening_hours", "开放时间", F_TEXT, false, false, false},
    {"reception_rule", "接待安排", F_TEXT, false, false, false},
    {NULL, NULL, F_TEXT, false, false, false},
};
static const struct fdef deputy_fdefs[] = {
    {"name", "姓名", F_TEXT, true, false, false},
    {"levels", "代表级别", F_CHECKS, true, false, false},
    {"sector", "界别/行业(选填)", F_TEXT, false, false, false},
    {"phone", "联系电话(选填,不公开)", F_TEXT, false, false, false},
    {"station_ids", "所在联络站(可多选)", F_MULTI, false, true, false},
    {"lat", "纬度(选填,用于就近编入联络站)", F_NUMBER, false, false, false},
    {"lon", "经度(选填)", F_NUMBER, false, false, false},
    {NULL, NULL, F_TEXT, false, false, false},
};
static const struct fdef unit_fdefs[] = {
    {"name", "名称", F_TEXT, true, false, false},
    {"kind", "类型", F_SELECT, true, false, false},
    {NULL, NULL, F_TEXT, false, false, false},
};

static const struct fdef *fdefs_of(const char *kind)
{
    return !strcmp(kind, "stations")   ? station_fdefs
           : !strcmp(kind, "deputies") ? deputy_fdefs
                                       : unit_fdefs;
}

static const char *kind_label(const char *kind)
{
    return !strcmp(kind, "stations")   ? "代表联络站"
           : !strcmp(kind, "deputies") ? "人大代表"
                                       : "承办单位";
}

/* The values of a field in a form: every value of a repeated key. */
static bool kv_has(const struct kvlist *in, const char *key, const char *value)
{
    for (size_t i = 0; i < in->n; i++)
        if (!strcmp(in->items[i].key, key) && !strcmp(in->items[i].value, value))
            return true;
    return false;
}

/* The options of a select / checks / multi field. */
static json_t *field_options(struct request *req, const char *kind, const struct fdef *fd,
                             const struct kvlist *in, const struct regions *rs,
                             const struct stations *ss)
{
    json_t *a = json_array();
#define OPT(v, l)                                                                                  \
    json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", (v), "label", (l), "selected",  \
                                       kv_has(in, fd->name, (v))))
    if (!strcmp(fd->name, "kind")) {
        if (!strcmp(kind, "stations"))
            for (size_t i = 0; station_kinds[i].name; i++)
                OPT(station_kinds[i].name, station_kinds[i].label);
        else
            for (size_t i = 0; unit_kinds[i].name; i++)
                OPT(unit_kinds[i].name, unit_kinds[i].label);
    } else if (!strcmp(fd->name, "levels")) {
        for (size_t i = 0; levels[i].name; i++)
            OPT(levels[i].name, levels[i].label);
    } else if (!strcmp(fd->name, "street_id") || !strcmp(fd->name, "community_id")) {
        bool streets = !strcmp(fd->name, "street_id");
        for (size_t i = 0; i < rs->n; i++) {
            const struct region *r = &rs->items[i];
            bool street = r->kind == REGION_STREET || r->kind == REGION_DEV_ZONE;
            if (streets ? !street : r->kind != REGION_COMMUNITY)
                continue;
            const char *v = arena_printf(req->arena, "%lld", (long long)r->id);
            const char *l = streets ? r->name
                                    : arena_printf(req->arena, "%s(%s)", r->name,
                                                   region_name(rs, r->parent_id));
            OPT(v, l);
        }
    } else if (!strcmp(fd->name, "station_ids")) {
        for (size_t i = 0; i < ss->n; i++)
            OPT(arena_printf(req->arena, "%lld", (long long)ss->items[i].id), ss->items[i].name);
    }
#undef OPT
    return a;
}

/* The form page: the fields with what was typed (in) and the API's error
 * beside its field. */
static enum yy_err form_page(struct request *req, struct response *res, int status,
                             const char *kind, int64_t id, const struct kvlist *in,
                             const struct yy_error *err, const char *token)
{
    struct regions rs = {0};
    struct stations ss = {0};
    STORE(store_regions_all(api_app(req)->db, req->arena, &rs.items, &rs.n, &req->err));
    STORE(all_stations(req, &ss));
    const struct fdef *fds = fdefs_of(kind);
    json_t *fields = json_array();
    bool placed = false;
    for (size_t i = 0; fds[i].name; i++) {
        const struct fdef *fd = &fds[i];
        const char *v = kvlist_get(in, fd->name);
        json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "name", fd->name, "label", fd->label, "value",
                              v ? v : "", "required", fd->required && !id);
        if (err && err->field && !strcmp(err->field, fd->name)) {
            json_object_set_new(o, "error", json_string(err->message ? err->message : ""));
            placed = true;
        }
        static const char *const types[] = {"text", "number", "select", "checks", "multi"};
        json_object_set_new(o, types[fd->type], json_true());
        if (fd->type == F_SELECT || fd->type == F_CHECKS || fd->type == F_MULTI)
            json_object_set_new(o, "options", field_options(req, kind, fd, in, &rs, &ss));
        json_array_append_new(fields, o);
    }
    const char *title = id ? arena_printf(req->arena, "修改%s", kind_label(kind))
                           : arena_printf(req->arena, "新增%s", kind_label(kind));
    json_t *data =
        json_pack("{s:s, s:o, s:s, s:s, s:s, s:s?}", "title", title, "fields", fields, "action",
                  id ? arena_printf(req->arena, "/staff/registry/%s/%lld/edit", kind, (long long)id)
                     : arena_printf(req->arena, "/staff/registry/%s/new", kind),
                  "back",
                  id ? arena_printf(req->arena, "/staff/registry/%s/%lld", kind, (long long)id)
                     : arena_printf(req->arena, "/staff/registry/%s", kind),
                  "back_label", id ? "返回" : kind_label(kind), "form_token", token);
    if (err) {
        json_object_set_new(data, "has_errors", json_true());
        if (!placed)
            json_object_set_new(data, "error", json_string(err->message ? err->message : ""));
    }
    return web_page(req, res, status, "staff_registry_form", data);
}

/* The form's fields as the API's JSON body.  Numbers and ids that do not
 * parse go as the text typed: the API then names the field in its words. */
static json_t *form_body(const char *kind, const struct kvlist *in, bool create)
{
    json_t *b = json_object();
    const struct fdef *fds = fdefs_of(kind);
    for (size_t i = 0; fds[i].name; i++) {
        const struct fdef *fd = &fds[i];
        if (fd->type == F_CHECKS || fd->type == F_MULTI) {
            json_t *a = json_array();
            for (size_t j = 0; j < in->n; j++) {
                if (strcmp(in->items[j].key, fd->name))
                    continue;
                int64_t n;
                const char *v = in->items[j].value;
                json_array_append_new(a, fd->integer && parse_int64(v, 1, INT64_MAX, &n)
                                             ? json_integer(n)
                                             : json_string(v));
            }
            /* levels: on a form without any, the API's "须为非空列表" */
            if (json_array_size(a) || fd->type == F_CHECKS || !create)
                json_object_set_new(b, fd->name, a);
            else
                json_decref(a);
            continue;
        }
        const char *v = kvlist_get(in, fd->name);
        if (!v || !*v) {
            if (fd->clearable && !create)
                json_object_set_new(b, fd->name, json_null());
            else if (!create && fd->type == F_TEXT && !fd->required && strcmp(fd->name, "phone"))
                json_object_set_new(b, fd->name, json_string(""));
            continue; /* missing: the API says so when it is required */
        }
        int64_t n;
        double d;
        if (fd->integer && parse_int64(v, 1, INT64_MAX, &n))
            json_object_set_new(b, fd->name, json_integer(n));
        else if (fd->type == F_NUMBER && parse_double(v, &d))
            json_object_set_new(b, fd->name, json_real(d));
        else
            json_object_set_new(b, fd->name, json_string(v));
    }
    return b;
}

static const char *registry_kind(struct request *req)
{
    const char *p = req->path + strlen("/staff/registry/");
    if (!strncmp(p, "stations", 8))
        return "stations";
    if (!strncmp(p, "deputies", 8))
        return "deputies";
    return "units";
}

static enum yy_err get_new_form(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    char token[TOKEN_LEN + 1];
    token_new(token);
    struct kvlist none = {0};
    return form_page(req, res, 200, registry_kind(req), 0, &none, NULL, token);
}

/* Creating: the one-time form token (docs/WEB.md "Forms") makes a double
 * submit land on the first one's record instead of making a second. */
static enum yy_err post_new_form(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    const char *kind = registry_kind(req);
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_form_token",
                       "表单已失效,请重新打开页面后再提交", "form_token");
    struct db *db = api_app(req)->db;
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    const char *done_url = arena_printf(req->arena, "/staff/registry/created/%s", token);
    const char *earlier;
    enum yy_err rc = store_webform_claim(db, req->arena, hash, time_now(), &earlier, &req->err);
    if (rc == YY_CONFLICT) /* a second submit of the same form: the first one's record */
        return web_redirect(req, res, done_url);
    STORE(rc);
    int st;
    json_t *out;
    rc = web_api_call(req, "POST", arena_printf(req->arena, "/api/v1/%s", kind),
                      form_body(kind, &in, true), &st, &out, NULL);
    if (rc != YY_OK) {
        struct yy_error keep = req->err;
        struct yy_error ignore;
        store_webform_release(db, hash, &ignore);
        if (rc != YY_BAD_INPUT)
            return rc;
        return form_page(req, res, 400, kind, 0, &in, &keep, token);
    }
    const char *path = arena_printf(req->arena, "/staff/registry/%s/%lld?saved=1", kind,
                                    (long long)json_integer_value(json_object_get(out, "id")));
    json_decref(out);
    json_t *result = json_pack("{s:s}", "path", path);
    char *text = json_dumps(result, JSON_COMPACT);
    json_decref(result);
    if (!text)
        return yy_fail(&req->err, YY_NOMEM, NULL, NULL, NULL);
    rc = store_webform_done(db, hash, text, &req->err);
    free(text);
    STORE(rc);
    return web_redirect(req, res, done_url);
}

static enum yy_err get_created(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    const char *result;
    STORE(web_form_result(req, &result));
    json_t *r = result ? json_loads(result, 0, NULL) : NULL;
    const char *path = json_string_value(json_object_get(r, "path"));
    if (path && !strncmp(path, "/staff/registry/", 16)) {
        path = arena_strdup(req->arena, path);
        json_decref(r);
        return web_redirect(req, res, path);
    }
    json_decref(r);
    /* the first submission is still running */
    return web_page(
        req, res, 200, "staff_registry_record",
        json_pack("{s:s, s:b, s:s}", "title", "正在保存", "pending", true, "refresh", req->path));
}

/* The record as the edit form's initial input. */
static enum yy_err record_input(struct request *req, const char *kind, int64_t id,
                                struct kvlist *in)
{
    int st;
    json_t *o;
    STORE(web_api_call(req, "GET", arena_printf(req->arena, "/api/v1/%s/%lld", kind, (long long)id),
                       NULL, &st, &o, NULL));
    const struct fdef *fds = fdefs_of(kind);
    size_t cap = 64;
    in->items = arena_calloc(req->arena, cap, sizeof(struct kv));
    in->n = 0;
    for (size_t i = 0; fds[i].name; i++) {
        json_t *v = json_object_get(o, fds[i].name);
        if (json_is_array(v)) {
            size_t j;
            json_t *e;
            json_array_foreach(v, j, e) if (in->n < cap) in->items[in->n++] =
                (struct kv){fds[i].name, arena_strdup(req->arena, cell_text(req->arena, e))};
        } else if (v && !json_is_null(v) && in->n < cap) {
            const char *t = json_is_real(v) ? arena_printf(req->arena, "%.7g", json_real_value(v))
                                            : arena_strdup(req->arena, cell_text(req->arena, v));
            in->items[in->n++] = (struct kv){fds[i].name, t};
        }
    }
    json_decref(o);
    return YY_OK;
}

static enum yy_err get_edit_form(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    const char *kind = registry_kind(req);
    struct kvlist in;
    STORE(record_input(req, kind, id, &in));
    return form_page(req, res, 200, kind, id, &in, NULL, NULL);
}

/* Editing is a PATCH with the form's fields: sent twice, it leaves the same
 * record (and creates nothing). */
static enum yy_err post_edit_form(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    int64_t id;
    STORE(web_path_int(req, "id", &id));
    const char *kind = registry_kind(req);
    struct kvlist in;
    STORE(web_form(req, &in));
    int st;
    json_t *out;
    enum yy_err rc =
        web_api_call(req, "PATCH", arena_printf(req->arena, "/api/v1/%s/%lld", kind, (long long)id),
                     form_body(kind, &in, false), &st, &out, NULL);
    if (rc == YY_BAD_INPUT) {
        struct yy_error keep = req->err;
        return form_page(req, res, 400, kind, id, &in, &keep, NULL);
    }
    STORE(rc);
    json_decref(out);
    return web_redirect(
        req, res, arena_printf(req->arena, "/staff/registry/%s/%lld?saved=1", kind, (long long)id));
}

enum yy_err web_records_routes(struct router *r)
{
    static const struct {
        const char *method, *pattern;
        route_fn fn;
    } routes[] = {
        {"GET", "/staff/lists", get_lists_index},
        {"GET", "/staff/lists/{kind}", get_list},
        {"GET", "/staff/audit", get_audit},
        {"GET", "/staff/registry", get_registry_index},
        {"GET", "/staff/registry/stations", get_stations},
        {"GET", "/staff/registry/deputies", get_deputies},
        {"GET", "/staff/registry/units", get_units},
        {"GET", "/staff/registry/stations/{id}", get_station},
        {"GET", "/staff/registry/deputies/{id}", get_deputy},
        {"GET", "/staff/registry/units/{id}", get_unit},
        {"GET", "/staff/registry/stations/new", get_new_form},
        {"GET", "/staff/registry/deputies/new", get_new_form},
        {"GET", "/staff/registry/units/new", get_new_form},
        {"POST", "/staff/registry/stations/new", post_new_form},
        {"POST", "/staff/registry/deputies/new", post_new_form},
        {"POST", "/staff/registry/units/new", post_new_form},
        {"GET", "/staff/registry/stations/{id}/edit", get_edit_form},
        {"GET", "/staff/registry/deputies/{id}/edit", get_edit_form},
        {"GET", "/staff/registry/units/{id}/edit", get_edit_form},
        {"POST", "/staff/registry/stations/{id}/edit", post_edit_form},
        {"POST", "/staff/registry/deputies/{id}/edit", post_edit_form},
        {"POST", "/staff/registry/units/{id}/edit", post_edit_form},
        {"GET", "/staff/registry/created/{token}", get_created},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        enum yy_err rc = router_add(r, routes[i].method, routes[i].pattern, routes[i].fn, 0);
        if (rc != YY_OK)
            return rc;
    }
    return YY_OK;
}
