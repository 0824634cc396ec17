/* jsonw.c - streaming JSON writer; see jsonw.h for the format it promises. */
#include "core/jsonw.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- low level: sticky appends ------------------------------------------- */

static void put(struct jsonw *w, const char *p, size_t n)
{
    if (w->err != YY_OK)
        return;
    w->err = buf_append(w->out, p, n);
}

static void misuse(struct jsonw *w)
{
    if (w->err == YY_OK)
        w->err = YY_INTERNAL;
}

/* Everything a value does before its own bytes: check the place, write the
 * separating comma.  Returns false (and records misuse) when no value may
 * come here. */
static bool value_begin(struct jsonw *w)
{
    if (w->err != YY_OK)
        return false;
    if (w->depth == 0) {
        if (w->need_comma) { /* one top-level value per document */
            misuse(w);
            return false;
        }
        return true;
    }
    if (w->is_object[w->depth - 1]) {
        if (!w->after_key) {
            misuse(w);
            return false;
        }
        w->after_key = false;
        return true;
    }
    if (w->need_comma)
        put(w, ",", 1);
    return w->err == YY_OK;
}

static void value_end(struct jsonw *w)
{
    w->need_comma = true;
}

/* ---- containers ---------------------------------------------------------- */

void jsonw_init(struct jsonw *w, struct buf *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

static void open_container(struct jsonw *w, bool object)
{
    if (!value_begin(w))
        return;
    if (w->depth == JSONW_MAX_DEPTH) {
        misuse(w);
        return;
    }
    put(w, object ? "{" : "[", 1);
    w->is_object[w->depth++] = object;
    w->need_comma = false;
}

static void close_container(struct jsonw *w, bool object)
{
    if (w->err != YY_OK)
        return;
    if (w->depth == 0 || w->is_object[w->depth - 1] != object || w->after_key) {
        misuse(w);
        return;
    }
    w->depth--;
    put(w, object ? "}" : "]", 1);
    value_end(w);
}

void jsonw_object_begin(struct jsonw *w)
{
    open_container(w, true);
}

void jsonw_object_end(struct jsonw *w)
{
    close_container(w, true);
}

void jsonw_array_begin(struct jsonw *w)
{
    open_container(w, false);
}

void jsonw_array_end(struct jsonw *w)
{
    close_container(w, false);
}

/* ---- strings ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence (RFC 3629) starting at s[0] >= 0x80, or
 * 0 when none starts there. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* no overlongs */
        else if (c == 0xF4)
            hi = 0x8F; /* <= U+10FFFF */
    } else {
        return 0;
    }
    if (avail < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return len;
}

static void put_escaped(struct jsonw *w, const char *str, size_t n)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes it */
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* start of the bytes that pass through unchanged */
    size_t i = 0;
    put(w, "\"", 1);
    while (i < n) {
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = utf8_seq_len(s + i, n - i);
            if (len) {
                i += len;
                continue;
            }
        }
        put(w, str + run, i - run);
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t esc_len = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            if (c < 0x20) {
                esc[1] = 'u';
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 0xF];
                esc_len = 6;
            } else {
                /* a byte that starts no valid sequence: U+FFFD */
                memcpy(esc, "\xEF\xBF\xBD", 3);
                esc_len = 3;
            }
        }
        put(w, esc, esc_len);
        i++;
        run = i;
    }
    put(w, str + run, n - run);
    put(w, "\"", 1);
}

void jsonw_key(struct jsonw *w, const char *key)
{
    if (w->err != YY_OK)
        return;
    if (w->depth == 0 || !w->is_object[w->depth - 1] || w->after_key || !key) {
        misuse(w);
        return;
    }
    if (w->need_comma)
        put(w, ",", 1);
    put_escaped(w, key, strlen(key));
    put(w, ":", 1);
    w->after_key = true;
}

void jsonw_stringn(struct jsonw *w, const char *s, size_t n)
{
    if (!value_begin(w))
        return;
    put_escaped(w, s, n);
    value_end(w);
}

void jsonw_string(struct jsonw *w, const char *s)
{
    if (!s) {
        jsonw_null(w);
        return;
    }
    jsonw_stringn(w, s, strlen(s));
}

/* ---- numbers and literals ------------------------------------------------ */

void jsonw_int(struct jsonw *w, int64_t v)
{
    if (!value_begin(w))
        return;
    char tmp[24];
    size_t at = sizeof(tmp);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--at] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--at] = '-';
    put(w, tmp + at, sizeof(tmp) - at);
    value_end(w);
}

void jsonw_member_int(struct jsonw *w, const char *key, int64_t v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}

/* jansson's jsonp_dtostr with precision 10: "%.10g", ".0" appended when
 * neither '.' nor 'e' appears, exponent without '+' and leading zeros.
 * The slow path, for what the fast path below leaves alone. */
static size_t format_double_printf(double v, char out[JSONW_DOUBLE_MAX])
{
    int r = snprintf(out, JSONW_DOUBLE_MAX, "%.10g", v);
    assert(r > 0 && r < JSONW_DOUBLE_MAX - 2);
    size_t len = (size_t)r;
    if (!strchr(out, '.') && !strchr(out, 'e')) {
        memcpy(out + len, ".0", 3);
        len += 2;
    }
    char *e = strchr(out, 'e');
    if (e) {
        char *start = e + 1;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - out) + 1);
            len -= (size_t)(end - start);
        }
    }
    return len;
}

/* Powers of ten 1e-4 .. 1e13 (exact from 1e0 up). */
static const double pow10_tab[] = {1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1,  1e2,  1e3,  1e4,
                                   1e5,  1e6,  1e7,  1e8,  1e9, 1e10, 1e11, 1e12, 1e13};
#define POW10(k) pow10_tab[(k) + 4]

/* The same result for 1e-4 <= |v| < 1e9, where "%.10g" writes fixed
 * notation, without printf: v scaled to ten integer digits and rounded.  The
 * scaling is one multiplication by an exact power of ten, so its error is
 * below 2^-20 on a value < 1e10; anything within 1e-4 of a rounding tie goes
 * to printf, which rounds the exact binary value.  Returns 0 when it cannot
 * decide. */
static size_t format_double_fast(double v, char out[JSONW_DOUBLE_MAX])
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e9))
        return 0;
    int e = -4; /* decimal exponent: 10^e <= a < 10^(e+1) */
    while (e < 8 && a >= POW10(e + 1))
        e++;
    double scaled = a * POW10(9 - e); /* in [1e9, 1e10) */
    double whole = floor(scaled);
    double frac = scaled - whole;
    if (fabs(frac - 0.5) < 1e-4)
        return 0;
    uint64_t digits = (uint64_t)whole + (frac > 0.5);
    if (digits == 10000000000ull) {
        digits = 1000000000ull;
        e++;
    }
    if (digits < 1000000000ull || digits >= 10000000000ull || e > 8)
        return 0; /* exponent misjudged at a power of ten */
    char d[10];
    for (int k = 9; k >= 0; k--) {
        d[k] = (char)('0' + digits % 10);
        digits /= 10;
    }
    int nd = 10;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    size_t len = 0;
    if (signbit(v))
        out[len++] = '-';
    if (e >= 0) {
        int int_digits = e + 1;
        memcpy(out + len, d, (size_t)int_digits);
        len += (size_t)int_digits;
        out[len++] = '.';
        if (nd > int_digits) {
            memcpy(out + len, d + int_digits, (size_t)(nd - int_digits));
            len += (size_t)(nd - int_digits);
        } else {
            out[len++] = '0'; /* jansson's ".0" */
        }
    } else {
        out[len++] = '0';
        out[len++] = '.';
        for (int k = -1; k > e; k--)
            out[len++] = '0';
        memcpy(out + len, d, (size_t)nd);
        len += (size_t)nd;
    }
    out[len] = '\0';
    return len;
}

size_t jsonw_format_double(double v, char out[JSONW_DOUBLE_MAX])
{
    if (!isfinite(v)) {
        memcpy(out, "null", 5);
        return 4;
    }
    if (v == 0) {
        const char *z = signbit(v) ? "-0.0" : "0.0";
        size_t n = strlen(z);
        memcpy(out, z, n + 1);
        return n;
    }
    size_t n = format_double_fast(v, out);
    return n ? n : format_double_printf(v, out);
}

void jsonw_double(struct jsonw *w, double v)
{
    if (!value_begin(w))
        return;
    char tmp[JSONW_DOUBLE_MAX];
    size_t n = jsonw_format_double(v, tmp);
    put(w, tmp, n);
    value_end(w);
}

void jsonw_bool(struct jsonw *w, bool v)
{
    if (!value_begin(w))
        return;
    if (v)
        put(w, "true", 4);
    else
        put(w, "false", 5);
    value_end(w);
}

void jsonw_null(struct jsonw *w)
{
    if (!value_begin(w))
        return;
    put(w, "null", 4);
    value_end(w);
}

enum yy_err jsonw_finish(const struct jsonw *w)
{
    if (w->err != YY_OK)
        return w->err;
    if (w->depth != 0 || w->after_key || !w->need_comma)
        return YY_INTERNAL;
    return YY_OK;
}
