/* web_deputy.c - the deputies' pages under /deputy/ (docs/WEB.md "Pages",
 * DOMAIN.md §1): the home page (my stations, my duty days, my next
 * activities, what waits for me), the concerns at my stations with claim /
 * resolve / convert, drafting a suggestion (from my concerns, with
 * co-signers) and editing my draft, confirming or declining the drafts that
 * name me as co-signer (联名), my suggestions with submit, the evaluation of
 * a reply and withdrawal, and my work record (履职档案).
 *
 * Every page requires the deputy role (401 → the error page with a link to
 * /login, 403 for other roles).  Everything with rules goes through the
 * API's routes in-process (web_api_call), so a page shows exactly what the
 * API shows this deputy (contact details masked unless they claimed the
 * concern) and a form does exactly what the API call does.  Only the
 * registry (station and deputy names, the categories) is read from the
 * store directly.
 *
 * Double submits: creating a draft uses a one-time form token (web_forms);
 * an edit sent twice changes nothing the second time (the API records no
 * unchanged edit); every other action is a state transition the API refuses
 * the second time (409: cosign, decline_cosign too), which the page answers
 * with the same redirect as the first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/concern.h"
#include "domain/suggestion.h"
#include "store/concern.h"
#include "store/store.h"
#include "store/webform.h"
#include "web/web.h"

/* Items on the home page's lists. */
#define HOME_DAYS 5
#define HOME_ACTIVITIES 5
/* Concerns and suggestions read per list (the API's page limit). */
#define LIST_MAX 100

/* ---- the caller ------------------------------------------------------------------- */

/* The logged-in deputy's id: 401 without a login, 403 without the role. */
static enum yy_err me(struct request *req, int64_t *deputy_id)
{
    STORE(api_require_role(req, ROLE_DEPUTY));
    const struct user *u = &api_caller(req)->user;
    for (size_t i = 0; i < u->n_roles; i++)
        if (u->roles[i].role == ROLE_DEPUTY) {
            *deputy_id = u->roles[i].scope_id;
            return YY_OK;
        }
    return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "仅限人大代表使用", NULL);
}

static bool has_action(json_t *o, const char *name)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(o, "actions"), i,
                       a) if (json_is_string(a) && !strcmp(json_string_value(a), name)) return true;
    return false;
}

static const char *str_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static bool str_in(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return true;
    return false;
}

/* A station's name (the registry is public), "" when unknown. */
static const char *station_name(struct request *req, int64_t id)
{
    struct station s;
    struct yy_error ignore;
    if (id && store_station_get(api_app(req)->db, req->arena, id, &s, &ignore) == YY_OK)
        return s.name;
    return "";
}

/* "2027-01-11 09:00-11:00" from an item's starts_at / ends_at (RFC 3339). */
static const char *span_text(struct arena *a, json_t *o)
{
    const char *s = str_of(o, "starts_at"), *e = str_of(o, "ends_at");
    if (strlen(s) < 16 || strlen(e) < 16)
        return "";
    if (!strncmp(s, e, 10))
        return arena_printf(a, "%.10s %.5s-%.5s", s, s + 11, e + 11);
    return arena_printf(a, "%.10s %.5s 至 %.10s %.5s", s, s + 11, e, e + 11);
}

/* The current China calendar day as YYYY-MM-DD. */
static const char *today_text(struct arena *a)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days((time_now() + 8 * 3600) / 86400, &y, &m, &d);
    return arena_printf(a, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* GET path of the API as this caller; *out the answer (caller decrefs). */
static enum yy_err api_get(struct request *req, const char *path, json_t **out)
{
    int st;
    return web_api_call(req, "GET", path, NULL, &st, out, NULL);
}

/* ---- labels ------------------------------------------------------------------------- */

static const char *const rating_values[] = {"satisfied", "basically_satisfied", "dissatisfied",
                                            NULL};

static const char *rating_label(const char *v)
{
    return v ? concern_rating_label_zh(v) : "";
}

static json_t *rating_options(const char *chosen)
{
    json_t *a = json_array();
    for (size_t i = 0; rating_values[i]; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", rating_values[i], "label",
                                           rating_label(rating_values[i]), "checked",
                                           chosen && !strcmp(chosen, rating_values[i])));
    return a;
}

/* ---- the concerns I see ------------------------------------------------------------ */

static const char *const open_states[] = {"new", "accepted", "referred", NULL};

/* The concerns the API lets this deputy see (those at their stations and
 * those they claimed), newest first, at most LIST_MAX. */
static enum yy_err my_concerns(struct request *req, json_t **items)
{
    json_t *out;
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/concerns?limit=%d", LIST_MAX), &out));
    *items = json_incref(json_object_get(out, "items"));
    json_decref(out);
    web_times(*items);
    return YY_OK;
}

/* Whether the deputy claimed it: the API shows a deputy the contact details
 * in full exactly when they are among its claimers (docs/CONCERNS.md). */
static bool claimed_by_me(json_t *c)
{
    return json_is_false(json_object_get(c, "contact_masked"));
}

/* Open at a station of mine and not (yet) mine: what I may claim. */
static bool to_claim(json_t *c)
{
    const char *st = str_of(c, "status");
    return str_in(st, open_states) || (!strcmp(st, "claimed") && !claimed_by_me(c));
}

/* Mine and still in my hands (claimed), or turned into a suggestion. */
static bool mine_open(json_t *c)
{
    const char *st = str_of(c, "status");
    return claimed_by_me(c) && (!strcmp(st, "claimed") || !strcmp(st, "converted"));
}

/* ---- home ------------------------------------------------------------------------ */

static enum yy_err get_home(struct request *req, struct response *res)
{
    int64_t id;
    STORE(me(req, &id));
    struct deputy d;
    STORE(store_deputy_get(api_app(req)->db, req->arena, id, &d, &req->err));
    json_t *stations = json_array();
    for (size_t i = 0; i < d.n_station_ids; i++)
        json_array_append_new(stations, json_pack("{s:I, s:s}", "id", (json_int_t)d.station_ids[i],
                                                  "name", station_name(req, d.station_ids[i])));
    json_t *data =
        json_pack("{s:s, s:s, s:o}", "title", "代表工作台", "name", d.name, "stations", stations);

    json_t *out;
    STORE(api_get(req,
                  arena_printf(req->arena, "/api/v1/deputies/%lld/reception-days?limit=%d",
                               (long long)id, HOME_DAYS),
                  &out));
    json_t *days = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        json_t *others = json_array();
        size_t k;
        json_t *dep;
        json_array_foreach(json_object_get(it, "deputies"), k,
                           dep) if (json_integer_value(json_object_get(dep, "id")) != id)
            json_array_append_new(others, json_string(str_of(dep, "name")));
        json_array_append_new(
            days,
            json_pack("{s:s, s:s, s:I, s:b, s:b, s:o}", "when", span_text(req->arena, it),
                      "station",
                      station_name(req, json_integer_value(json_object_get(it, "station_id"))),
                      "station_id", json_integer_value(json_object_get(it, "station_id")), "moved",
                      json_is_true(json_object_get(it, "moved")), "provisional",
                      json_is_true(json_object_get(it, "provisional")), "others", others));
    }
    json_decref(out);
    json_object_set_new(data, "days", days);

    STORE(api_get(req,
                  arena_printf(req->arena, "/api/v1/activities?deputy=%lld&from=%s&limit=%d",
                               (long long)id, today_text(req->arena), HOME_ACTIVITIES),
                  &out));
    json_t *acts = json_array();
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        const char *place = str_of(it, "station_name");
        json_array_append_new(acts, json_pack("{s:s, s:s, s:s, s:s, s:s}", "title",
                                              str_of(it, "title"), "kind", str_of(it, "kind_label"),
                                              "status", str_of(it, "status_label"), "when",
                                              span_text(req->arena, it), "place",
                                              *place ? place : str_of(it, "venue")));
    }
    json_decref(out);
    json_object_set_new(data, "activities", acts);

    json_t *concerns;
    STORE(my_concerns(req, &concerns));
    int n_claim = 0, n_mine = 0;
    json_array_foreach(concerns, i, it)
    {
        n_claim += to_claim(it);
        n_mine += mine_open(it) && !strcmp(str_of(it, "status"), "claimed");
    }
    json_decref(concerns);
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/suggestions?limit=%d", LIST_MAX), &out));
    int n_feedback = 0, n_drafts = 0, n_cosign = 0;
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        bool author =
            json_integer_value(json_object_get(json_object_get(it, "author"), "id")) == id;
        const char *st = str_of(it, "status");
        n_feedback += author && !strcmp(st, "replied");
        n_drafts += author && !strcmp(st, "draft");
        n_cosign += !author && !strcmp(st, "draft");
    }
    json_decref(out);
    json_object_set_new(data, "counts",
                        json_pack("{s:i, s:i, s:i, s:i, s:i}", "claim", n_claim, "mine", n_mine,
                                  "feedback", n_feedback, "drafts", n_drafts, "cosign", n_cosign));
    return web_page(req, res, 200, "deputy_home", data);
}

/* ---- concerns ---------------------------------------------------------------------- */

static json_t *concern_item(json_t *c)
{
    return json_pack("{s:O, s:s, s:s, s:s, s:s, s:O}", "id", json_object_get(c, "id"), "title",
                     str_of(c, "title"), "category", str_of(c, "category"), "status_label",
                     str_of(c, "status_label"), "created_at", str_of(c, "created_at"),
                     "suggestion_id", json_object_get(c, "suggestion_id"));
}

static enum yy_err get_concerns(struct request *req, struct response *res)
{
    int64_t id;
    STORE(me(req, &id));
    json_t *concerns;
    STORE(my_concerns(req, &concerns));
    json_t *claim = json_array(), *mine = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(concerns, i, it)
    {
        if (to_claim(it))
            json_array_append_new(claim, concern_item(it));
        else if (mine_open(it))
            json_array_append_new(mine, concern_item(it));
    }
    json_decref(concerns);
    return web_page(req, res, 200, "deputy_concerns",
                    json_pack("{s:s, s:o, s:o, s:i, s:i}", "title", "群众意见", "claim", claim,
                              "mine", mine, "n_claim", (int)json_array_size(claim), "n_mine",
                              (int)json_array_size(mine)));
}

/* The concern page; err (may be NULL) the refused resolve's message. */
static enum yy_err concern_page(struct request *req, struct response *res, int status,
                                const char *result_value, const struct yy_error *err)
{
    int64_t me_id, id;
    STORE(me(req, &me_id));
    STORE(web_path_int(req, "id", &id));
    json_t *c;
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/concerns/%lld", (long long)id), &c));
    web_label_timeline(json_object_get(c, "timeline"), cn_event_label_zh);
    web_times(c);
    json_t *data =
        json_pack("{s:O, s:o, s:s}", "title", json_object_get(c, "title"), "c", c, "station",
                  station_name(req, json_integer_value(json_object_get(c, "station_id"))));
    json_t *f = json_pack("{s:{s:s}}", "result", "value", result_value ? result_value : "");
    if (err) {
        if (err->field && !strcmp(err->field, "result"))
            json_object_set_new(json_object_get(f, "result"), "error", json_string(err->message));
        else
            json_object_set_new(data, "error", json_string(err->message));
    }
    json_object_set_new(data, "f", f);
    json_object_set_new(data, "can",
                        json_pack("{s:b, s:b, s:b, s:b}", "claim", has_action(c, "claim"),
                                  "resolve", has_action(c, "resolve"), "convert",
                                  has_action(c, "convert"), "draft",
                                  claimed_by_me(c) && !strcmp(str_of(c, "status"), "claimed")));
    json_object_set_new(data, "done", json_boolean(kvlist_get(&req->query, "done") != NULL));
    return web_page(req, res, status, "deputy_concern", data);
}

static enum yy_err get_concern(struct request *req, struct response *res)
{
    return concern_page(req, res, 200, NULL, NULL);
}

/* POST /deputy/concerns/{id}/{claim,resolve,convert}: the API's action; a
 * refused transition (409: done already, by this or an earlier submit) lands
 * on the concern page as the first submit did. */
static enum yy_err concern_action(struct request *req, struct response *res, const char *action)
{
    int64_t me_id, id;
    STORE(me(req, &me_id));
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    json_t *body = json_pack("{s:s}", "action", action);
    const char *result = kvlist_get(&in, "result");
    if (!strcmp(action, "resolve"))
        json_object_set_new(body, "result", json_string(result ? result : ""));
    const char *back = arena_printf(req->arena, "/deputy/concerns/%lld", (long long)id);
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/concerns/%lld/actions", (long long)id), body,
        &st, &out, NULL);
    if (rc == YY_OK) {
        json_int_t sid = json_integer_value(json_object_get(out, "suggestion_id"));
        json_decref(out);
        if (!strcmp(action, "convert") && sid)
            return web_redirect(
                req, res,
                arena_printf(req->arena, "/deputy/suggestions/%lld?new=1", (long long)sid));
        return web_redirect(req, res, arena_printf(req->arena, "%s?done=%s", back, action));
    }
    if (rc == YY_CONFLICT) {
        /* a second convert: to the draft the first one made */
        json_t *c;
        if (!strcmp(action, "convert") &&
            api_get(req, arena_printf(req->arena, "/api/v1/concerns/%lld", (long long)id), &c) ==
                YY_OK) {
            json_int_t sid = json_integer_value(json_object_get(c, "suggestion_id"));
            bool mine = claimed_by_me(c);
            json_decref(c);
            if (sid && mine)
                return web_redirect(
                    req, res, arena_printf(req->arena, "/deputy/suggestions/%lld", (long long)sid));
        }
        return web_redirect(req, res, back);
    }
    if (rc == YY_BAD_INPUT) {
        struct yy_error keep = req->err;
        return concern_page(req, res, 400, result, &keep);
    }
    return rc;
}

static enum yy_err post_claim(struct request *req, struct response *res)
{
    return concern_action(req, res, "claim");
}

static enum yy_err post_resolve(struct request *req, struct response *res)
{
    return concern_action(req, res, "resolve");
}

static enum yy_err post_convert(struct request *req, struct response *res)
{
    return concern_action(req, res, "convert");
}

/* ---- drafting a suggestion ------------------------------------------------------------ */

static const char *const draft_fields[] = {"title",         "body",        "category",
                                           "co_signer_ids", "concern_ids", NULL};

/* Whether the form (in, may be NULL) chose value for key (a repeated field). */
static bool chosen(const struct kvlist *in, const char *key, int64_t value)
{
    for (size_t i = 0; in && i < in->n; i++) {
        int64_t v;
        if (!strcmp(in->items[i].key, key) && parse_int64(in->items[i].value, 1, INT64_MAX, &v) &&
            v == value)
            return true;
    }
    return false;
}

/* Whether the array of ids arr (a suggestion's concern_ids) holds id. */
static bool id_in(json_t *arr, int64_t id)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_integer_value(x) == id) return true;
    return false;
}

/* Whether deputy id is a co-signer of suggestion cur (the API's answer). */
static bool cosigner_of(json_t *cur, int64_t id)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(cur, "signers"), i, g) if (
        json_integer_value(json_object_get(g, "deputy_id")) == id &&
        !strcmp(str_of(g, "role"), "cosigner")) return true;
    return false;
}

/* The draft form: fields as typed (or from the concern of ?concern=, or
 * from the draft cur being edited), the error beside its field, my linkable
 * concerns (and those cur links), the deputies to co-sign.  cur NULL: a new
 * draft with its one-time form token; else the edit form of cur. */
static enum yy_err draft_data(struct request *req, int64_t me_id, const struct kvlist *in,
                              json_t *cur, const char *token, const struct yy_error *err,
                              json_t **out)
{
    struct db *db = api_app(req)->db;
    const char *title = in ? kvlist_get(in, "title") : NULL;
    const char *body = in ? kvlist_get(in, "body") : NULL;
    const char *category = in ? kvlist_get(in, "category") : NULL;
    json_t *linked = cur ? json_object_get(cur, "concern_ids") : NULL;
    if (cur && !in) {
        title = arena_strdup(req->arena, str_of(cur, "title"));
        body = arena_strdup(req->arena, str_of(cur, "body"));
        category = arena_strdup(req->arena, str_of(cur, "category"));
    }
    int64_t from = 0;
    const char *q = kvlist_get(&req->query, "concern");
    json_t *concerns;
    STORE(my_concerns(req, &concerns));
    if (!in && !cur && q && parse_int64(q, 1, INT64_MAX, &from)) {
        size_t i;
        json_t *it;
        json_array_foreach(concerns, i,
                           it) if (json_integer_value(json_object_get(it, "id")) == from)
        {
            /* copies: the list is released below */
            title = arena_strdup(req->arena, str_of(it, "title"));
            body = arena_strdup(req->arena, str_of(it, "body"));
            category = arena_strdup(req->arena, str_of(it, "category"));
        }
    }
    /* linkable: what I claimed (not merged, declined or converted) and what is open here */
    json_t *links = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(concerns, i, it)
    {
        const char *st = str_of(it, "status");
        bool ok = claimed_by_me(it)
                      ? !str_in(st, (const char *const[]){"merged", "declined", "converted", NULL})
                      : to_claim(it);
        json_int_t cid = json_integer_value(json_object_get(it, "id"));
        bool here = linked && id_in(linked, cid); /* linked to the draft being edited */
        if (ok || here)
            json_array_append_new(
                links, json_pack("{s:I, s:s, s:s, s:b}", "id", cid, "title", str_of(it, "title"),
                                 "status_label", str_of(it, "status_label"), "checked",
                                 in ? chosen(in, "concern_ids", cid) : here || cid == from));
    }
    json_decref(concerns);
    /* linked ones the concern list did not show (kept as they are) */
    json_array_foreach(linked, i, it)
    {
        json_int_t cid = json_integer_value(it);
        bool shown = false;
        size_t k;
        json_t *l;
        json_array_foreach(links, k, l) if (json_integer_value(json_object_get(l, "id")) == cid)
            shown = true;
        if (!shown)
            json_array_append_new(
                links, json_pack("{s:I, s:s, s:s, s:b}", "id", cid, "title",
                                 arena_printf(req->arena, "第%lld号群众意见", (long long)cid),
                                 "status_label", "已关联", "checked",
                                 in ? chosen(in, "concern_ids", cid) : true));
    }

    const char **cats;
    size_t n_cats;
    STORE(store_concern_categories(db, req->arena, &cats, &n_cats, &req->err));
    json_t *categories = json_array();
    for (size_t k = 0; k < n_cats; k++)
        json_array_append_new(categories, json_pack("{s:s, s:b}", "name", cats[k], "selected",
                                                    category && !strcmp(category, cats[k])));
    struct deputy_filter df = {0};
    struct deputy *ds;
    size_t nd;
    STORE(store_deputies_list(db, req->arena, &df, &ds, &nd, &req->err));
    json_t *deputies = json_array();
    for (size_t k = 0; k < nd; k++)
        if (ds[k].id != me_id) /* names and sectors only, as the public registry shows */
            json_array_append_new(
                deputies, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)ds[k].id, "name",
                                    ds[k].name, "sector", ds[k].sector ? ds[k].sector : "",
                                    "selected",
                                    in || !cur ? chosen(in, "co_signer_ids", ds[k].id)
                                               : cosigner_of(cur, ds[k].id)));

    json_t *f = json_object();
    bool placed = false;
    const char *values[] = {title, body, category, NULL, NULL};
    for (size_t k = 0; draft_fields[k]; k++) {
        json_t *o = json_pack("{s:s}", "value", values[k] ? values[k] : "");
        if (err && err->field && !strcmp(err->field, draft_fields[k])) {
            json_object_set_new(o, "error", json_string(err->message));
            placed = true;
        }
        json_object_set_new(f, draft_fields[k], o);
    }
    char fresh[TOKEN_LEN + 1];
    if (!token && !cur) {
        token_new(fresh);
        token = fresh;
    }
    json_int_t cur_id = cur ? json_integer_value(json_object_get(cur, "id")) : 0;
    json_t *data = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:s?, s:s?, s:b, s:s, s:s, s:b}", "title",
        cur ? "修改建议草稿" : "起草代表建议", "f", f, "categories", categories, "deputies",
        deputies, "links", links, "form_token", cur ? NULL : token, "error",
        err && !placed ? err->message : NULL, "has_errors", err != NULL, "form_action",
        cur ? arena_printf(req->arena, "/deputy/suggestions/%lld/edit", (long long)cur_id)
            : "/deputy/suggestions/new",
        "button", cur ? "保存修改" : "保存草稿", "editing", cur != NULL);
    if (cur)
        json_object_set_new(data, "back",
                            json_string(arena_printf(req->arena, "/deputy/suggestions/%lld",
                                                     (long long)cur_id)));
    *out = data;
    return YY_OK;
}

static enum yy_err get_draft_form(struct request *req, struct response *res)
{
    int64_t me_id;
    STORE(me(req, &me_id));
    json_t *data;
    STORE(draft_data(req, me_id, NULL, NULL, NULL, NULL, &data));
    return web_page(req, res, 200, "deputy_draft", data);
}

/* The ids of a repeated field as a JSON array; false when one is no id. */
static bool ids_of(const struct kvlist *in, const char *key, json_t *arr)
{
    for (size_t i = 0; i < in->n; i++) {
        int64_t v;
        if (strcmp(in->items[i].key, key))
            continue;
        if (!parse_int64(in->items[i].value, 1, INT64_MAX, &v))
            return false;
        json_array_append_new(arr, json_integer(v));
    }
    return true;
}

static enum yy_err post_draft(struct request *req, struct response *res)
{
    int64_t me_id;
    STORE(me(req, &me_id));
    struct kvlist in;
    STORE(web_form(req, &in));
    struct db *db = api_app(req)->db;
    const char *token = kvlist_get(&in, "form_token");
    if (!web_token_shaped(token)) {
        struct yy_error e = {.kind = YY_BAD_INPUT, .message = "表单已失效,请重新提交"};
        json_t *data;
        STORE(draft_data(req, me_id, &in, NULL, NULL, &e, &data));
        return web_page(req, res, 400, "deputy_draft", data);
    }
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    const char *saved_url = arena_printf(req->arena, "/deputy/drafts/%s", token);
    const char *earlier;
    enum yy_err rc = store_webform_claim(db, req->arena, hash, time_now(), &earlier, &req->err);
    if (rc == YY_CONFLICT) /* a second submit of the same form: the first one's draft */
        return web_redirect(req, res, saved_url);
    STORE(rc);
    json_t *cosigners = json_array(), *links = json_array();
    bool ok_ids = ids_of(&in, "co_signer_ids", cosigners) && ids_of(&in, "concern_ids", links);
    json_t *body = json_pack("{s:s, s:s, s:s, s:o, s:o}", "title",
                             kvlist_get(&in, "title") ? kvlist_get(&in, "title") : "", "body",
                             kvlist_get(&in, "body") ? kvlist_get(&in, "body") : "", "category",
                             kvlist_get(&in, "category") ? kvlist_get(&in, "category") : "",
                             "co_signer_ids", cosigners, "concern_ids", links);
    int st;
    json_t *out = NULL;
    if (ok_ids) {
        rc = web_api_call(req, "POST", "/api/v1/suggestions", body, &st, &out, NULL);
    } else {
        json_decref(body);
        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_type", "请从列表中选择", "co_signer_ids");
    }
    if (rc != YY_OK) {
        struct yy_error keep = req->err;
        struct yy_error ignore;
        store_webform_release(db, hash, &ignore);
        if (rc != YY_BAD_INPUT)
            return rc;
        json_t *data;
        STORE(draft_data(req, me_id, &in, NULL, token, &keep, &data));
        return web_page(req, res, 400, "deputy_draft", data);
    }
    json_int_t sid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    rc = store_webform_done(
        db, hash, arena_printf(req->arena, "{\"suggestion_id\":%lld}", (long long)sid), &req->err);
    STORE(rc);
    return web_redirect(req, res, saved_url);
}

/* GET /deputy/drafts/{token}: where a draft form's submission went. */
static enum yy_err get_draft_saved(struct request *req, struct response *res)
{
    int64_t me_id;
    STORE(me(req, &me_id));
    const char *result;
    STORE(web_form_result(req, &result));
    json_t *r = result ? json_loads(result, 0, NULL) : NULL;
    json_int_t sid = r ? json_integer_value(json_object_get(r, "suggestion_id")) : 0;
    json_decref(r);
    if (sid) /* the suggestion page checks that the caller may see it */
        return web_redirect(
            req, res, arena_printf(req->arena, "/deputy/suggestions/%lld?new=1", (long long)sid));
    return web_page(req, res, 200, "deputy_pending",
                    json_pack("{s:s, s:s}", "title", "正在保存", "refresh", req->path));
}

/* ---- editing my draft ----------------------------------------------------------------------
 * The same form as drafting, filled in; it sends PATCH /api/v1/suggestions/{id}
 * with every field (the form shows them all).  A second submit of the same
 * form changes nothing and the API records nothing then: no token needed. */

/* The draft id as the caller may edit it: 404 outside their view, and the
 * suggestion page (where the state shows) when it is no longer editable. */
static enum yy_err editable(struct request *req, int64_t *id, json_t **cur)
{
    STORE(web_path_int(req, "id", id));
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)*id), cur));
    return YY_OK;
}

static enum yy_err get_edit_form(struct request *req, struct response *res)
{
    int64_t me_id, id;
    STORE(me(req, &me_id));
    json_t *cur;
    STORE(editable(req, &id, &cur));
    if (!has_action(cur, "edit")) {
        json_decref(cur);
        return web_redirect(req, res,
                            arena_printf(req->arena, "/deputy/suggestions/%lld", (long long)id));
    }
    json_t *data;
    enum yy_err rc = draft_data(req, me_id, NULL, cur, NULL, NULL, &data);
    json_decref(cur);
    STORE(rc);
    return web_page(req, res, 200, "deputy_draft", data);
}

static enum yy_err post_edit(struct request *req, struct response *res)
{
    int64_t me_id, id;
    STORE(me(req, &me_id));
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    const char *back = arena_printf(req->arena, "/deputy/suggestions/%lld", (long long)id);
    json_t *cosigners = json_array(), *links = json_array();
    bool ok_ids = ids_of(&in, "co_signer_ids", cosigners) && ids_of(&in, "concern_ids", links);
    json_t *body = json_pack("{s:s, s:s, s:s, s:o, s:o}", "title",
                             kvlist_get(&in, "title") ? kvlist_get(&in, "title") : "", "body",
                             kvlist_get(&in, "body") ? kvlist_get(&in, "body") : "", "category",
                             kvlist_get(&in, "category") ? kvlist_get(&in, "category") : "",
                             "co_signer_ids", cosigners, "concern_ids", links);
    int st;
    json_t *out = NULL;
    enum yy_err rc;
    if (ok_ids) {
        rc = web_api_call(req, "PATCH",
                          arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id),
                          body, &st, &out, NULL);
    } else {
        json_decref(body);
        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_type", "请从列表中选择", "co_signer_ids");
    }
    if (rc == YY_OK) {
        json_decref(out);
        return web_redirect(req, res, arena_printf(req->arena, "%s?done=edit", back));
    }
    if (rc == YY_CONFLICT) /* submitted meanwhile: the page shows the state */
        return web_redirect(req, res, back);
    if (rc != YY_BAD_INPUT)
        return rc;
    struct yy_error keep = req->err;
    json_t *cur;
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), &cur));
    json_t *data;
    rc = draft_data(req, me_id, &in, cur, NULL, &keep, &data);
    json_decref(cur);
    STORE(rc);
    return web_page(req, res, 400, "deputy_draft", data);
}

/* ---- my suggestions --------------------------------------------------------------------- */

/* States with a deadline running: the office's (submitted, accepted: the
 * assignment) or the lead units' (their reply). */
static const char *const pending_states[] = {"submitted",   "accepted",   "assigned",
                                             "in_handling", "rehandling", NULL};

/* The deadline of suggestion id now, for the list ("YYYY-MM-DD"), or NULL:
 * the earliest due day of an active lead unit that has not replied, else
 * the assignment's due day. */
static const char *due_of(struct request *req, int64_t id)
{
    json_t *s;
    if (api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), &s) !=
        YY_OK)
        return NULL;
    const char *best = NULL;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(s, "assignments"), i, g)
    {
        const char *due = str_of(g, "due_at");
        if (json_is_true(json_object_get(g, "active")) && !strcmp(str_of(g, "role"), "lead") &&
            strcmp(str_of(g, "status"), "replied") && strlen(due) >= 10 &&
            (!best || strncmp(due, best, 10) < 0))
            best = arena_strndup(req->arena, due, 10);
    }
    const char *ad = str_of(s, "assign_due_at");
    if (!best && strlen(ad) >= 10)
        best = arena_strndup(req->arena, ad, 10);
    json_decref(s);
    return best;
}

/* 联名 status labels (the API's signers[].status). */
static const char *cosign_label(const char *st)
{
    return !strcmp(st, "confirmed") ? "已确认" : !strcmp(st, "declined") ? "不同意" : "待确认";
}

/* My status as a co-signer of suggestion id ("named", ...), or NULL. */
static const char *my_cosign(struct request *req, int64_t id, int64_t me_id)
{
    json_t *s;
    if (api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), &s) !=
        YY_OK)
        return NULL;
    const char *st = NULL;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(s, "signers"), i, g) if (
        json_integer_value(json_object_get(g, "deputy_id")) == me_id &&
        !strcmp(str_of(g, "role"), "cosigner")) st = arena_strdup(req->arena, str_of(g, "status"));
    json_decref(s);
    return st;
}

static enum yy_err get_suggestions(struct request *req, struct response *res)
{
    int64_t me_id;
    STORE(me(req, &me_id));
    json_t *out;
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/suggestions?limit=%d", LIST_MAX), &out));
    web_times(out);
    json_t *mine = json_array(), *cosign = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it)
    {
        bool author =
            json_integer_value(json_object_get(json_object_get(it, "author"), "id")) == me_id;
        const char *st = str_of(it, "status");
        json_t *o = json_pack("{s:O, s:s, s:s, s:s, s:O, s:s, s:b, s:b}", "id",
                              json_object_get(it, "id"), "title", str_of(it, "title"), "category",
                              str_of(it, "category"), "status_label", str_of(it, "status_label"),
                              "year", json_object_get(it, "year"), "author",
                              str_of(json_object_get(it, "author"), "name"), "feedback",
                              author && !strcmp(st, "replied"), "draft", !strcmp(st, "draft"));
        const char *sa = str_of(it, "submitted_at");
        if (*sa)
            json_object_set_new(o, "submitted_at", json_string(sa));
        const char *ra = str_of(it, "replied_at");
        if (*ra)
            json_object_set_new(o, "replied_at", json_string(ra));
        if (str_in(st, pending_states)) {
            const char *due = due_of(req, json_integer_value(json_object_get(it, "id")));
            if (due)
                json_object_set_new(o, "due_at", json_string(due));
        }
        if (!author && !strcmp(st, "draft")) { /* 联名: confirm or decline here */
            const char *mine_st =
                my_cosign(req, json_integer_value(json_object_get(it, "id")), me_id);
            if (mine_st) {
                json_object_set_new(o, "cosign_label", json_string(cosign_label(mine_st)));
                json_object_set_new(o, "can_confirm", json_boolean(strcmp(mine_st, "confirmed")));
                json_object_set_new(o, "can_decline", json_boolean(strcmp(mine_st, "declined")));
            }
        }
        json_array_append_new(author ? mine : cosign, o);
    }
    json_decref(out);
    return web_page(
        req, res, 200, "deputy_suggestions",
        json_pack("{s:s, s:o, s:o}", "title", "我的建议", "mine", mine, "cosign", cosign));
}

struct sg_form {
    const char *attitude, *result, *reason; /* evaluate */
    const char *withdraw_reason;
    const char *decline_reason;
    const struct yy_error *err;
    const char *err_form; /* "evaluate" or "withdraw" */
};

static enum yy_err suggestion_page(struct request *req, struct response *res, int status,
                                   const struct sg_form *sf)
{
    int64_t me_id, id;
    STORE(me(req, &me_id));
    STORE(web_path_int(req, "id", &id));
    json_t *s;
    STORE(api_get(req, arena_printf(req->arena, "/api/v1/suggestions/%lld", (long long)id), &s));
    web_label_timeline(json_object_get(s, "timeline"), sg_event_label_zh);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(s, "evaluations"), i, it)
    {
        json_object_set_new(it, "attitude_label",
                            json_string(rating_label(str_of(it, "attitude"))));
        json_object_set_new(it, "result_label", json_string(rating_label(str_of(it, "result"))));
    }
    json_array_foreach(json_object_get(s, "assignments"), i, it) json_object_set_new(
        it, "role_label", json_string(!strcmp(str_of(it, "role"), "lead") ? "主办" : "协办"));
    bool signer = false;
    const char *my_status = NULL;
    json_array_foreach(json_object_get(s, "signers"), i, it)
    {
        bool author = !strcmp(str_of(it, "role"), "author");
        json_object_set_new(it, "role_label", json_string(author ? "领衔" : "联名"));
        if (!author)
            json_object_set_new(it, "cosign_label", json_string(cosign_label(str_of(it, "status"))));
        if (json_integer_value(json_object_get(it, "deputy_id")) == me_id) {
            signer = true;
            if (!author)
                my_status = arena_strdup(req->arena, str_of(it, "status"));
        }
        json_object_del(it, "phone"); /* not needed on the page */
    }
    web_times(s);
    const char *base = arena_printf(req->arena, "/deputy/suggestions/%lld", (long long)id);
    bool draft = !strcmp(str_of(s, "status"), "draft");
    json_t *data = json_pack("{s:O, s:o, s:s, s:b, s:b}", "title", json_object_get(s, "title"), "s",
                             s, "base", base, "signer", signer, "draft_cosign",
                             draft && signer && !has_action(s, "submit"));
    const struct yy_error *err = sf ? sf->err : NULL;
    const char *ef = sf ? sf->err_form : NULL;
    if (has_action(s, "submit"))
        json_object_set_new(data, "submit", json_true());
    if (has_action(s, "edit"))
        json_object_set_new(data, "edit", json_true());
    if (has_action(s, "cosign") && my_status) {
        json_t *cs = json_pack("{s:s, s:b, s:b, s:s}", "label", cosign_label(my_status),
                               "can_confirm", strcmp(my_status, "confirmed") != 0, "can_decline",
                               strcmp(my_status, "declined") != 0, "value",
                               sf && sf->decline_reason ? sf->decline_reason : "");
        if (err && ef && !strcmp(ef, "decline_cosign"))
            json_object_set_new(cs, "error", json_string(err->message));
        json_object_set_new(data, "cosign", cs);
    }
    if (has_action(s, "evaluate")) {
        json_t *ev =
            json_pack("{s:o, s:o, s:{s:s}}", "attitude", rating_options(sf ? sf->attitude : NULL),
                      "result", rating_options(sf ? sf->result : NULL), "reason", "value",
                      sf && sf->reason ? sf->reason : "");
        if (err && ef && !strcmp(ef, "evaluate")) {
            const char *field = err->field ? err->field : "";
            if (!strcmp(field, "attitude") || !strcmp(field, "result") || !strcmp(field, "reason"))
                json_object_set_new(ev, arena_printf(req->arena, "%s_error", field),
                                    json_string(err->message));
            else
                json_object_set_new(ev, "error", json_string(err->message));
        }
        json_object_set_new(data, "evaluate", ev);
    }
    if (has_action(s, "withdraw")) {
        json_t *wd =
            json_pack("{s:s}", "value", sf && sf->withdraw_reason ? sf->withdraw_reason : "");
        if (err && ef && !strcmp(ef, "withdraw"))
            json_object_set_new(wd, "error", json_string(err->message));
        json_object_set_new(data, "withdraw", wd);
    }
    /* ?done=ACTION after an action (post-redirect-get): what it did */
    static const char *const done_notices[][2] = {
        {"submit", "建议已提交。"},
        {"evaluate", "评价已提交。"},
        {"withdraw", "撤回意见已记录。"},
        {"edit", "草稿已修改。"},
        {"cosign", "您已确认联名。"},
        {"decline_cosign", "已告知领衔代表您不同意联名。"},
    };
    const char *done = kvlist_get(&req->query, "done");
    const char *notice = NULL;
    if (kvlist_get(&req->query, "new"))
        notice = "建议草稿已保存。可以继续修改联名代表后提交。";
    for (size_t k = 0; !notice && done && k < sizeof(done_notices) / sizeof(done_notices[0]); k++)
        if (!strcmp(done, done_notices[k][0]))
            notice = done_notices[k][1];
    if (notice)
        json_object_set_new(data, "notice", json_string(notice));
    return web_page(req, res, status, "deputy_suggestion", data);
}

static enum yy_err get_suggestion(struct request *req, struct response *res)
{
    return suggestion_page(req, res, 200, NULL);
}

static enum yy_err suggestion_action(struct request *req, struct response *res, const char *action)
{
    int64_t me_id, id;
    STORE(me(req, &me_id));
    STORE(web_path_int(req, "id", &id));
    struct kvlist in;
    STORE(web_form(req, &in));
    struct sg_form sf = {.err_form = action};
    json_t *body = json_pack("{s:s}", "action", action);
    if (!strcmp(action, "evaluate")) {
        sf.attitude = kvlist_get(&in, "attitude");
        sf.result = kvlist_get(&in, "result");
        sf.reason = kvlist_get(&in, "reason");
        /* the API names what is missing or wrong; an empty reason is no reason */
        if (sf.attitude)
            json_object_set_new(body, "attitude", json_string(sf.attitude));
        if (sf.result)
            json_object_set_new(body, "result", json_string(sf.result));
        if (sf.reason && *sf.reason)
            json_object_set_new(body, "reason", json_string(sf.reason));
    } else if (!strcmp(action, "withdraw")) {
        sf.withdraw_reason = kvlist_get(&in, "reason");
        json_object_set_new(body, "reason",
                            json_string(sf.withdraw_reason ? sf.withdraw_reason : ""));
    } else if (!strcmp(action, "decline_cosign")) {
        sf.decline_reason = kvlist_get(&in, "reason");
        json_object_set_new(body, "reason",
                            json_string(sf.decline_reason ? sf.decline_reason : ""));
    }
    const char *back = arena_printf(req->arena, "/deputy/suggestions/%lld", (long long)id);
    int st;
    json_t *out;
    enum yy_err rc = web_api_call(
        req, "POST", arena_printf(req->arena, "/api/v1/suggestions/%lld/actions", (long long)id),
        body, &st, &out, NULL);
    if (rc == YY_OK) {
        json_decref(out);
        return web_redirect(req, res, arena_printf(req->arena, "%s?done=%s", back, action));
    }
    if (rc == YY_CONFLICT) /* done already (a second submit): the page shows the state */
        return web_redirect(req, res, back);
    if (rc == YY_BAD_INPUT) {
        struct yy_error keep = req->err;
        sf.err = &keep;
        return suggestion_page(req, res, 400, &sf);
    }
    return rc;
}

static enum yy_err post_submit(struct request *req, struct response *res)
{
    return suggestion_action(req, res, "submit");
}

static enum yy_err post_evaluate(struct request *req, struct response *res)
{
    return suggestion_action(req, res, "evaluate");
}

static enum yy_err post_withdraw(struct request *req, struct response *res)
{
    return suggestion_action(req, res, "withdraw");
}

static enum yy_err post_cosign(struct request *req, struct response *res)
{
    return suggestion_action(req, res, "cosign");
}

static enum yy_err post_decline_cosign(struct request *req, struct response *res)
{
    return suggestion_action(req, res, "decline_cosign");
}

/* ---- my work record ------------------------------------------------------------------ */

static bool date_shaped(const char *s)
{
    if (!s || strlen(s) != 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

static void rate_text(struct request *req, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_number(v))
        json_object_set_new(
            o, arena_printf(req->arena, "%s_text", key),
            json_string(arena_printf(req->arena, "%.0f%%", json_number_value(v) * 100)));
}

/* The record's outcomes (docs/RECORD.md) in Chinese. */
static const char *outcome_label(const char *o)
{
    static const char *const map[][2] = {
        {"in_progress", "办理中"},
        {"resolved", "已解决"},
        {"converted", "转为代表建议"},
        {"closed", "已结束"},
        {"in_handling", "办理中"},
        {"replied", "已答复"},
        {"returned_as_letter", "作为来信处理"},
        {"withdrawn", "已撤回"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(map[i][0], o))
            return map[i][1];
    return o;
}

static enum yy_err get_record(struct request *req, struct response *res)
{
    int64_t me_id;
    STORE(me(req, &me_id));
    const char *from = kvlist_get(&req->query, "from");
    const char *to = kvlist_get(&req->query, "to");
    const char *year = kvlist_get(&req->query, "year");
    int64_t y = 0;
    if (year && parse_int64(year, 2000, 2100, &y)) {
        from = arena_printf(req->arena, "%lld-01-01", (long long)y);
        to = arena_printf(req->arena, "%lld-12-31", (long long)y);
    }
    json_t *f = json_pack("{s:{s:s}, s:{s:s}}", "from", "value", from ? from : "", "to", "value",
                          to ? to : "");
    const char *path = arena_printf(req->arena, "/api/v1/deputies/%lld/record", (long long)me_id);
    const char *sep = "?";
    /* only date-shaped values go on: the API names a bad date */
    if (from && *from) {
        if (!date_shaped(from)) {
            json_object_set_new(json_object_get(f, "from"), "error",
                                json_string("日期格式应为 YYYY-MM-DD"));
            from = NULL;
        } else {
            path = arena_printf(req->arena, "%s%sfrom=%s", path, sep, from);
            sep = "&";
        }
    }
    if (to && *to) {
        if (!date_shaped(to)) {
            json_object_set_new(json_object_get(f, "to"), "error",
                                json_string("日期格式应为 YYYY-MM-DD"));
            to = NULL;
        } else {
            path = arena_printf(req->arena, "%s%sto=%s", path, sep, to);
        }
    }
    int status = json_object_get(json_object_get(f, "from"), "error") ||
                         json_object_get(json_object_get(f, "to"), "error")
                     ? 400
                     : 200;
    json_t *r = NULL;
    if (status == 200) {
        enum yy_err rc = api_get(req, path, &r);
        if (rc == YY_BAD_INPUT) {
            const char *field = req->err.field && !strcmp(req->err.field, "to") ? "to" : "from";
            json_object_set_new(json_object_get(f, field), "error", json_string(req->err.message));
            status = 400;
        } else if (rc != YY_OK) {
            json_decref(f);
            return rc;
        }
    }
    json_t *data = json_pack("{s:s, s:o}", "title", "我的履职档案", "f", f);
    if (r) {
        json_t *sum = json_object_get(r, "summary");
        rate_text(req, json_object_get(sum, "concerns"), "resolution_rate");
        rate_text(req, json_object_get(json_object_get(sum, "concerns"), "ratings"),
                  "satisfaction_rate");
        json_t *ev = json_object_get(json_object_get(sum, "suggestions"), "evaluations");
        rate_text(req, json_object_get(ev, "attitude"), "satisfaction_rate");
        rate_text(req, json_object_get(ev, "result"), "satisfaction_rate");
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(r, "suggestions"), i, it)
        {
            json_object_set_new(
                it, "role_label",
                json_string(!strcmp(str_of(it, "role"), "author") ? "领衔" : "联名"));
            json_object_set_new(it, "outcome_label",
                                json_string(outcome_label(str_of(it, "outcome"))));
            json_t *e = json_object_get(it, "evaluation");
            if (json_is_object(e))
                json_object_set_new(it, "evaluation_text",
                                    json_string(arena_printf(req->arena, "态度%s,结果%s",
                                                             rating_label(str_of(e, "attitude")),
                                                             rating_label(str_of(e, "result")))));
        }
        json_array_foreach(json_object_get(r, "concerns"), i, it)
        {
            json_object_set_new(it, "outcome_label",
                                json_string(outcome_label(str_of(it, "outcome"))));
            const char *rt = str_of(it, "rating");
            if (*rt)
                json_object_set_new(it, "rating_label", json_string(rating_label(rt)));
        }
        web_times(r);
        json_object_set_new(data, "r", r);
        /* quick choices: this year and the last */
        int64_t cy;
        unsigned m, d;
        time_civil_from_days((time_now() + 8 * 3600) / 86400, &cy, &m, &d);
        json_object_set_new(
            data, "years",
            json_pack("[{s:I}, {s:I}]", "year", (json_int_t)cy, "year", (json_int_t)(cy - 1)));
    }
    return web_page(req, res, status, "deputy_record", data);
}

static enum yy_err get_deputy_root(struct request *req, struct response *res)
{
    return web_redirect(req, res, "/deputy/");
}

enum yy_err web_deputy_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/deputy", get_deputy_root},
        {"GET", "/deputy/", get_home},
        {"GET", "/deputy/concerns", get_concerns},
        {"GET", "/deputy/concerns/{id}", get_concern},
        {"POST", "/deputy/concerns/{id}/claim", post_claim},
        {"POST", "/deputy/concerns/{id}/resolve", post_resolve},
        {"POST", "/deputy/concerns/{id}/convert", post_convert},
        {"GET", "/deputy/suggestions", get_suggestions},
        {"GET", "/deputy/suggestions/new", get_draft_form},
        {"POST", "/deputy/suggestions/new", post_draft},
        {"GET", "/deputy/drafts/{token}", get_draft_saved},
        {"GET", "/deputy/suggestions/{id}", get_suggestion},
        {"POST", "/deputy/suggestions/{id}/submit", post_submit},
        {"POST", "/deputy/suggestions/{id}/evaluate", post_evaluate},
        {"POST", "/deputy/suggestions/{id}/withdraw", post_withdraw},
        {"GET", "/deputy/suggestions/{id}/edit", get_edit_form},
        {"POST", "/deputy/suggestions/{id}/edit", post_edit},
        {"POST", "/deputy/suggestions/{id}/cosign", post_cosign},
        {"POST", "/deputy/suggestions/{id}/decline_cosign", post_decline_cosign},
        {"GET", "/deputy/record", get_record},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
