/* demo.c - loads demo_data.c's tables through the store; see demo.h. */
#include "demo/demo.h"

#include <string.h>

#include "demo/demo_data.h"
#include "domain/auth.h"
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
    return YY_OK;
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
