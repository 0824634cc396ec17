/* scratch_db.h - a migrated SQLite database in a fresh temporary folder, for
 * the unit tests that run against a real database file (test_store,
 * test_import, test_search): made in setup, removed in teardown. */
#ifndef YOUYUE_TEST_SCRATCH_DB_H
#define YOUYUE_TEST_SCRATCH_DB_H

#include <stdbool.h>

#include "store/db.h"

struct scratch_db {
    char dir[256];  /* $TMPDIR/yy_<tag>_XXXXXX, /tmp when TMPDIR is unset */
    char path[300]; /* dir/test.db */
};

/* Makes the folder and names the database file in it; false on failure. */
bool scratch_dir_make(struct scratch_db *s, const char *tag);
/* Removes every file of the folder, then the folder (none made is fine). */
void scratch_dir_remove(struct scratch_db *s);

/* Makes the folder, opens the database file in it and migrates it.  NULL on
 * failure (e filled when the database failed), with nothing left behind. */
struct db *scratch_db_open(struct scratch_db *s, const char *tag, struct yy_error *e);
/* Closes db (NULL is fine), then removes the folder. */
void scratch_db_close(struct scratch_db *s, struct db *db);

#endif
