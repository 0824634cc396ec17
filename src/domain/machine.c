/* machine.c - see machine.h. */
#include "domain/machine.h"

#include <assert.h>
#include <string.h>

bool name_find(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++) {
        if (names[i] && !strcmp(s, names[i])) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

const char *name_pair_value(const char *const (*pairs)[2], size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(key, pairs[i][0]))
            return pairs[i][1];
    return NULL;
}

bool sm_scan_row(struct sm_scan *s, int row_action, unsigned row_actors, int row_to, int action,
                 unsigned actors)
{
    assert(row_action >= 0 && row_action < 64);
    bool may = (row_actors & actors) != 0;
    if (row_action == action) {
        s->in_state = true;
        if (may) {
            s->permitted = true;
            s->to = row_to;
        }
    }
    uint64_t bit = (uint64_t)1 << row_action;
    if (!may || (s->listed & bit))
        return false;
    s->listed |= bit;
    return true;
}

enum yy_err sm_scan_result(const struct sm_scan *s)
{
    return !s->in_state ? YY_CONFLICT : s->permitted ? YY_OK : YY_FORBIDDEN;
}
