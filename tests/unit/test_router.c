/* test_router.c - unit tests for the router: matching, parameters, 404/405. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/router.h"

/* Distinct handlers so a match can be told apart by its function too. */
static enum yy_err h_a(struct request *req, struct response *res)
{
    (void)req;
    (void)res;
    return YY_OK;
}

static enum yy_err h_b(struct request *req, struct response *res)
{
    (void)req;
    (void)res;
    return YY_BAD_INPUT;
}

static void assert_param(const struct router_match *m, size_t i, const char *name,
                         const char *value)
{
    assert_true(i < m->n_params);
    assert_int_equal(m->name_lens[i], strlen(name));
    assert_memory_equal(m->names[i], name, strlen(name));
    assert_int_equal(m->value_lens[i], strlen(value));
    assert_memory_equal(m->values[i], value, strlen(value));
}

static void test_literal_and_param(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    assert_int_equal(router_add(&r, "GET", "/api/v1/stations", h_a, 1), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/api/v1/stations/{id}", h_b, 2), YY_OK);
    struct router_match m;

    assert_int_equal(router_lookup(&r, "GET", "/api/v1/stations", &m), ROUTER_MATCH);
    assert_non_null(m.route);
    assert_string_equal(m.route->pattern, "/api/v1/stations");
    assert_ptr_equal(m.route->fn, h_a);
    assert_int_equal(m.route->flags, 1);
    assert_int_equal(m.route->index, 0);
    assert_int_equal(m.n_params, 0);

    assert_int_equal(router_lookup(&r, "GET", "/api/v1/stations/42", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/api/v1/stations/{id}");
    assert_ptr_equal(m.route->fn, h_b);
    assert_int_equal(m.route->flags, 2);
    assert_int_equal(m.route->index, 1);
    assert_int_equal(m.route->n_segments, 4);
    assert_int_equal(m.route->n_literals, 3);
    assert_int_equal(m.n_params, 1);
    assert_param(&m, 0, "id", "42");

    /* A placeholder matches one non-empty segment only. */
    assert_int_equal(router_lookup(&r, "GET", "/api/v1/stations/42/x", &m), ROUTER_NOT_FOUND);
    assert_int_equal(router_lookup(&r, "GET", "/api/v1/stations//", &m), ROUTER_NOT_FOUND);
    assert_int_equal(router_lookup(&r, "GET", "/api/v1", &m), ROUTER_NOT_FOUND);
    assert_int_equal(router_lookup(&r, "GET", "/", &m), ROUTER_NOT_FOUND);
    assert_int_equal(router_lookup(&r, "GET", "", &m), ROUTER_NOT_FOUND);
    assert_int_equal(router_lookup(&r, "GET", "api/v1/stations", &m), ROUTER_NOT_FOUND);
    /* Case matters in literals. */
    assert_int_equal(router_lookup(&r, "GET", "/API/v1/stations", &m), ROUTER_NOT_FOUND);
    router_release(&r);
    assert_int_equal(r.n, 0);
    assert_null(r.routes);
}

static void test_more_literal_wins(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    /* Added in both orders: the literal route wins regardless of position. */
    assert_int_equal(router_add(&r, "GET", "/x/{id}", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/x/new", h_b, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/y/new", h_b, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/y/{id}", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/{a}/{b}/{c}", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/z/{b}/c", h_b, 0), YY_OK);
    struct router_match m;

    assert_int_equal(router_lookup(&r, "GET", "/x/new", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/x/new");
    assert_int_equal(m.n_params, 0);
    assert_int_equal(router_lookup(&r, "GET", "/x/7", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/x/{id}");
    assert_param(&m, 0, "id", "7");

    assert_int_equal(router_lookup(&r, "GET", "/y/new", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/y/new");
    assert_int_equal(router_lookup(&r, "GET", "/y/newer", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/y/{id}");
    assert_param(&m, 0, "id", "newer");

    assert_int_equal(router_lookup(&r, "GET", "/z/q/c", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/z/{b}/c");
    assert_int_equal(m.n_params, 1);
    assert_param(&m, 0, "b", "q");
    assert_int_equal(router_lookup(&r, "GET", "/z/q/d", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/{a}/{b}/{c}");
    assert_int_equal(m.n_params, 3);
    assert_param(&m, 0, "a", "z");
    assert_param(&m, 1, "b", "q");
    assert_param(&m, 2, "c", "d");
    router_release(&r);
}

static void test_params(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    assert_int_equal(
        router_add(&r, "PUT", "/api/v1/deputies/{deputy_id}/stations/{station_id}", h_a, 0),
        YY_OK);
    struct router_match m;
    assert_int_equal(router_lookup(&r, "PUT", "/api/v1/deputies/12/stations/%E6%B1%9F", &m),
                     ROUTER_MATCH);
    assert_int_equal(m.n_params, 2);
    assert_param(&m, 0, "deputy_id", "12");
    assert_param(&m, 1, "station_id", "%E6%B1%9F"); /* not percent-decoded */
    /* Four parameters are allowed. */
    assert_int_equal(router_add(&r, "GET", "/{a}/{b}/{c}/{d}", h_a, 0), YY_OK);
    assert_int_equal(router_lookup(&r, "GET", "/1/22/333/4444", &m), ROUTER_MATCH);
    assert_int_equal(m.n_params, 4);
    assert_param(&m, 3, "d", "4444");
    router_release(&r);
}

static void test_404_vs_405(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    assert_int_equal(router_add(&r, "GET", "/api/v1/units", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "POST", "/api/v1/units", h_b, 0), YY_OK);
    assert_int_equal(router_add(&r, "PATCH", "/api/v1/units/{id}", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "DELETE", "/api/v1/units/{id}", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "POST", "/api/v1/session", h_a, 0), YY_OK);
    struct router_match m;

    assert_int_equal(router_lookup(&r, "POST", "/api/v1/units", &m), ROUTER_MATCH);
    assert_ptr_equal(m.route->fn, h_b);
    assert_string_equal(m.route->method, "POST");

    assert_int_equal(router_lookup(&r, "PUT", "/api/v1/units", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, POST");
    assert_null(m.route);

    assert_int_equal(router_lookup(&r, "GET", "/api/v1/units/3", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "PATCH, DELETE");

    /* Only POST: no HEAD is added. */
    assert_int_equal(router_lookup(&r, "GET", "/api/v1/session", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST");
    assert_int_equal(router_lookup(&r, "HEAD", "/api/v1/session", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST");

    assert_int_equal(router_lookup(&r, "GET", "/api/v1/nothing", &m), ROUTER_NOT_FOUND);
    assert_string_equal(m.allow, "");
    assert_int_equal(router_lookup(&r, "DELETE", "/api/v1/units/3/x", &m), ROUTER_NOT_FOUND);
    router_release(&r);
}

static void test_head_matches_get(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    assert_int_equal(router_add(&r, "GET", "/healthz", h_a, 0), YY_OK);
    struct router_match m;
    assert_int_equal(router_lookup(&r, "HEAD", "/healthz", &m), ROUTER_MATCH);
    assert_string_equal(m.route->method, "GET");
    /* A GET does not match a HEAD-only route, nor does HEAD match POST. */
    assert_int_equal(router_add(&r, "HEAD", "/ping", h_b, 0), YY_OK);
    assert_int_equal(router_lookup(&r, "GET", "/ping", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "HEAD");
    assert_int_equal(router_add(&r, "POST", "/p", h_b, 0), YY_OK);
    assert_int_equal(router_lookup(&r, "HEAD", "/p", &m), ROUTER_METHOD_NOT_ALLOWED);
    /* An explicit HEAD route is preferred when it is the one registered. */
    assert_int_equal(router_add(&r, "HEAD", "/both", h_b, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/both", h_a, 0), YY_OK);
    assert_int_equal(router_lookup(&r, "HEAD", "/both", &m), ROUTER_MATCH);
    assert_ptr_equal(m.route->fn, h_b);
    assert_int_equal(router_lookup(&r, "PUT", "/both", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "HEAD, GET");
    router_release(&r);
}

static void test_trailing_slash(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    assert_int_equal(router_add(&r, "GET", "/staff", h_a, 0), YY_OK);
    struct router_match m;
    assert_int_equal(router_lookup(&r, "GET", "/staff", &m), ROUTER_MATCH);
    assert_int_equal(router_lookup(&r, "GET", "/staff/", &m), ROUTER_NOT_FOUND);
    /* Both may be registered, as different routes. */
    assert_int_equal(router_add(&r, "GET", "/staff/", h_b, 0), YY_OK);
    assert_int_equal(router_lookup(&r, "GET", "/staff/", &m), ROUTER_MATCH);
    assert_ptr_equal(m.route->fn, h_b);
    assert_int_equal(router_lookup(&r, "GET", "/staff", &m), ROUTER_MATCH);
    assert_ptr_equal(m.route->fn, h_a);
    /* The root route. */
    assert_int_equal(router_add(&r, "GET", "/", h_a, 0), YY_OK);
    assert_int_equal(router_lookup(&r, "GET", "/", &m), ROUTER_MATCH);
    assert_string_equal(m.route->pattern, "/");
    assert_int_equal(router_lookup(&r, "GET", "//", &m), ROUTER_NOT_FOUND);
    router_release(&r);
}

static void test_too_many_segments(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    char pat[128] = "", path[128] = "";
    for (int i = 0; i < ROUTER_MAX_SEGMENTS; i++) {
        strcat(pat, "/s");
        strcat(path, "/s");
    }
    /* Exactly the maximum is fine. */
    assert_int_equal(router_add(&r, "GET", pat, h_a, 0), YY_OK);
    struct router_match m;
    assert_int_equal(router_lookup(&r, "GET", path, &m), ROUTER_MATCH);
    /* One more is refused as a pattern and simply not found as a path. */
    static char longer[160];
    snprintf(longer, sizeof(longer), "%.100s/s", pat);
    assert_int_equal(router_add(&r, "GET", longer, h_a, 0), YY_BAD_INPUT);
    assert_int_equal(router_lookup(&r, "GET", longer, &m), ROUTER_NOT_FOUND);
    /* Trailing slash counts as a segment. */
    static char slash[160];
    snprintf(slash, sizeof(slash), "%.100s/", pat);
    assert_int_equal(router_add(&r, "GET", slash, h_a, 0), YY_BAD_INPUT);
    /* A very long path is still just not found. */
    char huge[4096];
    size_t k = 0;
    while (k + 2 < sizeof(huge)) {
        huge[k++] = '/';
        huge[k++] = 'a';
    }
    huge[k] = '\0';
    assert_int_equal(router_lookup(&r, "GET", huge, &m), ROUTER_NOT_FOUND);
    assert_int_equal(r.n, 1);
    router_release(&r);
}

static void test_duplicate_and_malformed(void **state)
{
    (void)state;
    struct router r;
    router_init(&r);
    assert_int_equal(router_add(&r, "GET", "/a/{id}", h_a, 0), YY_OK);
    assert_int_equal(router_add(&r, "GET", "/a/{id}", h_b, 0), YY_CONFLICT);
    /* Same pattern, other method: fine. */
    assert_int_equal(router_add(&r, "POST", "/a/{id}", h_b, 0), YY_OK);
    /* Malformed: no leading slash, too many parameters. */
    assert_int_equal(router_add(&r, "GET", "a/b", h_a, 0), YY_BAD_INPUT);
    assert_int_equal(router_add(&r, "GET", "", h_a, 0), YY_BAD_INPUT);
    assert_int_equal(router_add(&r, "GET", "/{a}/{b}/{c}/{d}/{e}", h_a, 0), YY_BAD_INPUT);
    assert_int_equal(r.n, 2);
    /* Indexes follow the table. */
    assert_int_equal(r.routes[0].index, 0);
    assert_int_equal(r.routes[1].index, 1);
    router_release(&r);
}

static void test_many_routes(void **state)
{
    (void)state;
    /* Past the initial capacity: the table grows and lookups still work. */
    struct router r;
    router_init(&r);
    static char pats[100][16];
    for (int i = 0; i < 100; i++) {
        snprintf(pats[i], sizeof(pats[i]), "/r%d/{id}", i);
        assert_int_equal(router_add(&r, "GET", pats[i], h_a, (unsigned)i), YY_OK);
    }
    struct router_match m;
    for (int i = 0; i < 100; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/r%d/x%d", i, i);
        assert_int_equal(router_lookup(&r, "GET", path, &m), ROUTER_MATCH);
        assert_int_equal(m.route->flags, (unsigned)i);
        assert_int_equal(m.route->index, (size_t)i);
    }
    router_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_and_param),
        cmocka_unit_test(test_more_literal_wins),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_404_vs_405),
        cmocka_unit_test(test_head_matches_get),
        cmocka_unit_test(test_trailing_slash),
        cmocka_unit_test(test_too_many_segments),
        cmocka_unit_test(test_duplicate_and_malformed),
        cmocka_unit_test(test_many_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
