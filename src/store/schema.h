/* schema.h - versioned migrations, one array per backend.  Migration i (0-based)
 * takes the schema from version i to i+1; never edit a released migration,
 * append a new one. */
#ifndef YOUYUE_STORE_SCHEMA_H
#define YOUYUE_STORE_SCHEMA_H

#include <stddef.h>

extern const char *const schema_sqlite[];
extern const size_t schema_sqlite_n;
extern const char *const schema_pg[];
extern const size_t schema_pg_n;

#endif
