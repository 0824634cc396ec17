/* import.h - registry import from spreadsheets (CSV with a header row).
 *
 * All or nothing: every row is checked, every bad row is reported by line and
 * field, and nothing is imported unless all rows are good.  Columns (header
 * names, any order; Chinese headers accepted too):
 *   regions:  kind, name, parent (the parent's name; the district first,
 *             then streets and the development zone, then communities)
 *   stations: kind, name, street, community, address, lat, lon,
 *             opening_hours, reception_rule
 *   deputies: name, levels, sector, phone, stations, lat, lon
 *             (levels and stations separated by | or 、; without stations a
 *             deputy with lat/lon goes to the nearest station)
 *   units:    name, kind
 * Kinds and levels may be written as the contract's names or in Chinese.
 */
#ifndef YOUYUE_CLI_IMPORT_H
#define YOUYUE_CLI_IMPORT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

#define IMPORT_MAX_ERRORS 200

struct import_result {
    size_t imported;  /* rows written (0 when anything failed) */
    size_t n_errors;
    const char **errors; /* "第3行 lat: 经纬度不正确", arena strings */
};

/* what: "regions", "stations", "deputies" or "units".  Returns YY_OK when every row
 * was imported; YY_BAD_INPUT when the file or any row is bad (see
 * out->errors, and *e for a file-level problem); other kinds for database
 * failures.  Nothing is written unless the result is YY_OK. */
enum yy_err import_csv(struct db *db, struct arena *a, const char *what, const char *data,
                       size_t n, struct import_result *out, struct yy_error *e);

#endif
