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
 *
 * Below the table: the record (struct suggestion), the rules that differ
 * between places (struct sg_rules, from the settings table), the deadlines,
 * who the caller is to a suggestion, and sg_apply, which checks an action
 * against the table and the guards and changes the record.  Still pure: the
 * store loads and saves, the API reads bodies and works out the caller.
 */
#ifndef YOUYUE_DOMAIN_SUGGESTION_H
#define YOUYUE_DOMAIN_SUGGESTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/workdays.h"

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
    SA_EXPLAIN, /* 书面说明: at the term's end, why a promise is not done yet */
    SA_COSIGN,         /* 联名: a named co-signer confirms (draft only) */
    SA_DECLINE_COSIGN, /* a named co-signer declines, with a reason (draft only) */
    SA_EDIT,           /* the author edits the draft: PATCH, not an /actions action */
};
#define SA_ACTION_COUNT 22

/* Who the caller is to this suggestion: a set of bits, worked out by the
 * caller from roles and scopes (a deputy who wrote it, a unit it is
 * assigned to as lead, ...). */
enum sg_actor {
    ACTOR_AUTHOR = 1 << 0,    /* the deputy who drafted it */
    ACTOR_COSIGNER = 1 << 1,  /* a deputy who co-signed it (confirmed 联名) */
    ACTOR_ADMIN = 1 << 2,     /* the office (代表工委) */
    ACTOR_LEADER = 1 << 3,    /* a member of the chairperson's council */
    ACTOR_KEY_LEADER = 1 << 4,/* the leader supervising this key suggestion */
    ACTOR_LEAD_UNIT = 1 << 5, /* staff of a lead unit (主办) it is assigned to */
    ACTOR_CO_UNIT = 1 << 6,   /* staff of a co-handling unit (协办) */
    ACTOR_NAMED = 1 << 7,     /* a deputy a draft names as co-signer who has
                               * not confirmed (named, or declined): may
                               * confirm or decline, is no signer otherwise */
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
/* The action in Chinese (提交, 交办, 书面说明 ...); "未知" out of range. */
const char *sg_action_label_zh(enum sg_action a);
/* A timeline entry's action (GET /api/v1/suggestions/{id} timeline[].action)
 * in Chinese: an action's name, or "create", "rate", "remind"; NULL for
 * anything else. */
const char *sg_event_label_zh(const char *action);

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
 * logged before the reply ...) are in sg_apply below. */
void sg_decide(enum sg_state from, enum sg_action action, unsigned actors,
               struct sg_decision *out);

/* The whole table, for documentation and tests. */
extern const struct sg_transition sg_table[];
extern const size_t sg_table_n;

/* ---- the record ------------------------------------------------------------
 * A suggestion as the store loads it and the rules below change it: the row,
 * its signers, assignments, contacts, evaluations, follow-ups, timeline.
 * Strings point into the loader's arena. */


/* 满意 / 基本满意 / 不满意, as CONTRACT.md spells them. */
enum sg_rating {
    SG_RATING_NONE,
    SG_SATISFIED,
    SG_BASICALLY_SATISFIED,
    SG_DISSATISFIED,
};
#define SG_RATING_COUNT 4
const char *sg_rating_name(enum sg_rating r);
bool sg_rating_from_name(const char *s, enum sg_rating *out);

/* Where one unit's assignment stands (assignments.status). */
enum sg_asg_status {
    ASG_ASSIGNED,         /* given, the unit has not acted yet */
    ASG_IN_HANDLING,      /* the unit's first action moved it here */
    ASG_RETURN_REQUESTED, /* the unit asked to return it (申请退回) */
    ASG_RETURNED,         /* the office let it go (inactive from then on) */
    ASG_REPLIED,          /* a lead unit replied; a co unit gave its opinion */
};
const char *sg_asg_status_name(enum sg_asg_status s);
bool sg_asg_status_from_name(const char *s, enum sg_asg_status *out);

/* An extension request (延期) of one assignment. */
enum sg_ext_status { EXT_NONE, EXT_REQUESTED, EXT_APPROVED, EXT_REFUSED };
const char *sg_ext_status_name(enum sg_ext_status s); /* NULL for EXT_NONE */
bool sg_ext_status_from_name(const char *s, enum sg_ext_status *out);

/* Contact stages (办前/办中/办后) and modes, as the contract spells them. */
bool sg_contact_stage_valid(const char *s);
bool sg_contact_mode_valid(const char *s);

struct sg_assignment {
    int64_t id;            /* 0 until stored */
    int64_t unit_id;
    const char *unit_name;
    bool lead;             /* 主办; false: 协办 */
    enum sg_asg_status status;
    bool active;           /* false once returned */
    int64_t assigned_at;
    int64_t due_at;        /* end of the due day, 23:59:59 +08:00 */
    bool due_provisional;  /* the due day lies in a year without a calendar */
    const char *return_reason;
    int64_t return_requested_at;
    int extension_months;  /* requested, or granted once approved */
    enum sg_ext_status extension_status;
    const char *extension_reason;
    const char *co_opinion;
    int64_t co_opinion_at;
    int64_t co_opinion_due_at; /* co units only, 0 otherwise */
    const char *reply_class, *reply_text;
    int64_t replied_at;
    size_t n_contacts;
    bool dirty;            /* changed by sg_apply; the store writes it back */
};

/* Where a named co-signer stands (suggestion_signers.cosign_status); the
 * author is always confirmed.  At submit the ones not confirmed are dropped. */
enum sg_cosign { SG_COSIGN_NAMED, SG_COSIGN_CONFIRMED, SG_COSIGN_DECLINED };
#define SG_COSIGN_COUNT 3
const char *sg_cosign_name(enum sg_cosign c);
bool sg_cosign_from_name(const char *s, enum sg_cosign *out);

struct sg_signer {
    int64_t deputy_id;
    const char *name;      /* NULL for one just added by an edit */
    const char *phone;     /* NULL when none */
    bool author;
    bool withdraw_agreed;      /* agreed to withdraw; cleared when cosign changes */
    enum sg_cosign cosign;
    const char *cosign_reason; /* why declined, NULL otherwise */
    int64_t cosigned_at;       /* when confirmed or declined, 0 before */
    bool dirty;                /* cosign changed by sg_apply: the store writes it
                                * (with withdraw_agreed) */
    bool added;                /* named by an edit: the store inserts it */
};

struct sg_contact {
    int64_t assignment_id;
    const char *stage, *mode, *note;
    int64_t at;
};

struct sg_evaluation {
    enum sg_rating attitude, result;
    const char *reason;
    int64_t at;
};

struct sg_follow_up {
    const char *note;
    bool done;
    int64_t at;
};

struct sg_event {
    int64_t at;
    const char *action, *actor_role, *note;
};

struct suggestion {
    int64_t id;
    const char *title, *body, *category;
    int64_t author_id;
    const char *author_name;
    enum sg_state status;
    bool is_key;
    int64_t key_leader_id; /* a user holding role leader, 0 when not key */
    const char *key_committee;
    bool published;
    int64_t published_at;
    bool hard_case;        /* reply within hard_case_reply_months */
    int year;
    const char *reason;    /* why returned as a letter or withdrawn */
    int64_t submitted_at, accepted_at, assign_due_at, assigned_at, replied_at, closed_at;
    int64_t created_at, updated_at;
    struct sg_signer *signers;
    size_t n_signers;
    struct sg_assignment *assignments;
    size_t n_assignments;
    struct sg_contact *contacts;
    size_t n_contacts;
    struct sg_evaluation *evaluations;
    size_t n_evaluations;
    struct sg_follow_up *follow_ups;
    size_t n_follow_ups;
    struct sg_event *events;
    size_t n_events;
    int64_t *concern_ids;
    size_t n_concern_ids;
    const char *explanation; /* the written explanation (书面说明) at the term's end */
    int64_t explained_at;
    int64_t ratings[SG_RATING_COUNT]; /* public ratings (网上评) by value */
};

/* ---- configuration (the settings table) ------------------------------------ */

#define SG_MAX_CLASSES 8
#define SG_CLASS_MAX 16 /* bytes of one class name */

/* The rules that differ between places, with DOMAIN.md §5's defaults. */
struct sg_rules {
    size_t n_classes;                           /* reply_classes: A,B,C */
    char classes[SG_MAX_CLASSES][SG_CLASS_MAX + 1];
    size_t n_follow_classes;                    /* follow_up_classes: B,C */
    char follow_classes[SG_MAX_CLASSES][SG_CLASS_MAX + 1];
    int assign_working_days;         /* 7: assignment after receipt */
    int return_request_working_days; /* 7: a unit's return request after receipt */
    int co_opinion_months;           /* 1: a co unit's opinion to the lead */
    int reply_months;                /* 3: the reply after assignment */
    int hard_case_reply_months;      /* 6: for wide-ranging, hard cases */
    int extension_max_months;        /* 3: one extension, approved by the office */
    int rehandling_months;           /* 1: the answer again after 不满意 */
    int max_rehandlings;             /* 1: how often 不满意 sends it back */
    bool reply_needs_contact;        /* 1: a reply needs a logged contact */
    bool has_term_end;               /* term_ends_on: "" (none) or YYYY-MM-DD */
    int64_t term_end_day;            /* the last day of the term (workdays.h day) */
    int due_soon_working_days;       /* 10: the window before the term's end in
                                      * which `explain` opens (as the sweep's) */
};

void sg_rules_default(struct sg_rules *r);
/* Applies one settings row.  Keys this module does not know are ignored (the
 * table is shared); a value that does not parse is YY_BAD_INPUT naming the
 * key, and *r keeps the old value. */
enum yy_err sg_rules_set(struct sg_rules *r, const char *key, const char *value,
                         struct yy_error *e);
bool sg_rules_class_valid(const struct sg_rules *r, const char *cls);
bool sg_rules_class_needs_follow_up(const struct sg_rules *r, const char *cls);
/* Reads settings.term_ends_on: "" is no term end (*has false), else a valid
 * YYYY-MM-DD date (its day number in *day).  False when it is neither. */
bool sg_term_end_parse(const char *v, bool *has, int64_t *day);
/* The end of the term (23:59:59 +08:00 of term_ends_on), 0 when none is set. */
int64_t sg_rules_term_end_at(const struct sg_rules *r);

/* The Chinese label of a reply class: A 已解决或基本解决, B 正在解决或列入计划逐步
 *解决, C 因条件限制暂时不能解决, D 留作参考; "" for other configured classes. */
const char *sg_class_label_zh(const char *cls);
/* What the replies of s say, for a resident following a concern that became
 * s (arena a): the title, each active lead unit's class with its label, and
 * its reply text.  No personal data: no names or phones of deputies. */
const char *sg_reply_summary(struct arena *a, const struct suggestion *s);
/* Whether what a B or C reply promised is done (a follow_up with done). */
bool sg_follow_up_done(const struct suggestion *s);

/* ---- deadlines --------------------------------------------------------------
 * Every due time is the end of the due day in China time (23:59:59 +08:00),
 * the meaning assignments.due_at has for the supervision sweep. */

struct sg_due {
    int64_t at;
    bool provisional; /* the calendar of a year involved is not known yet */
};

int64_t sg_end_of_day(int64_t day);
/* n working days after the day of unix time from. */
struct sg_due sg_due_working_days(const struct calendar *c, int64_t from, int n);
/* months calendar months after the day of from, moved off days off. */
struct sg_due sg_due_months(const struct calendar *c, int64_t from, int months);

/* ---- who is calling --------------------------------------------------------- */

struct sg_caller {
    int64_t user_id;              /* 0: nobody logged in */
    bool admin, leader;
    bool sees_all;                /* admin, leader, street and community staff */
    const int64_t *deputy_ids;    /* the deputies the caller acts for */
    size_t n_deputy_ids;
    const int64_t *unit_ids;      /* the units the caller works for */
    size_t n_unit_ids;
};

/* The caller's actor bits for s (enum sg_actor). */
unsigned sg_actors(const struct suggestion *s, const struct sg_caller *c);
/* Whether the caller may see s at all (else 404), and whether it sees the
 * full record rather than the public one (published, without personal data). */
bool sg_visible(const struct suggestion *s, const struct sg_caller *c);
bool sg_private_view(const struct suggestion *s, const struct sg_caller *c);

/* ---- actions ---------------------------------------------------------------- */

#define SG_MAX_UNITS 16
#define SG_TEXT_MAX 5000  /* code points of a reason, note, reply ... */

struct sg_unit_ref {
    int64_t unit_id;
    bool lead;
    const char *unit_name; /* filled by the caller after looking the unit up */
};

/* An action's body, read by the API (CONTRACT.md "Suggestion actions"). */
struct sg_input {
    enum sg_action action;
    const char *reason, *note, *text, *committee, *reply_class, *stage, *mode;
    struct sg_unit_ref units[SG_MAX_UNITS];
    size_t n_units;
    bool approve, done, hard_case;
    int months;
    enum sg_rating attitude, result;
    int64_t leader_id;
    int64_t unit_id; /* decide_return / decide_extension: which unit's request */
    /* edit (PATCH): the fields given; NULL / has_cosigners false keep the old */
    const char *title, *body, *category;
    bool has_cosigners;
    const int64_t *cosigner_ids;
    size_t n_cosigners;
};

/* A message for an inbox (store/remind.h store_notice_tx), about the
 * suggestion: recipient_kind unit / user / deputy / office. */
struct sg_notice {
    const char *recipient_kind;
    int64_t recipient_id;
    const char *kind; /* new_assignment, reply_received, return_requested, ... */
    const char *message;
};
#define SG_MAX_NOTICES (SG_MAX_UNITS + 2)

/* What an action did, beyond the changes sg_apply made to the record. */
struct sg_outcome {
    enum sg_state from, to;
    const char *actor_role;  /* the role acted in: deputy, admin, leader, unit_staff */
    const char *note;        /* for the timeline (may be "") */
    struct sg_notice notices[SG_MAX_NOTICES]; /* who is told (the deputy of an
                                               * extension, units of an assignment) */
    size_t n_notices;
    size_t acting;           /* the acting unit's assignment, SIZE_MAX for none */
    bool add_contact, add_evaluation, add_follow_up;
    struct sg_contact contact;       /* assignment_id: that of `acting` */
    struct sg_evaluation evaluation;
    struct sg_follow_up follow_up;
    size_t n_agreed;                 /* signers whose withdrawal was recorded now */
    int64_t agreed[8];
    int64_t *removed;                /* co-signers no longer signers (deputy ids, arena): */
    size_t n_removed;                /* unnamed by an edit, or not confirmed at submit */
};

/* Applies in to s at time now for a caller with actor bits `actors`: asks the
 * table (409 invalid_transition with `allowed`, or 403), then the guards that
 * depend on data and dates (409 with their own code and `allowed` too; 400 for
 * a value the configuration does not allow, naming the field), then changes s
 * (marking changed assignments dirty, appending new ones with id 0) and fills
 * *out.  On failure s is unchanged.  Names in e->allowed live in arena a. */
enum yy_err sg_apply(const struct sg_rules *r, const struct calendar *cal, struct arena *a,
                     int64_t now, unsigned actors, const struct sg_caller *c,
                     struct suggestion *s, const struct sg_input *in, struct sg_outcome *out,
                     struct yy_error *e);

/* Fills e as the 409 invalid_transition of decision d (names in arena a). */
enum yy_err sg_refuse(struct arena *a, const struct sg_decision *d, enum sg_action action,
                      struct yy_error *e);

#endif
