/* api_lists.c - GET /api/v1/lists/{suggestions,assignments,results}: the
 * three lists (三张清单, DOMAIN.md §5) as JSON, CSV or XLSX, for staff.
 * Who reads which rows, the columns and the formats: docs/LISTS.md.
 *
 *   admin, leader           every row; ?street= and ?unit= narrow
 *   street_staff            the rows of their street (another street: 404)
 *   unit_staff              交办清单 and 效果清单: their unit's rows
 *   everyone else           403; without a login 401
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "core/table.h"
#include "core/timeutil.h"
#include "domain/lists.h"
#include "domain/stats.h"
#include "store/lists.h"
#include "store/store.h"

#define CT_CSV "text/csv; charset=utf-8"
#define CT_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

enum list_format { FORMAT_JSON, FORMAT_CSV, FORMAT_XLSX };

/* ---- parameters ------------------------------------------------------------------ */

static enum yy_err query_format(struct request *req, enum list_format *out)
{
    const char *v;
    enum yy_err rc = query_text(req, "format", 16, &v);
    if (rc != YY_OK)
        return rc;
    if (!v || !strcmp(v, "json"))
        *out = FORMAT_JSON;
    else if (!strcmp(v, "csv"))
        *out = FORMAT_CSV;
    else if (!strcmp(v, "xlsx"))
        *out = FORMAT_XLSX;
    else
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                       "format 须为 json、csv 或 xlsx", "format");
    return YY_OK;
}

/* The street the caller named exists and is a street or the development
 * zone; the unit exists.  Both YY_BAD_INPUT naming the parameter. */
static enum yy_err check_street(struct request *req, int64_t id)
{
    struct region r;
    enum yy_err rc = store_region_get(api_app(req)->db, req->arena, id, &r, &req->err);
    if (rc == YY_NOT_FOUND || (rc == YY_OK && r.kind != REGION_STREET && r.kind != REGION_DEV_ZONE))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "街道不存在", "street");
    return rc;
}

static enum yy_err check_unit(struct request *req, int64_t id)
{
    struct unit u;
    enum yy_err rc = store_unit_get(api_app(req)->db, req->arena, id, &u, &req->err);
    if (rc == YY_NOT_FOUND)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter", "承办单位不存在", "unit");
    return rc;
}

/* ---- pages of the JSON (CONTRACT: ?limit=, ?cursor=) -------------------------------- */

/* The cursor is opaque to clients: base64url of "l<suggestion>.<rank>.<unit>",
 * the position of the last row of the previous page (store/lists.h). */
#define LIST_CURSOR_RAW_MAX 64

static const char *list_cursor(struct arena *a, const struct list_pos *p)
{
    char raw[LIST_CURSOR_RAW_MAX];
    int n = snprintf(raw, sizeof(raw), "l%lld.%lld.%lld", (long long)p->suggestion_id,
                     (long long)p->rank, (long long)p->unit_id);
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, cap);
    sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static bool parse_cursor(const char *c, struct list_pos *p)
{
    unsigned char raw[LIST_CURSOR_RAW_MAX];
    size_t n = 0;
    if (strlen(c) > 88 ||
        sodium_base642bin(raw, sizeof(raw) - 1, c, strlen(c), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n < 6 || raw[0] != 'l')
        return false;
    raw[n] = '\0';
    char *fields[3], *save = NULL, *s = (char *)raw + 1;
    for (int i = 0; i < 3; i++) {
        fields[i] = strtok_r(i ? NULL : s, ".", &save);
        if (!fields[i])
            return false;
    }
    return !strtok_r(NULL, ".", &save) && parse_int64(fields[0], 0, INT64_MAX, &p->suggestion_id) &&
           parse_int64(fields[1], 0, 1, &p->rank) &&
           parse_int64(fields[2], 0, INT64_MAX, &p->unit_id);
}

/* ?limit= (1..100, default 20) and ?cursor= for JSON; an export (CSV,
 * XLSX) is the whole year's file, so either of them there is 400. */
static enum yy_err query_page(struct request *req, enum list_format format,
                              struct list_page *page)
{
    const char *l = kvlist_get(&req->query, "limit");
    const char *c = kvlist_get(&req->query, "cursor");
    if (format != FORMAT_JSON && (l || c))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_parameter",
                       "CSV、XLSX 导出为整年文件,不分页", l ? "limit" : "cursor");
    int64_t limit = 20;
    if (l && (!parse_int64(l, 1, 100, &limit) || kvlist_count(&req->query, "limit") > 1))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_limit", "limit 须为1到100之间的整数",
                       "limit");
    memset(page, 0, sizeof(*page));
    page->limit = (size_t)limit;
    if (c && *c && (kvlist_count(&req->query, "cursor") > 1 || !parse_cursor(c, &page->after)))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_cursor", "cursor 无效", "cursor");
    return YY_OK;
}

/* ---- who reads what ---------------------------------------------------------------- */

/* Narrows f to what the caller may read of list k (see the top of the
 * file); has_street / has_unit say whether the query named them. */
static enum yy_err list_scope(struct request *req, enum list_kind k, struct list_filter *f,
                              bool has_street, bool has_unit)
{
    const struct caller *c = api_caller(req);
    if (c->via == AUTH_NONE)
        return yy_fail(&req->err, YY_UNAUTHORIZED, "login_required", "请先登录", NULL);
    const struct user *u = &c->user;
    if (user_has_role(u, ROLE_ADMIN) || user_has_role(u, ROLE_LEADER))
        return YY_OK;

    size_t n_streets = 0, n_units = 0;
    int64_t street = 0, unit = 0;
    for (size_t i = 0; i < u->n_roles; i++) {
        if (u->roles[i].role == ROLE_STREET_STAFF) {
            n_streets++;
            street = u->roles[i].scope_id;
        } else if (u->roles[i].role == ROLE_UNIT_STAFF) {
            n_units++;
            unit = u->roles[i].scope_id;
        }
    }
    bool units_read = k != LIST_SUGGESTIONS; /* a unit sees its assignments, not the list of all */
    if (!units_read)
        n_units = 0;
    if (n_streets == 0 && n_units == 0)
        return yy_fail(&req->err, YY_FORBIDDEN, "forbidden", "没有权限查看此清单", NULL);

    if (has_street) {
        if (user_has_scoped_role(u, ROLE_STREET_STAFF, f->street_id))
            return YY_OK;
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "不在您的职责范围内", "street");
    }
    if (has_unit && n_units && user_has_scoped_role(u, ROLE_UNIT_STAFF, f->unit_id))
        return YY_OK;
    if (n_streets == 1) {
        f->street_id = street;
        return YY_OK;
    }
    if (n_streets > 1)
        return yy_fail(&req->err, YY_BAD_INPUT, "street_required", "您负责多个街道,请指定 street",
                       "street");
    if (has_unit)
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "不在您的职责范围内", "unit");
    if (n_units == 1) {
        f->unit_id = unit;
        return YY_OK;
    }
    return yy_fail(&req->err, YY_BAD_INPUT, "unit_required", "您负责多个承办单位,请指定 unit",
                   "unit");
}

/* ---- the answer -------------------------------------------------------------------- */

/* RFC 5987 / RFC 6266: an ASCII filename for old clients, filename* with
 * the Chinese name percent-encoded in UTF-8. */
static const char *content_disposition(struct arena *a, const char *ascii, const char *utf8)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(utf8);
    char *enc = arena_alloc(a, 3 * n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)utf8[i];
        bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || strchr("!#$&+-.^_`|~", ch);
        if (plain && ch) {
            enc[j++] = (char)ch;
        } else {
            enc[j++] = '%';
            enc[j++] = hex[ch >> 4];
            enc[j++] = hex[ch & 15];
        }
    }
    enc[j] = '\0';
    return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

static void write_id_or_null(struct jsonw *w, int64_t id)
{
    if (id)
        jsonw_int(w, id);
    else
        jsonw_null(w);
}

static enum yy_err get_list(struct request *req, struct response *res, enum list_kind k)
{
    struct list_filter f = {0};
    int64_t year = stats_year_of(time_now()), street = 0, unit = 0;
    bool has_street = false, has_unit = false;
    enum list_format format = FORMAT_JSON;
    enum yy_err rc = query_int(req, "year", 2000, 2100, &year, NULL);
    if (rc == YY_OK)
        rc = query_int(req, "street", 1, INT64_MAX, &street, &has_street);
    if (rc == YY_OK)
        rc = query_int(req, "unit", 1, INT64_MAX, &unit, &has_unit);
    if (rc == YY_OK)
        rc = query_format(req, &format);
    struct list_page page;
    if (rc == YY_OK)
        rc = query_page(req, format, &page);
    if (rc != YY_OK)
        return rc;
    f.year = (int)year;
    f.street_id = street;
    f.unit_id = unit;
    rc = list_scope(req, k, &f, has_street, has_unit);
    if (rc == YY_OK && f.street_id)
        rc = check_street(req, f.street_id);
    if (rc == YY_OK && f.unit_id)
        rc = check_unit(req, f.unit_id);
    if (rc != YY_OK)
        return rc;

    struct table t;
    rc = store_list_table(api_app(req)->db, req->arena, k, &f,
                          format == FORMAT_JSON ? &page : NULL, time_now(), &t, &req->err);
    if (rc != YY_OK)
        return rc;

    response_header(res, "Cache-Control", "private, no-store");
    if (format == FORMAT_JSON) {
        struct jsonw w;
        api_reply_begin(res, 200, 256 + t.n_rows * 512, &w);
        jsonw_object_begin(&w);
        jsonw_key(&w, "list");
        jsonw_string(&w, list_kind_name(k));
        jsonw_key(&w, "title");
        jsonw_string(&w, list_title_zh(k));
        jsonw_key(&w, "year");
        jsonw_int(&w, f.year);
        jsonw_key(&w, "street_id");
        write_id_or_null(&w, f.street_id);
        jsonw_key(&w, "unit_id");
        write_id_or_null(&w, f.unit_id);
        table_write_json_members(&w, &t);
        jsonw_key(&w, "next_cursor");
        jsonw_string(&w, page.more ? list_cursor(req->arena, &page.last) : NULL);
        jsonw_object_end(&w);
        return api_reply_end(&w);
    }

    const char *ext = format == FORMAT_CSV ? "csv" : "xlsx";
    res->status = 200;
    res->content_type = format == FORMAT_CSV ? CT_CSV : CT_XLSX;
    buf_reset(&res->body);
    rc = format == FORMAT_CSV ? table_write_csv(&res->body, &t)
                              : table_write_xlsx(&res->body, &t, &req->err);
    if (rc != YY_OK)
        return rc;
    response_header(res, "Content-Disposition",
                    content_disposition(req->arena,
                                        list_file_name_ascii(req->arena, k, f.year, ext),
                                        list_file_name(req->arena, k, f.year, ext)));
    return YY_OK;
}

static enum yy_err get_suggestions_list(struct request *req, struct response *res)
{
    return get_list(req, res, LIST_SUGGESTIONS);
}

static enum yy_err get_assignments_list(struct request *req, struct response *res)
{
    return get_list(req, res, LIST_ASSIGNMENTS);
}

static enum yy_err get_results_list(struct request *req, struct response *res)
{
    return get_list(req, res, LIST_RESULTS);
}

enum yy_err api_lists_routes(struct router *r)
{
    static const struct {
        const char *method, *pattern;
        route_fn fn;
    } routes[] = {
        {"GET", "/api/v1/lists/suggestions", get_suggestions_list},
        {"GET", "/api/v1/lists/assignments", get_assignments_list},
        {"GET", "/api/v1/lists/results", get_results_list},
    };
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        enum yy_err rc = router_add(r, routes[i].method, routes[i].pattern, routes[i].fn, 0);
        if (rc != YY_OK)
            return rc;
    }
    return YY_OK;
}
