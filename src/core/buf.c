/* buf.c - growable byte buffer with a hard maximum; see buf.h. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static enum yy_err buf_grow(struct buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return YY_TOO_LARGE;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return YY_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return YY_NOMEM;
    b->data = p;
    b->cap = cap;
    return YY_OK;
}

enum yy_err buf_reserve(struct buf *b, size_t extra)
{
    enum yy_err rc = buf_grow(b, extra);
    if (rc == YY_OK)
        b->data[b->len] = '\0'; /* a fresh buffer keeps the invariant */
    return rc;
}

enum yy_err buf_append(struct buf *b, const void *p, size_t n)
{
    enum yy_err rc = buf_grow(b, n);
    if (rc != YY_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return YY_OK;
}

enum yy_err buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum yy_err buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

enum yy_err buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return YY_INTERNAL;
    enum yy_err rc = buf_grow(b, (size_t)n);
    if (rc != YY_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return YY_OK;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *d = b->data;
    if (len)
        *len = b->len;
    if (!d) {
        d = malloc(1);
        if (d)
            d[0] = '\0';
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return d;
}
