/* export.c - `youyue export`: a list to a file; see export.h. */
#include "cli/export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/table.h"
#include "store/lists.h"

#define EXPORT_MAX_BYTES ((size_t)256 * 1024 * 1024)

static enum yy_err write_file(struct arena *a, const char *path, const struct buf *b,
                              struct yy_error *e)
{
    const char *tmp = arena_printf(a, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return yy_fail(e, YY_IO, "cannot_write",
                       arena_printf(a, "cannot create %s: %s", tmp, strerror(errno)), NULL);
    bool ok = b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len;
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return yy_fail(e, YY_IO, "cannot_write",
                       arena_printf(a, "cannot write %s: %s", path, strerror(err)), NULL);
    }
    return YY_OK;
}

enum yy_err export_list(struct db *db, struct arena *a, enum list_kind k,
                        const struct list_filter *f, bool xlsx, int64_t now, const char *path,
                        size_t *rows, struct yy_error *e)
{
    struct table t;
    *rows = 0;
    enum yy_err rc = store_list_table(db, a, k, f, NULL, now, &t, e);
    if (rc != YY_OK)
        return rc;
    struct buf b;
    buf_init(&b, EXPORT_MAX_BYTES);
    rc = xlsx ? table_write_xlsx(&b, &t, e) : table_write_csv(&b, &t);
    if (rc == YY_TOO_LARGE || rc == YY_NOMEM)
        rc = yy_fail(e, rc, "too_large", "the list does not fit in memory", NULL);
    if (rc == YY_OK)
        rc = write_file(a, path, &b, e);
    buf_release(&b);
    if (rc == YY_OK)
        *rows = t.n_rows;
    return rc;
}
