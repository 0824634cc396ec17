/* fuzz_time.c - libFuzzer target for time_parse_rfc3339() and
 * reception_next(), both fed text from outside (API bodies, station rules).
 *
 * Invariants: a parsed time inside 0000..9999 formats as RFC 3339 at +08:00
 * and parses back to itself; reception_next only succeeds with a slot that
 * ends after now, starts on a whole minute before it ends, lasts less than a
 * day, and lies at most 14 months ahead. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_T INT64_C(253402271999) /* 9999-12-31T23:59:59+08:00 */

static void check_parse(const char *s)
{
    int64_t t = INT64_MIN;
    if (!time_parse_rfc3339(s, &t)) {
        if (t != INT64_MIN)
            abort(); /* untouched on failure */
        return;
    }
    if (t < 0 || t > MAX_T)
        return; /* a valid instant the +08:00 form cannot show in 1970..9999 */
    char out[TIME_RFC3339_LEN];
    time_format_rfc3339(t, out);
    if (strlen(out) != TIME_RFC3339_LEN - 1 || strcmp(out + 19, "+08:00") != 0)
        abort();
    int64_t back = INT64_MIN;
    if (!time_parse_rfc3339(out, &back) || back != t)
        abort();
}

static void check_reception(const char *rule, int64_t now)
{
    int64_t start = INT64_MIN, end = INT64_MIN;
    if (!reception_next(rule, now, &start, &end))
        return;
    if (end <= now || start >= end || end - start >= 86400 || start % 60 != 0 || end % 60 != 0)
        abort();
    if (start - now > (int64_t)14 * 31 * 86400)
        abort();
    /* The next slot after this one ends later. */
    int64_t s2, e2;
    if (reception_next(rule, end, &s2, &e2) && (s2 <= start || e2 <= end))
        abort();
    /* Asking again just before the slot ends gives the same slot. */
    if (!reception_next(rule, end - 1, &s2, &e2) || s2 != start || e2 != end)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    check_parse(s);

    /* The first 5 bytes also choose "now" (within 1970..9999). */
    uint64_t raw = 0;
    for (size_t i = 0; i < size && i < 5; i++)
        raw = raw << 8 | data[i];
    int64_t now = (int64_t)(raw * 2311 % (uint64_t)(MAX_T - 400LL * 86400));
    check_reception(s, now);
    check_reception(s, 1795743000); /* 2026-11-27T09:30:00+08:00 */
    if (size > 5)
        check_reception(s + 5, now);

    free(s);
    return 0;
}
