/* concern.h (store) - keeping concerns (民呼, DOMAIN.md §4): the concern
 * rows, the deputies who claimed them (concern_claims), their timeline
 * (concern_events), the lists staff and deputies see within their scope, and
 * the candidates for duplicate hints.
 *
 * Conventions as in store.h: results in the caller's arena, YY_NOT_FOUND for
 * a missing record; functions named *_tx run inside the caller's transaction
 * (store_begin .. store_finish), so an action, its timeline entry and its
 * audit entry commit together.  Portable SQL only (db.h).
 */
#ifndef YOUYUE_STORE_CONCERN_H
#define YOUYUE_STORE_CONCERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/concern.h"
#include "store/db.h"

/* A concern row.  Ids are 0 and texts NULL where the column is NULL. */
struct concern {
    int64_t id;
    const char *tracking_code;
    const char *title, *body, *category;
    int64_t station_id, street_id, community_id;
    const char *address; /* "" when none */
    bool has_location;
    double lat, lon;
    const char *contact_name, *contact_phone;
    const char *source;
    int64_t activity_id;
    enum cn_state status;
    int64_t merged_into;
    int64_t claimed_by;      /* the first deputy who claimed it */
    int64_t referred_to;     /* a community or street region */
    int64_t referred_parent; /* read only: the parent region of referred_to */
    int64_t suggestion_id;
    int64_t unit_id; /* the unit that committed to it on site */
    const char *result, *reason, *redirect;
    int64_t due_at;
    const char *rating;
    int64_t raised_by; /* the resident's user id */
    int64_t created_at, updated_at, responded_at, resolved_at, rated_at;
};

struct concern_claim {
    int64_t deputy_id;
    const char *deputy_name;
    int64_t claimed_at;
};

struct concern_event {
    int64_t at;
    const char *action;
    const char *actor_role;
    const char *note;       /* public: shown to the resident */
    const char *staff_note; /* for staff and deputies only */
};

/* Active categories in their configured order (arena array of names). */
enum yy_err store_concern_categories(struct db *db, struct arena *a, const char ***out, size_t *n,
                                     struct yy_error *e);
/* An integer setting (table settings); def when absent or not a number. */
enum yy_err store_setting_int(struct db *db, const char *key, int64_t def, int64_t *out,
                              struct yy_error *e);

/* Inserts c (status, times and all columns as set) with a fresh tracking
 * code, drawing again when the code is taken; sets c->id and
 * c->tracking_code (arena).  Inside the caller's transaction. */
enum yy_err store_concern_insert_tx(struct db *db, struct arena *a, struct concern *c,
                                    struct yy_error *e);
enum yy_err store_concern_get(struct db *db, struct arena *a, int64_t id, struct concern *out,
                              struct yy_error *e);
/* Inside store_begin: locks the row until commit, then reads it. */
enum yy_err store_concern_get_for_update(struct db *db, struct arena *a, int64_t id,
                                         struct concern *out, struct yy_error *e);
/* By tracking code (already normalised); YY_NOT_FOUND when none has it. */
enum yy_err store_concern_by_code(struct db *db, struct arena *a, const char *code,
                                  struct concern *out, struct yy_error *e);
/* Writes the handling columns of c (status, merged_into, claimed_by,
 * referred_to, suggestion_id, unit_id, result, reason, redirect, due_at,
 * rating, rated_at, responded_at, resolved_at, updated_at). */
enum yy_err store_concern_update_tx(struct db *db, const struct concern *c, struct yy_error *e);
/* Concerns merged into from now follow into instead (merges never chain). */
enum yy_err store_concern_repoint_merged_tx(struct db *db, int64_t from, int64_t into,
                                            struct yy_error *e);
/* How many concerns are merged into id. */
enum yy_err store_concern_merged_count(struct db *db, int64_t id, int64_t *n, struct yy_error *e);

/* The deputies who claimed a concern, in order of claiming. */
enum yy_err store_concern_claims(struct db *db, struct arena *a, int64_t id,
                                 struct concern_claim **out, size_t *n, struct yy_error *e);
/* Adds a claimer; YY_CONFLICT when the deputy already claimed it. */
enum yy_err store_concern_claim_add_tx(struct db *db, int64_t id, int64_t deputy_id,
                                       struct yy_error *e);

/* Appends a timeline entry. */
enum yy_err store_concern_event_tx(struct db *db, int64_t id, const char *action,
                                   const char *actor_role, const char *note, const char *staff_note,
                                   struct yy_error *e);
/* The timeline, oldest first. */
enum yy_err store_concern_events(struct db *db, struct arena *a, int64_t id,
                                 struct concern_event **out, size_t *n, struct yy_error *e);

/* Whether the deputy is placed at the station. */
enum yy_err store_deputy_at_station(struct db *db, int64_t deputy_id, int64_t station_id, bool *out,
                                    struct yy_error *e);

/* What a caller may see, as the union of its grants (at most
 * CONCERN_SCOPE_MAX of each kind are looked at). */
#define CONCERN_SCOPE_MAX 8
struct concern_scope {
    bool all;          /* admin, leader */
    int64_t raised_by; /* a resident's own concerns; 0: none */
    int64_t streets[CONCERN_SCOPE_MAX];
    size_t n_streets;
    int64_t communities[CONCERN_SCOPE_MAX];
    size_t n_communities;
    int64_t deputies[CONCERN_SCOPE_MAX];
    size_t n_deputies;
    int64_t units[CONCERN_SCOPE_MAX];
    size_t n_units;
};

struct concern_filter {
    bool by_status;
    enum cn_state status;
    int64_t street_id;  /* 0 = any */
    int64_t station_id; /* 0 = any */
    int64_t before_id;  /* keyset pagination, newest first: ids below this; 0 = none */
    size_t limit;       /* 0 = all */
};

/* Concerns within scope matching f, newest first. */
enum yy_err store_concerns_list(struct db *db, struct arena *a, const struct concern_scope *scope,
                                const struct concern_filter *f, struct concern **out, size_t *n,
                                struct yy_error *e);

/* Candidates for duplicate hints: open concerns in street_id (when not 0) or
 * with coordinates inside the box [lat0,lat1]x[lon0,lon1] (when has_box),
 * newest first, at most limit.  Only id, title, body, category, status,
 * street_id, the location and created_at are filled.  Called before the new
 * concern's write, outside its transaction (a snapshot a moment old: the
 * hint is advisory). */
enum yy_err store_concern_candidates(struct db *db, struct arena *a, int64_t street_id,
                                     bool has_box, double lat0, double lat1, double lon0,
                                     double lon1, size_t limit, struct concern **out, size_t *n,
                                     struct yy_error *e);

#endif
