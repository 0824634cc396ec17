/* ttl_cache.c - a short-lived, single-flight cache of computed answers; see
 * ttl_cache.h.  A small table (the dashboard has a handful of periods in
 * use at a time) searched linearly under one mutex. */
#include "api/ttl_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
    char *key;         /* NULL: free */
    char *body;        /* NULL: nothing kept yet */
    size_t len;        /* of body */
    int64_t born_ms;   /* when body was computed */
    uint64_t used;     /* LRU tick */
    uint64_t gen;      /* changes with every body stored */
    bool computing;    /* a caller is computing it; others wait */
};

struct ttl_cache {
    pthread_mutex_t lock;
    pthread_cond_t done; /* a computation ended */
    struct slot *slots;
    size_t n_slots; /* max_entries */
    size_t bytes, max_bytes;
    size_t waiting;
    int64_t ttl_ms;
    uint64_t tick;
};

int64_t ttl_cache_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ttl_cache *ttl_cache_new(int64_t ttl_ms, size_t max_entries, size_t max_bytes)
{
    if (ttl_ms <= 0 || max_entries == 0)
        return NULL;
    struct ttl_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->slots = calloc(max_entries, sizeof(*c->slots));
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->n_slots = max_entries;
    c->max_bytes = max_bytes;
    c->ttl_ms = ttl_ms;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->done, NULL);
    return c;
}

static void slot_drop_body(struct ttl_cache *c, struct slot *s)
{
    c->bytes -= s->len;
    free(s->body);
    s->body = NULL;
    s->len = 0;
}

static void slot_clear(struct ttl_cache *c, struct slot *s)
{
    slot_drop_body(c, s);
    free(s->key);
    memset(s, 0, sizeof(*s));
}

void ttl_cache_free(struct ttl_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_slots; i++)
        slot_clear(c, &c->slots[i]);
    free(c->slots);
    pthread_cond_destroy(&c->done);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static struct slot *find(struct ttl_cache *c, const char *key)
{
    for (size_t i = 0; i < c->n_slots; i++)
        if (c->slots[i].key && !strcmp(c->slots[i].key, key))
            return &c->slots[i];
    return NULL;
}

/* A free slot, or the least recently used one not being computed, emptied;
 * NULL when every slot is being computed. */
static struct slot *take_slot(struct ttl_cache *c)
{
    struct slot *victim = NULL;
    for (size_t i = 0; i < c->n_slots; i++) {
        struct slot *s = &c->slots[i];
        if (!s->key)
            return s;
        if (!s->computing && (!victim || s->used < victim->used))
            victim = s;
    }
    if (victim)
        slot_clear(c, victim);
    return victim;
}

/* Evicts least recently used bodies (not of keep) until need more bytes fit. */
static void make_room(struct ttl_cache *c, size_t need, const struct slot *keep)
{
    while (c->bytes + need > c->max_bytes) {
        struct slot *victim = NULL;
        for (size_t i = 0; i < c->n_slots; i++) {
            struct slot *s = &c->slots[i];
            if (s != keep && s->body && (!victim || s->used < victim->used))
                victim = s;
        }
        if (!victim)
            return;
        if (victim->computing)
            slot_drop_body(c, victim);
        else
            slot_clear(c, victim);
    }
}

enum yy_err ttl_cache_fetch(struct ttl_cache *c, const char *key, int64_t now_ms,
                            ttl_compute_fn fn, void *ctx, struct buf *out, bool *hit,
                            struct yy_error *e)
{
    *hit = false;
    if (!c)
        return fn(ctx, out, e);

    pthread_mutex_lock(&c->lock);
    struct slot *s;
    for (;;) {
        s = find(c, key);
        if (s && s->body && now_ms - s->born_ms < c->ttl_ms)
            break; /* fresh */
        if (!s || !s->computing) {
            s = NULL;
            break;
        }
        /* someone computes it: wait for them and take what they computed
         * (however long it took); when they failed, look again */
        struct slot *w = s;
        uint64_t gen = w->gen;
        c->waiting++;
        pthread_cond_wait(&c->done, &c->lock);
        c->waiting--;
        if (w->key && !strcmp(w->key, key) && w->body && w->gen != gen) {
            s = w;
            break;
        }
    }
    if (s) {
        /* a hit: copy it out under the lock */
        s->used = ++c->tick;
        enum yy_err rc = buf_append(out, s->body, s->len);
        pthread_mutex_unlock(&c->lock);
        *hit = rc == YY_OK;
        return rc == YY_OK ? YY_OK : fn(ctx, out, e);
    }
    s = find(c, key);
    if (!s) {
        s = take_slot(c);
        if (s) {
            s->key = strdup(key);
            if (!s->key)
                s = NULL;
        }
    }
    if (s) {
        s->computing = true;
        s->used = ++c->tick;
    }
    pthread_mutex_unlock(&c->lock);

    size_t start = out->len;
    enum yy_err rc = fn(ctx, out, e);

    if (!s)
        return rc; /* every slot busy: computed, not kept */
    pthread_mutex_lock(&c->lock);
    s->computing = false;
    size_t len = out->len - start;
    if (rc == YY_OK && len <= c->max_bytes / 4) {
        char *copy = malloc(len + 1);
        if (copy) {
            memcpy(copy, out->data + start, len);
            copy[len] = '\0';
            slot_drop_body(c, s);
            make_room(c, len, s);
            s->body = copy;
            s->len = len;
            s->born_ms = now_ms; /* the answer's as_of is about then, or later */
            s->gen = ++c->tick;
            c->bytes += len;
        }
    } else if (!s->body) {
        slot_clear(c, s);
    }
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void ttl_cache_stats(struct ttl_cache *c, size_t *entries, size_t *bytes, size_t *waiting)
{
    size_t n = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n_slots; i++)
        n += c->slots[i].body != NULL;
    *entries = n;
    *bytes = c->bytes;
    *waiting = c->waiting;
    pthread_mutex_unlock(&c->lock);
}
