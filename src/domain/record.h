/* record.h - the deputy's work record (履职档案, issue 5 §6, docs/RECORD.md):
 * what a deputy did in a period - activities attended, receptions held,
 * concerns claimed and their outcomes, suggestions raised and co-signed with
 * their status, reply class and evaluation - summarised from rows the store
 * reads.  Pure: who may see what, and how rows count.
 *
 * Two views: the full one (admin, and the deputy themself) lists everything;
 * the public one (everyone else) gives the counts, and lists only what is
 * public anyway: activities and receptions (public events), published
 * suggestions (their titles, status, reply class and evaluation).  Concerns
 * are residents' words and never listed publicly: only counted.
 */
#ifndef YOUYUE_DOMAIN_RECORD_H
#define YOUYUE_DOMAIN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/auth.h"
#include "domain/stats.h"

/* Lists in the record are the newest RECORD_LIST_MAX of each kind; the
 * counts always cover the whole period. */
#define RECORD_LIST_MAX 50

/* ---- who sees what ---- */

enum record_view { RECORD_PUBLIC, RECORD_FULL };
const char *record_view_name(enum record_view v);
/* Full for admin and for the deputy (a deputy role scoped to deputy_id);
 * public for everyone else, anonymous callers included (u NULL). */
enum record_view record_view_for(const struct user *u, int64_t deputy_id);
/* A suggestion is listed in the public view only once published. */
bool record_suggestion_listed(enum record_view v, bool published);
/* Concerns are listed only in the full view. */
bool record_concerns_listed(enum record_view v);

/* ---- outcomes ---- */

/* What became of a concern a deputy claimed. */
enum record_concern_outcome {
    RCO_IN_PROGRESS, /* new accepted referred claimed: still being followed */
    RCO_RESOLVED,    /* resolved, resolved_on_site */
    RCO_CONVERTED,   /* turned into a suggestion (转为代表建议) */
    RCO_CLOSED,      /* declined, merged into another concern */
};
#define RCO_COUNT 4
const char *record_concern_outcome_name(enum record_concern_outcome o);
enum record_concern_outcome record_concern_outcome_of(const char *status);

/* Where a suggestion stands, coarsely. */
enum record_suggestion_outcome {
    RSO_IN_HANDLING, /* submitted accepted assigned in_handling rehandling */
    RSO_REPLIED,     /* replied evaluated following_up closed */
    RSO_LETTER,      /* returned_as_letter */
    RSO_WITHDRAWN,   /* withdrawn */
};
#define RSO_COUNT 4
const char *record_suggestion_outcome_name(enum record_suggestion_outcome o);
enum record_suggestion_outcome record_suggestion_outcome_of(const char *status);

/* ---- the summary ---- */

#define RECORD_CLASSES_MAX 8

struct record_summary {
    int64_t activities_attended; /* activities the deputy attended (人次 they add) */
    int64_t receptions_held;     /* reception days the deputy was on duty at */
    int64_t concerns_claimed;
    int64_t concerns_by_outcome[RCO_COUNT];
    struct rating_counts concern_ratings; /* residents' ratings of those concerns */
    int64_t suggestions_raised;           /* as the author; drafts never count */
    int64_t suggestions_cosigned;
    int64_t suggestions_by_outcome[RSO_COUNT]; /* raised and co-signed together */
    /* replies of the lead units to those suggestions, per class, in the
     * configured order */
    size_t n_classes;
    const char *classes[RECORD_CLASSES_MAX];
    int64_t class_counts[RECORD_CLASSES_MAX];
    int64_t replies;
    struct rating_counts attitude, result; /* the deputies' evaluations, the latest per suggestion */
};

/* Starts a summary with the configured reply classes (NULL-terminated; the
 * first RECORD_CLASSES_MAX are kept). */
void record_summary_init(struct record_summary *s, const char *const *classes);
/* n concerns claimed by the deputy, now in status, rated rating (NULL: not rated). */
void record_add_concerns(struct record_summary *s, const char *status, const char *rating,
                         int64_t n);
/* n suggestions the deputy signed as author (true) or co-signer, in status;
 * drafts are not counted. */
void record_add_suggestions(struct record_summary *s, bool author, const char *status, int64_t n);
/* n lead replies of class cls; a class outside the configured ones is added
 * after them while there is room. */
void record_add_replies(struct record_summary *s, const char *cls, int64_t n);
/* n suggestions whose latest evaluation was attitude/result. */
void record_add_evaluations(struct record_summary *s, const char *attitude, const char *result,
                            int64_t n);
/* Share of claimed concerns resolved (solved on the spot or later) among the
 * claimed ones: undefined when none were claimed. */
struct stat_rate record_concern_resolution(const struct record_summary *s);

#endif
