/* router.h - maps (method, path) to a handler; keeps 404 and 405 apart.
 *
 * Patterns are paths whose segments are literals or "{name}" placeholders,
 * e.g. "/api/v1/stations/{id}".  A placeholder matches one non-empty segment.
 * When several patterns match a path, the one with more literal segments wins
 * ("/x/new" beats "/x/{id}").  Pure: knows nothing of the HTTP library.
 */
#ifndef YOUYUE_HTTP_ROUTER_H
#define YOUYUE_HTTP_ROUTER_H

#include <stddef.h>

#include "core/err.h"

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_SEGMENTS 12

struct request;
struct response;
typedef enum yy_err (*route_fn)(struct request *req, struct response *res);

/* In a handler: returns the error of call (an enum yy_err; the details, such
 * as the store's own message, already in req->err), and goes on when it is
 * YY_OK. */
#define STORE(call)                                                                                \
    do {                                                                                           \
        enum yy_err rc_ = (call);                                                                  \
        if (rc_ != YY_OK)                                                                          \
            return rc_;                                                                            \
    } while (0)

struct route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* also the route's name in logs and metrics */
    route_fn fn;
    unsigned flags;      /* free for the application, e.g. "needs login" */
    /* filled by router_add: */
    size_t n_segments;
    size_t n_literals;
    size_t index;        /* position in the table, for per-route metrics */
};

struct router {
    struct route *routes;
    size_t n;
    size_t cap;
};

enum router_status { ROUTER_MATCH, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED };

struct router_match {
    const struct route *route;
    size_t n_params;
    const char *names[ROUTER_MAX_PARAMS];  /* point into the pattern, not terminated: */
    size_t name_lens[ROUTER_MAX_PARAMS];
    const char *values[ROUTER_MAX_PARAMS]; /* point into the path, not terminated: */
    size_t value_lens[ROUTER_MAX_PARAMS];
    char allow[64];                        /* for 405: "GET, POST" */
};

void router_init(struct router *r);
void router_release(struct router *r);
/* Adds a route; the strings must outlive the router (static).  Fails with
 * YY_BAD_INPUT for a malformed pattern (too many segments or params) and
 * YY_CONFLICT for a duplicate (method, pattern). */
enum yy_err router_add(struct router *r, const char *method, const char *pattern, route_fn fn,
                       unsigned flags);
/* One row of a file's static route table (api_*.c, web_*.c). */
struct route_def {
    const char *method, *pattern;
    route_fn fn;
};
/* Adds the n routes of table (static) to r in order, with no flags; stops
 * at the first failure of router_add and returns it. */
enum yy_err router_add_table(struct router *r, const struct route_def *table, size_t n);
/* Looks up a path (without the query string).  HEAD matches GET routes. */
enum router_status router_lookup(const struct router *r, const char *method, const char *path,
                                 struct router_match *m);

#endif
