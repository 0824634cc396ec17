/* cache.h - shared responses: a bounded, thread-safe cache of JSON bodies for
 * public GET lists, and entity tags (ETag / If-None-Match -> 304).
 *
 * What may be cached: a response whose bytes depend only on the route, the raw
 * query string and the data - never on the caller or the clock.  The station
 * list, the unit list and the regions qualify; the deputy list only for
 * callers who see no private field (anonymous, or neither admin nor deputy);
 * a station's page does not (next_reception_day moves with the date, and it
 * lists deputies).
 *
 * Invalidation is exact, not timed: every entry carries the db_data_version()
 * read before its query ran and is served only while that value is the
 * current one, so a commit by this process or by another (a `youyue import`
 * beside the server) is visible on the very next request.  Where the store
 * cannot tell (PostgreSQL: version 0) nothing is cached, but ETags still work.
 *
 * Bounds: CACHE_MAX_ENTRIES entries and CACHE_MAX_BYTES of bodies, least
 * recently used evicted first; a body over a quarter of the byte bound is not
 * kept.  One mutex guards the table; a hit copies the body under it.
 */
#ifndef YOUYUE_API_CACHE_H
#define YOUYUE_API_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

#define CACHE_MAX_ENTRIES 512
#define CACHE_MAX_BYTES ((size_t)8 * 1024 * 1024)
/* "…" around 32 hex digits (BLAKE2b-128 of the body), with the NUL. */
#define CACHE_ETAG_LEN 35

struct cache;

/* ---- the table ------------------------------------------------------------- */

/* A cache bounded by max_entries (>= 1) and max_bytes.  NULL when out of
 * memory.  Freed with cache_free (NULL is fine). */
struct cache *cache_new(size_t max_entries, size_t max_bytes);
void cache_free(struct cache *c);

/* On a hit - key present and stored for this very version, version != 0 -
 * appends the body to out, copies its ETag into etag and returns true.  An
 * entry for another version is dropped.  False on a miss, and when out cannot
 * take the body (out is then unchanged). */
bool cache_get(struct cache *c, const char *key, uint64_t version, struct buf *out,
               char etag[CACHE_ETAG_LEN]);
/* Stores a copy of body under key for version, replacing what key held;
 * version 0 or a body too large stores nothing.  Out of memory is not an
 * error: the entry is just not kept. */
void cache_put(struct cache *c, const char *key, uint64_t version, const char *body, size_t len,
               const char etag[CACHE_ETAG_LEN]);
/* Entries and body bytes held now (for tests and metrics). */
void cache_stats(struct cache *c, size_t *entries, size_t *bytes);

/* The strong entity tag of a body: a quoted hash of its bytes. */
void cache_etag(const char *body, size_t len, char etag[CACHE_ETAG_LEN]);
/* True when an If-None-Match header value (a list of tags, weak or strong,
 * or "*") matches etag under the weak comparison RFC 9110 §13.1.2 asks for. */
bool cache_etag_matches(const char *if_none_match, const char *etag);

/* ---- for handlers ---------------------------------------------------------- */

/* Runs the GET handler fn through the app's cache: with shareable true the
 * body is served from and stored in the cache under route pattern + "?" + raw
 * query; only 200 answers are stored, and X-Cache says "hit" or "miss" (no
 * X-Cache: not cacheable here).  Either way a 200 gets an ETag header, and a
 * request whose If-None-Match matches it gets 304 with no body.
 * Returns what fn returns (YY_OK on a hit). */
enum yy_err api_cached(struct request *req, struct response *res, route_fn fn, bool shareable);

#endif
