/* activity.c (store) - activities, invitations, registrations, the record;
 * see store/activity.h.  Portable SQL only: $n placeholders, no
 * engine-specific functions. */
#include "store/activity.h"

#include <string.h>

#include "core/timeutil.h"
#include "store/sql.h"

/* ---- small helpers -------------------------------------------------------- */

static const char *const reg_names[] = {"confirmed", "waitlisted", "cancelled", "checked_in"};
static const char *const reg_labels[] = {"已确认", "候补", "已取消", "已签到"};

const char *reg_status_name(enum reg_status s)
{
    return (unsigned)s < 4 ? reg_names[s] : "unknown";
}

const char *reg_status_label_zh(enum reg_status s)
{
    return (unsigned)s < 4 ? reg_labels[s] : "未知";
}

static enum reg_status reg_status_of(const char *s)
{
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, reg_names[i]))
            return (enum reg_status)i;
    return REG_CANCELLED;
}

/* ---- activities ------------------------------------------------------------------ */

#define ACTIVITY_COLS                                                                              \
    "a.id, a.kind, a.title, a.theme, a.station_id, a.venue, a.street_id, a.community_id,"          \
    " a.starts_at, a.ends_at, a.capacity, a.status, a.cancel_reason, a.minutes, a.created_by,"     \
    " a.created_at, a.updated_at, a.published_at, a.cancelled_at, a.closed_at,"                    \
    " (SELECT s.name FROM stations s WHERE s.id = a.station_id)"

static void activity_row(struct arena *ar, struct db_stmt *st, void *item)
{
    struct activity *a = item;
    memset(a, 0, sizeof(*a));
    a->id = db_col_int(st, 0);
    if (!act_kind_from_name(db_col_text(st, 1), &a->kind))
        a->kind = AK_TALK;
    a->title = sql_col_str(ar, st, 2);
    a->theme = sql_col_str(ar, st, 3);
    a->station_id = sql_col_id(st, 4);
    a->venue = sql_col_str(ar, st, 5);
    a->street_id = sql_col_id(st, 6);
    a->community_id = sql_col_id(st, 7);
    a->starts_at = db_col_int(st, 8);
    a->ends_at = db_col_int(st, 9);
    a->capacity = db_col_int(st, 10);
    if (!act_state_from_name(db_col_text(st, 11), &a->status))
        a->status = AS_DRAFT;
    a->cancel_reason = sql_col_dup(ar, st, 12);
    a->minutes = sql_col_dup(ar, st, 13);
    a->created_by = sql_col_id(st, 14);
    a->created_at = db_col_int(st, 15);
    a->updated_at = db_col_int(st, 16);
    a->published_at = sql_col_id(st, 17);
    a->cancelled_at = sql_col_id(st, 18);
    a->closed_at = sql_col_id(st, 19);
    a->station_name = sql_col_dup(ar, st, 20);
}

enum yy_err store_activity_insert_tx(struct db *db, struct activity *a, const int64_t *deputy_ids,
                                     size_t n_deputies, const int64_t *unit_ids, size_t n_units,
                                     struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    {
        PREP(st, db,
             "INSERT INTO activities (kind, title, theme, station_id, venue, street_id,"
             " community_id, starts_at, ends_at, capacity, status, cancel_reason, minutes,"
             " created_by, created_at, updated_at, published_at, cancelled_at, closed_at)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
             " $17, $18, $19) RETURNING id",
             e);
        db_bind_text(st, 1, act_kind_name(a->kind));
        db_bind_text(st, 2, a->title);
        db_bind_text(st, 3, a->theme ? a->theme : "");
        sql_bind_id(st, 4, a->station_id);
        db_bind_text(st, 5, a->venue ? a->venue : "");
        sql_bind_id(st, 6, a->street_id);
        sql_bind_id(st, 7, a->community_id);
        db_bind_int(st, 8, a->starts_at);
        db_bind_int(st, 9, a->ends_at);
        db_bind_int(st, 10, a->capacity);
        db_bind_text(st, 11, act_state_name(a->status));
        db_bind_text(st, 12, a->cancel_reason);
        db_bind_text(st, 13, a->minutes);
        sql_bind_id(st, 14, a->created_by);
        db_bind_int(st, 15, a->created_at);
        db_bind_int(st, 16, a->updated_at);
        sql_bind_id(st, 17, a->published_at);
        sql_bind_id(st, 18, a->cancelled_at);
        sql_bind_id(st, 19, a->closed_at);
        rc = sql_one_int(st, &a->id, e);
        if (rc != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < n_deputies; i++) {
        PREP(st, db,
             "INSERT INTO activity_deputies (activity_id, deputy_id, invited, attended)"
             " VALUES ($1, $2, 1, 0)",
             e);
        db_bind_int(st, 1, a->id);
        db_bind_int(st, 2, deputy_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < n_units; i++) {
        PREP(st, db, "INSERT INTO activity_units (activity_id, unit_id) VALUES ($1, $2)", e);
        db_bind_int(st, 1, a->id);
        db_bind_int(st, 2, unit_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    return YY_OK;
}

enum yy_err store_activity_get(struct db *db, struct arena *ar, int64_t id, struct activity *out,
                               struct yy_error *e)
{
    PREP(st, db, "SELECT " ACTIVITY_COLS " FROM activities a WHERE a.id = $1", e);
    db_bind_int(st, 1, id);
    enum yy_err rc = sql_get(ar, st, activity_row, out, e);
    if (rc == YY_NOT_FOUND)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return rc;
}

enum yy_err store_activity_get_for_update(struct db *db, struct arena *ar, int64_t id,
                                          struct activity *out, struct yy_error *e)
{
    /* the portable row lock: a no-op UPDATE locks the row in PostgreSQL until
     * commit; on SQLite the single writer already excludes everyone */
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db, "UPDATE activities SET updated_at = updated_at WHERE id = $1", e);
    db_bind_int(st, 1, id);
    rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return rc == YY_OK ? store_activity_get(db, ar, id, out, e) : rc;
}

enum yy_err store_activity_update_tx(struct db *db, const struct activity *a, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "UPDATE activities SET status = $1, cancel_reason = $2, minutes = $3, published_at = $4,"
         " cancelled_at = $5, closed_at = $6, updated_at = $7 WHERE id = $8",
         e);
    db_bind_text(st, 1, act_state_name(a->status));
    db_bind_text(st, 2, a->cancel_reason);
    db_bind_text(st, 3, a->minutes);
    sql_bind_id(st, 4, a->published_at);
    sql_bind_id(st, 5, a->cancelled_at);
    sql_bind_id(st, 6, a->closed_at);
    db_bind_int(st, 7, a->updated_at);
    db_bind_int(st, 8, a->id);
    rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return rc;
}

#define SCOPE_SLOTS 4

enum yy_err store_activities_list(struct db *db, struct arena *ar, const struct activity_filter *f,
                                  struct activity **out, size_t *n, struct yy_error *e)
{
    /* one statement for every filter: a 0 parameter means "any"; drafts only
     * within the draft scope (up to SCOPE_SLOTS streets and communities) */
    static const char *const sql_desc =
        "SELECT " ACTIVITY_COLS " FROM activities a"
        " WHERE ($1 = 0 OR a.station_id = $1) AND ($2 = 0 OR a.street_id = $2)"
        " AND ($3 = 0 OR EXISTS (SELECT 1 FROM activity_deputies d WHERE d.activity_id = a.id"
        "                        AND d.deputy_id = $3))"
        " AND ($4 = '' OR a.kind = $4)"
        " AND ($5 = 0 OR ((CASE a.status WHEN 'draft' THEN 1 WHEN 'open' THEN 2"
        "                 WHEN 'closed' THEN 4 ELSE 8 END) & $5) <> 0)"
        " AND ($6 = 0 OR a.starts_at >= $6) AND ($7 = 0 OR a.starts_at < $7)"
        " AND (a.status <> 'draft' OR $8 = 1 OR a.street_id IN ($9, $10, $11, $12)"
        "      OR a.community_id IN ($13, $14, $15, $16))"
        " ORDER BY a.starts_at DESC, a.id DESC LIMIT $17 OFFSET $18";
    static const char *const sql_asc =
        "SELECT " ACTIVITY_COLS " FROM activities a"
        " WHERE ($1 = 0 OR a.station_id = $1) AND ($2 = 0 OR a.street_id = $2)"
        " AND ($3 = 0 OR EXISTS (SELECT 1 FROM activity_deputies d WHERE d.activity_id = a.id"
        "                        AND d.deputy_id = $3))"
        " AND ($4 = '' OR a.kind = $4)"
        " AND ($5 = 0 OR ((CASE a.status WHEN 'draft' THEN 1 WHEN 'open' THEN 2"
        "                 WHEN 'closed' THEN 4 ELSE 8 END) & $5) <> 0)"
        " AND ($6 = 0 OR a.starts_at >= $6) AND ($7 = 0 OR a.starts_at < $7)"
        " AND (a.status <> 'draft' OR $8 = 1 OR a.street_id IN ($9, $10, $11, $12)"
        "      OR a.community_id IN ($13, $14, $15, $16))"
        " ORDER BY a.starts_at, a.id LIMIT $17 OFFSET $18";
    PREP(st, db, f->ascending ? sql_asc : sql_desc, e);
    db_bind_int(st, 1, f->station_id);
    db_bind_int(st, 2, f->street_id);
    db_bind_int(st, 3, f->deputy_id);
    db_bind_text(st, 4, f->by_kind ? act_kind_name(f->kind) : "");
    db_bind_int(st, 5, f->states);
    db_bind_int(st, 6, f->from);
    db_bind_int(st, 7, f->to);
    db_bind_int(st, 8, f->drafts_all ? 1 : 0);
    for (size_t i = 0; i < SCOPE_SLOTS; i++) {
        db_bind_int(st, 9 + (int)i, i < f->n_draft_streets ? f->draft_streets[i] : 0);
        db_bind_int(st, 13 + (int)i, i < f->n_draft_communities ? f->draft_communities[i] : 0);
    }
    db_bind_int(st, 17, f->limit ? (int64_t)f->limit : INT64_MAX);
    db_bind_int(st, 18, f->offset);
    void *items;
    enum yy_err rc = sql_rows(ar, st, activity_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}

/* ---- invitations and attendance ------------------------------------------------------ */

static void deputy_row(struct arena *ar, struct db_stmt *st, void *item)
{
    struct activity_deputy *d = item;
    d->deputy_id = db_col_int(st, 0);
    d->name = sql_col_str(ar, st, 1);
    d->invited = db_col_int(st, 2) != 0;
    d->attended = db_col_int(st, 3) != 0;
}

enum yy_err store_activity_deputies(struct db *db, struct arena *ar, int64_t id,
                                    struct activity_deputy **out, size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT d.deputy_id, p.name, d.invited, d.attended FROM activity_deputies d"
         " JOIN deputies p ON p.id = d.deputy_id WHERE d.activity_id = $1 ORDER BY d.deputy_id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(ar, st, deputy_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}

static void unit_row(struct arena *ar, struct db_stmt *st, void *item)
{
    struct activity_unit *u = item;
    u->unit_id = db_col_int(st, 0);
    u->name = sql_col_str(ar, st, 1);
}

enum yy_err store_activity_units(struct db *db, struct arena *ar, int64_t id,
                                 struct activity_unit **out, size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT u.id, u.name FROM activity_units x JOIN units u ON u.id = x.unit_id"
         " WHERE x.activity_id = $1 ORDER BY u.id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(ar, st, unit_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_activity_unit_invited(struct db *db, int64_t id, int64_t unit_id, bool *out,
                                        struct yy_error *e)
{
    PREP(st, db, "SELECT 1 FROM activity_units WHERE activity_id = $1 AND unit_id = $2", e);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, unit_id);
    return sql_exists(st, out, e);
}

enum yy_err store_activity_attendance_tx(struct db *db, int64_t id, const int64_t *deputy_ids,
                                         size_t n, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    {
        PREP(st, db, "UPDATE activity_deputies SET attended = 0 WHERE activity_id = $1", e);
        db_bind_int(st, 1, id);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        {
            PREP(st, db,
                 "UPDATE activity_deputies SET attended = 1 WHERE activity_id = $1"
                 " AND deputy_id = $2",
                 e);
            db_bind_int(st, 1, id);
            db_bind_int(st, 2, deputy_ids[i]);
            if ((rc = sql_run(st, e)) != YY_OK)
                return rc;
        }
        if (db_changes(db) == 1)
            continue;
        /* came without an invitation */
        PREP(st, db,
             "INSERT INTO activity_deputies (activity_id, deputy_id, invited, attended)"
             " VALUES ($1, $2, 0, 1)",
             e);
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, deputy_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    return YY_OK;
}

/* ---- registrations ------------------------------------------------------------------ */

enum yy_err store_activity_counts(struct db *db, int64_t id, struct activity_counts *out,
                                  struct yy_error *e)
{
    memset(out, 0, sizeof(*out));
    PREP(st, db,
         "SELECT status, COUNT(*) FROM registrations WHERE activity_id = $1 GROUP BY status", e);
    db_bind_int(st, 1, id);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        int64_t k = db_col_int(st, 1);
        switch (reg_status_of(db_col_text(st, 0))) {
        case REG_CONFIRMED:
            out->confirmed += k;
            break;
        case REG_CHECKED_IN:
            out->confirmed += k;
            out->checked_in += k;
            break;
        case REG_WAITLISTED:
            out->waitlisted += k;
            break;
        case REG_CANCELLED:
            out->cancelled += k;
            break;
        }
    }
    db_done(st);
    return rc;
}

#define REG_COLS                                                                                   \
    "id, activity_id, name, phone, user_id, status, code, position, created_at, updated_at,"       \
    " checked_in_at"

static void reg_row(struct arena *ar, struct db_stmt *st, void *item)
{
    struct registration *r = item;
    memset(r, 0, sizeof(*r));
    r->id = db_col_int(st, 0);
    r->activity_id = db_col_int(st, 1);
    r->name = sql_col_dup(ar, st, 2);
    r->phone = sql_col_dup(ar, st, 3);
    r->user_id = sql_col_id(st, 4);
    r->status = reg_status_of(db_col_text(st, 5));
    r->code = sql_col_str(ar, st, 6);
    r->position = db_col_int(st, 7);
    r->created_at = db_col_int(st, 8);
    r->updated_at = db_col_int(st, 9);
    r->checked_in_at = sql_col_id(st, 10);
}

enum yy_err store_registrations(struct db *db, struct arena *ar, int64_t id,
                                struct registration **out, size_t *n, struct yy_error *e)
{
    PREP(st, db, "SELECT " REG_COLS " FROM registrations WHERE activity_id = $1 ORDER BY position",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(ar, st, reg_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_registration_live(struct db *db, struct arena *ar, int64_t id, const char *phone,
                                    int64_t user_id, struct registration *out, struct yy_error *e)
{
    if (phone) {
        PREP(st, db,
             "SELECT " REG_COLS " FROM registrations WHERE activity_id = $1 AND phone = $2"
             " AND status <> 'cancelled'",
             e);
        db_bind_int(st, 1, id);
        db_bind_text(st, 2, phone);
        enum yy_err rc = sql_get(ar, st, reg_row, out, e);
        if (rc != YY_NOT_FOUND || !user_id)
            return rc;
    }
    PREP(st, db,
         "SELECT " REG_COLS " FROM registrations WHERE activity_id = $1 AND user_id = $2"
         " AND status <> 'cancelled'",
         e);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, user_id);
    return sql_get(ar, st, reg_row, out, e);
}

enum yy_err store_registration_by_code(struct db *db, struct arena *ar, int64_t id,
                                       const char *code, struct registration *out,
                                       struct yy_error *e)
{
    PREP(st, db, "SELECT " REG_COLS " FROM registrations WHERE activity_id = $1 AND code = $2", e);
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, code);
    return sql_get(ar, st, reg_row, out, e);
}

#define CODE_TRIES 32

enum yy_err store_registration_add_tx(struct db *db, struct arena *ar, int64_t capacity,
                                      struct registration *r, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    struct registration old;
    rc = store_registration_live(db, ar, r->activity_id, r->phone, r->user_id, &old, e);
    if (rc == YY_OK)
        return yy_fail(e, YY_CONFLICT, "already_registered", "您已报名这场活动", NULL);
    if (rc != YY_NOT_FOUND)
        return rc;
    struct activity_counts c;
    if ((rc = store_activity_counts(db, r->activity_id, &c, e)) != YY_OK)
        return rc;
    r->status = activity_confirms(c.confirmed, capacity) ? REG_CONFIRMED : REG_WAITLISTED;
    {
        PREP(st, db,
             "SELECT COALESCE(MAX(position), 0) + 1 FROM registrations WHERE activity_id = $1", e);
        db_bind_int(st, 1, r->activity_id);
        rc = sql_one_int(st, &r->position, e);
        if (rc != YY_OK)
            return rc;
    }
    /* a code no other registration of this activity holds: the activity's row
     * lock keeps anyone else from taking it before we insert */
    char code[CHECK_IN_CODE_LEN + 1];
    bool taken = true;
    for (int i = 0; i < CODE_TRIES && taken; i++) {
        activity_code_new(code);
        PREP(st, db, "SELECT 1 FROM registrations WHERE activity_id = $1 AND code = $2", e);
        db_bind_int(st, 1, r->activity_id);
        db_bind_text(st, 2, code);
        if ((rc = sql_exists(st, &taken, e)) != YY_OK)
            return rc;
    }
    if (taken)
        return yy_fail(e, YY_UNAVAILABLE, "check_in_code_exhausted", "暂时无法生成签到码,请重试",
                       NULL);
    PREP(st, db,
         "INSERT INTO registrations (activity_id, name, phone, user_id, status, code, position,"
         " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
         e);
    db_bind_int(st, 1, r->activity_id);
    db_bind_text(st, 2, r->name);
    db_bind_text(st, 3, r->phone);
    sql_bind_id(st, 4, r->user_id);
    db_bind_text(st, 5, reg_status_name(r->status));
    db_bind_text(st, 6, code);
    db_bind_int(st, 7, r->position);
    db_bind_int(st, 8, r->created_at);
    rc = sql_one_int(st, &r->id, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "already_registered", "您已报名这场活动", NULL);
    if (rc == YY_OK)
        r->code = arena_strdup(ar, code);
    return rc;
}

enum yy_err store_registration_cancel_tx(struct db *db, int64_t capacity,
                                         const struct registration *r, int64_t *promoted,
                                         struct yy_error *e)
{
    *promoted = 0;
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    int64_t now = time_now();
    {
        PREP(st, db, "UPDATE registrations SET status = 'cancelled', updated_at = $1 WHERE id = $2",
             e);
        db_bind_int(st, 1, now);
        db_bind_int(st, 2, r->id);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc;
    }
    if (r->status != REG_CONFIRMED && r->status != REG_CHECKED_IN)
        return YY_OK;
    /* a place came free: the first on the waiting list moves up (if places
     * remain: capacity is what counts, should it ever have been lowered) */
    struct activity_counts c;
    if ((rc = store_activity_counts(db, r->activity_id, &c, e)) != YY_OK)
        return rc;
    if (!activity_confirms(c.confirmed, capacity))
        return YY_OK;
    int64_t next = 0;
    {
        PREP(st, db,
             "SELECT id FROM registrations WHERE activity_id = $1 AND status = 'waitlisted'"
             " ORDER BY position LIMIT 1",
             e);
        db_bind_int(st, 1, r->activity_id);
        bool row = false;
        rc = db_step(st, &row, e);
        if (rc == YY_OK && row)
            next = db_col_int(st, 0);
        db_done(st);
        if (rc != YY_OK || !next)
            return rc;
    }
    PREP(st, db, "UPDATE registrations SET status = 'confirmed', updated_at = $1 WHERE id = $2", e);
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, next);
    rc = sql_run(st, e);
    if (rc == YY_OK)
        *promoted = next;
    return rc;
}

enum yy_err store_registration_check_in_tx(struct db *db, int64_t reg_id, int64_t now,
                                           struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "UPDATE registrations SET status = 'checked_in', checked_in_at = $1, updated_at = $1"
         " WHERE id = $2 AND status = 'confirmed'",
         e);
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, reg_id);
    rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_CONFLICT, "already_checked_in", "已经签到过了", "code");
    return rc;
}

enum yy_err store_registrations_cancel_all_tx(struct db *db, int64_t id, int64_t now,
                                              struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "UPDATE registrations SET status = 'cancelled', updated_at = $1"
         " WHERE activity_id = $2 AND status <> 'cancelled'",
         e);
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    return sql_run(st, e);
}

/* ---- the record ------------------------------------------------------------------------ */

enum yy_err store_activity_qa_add_tx(struct db *db, int64_t id, const char *question,
                                     const char *answer, int64_t unit_id, int64_t now,
                                     struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO activity_qa (activity_id, question, answer, unit_id, at)"
         " VALUES ($1, $2, $3, $4, $5)",
         e);
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, question);
    db_bind_text(st, 3, answer);
    sql_bind_id(st, 4, unit_id);
    db_bind_int(st, 5, now);
    return sql_run(st, e);
}

static void qa_row(struct arena *ar, struct db_stmt *st, void *item)
{
    struct activity_qa *q = item;
    q->id = db_col_int(st, 0);
    q->question = sql_col_str(ar, st, 1);
    q->answer = sql_col_str(ar, st, 2);
    q->unit_id = sql_col_id(st, 3);
    q->unit_name = sql_col_dup(ar, st, 4);
    q->at = db_col_int(st, 5);
}

enum yy_err store_activity_qa(struct db *db, struct arena *ar, int64_t id, struct activity_qa **out,
                              size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT q.id, q.question, q.answer, q.unit_id, u.name, q.at FROM activity_qa q"
         " LEFT JOIN units u ON u.id = q.unit_id WHERE q.activity_id = $1 ORDER BY q.id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(ar, st, qa_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_activity_suggestions_add_tx(struct db *db, int64_t id, const int64_t *ids,
                                              size_t n, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    for (size_t i = 0; i < n && rc == YY_OK; i++) {
        PREP(st, db,
             "INSERT INTO activity_suggestions (activity_id, suggestion_id) VALUES ($1, $2)", e);
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, ids[i]);
        rc = sql_run(st, e);
    }
    return rc;
}

enum yy_err store_activity_suggestion_exists(struct db *db, int64_t suggestion_id, bool *out,
                                             struct yy_error *e)
{
    PREP(st, db, "SELECT 1 FROM suggestions WHERE id = $1", e);
    db_bind_int(st, 1, suggestion_id);
    return sql_exists(st, out, e);
}

enum yy_err store_activity_suggestions(struct db *db, struct arena *ar, int64_t id, int64_t **out,
                                       size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT suggestion_id FROM activity_suggestions WHERE activity_id = $1"
         " ORDER BY suggestion_id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(ar, st, sql_row_id, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}

static void concern_row(struct arena *ar, struct db_stmt *st, void *item)
{
    struct activity_concern *c = item;
    c->id = db_col_int(st, 0);
    c->title = sql_col_str(ar, st, 1);
    c->status = sql_col_str(ar, st, 2);
}

enum yy_err store_activity_concerns(struct db *db, struct arena *ar, int64_t id,
                                    struct activity_concern **out, size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT id, title, status FROM concerns WHERE activity_id = $1 AND status <> 'merged'"
         " ORDER BY id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(ar, st, concern_row, sizeof(**out), 0, &items, n, e);
    *out = items;
    return rc;
}
