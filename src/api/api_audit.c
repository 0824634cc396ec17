/* api_audit.c - GET /api/v1/audit: the audit trail, for the office (admin).
 * ?entity=station&id=5 narrows it to one record; oldest first, paginated. */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "store/audit.h"

static enum yy_err get_audit(struct request *req, struct response *res)
{
    enum yy_err rc = api_require_role(req, ROLE_ADMIN);
    if (rc != YY_OK)
        return rc;
    struct page pg;
    int64_t id = 0;
    if ((rc = api_page(req, &pg)) != YY_OK ||
        (rc = query_int(req, "id", 1, INT64_MAX, &id, NULL)) != YY_OK)
        return rc;
    const char *entity = kvlist_get(&req->query, "entity");
    if (entity && *entity) {
        size_t n = strlen(entity);
        bool ok = n <= 32;
        for (size_t i = 0; ok && i < n; i++)
            ok = (entity[i] >= 'a' && entity[i] <= 'z') || entity[i] == '_';
        if (!ok)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "entity 不正确",
                           "entity");
    } else {
        entity = NULL;
        if (id)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                           "指定 id 时须同时指定 entity", "id");
    }
    struct audit_entry *items;
    size_t n;
    rc = audit_list(api_app(req)->db, req->arena, entity, id, pg.after, pg.limit + 1, &items, &n,
                    &req->err);
    if (rc != YY_OK)
        return rc;
    size_t shown = n > pg.limit ? pg.limit : n;
    json_t *arr = json_array();
    for (size_t i = 0; i < shown; i++) {
        const struct audit_entry *en = &items[i];
        json_error_t jerr;
        json_t *detail = json_loads(en->detail, 0, &jerr);
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:I, s:o, s:s}", "id",
                           (json_int_t)en->id, "at", json_time(en->at), "actor_user_id",
                           en->actor_user_id ? json_integer(en->actor_user_id) : json_null(),
                           "actor_role", en->actor_role, "action", en->action, "entity",
                           en->entity, "entity_id", (json_int_t)en->entity_id, "detail",
                           detail ? detail : json_string(en->detail), "hash", en->hash));
    }
    return api_reply(res, 200,
                     api_list(arr, n > pg.limit ? api_cursor(req, items[shown - 1].id) : NULL));
}

enum yy_err api_audit_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/audit", get_audit, 0);
}
