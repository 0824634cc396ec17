/* fuzz_query.c - libFuzzer target for parse_urlencoded() (query strings and
 * form bodies), plus the strict number parsers on the same bytes.
 *
 * Invariants checked on every input: success yields at most PARSE_MAX_PAIRS
 * pairs of valid UTF-8 strings without NUL bytes; failure yields YY_BAD_INPUT
 * with one of the documented codes and an empty list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s)
{
    if (!s || !utf8_valid(s, strlen(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);

    struct kvlist l;
    struct yy_error e = {0};
    enum yy_err rc = parse_urlencoded(&a, (const char *)data, size, &l, &e);
    if (rc == YY_OK) {
        if (l.n > PARSE_MAX_PAIRS)
            abort();
        for (size_t i = 0; i < l.n; i++) {
            check_string(l.items[i].key);
            check_string(l.items[i].value);
            if (kvlist_get(&l, l.items[i].key) == NULL || kvlist_count(&l, l.items[i].key) == 0)
                abort();
        }
    } else {
        if (rc != YY_BAD_INPUT || l.n != 0 || l.items != NULL || !e.message || !e.code)
            abort();
        if (strcmp(e.code, "invalid_encoding") != 0 && strcmp(e.code, "too_many_parameters") != 0)
            abort();
        if (e.field)
            check_string(e.field);
    }

    /* The number parsers take NUL-terminated strings. */
    char *s = arena_strndup(&a, (const char *)data, size);
    int64_t v = 0;
    if (parse_int64(s, -1000, 1000, &v) && (v < -1000 || v > 1000))
        abort();
    (void)parse_int64(s, INT64_MIN, INT64_MAX, &v);
    double d = 0;
    (void)parse_double(s, &d);

    arena_release(&a);
    return 0;
}
