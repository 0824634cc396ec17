/* lists.h - the three lists (三张清单, DOMAIN.md §5) staff print and
 * exchange: what each row holds, the Chinese column headers, and the
 * building of a core/table from the rows the store reads.  Pure: the
 * clock comes in as an argument.  Written out for people in docs/LISTS.md.
 *
 *   建议清单 suggestions   one row per suggestion (drafts excluded)
 *   交办清单 assignments   one row per active assignment (lead and co units)
 *   效果清单 results       one row per replied active lead assignment
 */
#ifndef YOUYUE_DOMAIN_LISTS_H
#define YOUYUE_DOMAIN_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/table.h"

enum list_kind { LIST_SUGGESTIONS, LIST_ASSIGNMENTS, LIST_RESULTS };

/* "suggestions" "assignments" "results" */
const char *list_kind_name(enum list_kind k);
bool list_kind_from_name(const char *s, enum list_kind *out);
/* 建议清单 交办清单 效果清单 */
const char *list_title_zh(enum list_kind k);

/* Which rows: suggestions of one year (suggestions.year), optionally of one
 * street (the author sits at a station in it) and one unit (it has an
 * active assignment to the unit; for assignments and results: the unit's
 * own rows). */
struct list_filter {
    int year;
    int64_t street_id; /* 0 = any */
    int64_t unit_id;   /* 0 = any */
};

/* Text lists such as co-signers and streets are joined with "、". */
struct list_suggestion_row {
    int64_t id;
    const char *title;
    const char *category;
    int64_t author_id;
    const char *author;    /* the author deputy's name */
    const char *cosigners; /* names, by deputy id; "" when none */
    const char *streets;   /* the author's stations' streets, by region id; "" when none */
    int64_t submitted_at;  /* 0: not recorded */
    const char *status;    /* suggestion status name */
    bool key;
    bool published;
};

struct list_assignment_row {
    int64_t id;
    int64_t suggestion_id;
    const char *title;
    int64_t unit_id;
    const char *unit;
    const char *role;   /* lead co */
    const char *status; /* assignment status name */
    const char *suggestion_status;
    int64_t assigned_at;
    int64_t due_at;
    bool due_provisional;
    const char *extension_status; /* NULL, requested approved refused */
    int64_t extension_months;
    int64_t replied_at; /* 0: no reply */
};

struct list_result_row {
    int64_t assignment_id;
    int64_t suggestion_id;
    const char *title;
    int64_t unit_id;
    const char *unit;
    const char *reply_class; /* A B C (D) */
    int64_t replied_at;
    int64_t due_at;
    const char *attitude; /* the latest evaluation, NULL when none */
    const char *result;
    int64_t follow_ups;      /* follow-up entries */
    int64_t follow_ups_done; /* of which marked done */
    bool published;
    int64_t public_satisfied, public_basically_satisfied, public_dissatisfied;
};

/* Build the table of each list into *out (cells in a).  now: the time the
 * days left / overdue are counted from. */
void list_suggestions_table(struct arena *a, const struct list_suggestion_row *rows, size_t n,
                            struct table *out);
void list_assignments_table(struct arena *a, const struct list_assignment_row *rows, size_t n,
                            int64_t now, struct table *out);
void list_results_table(struct arena *a, const struct list_result_row *rows, size_t n,
                        struct table *out);

/* Labels: assignment status, unit role, extension; NULL for unknown values. */
const char *assignment_status_label_zh(const char *status);
const char *assignment_role_label_zh(const char *role);
const char *suggestion_status_label(const char *status);

/* The download's file name, "建议清单-2026.csv" (arena string); ext without
 * the dot. */
const char *list_file_name(struct arena *a, enum list_kind k, int year, const char *ext);
/* The same in ASCII, "suggestions-2026.csv", for clients that do not read
 * RFC 5987 filename*. */
const char *list_file_name_ascii(struct arena *a, enum list_kind k, int year, const char *ext);

#endif
