/* registry.c - names and validation of the network's records; see registry.h. */
#include "domain/registry.h"

#include <math.h>
#include <string.h>

#include "core/utf8.h"

static const char *const region_kinds[] = {"district", "street", "dev_zone", "community"};
static const char *const station_kinds[] = {"work_office", "reception_room", "central_station",
                                            "building_station", "park_home"};
static const char *const station_labels[] = {"街道代表工作室", "社区代表接待室", "中心代表联络站",
                                             "楼宇代表联络站", "园区代表之家"};
static const char *const level_names[] = {"national", "provincial", "municipal", "district"};
static const char *const unit_kinds[] = {"department", "street_office", "utility",
                                         "procuratorate", "other"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

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

const char *region_kind_name(enum region_kind k)
{
    return (size_t)k < COUNT(region_kinds) ? region_kinds[k] : "unknown";
}

bool region_kind_from_name(const char *s, enum region_kind *out)
{
    int v;
    if (!from_name(region_kinds, COUNT(region_kinds), s, &v))
        return false;
    *out = (enum region_kind)v;
    return true;
}

const char *station_kind_name(enum station_kind k)
{
    return (size_t)k < COUNT(station_kinds) ? station_kinds[k] : "unknown";
}

const char *station_kind_label_zh(enum station_kind k)
{
    return (size_t)k < COUNT(station_labels) ? station_labels[k] : "未知";
}

bool station_kind_from_name(const char *s, enum station_kind *out)
{
    int v;
    if (!from_name(station_kinds, COUNT(station_kinds), s, &v))
        return false;
    *out = (enum station_kind)v;
    return true;
}

const char *deputy_level_name(enum deputy_level l)
{
    for (size_t i = 0; i < COUNT(level_names); i++)
        if ((unsigned)l == 1u << i)
            return level_names[i];
    return "unknown";
}

bool deputy_level_from_name(const char *s, enum deputy_level *out)
{
    int v;
    if (!from_name(level_names, COUNT(level_names), s, &v))
        return false;
    *out = (enum deputy_level)(1u << v);
    return true;
}

const char *unit_kind_name(enum unit_kind k)
{
    return (size_t)k < COUNT(unit_kinds) ? unit_kinds[k] : "unknown";
}

bool unit_kind_from_name(const char *s, enum unit_kind *out)
{
    int v;
    if (!from_name(unit_kinds, COUNT(unit_kinds), s, &v))
        return false;
    *out = (enum unit_kind)v;
    return true;
}

bool geo_valid(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 &&
           lon <= 180.0;
}

/* A required or optional text field: valid UTF-8, no control characters
 * (tab and line breaks allowed only in free text), at most max code points. */
static enum yy_err text_check(const char *s, bool required, size_t max, bool multiline,
                              const char *field, struct yy_error *e)
{
    if (!s || !*s) {
        if (required)
            return yy_fail(e, YY_BAD_INPUT, "missing_field", "此项必须填写", field);
        return YY_OK;
    }
    size_t n = strlen(s);
    if (!utf8_valid(s, n))
        return yy_fail(e, YY_BAD_INPUT, "invalid_text", "内容不是有效的UTF-8文本", field);
    if (utf8_length(s, n) > max)
        return yy_fail(e, YY_BAD_INPUT, "too_long", "内容过长", field);
    if (multiline ? utf8_has_controls(s, n) : (utf8_has_controls(s, n) || strpbrk(s, "\t\r\n")))
        return yy_fail(e, YY_BAD_INPUT, "invalid_text", "内容含有不允许的控制字符", field);
    return YY_OK;
}

enum yy_err station_validate(const struct station *s, struct yy_error *e)
{
    enum yy_err rc;
    if ((size_t)s->kind >= COUNT(station_kinds))
        return yy_fail(e, YY_BAD_INPUT, "invalid_kind", "站点类型不正确", "kind");
    if ((rc = text_check(s->name, true, REGISTRY_NAME_MAX, false, "name", e)) != YY_OK)
        return rc;
    if (s->street_id <= 0)
        return yy_fail(e, YY_BAD_INPUT, "missing_field", "必须指定所属街道", "street_id");
    if (s->community_id < 0)
        return yy_fail(e, YY_BAD_INPUT, "invalid_reference", "社区编号不正确", "community_id");
    if ((rc = text_check(s->address, false, REGISTRY_TEXT_MAX, false, "address", e)) != YY_OK)
        return rc;
    if (!geo_valid(s->lat, s->lon)) /* name the coordinate that is wrong */
        return yy_fail(e, YY_BAD_INPUT, "invalid_coordinates", "经纬度不正确",
                       geo_valid(s->lat, 0) ? "lon" : "lat");
    if ((rc = text_check(s->opening_hours, false, REGISTRY_NAME_MAX, false, "opening_hours",
                         e)) != YY_OK)
        return rc;
    return text_check(s->reception_rule, false, REGISTRY_NAME_MAX, false, "reception_rule", e);
}

enum yy_err region_validate(const struct region *r, enum region_kind parent_kind,
                            struct yy_error *e)
{
    enum yy_err rc;
    if ((size_t)r->kind >= COUNT(region_kinds))
        return yy_fail(e, YY_BAD_INPUT, "invalid_kind", "区域类型不正确", "kind");
    if ((rc = text_check(r->name, true, REGISTRY_NAME_MAX, false, "name", e)) != YY_OK)
        return rc;
    if (r->kind == REGION_DISTRICT) {
        if (r->parent_id)
            return yy_fail(e, YY_BAD_INPUT, "invalid_parent", "区不能有上级区域", "parent_id");
        return YY_OK;
    }
    if (!r->parent_id)
        return yy_fail(e, YY_BAD_INPUT, "missing_field", "必须指定上级区域", "parent_id");
    bool ok = r->kind == REGION_COMMUNITY
                  ? parent_kind == REGION_STREET || parent_kind == REGION_DEV_ZONE
                  : parent_kind == REGION_DISTRICT;
    if (!ok)
        return yy_fail(e, YY_BAD_INPUT, "invalid_parent",
                       r->kind == REGION_COMMUNITY ? "社区的上级须为街道或开发区"
                                                   : "街道或开发区的上级须为区",
                       "parent_id");
    return YY_OK;
}

static enum yy_err phone_check(const char *p, struct yy_error *e)
{
    if (!p || !*p)
        return YY_OK;
    size_t n = strlen(p);
    if (n < 5 || n > 20)
        return yy_fail(e, YY_BAD_INPUT, "invalid_phone", "电话号码格式不正确", "phone");
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= '0' && c <= '9') || (c == '-' && i > 0) || (c == '+' && i == 0)))
            return yy_fail(e, YY_BAD_INPUT, "invalid_phone", "电话号码格式不正确", "phone");
    }
    return YY_OK;
}

enum yy_err deputy_validate(const struct deputy *d, struct yy_error *e)
{
    enum yy_err rc;
    if ((rc = text_check(d->name, true, REGISTRY_NAME_MAX, false, "name", e)) != YY_OK)
        return rc;
    if (d->levels == 0 || (d->levels & ~(unsigned)LEVEL_ALL))
        return yy_fail(e, YY_BAD_INPUT, "invalid_levels", "代表层级至少选择一项且须为有效值",
                       "levels");
    if ((rc = text_check(d->sector, false, REGISTRY_NAME_MAX, false, "sector", e)) != YY_OK)
        return rc;
    if ((rc = phone_check(d->phone, e)) != YY_OK)
        return rc;
    if (d->has_location && !geo_valid(d->lat, d->lon))
        return yy_fail(e, YY_BAD_INPUT, "invalid_coordinates", "经纬度不正确",
                       geo_valid(d->lat, 0) ? "lon" : "lat");
    for (size_t i = 0; i < d->n_station_ids; i++) {
        if (d->station_ids[i] <= 0)
            return yy_fail(e, YY_BAD_INPUT, "invalid_reference", "站点编号不正确",
                           "station_ids");
        for (size_t j = 0; j < i; j++)
            if (d->station_ids[j] == d->station_ids[i])
                return yy_fail(e, YY_BAD_INPUT, "duplicate_station", "站点重复",
                               "station_ids");
    }
    return YY_OK;
}

enum yy_err unit_validate(const struct unit *u, struct yy_error *e)
{
    if ((size_t)u->kind >= COUNT(unit_kinds))
        return yy_fail(e, YY_BAD_INPUT, "invalid_kind", "单位类型不正确", "kind");
    return text_check(u->name, true, REGISTRY_NAME_MAX, false, "name", e);
}

#include "core/timeutil.h"

/* Reads an unsigned decimal of at most max_digits at *p; advances *p. */
static bool read_num(const char **p, int max_digits, int *out)
{
    int v = 0, n = 0;
    while (**p >= '0' && **p <= '9' && n < max_digits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

static bool read_hm(const char **p, int *minutes)
{
    int h, m;
    if (!read_num(p, 2, &h) || (**p != ':' && strncmp(*p, "：", 3) != 0))
        return false;
    *p += **p == ':' ? 1 : 3;
    if (!read_num(p, 2, &m) || h > 23 || m > 59)
        return false;
    *minutes = h * 60 + m;
    return true;
}

bool reception_next(const char *rule, int64_t now, int64_t *start, int64_t *end)
{
    static const char prefix[] = "每月";
    static const char day_mark[] = "日";
    if (!rule || strncmp(rule, prefix, sizeof(prefix) - 1) != 0)
        return false;
    const char *p = rule + sizeof(prefix) - 1;
    int day, from, to;
    if (!read_num(&p, 2, &day) || day < 1 || day > 31 ||
        strncmp(p, day_mark, sizeof(day_mark) - 1) != 0)
        return false;
    p += sizeof(day_mark) - 1;
    while (*p == ' ')
        p++;
    if (!read_hm(&p, &from) || (*p != '-' && strncmp(p, "—", 3) != 0 && strncmp(p, "至", 3) != 0))
        return false;
    p += *p == '-' ? 1 : 3;
    if (!read_hm(&p, &to) || to <= from)
        return false;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t local_days = (now + TIME_CST_OFFSET) / 86400;
    int64_t y;
    unsigned m, d;
    time_civil_from_days(local_days, &y, &m, &d);
    for (int i = 0; i < 14; i++) {
        unsigned last = mdays[m - 1];
        if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
            last = 29;
        if ((unsigned)day <= last) { /* months without that day have no reception */
            int64_t days = time_days_from_civil(y, m, (unsigned)day);
            int64_t s = days * 86400 + from * 60 - TIME_CST_OFFSET;
            int64_t e = days * 86400 + to * 60 - TIME_CST_OFFSET;
            if (e > now) {
                *start = s;
                *end = e;
                return true;
            }
        }
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return false;
}
