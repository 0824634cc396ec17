/* metrics.h - request counters and latency histograms per route, in the
 * Prometheus text format.  Lock-free (atomic counters); routes are known at
 * start-up, so the table is sized once. */
#ifndef YOUYUE_HTTP_METRICS_H
#define YOUYUE_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/router.h"

/* Sizes the table for the router's routes plus one "unmatched" slot. Call once
 * before serving; returns non-zero on allocation failure. */
int metrics_init(const struct router *r);
void metrics_release(void);
/* Records one request; route may be NULL (unmatched). */
void metrics_observe(const struct route *route, int status, uint64_t micros);
/* Appends the exposition text. */
void metrics_render(struct buf *out);

#endif
