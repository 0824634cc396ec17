/* timeutil.h - wall-clock time as the platform shows it: RFC 3339 in China
 * Standard Time (+08:00, no daylight saving since 1991), and monotonic time
 * for measuring. */
#ifndef YOUYUE_TIMEUTIL_H
#define YOUYUE_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define TIME_RFC3339_LEN 26 /* "2026-11-27T09:30:00+08:00" plus NUL */
#define TIME_CST_OFFSET (8 * 3600)

/* Seconds since the epoch; YOUYUE_NOW (seconds) overrides it for tests. */
int64_t time_now(void);
uint64_t time_monotonic_us(void);
/* Formats unix seconds as RFC 3339 at +08:00 into out[TIME_RFC3339_LEN]. */
void time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
/* Parses "YYYY-MM-DDTHH:MM:SS(.fff)?(Z|+HH:MM|-HH:MM)"; false when malformed
 * or out of range. */
bool time_parse_rfc3339(const char *s, int64_t *out);
/* Days since 1970-01-01 for a civil date (proleptic Gregorian), and back. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);
void time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
