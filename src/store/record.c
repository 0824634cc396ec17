/* record.c (store) - the rows of a deputy's work record; see record.h.
 * Portable SQL over db.h; every parameter bound. */
#include "store/record.h"

#include <string.h>

#include "store/sql.h"

/* The suggestions a deputy signed in the period (s joined with its signer
 * row ss); $1 deputy, $2 from, $3 to.  SIGNED_JOIN, then any further joins,
 * then SIGNED_WHERE. */
#define SIGNED_JOIN " FROM suggestion_signers ss JOIN suggestions s ON s.id = ss.suggestion_id"
#define SIGNED_WHERE                                                                              \
    " WHERE ss.deputy_id = $1 AND s.submitted_at IS NOT NULL"                                     \
    " AND s.submitted_at >= $2 AND s.submitted_at < $3 AND s.status <> 'draft'"

static void bind_period(struct db_stmt *st, const struct record_period *p)
{
    db_bind_int(st, 1, p->deputy_id);
    db_bind_int(st, 2, p->from);
    db_bind_int(st, 3, p->to);
}

static enum yy_err count_concerns(struct db *db, struct arena *a, const struct record_period *p,
                                  struct record_summary *s, struct yy_error *e)
{
    PREP(st, db,
         "SELECT c.status, c.rating, COUNT(*) FROM concern_claims k"
         " JOIN concerns c ON c.id = k.concern_id"
         " WHERE k.deputy_id = $1 AND k.claimed_at >= $2 AND k.claimed_at < $3"
         " GROUP BY c.status, c.rating ORDER BY c.status, c.rating",
         e);
    bind_period(st, p);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row)
        record_add_concerns(s, sql_col_str(a, st, 0), sql_col_dup(a, st, 1), db_col_int(st, 2));
    db_done(st);
    return rc;
}

static enum yy_err count_suggestions(struct db *db, struct arena *a,
                                     const struct record_period *p, struct record_summary *s,
                                     struct yy_error *e)
{
    PREP(st, db,
         "SELECT ss.role, s.status, COUNT(*)" SIGNED_JOIN SIGNED_WHERE
         " GROUP BY ss.role, s.status ORDER BY ss.role, s.status",
         e);
    bind_period(st, p);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        const char *role = db_col_text(st, 0);
        record_add_suggestions(s, role && !strcmp(role, "author"), sql_col_str(a, st, 1),
                               db_col_int(st, 2));
    }
    db_done(st);
    return rc;
}

static enum yy_err count_replies(struct db *db, struct arena *a, const struct record_period *p,
                                 struct record_summary *s, struct yy_error *e)
{
    PREP(st, db,
         "SELECT x.reply_class, COUNT(*)" SIGNED_JOIN
         " JOIN assignments x ON x.suggestion_id = s.id" SIGNED_WHERE
         " AND x.active = 1 AND x.role = 'lead' AND x.replied_at IS NOT NULL"
         " AND x.reply_class IS NOT NULL GROUP BY x.reply_class ORDER BY x.reply_class",
         e);
    bind_period(st, p);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row)
        record_add_replies(s, sql_col_str(a, st, 0), db_col_int(st, 1));
    db_done(st);
    return rc;
}

/* The latest evaluation of each suggestion counts (a re-handled one is
 * evaluated again). */
static enum yy_err count_evaluations(struct db *db, struct arena *a,
                                     const struct record_period *p, struct record_summary *s,
                                     struct yy_error *e)
{
    PREP(st, db,
         "SELECT v.attitude, v.result, COUNT(*)" SIGNED_JOIN
         " JOIN evaluations v ON v.suggestion_id = s.id" SIGNED_WHERE
         " AND v.id = (SELECT MAX(w.id) FROM evaluations w WHERE w.suggestion_id = s.id)"
         " GROUP BY v.attitude, v.result ORDER BY v.attitude, v.result",
         e);
    bind_period(st, p);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row)
        record_add_evaluations(s, sql_col_str(a, st, 0), sql_col_str(a, st, 1),
                               db_col_int(st, 2));
    db_done(st);
    return rc;
}

/* Attendance counts at activities held: open (under way or over, not yet
 * closed) or closed. */
#define ATTENDED_JOIN " FROM activity_deputies d JOIN activities v ON v.id = d.activity_id"
#define ATTENDED_WHERE                                                                            \
    " WHERE d.deputy_id = $1 AND d.attended = 1 AND v.status IN ('open', 'closed')"               \
    " AND v.starts_at >= $2 AND v.starts_at < $3"
#define ATTENDED_FROM ATTENDED_JOIN ATTENDED_WHERE
#define ATTENDED_FROM_JOINED                                                                      \
    ATTENDED_JOIN " LEFT JOIN stations t ON t.id = v.station_id" ATTENDED_WHERE

static enum yy_err count_activities(struct db *db, const struct record_period *p,
                                    struct record_summary *s, struct yy_error *e)
{
    PREP(st, db, "SELECT COUNT(*)" ATTENDED_FROM, e);
    bind_period(st, p);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        s->activities_attended = db_col_int(st, 0);
    db_done(st);
    return rc;
}

/* Reception records (接待记录) listing the deputy as present; $1 deputy,
 * $2 first day, $3 last day. */
#define RECEIVED_JOIN                                                                             \
    " FROM reception_record_deputies rd JOIN reception_records r ON r.id = rd.record_id"
#define RECEIVED_WHERE " WHERE rd.deputy_id = $1 AND r.day >= $2 AND r.day <= $3"

static void bind_days(struct db_stmt *st, const struct record_period *p)
{
    db_bind_int(st, 1, p->deputy_id);
    db_bind_int(st, 2, p->from_day);
    db_bind_int(st, 3, p->to_day);
}

static enum yy_err count_receptions(struct db *db, const struct record_period *p,
                                    struct record_summary *s, struct yy_error *e)
{
    PREP(st, db, "SELECT COUNT(*)" RECEIVED_JOIN RECEIVED_WHERE, e);
    bind_days(st, p);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        s->receptions_held = db_col_int(st, 0);
    db_done(st);
    return rc;
}

enum yy_err store_record_counts(struct db *db, struct arena *a, const struct record_period *p,
                                struct record_summary *s, struct yy_error *e)
{
    enum yy_err rc = count_activities(db, p, s, e);
    if (rc == YY_OK)
        rc = count_receptions(db, p, s, e);
    if (rc == YY_OK)
        rc = count_concerns(db, a, p, s, e);
    if (rc == YY_OK)
        rc = count_suggestions(db, a, p, s, e);
    if (rc == YY_OK)
        rc = count_replies(db, a, p, s, e);
    if (rc == YY_OK)
        rc = count_evaluations(db, a, p, s, e);
    return rc;
}

enum yy_err store_record_concerns(struct db *db, struct arena *a, const struct record_period *p,
                                  size_t max, struct record_concern **out, size_t *n,
                                  struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    if (!max)
        return YY_OK;
    PREP(st, db,
         "SELECT c.id, c.title, c.category, c.status, k.claimed_at, c.resolved_at, c.rating,"
         " c.suggestion_id FROM concern_claims k JOIN concerns c ON c.id = k.concern_id"
         " WHERE k.deputy_id = $1 AND k.claimed_at >= $2 AND k.claimed_at < $3"
         " ORDER BY k.claimed_at DESC, c.id DESC LIMIT $4",
         e);
    bind_period(st, p);
    db_bind_int(st, 4, (int64_t)max);
    struct record_concern *items = arena_calloc(a, max, sizeof(*items));
    size_t k = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row && k < max) {
        struct record_concern *c = &items[k++];
        c->id = db_col_int(st, 0);
        c->title = sql_col_str(a, st, 1);
        c->category = sql_col_str(a, st, 2);
        c->status = sql_col_str(a, st, 3);
        c->claimed_at = db_col_int(st, 4);
        c->resolved_at = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
        c->rating = sql_col_dup(a, st, 6);
        c->suggestion_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = k;
    return YY_OK;
}

static enum yy_err suggestion_replies(struct db *db, struct arena *a, struct record_suggestion *x,
                                      struct yy_error *e)
{
    PREP(st, db,
         "SELECT reply_class FROM assignments WHERE suggestion_id = $1 AND active = 1"
         " AND role = 'lead' AND replied_at IS NOT NULL AND reply_class IS NOT NULL"
         " ORDER BY unit_id",
         e);
    db_bind_int(st, 1, x->id);
    size_t cap = 4;
    x->reply_classes = arena_calloc(a, cap, sizeof(*x->reply_classes));
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        if (x->n_reply_classes == cap) {
            const char **bigger = arena_calloc(a, cap * 2, sizeof(*bigger));
            memcpy(bigger, x->reply_classes, cap * sizeof(*bigger));
            x->reply_classes = bigger;
            cap *= 2;
        }
        x->reply_classes[x->n_reply_classes++] = sql_col_str(a, st, 0);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    PREP(ev, db,
         "SELECT attitude, result FROM evaluations WHERE suggestion_id = $1"
         " ORDER BY id DESC LIMIT 1",
         e);
    db_bind_int(ev, 1, x->id);
    rc = db_step(ev, &row, e);
    if (rc == YY_OK && row) {
        x->attitude = sql_col_str(a, ev, 0);
        x->result = sql_col_str(a, ev, 1);
    }
    db_done(ev);
    return rc;
}

enum yy_err store_record_suggestions(struct db *db, struct arena *a, const struct record_period *p,
                                     bool published_only, size_t max,
                                     struct record_suggestion **out, size_t *n,
                                     struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    if (!max)
        return YY_OK;
    PREP(st, db,
         "SELECT s.id, s.title, s.category, s.status, ss.role, s.published, s.is_key,"
         " s.submitted_at, s.replied_at" SIGNED_JOIN SIGNED_WHERE
         " AND ($4 = 0 OR s.published = 1)"
         " ORDER BY s.submitted_at DESC, s.id DESC LIMIT $5",
         e);
    bind_period(st, p);
    db_bind_int(st, 4, published_only ? 1 : 0);
    db_bind_int(st, 5, (int64_t)max);
    struct record_suggestion *items = arena_calloc(a, max, sizeof(*items));
    size_t k = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row && k < max) {
        struct record_suggestion *x = &items[k++];
        x->id = db_col_int(st, 0);
        x->title = sql_col_str(a, st, 1);
        x->category = sql_col_str(a, st, 2);
        x->status = sql_col_str(a, st, 3);
        const char *role = db_col_text(st, 4);
        x->author = role && !strcmp(role, "author");
        x->published = db_col_int(st, 5) != 0;
        x->key = db_col_int(st, 6) != 0;
        x->submitted_at = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
        x->replied_at = db_col_null(st, 8) ? 0 : db_col_int(st, 8);
    }
    db_done(st);
    for (size_t i = 0; rc == YY_OK && i < k; i++)
        rc = suggestion_replies(db, a, &items[i], e);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = k;
    return YY_OK;
}

enum yy_err store_record_activities(struct db *db, struct arena *a, const struct record_period *p,
                                    size_t max, struct record_activity **out, size_t *n,
                                    struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    if (!max)
        return YY_OK;
    PREP(st, db,
         "SELECT v.id, v.kind, v.title, v.status, v.starts_at, v.ends_at, v.station_id, t.name,"
         " v.venue" ATTENDED_FROM_JOINED " ORDER BY v.starts_at DESC, v.id DESC LIMIT $4",
         e);
    bind_period(st, p);
    db_bind_int(st, 4, (int64_t)max);
    struct record_activity *items = arena_calloc(a, max, sizeof(*items));
    size_t k = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row && k < max) {
        struct record_activity *x = &items[k++];
        x->id = db_col_int(st, 0);
        x->kind = sql_col_str(a, st, 1);
        x->title = sql_col_str(a, st, 2);
        x->status = sql_col_str(a, st, 3);
        x->starts_at = db_col_int(st, 4);
        x->ends_at = db_col_int(st, 5);
        x->station_id = db_col_null(st, 6) ? 0 : db_col_int(st, 6);
        x->station_name = sql_col_dup(a, st, 7);
        x->venue = sql_col_str(a, st, 8);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = k;
    return YY_OK;
}

enum yy_err store_record_receptions(struct db *db, struct arena *a, const struct record_period *p,
                                    size_t max, struct record_reception **out, size_t *n,
                                    struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    if (!max)
        return YY_OK;
    PREP(st, db,
         "SELECT r.id, r.station_id, t.name, r.day, r.residents_received, r.summary,"
         " (SELECT COUNT(*) FROM reception_record_concerns c WHERE c.record_id = r.id)"
         RECEIVED_JOIN " JOIN stations t ON t.id = r.station_id" RECEIVED_WHERE
         " ORDER BY r.day DESC, r.id DESC LIMIT $4",
         e);
    bind_days(st, p);
    db_bind_int(st, 4, (int64_t)max);
    struct record_reception *items = arena_calloc(a, max, sizeof(*items));
    size_t k = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row && k < max) {
        struct record_reception *x = &items[k++];
        x->id = db_col_int(st, 0);
        x->station_id = db_col_int(st, 1);
        x->station_name = sql_col_str(a, st, 2);
        x->day = db_col_int(st, 3);
        x->residents_received = db_col_int(st, 4);
        x->summary = sql_col_str(a, st, 5);
        x->concerns = db_col_int(st, 6);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = k;
    return YY_OK;
}
