/* suggestion.h - the life of a deputy suggestion (代表建议, DOMAIN.md §5) as a
 * state machine written as a table.  Pure: the caller says who is acting
 * (as a set of relations to the suggestion) and the table says whether the
 * action is allowed now and where it leads.
 *
 *   draft → submitted → (returned_as_letter | accepted) → assigned →
 *   in_handling → replied → evaluated → (rehandling → replied) →
 *   following_up → closed;  withdrawn from any state before a reply.
 *
 * "key" (重点督办) and "published" (网上晒) are flags, not states.
 */
#ifndef YOUYUE_DOMAIN_SUGGESTION_H
#define YOUYUE_DOMAIN_SUGGESTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum sg_state {
    SG_DRAFT,
    SG_SUBMITTED,
    SG_ACCEPTED,
    SG_RETURNED_AS_LETTER,
    SG_ASSIGNED,
    SG_IN_HANDLING,
    SG_REPLIED,
    SG_EVALUATED,
    SG_REHANDLING,
    SG_FOLLOWING_UP,
    SG_CLOSED,
    SG_WITHDRAWN,
};
#define SG_STATE_COUNT 12

enum sg_action {
    SA_SUBMIT,
    SA_WITHDRAW,
    SA_ACCEPT,
    SA_RETURN_AS_LETTER,
    SA_ASSIGN,
    SA_REQUEST_RETURN,
    SA_DECIDE_RETURN,
    SA_LOG_CONTACT,
    SA_CO_OPINION,
    SA_REQUEST_EXTENSION,
    SA_DECIDE_EXTENSION,
    SA_REPLY,
    SA_EVALUATE,
    SA_FOLLOW_UP,
    SA_MARK_KEY,
    SA_SUPERVISE,
    SA_PUBLISH,
    SA_CLOSE,
};
#define SA_ACTION_COUNT 18

/* Who the caller is to this suggestion: a set of bits, worked out by the
 * caller from roles and scopes (a deputy who wrote it, a unit it is
 * assigned to as lead, ...). */
enum sg_actor {
    ACTOR_AUTHOR = 1 << 0,    /* the deputy who drafted it */
    ACTOR_COSIGNER = 1 << 1,  /* a deputy who co-signed it */
    ACTOR_ADMIN = 1 << 2,     /* the office (代表工委) */
    ACTOR_LEADER = 1 << 3,    /* a member of the chairperson's council */
    ACTOR_KEY_LEADER = 1 << 4,/* the leader supervising this key suggestion */
    ACTOR_LEAD_UNIT = 1 << 5, /* staff of a lead unit (主办) it is assigned to */
    ACTOR_CO_UNIT = 1 << 6,   /* staff of a co-handling unit (协办) */
};

/* The state an action leaves the suggestion in; SG_SAME for actions that
 * record something without moving it (contact log, supervision note). */
#define SG_SAME (-1)

struct sg_transition {
    enum sg_state from;
    enum sg_action action;
    unsigned actors; /* any of these may act */
    int to;          /* an enum sg_state, or SG_SAME */
};

const char *sg_state_name(enum sg_state s);
const char *sg_state_label_zh(enum sg_state s);
bool sg_state_from_name(const char *s, enum sg_state *out);
const char *sg_action_name(enum sg_action a);
bool sg_action_from_name(const char *s, enum sg_action *out);

/* The outcome of asking the table. */
struct sg_decision {
    enum yy_err result;   /* YY_OK, YY_CONFLICT (not in this state) or
                           * YY_FORBIDDEN (in this state, but not by this caller) */
    int to;               /* next state or SG_SAME, when YY_OK */
    size_t n_allowed;     /* actions this caller may take in this state (for 409) */
    enum sg_action allowed[SA_ACTION_COUNT];
};

/* Looks action up for a suggestion in state from, by a caller with actor
 * bits.  Never fails otherwise; guards that depend on dates and data (the
 * 7-working-day window for a return request, one extension only, a contact
 * logged before the reply ...) are the sg_guard_* functions below. */
void sg_decide(enum sg_state from, enum sg_action action, unsigned actors,
               struct sg_decision *out);

/* The whole table, for documentation and tests. */
extern const struct sg_transition sg_table[];
extern const size_t sg_table_n;

#endif
