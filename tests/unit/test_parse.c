/* test_parse.c - unit tests for src/http/parse.c: query strings and form
 * bodies, cookies, strict numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/parse.h"

static struct arena A;

static int setup(void **state)
{
    (void)state;
    arena_init(&A);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&A);
    return 0;
}

/* Parses a NUL-terminated query, expecting success. */
static struct kvlist ok(const char *s)
{
    struct kvlist l;
    struct yy_error e = {0};
    assert_int_equal(parse_urlencoded(&A, s, strlen(s), &l, &e), YY_OK);
    return l;
}

/* Parses s[0..n), expecting YY_BAD_INPUT with code; returns the error. */
static struct yy_error bad_n(const char *s, size_t n, const char *code)
{
    struct kvlist l = {(struct kv *)1, 99};
    struct yy_error e = {0};
    assert_int_equal(parse_urlencoded(&A, s, n, &l, &e), YY_BAD_INPUT);
    assert_int_equal(e.kind, YY_BAD_INPUT);
    assert_string_equal(e.code, code);
    assert_non_null(e.message);
    assert_true(strlen(e.message) > 0);
    assert_null(l.items);
    assert_int_equal(l.n, 0);
    return e;
}

static struct yy_error bad(const char *s, const char *code)
{
    return bad_n(s, strlen(s), code);
}

/* ---- parse_urlencoded ------------------------------------------------- */

static void test_query_basic(void **state)
{
    (void)state;
    struct kvlist l = ok("year=2026&street=12&q=abc");
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0].key, "year");
    assert_string_equal(l.items[0].value, "2026");
    assert_string_equal(l.items[1].key, "street");
    assert_string_equal(l.items[1].value, "12");
    assert_string_equal(l.items[2].key, "q");
    assert_string_equal(l.items[2].value, "abc");
    assert_string_equal(kvlist_get(&l, "street"), "12");
    assert_null(kvlist_get(&l, "unit"));
    assert_null(kvlist_get(&l, "Year"));
    assert_int_equal(kvlist_count(&l, "year"), 1);
    assert_int_equal(kvlist_count(&l, "nope"), 0);
}

static void test_query_empty(void **state)
{
    (void)state;
    struct kvlist l = ok("");
    assert_int_equal(l.n, 0);
    assert_null(kvlist_get(&l, "a"));

    struct yy_error e = {0};
    assert_int_equal(parse_urlencoded(&A, NULL, 0, &l, &e), YY_OK);
    assert_int_equal(l.n, 0);

    l = ok("&&&");
    assert_int_equal(l.n, 0);
    assert_null(kvlist_get(NULL, "a"));
    assert_int_equal(kvlist_count(NULL, "a"), 0);
}

static void test_query_empty_pairs(void **state)
{
    (void)state;
    struct kvlist l = ok("a=1&&b=2&");
    assert_int_equal(l.n, 2);
    assert_string_equal(kvlist_get(&l, "a"), "1");
    assert_string_equal(kvlist_get(&l, "b"), "2");

    l = ok("&a=1");
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].key, "a");
}

static void test_query_no_equals(void **state)
{
    (void)state;
    struct kvlist l = ok("flag&x=&=v");
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0].key, "flag");
    assert_string_equal(l.items[0].value, "");
    assert_string_equal(l.items[1].key, "x");
    assert_string_equal(l.items[1].value, "");
    assert_string_equal(l.items[2].key, "");
    assert_string_equal(l.items[2].value, "v");
    assert_string_equal(kvlist_get(&l, "flag"), "");
}

static void test_query_first_equals(void **state)
{
    (void)state;
    struct kvlist l = ok("expr=a=b==c");
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].key, "expr");
    assert_string_equal(l.items[0].value, "a=b==c");
}

static void test_query_plus_and_percent(void **state)
{
    (void)state;
    struct kvlist l = ok("q=hello+world&p=%2B1&r=a%20b&s=%2b%2B&t=%41%62c&u=%26%3D");
    assert_string_equal(kvlist_get(&l, "q"), "hello world");
    assert_string_equal(kvlist_get(&l, "p"), "+1");
    assert_string_equal(kvlist_get(&l, "r"), "a b");
    assert_string_equal(kvlist_get(&l, "s"), "++");
    assert_string_equal(kvlist_get(&l, "t"), "Abc");
    assert_string_equal(kvlist_get(&l, "u"), "&=");

    l = ok("a+b=c+d");
    assert_string_equal(l.items[0].key, "a b");
    assert_string_equal(l.items[0].value, "c d");

    l = ok("k%3Dx=v");
    assert_string_equal(l.items[0].key, "k=x");
    assert_string_equal(l.items[0].value, "v");
}

static void test_query_chinese(void **state)
{
    (void)state;
    /* 洪山区 = E6 B4 AA E5 B1 B1 E5 8C BA */
    struct kvlist l = ok("street=%E6%B4%AA%E5%B1%B1%E5%8C%BA&%E5%90%8D=%e6%b5%8b");
    assert_string_equal(kvlist_get(&l, "street"), "洪山区");
    assert_string_equal(kvlist_get(&l, "名"), "测");
    /* Raw UTF-8 (browsers send it percent-encoded, curl may not). */
    l = ok("name=张三");
    assert_string_equal(kvlist_get(&l, "name"), "张三");
}

static void test_query_duplicates(void **state)
{
    (void)state;
    struct kvlist l = ok("limit=1&limit=2&x=0&limit=3");
    assert_int_equal(l.n, 4);
    assert_int_equal(kvlist_count(&l, "limit"), 3);
    assert_int_equal(kvlist_count(&l, "x"), 1);
    assert_string_equal(kvlist_get(&l, "limit"), "1");
}

static void test_query_bad_percent(void **state)
{
    (void)state;
    struct yy_error e = bad("a=%zz", "invalid_encoding");
    assert_string_equal(e.field, "a");
    e = bad("a=%4", "invalid_encoding");
    assert_string_equal(e.field, "a");
    e = bad("a=1&b=x%", "invalid_encoding");
    assert_string_equal(e.field, "b");
    bad("a=%g0", "invalid_encoding");
    bad("a=%0g", "invalid_encoding");
    bad("a=%%41", "invalid_encoding");
    e = bad("%zz=1", "invalid_encoding");
    assert_null(e.field);
    e = bad("k%4", "invalid_encoding");
    assert_null(e.field);
    assert_int_equal(e.kind, YY_BAD_INPUT);
}

static void test_query_nul(void **state)
{
    (void)state;
    struct yy_error e = bad("a=%00", "invalid_encoding");
    assert_string_equal(e.field, "a");
    e = bad("%00=1", "invalid_encoding");
    assert_null(e.field);
    /* A raw NUL inside the counted bytes. */
    bad_n("a=b\0c", 5, "invalid_encoding");
    /* n bounds the input: bytes after it are not read. */
    struct kvlist l;
    assert_int_equal(parse_urlencoded(&A, "a=1&b=%zz", 3, &l, NULL), YY_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(kvlist_get(&l, "a"), "1");
}

static void test_query_invalid_utf8(void **state)
{
    (void)state;
    struct yy_error e = bad("a=%ff", "invalid_encoding");
    assert_string_equal(e.field, "a");
    bad("a=\xff", "invalid_encoding");
    bad("\xff=1", "invalid_encoding");
    /* Overlong '/' (the classic path traversal trick). */
    e = bad("path=%C0%AF", "invalid_encoding");
    assert_string_equal(e.field, "path");
    /* Surrogate, truncated sequence, beyond U+10FFFF. */
    bad("a=%ED%A0%80", "invalid_encoding");
    bad("a=%E6%B4", "invalid_encoding");
    bad("a=%F4%90%80%80", "invalid_encoding");
    /* A sequence split by a literal byte is caught too. */
    bad("a=%E6x%AA", "invalid_encoding");
}

static void test_query_no_error_struct(void **state)
{
    (void)state;
    struct kvlist l;
    assert_int_equal(parse_urlencoded(&A, "a=%zz", 5, &l, NULL), YY_BAD_INPUT);
    assert_int_equal(l.n, 0);
}

/* Builds "k0=0&k1=1&..." with count pairs into b. */
static void make_pairs(struct buf *b, size_t count, const char *sep)
{
    buf_init(b, 1 << 20);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(buf_printf(b, "%sk%zu=%zu", i ? sep : "", i, i), YY_OK);
}

static void test_query_too_many(void **state)
{
    (void)state;
    struct buf b;
    make_pairs(&b, PARSE_MAX_PAIRS, "&");
    struct kvlist l = ok(b.data);
    assert_int_equal(l.n, PARSE_MAX_PAIRS);
    assert_string_equal(kvlist_get(&l, "k255"), "255");
    buf_release(&b);

    make_pairs(&b, PARSE_MAX_PAIRS + 1, "&");
    struct yy_error e = bad(b.data, "too_many_parameters");
    assert_null(e.field);
    buf_release(&b);

    /* Empty pairs do not count towards the limit. */
    make_pairs(&b, PARSE_MAX_PAIRS, "&&&");
    l = ok(b.data);
    assert_int_equal(l.n, PARSE_MAX_PAIRS);
    buf_release(&b);

    /* Too many wins even when a later pair is badly encoded. */
    make_pairs(&b, PARSE_MAX_PAIRS + 1, "&");
    assert_int_equal(buf_puts(&b, "&x=%zz"), YY_OK);
    bad(b.data, "too_many_parameters");
    buf_release(&b);
}

/* ---- parse_cookies ---------------------------------------------------- */

static void test_cookie_basic(void **state)
{
    (void)state;
    struct kvlist l;
    parse_cookies(&A, "sid=abc123; csrf=xyz", &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].key, "sid");
    assert_string_equal(l.items[0].value, "abc123");
    assert_string_equal(kvlist_get(&l, "csrf"), "xyz");

    parse_cookies(&A, "a=1;b=2;  c = 3 ;\td=4\t", &l);
    assert_int_equal(l.n, 4);
    assert_string_equal(kvlist_get(&l, "a"), "1");
    assert_string_equal(kvlist_get(&l, "b"), "2");
    assert_string_equal(kvlist_get(&l, "c"), "3");
    assert_string_equal(kvlist_get(&l, "d"), "4");
}

static void test_cookie_null_and_empty(void **state)
{
    (void)state;
    struct kvlist l = {(struct kv *)1, 5};
    parse_cookies(&A, NULL, &l);
    assert_int_equal(l.n, 0);
    parse_cookies(&A, "", &l);
    assert_int_equal(l.n, 0);
    parse_cookies(&A, " ; ;; ", &l);
    assert_int_equal(l.n, 0);
}

static void test_cookie_malformed_skipped(void **state)
{
    (void)state;
    struct kvlist l;
    parse_cookies(&A, "junk; =novalue; ok=1; x=\x01y; bad=\xff; z=", &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].key, "ok");
    assert_string_equal(l.items[0].value, "1");
    assert_string_equal(l.items[1].key, "z");
    assert_string_equal(l.items[1].value, "");
}

static void test_cookie_quotes_and_raw(void **state)
{
    (void)state;
    struct kvlist l;
    parse_cookies(&A, "a=\"quoted value\"; b=\"; c=\"\"; d=%41%20; e=x=y", &l);
    assert_string_equal(kvlist_get(&l, "a"), "quoted value");
    assert_string_equal(kvlist_get(&l, "b"), "\"");
    assert_string_equal(kvlist_get(&l, "c"), "");
    assert_string_equal(kvlist_get(&l, "d"), "%41%20"); /* no percent decoding */
    assert_string_equal(kvlist_get(&l, "e"), "x=y");
    parse_cookies(&A, "name=张三", &l);
    assert_string_equal(kvlist_get(&l, "name"), "张三");
}

static void test_cookie_duplicates(void **state)
{
    (void)state;
    struct kvlist l;
    parse_cookies(&A, "sid=1; sid=2", &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(kvlist_count(&l, "sid"), 2);
    assert_string_equal(kvlist_get(&l, "sid"), "1");
}

static void test_cookie_limit(void **state)
{
    (void)state;
    struct buf b;
    make_pairs(&b, 300, "; ");
    struct kvlist l;
    parse_cookies(&A, b.data, &l);
    assert_int_equal(l.n, PARSE_MAX_PAIRS);
    assert_string_equal(kvlist_get(&l, "k0"), "0");
    assert_string_equal(kvlist_get(&l, "k255"), "255");
    assert_null(kvlist_get(&l, "k256"));
    buf_release(&b);

    /* Skipped junk does not use up slots beyond the pairs kept. */
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 300; i++)
        assert_int_equal(buf_puts(&b, "junk;"), YY_OK);
    assert_int_equal(buf_puts(&b, "last=1"), YY_OK);
    parse_cookies(&A, b.data, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(kvlist_get(&l, "last"), "1");
    buf_release(&b);
}

/* ---- parse_int64 ------------------------------------------------------ */

static void test_int64_ok(void **state)
{
    (void)state;
    int64_t v = -1;
    assert_true(parse_int64("0", 0, 100, &v));
    assert_int_equal(v, 0);
    assert_true(parse_int64("42", 0, 100, &v));
    assert_int_equal(v, 42);
    assert_true(parse_int64("-7", -10, 10, &v));
    assert_int_equal(v, -7);
    assert_true(parse_int64("-0", -10, 10, &v));
    assert_int_equal(v, 0);
    assert_true(parse_int64("007", 0, 10, &v));
    assert_int_equal(v, 7);
    assert_true(parse_int64("1", 1, 100, &v));
    assert_true(parse_int64("100", 1, 100, &v));
    assert_int_equal(v, 100);
}

static void test_int64_limits(void **state)
{
    (void)state;
    int64_t v = 5;
    assert_true(parse_int64("9223372036854775807", INT64_MIN, INT64_MAX, &v));
    assert_true(v == INT64_MAX);
    assert_true(parse_int64("-9223372036854775808", INT64_MIN, INT64_MAX, &v));
    assert_true(v == INT64_MIN);
    v = 5;
    assert_false(parse_int64("9223372036854775808", INT64_MIN, INT64_MAX, &v));
    assert_false(parse_int64("-9223372036854775809", INT64_MIN, INT64_MAX, &v));
    assert_false(parse_int64("99999999999999999999", INT64_MIN, INT64_MAX, &v));
    assert_false(parse_int64("18446744073709551616", INT64_MIN, INT64_MAX, &v));
    assert_false(parse_int64("0", 1, 100, &v));
    assert_false(parse_int64("101", 1, 100, &v));
    assert_false(parse_int64("-1", 0, 100, &v));
    assert_int_equal(v, 5); /* untouched on failure */
}

static void test_int64_syntax(void **state)
{
    (void)state;
    int64_t v = 5;
    const char *bad_inputs[] = {"",   "-",   "12a",  " 1", "1 ",  "+1",  "0x10", "1.0",
                                "--1", "1-", "1e3", "\t1", "１", "-a", "1,000"};
    for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
        if (parse_int64(bad_inputs[i], INT64_MIN, INT64_MAX, &v))
            fail_msg("accepted \"%s\"", bad_inputs[i]);
    }
    assert_false(parse_int64(NULL, 0, 1, &v));
    assert_int_equal(v, 5);
}

/* ---- parse_double ----------------------------------------------------- */

static void test_double_ok(void **state)
{
    (void)state;
    double d = 0;
    assert_true(parse_double("30.5928", &d));
    assert_true(d > 30.59279 && d < 30.59281);
    assert_true(parse_double("-114.3", &d));
    assert_true(d > -114.31 && d < -114.29);
    assert_true(parse_double("0", &d));
    assert_true(d == 0.0);
    assert_true(parse_double("114", &d));
    assert_true(d == 114.0);
    assert_true(parse_double("-0.5", &d));
    assert_true(d == -0.5);
    assert_true(parse_double("00.25", &d));
    assert_true(d == 0.25);
    /* 64 characters is the limit. */
    char s[80];
    memset(s, '1', 64);
    s[64] = '\0';
    assert_true(parse_double(s, &d));
    s[64] = '1';
    s[65] = '\0';
    assert_false(parse_double(s, &d));
}

static void test_double_syntax(void **state)
{
    (void)state;
    double d = 7.0;
    const char *bad_inputs[] = {"",     "-",    "1e2", "1E2",  ".5",     "5.",  "+1",  " 1",
                                "1 ",   "1.2.3", "nan", "inf", "-inf",   "0x1p3", "1,5", "--1",
                                "-.5",  "1.5e", "infinity", "1.-2", "\xef\xbc\x91"};
    for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
        if (parse_double(bad_inputs[i], &d))
            fail_msg("accepted \"%s\"", bad_inputs[i]);
    }
    assert_false(parse_double(NULL, &d));
    assert_true(d == 7.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_query_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_empty_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_no_equals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_first_equals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_plus_and_percent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_chinese, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_bad_percent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_no_error_struct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_too_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_null_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_malformed_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_quotes_and_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_limit, setup, teardown),
        cmocka_unit_test(test_int64_ok),
        cmocka_unit_test(test_int64_limits),
        cmocka_unit_test(test_int64_syntax),
        cmocka_unit_test(test_double_ok),
        cmocka_unit_test(test_double_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
