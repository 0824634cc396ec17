/* test_core.c - unit tests for the core helpers: arena, buf, utf8. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"

/* ---- arena -------------------------------------------------------------- */

static void test_arena_alignment(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    for (size_t size = 0; size < 200; size++) {
        void *p = arena_alloc(&a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        assert_int_equal((uintptr_t)p % 16, 0);
    }
    /* Odd-sized strings do not break the alignment of what follows. */
    (void)arena_strdup(&a, "abc");
    double *d = arena_alloc(&a, sizeof(*d));
    assert_int_equal((uintptr_t)d % _Alignof(max_align_t), 0);
    *d = 1.5;
    arena_release(&a);
}

static void test_arena_zeroed(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a);
    for (int round = 0; round < 3; round++) {
        unsigned char *p = arena_alloc(&a, 1000);
        for (size_t i = 0; i < 1000; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xAB, 1000);
    }
    int *v = arena_calloc(&a, 100, sizeof(int));
    for (int i = 0; i < 100; i++)
        assert_int_equal(v[i], 0);
    /* Zero-sized requests still give distinct usable pointers. */
    void *z1 = arena_alloc(&a, 0);
    void *z2 = arena_calloc(&a, 0, 8);
    assert_non_null(z1);
    assert_non_null(z2);
    assert_ptr_not_equal(z1, z2);
    arena_release(&a);
}

static void test_arena_strdup(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char *src = "人大代表 deputy";
    char *s = arena_strdup(&a, src);
    assert_string_equal(s, src);
    assert_ptr_not_equal(s, src);
    assert_null(arena_strdup(&a, NULL));
    assert_null(arena_strndup(&a, NULL, 3));
    assert_string_equal(arena_strdup(&a, ""), "");

    char *n = arena_strndup(&a, "abcdef", 3);
    assert_string_equal(n, "abc");
    /* strndup copies exactly n bytes, NULs included, and terminates. */
    char *m = arena_strndup(&a, "a\0b", 3);
    assert_int_equal(memcmp(m, "a\0b\0", 4), 0);
    arena_release(&a);
}

static void test_arena_printf(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(arena_printf(&a, "第%zu行: %s", (size_t)3, "引号未闭合"),
                        "第3行: 引号未闭合");
    assert_string_equal(arena_printf(&a, "%s", ""), "");
    assert_string_equal(arena_printf(&a, "%d-%05.1f-%x", -7, 2.5, 255u), "-7-002.5-ff");

    /* Longer than one block. */
    char *big = malloc(50001);
    assert_non_null(big);
    memset(big, 'q', 50000);
    big[50000] = '\0';
    char *s = arena_printf(&a, "<%s>", big);
    assert_int_equal(strlen(s), 50002);
    assert_int_equal(s[0], '<');
    assert_int_equal(s[50001], '>');
    free(big);
    arena_release(&a);
}

static void test_arena_many(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    enum { COUNT = 100000 };
    uint32_t **ptrs = malloc(COUNT * sizeof(*ptrs));
    assert_non_null(ptrs);
    for (uint32_t i = 0; i < COUNT; i++) {
        size_t words = 1 + i % 13;
        ptrs[i] = arena_calloc(&a, words, sizeof(uint32_t));
        for (size_t k = 0; k < words; k++)
            ptrs[i][k] = i;
    }
    /* Nothing overlapped. */
    for (uint32_t i = 0; i < COUNT; i++) {
        size_t words = 1 + i % 13;
        for (size_t k = 0; k < words; k++)
            assert_int_equal(ptrs[i][k], i);
    }
    /* A single allocation larger than any block. */
    unsigned char *huge = arena_alloc(&a, 3 * 1024 * 1024);
    huge[0] = 1;
    huge[3 * 1024 * 1024 - 1] = 2;
    assert_true(a.used_total >= 3 * 1024 * 1024);
    free(ptrs);
    arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.used_total, 0);

    /* Reusable after release. */
    assert_string_equal(arena_strdup(&a, "again"), "again");
    arena_release(&a);
}

/* Runs fn in a child process and reports whether it died of SIGABRT. */
static bool aborts(void (*fn)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO); /* the expected "youyue: arena: ..." line */
        fn();
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void over_limit(void)
{
    struct arena a = ARENA_INIT;
    a.max_total = 4096;
    (void)arena_alloc(&a, 4000);
    (void)arena_alloc(&a, 200);
}

static void calloc_overflow(void)
{
    struct arena a = ARENA_INIT;
    (void)arena_calloc(&a, SIZE_MAX / 2, 4);
}

static void within_limit(void)
{
    struct arena a = ARENA_INIT;
    a.max_total = 4096;
    (void)arena_alloc(&a, 4000);
    arena_release(&a);
}

static void test_arena_limit(void **state)
{
    (void)state;
    assert_true(aborts(over_limit));
    assert_true(aborts(calloc_overflow));
    assert_false(aborts(within_limit));
}

/* ---- buf ---------------------------------------------------------------- */

static void test_buf_basic(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_puts(&b, "abc"), YY_OK);
    assert_int_equal(buf_putc(&b, '-'), YY_OK);
    assert_int_equal(buf_append(&b, "xyz123", 3), YY_OK);
    assert_int_equal(buf_append(&b, NULL, 0), YY_OK);
    assert_string_equal(b.data, "abc-xyz");
    assert_int_equal(b.len, 7);
    assert_true(b.len + 1 <= b.cap);

    /* Binary data, NULs included, is kept and still terminated. */
    assert_int_equal(buf_append(&b, "\0z", 2), YY_OK);
    assert_int_equal(b.len, 9);
    assert_int_equal(memcmp(b.data, "abc-xyz\0z\0", 10), 0);

    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_puts(&b, "人大"), YY_OK);
    assert_string_equal(b.data, "人大");
    buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);

    /* Reusable after release. */
    assert_int_equal(buf_puts(&b, "again"), YY_OK);
    assert_string_equal(b.data, "again");
    buf_release(&b);
    buf_release(&b);
}

static void test_buf_printf(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_printf(&b, "%d,%s", 42, "代表"), YY_OK);
    assert_int_equal(buf_printf(&b, "|%05.2f|", 3.14159), YY_OK);
    assert_int_equal(buf_printf(&b, "%s", ""), YY_OK);
    assert_string_equal(b.data, "42,代表|03.14|");
    assert_int_equal(b.len, strlen("42,代表|03.14|"));
    /* Growth through many small writes. */
    for (int i = 0; i < 10000; i++)
        assert_int_equal(buf_printf(&b, "%04d", i % 10000), YY_OK);
    assert_int_equal(b.len, strlen("42,代表|03.14|") + 40000);
    assert_int_equal(memcmp(b.data + b.len - 4, "9999", 4), 0);
    assert_int_equal(b.data[b.len], '\0');
    buf_release(&b);
}

static void test_buf_max(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_puts(&b, "0123456789"), YY_OK);
    assert_int_equal(b.len, 10);

    /* Every kind of append past max fails and leaves the contents as they were. */
    assert_int_equal(buf_putc(&b, 'x'), YY_TOO_LARGE);
    assert_int_equal(buf_puts(&b, "x"), YY_TOO_LARGE);
    assert_int_equal(buf_append(&b, "xy", 2), YY_TOO_LARGE);
    assert_int_equal(buf_printf(&b, "%d", 1), YY_TOO_LARGE);
    assert_int_equal(buf_append(&b, "x", SIZE_MAX), YY_TOO_LARGE);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    /* An empty append at max is fine. */
    assert_int_equal(buf_append(&b, "", 0), YY_OK);
    assert_int_equal(buf_printf(&b, "%s", ""), YY_OK);
    assert_string_equal(b.data, "0123456789");

    buf_reset(&b);
    assert_int_equal(buf_puts(&b, "abcdef"), YY_OK);
    assert_int_equal(buf_puts(&b, "ghijk"), YY_TOO_LARGE);
    assert_string_equal(b.data, "abcdef");
    assert_int_equal(buf_printf(&b, "%s", "ghijk"), YY_TOO_LARGE);
    assert_string_equal(b.data, "abcdef");
    assert_int_equal(buf_printf(&b, "%s", "ghij"), YY_OK);
    assert_string_equal(b.data, "abcdefghij");
    buf_release(&b);

    /* max 0: only empty. */
    buf_init(&b, 0);
    assert_int_equal(buf_putc(&b, 'a'), YY_TOO_LARGE);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void test_buf_detach(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    assert_int_equal(buf_puts(&b, "hello"), YY_OK);
    size_t len = 0;
    char *s = buf_detach(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(s);

    /* Empty buffer detaches "" (never NULL); len may be omitted. */
    s = buf_detach(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    s = buf_detach(&b, NULL);
    assert_non_null(s);
    free(s);

    /* Usable again afterwards, max kept. */
    assert_int_equal(buf_puts(&b, "again"), YY_OK);
    assert_string_equal(b.data, "again");
    assert_int_equal(b.max, 100);
    buf_release(&b);
}

/* ---- utf8 --------------------------------------------------------------- */

static bool valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid(NULL, 0));
    assert_true(valid("plain ASCII ~\x7f"));
    assert_true(valid("人大代表建议办理"));
    assert_true(valid("洪山区 Hongshan 😀"));
    assert_true(valid("\xC2\x80"));         /* U+0080 */
    assert_true(valid("\xDF\xBF"));         /* U+07FF */
    assert_true(valid("\xE0\xA0\x80"));     /* U+0800 */
    assert_true(valid("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    assert_true(valid("\xEE\x80\x80"));     /* U+E000, just above */
    assert_true(valid("\xEF\xBB\xBF"));     /* BOM */
    assert_true(valid("\xEF\xBF\xBF"));     /* U+FFFF */
    assert_true(valid("\xF0\x90\x80\x80")); /* U+10000 */
    assert_true(valid("\xF4\x8F\xBF\xBF")); /* U+10FFFF */
    /* NUL is a valid code point; the length decides. */
    assert_true(utf8_valid("a\0b", 3));
}

static void test_utf8_overlong(void **state)
{
    (void)state;
    assert_false(valid("\xC0\x80"));         /* NUL */
    assert_false(valid("\xC0\xAF"));         /* '/' */
    assert_false(valid("\xC1\xBF"));
    assert_false(valid("\xE0\x80\x80"));
    assert_false(valid("\xE0\x80\xAF"));
    assert_false(valid("\xE0\x9F\xBF"));     /* U+07FF in three bytes */
    assert_false(valid("\xF0\x80\x80\x80"));
    assert_false(valid("\xF0\x8F\xBF\xBF")); /* U+FFFF in four bytes */
}

static void test_utf8_surrogates_and_range(void **state)
{
    (void)state;
    assert_false(valid("\xED\xA0\x80")); /* U+D800 */
    assert_false(valid("\xED\xAF\xBF")); /* U+DBFF */
    assert_false(valid("\xED\xB0\x80")); /* U+DC00 */
    assert_false(valid("\xED\xBF\xBF")); /* U+DFFF */
    assert_false(valid("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
    assert_false(valid("\xF4\x90\x80\x80")); /* U+110000 */
    assert_false(valid("\xF7\xBF\xBF\xBF"));
    assert_false(valid("\xF5\x80\x80\x80"));
    assert_false(valid("\xF8\x88\x80\x80\x80"));
    assert_false(valid("\xFC\x84\x80\x80\x80\x80"));
    assert_false(valid("\xFE"));
    assert_false(valid("\xFF"));
    assert_false(valid("abc\xFF" "def"));
}

static void test_utf8_truncated(void **state)
{
    (void)state;
    assert_false(valid("\xC2"));
    assert_false(valid("\xE6\xB4"));
    assert_false(valid("\xF0\x9F\x98"));
    assert_false(valid("ab\xE6"));
    assert_false(valid("\xE6\xB4" "x"));      /* cut by ASCII */
    assert_false(valid("\xE6\xB4\xE5\xB1\xB1")); /* cut by another lead byte */
    assert_false(valid("\x80"));              /* stray continuation */
    assert_false(valid("a\xBF" "b"));
    assert_false(valid("\xE6\xB4\xAA\xAA"));  /* one continuation too many */
    /* n cuts a valid sequence. */
    const char *s = "洪山";
    assert_true(utf8_valid(s, 6));
    assert_true(utf8_valid(s, 3));
    assert_false(utf8_valid(s, 4));
    assert_false(utf8_valid(s, 5));
}

static void test_utf8_length_and_controls(void **state)
{
    (void)state;
    assert_int_equal(utf8_length("", 0), 0);
    assert_int_equal(utf8_length("abc", 3), 3);
    assert_int_equal(utf8_length("张三a", strlen("张三a")), 3);
    assert_int_equal(utf8_length("😀", 4), 1);
    assert_false(utf8_has_controls("a\tb\nc\r\n人", strlen("a\tb\nc\r\n人")));
    assert_true(utf8_has_controls("a\x01" "b", 3));
    assert_true(utf8_has_controls("\x7f", 1));
    assert_true(utf8_has_controls("a\0b", 3));
    assert_false(utf8_has_controls("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alignment),
        cmocka_unit_test(test_arena_zeroed),
        cmocka_unit_test(test_arena_strdup),
        cmocka_unit_test(test_arena_printf),
        cmocka_unit_test(test_arena_many),
        cmocka_unit_test(test_arena_limit),
        cmocka_unit_test(test_buf_basic),
        cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_buf_max),
        cmocka_unit_test(test_buf_detach),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_overlong),
        cmocka_unit_test(test_utf8_surrogates_and_range),
        cmocka_unit_test(test_utf8_truncated),
        cmocka_unit_test(test_utf8_length_and_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
