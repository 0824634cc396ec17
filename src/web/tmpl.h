/* tmpl.h - our template engine: a small, Mustache-like language compiled once
 * at start-up into an op array, rendered from jansson values into a bounded
 * buffer.  The language (docs/WEB.md "Templates"):
 *
 *   {{name}} {{a.b.c}} {{.}}   the value, HTML-escaped (& < > " ' `)
 *   {{#x}}...{{/x}}            over each element of an array; once for an
 *                              object (pushed as the context) or any other
 *                              truthy value; not at all for a falsy one
 *   {{^x}}...{{/x}}            once when x is falsy
 *   {{> name}}                 another template of the set, same context
 *   {{$content}}               the slot: the page rendered inside a layout
 *   {{! comment }}
 *   {{&TRUSTED_SERVER_HTML x}} x unescaped: only for HTML the server itself
 *                              made (SVG charts, QR codes), never user text
 *
 * Falsy: missing, null, false, "" and []; numbers are truthy (0 included).
 * A name is looked up from the innermost context outwards; the segments after
 * the first descend into objects.  Missing values render as nothing.
 *
 * Contexts are checked when compiling: a variable inside a tag must sit in a
 * quoted attribute value, never in an on* or style attribute, never inside
 * <script> or <style>; a variable that starts an href/src/action value is
 * rendered only when it is a relative URL or http(s)/mailto/tel (else "#").
 * Any of these, an unclosed or mismatched section, an unknown partial or a
 * malformed tag is a compile error naming the template and the line.
 */
#ifndef YOUYUE_WEB_TMPL_H
#define YOUYUE_WEB_TMPL_H

#include <stddef.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"

struct tmpl_source {
    const char *name; /* "station" for web/templates/station.html */
    const char *text;
    size_t len;
};

struct tmpl_set;

/* Compiles every template; partials are resolved across the set.  On failure
 * returns NULL and writes "NAME:LINE: what" into err. */
struct tmpl_set *tmpl_compile(const struct tmpl_source *src, size_t n, char *err, size_t errlen);
void tmpl_free(struct tmpl_set *s);
/* Whether the set holds a template of that name. */
int tmpl_has(const struct tmpl_set *s, const char *name);

/* Renders template name with data as the outermost context, appending to out.
 * slot (may be NULL) is the template {{$content}} renders.  YY_NOT_FOUND for
 * an unknown name, YY_TOO_LARGE when out is full, YY_INTERNAL past the
 * nesting bound (TMPL_MAX_DEPTH contexts or partials). */
#define TMPL_MAX_DEPTH 32
enum yy_err tmpl_render(const struct tmpl_set *s, const char *name, const char *slot,
                        const json_t *data, struct buf *out);

/* Appends s HTML-escaped (the escaping of {{name}}). */
enum yy_err tmpl_escape(struct buf *out, const char *s, size_t n);

#endif
