/* fuzz_activity_action.c - libFuzzer target for the activity bodies:
 * POST /api/v1/activities/{id}/actions (activity_action_read) and POST
 * /api/v1/activities (activity_body_read, then activity_input_validate), each
 * after api_body_object(), as the handlers run them.  Every input goes
 * through both readers.
 *
 * The request is built by hand as the server would build it (see
 * fuzz_common.h).  Invariants:
 *   - failure is YY_BAD_INPUT with a code, a UTF-8 message and a field that
 *     is still readable after the body is freed;
 *   - an action that reads names a real action, and exactly the fields that
 *     action takes are filled: required texts non-empty and not blank, valid
 *     UTF-8, within their limits, free of control characters where they are
 *     single-line; a check-in code of six digits; ids positive and (for the
 *     arrays) distinct;
 *   - a planned activity that reads has a real kind, texts within their
 *     limits, positive ids; one that also validates has a station or a venue
 *     (not both), ends after it starts, a capacity within bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_activities.h"
#include "core/utf8.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t max, bool required, bool multiline)
{
    if (!s) {
        if (required)
            abort();
        return;
    }
    size_t n = strlen(s);
    if (!utf8_valid(s, n) || utf8_length(s, n) > max)
        abort();
    if (!multiline && utf8_has_controls(s, n))
        abort();
    if (required) {
        bool blank = true;
        for (size_t i = 0; i < n; i++)
            if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
                blank = false;
        if (blank)
            abort();
    }
}

static void check_ids(const int64_t *ids, size_t n, bool distinct)
{
    if (n && !ids)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 1)
            abort();
        for (size_t k = i + 1; distinct && k < n; k++)
            if (ids[i] == ids[k])
                abort();
    }
}

static void check_action(const struct activity_action_body *b)
{
    if ((unsigned)b->action >= AA_ACTION_COUNT)
        abort();
    bool cancel = b->action == AA_CANCEL, check_in = b->action == AA_CHECK_IN;
    bool attendance = b->action == AA_RECORD_ATTENDANCE, qa = b->action == AA_ADD_QA;
    bool close = b->action == AA_CLOSE;
    check_text(b->reason, ACTIVITY_NOTE_MAX, cancel, true);
    check_text(b->question, ACTIVITY_NOTE_MAX, qa, true);
    check_text(b->answer, ACTIVITY_NOTE_MAX, qa, true);
    check_text(b->minutes, ACTIVITY_MINUTES_MAX, close, true);
    if ((b->reason && !cancel) || ((b->question || b->answer) && !qa) || (b->minutes && !close))
        abort();
    if (check_in) {
        if (!b->code || strlen(b->code) != CHECK_IN_CODE_LEN)
            abort();
        for (size_t i = 0; i < CHECK_IN_CODE_LEN; i++)
            if (b->code[i] < '0' || b->code[i] > '9')
                abort();
    } else if (b->code) {
        abort();
    }
    if (b->unit_id < 0 || (b->unit_id && !qa))
        abort();
    if ((b->n_deputies || b->deputy_ids) && !attendance)
        abort();
    if (attendance && !b->deputy_ids)
        abort();
    check_ids(b->deputy_ids, b->n_deputies, true);
    if ((b->n_suggestions || b->suggestion_ids) && !close)
        abort();
    check_ids(b->suggestion_ids, b->n_suggestions, true);
}

static void check_plan(const struct activity_body *b, enum yy_err valid)
{
    const struct activity_input *in = &b->in;
    if ((unsigned)in->kind >= AK_COUNT)
        abort();
    check_text(in->title, ACTIVITY_TITLE_MAX, false, false);
    if (!in->title)
        abort();
    check_text(in->theme, ACTIVITY_THEME_MAX, false, true);
    check_text(in->venue, ACTIVITY_VENUE_MAX, false, false);
    if (in->station_id < 0 || b->street_id < 0)
        abort();
    if (in->n_deputies > ACTIVITY_IDS_MAX || in->n_units > ACTIVITY_IDS_MAX)
        abort();
    check_ids(in->deputy_ids, in->n_deputies, false);
    check_ids(in->unit_ids, in->n_units, false);
    if (valid != YY_OK)
        return;
    bool venue = in->venue && *in->venue;
    if ((in->station_id != 0) == venue)
        abort();
    if (in->ends_at <= in->starts_at || in->ends_at - in->starts_at > ACTIVITY_LONGEST)
        abort();
    if (in->capacity < 0 || in->capacity > ACTIVITY_CAPACITY_MAX)
        abort();
    check_ids(in->deputy_ids, in->n_deputies, true);
    check_ids(in->unit_ids, in->n_units, true);
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
    fuzz_request_init(&req, &a, "/api/v1/activities/1/actions", headers, 2, data, size);
    json_t *obj;
    if (fuzz_body_object(&req, &obj) != YY_OK) {
        arena_release(&a);
        return 0;
    }
    struct activity_action_body b;
    memset(&req.err, 0, sizeof(req.err));
    enum yy_err rc = activity_action_read(&req, obj, &b);
    if (rc == YY_OK)
        check_action(&b);
    else
        fuzz_check_error(rc, &req.err);
    struct activity_body p;
    struct yy_error plan_err;
    memset(&req.err, 0, sizeof(req.err));
    enum yy_err prc = activity_body_read(&req, obj, &p);
    plan_err = req.err;
    json_decref(obj); /* as the handlers do, before the error is rendered */
    if (prc == YY_OK) {
        /* the clock of 2026-12-01T10:00+08:00 */
        struct yy_error ve = {0};
        enum yy_err vrc = activity_input_validate(&p.in, 1796090400, &ve);
        if (vrc != YY_OK)
            fuzz_check_error(vrc, &ve);
        check_plan(&p, vrc);
    } else {
        fuzz_check_error(prc, &plan_err);
    }
    arena_release(&a);
    return 0;
}
