/* lists.c (store) - the rows of the three lists and of the dashboard; see
 * lists.h.  Portable SQL only: $n placeholders, no engine-specific
 * functions (names are joined in C, not with group_concat/string_agg). */
#include "store/lists.h"

#include <string.h>

#include "domain/stats.h"
#include "store/sql.h"

/* A list's statement: a JSON page is run over and over with other cursors
 * and keeps one plan (db_prepare_generic: without it PostgreSQL plans each
 * page again on big data, which cost more than running it); a whole-year
 * file is read once. */
#define PREP_LIST(st, db, page, page_sql, whole_sql, e)                                            \
    struct db_stmt *st =                                                                           \
        (page) ? db_prepare_generic(db, page_sql, e) : db_prepare(db, whole_sql, e);               \
    if (!(st))                                                                                     \
    return (e) ? (e)->kind : YY_INTERNAL

static const char *col_str(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return arena_strdup(a, s ? s : "");
}

static const char *col_str_or_null(struct arena *a, struct db_stmt *st, int col)
{
    return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

/* The dashboard reads its records row by row (one per suggestion or
 * assignment of the period) and only counts them: a bound on memory, far
 * above the lists' 20,000 rows (a busy district has more in a year). */
#define STATS_MAX_ROWS 1000000

/* Makes room for one more element in the arena array *items of *cap
 * elements of size bytes holding cnt; YY_TOO_LARGE past max rows. */
static enum yy_err grow(struct arena *a, void **items, size_t *cap, size_t cnt, size_t size,
                        size_t max, struct yy_error *e)
{
    if (cnt >= max)
        return max == LISTS_MAX_ROWS
                   ? yy_fail(e, YY_TOO_LARGE, "too_many_rows",
                             "清单超过20000行,请按街道或承办单位分别导出", NULL)
                   : yy_fail(e, YY_TOO_LARGE, "too_many_rows",
                             "统计范围内的记录过多,请缩短时间段或按街道统计", NULL);
    if (cnt < *cap)
        return YY_OK;
    size_t bigger = *cap ? *cap * 2 : 64;
    void *p = arena_calloc(a, bigger, size);
    if (cnt)
        memcpy(p, *items, cnt * size);
    *items = p;
    *cap = bigger;
    return YY_OK;
}

#define GROW(a, items, cap, cnt, e)                                                                \
    grow(a, (void **)&(items), &(cap), cnt, sizeof(*(items)), LISTS_MAX_ROWS, e)
#define STATS_GROW(a, items, cap, cnt, e)                                                          \
    grow(a, (void **)&(items), &(cap), cnt, sizeof(*(items)), STATS_MAX_ROWS, e)

/* The conditions every list shares: the year, no drafts, the street of the
 * author's stations ($2, 0 = any). */
#define LIST_WHERE                                                                                 \
    " s.year = $1 AND s.status <> 'draft'"                                                         \
    " AND ($2 = 0 OR EXISTS (SELECT 1 FROM deputy_stations ds"                                     \
    "   JOIN stations st ON st.id = ds.station_id"                                                 \
    "   WHERE ds.deputy_id = s.author_id AND st.street_id = $2))"

/* The first suggestion id of the year $1 (suggestions_year: one index
 * probe).  The lists bound their id ranges from below with it (a page also
 * with its cursor): PostgreSQL plans a page as a merge join of suggestions
 * and assignments by id, and neither "s.year = $1" nor "s.id >= $4" bounds
 * the other side's range, so the first page read every earlier year's rows
 * and a page in the middle every assignment before it; a whole-year export
 * read every year's assignments (bench/README.md "Big data").  It changes
 * no answer; NULL for a year without suggestions: no rows, as before. */
#define YEAR_FIRST_ID "(SELECT MIN(y.id) FROM suggestions y WHERE y.year = $1)"

static void bind_filter(struct db_stmt *st, const struct list_filter *f)
{
    db_bind_int(st, 1, f->year);
    db_bind_int(st, 2, f->street_id);
    db_bind_int(st, 3, f->unit_id);
}

/* ---- 建议清单 ------------------------------------------------------------------ */

static struct list_suggestion_row *find_suggestion(struct list_suggestion_row *rows, size_t n,
                                                   int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid].id == id)
            return &rows[mid];
        if (rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *join_name(struct arena *a, const char *list, const char *name)
{
    return *list ? arena_printf(a, "%s、%s", list, name) : arena_strdup(a, name);
}

/* Appends column 1 (a name) of each row of st to the row named by column 0:
 * into cosigners, or into streets. */
static enum yy_err attach_names(struct arena *a, struct db_stmt *st,
                                struct list_suggestion_row *rows, size_t n, bool streets,
                                struct yy_error *e)
{
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        struct list_suggestion_row *s = find_suggestion(rows, n, db_col_int(st, 0));
        if (!s)
            continue;
        const char *name = db_col_text(st, 1);
        if (streets)
            s->streets = join_name(a, s->streets, name ? name : "");
        else
            s->cosigners = join_name(a, s->cosigners, name ? name : "");
    }
    db_done(st);
    return rc;
}

/* Ends a page: of the limit + 1 rows read, the extra one only says that
 * more follow; the count shown is cut back to the limit. */
static size_t page_end(struct list_page *page, size_t cnt)
{
    page->more = cnt > page->limit;
    return page->more ? page->limit : cnt;
}

enum yy_err store_list_suggestions(struct db *db, struct arena *a, const struct list_filter *f,
                                   struct list_page *page, struct list_suggestion_row **out,
                                   size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
#define SUGGESTIONS_SQL(page_cond)                                                                 \
    "SELECT s.id, s.title, s.category, s.author_id, d.name, s.submitted_at, s.status,"             \
    " s.is_key, s.published"                                                                       \
    " FROM suggestions s JOIN deputies d ON d.id = s.author_id"                                    \
    " WHERE" LIST_WHERE " AND ($3 = 0 OR EXISTS (SELECT 1 FROM assignments a"                      \
    "   WHERE a.suggestion_id = s.id AND a.active = 1 AND a.unit_id = $3))" page_cond
    /* a page: an index range on suggestions_year (year, id) from the cursor */
    PREP_LIST(
        st, db, page,
        SUGGESTIONS_SQL(" AND s.id > $4 AND s.id >= " YEAR_FIRST_ID " ORDER BY s.id LIMIT $5"),
        SUGGESTIONS_SQL(" AND s.id >= " YEAR_FIRST_ID " ORDER BY s.id"), e);
    bind_filter(st, f);
    if (page) {
        db_bind_int(st, 4, page->after.suggestion_id);
        db_bind_int(st, 5, (int64_t)page->limit + 1);
    }
    struct list_suggestion_row *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        struct list_suggestion_row *s = &items[cnt++];
        s->id = db_col_int(st, 0);
        s->title = col_str(a, st, 1);
        s->category = col_str(a, st, 2);
        s->author_id = db_col_int(st, 3);
        s->author = col_str(a, st, 4);
        s->submitted_at = db_col_int(st, 5);
        s->status = col_str(a, st, 6);
        s->key = db_col_int(st, 7) != 0;
        s->published = db_col_int(st, 8) != 0;
        s->cosigners = "";
        s->streets = "";
    }
    db_done(st);
    if (rc == YY_OK && page) {
        cnt = page_end(page, cnt);
        if (cnt)
            page->last = (struct list_pos){items[cnt - 1].id, 0, 0};
    }
    if (rc != YY_OK || cnt == 0)
        goto done;

    /* names of the rows read: ids from the first to the last of them */
    struct db_stmt *signers =
        db_prepare(db,
                   "SELECT ss.suggestion_id, d.name FROM suggestion_signers ss"
                   " JOIN deputies d ON d.id = ss.deputy_id"
                   " JOIN suggestions s ON s.id = ss.suggestion_id"
                   " WHERE ss.role = 'cosigner' AND" LIST_WHERE " AND s.id >= $3 AND s.id <= $4"
                   " ORDER BY ss.suggestion_id, d.id",
                   e);
    if (!signers)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(signers, 1, f->year);
    db_bind_int(signers, 2, f->street_id);
    db_bind_int(signers, 3, items[0].id);
    db_bind_int(signers, 4, items[cnt - 1].id);
    rc = attach_names(a, signers, items, cnt, false, e);
    if (rc != YY_OK)
        goto done;

    struct db_stmt *streets = db_prepare(db,
                                         "SELECT DISTINCT s.id, r.name, r.id FROM suggestions s"
                                         " JOIN deputy_stations dst ON dst.deputy_id = s.author_id"
                                         " JOIN stations sn ON sn.id = dst.station_id"
                                         " JOIN regions r ON r.id = sn.street_id"
                                         " WHERE" LIST_WHERE " AND s.id >= $3 AND s.id <= $4"
                                         " ORDER BY s.id, r.id",
                                         e);
    if (!streets)
        return e ? e->kind : YY_INTERNAL;
    db_bind_int(streets, 1, f->year);
    db_bind_int(streets, 2, f->street_id);
    db_bind_int(streets, 3, items[0].id);
    db_bind_int(streets, 4, items[cnt - 1].id);
    rc = attach_names(a, streets, items, cnt, true, e);
done:
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = cnt;
    return YY_OK;
}

/* ---- 交办清单 ------------------------------------------------------------------ */

/* An assignment's rank in the lists' order: lead before co. */
#define ROLE_RANK "(CASE WHEN a.role = 'lead' THEN 0 ELSE 1 END)"

/* A page of assignments: the suggestions of the year from the cursor's one
 * on (suggestions_year), each with its active assignments
 * (assignments_active_unit), in the lists' order.  SQLite joins in the
 * order written after CROSS JOIN, so a unit's page does not read all the
 * unit's assignments through assignments_unit and sort them.  PostgreSQL
 * picks its own order (a merge join on the suggestion id, or a nested
 * loop); PAGE_FROM_ID ($4: the cursor's suggestion) bounds both sides of
 * it, since it does not carry "s.id >= $4" over to a.suggestion_id. */
#define PAGE_FROM " FROM suggestions s CROSS JOIN assignments a JOIN units u ON u.id = a.unit_id"
/* A unit's list names the unit plainly ($3): "$3 = 0 OR a.unit_id = $3"
 * would read every active assignment of the year range and filter (a whole
 * list), or probe assignments_active_unit by suggestion alone and read each
 * assignment row to compare its unit (a page; with the unit named, the
 * probe is (suggestion_id, unit_id) and misses in the index). */
#define UNIT_IS "a.unit_id = $3"
#define ANY_UNIT "$3 = 0"
#define PAGE_WHERE(unit_cond)                                                                      \
    " WHERE" LIST_WHERE " AND " unit_cond " AND a.suggestion_id = s.id AND a.active = 1"
#define YEAR_FROM " AND s.id >= " YEAR_FIRST_ID " AND a.suggestion_id >= " YEAR_FIRST_ID
#define PAGE_FROM_ID " AND s.id >= $4 AND a.suggestion_id >= $4" YEAR_FROM

enum yy_err store_list_assignments(struct db *db, struct arena *a, const struct list_filter *f,
                                   struct list_page *page, struct list_assignment_row **out,
                                   size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
#define ASSIGNMENTS_COLS                                                                           \
    "SELECT a.id, a.suggestion_id, s.title, a.unit_id, u.name, a.role, a.status, s.status,"        \
    " a.assigned_at, a.due_at, a.due_provisional, a.extension_status, a.extension_months,"         \
    " a.replied_at"
#define ASSIGNMENTS_SQL(unit_cond)                                                                 \
    ASSIGNMENTS_COLS                                                                               \
    " FROM assignments a JOIN suggestions s ON s.id = a.suggestion_id"                             \
    " JOIN units u ON u.id = a.unit_id"                                                            \
    " WHERE" LIST_WHERE " AND a.active = 1 AND " unit_cond YEAR_FROM                               \
    " ORDER BY a.suggestion_id, " ROLE_RANK ", a.unit_id, a.id"
#define ASSIGNMENTS_PAGE_SQL(unit_cond)                                                            \
    ASSIGNMENTS_COLS PAGE_FROM PAGE_WHERE(unit_cond) PAGE_FROM_ID                                  \
        " AND (s.id > $4 OR " ROLE_RANK " > $5"                                                    \
        "   OR (" ROLE_RANK " = $5 AND a.unit_id > $6))"                                           \
        " ORDER BY s.id, " ROLE_RANK ", a.unit_id LIMIT $7"
    PREP_LIST(st, db, page,
              f->unit_id ? ASSIGNMENTS_PAGE_SQL(UNIT_IS) : ASSIGNMENTS_PAGE_SQL(ANY_UNIT),
              f->unit_id ? ASSIGNMENTS_SQL(UNIT_IS) : ASSIGNMENTS_SQL(ANY_UNIT), e);
    bind_filter(st, f);
    if (page) {
        db_bind_int(st, 4, page->after.suggestion_id);
        db_bind_int(st, 5, page->after.rank);
        db_bind_int(st, 6, page->after.unit_id);
        db_bind_int(st, 7, (int64_t)page->limit + 1);
    }
    struct list_assignment_row *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        struct list_assignment_row *x = &items[cnt++];
        x->id = db_col_int(st, 0);
        x->suggestion_id = db_col_int(st, 1);
        x->title = col_str(a, st, 2);
        x->unit_id = db_col_int(st, 3);
        x->unit = col_str(a, st, 4);
        x->role = col_str(a, st, 5);
        x->status = col_str(a, st, 6);
        x->suggestion_status = col_str(a, st, 7);
        x->assigned_at = db_col_int(st, 8);
        x->due_at = db_col_int(st, 9);
        x->due_provisional = db_col_int(st, 10) != 0;
        x->extension_status = col_str_or_null(a, st, 11);
        x->extension_months = db_col_int(st, 12);
        x->replied_at = db_col_int(st, 13);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    if (page) {
        cnt = page_end(page, cnt);
        if (cnt) {
            const struct list_assignment_row *x = &items[cnt - 1];
            page->last = (struct list_pos){x->suggestion_id, strcmp(x->role, "lead") != 0,
                                           x->unit_id};
        }
    }
    *out = items;
    *n = cnt;
    return YY_OK;
}

/* ---- 效果清单 ------------------------------------------------------------------ */

enum yy_err store_list_results(struct db *db, struct arena *a, const struct list_filter *f,
                               struct list_page *page, struct list_result_row **out, size_t *n,
                               struct yy_error *e)
{
    *out = NULL;
    *n = 0;
#define RESULTS_COLS                                                                               \
    "SELECT a.id, a.suggestion_id, s.title, a.unit_id, u.name, a.reply_class, a.replied_at,"       \
    " a.due_at, ev.attitude, ev.result,"                                                           \
    " (SELECT COUNT(*) FROM follow_ups f WHERE f.suggestion_id = s.id),"                           \
    " (SELECT COUNT(*) FROM follow_ups f WHERE f.suggestion_id = s.id AND f.done = 1),"            \
    " s.published,"                                                                                \
    " (SELECT COUNT(*) FROM public_ratings p"                                                      \
    "   WHERE p.suggestion_id = s.id AND p.value = 'satisfied'),"                                  \
    " (SELECT COUNT(*) FROM public_ratings p"                                                      \
    "   WHERE p.suggestion_id = s.id AND p.value = 'basically_satisfied'),"                        \
    " (SELECT COUNT(*) FROM public_ratings p"                                                      \
    "   WHERE p.suggestion_id = s.id AND p.value = 'dissatisfied')"
#define LATEST_EVALUATION                                                                          \
    " LEFT JOIN evaluations ev ON ev.id ="                                                         \
    "   (SELECT MAX(e2.id) FROM evaluations e2 WHERE e2.suggestion_id = s.id)"
#define RESULTS_SQL(unit_cond)                                                                     \
    RESULTS_COLS                                                                                   \
    " FROM assignments a JOIN suggestions s ON s.id = a.suggestion_id"                             \
    " JOIN units u ON u.id = a.unit_id" LATEST_EVALUATION                                          \
    " WHERE" LIST_WHERE " AND a.active = 1 AND a.role = 'lead'"                                    \
    " AND a.replied_at IS NOT NULL AND " unit_cond YEAR_FROM                                       \
    " ORDER BY a.suggestion_id, a.unit_id, a.id"
#define RESULTS_PAGE_SQL(unit_cond)                                                                \
    RESULTS_COLS PAGE_FROM LATEST_EVALUATION PAGE_WHERE(unit_cond)                                 \
        " AND a.role = 'lead' AND a.replied_at IS NOT NULL" PAGE_FROM_ID                           \
        " AND (s.id > $4 OR a.unit_id > $5) ORDER BY s.id, a.unit_id LIMIT $6"
    PREP_LIST(st, db, page, f->unit_id ? RESULTS_PAGE_SQL(UNIT_IS) : RESULTS_PAGE_SQL(ANY_UNIT),
              f->unit_id ? RESULTS_SQL(UNIT_IS) : RESULTS_SQL(ANY_UNIT), e);
    bind_filter(st, f);
    if (page) {
        db_bind_int(st, 4, page->after.suggestion_id);
        db_bind_int(st, 5, page->after.unit_id);
        db_bind_int(st, 6, (int64_t)page->limit + 1);
    }
    struct list_result_row *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        struct list_result_row *x = &items[cnt++];
        x->assignment_id = db_col_int(st, 0);
        x->suggestion_id = db_col_int(st, 1);
        x->title = col_str(a, st, 2);
        x->unit_id = db_col_int(st, 3);
        x->unit = col_str(a, st, 4);
        x->reply_class = col_str_or_null(a, st, 5);
        x->replied_at = db_col_int(st, 6);
        x->due_at = db_col_int(st, 7);
        x->attitude = col_str_or_null(a, st, 8);
        x->result = col_str_or_null(a, st, 9);
        x->follow_ups = db_col_int(st, 10);
        x->follow_ups_done = db_col_int(st, 11);
        x->published = db_col_int(st, 12) != 0;
        x->public_satisfied = db_col_int(st, 13);
        x->public_basically_satisfied = db_col_int(st, 14);
        x->public_dissatisfied = db_col_int(st, 15);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    if (page) {
        cnt = page_end(page, cnt);
        if (cnt)
            page->last = (struct list_pos){items[cnt - 1].suggestion_id, 0, items[cnt - 1].unit_id};
    }
    *out = items;
    *n = cnt;
    return YY_OK;
}

enum yy_err store_list_table(struct db *db, struct arena *a, enum list_kind k,
                             const struct list_filter *f, struct list_page *page, int64_t now,
                             struct table *out, struct yy_error *e)
{
    size_t n = 0;
    enum yy_err rc = YY_OK;
    switch (k) {
    case LIST_SUGGESTIONS: {
        struct list_suggestion_row *rows;
        rc = store_list_suggestions(db, a, f, page, &rows, &n, e);
        if (rc == YY_OK)
            list_suggestions_table(a, rows, n, out);
        break;
    }
    case LIST_ASSIGNMENTS: {
        struct list_assignment_row *rows;
        rc = store_list_assignments(db, a, f, page, &rows, &n, e);
        if (rc == YY_OK)
            list_assignments_table(a, rows, n, now, out);
        break;
    }
    case LIST_RESULTS: {
        struct list_result_row *rows;
        rc = store_list_results(db, a, f, page, &rows, &n, e);
        if (rc == YY_OK)
            list_results_table(a, rows, n, out);
        break;
    }
    }
    return rc;
}

/* ---- the dashboard ------------------------------------------------------------- */

/* Suggestions submitted in the period ($1 <= submitted_at < $2), of the
 * street $3 (0 = any).  Placeholders must appear in order (db.h), so this
 * comes first in every WHERE. */
#define STATS_SUGGESTION_WHERE                                                                     \
    " s.submitted_at >= $1 AND s.submitted_at < $2 AND s.status <> 'draft'"                        \
    " AND ($3 = 0 OR EXISTS (SELECT 1 FROM deputy_stations ds"                                     \
    "   JOIN stations st ON st.id = ds.station_id"                                                 \
    "   WHERE ds.deputy_id = s.author_id AND st.street_id = $3))"

static void bind_query(struct db_stmt *st, const struct stats_query *q)
{
    db_bind_int(st, 1, stats_day_start(q->from_day));
    db_bind_int(st, 2, stats_day_start(q->to_day + 1));
    db_bind_int(st, 3, q->street_id);
}

enum yy_err store_stats_concerns(struct db *db, struct arena *a, const struct stats_query *q,
                                 struct stats_concern_group **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT c.street_id, r.name, c.category, c.status, c.rating, COUNT(*)"
         " FROM concerns c LEFT JOIN regions r ON r.id = c.street_id"
         " WHERE c.created_at >= $1 AND c.created_at < $2 AND ($3 = 0 OR c.street_id = $3)"
         " GROUP BY c.street_id, r.name, c.category, c.status, c.rating",
         e);
    bind_query(st, q);
    struct stats_concern_group *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = STATS_GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        struct stats_concern_group *g = &items[cnt++];
        g->street_id = db_col_int(st, 0);
        g->street = col_str(a, st, 1);
        g->category = col_str(a, st, 2);
        g->status = col_str(a, st, 3);
        g->rating = col_str_or_null(a, st, 4);
        g->n = db_col_int(st, 5);
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = cnt;
    return YY_OK;
}

enum yy_err store_stats_suggestions(struct db *db, struct arena *a, const struct stats_query *q,
                                    struct stats_suggestion **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT s.id, s.status, s.category FROM suggestions s"
         " WHERE" STATS_SUGGESTION_WHERE " ORDER BY s.id",
         e);
    bind_query(st, q);
    struct stats_suggestion *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = STATS_GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        items[cnt].id = db_col_int(st, 0);
        items[cnt].status = col_str(a, st, 1);
        items[cnt].category = col_str(a, st, 2);
        cnt++;
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = cnt;
    return YY_OK;
}

enum yy_err store_stats_suggestion_streets(struct db *db, struct arena *a,
                                           const struct stats_query *q,
                                           struct stats_street_count **out, size_t *n,
                                           struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT sn.street_id, r.name, COUNT(DISTINCT s.id) FROM suggestions s"
         " JOIN deputy_stations dst ON dst.deputy_id = s.author_id"
         " JOIN stations sn ON sn.id = dst.station_id"
         " JOIN regions r ON r.id = sn.street_id"
         " WHERE" STATS_SUGGESTION_WHERE " AND ($3 = 0 OR sn.street_id = $3)"
         " GROUP BY sn.street_id, r.name ORDER BY sn.street_id",
         e);
    bind_query(st, q);
    struct stats_street_count *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = STATS_GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        items[cnt].street_id = db_col_int(st, 0);
        items[cnt].street = col_str(a, st, 1);
        items[cnt].n = db_col_int(st, 2);
        cnt++;
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = cnt;
    return YY_OK;
}

static struct stats_assignment *find_assignment(struct stats_assignment *rows, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid].id == id)
            return &rows[mid];
        if (rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

enum yy_err store_stats_assignments(struct db *db, struct arena *a, const struct stats_query *q,
                                    struct stats_assignment **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT a.id, a.suggestion_id, a.unit_id, u.name, a.role, a.replied_at, a.due_at,"
         " a.reply_class"
         " FROM assignments a JOIN suggestions s ON s.id = a.suggestion_id"
         " JOIN units u ON u.id = a.unit_id"
         " WHERE a.active = 1 AND" STATS_SUGGESTION_WHERE " ORDER BY a.id",
         e);
    bind_query(st, q);
    struct stats_assignment *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = STATS_GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        struct stats_assignment *x = &items[cnt++];
        x->id = db_col_int(st, 0);
        x->suggestion_id = db_col_int(st, 1);
        x->unit_id = db_col_int(st, 2);
        x->unit = col_str(a, st, 3);
        const char *role = db_col_text(st, 4);
        x->lead = role && !strcmp(role, "lead");
        x->replied_at = db_col_int(st, 5);
        x->due_at = db_col_int(st, 6);
        x->reply_class = col_str_or_null(a, st, 7);
        x->met_in_person = false;
    }
    db_done(st);
    if (rc != YY_OK || cnt == 0)
        goto done;

    /* the contact modes logged on each of them */
    struct db_stmt *contacts = db_prepare(db,
                                          "SELECT k.assignment_id, k.mode FROM contacts k"
                                          " JOIN assignments a ON a.id = k.assignment_id"
                                          " JOIN suggestions s ON s.id = a.suggestion_id"
                                          " WHERE a.active = 1 AND" STATS_SUGGESTION_WHERE
                                          " GROUP BY k.assignment_id, k.mode",
                                          e);
    if (!contacts)
        return e ? e->kind : YY_INTERNAL;
    bind_query(contacts, q);
    for (;;) {
        rc = db_step(contacts, &row, e);
        if (rc != YY_OK || !row)
            break;
        struct stats_assignment *x = find_assignment(items, cnt, db_col_int(contacts, 0));
        if (x && contact_mode_in_person(db_col_text(contacts, 1)))
            x->met_in_person = true;
    }
    db_done(contacts);
done:
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = cnt;
    return YY_OK;
}

/* Reads (text, text or NULL, count) rows into pair counts. */
static enum yy_err pair_counts(struct arena *a, struct db_stmt *st, bool two,
                               struct stats_pair_count **out, size_t *n, struct yy_error *e)
{
    struct stats_pair_count *items = NULL;
    size_t cap = 0, cnt = 0;
    bool row;
    enum yy_err rc;
    for (;;) {
        rc = db_step(st, &row, e);
        if (rc != YY_OK || !row)
            break;
        rc = STATS_GROW(a, items, cap, cnt, e);
        if (rc != YY_OK)
            break;
        items[cnt].a = col_str(a, st, 0);
        items[cnt].b = two ? col_str(a, st, 1) : NULL;
        items[cnt].n = db_col_int(st, two ? 2 : 1);
        cnt++;
    }
    db_done(st);
    if (rc != YY_OK)
        return rc;
    *out = items;
    *n = cnt;
    return YY_OK;
}

enum yy_err store_stats_evaluations(struct db *db, struct arena *a, const struct stats_query *q,
                                    struct stats_pair_count **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT ev.attitude, ev.result, COUNT(*) FROM evaluations ev"
         " JOIN suggestions s ON s.id = ev.suggestion_id"
         " WHERE ev.id = (SELECT MAX(e2.id) FROM evaluations e2"
         "   WHERE e2.suggestion_id = ev.suggestion_id)"
         " AND" STATS_SUGGESTION_WHERE " GROUP BY ev.attitude, ev.result",
         e);
    bind_query(st, q);
    return pair_counts(a, st, true, out, n, e);
}

enum yy_err store_stats_public_ratings(struct db *db, struct arena *a, const struct stats_query *q,
                                       struct stats_pair_count **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT p.value, COUNT(*) FROM public_ratings p"
         " JOIN suggestions s ON s.id = p.suggestion_id"
         " WHERE" STATS_SUGGESTION_WHERE " GROUP BY p.value",
         e);
    bind_query(st, q);
    return pair_counts(a, st, false, out, n, e);
}

enum yy_err store_stats_reply_classes(struct db *db, struct arena *a, const char ***out,
                                      struct yy_error *e)
{
    PREP(st, db, "SELECT value FROM settings WHERE key = 'reply_classes'", e);
    bool row;
    enum yy_err rc = db_step(st, &row, e);
    const char *v = rc == YY_OK && row ? col_str(a, st, 0) : "A,B,C";
    db_done(st);
    if (rc != YY_OK)
        return rc;
    if (!*v)
        v = "A,B,C";
    size_t max = 1;
    for (const char *p = v; *p; p++)
        max += *p == ',';
    const char **classes = arena_calloc(a, max + 1, sizeof(*classes));
    size_t cnt = 0;
    char *copy = arena_strdup(a, v);
    char *start = copy;
    for (char *p = copy;; p++) {
        if (*p == ',' || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            while (*start == ' ')
                start++;
            char *tail = start + strlen(start);
            while (tail > start && tail[-1] == ' ')
                *--tail = '\0';
            if (*start && cnt < max)
                classes[cnt++] = start;
            if (end)
                break;
            start = p + 1;
        }
    }
    classes[cnt] = NULL;
    *out = classes;
    return YY_OK;
}
