/* suggestion.c - the suggestion state machine as a table; see suggestion.h.
 * Each row: in state FROM, ACTION by one of ACTORS leads to TO. */
#include "domain/suggestion.h"

#include <string.h>

#define UNIT (ACTOR_LEAD_UNIT | ACTOR_CO_UNIT)
#define SIGNER (ACTOR_AUTHOR | ACTOR_COSIGNER)
#define SUPERVISOR (ACTOR_ADMIN | ACTOR_LEADER | ACTOR_KEY_LEADER)
#define COUNCIL (ACTOR_ADMIN | ACTOR_LEADER)

const struct sg_transition sg_table[] = {
    /* a deputy drafts, co-signers sign, the author submits */
    {SG_DRAFT, SA_SUBMIT, ACTOR_AUTHOR, SG_SUBMITTED},
    {SG_DRAFT, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* screening (收集整理): accepted, or handled as a letter with a reason */
    {SG_SUBMITTED, SA_ACCEPT, ACTOR_ADMIN, SG_ACCEPTED},
    {SG_SUBMITTED, SA_RETURN_AS_LETTER, ACTOR_ADMIN, SG_RETURNED_AS_LETTER},
    {SG_SUBMITTED, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* assignment (交办) to lead and co units */
    {SG_ACCEPTED, SA_ASSIGN, ACTOR_ADMIN, SG_ASSIGNED},
    {SG_ACCEPTED, SA_MARK_KEY, COUNCIL, SG_SAME},
    {SG_ACCEPTED, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* handling (办理): the unit's first step moves it to in_handling */
    {SG_ASSIGNED, SA_REQUEST_RETURN, UNIT, SG_SAME},
    {SG_ASSIGNED, SA_DECIDE_RETURN, ACTOR_ADMIN, SG_SAME},
    {SG_ASSIGNED, SA_LOG_CONTACT, UNIT, SG_IN_HANDLING},
    {SG_ASSIGNED, SA_CO_OPINION, ACTOR_CO_UNIT, SG_IN_HANDLING},
    {SG_ASSIGNED, SA_REQUEST_EXTENSION, ACTOR_LEAD_UNIT, SG_IN_HANDLING},
    {SG_ASSIGNED, SA_DECIDE_EXTENSION, ACTOR_ADMIN, SG_SAME},
    {SG_ASSIGNED, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED},
    {SG_ASSIGNED, SA_MARK_KEY, COUNCIL, SG_SAME},
    {SG_ASSIGNED, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_ASSIGNED, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    {SG_IN_HANDLING, SA_REQUEST_RETURN, UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_DECIDE_RETURN, ACTOR_ADMIN, SG_SAME},
    {SG_IN_HANDLING, SA_LOG_CONTACT, UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_CO_OPINION, ACTOR_CO_UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_REQUEST_EXTENSION, ACTOR_LEAD_UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_DECIDE_EXTENSION, ACTOR_ADMIN, SG_SAME},
    {SG_IN_HANDLING, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED},
    {SG_IN_HANDLING, SA_MARK_KEY, COUNCIL, SG_SAME},
    {SG_IN_HANDLING, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_IN_HANDLING, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* the reply (答复) is rated by the deputy; 不满意 sends it back */
    {SG_REPLIED, SA_EVALUATE, ACTOR_AUTHOR, SG_EVALUATED},
    {SG_REPLIED, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_REPLIED, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},

    {SG_REHANDLING, SA_LOG_CONTACT, UNIT, SG_SAME},
    {SG_REHANDLING, SA_CO_OPINION, ACTOR_CO_UNIT, SG_SAME},
    {SG_REHANDLING, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED},
    {SG_REHANDLING, SA_SUPERVISE, SUPERVISOR, SG_SAME},

    /* what a B or C reply promised is followed until done, across years */
    {SG_EVALUATED, SA_FOLLOW_UP, ACTOR_LEAD_UNIT, SG_FOLLOWING_UP},
    {SG_EVALUATED, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_EVALUATED, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},
    {SG_EVALUATED, SA_CLOSE, ACTOR_ADMIN, SG_CLOSED},

    {SG_FOLLOWING_UP, SA_FOLLOW_UP, ACTOR_LEAD_UNIT, SG_SAME},
    {SG_FOLLOWING_UP, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_FOLLOWING_UP, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},
    {SG_FOLLOWING_UP, SA_CLOSE, ACTOR_ADMIN, SG_CLOSED},

    {SG_CLOSED, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},
};
const size_t sg_table_n = sizeof(sg_table) / sizeof(sg_table[0]);

static const char *const state_names[SG_STATE_COUNT] = {
    "draft",    "submitted", "accepted",   "returned_as_letter", "assigned", "in_handling",
    "replied",  "evaluated", "rehandling", "following_up",       "closed",   "withdrawn",
};

static const char *const state_labels[SG_STATE_COUNT] = {
    "草稿",   "已提交", "已受理",   "作为来信处理", "已交办", "办理中",
    "已答复", "已评价", "重新办理", "跟踪落实",     "已办结", "已撤回",
};

static const char *const action_names[SA_ACTION_COUNT] = {
    "submit",         "withdraw",       "accept",          "return_as_letter",
    "assign",         "request_return", "decide_return",   "log_contact",
    "co_opinion",     "request_extension", "decide_extension", "reply",
    "evaluate",       "follow_up",      "mark_key",        "supervise",
    "publish",        "close",
};

const char *sg_state_name(enum sg_state s)
{
    return (unsigned)s < SG_STATE_COUNT ? state_names[s] : "unknown";
}

const char *sg_state_label_zh(enum sg_state s)
{
    return (unsigned)s < SG_STATE_COUNT ? state_labels[s] : "未知";
}

bool sg_state_from_name(const char *s, enum sg_state *out)
{
    for (int i = 0; s && i < SG_STATE_COUNT; i++) {
        if (!strcmp(s, state_names[i])) {
            *out = (enum sg_state)i;
            return true;
        }
    }
    return false;
}

const char *sg_action_name(enum sg_action a)
{
    return (unsigned)a < SA_ACTION_COUNT ? action_names[a] : "unknown";
}

bool sg_action_from_name(const char *s, enum sg_action *out)
{
    for (int i = 0; s && i < SA_ACTION_COUNT; i++) {
        if (!strcmp(s, action_names[i])) {
            *out = (enum sg_action)i;
            return true;
        }
    }
    return false;
}

void sg_decide(enum sg_state from, enum sg_action action, unsigned actors,
               struct sg_decision *out)
{
    memset(out, 0, sizeof(*out));
    bool in_state = false, permitted = false;
    for (size_t i = 0; i < sg_table_n; i++) {
        const struct sg_transition *t = &sg_table[i];
        if (t->from != from)
            continue;
        if (t->actors & actors) {
            bool seen = false;
            for (size_t k = 0; k < out->n_allowed; k++)
                if (out->allowed[k] == t->action)
                    seen = true;
            if (!seen)
                out->allowed[out->n_allowed++] = t->action;
        }
        if (t->action == action) {
            in_state = true;
            if (t->actors & actors) {
                permitted = true;
                out->to = t->to;
            }
        }
    }
    out->result = !in_state ? YY_CONFLICT : permitted ? YY_OK : YY_FORBIDDEN;
}
