/* http.h - the request and response the handlers see, and the server.
 *
 * This layer is the only code that knows libmicrohttpd.  Handlers (api/, web/)
 * get a struct request whose strings all live in the request's arena, and fill
 * a struct response whose body buffer the server owns and sends.  A handler
 * returns YY_OK after filling the response, or an error kind with req->err
 * filled; the server then renders the error through the app's error renderer.
 */
#ifndef YOUYUE_HTTP_H
#define YOUYUE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/parse.h"
#include "http/router.h"

#define HTTP_MAX_RESPONSE_HEADERS 12
#define HTTP_DEFAULT_BODY_LIMIT (1024 * 1024)
#define HTTP_MAX_RESPONSE ((size_t)32 * 1024 * 1024)

struct request {
    struct arena *arena;
    const char *method;
    const char *path;     /* without the query string, not percent-decoded */
    const char *query_raw;/* after '?', "" when none */
    struct kvlist query;  /* decoded */
    struct kvlist headers;/* names as sent; look up with request_header() */
    struct kvlist cookies;
    const char *body;     /* NUL-terminated copy of the body, "" when none */
    size_t body_len;
    const char *peer;     /* the TCP peer's address */
    const char *client;   /* the client's address: peer, or X-Forwarded-For from a trusted proxy */
    bool https;           /* a trusted proxy says the client came over HTTPS */
    const struct route *route;
    struct router_match match;
    struct yy_error err;  /* filled by a failing handler */
    void *app;            /* the application context given to http_server_start */
    void *user;           /* free for the application (the caller's identity) */
};

struct response {
    int status;
    const char *content_type;
    struct buf body;
    size_t n_headers;
    const char *header_names[HTTP_MAX_RESPONSE_HEADERS];
    const char *header_values[HTTP_MAX_RESPONSE_HEADERS];
};

/* Case-insensitive header lookup; NULL when absent. */
const char *request_header(const struct request *req, const char *name);
/* Path parameter by name ("id"), arena-copied; NULL when the route has none. */
const char *request_param(const struct request *req, const char *name);
/* Adds a response header; both strings must live until the response is sent
 * (static or the request arena).  Extra headers past the maximum are dropped. */
void response_header(struct response *res, const char *name, const char *value);

/* Called for every request before routing (authentication, throttling). Returns
 * YY_OK to go on, or an error with req->err filled to answer with it. */
typedef enum yy_err (*http_before_fn)(struct request *req);
/* Writes the body of an error response (status already set from err->kind). */
typedef void (*http_error_fn)(struct request *req, struct response *res,
                              const struct yy_error *err, const char *allow);

struct http_config {
    const char *host;       /* "127.0.0.1", "0.0.0.0", "::1" */
    uint16_t port;          /* 0 picks a free port */
    unsigned threads;       /* thread-pool size, >= 1 */
    size_t body_limit;      /* bytes, 413 past it */
    const char *const *trusted_proxies; /* NULL-terminated list of addresses, may be NULL */
    unsigned max_inflight;  /* requests in progress before new ones get 503; 0 = 1024 */
    bool log_requests;
};

struct http_server;

/* Starts serving in background threads.  router, app and the callbacks must
 * outlive the server.  Returns NULL and prints why on failure. */
struct http_server *http_server_start(const struct http_config *cfg, const struct router *router,
                                      void *app, http_before_fn before, http_error_fn on_error);
/* The port actually bound (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);
/* Stops accepting, waits for running requests, frees the server. */
void http_server_stop(struct http_server *s);

#endif
