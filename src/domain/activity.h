/* activity.h - 代表有约 activities (DOMAIN.md §3, §6): the six kinds, the
 * statuses and the actions as a state machine written as a table, the
 * validation of what staff send when they plan one, the notice rule, check-in
 * codes and the waiting-list rule.  Pure: no I/O (check-in codes draw on
 * libsodium's random numbers).  See docs/ACTIVITIES.md.
 *
 *   draft ──open (≥ notice days ahead)──▶ open ──close {minutes} (after it ended)──▶ closed
 *     │                                   │ ├─check_in (registrants, while it has not ended)
 *     │                                   │ ├─record_attendance, add_qa (once it has started)
 *     └──cancel (before it ends)──▶ cancelled ◀──cancel──┘
 *
 * The caller says who it is to the activity as a set of actor bits; the table
 * says whether the action is allowed in the current status and where it
 * leads.  Guards that depend on the clock (notice given, started, ended) are
 * facts the caller passes in; a failed guard counts as "not now" (409).
 */
#ifndef YOUYUE_DOMAIN_ACTIVITY_H
#define YOUYUE_DOMAIN_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* ---- kinds ------------------------------------------------------------------ */

enum act_kind {
    AK_LEARN,     /* 共学: policy, law */
    AK_TALK,      /* 共话: forums, Q&A with departments */
    AK_BUILD,     /* 共建: joint projects */
    AK_SUPERVISE, /* 共督: inspections, supervising departments */
    AK_EVALUATE,  /* 共评: residents and deputies rate departments */
    AK_SHARE,     /* 共享: results */
};
#define AK_COUNT 6

const char *act_kind_name(enum act_kind k);
const char *act_kind_label_zh(enum act_kind k); /* 共学 共话 ... */
bool act_kind_from_name(const char *s, enum act_kind *out);

/* ---- the state machine ---------------------------------------------------------- */

enum act_state {
    AS_DRAFT,     /* planned, not yet published: staff only */
    AS_OPEN,      /* published (notice posted): registration open until it starts */
    AS_CLOSED,    /* held, with its record (minutes) */
    AS_CANCELLED, /* called off, with a reason; its registrations are cancelled */
};
#define AS_STATE_COUNT 4

enum act_action {
    AA_OPEN,
    AA_CANCEL,
    AA_CHECK_IN,
    AA_RECORD_ATTENDANCE,
    AA_ADD_QA,
    AA_CLOSE,
};
#define AA_ACTION_COUNT 6

/* Who the caller is to one activity. */
enum act_actor {
    ACT_ACTOR_ADMIN = 1 << 0,     /* the office: every activity */
    ACT_ACTOR_STREET = 1 << 1,    /* street staff of the activity's street */
    ACT_ACTOR_COMMUNITY = 1 << 2, /* community staff of the activity's community */
    ACT_ACTOR_UNIT = 1 << 3,      /* staff of a unit invited to it (answers on the spot) */
    ACT_ACTOR_DEPUTY = 1 << 4,    /* a deputy invited to it: sees, plans nothing */
    ACT_ACTOR_OBSERVER = 1 << 5,  /* anyone else who may see it (the public when published) */
};
#define ACT_ACTOR_STAFF (ACT_ACTOR_ADMIN | ACT_ACTOR_STREET | ACT_ACTOR_COMMUNITY)

/* Guards: conditions on the clock a row needs besides the status. */
enum act_guard {
    ACT_G_NOTICE = 1 << 0,    /* at least the notice days remain before it starts */
    ACT_G_STARTED = 1 << 1,   /* it has started */
    ACT_G_NOT_ENDED = 1 << 2, /* it has not ended */
    ACT_G_ENDED = 1 << 3,     /* it has ended */
};

struct act_facts {
    bool notice_ok; /* starts_at - now >= notice days */
    bool started;   /* now >= starts_at */
    bool ended;     /* now >= ends_at */
};

/* The facts of an activity at now with the notice rule of notice_days. */
struct act_facts act_facts_at(int64_t starts_at, int64_t ends_at, int64_t now, int64_t notice_days);

#define AS_SAME (-1)

struct act_transition {
    enum act_state from;
    enum act_action action;
    unsigned actors; /* any of these may act */
    unsigned guards; /* all of these must hold (enum act_guard bits) */
    int to;          /* an enum act_state, or AS_SAME */
};

extern const struct act_transition act_table[];
extern const size_t act_table_n;

struct act_decision {
    enum yy_err result; /* YY_OK; YY_CONFLICT (not in this status, or a guard fails);
                         * YY_FORBIDDEN (allowed now, but not for this caller) */
    int to;             /* next state or AS_SAME, when YY_OK */
    unsigned failed;    /* YY_CONFLICT because of these guards (0: the status) */
    size_t n_allowed;   /* what this caller may do now (for the 409) */
    enum act_action allowed[AA_ACTION_COUNT];
};

void act_decide(enum act_state from, enum act_action action, unsigned actors,
                const struct act_facts *facts, struct act_decision *out);

const char *act_state_name(enum act_state s);
const char *act_state_label_zh(enum act_state s);
bool act_state_from_name(const char *s, enum act_state *out);
const char *act_action_name(enum act_action a);
bool act_action_from_name(const char *s, enum act_action *out);
/* Whether the public sees an activity in state s (everything but drafts). */
bool act_state_public(enum act_state s);

/* ---- what staff send ------------------------------------------------------------------ */

#define ACTIVITY_TITLE_MAX 100
#define ACTIVITY_THEME_MAX 500
#define ACTIVITY_VENUE_MAX 200
#define ACTIVITY_NOTE_MAX 2000     /* reason, question, answer */
#define ACTIVITY_MINUTES_MAX 20000 /* the record */
#define ACTIVITY_CAPACITY_MAX 5000
#define ACTIVITY_IDS_MAX 50                  /* deputy_ids, unit_ids, suggestion_ids */
#define ACTIVITY_LONGEST (7 * 86400)         /* an activity lasts at most a week */
#define ACTIVITY_AHEAD_MAX (2 * 366 * 86400) /* planned at most two years ahead */
#define ACTIVITY_NAME_MAX 50
#define ACTIVITY_PHONE_MAX 20

struct activity_input {
    enum act_kind kind;
    const char *title, *theme;
    int64_t station_id; /* 0: none */
    const char *venue;  /* NULL or "": none */
    int64_t starts_at, ends_at;
    int64_t capacity;
    const int64_t *deputy_ids;
    size_t n_deputies;
    const int64_t *unit_ids;
    size_t n_units;
};

/* Checks a planned activity at now: a station or a venue (not both, not
 * neither), ends after it starts, starts in the future and not absurdly far
 * ahead, lasts at most ACTIVITY_LONGEST, capacity 0..ACTIVITY_CAPACITY_MAX,
 * no id listed twice.  YY_BAD_INPUT naming the field. */
enum yy_err activity_input_validate(const struct activity_input *in, int64_t now,
                                    struct yy_error *e);

/* Whether a resident may register for an activity in state s at now:
 * YY_OK, or YY_CONFLICT with a code naming why (activity_draft, activity_cancelled,
 * activity_closed, activity_started, no_registration when capacity is 0). */
enum yy_err activity_registration_open(enum act_state s, int64_t starts_at, int64_t capacity,
                                       int64_t now, struct yy_error *e);

/* The waiting-list rule: a new registration is confirmed while fewer than
 * capacity are confirmed (checked-in ones count), else it waits. */
bool activity_confirms(int64_t confirmed, int64_t capacity);

/* ---- check-in codes ---------------------------------------------------------------- */

#define CHECK_IN_CODE_LEN 6 /* digits: short enough to read out */
/* A fresh random code of CHECK_IN_CODE_LEN digits (libsodium randombytes). */
void activity_code_new(char out[CHECK_IN_CODE_LEN + 1]);
/* Drops blanks and '-' and checks the shape; false when it is not one. */
bool activity_code_normalize(const char *s, char out[CHECK_IN_CODE_LEN + 1]);

#endif
