/* activity_stats.h (store) - the rows of the dashboard's activities section
 * (domain/activity_stats.h, docs/STATS.md "Activities"). */
#ifndef YOUYUE_STORE_ACTIVITY_STATS_H
#define YOUYUE_STORE_ACTIVITY_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/activity_stats.h"
#include "store/db.h"

/* Every activity but drafts starting in [from, to) (unix seconds), of street
 * street_id (0 = any), with its attendances and check-ins, by start. */
enum yy_err store_activity_stats_rows(struct db *db, struct arena *a, int64_t from, int64_t to,
                                      int64_t street_id, struct act_stats_row **out, size_t *n,
                                      struct yy_error *e);

/* Distinct deputies recorded present at held activities (open or closed,
 * started before now) of the period. */
enum yy_err store_activity_stats_deputies(struct db *db, int64_t from, int64_t to,
                                          int64_t street_id, int64_t now, int64_t *out,
                                          struct yy_error *e);

/* Concerns raised at activities (source activity) in the period: how many,
 * and how many resolved (on the spot or later). */
enum yy_err store_activity_stats_concerns(struct db *db, int64_t from, int64_t to,
                                          int64_t street_id, int64_t *raised, int64_t *resolved,
                                          struct yy_error *e);

#endif
