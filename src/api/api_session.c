/* api_session.c - logging in and out, bearer tokens (CONTRACT.md "Sessions").
 *
 * Login throttling: failures are counted per login name and per client
 * address over 15 minutes; past the limit every attempt (even a right
 * password) answers 429 until the window ends, so guessing stays slow. */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "store/store.h"

json_t *api_user_json(const struct user *u);

json_t *api_user_json(const struct user *u)
{
    json_t *roles = json_array();
    for (size_t i = 0; i < u->n_roles; i++) {
        json_t *g = json_pack("{s:s, s:s}", "role", role_name(u->roles[i].role), "label",
                              role_label_zh(u->roles[i].role));
        if (role_needs_scope(u->roles[i].role))
            json_object_set_new(g, "scope_id", json_integer(u->roles[i].scope_id));
        else
            json_object_set_new(g, "scope_id", json_null());
        json_array_append_new(roles, g);
    }
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)u->id, "login", u->login, "name",
                     u->name ? u->name : "", "roles", roles);
}

static enum yy_err post_session(struct request *req, struct response *res)
{
    struct app *app = api_app(req);
    json_t *body;
    enum yy_err rc = api_body_object(req, &body);
    if (rc != YY_OK)
        return rc;
    static const char *const fields[] = {"login", "password", NULL};
    const char *login = NULL, *password = NULL;
    if ((rc = json_only_fields(body, fields, &req->err)) != YY_OK ||
        (rc = json_get_text(req, body, "login", true, 64, false, &login, NULL)) != YY_OK) {
        json_decref(body);
        return rc;
    }
    json_t *pw = json_object_get(body, "password");
    if (!json_is_string(pw) || json_string_length(pw) == 0) {
        json_decref(body);
        return yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "请输入密码", "password");
    }
    password = arena_strdup(req->arena, json_string_value(pw));
    json_decref(body);

    int64_t now = time_now();
    const char *login_key = arena_printf(req->arena, "l:%s", login);
    if (!throttle_allowed(app->login_by_login, login_key, now) ||
        !throttle_allowed(app->login_by_addr, req->client, now))
        return yy_fail(&req->err, YY_THROTTLED, "too_many_attempts",
                       "登录失败次数过多,请15分钟后再试", NULL);

    struct user u;
    memset(&u, 0, sizeof(u));
    struct yy_error e;
    rc = store_user_by_login(app->db, req->arena, login, &u, &e);
    if (rc != YY_OK && rc != YY_NOT_FOUND)
        return yy_fail(&req->err, rc, e.code, e.message, NULL);
    bool ok = password_verify(rc == YY_OK ? u.password_hash : NULL, password) && !u.disabled;
    if (!ok) {
        throttle_hit(app->login_by_login, login_key, now);
        throttle_hit(app->login_by_addr, req->client, now);
        return yy_fail(&req->err, YY_UNAUTHORIZED, "invalid_credentials", "登录名或密码不正确",
                       NULL);
    }
    throttle_reset(app->login_by_login, login_key);

    char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1], csrf[TOKEN_LEN + 1];
    token_new(token);
    token_new(csrf);
    token_hash(token, hash);
    rc = store_session_add(app->db, hash, u.id, csrf, now + app->session_ttl, &req->err);
    if (rc != YY_OK)
        return rc;
    response_header(res, "Set-Cookie",
                    arena_printf(req->arena,
                                 "youyue_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s",
                                 token, (long long)app->session_ttl,
                                 req->https ? "; Secure" : ""));
    response_header(res, "Cache-Control", "no-store");
    return api_reply(res, 200,
                     json_pack("{s:o, s:s}", "user", api_user_json(&u), "csrf_token", csrf));
}

static enum yy_err get_session(struct request *req, struct response *res)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    json_t *out = json_pack("{s:o}", "user", api_user_json(&c->user));
    if (c->via == AUTH_SESSION)
        json_object_set_new(out, "csrf_token", json_string(c->csrf));
    response_header(res, "Cache-Control", "no-store");
    return api_reply(res, 200, out);
}

static enum yy_err delete_session(struct request *req, struct response *res)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_SESSION) {
        enum yy_err rc = store_session_delete(api_app(req)->db, c->session_hash, &req->err);
        if (rc != YY_OK)
            return rc;
    }
    response_header(res, "Set-Cookie",
                    "youyue_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    return api_reply(res, 200, json_pack("{s:b}", "logged_out", 1));
}

static enum yy_err post_token(struct request *req, struct response *res)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    struct app *app = api_app(req);
    char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
    token_new(token);
    token_hash(token, hash);
    int64_t expires = time_now() + app->token_ttl;
    enum yy_err rc = store_token_add(app->db, hash, c->user.id, expires, &req->err);
    if (rc != YY_OK)
        return rc;
    response_header(res, "Cache-Control", "no-store");
    return api_reply(res, 201,
                     json_pack("{s:s, s:o}", "token", token, "expires_at", json_time(expires)));
}

enum yy_err api_session_routes(struct router *r)
{
    enum yy_err rc;
    if ((rc = router_add(r, "POST", "/api/v1/session", post_session, 0)) != YY_OK ||
        (rc = router_add(r, "GET", "/api/v1/session", get_session, 0)) != YY_OK ||
        (rc = router_add(r, "DELETE", "/api/v1/session", delete_session, 0)) != YY_OK)
        return rc;
    return router_add(r, "POST", "/api/v1/tokens", post_token, 0);
}
