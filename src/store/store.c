/* store.c - the store interface over db.h; see store.h.  Portable SQL only:
 * $n placeholders, no engine-specific functions. */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "domain/geo.h"
#include "store/sql.h"

/* ---- small helpers -------------------------------------------------------- */

/* Runs fn inside a transaction: commit on YY_OK, roll back otherwise. */
#define IN_TX(db, e, body)                                                                        \
    do {                                                                                          \
        enum yy_err tx_rc_ = db_begin(db);                                                        \
        if (tx_rc_ != YY_OK)                                                                      \
            return yy_fail(e, tx_rc_, "database_busy", "数据库繁忙,请稍后再试", NULL);            \
        tx_rc_ = (body);                                                                          \
        if (tx_rc_ == YY_OK) {                                                                    \
            tx_rc_ = db_commit(db);                                                               \
            if (tx_rc_ != YY_OK)                                                                  \
                return yy_fail(e, tx_rc_, "commit_failed", "保存失败,请重试", NULL);              \
        } else {                                                                                  \
            db_rollback(db);                                                                      \
        }                                                                                         \
        return tx_rc_;                                                                            \
    } while (0)

/* Like PREP, for reads that must see the latest writes (db_prepare_primary). */
#define PREP_PRIMARY(st, db, sql, e)                                                              \
    struct db_stmt *st = db_prepare_primary(db, sql, e);                                          \
    if (!(st))                                                                                    \
    return (e) ? (e)->kind : YY_INTERNAL

/* The text-search condition for q on placeholder $param, written into cond
 * (db_search_condition); without q a condition that holds, on the same
 * placeholder, so the statement has it either way.  *arg: what to bind. */
static enum yy_err search_cond(struct db *db, struct arena *a, const char *table,
                               const char *alias, const char *const *cols, const char *q,
                               int param, char *cond, size_t n, const char **arg,
                               struct yy_error *e)
{
    if (!q || !*q) {
        snprintf(cond, n, "$%d = ''", param);
        *arg = "";
        return YY_OK;
    }
    size_t len = strlen(q);
    if (!utf8_valid(q, len) || utf8_length(q, len) > STORE_SEARCH_MAX)
        return yy_fail(e, YY_BAD_INPUT, "invalid_parameter", "搜索词不能超过100个字", "q");
    size_t an = 2 * len + 3;
    char *buf = arena_alloc(a, an);
    if (db_search_condition(db, table, alias, cols, q, param, cond, n, buf, an) != YY_OK)
        return yy_fail(e, YY_INTERNAL, "database_error", "数据库错误", NULL);
    *arg = buf;
    return YY_OK;
}

/* ---- transactions ----------------------------------------------------------- */

enum yy_err store_begin(struct db *db, struct yy_error *e)
{
    enum yy_err rc = db_begin(db);
    if (rc != YY_OK)
        return yy_fail(e, YY_UNAVAILABLE, "database_busy", "数据库繁忙,请稍后再试", NULL);
    return YY_OK;
}

enum yy_err store_commit(struct db *db, struct yy_error *e)
{
    enum yy_err rc = db_commit(db);
    if (rc != YY_OK)
        return yy_fail(e, rc == YY_UNAVAILABLE ? rc : YY_INTERNAL, "commit_failed",
                       "保存失败,请重试", NULL);
    return YY_OK;
}

void store_rollback(struct db *db)
{
    db_rollback(db);
}

enum yy_err store_finish(struct db *db, enum yy_err rc, struct yy_error *e)
{
    if (rc == YY_OK)
        return store_commit(db, e);
    db_rollback(db);
    return rc;
}

/* Takes the row lock the portable way: a no-op UPDATE locks the row in
 * PostgreSQL until commit, and SQLite's writer already excludes everyone.
 * YY_NOT_FOUND when the row does not exist. */
static enum yy_err lock_row(struct db *db, const char *sql, int64_t id, struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    PREP(st, db, sql, e);
    db_bind_int(st, 1, id);
    enum yy_err rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "记录不存在", NULL);
    return rc;
}

/* ---- regions --------------------------------------------------------------- */

static void region_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct region *r = item;
    r->id = db_col_int(st, 0);
    region_kind_from_name(db_col_text(st, 1), &r->kind);
    r->name = sql_col_str(a, st, 2);
    r->parent_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
}

#define REGION_COLS "id, kind, name, parent_id"

static enum yy_err region_add_tx(struct db *db, struct region *r, struct yy_error *e)
{
    enum region_kind parent_kind = REGION_DISTRICT;
    if (r->parent_id) {
        struct arena tmp = ARENA_INIT;
        struct region parent;
        enum yy_err prc = store_region_get(db, &tmp, r->parent_id, &parent, e);
        parent_kind = parent.kind;
        arena_release(&tmp);
        if (prc == YY_NOT_FOUND)
            return yy_fail(e, YY_BAD_INPUT, "unknown_parent", "上级区域不存在", "parent_id");
        if (prc != YY_OK)
            return prc;
    }
    enum yy_err vrc = region_validate(r, parent_kind, e);
    if (vrc != YY_OK)
        return vrc;
    PREP(st, db, "INSERT INTO regions (kind, name, parent_id) VALUES ($1, $2, $3) RETURNING id",
         e);
    db_bind_text(st, 1, region_kind_name(r->kind));
    db_bind_text(st, 2, r->name);
    sql_bind_id(st, 3, r->parent_id);
    enum yy_err rc = sql_one_int(st, &r->id, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "duplicate_name", "同一上级下已有同名区域", "name");
    return rc;
}

enum yy_err store_region_add(struct db *db, struct region *r, struct yy_error *e)
{
    IN_TX(db, e, region_add_tx(db, r, e));
}

enum yy_err store_region_get(struct db *db, struct arena *a, int64_t id, struct region *out,
                             struct yy_error *e)
{
    PREP(st, db, "SELECT " REGION_COLS " FROM regions WHERE id = $1", e);
    db_bind_int(st, 1, id);
    return sql_get(a, st, region_row, out, e);
}

enum yy_err store_region_find(struct db *db, struct arena *a, const char *name, int64_t parent_id,
                              struct region *out, struct yy_error *e)
{
    PREP(st, db,
         "SELECT " REGION_COLS " FROM regions WHERE name = $1 AND ($2 = 0 OR parent_id = $2)"
         " ORDER BY id LIMIT 1",
         e);
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, parent_id);
    return sql_get(a, st, region_row, out, e);
}

enum yy_err store_regions_all(struct db *db, struct arena *a, struct region **out, size_t *n,
                              struct yy_error *e)
{
    PREP(st, db, "SELECT " REGION_COLS " FROM regions ORDER BY id", e);
    void *items;
    enum yy_err rc = sql_rows(a, st, region_row, sizeof(**out), 128, &items, n, e);
    *out = items;
    return rc;
}

/* ---- stations -------------------------------------------------------------- */

#define STATION_COLS                                                                              \
    "id, kind, name, street_id, community_id, address, lat, lon, opening_hours, reception_rule"

static void station_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct station *s = item;
    s->id = db_col_int(st, 0);
    station_kind_from_name(db_col_text(st, 1), &s->kind);
    s->name = sql_col_str(a, st, 2);
    s->street_id = db_col_int(st, 3);
    s->community_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
    s->address = sql_col_str(a, st, 5);
    s->lat = db_col_double(st, 6);
    s->lon = db_col_double(st, 7);
    s->opening_hours = sql_col_str(a, st, 8);
    s->reception_rule = sql_col_str(a, st, 9);
}

static const char *const station_search_cols[] = {"name", "address", NULL};

enum yy_err store_stations_list(struct db *db, struct arena *a, const struct station_filter *f,
                                struct station **out, size_t *n, struct yy_error *e)
{
    char cond[512], sql[1024];
    const char *arg;
    enum yy_err src = search_cond(db, a, "stations", NULL, station_search_cols, f->q, 4, cond,
                                  sizeof(cond), &arg, e);
    if (src != YY_OK)
        return src;
    snprintf(sql, sizeof(sql),
             "SELECT " STATION_COLS " FROM stations"
             " WHERE ($1 = 0 OR street_id = $1) AND ($2 = '' OR kind = $2) AND id > $3"
             " AND %s ORDER BY id LIMIT $5",
             cond);
    PREP(st, db, sql, e);
    db_bind_int(st, 1, f->street_id);
    db_bind_text(st, 2, f->by_kind ? station_kind_name(f->kind) : "");
    db_bind_int(st, 3, f->after_id);
    db_bind_text(st, 4, arg);
    db_bind_int(st, 5, f->limit ? (int64_t)f->limit : INT64_MAX);
    void *items;
    enum yy_err rc =
        sql_rows(a, st, station_row, sizeof(**out), f->limit ? f->limit : 256, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_station_get(struct db *db, struct arena *a, int64_t id, struct station *out,
                              struct yy_error *e)
{
    PREP(st, db, "SELECT " STATION_COLS " FROM stations WHERE id = $1", e);
    db_bind_int(st, 1, id);
    return sql_get(a, st, station_row, out, e);
}

enum yy_err store_station_get_for_update(struct db *db, struct arena *a, int64_t id,
                                         struct station *out, struct yy_error *e)
{
    enum yy_err rc =
        lock_row(db, "UPDATE stations SET updated_at = updated_at WHERE id = $1", id, e);
    return rc == YY_OK ? store_station_get(db, a, id, out, e) : rc;
}

enum yy_err store_station_find_by_name(struct db *db, struct arena *a, const char *name,
                                       struct station *out, struct yy_error *e)
{
    PREP(st, db, "SELECT " STATION_COLS " FROM stations WHERE name = $1", e);
    db_bind_text(st, 1, name);
    return sql_get(a, st, station_row, out, e);
}

/* The street must be a street or the development zone; the community, when
 * given, a community of that street. */
static enum yy_err station_refs_check(struct db *db, const struct station *s, struct yy_error *e)
{
    PREP(st, db,
         "SELECT (SELECT count(*) FROM regions WHERE id = $1 AND kind IN ('street','dev_zone')),"
         "       (SELECT count(*) FROM regions WHERE id = $2 AND kind = 'community'"
         "          AND parent_id = $1)",
         e);
    db_bind_int(st, 1, s->street_id);
    db_bind_int(st, 2, s->community_id);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK) {
        if (db_col_int(st, 0) != 1)
            rc = yy_fail(e, YY_BAD_INPUT, "unknown_street", "所属街道不存在", "street_id");
        else if (s->community_id && db_col_int(st, 1) != 1)
            rc = yy_fail(e, YY_BAD_INPUT, "unknown_community", "所属社区不存在或不在该街道",
                         "community_id");
    }
    db_done(st);
    return rc;
}

static void station_bind(struct db_stmt *st, const struct station *s)
{
    db_bind_text(st, 1, station_kind_name(s->kind));
    db_bind_text(st, 2, s->name);
    db_bind_int(st, 3, s->street_id);
    if (s->community_id)
        db_bind_int(st, 4, s->community_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, s->address ? s->address : "");
    db_bind_double(st, 6, s->lat);
    db_bind_double(st, 7, s->lon);
    db_bind_text(st, 8, s->opening_hours ? s->opening_hours : "");
    db_bind_text(st, 9, s->reception_rule ? s->reception_rule : "");
    db_bind_int(st, 10, time_now());
}

static enum yy_err station_add_tx(struct db *db, struct station *s, struct yy_error *e)
{
    enum yy_err rc = station_refs_check(db, s, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO stations (kind, name, street_id, community_id, address, lat, lon,"
         " opening_hours, reception_rule, created_at, updated_at)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
         e);
    station_bind(st, s);
    rc = sql_one_int(st, &s->id, e);
    if (rc == YY_CONFLICT)
        yy_fail(e, YY_CONFLICT, "duplicate_name", "已有同名站点", "name");
    return rc;
}

enum yy_err store_station_add(struct db *db, struct station *s, struct yy_error *e)
{
    IN_TX(db, e, station_add_tx(db, s, e));
}

static enum yy_err station_update_tx(struct db *db, const struct station *s, struct yy_error *e)
{
    enum yy_err rc = station_refs_check(db, s, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "UPDATE stations SET kind = $1, name = $2, street_id = $3, community_id = $4,"
         " address = $5, lat = $6, lon = $7, opening_hours = $8, reception_rule = $9,"
         " updated_at = $10 WHERE id = $11",
         e);
    station_bind(st, s);
    db_bind_int(st, 11, s->id);
    rc = sql_run(st, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "duplicate_name", "已有同名站点", "name");
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "站点不存在", NULL);
    return rc;
}

enum yy_err store_station_update(struct db *db, const struct station *s, struct yy_error *e)
{
    IN_TX(db, e, station_update_tx(db, s, e));
}

/* ---- deputies -------------------------------------------------------------- */

#define DEPUTY_COLS "d.id, d.name, d.levels, d.sector, d.phone, d.lat, d.lon"

static void deputy_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct deputy *d = item;
    d->id = db_col_int(st, 0);
    d->name = sql_col_str(a, st, 1);
    d->levels = (unsigned)db_col_int(st, 2);
    d->sector = sql_col_str(a, st, 3);
    d->phone = db_col_null(st, 4) ? NULL : sql_col_str(a, st, 4);
    d->has_location = !db_col_null(st, 5) && !db_col_null(st, 6);
    d->lat = db_col_double(st, 5);
    d->lon = db_col_double(st, 6);
}

/* Fills station_ids for deputies[0..n) with one query over their id range. */
static enum yy_err deputies_stations(struct db *db, struct arena *a, struct deputy *ds, size_t n,
                                     struct yy_error *e)
{
    if (n == 0)
        return YY_OK;
    int64_t lo = ds[0].id, hi = ds[0].id;
    for (size_t i = 0; i < n; i++) {
        if (ds[i].id < lo)
            lo = ds[i].id;
        if (ds[i].id > hi)
            hi = ds[i].id;
        ds[i].station_ids = NULL;
        ds[i].n_station_ids = 0;
    }
    PREP(st, db,
         "SELECT deputy_id, station_id FROM deputy_stations WHERE deputy_id BETWEEN $1 AND $2"
         " ORDER BY deputy_id, station_id",
         e);
    db_bind_int(st, 1, lo);
    db_bind_int(st, 2, hi);
    bool row;
    enum yy_err rc;
    /* deputies are ordered by id, and so are the rows: walk both */
    size_t i = 0;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        int64_t did = db_col_int(st, 0);
        size_t k = i;
        while (k < n && ds[k].id != did)
            k++;
        if (k == n) {
            for (k = 0; k < n && ds[k].id != did; k++)
                ;
            if (k == n)
                continue; /* in range but not in this page */
        }
        i = k;
        struct deputy *d = &ds[k];
        int64_t *ids = arena_calloc(a, d->n_station_ids + 1, sizeof(int64_t));
        if (d->n_station_ids)
            memcpy(ids, d->station_ids, d->n_station_ids * sizeof(int64_t));
        ids[d->n_station_ids++] = db_col_int(st, 1);
        d->station_ids = ids;
    }
    db_done(st);
    return rc;
}

static const char *const deputy_search_cols[] = {"name", "sector", NULL};

enum yy_err store_deputies_list(struct db *db, struct arena *a, const struct deputy_filter *f,
                                struct deputy **out, size_t *n, struct yy_error *e)
{
    char cond[512], sql[1024];
    const char *arg;
    enum yy_err src = search_cond(db, a, "deputies", "d", deputy_search_cols, f->q, 4, cond,
                                  sizeof(cond), &arg, e);
    if (src != YY_OK)
        return src;
    snprintf(sql, sizeof(sql),
             "SELECT " DEPUTY_COLS " FROM deputies d"
             " WHERE ($1 = 0 OR EXISTS (SELECT 1 FROM deputy_stations ds"
             "                          WHERE ds.deputy_id = d.id AND ds.station_id = $1))"
             "   AND ($2 = 0 OR (d.levels & $2) <> 0) AND d.id > $3"
             "   AND %s ORDER BY d.id LIMIT $5",
             cond);
    PREP(st, db, sql, e);
    db_bind_int(st, 1, f->station_id);
    db_bind_int(st, 2, f->level);
    db_bind_int(st, 3, f->after_id);
    db_bind_text(st, 4, arg);
    db_bind_int(st, 5, f->limit ? (int64_t)f->limit : INT64_MAX);
    void *items;
    enum yy_err rc =
        sql_rows(a, st, deputy_row, sizeof(**out), f->limit ? f->limit : 256, &items, n, e);
    *out = items;
    if (rc == YY_OK)
        rc = deputies_stations(db, a, *out, *n, e);
    return rc;
}

enum yy_err store_deputy_get(struct db *db, struct arena *a, int64_t id, struct deputy *out,
                             struct yy_error *e)
{
    PREP(st, db, "SELECT " DEPUTY_COLS " FROM deputies d WHERE d.id = $1", e);
    db_bind_int(st, 1, id);
    enum yy_err rc = sql_get(a, st, deputy_row, out, e);
    if (rc == YY_OK)
        rc = deputies_stations(db, a, out, 1, e);
    return rc;
}

enum yy_err store_deputy_get_for_update(struct db *db, struct arena *a, int64_t id,
                                        struct deputy *out, struct yy_error *e)
{
    enum yy_err rc =
        lock_row(db, "UPDATE deputies SET updated_at = updated_at WHERE id = $1", id, e);
    return rc == YY_OK ? store_deputy_get(db, a, id, out, e) : rc;
}

/* Places a deputy without stations at the nearest one, when it has a location. */
static enum yy_err deputy_place(struct db *db, struct arena *a, struct deputy *d,
                                struct yy_error *e)
{
    if (d->n_station_ids || !d->has_location)
        return YY_OK;
    struct station_filter all = {0};
    struct station *stations;
    size_t n;
    enum yy_err rc = store_stations_list(db, a, &all, &stations, &n, e);
    if (rc != YY_OK)
        return rc;
    long best = geo_nearest_station(stations, n, d->lat, d->lon);
    if (best < 0)
        return YY_OK;
    d->station_ids = arena_calloc(a, 1, sizeof(int64_t));
    d->station_ids[0] = stations[best].id;
    d->n_station_ids = 1;
    return YY_OK;
}

static enum yy_err deputy_stations_set(struct db *db, const struct deputy *d, struct yy_error *e)
{
    PREP(del, db, "DELETE FROM deputy_stations WHERE deputy_id = $1", e);
    db_bind_int(del, 1, d->id);
    enum yy_err rc = sql_run(del, e);
    for (size_t i = 0; rc == YY_OK && i < d->n_station_ids; i++) {
        PREP(ins, db, "INSERT INTO deputy_stations (deputy_id, station_id) VALUES ($1, $2)", e);
        db_bind_int(ins, 1, d->id);
        db_bind_int(ins, 2, d->station_ids[i]);
        rc = sql_run(ins, e);
        if (rc == YY_BAD_INPUT)
            rc = yy_fail(e, YY_BAD_INPUT, "unknown_station", "站点不存在", "station_ids");
    }
    return rc;
}

static void deputy_bind(struct db_stmt *st, const struct deputy *d)
{
    db_bind_text(st, 1, d->name);
    db_bind_int(st, 2, d->levels);
    db_bind_text(st, 3, d->sector ? d->sector : "");
    db_bind_text(st, 4, d->phone && *d->phone ? d->phone : NULL);
    if (d->has_location) {
        db_bind_double(st, 5, d->lat);
        db_bind_double(st, 6, d->lon);
    } else {
        db_bind_null(st, 5);
        db_bind_null(st, 6);
    }
    db_bind_int(st, 7, time_now());
}

static enum yy_err deputy_add_tx(struct db *db, struct arena *a, struct deputy *d,
                                 struct yy_error *e)
{
    enum yy_err rc = deputy_place(db, a, d, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO deputies (name, levels, sector, phone, lat, lon, created_at, updated_at)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
         e);
    deputy_bind(st, d);
    rc = sql_one_int(st, &d->id, e);
    if (rc == YY_OK)
        rc = deputy_stations_set(db, d, e);
    return rc;
}

enum yy_err store_deputy_add(struct db *db, struct arena *a, struct deputy *d, struct yy_error *e)
{
    IN_TX(db, e, deputy_add_tx(db, a, d, e));
}

static enum yy_err deputy_update_tx(struct db *db, struct arena *a, struct deputy *d,
                                    struct yy_error *e)
{
    enum yy_err rc = deputy_place(db, a, d, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "UPDATE deputies SET name = $1, levels = $2, sector = $3, phone = $4, lat = $5,"
         " lon = $6, updated_at = $7 WHERE id = $8",
         e);
    deputy_bind(st, d);
    db_bind_int(st, 8, d->id);
    rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        return yy_fail(e, YY_NOT_FOUND, "not_found", "代表不存在", NULL);
    if (rc == YY_OK)
        rc = deputy_stations_set(db, d, e);
    return rc;
}

enum yy_err store_deputy_update(struct db *db, struct arena *a, struct deputy *d,
                                struct yy_error *e)
{
    IN_TX(db, e, deputy_update_tx(db, a, d, e));
}

/* ---- units ----------------------------------------------------------------- */

static void unit_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct unit *u = item;
    u->id = db_col_int(st, 0);
    u->name = sql_col_str(a, st, 1);
    unit_kind_from_name(db_col_text(st, 2), &u->kind);
}

enum yy_err store_units_list(struct db *db, struct arena *a, int64_t after_id, size_t limit,
                             struct unit **out, size_t *n, struct yy_error *e)
{
    PREP(st, db, "SELECT id, name, kind FROM units WHERE id > $1 ORDER BY id LIMIT $2", e);
    db_bind_int(st, 1, after_id);
    db_bind_int(st, 2, limit ? (int64_t)limit : INT64_MAX);
    void *items;
    enum yy_err rc = sql_rows(a, st, unit_row, sizeof(**out), limit ? limit : 64, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_unit_get(struct db *db, struct arena *a, int64_t id, struct unit *out,
                           struct yy_error *e)
{
    PREP(st, db, "SELECT id, name, kind FROM units WHERE id = $1", e);
    db_bind_int(st, 1, id);
    return sql_get(a, st, unit_row, out, e);
}

enum yy_err store_unit_get_for_update(struct db *db, struct arena *a, int64_t id,
                                      struct unit *out, struct yy_error *e)
{
    enum yy_err rc = lock_row(db, "UPDATE units SET updated_at = updated_at WHERE id = $1", id, e);
    return rc == YY_OK ? store_unit_get(db, a, id, out, e) : rc;
}

static enum yy_err unit_add_tx(struct db *db, struct unit *u, struct yy_error *e)
{
    PREP(st, db,
         "INSERT INTO units (name, kind, created_at, updated_at) VALUES ($1, $2, $3, $3)"
         " RETURNING id",
         e);
    db_bind_text(st, 1, u->name);
    db_bind_text(st, 2, unit_kind_name(u->kind));
    db_bind_int(st, 3, time_now());
    enum yy_err rc = sql_one_int(st, &u->id, e);
    if (rc == YY_CONFLICT)
        yy_fail(e, YY_CONFLICT, "duplicate_name", "已有同名单位", "name");
    return rc;
}

enum yy_err store_unit_add(struct db *db, struct unit *u, struct yy_error *e)
{
    IN_TX(db, e, unit_add_tx(db, u, e));
}

static enum yy_err unit_update_tx(struct db *db, const struct unit *u, struct yy_error *e)
{
    PREP(st, db, "UPDATE units SET name = $1, kind = $2, updated_at = $3 WHERE id = $4", e);
    db_bind_text(st, 1, u->name);
    db_bind_text(st, 2, unit_kind_name(u->kind));
    db_bind_int(st, 3, time_now());
    db_bind_int(st, 4, u->id);
    enum yy_err rc = sql_run(st, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "duplicate_name", "已有同名单位", "name");
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "单位不存在", NULL);
    return rc;
}

enum yy_err store_unit_update(struct db *db, const struct unit *u, struct yy_error *e)
{
    IN_TX(db, e, unit_update_tx(db, u, e));
}

/* ---- accounts -------------------------------------------------------------- */

/* The scope of a role must name a record of the right kind. */
static enum yy_err scope_check(struct db *db, const struct role_grant *g, struct yy_error *e)
{
    const char *sql = NULL;
    switch (g->role) {
    case ROLE_DEPUTY: sql = "SELECT count(*) FROM deputies WHERE id = $1"; break;
    case ROLE_UNIT_STAFF: sql = "SELECT count(*) FROM units WHERE id = $1"; break;
    case ROLE_STREET_STAFF:
        sql = "SELECT count(*) FROM regions WHERE id = $1 AND kind IN ('street','dev_zone')";
        break;
    case ROLE_COMMUNITY_STAFF:
        sql = "SELECT count(*) FROM regions WHERE id = $1 AND kind = 'community'";
        break;
    default:
        if (g->scope_id != 0)
            return yy_fail(e, YY_BAD_INPUT, "unexpected_scope", "该角色不需要指定范围", "scope");
        return YY_OK;
    }
    PREP(st, db, sql, e);
    db_bind_int(st, 1, g->scope_id);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK && db_col_int(st, 0) != 1)
        rc = yy_fail(e, YY_BAD_INPUT, "unknown_scope", "指定的范围不存在", "scope");
    db_done(st);
    return rc;
}

static enum yy_err user_add_tx(struct db *db, struct user *u, struct yy_error *e)
{
    enum yy_err rc = YY_OK;
    for (size_t i = 0; rc == YY_OK && i < u->n_roles; i++)
        rc = scope_check(db, &u->roles[i], e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO users (login, name, password_hash, created_at) VALUES ($1, $2, $3, $4)"
         " RETURNING id",
         e);
    db_bind_text(st, 1, u->login);
    db_bind_text(st, 2, u->name ? u->name : "");
    db_bind_text(st, 3, u->password_hash);
    db_bind_int(st, 4, time_now());
    rc = sql_one_int(st, &u->id, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "login_taken", "该登录名已被使用", "login");
    for (size_t i = 0; rc == YY_OK && i < u->n_roles; i++) {
        PREP(r, db, "INSERT INTO user_roles (user_id, role, scope_id) VALUES ($1, $2, $3)", e);
        db_bind_int(r, 1, u->id);
        db_bind_text(r, 2, role_name(u->roles[i].role));
        db_bind_int(r, 3, u->roles[i].scope_id);
        rc = sql_run(r, e);
    }
    return rc;
}

enum yy_err store_user_add(struct db *db, struct user *u, struct yy_error *e)
{
    IN_TX(db, e, user_add_tx(db, u, e));
}

static enum yy_err user_roles_load(struct db *db, struct arena *a, struct user *u,
                                   struct yy_error *e)
{
    PREP_PRIMARY(st, db,
                 "SELECT role, scope_id FROM user_roles WHERE user_id = $1 ORDER BY role, scope_id",
                 e);
    db_bind_int(st, 1, u->id);
    u->roles = arena_calloc(a, 16, sizeof(*u->roles));
    u->n_roles = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        enum role r;
        if (u->n_roles < 16 && role_from_name(db_col_text(st, 0), &r)) {
            u->roles[u->n_roles].role = r;
            u->roles[u->n_roles].scope_id = db_col_int(st, 1);
            u->n_roles++;
        }
    }
    db_done(st);
    return rc;
}

/* Accounts, sessions and tokens are read on the primary: a login, or a user
 * just added, must work at once even when a hot standby lags. */
static enum yy_err user_load(struct db *db, struct arena *a, const char *sql, const char *login,
                             int64_t id, struct user *out, struct yy_error *e)
{
    PREP_PRIMARY(st, db, sql, e);
    if (login)
        db_bind_text(st, 1, login);
    else
        db_bind_int(st, 1, id);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK) {
        out->id = db_col_int(st, 0);
        out->login = sql_col_str(a, st, 1);
        out->name = sql_col_str(a, st, 2);
        out->password_hash = sql_col_str(a, st, 3);
        out->disabled = db_col_int(st, 4) != 0;
    }
    db_done(st);
    if (rc == YY_OK)
        rc = user_roles_load(db, a, out, e);
    return rc;
}

enum yy_err store_user_by_login(struct db *db, struct arena *a, const char *login,
                                struct user *out, struct yy_error *e)
{
    return user_load(db, a,
                     "SELECT id, login, name, password_hash, disabled FROM users WHERE login = $1",
                     login, 0, out, e);
}

enum yy_err store_user_get(struct db *db, struct arena *a, int64_t id, struct user *out,
                           struct yy_error *e)
{
    return user_load(db, a,
                     "SELECT id, login, name, password_hash, disabled FROM users WHERE id = $1",
                     NULL, id, out, e);
}

static enum yy_err session_add_tx(struct db *db, const char *token_hash, int64_t user_id,
                                  const char *csrf, int64_t expires_at, struct yy_error *e)
{
    int64_t now = time_now();
    /* Expired sessions of this user go when a new one comes. */
    PREP(del, db, "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", e);
    db_bind_int(del, 1, user_id);
    db_bind_int(del, 2, now);
    enum yy_err rc = sql_run(del, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)"
         " VALUES ($1, $2, $3, $4, $5)",
         e);
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, user_id);
    db_bind_text(st, 3, csrf);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, expires_at);
    return sql_run(st, e);
}

enum yy_err store_session_add(struct db *db, const char *token_hash, int64_t user_id,
                              const char *csrf, int64_t expires_at, struct yy_error *e)
{
    IN_TX(db, e, session_add_tx(db, token_hash, user_id, csrf, expires_at, e));
}

enum yy_err store_session_get(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                              int64_t *user_id, const char **csrf, struct yy_error *e)
{
    PREP_PRIMARY(st, db,
                 "SELECT s.user_id, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id"
                 " WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                 e);
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, now);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK) {
        *user_id = db_col_int(st, 0);
        *csrf = sql_col_str(a, st, 1);
    }
    db_done(st);
    return rc;
}

static enum yy_err session_delete_tx(struct db *db, const char *token_hash, struct yy_error *e)
{
    PREP(st, db, "DELETE FROM sessions WHERE token_hash = $1", e);
    db_bind_text(st, 1, token_hash);
    return sql_run(st, e);
}

enum yy_err store_session_delete(struct db *db, const char *token_hash, struct yy_error *e)
{
    IN_TX(db, e, session_delete_tx(db, token_hash, e));
}

static enum yy_err token_add_tx(struct db *db, const char *token_hash, int64_t user_id,
                                int64_t expires_at, struct yy_error *e)
{
    PREP(st, db,
         "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at)"
         " VALUES ($1, $2, $3, $4)",
         e);
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, time_now());
    db_bind_int(st, 4, expires_at);
    return sql_run(st, e);
}

enum yy_err store_token_add(struct db *db, const char *token_hash, int64_t user_id,
                            int64_t expires_at, struct yy_error *e)
{
    IN_TX(db, e, token_add_tx(db, token_hash, user_id, expires_at, e));
}

enum yy_err store_token_get(struct db *db, const char *token_hash, int64_t now, int64_t *user_id,
                            struct yy_error *e)
{
    PREP_PRIMARY(st, db,
                 "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id"
                 " WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.disabled = 0",
                 e);
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, now);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        *user_id = db_col_int(st, 0);
    db_done(st);
    return rc;
}

/* A user as a name to pick: the login when the name is empty. */
static void user_brief_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct user_brief *u = item;
    const char *name = sql_col_str(a, st, 1);
    u->id = db_col_int(st, 0);
    u->name = name && *name ? name : sql_col_str(a, st, 2);
}

enum yy_err store_users_with_role(struct db *db, struct arena *a, enum role role,
                                  struct user_brief **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT u.id, u.name, u.login FROM users u JOIN user_roles r ON r.user_id = u.id"
         " WHERE r.role = $1 AND u.disabled = 0 GROUP BY u.id, u.name, u.login ORDER BY u.id",
         e);
    db_bind_text(st, 1, role_name(role));
    void *items;
    enum yy_err rc = sql_rows(a, st, user_brief_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}
