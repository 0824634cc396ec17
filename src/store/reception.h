/* reception.h (store) - reception days (接待日, docs/RECEPTIONS.md): a
 * station's schedule and duty rota, explicit duty per date, bookings and
 * walk-ins, and reception records (接待记录) with their deputies and concerns.
 *
 * Conventions as in store.h: results in the caller's arena, YY_NOT_FOUND for
 * a missing record; functions named *_tx run inside the caller's transaction
 * (store_begin .. store_finish), so an action and its audit entry commit
 * together.  Capacity: lock the station's row first
 * (store_station_get_for_update), so bookings of one station queue on every
 * backend.  Portable SQL only (db.h).
 */
#ifndef YOUYUE_STORE_RECEPTION_H
#define YOUYUE_STORE_RECEPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/reception.h"
#include "domain/workdays.h"
#include "store/db.h"

#define RECEPTION_ROTA_MAX 50 /* deputies on a rotation list, or on duty one day */

/* A station's schedule as stored, with its rota. */
struct reception_plan {
    int64_t station_id;
    struct reception_schedule s;
    bool active;
    int64_t *rota; /* deputy ids in rotation order */
    size_t n_rota;
    int per_day;       /* deputies of the rotation on duty each time */
    int64_t rota_from; /* day number the rotation counts from */
    int64_t created_at, updated_at;
    /* The notice rule (docs/RECEPTIONS.md "Notice"): the first day this
     * version governs (0: every day, a station's first schedule) and the day
     * the next version takes over (0: none, the current one). */
    int64_t effective_from, until;
};

enum yy_err store_reception_plan_get(struct db *db, struct arena *a, int64_t station_id,
                                     struct reception_plan *out, struct yy_error *e);
/* Creates or replaces the station's schedule and its rotation list as they
 * are, from p->effective_from on (no versions kept: the demo data). */
enum yy_err store_reception_plan_put_tx(struct db *db, const struct reception_plan *p, int64_t now,
                                        struct yy_error *e);

/* The versions of a station's schedule that govern days from from_day to
 * to_day, oldest first (none without a schedule). */
enum yy_err store_reception_plans(struct db *db, struct arena *a, int64_t station_id,
                                  int64_t from_day, int64_t to_day, struct reception_plan **out,
                                  size_t *n, struct yy_error *e);

/* What a schedule change did (store_reception_plan_change_tx). */
struct reception_change {
    int64_t effective_from; /* the first day the new version governs; 0: every
                             * day (the station had no schedule) */
    int64_t affected;       /* bookings (booked) on days from effective_from on
                             * that the new version does not hold (the day, or
                             * the slot) */
    int64_t *affected_days; /* their dates, distinct, in order */
    size_t n_affected_days;
};

/* A schedule change under the notice rule: the reception days up to
 * today + notice_days stay as the version in force announced them; p
 * governs from the day after (p->effective_from is set).  The replaced
 * version is kept for the days it still governs.  A station's first
 * schedule governs every day at once (nothing was announced).  Counts the
 * bookings the change leaves on days (or slots) it no longer holds.  Inside
 * the caller's transaction, under the station's row lock. */
enum yy_err store_reception_plan_change_tx(struct db *db, struct arena *a,
                                           const struct calendar *cal, struct reception_plan *p,
                                           int64_t today, int notice_days, int64_t now,
                                           struct reception_change *out, struct yy_error *e);

/* The next reception day of a station's schedule (the first whose window
 * has not ended at now, looking two years ahead), by the versions in force;
 * *found false when none (no schedule, or none held). */
enum yy_err store_reception_next(struct db *db, struct arena *a, const struct calendar *cal,
                                 int64_t station_id, int64_t now, struct reception_occurrence *out,
                                 bool *found, struct yy_error *e);

/* Explicit duty for one date: replaces the deputies on duty that day (n = 0
 * removes the override, the rotation applies again). */
enum yy_err store_reception_duty_set_tx(struct db *db, int64_t station_id, int64_t day,
                                        const int64_t *deputy_ids, size_t n, struct yy_error *e);

struct reception_deputy {
    int64_t id;
    const char *name;
};

/* One reception day of a station, as the public sees it. */
struct reception_day {
    int64_t station_id;
    struct reception_occurrence occ;
    struct reception_deputy *deputies; /* on duty */
    size_t n_deputies;
    bool explicit_duty; /* staff named them for this date (else the rotation) */
    const struct reception_plan *plan; /* the version that governs the day */
    int *booked;        /* per slot: places taken */
    size_t n_slots;
    int walk_ins;
};

/* The reception days of a station's schedule from from_day to to_day
 * (inclusive, at most RC_RANGE_MAX_DAYS apart), with the deputies on duty
 * and the places taken, each day by the version that governs it (d->plan;
 * an inactive version holds none).  No schedule: none.  *plan (may be NULL)
 * is set to the current version.  For the station pages and feeds
 * (iCalendar) alike. */
enum yy_err store_reception_days(struct db *db, struct arena *a, const struct calendar *cal,
                                 int64_t station_id, int64_t from_day, int64_t to_day,
                                 struct reception_plan *plan, struct reception_day **out, size_t *n,
                                 struct yy_error *e);
/* The reception days a deputy is on duty for, across stations, in date
 * order. */
enum yy_err store_reception_days_of_deputy(struct db *db, struct arena *a,
                                           const struct calendar *cal, int64_t deputy_id,
                                           int64_t from_day, int64_t to_day,
                                           struct reception_day **out, size_t *n,
                                           struct yy_error *e);

/* One deputy on duty on one reception day, for the duty reminders of the
 * sweep (store/remind.h). */
struct reception_duty_due {
    int64_t deputy_id;
    int64_t station_id;
    const char *station_name;
    int64_t day;
    int64_t starts_at, ends_at;
};

/* Every deputy on duty on a reception day of any station from from_day to
 * to_day whose window has not begun at now, by station and day. */
enum yy_err store_reception_duties_due(struct db *db, struct arena *a, const struct calendar *cal,
                                       int64_t from_day, int64_t to_day, int64_t now,
                                       struct reception_duty_due **out, size_t *n,
                                       struct yy_error *e);

/* The enabled logins on the staff of a station: street_staff of its street,
 * community_staff of its community (0: none), by id. */
enum yy_err store_reception_station_staff(struct db *db, struct arena *a, int64_t street_id,
                                          int64_t community_id, int64_t **out, size_t *n,
                                          struct yy_error *e);

/* A booking (kind "booking": a slot, a code) or a walk-in (kind "walk_in":
 * slot_minute -1, no code).  name and phone are personal data. */
struct reception_booking {
    int64_t id;
    int64_t station_id;
    int64_t day;
    const char *kind;
    int slot_minute; /* -1 for walk-ins */
    const char *code;
    const char *name, *phone; /* phone NULL when none */
    int64_t user_id;
    const char *note;
    const char *status; /* booked cancelled attended */
    int64_t created_at, updated_at;
};

/* Places taken in one slot (bookings not cancelled). */
enum yy_err store_reception_slot_taken(struct db *db, int64_t station_id, int64_t day, int slot,
                                       int *out, struct yy_error *e);
/* Whether a booking not cancelled exists that day at the station for phone
 * (when not NULL) or user_id (when not 0). */
enum yy_err store_reception_booked_by(struct db *db, int64_t station_id, int64_t day,
                                      const char *phone, int64_t user_id, bool *out,
                                      struct yy_error *e);
/* Inserts b (a booking gets a fresh code, drawn again when taken); sets
 * b->id and b->code. */
enum yy_err store_reception_booking_insert_tx(struct db *db, struct arena *a,
                                              struct reception_booking *b, struct yy_error *e);
enum yy_err store_reception_booking_by_code(struct db *db, struct arena *a, const char *code,
                                            struct reception_booking *out, struct yy_error *e);
enum yy_err store_reception_booking_get(struct db *db, struct arena *a, int64_t id,
                                        struct reception_booking *out, struct yy_error *e);
enum yy_err store_reception_booking_status_tx(struct db *db, int64_t id, const char *status,
                                              int64_t now, struct yy_error *e);
/* Bookings and walk-ins of one day, in order of slot and arrival. */
enum yy_err store_reception_bookings(struct db *db, struct arena *a, int64_t station_id,
                                     int64_t day, struct reception_booking **out, size_t *n,
                                     struct yy_error *e);

/* A reception record (接待记录): one per station and day. */
struct reception_record {
    int64_t id;
    int64_t station_id;
    int64_t day;
    int residents_received;
    const char *summary;
    int64_t recorded_by; /* user id */
    int64_t *deputy_ids; /* present */
    size_t n_deputies;
    int64_t *concern_ids; /* raised there (source reception) */
    size_t n_concerns;
    int64_t created_at;
};

/* YY_CONFLICT when the day already has its record, or a concern is linked
 * to another record.  Sets r->id. */
enum yy_err store_reception_record_insert_tx(struct db *db, struct reception_record *r,
                                             struct yy_error *e);
enum yy_err store_reception_record_get(struct db *db, struct arena *a, int64_t station_id,
                                       int64_t day, struct reception_record *out,
                                       struct yy_error *e);

#endif
