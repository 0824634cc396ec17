/* web.c - the machinery of the pages (web.h): the template set compiled at
 * start-up, the layout, the security headers, the HTML error page, static
 * assets, forms, the response cache for anonymous pages and in-process calls
 * of the API's routes. */
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/cache.h"
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

/* ---- rendering --------------------------------------------------------------- */

static void add_common(struct request *req, json_t *data)
{
    const struct caller *c = api_caller(req);
    json_object_set_new(data, "site", json_pack("{s:s, s:s}", "css", css_url, "js", js_url));
    if (c->via != AUTH_NONE) {
        json_object_set_new(
            data, "me",
            json_pack("{s:s, s:s}", "login", c->user.login, "name",
                      c->user.name && *c->user.name ? c->user.name : c->user.login));
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
    json_t *data = json_pack("{s:s, s:s, s:i, s:s, s:s?, s:b}", "title", heading, "heading",
                             heading, "status", status, "message", message, "code",
                             err ? err->code : NULL, "login", status == 401);
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
        struct tmpl_source src[64] = {{0}};
        size_t n = 0;
        for (unsigned long i = 0; i < web_templates_count && n < 64; i++) {
            const struct embedded_file *f = &web_templates[i];
            const char *dot = strrchr(f->name, '.');
            size_t nl = dot ? (size_t)(dot - f->name) : strlen(f->name);
            char *name = strndup(f->name, nl);
            if (!name)
                return YY_NOMEM;
            src[n++] = (struct tmpl_source){.name = name, .text = f->data, .len = f->len};
        }
        char err[256];
        templates = tmpl_compile(src, n, err, sizeof(err));
        for (size_t i = 0; i < n; i++)
            free((char *)src[i].name);
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
    return web_resident_routes(r);
}

void web_release(void)
{
    tmpl_free(templates);
    templates = NULL;
}
