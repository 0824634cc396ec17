/* suggestion.c (store) - suggestions over db.h; see store/suggestion.h.
 * Portable SQL only. */
#include "store/suggestion.h"

#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "store/remind.h"
#include "store/sql.h"


static enum yy_err exists(struct db *db, const char *sql, int64_t id, bool *found,
                          struct yy_error *e)
{
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, id);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    *found = rc == YY_OK && row && db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

enum yy_err store_suggestion_create_tx(struct db *db, const struct suggestion_draft *d,
                                       int64_t *id, struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    bool found;
    enum yy_err rc;
    for (size_t i = 0; i < d->n_cosigners; i++) {
        if ((rc = exists(db, "SELECT count(*) FROM deputies WHERE id = $1", d->cosigner_ids[i],
                         &found, e)) != YY_OK)
            return rc;
        if (!found || d->cosigner_ids[i] == d->author_id)
            return yy_fail(e, YY_BAD_INPUT, "unknown_deputy", "联名代表不存在或与领衔代表重复",
                           "co_signer_ids");
    }
    for (size_t i = 0; i < d->n_concerns; i++) {
        if ((rc = exists(db, "SELECT count(*) FROM concerns WHERE id = $1", d->concern_ids[i],
                         &found, e)) != YY_OK)
            return rc;
        if (!found)
            return yy_fail(e, YY_BAD_INPUT, "unknown_concern", "关联的群众意见不存在",
                           "concern_ids");
    }
    int64_t now = time_now();
    int64_t y;
    unsigned m, dd;
    time_civil_from_days((now + TIME_CST_OFFSET) / 86400, &y, &m, &dd);
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO suggestions (title, body, category, author_id,"
                                    " status, year, created_at, updated_at)"
                                    " VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id",
                                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_text(st, 1, d->title);
    db_bind_text(st, 2, d->body);
    db_bind_text(st, 3, d->category);
    db_bind_int(st, 4, d->author_id);
    db_bind_int(st, 5, y);
    db_bind_int(st, 6, now);
    bool row;
    rc = db_step(st, &row, e);
    if (rc == YY_OK && row)
        *id = db_col_int(st, 0);
    db_done(st);
    if (rc != YY_OK)
        return rc == YY_BAD_INPUT ? yy_fail(e, rc, "unknown_deputy", "领衔代表不存在", NULL) : rc;
    st = db_prepare(db,
                    "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, cosign_status)"
                    " VALUES ($1, $2, 'author', 'confirmed')",
                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, *id);
    db_bind_int(st, 2, d->author_id);
    if ((rc = sql_run(st, e)) != YY_OK)
        return rc;
    for (size_t i = 0; i < d->n_cosigners; i++) {
        st = db_prepare(db,
                        "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role,"
                        " cosign_status) VALUES ($1, $2, 'cosigner', 'named')",
                        e);
        if (!st)
            return e ? e->kind : YY_INTERNAL;
        db_bind_int(st, 1, *id);
        db_bind_int(st, 2, d->cosigner_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc == YY_CONFLICT ? yy_fail(e, YY_BAD_INPUT, "duplicate_deputy",
                                               "联名代表重复", "co_signer_ids")
                                     : rc;
    }
    for (size_t i = 0; i < d->n_concerns; i++) {
        st = db_prepare(db,
                        "INSERT INTO suggestion_concerns (suggestion_id, concern_id) VALUES ($1, $2)",
                        e);
        if (!st)
            return e ? e->kind : YY_INTERNAL;
        db_bind_int(st, 1, *id);
        db_bind_int(st, 2, d->concern_ids[i]);
        if ((rc = sql_run(st, e)) != YY_OK)
            return rc == YY_CONFLICT ? yy_fail(e, YY_BAD_INPUT, "duplicate_concern",
                                               "关联的群众意见重复", "concern_ids")
                                     : rc;
    }
    return store_suggestion_event_tx(db, *id, "create", "deputy", "", e);
}

enum yy_err store_suggestion_event_tx(struct db *db, int64_t suggestion_id, const char *action,
                                      const char *actor_role, const char *note,
                                      struct yy_error *e)
{
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO suggestion_events (suggestion_id, at, action,"
                                    " actor_role, note) VALUES ($1, $2, $3, $4, $5)",
                                    e);
    if (!st)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(st, 1, suggestion_id);
    db_bind_int(st, 2, time_now());
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, actor_role);
    db_bind_text(st, 5, note ? note : "");
    return sql_run(st, e);
}

/* ---- helpers for the life cycle ----------------------------------------------- */

static void bind_opt_int(struct db_stmt *st, int idx, int64_t v)
{
    if (v)
        db_bind_int(st, idx, v);
    else
        db_bind_null(st, idx);
}

/* Makes room for one more element in an arena array of *cap elements. */
static void *grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *bigger = arena_alloc(a, ncap * size);
    if (n)
        memcpy(bigger, arr, n * size);
    *cap = ncap;
    return bigger;
}

/* ---- settings -------------------------------------------------------------------- */

enum yy_err store_sg_rules(struct db *db, struct sg_rules *r, struct yy_error *e)
{
    sg_rules_default(r);
    PREP(st, db, "SELECT key, value FROM settings ORDER BY key", e);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        struct yy_error bad = {0};
        const char *key = db_col_text(st, 0);
        if (sg_rules_set(r, key, db_col_text(st, 1), &bad) != YY_OK) {
            log_msg("error", "settings: %s has a value that does not parse", key ? key : "?");
            rc = yy_fail(e, YY_INTERNAL, "invalid_setting", "系统配置有误,请联系管理员", NULL);
            break;
        }
    }
    db_done(st);
    return rc;
}

enum yy_err store_category_exists(struct db *db, const char *name, bool *found,
                                  struct yy_error *e)
{
    PREP(st, db, "SELECT count(*) FROM categories WHERE name = $1 AND active = 1", e);
    db_bind_text(st, 1, name);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    *found = rc == YY_OK && row && db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

/* ---- loading a record ------------------------------------------------------------ */

#define SUGGESTION_COLS                                                                           \
    "s.id, s.title, s.body, s.category, s.author_id, d.name, s.status, s.is_key,"                 \
    " s.key_leader_id, s.key_committee, s.published, s.published_at, s.hard_case, s.year,"        \
    " s.reason, s.submitted_at, s.accepted_at, s.assign_due_at, s.assigned_at, s.replied_at,"     \
    " s.closed_at, s.created_at, s.updated_at, s.explanation, s.explained_at"                     \
    " FROM suggestions s JOIN deputies d ON d.id = s.author_id"

static void suggestion_row(struct arena *a, struct db_stmt *st, struct suggestion *s)
{
    memset(s, 0, sizeof(*s));
    s->id = db_col_int(st, 0);
    s->title = sql_col_str(a, st, 1);
    s->body = sql_col_str(a, st, 2);
    s->category = sql_col_str(a, st, 3);
    s->author_id = db_col_int(st, 4);
    s->author_name = sql_col_str(a, st, 5);
    if (!sg_state_from_name(db_col_text(st, 6), &s->status))
        s->status = SG_DRAFT; /* the CHECK constraint makes this unreachable */
    s->is_key = db_col_int(st, 7) != 0;
    s->key_leader_id = db_col_int(st, 8);
    s->key_committee = sql_col_dup(a, st, 9);
    s->published = db_col_int(st, 10) != 0;
    s->published_at = db_col_int(st, 11);
    s->hard_case = db_col_int(st, 12) != 0;
    s->year = (int)db_col_int(st, 13);
    s->reason = sql_col_dup(a, st, 14);
    s->submitted_at = db_col_int(st, 15);
    s->accepted_at = db_col_int(st, 16);
    s->assign_due_at = db_col_int(st, 17);
    s->assigned_at = db_col_int(st, 18);
    s->replied_at = db_col_int(st, 19);
    s->closed_at = db_col_int(st, 20);
    s->created_at = db_col_int(st, 21);
    s->updated_at = db_col_int(st, 22);
    s->explanation = sql_col_dup(a, st, 23);
    s->explained_at = db_col_int(st, 24);
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* A record being loaded: the arrays' capacities beside it. */
struct loading {
    struct suggestion *s;
    struct {
        size_t signers, assignments, contacts, evaluations, follow_ups, events, concerns;
    } cap;
};

/* Reads one row of a part of the record. */
typedef void (*row_fn)(struct arena *a, struct db_stmt *st, struct loading *l);

static void signer_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->signers = grow(a, s->signers, s->n_signers, &l->cap.signers, sizeof(*s->signers));
    struct sg_signer *g = &s->signers[s->n_signers++];
    g->deputy_id = db_col_int(st, 0);
    g->name = sql_col_str(a, st, 1);
    g->phone = sql_col_dup(a, st, 2);
    g->author = !strcmp(db_col_text(st, 3) ? db_col_text(st, 3) : "", "author");
    g->withdraw_agreed = db_col_int(st, 4) != 0;
    if (g->author || !sg_cosign_from_name(db_col_text(st, 5), &g->cosign))
        g->cosign = g->author ? SG_COSIGN_CONFIRMED : SG_COSIGN_NAMED;
    g->cosign_reason = sql_col_dup(a, st, 6);
    g->cosigned_at = db_col_int(st, 7);
    g->dirty = g->added = false;
}

static void assignment_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->assignments =
        grow(a, s->assignments, s->n_assignments, &l->cap.assignments, sizeof(*s->assignments));
    struct sg_assignment *g = &s->assignments[s->n_assignments++];
    memset(g, 0, sizeof(*g));
    g->id = db_col_int(st, 0);
    g->unit_id = db_col_int(st, 1);
    g->unit_name = sql_col_str(a, st, 2);
    g->lead = !strcmp(db_col_text(st, 3) ? db_col_text(st, 3) : "", "lead");
    if (!sg_asg_status_from_name(db_col_text(st, 4), &g->status))
        g->status = ASG_ASSIGNED;
    g->active = db_col_int(st, 5) != 0;
    g->assigned_at = db_col_int(st, 6);
    g->due_at = db_col_int(st, 7);
    g->due_provisional = db_col_int(st, 8) != 0;
    g->return_reason = sql_col_dup(a, st, 9);
    g->return_requested_at = db_col_int(st, 10);
    g->extension_months = (int)db_col_int(st, 11);
    sg_ext_status_from_name(db_col_text(st, 12), &g->extension_status);
    g->extension_reason = sql_col_dup(a, st, 13);
    g->co_opinion = sql_col_dup(a, st, 14);
    g->co_opinion_at = db_col_int(st, 15);
    g->co_opinion_due_at = db_col_int(st, 16);
    g->reply_class = sql_col_dup(a, st, 17);
    g->reply_text = sql_col_dup(a, st, 18);
    g->replied_at = db_col_int(st, 19);
    g->n_contacts = (size_t)db_col_int(st, 20);
}

static void contact_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->contacts = grow(a, s->contacts, s->n_contacts, &l->cap.contacts, sizeof(*s->contacts));
    struct sg_contact *c = &s->contacts[s->n_contacts++];
    c->assignment_id = db_col_int(st, 0);
    c->stage = sql_col_str(a, st, 1);
    c->mode = sql_col_str(a, st, 2);
    c->note = sql_col_str(a, st, 3);
    c->at = db_col_int(st, 4);
}

static void evaluation_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->evaluations =
        grow(a, s->evaluations, s->n_evaluations, &l->cap.evaluations, sizeof(*s->evaluations));
    struct sg_evaluation *v = &s->evaluations[s->n_evaluations++];
    v->attitude = v->result = SG_RATING_NONE;
    sg_rating_from_name(db_col_text(st, 0), &v->attitude);
    sg_rating_from_name(db_col_text(st, 1), &v->result);
    v->reason = sql_col_str(a, st, 2);
    v->at = db_col_int(st, 3);
}

static void follow_up_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->follow_ups =
        grow(a, s->follow_ups, s->n_follow_ups, &l->cap.follow_ups, sizeof(*s->follow_ups));
    struct sg_follow_up *f = &s->follow_ups[s->n_follow_ups++];
    f->note = sql_col_str(a, st, 0);
    f->done = db_col_int(st, 1) != 0;
    f->at = db_col_int(st, 2);
}

static void event_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->events = grow(a, s->events, s->n_events, &l->cap.events, sizeof(*s->events));
    struct sg_event *v = &s->events[s->n_events++];
    v->at = db_col_int(st, 0);
    v->action = sql_col_str(a, st, 1);
    v->actor_role = sql_col_str(a, st, 2);
    v->note = sql_col_str(a, st, 3);
}

static void concern_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    s->concern_ids =
        grow(a, s->concern_ids, s->n_concern_ids, &l->cap.concerns, sizeof(*s->concern_ids));
    s->concern_ids[s->n_concern_ids++] = db_col_int(st, 0);
}

static void rating_row(struct arena *a, struct db_stmt *st, struct loading *l)
{
    struct suggestion *s = l->s;
    (void)a;
    enum sg_rating r;
    if (sg_rating_from_name(db_col_text(st, 0), &r))
        s->ratings[r] = db_col_int(st, 1);
}

/* One part of the record: the rows of sql (parameter $1 = the suggestion). */
static enum yy_err load_part(struct db *db, struct arena *a, struct loading *l,
                             const char *sql, row_fn fn, struct yy_error *e)
{
    PREP(st, db, sql, e);
    db_bind_int(st, 1, l->s->id);
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row)
        fn(a, st, l);
    db_done(st);
    return rc;
}

enum yy_err store_suggestion_get(struct db *db, struct arena *a, int64_t id,
                                 struct suggestion *out, struct yy_error *e)
{
    PREP(st, db, "SELECT " SUGGESTION_COLS " WHERE s.id = $1", e);
    db_bind_int(st, 1, id);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && !row)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "建议不存在", NULL);
    if (rc == YY_OK)
        suggestion_row(a, st, out);
    db_done(st);
    if (rc != YY_OK)
        return rc;
    struct loading l = {.s = out};
    static const struct {
        const char *sql;
        row_fn fn;
    } parts[] = {
        {"SELECT g.deputy_id, d.name, d.phone, g.role, g.withdraw_agreed, g.cosign_status,"
         " g.cosign_reason, g.cosigned_at FROM suggestion_signers g JOIN deputies d ON d.id = g.deputy_id"
         " WHERE g.suggestion_id = $1 ORDER BY g.role = 'cosigner', g.deputy_id",
         signer_row},
        {"SELECT a.id, a.unit_id, u.name, a.role, a.status, a.active, a.assigned_at, a.due_at,"
         " a.due_provisional, a.return_reason, a.return_requested_at, a.extension_months,"
         " a.extension_status, a.extension_reason, a.co_opinion, a.co_opinion_at,"
         " a.co_opinion_due_at, a.reply_class, a.reply_text, a.replied_at,"
         " (SELECT count(*) FROM contacts c WHERE c.assignment_id = a.id)"
         " FROM assignments a JOIN units u ON u.id = a.unit_id"
         " WHERE a.suggestion_id = $1 ORDER BY a.id",
         assignment_row},
        {"SELECT c.assignment_id, c.stage, c.mode, c.note, c.at FROM contacts c"
         " JOIN assignments a ON a.id = c.assignment_id WHERE a.suggestion_id = $1"
         " ORDER BY c.id",
         contact_row},
        {"SELECT attitude, result, reason, at FROM evaluations WHERE suggestion_id = $1"
         " ORDER BY id",
         evaluation_row},
        {"SELECT note, done, at FROM follow_ups WHERE suggestion_id = $1 ORDER BY id",
         follow_up_row},
        {"SELECT at, action, actor_role, note FROM (SELECT id, at, action, actor_role, note"
         " FROM suggestion_events WHERE suggestion_id = $1 ORDER BY id DESC"
         " LIMIT " STRINGIFY(SG_TIMELINE_MAX) ") t"
         " ORDER BY id",
         event_row},
        {"SELECT concern_id FROM suggestion_concerns WHERE suggestion_id = $1"
         " ORDER BY concern_id",
         concern_row},
        {"SELECT value, count(*) FROM public_ratings WHERE suggestion_id = $1 GROUP BY value",
         rating_row},
    };
    for (size_t i = 0; rc == YY_OK && i < sizeof(parts) / sizeof(parts[0]); i++)
        rc = load_part(db, a, &l, parts[i].sql, parts[i].fn, e);
    return rc;
}

enum yy_err store_suggestion_get_for_update(struct db *db, struct arena *a, int64_t id,
                                            struct suggestion *out, struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    PREP(st, db, "UPDATE suggestions SET updated_at = updated_at WHERE id = $1", e);
    db_bind_int(st, 1, id);
    enum yy_err rc = sql_run(st, e);
    if (rc == YY_OK && db_changes(db) != 1)
        rc = yy_fail(e, YY_NOT_FOUND, "not_found", "建议不存在", NULL);
    return rc == YY_OK ? store_suggestion_get(db, a, id, out, e) : rc;
}

/* ---- writing an action back -------------------------------------------------------- */

static enum yy_err save_row(struct db *db, const struct suggestion *s, struct yy_error *e)
{
    PREP(st, db,
         "UPDATE suggestions SET status = $1, is_key = $2, key_leader_id = $3,"
         " key_committee = $4, published = $5, published_at = $6, hard_case = $7, reason = $8,"
         " submitted_at = $9, accepted_at = $10, assign_due_at = $11, assigned_at = $12,"
         " replied_at = $13, closed_at = $14, updated_at = $15, explanation = $16,"
         " explained_at = $17, title = $18, body = $19, category = $20 WHERE id = $21",
         e);
    db_bind_text(st, 1, sg_state_name(s->status));
    db_bind_int(st, 2, s->is_key);
    bind_opt_int(st, 3, s->key_leader_id);
    db_bind_text(st, 4, s->key_committee);
    db_bind_int(st, 5, s->published);
    bind_opt_int(st, 6, s->published_at);
    db_bind_int(st, 7, s->hard_case);
    db_bind_text(st, 8, s->reason);
    bind_opt_int(st, 9, s->submitted_at);
    bind_opt_int(st, 10, s->accepted_at);
    bind_opt_int(st, 11, s->assign_due_at);
    bind_opt_int(st, 12, s->assigned_at);
    bind_opt_int(st, 13, s->replied_at);
    bind_opt_int(st, 14, s->closed_at);
    db_bind_int(st, 15, s->updated_at ? s->updated_at : time_now());
    db_bind_text(st, 16, s->explanation);
    bind_opt_int(st, 17, s->explained_at);
    db_bind_text(st, 18, s->title);
    db_bind_text(st, 19, s->body);
    db_bind_text(st, 20, s->category);
    db_bind_int(st, 21, s->id);
    return sql_run(st, e);
}

/* The co-signers an action changed: dropped (o->removed), newly named
 * (added: an unknown deputy is YY_BAD_INPUT naming co_signer_ids), or
 * confirmed / declined (dirty). */
static enum yy_err save_signers(struct db *db, const struct suggestion *s,
                                const struct sg_outcome *o, struct yy_error *e)
{
    enum yy_err rc = YY_OK;
    for (size_t i = 0; rc == YY_OK && i < o->n_removed; i++) {
        PREP(st, db,
             "DELETE FROM suggestion_signers WHERE suggestion_id = $1 AND deputy_id = $2"
             " AND role = 'cosigner'",
             e);
        db_bind_int(st, 1, s->id);
        db_bind_int(st, 2, o->removed[i]);
        rc = sql_run(st, e);
    }
    for (size_t i = 0; rc == YY_OK && i < s->n_signers; i++) {
        const struct sg_signer *g = &s->signers[i];
        if (g->added) {
            bool found;
            if ((rc = exists(db, "SELECT count(*) FROM deputies WHERE id = $1", g->deputy_id,
                             &found, e)) != YY_OK)
                return rc;
            if (!found)
                return yy_fail(e, YY_BAD_INPUT, "unknown_deputy",
                               "联名代表不存在或与领衔代表重复", "co_signer_ids");
            PREP(st, db,
                 "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, cosign_status)"
                 " VALUES ($1, $2, 'cosigner', 'named')",
                 e);
            db_bind_int(st, 1, s->id);
            db_bind_int(st, 2, g->deputy_id);
            rc = sql_run(st, e);
        } else if (g->dirty) {
            PREP(st, db,
                 "UPDATE suggestion_signers SET cosign_status = $1, cosign_reason = $2,"
                 " cosigned_at = $3, withdraw_agreed = $4"
                 " WHERE suggestion_id = $5 AND deputy_id = $6",
                 e);
            db_bind_text(st, 1, sg_cosign_name(g->cosign));
            db_bind_text(st, 2, g->cosign_reason);
            bind_opt_int(st, 3, g->cosigned_at);
            db_bind_int(st, 4, g->withdraw_agreed);
            db_bind_int(st, 5, s->id);
            db_bind_int(st, 6, g->deputy_id);
            rc = sql_run(st, e);
        }
    }
    return rc;
}

static enum yy_err insert_assignment(struct db *db, int64_t suggestion_id,
                                     struct sg_assignment *g, struct yy_error *e)
{
    PREP(st, db,
         "INSERT INTO assignments (suggestion_id, unit_id, role, status, active, assigned_at,"
         " due_at, due_provisional, co_opinion_due_at)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
         e);
    db_bind_int(st, 1, suggestion_id);
    db_bind_int(st, 2, g->unit_id);
    db_bind_text(st, 3, g->lead ? "lead" : "co");
    db_bind_text(st, 4, sg_asg_status_name(g->status));
    db_bind_int(st, 5, g->active);
    db_bind_int(st, 6, g->assigned_at);
    db_bind_int(st, 7, g->due_at);
    db_bind_int(st, 8, g->due_provisional);
    bind_opt_int(st, 9, g->co_opinion_due_at);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && row)
        g->id = db_col_int(st, 0);
    db_done(st);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "unit_already_assigned", "该单位已承办这件建议", "units");
    return rc;
}

static enum yy_err update_assignment(struct db *db, const struct sg_assignment *g,
                                     struct yy_error *e)
{
    PREP(st, db,
         "UPDATE assignments SET status = $1, active = $2, due_at = $3, due_provisional = $4,"
         " return_reason = $5, return_requested_at = $6, extension_months = $7,"
         " extension_status = $8, extension_reason = $9, co_opinion = $10,"
         " co_opinion_at = $11, reply_class = $12, reply_text = $13, replied_at = $14"
         " WHERE id = $15",
         e);
    db_bind_text(st, 1, sg_asg_status_name(g->status));
    db_bind_int(st, 2, g->active);
    db_bind_int(st, 3, g->due_at);
    db_bind_int(st, 4, g->due_provisional);
    db_bind_text(st, 5, g->return_reason);
    bind_opt_int(st, 6, g->return_requested_at);
    db_bind_int(st, 7, g->extension_months);
    db_bind_text(st, 8, sg_ext_status_name(g->extension_status));
    db_bind_text(st, 9, g->extension_reason);
    db_bind_text(st, 10, g->co_opinion);
    bind_opt_int(st, 11, g->co_opinion_at);
    db_bind_text(st, 12, g->reply_class);
    db_bind_text(st, 13, g->reply_text);
    bind_opt_int(st, 14, g->replied_at);
    db_bind_int(st, 15, g->id);
    return sql_run(st, e);
}

enum yy_err store_suggestion_save_tx(struct db *db, struct suggestion *s,
                                     const struct sg_outcome *o, const char *action,
                                     struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    enum yy_err rc = save_row(db, s, e);
    if (rc == YY_OK)
        rc = save_signers(db, s, o, e);
    for (size_t i = 0; rc == YY_OK && i < s->n_assignments; i++) {
        struct sg_assignment *g = &s->assignments[i];
        if (g->id == 0)
            rc = insert_assignment(db, s->id, g, e);
        else if (g->dirty)
            rc = update_assignment(db, g, e);
    }
    if (rc == YY_OK && o->add_contact) {
        if (o->acting >= s->n_assignments)
            return yy_fail(e, YY_INTERNAL, "no_assignment", "服务器内部错误", NULL);
        PREP(st, db,
             "INSERT INTO contacts (assignment_id, stage, mode, note, at)"
             " VALUES ($1, $2, $3, $4, $5)",
             e);
        db_bind_int(st, 1, s->assignments[o->acting].id);
        db_bind_text(st, 2, o->contact.stage);
        db_bind_text(st, 3, o->contact.mode);
        db_bind_text(st, 4, o->contact.note ? o->contact.note : "");
        db_bind_int(st, 5, o->contact.at);
        rc = sql_run(st, e);
    }
    if (rc == YY_OK && o->add_evaluation) {
        PREP(st, db,
             "INSERT INTO evaluations (suggestion_id, attitude, result, reason, at)"
             " VALUES ($1, $2, $3, $4, $5)",
             e);
        db_bind_int(st, 1, s->id);
        db_bind_text(st, 2, sg_rating_name(o->evaluation.attitude));
        db_bind_text(st, 3, sg_rating_name(o->evaluation.result));
        db_bind_text(st, 4, o->evaluation.reason ? o->evaluation.reason : "");
        db_bind_int(st, 5, o->evaluation.at);
        rc = sql_run(st, e);
    }
    if (rc == YY_OK && o->add_follow_up) {
        PREP(st, db,
             "INSERT INTO follow_ups (suggestion_id, note, done, at) VALUES ($1, $2, $3, $4)", e);
        db_bind_int(st, 1, s->id);
        db_bind_text(st, 2, o->follow_up.note ? o->follow_up.note : "");
        db_bind_int(st, 3, o->follow_up.done);
        db_bind_int(st, 4, o->follow_up.at);
        rc = sql_run(st, e);
    }
    for (size_t i = 0; rc == YY_OK && i < o->n_agreed; i++) {
        PREP(st, db,
             "UPDATE suggestion_signers SET withdraw_agreed = 1"
             " WHERE suggestion_id = $1 AND deputy_id = $2",
             e);
        db_bind_int(st, 1, s->id);
        db_bind_int(st, 2, o->agreed[i]);
        rc = sql_run(st, e);
    }
    if (rc == YY_OK)
        rc = store_suggestion_event_tx(db, s->id, action, o->actor_role, o->note, e);
    for (size_t i = 0; rc == YY_OK && i < o->n_notices; i++)
        rc = store_notice_tx(db, o->notices[i].recipient_kind, o->notices[i].recipient_id,
                             o->notices[i].kind, "suggestion", s->id, o->notices[i].message, e);
    return rc;
}

enum yy_err store_suggestion_link_tx(struct db *db, int64_t id, int64_t concern_id, bool link,
                                     struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    PREP(st, db,
         link ? "INSERT INTO suggestion_concerns (suggestion_id, concern_id) VALUES ($1, $2)"
              : "DELETE FROM suggestion_concerns WHERE suggestion_id = $1 AND concern_id = $2",
         e);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, concern_id);
    enum yy_err rc = sql_run(st, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_BAD_INPUT, "duplicate_concern", "关联的群众意见重复", "concern_ids");
    return rc;
}

/* ---- lists --------------------------------------------------------------------------- */

enum yy_err store_suggestions_list(struct db *db, struct arena *a,
                                   const struct suggestion_filter *f, struct suggestion **out,
                                   size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT " SUGGESTION_COLS
         " WHERE (s.published = 1 OR ($1 = 1 AND s.status <> 'draft')"
         "   OR EXISTS (SELECT 1 FROM suggestion_signers g JOIN user_roles r"
         "     ON r.role = 'deputy' AND r.scope_id = g.deputy_id"
         "     WHERE g.suggestion_id = s.id AND r.user_id = $2)"
         "   OR EXISTS (SELECT 1 FROM assignments x JOIN user_roles r"
         "     ON r.role = 'unit_staff' AND r.scope_id = x.unit_id"
         "     WHERE x.suggestion_id = s.id AND x.active = 1 AND r.user_id = $2))"
         " AND ($3 = '' OR s.status = $3)"
         " AND ($4 = 0 OR s.year = $4)"
         " AND ($5 = 0 OR EXISTS (SELECT 1 FROM assignments y WHERE y.suggestion_id = s.id"
         "   AND y.active = 1 AND y.unit_id = $5))"
         " AND ($6 = 0 OR s.id < $6)"
         " AND ($7 = 0 OR ($7 = 1 AND s.is_key = 1) OR ($7 = 2 AND s.is_key = 0))"
         " AND ($8 = 0 OR (s.is_key = 1 AND s.key_leader_id = $8))"
         " ORDER BY s.id DESC LIMIT $9",
         e);
    db_bind_int(st, 1, f->sees_all ? 1 : 0);
    db_bind_int(st, 2, f->user_id);
    db_bind_text(st, 3, f->status ? f->status : "");
    db_bind_int(st, 4, f->year);
    db_bind_int(st, 5, f->unit_id);
    db_bind_int(st, 6, f->before_id);
    db_bind_int(st, 7, f->key);
    db_bind_int(st, 8, f->leader_id);
    db_bind_int(st, 9, (int64_t)(f->limit ? f->limit : 20));
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        *out = grow(a, *out, *n, &cap, sizeof(**out));
        suggestion_row(a, st, &(*out)[(*n)++]);
    }
    db_done(st);
    return rc;
}

/* ---- public ratings ---------------------------------------------------------------------- */

enum yy_err store_public_rating_add_tx(struct db *db, int64_t id, const char *rater,
                                       enum sg_rating value, struct yy_error *e)
{
    if (!db_in_transaction(db))
        return yy_fail(e, YY_INTERNAL, "no_transaction", "服务器内部错误", NULL);
    PREP(st, db,
         "INSERT INTO public_ratings (suggestion_id, rater, value, at) VALUES ($1, $2, $3, $4)",
         e);
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, rater);
    db_bind_text(st, 3, sg_rating_name(value));
    db_bind_int(st, 4, time_now());
    enum yy_err rc = sql_run(st, e);
    if (rc == YY_CONFLICT)
        return yy_fail(e, YY_CONFLICT, "already_rated", "您已评价过这件建议的办理结果", NULL);
    if (rc != YY_OK)
        return rc;
    /* on the timeline too, as the public's: the value only, never who */
    static const char *const labels[SG_RATING_COUNT] = {"", "满意", "基本满意", "不满意"};
    return store_suggestion_event_tx(db, id, "rate", "resident",
                                     (unsigned)value < SG_RATING_COUNT ? labels[value] : "", e);
}

/* ---- concerns that follow a suggestion ---------------------------------------------------- */

enum yy_err store_suggestion_converted_concerns(struct db *db, struct arena *a, int64_t id,
                                                int64_t **out, size_t *n, struct yy_error *e)
{
    PREP(st, db,
         "SELECT c.id FROM concerns c JOIN suggestion_concerns sc ON sc.concern_id = c.id"
         " WHERE sc.suggestion_id = $1 AND c.status = 'converted' AND c.suggestion_id = $1"
         " ORDER BY c.id",
         e);
    db_bind_int(st, 1, id);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        *out = grow(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = db_col_int(st, 0);
    }
    db_done(st);
    return rc;
}
