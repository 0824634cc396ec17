/* arena.c - bump allocator; see arena.h. */
#include "core/arena.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN (16 * 1024)
#define ARENA_DEFAULT_MAX ((size_t)64 * 1024 * 1024)
#define ARENA_ALIGN 16

struct arena_block {
    struct arena_block *next;
    size_t cap;
    size_t used;
    _Alignas(16) unsigned char data[];
};

static void arena_die(const char *why)
{
    fprintf(stderr, "youyue: arena: %s\n", why);
    abort();
}

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->used_total = 0;
    a->max_total = 0;
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size_t limit = a->max_total ? a->max_total : ARENA_DEFAULT_MAX;
    if (size == 0)
        size = 1;
    if (size > limit || a->used_total > limit - size)
        arena_die("allocation over the arena limit");
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct arena_block *b = a->head;
    if (!b || b->cap - b->used < rounded) {
        size_t cap = rounded > ARENA_BLOCK_MIN ? rounded : ARENA_BLOCK_MIN;
        if (b && b->cap * 2 > cap && b->cap < 1024 * 1024)
            cap = b->cap * 2;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            arena_die("out of memory");
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += rounded;
    a->used_total += rounded;
    memset(p, 0, size);
    assert(((uintptr_t)p % ARENA_ALIGN) == 0);
    return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        arena_die("array size overflow");
    return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        arena_die("bad format");
    char *d = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}
