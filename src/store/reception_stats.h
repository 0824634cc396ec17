/* reception_stats.h (store) - the rows of the dashboard's receptions
 * section (domain/reception_stats.h, docs/STATS.md "Reception days"). */
#ifndef YOUYUE_STORE_RECEPTION_STATS_H
#define YOUYUE_STORE_RECEPTION_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/reception_stats.h"
#include "store/db.h"

/* Every station and China day from from_day to to_day (inclusive) with a
 * reception record or a booking (or walk-in), of stations in street
 * street_id (0 = any), with the record's figures and the bookings' counts,
 * by day and station. */
enum yy_err store_reception_stats_rows(struct db *db, struct arena *a, int64_t from_day,
                                       int64_t to_day, int64_t street_id,
                                       struct rec_stats_row **out, size_t *n, struct yy_error *e);

/* Distinct deputies the reception records of the period list present. */
enum yy_err store_reception_stats_deputies(struct db *db, int64_t from_day, int64_t to_day,
                                           int64_t street_id, int64_t *out, struct yy_error *e);

/* Concerns raised at reception days (source reception) in [from, to) (unix
 * seconds), merged ones left out: how many, and how many resolved. */
enum yy_err store_reception_stats_concerns(struct db *db, int64_t from, int64_t to,
                                           int64_t street_id, int64_t *raised, int64_t *resolved,
                                           struct yy_error *e);

#endif
