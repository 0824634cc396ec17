/* ttl_cache.h - a short-lived cache of computed answers, for responses that
 * are expensive to compute and may be a little stale: the dashboard's
 * figures (GET /api/v1/stats, docs/STATS.md).
 *
 * Unlike api/cache.h (exact: an entry lives while the data version is
 * unchanged), an entry here lives for a fixed time (the TTL) whatever is
 * written meanwhile, so it serves on PostgreSQL too and under a steady
 * stream of writes.  The answer must say itself when it was computed (the
 * stats' as_of), since a hit returns those bytes unchanged.
 *
 * Single flight: while one caller computes the answer for a key, the others
 * asking for the same key wait for it and take its bytes, so a burst of
 * misses computes once.  If the computation fails, a waiter takes over.
 *
 * Bounds: max_entries keys and max_bytes of bodies, least recently used
 * evicted first; a body over a quarter of max_bytes is not kept.  One mutex
 * guards the table; the computation runs outside it.
 */
#ifndef YOUYUE_API_TTL_CACHE_H
#define YOUYUE_API_TTL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct ttl_cache;

/* The dashboard's cache (serve --stats-ttl): a few periods and streets in
 * use at a time, answers of about 10-20 KB. */
#define STATS_CACHE_ENTRIES 64
#define STATS_CACHE_BYTES ((size_t)4 * 1024 * 1024)

/* A cache whose entries live ttl_ms milliseconds (> 0), of at most
 * max_entries (>= 1) keys and max_bytes of bodies.  NULL when out of memory
 * or ttl_ms <= 0.  Freed with ttl_cache_free (NULL is fine); nobody may be
 * inside ttl_cache_fetch then. */
struct ttl_cache *ttl_cache_new(int64_t ttl_ms, size_t max_entries, size_t max_bytes);
void ttl_cache_free(struct ttl_cache *c);

/* Writes the answer for key into out (appending), ctx is fn's. */
typedef enum yy_err (*ttl_compute_fn)(void *ctx, struct buf *out, struct yy_error *e);

/* Appends to out the body stored under key when it was computed less than
 * the TTL before now_ms (a monotonic clock in milliseconds); else computes
 * it with fn into out and keeps a copy.  *hit tells whether the bytes came
 * from an earlier computation (the cache, or another caller's computation
 * this one waited for).  Returns what fn returns; a failed computation
 * keeps nothing.  With c NULL, fn just runs. */
enum yy_err ttl_cache_fetch(struct ttl_cache *c, const char *key, int64_t now_ms,
                            ttl_compute_fn fn, void *ctx, struct buf *out, bool *hit,
                            struct yy_error *e);

/* Keys and body bytes held now, and callers waiting for a computation
 * (for tests and metrics). */
void ttl_cache_stats(struct ttl_cache *c, size_t *entries, size_t *bytes, size_t *waiting);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t ttl_cache_now_ms(void);

#endif
