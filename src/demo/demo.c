/* demo.c - loads demo_data.c's tables through the store; see demo.h. */
#include "demo/demo.h"

#include <string.h>

#include "demo/demo_data.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/reception.h"
#include "store/reception.h"
#include "store/activity.h"
#include "store/store.h"

const struct demo_account demo_accounts[] = {
    {"admin", "admin", "区人大常委会代表工委"},
    {"leader", "leader", "主任会议成员"},
    {"street", "street_staff", "民族街道人大工委"},
    {"community", "community_staff", "社区人大工作专职副书记"},
    {"deputy", "deputy", "人大代表"},
    {"unit", "unit_staff", "区建设局"},
    {"procurator", "procurator", "区检察院公益诉讼部门"},
    {"resident", "resident", "群众"},
};
const size_t demo_accounts_n = sizeof(demo_accounts) / sizeof(demo_accounts[0]);

/* Each station's reception-day rule as a structured schedule (the text rule
 * read as one: docs/RECEPTIONS.md), with a duty rota of the deputies placed
 * there, two a time, counted from 1 January 2026. */
static enum yy_err load_reception_schedules(struct db *db, struct arena *a, struct yy_error *e)
{
    struct station_filter sf = {0};
    struct station *stations;
    size_t ns;
    enum yy_err rc = store_stations_list(db, a, &sf, &stations, &ns, e);
    for (size_t i = 0; rc == YY_OK && i < ns; i++) {
        struct reception_plan p = {.station_id = stations[i].id,
                                   .active = true,
                                   .per_day = 2,
                                   .rota_from = time_days_from_civil(2026, 1, 1)};
        if (!reception_rule_parse(stations[i].reception_rule, &p.s))
            continue;
        struct deputy_filter df = {.station_id = stations[i].id};
        struct deputy *ds;
        size_t nd;
        if ((rc = store_deputies_list(db, a, &df, &ds, &nd, e)) != YY_OK)
            break;
        if (nd > RECEPTION_ROTA_MAX)
            nd = RECEPTION_ROTA_MAX;
        p.rota = arena_calloc(a, nd ? nd : 1, sizeof(int64_t));
        for (size_t j = 0; j < nd; j++)
            p.rota[p.n_rota++] = ds[j].id;
        rc = store_reception_plan_put_tx(db, &p, time_now(), e);
    }
    return rc;
}

/* demo_activities: held ones with their record, coming ones open or drafts,
 * placed in time around the day the demo is loaded (no registrations: those
 * are residents' personal data). */
static enum yy_err load_activities(struct db *db, struct arena *a, struct yy_error *e)
{
    struct station_filter sf = {0};
    struct station *stations;
    struct unit *units;
    size_t ns, nu;
    enum yy_err rc = store_stations_list(db, a, &sf, &stations, &ns, e);
    if (rc == YY_OK)
        rc = store_units_list(db, a, 0, 0, &units, &nu, e);
    int64_t now = time_now();
    int64_t today = (now + TIME_CST_OFFSET) / 86400;
    for (size_t i = 0; rc == YY_OK && i < demo_activities_n; i++) {
        const struct demo_activity *da = &demo_activities[i];
        int64_t starts = (today + da->day) * 86400 - TIME_CST_OFFSET + da->hour * 3600 +
                         da->minute * 60;
        struct activity act = {.title = da->title,
                               .theme = da->theme,
                               .venue = da->venue ? da->venue : "",
                               .starts_at = starts,
                               .ends_at = starts + da->duration_min * 60,
                               .capacity = da->capacity,
                               .minutes = da->minutes,
                               .created_at = starts - 10 * 86400,
                               .updated_at = now};
        if (!act_kind_from_name(da->kind, &act.kind) ||
            !act_state_from_name(da->status, &act.status) ||
            (da->station >= 0 && (size_t)da->station >= ns) || (size_t)da->deputies_at >= ns)
            return yy_fail(e, YY_INTERNAL, "bad_demo_data", da->title, NULL);
        if (act.created_at > now)
            act.created_at = now;
        if (act.status != AS_DRAFT)
            act.published_at = act.created_at;
        if (act.status == AS_CLOSED)
            act.closed_at = act.ends_at + 3600;
        int64_t deputies[3];
        size_t n_deputies = 0;
        if (da->station >= 0) {
            /* stations come back in id order, as they were added */
            const struct station *s = &stations[da->station];
            act.station_id = s->id;
            act.street_id = s->street_id;
            act.community_id = s->community_id;
        }
        struct deputy_filter df = {.station_id = stations[da->deputies_at].id, .limit = 3};
        struct deputy *ds;
        size_t nd;
        if ((rc = store_deputies_list(db, a, &df, &ds, &nd, e)) != YY_OK)
            break;
        for (size_t k = 0; k < nd && k < 3; k++)
            deputies[n_deputies++] = ds[k].id;
        int64_t unit = 0;
        for (size_t k = 0; da->unit && k < nu; k++)
            if (!strcmp(units[k].name, da->unit))
                unit = units[k].id;
        if (da->unit && !unit)
            return yy_fail(e, YY_INTERNAL, "bad_demo_data", da->unit, NULL);
        rc = store_activity_insert_tx(db, &act, deputies, n_deputies, &unit, unit ? 1 : 0, e);
        if (rc == YY_OK && act.status == AS_CLOSED)
            rc = store_activity_attendance_tx(db, act.id, deputies, n_deputies < 2 ? n_deputies : 2,
                                              e);
        if (rc == YY_OK && da->question)
            rc = store_activity_qa_add_tx(db, act.id, da->question, da->answer, unit,
                                          act.starts_at + 3600, e);
    }
    return rc;
}

static enum yy_err load(struct db *db, struct arena *a, struct yy_error *e)
{
    enum yy_err rc;
    struct region probe;
    if (store_region_find(db, a, "江汉区", 0, &probe, NULL) == YY_OK)
        return yy_fail(e, YY_CONFLICT, "demo_exists", "数据库中已有演示数据", NULL);

    struct region district = {.kind = REGION_DISTRICT, .name = "江汉区"};
    if ((rc = store_region_add(db, &district, e)) != YY_OK)
        return rc;
    int64_t *street_ids = arena_calloc(a, demo_streets_n, sizeof(int64_t));
    for (size_t i = 0; i < demo_streets_n; i++) {
        struct region r = {.kind = demo_streets[i].dev_zone ? REGION_DEV_ZONE : REGION_STREET,
                           .name = demo_streets[i].name,
                           .parent_id = district.id};
        if ((rc = store_region_add(db, &r, e)) != YY_OK)
            return rc;
        street_ids[i] = r.id;
    }
    int64_t *community_ids = arena_calloc(a, demo_communities_n, sizeof(int64_t));
    for (size_t i = 0; i < demo_communities_n; i++) {
        struct region r = {.kind = REGION_COMMUNITY,
                           .name = demo_communities[i].name,
                           .parent_id = street_ids[demo_communities[i].street]};
        if ((rc = store_region_add(db, &r, e)) != YY_OK)
            return rc;
        community_ids[i] = r.id;
    }
    for (size_t i = 0; i < demo_stations_n; i++) {
        const struct demo_station *ds = &demo_stations[i];
        struct station s = {.name = ds->name,
                            .street_id = street_ids[ds->street],
                            .community_id = ds->community >= 0 ? community_ids[ds->community] : 0,
                            .address = ds->address,
                            .lat = ds->lat,
                            .lon = ds->lon,
                            .opening_hours = ds->opening_hours,
                            .reception_rule = ds->reception_rule};
        if (!station_kind_from_name(ds->kind, &s.kind))
            return yy_fail(e, YY_INTERNAL, "bad_demo_data", ds->kind, "kind");
        if ((rc = station_validate(&s, e)) != YY_OK || (rc = store_station_add(db, &s, e)) != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < demo_deputies_n; i++) {
        const struct demo_deputy *dd = &demo_deputies[i];
        struct deputy d = {.name = dd->name,
                           .levels = dd->levels,
                           .sector = dd->sector,
                           .phone = dd->phone,
                           .has_location = true,
                           .lat = dd->lat,
                           .lon = dd->lon};
        if ((rc = deputy_validate(&d, e)) != YY_OK ||
            (rc = store_deputy_add(db, a, &d, e)) != YY_OK)
            return rc;
    }
    if ((rc = load_reception_schedules(db, a, e)) != YY_OK)
        return rc;
    int64_t demo_unit = 0; /* the demo `unit` login works for 区建设局 */
    for (size_t i = 0; i < demo_units_n; i++) {
        struct unit u = {.name = demo_units[i].name};
        if (!unit_kind_from_name(demo_units[i].kind, &u.kind))
            return yy_fail(e, YY_INTERNAL, "bad_demo_data", demo_units[i].kind, "kind");
        if ((rc = store_unit_add(db, &u, e)) != YY_OK)
            return rc;
        if (!strcmp(u.name, "区建设局"))
            demo_unit = u.id;
    }

    if (!demo_unit)
        return yy_fail(e, YY_INTERNAL, "bad_demo_data", "演示数据缺少区建设局", NULL);
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(DEMO_PASSWORD, hash) != YY_OK)
        return yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
    struct deputy_filter df = {.limit = 1};
    struct deputy *first_deputy;
    size_t nd;
    if ((rc = store_deputies_list(db, a, &df, &first_deputy, &nd, e)) != YY_OK)
        return rc;
    for (size_t i = 0; i < demo_accounts_n; i++) {
        struct role_grant g = {0};
        role_from_name(demo_accounts[i].role, &g.role);
        switch (g.role) {
        case ROLE_STREET_STAFF: g.scope_id = street_ids[0]; break;
        case ROLE_COMMUNITY_STAFF: g.scope_id = community_ids[0]; break;
        case ROLE_DEPUTY: g.scope_id = nd ? first_deputy[0].id : 0; break;
        case ROLE_UNIT_STAFF: g.scope_id = demo_unit; break;
        default: break;
        }
        struct user u = {.login = demo_accounts[i].login,
                         .name = demo_accounts[i].what,
                         .password_hash = hash,
                         .roles = &g,
                         .n_roles = 1};
        if ((rc = store_user_add(db, &u, e)) != YY_OK)
            return rc;
    }
    return load_activities(db, a, e);
}

enum yy_err demo_load(struct db *db, struct arena *a, struct yy_error *e)
{
    enum yy_err rc = db_begin(db);
    if (rc != YY_OK)
        return yy_fail(e, rc, "database_busy", "数据库繁忙", NULL);
    rc = load(db, a, e);
    if (rc == YY_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}
