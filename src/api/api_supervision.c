/* api_supervision.c - GET /api/v1/supervision: the open duties (督办) that
 * are due soon or overdue now, with their working days left, as the
 * supervision sweep (store/remind.c) sees them: the same queries and the
 * same rules (domain/supervision.h), so the board and the reminders agree.
 *
 * Who sees what:
 *   - admin and leaders: every duty;
 *   - street staff: the on-site commitments of concerns in their street
 *     (suggestions have no street);
 *   - unit staff: the duties of their unit (replies, co-opinions,
 *     re-handling, on-site commitments, term-end explanations);
 *   - anyone else: 403 (401 without a login).
 * Filters: state=overdue|due_soon, unit=ID, street=ID (concerns of that
 * street only), key=true|false; the caller's scope always applies.
 * Paginated by position in the list (soonest due first).
 */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "store/remind.h"

struct scope {
    bool all;
    int64_t *streets, *units;
    size_t n_streets, n_units;
};

static enum yy_err scope_of(struct request *req, struct scope *s)
{
    const struct caller *c = api_caller(req);
    memset(s, 0, sizeof(*s));
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const struct user *u = &c->user;
    s->streets = arena_calloc(req->arena, u->n_roles + 1, sizeof(int64_t));
    s->units = arena_calloc(req->arena, u->n_roles + 1, sizeof(int64_t));
    for (size_t i = 0; i < u->n_roles; i++) {
        switch (u->roles[i].role) {
        case ROLE_ADMIN:
        case ROLE_LEADER:
            s->all = true;
            break;
        case ROLE_STREET_STAFF:
            s->streets[s->n_streets++] = u->roles[i].scope_id;
            break;
        case ROLE_UNIT_STAFF:
            s->units[s->n_units++] = u->roles[i].scope_id;
            break;
        default:
            break;
        }
    }
    if (!s->all && !s->n_streets && !s->n_units)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限执行此操作", NULL);
    return YY_OK;
}

static bool in_ids(const int64_t *v, size_t n, int64_t id)
{
    for (size_t i = 0; id && i < n; i++)
        if (v[i] == id)
            return true;
    return false;
}

static bool in_scope(const struct scope *s, const struct duty *d)
{
    return s->all || in_ids(s->units, s->n_units, d->unit_id) ||
           (d->concern_id && in_ids(s->streets, s->n_streets, d->street_id));
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *duty_json(const struct duty *d)
{
    int64_t y;
    unsigned m, day;
    time_civil_from_days(d->as.due_day, &y, &m, &day);
    char due_day[32];
    snprintf(due_day, sizeof(due_day), "%04lld-%02u-%02u", (long long)y, m, day);
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:s, s:b, s:o, s:o, s:o, s:o, s:s,"
                     " s:i, s:I, s:b}",
                     "item", sv_item_name(d->what), "item_label", sv_item_label_zh(d->what),
                     "state", sv_state_kind(d->as.state), "entity", d->entity, "entity_id",
                     (json_int_t)d->entity_id, "suggestion_id", id_or_null(d->suggestion_id),
                     "concern_id", id_or_null(d->concern_id), "title", d->title ? d->title : "",
                     "key", d->key, "unit_id", id_or_null(d->unit_id), "unit_name",
                     d->unit_name ? json_string(d->unit_name) : json_null(), "street_id",
                     id_or_null(d->street_id), "due_at", json_time(d->due_at), "due_day",
                     due_day, "working_days_left", d->working_days_left, "days_overdue",
                     (json_int_t)d->as.days_overdue, "provisional", d->as.provisional);
}

static enum yy_err get_supervision(struct request *req, struct response *res)
{
    static const struct calendar none; /* no year known: weekends only, all provisional */
    struct scope sc;
    struct page pg;
    enum yy_err rc = scope_of(req, &sc);
    if (rc != YY_OK || (rc = api_page(req, &pg)) != YY_OK)
        return rc;
    const char *state = NULL;
    if ((rc = query_text(req, "state", 16, &state)) != YY_OK)
        return rc;
    enum sv_state want = SV_OPEN; /* both */
    if (state && !strcmp(state, "overdue"))
        want = SV_OVERDUE;
    else if (state && !strcmp(state, "due_soon"))
        want = SV_DUE_SOON;
    else if (state)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                       "state 须为 overdue 或 due_soon", "state");
    int64_t unit = 0, street = 0;
    if ((rc = query_int(req, "unit", 1, INT64_MAX, &unit, NULL)) != YY_OK ||
        (rc = query_int(req, "street", 1, INT64_MAX, &street, NULL)) != YY_OK)
        return rc;
    const char *key = NULL;
    if ((rc = query_text(req, "key", 8, &key)) != YY_OK)
        return rc;
    if (key && strcmp(key, "true") && strcmp(key, "false"))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "key 须为 true 或 false",
                       "key");

    const struct calendar *cal = api_app(req)->calendar ? api_app(req)->calendar : &none;
    struct duty *v;
    size_t n;
    int due_soon_days;
    if ((rc = store_supervision_duties(api_app(req)->db, req->arena, cal, time_now(), &v, &n,
                                       &due_soon_days, &req->err)) != YY_OK)
        return rc;
    json_t *arr = json_array();
    int64_t pos = 0; /* position among the matching duties */
    const char *next = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct duty *d = &v[i];
        if (!in_scope(&sc, d) || (want != SV_OPEN && d->as.state != want) ||
            (unit && d->unit_id != unit) || (street && (!d->concern_id || d->street_id != street)) ||
            (key && d->key != !strcmp(key, "true")))
            continue;
        pos++;
        if (pos <= pg.after)
            continue;
        if (json_array_size(arr) == pg.limit) {
            next = api_cursor(req, pos - 1);
            break;
        }
        json_array_append_new(arr, duty_json(d));
    }
    json_t *out = api_list(arr, next);
    json_object_set_new(out, "due_soon_working_days", json_integer(due_soon_days));
    return api_reply(res, 200, out);
}

enum yy_err api_supervision_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/supervision", get_supervision, 0);
}
