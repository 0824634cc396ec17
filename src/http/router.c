/* router.c - (method, path) to handler; see router.h. */
#include "http/router.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void router_init(struct router *r)
{
    r->routes = NULL;
    r->n = 0;
    r->cap = 0;
}

void router_release(struct router *r)
{
    free(r->routes);
    router_init(r);
}

/* Splits p (starting with '/') into segments; returns the count or -1 when
 * there are more than max. A trailing slash makes a last, empty segment so
 * "/staff/" and "/staff" stay different paths. */
static long split(const char *p, const char *seg[], size_t len[], size_t max)
{
    if (*p != '/')
        return -1;
    size_t n = 0;
    p++;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (n == max)
            return -1;
        seg[n] = p;
        len[n] = l;
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    return (long)n;
}

static bool is_param(const char *s, size_t l)
{
    return l >= 3 && s[0] == '{' && s[l - 1] == '}';
}

enum yy_err router_add(struct router *r, const char *method, const char *pattern, route_fn fn,
                       unsigned flags)
{
    const char *seg[ROUTER_MAX_SEGMENTS];
    size_t len[ROUTER_MAX_SEGMENTS];
    long n = split(pattern, seg, len, ROUTER_MAX_SEGMENTS);
    if (n < 0)
        return YY_BAD_INPUT;
    size_t params = 0;
    for (long i = 0; i < n; i++)
        if (is_param(seg[i], len[i]))
            params++;
    if (params > ROUTER_MAX_PARAMS)
        return YY_BAD_INPUT;
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->routes[i].method, method) && !strcmp(r->routes[i].pattern, pattern))
            return YY_CONFLICT;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        struct route *nr = realloc(r->routes, cap * sizeof(*nr));
        if (!nr)
            return YY_NOMEM;
        r->routes = nr;
        r->cap = cap;
    }
    struct route *rt = &r->routes[r->n];
    rt->method = method;
    rt->pattern = pattern;
    rt->fn = fn;
    rt->flags = flags;
    rt->n_segments = (size_t)n;
    rt->n_literals = (size_t)n - params;
    rt->index = r->n;
    r->n++;
    return YY_OK;
}

/* Matches one route against pre-split path segments; fills m's params. */
static bool match_route(const struct route *rt, const char *pseg[], const size_t plen[], size_t pn,
                        struct router_match *m)
{
    if (rt->n_segments != pn)
        return false;
    const char *seg[ROUTER_MAX_SEGMENTS];
    size_t len[ROUTER_MAX_SEGMENTS];
    split(rt->pattern, seg, len, ROUTER_MAX_SEGMENTS);
    size_t np = 0;
    for (size_t i = 0; i < pn; i++) {
        if (is_param(seg[i], len[i])) {
            if (plen[i] == 0)
                return false;
            if (m) {
                m->names[np] = seg[i] + 1;
                m->name_lens[np] = len[i] - 2;
                m->values[np] = pseg[i];
                m->value_lens[np] = plen[i];
            }
            np++;
        } else if (len[i] != plen[i] || memcmp(seg[i], pseg[i], len[i]) != 0) {
            return false;
        }
    }
    if (m)
        m->n_params = np;
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    if (!strcmp(route_method, method))
        return true;
    return !strcmp(method, "HEAD") && !strcmp(route_method, "GET");
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    if (strstr(allow, method)) /* methods are distinct whole words here */
        return;
    size_t used = strlen(allow);
    size_t need = strlen(method) + (used ? 2 : 0);
    if (used + need + 1 > cap)
        return;
    if (used) {
        memcpy(allow + used, ", ", 2);
        used += 2;
    }
    memcpy(allow + used, method, strlen(method) + 1);
}

enum router_status router_lookup(const struct router *r, const char *method, const char *path,
                                 struct router_match *m)
{
    const char *pseg[ROUTER_MAX_SEGMENTS];
    size_t plen[ROUTER_MAX_SEGMENTS];
    memset(m, 0, sizeof(*m));
    long pn = split(path, pseg, plen, ROUTER_MAX_SEGMENTS);
    if (pn < 0)
        return ROUTER_NOT_FOUND;

    /* Best literal count among routes whose path matches, whatever the method:
     * only those decide between 405 and a match. */
    long best_any = -1;
    for (size_t i = 0; i < r->n; i++)
        if (match_route(&r->routes[i], pseg, plen, (size_t)pn, NULL) &&
            (long)r->routes[i].n_literals > best_any)
            best_any = (long)r->routes[i].n_literals;
    if (best_any < 0)
        return ROUTER_NOT_FOUND;

    for (size_t i = 0; i < r->n; i++) {
        const struct route *rt = &r->routes[i];
        if ((long)rt->n_literals != best_any || !match_route(rt, pseg, plen, (size_t)pn, NULL))
            continue;
        if (method_matches(rt->method, method)) {
            match_route(rt, pseg, plen, (size_t)pn, m);
            m->route = rt;
            return ROUTER_MATCH;
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct route *rt = &r->routes[i];
        if ((long)rt->n_literals == best_any && match_route(rt, pseg, plen, (size_t)pn, NULL)) {
            allow_add(m->allow, sizeof(m->allow), rt->method);
            if (!strcmp(rt->method, "GET"))
                allow_add(m->allow, sizeof(m->allow), "HEAD");
        }
    }
    return ROUTER_METHOD_NOT_ALLOWED;
}

enum yy_err router_add_table(struct router *r, const struct route_def *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        enum yy_err rc = router_add(r, table[i].method, table[i].pattern, table[i].fn, 0);
        if (rc != YY_OK)
            return rc;
    }
    return YY_OK;
}
