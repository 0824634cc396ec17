/* suggestion_body.c - reading suggestion bodies; see suggestion_body.h. */
#include "api/suggestion_body.h"

#include <string.h>

#include "api/jsonio.h"

static enum yy_err bad(struct request *req, const char *code, const char *message,
                       const char *field)
{
    return yy_fail(&req->err, YY_BAD_INPUT, code, message, field);
}

/* An optional array of at most max distinct positive integers (arena). */
static enum yy_err read_ids(struct request *req, json_t *body, const char *key, size_t max,
                            const int64_t **out, size_t *n)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return YY_OK;
    if (!json_is_array(v) || json_array_size(v) > max)
        return bad(req, "invalid_type", arena_printf(req->arena, "须为编号列表(最多 %zu 个)", max),
                   key);
    int64_t *ids = arena_calloc(req->arena, json_array_size(v) + 1, sizeof(int64_t));
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_integer(x) || json_integer_value(x) <= 0)
            return bad(req, "invalid_type", "须为正整数编号列表", key);
        ids[i] = json_integer_value(x);
        for (size_t k = 0; k < i; k++)
            if (ids[k] == ids[i])
                return bad(req, "duplicate_id", "编号重复", key);
    }
    *out = ids;
    *n = json_array_size(v);
    return YY_OK;
}

enum yy_err suggestion_draft_read(struct request *req, json_t *body, struct suggestion_draft *d)
{
    static const char *const fields[] = {"title",       "body",          "category",
                                         "concern_ids", "co_signer_ids", NULL};
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "title", true, SG_TITLE_MAX, false, &d->title, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "body", true, SG_BODY_MAX, true, &d->body, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "category", true, SG_CATEGORY_MAX, false, &d->category, NULL);
    if (rc == YY_OK)
        rc = read_ids(req, body, "concern_ids", SG_MAX_CONCERNS, &d->concern_ids, &d->n_concerns);
    if (rc == YY_OK)
        rc = read_ids(req, body, "co_signer_ids", SG_MAX_COSIGNERS, &d->cosigner_ids,
                      &d->n_cosigners);
    return rc;
}

enum yy_err suggestion_edit_read(struct request *req, json_t *body, struct sg_input *in,
                                 const int64_t **concern_ids, size_t *n_concerns,
                                 bool *has_concerns)
{
    static const char *const fields[] = {"title",       "body",          "category",
                                         "concern_ids", "co_signer_ids", NULL};
    memset(in, 0, sizeof(*in));
    in->action = SA_EDIT;
    *concern_ids = NULL;
    *n_concerns = 0;
    enum yy_err rc = json_only_fields(body, fields, &req->err);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "title", false, SG_TITLE_MAX, false, &in->title, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "body", false, SG_BODY_MAX, true, &in->body, NULL);
    if (rc == YY_OK)
        rc = json_get_text(req, body, "category", false, SG_CATEGORY_MAX, false, &in->category,
                           NULL);
    /* as on POST: given, a text may not be empty */
    if (rc == YY_OK && in->title && !*in->title)
        rc = bad(req, "missing_field", "此项必须填写", "title");
    if (rc == YY_OK && in->body && !*in->body)
        rc = bad(req, "missing_field", "此项必须填写", "body");
    if (rc == YY_OK && in->category && !*in->category)
        rc = bad(req, "missing_field", "此项必须填写", "category");
    json_t *c = json_object_get(body, "co_signer_ids"), *k = json_object_get(body, "concern_ids");
    in->has_cosigners = c && !json_is_null(c);
    *has_concerns = k && !json_is_null(k);
    if (rc == YY_OK)
        rc = read_ids(req, body, "concern_ids", SG_MAX_CONCERNS, concern_ids, n_concerns);
    if (rc == YY_OK)
        rc = read_ids(req, body, "co_signer_ids", SG_MAX_COSIGNERS, &in->cosigner_ids,
                      &in->n_cosigners);
    if (rc == YY_OK && !in->title && !in->body && !in->category && !in->has_cosigners &&
        !*has_concerns)
        rc = bad(req, "missing_field",
                 "请至少提供 title、body、category、co_signer_ids、concern_ids 之一", NULL);
    return rc;
}

/* units: [{"unit_id": n, "role": "lead"|"co"}, ...], at most SG_MAX_UNITS. */
static enum yy_err read_units(struct request *req, json_t *body, bool required, struct sg_input *in)
{
    json_t *v = json_object_get(body, "units");
    in->n_units = 0;
    if (!v || json_is_null(v)) {
        if (required)
            return bad(req, "missing_field", "须指定承办单位", "units");
        return YY_OK;
    }
    if (!json_is_array(v) || json_array_size(v) > SG_MAX_UNITS)
        return bad(req, "invalid_units",
                   "units 须为列表(最多16个),每项为 {\"unit_id\":编号,\"role\":\"lead\"或\"co\"}",
                   "units");
    if (required && json_array_size(v) == 0)
        return bad(req, "missing_field", "须指定承办单位", "units");
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        json_t *id = json_is_object(x) ? json_object_get(x, "unit_id") : NULL;
        json_t *role = json_is_object(x) ? json_object_get(x, "role") : NULL;
        if (!id || !json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_string(role) ||
            json_object_size(x) != 2)
            return bad(req, "invalid_units",
                       "units 的每项须为 {\"unit_id\":编号,\"role\":\"lead\"或\"co\"}", "units");
        const char *r = json_string_value(role);
        if (strcmp(r, "lead") != 0 && strcmp(r, "co") != 0)
            return bad(req, "invalid_units", "role 须为 lead(主办)或 co(协办)", "units");
        in->units[i] = (struct sg_unit_ref){.unit_id = json_integer_value(id), .lead = r[0] == 'l'};
    }
    in->n_units = json_array_size(v);
    return YY_OK;
}

static enum yy_err read_rating(struct request *req, json_t *body, const char *key,
                               enum sg_rating *out)
{
    const char *v = NULL;
    enum yy_err rc = json_get_text(req, body, key, true, 32, false, &v, NULL);
    if (rc == YY_OK && !sg_rating_from_name(v, out))
        rc = bad(req, "invalid_rating", "取值须为 satisfied、basically_satisfied 或 dissatisfied",
                 key);
    return rc;
}

/* The fields of each action besides "action" (NULL-terminated lists). */
static const char *const *action_fields(enum sg_action a)
{
    static const char *const none[] = {"action", NULL};
    static const char *const reason[] = {"action", "reason", NULL};
    static const char *const assign[] = {"action", "units", "hard_case", NULL};
    static const char *const decide_return[] = {"action", "approve", "units", "unit_id", NULL};
    static const char *const contact[] = {"action", "stage", "mode", "note", NULL};
    static const char *const text[] = {"action", "text", NULL};
    static const char *const extension[] = {"action", "months", "reason", NULL};
    static const char *const decide_extension[] = {"action", "approve", "unit_id", NULL};
    static const char *const reply[] = {"action", "class", "text", NULL};
    static const char *const evaluate[] = {"action", "attitude", "result", "reason", NULL};
    static const char *const follow_up[] = {"action", "note", "done", NULL};
    static const char *const mark_key[] = {"action", "leader_id", "committee", NULL};
    static const char *const note[] = {"action", "note", NULL};
    switch (a) {
    case SA_WITHDRAW:
    case SA_RETURN_AS_LETTER:
    case SA_REQUEST_RETURN:
    case SA_DECLINE_COSIGN:
        return reason;
    case SA_ASSIGN:
        return assign;
    case SA_DECIDE_RETURN:
        return decide_return;
    case SA_LOG_CONTACT:
        return contact;
    case SA_CO_OPINION:
    case SA_EXPLAIN:
        return text;
    case SA_REQUEST_EXTENSION:
        return extension;
    case SA_DECIDE_EXTENSION:
        return decide_extension;
    case SA_REPLY:
        return reply;
    case SA_EVALUATE:
        return evaluate;
    case SA_FOLLOW_UP:
        return follow_up;
    case SA_MARK_KEY:
        return mark_key;
    case SA_SUPERVISE:
        return note;
    case SA_SUBMIT:
    case SA_ACCEPT:
    case SA_PUBLISH:
    case SA_CLOSE:
    case SA_COSIGN:
    case SA_EDIT:
        return none;
    }
    return none;
}

enum yy_err suggestion_action_read(struct request *req, json_t *body, struct sg_input *in)
{
    memset(in, 0, sizeof(*in));
    const char *name = NULL;
    enum yy_err rc = json_get_text(req, body, "action", true, 32, false, &name, NULL);
    if (rc != YY_OK)
        return rc;
    if (!sg_action_from_name(name, &in->action) || in->action == SA_EDIT)
        return bad(req, "unknown_action",
                   in->action == SA_EDIT && !strcmp(name, "edit")
                       ? "修改草稿请用 PATCH /api/v1/suggestions/{id}"
                       : "action 须为 submit withdraw accept return_as_letter assign request_return "
                         "decide_return log_contact co_opinion request_extension decide_extension "
                         "reply evaluate follow_up mark_key supervise publish close explain "
                         "cosign decline_cosign 之一",
                   "action");
    rc = json_only_fields(body, action_fields(in->action), &req->err);
    if (rc != YY_OK)
        return rc;
    int64_t v = 0;
    switch (in->action) {
    case SA_SUBMIT:
    case SA_ACCEPT:
    case SA_PUBLISH:
    case SA_CLOSE:
    case SA_COSIGN:
    case SA_EDIT:
        break;
    case SA_WITHDRAW:
    case SA_RETURN_AS_LETTER:
    case SA_REQUEST_RETURN:
    case SA_DECLINE_COSIGN:
        rc = json_get_text(req, body, "reason", true, SG_TEXT_MAX, true, &in->reason, NULL);
        break;
    case SA_ASSIGN:
        rc = read_units(req, body, true, in);
        if (rc == YY_OK)
            rc = json_get_bool(req, body, "hard_case", false, &in->hard_case, NULL);
        break;
    case SA_DECIDE_RETURN:
        rc = json_get_bool(req, body, "approve", true, &in->approve, NULL);
        if (rc == YY_OK)
            rc = read_units(req, body, false, in);
        if (rc == YY_OK)
            rc = json_get_int(req, body, "unit_id", false, 1, INT64_MAX, &in->unit_id, NULL);
        break;
    case SA_LOG_CONTACT:
        rc = json_get_text(req, body, "stage", true, 16, false, &in->stage, NULL);
        if (rc == YY_OK && !sg_contact_stage_valid(in->stage))
            rc = bad(req, "invalid_stage", "stage 须为 before(办前)、during(办中)或 after(办后)",
                     "stage");
        if (rc == YY_OK)
            rc = json_get_text(req, body, "mode", true, 16, false, &in->mode, NULL);
        if (rc == YY_OK && !sg_contact_mode_valid(in->mode))
            rc = bad(req, "invalid_mode", "mode 须为 visit、phone、meeting 或 online", "mode");
        if (rc == YY_OK)
            rc = json_get_text(req, body, "note", false, SG_TEXT_MAX, true, &in->note, NULL);
        break;
    case SA_CO_OPINION:
    case SA_EXPLAIN:
        rc = json_get_text(req, body, "text", true, SG_TEXT_MAX, true, &in->text, NULL);
        break;
    case SA_REQUEST_EXTENSION:
        rc = json_get_int(req, body, "months", true, 1, 12, &v, NULL);
        in->months = (int)v;
        if (rc == YY_OK)
            rc = json_get_text(req, body, "reason", true, SG_TEXT_MAX, true, &in->reason, NULL);
        break;
    case SA_DECIDE_EXTENSION:
        rc = json_get_bool(req, body, "approve", true, &in->approve, NULL);
        if (rc == YY_OK)
            rc = json_get_int(req, body, "unit_id", false, 1, INT64_MAX, &in->unit_id, NULL);
        break;
    case SA_REPLY:
        rc = json_get_text(req, body, "class", true, SG_CLASS_MAX, false, &in->reply_class, NULL);
        if (rc == YY_OK)
            rc = json_get_text(req, body, "text", true, SG_BODY_MAX, true, &in->text, NULL);
        break;
    case SA_EVALUATE:
        rc = read_rating(req, body, "attitude", &in->attitude);
        if (rc == YY_OK)
            rc = read_rating(req, body, "result", &in->result);
        if (rc == YY_OK)
            rc = json_get_text(req, body, "reason", false, SG_TEXT_MAX, true, &in->reason, NULL);
        break;
    case SA_FOLLOW_UP:
        rc = json_get_text(req, body, "note", true, SG_TEXT_MAX, true, &in->note, NULL);
        if (rc == YY_OK)
            rc = json_get_bool(req, body, "done", false, &in->done, NULL);
        break;
    case SA_MARK_KEY:
        rc = json_get_int(req, body, "leader_id", true, 1, INT64_MAX, &in->leader_id, NULL);
        if (rc == YY_OK)
            rc = json_get_text(req, body, "committee", true, SG_COMMITTEE_MAX, false,
                               &in->committee, NULL);
        break;
    case SA_SUPERVISE:
        rc = json_get_text(req, body, "note", true, SG_TEXT_MAX, true, &in->note, NULL);
        break;
    }
    return rc;
}
