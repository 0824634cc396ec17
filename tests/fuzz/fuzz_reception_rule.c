/* fuzz_reception_rule.c - libFuzzer target for reception_rule_parse() (a
 * station's free-text reception-day rule, from imports and the registry API)
 * and the dates, times and codes the reception API reads from paths and bodies
 * (reception_parse_date, reception_parse_hm, reception_code_normalize).
 *
 * Invariants: a parsed rule validates, has at least one slot, and gives a next
 * reception day (without a calendar) that ends after now and starts on the
 * rule's own minute; a parsed date or time formats back to the same text
 * (zero-padded input); a normalised code is 8 characters of the alphabet. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/reception.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char s[257];
    memcpy(s, data, size);
    s[size] = '\0';

    struct reception_schedule r;
    if (reception_rule_parse(s, &r)) {
        struct yy_error e;
        if (reception_schedule_validate(&r, &e) != YY_OK || reception_slot_count(&r) < 1)
            abort();
        const int64_t now = 1788220800; /* 2026-09-01T08:00:00+08:00 */
        struct reception_occurrence o;
        if (reception_next_occurrence(&r, NULL, now, &o)) {
            if (o.ends_at <= now || o.starts_at >= o.ends_at ||
                o.starts_at != day_start(o.day) + (int64_t)r.start_minute * 60 || !o.provisional)
                abort();
        }
    }

    int64_t day;
    if (reception_parse_date(s, &day)) {
        char back[11];
        reception_format_date(day, back);
        if (strcmp(back, s) != 0)
            abort();
    }
    int minute;
    if (reception_parse_hm(s, &minute)) {
        if (minute < 0 || minute >= 24 * 60)
            abort();
        char back[6];
        reception_format_hm(minute, back);
        if (strlen(s) == 5 && strcmp(back, s) != 0) /* "HH:MM" is the only 5-byte form */
            abort();
    }
    char code[RC_CODE_LEN + 1];
    if (reception_code_normalize(s, code) && strlen(code) != RC_CODE_LEN)
        abort();
    return 0;
}
