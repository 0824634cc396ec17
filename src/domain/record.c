/* record.c - the deputy's work record, summarised; see record.h. */
#include "domain/record.h"

#include <string.h>

const char *record_view_name(enum record_view v)
{
    return v == RECORD_FULL ? "full" : "public";
}

enum record_view record_view_for(const struct user *u, int64_t deputy_id)
{
    if (!u)
        return RECORD_PUBLIC;
    if (user_has_role(u, ROLE_ADMIN) || user_has_scoped_role(u, ROLE_DEPUTY, deputy_id))
        return RECORD_FULL;
    return RECORD_PUBLIC;
}

bool record_suggestion_listed(enum record_view v, bool published)
{
    return v == RECORD_FULL || published;
}

bool record_concerns_listed(enum record_view v)
{
    return v == RECORD_FULL;
}

static const char *const concern_outcomes[RCO_COUNT] = {"in_progress", "resolved", "converted",
                                                         "closed"};

const char *record_concern_outcome_name(enum record_concern_outcome o)
{
    return (unsigned)o < RCO_COUNT ? concern_outcomes[o] : "in_progress";
}

enum record_concern_outcome record_concern_outcome_of(const char *status)
{
    if (!status)
        return RCO_IN_PROGRESS;
    if (concern_status_resolved(status))
        return RCO_RESOLVED;
    if (!strcmp(status, "converted"))
        return RCO_CONVERTED;
    if (!strcmp(status, "declined") || !strcmp(status, "merged"))
        return RCO_CLOSED;
    return RCO_IN_PROGRESS;
}

static const char *const suggestion_outcomes[RSO_COUNT] = {"in_handling", "replied",
                                                            "returned_as_letter", "withdrawn"};

const char *record_suggestion_outcome_name(enum record_suggestion_outcome o)
{
    return (unsigned)o < RSO_COUNT ? suggestion_outcomes[o] : "in_handling";
}

enum record_suggestion_outcome record_suggestion_outcome_of(const char *status)
{
    static const char *const replied[] = {"replied", "evaluated", "following_up", "closed"};
    if (!status)
        return RSO_IN_HANDLING;
    for (size_t i = 0; i < sizeof(replied) / sizeof(replied[0]); i++)
        if (!strcmp(status, replied[i]))
            return RSO_REPLIED;
    if (!strcmp(status, "returned_as_letter"))
        return RSO_LETTER;
    if (!strcmp(status, "withdrawn"))
        return RSO_WITHDRAWN;
    return RSO_IN_HANDLING;
}

void record_summary_init(struct record_summary *s, const char *const *classes)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; classes && classes[i] && s->n_classes < RECORD_CLASSES_MAX; i++)
        s->classes[s->n_classes++] = classes[i];
}

void record_add_concerns(struct record_summary *s, const char *status, const char *rating,
                         int64_t n)
{
    if (n <= 0)
        return;
    s->concerns_claimed += n;
    s->concerns_by_outcome[record_concern_outcome_of(status)] += n;
    if (rating)
        rating_counts_add(&s->concern_ratings, rating, n);
}

void record_add_suggestions(struct record_summary *s, bool author, const char *status, int64_t n)
{
    if (n <= 0 || !status || !strcmp(status, "draft"))
        return;
    if (author)
        s->suggestions_raised += n;
    else
        s->suggestions_cosigned += n;
    s->suggestions_by_outcome[record_suggestion_outcome_of(status)] += n;
}

void record_add_replies(struct record_summary *s, const char *cls, int64_t n)
{
    if (n <= 0 || !cls || !*cls)
        return;
    size_t i = 0;
    while (i < s->n_classes && strcmp(s->classes[i], cls))
        i++;
    if (i == s->n_classes) {
        if (s->n_classes == RECORD_CLASSES_MAX)
            return;
        s->classes[s->n_classes++] = cls;
    }
    s->class_counts[i] += n;
    s->replies += n;
}

void record_add_evaluations(struct record_summary *s, const char *attitude, const char *result,
                            int64_t n)
{
    if (n <= 0)
        return;
    rating_counts_add(&s->attitude, attitude, n);
    rating_counts_add(&s->result, result, n);
}

struct stat_rate record_concern_resolution(const struct record_summary *s)
{
    return stat_rate(s->concerns_by_outcome[RCO_RESOLVED], s->concerns_claimed);
}
