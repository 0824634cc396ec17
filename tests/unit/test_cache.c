/* test_cache.c - unit tests for the shared-response cache (api/cache.h): hits
 * only at the stored version, the entry and byte bounds with LRU eviction,
 * entity tags and If-None-Match, and many threads at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/cache.h"

static const char TAG[CACHE_ETAG_LEN] = "\"0123456789abcdef0123456789abcdef\"";

static bool get(struct cache *c, const char *key, uint64_t version, const char *want)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    char etag[CACHE_ETAG_LEN];
    bool hit = cache_get(c, key, version, &b, etag);
    if (hit) {
        assert_non_null(want);
        assert_int_equal(b.len, strlen(want));
        assert_memory_equal(b.data, want, b.len);
        assert_string_equal(etag, TAG);
    } else {
        assert_int_equal(b.len, 0);
    }
    buf_release(&b);
    return hit;
}

static void put(struct cache *c, const char *key, uint64_t version, const char *body)
{
    cache_put(c, key, version, body, strlen(body), TAG);
}

static void test_versions(void **state)
{
    (void)state;
    struct cache *c = cache_new(8, 1 << 20);
    assert_non_null(c);
    put(c, "/a?x", 5, "five");
    assert_true(get(c, "/a?x", 5, "five"));
    assert_false(get(c, "/a?y", 5, NULL));  /* the query is part of the key */
    assert_false(get(c, "/a?x", 4, NULL));  /* an older reader misses ... */
    assert_true(get(c, "/a?x", 5, "five")); /* ... and leaves the entry */
    assert_false(get(c, "/a?x", 6, NULL));  /* a newer version drops it */
    size_t n, bytes;
    cache_stats(c, &n, &bytes);
    assert_int_equal(n, 0);
    assert_int_equal(bytes, 0);
    /* a slow request that read an older version does not replace a newer entry */
    put(c, "/a?x", 7, "seven");
    put(c, "/a?x", 6, "six");
    assert_true(get(c, "/a?x", 7, "seven"));
    put(c, "/a?x", 8, "eight");
    assert_true(get(c, "/a?x", 8, "eight"));
    cache_stats(c, &n, &bytes);
    assert_int_equal(n, 1);
    /* version 0 means "unknown": never stored, never a hit */
    put(c, "/z", 0, "zero");
    assert_false(get(c, "/z", 0, NULL));
    cache_stats(c, &n, &bytes);
    assert_int_equal(n, 1);
    cache_free(c);
}

static void test_entry_bound_lru(void **state)
{
    (void)state;
    struct cache *c = cache_new(3, 1 << 20);
    put(c, "a", 1, "A");
    put(c, "b", 1, "B");
    put(c, "c", 1, "C");
    assert_true(get(c, "a", 1, "A")); /* a is now the most recent */
    put(c, "d", 1, "D");              /* evicts b, the least recent */
    assert_false(get(c, "b", 1, NULL));
    assert_true(get(c, "a", 1, "A"));
    assert_true(get(c, "c", 1, "C"));
    assert_true(get(c, "d", 1, "D"));
    size_t n, bytes;
    cache_stats(c, &n, &bytes);
    assert_int_equal(n, 3);
    cache_free(c);
}

static void test_byte_bound(void **state)
{
    (void)state;
    char body[1000];
    memset(body, 'x', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    struct cache *c = cache_new(100, 8000);
    for (int i = 0; i < 20; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        put(c, key, 1, body);
        size_t n, bytes;
        cache_stats(c, &n, &bytes);
        assert_true(bytes <= 8000);
    }
    assert_true(get(c, "k19", 1, body)); /* the newest stay */
    assert_false(get(c, "k0", 1, NULL));
    /* a body over a quarter of the bound is not kept */
    char big[2100];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    put(c, "big", 1, big);
    assert_false(get(c, "big", 1, NULL));
    cache_free(c);
}

static void test_get_into_full_buffer(void **state)
{
    (void)state;
    struct cache *c = cache_new(4, 1 << 20);
    put(c, "k", 1, "0123456789");
    struct buf b;
    buf_init(&b, 5);
    char etag[CACHE_ETAG_LEN];
    assert_false(cache_get(c, "k", 1, &b, etag));
    assert_int_equal(b.len, 0);
    buf_release(&b);
    cache_free(c);
}

static void test_etags(void **state)
{
    (void)state;
    char a[CACHE_ETAG_LEN], b[CACHE_ETAG_LEN];
    cache_etag("{\"items\":[]}", 12, a);
    cache_etag("{\"items\":[1]}", 13, b);
    assert_int_equal(strlen(a), CACHE_ETAG_LEN - 1);
    assert_int_equal(a[0], '"');
    assert_int_equal(a[CACHE_ETAG_LEN - 2], '"');
    assert_string_not_equal(a, b);
    char a2[CACHE_ETAG_LEN];
    cache_etag("{\"items\":[]}", 12, a2);
    assert_string_equal(a, a2);

    char list[200];
    assert_true(cache_etag_matches(a, a));
    snprintf(list, sizeof(list), "W/%s", a);
    assert_true(cache_etag_matches(list, a));
    snprintf(list, sizeof(list), "%s, %s", b, a);
    assert_true(cache_etag_matches(list, a));
    snprintf(list, sizeof(list), " ,W/\"x\" ,\t%s ", a);
    assert_true(cache_etag_matches(list, a));
    assert_true(cache_etag_matches("*", a));
    assert_false(cache_etag_matches(b, a));
    assert_false(cache_etag_matches("", a));
    assert_false(cache_etag_matches("W/", a));
    assert_false(cache_etag_matches(",,,", a));
    assert_false(cache_etag_matches("\"unterminated", a));
    snprintf(list, sizeof(list), "%.*s", (int)strlen(a) - 1, a); /* no closing quote */
    assert_false(cache_etag_matches(list, a));
    snprintf(list, sizeof(list), "x%s", a);
    assert_false(cache_etag_matches(list, a));
}

/* ---- threads ------------------------------------------------------------- */

struct worker {
    struct cache *c;
    unsigned seed;
    unsigned bad;
};

/* Bodies are a function of key and version, so any mix-up shows. */
static void *work(void *arg)
{
    struct worker *w = arg;
    uint64_t x = w->seed;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned k = (unsigned)(x >> 33) % 40;
        uint64_t version = 1 + (x >> 50) % 3;
        char key[16], body[64];
        snprintf(key, sizeof(key), "/k%u", k);
        int n = snprintf(body, sizeof(body), "body of %u at %llu", k, (unsigned long long)version);
        struct buf b;
        buf_init(&b, 1024);
        char etag[CACHE_ETAG_LEN];
        if (cache_get(w->c, key, version, &b, etag)) {
            if (b.len != (size_t)n || memcmp(b.data, body, b.len) != 0 || strcmp(etag, TAG) != 0)
                w->bad++;
        } else {
            cache_put(w->c, key, version, body, (size_t)n, TAG);
        }
        buf_release(&b);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    struct cache *c = cache_new(16, 4096);
    pthread_t t[4];
    struct worker w[4];
    for (unsigned i = 0; i < 4; i++) {
        w[i] = (struct worker){.c = c, .seed = i + 1};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (unsigned i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    size_t n, bytes;
    cache_stats(c, &n, &bytes);
    assert_true(n <= 16 && bytes <= 4096);
    cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),   cmocka_unit_test(test_entry_bound_lru),
        cmocka_unit_test(test_byte_bound), cmocka_unit_test(test_get_into_full_buffer),
        cmocka_unit_test(test_etags),      cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
