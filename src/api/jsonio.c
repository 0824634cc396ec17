/* jsonio.c - JSON in and out of the API; see jsonio.h. */
#include "api/jsonio.h"

#include <math.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "http/parse.h"


static int dump_cb(const char *buffer, size_t size, void *data)
{
    return buf_append(data, buffer, size) == YY_OK ? 0 : -1;
}

enum yy_err api_reply(struct response *res, int status, json_t *obj)
{
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
    buf_reset(&res->body);
    int rc = obj ? json_dump_callback(obj, dump_cb, &res->body, JSON_COMPACT | JSON_REAL_PRECISION(10))
                 : -1;
    json_decref(obj);
    if (rc != 0)
        return YY_INTERNAL;
    return YY_OK;
}

enum yy_err api_body_object(struct request *req, json_t **out)
{
    *out = NULL;
    const char *ct = request_header(req, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0)
        return yy_fail(&req->err, YY_BAD_INPUT, "unsupported_content_type",
                       "请求内容须为 JSON(Content-Type: application/json)", NULL);
    if (req->body_len == 0)
        return yy_fail(&req->err, YY_BAD_INPUT, "empty_body", "请求内容为空", NULL);
    json_error_t jerr;
    json_t *v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v)
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_json",
                       arena_printf(req->arena, "JSON 格式错误(第%d行第%d列)", jerr.line,
                                    jerr.column),
                       NULL);
    if (!json_is_object(v)) {
        json_decref(v);
        return yy_fail(&req->err, YY_BAD_INPUT, "not_an_object", "请求内容须为 JSON 对象", NULL);
    }
    *out = v;
    return YY_OK;
}

/* The unknown key named in the error must outlive obj, which callers free
 * right after a failure: a per-thread copy (a request runs on one thread). */
static _Thread_local char unknown_key[128];

enum yy_err json_only_fields(json_t *obj, const char *const *allowed, struct yy_error *e)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, key))
                ok = true;
        if (!ok) {
            size_t n = strlen(key);
            if (n >= sizeof(unknown_key)) { /* cut at a character boundary */
                n = sizeof(unknown_key) - 1;
                while (n && ((unsigned char)key[n] & 0xC0) == 0x80)
                    n--;
            }
            memcpy(unknown_key, key, n);
            unknown_key[n] = '\0';
            return yy_fail(e, YY_BAD_INPUT, "unknown_field", "不认识的字段", unknown_key);
        }
    }
    return YY_OK;
}

static enum yy_err field_fail(struct request *req, const char *code, const char *msg,
                              const char *key)
{
    return yy_fail(&req->err, YY_BAD_INPUT, code, msg, arena_strdup(req->arena, key));
}

/* Looks key up; NULL means "absent" (JSON null counts as absent). */
static json_t *lookup(json_t *obj, const char *key, bool *present)
{
    json_t *v = json_object_get(obj, key);
    if (v && json_is_null(v))
        v = NULL;
    if (present)
        *present = v != NULL;
    return v;
}

enum yy_err json_get_text(struct request *req, json_t *obj, const char *key, bool required,
                          size_t max, bool multiline, const char **out, bool *present)
{
    json_t *v = lookup(obj, key, present);
    if (!v) {
        if (required)
            return field_fail(req, "missing_field", "此项必须填写", key);
        return YY_OK;
    }
    if (!json_is_string(v))
        return field_fail(req, "invalid_type", "此项须为文本", key);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n || !utf8_valid(s, n))
        return field_fail(req, "invalid_text", "内容不是有效的文本", key);
    if (utf8_has_controls(s, n) || (!multiline && strpbrk(s, "\t\r\n")))
        return field_fail(req, "invalid_text", "内容含有不允许的控制字符", key);
    /* Surrounding blanks are never meant; an all-blank required field is missing. */
    size_t start = 0, end = n;
    while (start < end && (s[start] == ' ' || s[start] == '\t' || s[start] == '\n' ||
                           s[start] == '\r'))
        start++;
    while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' ||
                           s[end - 1] == '\r'))
        end--;
    if (start == end && required)
        return field_fail(req, "missing_field", "此项必须填写", key);
    if (utf8_length(s + start, end - start) > max)
        return field_fail(req, "too_long",
                          arena_printf(req->arena, "内容过长(最多%zu个字)", max), key);
    *out = arena_strndup(req->arena, s + start, end - start);
    return YY_OK;
}

enum yy_err json_get_int(struct request *req, json_t *obj, const char *key, bool required,
                         int64_t min, int64_t max, int64_t *out, bool *present)
{
    json_t *v = lookup(obj, key, present);
    if (!v) {
        if (required)
            return field_fail(req, "missing_field", "此项必须填写", key);
        return YY_OK;
    }
    if (!json_is_integer(v))
        return field_fail(req, "invalid_type", "此项须为整数", key);
    json_int_t i = json_integer_value(v);
    if (i < min || i > max)
        return field_fail(req, "out_of_range", "数值超出允许范围", key);
    *out = (int64_t)i;
    return YY_OK;
}

enum yy_err json_get_double(struct request *req, json_t *obj, const char *key, bool required,
                            double *out, bool *present)
{
    json_t *v = lookup(obj, key, present);
    if (!v) {
        if (required)
            return field_fail(req, "missing_field", "此项必须填写", key);
        return YY_OK;
    }
    if (!json_is_number(v))
        return field_fail(req, "invalid_type", "此项须为数字", key);
    double d = json_number_value(v);
    if (!isfinite(d))
        return field_fail(req, "out_of_range", "数值超出允许范围", key);
    *out = d;
    return YY_OK;
}

enum yy_err json_get_bool(struct request *req, json_t *obj, const char *key, bool required,
                          bool *out, bool *present)
{
    json_t *v = lookup(obj, key, present);
    if (!v) {
        if (required)
            return field_fail(req, "missing_field", "此项必须填写", key);
        return YY_OK;
    }
    if (!json_is_boolean(v))
        return field_fail(req, "invalid_type", "此项须为 true 或 false", key);
    *out = json_is_true(v);
    return YY_OK;
}

enum yy_err query_int(struct request *req, const char *key, int64_t min, int64_t max,
                      int64_t *out, bool *present)
{
    const char *v = kvlist_get(&req->query, key);
    if (present)
        *present = v != NULL && *v;
    if (!v || !*v)
        return YY_OK;
    if (kvlist_count(&req->query, key) > 1)
        return field_fail(req, "repeated_parameter", "参数重复", key);
    if (!parse_int64(v, min, max, out))
        return field_fail(req, "invalid_parameter", "参数须为有效的整数", key);
    return YY_OK;
}

enum yy_err query_text(struct request *req, const char *key, size_t max, const char **out)
{
    *out = NULL;
    const char *v = kvlist_get(&req->query, key);
    if (!v || !*v)
        return YY_OK;
    if (kvlist_count(&req->query, key) > 1)
        return field_fail(req, "repeated_parameter", "参数重复", key);
    size_t n = strlen(v);
    if (!utf8_valid(v, n) || utf8_has_controls(v, n) || strpbrk(v, "\t\r\n"))
        return field_fail(req, "invalid_parameter", "参数不是有效的文本", key);
    if (utf8_length(v, n) > max)
        return field_fail(req, "invalid_parameter",
                          arena_printf(req->arena, "参数不能超过%zu个字", max), key);
    while (*v == ' ')
        v++, n--;
    while (n && v[n - 1] == ' ')
        n--;
    if (n)
        *out = arena_strndup(req->arena, v, n);
    return YY_OK;
}

#define CURSOR_RAW_MAX 24

const char *api_cursor(struct request *req, int64_t pos)
{
    char raw[CURSOR_RAW_MAX];
    int n = snprintf(raw, sizeof(raw), "p%lld", (long long)pos);
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(req->arena, cap);
    sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

enum yy_err api_page(struct request *req, struct page *p)
{
    int64_t limit = 20;
    bool present;
    p->after = 0;
    const char *l = kvlist_get(&req->query, "limit");
    if (l && (!parse_int64(l, 1, 100, &limit) || kvlist_count(&req->query, "limit") > 1))
        return field_fail(req, "invalid_limit", "limit 须为1到100之间的整数", "limit");
    p->limit = (size_t)limit;
    const char *c = kvlist_get(&req->query, "cursor");
    (void)present;
    if (c && *c) {
        unsigned char raw[CURSOR_RAW_MAX];
        size_t n = 0;
        if (strlen(c) > 40 ||
            sodium_base642bin(raw, sizeof(raw) - 1, c, strlen(c), NULL, &n, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
            n < 2 || raw[0] != 'p')
            return field_fail(req, "invalid_cursor", "cursor 无效", "cursor");
        raw[n] = '\0';
        if (!parse_int64((const char *)raw + 1, 0, INT64_MAX, &p->after))
            return field_fail(req, "invalid_cursor", "cursor 无效", "cursor");
    }
    return YY_OK;
}

json_t *api_list(json_t *items, const char *next_cursor)
{
    return json_pack("{s:o, s:s?}", "items", items, "next_cursor", next_cursor);
}

enum yy_err path_id(struct request *req, int64_t *out)
{
    const char *s = request_param(req, "id");
    if (!s || !parse_int64(s, 1, INT64_MAX, out))
        return yy_fail(&req->err, YY_NOT_FOUND, "not_found", "请求的内容不存在", NULL);
    return YY_OK;
}

json_t *json_time(int64_t t)
{
    char s[TIME_RFC3339_LEN];
    time_format_rfc3339(t, s);
    return json_string(s);
}

/* ---- responses streamed with core/jsonw ---------------------------------- */

void api_reply_begin(struct response *res, int status, size_t size_hint, struct jsonw *w)
{
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
    buf_reset(&res->body);
    (void)buf_reserve(&res->body, size_hint); /* a hint: appends report real failures */
    jsonw_init(w, &res->body);
}

enum yy_err api_reply_end(const struct jsonw *w)
{
    return jsonw_finish(w);
}

void api_list_begin(struct jsonw *w)
{
    jsonw_object_begin(w);
    jsonw_key(w, "items");
    jsonw_array_begin(w);
}

void api_list_end(struct jsonw *w, const char *next_cursor)
{
    jsonw_array_end(w);
    jsonw_key(w, "next_cursor");
    jsonw_string(w, next_cursor); /* NULL: null */
    jsonw_object_end(w);
}

void api_write_time(struct jsonw *w, int64_t t)
{
    char s[TIME_RFC3339_LEN];
    time_format_rfc3339(t, s);
    jsonw_string(w, s);
}
