/* supervision.c - due-soon and overdue rules and reminder texts; see
 * supervision.h for the rules. */
#include "domain/supervision.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"

/* How far back a due-soon window may reach: N working days never span more
 * calendar days than this (the longest holidays are 9 days). */
#define SV_WINDOW_SPAN_MAX 400

int64_t sv_due_day(int64_t due_at)
{
    /* 24:00 of a day is 00:00 of the next; one second earlier is the day */
    return day_of(due_at - 1);
}

static int clamp_due_soon(int n)
{
    if (n < 1)
        return SV_DUE_SOON_DEFAULT;
    return n > SV_DUE_SOON_MAX ? SV_DUE_SOON_MAX : n;
}

/* The first day d <= today with at most n working days in (d, due_day],
 * given that today has left <= n of them. */
static int64_t window_start(const struct calendar *c, int64_t today, int left, int n)
{
    int64_t d = today;
    while (today - d < SV_WINDOW_SPAN_MAX) {
        /* working days in (d - 1, due] = those in (d, due] plus d itself */
        int before = left + (calendar_is_working_day(c, d, NULL) ? 1 : 0);
        if (before > n)
            break;
        d--;
        left = before;
    }
    return d;
}

void sv_assess(const struct calendar *c, int64_t due_at, int64_t now, int due_soon_days,
               struct sv_assessment *out)
{
    int n = clamp_due_soon(due_soon_days);
    memset(out, 0, sizeof(*out));
    out->today = day_of(now);
    out->due_day = sv_due_day(due_at);
    if (out->today > out->due_day) {
        out->state = SV_OVERDUE;
        out->days_overdue = out->today - out->due_day;
        out->remind_since = out->today;
        return;
    }
    out->working_days_left =
        calendar_working_days_between(c, out->today, out->due_day, &out->provisional);
    if (out->working_days_left > n) {
        out->state = SV_OPEN;
        return;
    }
    out->state = SV_DUE_SOON;
    int window = n;
    if (n > SV_FINAL_WORKING_DAYS && out->working_days_left <= SV_FINAL_WORKING_DAYS)
        window = SV_FINAL_WORKING_DAYS;
    out->remind_since = window_start(c, out->today, out->working_days_left, window);
    assert(out->remind_since <= out->today);
}

int64_t sv_horizon_day(const struct calendar *c, int64_t today, int due_soon_days)
{
    bool provisional;
    return deadline_add_working_days(c, today, clamp_due_soon(due_soon_days) + 1, &provisional);
}

/* ---- wording ------------------------------------------------------------- */

struct sv_words {
    const char *noun;       /* what the item belongs to */
    const char *task;       /* what is due */
    const char *unit_label; /* how the unit is named, NULL when none */
};

static const struct sv_words words[] = {
    [SV_REPLY] = {"建议", "答复", "主办单位"},
    [SV_CO_OPINION] = {"建议", "协办意见", "协办单位"},
    [SV_ASSIGN] = {"建议", "交办", NULL},
    [SV_REHANDLING] = {"建议", "重新办理答复", "主办单位"},
    [SV_ONSITE] = {"群众意见", "现场承诺事项", "承办单位"},
    [SV_TERM_END] = {"建议", "答复承诺事项的落实或届末书面说明", "主办单位"},
};

static const char *const item_names[] = {
    [SV_REPLY] = "reply",           [SV_CO_OPINION] = "co_opinion", [SV_ASSIGN] = "assign",
    [SV_REHANDLING] = "rehandling", [SV_ONSITE] = "onsite",         [SV_TERM_END] = "term_end",
};

const char *sv_item_name(enum sv_item item)
{
    return item_names[item];
}

const char *sv_item_label_zh(enum sv_item item)
{
    static const char *const labels[] = {
        [SV_REPLY] = "答复",           [SV_CO_OPINION] = "协办意见",
        [SV_ASSIGN] = "交办",          [SV_REHANDLING] = "重新办理答复",
        [SV_ONSITE] = "现场承诺事项", [SV_TERM_END] = "届末书面说明",
    };
    return labels[item];
}

const char *sv_state_kind(enum sv_state s)
{
    switch (s) {
    case SV_OVERDUE:
        return "overdue";
    case SV_DUE_SOON:
        return "due_soon";
    case SV_OPEN:
        break;
    }
    return NULL;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

bool sv_recipient_kind_valid(const char *s)
{
    static const char *const kinds[] = {"unit", "user", "deputy", "office", NULL};
    return in_list(s, kinds);
}

bool sv_reminder_kind_valid(const char *s)
{
    static const char *const kinds[] = {"overdue",        "due_soon",         "new_assignment",
                                        "reply_received", "return_requested", "extension_requested",
                                        "supervision",    "notice",           NULL};
    return in_list(s, kinds);
}

/* Length of the longest prefix of s (n bytes) that ends on a character
 * boundary of UTF-8 text. */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* title, at most SV_TITLE_SHOWN code points, with "…" when shortened. */
static void short_title(char *out, size_t cap, const char *title)
{
    size_t i = 0, points = 0, len = strlen(title);
    while (i < len && points < SV_TITLE_SHOWN) {
        i++;
        while (i < len && ((unsigned char)title[i] & 0xC0) == 0x80)
            i++;
        points++;
    }
    const char *more = i < len ? "…" : "";
    if (i + strlen(more) + 1 > cap)
        i = utf8_cut(title, cap - strlen(more) - 1);
    memcpy(out, title, i);
    memcpy(out + i, more, strlen(more) + 1);
}

void sv_message(char out[SV_MESSAGE_MAX], enum sv_item item, const struct sv_assessment *a,
                const char *title, const char *unit_name)
{
    assert(a->state != SV_OPEN);
    const struct sv_words *w = &words[item];
    char shown[SV_TITLE_SHOWN * 4 + 8], unit_shown[SV_TITLE_SHOWN * 4 + 8];
    short_title(shown, sizeof(shown), title ? title : "");
    short_title(unit_shown, sizeof(unit_shown), unit_name ? unit_name : "");
    bool with_unit = w->unit_label && unit_shown[0];
    int64_t y;
    unsigned m, d;
    time_civil_from_days(a->due_day, &y, &m, &d);
    char date[32];
    snprintf(date, sizeof(date), "%04lld-%02u-%02u", (long long)y, m, d);
    /* every part is bounded, so the text fits; formatted with room to spare
     * and cut at a character boundary all the same */
    char unit[sizeof(unit_shown) + 32] = "";
    char text[2 * SV_MESSAGE_MAX];
    if (a->state == SV_OVERDUE) {
        if (with_unit)
            snprintf(unit, sizeof(unit), ",%s:%s", w->unit_label, unit_shown);
        snprintf(text, sizeof(text), "【催办】%s《%s》的%s已逾期%lld天(期限%s%s)", w->noun, shown,
                 w->task, (long long)a->days_overdue, date, unit);
    } else {
        if (with_unit)
            snprintf(unit, sizeof(unit), "(%s:%s)", w->unit_label, unit_shown);
        if (a->due_day == a->today)
            snprintf(text, sizeof(text), "【提醒】%s《%s》的%s今天(%s)到期%s", w->noun, shown,
                     w->task, date, unit);
        else
            snprintf(text, sizeof(text), "【提醒】%s《%s》的%s将于%s到期,还剩%d个工作日%s", w->noun,
                     shown, w->task, date, a->working_days_left, unit);
    }
    size_t n = strlen(text);
    if (n >= SV_MESSAGE_MAX)
        n = utf8_cut(text, SV_MESSAGE_MAX - 1);
    memcpy(out, text, n);
    out[n] = '\0';
}
