/* server.c - the HTTP server on libmicrohttpd (epoll, internal thread pool).
 *
 * The only file that includes microhttpd.h.  Life of a request:
 *   uri_log_cb        allocates the request context (arena, raw URI)
 *   access_cb (1st)   checks Content-Length against the body limit
 *   access_cb (data)  accumulates the body, or discards it once over the limit
 *   access_cb (last)  builds struct request, routes, runs before + handler,
 *                     queues the response
 *   completed_cb      logs one line, records metrics, frees the context
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "http/metrics.h"

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_config cfg;
    const struct router *router;
    void *app;
    http_before_fn before;
    http_error_fn on_error;
    unsigned inflight; /* atomic: requests between uri_log_cb and completed_cb */
};

struct req_ctx {
    struct arena arena;
    char *uri;
    struct buf body;
    bool started;
    bool too_large;
    int status;
    size_t bytes_out;
    uint64_t start_us;
    const struct route *route;
    const char *method;
    const char *client;
    bool shed; /* answered 503: over the in-flight limit */
};

/* ---- helpers the handlers use ------------------------------------------ */

const char *request_header(const struct request *req, const char *name)
{
    for (size_t i = 0; i < req->headers.n; i++)
        if (!strcasecmp(req->headers.items[i].key, name))
            return req->headers.items[i].value;
    return NULL;
}

const char *request_param(const struct request *req, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < req->match.n_params; i++)
        if (req->match.name_lens[i] == nl && !memcmp(req->match.names[i], name, nl))
            return arena_strndup(req->arena, req->match.values[i], req->match.value_lens[i]);
    return NULL;
}

void response_header(struct response *res, const char *name, const char *value)
{
    if (res->n_headers == HTTP_MAX_RESPONSE_HEADERS)
        return;
    res->header_names[res->n_headers] = name;
    res->header_values[res->n_headers] = value;
    res->n_headers++;
}

/* ---- libmicrohttpd callbacks --------------------------------------------- */

static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    struct http_server *s = cls;
    struct req_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return NULL;
    unsigned now_inflight = __atomic_add_fetch(&s->inflight, 1, __ATOMIC_RELAXED);
    ctx->shed = now_inflight > s->cfg.max_inflight;
    arena_init(&ctx->arena);
    ctx->uri = arena_strdup(&ctx->arena, uri ? uri : "/");
    ctx->start_us = time_monotonic_us();
    ctx->status = 0;
    return ctx;
}

struct header_walk {
    struct arena *arena;
    struct kv items[64];
    size_t n;
};

static enum MHD_Result header_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct header_walk *w = cls;
    if (w->n == sizeof(w->items) / sizeof(w->items[0]))
        return MHD_NO;
    w->items[w->n].key = arena_strdup(w->arena, key);
    w->items[w->n].value = arena_strdup(w->arena, value ? value : "");
    w->n++;
    return MHD_YES;
}

static const char *peer_address(struct arena *a, struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char text[INET6_ADDRSTRLEN] = "unknown";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
                      sizeof(text));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
                      sizeof(text));
    }
    return arena_strdup(a, text);
}

/* The client's address: the last X-Forwarded-For entry when the peer is a
 * trusted proxy and that entry is an address, else the peer. */
static const char *client_address(struct http_server *s, struct request *req)
{
    if (!s->cfg.trusted_proxies)
        return req->peer;
    bool trusted = false;
    for (const char *const *p = s->cfg.trusted_proxies; *p; p++)
        if (!strcmp(*p, req->peer))
            trusted = true;
    if (!trusted)
        return req->peer;
    const char *proto = request_header(req, "X-Forwarded-Proto");
    req->https = proto && !strcasecmp(proto, "https");
    const char *xff = request_header(req, "X-Forwarded-For");
    if (!xff)
        return req->peer;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ')
        last++;
    char *addr = arena_strdup(req->arena, last);
    size_t l = strlen(addr);
    while (l && addr[l - 1] == ' ')
        addr[--l] = '\0';
    unsigned char tmp[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, addr, tmp) == 1 || inet_pton(AF_INET6, addr, tmp) == 1)
        return addr;
    return req->peer;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct req_ctx *ctx,
                                     struct response *res)
{
    size_t len = 0;
    char *body = buf_detach(&res->body, &len);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE
                                                                          : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type",
                            res->content_type ? res->content_type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    for (size_t i = 0; i < res->n_headers; i++)
        MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
    ctx->status = res->status;
    ctx->bytes_out = len;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void fail_response(struct http_server *s, struct request *req, struct response *res,
                          enum yy_err kind, const char *allow)
{
    if (req->err.kind != kind || !req->err.code)
        yy_fail(&req->err, kind, NULL, NULL, NULL);
    res->status = err_http_status(kind);
    buf_reset(&res->body);
    res->n_headers = 0;
    if (allow && *allow)
        response_header(res, "Allow", allow);
    if (kind == YY_THROTTLED)
        response_header(res, "Retry-After", "60");
    if (kind == YY_UNAVAILABLE)
        response_header(res, "Retry-After", "5");
    s->on_error(req, res, &req->err, allow);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)url;
    (void)version;
    struct http_server *s = cls;
    struct req_ctx *ctx = *con_cls;
    if (!ctx)
        return MHD_NO;

    if (!ctx->started) {
        ctx->started = true;
        ctx->method = arena_strdup(&ctx->arena, method);
        buf_init(&ctx->body, s->cfg.body_limit);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        int64_t clen;
        if (cl && parse_int64(cl, 0, INT64_MAX, &clen) && (uint64_t)clen > s->cfg.body_limit)
            ctx->too_large = true;
        if (!ctx->too_large && !ctx->shed)
            return MHD_YES;
        /* Answer 413 or 503 at once, before the client sends the body. */
    } else if (*upload_data_size > 0) {
        if (!ctx->too_large && buf_append(&ctx->body, upload_data, *upload_data_size) != YY_OK)
            ctx->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }

    struct request req;
    struct response res;
    memset(&req, 0, sizeof(req));
    memset(&res, 0, sizeof(res));
    buf_init(&res.body, HTTP_MAX_RESPONSE);
    res.status = 200;
    req.arena = &ctx->arena;
    req.app = s->app;
    req.method = ctx->method;
    char *q = strchr(ctx->uri, '?');
    if (q) {
        req.path = arena_strndup(&ctx->arena, ctx->uri, (size_t)(q - ctx->uri));
        req.query_raw = q + 1;
    } else {
        req.path = ctx->uri;
        req.query_raw = "";
    }
    struct header_walk hw = {.arena = &ctx->arena, .n = 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, header_cb, &hw);
    req.headers.items = arena_calloc(&ctx->arena, hw.n ? hw.n : 1, sizeof(struct kv));
    memcpy(req.headers.items, hw.items, hw.n * sizeof(struct kv));
    req.headers.n = hw.n;
    parse_cookies(&ctx->arena, request_header(&req, "Cookie"), &req.cookies);
    req.peer = peer_address(&ctx->arena, conn);
    req.client = client_address(s, &req);
    ctx->client = req.client;
    req.body = ctx->body.data ? ctx->body.data : "";
    req.body_len = ctx->body.len;

    enum router_status rs = router_lookup(s->router, method, req.path, &req.match);
    enum yy_err rc;
    if (ctx->shed) {
        yy_fail(&req.err, YY_UNAVAILABLE, "overloaded", "服务繁忙,请稍后再试", NULL);
        fail_response(s, &req, &res, YY_UNAVAILABLE, NULL);
    } else if (ctx->too_large) {
        fail_response(s, &req, &res, YY_TOO_LARGE, NULL);
    } else if (rs == ROUTER_NOT_FOUND) {
        yy_fail(&req.err, YY_NOT_FOUND, "not_found", "请求的地址不存在", NULL);
        fail_response(s, &req, &res, YY_NOT_FOUND, NULL);
    } else if (rs == ROUTER_METHOD_NOT_ALLOWED) {
        fail_response(s, &req, &res, YY_METHOD_NOT_ALLOWED, req.match.allow);
    } else {
        req.route = req.match.route;
        ctx->route = req.route;
        rc = parse_urlencoded(&ctx->arena, req.query_raw, strlen(req.query_raw), &req.query,
                              &req.err);
        if (rc == YY_OK && s->before)
            rc = s->before(&req);
        if (rc == YY_OK)
            rc = req.route->fn(&req, &res);
        if (rc != YY_OK)
            fail_response(s, &req, &res, rc, NULL);
    }
    enum MHD_Result ret = send_response(conn, ctx, &res);
    buf_release(&res.body);
    return ret;
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct http_server *s = cls;
    struct req_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    __atomic_sub_fetch(&s->inflight, 1, __ATOMIC_RELAXED);
    uint64_t us = time_monotonic_us() - ctx->start_us;
    int status = ctx->status ? ctx->status : 499; /* closed before an answer */
    metrics_observe(ctx->route, status, us);
    if (s->cfg.log_requests) {
        char line[1024];
        char ts[TIME_RFC3339_LEN];
        time_format_rfc3339(time_now(), ts);
        unsigned long n = (unsigned long)snprintf(line, sizeof(line),
                                                  "{\"ts\":\"%s\",\"level\":\"info\",\"method\":\"",
                                                  ts);
        n = log_json_escape(line, n, 200, ctx->method ? ctx->method : "-");
        n += (unsigned long)snprintf(line + n, sizeof(line) - n, "\",\"path\":\"");
        /* the path only: query strings may carry personal data */
        char *q = strchr(ctx->uri, '?');
        if (q)
            *q = '\0';
        n = log_json_escape(line, n, 700, ctx->uri);
        n += (unsigned long)snprintf(
            line + n, sizeof(line) - n,
            "\",\"route\":\"%s\",\"status\":%d,\"us\":%llu,\"bytes\":%zu,\"client\":\"%s\"}\n",
            ctx->route ? ctx->route->pattern : "-", status, (unsigned long long)us,
            ctx->bytes_out, ctx->client ? ctx->client : "-");
        if (n >= sizeof(line))
            n = sizeof(line) - 1;
        log_write_line(line, n);
    }
    buf_release(&ctx->body);
    arena_release(&ctx->arena);
    free(ctx);
    *con_cls = NULL;
}

/* ---- start and stop ------------------------------------------------------ */

struct http_server *http_server_start(const struct http_config *cfg, const struct router *router,
                                      void *app, http_before_fn before, http_error_fn on_error)
{
    struct http_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = *cfg;
    if (!s->cfg.body_limit)
        s->cfg.body_limit = HTTP_DEFAULT_BODY_LIMIT;
    if (!s->cfg.threads)
        s->cfg.threads = 1;
    if (!s->cfg.max_inflight)
        s->cfg.max_inflight = 1024;
    s->router = router;
    s->app = app;
    s->before = before;
    s->on_error = on_error;

    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    memset(&sin, 0, sizeof(sin));
    memset(&sin6, 0, sizeof(sin6));
    if (inet_pton(AF_INET, cfg->host, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons(cfg->port);
        sa = (const struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, cfg->host, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(cfg->port);
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "youyue: listen address is not an IP address: %s\n", cfg->host);
        free(s);
        return NULL;
    }
    if (metrics_init(router) != 0) {
        free(s);
        return NULL;
    }
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, access_cb, s, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads, MHD_OPTION_URI_LOG_CALLBACK,
        uri_log_cb, s, MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)1024, MHD_OPTION_END);
    if (!s->daemon) {
        fprintf(stderr, "youyue: cannot listen on %s:%u\n", cfg->host, (unsigned)cfg->port);
        metrics_release();
        free(s);
        return NULL;
    }
    return s;
}

uint16_t http_server_port(const struct http_server *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

void http_server_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    metrics_release();
    free(s);
}
