/* reception_stats.c (store) - the rows of the dashboard's receptions
 * section; see reception_stats.h.  Portable SQL, every parameter bound. */
#include "store/reception_stats.h"

#include "store/sql.h"

static void read_rec_stats_row(struct arena *a, struct db_stmt *st, void *item)
{
    struct rec_stats_row *x = item;
    x->station_id = db_col_int(st, 0);
    x->station = sql_col_dup(a, st, 1);
    x->street_id = db_col_int(st, 2);
    x->street = sql_col_dup(a, st, 3);
    x->day = db_col_int(st, 4);
    x->recorded = !db_col_null(st, 5);
    x->received = x->recorded ? db_col_int(st, 6) : 0;
    x->deputies = db_col_int(st, 7);
    x->bookings = db_col_int(st, 8);
    x->cancelled = db_col_int(st, 9);
    x->attended = db_col_int(st, 10);
    x->booked = db_col_int(st, 11);
    x->walk_ins = db_col_int(st, 12);
}

enum yy_err store_reception_stats_rows(struct db *db, struct arena *a, int64_t from_day,
                                       int64_t to_day, int64_t street_id,
                                       struct rec_stats_row **out, size_t *n, struct yy_error *e)
{
    *out = NULL;
    *n = 0;
    PREP(st, db,
         "SELECT k.station_id, s.name, s.street_id, r.name, k.day, c.id, c.residents_received,"
         " (SELECT COUNT(*) FROM reception_record_deputies d WHERE d.record_id = c.id),"
         " (SELECT COUNT(*) FROM reception_bookings b WHERE b.station_id = k.station_id"
         "   AND b.day = k.day AND b.kind = 'booking'),"
         " (SELECT COUNT(*) FROM reception_bookings b WHERE b.station_id = k.station_id"
         "   AND b.day = k.day AND b.kind = 'booking' AND b.status = 'cancelled'),"
         " (SELECT COUNT(*) FROM reception_bookings b WHERE b.station_id = k.station_id"
         "   AND b.day = k.day AND b.kind = 'booking' AND b.status = 'attended'),"
         " (SELECT COUNT(*) FROM reception_bookings b WHERE b.station_id = k.station_id"
         "   AND b.day = k.day AND b.kind = 'booking' AND b.status = 'booked'),"
         " (SELECT COUNT(*) FROM reception_bookings b WHERE b.station_id = k.station_id"
         "   AND b.day = k.day AND b.kind = 'walk_in')"
         " FROM (SELECT station_id, day FROM reception_records WHERE day >= $1 AND day <= $2"
         "  UNION SELECT station_id, day FROM reception_bookings WHERE day >= $1 AND day <= $2) k"
         " JOIN stations s ON s.id = k.station_id LEFT JOIN regions r ON r.id = s.street_id"
         " LEFT JOIN reception_records c ON c.station_id = k.station_id AND c.day = k.day"
         " WHERE ($3 = 0 OR s.street_id = $3) ORDER BY k.day, k.station_id",
         e);
    db_bind_int(st, 1, from_day);
    db_bind_int(st, 2, to_day);
    db_bind_int(st, 3, street_id);
    return sql_rows(a, st, read_rec_stats_row, sizeof(**out), 64, (void **)out, n, e);
}

enum yy_err store_reception_stats_deputies(struct db *db, int64_t from_day, int64_t to_day,
                                           int64_t street_id, int64_t *out, struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(DISTINCT d.deputy_id) FROM reception_record_deputies d"
         " JOIN reception_records c ON c.id = d.record_id JOIN stations s ON s.id = c.station_id"
         " WHERE c.day >= $1 AND c.day <= $2 AND ($3 = 0 OR s.street_id = $3)",
         e);
    db_bind_int(st, 1, from_day);
    db_bind_int(st, 2, to_day);
    db_bind_int(st, 3, street_id);
    enum yy_err rc = sql_one(st, e);
    if (rc == YY_OK)
        *out = db_col_int(st, 0);
    db_done(st);
    return rc;
}

enum yy_err store_reception_stats_concerns(struct db *db, int64_t from, int64_t to,
                                           int64_t street_id, int64_t *raised, int64_t *resolved,
                                           struct yy_error *e)
{
    PREP(st, db,
         "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status IN ('resolved', 'resolved_on_site')"
         " THEN 1 ELSE 0 END), 0) FROM concerns"
         " WHERE source = 'reception' AND status <> 'merged'"
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
