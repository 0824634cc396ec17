/* stats.c - the dashboard's rates and what counts toward them; see stats.h
 * and docs/STATS.md. */
#include "domain/stats.h"

#include <math.h>
#include <string.h>

#include "core/timeutil.h"

#define DAY_SECONDS 86400

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t stats_day_of(int64_t t)
{
    return floor_div(t + TIME_CST_OFFSET, DAY_SECONDS);
}

int64_t stats_day_start(int64_t day)
{
    return day * DAY_SECONDS - TIME_CST_OFFSET;
}

int stats_year_of(int64_t t)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(stats_day_of(t), &y, &m, &d);
    return (int)y;
}

void stats_year_days(int year, int64_t *first, int64_t *last)
{
    *first = time_days_from_civil(year, 1, 1);
    *last = time_days_from_civil(year, 12, 31);
}

bool stats_parse_date(const char *s, int64_t *day)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[3] = {0, 0, 0};
    const int at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < len[k]; i++) {
            char c = s[at[k] + i];
            if (c < '0' || c > '9')
                return false;
            v[k] = v[k] * 10 + (c - '0');
        }
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = v[0], m = v[1], d = v[2];
    if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *day = time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

struct stat_rate stat_rate(int64_t num, int64_t den)
{
    struct stat_rate r = {false, 0.0};
    if (den <= 0)
        return r;
    r.defined = true;
    r.value = round((double)num * 10000.0 / (double)den) / 10000.0;
    return r;
}

/* ---- concerns ------------------------------------------------------------------- */

bool concern_status_resolved(const char *status)
{
    return status && (!strcmp(status, "resolved") || !strcmp(status, "resolved_on_site"));
}

void rating_counts_add(struct rating_counts *r, const char *value, int64_t n)
{
    if (!value)
        return;
    if (!strcmp(value, "satisfied"))
        r->satisfied += n;
    else if (!strcmp(value, "basically_satisfied"))
        r->basically_satisfied += n;
    else if (!strcmp(value, "dissatisfied"))
        r->dissatisfied += n;
}

int64_t rating_counts_total(const struct rating_counts *r)
{
    return r->satisfied + r->basically_satisfied + r->dissatisfied;
}

struct stat_rate rating_satisfaction(const struct rating_counts *r)
{
    return stat_rate(r->satisfied + r->basically_satisfied, rating_counts_total(r));
}

void concern_counts_add(struct concern_counts *c, const char *status, const char *rating, int64_t n)
{
    c->total += n;
    if (status && !strcmp(status, "merged")) {
        c->merged += n;
        return;
    }
    c->raised += n;
    if (status && strcmp(status, "new") != 0)
        c->responded += n;
    if (concern_status_resolved(status))
        c->resolved += n;
    struct rating_counts r = {0, 0, 0};
    rating_counts_add(&r, rating, n);
    if (rating_counts_total(&r)) {
        c->rated += n;
        c->satisfied += r.satisfied;
        c->basically_satisfied += r.basically_satisfied;
        c->dissatisfied += r.dissatisfied;
    }
}

void concern_rates_compute(const struct concern_counts *c, struct concern_rates *out)
{
    out->response = stat_rate(c->responded, c->raised);
    out->resolution = stat_rate(c->resolved, c->raised);
    out->satisfaction = stat_rate(c->satisfied + c->basically_satisfied, c->rated);
}

/* ---- handling ------------------------------------------------------------------- */

bool stats_on_time(int64_t replied_at, int64_t due_at)
{
    return stats_day_of(replied_at) <= stats_day_of(due_at);
}

int64_t stats_days_to_due(int64_t due_at, int64_t now)
{
    return stats_day_of(due_at) - stats_day_of(now);
}

bool contact_mode_in_person(const char *mode)
{
    return mode && (!strcmp(mode, "visit") || !strcmp(mode, "meeting"));
}

void handling_counts_add(struct handling_counts *h, int64_t replied_at, int64_t due_at, int64_t now,
                         bool met_in_person)
{
    h->assignments++;
    if (met_in_person)
        h->met++;
    if (replied_at) {
        h->replied++;
        h->timed++;
        if (stats_on_time(replied_at, due_at))
            h->on_time++;
    } else if (stats_days_to_due(due_at, now) < 0) {
        h->timed++;
    }
}

void handling_rates_compute(const struct handling_counts *h, struct handling_rates *out)
{
    out->reply = stat_rate(h->replied, h->assignments);
    out->on_time = stat_rate(h->on_time, h->timed);
    out->meeting = stat_rate(h->met, h->assignments);
}

/* ---- labels --------------------------------------------------------------------- */

const char *rating_label_zh(const char *value)
{
    if (!value)
        return NULL;
    if (!strcmp(value, "satisfied"))
        return "满意";
    if (!strcmp(value, "basically_satisfied"))
        return "基本满意";
    if (!strcmp(value, "dissatisfied"))
        return "不满意";
    return NULL;
}

const char *reply_class_label_zh(const char *cls)
{
    if (!cls)
        return NULL;
    if (!strcmp(cls, "A"))
        return "已解决或基本解决";
    if (!strcmp(cls, "B"))
        return "正在解决或列入计划逐步解决";
    if (!strcmp(cls, "C"))
        return "因条件限制暂时不能解决";
    if (!strcmp(cls, "D"))
        return "留作参考";
    return NULL;
}
