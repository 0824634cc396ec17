/* api_activities.c - 代表有约 activities (DOMAIN.md §3, §6; CONTRACT.md
 * "Resources"; docs/ACTIVITIES.md): planning one, the public list and record,
 * residents' registrations with check-in codes and the waiting list, and the
 * six actions (open cancel check_in record_attendance add_qa close).  The
 * rules are in domain/activity.c, the SQL in store/activity.c.
 *
 * Who may do what: admin every activity; street staff those of their street;
 * community staff those of their community (all three plan and run them);
 * staff of an invited unit write down their answers (add_qa); deputies and
 * everyone else only look.  Drafts are seen by the staff who may run them,
 * and are 404 for everyone else; the rest is public.  Residents' names and
 * phones: in full for staff in scope; masked for the other logged-in roles
 * that see the registrations (leaders, invited deputies and units); never in
 * public answers or the audit trail.
 */
#include "api/api_activities.h"

#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "domain/concern.h"
#include "domain/stats.h"
#include "store/activity.h"
#include "store/concern.h"
#include "store/store.h"

static json_t *jid(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jtime(int64_t t)
{
    return t ? json_time(t) : json_null();
}

static enum yy_err field_bad(struct request *req, const char *code, const char *msg,
                             const char *field)
{
    return yy_fail(&req->err, YY_BAD_INPUT, code, msg, field);
}

/* ---- reading bodies ------------------------------------------------------------ */

/* An optional array of distinct-or-not positive ids, at most max. */
static enum yy_err read_ids(struct request *req, json_t *body, const char *key, bool required,
                            size_t max, int64_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v)) {
        if (required)
            return field_bad(req, "missing_field", "此项必须填写", key);
        return YY_OK;
    }
    if (!json_is_array(v))
        return field_bad(req, "invalid_type", "此项须为整数数组", key);
    size_t k = json_array_size(v);
    if (k > max)
        return field_bad(req, "too_many", arena_printf(req->arena, "最多 %zu 项", max), key);
    int64_t *ids = arena_calloc(req->arena, k ? k : 1, sizeof(*ids));
    for (size_t i = 0; i < k; i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_integer(x) || json_integer_value(x) < 1)
            return field_bad(req, "invalid_type", "此项须为正整数数组", key);
        ids[i] = (int64_t)json_integer_value(x);
    }
    *out = ids;
    *n = k;
    return YY_OK;
}

static enum yy_err read_time(struct request *req, json_t *body, const char *key, int64_t *out)
{
    const char *s;
    STORE(json_get_text(req, body, key, true, 40, false, &s, NULL));
    if (!time_parse_rfc3339(s, out))
        return field_bad(req, "invalid_time", "时间格式须为 RFC 3339,如 2026-12-01T09:30:00+08:00",
                         key);
    return YY_OK;
}

enum yy_err activity_body_read(struct request *req, json_t *body, struct activity_body *out)
{
    memset(out, 0, sizeof(*out));
    static const char *const fields[] = {"kind",       "title",     "theme",     "station_id",
                                         "venue",      "starts_at", "ends_at",   "capacity",
                                         "deputy_ids", "unit_ids",  "street_id", NULL};
    struct activity_input *in = &out->in;
    STORE(json_only_fields(body, fields, &req->err));
    const char *kind;
    STORE(json_get_text(req, body, "kind", true, 32, false, &kind, NULL));
    if (!act_kind_from_name(kind, &in->kind))
        return field_bad(req, "invalid_kind",
                         "kind 须为 learn(共学)、talk(共话)、build(共建)、supervise(共督)、"
                         "evaluate(共评)或 share(共享)",
                         "kind");
    STORE(json_get_text(req, body, "title", true, ACTIVITY_TITLE_MAX, false, &in->title, NULL));
    STORE(json_get_text(req, body, "theme", false, ACTIVITY_THEME_MAX, true, &in->theme, NULL));
    STORE(json_get_int(req, body, "station_id", false, 1, INT64_MAX, &in->station_id, NULL));
    STORE(json_get_text(req, body, "venue", false, ACTIVITY_VENUE_MAX, false, &in->venue, NULL));
    if (in->venue && !*in->venue)
        in->venue = NULL;
    STORE(read_time(req, body, "starts_at", &in->starts_at));
    STORE(read_time(req, body, "ends_at", &in->ends_at));
    STORE(json_get_int(req, body, "capacity", true, INT64_MIN, INT64_MAX, &in->capacity, NULL));
    int64_t *ids;
    size_t n;
    STORE(read_ids(req, body, "deputy_ids", false, ACTIVITY_IDS_MAX, &ids, &n));
    in->deputy_ids = ids;
    in->n_deputies = n;
    STORE(read_ids(req, body, "unit_ids", false, ACTIVITY_IDS_MAX, &ids, &n));
    in->unit_ids = ids;
    in->n_units = n;
    STORE(json_get_int(req, body, "street_id", false, 1, INT64_MAX, &out->street_id, NULL));
    return YY_OK;
}

enum yy_err activity_action_read(struct request *req, json_t *body,
                                 struct activity_action_body *out)
{
    memset(out, 0, sizeof(*out));
    const char *name;
    STORE(json_get_text(req, body, "action", true, 32, false, &name, NULL));
    if (!act_action_from_name(name, &out->action))
        return field_bad(req, "invalid_action",
                         "action 须为 open、cancel、check_in、record_attendance、add_qa 或 close",
                         "action");
    static const char *const none[] = {"action", NULL};
    static const char *const cancel[] = {"action", "reason", NULL};
    static const char *const check_in[] = {"action", "code", NULL};
    static const char *const attendance[] = {"action", "deputy_ids", NULL};
    static const char *const qa[] = {"action", "question", "answer", "unit_id", NULL};
    static const char *const close[] = {"action", "minutes", "suggestion_ids", NULL};
    static const char *const *const fields[AA_ACTION_COUNT] = {
        [AA_OPEN] = none,         [AA_CANCEL] = cancel,
        [AA_CHECK_IN] = check_in, [AA_RECORD_ATTENDANCE] = attendance,
        [AA_ADD_QA] = qa,         [AA_CLOSE] = close,
    };
    STORE(json_only_fields(body, fields[out->action], &req->err));
    switch (out->action) {
    case AA_OPEN:
        break;
    case AA_CANCEL:
        STORE(
            json_get_text(req, body, "reason", true, ACTIVITY_NOTE_MAX, true, &out->reason, NULL));
        break;
    case AA_CHECK_IN: {
        const char *code;
        STORE(json_get_text(req, body, "code", true, 32, false, &code, NULL));
        char norm[CHECK_IN_CODE_LEN + 1];
        if (!activity_code_normalize(code, norm))
            return field_bad(req, "invalid_code", "签到码须为 6 位数字", "code");
        out->code = arena_strdup(req->arena, norm);
        break;
    }
    case AA_RECORD_ATTENDANCE:
        STORE(read_ids(req, body, "deputy_ids", true, 2 * ACTIVITY_IDS_MAX, &out->deputy_ids,
                       &out->n_deputies));
        for (size_t i = 0; i < out->n_deputies; i++)
            for (size_t k = i + 1; k < out->n_deputies; k++)
                if (out->deputy_ids[i] == out->deputy_ids[k])
                    return field_bad(req, "duplicate_id", "同一位代表不能重复填写", "deputy_ids");
        break;
    case AA_ADD_QA:
        STORE(json_get_text(req, body, "question", true, ACTIVITY_NOTE_MAX, true, &out->question,
                            NULL));
        STORE(
            json_get_text(req, body, "answer", true, ACTIVITY_NOTE_MAX, true, &out->answer, NULL));
        STORE(json_get_int(req, body, "unit_id", false, 1, INT64_MAX, &out->unit_id, NULL));
        break;
    case AA_CLOSE:
        STORE(json_get_text(req, body, "minutes", true, ACTIVITY_MINUTES_MAX, true, &out->minutes,
                            NULL));
        STORE(read_ids(req, body, "suggestion_ids", false, ACTIVITY_IDS_MAX, &out->suggestion_ids,
                       &out->n_suggestions));
        for (size_t i = 0; i < out->n_suggestions; i++)
            for (size_t k = i + 1; k < out->n_suggestions; k++)
                if (out->suggestion_ids[i] == out->suggestion_ids[k])
                    return field_bad(req, "duplicate_id", "同一件建议不能重复填写",
                                     "suggestion_ids");
        break;
    }
    /* blank texts are absent texts: a required one must say something */
    const char *required = out->action == AA_CANCEL   ? out->reason
                           : out->action == AA_CLOSE  ? out->minutes
                           : out->action == AA_ADD_QA ? out->question
                                                      : "x";
    const char *key = out->action == AA_CANCEL  ? "reason"
                      : out->action == AA_CLOSE ? "minutes"
                                                : "question";
    bool blank = true;
    for (const char *p = required; *p; p++)
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
            blank = false;
    if (blank)
        return field_bad(req, "missing_field", "此项必须填写", key);
    if (out->action == AA_ADD_QA) {
        blank = true;
        for (const char *p = out->answer; *p; p++)
            if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
                blank = false;
        if (blank)
            return field_bad(req, "missing_field", "此项必须填写", "answer");
    }
    return YY_OK;
}

/* ---- who the caller is to an activity ---------------------------------------------- */

struct relation {
    unsigned actors;    /* enum act_actor bits; 0: may not see it (a draft) */
    bool full_contact;  /* registrants' names and phones in full */
    bool registrations; /* sees the registration list (masked unless full_contact) */
    int64_t unit_id;    /* the invited unit the caller answers for */
};

static enum yy_err relate(struct request *req, const struct activity *a, struct relation *rel)
{
    memset(rel, 0, sizeof(*rel));
    struct db *db = api_app(req)->db;
    const struct caller *caller = api_caller(req);
    if (caller->via != AUTH_NONE) {
        const struct user *u = &caller->user;
        struct activity_deputy *deps = NULL;
        size_t n_deps = 0;
        bool deps_loaded = false;
        for (size_t i = 0; i < u->n_roles; i++) {
            int64_t s = u->roles[i].scope_id;
            switch (u->roles[i].role) {
            case ROLE_ADMIN:
                rel->actors |= ACT_ACTOR_ADMIN;
                break;
            case ROLE_STREET_STAFF:
                if (s && a->street_id == s)
                    rel->actors |= ACT_ACTOR_STREET;
                break;
            case ROLE_COMMUNITY_STAFF:
                if (s && a->community_id == s)
                    rel->actors |= ACT_ACTOR_COMMUNITY;
                break;
            case ROLE_UNIT_STAFF: {
                bool invited = false;
                if (s)
                    STORE(store_activity_unit_invited(db, a->id, s, &invited, &req->err));
                if (invited) {
                    rel->actors |= ACT_ACTOR_UNIT;
                    rel->unit_id = s;
                    rel->registrations = true;
                }
                break;
            }
            case ROLE_DEPUTY:
                if (!deps_loaded) {
                    STORE(
                        store_activity_deputies(db, req->arena, a->id, &deps, &n_deps, &req->err));
                    deps_loaded = true;
                }
                for (size_t k = 0; k < n_deps; k++)
                    if (deps[k].deputy_id == s) {
                        rel->actors |= ACT_ACTOR_DEPUTY;
                        rel->registrations = true;
                    }
                break;
            case ROLE_LEADER:
                rel->registrations = true;
                break;
            case ROLE_RESIDENT:
            case ROLE_PROCURATOR:
                break;
            }
        }
    }
    if (rel->actors & ACT_ACTOR_STAFF)
        rel->full_contact = rel->registrations = true;
    if (a->status == AS_DRAFT && !(rel->actors & ACT_ACTOR_STAFF)) {
        rel->actors = 0; /* drafts: planning staff only */
        rel->registrations = false;
    } else {
        rel->actors |= ACT_ACTOR_OBSERVER;
    }
    return YY_OK;
}

static const char *role_as(unsigned bits)
{
    if (bits & ACT_ACTOR_ADMIN)
        return "admin";
    if (bits & ACT_ACTOR_STREET)
        return "street_staff";
    if (bits & ACT_ACTOR_COMMUNITY)
        return "community_staff";
    if (bits & ACT_ACTOR_UNIT)
        return "unit_staff";
    return "resident";
}

static enum yy_err notice_days(struct request *req, int64_t *out)
{
    STORE(store_setting_int(api_app(req)->db, "activity_notice_days", 3, out, &req->err));
    if (*out < 0 || *out > 60)
        *out = 3;
    return YY_OK;
}

/* ---- views ---------------------------------------------------------------------- */

/* The public fields of an activity, with its registration counts. */
static enum yy_err activity_json(struct request *req, const struct activity *a, json_t **out)
{
    struct activity_counts c;
    STORE(store_activity_counts(api_app(req)->db, a->id, &c, &req->err));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "kind", json_string(act_kind_name(a->kind)));
    json_object_set_new(o, "kind_label", json_string(act_kind_label_zh(a->kind)));
    json_object_set_new(o, "title", json_string(a->title));
    json_object_set_new(o, "theme", json_string(a->theme));
    json_object_set_new(o, "station_id", jid(a->station_id));
    json_object_set_new(o, "station_name", jstr(a->station_name));
    json_object_set_new(o, "venue", json_string(a->venue));
    json_object_set_new(o, "street_id", jid(a->street_id));
    json_object_set_new(o, "community_id", jid(a->community_id));
    json_object_set_new(o, "starts_at", json_time(a->starts_at));
    json_object_set_new(o, "ends_at", json_time(a->ends_at));
    json_object_set_new(o, "capacity", json_integer(a->capacity));
    json_object_set_new(o, "status", json_string(act_state_name(a->status)));
    json_object_set_new(o, "status_label", json_string(act_state_label_zh(a->status)));
    json_object_set_new(o, "confirmed", json_integer(c.confirmed));
    json_object_set_new(o, "waitlisted", json_integer(c.waitlisted));
    json_object_set_new(o, "checked_in", json_integer(c.checked_in));
    int64_t left = a->capacity - c.confirmed;
    json_object_set_new(o, "places_left", json_integer(left > 0 ? left : 0));
    json_object_set_new(o, "published_at", jtime(a->published_at));
    *out = o;
    return YY_OK;
}

/* One activity with its record, as the caller may see it. */
static enum yy_err activity_full_json(struct request *req, const struct activity *a,
                                      const struct relation *rel, json_t **out)
{
    struct db *db = api_app(req)->db;
    struct arena *ar = req->arena;
    struct activity_deputy *deps;
    struct activity_unit *units;
    struct activity_qa *qa;
    struct activity_concern *concerns;
    int64_t *sugg;
    size_t n_deps, n_units, n_qa, n_concerns, n_sugg;
    STORE(store_activity_deputies(db, ar, a->id, &deps, &n_deps, &req->err));
    STORE(store_activity_units(db, ar, a->id, &units, &n_units, &req->err));
    STORE(store_activity_qa(db, ar, a->id, &qa, &n_qa, &req->err));
    STORE(store_activity_concerns(db, ar, a->id, &concerns, &n_concerns, &req->err));
    STORE(store_activity_suggestions(db, ar, a->id, &sugg, &n_sugg, &req->err));
    json_t *o;
    STORE(activity_json(req, a, &o));
    json_object_set_new(o, "cancel_reason", jstr(a->cancel_reason));
    json_object_set_new(o, "minutes", jstr(a->minutes));
    json_object_set_new(o, "cancelled_at", jtime(a->cancelled_at));
    json_object_set_new(o, "closed_at", jtime(a->closed_at));
    json_object_set_new(o, "created_at", json_time(a->created_at));
    json_object_set_new(o, "updated_at", json_time(a->updated_at));
    json_t *jd = json_array();
    int64_t attended = 0;
    for (size_t i = 0; i < n_deps; i++) {
        attended += deps[i].attended;
        json_array_append_new(jd,
                              json_pack("{s:I, s:s, s:b, s:b}", "deputy_id",
                                        (json_int_t)deps[i].deputy_id, "name", deps[i].name,
                                        "invited", deps[i].invited, "attended", deps[i].attended));
    }
    json_object_set_new(o, "deputies", jd);
    json_object_set_new(o, "deputy_attendance", json_integer(attended)); /* 人次 */
    json_t *ju = json_array();
    for (size_t i = 0; i < n_units; i++)
        json_array_append_new(ju, json_pack("{s:I, s:s}", "unit_id", (json_int_t)units[i].unit_id,
                                            "name", units[i].name));
    json_object_set_new(o, "units", ju);
    json_t *jq = json_array();
    for (size_t i = 0; i < n_qa; i++)
        json_array_append_new(
            jq, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)qa[i].id, "question",
                          qa[i].question, "answer", qa[i].answer, "unit_id", jid(qa[i].unit_id),
                          "unit_name", jstr(qa[i].unit_name), "at", json_time(qa[i].at)));
    json_object_set_new(o, "qa", jq);
    json_t *jc = json_array();
    for (size_t i = 0; i < n_concerns; i++) {
        enum cn_state s = CN_NEW;
        cn_state_from_name(concerns[i].status, &s);
        json_array_append_new(jc,
                              json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)concerns[i].id,
                                        "title", concerns[i].title, "status", concerns[i].status,
                                        "status_label", cn_state_label_zh(s)));
    }
    json_object_set_new(o, "concerns", jc);
    json_t *js = json_array();
    for (size_t i = 0; i < n_sugg; i++)
        json_array_append_new(js, json_integer(sugg[i]));
    json_object_set_new(o, "suggestion_ids", js);

    int64_t days;
    STORE(notice_days(req, &days));
    struct act_facts facts = act_facts_at(a->starts_at, a->ends_at, time_now(), days);
    struct act_decision d;
    act_decide(a->status, AA_OPEN, rel->actors, &facts, &d);
    json_t *allowed = json_array();
    for (size_t i = 0; i < d.n_allowed; i++)
        json_array_append_new(allowed, json_string(act_action_name(d.allowed[i])));
    json_object_set_new(o, "actions", allowed);

    if (rel->registrations) {
        struct registration *regs;
        size_t n_regs;
        STORE(store_registrations(db, ar, a->id, &regs, &n_regs, &req->err));
        json_t *jr = json_array();
        for (size_t i = 0; i < n_regs; i++) {
            const struct registration *r = &regs[i];
            const char *name = r->name, *phone = r->phone;
            if (!rel->full_contact) {
                name = concern_mask_name(ar, name);
                phone = concern_mask_phone(ar, phone);
            }
            json_t *x = json_pack(
                "{s:I, s:o, s:o, s:b, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)r->id, "name",
                jstr(name), "phone", jstr(phone), "has_account", r->user_id != 0, "status",
                reg_status_name(r->status), "status_label", reg_status_label_zh(r->status),
                "position", (json_int_t)r->position, "created_at", json_time(r->created_at),
                "checked_in_at", jtime(r->checked_in_at));
            if (rel->full_contact)
                json_object_set_new(x, "check_in_code", json_string(r->code));
            json_array_append_new(jr, x);
        }
        json_object_set_new(o, "registrations", jr);
        json_object_set_new(o, "contact_masked", json_boolean(!rel->full_contact));
    }
    *out = o;
    return YY_OK;
}

/* ---- POST /api/v1/activities ------------------------------------------------------ */

/* Where the activity belongs and whether the caller may plan it there. */
static enum yy_err place_activity(struct request *req, const struct activity_body *b,
                                  struct activity *a, const char **as)
{
    struct db *db = api_app(req)->db;
    const struct user *u = &api_caller(req)->user;
    if (b->in.station_id) {
        struct station s;
        enum yy_err rc = store_station_get(db, req->arena, b->in.station_id, &s, &req->err);
        if (rc == YY_NOT_FOUND)
            return field_bad(req, "unknown_station", "站点不存在", "station_id");
        STORE(rc);
        if (b->street_id && b->street_id != s.street_id)
            return field_bad(req, "street_mismatch", "站点不在所填街道", "street_id");
        a->street_id = s.street_id;
        a->community_id = s.community_id;
    } else if (b->street_id) {
        struct region r;
        enum yy_err rc = store_region_get(db, req->arena, b->street_id, &r, &req->err);
        if (rc == YY_OK && r.kind != REGION_STREET && r.kind != REGION_DEV_ZONE)
            rc = YY_NOT_FOUND;
        if (rc == YY_NOT_FOUND)
            return field_bad(req, "unknown_street", "街道不存在", "street_id");
        STORE(rc);
        a->street_id = r.id;
    }
    /* the first grant that may plan it here decides; a venue without a
     * street takes the planner's own street or community */
    for (size_t i = 0; i < u->n_roles; i++) {
        int64_t s = u->roles[i].scope_id;
        switch (u->roles[i].role) {
        case ROLE_ADMIN:
            *as = "admin";
            return YY_OK;
        case ROLE_STREET_STAFF:
            if (!b->in.station_id && !b->street_id)
                a->street_id = s;
            if (a->street_id == s) {
                *as = "street_staff";
                return YY_OK;
            }
            break;
        case ROLE_COMMUNITY_STAFF: {
            if (!b->in.station_id && !b->street_id) {
                struct region r;
                STORE(store_region_get(db, req->arena, s, &r, &req->err));
                a->street_id = r.parent_id;
                a->community_id = s;
            }
            if (a->community_id == s) {
                *as = "community_staff";
                return YY_OK;
            }
            break;
        }
        default:
            break;
        }
    }
    bool staff = user_has_role(u, ROLE_STREET_STAFF) || user_has_role(u, ROLE_COMMUNITY_STAFF);
    return yy_fail(&req->err, YY_FORBIDDEN, "forbidden",
                   staff ? "只能为本街道(社区)的站点安排活动" : "只有人大工作人员可以安排活动",
                   staff ? (b->in.station_id ? "station_id" : "street_id") : NULL);
}

/* Answers with activity id as it is now, after a write (status 201 or 200). */
static enum yy_err reply_activity(struct request *req, struct response *res, int status, int64_t id)
{
    struct activity a;
    struct relation rel;
    STORE(store_activity_get(api_app(req)->db, req->arena, id, &a, &req->err));
    STORE(relate(req, &a, &rel));
    json_t *o;
    STORE(activity_full_json(req, &a, &rel, &o));
    return api_reply(res, status, o);
}

/* Each of ids names a deputy (units: a handling unit); else 400
 * unknown_deputy / unknown_unit on deputy_ids / unit_ids. */
static enum yy_err ids_exist(struct request *req, bool units, const int64_t *ids, size_t n)
{
    struct db *db = api_app(req)->db;
    for (size_t i = 0; i < n; i++) {
        struct deputy d;
        struct unit u;
        enum yy_err rc = units ? store_unit_get(db, req->arena, ids[i], &u, &req->err)
                               : store_deputy_get(db, req->arena, ids[i], &d, &req->err);
        if (rc == YY_NOT_FOUND)
            return field_bad(req, units ? "unknown_unit" : "unknown_deputy",
                             arena_printf(req->arena, "%s %lld 不存在", units ? "单位" : "代表",
                                          (long long)ids[i]),
                             units ? "unit_ids" : "deputy_ids");
        STORE(rc);
    }
    return YY_OK;
}

static enum yy_err post_activity(struct request *req, struct response *res)
{
    if (api_caller(req)->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const struct user *u = &api_caller(req)->user;
    if (!user_has_role(u, ROLE_ADMIN) && !user_has_role(u, ROLE_STREET_STAFF) &&
        !user_has_role(u, ROLE_COMMUNITY_STAFF))
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "只有人大工作人员可以安排活动", NULL);
    json_t *body;
    STORE(api_body_object(req, &body));
    struct activity_body b;
    enum yy_err rc = activity_body_read(req, body, &b);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    int64_t now = time_now();
    STORE(activity_input_validate(&b.in, now, &req->err));
    struct db *db = api_app(req)->db;
    struct activity a = {.kind = b.in.kind,
                         .title = b.in.title,
                         .theme = b.in.theme ? b.in.theme : "",
                         .station_id = b.in.station_id,
                         .venue = b.in.venue ? b.in.venue : "",
                         .starts_at = b.in.starts_at,
                         .ends_at = b.in.ends_at,
                         .capacity = b.in.capacity,
                         .status = AS_DRAFT,
                         .created_by = u->id,
                         .created_at = now,
                         .updated_at = now};
    const char *as = NULL;
    STORE(place_activity(req, &b, &a, &as));
    STORE(ids_exist(req, false, b.in.deputy_ids, b.in.n_deputies));
    STORE(ids_exist(req, true, b.in.unit_ids, b.in.n_units));
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_activity_insert_tx(db, &a, b.in.deputy_ids, b.in.n_deputies, b.in.unit_ids,
                                      b.in.n_units, &req->err);
    if (rc == YY_OK)
        rc = api_audit(req, as, "activity.create", "activity", a.id,
                       json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:I}", "kind",
                                 act_kind_name(a.kind), "title", a.title, "station_id",
                                 jid(a.station_id), "street_id", jid(a.street_id), "starts_at",
                                 (json_int_t)a.starts_at, "ends_at", (json_int_t)a.ends_at,
                                 "capacity", (json_int_t)a.capacity));
    STORE(store_finish(db, rc, &req->err));
    return reply_activity(req, res, 201, a.id);
}

/* ---- GET: the list, one activity ----------------------------------------------------- */

/* A from/to bound: a day (YYYY-MM-DD: its start, or for `to` its end) or an
 * RFC 3339 time. */
static enum yy_err query_bound(struct request *req, const char *key, bool end, int64_t *out)
{
    const char *s;
    STORE(query_text(req, key, 40, &s));
    *out = 0;
    if (!s)
        return YY_OK;
    int64_t day;
    if (stats_parse_date(s, &day)) {
        *out = (day + (end ? 1 : 0)) * 86400 - TIME_CST_OFFSET;
        return YY_OK;
    }
    if (time_parse_rfc3339(s, out))
        return YY_OK;
    return field_bad(req, "invalid_parameter", "须为日期(YYYY-MM-DD)或 RFC 3339 时间", key);
}

static enum yy_err get_activities(struct request *req, struct response *res)
{
    struct page pg;
    struct activity_filter f = {0};
    STORE(api_page(req, &pg));
    STORE(query_int(req, "station", 1, INT64_MAX, &f.station_id, NULL));
    STORE(query_int(req, "street", 1, INT64_MAX, &f.street_id, NULL));
    STORE(query_int(req, "deputy", 1, INT64_MAX, &f.deputy_id, NULL));
    const char *kind, *status;
    STORE(query_text(req, "kind", 32, &kind));
    if (kind) {
        if (!act_kind_from_name(kind, &f.kind))
            return field_bad(req, "invalid_parameter",
                             "kind 须为 learn、talk、build、supervise、evaluate 或 share", "kind");
        f.by_kind = true;
    }
    STORE(query_text(req, "status", 32, &status));
    if (status) {
        enum act_state s;
        if (!act_state_from_name(status, &s))
            return field_bad(req, "invalid_parameter",
                             "status 须为 draft、open、closed 或 cancelled", "status");
        f.states = 1u << s;
    }
    STORE(query_bound(req, "from", false, &f.from));
    STORE(query_bound(req, "to", true, &f.to));
    if (f.from && f.to && f.to <= f.from)
        return field_bad(req, "invalid_parameter", "to 须晚于 from", "to");
    /* drafts: those the caller may run */
    int64_t streets[4], communities[4];
    const struct caller *caller = api_caller(req);
    if (caller->via != AUTH_NONE) {
        const struct user *u = &caller->user;
        for (size_t i = 0; i < u->n_roles; i++) {
            int64_t s = u->roles[i].scope_id;
            if (u->roles[i].role == ROLE_ADMIN)
                f.drafts_all = true;
            else if (u->roles[i].role == ROLE_STREET_STAFF && f.n_draft_streets < 4)
                streets[f.n_draft_streets++] = s;
            else if (u->roles[i].role == ROLE_COMMUNITY_STAFF && f.n_draft_communities < 4)
                communities[f.n_draft_communities++] = s;
        }
    }
    f.draft_streets = streets;
    f.draft_communities = communities;
    f.offset = pg.after;
    f.limit = pg.limit + 1;
    struct activity *items;
    size_t n;
    STORE(store_activities_list(api_app(req)->db, req->arena, &f, &items, &n, &req->err));
    size_t shown = n > pg.limit ? pg.limit : n;
    json_t *arr = json_array();
    for (size_t i = 0; i < shown; i++) {
        json_t *o;
        enum yy_err rc = activity_json(req, &items[i], &o);
        if (rc != YY_OK) {
            json_decref(arr);
            return rc;
        }
        json_array_append_new(arr, o);
    }
    return api_reply(
        res, 200, api_list(arr, n > pg.limit ? api_cursor(req, pg.after + (int64_t)shown) : NULL));
}

static enum yy_err get_activity(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    struct activity a;
    struct relation rel;
    STORE(store_activity_get(api_app(req)->db, req->arena, id, &a, &req->err));
    STORE(relate(req, &a, &rel));
    if (!rel.actors)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    json_t *o;
    STORE(activity_full_json(req, &a, &rel, &o));
    return api_reply(res, 200, o);
}

/* ---- registrations -------------------------------------------------------------------- */

static enum yy_err post_registration(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const fields[] = {"name", "phone", NULL};
    struct registration r = {.activity_id = id};
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "name", false, ACTIVITY_NAME_MAX, false, &r.name, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "phone", false, ACTIVITY_PHONE_MAX, false, &r.phone, NULL);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    if (r.name && !*r.name)
        r.name = NULL;
    if (r.phone && !*r.phone)
        r.phone = NULL;
    const struct caller *caller = api_caller(req);
    bool resident = caller->via != AUTH_NONE && user_has_role(&caller->user, ROLE_RESIDENT);
    if (resident) {
        r.user_id = caller->user.id;
        if (!r.name)
            r.name = caller->user.name;
    } else {
        if (!r.name)
            return field_bad(req, "missing_field", "请填写姓名", "name");
        if (!r.phone)
            return field_bad(req, "missing_field", "请填写手机号码", "phone");
    }
    if (r.phone && !concern_phone_valid(r.phone))
        return field_bad(req, "invalid_phone", "电话号码格式不正确", "phone");

    struct db *db = api_app(req)->db;
    int64_t now = time_now();
    r.created_at = now;
    struct activity a;
    struct relation rel;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_activity_get_for_update(db, req->arena, id, &a, &req->err);
    if (rc == YY_OK)
        rc = relate(req, &a, &rel);
    if (rc == YY_OK && !rel.actors)
        rc = yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    if (rc == YY_OK)
        rc = activity_registration_open(a.status, a.starts_at, a.capacity, now, &req->err);
    if (rc == YY_OK)
        rc = store_registration_add_tx(db, req->arena, a.capacity, &r, &req->err);
    /* staff registering someone at the desk act in their first role */
    const char *as = resident ? "resident"
                     : caller->via != AUTH_NONE && caller->user.n_roles
                         ? role_name(caller->user.roles[0].role)
                         : "anonymous";
    if (rc == YY_OK)
        rc = api_audit(req, as, "activity.register", "activity", a.id,
                       json_pack("{s:I, s:s, s:I, s:b}", "registration_id", (json_int_t)r.id,
                                 "status", reg_status_name(r.status), "position",
                                 (json_int_t)r.position, "account", r.user_id != 0));
    STORE(store_finish(db, rc, &req->err));
    /* the place in the waiting list: how many wait before, plus one */
    int64_t ahead = 0;
    if (r.status == REG_WAITLISTED) {
        struct registration *regs;
        size_t n;
        STORE(store_registrations(db, req->arena, id, &regs, &n, &req->err));
        for (size_t i = 0; i < n; i++)
            if (regs[i].status == REG_WAITLISTED && regs[i].position < r.position)
                ahead++;
    }
    return api_reply(res, 201,
                     json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)r.id,
                               "activity_id", (json_int_t)id, "status", reg_status_name(r.status),
                               "status_label", reg_status_label_zh(r.status), "check_in_code",
                               r.code, "position", (json_int_t)r.position, "waitlist_position",
                               r.status == REG_WAITLISTED ? json_integer(ahead + 1) : json_null(),
                               "created_at", json_time(r.created_at)));
}

static enum yy_err post_registration_cancel(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    static const char *const fields[] = {"check_in_code", "phone", NULL};
    const char *code = NULL, *phone = NULL;
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "check_in_code", true, 32, false, &code, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "phone", false, ACTIVITY_PHONE_MAX, false, &phone, NULL);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    char norm[CHECK_IN_CODE_LEN + 1];
    if (!activity_code_normalize(code, norm))
        return field_bad(req, "invalid_code", "签到码须为 6 位数字", "check_in_code");

    struct db *db = api_app(req)->db;
    const struct caller *caller = api_caller(req);
    int64_t now = time_now();
    struct activity a;
    struct relation rel;
    struct registration r;
    int64_t promoted = 0;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = store_activity_get_for_update(db, req->arena, id, &a, &req->err);
    if (rc == YY_OK)
        rc = relate(req, &a, &rel);
    if (rc == YY_OK && !rel.actors)
        rc = yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    if (rc == YY_OK) {
        rc = store_registration_by_code(db, req->arena, id, norm, &r, &req->err);
        /* the code and the phone (or the account, or staff in scope) together:
         * six digits alone are too easy to guess */
        bool mine = rc == YY_OK &&
                    ((phone && r.phone && !strcmp(phone, r.phone)) ||
                     (caller->via != AUTH_NONE && r.user_id && r.user_id == caller->user.id) ||
                     (rel.actors & ACT_ACTOR_STAFF));
        if (rc == YY_NOT_FOUND || (rc == YY_OK && !mine))
            rc = yy_fail(&req->err, YY_NOT_FOUND, "unknown_registration",
                         "没有找到这个签到码和手机号对应的报名", "check_in_code");
    }
    if (rc == YY_OK && r.status == REG_CANCELLED)
        rc = yy_fail(&req->err, YY_CONFLICT, "already_cancelled", "这份报名已经取消", NULL);
    if (rc == YY_OK && r.status == REG_CHECKED_IN)
        rc = yy_fail(&req->err, YY_CONFLICT, "already_checked_in", "已经签到,不能取消报名", NULL);
    if (rc == YY_OK && a.status != AS_OPEN)
        rc = activity_registration_open(a.status, a.starts_at, 1, now, &req->err);
    if (rc == YY_OK && now >= a.starts_at)
        rc = yy_fail(&req->err, YY_CONFLICT, "activity_started", "活动已经开始,不能取消报名", NULL);
    if (rc == YY_OK)
        rc = store_registration_cancel_tx(db, a.capacity, &r, &promoted, &req->err);
    if (rc == YY_OK)
        rc = api_audit(req,
                       (rel.actors & ACT_ACTOR_STAFF) ? role_as(rel.actors)
                       : r.user_id                    ? "resident"
                                                      : "anonymous",
                       "activity.registration_cancel", "activity", a.id,
                       json_pack("{s:I, s:o}", "registration_id", (json_int_t)r.id,
                                 "promoted_registration_id", jid(promoted)));
    STORE(store_finish(db, rc, &req->err));
    return api_reply(res, 200,
                     json_pack("{s:I, s:I, s:s, s:s, s:b}", "id", (json_int_t)r.id, "activity_id",
                               (json_int_t)id, "status", "cancelled", "status_label",
                               reg_status_label_zh(REG_CANCELLED), "promoted", promoted != 0));
}

/* ---- POST /api/v1/activities/{id}/actions ------------------------------------------------ */

static enum yy_err transition_refused(struct request *req, const struct act_decision *d,
                                      enum act_action action, enum act_state state, int64_t days)
{
    if (d->result == YY_FORBIDDEN)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限对这场活动执行此操作", NULL);
    const char **names = arena_calloc(req->arena, d->n_allowed + 1, sizeof(*names));
    for (size_t i = 0; i < d->n_allowed; i++)
        names[i] = act_action_name(d->allowed[i]);
    const char *code = "invalid_transition";
    const char *msg = arena_printf(req->arena, "活动当前状态为“%s”,不能执行 %s",
                                   act_state_label_zh(state), act_action_name(action));
    if (d->failed & ACT_G_NOTICE) {
        code = "notice_too_short";
        msg = arena_printf(req->arena, "活动须至少提前 %lld 天发布预告", (long long)days);
    } else if (d->failed & ACT_G_STARTED) {
        code = "not_started";
        msg = "活动尚未开始";
    } else if (d->failed & ACT_G_ENDED) {
        code = "not_ended";
        msg = "活动尚未结束,结束后才能填写活动记录并结束活动";
    } else if (d->failed & ACT_G_NOT_ENDED) {
        code = "already_ended";
        msg = "活动已经结束";
    }
    yy_fail(&req->err, YY_CONFLICT, code, msg, NULL);
    req->err.allowed = names;
    req->err.n_allowed = d->n_allowed;
    return YY_CONFLICT;
}

static enum yy_err run_action(struct request *req, int64_t id,
                              const struct activity_action_body *act, struct activity *a,
                              struct relation *rel)
{
    struct db *db = api_app(req)->db;
    struct arena *ar = req->arena;
    STORE(store_activity_get_for_update(db, ar, id, a, &req->err));
    STORE(relate(req, a, rel));
    if (!rel->actors)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    int64_t now = time_now(), days;
    STORE(notice_days(req, &days));
    struct act_facts facts = act_facts_at(a->starts_at, a->ends_at, now, days);
    struct act_decision d;
    act_decide(a->status, act->action, rel->actors, &facts, &d);
    if (d.result != YY_OK)
        return transition_refused(req, &d, act->action, a->status, days);
    unsigned permitting = 0;
    for (size_t i = 0; i < act_table_n; i++)
        if (act_table[i].from == a->status && act_table[i].action == act->action)
            permitting |= act_table[i].actors;
    const char *as = role_as(permitting & rel->actors);

    json_t *detail = json_object();
    json_object_set_new(detail, "from", json_string(act_state_name(a->status)));
    enum yy_err rc = YY_OK;
    switch (act->action) {
    case AA_OPEN:
        a->published_at = now;
        break;
    case AA_CANCEL:
        a->cancel_reason = act->reason;
        a->cancelled_at = now;
        rc = store_registrations_cancel_all_tx(db, a->id, now, &req->err);
        json_object_set_new(detail, "reason", json_string(act->reason));
        break;
    case AA_CHECK_IN: {
        struct registration r;
        rc = store_registration_by_code(db, ar, a->id, act->code, &r, &req->err);
        if (rc == YY_NOT_FOUND)
            rc = field_bad(req, "unknown_check_in_code", "这场活动没有这个签到码", "code");
        else if (rc == YY_OK && r.status == REG_CHECKED_IN)
            rc = yy_fail(&req->err, YY_CONFLICT, "already_checked_in", "已经签到过了", "code");
        else if (rc == YY_OK && r.status == REG_CANCELLED)
            rc = yy_fail(&req->err, YY_CONFLICT, "registration_cancelled", "这份报名已经取消",
                         "code");
        else if (rc == YY_OK && r.status == REG_WAITLISTED)
            rc = yy_fail(&req->err, YY_CONFLICT, "registration_waitlisted",
                         "这份报名仍在候补,尚未获得名额", "code");
        if (rc == YY_OK)
            rc = store_registration_check_in_tx(db, r.id, now, &req->err);
        if (rc == YY_OK)
            json_object_set_new(detail, "registration_id", json_integer(r.id));
        break;
    }
    case AA_RECORD_ATTENDANCE: {
        json_t *ids = json_array();
        for (size_t i = 0; i < act->n_deputies && rc == YY_OK; i++) {
            struct deputy dd;
            rc = store_deputy_get(db, ar, act->deputy_ids[i], &dd, &req->err);
            if (rc == YY_NOT_FOUND)
                rc = field_bad(req, "unknown_deputy",
                               arena_printf(ar, "代表 %lld 不存在", (long long)act->deputy_ids[i]),
                               "deputy_ids");
            json_array_append_new(ids, json_integer(act->deputy_ids[i]));
        }
        json_object_set_new(detail, "deputy_ids", ids);
        if (rc == YY_OK)
            rc = store_activity_attendance_tx(db, a->id, act->deputy_ids, act->n_deputies,
                                              &req->err);
        break;
    }
    case AA_ADD_QA: {
        int64_t unit = act->unit_id;
        if (!(rel->actors & ACT_ACTOR_STAFF)) {
            /* an invited unit answers for itself */
            if (unit && unit != rel->unit_id)
                rc = yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "只能记录本单位的答复",
                             "unit_id");
            unit = rel->unit_id;
        } else if (unit) {
            struct unit u;
            rc = store_unit_get(db, ar, unit, &u, &req->err);
            if (rc == YY_NOT_FOUND)
                rc = field_bad(req, "unknown_unit", "单位不存在", "unit_id");
        }
        if (rc == YY_OK)
            rc = store_activity_qa_add_tx(db, a->id, act->question, act->answer, unit, now,
                                          &req->err);
        json_object_set_new(detail, "unit_id", jid(unit));
        break;
    }
    case AA_CLOSE: {
        json_t *ids = json_array();
        for (size_t i = 0; i < act->n_suggestions && rc == YY_OK; i++) {
            bool found = false;
            int64_t sid = act->suggestion_ids[i];
            rc = store_activity_suggestion_exists(db, sid, &found, &req->err);
            if (rc == YY_OK && !found)
                rc = field_bad(req, "unknown_suggestion",
                               arena_printf(ar, "建议 %lld 不存在", (long long)sid),
                               "suggestion_ids");
            json_array_append_new(ids, json_integer(sid));
        }
        json_object_set_new(detail, "suggestion_ids", ids);
        if (rc == YY_OK)
            rc = store_activity_suggestions_add_tx(db, a->id, act->suggestion_ids,
                                                   act->n_suggestions, &req->err);
        a->minutes = act->minutes;
        a->closed_at = now;
        break;
    }
    }
    if (rc != YY_OK) {
        json_decref(detail);
        return rc;
    }
    if (d.to != AS_SAME)
        a->status = (enum act_state)d.to;
    a->updated_at = now;
    json_object_set_new(detail, "to", json_string(act_state_name(a->status)));
    rc = store_activity_update_tx(db, a, &req->err);
    if (rc == YY_OK)
        return api_audit(req, as, arena_printf(ar, "activity.%s", act_action_name(act->action)),
                         "activity", a->id, detail);
    json_decref(detail);
    return rc;
}

static enum yy_err post_activity_action(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    struct activity_action_body act;
    enum yy_err rc = activity_action_read(req, body, &act);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    if (api_caller(req)->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    struct db *db = api_app(req)->db;
    struct activity a;
    struct relation rel;
    STORE(store_begin(db, &req->err));
    rc = run_action(req, id, &act, &a, &rel);
    STORE(store_finish(db, rc, &req->err));
    return reply_activity(req, res, 200, id);
}

enum yy_err api_activities_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"POST", "/api/v1/activities", post_activity},
        {"GET", "/api/v1/activities", get_activities},
        {"GET", "/api/v1/activities/{id}", get_activity},
        {"POST", "/api/v1/activities/{id}/registrations", post_registration},
        {"POST", "/api/v1/activities/{id}/registrations/cancel", post_registration_cancel},
        {"POST", "/api/v1/activities/{id}/actions", post_activity_action},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
