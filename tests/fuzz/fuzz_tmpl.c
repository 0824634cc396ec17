/* fuzz_tmpl.c - libFuzzer target for the template engine (web/tmpl.h).
 *
 * The input is "TEMPLATE\x00JSON": the template text is compiled (beside a
 * fixed layout that includes it as its slot and as a partial); when it
 * compiles, it is rendered with the JSON (any value, or none when it does not
 * parse) into a small bounded buffer, alone and inside the layout.
 * Invariants: compiling either succeeds or names the template and a line;
 * rendering returns YY_OK, YY_TOO_LARGE or YY_INTERNAL (the depth bound),
 * never writes past the buffer's bound, and leaves the buffer as it was on
 * failure; every '<' that came from the data reaches the output escaped, so
 * a template without '<' of its own renders none (the layout adds its two). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_lt(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '<';
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *sep = memchr(data, 0, size);
    size_t tlen = sep ? (size_t)(sep - data) : size;
    const char *json = sep ? (const char *)sep + 1 : "";
    size_t jlen = sep ? size - tlen - 1 : 0;

    static const char layout[] = "<main>{{$content}}</main>";
    struct tmpl_source src[2] = {{"page", text, tlen}, {"layout", layout, sizeof(layout) - 1}};
    char err[256];
    struct tmpl_set *s = tmpl_compile(src, 2, err, sizeof(err));
    if (!s) {
        if (strncmp(err, "page:", 5) && strncmp(err, "layout:", 7))
            abort();
        return 0;
    }
    /* a template without '<' of its own, without raw output and without the
     * layout as a partial: every '<' in the output is the layout's */
    char *copy = strndup(text, tlen);
    bool plain = copy && count_lt(text, tlen) == 0 && !strstr(copy, "TRUSTED_SERVER_HTML") &&
                 !strstr(copy, "layout");
    free(copy);
    json_error_t jerr;
    json_t *v = json_loadb(json, jlen, JSON_DECODE_ANY, &jerr);
    struct buf b;
    buf_init(&b, 1 << 16);
    buf_puts(&b, "x");
    for (int pass = 0; pass < 2; pass++) {
        enum yy_err rc =
            pass ? tmpl_render(s, "layout", "page", v, &b) : tmpl_render(s, "page", NULL, v, &b);
        if (rc != YY_OK && rc != YY_TOO_LARGE && rc != YY_INTERNAL)
            abort();
        if (b.len > b.max)
            abort();
        if (rc != YY_OK && (b.len != 1 || b.data[0] != 'x'))
            abort();
        /* unescaped output only through {{&TRUSTED_SERVER_HTML}} */
        if (rc == YY_OK && plain && count_lt(b.data, b.len) != (pass ? 2u : 0u))
            abort();
        buf_reset(&b);
        buf_puts(&b, "x");
    }
    buf_release(&b);
    json_decref(v);
    tmpl_free(s);
    return 0;
}
