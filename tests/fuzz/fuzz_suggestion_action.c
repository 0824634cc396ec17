/* fuzz_suggestion_action.c - libFuzzer target for the bodies of the
 * suggestion calls (api/suggestion_body.h): POST /api/v1/suggestions/{id}/actions
 * and POST /api/v1/suggestions, and what the domain does with a body that
 * passed (domain/suggestion.h sg_apply).
 *
 * The input is a request body.  It is read as sent, then once more under
 * each of the 19 action names (so every action's reader sees every shape),
 * and as a new draft.  Invariants:
 *   - failure is YY_BAD_INPUT with a code, a UTF-8 message and the field
 *     it is about;
 *   - success gives a known action, and the fields that action requires:
 *     texts valid UTF-8 within their bounds, enumerations from their sets
 *     (stage, mode, ratings), months 1..12, at most SG_MAX_UNITS units with
 *     positive ids, positive leader ids;
 *   - a draft has its three texts and distinct positive ids;
 *   - sg_apply on a synthetic suggestion in every state, with every actor,
 *     answers OK, 400, 403 or 409 (409 with a list of real action names),
 *     never touches the record on failure, and leaves a known state. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/suggestion_body.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_input(const struct sg_input *in)
{
    if ((unsigned)in->action >= SA_ACTION_COUNT || in->n_units > SG_MAX_UNITS)
        abort();
    for (size_t i = 0; i < in->n_units; i++)
        if (in->units[i].unit_id <= 0 || in->units[i].unit_name)
            abort();
    fuzz_check_text(in->reason, SG_TEXT_MAX,
                    in->action == SA_WITHDRAW || in->action == SA_RETURN_AS_LETTER ||
                        in->action == SA_REQUEST_RETURN || in->action == SA_REQUEST_EXTENSION ||
                        in->action == SA_DECLINE_COSIGN);
    if (in->action == SA_EDIT) /* PATCH's, never read from an action body */
        abort();
    fuzz_check_text(in->note, SG_TEXT_MAX,
                    in->action == SA_FOLLOW_UP || in->action == SA_SUPERVISE);
    fuzz_check_text(in->text, SG_BODY_MAX,
                    in->action == SA_CO_OPINION || in->action == SA_REPLY ||
                        in->action == SA_EXPLAIN);
    fuzz_check_text(in->reply_class, SG_CLASS_MAX, in->action == SA_REPLY);
    fuzz_check_text(in->committee, SG_COMMITTEE_MAX, in->action == SA_MARK_KEY);
    switch (in->action) {
    case SA_ASSIGN:
        if (in->n_units == 0)
            abort();
        break;
    case SA_LOG_CONTACT:
        if (!sg_contact_stage_valid(in->stage) || !sg_contact_mode_valid(in->mode))
            abort();
        break;
    case SA_REQUEST_EXTENSION:
        if (in->months < 1 || in->months > 12)
            abort();
        break;
    case SA_EVALUATE:
        if (!sg_rating_name(in->attitude) || !sg_rating_name(in->result))
            abort();
        break;
    case SA_MARK_KEY:
        if (in->leader_id <= 0)
            abort();
        break;
    default:
        break;
    }
}

/* The fields of the record an action may change. */
static bool same(const struct suggestion *x, const struct suggestion *y)
{
    return x->status == y->status && x->n_assignments == y->n_assignments &&
           x->assignments == y->assignments && x->is_key == y->is_key &&
           x->key_leader_id == y->key_leader_id && x->published == y->published &&
           x->hard_case == y->hard_case && x->reason == y->reason &&
           x->submitted_at == y->submitted_at && x->accepted_at == y->accepted_at &&
           x->assign_due_at == y->assign_due_at && x->assigned_at == y->assigned_at &&
           x->replied_at == y->replied_at && x->closed_at == y->closed_at &&
           x->updated_at == y->updated_at && x->explanation == y->explanation &&
           x->explained_at == y->explained_at;
}

/* The domain on what the reader let through: every state, every actor. */
static void apply_everywhere(struct arena *a, const struct sg_input *parsed)
{
    static struct calendar cal; /* no year known: weekends only */
    struct sg_rules rules;
    sg_rules_default(&rules);
    /* the term ends two days after the synthetic now: explain may pass */
    if (sg_rules_set(&rules, "term_ends_on", "2026-09-24", NULL) != YY_OK)
        abort();
    static const int64_t deputy[] = {11}, unit[] = {21};
    struct sg_input in = *parsed;
    for (size_t i = 0; i < in.n_units; i++)
        in.units[i].unit_name = "单位";
    for (int st = 0; st < SG_STATE_COUNT; st++) {
        for (unsigned bit = 0; bit < 7; bit++) {
            struct sg_signer signers[2] = {{.deputy_id = 11, .name = "甲", .author = true},
                                           {.deputy_id = 12, .name = "乙"}};
            struct sg_assignment asg[2] = {{.id = 1,
                                            .unit_id = 21,
                                            .unit_name = "主办",
                                            .lead = true,
                                            .active = true,
                                            .status = st % 2 ? ASG_IN_HANDLING : ASG_ASSIGNED,
                                            .n_contacts = (size_t)st % 2,
                                            .assigned_at = 1790000000,
                                            .due_at = 1800000000},
                                           {.id = 2,
                                            .unit_id = 22,
                                            .unit_name = "协办",
                                            .active = true,
                                            .status = ASG_ASSIGNED,
                                            .assigned_at = 1790000000,
                                            .due_at = 1800000000}};
            struct suggestion s = {.id = 1,
                                   .title = "t",
                                   .body = "b",
                                   .category = "c",
                                   .author_id = 11,
                                   .status = (enum sg_state)st,
                                   .signers = signers,
                                   .n_signers = 2,
                                   .assignments = asg,
                                   .n_assignments = 2};
            struct sg_caller c = {.user_id = 1,
                                  .deputy_ids = deputy,
                                  .n_deputy_ids = 1,
                                  .unit_ids = unit,
                                  .n_unit_ids = 1,
                                  .admin = bit == 2,
                                  .leader = bit == 3};
            unsigned actors = 1u << bit;
            struct suggestion before = s;
            struct sg_assignment asg_before[2];
            memcpy(asg_before, asg, sizeof(asg));
            struct sg_outcome out;
            struct yy_error e = {0};
            enum yy_err rc = sg_apply(&rules, &cal, a, 1790000000, actors, &c, &s, &in, &out, &e);
            if (rc != YY_OK) {
                if (rc != YY_BAD_INPUT && rc != YY_FORBIDDEN && rc != YY_CONFLICT)
                    abort();
                if (!e.code || !e.message || !same(&s, &before) ||
                    memcmp(asg, asg_before, sizeof(asg)) != 0 || signers[0].withdraw_agreed ||
                    signers[1].withdraw_agreed)
                    abort();
                for (size_t k = 0; rc == YY_CONFLICT && k < e.n_allowed; k++) {
                    enum sg_action back;
                    if (!e.allowed || !sg_action_from_name(e.allowed[k], &back))
                        abort();
                }
                continue;
            }
            if ((unsigned)s.status >= SG_STATE_COUNT || !out.actor_role || !out.note ||
                out.n_notices > SG_MAX_NOTICES || s.n_assignments > 2 + SG_MAX_UNITS)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);
    struct kv headers[1] = {{"Content-Type", "application/json"}};
    struct request req;
    fuzz_request_init(&req, &a, "/api/v1/suggestions/1/actions", headers, 1, data, size);
    json_t *obj;
    if (fuzz_body_object(&req, &obj) != YY_OK) {
        arena_release(&a);
        return 0;
    }

    struct sg_input in;
    memset(&req.err, 0, sizeof(req.err));
    enum yy_err rc = suggestion_action_read(&req, obj, &in);
    if (rc == YY_OK) {
        check_input(&in);
        apply_everywhere(&a, &in);
    } else {
        fuzz_check_error(rc, &req.err);
    }

    for (int i = 0; i < SA_ACTION_COUNT; i++) {
        json_t *copy = json_copy(obj);
        if (!copy)
            break;
        json_object_set_new(copy, "action", json_string(sg_action_name((enum sg_action)i)));
        memset(&req.err, 0, sizeof(req.err));
        rc = suggestion_action_read(&req, copy, &in);
        json_decref(copy);
        if (rc == YY_OK) {
            if ((int)in.action != i)
                abort();
            check_input(&in);
        } else {
            fuzz_check_error(rc, &req.err); /* the field name outlives the object */
        }
    }

    struct suggestion_draft d = {0};
    memset(&req.err, 0, sizeof(req.err));
    rc = suggestion_draft_read(&req, obj, &d);
    if (rc == YY_OK) {
        fuzz_check_text(d.title, SG_TITLE_MAX, true);
        fuzz_check_text(d.body, SG_BODY_MAX, true);
        fuzz_check_text(d.category, SG_CATEGORY_MAX, true);
        if (d.n_cosigners > SG_MAX_COSIGNERS || d.n_concerns > SG_MAX_CONCERNS)
            abort();
        for (size_t i = 0; i < d.n_cosigners; i++)
            for (size_t k = 0; k <= i; k++)
                if (d.cosigner_ids[i] <= 0 || (k < i && d.cosigner_ids[k] == d.cosigner_ids[i]))
                    abort();
        for (size_t i = 0; i < d.n_concerns; i++)
            if (d.concern_ids[i] <= 0)
                abort();
    } else {
        fuzz_check_error(rc, &req.err);
    }
    json_decref(obj);
    arena_release(&a);
    return 0;
}
