/* activity.c - the activity state machine as a table, and the pure rules of
 * activities; see activity.h.  Each row: in state FROM, ACTION by one of
 * ACTORS, when GUARDS hold, leads to TO. */
#include "domain/activity.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/machine.h"

#define STAFF ACT_ACTOR_STAFF

const struct act_transition act_table[] = {
    /* a draft is published with the notice posted at least N days ahead, or
     * called off */
    {AS_DRAFT, AA_OPEN, STAFF, ACT_G_NOTICE, AS_OPEN},
    {AS_DRAFT, AA_CANCEL, STAFF, ACT_G_NOT_ENDED, AS_CANCELLED},

    /* published: residents register (not an action: see
     * activity_registration_open); staff check them in, record which deputies
     * came and what was asked and answered, and close it with its record
     * once it is over; an invited unit writes down its own answers */
    {AS_OPEN, AA_CANCEL, STAFF, ACT_G_NOT_ENDED, AS_CANCELLED},
    {AS_OPEN, AA_CHECK_IN, STAFF, ACT_G_NOT_ENDED, AS_SAME},
    {AS_OPEN, AA_RECORD_ATTENDANCE, STAFF, ACT_G_STARTED, AS_SAME},
    {AS_OPEN, AA_ADD_QA, STAFF | ACT_ACTOR_UNIT, ACT_G_STARTED, AS_SAME},
    {AS_OPEN, AA_CLOSE, STAFF, ACT_G_ENDED, AS_CLOSED},

    /* closed and cancelled: nothing more */
};
const size_t act_table_n = sizeof(act_table) / sizeof(act_table[0]);

static const char *const kind_names[AK_COUNT] = {
    "learn", "talk", "build", "supervise", "evaluate", "share",
};
static const char *const kind_labels[AK_COUNT] = {
    "共学", "共话", "共建", "共督", "共评", "共享",
};
static const char *const state_names[AS_STATE_COUNT] = {"draft", "open", "closed", "cancelled"};
static const char *const state_labels[AS_STATE_COUNT] = {"草稿", "报名中", "已结束", "已取消"};
static const char *const action_names[AA_ACTION_COUNT] = {
    "open", "cancel", "check_in", "record_attendance", "add_qa", "close",
};

const char *act_kind_name(enum act_kind k)
{
    return (unsigned)k < AK_COUNT ? kind_names[k] : "unknown";
}

const char *act_kind_label_zh(enum act_kind k)
{
    return (unsigned)k < AK_COUNT ? kind_labels[k] : "未知";
}

bool act_kind_from_name(const char *s, enum act_kind *out)
{
    int v;
    if (!name_find(kind_names, AK_COUNT, s, &v))
        return false;
    *out = (enum act_kind)v;
    return true;
}

const char *act_state_name(enum act_state s)
{
    return (unsigned)s < AS_STATE_COUNT ? state_names[s] : "unknown";
}

const char *act_state_label_zh(enum act_state s)
{
    return (unsigned)s < AS_STATE_COUNT ? state_labels[s] : "未知";
}

bool act_state_from_name(const char *s, enum act_state *out)
{
    int v;
    if (!name_find(state_names, AS_STATE_COUNT, s, &v))
        return false;
    *out = (enum act_state)v;
    return true;
}

const char *act_action_name(enum act_action a)
{
    return (unsigned)a < AA_ACTION_COUNT ? action_names[a] : "unknown";
}

bool act_action_from_name(const char *s, enum act_action *out)
{
    int v;
    if (!name_find(action_names, AA_ACTION_COUNT, s, &v))
        return false;
    *out = (enum act_action)v;
    return true;
}

bool act_state_public(enum act_state s)
{
    return s != AS_DRAFT;
}

struct act_facts act_facts_at(int64_t starts_at, int64_t ends_at, int64_t now, int64_t notice_days)
{
    return (struct act_facts){.notice_ok = starts_at - now >= notice_days * 86400,
                              .started = now >= starts_at,
                              .ended = now >= ends_at};
}

/* The guards of `guards` that do not hold. */
static unsigned guards_failing(unsigned guards, const struct act_facts *f)
{
    unsigned bad = 0;
    if ((guards & ACT_G_NOTICE) && !f->notice_ok)
        bad |= ACT_G_NOTICE;
    if ((guards & ACT_G_STARTED) && !f->started)
        bad |= ACT_G_STARTED;
    if ((guards & ACT_G_NOT_ENDED) && f->ended)
        bad |= ACT_G_NOT_ENDED;
    if ((guards & ACT_G_ENDED) && !f->ended)
        bad |= ACT_G_ENDED;
    return bad;
}

void act_decide(enum act_state from, enum act_action action, unsigned actors,
                const struct act_facts *facts, struct act_decision *out)
{
    static const struct act_facts none = {0};
    if (!facts)
        facts = &none;
    memset(out, 0, sizeof(*out));
    bool row = false, permitted = false, may_ever = false;
    unsigned failed = 0;
    for (size_t i = 0; i < act_table_n; i++) {
        const struct act_transition *t = &act_table[i];
        if (t->from != from)
            continue;
        unsigned bad = guards_failing(t->guards, facts);
        if (!bad && (t->actors & actors)) {
            bool seen = false;
            for (size_t k = 0; k < out->n_allowed; k++)
                if (out->allowed[k] == t->action)
                    seen = true;
            if (!seen) {
                assert(out->n_allowed < AA_ACTION_COUNT);
                out->allowed[out->n_allowed++] = t->action;
            }
        }
        if (t->action != action)
            continue;
        row = true;
        if (t->actors & actors) {
            may_ever = true;
            if (!bad) {
                permitted = true;
                out->to = t->to;
            } else {
                failed |= bad;
            }
        }
    }
    if (permitted)
        out->result = YY_OK;
    else if (row && !may_ever)
        out->result = YY_FORBIDDEN; /* the action exists here, but not for this caller */
    else {
        out->result = YY_CONFLICT;
        out->failed = failed;
    }
}

/* ---- what staff send ------------------------------------------------------------- */

static bool has_twice(const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (ids[i] == ids[k])
                return true;
    return false;
}

enum yy_err activity_input_validate(const struct activity_input *in, int64_t now,
                                    struct yy_error *e)
{
    bool venue = in->venue && *in->venue;
    if (in->station_id && venue)
        return yy_fail(e, YY_BAD_INPUT, "station_or_venue", "站点和场地只能填写其中一个", "venue");
    if (!in->station_id && !venue)
        return yy_fail(e, YY_BAD_INPUT, "missing_field", "请选择站点或填写活动场地", "station_id");
    if (in->ends_at <= in->starts_at)
        return yy_fail(e, YY_BAD_INPUT, "ends_before_start", "结束时间须晚于开始时间", "ends_at");
    if (in->starts_at <= now)
        return yy_fail(e, YY_BAD_INPUT, "starts_in_past", "开始时间须在将来", "starts_at");
    if (in->starts_at - now > ACTIVITY_AHEAD_MAX)
        return yy_fail(e, YY_BAD_INPUT, "too_far_ahead", "活动最多提前两年安排", "starts_at");
    if (in->ends_at - in->starts_at > ACTIVITY_LONGEST)
        return yy_fail(e, YY_BAD_INPUT, "too_long", "一次活动最长七天", "ends_at");
    if (in->capacity < 0 || in->capacity > ACTIVITY_CAPACITY_MAX)
        return yy_fail(e, YY_BAD_INPUT, "invalid_capacity", "名额须在 0 到 5000 之间", "capacity");
    if (in->n_deputies > ACTIVITY_IDS_MAX || has_twice(in->deputy_ids, in->n_deputies))
        return yy_fail(e, YY_BAD_INPUT, "invalid_deputy_ids", "受邀代表最多 50 位,且不能重复",
                       "deputy_ids");
    if (in->n_units > ACTIVITY_IDS_MAX || has_twice(in->unit_ids, in->n_units))
        return yy_fail(e, YY_BAD_INPUT, "invalid_unit_ids", "受邀单位最多 50 个,且不能重复",
                       "unit_ids");
    return YY_OK;
}

enum yy_err activity_registration_open(enum act_state s, int64_t starts_at, int64_t capacity,
                                       int64_t now, struct yy_error *e)
{
    switch (s) {
    case AS_DRAFT:
        return yy_fail(e, YY_CONFLICT, "activity_draft", "活动尚未发布,不能报名", NULL);
    case AS_CANCELLED:
        return yy_fail(e, YY_CONFLICT, "activity_cancelled", "活动已取消,不能报名", NULL);
    case AS_CLOSED:
        return yy_fail(e, YY_CONFLICT, "activity_closed", "活动已结束,不能报名", NULL);
    case AS_OPEN:
        break;
    }
    if (now >= starts_at)
        return yy_fail(e, YY_CONFLICT, "activity_started", "活动已经开始或已过期,不能报名", NULL);
    if (capacity <= 0)
        return yy_fail(e, YY_CONFLICT, "no_registration", "这场活动不需要报名", NULL);
    return YY_OK;
}

bool activity_confirms(int64_t confirmed, int64_t capacity)
{
    return confirmed < capacity;
}

/* ---- check-in codes ------------------------------------------------------------------ */

void activity_code_new(char out[CHECK_IN_CODE_LEN + 1])
{
    uint32_t v = randombytes_uniform(1000000); /* uniform, no modulo bias */
    snprintf(out, CHECK_IN_CODE_LEN + 1, "%06u", (unsigned)v);
}

bool activity_code_normalize(const char *s, char out[CHECK_IN_CODE_LEN + 1])
{
    size_t k = 0;
    for (; s && *s; s++) {
        if (*s == ' ' || *s == '-')
            continue;
        if (*s < '0' || *s > '9' || k == CHECK_IN_CODE_LEN)
            return false;
        out[k++] = *s;
    }
    out[k] = '\0';
    return k == CHECK_IN_CODE_LEN;
}
