/* chart.h - SVG charts drawn by the server (issue 6, "the dashboard").
 *
 * Pure functions: each writes one <svg> element into a struct buf and does no
 * other I/O.  The output is meant to sit inline in an HTML page:
 *
 *   - sized by viewBox only (390 units wide, the width of a phone), so it scales
 *     to its container; no external fonts, images or style sheets;
 *   - accessible: role="img", aria-labelledby pointing at its <title> and
 *     <desc>.  The numbers themselves are the caller's input; the page shows the
 *     same numbers in a (visually hidden) table, formatted with
 *     chart_format_value so chart and table agree;
 *   - every label is data and is escaped (chart_escape); invalid UTF-8 becomes
 *     U+FFFD and control characters are dropped, so the result is always
 *     well-formed XML;
 *   - values are clamped: not finite or negative -> 0, above CHART_VALUE_MAX ->
 *     CHART_VALUE_MAX; every coordinate stays inside the viewBox;
 *   - deterministic: the same input gives the same bytes (C locale numbers).
 *
 * On failure (YY_TOO_LARGE past the buffer's maximum, YY_NOMEM) the buffer may
 * hold a partial chart; the caller discards the response.
 */
#ifndef YOUYUE_WEB_CHART_H
#define YOUYUE_WEB_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define CHART_WIDTH 390
#define CHART_VALUE_MAX 1e12
#define CHART_MAX_SERIES 8 /* colours in the palette; more series are refused */

/* What every chart takes besides its data. */
struct chart_opts {
    const char *id;    /* prefix of the element ids ([a-z0-9_-], 1..32 chars; else "chart");
                        * give each chart on a page its own */
    const char *title; /* the <title>: what the chart shows (required) */
    const char *desc;  /* the <desc>: how to read it; NULL for none */
    const char *unit;  /* after each value label, e.g. "%" or "件"; NULL for none */
    double max;        /* the end of the value axis; 0 = the largest value (or target) */
    bool has_target;   /* draw a target line at target, e.g. 100 (%) */
    double target;
    const char *target_label; /* beside the target line, e.g. "目标"; NULL for none */
};

/* One labelled number: a bar, a month. */
struct chart_item {
    const char *label;
    double value;
};

/* Writes s escaped for XML text and attribute values (&, <, >, ", '). */
enum yy_err chart_escape(struct buf *out, const char *s);

/* The value as the charts print it: clamped as above, an integer without
 * decimals, else one decimal ("12", "87.5"), then unit.  Returns dst. */
const char *chart_format_value(char *dst, size_t cap, double v, const char *unit);

/* Horizontal bars, one per item, top to bottom in the order given, with the
 * label on the left and the value at the end of the bar. */
enum yy_err chart_hbar(struct buf *out, const struct chart_opts *o, const struct chart_item *items,
                       size_t n);

/* Statuses per category: one row per category, one segment (stacked) or one
 * thin bar (grouped) per series, coloured per series, with a legend.
 * values[s * n_categories + c] is series s in category c. */
enum yy_err chart_status_bars(struct buf *out, const struct chart_opts *o,
                              const char *const *categories, size_t n_categories,
                              const char *const *series, size_t n_series, const double *values,
                              bool stacked);

/* A value over months (or any ordered periods): columns, or a line with a dot
 * per period.  Labels are printed under the axis as given (e.g. "1月"). */
enum chart_months_style { CHART_COLUMNS, CHART_LINE };
enum yy_err chart_months(struct buf *out, const struct chart_opts *o, const struct chart_item *items,
                         size_t n, enum chart_months_style style);

/* The station map: points placed from lat/lon by an equirectangular projection
 * fitted to the bounding box of the points (longitude scaled by the cosine of
 * the middle latitude, the same scale on both axes), each a link to
 * /stations/{id}.  Points without valid coordinates are left out (the page's
 * table still lists them).  With street_labels, each street's name is written at
 * the centre of its points. */
struct chart_point {
    int64_t id;
    const char *label;  /* the station's name: the link's accessible name */
    const char *street; /* the street's name, for street labels; may be NULL */
    double lat, lon;
};
enum yy_err chart_map(struct buf *out, const struct chart_opts *o, const struct chart_point *pts,
                      size_t n, bool street_labels);

#endif
