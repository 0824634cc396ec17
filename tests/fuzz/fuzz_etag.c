/* fuzz_etag.c - libFuzzer target for cache_etag_matches(), the parser of the
 * If-None-Match header.
 *
 * The header reaches it as a C string, so the input is copied and
 * NUL-terminated first.  Invariants: it returns (no overread, no endless
 * loop); a header that is exactly the tag, or the tag after a comma-separated
 * prefix, matches; "*" matches anything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char tag[] = "\"0123456789abcdef0123456789abcdef\"";
    char *header = malloc(size + sizeof(tag) + 2);
    if (!header)
        return 0;
    memcpy(header, data, size);
    header[size] = '\0';
    bool any = cache_etag_matches(header, tag);
    if (strlen(header) == 1 && header[0] == '*' && !any)
        abort();
    if (!strcmp(header, tag) && !any)
        abort();
    /* the tag as the last list member always matches, whatever precedes it
     * (unless the prefix opens a quoted tag that swallows the comma) */
    if (!memchr(header, '"', strlen(header))) {
        size_t n = strlen(header);
        header[n] = ',';
        memcpy(header + n + 1, tag, sizeof(tag));
        if (!cache_etag_matches(header, tag))
            abort();
    }
    free(header);
    return 0;
}
