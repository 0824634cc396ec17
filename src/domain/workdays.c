/* workdays.c - working days from per-year calendars; see workdays.h. */
#include "domain/workdays.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/utf8.h"

extern const char calendar_builtin[];
extern const unsigned long calendar_builtin_len;

#define CALENDAR_FILE_MAX (64 * 1024)

void calendar_init(struct calendar *c)
{
    memset(c, 0, sizeof(*c));
}

int64_t day_of(int64_t unix_time)
{
    int64_t local = unix_time + TIME_CST_OFFSET;
    int64_t d = local / 86400;
    if (local % 86400 < 0)
        d--;
    return d;
}

int64_t day_start(int64_t day)
{
    return day * 86400 - TIME_CST_OFFSET;
}

static int year_of_day(int64_t day)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day, &y, &m, &d);
    return (int)y;
}

/* 1970-01-01 was a Thursday: day 0 -> weekday 4 (Monday = 1 .. Sunday = 7). */
static bool is_weekend(int64_t day)
{
    int64_t w = ((day % 7) + 7 + 3) % 7; /* 0 = Monday */
    return w >= 5;
}

static const struct calendar_year *find_year(const struct calendar *c, int year)
{
    for (size_t i = 0; i < c->n_years; i++)
        if (c->years[i].year == year)
            return &c->years[i];
    return NULL;
}

static bool contains(const int64_t *days, size_t n, int64_t day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (days[mid] == day)
            return true;
        if (days[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool calendar_is_working_day(const struct calendar *c, int64_t day, bool *known)
{
    const struct calendar_year *y = find_year(c, year_of_day(day));
    if (known)
        *known = y != NULL;
    if (y) {
        if (contains(y->off, y->n_off, day))
            return false;
        if (contains(y->work, y->n_work, day))
            return true;
    }
    return !is_weekend(day);
}

int calendar_last_year(const struct calendar *c)
{
    int last = 0;
    for (size_t i = 0; i < c->n_years; i++)
        if (c->years[i].year > last)
            last = c->years[i].year;
    return last;
}

int64_t deadline_add_working_days(const struct calendar *c, int64_t day, int n, bool *provisional)
{
    bool prov = false;
    int64_t d = day;
    /* a bound of a year per 200 working days keeps a corrupt calendar finite */
    for (int counted = 0, guard = 0; counted < n && guard < 400 + n * 3; guard++) {
        d++;
        bool known;
        if (calendar_is_working_day(c, d, &known))
            counted++;
        if (!known)
            prov = true;
    }
    if (provisional)
        *provisional = prov;
    return d;
}

int64_t deadline_add_months(const struct calendar *c, int64_t day, int months, bool *provisional)
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + months;
    int64_t ny = total / 12;
    unsigned nm = (unsigned)(total % 12) + 1;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned last = mdays[nm - 1];
    if (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0))
        last = 29;
    int64_t due = time_days_from_civil(ny, nm, d < last ? d : last);
    bool prov = false, known;
    for (int guard = 0; guard < 60 && !calendar_is_working_day(c, due, &known); guard++) {
        if (!known)
            prov = true;
        due++;
    }
    calendar_is_working_day(c, due, &known);
    if (!known)
        prov = true;
    if (provisional)
        *provisional = prov;
    return due;
}

int calendar_working_days_between(const struct calendar *c, int64_t from, int64_t to,
                                  bool *provisional)
{
    bool prov = false, known;
    int sign = 1, count = 0;
    if (to < from) {
        int64_t t = from;
        from = to;
        to = t;
        sign = -1;
    }
    for (int64_t d = from + 1; d <= to && d - from < 5000; d++) {
        if (calendar_is_working_day(c, d, &known))
            count++;
        if (!known)
            prov = true;
    }
    if (provisional)
        *provisional = prov;
    return sign * count;
}

/* ---- the file format ------------------------------------------------------- */

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* "YYYY-MM-DD" at p; advances p. */
static bool read_date(const char **p, int64_t *out)
{
    const char *s = *p;
    int v[3] = {0, 0, 0};
    static const int widths[3] = {4, 2, 2};
    for (int part = 0; part < 3; part++) {
        for (int i = 0; i < widths[part]; i++) {
            if (*s < '0' || *s > '9')
                return false;
            v[part] = v[part] * 10 + (*s++ - '0');
        }
        if (part < 2 && *s++ != '-')
            return false;
    }
    if (*s && *s != ' ' && *s != '\t')
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1])
        return false;
    bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[1] == 2 && v[2] == 29 && !leap)
        return false;
    *out = time_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    *p = s;
    return true;
}

static void skip_blank(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

static enum yy_err line_fail(struct yy_error *e, struct arena *a, const char *name, int line,
                             const char *what)
{
    return yy_fail(e, YY_BAD_INPUT, "invalid_calendar",
                   arena_printf(a, "%s 第%d行: %s", name, line, what), NULL);
}

enum yy_err calendar_add_text(struct calendar *c, struct arena *a, const char *name,
                              const char *text, size_t n, struct yy_error *e)
{
    if (n > CALENDAR_FILE_MAX)
        return yy_fail(e, YY_BAD_INPUT, "invalid_calendar", "日历文件过大", NULL);
    if (!utf8_valid(text, n) || memchr(text, '\0', n))
        return yy_fail(e, YY_BAD_INPUT, "invalid_calendar", "日历文件不是有效的UTF-8文本", NULL);
    struct calendar_year *y = arena_alloc(a, sizeof(*y));
    y->year = 0;
    char *copy = arena_strndup(a, text, n);
    int line_no = 0;
    char *save = copy;
    while (save) {
        char *line = save;
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        line_no++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        const char *p = line;
        skip_blank(&p);
        size_t len = strlen(p);
        while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0)
            continue;
        if (!strncmp(p, "year", 4) && (p[4] == ' ' || p[4] == '\t')) {
            p += 4;
            skip_blank(&p);
            int v = 0, digits = 0;
            while (*p >= '0' && *p <= '9' && digits < 5) {
                v = v * 10 + (*p++ - '0');
                digits++;
            }
            if (y->year || digits != 4 || v < 1970 || v > 9999)
                return line_fail(e, a, name, line_no, "year 须为四位年份,且只能出现一次");
            y->year = v;
            continue;
        }
        bool off = !strncmp(p, "off", 3) && (p[3] == ' ' || p[3] == '\t');
        bool work = !strncmp(p, "work", 4) && (p[4] == ' ' || p[4] == '\t');
        if (!off && !work)
            return line_fail(e, a, name, line_no, "每行须以 year、off 或 work 开头");
        if (!y->year)
            return line_fail(e, a, name, line_no, "第一项须为 year");
        p += off ? 3 : 4;
        skip_blank(&p);
        int64_t from, to;
        if (!read_date(&p, &from))
            return line_fail(e, a, name, line_no, "日期须为 YYYY-MM-DD");
        to = from;
        skip_blank(&p);
        if (off && *p >= '0' && *p <= '9' && !read_date(&p, &to))
            return line_fail(e, a, name, line_no, "结束日期须为 YYYY-MM-DD");
        if (to < from || to - from > 31)
            return line_fail(e, a, name, line_no, "日期范围不正确");
        for (int64_t d = from; d <= to; d++) {
            if (year_of_day(d) != y->year)
                return line_fail(e, a, name, line_no, "日期不在该年份内");
            if (work && !is_weekend(d))
                return line_fail(e, a, name, line_no, "调休上班日须为周六或周日");
            size_t *cnt = off ? &y->n_off : &y->n_work;
            int64_t *arr = off ? y->off : y->work;
            if (*cnt == CALENDAR_MAX_DAYS)
                return line_fail(e, a, name, line_no, "特殊日期过多");
            if (contains(y->off, y->n_off, d) || contains(y->work, y->n_work, d))
                return line_fail(e, a, name, line_no, "日期重复");
            arr[(*cnt)++] = d;
            qsort(arr, *cnt, sizeof(int64_t), cmp_day);
        }
    }
    if (!y->year)
        return yy_fail(e, YY_BAD_INPUT, "invalid_calendar",
                       arena_printf(a, "%s: 缺少 year 行", name), NULL);
    for (size_t i = 0; i < c->n_years; i++) {
        if (c->years[i].year == y->year) {
            c->years[i] = *y;
            return YY_OK;
        }
    }
    if (c->n_years == CALENDAR_MAX_YEARS)
        return yy_fail(e, YY_BAD_INPUT, "invalid_calendar", "日历年份过多", NULL);
    c->years[c->n_years++] = *y;
    return YY_OK;
}

enum yy_err calendar_add_builtin(struct calendar *c, struct arena *a, struct yy_error *e)
{
    /* the built-in files are concatenated, each starting with its own "year"
     * line after a form feed */
    const char *p = calendar_builtin;
    const char *end = calendar_builtin + calendar_builtin_len;
    while (p < end) {
        const char *next = memchr(p, '\f', (size_t)(end - p));
        size_t len = next ? (size_t)(next - p) : (size_t)(end - p);
        bool blank = true;
        for (size_t i = 0; i < len; i++)
            if (p[i] != '\n' && p[i] != ' ')
                blank = false;
        if (!blank) {
            enum yy_err rc = calendar_add_text(c, a, "built-in calendar", p, len, e);
            if (rc != YY_OK)
                return rc;
        }
        p += len + 1;
    }
    return YY_OK;
}

enum yy_err calendar_add_dir(struct calendar *c, struct arena *a, const char *dir,
                             struct yy_error *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return yy_fail(e, YY_IO, "calendar_dir",
                       arena_printf(a, "无法打开日历目录 %s", dir), "calendar");
    struct dirent *ent;
    enum yy_err rc = YY_OK;
    while (rc == YY_OK && (ent = readdir(d)) != NULL) {
        const char *nm = ent->d_name;
        if (strlen(nm) != 8 || strcmp(nm + 4, ".txt") != 0)
            continue;
        char *path = arena_printf(a, "%s/%s", dir, nm);
        FILE *f = fopen(path, "rb");
        if (!f) {
            rc = yy_fail(e, YY_IO, "calendar_dir", arena_printf(a, "无法读取 %s", path), NULL);
            break;
        }
        char *buf = arena_alloc(a, CALENDAR_FILE_MAX + 1);
        size_t got = fread(buf, 1, CALENDAR_FILE_MAX + 1, f);
        fclose(f);
        rc = calendar_add_text(c, a, path, buf, got, e);
    }
    closedir(d);
    return rc;
}
