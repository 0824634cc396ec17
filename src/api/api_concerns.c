/* api_concerns.c - concerns (民呼, DOMAIN.md §4; CONTRACT.md "Resources"):
 * raising one (with or without a login), the resident's view by tracking
 * code, the lists and records staff and deputies see within their scope, and
 * the nine actions of the tiered handling.  The rules are in
 * domain/concern.c, the SQL in store/concern.c.
 *
 * Who sees what: admin and leaders every concern; street staff those of their
 * street or referred to it (or to one of its communities); community staff
 * those of their community or referred to it; deputies those at their
 * stations and those they claimed; unit staff those their unit committed to
 * on site; a logged-in resident those they raised.  Outside that: 404.
 * Contact details: in full for staff in scope, claimers and the resident who
 * raised it; masked for the other roles that see it; never in the resident's
 * tracking view, the duplicate hints or anything public.  The tracking code
 * is shown only to the resident who raised it (staff must not rate for them).
 */
#include "api/api_concerns.h"

#include <math.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "domain/geo.h"
#include "store/activity.h"
#include "store/concern.h"
#include "store/store.h"
#include "store/suggestion.h"

/* A station-less concern with coordinates is placed in the street of the
 * nearest station within this distance. */
#define PLACE_RADIUS_M 3000.0
/* How many open concerns the duplicate hints compare at most. */
#define DUPLICATE_CANDIDATES 200

/* ---- small JSON helpers --------------------------------------------------------- */

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

/* ---- who the caller is to a concern --------------------------------------------- */

struct relation {
    unsigned actors;    /* enum cn_actor bits; 0: the caller may not see it */
    bool full_contact;  /* contact details in full */
    bool raiser;        /* the logged-in resident who raised it */
    int64_t deputy_id;  /* the deputy the caller acts as (a claimer first) */
    bool code_rated;    /* the tracking code's concern is rated */
    int64_t code_owner; /* the concern the tracking code belongs to */
};

static const struct calendar *calendar_of(struct request *req)
{
    static const struct calendar empty; /* weekends only, every answer provisional */
    const struct calendar *c = api_app(req)->calendar;
    return c ? c : &empty;
}

/* Works out rel for concern c (claims loaded) and, for rate, the tracking
 * code.  Reads run on the caller's transaction when there is one. */
static enum yy_err relate(struct request *req, const struct concern *c, const char *code,
                          struct relation *rel)
{
    memset(rel, 0, sizeof(*rel));
    struct db *db = api_app(req)->db;
    const struct caller *caller = api_caller(req);
    if (caller->via != AUTH_NONE) {
        const struct user *u = &caller->user;
        struct concern_claim *claims = NULL;
        size_t n_claims = 0;
        bool claims_loaded = false;
        for (size_t i = 0; i < u->n_roles; i++) {
            int64_t s = u->roles[i].scope_id;
            switch (u->roles[i].role) {
            case ROLE_ADMIN:
                rel->actors |= CN_ACTOR_ADMIN;
                rel->full_contact = true;
                break;
            case ROLE_LEADER:
                rel->actors |= CN_ACTOR_OBSERVER;
                break;
            case ROLE_STREET_STAFF:
                if (s && (c->street_id == s || c->referred_to == s || c->referred_parent == s)) {
                    rel->actors |= CN_ACTOR_STREET;
                    rel->full_contact = true;
                }
                break;
            case ROLE_COMMUNITY_STAFF:
                if (s && (c->community_id == s || c->referred_to == s)) {
                    rel->actors |= CN_ACTOR_COMMUNITY;
                    rel->full_contact = true;
                }
                break;
            case ROLE_DEPUTY: {
                if (!claims_loaded) {
                    STORE(
                        store_concern_claims(db, req->arena, c->id, &claims, &n_claims, &req->err));
                    claims_loaded = true;
                }
                bool claimer = false;
                for (size_t k = 0; k < n_claims; k++)
                    if (claims[k].deputy_id == s)
                        claimer = true;
                if (claimer) {
                    rel->actors |= CN_ACTOR_CLAIMER;
                    rel->full_contact = true;
                    rel->deputy_id = s;
                    break;
                }
                bool here = false;
                if (c->station_id)
                    STORE(store_deputy_at_station(db, s, c->station_id, &here, &req->err));
                if (here) {
                    rel->actors |= CN_ACTOR_DEPUTY;
                    if (!rel->deputy_id)
                        rel->deputy_id = s;
                }
                break;
            }
            case ROLE_UNIT_STAFF:
                if (s && c->unit_id == s)
                    rel->actors |= CN_ACTOR_UNIT;
                break;
            case ROLE_RESIDENT:
                if (c->raised_by == u->id) {
                    rel->actors |= CN_ACTOR_OBSERVER;
                    rel->full_contact = true;
                    rel->raiser = true;
                }
                break;
            case ROLE_PROCURATOR:
                break;
            }
        }
    }
    if (code) {
        struct concern owner;
        enum yy_err rc = store_concern_by_code(db, req->arena, code, &owner, &req->err);
        if (rc == YY_OK && (owner.id == c->id || owner.merged_into == c->id)) {
            rel->actors |= CN_ACTOR_RESIDENT;
            rel->code_rated = owner.rated_at != 0;
            rel->code_owner = owner.id;
        } else if (rc != YY_OK && rc != YY_NOT_FOUND) {
            return rc;
        }
    }
    return YY_OK;
}

/* The role an action was taken in, from the actor bits that permitted it. */
static const char *role_as(unsigned bits)
{
    if (bits & CN_ACTOR_ADMIN)
        return "admin";
    if (bits & CN_ACTOR_STREET)
        return "street_staff";
    if (bits & CN_ACTOR_COMMUNITY)
        return "community_staff";
    if (bits & (CN_ACTOR_DEPUTY | CN_ACTOR_CLAIMER))
        return "deputy";
    if (bits & CN_ACTOR_UNIT)
        return "unit_staff";
    return "resident";
}

static struct cn_facts facts_of(const struct concern *c, const struct relation *rel)
{
    return (struct cn_facts){.unit_open = c->status == CN_RESOLVED_ON_SITE && c->unit_id,
                             .rated = rel->code_rated};
}

/* ---- views ------------------------------------------------------------------------ */

/* The fields staff and deputies see (no timeline); contact details as rel allows. */
static json_t *concern_json(struct request *req, const struct concern *c,
                            const struct relation *rel)
{
    const char *name = c->contact_name, *phone = c->contact_phone;
    if (!rel->full_contact) {
        name = concern_mask_name(req->arena, name);
        phone = concern_mask_phone(req->arena, phone);
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "title", json_string(c->title));
    json_object_set_new(o, "body", json_string(c->body));
    json_object_set_new(o, "category", json_string(c->category));
    json_object_set_new(o, "status", json_string(cn_state_name(c->status)));
    json_object_set_new(o, "status_label", json_string(cn_state_label_zh(c->status)));
    json_object_set_new(o, "source", json_string(c->source ? c->source : "online"));
    json_object_set_new(o, "station_id", jid(c->station_id));
    json_object_set_new(o, "street_id", jid(c->street_id));
    json_object_set_new(o, "community_id", jid(c->community_id));
    json_object_set_new(o, "address", json_string(c->address));
    json_object_set_new(o, "lat", c->has_location ? json_real(c->lat) : json_null());
    json_object_set_new(o, "lon", c->has_location ? json_real(c->lon) : json_null());
    json_object_set_new(o, "activity_id", jid(c->activity_id));
    json_object_set_new(o, "contact_name", jstr(name));
    json_object_set_new(o, "contact_phone", jstr(phone));
    json_object_set_new(o, "contact_masked", json_boolean(!rel->full_contact));
    json_object_set_new(o, "merged_into", jid(c->merged_into));
    json_object_set_new(o, "claimed_by", jid(c->claimed_by));
    json_object_set_new(o, "referred_to", jid(c->referred_to));
    json_object_set_new(o, "suggestion_id", jid(c->suggestion_id));
    json_object_set_new(o, "unit_id", jid(c->unit_id));
    json_object_set_new(o, "result", jstr(c->result));
    json_object_set_new(o, "reason", jstr(c->reason));
    json_object_set_new(o, "redirect", jstr(c->redirect));
    json_object_set_new(o, "due_at", jtime(c->due_at));
    json_object_set_new(o, "rating", jstr(c->rating));
    json_object_set_new(o, "rated_at", jtime(c->rated_at));
    json_object_set_new(o, "created_at", jtime(c->created_at));
    json_object_set_new(o, "updated_at", jtime(c->updated_at));
    json_object_set_new(o, "responded_at", jtime(c->responded_at));
    json_object_set_new(o, "resolved_at", jtime(c->resolved_at));
    if (rel->raiser)
        json_object_set_new(o, "tracking_code", json_string(c->tracking_code));
    return o;
}

/* One concern as staff and deputies see it: with its claimers, what the
 * caller may do now, and the timeline. */
static enum yy_err concern_full_json(struct request *req, const struct concern *c,
                                     const struct relation *rel, json_t **out)
{
    struct db *db = api_app(req)->db;
    struct concern_claim *claims;
    struct concern_event *events;
    size_t n_claims, n_events;
    int64_t merged;
    STORE(store_concern_claims(db, req->arena, c->id, &claims, &n_claims, &req->err));
    STORE(store_concern_events(db, req->arena, c->id, &events, &n_events, &req->err));
    STORE(store_concern_merged_count(db, c->id, &merged, &req->err));
    json_t *o = concern_json(req, c, rel);
    json_t *cl = json_array();
    for (size_t i = 0; i < n_claims; i++)
        json_array_append_new(cl, json_pack("{s:I, s:s, s:o}", "deputy_id",
                                            (json_int_t)claims[i].deputy_id, "name",
                                            claims[i].deputy_name ? claims[i].deputy_name : "",
                                            "claimed_at", json_time(claims[i].claimed_at)));
    json_object_set_new(o, "claimers", cl);
    json_object_set_new(o, "merged_count", json_integer(merged));
    struct cn_decision d;
    struct cn_facts facts = facts_of(c, rel);
    cn_decide(c->status, CA_ACCEPT, rel->actors, &facts, &d);
    json_t *allowed = json_array();
    for (size_t i = 0; i < d.n_allowed; i++)
        json_array_append_new(allowed, json_string(cn_action_name(d.allowed[i])));
    json_object_set_new(o, "actions", allowed);
    json_t *tl = json_array();
    for (size_t i = 0; i < n_events; i++)
        json_array_append_new(tl, json_pack("{s:o, s:s, s:s, s:s, s:s}", "at",
                                            json_time(events[i].at), "action", events[i].action,
                                            "actor_role", events[i].actor_role, "note",
                                            events[i].note ? events[i].note : "", "staff_note",
                                            events[i].staff_note ? events[i].staff_note : ""));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return YY_OK;
}

/* Follows merged_into to the concern everyone follows (merges never chain,
 * but a bound keeps a hand-edited loop finite). */
static enum yy_err follow_merges(struct request *req, struct concern *c)
{
    for (int guard = 0; guard < 8 && c->status == CN_MERGED && c->merged_into; guard++)
        STORE(store_concern_get(api_app(req)->db, req->arena, c->merged_into, c, &req->err));
    return YY_OK;
}

/* The resident's view by tracking code: the concern they follow (the
 * original, when theirs was merged), without contact data or staff names. */
static enum yy_err track_json(struct request *req, const char *code, json_t **out)
{
    struct db *db = api_app(req)->db;
    struct concern own, c;
    STORE(store_concern_by_code(db, req->arena, code, &own, &req->err));
    c = own;
    STORE(follow_merges(req, &c));
    struct concern_event *events;
    size_t n_events;
    STORE(store_concern_events(db, req->arena, c.id, &events, &n_events, &req->err));
    json_t *o = json_object();
    json_object_set_new(o, "tracking_code", json_string(own.tracking_code));
    json_object_set_new(o, "id", json_integer(c.id));
    json_object_set_new(o, "merged", json_boolean(own.id != c.id));
    json_object_set_new(o, "status", json_string(cn_state_name(c.status)));
    json_object_set_new(o, "status_label", json_string(cn_state_label_zh(c.status)));
    json_object_set_new(o, "category", json_string(c.category));
    json_object_set_new(o, "title", json_string(c.title));
    json_object_set_new(o, "result", jstr(c.result));
    json_object_set_new(o, "reason", jstr(c.status == CN_DECLINED ? c.reason : NULL));
    json_object_set_new(o, "redirect", jstr(c.status == CN_DECLINED ? c.redirect : NULL));
    json_object_set_new(o, "due_at", jtime(c.due_at));
    json_object_set_new(o, "created_at", jtime(own.created_at));
    json_object_set_new(o, "responded_at", jtime(c.responded_at));
    json_object_set_new(o, "resolved_at", jtime(c.resolved_at));
    json_object_set_new(o, "rating", jstr(own.rating));
    json_object_set_new(o, "rated_at", jtime(own.rated_at));
    struct cn_decision d;
    struct cn_facts f = {.unit_open = c.status == CN_RESOLVED_ON_SITE && c.unit_id,
                         .rated = own.rated_at != 0};
    cn_decide(c.status, CA_RATE, CN_ACTOR_RESIDENT, &f, &d);
    json_t *allowed = json_array();
    for (size_t i = 0; i < d.n_allowed; i++)
        json_array_append_new(allowed, json_string(cn_action_name(d.allowed[i])));
    json_object_set_new(o, "actions", allowed);
    json_t *tl = json_array();
    for (size_t i = 0; i < n_events; i++)
        json_array_append_new(tl, json_pack("{s:o, s:s, s:s, s:s}", "at", json_time(events[i].at),
                                            "action", events[i].action, "actor_role",
                                            events[i].actor_role, "note",
                                            events[i].note ? events[i].note : ""));
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return YY_OK;
}

/* ---- POST /api/v1/concerns ------------------------------------------------------- */

static const char *source_note(const char *source)
{
    static const char *const notes[][2] = {
        {"online", "网上反映"},
        {"station", "在代表联络站反映"},
        {"activity", "在代表有约活动中反映"},
        {"reception", "在代表接待日反映"},
        {"building", "在楼宇代表联络站反映"},
    };
    for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
        if (!strcmp(source, notes[i][0]))
            return notes[i][1];
    return "";
}

static enum yy_err concern_input_read(struct request *req, json_t *body, struct concern_input *in)
{
    static const char *const fields[] = {"title",         "body",   "category",    "station_id",
                                         "address",       "lat",    "lon",         "contact_name",
                                         "contact_phone", "source", "activity_id", NULL};
    STORE(json_only_fields(body, fields, &req->err));
    STORE(json_get_text(req, body, "title", true, CONCERN_TITLE_MAX, false, &in->title, NULL));
    STORE(json_get_text(req, body, "body", true, CONCERN_BODY_MAX, true, &in->body, NULL));
    STORE(
        json_get_text(req, body, "category", true, REGISTRY_NAME_MAX, false, &in->category, NULL));
    STORE(json_get_int(req, body, "station_id", false, 1, INT64_MAX, &in->station_id, NULL));
    STORE(
        json_get_text(req, body, "address", false, CONCERN_ADDRESS_MAX, false, &in->address, NULL));
    bool has_lat = false, has_lon = false;
    STORE(json_get_double(req, body, "lat", false, &in->lat, &has_lat));
    STORE(json_get_double(req, body, "lon", false, &in->lon, &has_lon));
    if (has_lat != has_lon)
        return yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "经度和纬度须同时填写",
                       has_lat ? "lon" : "lat");
    in->has_location = has_lat;
    STORE(json_get_text(req, body, "contact_name", false, CONCERN_NAME_MAX, false,
                        &in->contact_name, NULL));
    STORE(json_get_text(req, body, "contact_phone", false, CONCERN_PHONE_MAX, false,
                        &in->contact_phone, NULL));
    STORE(json_get_text(req, body, "source", false, 32, false, &in->source, NULL));
    STORE(json_get_int(req, body, "activity_id", false, 1, INT64_MAX, &in->activity_id, NULL));
    /* an all-blank optional text is none */
    if (in->contact_name && !*in->contact_name)
        in->contact_name = NULL;
    if (in->contact_phone && !*in->contact_phone)
        in->contact_phone = NULL;
    if (in->source && !*in->source)
        in->source = NULL;
    return YY_OK;
}

/* The street and community of a station-less concern: those of the nearest
 * station, when one is near enough. */
static enum yy_err place_by_location(struct request *req, struct concern *c)
{
    struct station_filter all = {0};
    struct station *stations;
    size_t n;
    STORE(store_stations_list(api_app(req)->db, req->arena, &all, &stations, &n, &req->err));
    long i = geo_nearest_station(stations, n, c->lat, c->lon);
    if (i >= 0 &&
        geo_distance_m(c->lat, c->lon, stations[i].lat, stations[i].lon) <= PLACE_RADIUS_M) {
        c->street_id = stations[i].street_id;
        c->community_id = stations[i].community_id;
    }
    return YY_OK;
}

/* Possible duplicates of c: open concerns of the same street or within
 * DUPLICATE_RADIUS_M, whose title and body are similar, newest first; only
 * public fields. */
static enum yy_err duplicates_json(struct request *req, const struct concern *c, json_t **out)
{
    *out = json_array();
    bool box = c->has_location;
    double dlat = DUPLICATE_RADIUS_M / 111000.0 * 1.1;
    double coslat = cos(c->lat * M_PI / 180.0);
    double dlon = dlat / (coslat > 0.05 ? coslat : 0.05);
    if (!c->street_id && !box)
        return YY_OK;
    struct concern *cands;
    size_t n;
    STORE(store_concern_candidates(api_app(req)->db, req->arena, c->street_id, box, c->lat - dlat,
                                   c->lat + dlat, c->lon - dlon, c->lon + dlon,
                                   DUPLICATE_CANDIDATES, &cands, &n, &req->err));
    struct trigram_set mine;
    trigram_set_of(req->arena, arena_printf(req->arena, "%s %s", c->title, c->body), &mine);
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < DUPLICATE_MAX; i++) {
        const struct concern *o = &cands[i];
        if (o->id == c->id)
            continue;
        bool near = c->street_id && o->street_id == c->street_id;
        if (!near && box && o->has_location)
            near = geo_distance_m(c->lat, c->lon, o->lat, o->lon) <= DUPLICATE_RADIUS_M;
        if (!near)
            continue;
        struct trigram_set theirs;
        trigram_set_of(req->arena, arena_printf(req->arena, "%s %s", o->title, o->body), &theirs);
        double sim = trigram_jaccard(&mine, &theirs);
        if (sim < DUPLICATE_THRESHOLD)
            continue;
        json_array_append_new(
            *out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:f}", "id", (json_int_t)o->id, "title",
                            o->title, "category", o->category, "status", cn_state_name(o->status),
                            "status_label", cn_state_label_zh(o->status), "created_at",
                            json_time(o->created_at), "similarity", round(sim * 100) / 100));
        shown++;
    }
    return YY_OK;
}

/* The write of a new concern: the row, its first timeline event and its
 * audit entry, all or nothing.  Run by db_group_write, possibly on another
 * server thread (the batch's leader) while this request's thread waits: it
 * touches only the request's own memory and the database through db. */
struct concern_create {
    struct request *req;
    struct concern *c;
    const char *as;
};

static enum yy_err concern_create_write(struct db *db, void *ctx, struct yy_error *e)
{
    struct concern_create *x = ctx;
    struct request *req = x->req;
    struct concern *c = x->c;
    (void)e; /* == &req->err, which the calls below fill */
    enum yy_err rc = store_concern_insert_tx(db, req->arena, c, &req->err);
    if (rc == YY_OK)
        rc = store_concern_event_tx(db, c->id, "create", x->as, source_note(c->source), "",
                                    &req->err);
    if (rc == YY_OK)
        rc = api_audit(req, x->as, "concern.create", "concern", c->id,
                       json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:b}", "title", c->title,
                                 "category", c->category, "source", c->source, "station_id",
                                 jid(c->station_id), "street_id", jid(c->street_id), "contact",
                                 c->contact_phone || c->contact_name, "raised_by_login",
                                 c->raised_by != 0));
    return rc;
}

static enum yy_err post_concern(struct request *req, struct response *res)
{
    json_t *body;
    STORE(api_body_object(req, &body));
    struct concern_input in = {0};
    enum yy_err rc = concern_input_read(req, body, &in);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct app *app = api_app(req);
    struct db *db = app->db;
    const char **categories;
    size_t n_categories;
    STORE(store_concern_categories(db, req->arena, &categories, &n_categories, &req->err));
    if (in.activity_id && in.source && !strcmp(in.source, "activity")) {
        /* raised at an activity (快速+现场): one that exists and was published;
         * without a station of its own the concern takes the activity's
         * (before validation, which wants a station or a place; an
         * activity_id with another source is refused there) */
        struct activity act;
        rc = store_activity_get(db, req->arena, in.activity_id, &act, &req->err);
        if (rc == YY_NOT_FOUND || (rc == YY_OK && !act_state_public(act.status)))
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_activity", "活动不存在或尚未发布",
                           "activity_id");
        STORE(rc);
        if (!in.station_id)
            in.station_id = act.station_id;
    }
    STORE(concern_input_validate(&in, categories, n_categories, &req->err));

    const struct caller *caller = api_caller(req);
    int64_t now = time_now();
    struct concern c = {.title = in.title,
                        .body = in.body,
                        .category = in.category,
                        .station_id = in.station_id,
                        .address = in.address ? in.address : "",
                        .has_location = in.has_location,
                        .lat = in.lat,
                        .lon = in.lon,
                        .contact_name = in.contact_name,
                        .contact_phone = in.contact_phone,
                        .source = in.source,
                        .activity_id = in.activity_id,
                        .status = CN_NEW,
                        .created_at = now,
                        .updated_at = now};
    const char *as = "resident";
    if (caller->via != AUTH_NONE) {
        if (user_has_role(&caller->user, ROLE_RESIDENT))
            c.raised_by = caller->user.id;
        else if (caller->user.n_roles)
            as = role_name(caller->user.roles[0].role);
    }
    if (c.station_id) {
        struct station s;
        rc = store_station_get(db, req->arena, c.station_id, &s, &req->err);
        if (rc == YY_NOT_FOUND)
            return yy_fail(&req->err, YY_BAD_INPUT, "unknown_station", "站点不存在", "station_id");
        STORE(rc);
        c.street_id = s.street_id;
        c.community_id = s.community_id;
    } else if (c.has_location) {
        STORE(place_by_location(req, &c));
    }

    /* The duplicate hints are read first, outside the write, from a snapshot
     * a moment old (the hint is advisory); the write itself is grouped with
     * other submissions into one commit (store/db.h db_group_write). */
    json_t *dups = NULL;
    STORE(duplicates_json(req, &c, &dups));
    struct concern_create cc = {.req = req, .c = &c, .as = as};
    rc = db_group_write(db, concern_create_write, &cc, &req->err);
    if (rc != YY_OK) {
        json_decref(dups);
        return rc;
    }
    return api_reply(res, 201,
                     json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                               (json_int_t)c.id, "tracking_code", c.tracking_code, "status",
                               cn_state_name(c.status), "title", c.title, "category", c.category,
                               "source", c.source, "status_label", cn_state_label_zh(c.status),
                               "station_id", jid(c.station_id), "street_id", jid(c.street_id),
                               "community_id", jid(c.community_id), "created_at",
                               json_time(c.created_at), "duplicates", dups));
}

/* ---- GET: the resident's view, lists, one concern -------------------------------- */

static enum yy_err get_track(struct request *req, struct response *res)
{
    char code[TRACKING_CODE_LEN + 1];
    if (!concern_tracking_code_normalize(request_param(req, "tracking_code"), code))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "查询码不存在", NULL);
    json_t *o;
    enum yy_err rc = track_json(req, code, &o);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "查询码不存在", NULL);
    STORE(rc);
    return api_reply(res, 200, o);
}

/* Adds id to one of a scope's lists (CONCERN_SCOPE_MAX at the most; more are
 * not looked at). */
static void scope_add(int64_t *ids, size_t *n, int64_t id)
{
    if (*n < CONCERN_SCOPE_MAX)
        ids[(*n)++] = id;
}

/* The caller's scope for lists; YY_UNAUTHORIZED / YY_FORBIDDEN when none. */
static enum yy_err caller_scope(struct request *req, struct concern_scope *sc)
{
    memset(sc, 0, sizeof(*sc));
    const struct caller *caller = api_caller(req);
    if (caller->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const struct user *u = &caller->user;
    bool any = false;
    for (size_t i = 0; i < u->n_roles; i++) {
        int64_t s = u->roles[i].scope_id;
        switch (u->roles[i].role) {
        case ROLE_ADMIN:
        case ROLE_LEADER:
            sc->all = true;
            break;
        case ROLE_RESIDENT:
            sc->raised_by = u->id;
            break;
        case ROLE_STREET_STAFF:
            scope_add(sc->streets, &sc->n_streets, s);
            break;
        case ROLE_COMMUNITY_STAFF:
            scope_add(sc->communities, &sc->n_communities, s);
            break;
        case ROLE_DEPUTY:
            scope_add(sc->deputies, &sc->n_deputies, s);
            break;
        case ROLE_UNIT_STAFF:
            scope_add(sc->units, &sc->n_units, s);
            break;
        case ROLE_PROCURATOR: /* gives no scope over concerns */
            continue;
        }
        any = true;
    }
    if (!any)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限查看群众意见", NULL);
    return YY_OK;
}

static enum yy_err get_concerns(struct request *req, struct response *res)
{
    struct concern_scope sc;
    STORE(caller_scope(req, &sc));
    struct page pg;
    struct concern_filter f = {0};
    STORE(api_page(req, &pg));
    STORE(query_int(req, "street", 1, INT64_MAX, &f.street_id, NULL));
    STORE(query_int(req, "station", 1, INT64_MAX, &f.station_id, NULL));
    const char *status;
    STORE(query_text(req, "status", 32, &status));
    if (status) {
        if (!cn_state_from_name(status, &f.status))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                           "status 须为 new、accepted、declined、resolved_on_site、referred、"
                           "claimed、converted、merged 或 resolved",
                           "status");
        f.by_status = true;
    }
    f.before_id = pg.after;
    f.limit = pg.limit + 1;
    struct concern *items;
    size_t n;
    struct db *db = api_app(req)->db;
    STORE(store_concerns_list(db, req->arena, &sc, &f, &items, &n, &req->err));
    size_t shown = n > pg.limit ? pg.limit : n;
    json_t *arr = json_array();
    for (size_t i = 0; i < shown; i++) {
        struct relation rel;
        enum yy_err rc = relate(req, &items[i], NULL, &rel);
        if (rc != YY_OK) {
            json_decref(arr);
            return rc;
        }
        json_array_append_new(arr, concern_json(req, &items[i], &rel));
    }
    return api_reply(res, 200,
                     api_list(arr, n > pg.limit ? api_cursor(req, items[shown - 1].id) : NULL));
}

static enum yy_err get_concern(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    if (api_caller(req)->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    struct concern c;
    struct relation rel;
    STORE(store_concern_get(api_app(req)->db, req->arena, id, &c, &req->err));
    STORE(relate(req, &c, NULL, &rel));
    if (!rel.actors)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    json_t *o;
    STORE(concern_full_json(req, &c, &rel, &o));
    return api_reply(res, 200, o);
}

/* ---- POST /api/v1/concerns/{id}/actions -------------------------------------------- */

static enum yy_err field_bad(struct request *req, const char *code, const char *msg,
                             const char *field)
{
    return yy_fail(&req->err, YY_BAD_INPUT, code, msg, field);
}

enum yy_err concern_action_read(struct request *req, json_t *body, struct concern_action_body *out)
{
    memset(out, 0, sizeof(*out));
    const char *name;
    STORE(json_get_text(req, body, "action", true, 32, false, &name, NULL));
    if (!cn_action_from_name(name, &out->action) || out->action >= CA_CALLER_ACTION_COUNT)
        return field_bad(req, "invalid_action",
                         "action 须为 accept、decline、resolve_on_site、refer、claim、convert、"
                         "merge、resolve 或 rate",
                         "action");
    static const char *const none[] = {"action", NULL};
    static const char *const decline[] = {"action", "reason", "redirect", NULL};
    static const char *const on_site[] = {"action", "result", "unit_id", NULL};
    static const char *const refer[] = {"action", "region_id", "note", NULL};
    static const char *const merge[] = {"action", "into", NULL};
    static const char *const resolve[] = {"action", "result", NULL};
    static const char *const rate[] = {"action", "tracking_code", "value", NULL};
    static const char *const *const fields[CA_ACTION_COUNT] = {
        [CA_ACCEPT] = none, [CA_DECLINE] = decline, [CA_RESOLVE_ON_SITE] = on_site,
        [CA_REFER] = refer, [CA_CLAIM] = none,      [CA_CONVERT] = none,
        [CA_MERGE] = merge, [CA_RESOLVE] = resolve, [CA_RATE] = rate,
    };
    STORE(json_only_fields(body, fields[out->action], &req->err));
    switch (out->action) {
    case CA_ACCEPT:
    case CA_CLAIM:
    case CA_CONVERT:
    case CA_REOPEN: /* refused above: the system's own */
        break;
    case CA_DECLINE:
        STORE(json_get_text(req, body, "reason", true, CONCERN_NOTE_MAX, true, &out->reason, NULL));
        STORE(json_get_text(req, body, "redirect", true, CONCERN_REDIRECT_MAX, false,
                            &out->redirect, NULL));
        break;
    case CA_RESOLVE_ON_SITE:
        STORE(json_get_text(req, body, "result", true, CONCERN_NOTE_MAX, true, &out->result, NULL));
        STORE(json_get_int(req, body, "unit_id", false, 1, INT64_MAX, &out->unit_id, NULL));
        break;
    case CA_REFER:
        STORE(json_get_int(req, body, "region_id", true, 1, INT64_MAX, &out->region_id, NULL));
        STORE(json_get_text(req, body, "note", false, CONCERN_NOTE_MAX, true, &out->note, NULL));
        break;
    case CA_MERGE:
        STORE(json_get_int(req, body, "into", true, 1, INT64_MAX, &out->into, NULL));
        break;
    case CA_RESOLVE:
        STORE(json_get_text(req, body, "result", true, CONCERN_NOTE_MAX, true, &out->result, NULL));
        break;
    case CA_RATE: {
        const char *code;
        STORE(json_get_text(req, body, "tracking_code", true, 32, false, &code, NULL));
        char norm[TRACKING_CODE_LEN + 1];
        if (!concern_tracking_code_normalize(code, norm))
            return field_bad(req, "invalid_tracking_code", "查询码格式不正确", "tracking_code");
        out->tracking_code = arena_strdup(req->arena, norm);
        STORE(json_get_text(req, body, "value", true, 32, false, &out->value, NULL));
        if (!concern_rating_valid(out->value))
            return field_bad(req, "invalid_value",
                             "评价须为 satisfied、basically_satisfied 或 dissatisfied", "value");
        break;
    }
    }
    return YY_OK;
}

/* What one action run needs and leaves behind. */
struct action_run {
    struct concern c; /* the concern acted on (the original for a rate through a
                       * merged one) */
    struct relation rel;
    const char *as; /* the role acted in */
    int64_t suggestion_id;
};

static enum yy_err transition_refused(struct request *req, const struct cn_decision *d,
                                      enum cn_action action, enum cn_state state)
{
    if (d->result == YY_FORBIDDEN)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限对这件意见执行此操作", NULL);
    const char **names = arena_calloc(req->arena, d->n_allowed + 1, sizeof(*names));
    for (size_t i = 0; i < d->n_allowed; i++)
        names[i] = cn_action_name(d->allowed[i]);
    const char *msg = arena_printf(req->arena, "意见当前状态为“%s”,不能执行 %s",
                                   cn_state_label_zh(state), cn_action_name(action));
    if (action == CA_RATE && state != CN_MERGED && d->n_allowed == 0)
        msg = "这件意见已经评价过,或尚无可评价的办理结果";
    if (action == CA_CLAIM && state == CN_CLAIMED)
        msg = "您已认领这件意见";
    yy_fail(&req->err, YY_CONFLICT, "invalid_transition", msg, NULL);
    req->err.allowed = names;
    req->err.n_allowed = d->n_allowed;
    return YY_CONFLICT;
}

/* Locks a merge target (row lock); *found false when it does not exist. */
static enum yy_err lock_target(struct request *req, int64_t id, struct concern *t, bool *found)
{
    enum yy_err rc = store_concern_get_for_update(api_app(req)->db, req->arena, id, t, &req->err);
    *found = rc == YY_OK;
    return rc == YY_NOT_FOUND ? YY_OK : rc;
}

static enum yy_err do_merge(struct request *req, struct action_run *x, const struct concern *t,
                            bool found)
{
    struct db *db = api_app(req)->db;
    struct relation trel = {0};
    if (found)
        STORE(relate(req, t, NULL, &trel));
    if (!found || !(trel.actors & CN_ACTOR_STAFF))
        return field_bad(req, "unknown_concern", "要并入的意见不存在或不在您的职责范围内", "into");
    if (t->status == CN_MERGED)
        return field_bad(req, "merge_target_merged", "不能并入已被合并的意见,请并入其原件", "into");
    if (t->status == CN_DECLINED)
        return field_bad(req, "merge_target_declined", "不能并入不予受理的意见", "into");
    if (x->c.street_id && t->street_id && x->c.street_id != t->street_id)
        return field_bad(req, "merge_across_streets", "不同街道的意见不能合并", "into");
    x->c.merged_into = t->id;
    STORE(store_concern_repoint_merged_tx(db, x->c.id, t->id, &req->err));
    struct concern tt = *t;
    tt.updated_at = time_now();
    if (!tt.responded_at && cn_state_open(tt.status))
        tt.responded_at = tt.updated_at;
    STORE(store_concern_update_tx(db, &tt, &req->err));
    return store_concern_event_tx(db, t->id, "merge", x->as, "合并了一件反映同一问题的意见",
                                  arena_printf(req->arena, "并入 #%lld", (long long)x->c.id),
                                  &req->err);
}

static enum yy_err run_action(struct request *req, int64_t id,
                              const struct concern_action_body *act, struct action_run *x)
{
    struct app *app = api_app(req);
    struct db *db = app->db;
    struct arena *a = req->arena;

    /* merge locks both rows, the lower id first, so two merges cannot deadlock */
    struct concern target;
    bool target_locked = false, target_found = false;
    if (act->action == CA_MERGE && act->into < id) {
        STORE(lock_target(req, act->into, &target, &target_found));
        target_locked = true;
    }
    STORE(store_concern_get_for_update(db, a, id, &x->c, &req->err));
    if (act->action == CA_RATE && x->c.status == CN_MERGED && x->c.merged_into)
        STORE(store_concern_get_for_update(db, a, x->c.merged_into, &x->c, &req->err));
    STORE(relate(req, &x->c, act->tracking_code, &x->rel));
    if (!x->rel.actors)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);

    struct cn_facts facts = facts_of(&x->c, &x->rel);
    struct cn_decision d;
    cn_decide(x->c.status, act->action, x->rel.actors, &facts, &d);
    if (d.result != YY_OK)
        return transition_refused(req, &d, act->action, x->c.status);
    /* the role acted in: of the bits the table accepted for this action */
    unsigned permitting = 0;
    for (size_t i = 0; i < cn_table_n; i++)
        if (cn_table[i].from == x->c.status && cn_table[i].action == act->action)
            permitting |= cn_table[i].actors;
    x->as = role_as(permitting & x->rel.actors);

    int64_t now = time_now();
    struct concern *c = &x->c;
    enum cn_state from = c->status;
    const char *note = "", *staff_note = "";
    json_t *detail = json_object();
    json_object_set_new(detail, "from", json_string(cn_state_name(from)));

    switch (act->action) {
    case CA_ACCEPT:
        note = "已受理";
        break;
    case CA_DECLINE:
        c->reason = act->reason;
        c->redirect = act->redirect;
        note = arena_printf(a, "不予受理。理由:%s;建议途径:%s", act->reason, act->redirect);
        json_object_set_new(detail, "redirect", json_string(act->redirect));
        break;
    case CA_RESOLVE_ON_SITE:
        c->result = act->result;
        note = arena_printf(a, "当场答复:%s", act->result);
        if (act->unit_id) {
            struct unit u;
            enum yy_err rc = store_unit_get(db, a, act->unit_id, &u, &req->err);
            if (rc == YY_NOT_FOUND)
                rc = field_bad(req, "unknown_unit", "单位不存在", "unit_id");
            if (rc != YY_OK) {
                json_decref(detail);
                return rc;
            }
            int64_t months;
            rc = store_setting_int(db, "onsite_months", 1, &months, &req->err);
            if (rc != YY_OK) {
                json_decref(detail);
                return rc;
            }
            if (months < 1 || months > 12)
                months = 1;
            int64_t due = deadline_add_months(calendar_of(req), day_of(now), (int)months, NULL);
            c->unit_id = u.id;
            c->due_at = day_start(due + 1) - 1;
            char when[TIME_RFC3339_LEN];
            time_format_rfc3339(c->due_at, when);
            note = arena_printf(a, "当场答复:%s(%s承诺于%.10s前办结)", act->result, u.name, when);
            json_object_set_new(detail, "unit_id", json_integer(u.id));
        } else {
            c->resolved_at = now;
        }
        break;
    case CA_REFER: {
        struct region r;
        enum yy_err rc = store_region_get(db, a, act->region_id, &r, &req->err);
        if (rc == YY_OK && r.kind == REGION_DISTRICT)
            rc = YY_NOT_FOUND;
        if (rc == YY_NOT_FOUND)
            rc = field_bad(req, "unknown_region", "须转交给一个社区或街道(开发区)", "region_id");
        /* community staff pass a concern up to their street work committee only */
        if (rc == YY_OK && !(x->rel.actors & (CN_ACTOR_ADMIN | CN_ACTOR_STREET))) {
            bool up = false;
            const struct user *u = &api_caller(req)->user;
            for (size_t i = 0; i < u->n_roles && rc == YY_OK; i++) {
                struct region mine;
                if (u->roles[i].role != ROLE_COMMUNITY_STAFF)
                    continue;
                rc = store_region_get(db, a, u->roles[i].scope_id, &mine, &req->err);
                if (rc == YY_OK && mine.parent_id == r.id)
                    up = true;
            }
            if (rc == YY_OK && !up)
                rc = yy_fail(&req->err, YY_FORBIDDEN, "forbidden",
                             "社区只能将意见转交给所属街道人大工委", "region_id");
        }
        if (rc != YY_OK) {
            json_decref(detail);
            return rc;
        }
        c->referred_to = r.id;
        note = arena_printf(a, "转交%s办理", r.name);
        staff_note = act->note ? act->note : "";
        json_object_set_new(detail, "region_id", json_integer(r.id));
        break;
    }
    case CA_CLAIM:
    case CA_CONVERT: {
        int64_t dep = x->rel.deputy_id;
        struct deputy dd;
        enum yy_err rc = store_deputy_get(db, a, dep, &dd, &req->err);
        if (rc == YY_OK && act->action == CA_CONVERT) {
            struct suggestion_draft draft = {.title = c->title,
                                             .body = c->body,
                                             .category = c->category,
                                             .author_id = dep,
                                             .concern_ids = &c->id,
                                             .n_concerns = 1};
            rc = store_suggestion_create_tx(db, &draft, &x->suggestion_id, &req->err);
            c->suggestion_id = x->suggestion_id;
            note = arena_printf(a, "%s代表将其转为代表建议", dd.name);
            json_object_set_new(detail, "suggestion_id", json_integer(x->suggestion_id));
        } else if (rc == YY_OK) {
            note = arena_printf(a, "%s代表认领,跟踪办理", dd.name);
        }
        if (rc == YY_OK && !(x->rel.actors & CN_ACTOR_CLAIMER))
            rc = store_concern_claim_add_tx(db, c->id, dep, &req->err);
        if (rc != YY_OK) {
            json_decref(detail);
            return rc;
        }
        if (!c->claimed_by)
            c->claimed_by = dep;
        json_object_set_new(detail, "deputy_id", json_integer(dep));
        break;
    }
    case CA_MERGE: {
        if (act->into == id) {
            json_decref(detail);
            return field_bad(req, "merge_into_self", "不能将意见并入它自己", "into");
        }
        if (!target_locked) {
            enum yy_err rc = lock_target(req, act->into, &target, &target_found);
            if (rc != YY_OK) {
                json_decref(detail);
                return rc;
            }
        }
        enum yy_err rc = do_merge(req, x, &target, target_found);
        if (rc != YY_OK) {
            json_decref(detail);
            return rc;
        }
        note = "与反映同一问题的意见合并办理";
        staff_note = arena_printf(a, "并入 #%lld", (long long)act->into);
        json_object_set_new(detail, "into", json_integer(act->into));
        break;
    }
    case CA_RESOLVE:
        c->result = act->result;
        c->resolved_at = now;
        note = arena_printf(a, "已解决:%s", act->result);
        break;
    case CA_REOPEN: /* never read from a body (concern_action_read) */
        break;
    case CA_RATE: {
        struct concern owner;
        enum yy_err rc = YY_OK;
        if (x->rel.code_owner == c->id) {
            owner = *c;
        } else {
            rc = store_concern_get_for_update(db, a, x->rel.code_owner, &owner, &req->err);
        }
        if (rc == YY_OK) {
            owner.rating = act->value;
            owner.rated_at = now;
            owner.updated_at = now;
            rc = store_concern_update_tx(db, &owner, &req->err);
        }
        if (rc != YY_OK) {
            json_decref(detail);
            return rc;
        }
        if (owner.id == c->id) {
            c->rating = owner.rating;
            c->rated_at = owner.rated_at;
        }
        note = arena_printf(a, "群众评价:%s", concern_rating_label_zh(act->value));
        json_object_set_new(detail, "value", json_string(act->value));
        json_object_set_new(detail, "rated_concern_id", json_integer(owner.id));
        break;
    }
    }

    if (d.to != CN_SAME)
        c->status = (enum cn_state)d.to;
    c->updated_at = now;
    if (act->action != CA_RATE && !c->responded_at)
        c->responded_at = now;
    json_object_set_new(detail, "to", json_string(cn_state_name(c->status)));
    enum yy_err rc = store_concern_update_tx(db, c, &req->err);
    if (rc == YY_OK)
        rc = store_concern_event_tx(db, c->id, cn_action_name(act->action), x->as, note, staff_note,
                                    &req->err);
    if (rc == YY_OK)
        return api_audit(req, x->as, arena_printf(a, "concern.%s", cn_action_name(act->action)),
                         "concern", c->id, detail);
    json_decref(detail);
    return rc;
}

static enum yy_err post_concern_action(struct request *req, struct response *res)
{
    int64_t id;
    STORE(path_id(req, &id));
    json_t *body;
    STORE(api_body_object(req, &body));
    struct concern_action_body act;
    enum yy_err rc = concern_action_read(req, body, &act);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    if (act.action != CA_RATE && api_caller(req)->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    struct db *db = api_app(req)->db;
    struct action_run x = {0};
    STORE(store_begin(db, &req->err));
    rc = run_action(req, id, &act, &x);
    STORE(store_finish(db, rc, &req->err));

    json_t *o;
    if (act.action == CA_RATE) {
        STORE(track_json(req, act.tracking_code, &o));
        return api_reply(res, 200, o);
    }
    /* the concern as it now is, seen by the caller as they see it now */
    struct concern now;
    struct relation rel;
    STORE(store_concern_get(db, req->arena, x.c.id, &now, &req->err));
    STORE(relate(req, &now, NULL, &rel));
    if (!rel.actors)
        rel = x.rel;
    STORE(concern_full_json(req, &now, &rel, &o));
    if (x.suggestion_id)
        json_object_set_new(o, "suggestion_id", json_integer(x.suggestion_id));
    return api_reply(res, 200, o);
}

enum yy_err api_concerns_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"POST", "/api/v1/concerns", post_concern},
        {"GET", "/api/v1/concerns", get_concerns},
        {"GET", "/api/v1/concerns/track/{tracking_code}", get_track},
        {"GET", "/api/v1/concerns/{id}", get_concern},
        {"POST", "/api/v1/concerns/{id}/actions", post_concern_action},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
