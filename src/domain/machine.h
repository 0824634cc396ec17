/* machine.h - what the domain's state machines written as tables share:
 * looking a name up in an enum's table of names (suggestion.c, concern.c,
 * activity.c), and reading the rows of a transition table that apply to a
 * caller in a state into a decision (suggestion.c, concern.c; activity.c
 * decides differently: it reports the guards that failed).  Pure. */
#ifndef YOUYUE_DOMAIN_MACHINE_H
#define YOUYUE_DOMAIN_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* The index of s in names[0..n) into *out; NULL entries (values without a
 * name) never match.  False when s is NULL or not there. */
bool name_find(const char *const *names, size_t n, const char *s, int *out);

/* In pairs[0..n) of {key, value}, the value of key; NULL when key is NULL or
 * not there. */
const char *name_pair_value(const char *const (*pairs)[2], size_t n, const char *key);

/* A decision being read from a transition table, row by row. */
struct sm_scan {
    uint64_t listed; /* bit per action: already in the caller's allowed list */
    bool in_state;   /* a row for the action asked for applies */
    bool permitted;  /* ... and the caller is one of its actors */
    int to;          /* then: the row's next state */
};

/* Feeds one row that applies now (its state is the current one, its guards
 * hold) into s: the row has row_action, row_actors and row_to; the caller
 * asks for action and is actors.  True when row_action is one more action
 * the caller may take now: the caller appends it to its allowed list, which
 * so lists each action once, in the table's order. */
bool sm_scan_row(struct sm_scan *s, int row_action, unsigned row_actors, int row_to, int action,
                 unsigned actors);

/* The decision's result once every row is fed: YY_OK; YY_CONFLICT when no
 * row for the action applies (not in this state, or a guard fails);
 * YY_FORBIDDEN when one does, but not for this caller. */
enum yy_err sm_scan_result(const struct sm_scan *s);

#endif
