/* suggestion.c - the suggestion state machine as a table; see suggestion.h.
 * Each row: in state FROM, ACTION by one of ACTORS leads to TO. */
#include "domain/suggestion.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/machine.h"
#include "domain/supervision.h"

#define UNIT (ACTOR_LEAD_UNIT | ACTOR_CO_UNIT)
/* The signers of a suggestion: the author and the co-signers who confirmed.
 * A co-signer a draft only names (or who declined) is ACTOR_NAMED: no signer,
 * so neither needed for a withdrawal nor able to withdraw. */
#define SIGNER (ACTOR_AUTHOR | ACTOR_COSIGNER)
#define INVITED (ACTOR_COSIGNER | ACTOR_NAMED)
#define SUPERVISOR (ACTOR_ADMIN | ACTOR_LEADER | ACTOR_KEY_LEADER)
#define COUNCIL (ACTOR_ADMIN | ACTOR_LEADER)

const struct sg_transition sg_table[] = {
    /* a deputy drafts (and edits the draft), the named co-signers confirm or
     * decline (联名), the author submits with those who confirmed */
    {SG_DRAFT, SA_SUBMIT, ACTOR_AUTHOR, SG_SUBMITTED},
    {SG_DRAFT, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},
    {SG_DRAFT, SA_EDIT, ACTOR_AUTHOR, SG_SAME},
    {SG_DRAFT, SA_COSIGN, INVITED, SG_SAME},
    {SG_DRAFT, SA_DECLINE_COSIGN, INVITED, SG_SAME},

    /* screening (收集整理): accepted, or handled as a letter with a reason */
    {SG_SUBMITTED, SA_ACCEPT, ACTOR_ADMIN, SG_ACCEPTED},
    {SG_SUBMITTED, SA_RETURN_AS_LETTER, ACTOR_ADMIN, SG_RETURNED_AS_LETTER},
    {SG_SUBMITTED, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* assignment (交办) to lead and co units */
    {SG_ACCEPTED, SA_ASSIGN, ACTOR_ADMIN, SG_ASSIGNED},
    {SG_ACCEPTED, SA_MARK_KEY, COUNCIL, SG_SAME},
    {SG_ACCEPTED, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* handling (办理): the unit's first step moves it to in_handling */
    {SG_ASSIGNED, SA_REQUEST_RETURN, UNIT, SG_SAME},
    {SG_ASSIGNED, SA_DECIDE_RETURN, ACTOR_ADMIN, SG_SAME},
    {SG_ASSIGNED, SA_LOG_CONTACT, UNIT, SG_IN_HANDLING},
    {SG_ASSIGNED, SA_CO_OPINION, ACTOR_CO_UNIT, SG_IN_HANDLING},
    {SG_ASSIGNED, SA_REQUEST_EXTENSION, ACTOR_LEAD_UNIT, SG_IN_HANDLING},
    {SG_ASSIGNED, SA_DECIDE_EXTENSION, ACTOR_ADMIN, SG_SAME},
    {SG_ASSIGNED, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED},
    {SG_ASSIGNED, SA_MARK_KEY, COUNCIL, SG_SAME},
    {SG_ASSIGNED, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_ASSIGNED, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    {SG_IN_HANDLING, SA_REQUEST_RETURN, UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_DECIDE_RETURN, ACTOR_ADMIN, SG_SAME},
    {SG_IN_HANDLING, SA_LOG_CONTACT, UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_CO_OPINION, ACTOR_CO_UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_REQUEST_EXTENSION, ACTOR_LEAD_UNIT, SG_SAME},
    {SG_IN_HANDLING, SA_DECIDE_EXTENSION, ACTOR_ADMIN, SG_SAME},
    {SG_IN_HANDLING, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED},
    {SG_IN_HANDLING, SA_MARK_KEY, COUNCIL, SG_SAME},
    {SG_IN_HANDLING, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_IN_HANDLING, SA_WITHDRAW, SIGNER, SG_WITHDRAWN},

    /* the reply (答复) is rated by the deputy; 不满意 sends it back */
    {SG_REPLIED, SA_EVALUATE, ACTOR_AUTHOR, SG_EVALUATED},
    {SG_REPLIED, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_REPLIED, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},

    {SG_REHANDLING, SA_LOG_CONTACT, UNIT, SG_SAME},
    {SG_REHANDLING, SA_CO_OPINION, ACTOR_CO_UNIT, SG_SAME},
    {SG_REHANDLING, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED},
    {SG_REHANDLING, SA_SUPERVISE, SUPERVISOR, SG_SAME},

    /* what a B or C reply promised is followed until done, across years */
    {SG_EVALUATED, SA_FOLLOW_UP, ACTOR_LEAD_UNIT, SG_FOLLOWING_UP},
    {SG_EVALUATED, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_EVALUATED, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},
    {SG_EVALUATED, SA_CLOSE, ACTOR_ADMIN, SG_CLOSED},

    {SG_FOLLOWING_UP, SA_FOLLOW_UP, ACTOR_LEAD_UNIT, SG_SAME},
    {SG_FOLLOWING_UP, SA_SUPERVISE, SUPERVISOR, SG_SAME},
    {SG_FOLLOWING_UP, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},
    /* at the end of a term, an unresolved promise gets a written explanation
     * (书面说明) from the lead unit, or the office records the unit's letter;
     * then it may close without the follow-up being done */
    {SG_FOLLOWING_UP, SA_EXPLAIN, ACTOR_LEAD_UNIT | ACTOR_ADMIN, SG_SAME},
    {SG_FOLLOWING_UP, SA_CLOSE, ACTOR_ADMIN, SG_CLOSED},

    {SG_CLOSED, SA_PUBLISH, ACTOR_ADMIN, SG_SAME},
};
const size_t sg_table_n = sizeof(sg_table) / sizeof(sg_table[0]);

static const char *const state_names[SG_STATE_COUNT] = {
    "draft",    "submitted", "accepted",   "returned_as_letter", "assigned", "in_handling",
    "replied",  "evaluated", "rehandling", "following_up",       "closed",   "withdrawn",
};

static const char *const state_labels[SG_STATE_COUNT] = {
    "草稿",   "已提交", "已受理",   "作为来信处理", "已交办", "办理中",
    "已答复", "已评价", "重新办理", "跟踪落实",     "已办结", "已撤回",
};

static const char *const action_names[SA_ACTION_COUNT] = {
    "submit",         "withdraw",       "accept",          "return_as_letter",
    "assign",         "request_return", "decide_return",   "log_contact",
    "co_opinion",     "request_extension", "decide_extension", "reply",
    "evaluate",       "follow_up",      "mark_key",        "supervise",
    "publish",        "close",          "explain",         "cosign",
    "decline_cosign", "edit",
};

/* The actions in Chinese, as the pages show them (docs/GLOSSARY.md). */
static const char *const action_labels[SA_ACTION_COUNT] = {
    "提交",       "撤回",       "立案",       "作为来信处理", "交办",       "申请退回",
    "审核退回",   "联系代表",   "协办意见",   "申请延期",     "审核延期",   "答复",
    "代表评价",   "跟踪落实",   "列为重点建议", "督办",       "公开",       "办结",
    "书面说明",   "确认联名",   "不同意联名", "修改草稿",
};

/* Timeline entries that are not actions of the table: the draft written, a
 * resident's public rating (网上评), the reminder sweep's 催办. */
static const char *const event_labels[][2] = {
    {"create", "起草"},
    {"rate", "网上评"},
    {"remind", "催办"},
};

const char *sg_state_name(enum sg_state s)
{
    return (unsigned)s < SG_STATE_COUNT ? state_names[s] : "unknown";
}

const char *sg_state_label_zh(enum sg_state s)
{
    return (unsigned)s < SG_STATE_COUNT ? state_labels[s] : "未知";
}

bool sg_state_from_name(const char *s, enum sg_state *out)
{
    int v;
    if (!name_find(state_names, SG_STATE_COUNT, s, &v))
        return false;
    *out = (enum sg_state)v;
    return true;
}

const char *sg_action_name(enum sg_action a)
{
    return (unsigned)a < SA_ACTION_COUNT ? action_names[a] : "unknown";
}

const char *sg_action_label_zh(enum sg_action a)
{
    return (unsigned)a < SA_ACTION_COUNT ? action_labels[a] : "未知";
}

const char *sg_event_label_zh(const char *action)
{
    enum sg_action a;
    if (sg_action_from_name(action, &a))
        return action_labels[a];
    return name_pair_value(event_labels, sizeof(event_labels) / sizeof(event_labels[0]), action);
}

bool sg_action_from_name(const char *s, enum sg_action *out)
{
    int v;
    if (!name_find(action_names, SA_ACTION_COUNT, s, &v))
        return false;
    *out = (enum sg_action)v;
    return true;
}

void sg_decide(enum sg_state from, enum sg_action action, unsigned actors,
               struct sg_decision *out)
{
    memset(out, 0, sizeof(*out));
    struct sm_scan scan = {0};
    for (size_t i = 0; i < sg_table_n; i++) {
        const struct sg_transition *t = &sg_table[i];
        if (t->from == from &&
            sm_scan_row(&scan, (int)t->action, t->actors, t->to, (int)action, actors))
            out->allowed[out->n_allowed++] = t->action;
    }
    out->result = sm_scan_result(&scan);
    out->to = scan.to;
}

/* ---- names of the record's values ------------------------------------------- */

static const char *const cosign_names[SG_COSIGN_COUNT] = {"named", "confirmed", "declined"};

const char *sg_cosign_name(enum sg_cosign c)
{
    return (unsigned)c < SG_COSIGN_COUNT ? cosign_names[c] : "unknown";
}

bool sg_cosign_from_name(const char *s, enum sg_cosign *out)
{
    int v;
    if (!name_find(cosign_names, SG_COSIGN_COUNT, s, &v))
        return false;
    *out = (enum sg_cosign)v;
    return true;
}

static const char *const rating_names[SG_RATING_COUNT] = {NULL, "satisfied",
                                                          "basically_satisfied", "dissatisfied"};

const char *sg_rating_name(enum sg_rating r)
{
    return r > SG_RATING_NONE && r < SG_RATING_COUNT ? rating_names[r] : NULL;
}

bool sg_rating_from_name(const char *s, enum sg_rating *out)
{
    int v;
    if (!name_find(rating_names, SG_RATING_COUNT, s, &v))
        return false;
    *out = (enum sg_rating)v;
    return true;
}

static const char *const asg_names[] = {"assigned", "in_handling", "return_requested", "returned",
                                        "replied"};
#define ASG_COUNT (sizeof(asg_names) / sizeof(asg_names[0]))

const char *sg_asg_status_name(enum sg_asg_status s)
{
    return (unsigned)s < ASG_COUNT ? asg_names[s] : "unknown";
}

bool sg_asg_status_from_name(const char *s, enum sg_asg_status *out)
{
    int v;
    if (!name_find(asg_names, ASG_COUNT, s, &v))
        return false;
    *out = (enum sg_asg_status)v;
    return true;
}

static const char *const ext_names[] = {NULL, "requested", "approved", "refused"};

const char *sg_ext_status_name(enum sg_ext_status s)
{
    return s > EXT_NONE && s <= EXT_REFUSED ? ext_names[s] : NULL;
}

bool sg_ext_status_from_name(const char *s, enum sg_ext_status *out)
{
    int v;
    *out = EXT_NONE;
    if (!name_find(ext_names, EXT_REFUSED + 1, s, &v))
        return s == NULL;
    *out = (enum sg_ext_status)v;
    return true;
}

static bool one_of(const char *s, const char *const *names)
{
    for (; s && *names; names++)
        if (!strcmp(s, *names))
            return true;
    return false;
}

bool sg_contact_stage_valid(const char *s)
{
    static const char *const stages[] = {"before", "during", "after", NULL};
    return one_of(s, stages);
}

bool sg_contact_mode_valid(const char *s)
{
    static const char *const modes[] = {"visit", "phone", "meeting", "online", NULL};
    return one_of(s, modes);
}

/* ---- configuration ------------------------------------------------------------ */

/* "A,B,C": 1..SG_MAX_CLASSES names of letters, digits, '_' or '-', distinct. */
static bool parse_classes(const char *v, char out[SG_MAX_CLASSES][SG_CLASS_MAX + 1], size_t *n)
{
    char tmp[SG_MAX_CLASSES][SG_CLASS_MAX + 1];
    size_t count = 0;
    const char *p = v;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t len = 0;
        while (p[len] && p[len] != ',' && p[len] != ' ') {
            char ch = p[len];
            bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
            if (!ok)
                return false;
            len++;
        }
        if (len == 0 || len > SG_CLASS_MAX || count == SG_MAX_CLASSES)
            return false;
        memcpy(tmp[count], p, len);
        tmp[count][len] = '\0';
        for (size_t i = 0; i < count; i++)
            if (!strcmp(tmp[i], tmp[count]))
                return false;
        count++;
        p += len;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return false;
    }
    memcpy(out, tmp, sizeof(tmp));
    *n = count;
    return true;
}

static bool parse_small_int(const char *v, int min, int max, int *out)
{
    int x = 0, digits = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || digits == 4)
            return false;
        x = x * 10 + (*p - '0');
        digits++;
    }
    if (!digits || x < min || x > max)
        return false;
    *out = x;
    return true;
}

void sg_rules_default(struct sg_rules *r)
{
    memset(r, 0, sizeof(*r));
    parse_classes("A,B,C", r->classes, &r->n_classes);
    parse_classes("B,C", r->follow_classes, &r->n_follow_classes);
    r->assign_working_days = 7;
    r->return_request_working_days = 7;
    r->co_opinion_months = 1;
    r->reply_months = 3;
    r->hard_case_reply_months = 6;
    r->extension_max_months = 3;
    r->rehandling_months = 1;
    r->max_rehandlings = 1;
    r->reply_needs_contact = true;
    r->has_term_end = false;
    r->term_end_day = 0;
    r->due_soon_working_days = SV_DUE_SOON_DEFAULT;
}

bool sg_term_end_parse(const char *v, bool *has, int64_t *day)
{
    if (!v)
        return false;
    if (!*v) {
        *has = false;
        *day = 0;
        return true;
    }
    char y4[5] = {0}, m2[3] = {0}, d2[3] = {0};
    int y, m, d;
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return false;
    memcpy(y4, v, 4);
    memcpy(m2, v + 5, 2);
    memcpy(d2, v + 8, 2);
    if (!parse_small_int(y4, 2000, 9999, &y) || !parse_small_int(m2, 1, 12, &m) ||
        !parse_small_int(d2, 1, 31, &d))
        return false;
    int64_t z = time_days_from_civil(y, (unsigned)m, (unsigned)d);
    int64_t yy;
    unsigned mm, dd;
    time_civil_from_days(z, &yy, &mm, &dd);
    if (yy != y || (int)mm != m || (int)dd != d)
        return false; /* 2026-02-30 */
    *has = true;
    *day = z;
    return true;
}

int64_t sg_rules_term_end_at(const struct sg_rules *r)
{
    return r->has_term_end ? sg_end_of_day(r->term_end_day) : 0;
}

static const struct {
    const char *key;
    size_t offset;
    int min, max;
} int_settings[] = {
    {"assign_working_days", offsetof(struct sg_rules, assign_working_days), 1, 60},
    {"return_request_working_days", offsetof(struct sg_rules, return_request_working_days), 1, 60},
    {"co_opinion_months", offsetof(struct sg_rules, co_opinion_months), 1, 12},
    {"reply_months", offsetof(struct sg_rules, reply_months), 1, 12},
    {"hard_case_reply_months", offsetof(struct sg_rules, hard_case_reply_months), 1, 24},
    {"extension_max_months", offsetof(struct sg_rules, extension_max_months), 1, 12},
    {"rehandling_months", offsetof(struct sg_rules, rehandling_months), 1, 12},
    {"max_rehandlings", offsetof(struct sg_rules, max_rehandlings), 0, 9},
};

enum yy_err sg_rules_set(struct sg_rules *r, const char *key, const char *value,
                         struct yy_error *e)
{
    if (!key || !value)
        return YY_OK;
    for (size_t i = 0; i < sizeof(int_settings) / sizeof(int_settings[0]); i++) {
        if (strcmp(key, int_settings[i].key) != 0)
            continue;
        int v;
        if (!parse_small_int(value, int_settings[i].min, int_settings[i].max, &v))
            return yy_fail(e, YY_BAD_INPUT, "invalid_setting", "配置项的值不正确", key);
        memcpy((char *)r + int_settings[i].offset, &v, sizeof(v));
        return YY_OK;
    }
    if (!strcmp(key, "reply_classes") || !strcmp(key, "follow_up_classes")) {
        bool reply = key[0] == 'r';
        if (!parse_classes(value, reply ? r->classes : r->follow_classes,
                           reply ? &r->n_classes : &r->n_follow_classes))
            return yy_fail(e, YY_BAD_INPUT, "invalid_setting",
                           "类别须为以逗号分隔的字母或数字代号", key);
        return YY_OK;
    }
    if (!strcmp(key, "term_ends_on")) {
        if (!sg_term_end_parse(value, &r->has_term_end, &r->term_end_day))
            return yy_fail(e, YY_BAD_INPUT, "invalid_setting",
                           "届末日期须为 YYYY-MM-DD,或留空表示未设置", key);
        return YY_OK;
    }
    if (!strcmp(key, "due_soon_working_days")) {
        /* as the supervision sweep reads it (store/remind.c): what does not
         * parse means the default, sv_assess caps the rest */
        int v;
        r->due_soon_working_days = parse_small_int(value, 0, 9999, &v) ? v : SV_DUE_SOON_DEFAULT;
        return YY_OK;
    }
    if (!strcmp(key, "reply_needs_contact")) {
        if (!strcmp(value, "1") || !strcmp(value, "true"))
            r->reply_needs_contact = true;
        else if (!strcmp(value, "0") || !strcmp(value, "false"))
            r->reply_needs_contact = false;
        else
            return yy_fail(e, YY_BAD_INPUT, "invalid_setting", "配置项的值须为 0 或 1", key);
    }
    return YY_OK;
}

bool sg_rules_class_valid(const struct sg_rules *r, const char *cls)
{
    for (size_t i = 0; cls && i < r->n_classes; i++)
        if (!strcmp(cls, r->classes[i]))
            return true;
    return false;
}

bool sg_rules_class_needs_follow_up(const struct sg_rules *r, const char *cls)
{
    for (size_t i = 0; cls && i < r->n_follow_classes; i++)
        if (!strcmp(cls, r->follow_classes[i]))
            return true;
    return false;
}

/* ---- deadlines ------------------------------------------------------------------ */

int64_t sg_end_of_day(int64_t day)
{
    return day_start(day + 1) - 1;
}

struct sg_due sg_due_working_days(const struct calendar *c, int64_t from, int n)
{
    struct sg_due d = {0};
    d.at = sg_end_of_day(deadline_add_working_days(c, day_of(from), n, &d.provisional));
    return d;
}

struct sg_due sg_due_months(const struct calendar *c, int64_t from, int months)
{
    struct sg_due d = {0};
    d.at = sg_end_of_day(deadline_add_months(c, day_of(from), months, &d.provisional));
    return d;
}

/* "2026-10-13" for the day of unix time t (arena). */
static const char *date_text(struct arena *a, int64_t t)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day_of(t), &y, &m, &d);
    return arena_printf(a, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* ---- who is calling -------------------------------------------------------------- */

static bool has_id(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* A signer whose agreement a withdrawal needs: the author, or a co-signer
 * who confirmed. */
static bool signs(const struct sg_signer *g)
{
    return g->author || g->cosign == SG_COSIGN_CONFIRMED;
}

unsigned sg_actors(const struct suggestion *s, const struct sg_caller *c)
{
    unsigned a = 0;
    if (c->admin)
        a |= ACTOR_ADMIN;
    if (c->leader) {
        a |= ACTOR_LEADER;
        if (s->is_key && c->user_id && s->key_leader_id == c->user_id)
            a |= ACTOR_KEY_LEADER;
    }
    for (size_t i = 0; i < s->n_signers; i++)
        if (has_id(c->deputy_ids, c->n_deputy_ids, s->signers[i].deputy_id))
            a |= s->signers[i].author ? ACTOR_AUTHOR
                 : signs(&s->signers[i]) ? ACTOR_COSIGNER
                                         : ACTOR_NAMED;
    for (size_t i = 0; i < s->n_assignments; i++) {
        const struct sg_assignment *g = &s->assignments[i];
        if (g->active && has_id(c->unit_ids, c->n_unit_ids, g->unit_id))
            a |= g->lead ? ACTOR_LEAD_UNIT : ACTOR_CO_UNIT;
    }
    return a;
}

/* A signer, a deputy the draft names as co-signer, or a unit it is assigned
 * to now. */
static bool related(const struct suggestion *s, const struct sg_caller *c)
{
    return (sg_actors(s, c) & (ACTOR_AUTHOR | ACTOR_COSIGNER | ACTOR_NAMED | ACTOR_LEAD_UNIT |
                               ACTOR_CO_UNIT)) != 0;
}

bool sg_private_view(const struct suggestion *s, const struct sg_caller *c)
{
    return related(s, c) || (c->sees_all && s->status != SG_DRAFT);
}

bool sg_visible(const struct suggestion *s, const struct sg_caller *c)
{
    return s->published || sg_private_view(s, c);
}

/* ---- actions ----------------------------------------------------------------------- */

#define NO_ASSIGNMENT SIZE_MAX

/* The 409 of decision d, with the caller's allowed actions but `except` (the
 * one just refused by a guard). */
static enum yy_err refuse_with(struct arena *a, const struct sg_decision *d, int except,
                               const char *code, const char *message, struct yy_error *e)
{
    const char **names = arena_calloc(a, d->n_allowed + 1, sizeof(*names));
    size_t n = 0;
    for (size_t i = 0; i < d->n_allowed; i++)
        if ((int)d->allowed[i] != except)
            names[n++] = sg_action_name(d->allowed[i]);
    yy_fail(e, YY_CONFLICT, code, message, NULL);
    if (e) {
        e->allowed = names;
        e->n_allowed = n;
    }
    return YY_CONFLICT;
}

enum yy_err sg_refuse(struct arena *a, const struct sg_decision *d, enum sg_action action,
                      struct yy_error *e)
{
    (void)action;
    return refuse_with(a, d, -1, "invalid_transition", "建议当前的状态不允许此操作", e);
}

static unsigned row_actors(enum sg_state from, enum sg_action action)
{
    for (size_t i = 0; i < sg_table_n; i++)
        if (sg_table[i].from == from && sg_table[i].action == action)
            return sg_table[i].actors;
    return 0;
}

/* The role the caller acted in, from the bits that let it act. */
static const char *role_acted(unsigned bits)
{
    if (bits & ACTOR_ADMIN)
        return "admin";
    if (bits & (ACTOR_LEADER | ACTOR_KEY_LEADER))
        return "leader";
    if (bits & (ACTOR_AUTHOR | ACTOR_COSIGNER | ACTOR_NAMED))
        return "deputy";
    return "unit_staff";
}

enum want { WANT_ANY, WANT_LEAD, WANT_CO };

/* The caller's active assignment to act through: a lead one first. */
static size_t acting_assignment(const struct suggestion *s, const struct sg_caller *c,
                                enum want want)
{
    size_t co = NO_ASSIGNMENT;
    for (size_t i = 0; i < s->n_assignments; i++) {
        const struct sg_assignment *g = &s->assignments[i];
        if (!g->active || !has_id(c->unit_ids, c->n_unit_ids, g->unit_id))
            continue;
        if (g->lead && want != WANT_CO)
            return i;
        if (!g->lead && co == NO_ASSIGNMENT)
            co = i;
    }
    return want == WANT_LEAD ? NO_ASSIGNMENT : co;
}

/* Every active lead unit has replied (and there is one). */
static bool all_leads_replied(const struct suggestion *s)
{
    size_t leads = 0;
    for (size_t i = 0; i < s->n_assignments; i++) {
        const struct sg_assignment *g = &s->assignments[i];
        if (!g->active || !g->lead)
            continue;
        leads++;
        if (g->status != ASG_REPLIED)
            return false;
    }
    return leads > 0;
}

/* A lead unit's reply promised something to follow (B or C by default). */
static bool needs_follow_up(const struct sg_rules *r, const struct suggestion *s)
{
    for (size_t i = 0; i < s->n_assignments; i++) {
        const struct sg_assignment *g = &s->assignments[i];
        if (g->active && g->lead && g->status == ASG_REPLIED &&
            sg_rules_class_needs_follow_up(r, g->reply_class))
            return true;
    }
    return false;
}

bool sg_follow_up_done(const struct suggestion *s)
{
    for (size_t i = 0; i < s->n_follow_ups; i++)
        if (s->follow_ups[i].done)
            return true;
    return false;
}

#define follow_up_done sg_follow_up_done

/* The working days before the term's end in which `explain` is open: the
 * sweep's due-soon window, capped as sv_assess caps it. */
static int term_window(const struct sg_rules *r)
{
    int n = r->due_soon_working_days;
    return n < 1 ? SV_DUE_SOON_DEFAULT : n > SV_DUE_SOON_MAX ? SV_DUE_SOON_MAX : n;
}

const char *sg_class_label_zh(const char *cls)
{
    static const char *const labels[][2] = {
        {"A", "已解决或基本解决"},
        {"B", "正在解决或列入计划逐步解决"},
        {"C", "因条件限制暂时不能解决"},
        {"D", "留作参考"},
    };
    for (size_t i = 0; cls && i < sizeof(labels) / sizeof(labels[0]); i++)
        if (!strcmp(cls, labels[i][0]))
            return labels[i][1];
    return "";
}

const char *sg_reply_summary(struct arena *a, const struct suggestion *s)
{
    const char *t = arena_printf(a, "转成的代表建议《%s》已获答复。", s->title ? s->title : "");
    size_t k = 0;
    for (size_t i = 0; i < s->n_assignments; i++) {
        const struct sg_assignment *g = &s->assignments[i];
        if (!g->active || !g->lead || g->status != ASG_REPLIED)
            continue;
        const char *label = sg_class_label_zh(g->reply_class);
        t = arena_printf(a, "%s%s%s答复为 %s 类%s%s%s:%s", t, k++ ? ";" : "",
                         g->unit_name ? g->unit_name : "", g->reply_class ? g->reply_class : "",
                         *label ? "(" : "", label, *label ? ")" : "",
                         g->reply_text ? g->reply_text : "");
    }
    return t;
}

/* The index of the one open request (return or extension) the office decides:
 * the named unit's, or the only one.  NO_ASSIGNMENT with *several set when
 * more than one is open and none is named. */
static size_t pending_request(const struct suggestion *s, bool extension, int64_t unit_id,
                              bool *several)
{
    size_t found = NO_ASSIGNMENT, n = 0;
    *several = false;
    for (size_t i = 0; i < s->n_assignments; i++) {
        const struct sg_assignment *g = &s->assignments[i];
        bool open = g->active && (extension ? g->extension_status == EXT_REQUESTED
                                            : g->status == ASG_RETURN_REQUESTED);
        if (!open || (unit_id && g->unit_id != unit_id))
            continue;
        found = i;
        n++;
    }
    if (n > 1) {
        *several = true;
        return NO_ASSIGNMENT;
    }
    return found;
}

/* Actor bits that claim a unit the record does not show (a caller's bug). */
static enum yy_err no_unit(struct yy_error *e)
{
    return yy_fail(e, YY_FORBIDDEN, "forbidden", "您所在单位未承办这件建议", NULL);
}

static enum yy_err bad(struct yy_error *e, const char *code, const char *message,
                       const char *field)
{
    return yy_fail(e, YY_BAD_INPUT, code, message, field);
}

/* Checks the units of assign / decide_return against each other and the
 * active assignments (but `leaving`, about to be returned): distinct, new, and
 * at least one lead among what stays. */
static enum yy_err check_units(const struct suggestion *s, const struct sg_input *in,
                               size_t leaving, struct yy_error *e)
{
    size_t leads = 0;
    for (size_t i = 0; i < s->n_assignments; i++)
        if (i != leaving && s->assignments[i].active && s->assignments[i].lead)
            leads++;
    for (size_t i = 0; i < in->n_units; i++) {
        for (size_t k = 0; k < i; k++)
            if (in->units[k].unit_id == in->units[i].unit_id)
                return bad(e, "duplicate_unit", "同一单位只能出现一次", "units");
        for (size_t k = 0; k < s->n_assignments; k++)
            if ((s->assignments[k].active || k == leaving) &&
                s->assignments[k].unit_id == in->units[i].unit_id)
                return bad(e, "unit_already_assigned", "该单位已承办或正在退回此建议", "units");
        if (in->units[i].lead)
            leads++;
    }
    if (leads == 0)
        return bad(e, "lead_unit_required", "须至少指定一个主办单位(role 为 lead)", "units");
    return YY_OK;
}

/* Appends the units of in as new assignments given at now. */
static void add_assignments(const struct sg_rules *r, const struct calendar *cal,
                            struct arena *a, int64_t now, struct suggestion *s,
                            const struct sg_input *in)
{
    struct sg_due due = sg_due_months(cal, now, s->hard_case ? r->hard_case_reply_months
                                                             : r->reply_months);
    struct sg_due co = sg_due_months(cal, now, r->co_opinion_months);
    struct sg_assignment *all =
        arena_calloc(a, s->n_assignments + in->n_units, sizeof(struct sg_assignment));
    if (s->n_assignments)
        memcpy(all, s->assignments, s->n_assignments * sizeof(*all));
    for (size_t i = 0; i < in->n_units; i++) {
        struct sg_assignment *g = &all[s->n_assignments + i];
        g->unit_id = in->units[i].unit_id;
        g->unit_name = in->units[i].unit_name ? in->units[i].unit_name : "";
        g->lead = in->units[i].lead;
        g->status = ASG_ASSIGNED;
        g->active = true;
        g->assigned_at = now;
        g->due_at = due.at;
        g->due_provisional = due.provisional;
        g->co_opinion_due_at = g->lead ? 0 : co.at;
        g->dirty = true;
    }
    s->assignments = all;
    s->n_assignments += in->n_units;
}

/* "区建设局(主办)、区民政局(协办)" for the timeline. */
static const char *units_text(struct arena *a, const struct sg_input *in)
{
    const char *t = "";
    for (size_t i = 0; i < in->n_units; i++)
        t = arena_printf(a, "%s%s%s(%s)", t, i ? "、" : "",
                         in->units[i].unit_name ? in->units[i].unit_name : "",
                         in->units[i].lead ? "主办" : "协办");
    return t;
}

static const char *due_text(struct arena *a, struct sg_due d)
{
    return arena_printf(a, "%s%s", date_text(a, d.at), d.provisional ? "(暂定,该年日历未公布)" : "");
}

static void tell(struct sg_outcome *out, const char *kind_of_recipient, int64_t id,
                 const char *kind, const char *message)
{
    if (out->n_notices < SG_MAX_NOTICES)
        out->notices[out->n_notices++] = (struct sg_notice){kind_of_recipient, id, kind, message};
}

/* Tells each unit of in about its new assignment. */
static void tell_units(struct arena *a, struct sg_outcome *out, const struct suggestion *s,
                       const struct sg_input *in)
{
    const struct sg_assignment *last = &s->assignments[s->n_assignments - 1];
    for (size_t k = 0; k < in->n_units; k++)
        tell(out, "unit", in->units[k].unit_id, "new_assignment",
             arena_printf(a, "交办建议《%s》由贵单位%s,答复期限 %s", s->title,
                          in->units[k].lead ? "主办" : "协办",
                          due_text(a, (struct sg_due){last->due_at, last->due_provisional})));
}

static const char *rating_label(enum sg_rating r)
{
    switch (r) {
    case SG_SATISFIED: return "满意";
    case SG_BASICALLY_SATISFIED: return "基本满意";
    case SG_DISSATISFIED: return "不满意";
    default: return "";
    }
}

/* Records that signer k leaves (its deputy id in out->removed). */
static void remove_signer(struct arena *a, const struct suggestion *s, size_t k,
                          struct sg_outcome *out)
{
    int64_t *ids = arena_calloc(a, out->n_removed + 1, sizeof(*ids));
    if (out->n_removed)
        memcpy(ids, out->removed, out->n_removed * sizeof(*ids));
    ids[out->n_removed++] = s->signers[k].deputy_id;
    out->removed = ids;
}

/* At submit: keeps the author and the confirmed co-signers, drops the named
 * and the declined ones.  Returns how many co-signers stay. */
static size_t drop_unconfirmed(struct arena *a, struct suggestion *s, struct sg_outcome *out)
{
    size_t n = 0, kept = 0;
    for (size_t k = 0; k < s->n_signers; k++) {
        if (signs(&s->signers[k])) {
            kept += !s->signers[k].author;
            s->signers[n++] = s->signers[k];
        } else {
            remove_signer(a, s, k, out);
        }
    }
    s->n_signers = n;
    return kept;
}

/* The author's edit of a draft: the fields given replace the old ones; a
 * new list of co-signers keeps the status of those who stay, names the new
 * ones and drops the others.  The concern links are the caller's (they need
 * the database). */
static enum yy_err edit_draft(struct arena *a, struct suggestion *s, const struct sg_input *in,
                              struct sg_outcome *out, struct yy_error *e)
{
    const char *changed = "";
#define CHANGED(label) changed = arena_printf(a, "%s%s%s", changed, *changed ? "、" : "", label)
    if (in->has_cosigners) {
        for (size_t i = 0; i < in->n_cosigners; i++) {
            if (in->cosigner_ids[i] == s->author_id)
                return bad(e, "unknown_deputy", "联名代表不存在或与领衔代表重复", "co_signer_ids");
            for (size_t k = 0; k < i; k++)
                if (in->cosigner_ids[k] == in->cosigner_ids[i])
                    return bad(e, "duplicate_id", "编号重复", "co_signer_ids");
        }
        struct sg_signer *all = arena_calloc(a, in->n_cosigners + 1, sizeof(*all));
        size_t n = 0;
        bool differs = false;
        for (size_t k = 0; k < s->n_signers; k++)
            if (s->signers[k].author)
                all[n++] = s->signers[k];
        for (size_t i = 0; i < in->n_cosigners; i++) {
            struct sg_signer *old = NULL;
            for (size_t k = 0; k < s->n_signers; k++)
                if (!s->signers[k].author && s->signers[k].deputy_id == in->cosigner_ids[i])
                    old = &s->signers[k];
            if (old) {
                all[n++] = *old;
            } else {
                all[n++] = (struct sg_signer){.deputy_id = in->cosigner_ids[i],
                                              .cosign = SG_COSIGN_NAMED, .added = true};
                differs = true;
            }
        }
        for (size_t k = 0; k < s->n_signers; k++) {
            bool stays = s->signers[k].author;
            for (size_t i = 0; !stays && i < in->n_cosigners; i++)
                stays = in->cosigner_ids[i] == s->signers[k].deputy_id;
            if (!stays) {
                remove_signer(a, s, k, out);
                differs = true;
            }
        }
        s->signers = all;
        s->n_signers = n;
        if (differs)
            CHANGED("联名代表");
    }
    if (in->title && strcmp(in->title, s->title ? s->title : "") != 0) {
        s->title = in->title;
        CHANGED("标题");
    }
    if (in->body && strcmp(in->body, s->body ? s->body : "") != 0) {
        s->body = in->body;
        CHANGED("正文");
    }
    if (in->category && strcmp(in->category, s->category ? s->category : "") != 0) {
        s->category = in->category;
        CHANGED("类别");
    }
#undef CHANGED
    out->note = *changed ? arena_printf(a, "修改了%s", changed) : "";
    return YY_OK;
}

enum yy_err sg_apply(const struct sg_rules *r, const struct calendar *cal, struct arena *a,
                     int64_t now, unsigned actors, const struct sg_caller *c,
                     struct suggestion *s, const struct sg_input *in, struct sg_outcome *out,
                     struct yy_error *e)
{
    memset(out, 0, sizeof(*out));
    out->acting = NO_ASSIGNMENT;
    out->note = "";
    out->from = s->status;
    struct sg_decision d;
    sg_decide(s->status, in->action, actors, &d);
    if (d.result == YY_CONFLICT)
        return sg_refuse(a, &d, in->action, e);
    if (d.result != YY_OK)
        return yy_fail(e, YY_FORBIDDEN, "forbidden", "您不能对这件建议执行此操作", NULL);
    out->actor_role = role_acted(row_actors(s->status, in->action) & actors);
    const int act = (int)in->action;
    int to = d.to;
    size_t i = NO_ASSIGNMENT;
    struct sg_assignment *g = NULL;
    bool several;

    switch (in->action) {
    case SA_SUBMIT: {
        struct sg_due due = sg_due_working_days(cal, now, r->assign_working_days);
        s->submitted_at = now;
        s->assign_due_at = due.at;
        out->note = arena_printf(a, "应在 %s 前交办", due_text(a, due));
        /* jointly signed with those who confirmed: the others are dropped */
        size_t kept = drop_unconfirmed(a, s, out);
        if (out->n_removed)
            out->note = arena_printf(a, "%s;联名代表 %zu 位确认,%zu 位未确认联名的不再列为联名人",
                                     out->note, kept, out->n_removed);
        break;
    }
    case SA_COSIGN:
    case SA_DECLINE_COSIGN: {
        bool confirm = in->action == SA_COSIGN;
        enum sg_cosign want = confirm ? SG_COSIGN_CONFIRMED : SG_COSIGN_DECLINED;
        struct sg_signer *mine = NULL;
        for (size_t k = 0; k < s->n_signers; k++)
            if (!s->signers[k].author &&
                has_id(c->deputy_ids, c->n_deputy_ids, s->signers[k].deputy_id) &&
                s->signers[k].cosign != want)
                mine = &s->signers[k];
        if (!mine)
            return confirm ? refuse_with(a, &d, act, "already_cosigned", "您已确认联名", e)
                           : refuse_with(a, &d, act, "already_declined", "您已表示不同意联名", e);
        mine->cosign = want;
        mine->cosign_reason = confirm ? NULL : in->reason;
        mine->cosigned_at = now;
        /* an agreement to withdraw was given as a signer: one who leaves
         * (declines) or signs again (confirms) must agree anew, so none
         * from before the change counts (the store writes the flag too) */
        mine->withdraw_agreed = false;
        mine->dirty = true;
        const char *who = mine->name ? mine->name : "";
        out->note = confirm ? arena_printf(a, "%s代表确认联名", who)
                            : arena_printf(a, "%s代表不同意联名。理由:%s", who,
                                           in->reason ? in->reason : "");
        /* a decline is news for the author (the draft may need another
         * signer); a confirmation shows on the draft itself */
        if (!confirm)
            tell(out, "deputy", s->author_id, "notice",
                 arena_printf(a, "%s代表不同意联名您的建议《%s》:%s", who, s->title,
                              in->reason ? in->reason : ""));
        break;
    }
    case SA_EDIT: {
        enum yy_err rc = edit_draft(a, s, in, out, e);
        if (rc != YY_OK)
            return rc;
        break;
    }
    case SA_WITHDRAW: {
        /* every signer agrees: the author and the co-signers who confirmed;
         * one a draft only names, or who declined, is not asked (and cannot
         * withdraw: the table refuses ACTOR_NAMED) */
        size_t needed = 0, agreed = 0;
        for (size_t k = 0; k < s->n_signers; k++) {
            const struct sg_signer *sg = &s->signers[k];
            if (signs(sg)) {
                needed++;
                agreed += sg->withdraw_agreed;
            }
        }
        bool mine = false;
        for (size_t k = 0; k < s->n_signers; k++)
            if (signs(&s->signers[k]) && !s->signers[k].withdraw_agreed &&
                has_id(c->deputy_ids, c->n_deputy_ids, s->signers[k].deputy_id))
                mine = true;
        /* already agreed: refused while others are missing; but when those
         * have left meanwhile (declined, or dropped by an edit), asking again
         * completes the withdrawal */
        if (!mine && agreed < needed)
            return refuse_with(a, &d, act, "withdrawal_already_agreed",
                               "您已同意撤回,须等其他联名代表同意", e);
        for (size_t k = 0; k < s->n_signers; k++) {
            struct sg_signer *sg = &s->signers[k];
            if (signs(sg) && !sg->withdraw_agreed &&
                has_id(c->deputy_ids, c->n_deputy_ids, sg->deputy_id) &&
                out->n_agreed < sizeof(out->agreed) / sizeof(out->agreed[0])) {
                sg->withdraw_agreed = true;
                out->agreed[out->n_agreed++] = sg->deputy_id;
                agreed++;
            }
        }
        out->note = arena_printf(a, "%zu/%zu 位代表同意撤回。理由:%s", agreed, needed,
                                 in->reason ? in->reason : "");
        if (agreed == needed) {
            s->reason = in->reason;
            s->closed_at = now;
        } else {
            to = SG_SAME;
        }
        break;
    }
    case SA_ACCEPT:
        s->accepted_at = now;
        if (!s->assign_due_at)
            s->assign_due_at = sg_due_working_days(cal, now, r->assign_working_days).at;
        out->note = arena_printf(a, "应在 %s 前交办", date_text(a, s->assign_due_at));
        break;
    case SA_RETURN_AS_LETTER:
        s->reason = in->reason;
        s->closed_at = now;
        out->note = in->reason;
        break;
    case SA_ASSIGN: {
        if (in->n_units == 0)
            return bad(e, "missing_field", "须指定承办单位", "units");
        enum yy_err rc = check_units(s, in, NO_ASSIGNMENT, e);
        if (rc != YY_OK)
            return rc;
        s->hard_case = in->hard_case;
        s->assigned_at = now;
        add_assignments(r, cal, a, now, s, in);
        struct sg_due due = {s->assignments[s->n_assignments - 1].due_at,
                             s->assignments[s->n_assignments - 1].due_provisional};
        out->note = arena_printf(a, "交办 %s;答复期限 %s", units_text(a, in), due_text(a, due));
        tell_units(a, out, s, in);
        break;
    }
    case SA_REQUEST_RETURN: {
        i = acting_assignment(s, c, WANT_ANY);
        if (i == NO_ASSIGNMENT)
            return no_unit(e);
        g = &s->assignments[i];
        if (g->status == ASG_REPLIED)
            return refuse_with(a, &d, act, "already_replied", "已答复的建议不能申请退回", e);
        if (g->status == ASG_RETURN_REQUESTED)
            return refuse_with(a, &d, act, "return_already_requested", "已申请退回,等待代表工委决定", e);
        int64_t last = deadline_add_working_days(cal, day_of(g->assigned_at),
                                                 r->return_request_working_days, NULL);
        if (day_of(now) > last)
            return refuse_with(a, &d, act, "return_window_closed",
                               arena_printf(a, "申请退回须在收到交办后 %d 个工作日内提出(截至 %s),交办已生效",
                                            r->return_request_working_days,
                                            date_text(a, day_start(last))),
                               e);
        g->status = ASG_RETURN_REQUESTED;
        g->return_reason = in->reason;
        g->return_requested_at = now;
        g->dirty = true;
        out->note = arena_printf(a, "%s 申请退回:%s", g->unit_name, in->reason);
        tell(out, "office", 0, "return_requested",
             arena_printf(a, "%s 申请退回建议《%s》:%s", g->unit_name, s->title, in->reason));
        break;
    }
    case SA_DECIDE_RETURN: {
        i = pending_request(s, false, in->unit_id, &several);
        if (several)
            return bad(e, "unit_required", "有多个单位申请退回,须用 unit_id 指明", "unit_id");
        if (i == NO_ASSIGNMENT)
            return refuse_with(a, &d, act, "no_return_request", "没有待决定的退回申请", e);
        g = &s->assignments[i];
        if (in->approve) {
            enum yy_err rc = check_units(s, in, i, e);
            if (rc != YY_OK)
                return rc;
            g->status = ASG_RETURNED;
            g->active = false;
            g->dirty = true;
            const char *unit = g->unit_name;
            add_assignments(r, cal, a, now, s, in); /* moves the array: g is stale */
            g = NULL;
            out->note = in->n_units ? arena_printf(a, "同意 %s 退回,改交 %s", unit, units_text(a, in))
                                    : arena_printf(a, "同意 %s 退回", unit);
            if (in->n_units)
                tell_units(a, out, s, in);
            if ((s->status == SG_ASSIGNED || s->status == SG_IN_HANDLING) && all_leads_replied(s)) {
                to = SG_REPLIED;
                s->replied_at = now;
            }
        } else {
            if (in->n_units)
                return bad(e, "unexpected_field", "不同意退回时不能指定新的承办单位", "units");
            bool handled = g->n_contacts > 0 || g->co_opinion || g->extension_status != EXT_NONE;
            g->status = handled ? ASG_IN_HANDLING : ASG_ASSIGNED;
            g->dirty = true;
            out->note = arena_printf(a, "不同意 %s 退回,交办维持", g->unit_name);
            tell(out, "unit", g->unit_id, "notice",
                 arena_printf(a, "建议《%s》的退回申请未获同意,请继续办理", s->title));
        }
        i = NO_ASSIGNMENT; /* the office acted, not a unit */
        break;
    }
    case SA_LOG_CONTACT: {
        i = acting_assignment(s, c, WANT_ANY);
        if (i == NO_ASSIGNMENT)
            return no_unit(e);
        g = &s->assignments[i];
        if (g->status == ASG_RETURN_REQUESTED)
            return refuse_with(a, &d, act, "return_pending", "退回申请待决定期间不能办理", e);
        if (g->status == ASG_ASSIGNED)
            g->status = ASG_IN_HANDLING;
        g->n_contacts++;
        g->dirty = true;
        out->add_contact = true;
        out->contact = (struct sg_contact){.assignment_id = g->id, .stage = in->stage,
                                           .mode = in->mode, .note = in->note ? in->note : "",
                                           .at = now};
        out->note = arena_printf(a, "%s 与代表沟通(%s,%s)", g->unit_name, in->stage, in->mode);
        break;
    }
    case SA_CO_OPINION: {
        i = acting_assignment(s, c, WANT_CO);
        if (i == NO_ASSIGNMENT)
            return no_unit(e);
        g = &s->assignments[i];
        if (g->status == ASG_RETURN_REQUESTED)
            return refuse_with(a, &d, act, "return_pending", "退回申请待决定期间不能办理", e);
        g->co_opinion = in->text;
        g->co_opinion_at = now;
        g->status = ASG_REPLIED;
        g->replied_at = now;
        g->dirty = true;
        out->note = arena_printf(a, "%s 向主办单位提出协办意见", g->unit_name);
        break;
    }
    case SA_REQUEST_EXTENSION: {
        i = acting_assignment(s, c, WANT_LEAD);
        if (i == NO_ASSIGNMENT)
            return no_unit(e);
        g = &s->assignments[i];
        if (g->status == ASG_REPLIED)
            return refuse_with(a, &d, act, "already_replied", "已答复,无需延期", e);
        if (g->status == ASG_RETURN_REQUESTED)
            return refuse_with(a, &d, act, "return_pending", "退回申请待决定期间不能办理", e);
        if (g->extension_status == EXT_REQUESTED)
            return refuse_with(a, &d, act, "extension_pending", "延期申请已提出,等待代表工委决定", e);
        if (g->extension_status == EXT_APPROVED)
            return refuse_with(a, &d, act, "extension_already_used", "每件建议只能延期一次", e);
        if (in->months < 1 || in->months > r->extension_max_months)
            return bad(e, "invalid_months",
                       arena_printf(a, "延期月数须为 1 到 %d", r->extension_max_months), "months");
        if (g->status == ASG_ASSIGNED)
            g->status = ASG_IN_HANDLING;
        g->extension_status = EXT_REQUESTED;
        g->extension_months = in->months;
        g->extension_reason = in->reason;
        g->dirty = true;
        out->note = arena_printf(a, "%s 申请延期 %d 个月:%s", g->unit_name, in->months, in->reason);
        tell(out, "office", 0, "extension_requested",
             arena_printf(a, "%s 申请将建议《%s》的答复延期 %d 个月:%s", g->unit_name, s->title,
                          in->months, in->reason));
        break;
    }
    case SA_DECIDE_EXTENSION: {
        i = pending_request(s, true, in->unit_id, &several);
        if (several)
            return bad(e, "unit_required", "有多个单位申请延期,须用 unit_id 指明", "unit_id");
        if (i == NO_ASSIGNMENT)
            return refuse_with(a, &d, act, "no_extension_request", "没有待决定的延期申请", e);
        g = &s->assignments[i];
        if (in->approve) {
            struct sg_due due = sg_due_months(cal, g->due_at, g->extension_months);
            g->due_at = due.at;
            g->due_provisional = due.provisional;
            g->extension_status = EXT_APPROVED;
            out->note = arena_printf(a, "同意 %s 延期 %d 个月,答复期限延至 %s", g->unit_name,
                                     g->extension_months, due_text(a, due));
            tell(out, "deputy", s->author_id, "notice",
                 arena_printf(a, "经代表工委批准,%s 对您的建议《%s》的答复期限延长 %d 个月,至 %s",
                              g->unit_name, s->title, g->extension_months, due_text(a, due)));
            tell(out, "unit", g->unit_id, "notice",
                 arena_printf(a, "建议《%s》的延期申请已批准,答复期限至 %s", s->title,
                              due_text(a, due)));
        } else {
            g->extension_status = EXT_REFUSED;
            g->extension_months = 0;
            out->note = arena_printf(a, "不同意 %s 延期", g->unit_name);
            tell(out, "unit", g->unit_id, "notice",
                 arena_printf(a, "建议《%s》的延期申请未获同意,请按原期限答复", s->title));
        }
        g->dirty = true;
        i = NO_ASSIGNMENT;
        break;
    }
    case SA_REPLY: {
        i = acting_assignment(s, c, WANT_LEAD);
        if (i == NO_ASSIGNMENT)
            return no_unit(e);
        g = &s->assignments[i];
        if (g->status == ASG_REPLIED)
            return refuse_with(a, &d, act, "already_replied", "本单位已答复", e);
        if (g->status == ASG_RETURN_REQUESTED)
            return refuse_with(a, &d, act, "return_pending", "退回申请待决定期间不能办理", e);
        if (!sg_rules_class_valid(r, in->reply_class)) {
            const char *list = "";
            for (size_t k = 0; k < r->n_classes; k++)
                list = arena_printf(a, "%s%s%s", list, k ? "、" : "", r->classes[k]);
            return bad(e, "invalid_class", arena_printf(a, "答复类别须为 %s 之一", list), "class");
        }
        if (r->reply_needs_contact && g->n_contacts == 0)
            return refuse_with(a, &d, act, "contact_required",
                               "答复前须至少与代表沟通一次并登记(log_contact)", e);
        g->status = ASG_REPLIED;
        g->reply_class = in->reply_class;
        g->reply_text = in->text;
        g->replied_at = now;
        g->dirty = true;
        out->note = arena_printf(a, "%s 答复(%s 类)", g->unit_name, in->reply_class);
        tell(out, "deputy", s->author_id, "reply_received",
             arena_printf(a, "%s 已答复您的建议《%s》", g->unit_name, s->title));
        if (all_leads_replied(s)) {
            to = SG_REPLIED;
            s->replied_at = now;
        } else {
            to = s->status == SG_ASSIGNED ? SG_IN_HANDLING : SG_SAME;
        }
        break;
    }
    case SA_EVALUATE: {
        bool dissatisfied = in->attitude == SG_DISSATISFIED || in->result == SG_DISSATISFIED;
        if (dissatisfied && (!in->reason || !*in->reason))
            return bad(e, "reason_required", "不满意须说明理由", "reason");
        int rehandled = 0;
        for (size_t k = 0; k < s->n_evaluations; k++)
            if (s->evaluations[k].attitude == SG_DISSATISFIED ||
                s->evaluations[k].result == SG_DISSATISFIED)
                rehandled++;
        out->add_evaluation = true;
        out->evaluation = (struct sg_evaluation){.attitude = in->attitude, .result = in->result,
                                                 .reason = in->reason ? in->reason : "",
                                                 .at = now};
        out->note = arena_printf(a, "办理态度%s,办理结果%s", rating_label(in->attitude),
                                 rating_label(in->result));
        if (dissatisfied && rehandled < r->max_rehandlings) {
            struct sg_due due = sg_due_months(cal, now, r->rehandling_months);
            for (size_t k = 0; k < s->n_assignments; k++) {
                struct sg_assignment *h = &s->assignments[k];
                if (!h->active || !h->lead)
                    continue;
                h->status = ASG_IN_HANDLING;
                h->due_at = due.at;
                h->due_provisional = due.provisional;
                h->dirty = true;
            }
            to = SG_REHANDLING;
            for (size_t k = 0; k < s->n_assignments; k++)
                if (s->assignments[k].active && s->assignments[k].lead)
                    tell(out, "unit", s->assignments[k].unit_id, "notice",
                         arena_printf(a, "代表对建议《%s》的答复不满意,请重新办理,在 %s 前再次答复",
                                      s->title, due_text(a, due)));
            out->note = arena_printf(a, "%s;重新办理,须在 %s 前再次答复", out->note,
                                     due_text(a, due));
        }
        break;
    }
    case SA_FOLLOW_UP:
        if (s->status == SG_EVALUATED && !needs_follow_up(r, s))
            return refuse_with(a, &d, act, "nothing_to_follow_up",
                               "答复类别无需跟踪落实,可直接办结", e);
        if (follow_up_done(s))
            return refuse_with(a, &d, act, "follow_up_done", "跟踪落实已完成", e);
        i = acting_assignment(s, c, WANT_LEAD);
        out->add_follow_up = true;
        out->follow_up = (struct sg_follow_up){.note = in->note, .done = in->done, .at = now};
        out->note = arena_printf(a, "%s%s", in->done ? "已落实:" : "落实进展:", in->note);
        break;
    case SA_MARK_KEY:
        s->is_key = true;
        s->key_leader_id = in->leader_id;
        s->key_committee = in->committee;
        out->note = arena_printf(a, "列为重点督办建议,牵头:%s", in->committee);
        tell(out, "user", in->leader_id, "notice",
             arena_printf(a, "请您牵头督办重点建议《%s》(%s)", s->title, in->committee));
        break;
    case SA_SUPERVISE:
        out->note = in->note;
        for (size_t k = 0; k < s->n_assignments; k++)
            if (s->assignments[k].active && s->assignments[k].status != ASG_REPLIED)
                tell(out, "unit", s->assignments[k].unit_id, "supervision",
                     arena_printf(a, "【督办】建议《%s》:%s", s->title, in->note));
        break;
    case SA_PUBLISH:
        if (s->published)
            return refuse_with(a, &d, act, "already_published", "已公开", e);
        s->published = true;
        s->published_at = now;
        break;
    case SA_CLOSE:
        if (s->status == SG_EVALUATED && needs_follow_up(r, s))
            return refuse_with(a, &d, act, "follow_up_required",
                               "答复承诺的事项须跟踪落实(follow_up)后才能办结", e);
        if (s->status == SG_FOLLOWING_UP && !follow_up_done(s) && !s->explanation)
            return refuse_with(a, &d, act, "follow_up_open",
                               "跟踪落实尚未完成(done:true),也没有届末书面说明(explain)", e);
        s->closed_at = now;
        break;
    case SA_EXPLAIN: {
        if (follow_up_done(s))
            return refuse_with(a, &d, act, "follow_up_done", "跟踪落实已完成,无需书面说明", e);
        if (s->explanation)
            return refuse_with(a, &d, act, "already_explained", "已作出届末书面说明", e);
        if (!r->has_term_end)
            return refuse_with(a, &d, act, "term_end_not_set",
                               "代表工委尚未设置本届任期结束日期(term_ends_on)", e);
        struct sv_assessment as;
        sv_assess(cal, sg_rules_term_end_at(r), now, r->due_soon_working_days, &as);
        if (as.state == SV_OPEN)
            return refuse_with(a, &d, act, "term_not_ending",
                               arena_printf(a, "本届任期于 %s 结束;届末前 %d 个工作日内才能作书面说明",
                                            date_text(a, day_start(r->term_end_day)),
                                            term_window(r)),
                               e);
        i = acting_assignment(s, c, WANT_LEAD);
        s->explanation = in->text;
        s->explained_at = now;
        out->note = arena_printf(a, "届末书面说明:%s", in->text);
        tell(out, "deputy", s->author_id, "notice",
             arena_printf(a, "您的建议《%s》答复承诺的事项届末尚未落实,承办单位已作书面说明", s->title));
        break;
    }
    }
    out->acting = i;
    if (to != SG_SAME)
        s->status = (enum sg_state)to;
    out->to = s->status;
    s->updated_at = now;
    return YY_OK;
}
