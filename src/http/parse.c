/* parse.c - parsers of outside HTTP input; see parse.h for the contract. */
#include "http/parse.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

#define PARSE_DOUBLE_MAX_CHARS 64

static const char msg_invalid_encoding[] = "请求参数的编码无效";
static const char msg_too_many[] = "请求参数过多";

/* ------------------------------------------------------------------------
 * application/x-www-form-urlencoded
 * ------------------------------------------------------------------------ */

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) ('+' to space, %XX to a byte) into a new arena string.
 * Returns NULL on a bad escape, a NUL byte, or a result that is not UTF-8. */
static char *decode_component(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    size_t len = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3)
                return NULL;
            int hi = hex_value((unsigned char)s[i + 1]);
            int lo = hex_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            c = (unsigned char)(hi * 16 + lo);
            i += 3;
        } else {
            if (c == '+')
                c = ' ';
            i++;
        }
        if (c == '\0')
            return NULL;
        d[len++] = (char)c;
    }
    d[len] = '\0';
    if (!utf8_valid(d, len))
        return NULL;
    return d;
}

/* Number of non-empty '&'-separated segments of s[0..n). */
static size_t count_pairs(const char *s, size_t n)
{
    size_t pairs = 0;
    size_t seg_len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&') {
            if (seg_len)
                pairs++;
            seg_len = 0;
        } else {
            seg_len++;
        }
    }
    if (seg_len)
        pairs++;
    return pairs;
}

enum yy_err parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out,
                             struct yy_error *e)
{
    out->items = NULL;
    out->n = 0;
    if (!s || n == 0)
        return YY_OK;

    size_t pairs = count_pairs(s, n);
    if (pairs > PARSE_MAX_PAIRS)
        return yy_fail(e, YY_BAD_INPUT, "too_many_parameters", msg_too_many, NULL);
    if (pairs == 0)
        return YY_OK;

    struct kv *items = arena_calloc(a, pairs, sizeof(*items));
    size_t k = 0;
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            const char *seg = s + i;
            size_t len = end - i;
            const char *eq = memchr(seg, '=', len);
            size_t key_len = eq ? (size_t)(eq - seg) : len;
            char *key = decode_component(a, seg, key_len);
            if (!key)
                return yy_fail(e, YY_BAD_INPUT, "invalid_encoding", msg_invalid_encoding, NULL);
            const char *value = "";
            if (eq) {
                value = decode_component(a, eq + 1, len - key_len - 1);
                if (!value)
                    return yy_fail(e, YY_BAD_INPUT, "invalid_encoding", msg_invalid_encoding,
                                   key);
            }
            assert(k < pairs);
            items[k].key = key;
            items[k].value = value;
            k++;
        }
        i = end + 1;
    }
    assert(k == pairs);
    out->items = items;
    out->n = k;
    return YY_OK;
}

const char *kvlist_get(const struct kvlist *l, const char *key)
{
    if (!l || !key)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].key, key) == 0)
            return l->items[i].value;
    }
    return NULL;
}

size_t kvlist_count(const struct kvlist *l, const char *key)
{
    size_t count = 0;
    if (!l || !key)
        return 0;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].key, key) == 0)
            count++;
    }
    return count;
}

/* ------------------------------------------------------------------------
 * Cookie header
 * ------------------------------------------------------------------------ */

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Any control character, tab and line breaks included (C0, DEL, C1, bidi
 * overrides). */
static bool has_controls(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            return true;
    }
    return utf8_has_controls(s, n);
}

/* Trims spaces and tabs from both ends of *s / *n. */
static void trim_ows(const char **s, size_t *n)
{
    while (*n && is_ows((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_ows((*s)[*n - 1]))
        (*n)--;
}

/* Adds the cookie in seg[0..len) to items[*k] unless it is malformed. */
static void add_cookie(struct arena *a, const char *seg, size_t len, struct kv *items, size_t *k)
{
    const char *eq = memchr(seg, '=', len);
    if (!eq)
        return;
    const char *name = seg;
    size_t name_len = (size_t)(eq - seg);
    const char *value = eq + 1;
    size_t value_len = len - name_len - 1;
    trim_ows(&name, &name_len);
    trim_ows(&value, &value_len);
    if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
        value++;
        value_len -= 2;
    }
    if (name_len == 0 || has_controls(name, name_len) || has_controls(value, value_len))
        return;
    if (!utf8_valid(name, name_len) || !utf8_valid(value, value_len))
        return;
    items[*k].key = arena_strndup(a, name, name_len);
    items[*k].value = arena_strndup(a, value, value_len);
    (*k)++;
}

void parse_cookies(struct arena *a, const char *header, struct kvlist *out)
{
    out->items = NULL;
    out->n = 0;
    if (!header || !header[0])
        return;

    size_t n = strlen(header);
    size_t cap = 1;
    for (size_t i = 0; i < n && cap < PARSE_MAX_PAIRS; i++) {
        if (header[i] == ';')
            cap++;
    }

    struct kv *items = arena_calloc(a, cap, sizeof(*items));
    size_t k = 0;
    size_t i = 0;
    while (i < n && k < cap) {
        const char *semi = memchr(header + i, ';', n - i);
        size_t end = semi ? (size_t)(semi - header) : n;
        add_cookie(a, header + i, end - i, items, &k);
        i = end + 1;
    }
    out->items = items;
    out->n = k;
}

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s)
        return false;
    bool negative = s[0] == '-';
    size_t i = negative ? 1 : 0;
    if (!is_digit(s[i]))
        return false;

    /* Accumulate the magnitude unsigned, so INT64_MIN needs no special path
     * until the end. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; s[i]; i++) {
        if (!is_digit(s[i]))
            return false;
        unsigned int d = (unsigned int)(s[i] - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }

    int64_t r;
    if (!negative)
        r = (int64_t)v;
    else if (v == (uint64_t)INT64_MAX + 1)
        r = INT64_MIN;
    else
        r = -(int64_t)v;
    if (r < min || r > max)
        return false;
    *out = r;
    return true;
}

bool parse_double(const char *s, double *out)
{
    if (!s)
        return false;
    size_t i = 0;
    if (s[i] == '-')
        i++;
    if (!is_digit(s[i]))
        return false;
    while (is_digit(s[i]) && i <= PARSE_DOUBLE_MAX_CHARS)
        i++;
    if (s[i] == '.') {
        i++;
        if (!is_digit(s[i]))
            return false;
        while (is_digit(s[i]) && i <= PARSE_DOUBLE_MAX_CHARS)
            i++;
    }
    if (s[i] != '\0' || i > PARSE_DOUBLE_MAX_CHARS)
        return false;

    char *end = NULL;
    double v = strtod(s, &end);
    if (end != s + i || !isfinite(v))
        return false;
    *out = v;
    return true;
}
