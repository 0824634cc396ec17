/* test_jsonw.c - unit tests for the streaming JSON writer (core/jsonw.h):
 * escaping, nesting and misuse, numbers, and random documents that must come
 * out byte for byte as jansson writes them and parse back to the same tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/utf8.h"

/* Deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

/* Writes one string value as a whole document; returns the buffer's text
 * (caller releases b). */
static const char *string_doc(struct buf *b, const char *s, size_t n)
{
    struct jsonw w;
    buf_init(b, 1 << 20);
    jsonw_init(&w, b);
    jsonw_stringn(&w, s, n);
    assert_int_equal(jsonw_finish(&w), YY_OK);
    return b->data;
}

/* What jansson writes for v (JSON_COMPACT | JSON_REAL_PRECISION(10)), the
 * settings api_reply uses.  Caller frees. */
static char *jansson_dump(json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
    assert_non_null(s);
    return s;
}

/* ---- strings ------------------------------------------------------------- */

static void test_escaping(void **state)
{
    (void)state;
    struct buf b;
    assert_string_equal(string_doc(&b, "a\"b\\c/d", 7), "\"a\\\"b\\\\c/d\"");
    buf_release(&b);
    assert_string_equal(string_doc(&b, "\b\f\n\r\t", 5), "\"\\b\\f\\n\\r\\t\"");
    buf_release(&b);
    assert_string_equal(string_doc(&b, "\x01\x1f\x7f", 3), "\"\\u0001\\u001F\x7f\"");
    buf_release(&b);
    assert_string_equal(string_doc(&b, "x\0y", 3), "\"x\\u0000y\"");
    buf_release(&b);
    assert_string_equal(string_doc(&b, "", 0), "\"\"");
    buf_release(&b);
    /* valid UTF-8 passes through: CJK, 4-byte, U+2028, U+FEFF */
    const char *u = "人大代表联络站😀\xE2\x80\xA8\xEF\xBB\xBF";
    const char *got = string_doc(&b, u, strlen(u));
    assert_int_equal(strlen(got), strlen(u) + 2);
    assert_memory_equal(got + 1, u, strlen(u));
    buf_release(&b);
}

static void test_invalid_utf8_replaced(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"\x80", 1, "\"\xEF\xBF\xBD\""}, /* lone continuation */
        {"a\xC0\xAF"
         "b",
         4,
         "\"a\xEF\xBF\xBD\xEF\xBF\xBD"
         "b\""},                                                         /* overlong '/' */
        {"\xE0\x80\xAF", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}, /* overlong, 3 bytes */
        {"\xED\xA0\x80", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}, /* surrogate */
        {"\xE4\xBA", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},                 /* truncated */
        {"\xF4\x90\x80\x80", 4,
         "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}, /* > U+10FFFF */
        {"\xF5", 1, "\"\xEF\xBF\xBD\""},
        {"\xFF\"", 2, "\"\xEF\xBF\xBD\\\"\""},
        {"\xE4\xBA"
         "a",
         3,
         "\"\xEF\xBF\xBD\xEF\xBF\xBD"
         "a\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b;
        const char *got = string_doc(&b, cases[i].in, cases[i].n);
        assert_string_equal(got, cases[i].out);
        assert_true(utf8_valid(got, strlen(got)));
        buf_release(&b);
    }
}

static void test_string_null_and_keys(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_key(&w, "a\"b");
    jsonw_string(&w, NULL);
    jsonw_key(&w, "c");
    jsonw_string(&w, "d");
    jsonw_object_end(&w);
    assert_int_equal(jsonw_finish(&w), YY_OK);
    assert_string_equal(b.data, "{\"a\\\"b\":null,\"c\":\"d\"}");
    buf_release(&b);
}

/* ---- nesting and misuse -------------------------------------------------- */

static void test_nesting(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_key(&w, "items");
    jsonw_array_begin(&w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "x");
    jsonw_array_begin(&w);
    jsonw_array_end(&w);
    jsonw_key(&w, "y");
    jsonw_object_begin(&w);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    jsonw_int(&w, 1);
    jsonw_array_begin(&w);
    jsonw_bool(&w, true);
    jsonw_bool(&w, false);
    jsonw_null(&w);
    jsonw_array_end(&w);
    jsonw_array_end(&w);
    jsonw_key(&w, "next");
    jsonw_null(&w);
    jsonw_object_end(&w);
    assert_int_equal(jsonw_finish(&w), YY_OK);
    assert_string_equal(b.data,
                        "{\"items\":[{\"x\":[],\"y\":{}},1,[true,false,null]],\"next\":null}");
    buf_release(&b);
}

static void test_depth_limit(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    struct jsonw w;
    jsonw_init(&w, &b);
    for (int i = 0; i < JSONW_MAX_DEPTH; i++)
        jsonw_array_begin(&w);
    for (int i = 0; i < JSONW_MAX_DEPTH; i++)
        jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w), YY_OK);
    buf_release(&b);

    buf_init(&b, 1024);
    jsonw_init(&w, &b);
    for (int i = 0; i <= JSONW_MAX_DEPTH; i++)
        jsonw_array_begin(&w);
    assert_int_equal(jsonw_finish(&w), YY_INTERNAL);
    /* sticky: nothing more is written */
    size_t len = b.len;
    jsonw_int(&w, 5);
    assert_int_equal(b.len, len);
    buf_release(&b);
}

enum misuse_case {
    VALUE_WITHOUT_KEY,
    KEY_IN_ARRAY,
    KEY_AT_TOP,
    TWO_KEYS,
    WRONG_END,
    END_AFTER_KEY,
    END_AT_TOP,
    TWO_TOP_VALUES,
    UNFINISHED,
    NOTHING,
    NULL_KEY,
};

static void test_misuse(void **state)
{
    (void)state;
    for (int c = VALUE_WITHOUT_KEY; c <= NULL_KEY; c++) {
        struct buf b;
        buf_init(&b, 1024);
        struct jsonw w;
        jsonw_init(&w, &b);
        switch ((enum misuse_case)c) {
        case VALUE_WITHOUT_KEY:
            jsonw_object_begin(&w);
            jsonw_int(&w, 1);
            jsonw_object_end(&w);
            break;
        case KEY_IN_ARRAY:
            jsonw_array_begin(&w);
            jsonw_key(&w, "a");
            jsonw_array_end(&w);
            break;
        case KEY_AT_TOP:
            jsonw_key(&w, "a");
            break;
        case TWO_KEYS:
            jsonw_object_begin(&w);
            jsonw_key(&w, "a");
            jsonw_key(&w, "b");
            jsonw_int(&w, 1);
            jsonw_object_end(&w);
            break;
        case WRONG_END:
            jsonw_object_begin(&w);
            jsonw_array_end(&w);
            break;
        case END_AFTER_KEY:
            jsonw_object_begin(&w);
            jsonw_key(&w, "a");
            jsonw_object_end(&w);
            break;
        case END_AT_TOP:
            jsonw_array_end(&w);
            break;
        case TWO_TOP_VALUES:
            jsonw_int(&w, 1);
            jsonw_int(&w, 2);
            break;
        case UNFINISHED:
            jsonw_array_begin(&w);
            jsonw_int(&w, 1);
            break;
        case NOTHING:
            break;
        case NULL_KEY:
            jsonw_object_begin(&w);
            jsonw_key(&w, NULL);
            break;
        }
        assert_int_equal(jsonw_finish(&w), YY_INTERNAL);
        buf_release(&b);
    }
}

static void test_buffer_maximum(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 16);
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_array_begin(&w);
    for (int i = 0; i < 10; i++)
        jsonw_string(&w, "abcd");
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w), YY_TOO_LARGE);
    assert_true(b.len <= 16);
    buf_release(&b);
}

/* ---- numbers ------------------------------------------------------------- */

static void test_integers(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_array_begin(&w);
    jsonw_int(&w, 0);
    jsonw_int(&w, -1);
    jsonw_int(&w, 42);
    jsonw_int(&w, INT64_MAX);
    jsonw_int(&w, INT64_MIN);
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w), YY_OK);
    assert_string_equal(b.data, "[0,-1,42,9223372036854775807,-9223372036854775808]");
    buf_release(&b);
}

static void check_double(double v)
{
    char got[JSONW_DOUBLE_MAX];
    size_t n = jsonw_format_double(v, got);
    assert_int_equal(n, strlen(got));
    json_t *j = json_real(v);
    assert_non_null(j);
    char *want = jansson_dump(j);
    json_decref(j);
    if (strcmp(got, want) != 0)
        fail_msg("double %.17g: jsonw wrote %s, jansson %s", v, got, want);
    free(want);
}

static void test_doubles_fixed(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {1.0, "1.0"},
        {-2.0, "-2.0"},
        {30.58, "30.58"},
        {114.27, "114.27"},
        {30.5812345, "30.5812345"},
        {114.2712345, "114.2712345"},
        {0.1, "0.1"},
        {0.0001, "0.0001"},
        {0.00001, "1e-5"},
        {1e20, "1e20"},
        {123456789.0, "123456789.0"},
        {1234567890.0, "1234567890.0"},
        {12345678901.0, "1.23456789e10"},
        {-90.0, "-90.0"},
        {180.0, "180.0"},
        {0.30000000000000004, "0.3"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char got[JSONW_DOUBLE_MAX];
        jsonw_format_double(cases[i].v, got);
        assert_string_equal(got, cases[i].s);
        check_double(cases[i].v);
    }
    char got[JSONW_DOUBLE_MAX];
    jsonw_format_double(NAN, got);
    assert_string_equal(got, "null");
    jsonw_format_double(-INFINITY, got);
    assert_string_equal(got, "null");
}

/* Identical to jansson for coordinates with up to 9 decimals, numbers near
 * powers of ten and rounding ties, and arbitrary bit patterns. */
static void test_doubles_like_jansson(void **state)
{
    (void)state;
    for (int i = 0; i < 200000; i++) {
        int decimals = (int)(rng() % 10);
        double scale = pow(10, decimals);
        double lat = (double)(int64_t)(rng() % (uint64_t)(180 * scale)) / scale - 90;
        double lon = (double)(int64_t)(rng() % (uint64_t)(360 * scale)) / scale - 180;
        check_double(lat);
        check_double(lon);
    }
    for (int k = -6; k <= 12; k++) {
        double p = pow(10, k);
        check_double(p);
        check_double(nextafter(p, 0));
        check_double(nextafter(p, INFINITY));
        check_double(p * 0.99999999995);
        check_double(p * 0.999999999949);
        check_double(p * 9.9999999995);
        check_double(-p * 1.00000000005);
        check_double(p * 1.2345678905);
    }
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = rng();
        double v;
        memcpy(&v, &bits, sizeof(v));
        if (isfinite(v))
            check_double(v);
        /* and values within the fast path's range */
        double r = (double)(rng() >> 11) / (double)(1ull << 53); /* [0, 1) */
        check_double(r * pow(10, (int)(rng() % 14) - 4));
    }
}

/* ---- random documents ---------------------------------------------------- */

/* A random string: mostly valid UTF-8 with the characters that need care. */
static size_t random_text(char *out, size_t cap)
{
    static const char *const pieces[] = {"a",  "Z",  " ",    "\"",           "\\",           "/",
                                         "\n", "\t", "\x01", "\x1f",         "\x7f",         "é",
                                         "人", "大", "😀",    "\xE2\x80\xA8", "\xEF\xBF\xBD", "0",
                                         "{",  "]"};
    size_t n = 0;
    size_t count = rng() % 12;
    for (size_t i = 0; i < count; i++) {
        const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t l = strlen(p);
        if (n + l >= cap)
            break;
        memcpy(out + n, p, l);
        n += l;
    }
    if (rng() % 8 == 0 && n + 1 < cap)
        out[n++] = '\0'; /* embedded NUL */
    out[n] = '\0';
    return n;
}

/* Writes a random value to w and builds the same value as a jansson tree. */
static json_t *random_value(struct jsonw *w, int depth)
{
    unsigned kind = (unsigned)(rng() % (depth < 6 ? 8 : 6));
    char text[128];
    switch (kind) {
    case 0:
        jsonw_null(w);
        return json_null();
    case 1: {
        bool v = rng() & 1;
        jsonw_bool(w, v);
        return json_boolean(v);
    }
    case 2: {
        int64_t v = (int64_t)rng() >> (rng() % 64);
        jsonw_int(w, v);
        return json_integer(v);
    }
    case 3: {
        double v = ((double)(int64_t)(rng() % 3600000000ull) - 1800000000.0) / 1e7;
        jsonw_double(w, v);
        return json_real(v);
    }
    case 4:
    case 5: {
        size_t n = random_text(text, sizeof(text));
        jsonw_stringn(w, text, n);
        return json_stringn(text, n);
    }
    case 6: {
        json_t *a = json_array();
        jsonw_array_begin(w);
        size_t n = rng() % 5;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, random_value(w, depth + 1));
        jsonw_array_end(w);
        return a;
    }
    default: {
        json_t *o = json_object();
        jsonw_object_begin(w);
        size_t n = rng() % 5;
        for (size_t i = 0; i < n; i++) {
            char key[64];
            int kl = snprintf(key, sizeof(key), "k%zu_", i); /* unique keys */
            size_t extra = random_text(key + kl, sizeof(key) - (size_t)kl);
            if (memchr(key, '\0', (size_t)kl + extra))
                key[(size_t)kl + extra] = '\0'; /* keys are C strings */
            jsonw_key(w, key);
            json_object_set_new(o, key, random_value(w, depth + 1));
        }
        jsonw_object_end(w);
        return o;
    }
    }
}

static void test_random_documents(void **state)
{
    (void)state;
    for (int i = 0; i < 20000; i++) {
        struct buf b;
        buf_init(&b, 1 << 20);
        struct jsonw w;
        jsonw_init(&w, &b);
        json_t *tree = random_value(&w, 0);
        assert_int_equal(jsonw_finish(&w), YY_OK);
        /* jansson parses what we wrote, to the same tree ... */
        json_error_t jerr;
        json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!back)
            fail_msg("jansson rejects %s: %s", b.data, jerr.text);
        assert_true(json_equal(tree, back));
        /* ... and writes the very same bytes */
        char *want = jansson_dump(tree);
        if (strlen(want) != b.len || memcmp(want, b.data, b.len) != 0)
            fail_msg("jsonw wrote %s\njansson  %s", b.data, want);
        free(want);
        json_decref(back);
        json_decref(tree);
        buf_release(&b);
    }
}

/* Random bytes, valid or not: the output is always valid UTF-8 JSON that
 * jansson accepts, and equal to the input when the input was valid. */
static void test_random_bytes(void **state)
{
    (void)state;
    for (int i = 0; i < 50000; i++) {
        unsigned char in[24];
        size_t n = rng() % sizeof(in);
        for (size_t k = 0; k < n; k++)
            in[k] = (unsigned char)rng();
        struct buf b;
        const char *got = string_doc(&b, (const char *)in, n);
        assert_true(utf8_valid(got, b.len));
        json_error_t jerr;
        json_t *back = json_loadb(got, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!back)
            fail_msg("jansson rejects output for %zu random bytes: %s", n, jerr.text);
        if (utf8_valid((const char *)in, n)) {
            assert_int_equal(json_string_length(back), n);
            assert_memory_equal(json_string_value(back), in, n);
        }
        json_decref(back);
        buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_string_null_and_keys),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_buffer_maximum),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_doubles_fixed),
        cmocka_unit_test(test_doubles_like_jansson),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
