/* fuzz_cookie.c - libFuzzer target for parse_cookies().
 *
 * The header reaches the parser as a C string, so the input is copied and
 * NUL-terminated first.  Invariants: at most PARSE_MAX_PAIRS pairs, each with
 * a non-empty name, valid UTF-8 and no control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, bool nonempty)
{
    if (!s)
        abort();
    size_t n = strlen(s);
    if ((nonempty && n == 0) || !utf8_valid(s, n) || utf8_has_controls(s, n))
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ';' || s[i] == '\t' || s[i] == '\n')
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);

    char *header = arena_strndup(&a, (const char *)data, size);
    struct kvlist l;
    parse_cookies(&a, header, &l);
    if (l.n > PARSE_MAX_PAIRS)
        abort();
    for (size_t i = 0; i < l.n; i++) {
        check_string(l.items[i].key, true);
        check_string(l.items[i].value, false);
        if (strchr(l.items[i].key, '=') || l.items[i].key[0] == ' ')
            abort();
    }

    arena_release(&a);
    return 0;
}
