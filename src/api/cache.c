/* cache.c - shared responses and entity tags; see cache.h for what may be
 * cached and why invalidation is exact. */
#include "api/cache.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "store/db.h"

/* ---- the table ------------------------------------------------------------ */

struct entry {
    struct entry *bucket_next;
    struct entry *newer, *older; /* the LRU list */
    uint64_t hash;
    uint64_t version;
    size_t size; /* what counts against max_bytes: the whole allocation */
    size_t len;  /* of the body */
    char etag[CACHE_ETAG_LEN];
    char *body;  /* after the key, in data */
    char data[]; /* key, NUL, body, NUL */
};

struct cache {
    pthread_mutex_t lock;
    struct entry **buckets;
    size_t n_buckets; /* a power of two */
    struct entry *newest, *oldest;
    size_t entries, bytes;
    size_t max_entries, max_bytes;
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

struct cache *cache_new(size_t max_entries, size_t max_bytes)
{
    if (max_entries == 0)
        return NULL;
    struct cache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->n_buckets = 16;
    while (c->n_buckets < max_entries * 2)
        c->n_buckets *= 2;
    c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void cache_free(struct cache *c)
{
    if (!c)
        return;
    struct entry *e = c->newest;
    while (e) {
        struct entry *next = e->older;
        free(e);
        e = next;
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The slot that points at key's entry (or at the NULL ending its chain). */
static struct entry **find(struct cache *c, const char *key, uint64_t hash)
{
    struct entry **p = &c->buckets[hash & (c->n_buckets - 1)];
    while (*p && ((*p)->hash != hash || strcmp((*p)->data, key) != 0))
        p = &(*p)->bucket_next;
    return p;
}

static void lru_unlink(struct cache *c, struct entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(struct cache *c, struct entry *e)
{
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

/* Takes the entry at *slot out of the table; the caller frees it (after
 * unlocking). */
static struct entry *unlink_at(struct cache *c, struct entry **slot)
{
    struct entry *e = *slot;
    *slot = e->bucket_next;
    lru_unlink(c, e);
    c->entries--;
    c->bytes -= e->size;
    return e;
}

bool cache_get(struct cache *c, const char *key, uint64_t version, struct buf *out,
               char etag[CACHE_ETAG_LEN])
{
    if (!c || version == 0)
        return false;
    uint64_t hash = hash_key(key);
    struct entry *stale = NULL;
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    struct entry **slot = find(c, key, hash);
    struct entry *e = *slot;
    if (e && e->version == version) {
        if (buf_append(out, e->body, e->len) == YY_OK) {
            memcpy(etag, e->etag, CACHE_ETAG_LEN);
            lru_unlink(c, e);
            lru_push(c, e);
            hit = true;
        }
    } else if (e && e->version < version) {
        stale = unlink_at(c, slot); /* versions only grow: it can never hit again */
    }
    pthread_mutex_unlock(&c->lock);
    free(stale);
    return hit;
}

void cache_put(struct cache *c, const char *key, uint64_t version, const char *body, size_t len,
               const char etag[CACHE_ETAG_LEN])
{
    if (!c || version == 0)
        return;
    size_t key_len = strlen(key);
    size_t size = sizeof(struct entry) + key_len + 1 + len + 1;
    if (len > c->max_bytes / 4 || size > c->max_bytes)
        return;
    struct entry *e = malloc(size);
    if (!e)
        return;
    memset(e, 0, sizeof(*e));
    e->hash = hash_key(key);
    e->version = version;
    e->size = size;
    e->len = len;
    memcpy(e->etag, etag, CACHE_ETAG_LEN);
    memcpy(e->data, key, key_len + 1);
    e->body = e->data + key_len + 1;
    memcpy(e->body, body, len);
    e->body[len] = '\0';

    struct entry *drop = NULL; /* chained by bucket_next, freed after unlocking */
    pthread_mutex_lock(&c->lock);
    struct entry **slot = find(c, key, e->hash);
    if (*slot && (*slot)->version > version) {
        /* a slower request read an older version: keep the newer entry */
        e->bucket_next = drop;
        drop = e;
    } else {
        if (*slot) {
            struct entry *old = unlink_at(c, slot);
            old->bucket_next = drop;
            drop = old;
            slot = find(c, key, e->hash);
        }
        e->bucket_next = NULL;
        *slot = e;
        lru_push(c, e);
        c->entries++;
        c->bytes += size;
        /* e itself is never the victim: it is the newest, and fits alone */
        while ((c->entries > c->max_entries || c->bytes > c->max_bytes) && c->oldest != e) {
            struct entry **vslot = find(c, c->oldest->data, c->oldest->hash);
            assert(*vslot == c->oldest);
            if (!*vslot)
                break;
            struct entry *old = unlink_at(c, vslot);
            old->bucket_next = drop;
            drop = old;
        }
    }
    pthread_mutex_unlock(&c->lock);
    while (drop) {
        struct entry *next = drop->bucket_next;
        free(drop);
        drop = next;
    }
}

void cache_stats(struct cache *c, size_t *entries, size_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    *entries = c->entries;
    *bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}

/* ---- entity tags ---------------------------------------------------------- */

void cache_etag(const char *body, size_t len, char etag[CACHE_ETAG_LEN])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL, 0);
    etag[0] = '"';
    sodium_bin2hex(etag + 1, 33, h, sizeof(h));
    etag[33] = '"';
    etag[34] = '\0';
}

bool cache_etag_matches(const char *inm, const char *etag)
{
    size_t etag_len = strlen(etag);
    const char *p = inm;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return false;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2; /* weak comparison: W/"x" matches "x" */
        const char *start = p;
        if (*p == '"') {
            p++;
            while (*p && *p != '"')
                p++;
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',' && *p != ' ' && *p != '\t')
                p++;
        }
        if ((size_t)(p - start) == etag_len && !memcmp(start, etag, etag_len))
            return true;
        while (*p && *p != ',')
            p++;
    }
}

/* ---- for handlers --------------------------------------------------------- */

enum yy_err api_cached(struct request *req, struct response *res, route_fn fn, bool shareable)
{
    struct app *app = api_app(req);
    uint64_t version = shareable && app->cache ? db_data_version(app->db) : 0;
    const char *key = NULL;
    char etag[CACHE_ETAG_LEN];
    bool hit = false;
    if (version) {
        key = arena_printf(req->arena, "%s?%s", req->route->pattern, req->query_raw);
        buf_reset(&res->body);
        hit = cache_get(app->cache, key, version, &res->body, etag);
    }
    if (hit) {
        res->status = 200;
        res->content_type = "application/json; charset=utf-8";
    } else {
        enum yy_err rc = fn(req, res);
        if (rc != YY_OK || res->status != 200)
            return rc;
        const char *body = res->body.data ? res->body.data : "";
        cache_etag(body, res->body.len, etag);
        if (version)
            cache_put(app->cache, key, version, body, res->body.len, etag);
    }
    response_header(res, "ETag", arena_strdup(req->arena, etag));
    if (version) /* for operators and tests: was it shared? */
        response_header(res, "X-Cache", hit ? "hit" : "miss");
    const char *inm = request_header(req, "If-None-Match");
    if (inm && cache_etag_matches(inm, etag)) {
        res->status = 304;
        buf_reset(&res->body);
    }
    return YY_OK;
}
