/* reception.c - reception days (接待日); see reception.h and
 * docs/RECEPTIONS.md. */
#include "domain/reception.h"

#include <sodium.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/concern.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const day_kinds[] = {"day_of_month", "nth_weekday", "weekly"};
static const char *const months_names[] = {"all", "odd", "even", "list"};
static const char *const day_off_names[] = {"next", "previous", "skip"};
static const char *const missing_names[] = {"last_day", "skip"};

static bool from_name(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++) {
        if (!strcmp(s, names[i])) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

#define NAME_FNS(fn_name, fn_from, type, table)                                                    \
    const char *fn_name(type v)                                                                    \
    {                                                                                              \
        return (size_t)v < COUNT(table) ? table[v] : "unknown";                                    \
    }                                                                                              \
    bool fn_from(const char *s, type *out)                                                         \
    {                                                                                              \
        int v;                                                                                     \
        if (!from_name(table, COUNT(table), s, &v))                                                \
            return false;                                                                          \
        *out = (type)v;                                                                            \
        return true;                                                                               \
    }

NAME_FNS(rc_day_kind_name, rc_day_kind_from_name, enum rc_day_kind, day_kinds)
NAME_FNS(rc_months_name, rc_months_from_name, enum rc_months, months_names)
NAME_FNS(rc_day_off_name, rc_day_off_from_name, enum rc_day_off, day_off_names)
NAME_FNS(rc_missing_day_name, rc_missing_day_from_name, enum rc_missing_day, missing_names)

void reception_schedule_default(struct reception_schedule *s)
{
    memset(s, 0, sizeof(*s));
    s->day_kind = RC_DAY_OF_MONTH;
    s->day = 15;
    s->weekday = 1;
    s->nth = 1;
    s->months = RC_MONTHS_ALL;
    s->start_minute = 9 * 60;
    s->end_minute = 11 * 60;
    s->slot_minutes = 30;
    s->places = 3;
    s->day_off = RC_OFF_NEXT;
    s->missing_day = RC_MISSING_LAST_DAY;
}

enum yy_err reception_schedule_validate(const struct reception_schedule *s, struct yy_error *e)
{
    switch (s->day_kind) {
    case RC_DAY_OF_MONTH:
        if (s->day < 1 || s->day > 31)
            return yy_fail(e, YY_BAD_INPUT, "invalid_day", "接待日须为每月1至31日", "day");
        break;
    case RC_NTH_WEEKDAY:
        if (!((s->nth >= 1 && s->nth <= 4) || s->nth == -1))
            return yy_fail(e, YY_BAD_INPUT, "invalid_nth", "第几个须为1至4,或-1表示最后一个",
                           "nth");
        /* fall through */
    case RC_WEEKLY:
        if (s->weekday < 1 || s->weekday > 7)
            return yy_fail(e, YY_BAD_INPUT, "invalid_weekday", "星期须为1(周一)至7(周日)",
                           "weekday");
        break;
    default:
        return yy_fail(e, YY_BAD_INPUT, "invalid_day_kind",
                       "接待日类型须为 day_of_month、nth_weekday 或 weekly", "day_kind");
    }
    if ((size_t)s->months >= COUNT(months_names))
        return yy_fail(e, YY_BAD_INPUT, "invalid_months", "月份须为 all、odd、even 或 list",
                       "months");
    if (s->months == RC_MONTHS_LIST &&
        ((s->month_mask & 0x1ffeu) == 0 || (s->month_mask & ~0x1ffeu)))
        return yy_fail(e, YY_BAD_INPUT, "invalid_months", "请列出1至12之间的月份", "month_list");
    if (s->start_minute < 0 || s->start_minute >= 24 * 60)
        return yy_fail(e, YY_BAD_INPUT, "invalid_time", "开始时间不正确", "start");
    if (s->end_minute <= s->start_minute || s->end_minute > 24 * 60)
        return yy_fail(e, YY_BAD_INPUT, "invalid_time", "结束时间须晚于开始时间", "end");
    if (s->slot_minutes < RC_SLOT_MIN || s->slot_minutes > s->end_minute - s->start_minute)
        return yy_fail(e, YY_BAD_INPUT, "invalid_slot_minutes",
                       "每个时段须至少5分钟且不超过接待时长", "slot_minutes");
    if ((s->end_minute - s->start_minute) / s->slot_minutes > RC_SLOTS_MAX)
        return yy_fail(e, YY_BAD_INPUT, "invalid_slot_minutes", "时段过多,请加长每个时段",
                       "slot_minutes");
    if (s->places < 1 || s->places > RC_PLACES_MAX)
        return yy_fail(e, YY_BAD_INPUT, "invalid_places", "每个时段名额须为1至100", "places");
    if ((size_t)s->day_off >= COUNT(day_off_names))
        return yy_fail(e, YY_BAD_INPUT, "invalid_day_off", "节假日处理须为 next、previous 或 skip",
                       "on_day_off");
    if ((size_t)s->missing_day >= COUNT(missing_names))
        return yy_fail(e, YY_BAD_INPUT, "invalid_missing_day", "缺日处理须为 last_day 或 skip",
                       "missing_day");
    return YY_OK;
}

/* ---- dates ------------------------------------------------------------------------ */

/* Monday = 1 .. Sunday = 7 (1970-01-01, day 0, was a Thursday). */
static int weekday_of(int64_t day)
{
    return (int)(((day % 7) + 7 + 3) % 7) + 1;
}

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return mdays[m - 1];
}

static bool month_wanted(const struct reception_schedule *s, unsigned m)
{
    switch (s->months) {
    case RC_MONTHS_ODD:
        return m % 2 == 1;
    case RC_MONTHS_EVEN:
        return m % 2 == 0;
    case RC_MONTHS_LIST:
        return (s->month_mask >> m) & 1u;
    default:
        return true;
    }
}

/* The days the rule names in month m of year y, in order (at most 5). */
static size_t month_nominals(const struct reception_schedule *s, int64_t y, unsigned m,
                             int64_t out[5])
{
    if (!month_wanted(s, m))
        return 0;
    unsigned last = month_days(y, m);
    int64_t first = time_days_from_civil(y, m, 1);
    switch (s->day_kind) {
    case RC_DAY_OF_MONTH:
        if ((unsigned)s->day <= last) {
            out[0] = first + s->day - 1;
            return 1;
        }
        if (s->missing_day == RC_MISSING_SKIP)
            return 0;
        out[0] = first + last - 1;
        return 1;
    case RC_NTH_WEEKDAY: {
        int64_t d = first + (s->weekday - weekday_of(first) + 7) % 7;
        if (s->nth == -1) {
            while (d + 7 <= first + last - 1)
                d += 7;
        } else {
            d += 7 * (s->nth - 1);
            if (d > first + last - 1)
                return 0;
        }
        out[0] = d;
        return 1;
    }
    case RC_WEEKLY: {
        size_t n = 0;
        for (int64_t d = first + (s->weekday - weekday_of(first) + 7) % 7; d <= first + last - 1;
             d += 7)
            out[n++] = d;
        return n;
    }
    }
    return 0;
}

static bool working(const struct calendar *c, int64_t day, bool *provisional)
{
    if (!c) {
        *provisional = true;
        int w = weekday_of(day);
        return w < 6;
    }
    bool known;
    bool ok = calendar_is_working_day(c, day, &known);
    if (!known)
        *provisional = true;
    return ok;
}

/* The day a nominal day is held on, or false when skipped. */
static bool held_on(const struct reception_schedule *s, const struct calendar *c, int64_t nominal,
                    int64_t *day, bool *provisional)
{
    *provisional = false;
    if (working(c, nominal, provisional)) {
        *day = nominal;
        return true;
    }
    if (s->day_off == RC_OFF_SKIP)
        return false;
    int step = s->day_off == RC_OFF_PREVIOUS ? -1 : 1;
    for (int i = 1; i <= RC_SHIFT_MAX; i++) {
        int64_t d = nominal + step * i;
        if (working(c, d, provisional)) {
            *day = d;
            return true;
        }
    }
    return false;
}

size_t reception_occurrences(const struct reception_schedule *s, const struct calendar *c,
                             int64_t from_day, int64_t to_day, struct reception_occurrence *out,
                             size_t max)
{
    if (from_day > to_day)
        return 0;
    int64_t y, y_end;
    unsigned m, m_end, dd;
    time_civil_from_days(from_day - RC_SHIFT_MAX - 1, &y, &m, &dd);
    time_civil_from_days(to_day + RC_SHIFT_MAX + 1, &y_end, &m_end, &dd);
    size_t n = 0;
    int64_t last_held = INT64_MIN;
    while (y < y_end || (y == y_end && m <= m_end)) {
        int64_t nominals[5];
        size_t k = month_nominals(s, y, m, nominals);
        for (size_t i = 0; i < k; i++) {
            int64_t day;
            bool provisional;
            if (!held_on(s, c, nominals[i], &day, &provisional))
                continue;
            if (day < from_day || day > to_day || day == last_held)
                continue;
            last_held = day;
            if (n < max) {
                out[n] = (struct reception_occurrence){
                    .day = day,
                    .nominal_day = nominals[i],
                    .provisional = provisional,
                    .starts_at = day_start(day) + (int64_t)s->start_minute * 60,
                    .ends_at = day_start(day) + (int64_t)s->end_minute * 60,
                };
            }
            n++;
        }
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return n;
}

bool reception_next_occurrence(const struct reception_schedule *s, const struct calendar *c,
                               int64_t now, struct reception_occurrence *out)
{
    enum { WINDOW = 62 };
    int64_t from = day_of(now);
    for (int64_t d = from; d < from + 2 * 366; d += WINDOW) {
        struct reception_occurrence occ[WINDOW];
        size_t n = reception_occurrences(s, c, d, d + WINDOW - 1, occ, WINDOW);
        for (size_t i = 0; i < n && i < WINDOW; i++) {
            if (occ[i].ends_at > now) {
                *out = occ[i];
                return true;
            }
        }
    }
    return false;
}

bool reception_is_occurrence(const struct reception_schedule *s, const struct calendar *c,
                             int64_t day, struct reception_occurrence *out)
{
    struct reception_occurrence occ;
    if (reception_occurrences(s, c, day, day, &occ, 1) != 1)
        return false;
    if (out)
        *out = occ;
    return true;
}

int reception_slot_count(const struct reception_schedule *s)
{
    if (s->slot_minutes <= 0 || s->end_minute <= s->start_minute)
        return 0;
    return (s->end_minute - s->start_minute) / s->slot_minutes;
}

int reception_slot_index(const struct reception_schedule *s, int minute)
{
    int n = reception_slot_count(s);
    if (minute < s->start_minute || (minute - s->start_minute) % s->slot_minutes != 0)
        return -1;
    int i = (minute - s->start_minute) / s->slot_minutes;
    return i < n ? i : -1;
}

size_t reception_rota_positions(int64_t k, size_t n, size_t per_day, size_t *out)
{
    if (n == 0 || per_day == 0 || k < 0)
        return 0;
    size_t take = per_day < n ? per_day : n;
    uint64_t base = ((uint64_t)k % n) * (per_day % n) % n;
    for (size_t j = 0; j < take; j++)
        out[j] = (size_t)((base + j) % n);
    return take;
}

/* ---- booking codes ------------------------------------------------------------------ */

void reception_code_new(char out[RC_CODE_LEN + 1])
{
    static const char alphabet[] = TRACKING_CODE_ALPHABET;
    for (size_t i = 0; i < RC_CODE_LEN; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
    out[RC_CODE_LEN] = '\0';
}

bool reception_code_normalize(const char *s, char out[RC_CODE_LEN + 1])
{
    if (!s || strlen(s) != RC_CODE_LEN)
        return false;
    for (size_t i = 0; i < RC_CODE_LEN; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!strchr(TRACKING_CODE_ALPHABET, c))
            return false;
        out[i] = c;
    }
    out[RC_CODE_LEN] = '\0';
    return true;
}

/* ---- text ---------------------------------------------------------------------------- */

static bool read_num(const char **p, int max_digits, int *out)
{
    int v = 0, n = 0;
    while (n < max_digits && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

static bool eat(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

static void skip_spaces(const char **p)
{
    for (;;) {
        if (**p == ' ' || **p == '\t')
            (*p)++;
        else if (!eat(p, "\xe3\x80\x80")) /* U+3000 ideographic space */
            return;
    }
}

bool reception_parse_hm(const char *text, int *minute)
{
    const char *p = text;
    int h, m;
    if (!read_num(&p, 2, &h) || !(eat(&p, ":") || eat(&p, "：")))
        return false;
    const char *mm = p;
    if (!read_num(&p, 2, &m) || p - mm != 2 || *p || h > 23 || m > 59)
        return false;
    *minute = h * 60 + m;
    return true;
}

static bool read_hm(const char **p, int *minute)
{
    int h, m;
    if (!read_num(p, 2, &h) || !(eat(p, ":") || eat(p, "：")))
        return false;
    const char *mm = *p;
    if (!read_num(p, 2, &m) || *p - mm != 2 || h > 24 || m > 59 || (h == 24 && m))
        return false;
    *minute = h * 60 + m;
    return true;
}

void reception_format_hm(int minute, char out[6])
{
    if (minute < 0 || minute > 24 * 60)
        minute = 0;
    out[0] = (char)('0' + minute / 600);
    out[1] = (char)('0' + minute / 60 % 10);
    out[2] = ':';
    out[3] = (char)('0' + minute % 60 / 10);
    out[4] = (char)('0' + minute % 10);
    out[5] = '\0';
}

bool reception_parse_date(const char *text, int64_t *day)
{
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    int v[3] = {0};
    const int at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < len[f]; i++) {
            char ch = text[at[f] + i];
            if (ch < '0' || ch > '9')
                return false;
            v[f] = v[f] * 10 + (ch - '0');
        }
    }
    if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
        (unsigned)v[2] > month_days(v[0], (unsigned)v[1]))
        return false;
    *day = time_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    return true;
}

void reception_format_date(int64_t day, char out[11])
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    int yy = (int)y;
    out[0] = (char)('0' + yy / 1000);
    out[1] = (char)('0' + yy / 100 % 10);
    out[2] = (char)('0' + yy / 10 % 10);
    out[3] = (char)('0' + yy % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

/* 一 .. 六, 日/天 after 周/星期: 1..7. */
static bool read_weekday(const char **p, int *out)
{
    static const char *const names[] = {"一", "二", "三", "四", "五", "六", "日", "天"};
    if (!eat(p, "周") && !eat(p, "星期") && !eat(p, "礼拜"))
        return false;
    for (size_t i = 0; i < COUNT(names); i++) {
        if (eat(p, names[i])) {
            *out = i < 7 ? (int)i + 1 : 7;
            return true;
        }
    }
    return false;
}

/* 第一个 .. 第四个 (or 第1个), 最后一个: 1..4, -1. */
static bool read_nth(const char **p, int *out)
{
    static const char *const names[] = {"一", "二", "三", "四"};
    if (eat(p, "最后一个") || eat(p, "最后")) {
        *out = -1;
        return true;
    }
    if (!eat(p, "第"))
        return false;
    int v = 0;
    for (size_t i = 0; i < COUNT(names) && !v; i++)
        if (eat(p, names[i]))
            v = (int)i + 1;
    if (!v && (!read_num(p, 1, &v) || v < 1 || v > 4))
        return false;
    eat(p, "个");
    *out = v;
    return true;
}

bool reception_rule_parse(const char *text, struct reception_schedule *out)
{
    if (!text)
        return false;
    struct reception_schedule s;
    reception_schedule_default(&s);
    s.missing_day = RC_MISSING_SKIP;
    const char *p = text;
    skip_spaces(&p);
    if (eat(&p, "每") && read_weekday(&p, &s.weekday)) {
        s.day_kind = RC_WEEKLY;
    } else {
        p = text;
        skip_spaces(&p);
        if (eat(&p, "每月"))
            s.months = RC_MONTHS_ALL;
        else if (eat(&p, "单月"))
            s.months = RC_MONTHS_ODD;
        else if (eat(&p, "双月"))
            s.months = RC_MONTHS_EVEN;
        else
            return false;
        if (read_num(&p, 2, &s.day)) {
            if (!eat(&p, "日") && !eat(&p, "号"))
                return false;
            if (s.day < 1 || s.day > 31)
                return false;
            s.day_kind = RC_DAY_OF_MONTH;
        } else if (read_nth(&p, &s.nth) && read_weekday(&p, &s.weekday)) {
            s.day_kind = RC_NTH_WEEKDAY;
        } else {
            return false;
        }
    }
    skip_spaces(&p);
    if (!read_hm(&p, &s.start_minute))
        return false;
    skip_spaces(&p);
    if (!eat(&p, "-") && !eat(&p, "—") && !eat(&p, "至") && !eat(&p, "~") && !eat(&p, "～"))
        return false;
    skip_spaces(&p);
    if (!read_hm(&p, &s.end_minute) || s.end_minute <= s.start_minute)
        return false;
    if (s.slot_minutes > s.end_minute - s.start_minute)
        s.slot_minutes = s.end_minute - s.start_minute;
    if (s.slot_minutes < RC_SLOT_MIN || reception_slot_count(&s) > RC_SLOTS_MAX)
        s.slot_minutes = (s.end_minute - s.start_minute + RC_SLOTS_MAX - 1) / RC_SLOTS_MAX;
    if (s.slot_minutes < RC_SLOT_MIN)
        return false;
    /* trailing text (a note like "（节假日顺延）") is allowed after a space */
    *out = s;
    return true;
}
