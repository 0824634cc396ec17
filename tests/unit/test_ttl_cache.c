/* test_ttl_cache.c - unit tests for the dashboard's short-lived cache
 * (api/ttl_cache.h): an answer is served while younger than the TTL and
 * computed again after; a failed computation keeps nothing; the entry and
 * byte bounds evict the least recently used; concurrent misses of one key
 * compute once (single flight), and a failure hands over to a waiter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "api/ttl_cache.h"

/* A computation that writes "<name>#<n>", n counting its calls. */
struct counter {
    const char *name;
    atomic_int calls;
    bool fail;            /* every call fails */
    bool fail_first;      /* the first call fails */
    struct ttl_cache *c;  /* for the single-flight tests */
    size_t wait_for;      /* the first call waits until this many callers wait */
};

static enum yy_err compute(void *ctx, struct buf *out, struct yy_error *e)
{
    struct counter *k = ctx;
    int n = atomic_fetch_add(&k->calls, 1) + 1;
    if (n == 1 && k->c && k->wait_for) {
        for (;;) {
            size_t entries, bytes, waiting;
            ttl_cache_stats(k->c, &entries, &bytes, &waiting);
            if (waiting >= k->wait_for)
                break;
            sched_yield();
        }
    }
    if (k->fail || (n == 1 && k->fail_first))
        return yy_fail(e, YY_UNAVAILABLE, "unavailable", "暂时不可用", NULL);
    return buf_printf(out, "%s#%d", k->name, n);
}

/* Fetches key at now and checks the body and whether it was a hit. */
static void fetch(struct ttl_cache *c, const char *key, int64_t now, struct counter *k,
                  const char *want, bool want_hit)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    struct yy_error e = {0};
    bool hit;
    assert_int_equal(ttl_cache_fetch(c, key, now, compute, k, &b, &hit, &e), YY_OK);
    assert_string_equal(b.data, want);
    assert_int_equal(hit, want_hit);
    buf_release(&b);
}

static void test_ttl(void **state)
{
    (void)state;
    struct ttl_cache *c = ttl_cache_new(60000, 8, 1 << 16);
    assert_non_null(c);
    struct counter k = {.name = "a"};
    fetch(c, "2026", 1000, &k, "a#1", false);
    fetch(c, "2026", 1000 + 59999, &k, "a#1", true); /* younger than the TTL */
    fetch(c, "2026", 1000 + 60000, &k, "a#2", false); /* as old as the TTL: computed again */
    fetch(c, "2026", 1000 + 60001, &k, "a#2", true);
    struct counter other = {.name = "b"};
    fetch(c, "2025", 61001, &other, "b#1", false); /* keys are separate */
    fetch(c, "2026", 61002, &k, "a#2", true);
    assert_int_equal(k.calls, 2);
    ttl_cache_free(c);

    assert_null(ttl_cache_new(0, 8, 1024)); /* a TTL of 0 is no cache */
    struct buf b;
    buf_init(&b, 1024);
    bool hit = true;
    struct counter n = {.name = "n"};
    assert_int_equal(ttl_cache_fetch(NULL, "k", 0, compute, &n, &b, &hit, NULL), YY_OK);
    assert_int_equal(ttl_cache_fetch(NULL, "k", 0, compute, &n, &b, &hit, NULL), YY_OK);
    assert_false(hit);
    assert_string_equal(b.data, "n#1n#2"); /* without a cache every call computes */
    buf_release(&b);
}

static void test_failure_keeps_nothing(void **state)
{
    (void)state;
    struct ttl_cache *c = ttl_cache_new(1000, 8, 1 << 16);
    struct counter k = {.name = "f", .fail = true};
    struct buf b;
    buf_init(&b, 1024);
    struct yy_error e = {0};
    bool hit;
    assert_int_equal(ttl_cache_fetch(c, "x", 0, compute, &k, &b, &hit, &e), YY_UNAVAILABLE);
    assert_string_equal(e.code, "unavailable");
    buf_release(&b);
    size_t entries, bytes, waiting;
    ttl_cache_stats(c, &entries, &bytes, &waiting);
    assert_int_equal(entries, 0);
    k.fail = false;
    fetch(c, "x", 1, &k, "f#2", false);
    fetch(c, "x", 2, &k, "f#2", true);
    ttl_cache_free(c);
}

static void test_bounds(void **state)
{
    (void)state;
    /* two entries: the least recently used goes */
    struct ttl_cache *c = ttl_cache_new(60000, 2, 1 << 16);
    struct counter a = {.name = "a"}, b = {.name = "b"}, d = {.name = "d"};
    fetch(c, "a", 0, &a, "a#1", false);
    fetch(c, "b", 0, &b, "b#1", false);
    fetch(c, "a", 1, &a, "a#1", true); /* a used last */
    fetch(c, "d", 2, &d, "d#1", false); /* evicts b */
    fetch(c, "a", 3, &a, "a#1", true);
    fetch(c, "b", 4, &b, "b#2", false);
    size_t entries, bytes, waiting;
    ttl_cache_stats(c, &entries, &bytes, &waiting);
    assert_int_equal(entries, 2);
    assert_int_equal(bytes, 6);
    ttl_cache_free(c);

    /* 16 bytes: a body over a quarter of them is not kept */
    c = ttl_cache_new(60000, 8, 16);
    struct counter big = {.name = "big"}; /* "big#1": 5 bytes > 16 / 4 */
    fetch(c, "big", 0, &big, "big#1", false);
    fetch(c, "big", 1, &big, "big#2", false);
    ttl_cache_stats(c, &entries, &bytes, &waiting);
    assert_int_equal(entries, 0);
    assert_int_equal(bytes, 0);
    ttl_cache_free(c);

    /* 12 bytes: four bodies of 3 fit, a fifth pushes out the least recently used */
    c = ttl_cache_new(60000, 8, 12);
    struct counter x = {.name = "x"}, y = {.name = "y"}, z = {.name = "z"}, w = {.name = "w"};
    fetch(c, "x", 0, &x, "x#1", false);
    fetch(c, "y", 1, &y, "y#1", false);
    fetch(c, "z", 2, &z, "z#1", false);
    fetch(c, "w", 3, &w, "w#1", false); /* 4 * 3 bytes = 12: all fit */
    ttl_cache_stats(c, &entries, &bytes, &waiting);
    assert_int_equal(bytes, 12);
    fetch(c, "x", 4, &x, "x#1", true);
    struct counter v = {.name = "v"};
    fetch(c, "v", 5, &v, "v#1", false); /* evicts y, the least recently used */
    fetch(c, "y", 6, &y, "y#2", false); /* evicts z */
    fetch(c, "x", 7, &x, "x#1", true);
    ttl_cache_stats(c, &entries, &bytes, &waiting);
    assert_true(bytes <= 12);
    ttl_cache_free(c);
}

struct caller {
    struct ttl_cache *c;
    struct counter *k;
    enum yy_err rc;
    bool hit;
    char body[32];
};

static void *call(void *arg)
{
    struct caller *x = arg;
    struct buf b;
    buf_init(&b, 1024);
    struct yy_error e = {0};
    x->rc = ttl_cache_fetch(x->c, "same", 100, compute, x->k, &b, &x->hit, &e);
    snprintf(x->body, sizeof(x->body), "%s", b.data ? b.data : "");
    buf_release(&b);
    return NULL;
}

/* Four callers miss at once: the first computes (and goes on only once the
 * three others wait for it), the others take its answer. */
static void run_four(struct ttl_cache *c, struct counter *k, struct caller x[4])
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        x[i] = (struct caller){.c = c, .k = k};
        assert_int_equal(pthread_create(&t[i], NULL, call, &x[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
}

static void test_single_flight(void **state)
{
    (void)state;
    struct ttl_cache *c = ttl_cache_new(60000, 8, 1 << 16);
    struct counter k = {.name = "s", .c = c, .wait_for = 3};
    struct caller x[4];
    run_four(c, &k, x);
    assert_int_equal(k.calls, 1);
    int hits = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(x[i].rc, YY_OK);
        assert_string_equal(x[i].body, "s#1");
        hits += x[i].hit;
    }
    assert_int_equal(hits, 3);
    size_t entries, bytes, waiting;
    ttl_cache_stats(c, &entries, &bytes, &waiting);
    assert_int_equal(waiting, 0);
    ttl_cache_free(c);
}

static void test_single_flight_failure_hands_over(void **state)
{
    (void)state;
    struct ttl_cache *c = ttl_cache_new(60000, 8, 1 << 16);
    struct counter k = {.name = "s", .c = c, .wait_for = 3, .fail_first = true};
    struct caller x[4];
    run_four(c, &k, x);
    assert_int_equal(k.calls, 2); /* the failure, then one waiter computes */
    int failed = 0, hits = 0;
    for (int i = 0; i < 4; i++) {
        if (x[i].rc != YY_OK) {
            failed++;
            continue;
        }
        assert_string_equal(x[i].body, "s#2");
        hits += x[i].hit;
    }
    assert_int_equal(failed, 1);
    assert_int_equal(hits, 2);
    ttl_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_failure_keeps_nothing),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_single_flight),
        cmocka_unit_test(test_single_flight_failure_hands_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
