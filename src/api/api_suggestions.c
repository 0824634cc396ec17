/* api_suggestions.c - deputy suggestions (代表建议, DOMAIN.md §5): drafting,
 * the life cycle through POST /api/v1/suggestions/{id}/actions, reading with
 * the timeline, and the public's ratings of published results (网上评).
 *
 * Who sees what (domain/suggestion.h sg_visible, sg_private_view):
 *   - everyone, without a login too: published suggestions, in their public
 *     form (no personal data: no phones, no concern links, no timeline notes,
 *     no contacts, no reasons);
 *   - deputies: those they wrote or co-signed, drafts included;
 *   - unit staff: those assigned to their unit now;
 *   - admin, leaders, street and community staff: all but drafts.
 * Anything else is 404, as if it did not exist.
 *
 * An action: the body is read (400), then in one transaction the row is
 * locked, the caller's relation to the suggestion worked out (actor bits),
 * the table and the guards asked (409 invalid_transition or a guard's code,
 * both with `allowed`; 403 when the state allows the action but not for this
 * caller), the changes written with their timeline entry, notices and audit
 * entry.  The answer is the suggestion as it now is.
 *
 * Public ratings: POST /api/v1/suggestions/{id}/ratings {"value"}, once per
 * rater: a resident's account ("user:ID"), or for callers without a login
 * their client address, kept only as a SHA-256 ("addr:HEX").
 *
 * Concerns follow the suggestion they became (docs/CONCERNS.md "Converted"):
 * linking them on POST converts the open ones; the reply resolves them with
 * the reply as their result, a return as a letter or a withdrawal gives them
 * back to their claimers; in the same transaction, each with its timeline
 * and audit entries.
 */
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "api/suggestion_body.h"
#include "core/timeutil.h"
#include "store/concern.h"
#include "store/store.h"
#include "store/suggestion.h"

/* ---- the caller ------------------------------------------------------------------ */

static void caller_of(struct request *req, struct sg_caller *c)
{
    const struct caller *k = api_caller(req);
    memset(c, 0, sizeof(*c));
    if (k->via == AUTH_NONE)
        return;
    const struct user *u = &k->user;
    int64_t *deputies = arena_calloc(req->arena, u->n_roles + 1, sizeof(int64_t));
    int64_t *units = arena_calloc(req->arena, u->n_roles + 1, sizeof(int64_t));
    c->user_id = u->id;
    for (size_t i = 0; i < u->n_roles; i++) {
        switch (u->roles[i].role) {
        case ROLE_ADMIN:
            c->admin = c->sees_all = true;
            break;
        case ROLE_LEADER:
            c->leader = c->sees_all = true;
            break;
        case ROLE_STREET_STAFF:
        case ROLE_COMMUNITY_STAFF:
            c->sees_all = true;
            break;
        case ROLE_DEPUTY:
            deputies[c->n_deputy_ids++] = u->roles[i].scope_id;
            break;
        case ROLE_UNIT_STAFF:
            units[c->n_unit_ids++] = u->roles[i].scope_id;
            break;
        case ROLE_RESIDENT:
        case ROLE_PROCURATOR:
            break;
        }
    }
    c->deputy_ids = deputies;
    c->unit_ids = units;
}

static const struct calendar *calendar_of(struct request *req)
{
    static const struct calendar none; /* no year known: weekends only, all provisional */
    const struct calendar *c = api_app(req)->calendar;
    return c ? c : &none;
}

static bool caller_is_deputy(const struct sg_caller *c, int64_t deputy_id)
{
    for (size_t i = 0; i < c->n_deputy_ids; i++)
        if (c->deputy_ids[i] == deputy_id)
            return true;
    return false;
}

/* ---- answers ------------------------------------------------------------------------ */

static json_t *time_or_null(int64_t t)
{
    return t ? json_time(t) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *ratings_json(const struct suggestion *s)
{
    return json_pack("{s:I, s:I, s:I}", "satisfied", (json_int_t)s->ratings[SG_SATISFIED],
                     "basically_satisfied", (json_int_t)s->ratings[SG_BASICALLY_SATISFIED],
                     "dissatisfied", (json_int_t)s->ratings[SG_DISSATISFIED]);
}

static json_t *assignment_json(const struct suggestion *s, const struct sg_assignment *g, bool full)
{
    json_t *reply = json_null();
    if (g->lead && g->status == ASG_REPLIED)
        reply = json_pack("{s:s?, s:s?, s:o}", "class", g->reply_class, "text", g->reply_text,
                          "replied_at", time_or_null(g->replied_at));
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:b, s:o, s:o}", "id",
                  (json_int_t)g->id, "unit_id", (json_int_t)g->unit_id, "unit_name", g->unit_name,
                  "role", g->lead ? "lead" : "co", "status", sg_asg_status_name(g->status),
                  "active", g->active, "assigned_at", json_time(g->assigned_at), "due_at",
                  json_time(g->due_at), "due_provisional", g->due_provisional, "co_opinion_due_at",
                  time_or_null(g->co_opinion_due_at), "reply", reply);
    if (!full)
        return o;
    json_t *contacts = json_array();
    for (size_t i = 0; i < s->n_contacts; i++) {
        const struct sg_contact *c = &s->contacts[i];
        if (c->assignment_id == g->id)
            json_array_append_new(contacts,
                                  json_pack("{s:s, s:s, s:s, s:o}", "stage", c->stage, "mode",
                                            c->mode, "note", c->note, "at", json_time(c->at)));
    }
    json_object_set_new(o, "contacts", contacts);
    json_object_set_new(o, "co_opinion",
                        g->co_opinion ? json_pack("{s:s, s:o}", "text", g->co_opinion, "at",
                                                  time_or_null(g->co_opinion_at))
                                      : json_null());
    json_object_set_new(o, "return_request",
                        g->return_reason ? json_pack("{s:s, s:o}", "reason", g->return_reason, "at",
                                                     time_or_null(g->return_requested_at))
                                         : json_null());
    json_object_set_new(o, "extension",
                        g->extension_status != EXT_NONE
                            ? json_pack("{s:i, s:s, s:s?}", "months", g->extension_months, "status",
                                        sg_ext_status_name(g->extension_status), "reason",
                                        g->extension_reason)
                            : json_null());
    return o;
}

/* The suggestion as the caller may see it: full, or its public form. */
static json_t *suggestion_json(struct request *req, const struct suggestion *s,
                               const struct sg_caller *c)
{
    bool full = sg_private_view(s, c);
    json_t *signers = json_array();
    for (size_t i = 0; i < s->n_signers; i++) {
        const struct sg_signer *g = &s->signers[i];
        json_t *o = json_pack("{s:I, s:s, s:s}", "deputy_id", (json_int_t)g->deputy_id, "name",
                              g->name, "role", g->author ? "author" : "cosigner");
        /* 联名: named, confirmed or declined (the author is confirmed) */
        json_object_set_new(o, "status", json_string(sg_cosign_name(g->cosign)));
        if (full) {
            json_object_set_new(o, "withdraw_agreed", json_boolean(g->withdraw_agreed));
            json_object_set_new(o, "decline_reason", text_or_null(g->cosign_reason));
            json_object_set_new(o, "answered_at", time_or_null(g->cosigned_at));
        }
        if (c->admin || caller_is_deputy(c, g->deputy_id))
            json_object_set_new(o, "phone", text_or_null(g->phone));
        json_array_append_new(signers, o);
    }
    json_t *assignments = json_array();
    for (size_t i = 0; i < s->n_assignments; i++)
        if (full || s->assignments[i].active)
            json_array_append_new(assignments, assignment_json(s, &s->assignments[i], full));
    json_t *evaluations = json_array();
    for (size_t i = 0; i < s->n_evaluations; i++) {
        const struct sg_evaluation *v = &s->evaluations[i];
        json_t *o = json_pack("{s:s?, s:s?, s:o}", "attitude", sg_rating_name(v->attitude),
                              "result", sg_rating_name(v->result), "at", json_time(v->at));
        if (full)
            json_object_set_new(o, "reason", json_string(v->reason ? v->reason : ""));
        json_array_append_new(evaluations, o);
    }
    json_t *follow_ups = json_array();
    for (size_t i = 0; i < s->n_follow_ups; i++)
        json_array_append_new(
            follow_ups, json_pack("{s:s, s:b, s:o}", "note", s->follow_ups[i].note, "done",
                                  s->follow_ups[i].done, "at", json_time(s->follow_ups[i].at)));
    json_t *timeline = json_array();
    for (size_t i = 0; i < s->n_events; i++) {
        const struct sg_event *v = &s->events[i];
        json_t *o = json_pack("{s:o, s:s, s:s}", "at", json_time(v->at), "action", v->action,
                              "actor_role", v->actor_role);
        if (full)
            json_object_set_new(o, "note", json_string(v->note ? v->note : ""));
        json_array_append_new(timeline, o);
    }
    json_t *key = json_null();
    if (s->is_key)
        key = full ? json_pack("{s:I, s:s?}", "leader_id", (json_int_t)s->key_leader_id,
                               "committee", s->key_committee)
                   : json_pack("{s:s?}", "committee", s->key_committee);
    json_t *actions = json_array();
    if (c->user_id) {
        struct sg_decision d;
        sg_decide(s->status, SA_SUBMIT, sg_actors(s, c), &d);
        for (size_t i = 0; i < d.n_allowed; i++)
            json_array_append_new(actions, json_string(sg_action_name(d.allowed[i])));
    }
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:{s:I, s:s}, s:o, s:o, s:b, s:o, s:b,"
        " s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "id", (json_int_t)s->id, "title", s->title, "body", s->body, "category", s->category,
        "status", sg_state_name(s->status), "status_label", sg_state_label_zh(s->status), "year",
        s->year, "author", "id", (json_int_t)s->author_id, "name", s->author_name, "signers",
        signers, "key", key, "published", s->published, "published_at",
        time_or_null(s->published_at), "hard_case", s->hard_case, "submitted_at",
        time_or_null(s->submitted_at), "accepted_at", time_or_null(s->accepted_at), "assign_due_at",
        time_or_null(s->assign_due_at), "assigned_at", time_or_null(s->assigned_at), "replied_at",
        time_or_null(s->replied_at), "closed_at", time_or_null(s->closed_at), "created_at",
        json_time(s->created_at), "updated_at", json_time(s->updated_at), "assignments",
        assignments, "evaluations", evaluations, "follow_ups", follow_ups, "public_rating",
        ratings_json(s), "timeline", timeline);
    if (!o)
        return NULL;
    if (full) {
        json_t *concerns = json_array();
        for (size_t i = 0; i < s->n_concern_ids; i++)
            json_array_append_new(concerns, json_integer(s->concern_ids[i]));
        json_object_set_new(o, "concern_ids", concerns);
        json_object_set_new(o, "reason", text_or_null(s->reason));
    }
    /* the assignment deadline lies in a year without a calendar yet */
    bool known = true;
    if (s->assign_due_at)
        calendar_is_working_day(calendar_of(req), day_of(s->assign_due_at), &known);
    json_object_set_new(o, "assign_due_provisional", json_boolean(!known));
    /* 书面说明: public with the rest of the handling once published */
    json_object_set_new(o, "explanation",
                        s->explanation ? json_pack("{s:s, s:o}", "text", s->explanation, "at",
                                                   time_or_null(s->explained_at))
                                       : json_null());
    json_object_set_new(o, "actions", actions);
    return o;
}

/* One item of a list: the row without the details. */
static json_t *summary_json(const struct suggestion *s)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:{s:I, s:s}, s:b, s:b, s:o, s:o, s:o,"
                     " s:o, s:o}",
                     "id", (json_int_t)s->id, "title", s->title, "category", s->category, "status",
                     sg_state_name(s->status), "status_label", sg_state_label_zh(s->status), "year",
                     s->year, "author", "id", (json_int_t)s->author_id, "name", s->author_name,
                     "key", s->is_key, "published", s->published, "submitted_at",
                     time_or_null(s->submitted_at), "assigned_at", time_or_null(s->assigned_at),
                     "replied_at", time_or_null(s->replied_at), "closed_at",
                     time_or_null(s->closed_at), "updated_at", json_time(s->updated_at));
}

/* Reads suggestion id as the caller may see it; 404 outside its view. */
static enum yy_err load_visible(struct request *req, int64_t id, const struct sg_caller *c,
                                struct suggestion *s)
{
    STORE(store_suggestion_get(api_app(req)->db, req->arena, id, s, &req->err));
    if (!sg_visible(s, c))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "建议不存在", NULL);
    return YY_OK;
}

static enum yy_err reply_suggestion(struct request *req, struct response *res, int status,
                                    int64_t id)
{
    struct sg_caller c;
    struct suggestion s;
    caller_of(req, &c);
    STORE(load_visible(req, id, &c, &s));
    return api_reply(res, status, suggestion_json(req, &s, &c));
}

/* ---- POST /api/v1/suggestions ------------------------------------------------------- */

/* A concern the drafting deputy links (concern_ids), locked, and what
 * linking does to it. */
struct link {
    struct concern c;
    bool claimer; /* the deputy claimed it (concern_claims) */
    bool convert; /* it becomes converted (turned into this suggestion) */
};

static enum yy_err invalid_concern(struct request *req)
{
    return yy_fail(&req->err, YY_BAD_INPUT, "invalid_concern",
                   "只能关联您认领的,或您所在联络站尚在办理中的群众意见(已合并、不予受理或已转为其他建议的不能关联)",
                   "concern_ids");
}

/* Checks the concerns a deputy links, locking each (inside the transaction):
 * those they claimed, unless merged, declined or converted into another
 * suggestion; and open ones at a station of theirs.  Whether linking converts
 * one is the concern table's convert (a claimer's, or a station deputy's of
 * a concern nobody claimed); a station deputy links a concern another
 * deputy claimed by joining its claimers first, as claim allows. */
static enum yy_err check_links(struct request *req, int64_t deputy,
                               const struct suggestion_draft *d, struct link *out)
{
    struct db *db = api_app(req)->db;
    for (size_t i = 0; i < d->n_concerns; i++) {
        struct link *l = &out[i];
        enum yy_err rc = store_concern_get_for_update(db, req->arena, d->concern_ids[i], &l->c,
                                                      &req->err);
        if (rc == YY_NOT_FOUND)
            return invalid_concern(req);
        if (rc != YY_OK)
            return rc;
        if (l->c.status == CN_MERGED || l->c.status == CN_DECLINED ||
            l->c.status == CN_CONVERTED)
            return invalid_concern(req);
        struct concern_claim *claims;
        size_t n_claims;
        STORE(store_concern_claims(db, req->arena, l->c.id, &claims, &n_claims, &req->err));
        for (size_t k = 0; k < n_claims; k++)
            if (claims[k].deputy_id == deputy)
                l->claimer = true;
        bool here = false;
        if (l->c.station_id)
            STORE(store_deputy_at_station(db, deputy, l->c.station_id, &here, &req->err));
        if (!l->claimer && !(here && cn_state_open(l->c.status)))
            return invalid_concern(req);
        unsigned actors = (l->claimer ? CN_ACTOR_CLAIMER : 0) | (here ? CN_ACTOR_DEPUTY : 0);
        struct cn_decision dc;
        cn_decide(l->c.status, CA_CONVERT, actors, NULL, &dc);
        if (dc.result != YY_OK && !l->claimer && l->c.status == CN_CLAIMED) {
            cn_decide(CN_CLAIMED, CA_CLAIM, actors, NULL, &dc);
            if (dc.result == YY_OK)
                cn_decide(CN_CLAIMED, CA_CONVERT, CN_ACTOR_CLAIMER, NULL, &dc);
        }
        l->convert = dc.result == YY_OK;
    }
    return YY_OK;
}

/* Converts the linked concerns that linking converts (see check_links). */
static enum yy_err apply_links(struct request *req, int64_t deputy, int64_t suggestion_id,
                               struct link *links, size_t n)
{
    struct db *db = api_app(req)->db;
    struct deputy dd;
    if (n)
        STORE(store_deputy_get(db, req->arena, deputy, &dd, &req->err));
    for (size_t i = 0; i < n; i++) {
        struct concern *c = &links[i].c;
        if (!links[i].convert)
            continue;
        enum cn_state from = c->status;
        int64_t now = time_now();
        if (!links[i].claimer)
            STORE(store_concern_claim_add_tx(db, c->id, deputy, &req->err));
        if (!c->claimed_by)
            c->claimed_by = deputy;
        c->status = CN_CONVERTED;
        c->suggestion_id = suggestion_id;
        c->updated_at = now;
        if (!c->responded_at)
            c->responded_at = now;
        STORE(store_concern_update_tx(db, c, &req->err));
        STORE(store_concern_event_tx(db, c->id, cn_action_name(CA_CONVERT), "deputy",
                                     arena_printf(req->arena, "%s代表将其纳入代表建议", dd.name),
                                     "", &req->err));
        STORE(api_audit(req, "deputy", "concern.convert", "concern", c->id,
                        json_pack("{s:s, s:s, s:I, s:I}", "from", cn_state_name(from), "to",
                                  cn_state_name(c->status), "suggestion_id",
                                  (json_int_t)suggestion_id, "deputy_id", (json_int_t)deputy)));
    }
    return YY_OK;
}

static enum yy_err post_suggestion(struct request *req, struct response *res)
{
    STORE(api_require_role(req, ROLE_DEPUTY));
    const struct user *u = &api_caller(req)->user;
    struct suggestion_draft d = {0};
    for (size_t i = 0; i < u->n_roles && !d.author_id; i++)
        if (u->roles[i].role == ROLE_DEPUTY)
            d.author_id = u->roles[i].scope_id;
    json_t *body;
    STORE(api_body_object(req, &body));
    enum yy_err rc = suggestion_draft_read(req, body, &d);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct db *db = api_app(req)->db;
    int64_t id = 0;
    struct link *links = arena_calloc(req->arena, d.n_concerns + 1, sizeof(*links));
    STORE(store_begin(db, &req->err));
    bool found = false;
    rc = store_category_exists(db, d.category, &found, &req->err);
    if (rc == YY_OK && !found)
        rc = yy_fail(&req->err, YY_BAD_INPUT, "unknown_category", "建议类别不存在", "category");
    if (rc == YY_OK)
        rc = check_links(req, d.author_id, &d, links);
    if (rc == YY_OK)
        rc = store_suggestion_create_tx(db, &d, &id, &req->err);
    if (rc == YY_OK)
        rc = apply_links(req, d.author_id, id, links, d.n_concerns);
    if (rc == YY_OK) {
        json_t *cosigners = json_array(), *concerns = json_array();
        for (size_t i = 0; i < d.n_cosigners; i++)
            json_array_append_new(cosigners, json_integer(d.cosigner_ids[i]));
        for (size_t i = 0; i < d.n_concerns; i++)
            json_array_append_new(concerns, json_integer(d.concern_ids[i]));
        rc = api_audit(req, "deputy", "suggestion.create", "suggestion", id,
                       json_pack("{s:s, s:s, s:I, s:o, s:o}", "title", d.title, "category",
                                 d.category, "author_id", (json_int_t)d.author_id, "co_signer_ids",
                                 cosigners, "concern_ids", concerns));
    }
    STORE(store_finish(db, rc, &req->err));
    return reply_suggestion(req, res, 201, id);
}

/* ---- GET /api/v1/suggestions[/{id}] -------------------------------------------------- */

static enum yy_err get_suggestions(struct request *req, struct response *res)
{
    struct page pg;
    struct sg_caller c;
    caller_of(req, &c);
    STORE(api_page(req, &pg));
    struct suggestion_filter f = {.user_id = c.user_id, .sees_all = c.sees_all};
    const char *status = kvlist_get(&req->query, "status");
    if (status && *status) {
        enum sg_state st;
        if (!sg_state_from_name(status, &st))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "status 不是建议的状态",
                           "status");
        f.status = sg_state_name(st);
    }
    int64_t year = 0;
    STORE(query_int(req, "year", 2000, 9999, &year, NULL));
    f.year = (int)year;
    STORE(query_int(req, "unit", 1, INT64_MAX, &f.unit_id, NULL));
    /* key=true|false: key suggestions (重点督办) or the others; leader=ID:
     * the key suggestions that leader supervises, for the staff who see
     * every suggestion (the leader is not part of the public view) */
    const char *key = kvlist_get(&req->query, "key");
    if (key && *key) {
        if (kvlist_count(&req->query, "key") > 1)
            return yy_fail(&req->err, YY_BAD_INPUT, "repeated_parameter", "参数重复", "key");
        if (strcmp(key, "true") && strcmp(key, "false"))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "key 须为 true 或 false",
                           "key");
        f.key = !strcmp(key, "true") ? 1 : 2;
    }
    bool by_leader = false;
    STORE(query_int(req, "leader", 1, INT64_MAX, &f.leader_id, &by_leader));
    if (by_leader && !c.sees_all)
        return yy_fail(&req->err, c.user_id ? YY_FORBIDDEN : YY_UNAUTHORIZED,
                       c.user_id ? "forbidden" : "login_required",
                       c.user_id ? "没有权限执行此操作" : "请先登录", "leader");
    f.before_id = pg.after;
    f.limit = pg.limit + 1;
    struct suggestion *items;
    size_t n;
    STORE(store_suggestions_list(api_app(req)->db, req->arena, &f, &items, &n, &req->err));
    size_t shown = n > pg.limit ? pg.limit : n;
    json_t *arr = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(arr, summary_json(&items[i]));
    return api_reply(res, 200,
                     api_list(arr, n > pg.limit ? api_cursor(req, items[shown - 1].id) : NULL));
}

static enum yy_err get_suggestion(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    return reply_suggestion(req, res, 200, id);
}

/* ---- POST /api/v1/suggestions/{id}/actions ------------------------------------------- */

/* Looks up what the body names in the database: the units of assign and
 * decide_return, the leader of mark_key.  400 naming the field. */
static enum yy_err resolve_input(struct request *req, struct sg_input *in)
{
    struct db *db = api_app(req)->db;
    for (size_t i = 0; i < in->n_units; i++) {
        struct unit u;
        enum yy_err rc = store_unit_get(db, req->arena, in->units[i].unit_id, &u, &req->err);
        if (rc == YY_NOT_FOUND)
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_unit", "承办单位不存在", "units");
        if (rc != YY_OK)
            return rc;
        in->units[i].unit_name = u.name;
    }
    if (in->action == SA_MARK_KEY) {
        struct user u;
        enum yy_err rc = store_user_get(db, req->arena, in->leader_id, &u, &req->err);
        if (rc == YY_NOT_FOUND || (rc == YY_OK && (u.disabled || !user_has_role(&u, ROLE_LEADER))))
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_leader",
                           "leader_id 须为主任会议成员(leader)的用户编号", "leader_id");
        if (rc != YY_OK)
            return rc;
    }
    return YY_OK;
}

/* The concerns that became s follow it (docs/CONCERNS.md "Converted"): its
 * reply resolves them with the reply as their result; returned as a letter
 * or withdrawn, they go back to their claimers.  The concern table decides
 * (the system's actor); inside the action's transaction. */
static enum yy_err follow_concerns(struct request *req, const struct suggestion *s,
                                   const struct sg_outcome *o)
{
    enum cn_action action;
    if (o->from == o->to)
        return YY_OK;
    if (o->to == SG_REPLIED)
        action = CA_RESOLVE;
    else if (o->to == SG_RETURNED_AS_LETTER || o->to == SG_WITHDRAWN)
        action = CA_REOPEN;
    else
        return YY_OK;
    struct db *db = api_app(req)->db;
    struct arena *a = req->arena;
    int64_t *ids;
    size_t n;
    STORE(store_suggestion_converted_concerns(db, a, s->id, &ids, &n, &req->err));
    const char *summary = action == CA_RESOLVE ? sg_reply_summary(a, s) : NULL;
    for (size_t i = 0; i < n; i++) {
        struct concern c;
        STORE(store_concern_get_for_update(db, a, ids[i], &c, &req->err));
        struct cn_decision d;
        cn_decide(c.status, action, CN_ACTOR_SYSTEM, NULL, &d);
        if (d.result != YY_OK)
            continue;
        int64_t now = time_now();
        enum cn_state from = c.status;
        const char *note, *staff_note = "";
        if (action == CA_RESOLVE) {
            c.result = summary;
            c.resolved_at = now;
            note = arena_printf(a, "已解决:%s", summary);
        } else if (o->to == SG_WITHDRAWN) {
            note = "转成的代表建议已由代表撤回,意见回到认领代表处继续跟进";
            staff_note = s->reason ? arena_printf(a, "撤回理由:%s", s->reason) : "";
        } else {
            note = "转成的代表建议经审查作为来信处理,意见回到认领代表处继续跟进";
            staff_note = s->reason ? arena_printf(a, "作为来信处理的理由:%s", s->reason) : "";
        }
        if (d.to != CN_SAME)
            c.status = (enum cn_state)d.to;
        c.updated_at = now;
        STORE(store_concern_update_tx(db, &c, &req->err));
        STORE(store_concern_event_tx(db, c.id, cn_action_name(action), "system", note, staff_note,
                                     &req->err));
        STORE(api_audit(req, "system", arena_printf(a, "concern.%s", cn_action_name(action)),
                        "concern", c.id,
                        json_pack("{s:s, s:s, s:I, s:s}", "from", cn_state_name(from), "to",
                                  cn_state_name(c.status), "suggestion_id", (json_int_t)s->id,
                                  "because", sg_state_name(o->to))));
    }
    return YY_OK;
}

/* Everything inside the action's transaction. */
static enum yy_err act(struct request *req, int64_t id, struct sg_input *in)
{
    struct db *db = api_app(req)->db;
    struct sg_caller c;
    struct suggestion s;
    struct sg_rules rules;
    caller_of(req, &c);
    STORE(store_suggestion_get_for_update(db, req->arena, id, &s, &req->err));
    if (!sg_visible(&s, &c))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "建议不存在", NULL);
    unsigned actors = sg_actors(&s, &c);
    struct sg_decision d;
    sg_decide(s.status, in->action, actors, &d);
    if (d.result == YY_CONFLICT)
        return sg_refuse(req->arena, &d, in->action, &req->err);
    if (d.result != YY_OK)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "您不能对这件建议执行此操作", NULL);
    STORE(resolve_input(req, in));
    STORE(store_sg_rules(db, &rules, &req->err));
    struct sg_outcome out;
    STORE(sg_apply(&rules, calendar_of(req), req->arena, time_now(), actors, &c, &s, in, &out,
                   &req->err));
    const char *action = sg_action_name(in->action);
    STORE(store_suggestion_save_tx(db, &s, &out, action, &req->err));
    STORE(follow_concerns(req, &s, &out));
    return api_audit(req, out.actor_role, arena_printf(req->arena, "suggestion.%s", action),
                     "suggestion", id,
                     json_pack("{s:s, s:s, s:s}", "from", sg_state_name(out.from), "to",
                               sg_state_name(out.to), "note", out.note ? out.note : ""));
}

static enum yy_err post_action(struct request *req, struct response *res)
{
    if (api_caller(req)->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    struct sg_input in;
    enum yy_err rc = suggestion_action_read(req, body, &in);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct db *db = api_app(req)->db;
    STORE(store_begin(db, &req->err));
    rc = act(req, id, &in);
    STORE(store_finish(db, rc, &req->err));
    return reply_suggestion(req, res, 200, id);
}

/* ---- PATCH /api/v1/suggestions/{id} ---------------------------------------------------
 * The author edits a draft: read-modify-write under the row lock, in one
 * transaction with the concerns it links or unlinks, the timeline entry
 * (edit) and the audit entry. */

/* A concern unlinked from the draft it had become goes back to its claimers
 * (the concern table's reopen: converted → claimed), as on withdrawal. */
static enum yy_err unlink_concern(struct request *req, int64_t suggestion_id, int64_t concern_id)
{
    struct db *db = api_app(req)->db;
    struct arena *a = req->arena;
    STORE(store_suggestion_link_tx(db, suggestion_id, concern_id, false, &req->err));
    struct concern c;
    STORE(store_concern_get_for_update(db, a, concern_id, &c, &req->err));
    if (c.status != CN_CONVERTED || c.suggestion_id != suggestion_id)
        return YY_OK; /* linked as background: nothing to give back */
    struct cn_decision d;
    cn_decide(c.status, CA_REOPEN, CN_ACTOR_SYSTEM, NULL, &d);
    if (d.result != YY_OK)
        return YY_OK;
    enum cn_state from = c.status;
    if (d.to != CN_SAME)
        c.status = (enum cn_state)d.to;
    c.updated_at = time_now();
    STORE(store_concern_update_tx(db, &c, &req->err));
    STORE(store_concern_event_tx(db, c.id, cn_action_name(CA_REOPEN), "system",
                                 "代表修改建议草稿时取消了与本意见的关联,意见回到认领代表处继续跟进",
                                 "", &req->err));
    return api_audit(req, "system", "concern.reopen", "concern", c.id,
                     json_pack("{s:s, s:s, s:I, s:s}", "from", cn_state_name(from), "to",
                               cn_state_name(c.status), "suggestion_id",
                               (json_int_t)suggestion_id, "because", "unlinked"));
}

static bool has(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static json_t *ids_json(const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_integer(ids[i]));
    return arr;
}

static enum yy_err edit(struct request *req, int64_t id, struct sg_input *in,
                        const int64_t *concern_ids, size_t n_concerns, bool has_concerns)
{
    struct db *db = api_app(req)->db;
    struct arena *a = req->arena;
    struct sg_caller c;
    struct suggestion s;
    struct sg_rules rules;
    caller_of(req, &c);
    STORE(store_suggestion_get_for_update(db, a, id, &s, &req->err));
    if (!sg_visible(&s, &c))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "建议不存在", NULL);
    unsigned actors = sg_actors(&s, &c);
    struct sg_decision d;
    sg_decide(s.status, SA_EDIT, actors, &d);
    if (d.result == YY_CONFLICT)
        return sg_refuse(a, &d, SA_EDIT, &req->err);
    if (d.result != YY_OK)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "只有领衔代表可以修改建议草稿", NULL);
    if (in->category) {
        bool found = false;
        STORE(store_category_exists(db, in->category, &found, &req->err));
        if (!found)
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_category", "建议类别不存在",
                           "category");
    }
    /* the concern links: new ones checked and converted as on POST, the
     * ones no longer named unlinked (and given back to their claimers) */
    struct suggestion_draft added = {0};
    int64_t *add = arena_calloc(a, n_concerns + 1, sizeof(int64_t));
    int64_t *gone = arena_calloc(a, s.n_concern_ids + 1, sizeof(int64_t));
    size_t n_gone = 0;
    if (has_concerns) {
        for (size_t i = 0; i < n_concerns; i++)
            if (!has(s.concern_ids, s.n_concern_ids, concern_ids[i]))
                add[added.n_concerns++] = concern_ids[i];
        for (size_t i = 0; i < s.n_concern_ids; i++)
            if (!has(concern_ids, n_concerns, s.concern_ids[i]))
                gone[n_gone++] = s.concern_ids[i];
    }
    added.concern_ids = add;
    struct link *links = arena_calloc(a, added.n_concerns + 1, sizeof(*links));
    STORE(check_links(req, s.author_id, &added, links));
    STORE(store_sg_rules(db, &rules, &req->err));
    int64_t *old_signers = arena_calloc(a, s.n_signers + 1, sizeof(int64_t));
    size_t n_old = 0;
    for (size_t i = 0; i < s.n_signers; i++)
        if (!s.signers[i].author)
            old_signers[n_old++] = s.signers[i].deputy_id;
    struct sg_outcome out;
    STORE(sg_apply(&rules, calendar_of(req), a, time_now(), actors, &c, &s, in, &out,
                   &req->err));
    if (added.n_concerns || n_gone)
        out.note = arena_printf(a, "%s%s关联的群众意见", out.note, *out.note ? "、" : "修改了");
    if (!*out.note)
        return YY_OK; /* nothing changed (a form sent twice): nothing to record */
    STORE(store_suggestion_save_tx(db, &s, &out, sg_action_name(SA_EDIT), &req->err));
    for (size_t i = 0; i < added.n_concerns; i++)
        STORE(store_suggestion_link_tx(db, id, add[i], true, &req->err));
    STORE(apply_links(req, s.author_id, id, links, added.n_concerns));
    for (size_t i = 0; i < n_gone; i++)
        STORE(unlink_concern(req, id, gone[i]));
    int64_t *now_signers = arena_calloc(a, s.n_signers + 1, sizeof(int64_t));
    size_t n_now = 0;
    for (size_t i = 0; i < s.n_signers; i++)
        if (!s.signers[i].author)
            now_signers[n_now++] = s.signers[i].deputy_id;
    json_t *detail = json_pack("{s:s, s:o, s:o, s:o, s:o}", "note", out.note,
                               "co_signer_ids_before", ids_json(old_signers, n_old),
                               "co_signer_ids", ids_json(now_signers, n_now), "concerns_linked",
                               ids_json(add, added.n_concerns), "concerns_unlinked",
                               ids_json(gone, n_gone));
    if (in->title)
        json_object_set_new(detail, "title", json_string(s.title));
    if (in->category)
        json_object_set_new(detail, "category", json_string(s.category));
    return api_audit(req, "deputy", "suggestion.edit", "suggestion", id, detail);
}

static enum yy_err patch_suggestion(struct request *req, struct response *res)
{
    if (api_caller(req)->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    struct sg_input in;
    const int64_t *concern_ids;
    size_t n_concerns;
    bool has_concerns;
    enum yy_err rc =
        suggestion_edit_read(req, body, &in, &concern_ids, &n_concerns, &has_concerns);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct db *db = api_app(req)->db;
    STORE(store_begin(db, &req->err));
    rc = edit(req, id, &in, concern_ids, n_concerns, has_concerns);
    STORE(store_finish(db, rc, &req->err));
    return reply_suggestion(req, res, 200, id);
}

/* ---- POST /api/v1/suggestions/{id}/ratings ------------------------------------------- */

static enum yy_err post_rating(struct request *req, struct response *res)
{
    const struct caller *k = api_caller(req);
    if (k->via != AUTH_NONE && !user_has_role(&k->user, ROLE_RESIDENT))
        return yy_fail(&req->err, YY_FORBIDDEN, "residents_only",
                       "网上评价由群众进行;请不登录或以群众账号评价", NULL);
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const fields[] = {"value", NULL};
    const char *value = NULL;
    enum sg_rating rating = SG_RATING_NONE;
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "value", true, 32, false, &value, NULL);
    if (rc == YY_OK && !sg_rating_from_name(value, &rating))
        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_rating",
                     "value 须为 satisfied、basically_satisfied 或 dissatisfied", "value");
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct sg_caller c;
    struct suggestion s;
    caller_of(req, &c);
    STORE(load_visible(req, id, &c, &s));
    if (!s.published)
        return yy_fail(&req->err, YY_CONFLICT, "not_published", "办理结果公开后才能评价", NULL);
    const char *rater;
    if (k->via != AUTH_NONE) {
        rater = arena_printf(req->arena, "user:%lld", (long long)k->user.id);
    } else {
        char hash[TOKEN_HASH_LEN + 1];
        token_hash(req->client ? req->client : "", hash);
        rater = arena_printf(req->arena, "addr:%s", hash);
    }
    struct db *db = api_app(req)->db;
    STORE(store_begin(db, &req->err));
    rc = store_public_rating_add_tx(db, id, rater, rating, &req->err);
    if (rc == YY_OK)
        rc = api_audit(req, "resident", "suggestion.rate", "suggestion", id,
                       json_pack("{s:s}", "value", sg_rating_name(rating)));
    STORE(store_finish(db, rc, &req->err));
    STORE(store_suggestion_get(db, req->arena, id, &s, &req->err));
    return api_reply(res, 201,
                     json_pack("{s:I, s:s, s:o, s:o}", "suggestion_id", (json_int_t)id, "value",
                               sg_rating_name(rating), "rated_at", json_time(time_now()),
                               "public_rating", ratings_json(&s)));
}

enum yy_err api_suggestions_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/api/v1/suggestions", get_suggestions},
        {"POST", "/api/v1/suggestions", post_suggestion},
        {"GET", "/api/v1/suggestions/{id}", get_suggestion},
        {"PATCH", "/api/v1/suggestions/{id}", patch_suggestion},
        {"POST", "/api/v1/suggestions/{id}/actions", post_action},
        {"POST", "/api/v1/suggestions/{id}/ratings", post_rating},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
