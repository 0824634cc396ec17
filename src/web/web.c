/* web.c - the machinery of the pages (web.h): the template set compiled at
 * start-up, the layout, the security headers, the HTML error page, static
 * assets, forms, the response cache for anonymous pages and in-process calls
 * of the API's routes. */
#include "web/web.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/cache.h"
#include "domain/auth.h"
#include "http/parse.h"
#include "store/webform.h"
#include "web/assets.h"
#include "web/tmpl.h"

static struct tmpl_set *templates;
static const char *css_url, *js_url;

#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* The largest JSON answer an in-process API call may give. */
#define API_CALL_MAX ((size_t)4 * 1024 * 1024)

bool web_is_page_path(const char *path)
{
    if (!path)
        return false;
    return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0 &&
           strcmp(path, "/healthz") != 0 && strcmp(path, "/metrics") != 0;
}

void web_headers(struct response *res)
{
    response_header(res, "Content-Security-Policy", CSP);
    response_header(res, "Cross-Origin-Opener-Policy", "same-origin");
    response_header(res, "Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
}

/* ---- the navigation: the roles' home pages, the staff's sections ------------------- */

#define R(x) (1u << (x))
#define STAFF_ROLES                                                                                \
    (R(ROLE_ADMIN) | R(ROLE_LEADER) | R(ROLE_STREET_STAFF) | R(ROLE_COMMUNITY_STAFF) |             \
     R(ROLE_PROCURATOR))

/* The roles' home pages and their link texts, in the order a user holding
 * roles of several kinds is sent to them after logging in.  Residents have
 * none (the public pages are theirs). */
static const struct {
    const char *path, *label;
    unsigned roles;
} role_homes[] = {
    {"/staff/", "工作台", STAFF_ROLES},
    {"/deputy/", "代表工作台", R(ROLE_DEPUTY)},
    {"/unit/", "承办工作台", R(ROLE_UNIT_STAFF)},
};

/* Which role the header names when a user holds several. */
static const enum role role_order[] = {ROLE_ADMIN,           ROLE_LEADER,     ROLE_STREET_STAFF,
                                       ROLE_COMMUNITY_STAFF, ROLE_PROCURATOR, ROLE_DEPUTY,
                                       ROLE_UNIT_STAFF,      ROLE_RESIDENT};

/* The staff's sections (the staff navigation, staff_nav.html, renders
 * me.staff_nav; me.can.KEY says whether one is offered), each for the roles
 * whose API calls the page makes succeed: a link never leads to a 403. */
static const struct {
    const char *key, *path, *label;
    unsigned roles;
} staff_sections[] = {
    {"home", "/staff/", "工作台", STAFF_ROLES},
    {"concerns", "/staff/concerns", "群众意见", STAFF_ROLES & ~R(ROLE_PROCURATOR)},
    {"suggestions", "/staff/suggestions", "代表建议", STAFF_ROLES},
    {"supervision", "/staff/supervision", "督办", STAFF_ROLES},
    {"inbox", "/staff/inbox", "提醒", STAFF_ROLES},
    {"lists", "/staff/lists/suggestions", "三张清单",
     R(ROLE_ADMIN) | R(ROLE_LEADER) | R(ROLE_STREET_STAFF)},
    {"activities", "/staff/activities", "活动",
     R(ROLE_ADMIN) | R(ROLE_STREET_STAFF) | R(ROLE_COMMUNITY_STAFF)},
    {"receptions", "/staff/receptions", "接待日",
     R(ROLE_ADMIN) | R(ROLE_STREET_STAFF) | R(ROLE_COMMUNITY_STAFF)},
    {"registry", "/staff/registry", "基础信息",
     R(ROLE_ADMIN) | R(ROLE_LEADER) | R(ROLE_STREET_STAFF) | R(ROLE_COMMUNITY_STAFF)},
    {"audit", "/staff/audit", "审计记录", R(ROLE_ADMIN)},
};
#undef STAFF_ROLES
#undef R

static unsigned roles_held(const struct user *u)
{
    unsigned held = 0;
    for (size_t i = 0; i < u->n_roles; i++)
        held |= 1u << u->roles[i].role;
    return held;
}

/* Whether the page at path is served (the areas' pages land one by one: a
 * home without its page is not linked). */
static bool page_exists(struct request *req, const char *path)
{
    struct router_match m;
    return router_lookup(&api_app(req)->router, "GET", path, &m) == ROUTER_MATCH;
}

const char *web_home(struct request *req, const struct user *u)
{
    unsigned held = roles_held(u);
    for (size_t i = 0; i < sizeof(role_homes) / sizeof(role_homes[0]); i++)
        if ((held & role_homes[i].roles) && page_exists(req, role_homes[i].path))
            return role_homes[i].path;
    return "/";
}

/* The caller as the layout shows them: name, role in Chinese, their homes,
 * the staff's sections they may open. */
static json_t *me_json(struct request *req, const struct user *u)
{
    const char *name = u->name && *u->name ? u->name : u->login;
    unsigned held = roles_held(u);
    const char *role_name = role_label_zh(ROLE_RESIDENT);
    for (size_t i = 0; i < sizeof(role_order) / sizeof(role_order[0]); i++)
        if (held & (1u << role_order[i])) {
            role_name = role_label_zh(role_order[i]);
            break;
        }
    json_t *homes = json_array(), *staff_nav = json_array(), *can = json_object();
    for (size_t i = 0; i < sizeof(role_homes) / sizeof(role_homes[0]); i++)
        if ((held & role_homes[i].roles) && page_exists(req, role_homes[i].path))
            json_array_append_new(homes, json_pack("{s:s, s:s}", "href", role_homes[i].path,
                                                   "label", role_homes[i].label));
    for (size_t i = 0; i < sizeof(staff_sections) / sizeof(staff_sections[0]); i++) {
        if (!(held & staff_sections[i].roles) || !page_exists(req, staff_sections[i].path))
            continue;
        json_array_append_new(staff_nav, json_pack("{s:s, s:s}", "href", staff_sections[i].path,
                                                   "label", staff_sections[i].label));
        json_object_set_new(can, staff_sections[i].key, json_true());
    }
    /* the demo's names are often the role itself: say it once */
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o}", "login", u->login, "name", name,
                     "role_name", role_name, "show_role", strcmp(name, role_name) != 0, "home",
                     web_home(req, u), "homes", homes, "staff_nav", staff_nav, "can", can);
}

/* ---- rendering --------------------------------------------------------------- */

static void add_common(struct request *req, json_t *data)
{
    const struct caller *c = api_caller(req);
    json_object_set_new(data, "site", json_pack("{s:s, s:s}", "css", css_url, "js", js_url));
    json_object_set_new(data, "nav",
                        json_pack("{s:b, s:b}", "activities", page_exists(req, "/activities"),
                                  "dashboard", page_exists(req, "/dashboard")));
    if (c->via != AUTH_NONE) {
        json_object_set_new(data, "me", me_json(req, &c->user));
        if (c->csrf)
            json_object_set_new(data, "csrf", json_string(c->csrf));
    }
}

static enum yy_err render(struct request *req, struct response *res, int status, const char *page,
                          json_t *data)
{
    if (!data)
        return YY_NOMEM;
    add_common(req, data);
    buf_reset(&res->body);
    enum yy_err rc = tmpl_render(templates, "layout", page, data, &res->body);
    json_decref(data);
    if (rc != YY_OK)
        return rc;
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    web_headers(res);
    return YY_OK;
}

enum yy_err web_page(struct request *req, struct response *res, int status, const char *page,
                     json_t *data)
{
    enum yy_err rc = render(req, res, status, page, data);
    if (rc != YY_OK)
        return yy_fail(&req->err, rc == YY_TOO_LARGE ? YY_TOO_LARGE : YY_INTERNAL, NULL, NULL,
                       NULL);
    response_header(res, "Cache-Control", "no-store");
    return YY_OK;
}

enum yy_err web_redirect(struct request *req, struct response *res, const char *location)
{
    (void)req;
    res->status = 303;
    res->content_type = "text/html; charset=utf-8";
    buf_reset(&res->body);
    response_header(res, "Location", location);
    response_header(res, "Cache-Control", "no-store");
    web_headers(res);
    return YY_OK;
}

/* The login link of a 401 page: back to this page after logging in when it
 * is one a link can reach again (a GET), percent-encoded as a query value. */
static const char *login_url(struct request *req)
{
    if (!req->method || !req->path || (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
        return "/login";
    static const char hex[] = "0123456789ABCDEF";
    const char *q = req->query_raw && *req->query_raw ? req->query_raw : NULL;
    size_t n = strlen(req->path) + (q ? strlen(q) + 1 : 0);
    if (n > 1024)
        return "/login";
    char *out = arena_alloc(req->arena, sizeof("/login?next=") + 3 * n);
    if (!out)
        return "/login";
    char *o = out + sprintf(out, "/login?next=");
    for (const char *parts[] = {req->path, q ? "?" : NULL, q}, **p = parts; p < parts + 3; p++)
        for (const unsigned char *c = (const unsigned char *)*p; c && *c; c++) {
            if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                strchr("-._~/", *c)) {
                *o++ = (char)*c;
            } else {
                *o++ = '%';
                *o++ = hex[*c >> 4];
                *o++ = hex[*c & 15];
            }
        }
    *o = '\0';
    return out;
}

void web_render_error(struct request *req, struct response *res, const struct yy_error *err)
{
    int status = res->status;
    const char *heading;
    switch (status) {
    case 400:
        heading = "提交的内容有误";
        break;
    case 401:
        heading = "请先登录";
        break;
    case 403:
        heading = "没有权限";
        break;
    case 404:
        heading = "页面不存在";
        break;
    case 405:
        heading = "不支持的请求方式";
        break;
    case 409:
        heading = "当前状态不允许此操作";
        break;
    case 413:
        heading = "提交的内容过大";
        break;
    case 429:
        heading = "操作过于频繁";
        break;
    case 503:
        heading = "服务繁忙";
        break;
    default:
        heading = "服务器出错了";
        break;
    }
    const char *message = !err           ? "服务器出错了"
                          : err->message ? err->message
                                         : err_default_message(err->kind);
    json_t *data =
        json_pack("{s:s, s:s, s:i, s:s, s:s?, s:s?}", "title", heading, "heading", heading,
                  "status", status, "message", message, "code", err ? err->code : NULL, "login",
                  status == 401 ? login_url(req) : NULL);
    if (templates && render(req, res, status, "error", data) == YY_OK) {
        response_header(res, "Cache-Control", "no-store");
        return;
    }
    buf_reset(&res->body);
    res->content_type = "text/plain; charset=utf-8";
    buf_printf(&res->body, "%d %s\n", status, message);
}

/* ---- static assets ----------------------------------------------------------- */

static enum yy_err get_static(struct request *req, struct response *res)
{
    const char *name = request_param(req, "name");
    for (unsigned long i = 0; i < web_static_count; i++) {
        const struct embedded_file *f = &web_static[i];
        if (strcmp(f->name, name))
            continue;
        const char *dot = strrchr(f->name, '.');
        const char *type = "application/octet-stream";
        if (dot && !strcmp(dot, ".css"))
            type = "text/css; charset=utf-8";
        else if (dot && !strcmp(dot, ".js"))
            type = "text/javascript; charset=utf-8";
        else if (dot && !strcmp(dot, ".svg"))
            type = "image/svg+xml";
        const char *etag = arena_printf(req->arena, "\"%s\"", f->hash);
        res->status = 200;
        res->content_type = type;
        response_header(res, "ETag", etag);
        /* the pages link assets as NAME?v=HASH: a new build is a new URL */
        response_header(res, "Cache-Control", "public, max-age=31536000, immutable");
        web_headers(res);
        const char *inm = request_header(req, "If-None-Match");
        if (inm && cache_etag_matches(inm, etag)) {
            res->status = 304;
            return YY_OK;
        }
        return buf_append(&res->body, f->data, f->len);
    }
    return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的文件不存在", NULL);
}

static const char *asset_url(const char *name)
{
    for (unsigned long i = 0; i < web_static_count; i++)
        if (!strcmp(web_static[i].name, name)) {
            static char urls[4][128];
            static int n;
            char *u = urls[n++ % 4];
            snprintf(u, sizeof(urls[0]), "/static/%s?v=%s", name, web_static[i].hash);
            return u;
        }
    return "/static/missing";
}

/* ---- the response cache for anonymous pages -------------------------------------- */

enum yy_err web_cached(struct request *req, struct response *res, const char *extra, route_fn fn)
{
    struct app *app = api_app(req);
    bool shareable = api_caller(req)->via == AUTH_NONE && app->cache;
    uint64_t version = shareable ? db_data_version(app->db) : 0;
    const char *key = NULL;
    char etag[CACHE_ETAG_LEN];
    bool hit = false;
    if (version) {
        key = arena_printf(req->arena, "page:%s?%s#%s", req->path, req->query_raw,
                           extra ? extra : "");
        buf_reset(&res->body);
        hit = cache_get(app->cache, key, version, &res->body, etag);
    }
    if (hit) {
        res->status = 200;
        res->content_type = "text/html; charset=utf-8";
        web_headers(res);
    } else {
        enum yy_err rc = fn(req, res);
        if (rc != YY_OK || res->status != 200)
            return rc;
        cache_etag(res->body.data ? res->body.data : "", res->body.len, etag);
        if (version)
            cache_put(app->cache, key, version, res->body.data ? res->body.data : "", res->body.len,
                      etag);
        res->n_headers = 0; /* fn's no-store: this page may be revalidated */
        web_headers(res);
    }
    response_header(res, "Cache-Control", "no-cache");
    response_header(res, "ETag", arena_strdup(req->arena, etag));
    if (version)
        response_header(res, "X-Cache", hit ? "hit" : "miss");
    const char *inm = request_header(req, "If-None-Match");
    if (inm && cache_etag_matches(inm, etag)) {
        res->status = 304;
        buf_reset(&res->body);
    }
    return YY_OK;
}

/* ---- forms -------------------------------------------------------------------- */

static bool is_form(const struct request *req)
{
    const char *ct = request_header(req, "Content-Type");
    return ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33);
}

enum yy_err web_form(struct request *req, struct kvlist *out)
{
    if (!is_form(req))
        return yy_fail(&req->err, YY_BAD_INPUT, "unsupported_content_type",
                       "请通过页面上的表单提交", NULL);
    return parse_urlencoded(req->arena, req->body, req->body_len, out, &req->err);
}

const char *web_form_csrf(struct request *req)
{
    struct kvlist kv;
    struct yy_error e;
    if (!is_form(req) || parse_urlencoded(req->arena, req->body, req->body_len, &kv, &e) != YY_OK)
        return NULL;
    return kvlist_get(&kv, "csrf_token");
}

/* ---- calling the API in-process ------------------------------------------------- */

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return buf_append(data, buffer, size) == YY_OK ? 0 : -1;
}

enum yy_err web_api_call(struct request *req, const char *method, const char *path, json_t *body,
                         int *status, json_t **out, const char **set_cookie)
{
    *out = NULL;
    struct app *app = api_app(req);
    struct request sub = *req;
    static struct kv json_ct = {"Content-Type", "application/json"};
    sub.method = method;
    const char *q = strchr(path, '?');
    sub.path = q ? arena_strndup(req->arena, path, (size_t)(q - path)) : path;
    sub.query_raw = q ? q + 1 : "";
    sub.headers.items = &json_ct; /* no If-None-Match, no cookies: the caller is known */
    sub.headers.n = 1;
    memset(&sub.err, 0, sizeof(sub.err));
    memset(&sub.query, 0, sizeof(sub.query));
    struct buf b;
    buf_init(&b, API_CALL_MAX);
    if (body && json_dump_callback(body, dump_cb, &b, JSON_COMPACT) != 0) {
        json_decref(body);
        buf_release(&b);
        return yy_fail(&req->err, YY_INTERNAL, NULL, NULL, NULL);
    }
    json_decref(body);
    sub.body = arena_strndup(req->arena, b.data ? b.data : "", b.len);
    sub.body_len = b.len;
    buf_release(&b);
    enum yy_err rc =
        parse_urlencoded(req->arena, sub.query_raw, strlen(sub.query_raw), &sub.query, &sub.err);
    if (rc == YY_OK && router_lookup(&app->router, method, sub.path, &sub.match) != ROUTER_MATCH)
        rc = yy_fail(&sub.err, YY_NOT_FOUND, "not_found", "请求的地址不存在", NULL);
    struct response sres;
    memset(&sres, 0, sizeof(sres));
    buf_init(&sres.body, API_CALL_MAX);
    sres.status = 200;
    if (rc == YY_OK) {
        sub.route = sub.match.route;
        rc = sub.route->fn(&sub, &sres);
    }
    if (rc != YY_OK) {
        req->err = sub.err;
        if (req->err.kind != rc || !req->err.code)
            yy_fail(&req->err, rc, NULL, NULL, NULL);
        buf_release(&sres.body);
        return rc;
    }
    if (set_cookie) {
        *set_cookie = NULL;
        for (size_t i = 0; i < sres.n_headers; i++)
            if (!strcasecmp(sres.header_names[i], "Set-Cookie"))
                *set_cookie = sres.header_values[i];
    }
    *status = sres.status;
    json_error_t jerr;
    *out = sres.body.len ? json_loadb(sres.body.data, sres.body.len, 0, &jerr) : json_object();
    buf_release(&sres.body);
    if (!*out)
        return yy_fail(&req->err, YY_INTERNAL, NULL, NULL, NULL);
    return YY_OK;
}

void web_label_timeline(json_t *timeline, const char *(*label)(const char *action))
{
    size_t i;
    json_t *ev;
    json_array_foreach(timeline, i, ev)
    {
        const char *a = json_string_value(json_object_get(ev, "action"));
        if (a) {
            const char *l = label(a);
            json_object_set_new(ev, "label", json_string(l ? l : a));
        }
    }
}

enum yy_err web_path_int(struct request *req, const char *name, int64_t *out)
{
    const char *s = request_param(req, name);
    if (!s || !parse_int64(s, 1, INT64_MAX, out))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    return YY_OK;
}

enum yy_err web_api_page(struct request *req, const char *path, json_t **out)
{
    const char *cursor = kvlist_get(&req->query, "cursor");
    if (cursor) {
        if (*cursor && !web_token_chars(cursor, SIZE_MAX))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "分页参数无效", "cursor");
        path = arena_printf(req->arena, "%s&cursor=%s", path, cursor);
    }
    int st;
    STORE(web_api_call(req, "GET", path, NULL, &st, out, NULL));
    web_times(*out);
    return YY_OK;
}

json_t *web_form_fields(const struct kvlist *in, const char *const *names,
                        const struct yy_error *err, bool *placed)
{
    json_t *f = json_object();
    for (size_t i = 0; names[i]; i++) {
        const char *v = in ? kvlist_get(in, names[i]) : NULL;
        json_t *o = json_pack("{s:s}", "value", v ? v : "");
        if (err && err->field && !strcmp(err->field, names[i])) {
            json_object_set_new(o, "error", json_string(err->message ? err->message : "请检查"));
            *placed = true;
        }
        json_object_set_new(f, names[i], o);
    }
    return f;
}

bool web_token_chars(const char *s, size_t max)
{
    if (!s || !*s || strlen(s) > max)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

bool web_token_shaped(const char *t)
{
    return t && strlen(t) == TOKEN_LEN && web_token_chars(t, TOKEN_LEN);
}

enum yy_err web_form_result(struct request *req, const char **result)
{
    const char *token = request_param(req, "token");
    if (!web_token_shaped(token))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    enum yy_err rc = store_webform_get(api_app(req)->db, req->arena, hash, result, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的页面不存在", NULL);
    return rc;
}

void web_times(json_t *v)
{
    const char *key;
    json_t *val;
    size_t i;
    if (json_is_array(v)) {
        json_array_foreach(v, i, val) web_times(val);
        return;
    }
    if (!json_is_object(v))
        return;
    json_object_foreach(v, key, val)
    {
        size_t kl = strlen(key);
        bool is_time = !strcmp(key, "at") || (kl > 3 && !strcmp(key + kl - 3, "_at"));
        if (is_time && json_is_string(val) && json_string_length(val) >= 16) {
            const char *s = json_string_value(val);
            char text[17];
            memcpy(text, s, 16);
            text[10] = ' ';
            text[16] = '\0';
            json_string_set(val, text);
        } else {
            web_times(val);
        }
    }
}

/* ---- start-up ------------------------------------------------------------------ */

enum yy_err web_routes(struct router *r)
{
    if (!templates) {
        /* every template (the areas add theirs): none may be left out */
        struct tmpl_source *src =
            calloc(web_templates_count ? web_templates_count : 1, sizeof(*src));
        if (!src)
            return YY_NOMEM;
        size_t n = 0;
        for (unsigned long i = 0; i < web_templates_count; i++) {
            const struct embedded_file *f = &web_templates[i];
            const char *dot = strrchr(f->name, '.');
            size_t nl = dot ? (size_t)(dot - f->name) : strlen(f->name);
            char *name = strndup(f->name, nl);
            if (!name)
                break;
            src[n++] = (struct tmpl_source){.name = name, .text = f->data, .len = f->len};
        }
        char err[256];
        templates = n == web_templates_count ? tmpl_compile(src, n, err, sizeof(err)) : NULL;
        if (n != web_templates_count)
            snprintf(err, sizeof(err), "out of memory");
        for (size_t i = 0; i < n; i++)
            free((char *)src[i].name);
        free(src);
        if (!templates) {
            fprintf(stderr, "youyue: template %s\n", err);
            return YY_INTERNAL;
        }
        css_url = asset_url("site.css");
        js_url = asset_url("site.js");
    }
    enum yy_err rc;
    if ((rc = router_add(r, "GET", "/static/{name}", get_static, 0)) != YY_OK ||
        (rc = web_session_routes(r)) != YY_OK)
        return rc;
    if ((rc = web_staff_routes(r)) != YY_OK)
        return rc;
    if ((rc = web_unit_routes(r)) != YY_OK)
        return rc;
    if ((rc = web_deputy_routes(r)) != YY_OK)
        return rc;
    if ((rc = web_public_routes(r)) != YY_OK)
        return rc;
    if ((rc = web_events_routes(r)) != YY_OK)
        return rc;
    if ((rc = web_records_routes(r)) != YY_OK)
        return rc;
    return web_resident_routes(r);
}

void web_release(void)
{
    tmpl_free(templates);
    templates = NULL;
}
