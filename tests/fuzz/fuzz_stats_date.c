/* fuzz_stats_date.c - libFuzzer target for stats_parse_date(), which reads
 * the from= and to= of GET /api/v1/stats.
 *
 * Invariants: a day is only set on success; a parsed day is in 2000..2100
 * and formats (table_format_day) back to exactly the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/table.h"
#include "core/timeutil.h"
#include "domain/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64)
        return 0;
    char s[65];
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t day = INT64_MIN;
    if (!stats_parse_date(s, &day)) {
        if (day != INT64_MIN)
            abort();
        return 0;
    }
    if (day < time_days_from_civil(2000, 1, 1) || day > time_days_from_civil(2100, 12, 31))
        abort();
    char out[11];
    table_format_day(day, out);
    if (strcmp(out, s) != 0)
        abort();
    return 0;
}
