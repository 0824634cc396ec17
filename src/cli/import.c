/* import.c - registry import from CSV; see import.h. */
#include "cli/import.h"

#include <stdio.h>
#include <string.h>

#include "core/csv.h"
#include "domain/registry.h"
#include "http/parse.h"
#include "store/store.h"

struct column {
    const char *name;  /* contract name */
    const char *zh;    /* Chinese header accepted too */
    bool required;
};

static const struct column station_cols[] = {
    {"kind", "类型", true},          {"name", "名称", true},     {"street", "街道", true},
    {"community", "社区", false},    {"address", "地址", false}, {"lat", "纬度", true},
    {"lon", "经度", true},           {"opening_hours", "开放时间", false},
    {"reception_rule", "接待日", false}, {NULL, NULL, false}};
static const struct column deputy_cols[] = {
    {"name", "姓名", true},     {"levels", "层级", true},  {"sector", "界别", false},
    {"phone", "电话", false},   {"stations", "站点", false}, {"lat", "纬度", false},
    {"lon", "经度", false},     {NULL, NULL, false}};
static const struct column region_cols[] = {
    {"kind", "类型", true}, {"name", "名称", true}, {"parent", "上级", false}, {NULL, NULL, false}};
static const struct column unit_cols[] = {
    {"name", "名称", true}, {"kind", "类型", false}, {NULL, NULL, false}};

struct ctx {
    struct db *db;
    struct arena *a;
    struct import_result *out;
    const struct csv_row *header;
    long idx[16];
};

static void row_error(struct ctx *c, size_t line, const char *field, const char *msg)
{
    struct import_result *r = c->out;
    if (r->n_errors < IMPORT_MAX_ERRORS)
        r->errors[r->n_errors] = arena_printf(c->a, "第%zu行 %s: %s", line, field ? field : "-",
                                              msg);
    r->n_errors++;
}

static const char *cell(const struct ctx *c, const struct csv_row *row, size_t col)
{
    long i = c->idx[col];
    if (i < 0 || (size_t)i >= row->n)
        return "";
    /* trim spaces that spreadsheets leave around values */
    const char *s = row->fields[i];
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    return arena_strndup(c->a, s, n);
}

static enum yy_err map_header(struct ctx *c, const struct column *cols, struct yy_error *e)
{
    for (size_t k = 0; cols[k].name; k++) {
        long i = csv_column(c->header, cols[k].name);
        if (i < 0)
            i = csv_column(c->header, cols[k].zh);
        c->idx[k] = i;
        if (i < 0 && cols[k].required)
            return yy_fail(e, YY_BAD_INPUT, "missing_column",
                           arena_printf(c->a, "第%zu行(表头)缺少列: %s(或 %s)", c->header->line,
                                        cols[k].name, cols[k].zh),
                           cols[k].name);
    }
    return YY_OK;
}

/* Splits "a|b、c" into parts (trimmed, non-empty). */
static size_t split_list(struct arena *a, const char *s, const char **parts, size_t max)
{
    size_t n = 0;
    const char *p = s;
    while (*p && n < max) {
        const char *end = p;
        while (*end && *end != '|' && *end != ';' && strncmp(end, "、", 3) != 0)
            end++;
        const char *b = p, *e = end;
        while (b < e && *b == ' ')
            b++;
        while (e > b && e[-1] == ' ')
            e--;
        if (e > b)
            parts[n++] = arena_strndup(a, b, (size_t)(e - b));
        if (!*end)
            break;
        p = end + (*end == '|' || *end == ';' ? 1 : 3);
    }
    return n;
}

static bool coord(const char *s, double *out)
{
    return *s && parse_double(s, out);
}

static bool station_kind_any(const char *s, enum station_kind *k)
{
    if (station_kind_from_name(s, k))
        return true;
    /* "社区代表接待室" also matches "接待室"; "中心代表联络站" also "中心联络站"
     * (the label without "代表"); a part that fits several kinds ("联络站",
     * "代表") is refused rather than read as the first of them. */
    int found = -1;
    for (int i = 0; i <= STATION_PARK_HOME; i++) {
        const char *label = station_kind_label_zh((enum station_kind)i);
        if (!strcmp(s, label)) {
            *k = (enum station_kind)i;
            return true;
        }
        const char *rep = strstr(label, "代表");
        char shorter[64] = "";
        if (rep && strlen(label) < sizeof(shorter))
            snprintf(shorter, sizeof(shorter), "%.*s%s", (int)(rep - label), label,
                     rep + strlen("代表"));
        if (strlen(s) >= 6 && (strstr(label, s) || strstr(shorter, s))) {
            if (found >= 0)
                return false;
            found = i;
        }
    }
    if (found < 0)
        return false;
    *k = (enum station_kind)found;
    return true;
}

static bool level_any(const char *s, enum deputy_level *l)
{
    static const char *const zh[] = {"全国", "省", "市", "区"};
    static const char *const zh2[] = {"全国人大代表", "省人大代表", "市人大代表", "区人大代表"};
    if (deputy_level_from_name(s, l))
        return true;
    for (int i = 0; i < 4; i++) {
        if (!strcmp(s, zh[i]) || !strcmp(s, zh2[i])) {
            *l = (enum deputy_level)(1 << i);
            return true;
        }
    }
    return false;
}

static bool unit_kind_any(const char *s, enum unit_kind *k)
{
    static const char *const zh[] = {"部门", "街道", "公用事业", "检察院", "其他"};
    if (unit_kind_from_name(s, k))
        return true;
    for (int i = 0; i < 5; i++) {
        if (!strcmp(s, zh[i])) {
            *k = (enum unit_kind)i;
            return true;
        }
    }
    return false;
}

static void import_station(struct ctx *c, const struct csv_row *row)
{
    struct station s = {0};
    struct yy_error e = {0};
    const char *kind = cell(c, row, 0);
    if (!station_kind_any(kind, &s.kind)) {
        row_error(c, row->line, "kind", "站点类型不正确");
        return;
    }
    s.name = cell(c, row, 1);
    const char *street = cell(c, row, 2);
    struct region r;
    if (store_region_find(c->db, c->a, street, 0, &r, NULL) != YY_OK ||
        (r.kind != REGION_STREET && r.kind != REGION_DEV_ZONE)) {
        row_error(c, row->line, "street", arena_printf(c->a, "找不到街道“%s”", street));
        return;
    }
    s.street_id = r.id;
    const char *community = cell(c, row, 3);
    if (*community) {
        struct region cr;
        if (store_region_find(c->db, c->a, community, s.street_id, &cr, NULL) != YY_OK ||
            cr.kind != REGION_COMMUNITY) {
            row_error(c, row->line, "community",
                      arena_printf(c->a, "在该街道找不到社区“%s”", community));
            return;
        }
        s.community_id = cr.id;
    }
    s.address = cell(c, row, 4);
    if (!coord(cell(c, row, 5), &s.lat)) {
        row_error(c, row->line, "lat", "纬度须为数字");
        return;
    }
    if (!coord(cell(c, row, 6), &s.lon)) {
        row_error(c, row->line, "lon", "经度须为数字");
        return;
    }
    s.opening_hours = cell(c, row, 7);
    s.reception_rule = cell(c, row, 8);
    if (station_validate(&s, &e) != YY_OK || store_station_add(c->db, &s, &e) != YY_OK)
        row_error(c, row->line, e.field, e.message);
}

static void import_deputy(struct ctx *c, const struct csv_row *row)
{
    struct deputy d = {0};
    struct yy_error e = {0};
    d.name = cell(c, row, 0);
    const char *parts[16];
    size_t n = split_list(c->a, cell(c, row, 1), parts, 16);
    if (n == 0) {
        row_error(c, row->line, "levels", "代表层级必须填写");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        enum deputy_level l;
        if (!level_any(parts[i], &l)) {
            row_error(c, row->line, "levels", arena_printf(c->a, "不认识的层级“%s”", parts[i]));
            return;
        }
        d.levels |= (unsigned)l;
    }
    d.sector = cell(c, row, 2);
    d.phone = cell(c, row, 3);
    n = split_list(c->a, cell(c, row, 4), parts, 16);
    d.station_ids = arena_calloc(c->a, n + 1, sizeof(int64_t));
    for (size_t i = 0; i < n; i++) {
        struct station s;
        if (store_station_find_by_name(c->db, c->a, parts[i], &s, NULL) != YY_OK) {
            row_error(c, row->line, "stations", arena_printf(c->a, "找不到站点“%s”", parts[i]));
            return;
        }
        d.station_ids[d.n_station_ids++] = s.id;
    }
    const char *lat = cell(c, row, 5), *lon = cell(c, row, 6);
    if (*lat || *lon) {
        if (!coord(lat, &d.lat) || !coord(lon, &d.lon)) {
            row_error(c, row->line, *lat ? "lon" : "lat", "经纬度须同时填写且为数字");
            return;
        }
        d.has_location = true;
    }
    if (!d.n_station_ids && !d.has_location) {
        row_error(c, row->line, "stations", "须填写所在站点,或填写经纬度以就近编入");
        return;
    }
    if (deputy_validate(&d, &e) != YY_OK || store_deputy_add(c->db, c->a, &d, &e) != YY_OK)
        row_error(c, row->line, e.field, e.message);
}

static bool region_kind_any(const char *s, enum region_kind *k)
{
    static const char *const zh[] = {"区", "街道", "开发区", "社区"};
    if (region_kind_from_name(s, k))
        return true;
    for (int i = 0; i < 4; i++) {
        if (!strcmp(s, zh[i])) {
            *k = (enum region_kind)i;
            return true;
        }
    }
    return false;
}

/* Parents are found by name among the regions already there or in earlier rows. */
static void import_region(struct ctx *c, const struct csv_row *row)
{
    struct region r = {0};
    struct yy_error e = {0};
    if (!region_kind_any(cell(c, row, 0), &r.kind)) {
        row_error(c, row->line, "kind", "区域类型须为 区、街道、开发区 或 社区");
        return;
    }
    r.name = cell(c, row, 1);
    const char *parent = cell(c, row, 2);
    if (*parent) {
        struct region p;
        if (store_region_find(c->db, c->a, parent, 0, &p, NULL) != YY_OK) {
            row_error(c, row->line, "parent", arena_printf(c->a, "找不到上级区域“%s”", parent));
            return;
        }
        r.parent_id = p.id;
    }
    if (store_region_add(c->db, &r, &e) != YY_OK)
        row_error(c, row->line, e.field && !strcmp(e.field, "parent_id") ? "parent" : e.field,
                  e.message);
}

static void import_unit(struct ctx *c, const struct csv_row *row)
{
    struct unit u = {.kind = UNIT_DEPARTMENT};
    struct yy_error e = {0};
    u.name = cell(c, row, 0);
    const char *kind = cell(c, row, 1);
    if (*kind && !unit_kind_any(kind, &u.kind)) {
        row_error(c, row->line, "kind", "单位类型不正确");
        return;
    }
    if (unit_validate(&u, &e) != YY_OK || store_unit_add(c->db, &u, &e) != YY_OK)
        row_error(c, row->line, e.field, e.message);
}

enum yy_err import_csv(struct db *db, struct arena *a, const char *what, const char *data,
                       size_t n, struct import_result *out, struct yy_error *e)
{
    memset(out, 0, sizeof(*out));
    out->errors = arena_calloc(a, IMPORT_MAX_ERRORS, sizeof(char *));
    const struct column *cols;
    void (*row_fn)(struct ctx *, const struct csv_row *);
    if (!strcmp(what, "regions")) {
        cols = region_cols;
        row_fn = import_region;
    } else if (!strcmp(what, "stations")) {
        cols = station_cols;
        row_fn = import_station;
    } else if (!strcmp(what, "deputies")) {
        cols = deputy_cols;
        row_fn = import_deputy;
    } else if (!strcmp(what, "units")) {
        cols = unit_cols;
        row_fn = import_unit;
    } else {
        return yy_fail(e, YY_BAD_INPUT, "unknown_import",
                       "只能导入 regions、stations、deputies 或 units",
                       "what");
    }
    struct csv_table t;
    enum yy_err rc = csv_parse(a, data, n, &t, e);
    if (rc != YY_OK)
        return rc;
    if (t.n_rows < 2)
        return yy_fail(e, YY_BAD_INPUT, "no_rows", "文件中没有数据行(第一行须为表头)", NULL);
    struct ctx c = {.db = db, .a = a, .out = out, .header = &t.rows[0]};
    if ((rc = map_header(&c, cols, e)) != YY_OK)
        return rc;

    /* One transaction for the whole file: rows that fail are reported and the
     * rest still tried, so the office sees every problem at once; any error
     * rolls everything back. */
    if ((rc = db_begin(db)) != YY_OK)
        return yy_fail(e, rc, "database_busy", "数据库繁忙,请稍后再试", NULL);
    for (size_t i = 1; i < t.n_rows; i++) {
        const struct csv_row *row = &t.rows[i];
        bool blank = true;
        for (size_t k = 0; k < row->n; k++)
            if (row->fields[k][0])
                blank = false;
        if (blank)
            continue; /* spreadsheets leave ",,,," rows at the end */
        size_t before = out->n_errors;
        row_fn(&c, row);
        if (out->n_errors == before)
            out->imported++;
    }
    if (out->n_errors) {
        db_rollback(db);
        out->imported = 0;
        return yy_fail(e, YY_BAD_INPUT, "invalid_rows",
                       arena_printf(a, "有%zu处错误,未导入任何数据", out->n_errors), NULL);
    }
    rc = db_commit(db);
    if (rc != YY_OK) {
        out->imported = 0;
        return yy_fail(e, rc, "commit_failed", "保存失败,未导入任何数据", NULL);
    }
    return YY_OK;
}
