/* remind.c (store) - the supervision sweep, notices and inboxes over db.h;
 * see store/remind.h.  Portable SQL only (ON CONFLICT DO NOTHING and
 * RETURNING work on SQLite >= 3.35 and PostgreSQL alike). */
#include "store/remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "domain/suggestion.h"
#include "domain/supervision.h"
#include "store/audit.h"
#include "store/concern.h"
#include "store/reception.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/suggestion.h"

/* ---- settings ------------------------------------------------------------ */

/* A whole-number setting from the settings table; dflt when absent or not a
 * number from 1 to max. */
static enum yy_err setting_int(struct db *db, const char *key, int dflt, int max, int *out,
                               struct yy_error *e)
{
    *out = dflt;
    PREP(st, db, "SELECT value FROM settings WHERE key = $1", e);
    db_bind_text(st, 1, key);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && row) {
        const char *v = db_col_text(st, 0);
        long n = 0;
        bool ok = v && *v;
        for (const char *p = v; ok && *p; p++) {
            ok = *p >= '0' && *p <= '9' && n <= max;
            n = n * 10 + (*p - '0');
        }
        if (ok && n >= 1 && n <= max)
            *out = (int)n;
    }
    db_done(st);
    return rc;
}

/* ---- the items a sweep looks at ------------------------------------------- */

struct item {
    enum sv_item what;
    const char *entity; /* of the reminders: assignment, suggestion, concern */
    int64_t entity_id;
    int64_t suggestion_id; /* whose timeline gets the 催办 event; 0 for a concern */
    int64_t concern_id;
    int64_t unit_id; /* 0: no unit (an assignment still to be made) */
    const char *unit_name;
    int64_t street_id; /* a concern's street, 0 otherwise */
    int64_t leader_id; /* the supervising leader of a key suggestion, 0 */
    const char *title;
    int64_t due_at;
};

struct items {
    struct item *v;
    size_t n, cap;
};

static struct item *items_push(struct arena *a, struct items *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        struct item *v = arena_calloc(a, cap, sizeof(*v));
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    return &l->v[l->n++];
}

/* Steps a bound statement to its end: an item for each row, starting as
 * proto (what, entity, and whatever the rows do not carry), filled from the
 * row by fill. */
static enum yy_err collect_rows(struct arena *a, struct db_stmt *st, const struct item *proto,
                                void (*fill)(struct arena *, struct db_stmt *, struct item *),
                                struct items *l, struct yy_error *e)
{
    bool row;
    enum yy_err rc;
    while ((rc = db_step(st, &row, e)) == YY_OK && row) {
        struct item *it = items_push(a, l);
        *it = *proto;
        fill(a, st, it);
    }
    db_done(st);
    return rc;
}

/* Assignment-shaped rows: a.id, s.id, a.unit_id, due_at, s.title, s.is_key,
 * s.key_leader_id, u.name, s.status.  A lead's reply in a suggestion sent
 * back for re-handling is SV_REHANDLING (the suggestions module then puts
 * the lead assignments back in handling with the new deadline). */
static void assignment_fill(struct arena *a, struct db_stmt *st, struct item *it)
{
    it->entity_id = db_col_int(st, 0);
    it->suggestion_id = db_col_int(st, 1);
    it->unit_id = db_col_int(st, 2);
    it->due_at = db_col_int(st, 3);
    it->title = arena_strdup(a, db_col_text(st, 4));
    it->leader_id = db_col_int(st, 5) ? db_col_int(st, 6) : 0;
    it->unit_name = arena_strdup(a, db_col_text(st, 7));
    const char *status = db_col_text(st, 8);
    if (it->what == SV_REPLY && status && !strcmp(status, "rehandling"))
        it->what = SV_REHANDLING;
}

static void assign_fill(struct arena *a, struct db_stmt *st, struct item *it)
{
    it->entity_id = it->suggestion_id = db_col_int(st, 0);
    it->due_at = db_col_int(st, 1);
    it->title = arena_strdup(a, db_col_text(st, 2));
    it->leader_id = db_col_int(st, 3) ? db_col_int(st, 4) : 0;
}

static void concern_fill(struct arena *a, struct db_stmt *st, struct item *it)
{
    it->entity_id = it->concern_id = db_col_int(st, 0);
    it->due_at = db_col_int(st, 1);
    it->title = arena_strdup(a, db_col_text(st, 2));
    it->unit_id = db_col_int(st, 3);
    it->unit_name = arena_strdup(a, db_col_text(st, 4));
    it->street_id = db_col_int(st, 5);
}

/* The sweep's queries, in the order it looks: the open items of each kind
 * whose deadline ends by horizon_at ($1), the item their rows start as, and
 * how a row fills it in. */
static const struct sweep_query {
    const char *sql;
    struct item proto;
    void (*fill)(struct arena *, struct db_stmt *, struct item *);
} sweep_queries[] = {
    {"SELECT a.id, s.id, a.unit_id, a.due_at, s.title, s.is_key, s.key_leader_id, u.name,"
     " s.status"
     " FROM assignments a JOIN suggestions s ON s.id = a.suggestion_id"
     " JOIN units u ON u.id = a.unit_id"
     " WHERE a.active = 1 AND a.role = 'lead'"
     "   AND a.status IN ('assigned', 'in_handling', 'return_requested')"
     "   AND s.status IN ('assigned', 'in_handling', 'rehandling') AND a.due_at <= $1"
     " ORDER BY a.id",
     {.what = SV_REPLY, .entity = "assignment"},
     assignment_fill},
    {"SELECT a.id, s.id, a.unit_id, a.co_opinion_due_at, s.title, s.is_key, s.key_leader_id,"
     " u.name, s.status"
     " FROM assignments a JOIN suggestions s ON s.id = a.suggestion_id"
     " JOIN units u ON u.id = a.unit_id"
     " WHERE a.active = 1 AND a.role = 'co' AND a.co_opinion IS NULL AND a.co_opinion_at IS NULL"
     "   AND a.status IN ('assigned', 'in_handling', 'return_requested')"
     "   AND s.status IN ('assigned', 'in_handling')"
     "   AND a.co_opinion_due_at IS NOT NULL AND a.co_opinion_due_at <= $1"
     " ORDER BY a.id",
     {.what = SV_CO_OPINION, .entity = "assignment"},
     assignment_fill},
    {"SELECT id, assign_due_at, title, is_key, key_leader_id FROM suggestions"
     " WHERE status = 'accepted' AND assign_due_at IS NOT NULL AND assign_due_at <= $1"
     " ORDER BY id",
     {.what = SV_ASSIGN, .entity = "suggestion"},
     assign_fill},
    {"SELECT c.id, c.due_at, c.title, c.unit_id, u.name, c.street_id FROM concerns c"
     " LEFT JOIN units u ON u.id = c.unit_id"
     " WHERE c.due_at IS NOT NULL AND c.due_at <= $1"
     "   AND c.status NOT IN ('resolved', 'declined', 'merged')"
     " ORDER BY c.id",
     {.what = SV_ONSITE, .entity = "concern"},
     concern_fill},
};

/* The end of the term (settings.term_ends_on, 23:59:59 of that day), 0 when
 * none is set or the row does not parse (logged; the other items are still
 * swept). */
static enum yy_err term_end_at(struct db *db, int64_t *out, struct yy_error *e)
{
    *out = 0;
    PREP(st, db, "SELECT value FROM settings WHERE key = 'term_ends_on'", e);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    if (rc == YY_OK && row) {
        bool has = false;
        int64_t day = 0;
        if (!sg_term_end_parse(db_col_text(st, 0), &has, &day))
            log_msg("error", "settings: term_ends_on has a value that does not parse");
        else if (has)
            *out = day_start(day + 1) - 1;
    }
    db_done(st);
    return rc;
}

static void term_end_fill(struct arena *a, struct db_stmt *st, struct item *it)
{
    it->entity_id = it->suggestion_id = db_col_int(st, 0);
    it->unit_id = db_col_int(st, 1);
    it->unit_name = arena_strdup(a, db_col_text(st, 2));
    it->title = arena_strdup(a, db_col_text(st, 3));
    it->leader_id = db_col_int(st, 4) ? db_col_int(st, 5) : 0;
}

/* Following-up suggestions whose promise is neither done nor explained (书面
 * 说明) as the term ends: one item per active lead unit, due at the term's
 * end.  Only looked at when the term ends by horizon_at. */
static enum yy_err collect_term_end(struct db *db, struct arena *a, int64_t term_end,
                                    int64_t horizon_at, struct items *l, struct yy_error *e)
{
    if (!term_end || term_end > horizon_at)
        return YY_OK;
    PREP(st, db,
         "SELECT s.id, a.unit_id, u.name, s.title, s.is_key, s.key_leader_id"
         " FROM suggestions s JOIN assignments a ON a.suggestion_id = s.id"
         " JOIN units u ON u.id = a.unit_id"
         " WHERE s.status = 'following_up' AND s.explanation IS NULL"
         "   AND a.active = 1 AND a.role = 'lead'"
         "   AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.suggestion_id = s.id AND f.done = 1)"
         " ORDER BY s.id, a.id",
         e);
    const struct item proto = {.what = SV_TERM_END, .entity = "suggestion", .due_at = term_end};
    return collect_rows(a, st, &proto, term_end_fill, l, e);
}

/* ---- writing reminders ------------------------------------------------------ */

/* Inserts one reminder unless that recipient has it already today; *written
 * tells which. */
static enum yy_err insert_reminder(struct db *db, const char *recipient_kind, int64_t recipient_id,
                                   const char *kind, const char *entity, int64_t entity_id,
                                   const char *message, int64_t due_at, int64_t now, bool *written,
                                   struct yy_error *e)
{
    /* two texts: a statement's parameter types are fixed by its first use
     * on PostgreSQL, so due_at is never bound as NULL here */
    PREP(st, db,
         due_at ? "INSERT INTO reminders (recipient_kind, recipient_id, kind, entity, entity_id,"
                  " message, day, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                  " ON CONFLICT DO NOTHING RETURNING id"
                : "INSERT INTO reminders (recipient_kind, recipient_id, kind, entity, entity_id,"
                  " message, day, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                  " ON CONFLICT DO NOTHING RETURNING id",
         e);
    if (due_at)
        db_bind_int(st, 9, due_at);
    db_bind_text(st, 1, recipient_kind);
    db_bind_int(st, 2, recipient_id);
    db_bind_text(st, 3, kind);
    db_bind_text(st, 4, entity);
    db_bind_int(st, 5, entity_id);
    db_bind_text(st, 6, message);
    db_bind_int(st, 7, day_of(now));
    db_bind_int(st, 8, now);
    bool row = false;
    enum yy_err rc = db_step(st, &row, e);
    db_done(st);
    *written = rc == YY_OK && row;
    return rc;
}

/* Whether the recipient has had a reminder of kind about the entity on or
 * after day `since`. */
static enum yy_err reminded_since(struct db *db, const char *recipient_kind, int64_t recipient_id,
                                  const char *kind, const char *entity, int64_t entity_id,
                                  int64_t since, bool *found, struct yy_error *e)
{
    PREP(st, db,
         "SELECT count(*) FROM reminders WHERE recipient_kind = $1 AND recipient_id = $2"
         " AND kind = $3 AND entity = $4 AND entity_id = $5 AND day >= $6",
         e);
    db_bind_text(st, 1, recipient_kind);
    db_bind_int(st, 2, recipient_id);
    db_bind_text(st, 3, kind);
    db_bind_text(st, 4, entity);
    db_bind_int(st, 5, entity_id);
    db_bind_int(st, 6, since);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    *found = rc == YY_OK && row && db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

static enum yy_err concern_event(struct db *db, int64_t concern_id, int64_t now, const char *note,
                                 struct yy_error *e)
{
    PREP(st, db,
         "INSERT INTO concern_events (concern_id, at, action, actor_role, note)"
         " VALUES ($1, $2, 'remind', 'system', $3)",
         e);
    db_bind_int(st, 1, concern_id);
    db_bind_int(st, 2, now);
    db_bind_text(st, 3, note);
    return sql_run(st, e);
}

/* Judges one item and writes the reminders due to its recipients. */
static enum yy_err remind_item(struct db *db, const struct calendar *cal, int64_t now,
                               int due_soon_days, const struct item *it,
                               struct remind_counts *counts, struct yy_error *e)
{
    struct sv_assessment as;
    sv_assess(cal, it->due_at, now, due_soon_days, &as);
    if (as.state == SV_OPEN)
        return YY_OK;
    if (as.state == SV_OVERDUE)
        counts->overdue++;
    else
        counts->due_soon++;
    const char *kind = sv_state_kind(as.state);
    char message[SV_MESSAGE_MAX];
    sv_message(message, it->what, &as, it->title, it->unit_name);

    struct inbox_owner to[3];
    size_t n_to = 0;
    if (it->unit_id)
        to[n_to++] = (struct inbox_owner){"unit", it->unit_id};
    if (it->leader_id)
        to[n_to++] = (struct inbox_owner){"user", it->leader_id};
    to[n_to++] = (struct inbox_owner){"office", 0};

    int64_t written = 0;
    enum yy_err rc;
    for (size_t i = 0; i < n_to; i++) {
        bool done = false, fresh;
        /* overdue: the day's UNIQUE key is the whole rule; due soon: once a window */
        if (as.state == SV_DUE_SOON &&
            (rc = reminded_since(db, to[i].kind, to[i].id, kind, it->entity, it->entity_id,
                                 as.remind_since, &done, e)) != YY_OK)
            return rc;
        if (done)
            continue;
        if ((rc = insert_reminder(db, to[i].kind, to[i].id, kind, it->entity, it->entity_id,
                                  message, it->due_at, now, &fresh, e)) != YY_OK)
            return rc;
        written += fresh;
    }
    counts->reminders += written;
    if (!written)
        return YY_OK;
    if (it->suggestion_id)
        return store_suggestion_event_tx(db, it->suggestion_id, "remind", "system", message, e);
    return concern_event(db, it->concern_id, now, message, e);
}

/* Every open item the sweep looks at today (those that may be due soon or
 * overdue at now), with the setting's due-soon working days: shared by the
 * sweep and store_supervision_duties, so both apply the same rules. */
static enum yy_err collect_items(struct db *db, struct arena *a, const struct calendar *cal,
                                 int64_t now, int *due_soon_days, struct items *l,
                                 struct yy_error *e)
{
    *due_soon_days = SV_DUE_SOON_DEFAULT;
    enum yy_err rc;
    if ((rc = setting_int(db, "due_soon_working_days", SV_DUE_SOON_DEFAULT, SV_DUE_SOON_MAX,
                          due_soon_days, e)) != YY_OK)
        return rc;
    int64_t horizon_at = day_start(sv_horizon_day(cal, day_of(now), *due_soon_days));
    int64_t term_end = 0;
    if ((rc = term_end_at(db, &term_end, e)) != YY_OK)
        return rc;
    for (size_t i = 0; i < sizeof(sweep_queries) / sizeof(sweep_queries[0]); i++) {
        const struct sweep_query *q = &sweep_queries[i];
        PREP(st, db, q->sql, e);
        db_bind_int(st, 1, horizon_at);
        if ((rc = collect_rows(a, st, &q->proto, q->fill, l, e)) != YY_OK)
            return rc;
    }
    return collect_term_end(db, a, term_end, horizon_at, l, e);
}

/* The deputies on duty on a reception day (接待日值班, docs/RECEPTIONS.md
 * "Duty reminders"): one notice each, settings.activity_notice_days before
 * the day (or later, until the window begins, when the sweep did not run
 * then), once per deputy, station and day: a reminder with that due_at (the
 * window's start) is looked for on any day. */
static enum yy_err remind_reception_duty(struct db *db, struct arena *a, const struct calendar *cal,
                                         int64_t now, struct remind_counts *counts,
                                         struct yy_error *e)
{
    int64_t notice = 3;
    enum yy_err rc = store_setting_int(db, "activity_notice_days", 3, &notice, e);
    if (rc != YY_OK)
        return rc;
    if (notice < 0 || notice > 60)
        notice = 3;
    int64_t today = day_of(now);
    struct reception_duty_due *due;
    size_t n;
    if ((rc = store_reception_duties_due(db, a, cal, today, today + notice, now, &due, &n, e)) !=
        YY_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const struct reception_duty_due *d = &due[i];
        bool done = false;
        {
            PREP(st, db,
                 "SELECT count(*) FROM reminders WHERE recipient_kind = 'deputy'"
                 " AND recipient_id = $1 AND kind = 'notice' AND entity = 'station'"
                 " AND entity_id = $2 AND due_at = $3",
                 e);
            db_bind_int(st, 1, d->deputy_id);
            db_bind_int(st, 2, d->station_id);
            db_bind_int(st, 3, d->starts_at);
            bool row;
            rc = db_step(st, &row, e);
            done = rc == YY_OK && row && db_col_int(st, 0) > 0;
            db_done(st);
            if (rc != YY_OK)
                return rc;
        }
        if (done)
            continue;
        int64_t y;
        unsigned m, dd;
        time_civil_from_days(d->day, &y, &m, &dd);
        int start = (int)((d->starts_at - day_start(d->day)) / 60);
        int end = (int)((d->ends_at - day_start(d->day)) / 60);
        char message[SV_MESSAGE_MAX];
        snprintf(message, sizeof(message),
                 "【接待日值班】您于 %u月%u日 %02d:%02d 在 %s 值班接待(%02d:%02d-%02d:%02d),"
                 "请按时到场",
                 m, dd, start / 60, start % 60, d->station_name ? d->station_name : "", start / 60,
                 start % 60, end / 60, end % 60);
        bool fresh;
        if ((rc = insert_reminder(db, "deputy", d->deputy_id, "notice", "station", d->station_id,
                                  message, d->starts_at, now, &fresh, e)) != YY_OK)
            return rc;
        counts->reception_duty += fresh;
        counts->reminders += fresh;
    }
    return YY_OK;
}

static enum yy_err sweep_tx(struct db *db, struct arena *a, const struct calendar *cal, int64_t now,
                            struct remind_counts *counts, struct yy_error *e)
{
    int due_soon_days;
    enum yy_err rc;
    int64_t today = day_of(now);
    struct items l = {0};
    if ((rc = collect_items(db, a, cal, now, &due_soon_days, &l, e)) != YY_OK)
        return rc;
    for (size_t i = 0; i < l.n; i++)
        if ((rc = remind_item(db, cal, now, due_soon_days, &l.v[i], counts, e)) != YY_OK)
            return rc;
    if ((rc = remind_reception_duty(db, a, cal, now, counts, e)) != YY_OK)
        return rc;
    if (!counts->reminders)
        return YY_OK;
    int64_t y;
    unsigned m, d;
    time_civil_from_days(today, &y, &m, &d);
    char duty[64] = ""; /* only when there were any, as before otherwise */
    if (counts->reception_duty)
        snprintf(duty, sizeof(duty), ",\"reception_duty\":%lld",
                 (long long)counts->reception_duty);
    char detail[256];
    snprintf(detail, sizeof(detail),
             "{\"day\":\"%04lld-%02u-%02u\",\"due_soon\":%lld,\"overdue\":%lld,"
             "\"reminders\":%lld%s}",
             (long long)y, m, d, (long long)counts->due_soon, (long long)counts->overdue,
             (long long)counts->reminders, duty);
    struct audit_who who = {.user_id = 0, .role = "system"};
    return audit_append(db, &who, "remind.sweep", "reminder", 0, detail, e);
}

enum yy_err store_remind_sweep(struct db *db, const struct calendar *cal, int64_t now,
                               struct remind_counts *out, struct yy_error *e)
{
    struct remind_counts counts = {0};
    struct arena a = ARENA_INIT;
    enum yy_err rc = store_begin(db, e);
    if (rc == YY_OK)
        rc = store_finish(db, sweep_tx(db, &a, cal, now, &counts, e), e);
    arena_release(&a);
    if (out)
        *out = rc == YY_OK ? counts : (struct remind_counts){0};
    return rc;
}

/* ---- the open duties (GET /api/v1/supervision) --------------------------------------- */

static int duty_cmp(const void *x, const void *y)
{
    const struct duty *a = x, *b = y;
    if (a->due_at != b->due_at)
        return a->due_at < b->due_at ? -1 : 1;
    if (a->what != b->what)
        return a->what < b->what ? -1 : 1;
    return (a->entity_id > b->entity_id) - (a->entity_id < b->entity_id);
}

static enum yy_err duties_tx(struct db *db, struct arena *a, const struct calendar *cal,
                             int64_t now, struct duty **out, size_t *n, int *due_soon_days,
                             struct yy_error *e)
{
    struct items l = {0};
    enum yy_err rc = collect_items(db, a, cal, now, due_soon_days, &l, e);
    if (rc != YY_OK)
        return rc;
    struct duty *v = arena_calloc(a, l.n ? l.n : 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++) {
        const struct item *it = &l.v[i];
        struct duty *d = &v[k];
        sv_assess(cal, it->due_at, now, *due_soon_days, &d->as);
        if (d->as.state == SV_OPEN)
            continue;
        d->what = it->what;
        d->entity = it->entity;
        d->entity_id = it->entity_id;
        d->suggestion_id = it->suggestion_id;
        d->concern_id = it->concern_id;
        d->unit_id = it->unit_id;
        d->unit_name = it->unit_name;
        d->street_id = it->street_id;
        d->key = it->leader_id != 0;
        d->title = it->title;
        d->due_at = it->due_at;
        d->working_days_left = d->as.working_days_left;
        if (d->as.state == SV_OVERDUE) {
            bool prov = false;
            int late = calendar_working_days_between(cal, d->as.due_day, d->as.today, &prov);
            d->working_days_left = -(late > 0 ? late : 1);
            d->as.provisional = d->as.provisional || prov;
        }
        k++;
    }
    qsort(v, k, sizeof(*v), duty_cmp);
    *out = v;
    *n = k;
    return YY_OK;
}

enum yy_err store_supervision_duties(struct db *db, struct arena *a, const struct calendar *cal,
                                     int64_t now, struct duty **out, size_t *n,
                                     int *due_soon_days, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    /* read only: no transaction (store_begin takes the write lock on SQLite) */
    return duties_tx(db, a, cal, now, out, n, due_soon_days, e);
}

/* ---- notices ----------------------------------------------------------------- */

enum yy_err store_notice_tx(struct db *db, const char *recipient_kind, int64_t recipient_id,
                            const char *kind, const char *entity, int64_t entity_id,
                            const char *message, struct yy_error *e)
{
    enum yy_err rc = sql_need_tx(db, e);
    if (rc != YY_OK)
        return rc;
    if (!sv_recipient_kind_valid(recipient_kind) || !sv_reminder_kind_valid(kind) || !entity ||
        !message)
        return yy_fail(e, YY_INTERNAL, "invalid_notice", "服务器内部错误", NULL);
    bool written;
    return insert_reminder(db, recipient_kind, recipient_id, kind, entity, entity_id, message, 0,
                           time_now(), &written, e);
}

/* ---- inboxes ----------------------------------------------------------------- */

#define REMINDER_COLUMNS                                                                           \
    "SELECT r.id, r.recipient_kind, r.recipient_id, r.kind, r.entity, r.entity_id, r.message,"     \
    " r.due_at, r.created_at, r.read_at,"                                                          \
    " CASE WHEN r.entity = 'suggestion' THEN r.entity_id ELSE a.suggestion_id END"                 \
    " FROM reminders r LEFT JOIN assignments a ON r.entity = 'assignment' AND a.id = r.entity_id"

static void read_reminder(struct db_stmt *st, struct arena *a, struct reminder *r)
{
    r->id = db_col_int(st, 0);
    r->recipient_kind = arena_strdup(a, db_col_text(st, 1));
    r->recipient_id = db_col_int(st, 2);
    r->kind = arena_strdup(a, db_col_text(st, 3));
    r->entity = arena_strdup(a, db_col_text(st, 4));
    r->entity_id = db_col_int(st, 5);
    r->message = arena_strdup(a, db_col_text(st, 6));
    r->due_at = db_col_int(st, 7);
    r->created_at = db_col_int(st, 8);
    r->read_at = db_col_int(st, 9);
    r->suggestion_id = db_col_int(st, 10);
}

/* "(r.recipient_kind = $k AND r.recipient_id = $k+1) OR ..." for n owners,
 * from $first on; the parameters are bound by bind_owners. */
static char *owners_condition(struct arena *a, size_t n, int first)
{
    char *cond = arena_strdup(a, "(");
    for (size_t i = 0; i < n; i++)
        cond = arena_printf(a, "%s%s(r.recipient_kind = $%d AND r.recipient_id = $%d)", cond,
                            i ? " OR " : "", first + 2 * (int)i, first + 2 * (int)i + 1);
    return arena_printf(a, "%s)", cond);
}

static void bind_owners(struct db_stmt *st, const struct inbox_owner *owners, size_t n, int first)
{
    for (size_t i = 0; i < n; i++) {
        db_bind_text(st, first + 2 * (int)i, owners[i].kind);
        db_bind_int(st, first + 2 * (int)i + 1, owners[i].id);
    }
}

static enum yy_err check_owners(size_t n, struct yy_error *e)
{
    if (n < 1 || n > INBOX_MAX_OWNERS)
        return yy_fail(e, YY_INTERNAL, "invalid_inbox", "服务器内部错误", NULL);
    return YY_OK;
}

enum yy_err store_inbox_list(struct db *db, struct arena *a, const struct inbox_owner *owners,
                             size_t n_owners, int64_t before_id, size_t limit,
                             struct reminder **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    enum yy_err rc = check_owners(n_owners, e);
    if (rc != YY_OK)
        return rc;
    int p = 2 * (int)n_owners + 1;
    char *sql = arena_printf(a,
                             REMINDER_COLUMNS " WHERE %s AND ($%d = 0 OR r.id < $%d)"
                                              " ORDER BY r.id DESC LIMIT $%d",
                             owners_condition(a, n_owners, 1), p, p, p + 1);
    PREP(st, db, sql, e);
    bind_owners(st, owners, n_owners, 1);
    db_bind_int(st, p, before_id);
    db_bind_int(st, p + 1, (int64_t)limit);
    struct reminder *v = arena_calloc(a, limit ? limit : 1, sizeof(*v));
    bool row;
    while ((rc = db_step(st, &row, e)) == YY_OK && row && *n < limit)
        read_reminder(st, a, &v[(*n)++]);
    db_done(st);
    *out = v;
    return rc;
}

static enum yy_err mark_read_tx(struct db *db, struct arena *a, const struct inbox_owner *owners,
                                size_t n_owners, int64_t id, int64_t now, struct reminder *out,
                                struct yy_error *e)
{
    int p = 2 * (int)n_owners + 1;
    char *sql = arena_printf(a, REMINDER_COLUMNS " WHERE %s AND r.id = $%d",
                             owners_condition(a, n_owners, 1), p);
    bool row;
    enum yy_err rc;
    {
        PREP(st, db, sql, e);
        bind_owners(st, owners, n_owners, 1);
        db_bind_int(st, p, id);
        rc = db_step(st, &row, e);
        if (rc == YY_OK && row)
            read_reminder(st, a, out);
        db_done(st);
    }
    if (rc != YY_OK)
        return rc;
    if (!row)
        return yy_fail(e, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    if (out->read_at)
        return YY_OK;
    PREP(st, db, "UPDATE reminders SET read_at = $1 WHERE id = $2 AND read_at IS NULL", e);
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    rc = sql_run(st, e);
    if (rc == YY_OK)
        out->read_at = now;
    return rc;
}

enum yy_err store_inbox_mark_read(struct db *db, struct arena *a, const struct inbox_owner *owners,
                                  size_t n_owners, int64_t id, int64_t now, struct reminder *out,
                                  struct yy_error *e)
{
    enum yy_err rc = check_owners(n_owners, e);
    if (rc != YY_OK)
        return rc;
    if ((rc = store_begin(db, e)) != YY_OK)
        return rc;
    return store_finish(db, mark_read_tx(db, a, owners, n_owners, id, now, out, e), e);
}
