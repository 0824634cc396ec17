/* lists.h (store) - reading the rows of the three lists (三张清单) and of
 * the dashboard's figures.  Read-only, portable SQL over db.h; the rules
 * that turn rows into cells and rates are in domain/lists.h and
 * domain/stats.h.
 *
 * Conventions as in store.h: results in the caller's arena, rows in a
 * stable order (by suggestion id, then lead before co, then unit id).
 */
#ifndef YOUYUE_STORE_LISTS_H
#define YOUYUE_STORE_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/lists.h"
#include "store/db.h"

/* A list holds at most this many rows; past it the read fails with
 * YY_TOO_LARGE (code too_many_rows): narrow it by street or unit. */
#define LISTS_MAX_ROWS 20000

/* Where a row stands in its list's order: the suggestion id, then (交办清单)
 * 0 for the lead unit and 1 for a co-handling one, then the unit id.  Active
 * assignments are unique per (suggestion, unit), so this names one row. */
struct list_pos {
    int64_t suggestion_id;
    int64_t rank; /* 0 lead, 1 co; always 0 in 建议清单 and 效果清单 */
    int64_t unit_id; /* 0 in 建议清单 */
};

/* One page of a list (the JSON's ?limit= and ?cursor=): at most limit rows
 * after the position `after` (keyset pagination: each page is an index
 * range read, whatever its depth).  On return, more tells whether rows
 * follow, and last is the position of the last row given (the next
 * cursor).  A NULL page means the whole list (CSV, XLSX, `youyue export`),
 * bounded by LISTS_MAX_ROWS; a page is not. */
struct list_page {
    size_t limit; /* 1..100 */
    struct list_pos after; /* all 0: from the start */
    bool more;
    struct list_pos last;
};

/* 建议清单: the suggestions of f (drafts never), by id. */
enum yy_err store_list_suggestions(struct db *db, struct arena *a, const struct list_filter *f,
                                   struct list_page *page, struct list_suggestion_row **out,
                                   size_t *n, struct yy_error *e);
/* 交办清单: the active assignments of the suggestions of f (of f->unit_id
 * only, when set). */
enum yy_err store_list_assignments(struct db *db, struct arena *a, const struct list_filter *f,
                                   struct list_page *page, struct list_assignment_row **out,
                                   size_t *n, struct yy_error *e);
/* 效果清单: the active lead assignments with a reply, of the suggestions of
 * f (of f->unit_id only, when set). */
enum yy_err store_list_results(struct db *db, struct arena *a, const struct list_filter *f,
                               struct list_page *page, struct list_result_row **out, size_t *n,
                               struct yy_error *e);

/* The list of kind k for f as a table (domain/lists.h), days left counted
 * from now: what the API and `youyue export` render.  page: NULL for the
 * whole list, else one page of it (see struct list_page). */
enum yy_err store_list_table(struct db *db, struct arena *a, enum list_kind k,
                             const struct list_filter *f, struct list_page *page, int64_t now,
                             struct table *out, struct yy_error *e);

/* ---- the dashboard (GET /api/v1/stats) ---------------------------------------- */

/* Concerns raised on days [from_day, to_day] (China days, stats.h), and
 * suggestions submitted on those days; of one street when street_id != 0
 * (concerns: their street; suggestions: the author sits at a station there). */
struct stats_query {
    int64_t from_day, to_day;
    int64_t street_id;
};

/* Concerns counted by (street, category, status, rating). */
struct stats_concern_group {
    int64_t street_id;  /* 0: no street */
    const char *street; /* name, "" when none */
    const char *category;
    const char *status;
    const char *rating; /* NULL: not rated */
    int64_t n;
};
enum yy_err store_stats_concerns(struct db *db, struct arena *a, const struct stats_query *q,
                                 struct stats_concern_group **out, size_t *n, struct yy_error *e);

/* Suggestions submitted in the period, by id. */
struct stats_suggestion {
    int64_t id;
    const char *status;
    const char *category;
};
enum yy_err store_stats_suggestions(struct db *db, struct arena *a, const struct stats_query *q,
                                    struct stats_suggestion **out, size_t *n, struct yy_error *e);

/* Those suggestions counted per street of their authors' stations (one
 * suggestion counts once in each street its author sits in; with a street
 * filter, only that street), by street id. */
struct stats_street_count {
    int64_t street_id;
    const char *street;
    int64_t n;
};
enum yy_err store_stats_suggestion_streets(struct db *db, struct arena *a,
                                           const struct stats_query *q,
                                           struct stats_street_count **out, size_t *n,
                                           struct yy_error *e);

/* Their active assignments, by assignment id, each with whether a contact
 * in person (domain/stats.h contact_mode_in_person) was logged. */
struct stats_assignment {
    int64_t id;
    int64_t suggestion_id;
    int64_t unit_id;
    const char *unit;
    bool lead;
    int64_t replied_at; /* 0: none */
    int64_t due_at;
    const char *reply_class; /* NULL: none */
    bool met_in_person;
};
enum yy_err store_stats_assignments(struct db *db, struct arena *a, const struct stats_query *q,
                                    struct stats_assignment **out, size_t *n, struct yy_error *e);

/* The deputies' latest evaluation of each of those suggestions, counted by
 * (attitude, result); and residents' public ratings of them, by value. */
struct stats_pair_count {
    const char *a, *b; /* b NULL for public ratings */
    int64_t n;
};
enum yy_err store_stats_evaluations(struct db *db, struct arena *a, const struct stats_query *q,
                                    struct stats_pair_count **out, size_t *n, struct yy_error *e);
enum yy_err store_stats_public_ratings(struct db *db, struct arena *a, const struct stats_query *q,
                                       struct stats_pair_count **out, size_t *n,
                                       struct yy_error *e);

/* The configured reply classes (settings.reply_classes, "A,B,C"), as a
 * NULL-terminated array; the default when the setting is missing. */
enum yy_err store_stats_reply_classes(struct db *db, struct arena *a, const char ***out,
                                      struct yy_error *e);

#endif
