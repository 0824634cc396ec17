/* scratch_db.c - a migrated SQLite database in a fresh temporary folder
 * (see scratch_db.h). */
#include "scratch_db.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool scratch_dir_make(struct scratch_db *s, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof(s->dir), "%s/yy_%s_XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(s->dir)) {
        s->dir[0] = '\0';
        return false;
    }
    snprintf(s->path, sizeof(s->path), "%s/test.db", s->dir);
    return true;
}

void scratch_dir_remove(struct scratch_db *s)
{
    DIR *d = s->dir[0] ? opendir(s->dir) : NULL;
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        char p[600];
        snprintf(p, sizeof(p), "%s/%s", s->dir, ent->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(s->dir);
    s->dir[0] = '\0';
}

struct db *scratch_db_open(struct scratch_db *s, const char *tag, struct yy_error *e)
{
    if (!scratch_dir_make(s, tag))
        return NULL;
    struct db *db = db_open(s->path, true, e);
    if (!db || db_migrate(db, e) != YY_OK) {
        scratch_db_close(s, db);
        return NULL;
    }
    return db;
}

void scratch_db_close(struct scratch_db *s, struct db *db)
{
    db_close(db);
    scratch_dir_remove(s);
}
