/* lists.c - the three lists as tables; see lists.h and docs/LISTS.md. */
#include "domain/lists.h"

#include <string.h>

#include "domain/stats.h"
#include "domain/suggestion.h"

static const char *const kind_names[] = {"suggestions", "assignments", "results"};
static const char *const kind_titles[] = {"建议清单", "交办清单", "效果清单"};

const char *list_kind_name(enum list_kind k)
{
    return (unsigned)k <= LIST_RESULTS ? kind_names[k] : "unknown";
}

bool list_kind_from_name(const char *s, enum list_kind *out)
{
    for (int i = 0; s && i <= LIST_RESULTS; i++) {
        if (!strcmp(s, kind_names[i])) {
            *out = (enum list_kind)i;
            return true;
        }
    }
    return false;
}

const char *list_title_zh(enum list_kind k)
{
    return (unsigned)k <= LIST_RESULTS ? kind_titles[k] : "清单";
}

const char *list_file_name(struct arena *a, enum list_kind k, int year, const char *ext)
{
    return arena_printf(a, "%s-%d.%s", list_title_zh(k), year, ext);
}

const char *list_file_name_ascii(struct arena *a, enum list_kind k, int year, const char *ext)
{
    return arena_printf(a, "%s-%d.%s", list_kind_name(k), year, ext);
}

const char *assignment_status_label_zh(const char *status)
{
    static const char *const map[][2] = {
        {"assigned", "已交办"}, {"in_handling", "办理中"}, {"return_requested", "申请退回中"},
        {"returned", "已退回"}, {"replied", "已答复"},
    };
    for (size_t i = 0; status && i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(status, map[i][0]))
            return map[i][1];
    return NULL;
}

const char *assignment_role_label_zh(const char *role)
{
    if (role && !strcmp(role, "lead"))
        return "主办";
    if (role && !strcmp(role, "co"))
        return "协办";
    return NULL;
}

const char *suggestion_status_label(const char *status)
{
    enum sg_state s;
    return sg_state_from_name(status, &s) ? sg_state_label_zh(s) : status;
}

/* A cell for an optional code; NULL stays null. */
static void extra_text(struct table *t, size_t r, size_t k, const char *key, const char *v)
{
    struct table_extra *x = table_extra_at(t, r, k);
    x->key = key;
    x->kind = TABLE_TEXT;
    x->cell.null = v == NULL;
    x->cell.text = v;
}

static void extra_int(struct table *t, size_t r, size_t k, const char *key, int64_t v)
{
    struct table_extra *x = table_extra_at(t, r, k);
    x->key = key;
    x->kind = TABLE_INT;
    x->cell.null = false;
    x->cell.i = v;
}

/* ---- 建议清单 ------------------------------------------------------------------ */

enum {
    SC_ID,
    SC_TITLE,
    SC_CATEGORY,
    SC_AUTHOR,
    SC_COSIGNERS,
    SC_STREETS,
    SC_SUBMITTED,
    SC_STATUS,
    SC_KEY,
    SC_N
};

static const struct table_column suggestion_cols[SC_N] = {
    [SC_ID] = {"id", "编号", TABLE_INT},
    [SC_TITLE] = {"title", "标题", TABLE_TEXT},
    [SC_CATEGORY] = {"category", "类别", TABLE_TEXT},
    [SC_AUTHOR] = {"author", "领衔代表", TABLE_TEXT},
    [SC_COSIGNERS] = {"cosigners", "附议代表", TABLE_TEXT},
    [SC_STREETS] = {"streets", "所在街道", TABLE_TEXT},
    [SC_SUBMITTED] = {"submitted_on", "提交日期", TABLE_DATE},
    [SC_STATUS] = {"status_label", "状态", TABLE_TEXT},
    [SC_KEY] = {"key", "重点督办", TABLE_BOOL},
};

void list_suggestions_table(struct arena *a, const struct list_suggestion_row *rows, size_t n,
                            struct table *out)
{
    table_init(out, a, list_title_zh(LIST_SUGGESTIONS), suggestion_cols, SC_N, n, 3);
    for (size_t r = 0; r < n; r++) {
        const struct list_suggestion_row *s = &rows[r];
        table_set_int(out, r, SC_ID, s->id);
        table_set_text(out, r, SC_TITLE, s->title);
        table_set_text(out, r, SC_CATEGORY, s->category);
        table_set_text(out, r, SC_AUTHOR, s->author);
        table_set_text(out, r, SC_COSIGNERS, s->cosigners);
        table_set_text(out, r, SC_STREETS, s->streets);
        if (s->submitted_at)
            table_set_date(out, r, SC_SUBMITTED, stats_day_of(s->submitted_at));
        table_set_text(out, r, SC_STATUS, suggestion_status_label(s->status));
        table_set_bool(out, r, SC_KEY, s->key);
        extra_int(out, r, 0, "author_id", s->author_id);
        extra_text(out, r, 1, "status", s->status);
        struct table_extra *x = table_extra_at(out, r, 2);
        x->key = "published";
        x->kind = TABLE_BOOL;
        x->cell.i = s->published;
    }
}

/* ---- 交办清单 ------------------------------------------------------------------ */

enum {
    AC_SUGGESTION,
    AC_TITLE,
    AC_UNIT,
    AC_ROLE,
    AC_ASSIGNED,
    AC_DUE,
    AC_PROVISIONAL,
    AC_EXTENSION,
    AC_DAYS_LEFT,
    AC_OVERDUE,
    AC_STATUS,
    AC_SUGGESTION_STATUS,
    AC_N
};

static const struct table_column assignment_cols[AC_N] = {
    [AC_SUGGESTION] = {"suggestion_id", "建议编号", TABLE_INT},
    [AC_TITLE] = {"title", "建议标题", TABLE_TEXT},
    [AC_UNIT] = {"unit", "承办单位", TABLE_TEXT},
    [AC_ROLE] = {"role_label", "办理方式", TABLE_TEXT},
    [AC_ASSIGNED] = {"assigned_on", "交办日期", TABLE_DATE},
    [AC_DUE] = {"due_on", "办理期限", TABLE_DATE},
    [AC_PROVISIONAL] = {"due_provisional", "期限暂定", TABLE_BOOL},
    [AC_EXTENSION] = {"extension", "延期情况", TABLE_TEXT},
    [AC_DAYS_LEFT] = {"days_left", "剩余天数", TABLE_INT},
    [AC_OVERDUE] = {"overdue_days", "超期天数", TABLE_INT},
    [AC_STATUS] = {"status_label", "办理状态", TABLE_TEXT},
    [AC_SUGGESTION_STATUS] = {"suggestion_status_label", "建议状态", TABLE_TEXT},
};

static const char *extension_text(struct arena *a, const char *status, int64_t months)
{
    if (!status)
        return NULL;
    if (!strcmp(status, "requested"))
        return "延期申请中";
    if (!strcmp(status, "approved"))
        return arena_printf(a, "已延期%lld个月", (long long)months);
    if (!strcmp(status, "refused"))
        return "延期未获批准";
    return NULL;
}

void list_assignments_table(struct arena *a, const struct list_assignment_row *rows, size_t n,
                            int64_t now, struct table *out)
{
    table_init(out, a, list_title_zh(LIST_ASSIGNMENTS), assignment_cols, AC_N, n, 6);
    for (size_t r = 0; r < n; r++) {
        const struct list_assignment_row *x = &rows[r];
        table_set_int(out, r, AC_SUGGESTION, x->suggestion_id);
        table_set_text(out, r, AC_TITLE, x->title);
        table_set_text(out, r, AC_UNIT, x->unit);
        table_set_text(out, r, AC_ROLE, assignment_role_label_zh(x->role));
        table_set_date(out, r, AC_ASSIGNED, stats_day_of(x->assigned_at));
        table_set_date(out, r, AC_DUE, stats_day_of(x->due_at));
        table_set_bool(out, r, AC_PROVISIONAL, x->due_provisional);
        table_set_text(out, r, AC_EXTENSION,
                       extension_text(a, x->extension_status, x->extension_months));
        /* days left or overdue only while the unit still owes its answer */
        bool open = !x->replied_at && x->status && strcmp(x->status, "replied") != 0 &&
                    strcmp(x->status, "returned") != 0;
        if (open) {
            int64_t d = stats_days_to_due(x->due_at, now);
            if (d >= 0)
                table_set_int(out, r, AC_DAYS_LEFT, d);
            else
                table_set_int(out, r, AC_OVERDUE, -d);
        }
        const char *label = assignment_status_label_zh(x->status);
        table_set_text(out, r, AC_STATUS, label ? label : x->status);
        table_set_text(out, r, AC_SUGGESTION_STATUS, suggestion_status_label(x->suggestion_status));
        extra_int(out, r, 0, "assignment_id", x->id);
        extra_int(out, r, 1, "unit_id", x->unit_id);
        extra_text(out, r, 2, "role", x->role);
        extra_text(out, r, 3, "status", x->status);
        extra_text(out, r, 4, "suggestion_status", x->suggestion_status);
        extra_text(out, r, 5, "extension_status", x->extension_status);
    }
}

/* ---- 效果清单 ------------------------------------------------------------------ */

enum {
    RC_SUGGESTION,
    RC_TITLE,
    RC_UNIT,
    RC_CLASS,
    RC_CLASS_LABEL,
    RC_REPLIED,
    RC_ON_TIME,
    RC_ATTITUDE,
    RC_RESULT,
    RC_FOLLOW_UP_DONE,
    RC_FOLLOW_UPS,
    RC_PUBLISHED,
    RC_PUB_SAT,
    RC_PUB_BASIC,
    RC_PUB_DISSAT,
    RC_N
};

static const struct table_column result_cols[RC_N] = {
    [RC_SUGGESTION] = {"suggestion_id", "建议编号", TABLE_INT},
    [RC_TITLE] = {"title", "建议标题", TABLE_TEXT},
    [RC_UNIT] = {"unit", "主办单位", TABLE_TEXT},
    [RC_CLASS] = {"reply_class", "答复类别", TABLE_TEXT},
    [RC_CLASS_LABEL] = {"reply_class_label", "类别说明", TABLE_TEXT},
    [RC_REPLIED] = {"replied_on", "答复日期", TABLE_DATE},
    [RC_ON_TIME] = {"on_time", "按期答复", TABLE_BOOL},
    [RC_ATTITUDE] = {"attitude_label", "代表对办理态度评价", TABLE_TEXT},
    [RC_RESULT] = {"result_label", "代表对办理结果评价", TABLE_TEXT},
    [RC_FOLLOW_UP_DONE] = {"follow_up_done", "跟踪落实完成", TABLE_BOOL},
    [RC_FOLLOW_UPS] = {"follow_ups", "跟踪记录数", TABLE_INT},
    [RC_PUBLISHED] = {"published", "已公开", TABLE_BOOL},
    [RC_PUB_SAT] = {"public_satisfied", "网上评价满意", TABLE_INT},
    [RC_PUB_BASIC] = {"public_basically_satisfied", "网上评价基本满意", TABLE_INT},
    [RC_PUB_DISSAT] = {"public_dissatisfied", "网上评价不满意", TABLE_INT},
};

void list_results_table(struct arena *a, const struct list_result_row *rows, size_t n,
                        struct table *out)
{
    table_init(out, a, list_title_zh(LIST_RESULTS), result_cols, RC_N, n, 4);
    for (size_t r = 0; r < n; r++) {
        const struct list_result_row *x = &rows[r];
        table_set_int(out, r, RC_SUGGESTION, x->suggestion_id);
        table_set_text(out, r, RC_TITLE, x->title);
        table_set_text(out, r, RC_UNIT, x->unit);
        table_set_text(out, r, RC_CLASS, x->reply_class);
        table_set_text(out, r, RC_CLASS_LABEL, reply_class_label_zh(x->reply_class));
        if (x->replied_at) {
            table_set_date(out, r, RC_REPLIED, stats_day_of(x->replied_at));
            table_set_bool(out, r, RC_ON_TIME, stats_on_time(x->replied_at, x->due_at));
        }
        table_set_text(out, r, RC_ATTITUDE, rating_label_zh(x->attitude));
        table_set_text(out, r, RC_RESULT, rating_label_zh(x->result));
        if (x->follow_ups)
            table_set_bool(out, r, RC_FOLLOW_UP_DONE, x->follow_ups_done > 0);
        table_set_int(out, r, RC_FOLLOW_UPS, x->follow_ups);
        table_set_bool(out, r, RC_PUBLISHED, x->published);
        table_set_int(out, r, RC_PUB_SAT, x->public_satisfied);
        table_set_int(out, r, RC_PUB_BASIC, x->public_basically_satisfied);
        table_set_int(out, r, RC_PUB_DISSAT, x->public_dissatisfied);
        extra_int(out, r, 0, "assignment_id", x->assignment_id);
        extra_int(out, r, 1, "unit_id", x->unit_id);
        extra_text(out, r, 2, "attitude", x->attitude);
        extra_text(out, r, 3, "result", x->result);
    }
}
