/* utf8.h - UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
#ifndef YOUYUE_UTF8_H
#define YOUYUE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s, size_t n);
/* True if s holds control characters other than tab, LF and CR: C0, DEL,
 * C1 (U+0080..U+009F) and the bidirectional overrides and isolates. */
bool utf8_has_controls(const char *s, size_t n);

#endif
