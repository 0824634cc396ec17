/* web_session.c - logging in and out from a page (/login, /logout), through
 * the API's session routes in-process: the same cookie, the same throttling,
 * the same CSRF token (which the pages then carry in their forms). */
#include <string.h>

#include "api/api.h"
#include "web/web.h"

/* Where to go after logging in when the form says: a local path only,
 * starting with a single "/" (no "//host", no "/\\host", no scheme), without
 * control characters (browsers drop tabs and newlines from URLs, which could
 * turn "/\t/host" into "//host").  NULL otherwise: then the role's home. */
static const char *local_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return NULL;
    for (const unsigned char *c = (const unsigned char *)next; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return NULL;
    return next;
}

/* The home page of the user in the session answer's "user" (its roles). */
static const char *home_of(struct request *req, json_t *user)
{
    json_t *roles = json_object_get(user, "roles"), *g;
    size_t n = json_array_size(roles), i;
    struct user u = {.login = "",
                     .roles = arena_calloc(req->arena, n ? n : 1, sizeof(struct role_grant))};
    if (!u.roles)
        return "/";
    json_array_foreach(roles, i, g)
    {
        enum role r;
        if (role_from_name(json_string_value(json_object_get(g, "role")), &r))
            u.roles[u.n_roles++] = (struct role_grant){.role = r};
    }
    return web_home(req, &u);
}

static json_t *login_data(const char *login, const char *next, const char *error, const char *field)
{
    json_t *f = json_pack("{s:{s:s}, s:{}}", "login", "value", login ? login : "", "password");
    if (error && field && json_object_get(f, field)) {
        json_object_set_new(json_object_get(f, field), "error", json_string(error));
        error = NULL; /* beside its field, not twice */
    }
    const char *safe = local_next(next);
    return json_pack("{s:s, s:o, s:s, s:s?}", "title", "登录", "f", f, "next", safe ? safe : "",
                     "error", error);
}

static enum yy_err get_login(struct request *req, struct response *res)
{
    return web_page(req, res, 200, "login",
                    login_data(NULL, kvlist_get(&req->query, "next"), NULL, NULL));
}

static enum yy_err post_login(struct request *req, struct response *res)
{
    struct kvlist form;
    enum yy_err rc = web_form(req, &form);
    if (rc != YY_OK)
        return rc;
    const char *login = kvlist_get(&form, "login");
    const char *password = kvlist_get(&form, "password");
    const char *next = kvlist_get(&form, "next");
    if (!login || !*login)
        return web_page(req, res, 400, "login", login_data(login, next, "请输入登录名", "login"));
    if (!password || !*password)
        return web_page(req, res, 400, "login", login_data(login, next, "请输入密码", "password"));
    int status;
    json_t *out;
    const char *cookie = NULL;
    rc = web_api_call(req, "POST", "/api/v1/session",
                      json_pack("{s:s, s:s}", "login", login, "password", password), &status, &out,
                      &cookie);
    if (rc == YY_UNAUTHORIZED || rc == YY_BAD_INPUT || rc == YY_THROTTLED) {
        int code = rc == YY_THROTTLED ? 429 : rc == YY_UNAUTHORIZED ? 401 : 400;
        return web_page(
            req, res, code, "login",
            login_data(login, next, req->err.message,
                       rc == YY_BAD_INPUT && req->err.field ? req->err.field : "password"));
    }
    if (rc != YY_OK)
        return rc;
    const char *to = local_next(next);
    if (!to)
        to = home_of(req, json_object_get(out, "user"));
    json_decref(out);
    if (cookie)
        response_header(res, "Set-Cookie", cookie);
    return web_redirect(req, res, to);
}

static enum yy_err post_logout(struct request *req, struct response *res)
{
    int status;
    json_t *out;
    const char *cookie = NULL;
    enum yy_err rc = web_api_call(req, "DELETE", "/api/v1/session", NULL, &status, &out, &cookie);
    if (rc != YY_OK)
        return rc;
    json_decref(out);
    if (cookie)
        response_header(res, "Set-Cookie", cookie);
    return web_redirect(req, res, "/");
}

enum yy_err web_session_routes(struct router *r)
{
    enum yy_err rc;
    if ((rc = router_add(r, "GET", "/login", get_login, 0)) != YY_OK ||
        (rc = router_add(r, "POST", "/login", post_login, 0)) != YY_OK)
        return rc;
    return router_add(r, "POST", "/logout", post_logout, 0);
}
