/* activity_stats.c (store) - the rows of the dashboard's activities section;
 * see activity_stats.h.  Portable SQL, every parameter bound. */
#include "store/activity_stats.h"

#include "store/sql.h"

static void read_act_stats_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct act_stats_row *x = item;
    x->id = db_col_int(st, 0);
    x->kind = sql_col_str(a, st, 1);
    x->status = sql_col_str(a, st, 2);
    x->starts_at = db_col_int(st, 3);
    x->station_id = db_col_null(st, 4) ? 0 : db_col_int(st, 4);
    x->station = sql_col_dup(a, st, 5);
    x->street_id = db_col_null(st, 6) ? 0 : db_col_int(st, 6);
    x->street = sql_col_dup(a, st, 7);
    x->attendances = db_col_int(st, 8);
    x->checked_in = db_col_int(st, 9);
}

enum yy_err store_activity_stats_rows(struct db *db, struct arena *a, int64_t from, int64_t to,
                                      int64_t street_id, struct act_stats_row **out, size_t *n,
                                      struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT v.id, v.kind, v.status, v.starts_at, v.station_id, t.name, v.street_id, r.name,"
         " (SELECT COUNT(*) FROM activity_deputies d WHERE d.activity_id = v.id"
         "   AND d.attended = 1),"
         " (SELECT COUNT(*) FROM registrations g WHERE g.activity_id = v.id"
         "   AND g.status = 'checked_in')"
         " FROM activities v LEFT JOIN stations t ON t.id = v.station_id"
         " LEFT JOIN regions r ON r.id = v.street_id"
         " WHERE v.status <> 'draft' AND v.starts_at >= $1 AND v.starts_at < $2"
         " AND ($3 = 0 OR v.street_id = $3) ORDER BY v.starts_at, v.id",
         e);
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, to);
    db_bind_int(st, 3, street_id);
    return sql_rows(a, st, read_act_stats_row, sizeof(**out), 64, (void **)out, n, e);
}

enum yy_err store_activity_stats_deputies(struct db *db, int64_t from, int64_t to,
                                          int64_t street_id, int64_t now, int64_t *out,
                                          struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(DISTINCT d.deputy_id) FROM activity_deputies d"
         " JOIN activities v ON v.id = d.activity_id"
         " WHERE v.starts_at >= $1 AND v.starts_at < $2 AND ($3 = 0 OR v.street_id = $3)"
         " AND d.attended = 1 AND v.status IN ('open', 'closed') AND v.starts_at <= $4",
         e);
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, to);
    db_bind_int(st, 3, street_id);
    db_bind_int(st, 4, now);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        *out = db_col_int(st, 0);
    db_done(st);
    return rc;
}

enum yy_err store_activity_stats_concerns(struct db *db, int64_t from, int64_t to,
                                          int64_t street_id, int64_t *raised, int64_t *resolved,
                                          struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status IN ('resolved', 'resolved_on_site')"
         " THEN 1 ELSE 0 END), 0) FROM concerns"
         " WHERE source = 'activity' AND status <> 'merged'"
         " AND created_at >= $1 AND created_at < $2 AND ($3 = 0 OR street_id = $3)",
         e);
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, to);
    db_bind_int(st, 3, street_id);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK) {
        *raised = db_col_int(st, 0);
        *resolved = db_col_int(st, 1);
    }
    db_done(st);
    return rc;
}
