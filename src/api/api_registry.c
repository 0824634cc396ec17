/* api_registry.c - the network (DOMAIN.md §2): regions, stations, deputies,
 * handling units.  Reads are public; upkeep is for admin.  Deputies' phone
 * numbers and home coordinates are shown only to admin and to the deputy. */
#include <math.h>
#include <string.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/jsonio.h"
#include "core/timeutil.h"
#include "domain/geo.h"
#include "domain/reception.h"
#include "store/reception.h"
#include "store/store.h"

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static void write_id_or_null(struct jsonw *w, int64_t id)
{
    if (id)
        jsonw_int(w, id);
    else
        jsonw_null(w);
}

/* ---- upkeep: creating and editing records (admin) ------------------------- */

/* What differs between the kinds of record admin keeps (regions, stations,
 * deputies, units); the create and update handlers are the same steps over
 * these.  rec points at the kind's struct. */
struct upkeep {
    const char *entity;                        /* in the audit */
    const char *create_action, *update_action; /* NULL: no update */
    /* Reads the fields present in body over rec (all required when creating). */
    enum yy_err (*from_json)(struct request *req, json_t *body, bool create, void *rec);
    /* Inside the transaction: insert rec (setting its id), lock and read
     * record id into rec, write rec back. */
    enum yy_err (*add)(struct request *req, struct db *db, void *rec);
    enum yy_err (*get_for_update)(struct request *req, struct db *db, int64_t id, void *rec);
    enum yy_err (*update)(struct request *req, struct db *db, void *rec);
    /* What the audit keeps of rec, and what the caller is shown. */
    json_t *(*audit_json)(const struct request *req, const void *rec);
    json_t *(*json)(const struct request *req, const void *rec);
};

/* POST: read the body into rec (its defaults set by the caller), insert it
 * and its audit entry in one transaction, answer 201 with it.  *id is rec's
 * id member. */
static enum yy_err upkeep_create(struct request *req, struct response *res, const struct upkeep *k,
                                 void *rec, const int64_t *id)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    json_t *body;
    STORE(api_body_object(req, &body));
    enum yy_err rc = k->from_json(req, body, true, rec);
    json_decref(body);
    if (rc != YY_OK)
        return rc;
    struct db *db = api_app(req)->db;
    rc = store_begin(db, &req->err);
    if (rc == YY_OK)
        rc = k->add(req, db, rec);
    if (rc == YY_OK)
        rc = api_audit(req, "admin", k->create_action, k->entity, *id, k->audit_json(req, rec));
    STORE(store_finish(db, rc, &req->err));
    return api_reply(res, 201, k->json(req, rec));
}

/* PATCH: read, overlay the body and write in one transaction with the row
 * locked, so a concurrent edit of other fields is not undone; answer 200. */
static enum yy_err upkeep_update(struct request *req, struct response *res, const struct upkeep *k,
                                 void *rec, const int64_t *id)
{
    STORE(api_require_role(req, ROLE_ADMIN));
    struct db *db = api_app(req)->db;
    int64_t path;
    json_t *body;
    STORE(path_id(req, &path));
    STORE(api_body_object(req, &body));
    enum yy_err rc = store_begin(db, &req->err);
    if (rc == YY_OK) {
        rc = k->get_for_update(req, db, path, rec);
        if (rc == YY_OK)
            rc = k->from_json(req, body, false, rec);
        if (rc == YY_OK)
            rc = k->update(req, db, rec);
        if (rc == YY_OK)
            rc = api_audit(req, "admin", k->update_action, k->entity, *id, k->audit_json(req, rec));
        rc = store_finish(db, rc, &req->err);
    }
    json_decref(body);
    return rc == YY_OK ? api_reply(res, 200, k->json(req, rec)) : rc;
}

/* ---- regions --------------------------------------------------------------- */

#define REGION_NONE SIZE_MAX

/* A region's place in the tree, by index into the list. */
struct region_node {
    size_t child, last_child, next;
};

/* The array of the regions from index first on, along next, each with its
 * children.  Deeper than JSONW_MAX_DEPTH only with a hand-edited parent chain;
 * the writer then fails (500) rather than recursing further. */
static void write_regions(struct jsonw *w, const struct region *rs, const struct region_node *nodes,
                          size_t first)
{
    jsonw_array_begin(w);
    for (size_t i = first; i != REGION_NONE && w->err == YY_OK; i = nodes[i].next) {
        jsonw_object_begin(w);
        jsonw_key(w, "id");
        jsonw_int(w, rs[i].id);
        jsonw_key(w, "kind");
        jsonw_string(w, region_kind_name(rs[i].kind));
        jsonw_key(w, "name");
        jsonw_string(w, rs[i].name);
        jsonw_key(w, "parent_id");
        write_id_or_null(w, rs[i].parent_id);
        jsonw_key(w, "children");
        write_regions(w, rs, nodes, nodes[i].child);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

static enum yy_err get_regions(struct request *req, struct response *res)
{
    struct region *rs;
    size_t n;
    STORE(store_regions_all(api_app(req)->db, req->arena, &rs, &n, &req->err));
    /* parents come before children (ids grow): link each region to the first
     * child and next sibling, in order, then write the forest depth first */
    struct region_node *nodes = arena_calloc(req->arena, n ? n : 1, sizeof(*nodes));
    size_t first_root = REGION_NONE, last_root = REGION_NONE;
    for (size_t i = 0; i < n; i++) {
        nodes[i].child = nodes[i].last_child = nodes[i].next = REGION_NONE;
        size_t parent = REGION_NONE;
        for (size_t j = 0; rs[i].parent_id && j < i; j++)
            if (rs[j].id == rs[i].parent_id)
                parent = j;
        size_t *first = parent == REGION_NONE ? &first_root : &nodes[parent].child;
        size_t *last = parent == REGION_NONE ? &last_root : &nodes[parent].last_child;
        if (*last == REGION_NONE)
            *first = i;
        else
            nodes[*last].next = i;
        *last = i;
    }
    struct jsonw w;
    api_reply_begin(res, 200, 16 + n * 128, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "items");
    write_regions(&w, rs, nodes, first_root);
    jsonw_object_end(&w);
    return api_reply_end(&w);
}

/* Regions are only created (upkeep_create): every field is required. */
static enum yy_err region_from_json(struct request *req, json_t *body, bool create, void *rec)
{
    struct region *r = rec;
    static const char *const fields[] = {"kind", "name", "parent_id", NULL};
    const char *kind = NULL;
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "kind", true, 32, false, &kind, NULL);
    if (rc == YY_OK && !region_kind_from_name(kind, &r->kind))
        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_kind",
                     "区域类型须为 district、street、dev_zone 或 community", "kind");
    if (rc == YY_OK)
        rc = json_get_text(req, body, "name", true, REGISTRY_NAME_MAX, false, &r->name, NULL);
    if (rc == YY_OK)
        rc = json_get_int(req, body, "parent_id", false, 1, INT64_MAX, &r->parent_id, NULL);
    return rc;
}

static enum yy_err region_add(struct request *req, struct db *db, void *rec)
{
    return store_region_add(db, rec, &req->err);
}

static json_t *region_audit_json(const struct request *req, const void *rec)
{
    const struct region *r = rec;
    return json_pack("{s:s, s:s, s:I}", "kind", region_kind_name(r->kind), "name", r->name,
                     "parent_id", (json_int_t)r->parent_id);
}

/* A new region: no children yet. */
static json_t *region_json(const struct request *req, const void *rec)
{
    const struct region *r = rec;
    return json_pack("{s:I, s:s, s:s, s:o, s:[]}", "id", (json_int_t)r->id, "kind",
                     region_kind_name(r->kind), "name", r->name, "parent_id",
                     id_or_null(r->parent_id), "children");
}

static const struct upkeep region_upkeep = {
    .entity = "region",
    .create_action = "region.create",
    .from_json = region_from_json,
    .add = region_add,
    .audit_json = region_audit_json,
    .json = region_json,
};

static enum yy_err post_region(struct request *req, struct response *res)
{
    struct region r = {0};
    return upkeep_create(req, res, &region_upkeep, &r, &r.id);
}

/* ---- stations -------------------------------------------------------------- */

static json_t *station_json(const struct request *req, const void *rec)
{
    const struct station *s = rec;
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:s, s:f, s:f, s:s, s:s}", "id",
                     (json_int_t)s->id, "kind", station_kind_name(s->kind), "kind_label",
                     station_kind_label_zh(s->kind), "name", s->name, "street_id",
                     (json_int_t)s->street_id, "community_id", id_or_null(s->community_id),
                     "address", s->address, "lat", s->lat, "lon", s->lon, "opening_hours",
                     s->opening_hours, "reception_rule", s->reception_rule);
}

/* station_json's members, streamed; the caller writes the braces, so it can
 * add members of its own. */
static void station_members(struct jsonw *w, const struct station *s)
{
    jsonw_key(w, "id");
    jsonw_int(w, s->id);
    jsonw_key(w, "kind");
    jsonw_string(w, station_kind_name(s->kind));
    jsonw_key(w, "kind_label");
    jsonw_string(w, station_kind_label_zh(s->kind));
    jsonw_key(w, "name");
    jsonw_string(w, s->name);
    jsonw_key(w, "street_id");
    jsonw_int(w, s->street_id);
    jsonw_key(w, "community_id");
    write_id_or_null(w, s->community_id);
    jsonw_key(w, "address");
    jsonw_string(w, s->address);
    jsonw_key(w, "lat");
    jsonw_double(w, s->lat);
    jsonw_key(w, "lon");
    jsonw_double(w, s->lon);
    jsonw_key(w, "opening_hours");
    jsonw_string(w, s->opening_hours);
    jsonw_key(w, "reception_rule");
    jsonw_string(w, s->reception_rule);
}

/* Room for one station object (Chinese names and addresses, 3 bytes a
 * character), so a list response grows its buffer once. */
#define STATION_JSON_HINT 512

static bool caller_sees_private(const struct request *req, int64_t deputy_id)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return false;
    return user_has_role(&c->user, ROLE_ADMIN) ||
           user_has_scoped_role(&c->user, ROLE_DEPUTY, deputy_id);
}

/* What the audit keeps of a deputy: every field (the audit is for admin). */
static json_t *deputy_audit_json(const struct request *req, const void *rec)
{
    const struct deputy *d = rec;
    json_t *stations = json_array();
    for (size_t i = 0; i < d->n_station_ids; i++)
        json_array_append_new(stations, json_integer(d->station_ids[i]));
    return json_pack("{s:s, s:i, s:s, s:s?, s:o}", "name", d->name, "levels", (int)d->levels,
                     "sector", d->sector ? d->sector : "", "phone", d->phone, "station_ids",
                     stations);
}

static json_t *deputy_json(const struct request *req, const void *rec)
{
    const struct deputy *d = rec;
    json_t *levels = json_array();
    for (unsigned bit = LEVEL_NATIONAL; bit <= LEVEL_DISTRICT; bit <<= 1)
        if (d->levels & bit)
            json_array_append_new(levels, json_string(deputy_level_name((enum deputy_level)bit)));
    json_t *stations = json_array();
    for (size_t i = 0; i < d->n_station_ids; i++)
        json_array_append_new(stations, json_integer(d->station_ids[i]));
    json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o}", "id", (json_int_t)d->id, "name", d->name,
                          "levels", levels, "sector", d->sector ? d->sector : "", "station_ids",
                          stations);
    if (caller_sees_private(req, d->id)) {
        json_object_set_new(o, "phone", d->phone ? json_string(d->phone) : json_null());
        json_object_set_new(o, "lat", d->has_location ? json_real(d->lat) : json_null());
        json_object_set_new(o, "lon", d->has_location ? json_real(d->lon) : json_null());
    }
    return o;
}

/* deputy_json, streamed. */
static void deputy_write(struct jsonw *w, const struct request *req, const struct deputy *d)
{
    jsonw_object_begin(w);
    jsonw_key(w, "id");
    jsonw_int(w, d->id);
    jsonw_key(w, "name");
    jsonw_string(w, d->name);
    jsonw_key(w, "levels");
    jsonw_array_begin(w);
    for (unsigned bit = LEVEL_NATIONAL; bit <= LEVEL_DISTRICT; bit <<= 1)
        if (d->levels & bit)
            jsonw_string(w, deputy_level_name((enum deputy_level)bit));
    jsonw_array_end(w);
    jsonw_key(w, "sector");
    jsonw_string(w, d->sector ? d->sector : "");
    jsonw_key(w, "station_ids");
    jsonw_array_begin(w);
    for (size_t i = 0; i < d->n_station_ids; i++)
        jsonw_int(w, d->station_ids[i]);
    jsonw_array_end(w);
    if (caller_sees_private(req, d->id)) {
        jsonw_key(w, "phone");
        jsonw_string(w, d->phone); /* NULL: null */
        jsonw_key(w, "lat");
        if (d->has_location)
            jsonw_double(w, d->lat);
        else
            jsonw_null(w);
        jsonw_key(w, "lon");
        if (d->has_location)
            jsonw_double(w, d->lon);
        else
            jsonw_null(w);
    }
    jsonw_object_end(w);
}

#define DEPUTY_JSON_HINT 256

/* near=LAT,LON */
static enum yy_err query_near(struct request *req, bool *present, double *lat, double *lon)
{
    const char *v = kvlist_get(&req->query, "near");
    *present = v && *v;
    if (!*present)
        return YY_OK;
    const char *comma = strchr(v, ',');
    if (!comma || !parse_double(comma + 1, lon))
        goto bad;
    char *first = arena_strndup(req->arena, v, (size_t)(comma - v));
    if (!parse_double(first, lat) || !geo_valid(*lat, *lon))
        goto bad;
    return YY_OK;
bad:
    return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                   "near 须为“纬度,经度”,例如 30.58,114.27", "near");
}

static enum yy_err get_stations(struct request *req, struct response *res)
{
    struct page pg;
    struct station_filter f = {0};
    bool has_street, near;
    double lat = 0, lon = 0;
    STORE(api_page(req, &pg));
    STORE(query_int(req, "street", 1, INT64_MAX, &f.street_id, &has_street));
    const char *kind = kvlist_get(&req->query, "kind");
    if (kind && *kind) {
        if (!station_kind_from_name(kind, &f.kind))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "站点类型不正确",
                           "kind");
        f.by_kind = true;
    }
    STORE(query_near(req, &near, &lat, &lon));
    STORE(query_text(req, "q", STORE_SEARCH_MAX, &f.q));

    struct station *items;
    size_t n;
    size_t from, to; /* the slice of items shown */
    const char *next = NULL;
    if (near) {
        /* All matches sorted by distance; the cursor is an offset. */
        STORE(store_stations_list(api_app(req)->db, req->arena, &f, &items, &n, &req->err));
        geo_sort_by_distance(items, n, lat, lon);
        from = pg.after < 0 || (uint64_t)pg.after > n ? n : (size_t)pg.after;
        to = from + pg.limit < n ? from + pg.limit : n;
        if (to < n)
            next = api_cursor(req, (int64_t)to);
    } else {
        f.after_id = pg.after;
        f.limit = pg.limit + 1;
        STORE(store_stations_list(api_app(req)->db, req->arena, &f, &items, &n, &req->err));
        from = 0;
        to = n > pg.limit ? pg.limit : n;
        if (n > pg.limit)
            next = api_cursor(req, items[to - 1].id);
    }
    struct jsonw w;
    api_reply_begin(res, 200, 64 + (to - from) * STATION_JSON_HINT, &w);
    api_list_begin(&w);
    for (size_t i = from; i < to; i++) {
        jsonw_object_begin(&w);
        station_members(&w, &items[i]);
        if (near) {
            jsonw_key(&w, "distance_m");
            jsonw_int(&w, lround(geo_distance_m(lat, lon, items[i].lat, items[i].lon)));
        }
        jsonw_object_end(&w);
    }
    api_list_end(&w, next);
    return api_reply_end(&w);
}

static enum yy_err get_station(struct request *req, struct response *res)
{
    int64_t id;
    struct station s = {0};
    STORE(path_id(req, &id));
    struct app *app = api_app(req);
    STORE(store_station_get(app->db, req->arena, id, &s, &req->err));
    struct deputy_filter f = {.station_id = id};
    struct deputy *ds;
    size_t n;
    STORE(store_deputies_list(app->db, req->arena, &f, &ds, &n, &req->err));
    struct jsonw w;
    api_reply_begin(res, 200, STATION_JSON_HINT + n * DEPUTY_JSON_HINT, &w);
    jsonw_object_begin(&w);
    station_members(&w, &s);
    jsonw_key(&w, "deputies");
    jsonw_array_begin(&w);
    for (size_t i = 0; i < n; i++)
        deputy_write(&w, req, &ds[i]);
    jsonw_array_end(&w);
    jsonw_key(&w, "next_reception_day");
    /* the structured schedule when the station has an active one, else its
     * text rule read as one; either way moved off holidays (RECEPTIONS.md) */
    struct reception_plan plan;
    struct reception_schedule rule;
    const struct reception_schedule *sched = NULL;
    enum yy_err prc = store_reception_plan_get(app->db, req->arena, id, &plan, &req->err);
    if (prc != YY_OK && prc != YY_NOT_FOUND)
        return prc;
    struct reception_occurrence occ;
    bool has_next = false;
    if (prc == YY_OK) { /* by the versions in force (the notice rule) */
        prc = store_reception_next(app->db, req->arena, app->calendar, id, time_now(), &occ,
                                   &has_next, &req->err);
        if (prc != YY_OK)
            return prc;
        sched = has_next ? &plan.s : NULL;
    } else if (reception_rule_parse(s.reception_rule, &rule)) {
        sched = &rule;
        has_next = reception_next_occurrence(sched, app->calendar, time_now(), &occ);
    }
    int64_t start, end;
    if (sched && has_next) {
        char date[11];
        reception_format_date(occ.day, date);
        jsonw_object_begin(&w);
        jsonw_key(&w, "date");
        jsonw_string(&w, date);
        jsonw_key(&w, "starts_at");
        api_write_time(&w, occ.starts_at);
        jsonw_key(&w, "ends_at");
        api_write_time(&w, occ.ends_at);
        jsonw_key(&w, "moved");
        jsonw_bool(&w, occ.day != occ.nominal_day);
        jsonw_key(&w, "provisional");
        jsonw_bool(&w, occ.provisional);
        jsonw_object_end(&w);
    } else if (!sched && prc == YY_NOT_FOUND &&
               reception_next(s.reception_rule, time_now(), &start, &end)) {
        jsonw_object_begin(&w);
        jsonw_key(&w, "starts_at");
        api_write_time(&w, start);
        jsonw_key(&w, "ends_at");
        api_write_time(&w, end);
        jsonw_object_end(&w);
    } else {
        jsonw_null(&w);
    }
    jsonw_object_end(&w);
    return api_reply_end(&w);
}

/* Reads station fields present in body over *s (all required when creating). */
static enum yy_err station_from_json(struct request *req, json_t *body, bool create, void *rec)
{
    struct station *s = rec;
    static const char *const fields[] = {"kind",    "name",          "street_id",
                                         "community_id", "address", "lat",
                                         "lon",     "opening_hours", "reception_rule",
                                         NULL};
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    const char *kind = NULL;
    bool present;
    if (rc == YY_OK)
        rc = json_get_text(req, body, "kind", create, 32, false, &kind, &present);
    if (rc == YY_OK && kind && !station_kind_from_name(kind, &s->kind))
        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_kind",
                     "站点类型须为 work_office、reception_room、central_station、"
                     "building_station 或 park_home",
                     "kind");
    if (rc == YY_OK)
        rc = json_get_text(req, body, "name", create, REGISTRY_NAME_MAX, false, &s->name, NULL);
    if (rc == YY_OK)
        rc = json_get_int(req, body, "street_id", create, 1, INT64_MAX, &s->street_id, NULL);
    if (rc == YY_OK) {
        rc = json_get_int(req, body, "community_id", false, 1, INT64_MAX, &s->community_id,
                          &present);
        if (rc == YY_OK && !present && json_object_get(body, "community_id"))
            s->community_id = 0; /* explicit null clears it */
    }
    if (rc == YY_OK)
        rc = json_get_text(req, body, "address", false, REGISTRY_TEXT_MAX, false, &s->address,
                           NULL);
    if (rc == YY_OK)
        rc = json_get_double(req, body, "lat", create, &s->lat, NULL);
    if (rc == YY_OK)
        rc = json_get_double(req, body, "lon", create, &s->lon, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "opening_hours", false, REGISTRY_NAME_MAX, false,
                           &s->opening_hours, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "reception_rule", false, REGISTRY_NAME_MAX, false,
                           &s->reception_rule, NULL);
    if (rc == YY_OK)
        rc = station_validate(s, &req->err);
    return rc;
}

static enum yy_err station_add(struct request *req, struct db *db, void *rec)
{
    return store_station_add(db, rec, &req->err);
}

static enum yy_err station_get_for_update(struct request *req, struct db *db, int64_t id, void *rec)
{
    return store_station_get_for_update(db, req->arena, id, rec, &req->err);
}

static enum yy_err station_update(struct request *req, struct db *db, void *rec)
{
    return store_station_update(db, rec, &req->err);
}

static const struct upkeep station_upkeep = {
    .entity = "station",
    .create_action = "station.create",
    .update_action = "station.update",
    .from_json = station_from_json,
    .add = station_add,
    .get_for_update = station_get_for_update,
    .update = station_update,
    .audit_json = station_json,
    .json = station_json,
};

static enum yy_err post_station(struct request *req, struct response *res)
{
    struct station s = {.address = "", .opening_hours = "", .reception_rule = ""};
    return upkeep_create(req, res, &station_upkeep, &s, &s.id);
}

static enum yy_err patch_station(struct request *req, struct response *res)
{
    struct station s = {0};
    return upkeep_update(req, res, &station_upkeep, &s, &s.id);
}

/* ---- deputies -------------------------------------------------------------- */

static enum yy_err get_deputies(struct request *req, struct response *res)
{
    struct page pg;
    struct deputy_filter f = {0};
    STORE(api_page(req, &pg));
    STORE(query_int(req, "station", 1, INT64_MAX, &f.station_id, NULL));
    STORE(query_text(req, "q", STORE_SEARCH_MAX, &f.q));
    const char *level = kvlist_get(&req->query, "level");
    if (level && *level) {
        enum deputy_level l;
        if (!deputy_level_from_name(level, &l))
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                           "level 须为 national、provincial、municipal 或 district", "level");
        f.level = (unsigned)l;
    }
    f.after_id = pg.after;
    f.limit = pg.limit + 1;
    struct deputy *ds;
    size_t n;
    STORE(store_deputies_list(api_app(req)->db, req->arena, &f, &ds, &n, &req->err));
    size_t shown = n > pg.limit ? pg.limit : n;
    struct jsonw w;
    api_reply_begin(res, 200, 64 + shown * DEPUTY_JSON_HINT, &w);
    api_list_begin(&w);
    for (size_t i = 0; i < shown; i++)
        deputy_write(&w, req, &ds[i]);
    api_list_end(&w, n > pg.limit ? api_cursor(req, ds[shown - 1].id) : NULL);
    return api_reply_end(&w);
}

static enum yy_err get_deputy(struct request *req, struct response *res)
{
    int64_t id;
    struct deputy d = {0};
    STORE(path_id(req, &id));
    STORE(store_deputy_get(api_app(req)->db, req->arena, id, &d, &req->err));
    return api_reply(res, 200, deputy_json(req, &d));
}

static enum yy_err deputy_from_json(struct request *req, json_t *body, bool create, void *rec)
{
    struct deputy *d = rec;
    static const char *const fields[] = {"name", "levels", "sector",      "phone",
                                         "lat",  "lon",    "station_ids", NULL};
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "name", create, REGISTRY_NAME_MAX, false, &d->name, NULL);
    json_t *levels = json_object_get(body, "levels");
    if (rc == YY_OK && (levels || create)) {
        if (!json_is_array(levels) || json_array_size(levels) == 0)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_levels",
                           "levels 须为非空列表,取值 national、provincial、municipal、district",
                           "levels");
        d->levels = 0;
        size_t i;
        json_t *v;
        json_array_foreach(levels, i, v) {
            enum deputy_level l;
            if (!json_is_string(v) || !deputy_level_from_name(json_string_value(v), &l))
                return yy_fail(&req->err, YY_BAD_INPUT, "invalid_levels",
                               "levels 的取值须为 national、provincial、municipal、district",
                               "levels");
            d->levels |= (unsigned)l;
        }
    }
    if (rc == YY_OK)
        rc = json_get_text(req, body, "sector", false, REGISTRY_NAME_MAX, false, &d->sector,
                           NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "phone", false, 20, false, &d->phone, NULL);
    bool has_lat = false, has_lon = false;
    if (rc == YY_OK)
        rc = json_get_double(req, body, "lat", false, &d->lat, &has_lat);
    if (rc == YY_OK)
        rc = json_get_double(req, body, "lon", false, &d->lon, &has_lon);
    if (rc == YY_OK && has_lat != has_lon)
        return yy_fail(&req->err, YY_BAD_INPUT, "missing_field", "经度和纬度须同时填写",
                       has_lat ? "lon" : "lat");
    if (has_lat)
        d->has_location = true;
    json_t *sids = json_object_get(body, "station_ids");
    if (rc == YY_OK && sids && !json_is_null(sids)) {
        if (!json_is_array(sids) || json_array_size(sids) > 16)
            return yy_fail(&req->err, YY_BAD_INPUT, "invalid_type",
                           "station_ids 须为站点编号列表(最多16个)", "station_ids");
        d->n_station_ids = json_array_size(sids);
        d->station_ids = arena_calloc(req->arena, d->n_station_ids + 1, sizeof(int64_t));
        size_t i;
        json_t *v;
        json_array_foreach(sids, i, v) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return yy_fail(&req->err, YY_BAD_INPUT, "invalid_type",
                               "station_ids 须为站点编号列表", "station_ids");
            d->station_ids[i] = json_integer_value(v);
        }
    } else if (rc == YY_OK && has_lat && !create) {
        d->n_station_ids = 0; /* a new location without stations: place again */
    }
    if (rc == YY_OK && create && !d->n_station_ids && !d->has_location)
        return yy_fail(&req->err, YY_BAD_INPUT, "missing_field",
                       "须指定所在站点(station_ids),或提供经纬度以就近编入", "station_ids");
    if (rc == YY_OK)
        rc = deputy_validate(d, &req->err);
    return rc;
}

static enum yy_err deputy_add(struct request *req, struct db *db, void *rec)
{
    return store_deputy_add(db, req->arena, rec, &req->err);
}

static enum yy_err deputy_get_for_update(struct request *req, struct db *db, int64_t id, void *rec)
{
    return store_deputy_get_for_update(db, req->arena, id, rec, &req->err);
}

static enum yy_err deputy_update(struct request *req, struct db *db, void *rec)
{
    return store_deputy_update(db, req->arena, rec, &req->err);
}

static const struct upkeep deputy_upkeep = {
    .entity = "deputy",
    .create_action = "deputy.create",
    .update_action = "deputy.update",
    .from_json = deputy_from_json,
    .add = deputy_add,
    .get_for_update = deputy_get_for_update,
    .update = deputy_update,
    .audit_json = deputy_audit_json,
    .json = deputy_json,
};

static enum yy_err post_deputy(struct request *req, struct response *res)
{
    struct deputy d = {.sector = ""};
    return upkeep_create(req, res, &deputy_upkeep, &d, &d.id);
}

static enum yy_err patch_deputy(struct request *req, struct response *res)
{
    struct deputy d = {0};
    return upkeep_update(req, res, &deputy_upkeep, &d, &d.id);
}

/* ---- units ----------------------------------------------------------------- */

static json_t *unit_json(const struct request *req, const void *rec)
{
    const struct unit *u = rec;
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u->id, "name", u->name, "kind",
                     unit_kind_name(u->kind));
}

static enum yy_err get_units(struct request *req, struct response *res)
{
    struct page pg;
    STORE(api_page(req, &pg));
    struct unit *us;
    size_t n;
    STORE(store_units_list(api_app(req)->db, req->arena, pg.after, pg.limit + 1, &us, &n,
                           &req->err));
    size_t shown = n > pg.limit ? pg.limit : n;
    struct jsonw w;
    api_reply_begin(res, 200, 64 + shown * 128, &w);
    api_list_begin(&w);
    for (size_t i = 0; i < shown; i++) {
        jsonw_object_begin(&w);
        jsonw_key(&w, "id");
        jsonw_int(&w, us[i].id);
        jsonw_key(&w, "name");
        jsonw_string(&w, us[i].name);
        jsonw_key(&w, "kind");
        jsonw_string(&w, unit_kind_name(us[i].kind));
        jsonw_object_end(&w);
    }
    api_list_end(&w, n > pg.limit ? api_cursor(req, us[shown - 1].id) : NULL);
    return api_reply_end(&w);
}

static enum yy_err get_unit(struct request *req, struct response *res)
{
    int64_t id;
    struct unit u = {0};
    STORE(path_id(req, &id));
    STORE(store_unit_get(api_app(req)->db, req->arena, id, &u, &req->err));
    return api_reply(res, 200, unit_json(req, &u));
}

static enum yy_err unit_from_json(struct request *req, json_t *body, bool create, void *rec)
{
    struct unit *u = rec;
    static const char *const fields[] = {"name", "kind", NULL};
    const char *kind = NULL;
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "name", create, REGISTRY_NAME_MAX, false, &u->name, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "kind", false, 32, false, &kind, NULL);
    if (rc == YY_OK && kind && !unit_kind_from_name(kind, &u->kind))
        rc = yy_fail(&req->err, YY_BAD_INPUT, "invalid_kind",
                     "单位类型须为 department、street_office、utility、procuratorate 或 other",
                     "kind");
    if (rc == YY_OK)
        rc = unit_validate(u, &req->err);
    return rc;
}

static enum yy_err unit_add(struct request *req, struct db *db, void *rec)
{
    return store_unit_add(db, rec, &req->err);
}

static enum yy_err unit_get_for_update(struct request *req, struct db *db, int64_t id, void *rec)
{
    return store_unit_get_for_update(db, req->arena, id, rec, &req->err);
}

static enum yy_err unit_update(struct request *req, struct db *db, void *rec)
{
    return store_unit_update(db, rec, &req->err);
}

static const struct upkeep unit_upkeep = {
    .entity = "unit",
    .create_action = "unit.create",
    .update_action = "unit.update",
    .from_json = unit_from_json,
    .add = unit_add,
    .get_for_update = unit_get_for_update,
    .update = unit_update,
    .audit_json = unit_json,
    .json = unit_json,
};

static enum yy_err post_unit(struct request *req, struct response *res)
{
    struct unit u = {.kind = UNIT_DEPARTMENT};
    return upkeep_create(req, res, &unit_upkeep, &u, &u.id);
}

static enum yy_err patch_unit(struct request *req, struct response *res)
{
    struct unit u = {0};
    return upkeep_update(req, res, &unit_upkeep, &u, &u.id);
}

/* ---- shared responses (api/cache.h) ---------------------------------------- */

/* True when the caller may see some deputy's private fields, so lists of
 * deputies written for them are theirs alone. */
static bool caller_sees_some_private(const struct request *req)
{
    const struct caller *c = api_caller(req);
    return c->via != AUTH_NONE &&
           (user_has_role(&c->user, ROLE_ADMIN) || user_has_role(&c->user, ROLE_DEPUTY));
}

static enum yy_err get_regions_cached(struct request *req, struct response *res)
{
    return api_cached(req, res, get_regions, true);
}

static enum yy_err get_stations_cached(struct request *req, struct response *res)
{
    return api_cached(req, res, get_stations, true);
}

/* A station's page is not shared: next_reception_day depends on the date and
 * its deputies on the caller.  It still gets an ETag. */
static enum yy_err get_station_tagged(struct request *req, struct response *res)
{
    return api_cached(req, res, get_station, false);
}

static enum yy_err get_deputies_cached(struct request *req, struct response *res)
{
    return api_cached(req, res, get_deputies, !caller_sees_some_private(req));
}

static enum yy_err get_units_cached(struct request *req, struct response *res)
{
    return api_cached(req, res, get_units, true);
}

enum yy_err api_registry_routes(struct router *r)
{
    static const struct route_def routes[] = {
        {"GET", "/api/v1/regions", get_regions_cached},
        {"POST", "/api/v1/regions", post_region},
        {"GET", "/api/v1/stations", get_stations_cached},
        {"POST", "/api/v1/stations", post_station},
        {"GET", "/api/v1/stations/{id}", get_station_tagged},
        {"PATCH", "/api/v1/stations/{id}", patch_station},
        {"GET", "/api/v1/deputies", get_deputies_cached},
        {"POST", "/api/v1/deputies", post_deputy},
        {"GET", "/api/v1/deputies/{id}", get_deputy},
        {"PATCH", "/api/v1/deputies/{id}", patch_deputy},
        {"GET", "/api/v1/units", get_units_cached},
        {"POST", "/api/v1/units", post_unit},
        {"GET", "/api/v1/units/{id}", get_unit},
        {"PATCH", "/api/v1/units/{id}", patch_unit},
    };
    return router_add_table(r, routes, sizeof(routes) / sizeof(routes[0]));
}
