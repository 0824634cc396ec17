/* activity.h (store) - keeping 代表有约 activities (DOMAIN.md §3): the
 * activity rows, the deputies and units invited (activity_deputies with
 * attendance, activity_units), residents' registrations with their check-in
 * codes and the waiting list, the questions and answers given on the spot
 * (activity_qa) and the suggestions that came out of it
 * (activity_suggestions).
 *
 * Conventions as in store.h: results in the caller's arena, YY_NOT_FOUND for
 * a missing record; functions named *_tx run inside the caller's transaction
 * (store_begin .. store_finish), so an action and its audit entry commit
 * together.  Registration runs under store_activity_get_for_update, which
 * holds the activity's row lock until commit: registrations for one activity
 * queue, so the capacity count, the waiting-list position and the one
 * registration per phone hold under concurrency on every backend.
 */
#ifndef YOUYUE_STORE_ACTIVITY_H
#define YOUYUE_STORE_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/activity.h"
#include "store/db.h"

/* An activity row.  Ids are 0 and texts NULL where the column is NULL. */
struct activity {
    int64_t id;
    enum act_kind kind;
    const char *title, *theme;
    int64_t station_id;
    const char *venue; /* "" when none */
    int64_t street_id, community_id;
    int64_t starts_at, ends_at;
    int64_t capacity;
    enum act_state status;
    const char *cancel_reason, *minutes;
    int64_t created_by;
    int64_t created_at, updated_at, published_at, cancelled_at, closed_at;
    const char *station_name; /* read only: the station's name, NULL without one */
};

enum reg_status { REG_CONFIRMED, REG_WAITLISTED, REG_CANCELLED, REG_CHECKED_IN };
const char *reg_status_name(enum reg_status s);
const char *reg_status_label_zh(enum reg_status s);

struct registration {
    int64_t id, activity_id;
    const char *name, *phone; /* personal data */
    int64_t user_id;
    enum reg_status status;
    const char *code;
    int64_t position; /* order of registering: the waiting list moves up in this order */
    int64_t created_at, updated_at, checked_in_at;
};

struct activity_deputy {
    int64_t deputy_id;
    const char *name;
    bool invited, attended;
};

struct activity_unit {
    int64_t unit_id;
    const char *name;
};

struct activity_qa {
    int64_t id;
    const char *question, *answer;
    int64_t unit_id; /* 0: none */
    const char *unit_name;
    int64_t at;
};

/* Counts of one activity's registrations (checked-in ones count as confirmed too). */
struct activity_counts {
    int64_t confirmed, waitlisted, checked_in, cancelled;
};

/* Inserts a (status, times, street and community as set) with its invited
 * deputies and units; sets a->id.  Inside the caller's transaction. */
enum yy_err store_activity_insert_tx(struct db *db, struct activity *a, const int64_t *deputy_ids,
                                     size_t n_deputies, const int64_t *unit_ids, size_t n_units,
                                     struct yy_error *e);
enum yy_err store_activity_get(struct db *db, struct arena *ar, int64_t id, struct activity *out,
                               struct yy_error *e);
/* Inside store_begin: locks the row until commit, then reads it. */
enum yy_err store_activity_get_for_update(struct db *db, struct arena *ar, int64_t id,
                                          struct activity *out, struct yy_error *e);
/* Writes status, cancel_reason, minutes, published_at, cancelled_at,
 * closed_at and updated_at. */
enum yy_err store_activity_update_tx(struct db *db, const struct activity *a, struct yy_error *e);

struct activity_filter {
    int64_t station_id, street_id, deputy_id; /* 0 = any; deputy: invited or attended */
    bool by_kind;
    enum act_kind kind;
    unsigned states;  /* bits (1 << enum act_state); 0 = every state */
    int64_t from, to; /* starts_at in [from, to); 0 = open-ended */
    /* drafts are listed only where these allow (the other states always):
     * every draft, or those of these streets and communities */
    bool drafts_all;
    const int64_t *draft_streets, *draft_communities;
    size_t n_draft_streets, n_draft_communities;
    int64_t offset; /* pagination: rows to skip */
    size_t limit;   /* 0 = all */
    bool ascending; /* by starts_at ascending (feeds), else newest first */
};
/* Activities matching f, ordered by starts_at (then id). */
enum yy_err store_activities_list(struct db *db, struct arena *ar, const struct activity_filter *f,
                                  struct activity **out, size_t *n, struct yy_error *e);

enum yy_err store_activity_deputies(struct db *db, struct arena *ar, int64_t id,
                                    struct activity_deputy **out, size_t *n, struct yy_error *e);
enum yy_err store_activity_units(struct db *db, struct arena *ar, int64_t id,
                                 struct activity_unit **out, size_t *n, struct yy_error *e);
/* Whether the unit is invited to the activity. */
enum yy_err store_activity_unit_invited(struct db *db, int64_t id, int64_t unit_id, bool *out,
                                        struct yy_error *e);
/* Marks exactly deputy_ids as attended (adding uninvited ones who came);
 * everyone else not attended. */
enum yy_err store_activity_attendance_tx(struct db *db, int64_t id, const int64_t *deputy_ids,
                                         size_t n, struct yy_error *e);

enum yy_err store_activity_counts(struct db *db, int64_t id, struct activity_counts *out,
                                  struct yy_error *e);
/* Every registration of an activity in order of registering. */
enum yy_err store_registrations(struct db *db, struct arena *ar, int64_t id,
                                struct registration **out, size_t *n, struct yy_error *e);
/* The live (not cancelled) registration of phone or user (whichever is set)
 * for the activity; YY_NOT_FOUND when none. */
enum yy_err store_registration_live(struct db *db, struct arena *ar, int64_t id, const char *phone,
                                    int64_t user_id, struct registration *out, struct yy_error *e);
/* The registration holding code in the activity; YY_NOT_FOUND when none. */
enum yy_err store_registration_by_code(struct db *db, struct arena *ar, int64_t id,
                                       const char *code, struct registration *out,
                                       struct yy_error *e);
/* Registers r for its activity (the activity row locked by the caller):
 * confirmed while places remain, else waitlisted; a fresh check-in code
 * distinct within the activity; the next position.  Sets r->id, status,
 * code (arena), position.  YY_CONFLICT already_registered when the phone or
 * user holds a live registration. */
enum yy_err store_registration_add_tx(struct db *db, struct arena *ar, int64_t capacity,
                                      struct registration *r, struct yy_error *e);
/* Cancels r (status cancelled); when it held a place and places are free,
 * moves the first waitlisted registration up and returns its id in *promoted
 * (0: none). */
enum yy_err store_registration_cancel_tx(struct db *db, int64_t capacity,
                                         const struct registration *r, int64_t *promoted,
                                         struct yy_error *e);
/* Marks r checked in at now. */
enum yy_err store_registration_check_in_tx(struct db *db, int64_t reg_id, int64_t now,
                                           struct yy_error *e);
/* Cancels every live registration of the activity (the activity was called off). */
enum yy_err store_registrations_cancel_all_tx(struct db *db, int64_t id, int64_t now,
                                              struct yy_error *e);

enum yy_err store_activity_qa_add_tx(struct db *db, int64_t id, const char *question,
                                     const char *answer, int64_t unit_id, int64_t now,
                                     struct yy_error *e);
enum yy_err store_activity_qa(struct db *db, struct arena *ar, int64_t id, struct activity_qa **out,
                              size_t *n, struct yy_error *e);
enum yy_err store_activity_suggestions_add_tx(struct db *db, int64_t id, const int64_t *ids,
                                              size_t n, struct yy_error *e);
/* Whether a suggestion with this id exists. */
enum yy_err store_activity_suggestion_exists(struct db *db, int64_t suggestion_id, bool *out,
                                             struct yy_error *e);
enum yy_err store_activity_suggestions(struct db *db, struct arena *ar, int64_t id, int64_t **out,
                                       size_t *n, struct yy_error *e);

/* The concerns raised at an activity (public fields are the caller's business). */
struct activity_concern {
    int64_t id;
    const char *title;
    const char *status;
};
enum yy_err store_activity_concerns(struct db *db, struct arena *ar, int64_t id,
                                    struct activity_concern **out, size_t *n, struct yy_error *e);

#endif
