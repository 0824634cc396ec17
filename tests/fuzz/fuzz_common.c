/* fuzz_common.c - the request and checks the JSON body fuzz targets share
 * (see fuzz_common.h). */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

void fuzz_request_init(struct request *req, struct arena *a, const char *path, struct kv *headers,
                       size_t n_headers, const uint8_t *data, size_t size)
{
    memset(req, 0, sizeof(*req));
    req->arena = a;
    req->method = "POST";
    req->path = path;
    req->query_raw = "";
    req->headers.items = headers;
    req->headers.n = n_headers;
    char *body = arena_alloc(a, size + 1);
    if (size)
        memcpy(body, data, size);
    body[size] = '\0';
    req->body = body;
    req->body_len = size;
    req->peer = req->client = "127.0.0.1";
}

enum yy_err fuzz_body_object(struct request *req, json_t **obj)
{
    *obj = (json_t *)1;
    enum yy_err rc = api_body_object(req, obj);
    if (rc != YY_OK) {
        const struct yy_error *e = &req->err;
        if (*obj || rc != YY_BAD_INPUT || e->kind != YY_BAD_INPUT || !e->code || !e->message ||
            !utf8_valid(e->message, strlen(e->message)))
            abort();
        return rc;
    }
    if (!*obj || !json_is_object(*obj))
        abort();
    return rc;
}

void fuzz_check_error(enum yy_err rc, const struct yy_error *e)
{
    if (rc != YY_BAD_INPUT || e->kind != YY_BAD_INPUT || !e->code || !e->message ||
        !utf8_valid(e->message, strlen(e->message)) || !e->field ||
        !utf8_valid(e->field, strlen(e->field)))
        abort();
}

void fuzz_check_text(const char *s, size_t max, bool required)
{
    if (!s) {
        if (required)
            abort();
        return;
    }
    size_t n = strlen(s);
    if (!utf8_valid(s, n) || utf8_length(s, n) > max || utf8_has_controls(s, n))
        abort();
    if (required && n == 0)
        abort();
}
