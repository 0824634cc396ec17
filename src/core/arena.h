/* arena.h - bump allocator for memory that lives exactly as long as one
 * request or one command.
 *
 * Everything allocated from an arena is freed at once by arena_release().
 * Allocation never returns NULL: on out-of-memory the process aborts, since a
 * half-served request cannot be recovered sensibly.  An arena has a maximum
 * size (default 64 MiB); going past it aborts as well, which turns a runaway
 * loop into a crash a test sees rather than a machine out of memory.
 */
#ifndef YOUYUE_ARENA_H
#define YOUYUE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used_total;  /* bytes handed out, for the limit */
    size_t max_total;   /* 0 = default limit */
};

#define ARENA_INIT {NULL, 0, 0}

void arena_init(struct arena *a);
/* Frees every block; the arena may be used again afterwards. */
void arena_release(struct arena *a);

/* Zeroed memory, aligned for any type; owned by the arena. */
void *arena_alloc(struct arena *a, size_t size);
/* Array of n elements of size each, overflow-checked. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Copies; the result is NUL-terminated. s may be NULL (returns NULL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
