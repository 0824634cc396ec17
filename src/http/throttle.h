/* throttle.h - fixed-window counters per key (client address, login), for
 * login throttling and the anonymous write rate.  Kept in memory: a restart
 * forgets them, which only ever loosens the limit for a minute.  Thread-safe;
 * bounded (a full table evicts the entry whose window is oldest). */
#ifndef YOUYUE_HTTP_THROTTLE_H
#define YOUYUE_HTTP_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct throttle;

/* limit events per window_secs. Returns NULL when out of memory. */
struct throttle *throttle_new(unsigned limit, unsigned window_secs);
void throttle_free(struct throttle *t);
/* Counts one event for key at now; false when key is over its limit (the
 * event is still counted). */
bool throttle_hit(struct throttle *t, const char *key, int64_t now);
/* True when key may act now, without counting anything. */
bool throttle_allowed(struct throttle *t, const char *key, int64_t now);
/* Forgets key (after a successful login). */
void throttle_reset(struct throttle *t, const char *key);

#endif
