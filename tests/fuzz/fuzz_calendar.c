/* fuzz_calendar.c - the working-day calendar file parser (an office's
 * YYYY.txt, outside input).  Invariants on success: one year added, its
 * special days sorted, inside the year, make-up days on weekends; on failure
 * the calendar is unchanged and the error has a code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/workdays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct calendar c;
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    calendar_init(&c);
    enum yy_err rc = calendar_add_text(&c, &a, "fuzz.txt", (const char *)data, size, &e);
    if (rc == YY_OK) {
        if (c.n_years != 1)
            abort();
        const struct calendar_year *y = &c.years[0];
        for (size_t i = 0; i + 1 < y->n_off; i++)
            if (y->off[i] >= y->off[i + 1])
                abort();
        for (size_t i = 0; i < y->n_work; i++) {
            int64_t yy;
            unsigned m, d;
            time_civil_from_days(y->work[i], &yy, &m, &d);
            if (yy != y->year || calendar_is_working_day(&c, y->work[i], NULL) != true)
                abort();
        }
        /* deadlines stay finite and move forward */
        int64_t start = time_days_from_civil(y->year, 1, 1);
        if (deadline_add_working_days(&c, start, 10, NULL) <= start)
            abort();
        if (deadline_add_months(&c, start, 3, NULL) <= start)
            abort();
    } else if (c.n_years != 0 || !e.code) {
        abort();
    }
    arena_release(&a);
    return 0;
}
