/* fuzz_concern_action.c - libFuzzer target for the body of
 * POST /api/v1/concerns/{id}/actions: api_body_object() and then
 * concern_action_read(), as the handler runs them.
 *
 * The request is built by hand as the server would build it (see
 * fuzz_common.h).  Invariants:
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
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ok(const struct concern_action_body *b)
{
    if ((unsigned)b->action >= CA_ACTION_COUNT)
        abort();
    bool decline = b->action == CA_DECLINE, on_site = b->action == CA_RESOLVE_ON_SITE;
    bool refer = b->action == CA_REFER, merge = b->action == CA_MERGE;
    bool resolve = b->action == CA_RESOLVE, rate = b->action == CA_RATE;
    fuzz_check_text(b->reason, CONCERN_NOTE_MAX, decline);
    fuzz_check_text(b->redirect, CONCERN_REDIRECT_MAX, decline);
    if (b->redirect && strpbrk(b->redirect, "\t\r\n"))
        abort();
    fuzz_check_text(b->result, CONCERN_NOTE_MAX, on_site || resolve);
    fuzz_check_text(b->note, CONCERN_NOTE_MAX, false);
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
    fuzz_request_init(&req, &a, "/api/v1/concerns/1/actions", headers, 2, data, size);
    json_t *obj;
    if (fuzz_body_object(&req, &obj) != YY_OK) {
        arena_release(&a);
        return 0;
    }
    struct concern_action_body b;
    memset(&req.err, 0, sizeof(req.err));
    enum yy_err rc = concern_action_read(&req, obj, &b);
    json_decref(obj); /* as the handler does, before the error is rendered */
    if (rc == YY_OK)
        check_ok(&b);
    else
        fuzz_check_error(rc, &req.err);
    arena_release(&a);
    return 0;
}
