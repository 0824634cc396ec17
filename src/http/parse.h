/* parse.h - parsers of outside HTTP input: query strings, form bodies, cookies,
 * and the strict number syntax used for query parameters and CLI options.
 *
 * Everything here reads bytes an attacker chose, so every parser is bounded
 * (PARSE_MAX_PAIRS pairs at most, work linear in the input) and every result
 * lives in the caller's arena: nothing returned is freed by the caller, and
 * nothing returned outlives arena_release().  Fuzz targets: tests/fuzz/.
 */
#ifndef YOUYUE_HTTP_PARSE_H
#define YOUYUE_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

/* One decoded pair: both strings NUL-terminated, valid UTF-8, owned by the
 * arena given to the parser (an absent value may be a static ""); never
 * freed by the caller. */
struct kv {
    const char *key;
    const char *value;
};

/* Pairs in input order; duplicates are kept. items is arena-owned and may be
 * NULL when n == 0. */
struct kvlist {
    struct kv *items;
    size_t n;
};

#define PARSE_MAX_PAIRS 256

/* Parses application/x-www-form-urlencoded input s[0..n) (a query string
 * without the '?', or a form body): pairs split on '&', key and value split
 * on the first '=', '+' means space, %XX is decoded.  Empty pairs ("a&&b",
 * a trailing '&') are skipped; a key without '=' gets the value "".  s may be
 * NULL when n is 0.
 *
 * On success returns YY_OK and fills *out (all memory from a).
 * Fails with YY_BAD_INPUT, leaving *out empty and *e (if not NULL) filled:
 *   code "invalid_encoding": a bad percent escape ("%zz", "%4"), a NUL byte
 *     (raw or "%00"), or a key or value that is not valid UTF-8 after decoding
 *     (overlongs like "%C0%AF" included); field is the decoded key when that
 *     key itself decoded cleanly, else NULL;
 *   code "too_many_parameters": more than PARSE_MAX_PAIRS non-empty pairs.
 * Messages are static Chinese text; field is arena-owned. */
enum yy_err parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out,
                             struct yy_error *e);

/* First value for key (exact, case-sensitive match), or NULL when the key is
 * absent.  The result belongs to the list's arena.  l may be NULL. */
const char *kvlist_get(const struct kvlist *l, const char *key);

/* Number of pairs with this key, so handlers can reject a repeated
 * parameter ("?limit=1&limit=2") instead of silently picking one. */
size_t kvlist_count(const struct kvlist *l, const char *key);

/* Parses a Cookie request header (RFC 6265: "a=b; c=d").  Lenient, never
 * fails: a pair without '=', with an empty name, or with a control byte or
 * invalid UTF-8 in name or value is skipped; spaces and tabs around names and
 * values are trimmed; a value in double quotes loses them; no percent
 * decoding.  At most PARSE_MAX_PAIRS pairs are kept, the rest ignored.
 * header may be NULL (no cookies).  *out and its strings are arena-owned. */
void parse_cookies(struct arena *a, const char *header, struct kvlist *out);

/* Strict integer: an optional '-', then one or more ASCII decimal digits and
 * nothing else (no spaces, no '+', no hex), with a value in [min, max].
 * Returns true and sets *out on success; returns false (and leaves *out
 * alone) for NULL, "", "-", "12a", " 1", overflow or out-of-range values. */
bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Strict decimal number: [-]digits[.digits] ("30.5928", "-114.3"); no
 * exponent ("1e2"), no leading '+' or '.', no trailing '.', no spaces, at most
 * 64 characters.  Converted with strtod(), so the process must keep a locale
 * whose decimal point is '.' (C or zh_CN); under any other the parse fails
 * rather than misreads.  Returns true and sets *out to a finite value on
 * success; false (leaving *out alone) otherwise. */
bool parse_double(const char *s, double *out);

#endif
