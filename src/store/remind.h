/* remind.h (store) - supervision (督办): the sweep that puts due-soon and
 * overdue reminders (催办) into inboxes, notices other modules send, and the
 * inboxes themselves.  The date rules are domain/supervision.h; the
 * reminders table is schema migration 3 (+ due_at, migration 4).
 *
 * Recipients (reminders.recipient_kind, recipient_id):
 *   unit   a handling unit (its unit_staff read it), id = units.id
 *   user   one login (a leader supervising a key suggestion), id = users.id
 *   deputy a deputy (their deputy logins read it), id = deputies.id
 *   office the district office (admin reads it), id = 0
 *
 * One reminder per (recipient, kind, entity, entity_id, day): the table's
 * UNIQUE key, with day = day_of(now) in China time, makes every writer here
 * idempotent within a day, also when a cron `youyue remind` and the
 * server's timer run at once.
 */
#ifndef YOUYUE_STORE_REMIND_H
#define YOUYUE_STORE_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/supervision.h"
#include "domain/workdays.h"
#include "store/db.h"

/* ---- the sweep --------------------------------------------------------- */

struct remind_counts {
    int64_t due_soon;  /* open items due soon now */
    int64_t overdue;   /* open items past their due day now */
    int64_t reminders; /* reminders written by this run */
    int64_t reception_duty; /* of them, to deputies on duty on a reception day */
};

/* One supervision sweep at now (unix seconds).  Looks at every open item
 * with a deadline:
 *   - lead assignments (active, not replied or returned) of suggestions in
 *     assigned/in_handling: the reply, assignments.due_at;
 *   - the same in a suggestion sent back for re-handling (rehandling): the
 *     new reply, the lead assignment's due_at (which the evaluation reset);
 *   - co-unit assignments without their opinion: co_opinion_due_at;
 *   - accepted suggestions not yet assigned: suggestions.assign_due_at;
 *   - concerns with an on-site commitment (concerns.due_at) not resolved,
 *     declined or merged;
 *   - following_up suggestions with neither a done follow-up nor a written
 *     explanation (书面说明), once the term's end (settings.term_ends_on) is
 *     near: one item per active lead unit, due at the end of that day;
 * judges each with sv_assess (settings.due_soon_working_days, default 10)
 * and writes the reminders due (entity 'assignment', 'suggestion' or
 * 'concern') to the unit concerned, to the leader of a key suggestion
 * (key_leader_id) and to the office.  Each item that got a reminder gets a
 * 'remind' event (催办, actor system) on its suggestion's timeline
 * (suggestion_events) or its concern's (concern_events); a run that wrote
 * anything appends one audit entry "remind.sweep" with the counts (a run
 * that wrote nothing leaves no trace: the server's timer runs every few
 * minutes).  It also tells each deputy on duty on a reception day,
 * settings.activity_notice_days before it, once (docs/RECEPTIONS.md "Duty
 * reminders"; counted in reminders and reception_duty).  One transaction:
 * all or nothing.  *out may be NULL. */
enum yy_err store_remind_sweep(struct db *db, const struct calendar *cal, int64_t now,
                               struct remind_counts *out, struct yy_error *e);

/* ---- the open duties ------------------------------------------------------ */

/* One open item that is due soon or overdue now (GET /api/v1/supervision):
 * what the sweep would remind about, judged by the same rules. */
struct duty {
    enum sv_item what;
    const char *entity; /* assignment, suggestion, concern (as the reminders) */
    int64_t entity_id;
    int64_t suggestion_id; /* 0 for a concern */
    int64_t concern_id;    /* 0 for a suggestion's */
    int64_t unit_id;       /* 0: none (an assignment still to be made) */
    const char *unit_name; /* NULL when no unit */
    int64_t street_id;     /* a concern's street, 0 otherwise */
    bool key;              /* of a key suggestion (重点督办) */
    const char *title;
    int64_t due_at;
    struct sv_assessment as; /* state SV_DUE_SOON or SV_OVERDUE */
    /* working days after today up to the due day (0 on it); when overdue,
     * minus the working days after the due day up to today, at least -1 */
    int working_days_left;
};

/* Every open item the sweep looks at that is due soon or overdue at now,
 * soonest due first (then by kind and id), in a; *due_soon_days is the
 * setting the rules used (settings.due_soon_working_days). */
enum yy_err store_supervision_duties(struct db *db, struct arena *a, const struct calendar *cal,
                                     int64_t now, struct duty **out, size_t *n,
                                     int *due_soon_days, struct yy_error *e);

/* ---- notices from other modules ------------------------------------------ */

/* Puts a notice in one inbox: e.g. ("deputy", author_id, "reply_received",
 * "suggestion", id, "区建设局已答复您的建议《…》") when a unit replies, or
 * ("unit", unit_id, "new_assignment", ...).  kind is one of the reminders
 * table's kinds (supervision.h sv_reminder_kind_valid), recipient_kind one
 * of unit user deputy office (office: id 0).  Idempotent per day: a second
 * identical (recipient, kind, entity, entity_id) notice the same day is
 * dropped silently (YY_OK).  Runs inside the caller's transaction (the
 * action's), YY_INTERNAL otherwise or for an unknown kind.  message is
 * copied. */
enum yy_err store_notice_tx(struct db *db, const char *recipient_kind, int64_t recipient_id,
                            const char *kind, const char *entity, int64_t entity_id,
                            const char *message, struct yy_error *e);

/* ---- inboxes ------------------------------------------------------------- */

/* One inbox a caller may read: (recipient_kind, recipient_id). */
struct inbox_owner {
    const char *kind;
    int64_t id;
};
#define INBOX_MAX_OWNERS 16

struct reminder {
    int64_t id;
    const char *recipient_kind;
    int64_t recipient_id;
    const char *kind;   /* overdue, due_soon, new_assignment, reply_received, ... */
    const char *entity; /* assignment, suggestion, concern, ... */
    int64_t entity_id;
    int64_t suggestion_id; /* the suggestion it is about (entity assignment or
                            * suggestion), 0 otherwise */
    const char *message;
    int64_t due_at; /* 0 when it has no deadline */
    int64_t created_at;
    int64_t read_at; /* 0 while unread */
};

/* The reminders of any of owners (1..INBOX_MAX_OWNERS), newest first, with
 * ids below before_id (0 = from the newest), at most limit.  Results in a. */
enum yy_err store_inbox_list(struct db *db, struct arena *a, const struct inbox_owner *owners,
                             size_t n_owners, int64_t before_id, size_t limit,
                             struct reminder **out, size_t *n, struct yy_error *e);

/* Marks reminder id read at now (the first reading counts; again is a
 * no-op) and returns it in *out (arena a).  YY_NOT_FOUND unless it belongs
 * to one of owners. */
enum yy_err store_inbox_mark_read(struct db *db, struct arena *a, const struct inbox_owner *owners,
                                  size_t n_owners, int64_t id, int64_t now, struct reminder *out,
                                  struct yy_error *e);

#endif
