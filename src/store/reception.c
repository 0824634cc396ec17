/* reception.c (store) - reception days over db.h; see store/reception.h.
 * Portable SQL only: $n placeholders, no engine-specific functions. */
#include "store/reception.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"

#include "store/sql.h"

/* An array of int64 in the arena. */
struct ids {
    int64_t *v;
    size_t n;
};

/* Every first column of a bound statement, as ids. */
static enum yy_err ids_rows(struct arena *a, struct db_stmt *st, struct ids *x, struct yy_error *e)
{
    void *v;
    enum yy_err rc = sql_rows(a, st, sql_row_id, sizeof(*x->v), 0, &v, &x->n, e);
    x->v = v;
    return rc;
}

/* ---- schedules --------------------------------------------------------------------- */

#define PLAN_COLS                                                                                  \
    "station_id, day_kind, day, nth, weekday, months, month_mask, start_minute, end_minute,"       \
    " slot_minutes, places, on_day_off, missing_day, rota_per_day, rota_from, active,"             \
    " created_at, updated_at, effective_from"

static void plan_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct reception_plan *p = item;
    memset(p, 0, sizeof(*p));
    reception_schedule_default(&p->s);
    p->station_id = db_col_int(st, 0);
    rc_day_kind_from_name(db_col_text(st, 1), &p->s.day_kind);
    p->s.day = (int)db_col_int(st, 2);
    p->s.nth = (int)db_col_int(st, 3);
    p->s.weekday = (int)db_col_int(st, 4);
    rc_months_from_name(db_col_text(st, 5), &p->s.months);
    p->s.month_mask = (unsigned)db_col_int(st, 6);
    p->s.start_minute = (int)db_col_int(st, 7);
    p->s.end_minute = (int)db_col_int(st, 8);
    p->s.slot_minutes = (int)db_col_int(st, 9);
    p->s.places = (int)db_col_int(st, 10);
    rc_day_off_from_name(db_col_text(st, 11), &p->s.day_off);
    rc_missing_day_from_name(db_col_text(st, 12), &p->s.missing_day);
    p->per_day = (int)db_col_int(st, 13);
    p->rota_from = db_col_int(st, 14);
    p->active = db_col_int(st, 15) != 0;
    p->created_at = db_col_int(st, 16);
    p->updated_at = db_col_int(st, 17);
    p->effective_from = db_col_int(st, 18);
}

enum yy_err store_reception_plan_get(struct db *db, struct arena *a, int64_t station_id,
                                     struct reception_plan *out, struct yy_error *e)
{
    enum yy_err rc;
    {
        PREP(st, db, "SELECT " PLAN_COLS " FROM reception_schedules WHERE station_id = $1", e);
        db_bind_int(st, 1, station_id);
        if ((rc = sql_get(a, st, plan_row, out, e)) != YY_OK)
            return rc;
    }
    PREP(st, db, "SELECT deputy_id FROM reception_rota WHERE station_id = $1 ORDER BY position", e);
    db_bind_int(st, 1, station_id);
    struct ids x = {0};
    rc = ids_rows(a, st, &x, e);
    out->rota = x.v;
    out->n_rota = x.n;
    return rc;
}

/* $1..$16 of a schedule row, in PLAN_COLS order: the station and the rule
 * (the upsert of reception_schedules and a kept version alike). */
static void bind_plan(struct db_stmt *st, const struct reception_plan *p)
{
    db_bind_int(st, 1, p->station_id);
    db_bind_text(st, 2, rc_day_kind_name(p->s.day_kind));
    db_bind_int(st, 3, p->s.day);
    db_bind_int(st, 4, p->s.nth);
    db_bind_int(st, 5, p->s.weekday);
    db_bind_text(st, 6, rc_months_name(p->s.months));
    db_bind_int(st, 7, p->s.month_mask);
    db_bind_int(st, 8, p->s.start_minute);
    db_bind_int(st, 9, p->s.end_minute);
    db_bind_int(st, 10, p->s.slot_minutes);
    db_bind_int(st, 11, p->s.places);
    db_bind_text(st, 12, rc_day_off_name(p->s.day_off));
    db_bind_text(st, 13, rc_missing_day_name(p->s.missing_day));
    db_bind_int(st, 14, p->per_day);
    db_bind_int(st, 15, p->rota_from);
    db_bind_int(st, 16, p->active ? 1 : 0);
}

enum yy_err store_reception_plan_put_tx(struct db *db, const struct reception_plan *p, int64_t now,
                                        struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    {
        PREP(st, db,
             "INSERT INTO reception_schedules (" PLAN_COLS ")"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
             " $17, $18)"
             " ON CONFLICT (station_id) DO UPDATE SET day_kind = $2, day = $3, nth = $4,"
             " weekday = $5, months = $6, month_mask = $7, start_minute = $8, end_minute = $9,"
             " slot_minutes = $10, places = $11, on_day_off = $12, missing_day = $13,"
             " rota_per_day = $14, rota_from = $15, active = $16, updated_at = $17,"
             " effective_from = $18",
             e);
        bind_plan(st, p);
        db_bind_int(st, 17, now);
        db_bind_int(st, 18, p->effective_from);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    {
        PREP(st, db, "DELETE FROM reception_rota WHERE station_id = $1", e);
        db_bind_int(st, 1, p->station_id);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < p->n_rota; i++) {
        PREP(st, db,
             "INSERT INTO reception_rota (station_id, position, deputy_id) VALUES ($1, $2, $3)", e);
        db_bind_int(st, 1, p->station_id);
        db_bind_int(st, 2, (int64_t)i);
        db_bind_int(st, 3, p->rota[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    return YY_OK;
}

/* ---- versions: the notice rule ------------------------------------------------------ */

/* An earlier version as stored: PLAN_COLS, then the rota as "5,9,12". */
static void version_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct reception_plan *p = item;
    plan_row(a, st, p);
    const char *text = db_col_text(st, 19);
    size_t n = 0;
    for (const char *c = text; c && *c; c++)
        n += *c == ',';
    p->rota = arena_calloc(a, n + 1, sizeof(*p->rota));
    for (const char *c = text; c && *c;) {
        int64_t id = 0;
        while (*c >= '0' && *c <= '9')
            id = id * 10 + (*c++ - '0');
        if (id > 0 && p->n_rota <= n)
            p->rota[p->n_rota++] = id;
        while (*c && (*c < '0' || *c > '9'))
            c++;
    }
}

enum yy_err store_reception_plans(struct db *db, struct arena *a, int64_t station_id,
                                  int64_t from_day, int64_t to_day, struct reception_plan **out,
                                  size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    struct reception_plan cur;
    enum yy_err rc = store_reception_plan_get(db, a, station_id, &cur, e);
    if (rc == YY_NOT_FOUND)
        return YY_OK;
    if (rc != YY_OK)
        return rc;
    void *items = NULL;
    size_t m = 0;
    if (from_day < cur.effective_from) {
        PREP(st, db,
             "SELECT " PLAN_COLS ", rota FROM reception_schedule_versions WHERE station_id = $1"
             " AND effective_from < $2 ORDER BY effective_from",
             e);
        db_bind_int(st, 1, station_id);
        db_bind_int(st, 2, cur.effective_from);
        if ((rc = sql_rows(a, st, version_row, sizeof(cur), 4, &items, &m, e)) != YY_OK)
            return rc;
    }
    struct reception_plan *all = arena_calloc(a, m + 1, sizeof(*all));
    if (m)
        memcpy(all, items, m * sizeof(*all));
    all[m] = cur;
    size_t k = 0;
    for (size_t i = 0; i <= m; i++) {
        all[i].until = i < m ? all[i + 1].effective_from : 0;
        if (all[i].effective_from > to_day || (all[i].until && all[i].until <= from_day))
            continue;
        all[k++] = all[i];
    }
    *out = all;
    *n = k;
    return YY_OK;
}

enum yy_err store_reception_next(struct db *db, struct arena *a, const struct calendar *cal,
                                 int64_t station_id, int64_t now, struct reception_occurrence *out,
                                 bool *found, struct yy_error *e)
{
    *found = false;
    int64_t today = day_of(now);
    struct reception_plan *v;
    size_t nv;
    enum yy_err rc = store_reception_plans(db, a, station_id, today, today + 2 * 366, &v, &nv, e);
    for (size_t i = 0; rc == YY_OK && i < nv && !*found; i++) {
        if (!v[i].active)
            continue;
        int64_t lo = today > v[i].effective_from ? today : v[i].effective_from;
        if (!v[i].until) { /* the current version: open-ended */
            int64_t from = day_start(lo) > now ? day_start(lo) : now;
            *found = reception_next_occurrence(&v[i].s, cal, from, out);
            continue;
        }
        int64_t hi = v[i].until - 1;
        if (hi < lo || hi - lo > RC_RANGE_MAX_DAYS)
            continue;
        size_t m = reception_occurrences(&v[i].s, cal, lo, hi, NULL, 0);
        struct reception_occurrence *occ = arena_alloc(a, (m ? m : 1) * sizeof(*occ));
        m = reception_occurrences(&v[i].s, cal, lo, hi, occ, m);
        for (size_t j = 0; j < m && !*found; j++) {
            if (occ[j].ends_at > now) {
                *out = occ[j];
                *found = true;
            }
        }
    }
    return rc;
}

/* Keeps p (the version being replaced) for the days it still governs. */
static enum yy_err version_keep(struct db *db, struct arena *a, const struct reception_plan *p,
                                struct yy_error *e)
{
    char *rota = arena_strdup(a, "");
    for (size_t i = 0; i < p->n_rota; i++)
        rota = arena_printf(a, "%s%s%lld", rota, i ? "," : "", (long long)p->rota[i]);
    PREP(st, db,
         "INSERT INTO reception_schedule_versions (" PLAN_COLS ", rota)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
         " $18, $19, $20)",
         e);
    bind_plan(st, p);
    db_bind_int(st, 17, p->created_at);
    db_bind_int(st, 18, p->updated_at);
    db_bind_int(st, 19, p->effective_from);
    db_bind_text(st, 20, rota);
    return sql_run(st, e);
}

enum yy_err store_reception_plan_change_tx(struct db *db, struct arena *a,
                                           const struct calendar *cal, struct reception_plan *p,
                                           int64_t today, int notice_days, int64_t now,
                                           struct reception_change *out, struct yy_error *e)
{
    memset(out, 0, sizeof(*out));
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    struct reception_plan old;
    rc = store_reception_plan_get(db, a, p->station_id, &old, e);
    if (rc == YY_NOT_FOUND) {
        p->effective_from = 0; /* nothing announced yet: at once */
        return store_reception_plan_put_tx(db, p, now, e);
    }
    if (rc != YY_OK)
        return rc;
    int64_t from = today + (notice_days > 0 ? notice_days : 0) + 1;
    p->effective_from = out->effective_from = from;
    {
        /* versions that would only have begun after the window (a shorter
         * notice period than before) give way to this one */
        PREP(st, db,
             "DELETE FROM reception_schedule_versions WHERE station_id = $1"
             " AND effective_from >= $2",
             e);
        db_bind_int(st, 1, p->station_id);
        db_bind_int(st, 2, from);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    /* the version in force governs days before `from` unless it had not
     * begun by then itself (a second change before it took effect) */
    if (old.effective_from < from && (rc = version_keep(db, a, &old, e)) != YY_OK)
        return rc;
    if ((rc = store_reception_plan_put_tx(db, p, now, e)) != YY_OK)
        return rc;

    /* bookings on days (or in slots) the new version does not hold */
    PREP(st, db,
         "SELECT day, slot_minute FROM reception_bookings WHERE station_id = $1"
         " AND kind = 'booking' AND status = 'booked' AND day >= $2 ORDER BY day",
         e);
    db_bind_int(st, 1, p->station_id);
    db_bind_int(st, 2, from > today ? from : today);
    bool row;
    size_t cap = 0;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        int64_t day = db_col_int(st, 0);
        int slot = db_col_null(st, 1) ? -1 : (int)db_col_int(st, 1);
        struct reception_occurrence occ;
        if (p->active && reception_is_occurrence(&p->s, cal, day, &occ) &&
            reception_slot_index(&p->s, slot) >= 0)
            continue;
        out->affected++;
        if (out->n_affected_days && out->affected_days[out->n_affected_days - 1] == day)
            continue;
        if (out->n_affected_days == cap) {
            size_t bigger = cap ? 2 * cap : 8;
            int64_t *v = arena_calloc(a, bigger, sizeof(*v));
            if (cap)
                memcpy(v, out->affected_days, cap * sizeof(*v));
            out->affected_days = v;
            cap = bigger;
        }
        out->affected_days[out->n_affected_days++] = day;
    }
    db_done(st);
    return rc;
}

enum yy_err store_reception_duty_set_tx(struct db *db, int64_t station_id, int64_t day,
                                        const int64_t *deputy_ids, size_t n, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    {
        PREP(st, db, "DELETE FROM reception_duty WHERE station_id = $1 AND day = $2", e);
        db_bind_int(st, 1, station_id);
        db_bind_int(st, 2, day);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        PREP(st, db,
             "INSERT INTO reception_duty (station_id, day, deputy_id, position)"
             " VALUES ($1, $2, $3, $4)",
             e);
        db_bind_int(st, 1, station_id);
        db_bind_int(st, 2, day);
        db_bind_int(st, 3, deputy_ids[i]);
        db_bind_int(st, 4, (int64_t)i);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    return YY_OK;
}

/* ---- reception days ----------------------------------------------------------------- */

static enum yy_err deputy_names(struct db *db, struct arena *a, struct reception_deputy *d,
                                size_t n, struct yy_error *e)
{
    for (size_t i = 0; i < n; i++) {
        PREP(st, db, "SELECT name FROM deputies WHERE id = $1", e);
        db_bind_int(st, 1, d[i].id);
        enum yy_err rc = sql_one(st, e);
        d[i].name = rc == YY_OK ? sql_col_str(a, st, 0) : "";
        db_done(st);
        if (rc != YY_OK && rc != YY_NOT_FOUND)
            return rc;
    }
    return YY_OK;
}

/* The reception days one version (plan) holds from from_day to to_day. */
static enum yy_err plan_days(struct db *db, struct arena *a, const struct calendar *cal,
                             int64_t station_id, const struct reception_plan *plan,
                             int64_t from_day, int64_t to_day, struct reception_day **out,
                             size_t *n, struct yy_error *e)
{
    enum yy_err rc = YY_OK;
    *out = NULL;
    *n = 0;
    if (!plan->active || from_day > to_day || to_day - from_day > RC_RANGE_MAX_DAYS)
        return YY_OK;
    const struct reception_schedule *s = &plan->s;
    size_t count = reception_occurrences(s, cal, from_day, to_day, NULL, 0);
    if (!count)
        return YY_OK;
    struct reception_occurrence *occ = arena_alloc(a, count * sizeof(*occ));
    reception_occurrences(s, cal, from_day, to_day, occ, count);
    struct reception_day *days = arena_calloc(a, count, sizeof(*days));
    size_t n_slots = (size_t)reception_slot_count(s);

    /* the rotation's count: occurrences from rota_from up to the first one */
    int64_t k = -1;
    if (plan->n_rota && occ[0].day >= plan->rota_from) {
        k = 0;
        for (int64_t d = plan->rota_from; d < occ[0].day; d += RC_RANGE_MAX_DAYS) {
            int64_t end = d + RC_RANGE_MAX_DAYS - 1;
            if (end >= occ[0].day)
                end = occ[0].day - 1;
            k += (int64_t)reception_occurrences(s, cal, d, end, NULL, 0);
        }
    }
    for (size_t i = 0; i < count; i++) {
        struct reception_day *r = &days[i];
        r->station_id = station_id;
        r->plan = plan;
        r->occ = occ[i];
        r->n_slots = n_slots;
        r->booked = arena_calloc(a, n_slots ? n_slots : 1, sizeof(int));
        /* explicit duty for the date, else the rotation */
        struct ids x = {0};
        {
            PREP(st, db,
                 "SELECT deputy_id FROM reception_duty WHERE station_id = $1 AND day = $2"
                 " ORDER BY position",
                 e);
            db_bind_int(st, 1, station_id);
            db_bind_int(st, 2, occ[i].day);
            if ((rc = ids_rows(a, st, &x, e)) != YY_OK)
                return rc;
        }
        bool in_rotation = k >= 0 || (plan->n_rota && occ[i].day >= plan->rota_from);
        if (in_rotation && k < 0)
            k = 0;
        if (x.n) {
            r->explicit_duty = true;
            r->deputies = arena_calloc(a, x.n, sizeof(*r->deputies));
            for (size_t j = 0; j < x.n; j++)
                r->deputies[j].id = x.v[j];
            r->n_deputies = x.n;
        } else if (in_rotation) {
            size_t pos[RECEPTION_ROTA_MAX];
            size_t per = plan->per_day > 0 ? (size_t)plan->per_day : 1;
            if (per > RECEPTION_ROTA_MAX)
                per = RECEPTION_ROTA_MAX;
            size_t m = reception_rota_positions(k, plan->n_rota, per, pos);
            r->deputies = arena_calloc(a, m ? m : 1, sizeof(*r->deputies));
            for (size_t j = 0; j < m; j++)
                r->deputies[j].id = plan->rota[pos[j]];
            r->n_deputies = m;
        }
        if (in_rotation)
            k++;
        if ((rc = deputy_names(db, a, r->deputies, r->n_deputies, e)) != YY_OK)
            return rc;
    }

    /* places taken and walk-ins, for the whole period at once */
    PREP(st, db,
         "SELECT day, kind, slot_minute, COUNT(*) FROM reception_bookings"
         " WHERE station_id = $1 AND day >= $2 AND day <= $3 AND status <> 'cancelled'"
         " GROUP BY day, kind, slot_minute",
         e);
    db_bind_int(st, 1, station_id);
    db_bind_int(st, 2, from_day);
    db_bind_int(st, 3, to_day);
    bool row;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        int64_t day = db_col_int(st, 0);
        const char *kind = db_col_text(st, 1);
        int slot = db_col_null(st, 2) ? -1 : (int)db_col_int(st, 2);
        int cnt = (int)db_col_int(st, 3);
        for (size_t i = 0; i < count; i++) {
            if (days[i].occ.day != day)
                continue;
            if (kind && !strcmp(kind, "walk_in")) {
                days[i].walk_ins += cnt;
            } else {
                int idx = reception_slot_index(s, slot);
                if (idx >= 0)
                    days[i].booked[idx] += cnt;
            }
        }
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = days;
    *n = count;
    return YY_OK;
}

enum yy_err store_reception_days(struct db *db, struct arena *a, const struct calendar *cal,
                                 int64_t station_id, int64_t from_day, int64_t to_day,
                                 struct reception_plan *plan, struct reception_day **out, size_t *n,
                                 struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    struct reception_plan local;
    if (!plan)
        plan = &local;
    memset(plan, 0, sizeof(*plan));
    if (from_day > to_day || to_day - from_day > RC_RANGE_MAX_DAYS)
        return YY_OK;
    struct reception_plan *v;
    size_t nv;
    enum yy_err rc = store_reception_plans(db, a, station_id, from_day, to_day, &v, &nv, e);
    if (rc != YY_OK || !nv)
        return rc;
    struct reception_day *all = NULL;
    size_t k = 0;
    for (size_t i = 0; i < nv; i++) {
        int64_t lo = from_day > v[i].effective_from ? from_day : v[i].effective_from;
        int64_t hi = v[i].until && v[i].until - 1 < to_day ? v[i].until - 1 : to_day;
        struct reception_day *d;
        size_t nd;
        if ((rc = plan_days(db, a, cal, station_id, &v[i], lo, hi, &d, &nd, e)) != YY_OK)
            return rc;
        if (!nd)
            continue;
        if (!k) {
            all = d;
        } else {
            struct reception_day *both = arena_alloc(a, (k + nd) * sizeof(*both));
            memcpy(both, all, k * sizeof(*both));
            memcpy(both + k, d, nd * sizeof(*both));
            all = both;
        }
        k += nd;
    }
    if (!v[nv - 1].until)
        *plan = v[nv - 1];
    else if ((rc = store_reception_plan_get(db, a, station_id, plan, e)) != YY_OK)
        return rc;
    *out = all;
    *n = k;
    return YY_OK;
}

enum yy_err store_reception_days_of_deputy(struct db *db, struct arena *a,
                                           const struct calendar *cal, int64_t deputy_id,
                                           int64_t from_day, int64_t to_day,
                                           struct reception_day **out, size_t *n,
                                           struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    struct ids stations = {0};
    {
        /* the stations where the deputy may be on duty: the rota now, a
         * duty set for a day, or the rota of an earlier version that still
         * governs the days announced before a change (migration 13: its rota
         * is the ids comma-separated); each day is checked below */
        char in_rota[32];
        snprintf(in_rota, sizeof(in_rota), "%%,%lld,%%", (long long)deputy_id);
        PREP(st, db,
             "SELECT station_id FROM reception_rota WHERE deputy_id = $1"
             " UNION SELECT station_id FROM reception_duty WHERE deputy_id = $1"
             " AND day >= $2 AND day <= $3"
             " UNION SELECT station_id FROM reception_schedule_versions"
             " WHERE ',' || rota || ',' LIKE $4 ORDER BY 1",
             e);
        db_bind_int(st, 1, deputy_id);
        db_bind_int(st, 2, from_day);
        db_bind_int(st, 3, to_day);
        db_bind_text(st, 4, in_rota);
        enum yy_err rc = ids_rows(a, st, &stations, e);
        if (rc != YY_OK)
            return rc;
    }
    size_t cap = 16, k = 0;
    struct reception_day *all = arena_alloc(a, cap * sizeof(*all));
    for (size_t i = 0; i < stations.n; i++) {
        struct reception_day *days;
        size_t nd;
        enum yy_err rc =
            store_reception_days(db, a, cal, stations.v[i], from_day, to_day, NULL, &days, &nd, e);
        if (rc != YY_OK)
            return rc;
        for (size_t j = 0; j < nd; j++) {
            bool on_duty = false;
            for (size_t q = 0; q < days[j].n_deputies; q++)
                on_duty = on_duty || days[j].deputies[q].id == deputy_id;
            if (!on_duty)
                continue;
            if (k == cap) {
                struct reception_day *bigger = arena_alloc(a, 2 * cap * sizeof(*all));
                memcpy(bigger, all, k * sizeof(*all));
                all = bigger;
                cap *= 2;
            }
            all[k++] = days[j];
        }
    }
    /* date order across stations (insertion sort: a deputy has few) */
    for (size_t i = 1; i < k; i++) {
        struct reception_day t = all[i];
        size_t j = i;
        for (; j > 0 && all[j - 1].occ.starts_at > t.occ.starts_at; j--)
            all[j] = all[j - 1];
        all[j] = t;
    }
    *out = all;
    *n = k;
    return YY_OK;
}

enum yy_err store_reception_duties_due(struct db *db, struct arena *a, const struct calendar *cal,
                                       int64_t from_day, int64_t to_day, int64_t now,
                                       struct reception_duty_due **out, size_t *n,
                                       struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    struct ids stations = {0};
    {
        PREP(st, db, "SELECT station_id FROM reception_schedules ORDER BY station_id", e);
        enum yy_err rc = ids_rows(a, st, &stations, e);
        if (rc != YY_OK)
            return rc;
    }
    size_t cap = 0, k = 0;
    struct reception_duty_due *all = NULL;
    for (size_t i = 0; i < stations.n; i++) {
        struct reception_day *days;
        size_t nd;
        enum yy_err rc =
            store_reception_days(db, a, cal, stations.v[i], from_day, to_day, NULL, &days, &nd, e);
        if (rc != YY_OK)
            return rc;
        const char *name = NULL;
        for (size_t j = 0; j < nd; j++) {
            if (days[j].occ.starts_at <= now)
                continue;
            if (!name && days[j].n_deputies) {
                PREP(st, db, "SELECT name FROM stations WHERE id = $1", e);
                db_bind_int(st, 1, stations.v[i]);
                rc = sql_one(st, e);
                name = rc == YY_OK ? sql_col_str(a, st, 0) : "";
                db_done(st);
                if (rc != YY_OK && rc != YY_NOT_FOUND)
                    return rc;
            }
            for (size_t q = 0; q < days[j].n_deputies; q++) {
                if (k == cap) {
                    size_t bigger = cap ? 2 * cap : 16;
                    struct reception_duty_due *v = arena_calloc(a, bigger, sizeof(*v));
                    if (k)
                        memcpy(v, all, k * sizeof(*v));
                    all = v;
                    cap = bigger;
                }
                all[k++] = (struct reception_duty_due){.deputy_id = days[j].deputies[q].id,
                                                       .station_id = stations.v[i],
                                                       .station_name = name,
                                                       .day = days[j].occ.day,
                                                       .starts_at = days[j].occ.starts_at,
                                                       .ends_at = days[j].occ.ends_at};
            }
        }
    }
    *out = all;
    *n = k;
    return YY_OK;
}

enum yy_err store_reception_station_staff(struct db *db, struct arena *a, int64_t street_id,
                                          int64_t community_id, int64_t **out, size_t *n,
                                          struct yy_error *e)
{
    PREP(st, db,
         "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id"
         " WHERE u.disabled = 0 AND ((r.role = 'street_staff' AND r.scope_id = $1)"
         " OR (r.role = 'community_staff' AND r.scope_id = $2)) ORDER BY u.id",
         e);
    db_bind_int(st, 1, street_id);
    db_bind_int(st, 2, community_id ? community_id : -1);
    struct ids x = {0};
    enum yy_err rc = ids_rows(a, st, &x, e);
    *out = x.v;
    *n = x.n;
    return rc;
}

/* ---- bookings ----------------------------------------------------------------------- */

enum yy_err store_reception_slot_taken(struct db *db, int64_t station_id, int64_t day, int slot,
                                       int *out, struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(*) FROM reception_bookings WHERE station_id = $1 AND day = $2"
         " AND kind = 'booking' AND slot_minute = $3 AND status <> 'cancelled'",
         e);
    db_bind_int(st, 1, station_id);
    db_bind_int(st, 2, day);
    db_bind_int(st, 3, slot);
    enum yy_err rc = sql_one(st, e);
    *out = rc == YY_OK ? (int)db_col_int(st, 0) : 0;
    db_done(st);
    return rc;
}

enum yy_err store_reception_booked_by(struct db *db, int64_t station_id, int64_t day,
                                      const char *phone, int64_t user_id, bool *out,
                                      struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(*) FROM reception_bookings WHERE station_id = $1 AND day = $2"
         " AND kind = 'booking' AND status <> 'cancelled'"
         " AND (phone = $3 OR user_id = $4)",
         e);
    db_bind_int(st, 1, station_id);
    db_bind_int(st, 2, day);
    db_bind_text(st, 3, phone);
    sql_bind_id(st, 4, user_id);
    enum yy_err rc = sql_one(st, e);
    *out = rc == YY_OK && db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

#define BOOKING_COLS                                                                               \
    "id, station_id, day, kind, slot_minute, code, name, phone, user_id, note, status,"            \
    " created_at, updated_at"

static void booking_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct reception_booking *b = item;
    memset(b, 0, sizeof(*b));
    b->id = db_col_int(st, 0);
    b->station_id = db_col_int(st, 1);
    b->day = db_col_int(st, 2);
    b->kind = sql_col_str(a, st, 3);
    b->slot_minute = db_col_null(st, 4) ? -1 : (int)db_col_int(st, 4);
    b->code = sql_col_dup(a, st, 5);
    b->name = sql_col_str(a, st, 6);
    b->phone = sql_col_dup(a, st, 7);
    b->user_id = sql_col_id(st, 8);
    b->note = sql_col_str(a, st, 9);
    b->status = sql_col_str(a, st, 10);
    b->created_at = db_col_int(st, 11);
    b->updated_at = db_col_int(st, 12);
}

#define CODE_TRIES 8

enum yy_err store_reception_booking_insert_tx(struct db *db, struct arena *a,
                                              struct reception_booking *b, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    bool walk_in = !strcmp(b->kind, "walk_in");
    for (int attempt = 0; attempt < CODE_TRIES; attempt++) {
        char code[RC_CODE_LEN + 1];
        reception_code_new(code);
        /* a savepoint, so a taken code undoes only this attempt */
        if ((rc = db_begin(db)) != YY_OK)
            return yy_fail(e, rc, "database_busy", "数据库繁忙,请稍后再试", NULL);
        PREP(st, db,
             "INSERT INTO reception_bookings (station_id, day, kind, slot_minute, code, name,"
             " phone, user_id, note, status, created_at, updated_at)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
             e);
        db_bind_int(st, 1, b->station_id);
        db_bind_int(st, 2, b->day);
        db_bind_text(st, 3, b->kind);
        if (walk_in || b->slot_minute < 0)
            db_bind_null(st, 4);
        else
            db_bind_int(st, 4, b->slot_minute);
        db_bind_text(st, 5, walk_in ? NULL : code);
        db_bind_text(st, 6, b->name ? b->name : "");
        db_bind_text(st, 7, b->phone);
        sql_bind_id(st, 8, b->user_id);
        db_bind_text(st, 9, b->note ? b->note : "");
        db_bind_text(st, 10, b->status);
        db_bind_int(st, 11, b->created_at);
        rc = sql_one_int(st, &b->id, e);
        if (rc == YY_OK) {
            if ((rc = db_commit(db)) != YY_OK)
                return yy_fail(e, rc, "database_busy", "数据库繁忙,请稍后再试", NULL);
            b->code = walk_in ? NULL : arena_strdup(a, code);
            return YY_OK;
        }
        db_rollback(db);
        if (rc != YY_CONFLICT || walk_in)
            return rc;
        /* a taken code is drawn again; any other unique index is this
         * phone's or account's booking of the day */
        bool code_taken;
        {
            PREP(q, db, "SELECT COUNT(*) FROM reception_bookings WHERE code = $1", e);
            db_bind_text(q, 1, code);
            rc = sql_one(q, e);
            code_taken = rc == YY_OK && db_col_int(q, 0) > 0;
            db_done(q);
        }
        if (rc != YY_OK)
            return rc;
        if (!code_taken)
            return yy_fail(e, YY_CONFLICT, "already_booked", "同一电话或账号当天已有预约",
                           b->phone ? "phone" : NULL);
    }
    return yy_fail(e, YY_CONFLICT, "code_exhausted", "预约码生成失败,请重试", NULL);
}

enum yy_err store_reception_booking_by_code(struct db *db, struct arena *a, const char *code,
                                            struct reception_booking *out, struct yy_error *e)
{
    PREP(st, db, "SELECT " BOOKING_COLS " FROM reception_bookings WHERE code = $1", e);
    db_bind_text(st, 1, code);
    return sql_get(a, st, booking_row, out, e);
}

enum yy_err store_reception_booking_get(struct db *db, struct arena *a, int64_t id,
                                        struct reception_booking *out, struct yy_error *e)
{
    PREP(st, db, "SELECT " BOOKING_COLS " FROM reception_bookings WHERE id = $1", e);
    db_bind_int(st, 1, id);
    return sql_get(a, st, booking_row, out, e);
}

enum yy_err store_reception_booking_status_tx(struct db *db, int64_t id, const char *status,
                                              int64_t now, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db, "UPDATE reception_bookings SET status = $1, updated_at = $2 WHERE id = $3", e);
    db_bind_text(st, 1, status);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, id);
    return sql_run(st, e);
}

enum yy_err store_reception_bookings(struct db *db, struct arena *a, int64_t station_id,
                                     int64_t day, struct reception_booking **out, size_t *n,
                                     struct yy_error *e)
{
    PREP(st, db,
         "SELECT " BOOKING_COLS " FROM reception_bookings WHERE station_id = $1 AND day = $2"
         " ORDER BY kind, slot_minute, id",
         e);
    db_bind_int(st, 1, station_id);
    db_bind_int(st, 2, day);
    void *items;
    enum yy_err rc = sql_rows(a, st, booking_row, sizeof(**out), 16, &items, n, e);
    *out = items;
    return rc;
}

/* ---- records ------------------------------------------------------------------------ */

enum yy_err store_reception_record_insert_tx(struct db *db, struct reception_record *r,
                                             struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    {
        PREP(st, db,
             "INSERT INTO reception_records (station_id, day, residents_received, summary,"
             " recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
             e);
        db_bind_int(st, 1, r->station_id);
        db_bind_int(st, 2, r->day);
        db_bind_int(st, 3, r->residents_received);
        db_bind_text(st, 4, r->summary ? r->summary : "");
        sql_bind_id(st, 5, r->recorded_by);
        db_bind_int(st, 6, r->created_at);
        rc = sql_one_int(st, &r->id, e);
        if (rc == YY_CONFLICT)
            return yy_fail(e, YY_CONFLICT, "record_exists", "该接待日已有接待记录", NULL);
        if (rc != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < r->n_deputies; i++) {
        PREP(st, db, "INSERT INTO reception_record_deputies (record_id, deputy_id) VALUES ($1, $2)",
             e);
        db_bind_int(st, 1, r->id);
        db_bind_int(st, 2, r->deputy_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc == YY_CONFLICT
                       ? yy_fail(e, YY_BAD_INPUT, "duplicate_deputy", "代表重复", "deputy_ids")
                       : rc;
    }
    for (size_t i = 0; i < r->n_concerns; i++) {
        PREP(st, db,
             "INSERT INTO reception_record_concerns (record_id, concern_id) VALUES ($1, $2)", e);
        db_bind_int(st, 1, r->id);
        db_bind_int(st, 2, r->concern_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc == YY_CONFLICT ? yy_fail(e, YY_CONFLICT, "concern_already_recorded",
                                               "该群众意见已记入接待记录", "concern_ids")
                                     : rc;
    }
    return YY_OK;
}

enum yy_err store_reception_record_get(struct db *db, struct arena *a, int64_t station_id,
                                       int64_t day, struct reception_record *out,
                                       struct yy_error *e)
{
    enum yy_err rc;
    memset(out, 0, sizeof(*out));
    {
        PREP(st, db,
             "SELECT id, residents_received, summary, recorded_by, created_at"
             " FROM reception_records WHERE station_id = $1 AND day = $2",
             e);
        db_bind_int(st, 1, station_id);
        db_bind_int(st, 2, day);
        rc = sql_one(st, e);
        if (rc == YY_OK) {
            out->id = db_col_int(st, 0);
            out->residents_received = (int)db_col_int(st, 1);
            out->summary = sql_col_str(a, st, 2);
            out->recorded_by = sql_col_id(st, 3);
            out->created_at = db_col_int(st, 4);
        }
        db_done(st);
        if (rc != YY_OK)
            return rc;
    }
    out->station_id = station_id;
    out->day = day;
    struct ids x = {0};
    {
        PREP(st, db,
             "SELECT deputy_id FROM reception_record_deputies WHERE record_id = $1"
             " ORDER BY deputy_id",
             e);
        db_bind_int(st, 1, out->id);
        if ((rc = ids_rows(a, st, &x, e)) != YY_OK)
            return rc;
    }
    out->deputy_ids = x.v;
    out->n_deputies = x.n;
    struct ids y = {0};
    PREP(st, db,
         "SELECT concern_id FROM reception_record_concerns WHERE record_id = $1"
         " ORDER BY concern_id",
         e);
    db_bind_int(st, 1, out->id);
    rc = ids_rows(a, st, &y, e);
    out->concern_ids = y.v;
    out->n_concerns = y.n;
    return rc;
}
