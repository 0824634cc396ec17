/* fuzz_json.c - libFuzzer target for JSON request bodies: api_body_object()
 * and the field readers the handlers use on what it returns.
 *
 * The request is built by hand as the server would build it: an arena, a
 * Content-Type header, the input as a NUL-terminated body.  Invariants:
 *   - failure leaves *out NULL and req.err filled (YY_BAD_INPUT, a code and a
 *     message); success gives a JSON object;
 *   - json_get_text returns arena text that is valid UTF-8, within max code
 *     points, free of control characters (tab and line breaks only when
 *     multiline), without surrounding blanks, and non-empty when required;
 *   - json_get_int stays in [min, max], json_get_double is finite;
 *   - a failing reader names its key as the field;
 *   - json_only_fields names a field that is still readable after the object
 *     is freed (handlers free the body before the error is rendered). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct request *req, const char *key)
{
    const struct yy_error *e = &req->err;
    if (e->kind != YY_BAD_INPUT || !e->code || !e->message ||
        !utf8_valid(e->message, strlen(e->message)))
        abort();
    if (key && (!e->field || strcmp(e->field, key) != 0))
        abort();
}

static void check_text(const char *s, size_t max, bool multiline, bool required)
{
    if (!s)
        abort();
    size_t n = strlen(s);
    if (!utf8_valid(s, n) || utf8_length(s, n) > max || utf8_has_controls(s, n))
        abort();
    if (!multiline && strpbrk(s, "\t\r\n"))
        abort();
    if (n && (strchr(" \t\r\n", s[0]) || strchr(" \t\r\n", s[n - 1])))
        abort();
    if (required && n == 0)
        abort();
}

static const char *const keys[] = {"name", "title", "body", "kind",    "lat",
                                   "lon",  "id",    "limit", "approve", "", "名称"};
static const char *const allowed[] = {"name", "title", "body", "kind", "lat", "lon", NULL};

static void read_fields(struct request *req, json_t *obj, size_t max)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *key = keys[i];
        for (int mode = 0; mode < 4; mode++) {
            bool required = mode & 1, multiline = mode & 2;
            const char *out = NULL;
            bool present = false;
            memset(&req->err, 0, sizeof(req->err));
            enum yy_err rc =
                json_get_text(req, obj, key, required, max, multiline, &out, &present);
            if (rc == YY_OK) {
                if (present)
                    check_text(out, max, multiline, required);
                else if (out || required)
                    abort();
            } else {
                check_error(req, key);
            }
        }

        int64_t iv = INT64_MIN;
        bool present = false;
        memset(&req->err, 0, sizeof(req->err));
        if (json_get_int(req, obj, key, false, -1000, 1000, &iv, &present) == YY_OK) {
            if (present && (iv < -1000 || iv > 1000))
                abort();
            if (!present && iv != INT64_MIN)
                abort();
        } else {
            check_error(req, key);
        }
        memset(&req->err, 0, sizeof(req->err));
        if (json_get_int(req, obj, key, true, 1, INT64_MAX, &iv, NULL) == YY_OK) {
            if (iv < 1)
                abort();
        } else {
            check_error(req, key);
        }

        double dv = 0;
        memset(&req->err, 0, sizeof(req->err));
        if (json_get_double(req, obj, key, false, &dv, &present) == YY_OK) {
            if (present && !isfinite(dv))
                abort();
        } else {
            check_error(req, key);
        }

        bool bv = false;
        memset(&req->err, 0, sizeof(req->err));
        if (json_get_bool(req, obj, key, true, &bv, &present) == YY_OK) {
            if (!present)
                abort();
        } else {
            check_error(req, key);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);

    struct kv headers[2] = {
        {"Host", "localhost"},
        {"Content-Type", size % 2 ? "application/json; charset=utf-8" : "application/json"},
    };
    struct request req;
    fuzz_request_init(&req, &a, "/api/v1/fuzz", headers, 2, data, size);
    json_t *obj;
    if (fuzz_body_object(&req, &obj) != YY_OK) {
        arena_release(&a);
        return 0;
    }

    read_fields(&req, obj, 1 + size % 40);
    read_fields(&req, obj, 100);

    memset(&req.err, 0, sizeof(req.err));
    enum yy_err rc = json_only_fields(obj, allowed, &req.err);
    bool unknown_present = false;
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        bool ok = false;
        for (const char *const *p = allowed; *p; p++)
            if (!strcmp(*p, key))
                ok = true;
        if (!ok)
            unknown_present = true;
    }
    if ((rc == YY_OK) == unknown_present)
        abort();
    if (rc != YY_OK) {
        check_error(&req, NULL);
        if (!req.err.field)
            abort();
        /* The named field is (a prefix of) one of the object's keys. */
        bool found = false;
        json_object_foreach(obj, key, val) {
            if (!strncmp(key, req.err.field, strlen(req.err.field)))
                found = true;
        }
        if (!found)
            abort();
    }
    json_decref(obj);
    /* As the server does: render the error after the handler freed the body. */
    if (rc != YY_OK && !utf8_valid(req.err.field, strlen(req.err.field)))
        abort();

    arena_release(&a);
    return 0;
}
