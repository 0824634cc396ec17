/* jsonw.h - a small streaming JSON writer that appends to a struct buf.
 *
 * For the hot read paths (registry lists), where building a jansson tree and
 * dumping it cost more than the database read.  The output is compact RFC 8259
 * JSON, byte for byte what api_reply (jansson, JSON_COMPACT,
 * JSON_REAL_PRECISION(10)) writes for the same values, so a record looks the
 * same whichever path serialised it.
 *
 *   struct jsonw w;
 *   jsonw_init(&w, &res->body);
 *   jsonw_object_begin(&w);
 *   jsonw_key(&w, "id");
 *   jsonw_int(&w, 7);
 *   jsonw_object_end(&w);
 *   enum yy_err rc = jsonw_finish(&w);
 *
 * Errors are sticky (after curl's dynbuf): the first failure is kept, every
 * later call does nothing, and jsonw_finish() reports it.  Failures: the
 * buffer's maximum (YY_TOO_LARGE), out of memory (YY_NOMEM), nesting deeper
 * than JSONW_MAX_DEPTH or misuse - a value where a key is due, a key outside
 * an object, an unbalanced end, a second top-level value, an unfinished
 * document (YY_INTERNAL, so a handler's mistake is a 500, and testable).  On
 * failure the buffer holds a partial document: the caller discards it.
 *
 * Strings: '"', '\\' and the control characters U+0000..U+001F are escaped
 * (\b \f \n \r \t, else \u00XX in upper-case hex, as jansson does); other
 * valid UTF-8 passes through unchanged.  Invalid UTF-8 is never emitted: each
 * byte that does not start a valid sequence becomes U+FFFD.  (Stored text is
 * validated on the way in, so this only guards against a database edited by
 * hand.)
 *
 * Doubles: formatted like jansson's JSON_REAL_PRECISION(10): "%.10g", then a
 * ".0" added when the result would read back as an integer, and the exponent
 * written without '+' and leading zeros ("1e20", "1e-7").  Ten significant
 * digits keep coordinates to 1 cm or better (lat/lon need at most 3 + 7).
 * NaN and infinities have no JSON form and are written as null.
 */
#ifndef YOUYUE_JSONW_H
#define YOUYUE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define JSONW_MAX_DEPTH 32

struct jsonw {
    struct buf *out;
    enum yy_err err; /* first failure, YY_OK while none */
    unsigned depth;  /* open containers */
    bool need_comma; /* the current container already holds an element */
    bool after_key;  /* a key was written; its value is due */
    bool is_object[JSONW_MAX_DEPTH];
};

/* Starts a document appended to out (which the caller owns and keeps).  One
 * top-level value per document. */
void jsonw_init(struct jsonw *w, struct buf *out);

void jsonw_object_begin(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);
/* The key of the next member; only inside an object, before each value. */
void jsonw_key(struct jsonw *w, const char *key);

/* Values.  jsonw_string(w, NULL) writes null. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_stringn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, int64_t v);
/* jsonw_key then jsonw_int: one member of an object. */
void jsonw_member_int(struct jsonw *w, const char *key, int64_t v);
void jsonw_double(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);

/* Returns YY_OK when one complete value was written, else the first failure
 * (YY_INTERNAL for unclosed containers or no value at all). */
enum yy_err jsonw_finish(const struct jsonw *w);

/* Formats v the way jsonw_double writes it into out (NUL-terminated; at most
 * JSONW_DOUBLE_MAX bytes with the NUL).  Returns the length; NaN and
 * infinities give "null".  Exposed for tests. */
#define JSONW_DOUBLE_MAX 32
size_t jsonw_format_double(double v, char out[JSONW_DOUBLE_MAX]);

#endif
