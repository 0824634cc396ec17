/* concern.c (store) - concerns over db.h; see store/concern.h.  Portable SQL
 * only: $n placeholders, no engine-specific functions. */
#include "store/concern.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "store/sql.h"

#define CONCERN_COLS                                                                               \
    "c.id, c.tracking_code, c.title, c.body, c.category, c.station_id, c.street_id,"               \
    " c.community_id, c.address, c.lat, c.lon, c.contact_name, c.contact_phone, c.source,"         \
    " c.activity_id, c.status, c.merged_into, c.claimed_by, c.referred_to,"                        \
    " (SELECT r.parent_id FROM regions r WHERE r.id = c.referred_to), c.suggestion_id,"            \
    " c.unit_id, c.result, c.reason, c.redirect, c.due_at, c.rating, c.raised_by,"                 \
    " c.created_at, c.updated_at, c.responded_at, c.resolved_at, c.rated_at"

static void concern_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct concern *c = item;
    memset(c, 0, sizeof(*c));
    c->id = db_col_int(st, 0);
    c->tracking_code = sql_col_dup(a, st, 1);
    c->title = sql_col_dup(a, st, 2);
    c->body = sql_col_dup(a, st, 3);
    c->category = sql_col_dup(a, st, 4);
    c->station_id = sql_col_id(st, 5);
    c->street_id = sql_col_id(st, 6);
    c->community_id = sql_col_id(st, 7);
    c->address = sql_col_dup(a, st, 8);
    if (!c->address)
        c->address = "";
    c->has_location = !db_col_null(st, 9) && !db_col_null(st, 10);
    if (c->has_location) {
        c->lat = db_col_double(st, 9);
        c->lon = db_col_double(st, 10);
    }
    c->contact_name = sql_col_dup(a, st, 11);
    c->contact_phone = sql_col_dup(a, st, 12);
    c->source = sql_col_dup(a, st, 13);
    c->activity_id = sql_col_id(st, 14);
    if (!cn_state_from_name(db_col_text(st, 15), &c->status))
        c->status = CN_NEW;
    c->merged_into = sql_col_id(st, 16);
    c->claimed_by = sql_col_id(st, 17);
    c->referred_to = sql_col_id(st, 18);
    c->referred_parent = sql_col_id(st, 19);
    c->suggestion_id = sql_col_id(st, 20);
    c->unit_id = sql_col_id(st, 21);
    c->result = sql_col_dup(a, st, 22);
    c->reason = sql_col_dup(a, st, 23);
    c->redirect = sql_col_dup(a, st, 24);
    c->due_at = sql_col_id(st, 25);
    c->rating = sql_col_dup(a, st, 26);
    c->raised_by = sql_col_id(st, 27);
    c->created_at = db_col_int(st, 28);
    c->updated_at = db_col_int(st, 29);
    c->responded_at = sql_col_id(st, 30);
    c->resolved_at = sql_col_id(st, 31);
    c->rated_at = sql_col_id(st, 32);
}

/* What the duplicate hints need of a candidate; the rest of the struct
 * stays zero. */
#define CANDIDATE_COLS                                                                             \
    "c.id, c.title, c.body, c.category, c.status, c.street_id, c.lat, c.lon, c.created_at"

static void candidate_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct concern *c = item;
    memset(c, 0, sizeof(*c));
    c->id = db_col_int(st, 0);
    c->title = sql_col_dup(a, st, 1);
    c->body = sql_col_dup(a, st, 2);
    c->category = sql_col_dup(a, st, 3);
    if (!cn_state_from_name(db_col_text(st, 4), &c->status))
        c->status = CN_NEW;
    c->street_id = sql_col_id(st, 5);
    c->has_location = !db_col_null(st, 6) && !db_col_null(st, 7);
    if (c->has_location) {
        c->lat = db_col_double(st, 6);
        c->lon = db_col_double(st, 7);
    }
    c->created_at = db_col_int(st, 8);
    c->address = "";
}

/* Reads every row of a prepared, bound statement with read (concern_row or
 * candidate_row), making room for cap rows at once. */
static enum yy_err concern_rows(struct arena *a, struct db_stmt *st, sql_row_fn *read, size_t cap,
                                struct concern **out, size_t *n, struct yy_error *e)
{
    void *items;
    enum yy_err rc = sql_rows(a, st, read, sizeof(**out), cap, &items, n, e);
    *out = items;
    return rc;
}

/* The room made at once for the candidates of a limit. */
static size_t candidate_cap(size_t limit)
{
    return limit < 64 ? (limit ? limit : 1) : 64;
}

/* ---- configuration ------------------------------------------------------------ */

static void category_row(struct arena *a, struct db_stmt *st, void *item)
{
    *(const char **)item = sql_col_dup(a, st, 0);
}

enum yy_err store_concern_categories(struct db *db, struct arena *a, const char ***out, size_t *n,
                                     struct yy_error *e)
{
    PREP(st, db, "SELECT name FROM categories WHERE active = 1 ORDER BY position, id", e);
    void *names;
    enum yy_err rc = sql_rows(a, st, category_row, sizeof(**out), 16, &names, n, e);
    *out = names;
    return rc;
}

enum yy_err store_setting_int(struct db *db, const char *key, int64_t def, int64_t *out,
                              struct yy_error *e)
{
    *out = def;
    PREP(st, db, "SELECT value FROM settings WHERE key = $1", e);
    db_bind_text(st, 1, key);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    const char *s = rc == YY_OK && row ? db_col_text(st, 0) : NULL;
    if (s && *s && strlen(s) <= 18) {
        int64_t v = 0;
        bool neg = *s == '-';
        const char *q = s + neg;
        bool digits = *q != '\0';
        for (; *q; q++) {
            if (*q < '0' || *q > '9')
                digits = false;
            else
                v = v * 10 + (*q - '0');
        }
        if (digits)
            *out = neg ? -v : v;
    }
    db_done(st);
    return rc;
}

/* ---- concerns ----------------------------------------------------------------- */

#define TRACKING_CODE_TRIES 8

static enum yy_err insert_once(struct db *db, struct concern *c, const char *code,
                               struct yy_error *e)
{
    PREP(st, db,
         "INSERT INTO concerns (tracking_code, title, body, category, station_id, street_id,"
         " community_id, address, lat, lon, contact_name, contact_phone, source, activity_id,"
         " status, raised_by, created_at, updated_at)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)"
         " ON CONFLICT (tracking_code) DO NOTHING RETURNING id",
         e);
    db_bind_text(st, 1, code);
    db_bind_text(st, 2, c->title);
    db_bind_text(st, 3, c->body);
    db_bind_text(st, 4, c->category);
    sql_bind_id(st, 5, c->station_id);
    sql_bind_id(st, 6, c->street_id);
    sql_bind_id(st, 7, c->community_id);
    db_bind_text(st, 8, c->address ? c->address : "");
    if (c->has_location) {
        db_bind_double(st, 9, c->lat);
        db_bind_double(st, 10, c->lon);
    } else {
        db_bind_null(st, 9);
        db_bind_null(st, 10);
    }
    db_bind_text(st, 11, c->contact_name);
    db_bind_text(st, 12, c->contact_phone);
    db_bind_text(st, 13, c->source);
    sql_bind_id(st, 14, c->activity_id);
    db_bind_text(st, 15, cn_state_name(c->status));
    sql_bind_id(st, 16, c->raised_by);
    db_bind_int(st, 17, c->created_at);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && row)
        c->id = db_col_int(st, 0);
    else if (rc == YY_OK)
        rc = YY_CONFLICT; /* the code is taken: no row, nothing written */
    db_done(st);
    return rc;
}

enum yy_err store_concern_insert_tx(struct db *db, struct arena *a, struct concern *c,
                                    struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    /* A taken code inserts nothing (ON CONFLICT DO NOTHING: no error, so no
     * savepoint is needed to keep a PostgreSQL transaction usable) and the
     * next try draws another.  Two fewer round trips per concern than a
     * savepoint per try: group commit runs every write of a batch on one
     * connection, one after the other. */
    for (int i = 0; i < TRACKING_CODE_TRIES; i++) {
        char code[TRACKING_CODE_LEN + 1];
        concern_tracking_code_new(code);
        rc = insert_once(db, c, code, e);
        if (rc == YY_OK) {
            c->tracking_code = arena_strdup(a, code);
            return YY_OK;
        }
        if (rc != YY_CONFLICT)
            return rc;
    }
    return yy_fail(e, YY_UNAVAILABLE, "tracking_code_exhausted", "暂时无法生成查询码,请重试", NULL);
}

static enum yy_err get_one(struct db *db, struct arena *a, const char *sql, int64_t id,
                           const char *code, struct concern *out, struct yy_error *e)
{
    PREP(st, db, sql, e);
    if (code)
        db_bind_text(st, 1, code);
    else
        db_bind_int(st, 1, id);
    enum yy_err rc = sql_get(a, st, concern_row, out, e);
    if (rc == YY_NOT_FOUND)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return rc;
}

enum yy_err store_concern_get(struct db *db, struct arena *a, int64_t id, struct concern *out,
                              struct yy_error *e)
{
    return get_one(db, a, "SELECT " CONCERN_COLS " FROM concerns c WHERE c.id = $1", id, NULL, out,
                   e);
}

enum yy_err store_concern_get_for_update(struct db *db, struct arena *a, int64_t id,
                                         struct concern *out, struct yy_error *e)
{
    /* the portable row lock: a no-op UPDATE locks the row in PostgreSQL until
     * commit; on SQLite the single writer already excludes everyone */
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db, "UPDATE concerns SET updated_at = updated_at WHERE id = $1", e);
    db_bind_int(st, 1, id);
    rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return rc == YY_OK ? store_concern_get(db, a, id, out, e) : rc;
}

enum yy_err store_concern_by_code(struct db *db, struct arena *a, const char *code,
                                  struct concern *out, struct yy_error *e)
{
    return get_one(db, a, "SELECT " CONCERN_COLS " FROM concerns c WHERE c.tracking_code = $1", 0,
                   code, out, e);
}

enum yy_err store_concern_update_tx(struct db *db, const struct concern *c, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "UPDATE concerns SET status = $1, merged_into = $2, claimed_by = $3, referred_to = $4,"
         " suggestion_id = $5, unit_id = $6, result = $7, reason = $8, redirect = $9,"
         " due_at = $10, rating = $11, rated_at = $12, responded_at = $13, resolved_at = $14,"
         " updated_at = $15 WHERE id = $16",
         e);
    db_bind_text(st, 1, cn_state_name(c->status));
    sql_bind_id(st, 2, c->merged_into);
    sql_bind_id(st, 3, c->claimed_by);
    sql_bind_id(st, 4, c->referred_to);
    sql_bind_id(st, 5, c->suggestion_id);
    sql_bind_id(st, 6, c->unit_id);
    db_bind_text(st, 7, c->result);
    db_bind_text(st, 8, c->reason);
    db_bind_text(st, 9, c->redirect);
    sql_bind_id(st, 10, c->due_at);
    db_bind_text(st, 11, c->rating);
    sql_bind_id(st, 12, c->rated_at);
    sql_bind_id(st, 13, c->responded_at);
    sql_bind_id(st, 14, c->resolved_at);
    db_bind_int(st, 15, c->updated_at);
    db_bind_int(st, 16, c->id);
    rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return rc;
}

enum yy_err store_concern_repoint_merged_tx(struct db *db, int64_t from, int64_t into,
                                            struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db, "UPDATE concerns SET merged_into = $1, updated_at = $2 WHERE merged_into = $3", e);
    db_bind_int(st, 1, into);
    db_bind_int(st, 2, time_now());
    db_bind_int(st, 3, from);
    return sql_run(st, e);
}

enum yy_err store_concern_merged_count(struct db *db, int64_t id, int64_t *n, struct yy_error *e)
{
    *n = 0;
    PREP(st, db, "SELECT count(*) FROM concerns WHERE merged_into = $1", e);
    db_bind_int(st, 1, id);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && row)
        *n = db_col_int(st, 0);
    db_done(st);
    return rc;
}

/* ---- claims ------------------------------------------------------------------- */

static void claim_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct concern_claim *c = item;
    c->deputy_id = db_col_int(st, 0);
    c->deputy_name = sql_col_dup(a, st, 1);
    c->claimed_at = db_col_int(st, 2);
}

enum yy_err store_concern_claims(struct db *db, struct arena *a, int64_t id,
                                 struct concern_claim **out, size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT cc.deputy_id, d.name, cc.claimed_at FROM concern_claims cc"
         " JOIN deputies d ON d.id = cc.deputy_id WHERE cc.concern_id = $1 ORDER BY cc.id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(a, st, claim_row, sizeof(**out), 4, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_concern_claim_add_tx(struct db *db, int64_t id, int64_t deputy_id,
                                       struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO concern_claims (concern_id, deputy_id, claimed_at) VALUES ($1, $2, $3)", e);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, deputy_id);
    db_bind_int(st, 3, time_now());
    return sql_run(st, e);
}

/* ---- the timeline ------------------------------------------------------------- */

enum yy_err store_concern_event_tx(struct db *db, int64_t id, const char *action,
                                   const char *actor_role, const char *note, const char *staff_note,
                                   struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    PREP(st, db,
         "INSERT INTO concern_events (concern_id, at, action, actor_role, note, staff_note)"
         " VALUES ($1, $2, $3, $4, $5, $6)",
         e);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, time_now());
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, actor_role);
    db_bind_text(st, 5, note ? note : "");
    db_bind_text(st, 6, staff_note ? staff_note : "");
    return sql_run(st, e);
}

static void event_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct concern_event *ev = item;
    ev->at = db_col_int(st, 0);
    ev->action = sql_col_dup(a, st, 1);
    ev->actor_role = sql_col_dup(a, st, 2);
    ev->note = sql_col_dup(a, st, 3);
    ev->staff_note = sql_col_dup(a, st, 4);
}

enum yy_err store_concern_events(struct db *db, struct arena *a, int64_t id,
                                 struct concern_event **out, size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT at, action, actor_role, note, staff_note FROM concern_events"
         " WHERE concern_id = $1 ORDER BY id",
         e);
    db_bind_int(st, 1, id);
    void *items;
    enum yy_err rc = sql_rows(a, st, event_row, sizeof(**out), 8, &items, n, e);
    *out = items;
    return rc;
}

enum yy_err store_deputy_at_station(struct db *db, int64_t deputy_id, int64_t station_id, bool *out,
                                    struct yy_error *e)
{
    *out = false;
    PREP(st, db, "SELECT count(*) FROM deputy_stations WHERE deputy_id = $1 AND station_id = $2",
         e);
    db_bind_int(st, 1, deputy_id);
    db_bind_int(st, 2, station_id);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && row)
        *out = db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

/* ---- lists -------------------------------------------------------------------- */

/* Appends printf output to sql (size n, used *len); false when it does not fit. */
__attribute__((format(printf, 4, 5))) static bool sql_add(char *sql, size_t n, size_t *len,
                                                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(sql + *len, n - *len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= n - *len)
        return false;
    *len += (size_t)w;
    return true;
}

#define LIST_SQL_MAX 16384

enum yy_err store_concerns_list(struct db *db, struct arena *a, const struct concern_scope *scope,
                                const struct concern_filter *f, struct concern **out, size_t *n,
                                struct yy_error *e)
{
    /* The scope condition is put together from fixed fragments, one per grant
     * the caller holds; only placeholders carry values. */
    char *sql = arena_alloc(a, LIST_SQL_MAX);
    size_t len = 0;
    /* A filter that is given is written as a plain comparison, so the
     * planner can use its index (concerns_status, concerns_street,
     * concerns_station); "$1 = '' OR c.status = $1" would hide it and scan
     * the newest concerns of every status until the page is full. */
    bool ok = sql_add(sql, LIST_SQL_MAX, &len,
                      "SELECT " CONCERN_COLS " FROM concerns c WHERE %s AND %s AND %s"
                      " AND ($4 = 0 OR c.id < $4) AND (1 = 0",
                      f->by_status ? "c.status = $1" : "$1 = ''",
                      f->street_id ? "c.street_id = $2" : "$2 = 0",
                      f->station_id ? "c.station_id = $3" : "$3 = 0");
    int p = 5;
    int64_t params[4 * CONCERN_SCOPE_MAX + 1];
    size_t np = 0;
    if (scope->all)
        ok = ok && sql_add(sql, LIST_SQL_MAX, &len, " OR 1 = 1");
    if (scope->raised_by) {
        ok = ok && sql_add(sql, LIST_SQL_MAX, &len, " OR c.raised_by = $%d", p++);
        params[np++] = scope->raised_by;
    }
    for (size_t i = 0; i < scope->n_streets && i < CONCERN_SCOPE_MAX; i++, p++) {
        ok = ok && sql_add(sql, LIST_SQL_MAX, &len,
                           " OR c.street_id = $%d OR c.referred_to = $%d OR c.referred_to IN"
                           " (SELECT r.id FROM regions r WHERE r.parent_id = $%d)",
                           p, p, p);
        params[np++] = scope->streets[i];
    }
    for (size_t i = 0; i < scope->n_communities && i < CONCERN_SCOPE_MAX; i++, p++) {
        ok = ok && sql_add(sql, LIST_SQL_MAX, &len,
                           " OR c.community_id = $%d OR c.referred_to = $%d", p, p);
        params[np++] = scope->communities[i];
    }
    for (size_t i = 0; i < scope->n_deputies && i < CONCERN_SCOPE_MAX; i++, p++) {
        ok = ok && sql_add(sql, LIST_SQL_MAX, &len,
                           " OR c.station_id IN (SELECT ds.station_id FROM deputy_stations ds"
                           " WHERE ds.deputy_id = $%d) OR c.id IN (SELECT cc.concern_id FROM"
                           " concern_claims cc WHERE cc.deputy_id = $%d)",
                           p, p);
        params[np++] = scope->deputies[i];
    }
    for (size_t i = 0; i < scope->n_units && i < CONCERN_SCOPE_MAX; i++, p++) {
        ok = ok && sql_add(sql, LIST_SQL_MAX, &len, " OR c.unit_id = $%d", p);
        params[np++] = scope->units[i];
    }
    ok = ok && sql_add(sql, LIST_SQL_MAX, &len, ") ORDER BY c.id DESC LIMIT $%d", p);
    if (!ok)
        return yy_fail(e, YY_INTERNAL, "query_too_long", "服务器内部错误", NULL);
    PREP(st, db, sql, e);
    db_bind_text(st, 1, f->by_status ? cn_state_name(f->status) : "");
    db_bind_int(st, 2, f->street_id);
    db_bind_int(st, 3, f->station_id);
    db_bind_int(st, 4, f->before_id);
    for (size_t i = 0; i < np; i++)
        db_bind_int(st, 5 + (int)i, params[i]);
    db_bind_int(st, p, f->limit ? (int64_t)f->limit : INT32_MAX);
    return concern_rows(a, st, concern_row, f->limit ? f->limit : 16, out, n, e);
}

enum yy_err store_concern_candidates(struct db *db, struct arena *a, int64_t street_id,
                                     bool has_box, double lat0, double lat1, double lon0,
                                     double lon1, size_t limit, struct concern **out, size_t *n,
                                     struct yy_error *e)
{
    /* The newest `limit` open concerns of the street, and those of the box:
     * each part reads only its own top rows through an index on open
     * concerns (migration 6), instead of every open concern of the district
     * sorted by date; the newest `limit` of both are the same rows.
     * Only the columns the hints use (CANDIDATE_COLS): this runs on every
     * submission, before its write (outside the write transaction, on this
     * thread's read connection: the hint is advisory, a snapshot a moment old
     * is good enough).  Without a box (a concern raised at a station, the
     * usual case) the street's part alone, straight from the index. */
    static const char street_only[] =
        "SELECT " CANDIDATE_COLS " FROM concerns c WHERE c.street_id = $1"
        " AND c.status IN ('new', 'accepted', 'referred', 'claimed', 'converted')"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT $2";
    if (!has_box) {
        PREP(st, db, street_only, e);
        db_bind_int(st, 1, street_id);
        db_bind_int(st, 2, (int64_t)limit);
        return concern_rows(a, st, candidate_row, candidate_cap(limit), out, n, e);
    }
    PREP(st, db,
         "SELECT " CANDIDATE_COLS " FROM concerns c WHERE c.id IN ("
         " SELECT s.id FROM (SELECT c1.id FROM concerns c1"
         "  WHERE $1 <> 0 AND c1.street_id = $1"
         "  AND c1.status IN ('new', 'accepted', 'referred', 'claimed', 'converted')"
         "  ORDER BY c1.created_at DESC, c1.id DESC LIMIT $2) s"
         " UNION ALL"
         " SELECT b.id FROM (SELECT c2.id FROM concerns c2"
         "  WHERE $3 = 1 AND c2.lat BETWEEN $4 AND $5 AND c2.lon BETWEEN $6 AND $7"
         "  AND c2.status IN ('new', 'accepted', 'referred', 'claimed', 'converted')"
         "  ORDER BY c2.created_at DESC, c2.id DESC LIMIT $2) b)"
         " ORDER BY c.created_at DESC, c.id DESC LIMIT $2",
         e);
    db_bind_int(st, 1, street_id);
    db_bind_int(st, 2, (int64_t)limit);
    db_bind_int(st, 3, has_box ? 1 : 0);
    db_bind_double(st, 4, lat0);
    db_bind_double(st, 5, lat1);
    db_bind_double(st, 6, lon0);
    db_bind_double(st, 7, lon1);
    return concern_rows(a, st, candidate_row, candidate_cap(limit), out, n, e);
}
