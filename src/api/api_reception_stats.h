/* api_reception_stats.h - the "receptions" section of GET /api/v1/stats
 * (reception days, 接待日; docs/STATS.md "Reception days"), written by the
 * stats handler with one call. */
#ifndef YOUYUE_API_RECEPTION_STATS_H
#define YOUYUE_API_RECEPTION_STATS_H

#include <stdint.h>

#include "core/jsonw.h"
#include "http/http.h"

/* Reads the period's reception days (China days from_day..to_day
 * inclusive, street_id 0 = all) and writes "receptions": {...} as the next
 * member of the object open in w.  On a read failure nothing is written
 * and the error is returned with req->err filled. */
enum yy_err api_stats_write_receptions(struct request *req, struct jsonw *w, int64_t from_day,
                                       int64_t to_day, int64_t street_id);

#endif
