/* test_csv.c - unit tests for src/core/csv.c: the RFC 4180 reader (every
 * error code, line numbers, limits) and the formula-safe field writer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"

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

static struct csv_table parse_ok_n(const char *data, size_t n)
{
    struct csv_table t;
    struct yy_error e = {0};
    enum yy_err rc = csv_parse(&A, data, n, &t, &e);
    if (rc != YY_OK)
        fail_msg("csv_parse failed: %s %s", e.code, e.message);
    assert_true(t.n_rows > 0);
    return t;
}

static struct csv_table parse_ok(const char *data)
{
    return parse_ok_n(data, strlen(data));
}

/* Expects failure with code and a message starting with prefix. */
static void parse_bad_n(const char *data, size_t n, const char *code, const char *prefix)
{
    struct csv_table t = {(struct csv_row *)1, 7};
    struct yy_error e = {0};
    assert_int_equal(csv_parse(&A, data, n, &t, &e), YY_BAD_INPUT);
    assert_int_equal(e.kind, YY_BAD_INPUT);
    assert_string_equal(e.code, code);
    assert_non_null(e.message);
    if (strncmp(e.message, prefix, strlen(prefix)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", e.message, prefix);
    assert_null(e.field);
    assert_null(t.rows);
    assert_int_equal(t.n_rows, 0);
}

static void parse_bad(const char *data, const char *code, const char *prefix)
{
    parse_bad_n(data, strlen(data), code, prefix);
}

static void assert_row(const struct csv_row *r, size_t line, size_t n, const char *const *want)
{
    assert_int_equal(r->line, line);
    assert_int_equal(r->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(r->fields[i], want[i]);
}

#define ROW(t, i, line, ...)                                                                       \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        assert_row(&(t).rows[i], line, sizeof(want_) / sizeof(want_[0]), want_);                   \
    } while (0)

/* ---- reader: normal input --------------------------------------------- */

static void test_basic(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("name,age\nalice,30\nbob,41\n");
    assert_int_equal(t.n_rows, 3);
    ROW(t, 0, 1, "name", "age");
    ROW(t, 1, 2, "alice", "30");
    ROW(t, 2, 3, "bob", "41");
}

static void test_no_final_newline(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("a,b\nc,d");
    assert_int_equal(t.n_rows, 2);
    ROW(t, 1, 2, "c", "d");
    t = parse_ok("single");
    assert_int_equal(t.n_rows, 1);
    ROW(t, 0, 1, "single");
}

static void test_bom_and_chinese_header(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("\xEF\xBB\xBF姓名,联系电话,所属街道\r\n张三,13800000000,洪山街\r\n");
    assert_int_equal(t.n_rows, 2);
    ROW(t, 0, 1, "姓名", "联系电话", "所属街道");
    ROW(t, 1, 2, "张三", "13800000000", "洪山街");
    assert_int_equal(csv_column(&t.rows[0], "姓名"), 0);
    assert_int_equal(csv_column(&t.rows[0], "所属街道"), 2);
    assert_int_equal(csv_column(&t.rows[0], "街道"), -1);
}

static void test_bom_only_at_start(void **state)
{
    (void)state;
    /* A BOM anywhere else is data (U+FEFF is valid UTF-8). */
    struct csv_table t = parse_ok("a\n\xEF\xBB\xBF" "b\n");
    ROW(t, 1, 2, "\xEF\xBB\xBF" "b");
    /* A partial BOM is not skipped, and is invalid UTF-8. */
    parse_bad("\xEF\xBB" "a\n", "csv_invalid_utf8", "第1行: ");
}

static void test_crlf(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("a,b\r\nc,d\r\n\r\ne,f\r\n");
    assert_int_equal(t.n_rows, 3);
    ROW(t, 0, 1, "a", "b");
    ROW(t, 1, 2, "c", "d");
    ROW(t, 2, 4, "e", "f");
    /* Mixed line ends, and a final CR at the very end. */
    t = parse_ok("a\nb\r\nc\r");
    assert_int_equal(t.n_rows, 3);
    ROW(t, 2, 3, "c");
    t = parse_ok("\"q\"\r\n\"r\"\r");
    ROW(t, 0, 1, "q");
    ROW(t, 1, 2, "r");
}

static void test_bare_cr_is_data(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("a\rb,c\n");
    assert_int_equal(t.n_rows, 1);
    ROW(t, 0, 1, "a\rb", "c");
    t = parse_ok("x,\r\n");
    ROW(t, 0, 1, "x", "");
}

static void test_quoted_commas(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("\"a,b\",c,\"d,,e\"\n");
    ROW(t, 0, 1, "a,b", "c", "d,,e");
}

static void test_quoted_newlines_and_lines(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("h1,h2\n"
                                  "\"line1\nline2\",x\n"
                                  "next,y\n"
                                  "\"a\r\nb\r\nc\",z\r\n"
                                  "last,w\n");
    assert_int_equal(t.n_rows, 5);
    ROW(t, 0, 1, "h1", "h2");
    ROW(t, 1, 2, "line1\nline2", "x");
    ROW(t, 2, 4, "next", "y");
    ROW(t, 3, 5, "a\r\nb\r\nc", "z");
    ROW(t, 4, 8, "last", "w");
}

static void test_doubled_quotes(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("\"say \"\"hi\"\"\",\"\"\"\"\"\",\"\",x\n");
    ROW(t, 0, 1, "say \"hi\"", "\"\"", "", "x");
    t = parse_ok("\"\"");
    ROW(t, 0, 1, "");
}

static void test_unquoted_as_is(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("  spaced  , ab\"c ,\t,x\"\"y\n");
    ROW(t, 0, 1, "  spaced  ", " ab\"c ", "\t", "x\"\"y");
}

static void test_empty_fields(void **state)
{
    (void)state;
    struct csv_table t = parse_ok(",\na,\n,b\n,,\n");
    assert_int_equal(t.n_rows, 4);
    ROW(t, 0, 1, "", "");
    ROW(t, 1, 2, "a", "");
    ROW(t, 2, 3, "", "b");
    ROW(t, 3, 4, "", "", "");
    t = parse_ok("a,");
    ROW(t, 0, 1, "a", "");
}

static void test_blank_lines(void **state)
{
    (void)state;
    struct csv_table t = parse_ok("\n\na\n\n\nb\r\n\r\n\nc\n\n");
    assert_int_equal(t.n_rows, 3);
    ROW(t, 0, 3, "a");
    ROW(t, 1, 6, "b");
    ROW(t, 2, 9, "c");
    /* A line of spaces is a record, not a blank line. */
    t = parse_ok("a\n \nb\n");
    assert_int_equal(t.n_rows, 3);
    ROW(t, 1, 2, " ");
}

static void test_length_bounded(void **state)
{
    (void)state;
    /* Bytes after n are not read. */
    struct csv_table t = parse_ok_n("a,b\nc,d", 5);
    assert_int_equal(t.n_rows, 2);
    ROW(t, 1, 2, "c");
}

/* ---- reader: errors ---------------------------------------------------- */

static void test_unterminated_quote(void **state)
{
    (void)state;
    parse_bad("a,b\n\"abc", "csv_unterminated_quote", "第2行: 引号未闭合");
    parse_bad("\"", "csv_unterminated_quote", "第1行: ");
    parse_bad("a\nb\n\"x\ny\nz\n", "csv_unterminated_quote", "第3行: ");
    parse_bad("a,\"b\"\"", "csv_unterminated_quote", "第1行: ");
    /* Quote opened on the second line of a record. */
    parse_bad("\"a\nb\",\"c\n", "csv_unterminated_quote", "第2行: ");
}

static void test_bad_quote(void **state)
{
    (void)state;
    parse_bad("\"ab\"c,d\n", "csv_bad_quote", "第1行: ");
    parse_bad("x\n\"a\" ,b\n", "csv_bad_quote", "第2行: ");
    parse_bad("\"a\"\"b\"c", "csv_bad_quote", "第1行: ");
    parse_bad("\"a\"\rb", "csv_bad_quote", "第1行: ");
    /* Reported on the physical line of the stray text. */
    parse_bad("\"a\nb\"x\n", "csv_bad_quote", "第2行: ");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    parse_bad("a\nb\xff\n", "csv_invalid_utf8", "第2行: ");
    /* 姓名 in GBK, as older Excel saves "CSV". */
    parse_bad("\xd0\xd5\xc3\xfb,x\n", "csv_invalid_utf8", "第1行: ");
    parse_bad("a,\"\xC0\xAF\"\n", "csv_invalid_utf8", "第1行: ");
    parse_bad("ok\n\"x\ny\xED\xA0\x80\"\n", "csv_invalid_utf8", "第3行: ");
    /* Truncated sequence at the end of the data. */
    parse_bad("abc\xE6\xB4", "csv_invalid_utf8", "第1行: ");
    /* A sequence cut by a line break. */
    parse_bad("\xE6\n\xB4\xAA", "csv_invalid_utf8", "第1行: ");
}

static void test_nul_byte(void **state)
{
    (void)state;
    parse_bad_n("a,b\nc\0d\n", 8, "csv_nul_byte", "第2行: ");
    parse_bad_n("\0", 1, "csv_nul_byte", "第1行: ");
    parse_bad_n("\"a\n\0\"\n", 6, "csv_nul_byte", "第2行: ");
}

static void test_first_error_wins(void **state)
{
    (void)state;
    parse_bad("\"ab\"c\n\xff\n", "csv_bad_quote", "第1行: ");
    parse_bad("ok\n\xff\n\"ab\"c\n", "csv_invalid_utf8", "第2行: ");
}

/* n fields "f0,f1,..." followed by "\n". */
static char *make_fields(size_t n)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(buf_printf(&b, "%sf%zu", i ? "," : "", i), YY_OK);
    assert_int_equal(buf_putc(&b, '\n'), YY_OK);
    return buf_detach(&b, NULL);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    char *s = make_fields(CSV_MAX_FIELDS);
    struct csv_table t = parse_ok(s);
    assert_int_equal(t.rows[0].n, CSV_MAX_FIELDS);
    assert_string_equal(t.rows[0].fields[63], "f63");
    free(s);

    s = make_fields(CSV_MAX_FIELDS + 1);
    parse_bad(s, "csv_too_many_fields", "第1行: ");
    free(s);

    /* 64 commas make 65 empty fields. */
    char commas[80];
    memset(commas, ',', 64);
    commas[64] = '\0';
    parse_bad(commas, "csv_too_many_fields", "第1行: ");
    commas[63] = '\0';
    t = parse_ok(commas);
    assert_int_equal(t.rows[0].n, 64);
}

static void test_field_too_long(void **state)
{
    (void)state;
    size_t size = CSV_MAX_FIELD_BYTES + 16;
    char *s = malloc(size);
    assert_non_null(s);

    /* Plain: 4096 bytes fit, 4097 do not. */
    memset(s, 'x', CSV_MAX_FIELD_BYTES);
    struct csv_table t = parse_ok_n(s, CSV_MAX_FIELD_BYTES);
    assert_int_equal(strlen(t.rows[0].fields[0]), CSV_MAX_FIELD_BYTES);
    memset(s, 'x', CSV_MAX_FIELD_BYTES + 1);
    parse_bad_n(s, CSV_MAX_FIELD_BYTES + 1, "csv_field_too_long", "第1行: ");
    /* With CRLF: the CR is not counted. */
    memcpy(s + CSV_MAX_FIELD_BYTES, "\r\n", 2);
    t = parse_ok_n(s, CSV_MAX_FIELD_BYTES + 2);
    assert_int_equal(strlen(t.rows[0].fields[0]), CSV_MAX_FIELD_BYTES);

    /* Quoted: measured after unquoting. */
    s[0] = '"';
    memset(s + 1, 'y', CSV_MAX_FIELD_BYTES);
    s[CSV_MAX_FIELD_BYTES + 1] = '"';
    t = parse_ok_n(s, CSV_MAX_FIELD_BYTES + 2);
    assert_int_equal(strlen(t.rows[0].fields[0]), CSV_MAX_FIELD_BYTES);
    s[CSV_MAX_FIELD_BYTES + 1] = 'y';
    s[CSV_MAX_FIELD_BYTES + 2] = '"';
    parse_bad_n(s, CSV_MAX_FIELD_BYTES + 3, "csv_field_too_long", "第1行: ");
    free(s);

    /* 4096 doubled quotes are 4096 bytes of field; 4097 are too many. */
    size = 2 * CSV_MAX_FIELD_BYTES + 8;
    s = malloc(size);
    assert_non_null(s);
    s[0] = '"';
    memset(s + 1, '"', 2 * CSV_MAX_FIELD_BYTES);
    s[2 * CSV_MAX_FIELD_BYTES + 1] = '"';
    t = parse_ok_n(s, 2 * CSV_MAX_FIELD_BYTES + 2);
    assert_int_equal(strlen(t.rows[0].fields[0]), CSV_MAX_FIELD_BYTES);
    assert_int_equal(strspn(t.rows[0].fields[0], "\""), CSV_MAX_FIELD_BYTES);
    memset(s + 1, '"', 2 * CSV_MAX_FIELD_BYTES + 2);
    s[2 * CSV_MAX_FIELD_BYTES + 3] = '"';
    parse_bad_n(s, 2 * CSV_MAX_FIELD_BYTES + 4, "csv_field_too_long", "第1行: ");
    free(s);

    /* The line named is the one the record starts on. */
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_puts(&b, "a\nb\n"), YY_OK);
    for (int i = 0; i < CSV_MAX_FIELD_BYTES + 1; i++)
        assert_int_equal(buf_putc(&b, 'z'), YY_OK);
    parse_bad(b.data, "csv_field_too_long", "第3行: ");
    buf_release(&b);
}

static void test_too_many_rows(void **state)
{
    (void)state;
    size_t n = 2 * (CSV_MAX_ROWS + 1);
    char *s = malloc(n);
    assert_non_null(s);
    for (size_t i = 0; i < n; i += 2) {
        s[i] = 'r';
        s[i + 1] = '\n';
    }
    struct csv_table t = parse_ok_n(s, n - 2);
    assert_int_equal(t.n_rows, CSV_MAX_ROWS);
    assert_int_equal(t.rows[CSV_MAX_ROWS - 1].line, CSV_MAX_ROWS);
    arena_release(&A);
    parse_bad_n(s, n, "csv_too_many_rows", "第100001行: ");
    free(s);
}

static void test_empty(void **state)
{
    (void)state;
    parse_bad("", "csv_empty", "");
    parse_bad("\xEF\xBB\xBF", "csv_empty", "");
    parse_bad("\n\r\n\n", "csv_empty", "");
    parse_bad("\r", "csv_empty", "");
    parse_bad_n(NULL, 0, "csv_empty", "");
}

static void test_no_error_struct(void **state)
{
    (void)state;
    struct csv_table t;
    assert_int_equal(csv_parse(&A, "\"x", 2, &t, NULL), YY_BAD_INPUT);
    assert_int_equal(t.n_rows, 0);
    assert_int_equal(csv_parse(&A, "", 0, &t, NULL), YY_BAD_INPUT);
}

/* ---- csv_column --------------------------------------------------------- */

static void test_column(void **state)
{
    (void)state;
    struct csv_table t = parse_ok(" 代表姓名 ,\t电话\t,电话,,id\n");
    const struct csv_row *h = &t.rows[0];
    assert_int_equal(csv_column(h, "代表姓名"), 0);
    assert_int_equal(csv_column(h, "电话"), 1);
    assert_int_equal(csv_column(h, "id"), 4);
    assert_int_equal(csv_column(h, ""), 3);
    assert_int_equal(csv_column(h, "ID"), -1);
    assert_int_equal(csv_column(h, "代表"), -1);
    assert_int_equal(csv_column(h, " 代表姓名 "), -1);
    assert_int_equal(csv_column(NULL, "id"), -1);
    assert_int_equal(csv_column(h, NULL), -1);
}

/* ---- writer ------------------------------------------------------------ */

static void expect_written(const char *in, const char *want)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(csv_write_field(&b, in), YY_OK);
    assert_string_equal(b.data ? b.data : "", want);
    buf_release(&b);
}

static void test_write_plain(void **state)
{
    (void)state;
    expect_written("abc", "abc");
    expect_written("张三", "张三");
    expect_written("", "");
    expect_written(NULL, "");
    expect_written("a b", "a b");
    expect_written("1.5", "1.5");
    expect_written("a=b", "a=b");
    expect_written("x-1", "x-1");
    expect_written("it's", "it's");
}

static void test_write_quoting(void **state)
{
    (void)state;
    expect_written("a,b", "\"a,b\"");
    expect_written("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_written("\"", "\"\"\"\"");
    expect_written("line1\nline2", "\"line1\nline2\"");
    expect_written("a\rb", "\"a\rb\"");
    expect_written("\"\"", "\"\"\"\"\"\"");
}

static void test_write_formula_defused(void **state)
{
    (void)state;
    expect_written("=1+1", "\"'=1+1\"");
    expect_written("+86 138", "\"'+86 138\"");
    expect_written("-5", "\"'-5\"");
    expect_written("@SUM(A1)", "\"'@SUM(A1)\"");
    expect_written("\tx", "\"'\tx\"");
    expect_written("=HYPERLINK(\"http://x\",\"点我\")",
                   "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"");
    expect_written("=", "\"'=\"");
}

static void test_write_appends(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(csv_write_field(&b, "a"), YY_OK);
    assert_int_equal(buf_putc(&b, ','), YY_OK);
    assert_int_equal(csv_write_field(&b, "b,c"), YY_OK);
    assert_int_equal(buf_putc(&b, ','), YY_OK);
    assert_int_equal(csv_write_field(&b, "=x"), YY_OK);
    assert_string_equal(b.data, "a,\"b,c\",\"'=x\"");
    buf_release(&b);
}

static void test_write_max(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "ab,"), YY_OK);
    /* Fits unquoted (3 + 5 = 8) but not quoted. */
    assert_int_equal(csv_write_field(&b, "12345"), YY_OK);
    assert_string_equal(b.data, "ab,12345");
    buf_reset(&b);
    assert_int_equal(buf_puts(&b, "ab,"), YY_OK);
    assert_int_equal(csv_write_field(&b, "1,345"), YY_TOO_LARGE);
    assert_string_equal(b.data, "ab,");
    assert_int_equal(b.len, 3);
    assert_int_equal(csv_write_field(&b, "=123"), YY_TOO_LARGE);
    assert_string_equal(b.data, "ab,");
    assert_int_equal(csv_write_field(&b, "123456"), YY_TOO_LARGE);
    assert_string_equal(b.data, "ab,");
    assert_int_equal(csv_write_field(&b, "\"\""), YY_TOO_LARGE);
    assert_int_equal(b.len, 3);
    buf_release(&b);

    /* An empty buffer that cannot take the field stays empty. */
    buf_init(&b, 2);
    assert_int_equal(csv_write_field(&b, "a,b"), YY_TOO_LARGE);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *fields[] = {"plain", "with,comma", "say \"hi\"", "多\n行\r\n文本", "", "张三",
                            " spaced "};
    size_t n = sizeof(fields) / sizeof(fields[0]);
    struct buf b;
    buf_init(&b, 1 << 16);
    for (int row = 0; row < 2; row++) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                assert_int_equal(buf_putc(&b, ','), YY_OK);
            assert_int_equal(csv_write_field(&b, fields[i]), YY_OK);
        }
        assert_int_equal(buf_puts(&b, "\r\n"), YY_OK);
    }
    struct csv_table t = parse_ok_n(b.data, b.len);
    assert_int_equal(t.n_rows, 2);
    for (int row = 0; row < 2; row++) {
        assert_int_equal(t.rows[row].n, n);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(t.rows[row].fields[i], fields[i]);
    }
    assert_int_equal(t.rows[0].line, 1);
    assert_int_equal(t.rows[1].line, 4);
    buf_release(&b);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_basic),
        T(test_no_final_newline),
        T(test_bom_and_chinese_header),
        T(test_bom_only_at_start),
        T(test_crlf),
        T(test_bare_cr_is_data),
        T(test_quoted_commas),
        T(test_quoted_newlines_and_lines),
        T(test_doubled_quotes),
        T(test_unquoted_as_is),
        T(test_empty_fields),
        T(test_blank_lines),
        T(test_length_bounded),
        T(test_unterminated_quote),
        T(test_bad_quote),
        T(test_invalid_utf8),
        T(test_nul_byte),
        T(test_first_error_wins),
        T(test_too_many_fields),
        T(test_field_too_long),
        T(test_too_many_rows),
        T(test_empty),
        T(test_no_error_struct),
        T(test_column),
        T(test_write_plain),
        T(test_write_quoting),
        T(test_write_formula_defused),
        T(test_write_appends),
        T(test_write_max),
        T(test_round_trip),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
