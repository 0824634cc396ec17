/* record.h (store) - the rows of a deputy's work record (履职档案,
 * docs/RECORD.md): counts over a period and the newest items of each kind.
 * The rules (outcomes, who sees what) are domain/record.h; these functions
 * only read.  Periods are unix seconds [from, to).
 */
#ifndef YOUYUE_STORE_RECORD_H
#define YOUYUE_STORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/record.h"
#include "store/db.h"

struct record_period {
    int64_t deputy_id;
    int64_t from, to;         /* unix seconds, [from, to) */
    int64_t from_day, to_day; /* the same as China days, both inclusive */
};

/* Counts activities attended, receptions held, concerns claimed (concern_claims.claimed_at in the period),
 * suggestions signed (submitted in the period; drafts never), their lead
 * replies per class and their latest evaluations into s. */
enum yy_err store_record_counts(struct db *db, struct arena *a, const struct record_period *p,
                                struct record_summary *s, struct yy_error *e);

/* A concern the deputy claimed (listed in the full view only). */
struct record_concern {
    int64_t id;
    const char *title, *category, *status;
    int64_t claimed_at, resolved_at; /* 0: not resolved */
    const char *rating;              /* NULL: not rated */
    int64_t suggestion_id;           /* 0: not converted */
};
/* The newest max claims of the period, newest first. */
enum yy_err store_record_concerns(struct db *db, struct arena *a, const struct record_period *p,
                                  size_t max, struct record_concern **out, size_t *n,
                                  struct yy_error *e);

/* A suggestion the deputy signed. */
struct record_suggestion {
    int64_t id;
    const char *title, *category, *status;
    bool author; /* else co-signer */
    bool published, key;
    int64_t submitted_at, replied_at; /* replied_at 0: no reply yet */
    const char **reply_classes;       /* the lead units' reply classes, by unit id */
    size_t n_reply_classes;
    const char *attitude, *result; /* the latest evaluation; NULL: none */
};
/* The newest max suggestions of the period (by submission), newest first;
 * published_only for the public view. */
enum yy_err store_record_suggestions(struct db *db, struct arena *a, const struct record_period *p,
                                     bool published_only, size_t max,
                                     struct record_suggestion **out, size_t *n,
                                     struct yy_error *e);

/* An activity the deputy attended (activity_deputies.attended), held
 * (open or closed, never a draft or a cancelled one) and starting in the
 * period. */
struct record_activity {
    int64_t id;
    const char *kind, *title, *status;
    int64_t starts_at, ends_at;
    int64_t station_id;       /* 0: another venue */
    const char *station_name; /* NULL without a station */
    const char *venue;        /* "" when none */
};
/* The newest max of the period, by start, newest first. */
enum yy_err store_record_activities(struct db *db, struct arena *a, const struct record_period *p,
                                    size_t max, struct record_activity **out, size_t *n,
                                    struct yy_error *e);

/* A reception day the deputy was recorded present at (接待记录,
 * reception_record_deputies), its day in the period. */
struct record_reception {
    int64_t id; /* the reception record */
    int64_t station_id;
    const char *station_name;
    int64_t day;
    int64_t residents_received;
    int64_t concerns; /* concerns raised there */
    const char *summary; /* what was discussed: the full view only */
};
/* The newest max of the period, newest first. */
enum yy_err store_record_receptions(struct db *db, struct arena *a, const struct record_period *p,
                                    size_t max, struct record_reception **out, size_t *n,
                                    struct yy_error *e);

#endif
