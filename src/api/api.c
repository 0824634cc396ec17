/* api.c - the application context, the route table, identity and CSRF, the
 * error body of the contract, and the operational endpoints (/healthz,
 * /metrics, the OpenAPI document). */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/cache.h"
#include "api/jsonio.h"
#include "api/ttl_cache.h"
#include "core/timeutil.h"
#include "http/metrics.h"
#include "store/audit.h"
#include "store/store.h"
#include "web/qr.h"
#include "web/web.h"

extern const char openapi_json[];
extern const unsigned long openapi_json_len;

#define LOGIN_FAILURES_PER_LOGIN 5
#define LOGIN_FAILURES_PER_ADDR 20
#define LOGIN_WINDOW_SECS (15 * 60)

static const struct caller anonymous = {.via = AUTH_NONE};

const struct caller *api_caller(const struct request *req)
{
    return req->user ? req->user : &anonymous;
}

struct app *api_app(const struct request *req)
{
    return req->app;
}

enum yy_err api_require_role(struct request *req, enum role r)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    if (!user_has_role(&c->user, r))
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限执行此操作", NULL);
    return YY_OK;
}

static bool is_unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

enum yy_err api_before(struct request *req)
{
    struct app *app = req->app;
    struct caller *c = arena_alloc(req->arena, sizeof(*c));
    c->via = AUTH_NONE;
    req->user = c;
    int64_t now = time_now();

    const char *authz = request_header(req, "Authorization");
    if (authz && !strncasecmp(authz, "Bearer", 6) && (authz[6] == ' ' || authz[6] == '\0')) {
        char hash[TOKEN_HASH_LEN + 1];
        int64_t uid;
        const char *tok = authz + 6;
        while (*tok == ' ')
            tok++;
        if (!*tok || strlen(tok) > 64)
            return yy_fail(&req->err, YY_UNAUTHORIZED, "invalid_token", "访问令牌无效或已过期",
                           NULL);
        token_hash(tok, hash);
        if (store_token_get(app->db, hash, now, &uid, NULL) != YY_OK ||
            store_user_get(app->db, req->arena, uid, &c->user, NULL) != YY_OK)
            return yy_fail(&req->err, YY_UNAUTHORIZED, "invalid_token", "访问令牌无效或已过期",
                           NULL);
        c->via = AUTH_BEARER;
    } else {
        const char *cookie = kvlist_get(&req->cookies, "youyue_session");
        if (cookie && *cookie && strlen(cookie) <= 64) {
            char hash[TOKEN_HASH_LEN + 1];
            int64_t uid;
            const char *csrf;
            token_hash(cookie, hash);
            if (store_session_get(app->db, req->arena, hash, now, &uid, &csrf, NULL) == YY_OK &&
                store_user_get(app->db, req->arena, uid, &c->user, NULL) == YY_OK) {
                c->via = AUTH_SESSION;
                c->session_hash = arena_strdup(req->arena, hash);
                c->csrf = csrf;
            }
        }
    }

    if (!is_unsafe(req->method))
        return YY_OK;
    if (c->via == AUTH_SESSION) {
        const char *sent = request_header(req, "X-CSRF-Token");
        if (!sent && web_is_page_path(req->path)) /* a page's form: the hidden field */
            sent = web_form_csrf(req);
        if (!token_equal(sent, c->csrf))
            return yy_fail(&req->err, YY_FORBIDDEN, "csrf_failed",
                           "安全校验失败,请刷新页面后重试", NULL);
    } else if (c->via == AUTH_NONE && app->anon_writes) {
        if (!throttle_hit(app->anon_writes, req->client, now))
            return yy_fail(&req->err, YY_THROTTLED, "too_many_requests",
                           "提交过于频繁,请稍后再试", NULL);
    }
    return YY_OK;
}

void api_render_error(struct request *req, struct response *res, const struct yy_error *err,
                      const char *allow)
{
    if (web_is_page_path(req->path)) { /* pages get an HTML error page in Chinese */
        web_render_error(req, res, err);
        return;
    }
    json_t *body = json_pack("{s:s, s:s, s:s?}", "code", err->code, "message", err->message,
                             "field", err->field);
    if (!body)
        body = json_pack("{s:s, s:s, s:n}", "code", "internal_error", "message", "服务器内部错误",
                         "field");
    if (err->allowed) {
        json_t *allowed = json_array();
        for (size_t i = 0; i < err->n_allowed; i++)
            json_array_append_new(allowed, json_string(err->allowed[i]));
        json_object_set_new(body, "allowed", allowed);
    }
    (void)req;
    (void)allow;
    int status = res->status;
    api_reply(res, status, json_pack("{s:o}", "error", body));
}

enum yy_err api_audit(struct request *req, const char *as, const char *action,
                      const char *entity, int64_t entity_id, json_t *detail)
{
    const struct caller *c = api_caller(req);
    struct audit_who who = {.user_id = c->via == AUTH_NONE ? 0 : c->user.id,
                            .role = c->via == AUTH_NONE ? "anonymous" : as};
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    const char *copy = arena_strdup(req->arena, text ? text : "{}");
    free(text);
    return audit_append(api_app(req)->db, &who, action, entity, entity_id, copy, &req->err);
}

/* ---- operational endpoints --------------------------------------------------- */

static enum yy_err get_healthz(struct request *req, struct response *res)
{
    struct yy_error e;
    enum yy_err rc = db_exec(api_app(req)->db, "SELECT 1", &e);
    if (rc != YY_OK)
        return yy_fail(&req->err, YY_UNAVAILABLE, "database_unavailable", "数据库不可用", NULL);
    return api_reply(res, 200, json_pack("{s:s}", "status", "ok"));
}

static enum yy_err get_metrics(struct request *req, struct response *res)
{
    (void)req;
    res->status = 200;
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_render(&res->body);
    return YY_OK;
}

static enum yy_err get_openapi(struct request *req, struct response *res)
{
    (void)req;
    res->status = 200;
    res->content_type = "application/json; charset=utf-8";
    return buf_append(&res->body, openapi_json, openapi_json_len);
}

int app_init(struct app *app, struct db *db, unsigned anon_rate)
{
    memset(app, 0, sizeof(*app));
    app->db = db;
    app->anon_rate = anon_rate;
    app->session_ttl = 14 * 24 * 3600;
    app->token_ttl = 365 * 24 * 3600;
    app->login_by_login = throttle_new(LOGIN_FAILURES_PER_LOGIN, LOGIN_WINDOW_SECS);
    app->login_by_addr = throttle_new(LOGIN_FAILURES_PER_ADDR, LOGIN_WINDOW_SECS);
    if (anon_rate)
        app->anon_writes = throttle_new(anon_rate, 60);
    app->cache = cache_new(CACHE_MAX_ENTRIES, CACHE_MAX_BYTES);
    if (!app->login_by_login || !app->login_by_addr || (anon_rate && !app->anon_writes) ||
        !app->cache)
        return -1;
    router_init(&app->router);
    struct router *r = &app->router;
    if (router_add(r, "GET", "/healthz", get_healthz, 0) != YY_OK ||
        router_add(r, "GET", "/metrics", get_metrics, 0) != YY_OK ||
        router_add(r, "GET", "/api/v1/openapi.json", get_openapi, 0) != YY_OK ||
        api_session_routes(r) != YY_OK || api_registry_routes(r) != YY_OK ||
        api_audit_routes(r) != YY_OK || api_concerns_routes(r) != YY_OK ||
        api_inbox_routes(r) != YY_OK || api_supervision_routes(r) != YY_OK ||
        api_lists_routes(r) != YY_OK || api_stats_routes(r) != YY_OK ||
        api_suggestions_routes(r) != YY_OK || api_activities_routes(r) != YY_OK ||
        api_receptions_routes(r) != YY_OK ||
        api_record_routes(r) != YY_OK ||
        api_ical_routes(r) != YY_OK || web_qr_routes(r) != YY_OK ||
        web_routes(r) != YY_OK)
        return -1;
    return 0;
}

void app_release(struct app *app)
{
    router_release(&app->router);
    throttle_free(app->login_by_login);
    throttle_free(app->login_by_addr);
    throttle_free(app->anon_writes);
    cache_free(app->cache);
    web_release();
    ttl_cache_free(app->stats_cache);
}
