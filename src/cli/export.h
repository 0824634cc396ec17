/* export.h - `youyue export`: one of the three lists (三张清单) written to a
 * file, CSV or XLSX, byte for byte what GET /api/v1/lists/... answers for
 * the same rows (CSV; an XLSX file holds the same cells).  See
 * docs/LISTS.md.
 */
#ifndef YOUYUE_CLI_EXPORT_H
#define YOUYUE_CLI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/lists.h"
#include "store/db.h"

/* Writes list k of f to path, as XLSX when xlsx, else CSV; days left are
 * counted from now.  The file appears whole or not at all (written beside
 * it, then renamed).  Sets *rows.  Fails with the store's error, or YY_IO
 * with *e naming the file. */
enum yy_err export_list(struct db *db, struct arena *a, enum list_kind k,
                        const struct list_filter *f, bool xlsx, int64_t now, const char *path,
                        size_t *rows, struct yy_error *e);

#endif
