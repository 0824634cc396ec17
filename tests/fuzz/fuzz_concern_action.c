/* fuzz_concern_action.c - libFuzzer target for the body of
 * POST /api/v1/concerns/{id}/actions: api_body_object() and then
 * concern_action_read(), as the handler runs them.
 *
 * The request is built by hand as the server would build it (see
 * fuzz_json.c).  Invariants:
 *   - failure is YY_BAD_INPUT with a code, a UTF-8 message and a field that
 *     is still readable after the body is freed;
 *   - success names a real action, and exactly the fields that action needs
 *     are filled: required texts non-empty, valid UTF-8, within their limits,
 *     free of control characters; ids positive; a rating value one of the
 *     three; a tracking code of the code's shape and alphabet;
 *   - fields of other actions stay empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_concerns.h"
#include "api/jsonio.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t max, bool required)
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

static void check_ok(const struct concern_action_body *b)
{
    if ((unsigned)b->action >= CA_ACTION_COUNT)
        abort();
    bool decline = b->action == CA_DECLINE, on_site = b->action == CA_RESOLVE_ON_SITE;
    bool refer = b->action == CA_REFER, merge = b->action == CA_MERGE;
    bool resolve = b->action == CA_RESOLVE, rate = b->action == CA_RATE;
    check_text(b->reason, CONCERN_NOTE_MAX, decline);
    check_text(b->redirect, CONCERN_REDIRECT_MAX, decline);
    if (b->redirect && strpbrk(b->redirect, "\t\r\n"))
        abort();
    check_text(b->result, CONCERN_NOTE_MAX, on_site || resolve);
    check_text(b->note, CONCERN_NOTE_MAX, false);
    if ((b->reason || b->redirect) && !decline)
        abort();
    if (b->result && !on_site && !resolve)
        abort();
    if (b->note && !refer)
        abort();
    if (b->unit_id < 0 || (b->unit_id && !on_site))
        abort();
    if ((refer && b->region_id < 1) || (!refer && b->region_id))
        abort();
    if ((merge && b->into < 1) || (!merge && b->into))
        abort();
    if (rate) {
        if (!b->tracking_code || strlen(b->tracking_code) != TRACKING_CODE_LEN)
            abort();
        for (size_t i = 0; i < TRACKING_CODE_LEN; i++)
            if (!strchr(TRACKING_CODE_ALPHABET, b->tracking_code[i]))
                abort();
        if (!concern_rating_valid(b->value))
            abort();
    } else if (b->tracking_code || b->value) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);
    struct kv headers[2] = {
        {"Host", "localhost"},
        {"Content-Type", "application/json"},
    };
    struct request req;
    memset(&req, 0, sizeof(req));
    req.arena = &a;
    req.method = "POST";
    req.path = "/api/v1/concerns/1/actions";
    req.query_raw = "";
    req.headers.items = headers;
    req.headers.n = 2;
    char *body = arena_alloc(&a, size + 1);
    if (size)
        memcpy(body, data, size);
    body[size] = '\0';
    req.body = body;
    req.body_len = size;
    req.peer = req.client = "127.0.0.1";

    json_t *obj = NULL;
    if (api_body_object(&req, &obj) != YY_OK) {
        if (obj)
            abort();
        arena_release(&a);
        return 0;
    }
    struct concern_action_body b;
    memset(&req.err, 0, sizeof(req.err));
    enum yy_err rc = concern_action_read(&req, obj, &b);
    json_decref(obj); /* as the handler does, before the error is rendered */
    if (rc == YY_OK) {
        check_ok(&b);
    } else {
        const struct yy_error *e = &req.err;
        if (rc != YY_BAD_INPUT || e->kind != YY_BAD_INPUT || !e->code || !e->message ||
            !utf8_valid(e->message, strlen(e->message)) || !e->field ||
            !utf8_valid(e->field, strlen(e->field)))
            abort();
    }
    arena_release(&a);
    return 0;
}
