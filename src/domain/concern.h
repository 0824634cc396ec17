/* concern.h - a resident's concern (民呼, DOMAIN.md §4): its states and the
 * tiered handling as a state machine written as a table, the validation of
 * what a resident sends, contact details masked for roles that do not need
 * them, tracking codes, and the text similarity behind the duplicate hints.
 * Pure: no I/O (tracking codes draw on libsodium's random numbers).
 *
 *   new ──accept──▶ accepted ──resolve──▶ resolved ──rate
 *    │ ├─refer──▶ referred (accept, refer again, resolve ...)
 *    │ ├─claim──▶ claimed (more deputies claim; convert; resolve)
 *    │ ├─convert──▶ converted (a draft suggestion; resolved by the system
 *    │ │             when it is answered, back to claimed when it is returned
 *    │ │             as a letter or withdrawn)
 *    │ ├─resolve_on_site──▶ resolved_on_site (──resolve by the unit when it
 *    │ │                     committed to a fix with a deadline) ──rate
 *    │ ├─decline──▶ declined (reason + where to go instead) ──rate
 *    │ └─merge──▶ merged (its followers follow the original)
 *
 * The caller says who it is to the concern as a set of actor bits; the table
 * says whether the action is allowed in the current state and where it
 * leads.  Guards that depend on the concern's data (a unit's commitment still
 * open, already rated, already claimed by this deputy) are facts the caller
 * passes in; a failed guard counts as "not in this state" (409).
 */
#ifndef YOUYUE_DOMAIN_CONCERN_H
#define YOUYUE_DOMAIN_CONCERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

enum cn_state {
    CN_NEW,
    CN_ACCEPTED,
    CN_DECLINED,
    CN_RESOLVED_ON_SITE,
    CN_REFERRED,
    CN_CLAIMED,
    CN_CONVERTED,
    CN_MERGED,
    CN_RESOLVED,
};
#define CN_STATE_COUNT 9

enum cn_action {
    CA_ACCEPT,
    CA_DECLINE,
    CA_RESOLVE_ON_SITE,
    CA_REFER,
    CA_CLAIM,
    CA_CONVERT,
    CA_MERGE,
    CA_RESOLVE,
    CA_RATE,
    CA_REOPEN, /* the system's only: the suggestion it became was returned as a
                * letter or withdrawn, so its claimers follow it again */
};
#define CA_ACTION_COUNT 10
/* The actions of POST /api/v1/concerns/{id}/actions (CONTRACT.md): those
 * before CA_REOPEN.  The system's own come after. */
#define CA_CALLER_ACTION_COUNT 9

/* Who the caller is to one concern: bits worked out from roles and scopes. */
enum cn_actor {
    CN_ACTOR_ADMIN = 1 << 0,     /* the office: staff for every concern */
    CN_ACTOR_STREET = 1 << 1,    /* street staff of its street, or of the street it was
                                  * referred to (or of the community referred to) */
    CN_ACTOR_COMMUNITY = 1 << 2, /* community staff of its community, or the one it was
                                  * referred to */
    CN_ACTOR_DEPUTY = 1 << 3,    /* a deputy placed at its station */
    CN_ACTOR_CLAIMER = 1 << 4,   /* a deputy who claimed it (or converted it) */
    CN_ACTOR_UNIT = 1 << 5,      /* staff of the unit that committed to it on site */
    CN_ACTOR_RESIDENT = 1 << 6,  /* whoever holds its tracking code (or the code of a
                                  * concern merged into it) */
    CN_ACTOR_OBSERVER = 1 << 7,  /* sees it, acts on nothing: a leader, the resident
                                  * logged in who raised it */
    CN_ACTOR_SYSTEM = 1 << 8,    /* the platform itself, when the suggestion a concern
                                  * became moves (docs/CONCERNS.md "Converted") */
};
#define CN_ACTOR_STAFF (CN_ACTOR_ADMIN | CN_ACTOR_STREET | CN_ACTOR_COMMUNITY)

/* Guards: conditions on the concern's data a row needs besides the state. */
enum cn_guard {
    CN_G_UNIT_OPEN = 1 << 0,    /* a unit committed on site and has not delivered yet */
    CN_G_NO_UNIT_OPEN = 1 << 1, /* no such open commitment */
    CN_G_NOT_RATED = 1 << 2,    /* the resident's concern has no rating yet */
    CN_G_NOT_CLAIMER = 1 << 3,  /* the calling deputy has not claimed it yet */
};

struct cn_facts {
    bool unit_open; /* resolved on site with a unit's commitment (unit_id set) */
    bool rated;     /* the concern the tracking code belongs to is rated */
};

/* The state an action leaves the concern in; CN_SAME for actions that record
 * something without moving it (a second deputy claiming, a rating). */
#define CN_SAME (-1)

struct cn_transition {
    enum cn_state from;
    enum cn_action action;
    unsigned actors; /* any of these may act */
    unsigned guards; /* all of these must hold (enum cn_guard bits) */
    int to;          /* an enum cn_state, or CN_SAME */
};

/* The whole table, for documentation and tests. */
extern const struct cn_transition cn_table[];
extern const size_t cn_table_n;

struct cn_decision {
    enum yy_err result; /* YY_OK; YY_CONFLICT (not now: state or guard); YY_FORBIDDEN (now,
                         * but not by this caller) */
    int to;             /* next state or CN_SAME, when YY_OK */
    size_t n_allowed;   /* what this caller may do now (for the 409) */
    enum cn_action allowed[CA_ACTION_COUNT];
};

/* Looks action up for a concern in state from, by a caller with actor bits,
 * given the facts.  Never fails otherwise. */
void cn_decide(enum cn_state from, enum cn_action action, unsigned actors,
               const struct cn_facts *facts, struct cn_decision *out);

/* Names as the contract spells them, and back. */
const char *cn_state_name(enum cn_state s);
const char *cn_state_label_zh(enum cn_state s);
bool cn_state_from_name(const char *s, enum cn_state *out);
const char *cn_action_name(enum cn_action a);
/* The action in Chinese (受理, 转交 ...); "未知" out of range. */
const char *cn_action_label_zh(enum cn_action a);
/* A timeline entry's action (timeline[].action of a concern) in Chinese: an
 * action's name, or "create", "remind"; NULL for anything else. */
const char *cn_event_label_zh(const char *action);
bool cn_action_from_name(const char *s, enum cn_action *out);
/* Open: still being handled (the duplicate hints look among these). */
bool cn_state_open(enum cn_state s);

/* ---- what a resident sends ------------------------------------------------- */

#define CONCERN_TITLE_MAX 100
#define CONCERN_BODY_MAX 2000
#define CONCERN_ADDRESS_MAX 200
#define CONCERN_NAME_MAX 50
#define CONCERN_PHONE_MAX 20
#define CONCERN_NOTE_MAX 1000 /* result, reason, note */
#define CONCERN_REDIRECT_MAX 200

/* Where a concern came from (CONTRACT: online station activity reception building). */
bool concern_source_valid(const char *source);
/* Sources that happen at a station, so they name one. */
bool concern_source_needs_station(const char *source);
/* Rating values: satisfied basically_satisfied dissatisfied. */
bool concern_rating_valid(const char *value);
const char *concern_rating_label_zh(const char *value);

/* A mainland mobile number (1[3-9] and 9 digits) or a landline with its area
 * code (0 and 2-3 digits, an optional '-', 7-8 digits). */
bool concern_phone_valid(const char *phone);

struct concern_input {
    const char *title, *body, *category;
    int64_t station_id;  /* 0: none */
    const char *address; /* NULL or "": none */
    bool has_location;
    double lat, lon;
    const char *contact_name, *contact_phone; /* NULL: none */
    const char *source;                       /* NULL: "station" with a station, "online" without */
    int64_t activity_id;                      /* 0: none */
};

/* Checks a new concern against the rules (lengths are checked by the reader):
 * category one of categories[0..n_categories), source valid (and filled in
 * when NULL), a station for station-bound sources, an address or coordinates
 * when there is no station, coordinates on Earth, the phone's format, an
 * activity only for source activity.  YY_BAD_INPUT naming the field. */
enum yy_err concern_input_validate(struct concern_input *in, const char *const *categories,
                                   size_t n_categories, struct yy_error *e);

/* ---- contact details --------------------------------------------------------- */

/* Masks a phone number: the first 3 and last 4 digits kept, the middle as
 * "****" (13812345678 → 138****5678); shorter ones keep only the last 2.
 * Returns an arena copy; NULL stays NULL. */
const char *concern_mask_phone(struct arena *a, const char *phone);
/* Masks a name: the first character kept, each other one a '*' (王小明 → 王**);
 * a one-character name becomes "*".  Arena copy; NULL stays NULL. */
const char *concern_mask_name(struct arena *a, const char *name);

/* ---- tracking codes ------------------------------------------------------------ */

#define TRACKING_CODE_LEN 10
/* 31 characters that cannot be mistaken for one another: no 0 O 1 I L. */
#define TRACKING_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

/* A fresh random code (about 50 bits). */
void concern_tracking_code_new(char out[TRACKING_CODE_LEN + 1]);
/* Upper-cases s and checks it is a code's shape; false when it is not. */
bool concern_tracking_code_normalize(const char *s, char out[TRACKING_CODE_LEN + 1]);

/* ---- duplicates ------------------------------------------------------------------ */

/* The set of character trigrams of a text, after dropping blanks and
 * punctuation and folding ASCII letters to lower case; a text of one or two
 * characters is its own single "trigram". */
struct trigram_set {
    uint64_t *items; /* sorted, distinct (arena) */
    size_t n;
};
/* Longest text looked at, in code points (the rest is ignored). */
#define TRIGRAM_TEXT_MAX 4000
void trigram_set_of(struct arena *a, const char *text, struct trigram_set *out);
/* Jaccard similarity |A∩B| / |A∪B| in [0, 1]; 0 when both are empty. */
double trigram_jaccard(const struct trigram_set *x, const struct trigram_set *y);

#define DUPLICATE_THRESHOLD 0.3
#define DUPLICATE_RADIUS_M 500.0
#define DUPLICATE_MAX 5

#endif
