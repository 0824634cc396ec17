/* throttle.c - fixed-window counters; see throttle.h. */
#include "http/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096
#define PROBE 16
#define KEY_MAX 96

struct entry {
    char key[KEY_MAX];
    int64_t window_start;
    unsigned count;
};

struct throttle {
    pthread_mutex_t lock;
    unsigned limit;
    unsigned window;
    struct entry slots[SLOTS];
};

struct throttle *throttle_new(unsigned limit, unsigned window_secs)
{
    struct throttle *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    t->limit = limit;
    t->window = window_secs ? window_secs : 60;
    return t;
}

void throttle_free(struct throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static size_t hash_key(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The entry for key, made (or recycled) when absent; lock held. */
static struct entry *find(struct throttle *t, const char *key, int64_t now, bool create)
{
    size_t h = hash_key(key);
    struct entry *victim = NULL;
    for (size_t i = 0; i < PROBE; i++) {
        struct entry *en = &t->slots[(h + i) % SLOTS];
        if (en->key[0] && !strncmp(en->key, key, KEY_MAX - 1))
            return en;
        bool expired = !en->key[0] || now - en->window_start >= (int64_t)t->window;
        if (!victim || (expired && victim->key[0]) ||
            (victim->key[0] && en->window_start < victim->window_start))
            victim = en;
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof(*victim));
    strncpy(victim->key, key, KEY_MAX - 1);
    victim->window_start = now;
    return victim;
}

bool throttle_hit(struct throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->lock);
    struct entry *en = find(t, key, now, true);
    if (now - en->window_start >= (int64_t)t->window) {
        en->window_start = now;
        en->count = 0;
    }
    if (en->count < UINT32_MAX)
        en->count++;
    bool ok = en->count <= t->limit;
    pthread_mutex_unlock(&t->lock);
    return ok;
}

bool throttle_allowed(struct throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->lock);
    struct entry *en = find(t, key, now, false);
    bool ok = !en || now - en->window_start >= (int64_t)t->window || en->count < t->limit;
    pthread_mutex_unlock(&t->lock);
    return ok;
}

void throttle_reset(struct throttle *t, const char *key)
{
    pthread_mutex_lock(&t->lock);
    struct entry *en = find(t, key, 0, false);
    if (en)
        memset(en, 0, sizeof(*en));
    pthread_mutex_unlock(&t->lock);
}
