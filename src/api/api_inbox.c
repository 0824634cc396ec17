/* api_inbox.c - GET /api/v1/inbox and POST /api/v1/inbox/{id}/read: the
 * caller's reminders (催办: overdue, due soon) and notices (new assignment,
 * reply received, ...), newest first.  Which inboxes a login reads follows
 * from its roles: its own (user), its units' (unit_staff), its deputies'
 * (deputy) and the office's (admin); see store/remind.h. */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "store/remind.h"

/* The inboxes the caller reads; YY_UNAUTHORIZED without a login. */
static enum yy_err caller_owners(struct request *req, struct inbox_owner *owners, size_t *n)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    *n = 0;
    owners[(*n)++] = (struct inbox_owner){"user", c->user.id};
    for (size_t i = 0; i < c->user.n_roles && *n < INBOX_MAX_OWNERS; i++) {
        const struct role_grant *g = &c->user.roles[i];
        struct inbox_owner o;
        if (g->role == ROLE_ADMIN)
            o = (struct inbox_owner){"office", 0};
        else if (g->role == ROLE_UNIT_STAFF)
            o = (struct inbox_owner){"unit", g->scope_id};
        else if (g->role == ROLE_DEPUTY)
            o = (struct inbox_owner){"deputy", g->scope_id};
        else
            continue;
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = !strcmp(owners[j].kind, o.kind) && owners[j].id == o.id;
        if (!seen)
            owners[(*n)++] = o;
    }
    return YY_OK;
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *time_or_null(int64_t t)
{
    return t ? json_time(t) : json_null();
}

static json_t *reminder_json(const struct reminder *r)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:o, s:s, s:o, s:o, s:b, s:o, s:s, s:I}", "id",
                     (json_int_t)r->id, "kind", r->kind, "entity", r->entity, "entity_id",
                     (json_int_t)r->entity_id, "suggestion_id", id_or_null(r->suggestion_id),
                     "message", r->message, "due_at", time_or_null(r->due_at), "created_at",
                     json_time(r->created_at), "read", r->read_at != 0, "read_at",
                     time_or_null(r->read_at), "recipient_kind", r->recipient_kind, "recipient_id",
                     (json_int_t)r->recipient_id);
}

static enum yy_err get_inbox(struct request *req, struct response *res)
{
    struct inbox_owner owners[INBOX_MAX_OWNERS];
    size_t n_owners;
    struct page pg;
    enum yy_err rc = caller_owners(req, owners, &n_owners);
    if (rc != YY_OK || (rc = api_page(req, &pg)) != YY_OK)
        return rc;
    struct reminder *items;
    size_t n;
    rc = store_inbox_list(api_app(req)->db, req->arena, owners, n_owners, pg.after, pg.limit + 1,
                          &items, &n, &req->err);
    if (rc != YY_OK)
        return rc;
    size_t shown = n > pg.limit ? pg.limit : n;
    json_t *arr = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(arr, reminder_json(&items[i]));
    return api_reply(res, 200,
                     api_list(arr, n > pg.limit ? api_cursor(req, items[shown - 1].id) : NULL));
}

static enum yy_err post_read(struct request *req, struct response *res)
{
    struct inbox_owner owners[INBOX_MAX_OWNERS];
    size_t n_owners;
    int64_t id;
    enum yy_err rc = caller_owners(req, owners, &n_owners);
    if (rc != YY_OK || (rc = path_id(req, &id)) != YY_OK)
        return rc;
    struct reminder r;
    rc = store_inbox_mark_read(api_app(req)->db, req->arena, owners, n_owners, id, time_now(), &r,
                               &req->err);
    if (rc != YY_OK)
        return rc;
    return api_reply(res, 200, reminder_json(&r));
}

enum yy_err api_inbox_routes(struct router *r)
{
    enum yy_err rc = router_add(r, "GET", "/api/v1/inbox", get_inbox, 0);
    if (rc == YY_OK)
        rc = router_add(r, "POST", "/api/v1/inbox/{id}/read", post_read, 0);
    return rc;
}
