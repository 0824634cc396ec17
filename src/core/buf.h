/* buf.h - growable byte buffer with a hard maximum (after git's strbuf and
 * curl's dynbuf).
 *
 * Invariant: data is always NUL-terminated when non-NULL, len excludes the
 * terminator, len + 1 <= cap.  Appends that would pass max fail with
 * YY_TOO_LARGE and leave the buffer as it was.
 */
#ifndef YOUYUE_BUF_H
#define YOUYUE_BUF_H

#include <stddef.h>

#include "core/err.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* largest len allowed */
};

void buf_init(struct buf *b, size_t max);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void buf_release(struct buf *b);
void buf_reset(struct buf *b);

/* Makes room for extra more bytes without changing the contents, so a writer
 * that knows roughly how much it will append grows the buffer once.  Fails
 * like buf_append (YY_TOO_LARGE past max, YY_NOMEM). */
enum yy_err buf_reserve(struct buf *b, size_t extra);
enum yy_err buf_append(struct buf *b, const void *p, size_t n);
enum yy_err buf_puts(struct buf *b, const char *s);
enum yy_err buf_putc(struct buf *b, char c);
enum yy_err buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the memory to the caller (who frees it with free()); the buffer is
 * left empty. Never NULL on success: an empty buffer detaches "". */
char *buf_detach(struct buf *b, size_t *len);

#endif
