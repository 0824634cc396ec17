/* chart.c - SVG charts drawn by the server; see chart.h for the promises.
 *
 * Every chart is 390 units wide (CHART_WIDTH) and as tall as its data needs.
 * Writing goes through a small writer with a sticky error, so the drawing code
 * reads top to bottom; the first failed append is what the function returns.
 * Coordinates pass through clampx/clampy before they are printed, which is what
 * keeps them inside the viewBox whatever the data. */
#include "web/chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define W CHART_WIDTH
#define TEXT_COLOUR "#1f2933"
#define MUTED_COLOUR "#52606d"
#define BAR_COLOUR "#2f6fb3"
#define TARGET_COLOUR "#c0392b"
#define AXIS_COLOUR "#9aa5b1"
#define LABEL_MAX_CP 8 /* code points of a bar label before it is cut with "…" */

/* Distinguishable on white and for the common colour-vision deficiencies
 * (after Okabe and Ito, darkened for contrast with white text around them). */
static const char *const palette[CHART_MAX_SERIES] = {
    "#2f6fb3", "#d55e00", "#009e73", "#8e44ad", "#b8860b", "#5f6b7a", "#0072b2", "#cc3d7a",
};

/* ---- the writer ------------------------------------------------------------ */

struct w {
    struct buf *b;
    enum yy_err rc;
};

static void w_puts(struct w *w, const char *s)
{
    if (w->rc == YY_OK)
        w->rc = buf_puts(w->b, s);
}

static void w_printf(struct w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w_printf(struct w *w, const char *fmt, ...)
{
    if (w->rc != YY_OK)
        return;
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        w->rc = YY_INTERNAL; /* callers print only numbers and fixed words */
    else
        w->rc = buf_append(w->b, tmp, (size_t)n);
}

/* Decodes one UTF-8 sequence at s (NUL-terminated).  Returns its length, or 1
 * with *cp = U+FFFD for a byte that does not start a valid sequence (overlong,
 * surrogate, past U+10FFFF, truncated). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { /* also stops at the terminating NUL */
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

/* Characters XML 1.0 does not allow, and the bidirectional controls that
 * would let a label reorder the text around it: dropped. */
static bool dropped(uint32_t cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n' && cp != '\r';
    return (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Writes at most max_cp code points of s escaped (SIZE_MAX: all), then "…"
 * when something was cut. */
static void w_escape_n(struct w *w, const char *s, size_t max_cp)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;
    while (*p && w->rc == YY_OK) {
        uint32_t cp;
        size_t len = utf8_next(p, &cp);
        if (dropped(cp)) {
            p += len;
            continue;
        }
        if (count == max_cp) {
            w_puts(w, "…");
            return;
        }
        count++;
        switch (cp) {
        case '&': w_puts(w, "&amp;"); break;
        case '<': w_puts(w, "&lt;"); break;
        case '>': w_puts(w, "&gt;"); break;
        case '"': w_puts(w, "&quot;"); break;
        case '\'': w_puts(w, "&#39;"); break;
        case '\t': case '\n': case '\r': w_puts(w, " "); break;
        default:
            if (cp == 0xFFFD && len == 1)
                w_puts(w, "\xEF\xBF\xBD");
            else
                w->rc = buf_append(w->b, p, len);
        }
        p += len;
    }
}

static void w_escape(struct w *w, const char *s)
{
    w_escape_n(w, s, SIZE_MAX);
}

enum yy_err chart_escape(struct buf *out, const char *s)
{
    struct w w = {out, YY_OK};
    w_escape(&w, s);
    return w.rc;
}

/* ---- numbers --------------------------------------------------------------- */

static double clampv(double v)
{
    if (!isfinite(v) || v < 0)
        return 0;
    return v > CHART_VALUE_MAX ? CHART_VALUE_MAX : v;
}

static double clamp_to(double v, double lo, double hi)
{
    if (!(v >= lo)) /* also NaN */
        return lo;
    return v > hi ? hi : v;
}

const char *chart_format_value(char *dst, size_t cap, double v, const char *unit)
{
    v = clampv(v);
    double r = round(v * 10) / 10;
    if (r == floor(r))
        snprintf(dst, cap, "%.0f%s", r, unit ? unit : "");
    else
        snprintf(dst, cap, "%.1f%s", r, unit ? unit : "");
    return dst;
}

/* A coordinate with one decimal, without a trailing ".0" and never "-0". */
static void w_num(struct w *w, double v)
{
    double r = round(v * 10) / 10;
    if (r == 0)
        r = 0; /* turns -0 into 0 */
    if (r == floor(r))
        w_printf(w, "%.0f", r);
    else
        w_printf(w, "%.1f", r);
}

/* " name=\"v\"" */
static void w_attr_num(struct w *w, const char *name, double v)
{
    w_printf(w, " %s=\"", name);
    w_num(w, v);
    w_puts(w, "\"");
}

static void w_value(struct w *w, double v, const char *unit)
{
    char tmp[48];
    chart_format_value(tmp, sizeof(tmp), v, NULL);
    w_puts(w, tmp);
    w_escape(w, unit);
}

/* ---- common parts ---------------------------------------------------------- */

static const char *safe_id(const char *id)
{
    if (!id || !*id || strlen(id) > 32)
        return "chart";
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return "chart";
    return id;
}

static void open_svg(struct w *w, const struct chart_opts *o, double height, const char *role)
{
    const char *id = safe_id(o->id);
    w_printf(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d ", W);
    w_num(w, height);
    w_printf(w, "\" class=\"chart\" role=\"%s\" aria-labelledby=\"%s-title", role, id);
    if (o->desc)
        w_printf(w, " %s-desc", id);
    w_puts(w, "\" font-family=\"sans-serif\" font-size=\"12\" fill=\"" TEXT_COLOUR "\">");
    w_printf(w, "<title id=\"%s-title\">", id);
    w_escape(w, o->title ? o->title : "");
    w_puts(w, "</title>");
    if (o->desc) {
        w_printf(w, "<desc id=\"%s-desc\">", id);
        w_escape(w, o->desc);
        w_puts(w, "</desc>");
    }
}

static void empty_note(struct w *w, double y)
{
    w_printf(w, "<text x=\"%d\"", W / 2);
    w_attr_num(w, "y", y);
    w_puts(w, " text-anchor=\"middle\" fill=\"" MUTED_COLOUR "\">暂无数据</text>");
}

/* A chart with nothing to show: a short frame with a note in it. */
static enum yy_err empty_chart(struct w *w, const struct chart_opts *o, const char *role)
{
    open_svg(w, o, 60, role);
    empty_note(w, 34);
    w_puts(w, "</svg>");
    return w->rc;
}

/* The end of the value axis: opts->max, else the largest value or target;
 * never 0. */
static double axis_max(const struct chart_opts *o, double largest)
{
    double m = clampv(o->max);
    if (m <= 0) {
        m = largest;
        if (o->has_target && clampv(o->target) > m)
            m = clampv(o->target);
    }
    return m > 0 ? m : 1;
}

/* axis_max for one value per item. */
static double items_axis_max(const struct chart_opts *o, const struct chart_item *items, size_t n)
{
    double largest = 0;
    for (size_t i = 0; i < n; i++)
        if (clampv(items[i].value) > largest)
            largest = clampv(items[i].value);
    return axis_max(o, largest);
}

/* Length along an axis of `span` units for v on an axis ending at max. */
static double scaled(double v, double max, double span)
{
    return clamp_to(clampv(v) / max, 0, 1) * span;
}

/* ---- horizontal bars ------------------------------------------------------- */

#define HB_LABEL_W 118.0 /* label column; bars start here */
#define HB_VALUE_W 66.0  /* value column at the right */
#define HB_TOP 22.0      /* room for the target label */
#define HB_ROW 28.0
#define HB_BAR 16.0

static void target_vline(struct w *w, const struct chart_opts *o, double x0, double span,
                         double max, double y0, double y1)
{
    if (!o->has_target)
        return;
    double x = x0 + scaled(o->target, max, span);
    w_puts(w, "<line");
    w_attr_num(w, "x1", x);
    w_attr_num(w, "x2", x);
    w_attr_num(w, "y1", y0);
    w_attr_num(w, "y2", y1);
    w_puts(w, " stroke=\"" TARGET_COLOUR "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>");
    w_puts(w, "<text");
    w_attr_num(w, "x", clamp_to(x, 0, W));
    w_attr_num(w, "y", y0 - 4);
    w_printf(w, " text-anchor=\"%s\" font-size=\"11\" fill=\"" TARGET_COLOUR "\">",
             x > W - 60 ? "end" : x < 60 ? "start" : "middle");
    if (o->target_label) {
        w_escape(w, o->target_label);
        w_puts(w, " ");
    }
    w_value(w, o->target, o->unit);
    w_puts(w, "</text>");
}

enum yy_err chart_hbar(struct buf *out, const struct chart_opts *o, const struct chart_item *items,
                       size_t n)
{
    struct w w = {out, YY_OK};
    if (n == 0)
        return empty_chart(&w, o, "img");
    double max = items_axis_max(o, items, n);
    double span = W - HB_LABEL_W - HB_VALUE_W;
    double height = HB_TOP + (double)n * HB_ROW + 8;
    open_svg(&w, o, height, "img");
    for (size_t i = 0; i < n; i++) {
        double y = HB_TOP + (double)i * HB_ROW;
        double len = scaled(items[i].value, max, span);
        w_puts(&w, "<g><title>");
        w_escape(&w, items[i].label);
        w_puts(&w, ":");
        w_value(&w, items[i].value, o->unit);
        w_puts(&w, "</title><text");
        w_attr_num(&w, "x", HB_LABEL_W - 6);
        w_attr_num(&w, "y", y + HB_BAR - 3);
        w_puts(&w, " text-anchor=\"end\">");
        w_escape_n(&w, items[i].label, LABEL_MAX_CP);
        w_puts(&w, "</text><rect");
        w_attr_num(&w, "x", HB_LABEL_W);
        w_attr_num(&w, "y", y);
        w_attr_num(&w, "width", len);
        w_attr_num(&w, "height", HB_BAR);
        w_puts(&w, " fill=\"" BAR_COLOUR "\" data-value=\"");
        w_value(&w, items[i].value, NULL);
        w_puts(&w, "\"/><text");
        w_attr_num(&w, "x", W - 4);
        w_attr_num(&w, "y", y + HB_BAR - 3);
        w_puts(&w, " text-anchor=\"end\">");
        w_value(&w, items[i].value, o->unit);
        w_puts(&w, "</text></g>");
    }
    w_puts(&w, "<line");
    w_attr_num(&w, "x1", HB_LABEL_W);
    w_attr_num(&w, "x2", HB_LABEL_W);
    w_attr_num(&w, "y1", HB_TOP - 4);
    w_attr_num(&w, "y2", height - 4);
    w_puts(&w, " stroke=\"" AXIS_COLOUR "\"/>");
    target_vline(&w, o, HB_LABEL_W, span, max, HB_TOP - 2, height - 4);
    w_puts(&w, "</svg>");
    return w.rc;
}

/* ---- statuses per category --------------------------------------------------- */

/* Rough width of text at font-size 12: CJK and other wide characters 12
 * units, ASCII 7. */
static double text_width(const char *s)
{
    double width = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        width += cp < 0x80 ? 7 : 12;
    }
    return width;
}

#define LEGEND_ROW 18.0

/* The legend, flowing left to right and wrapping; returns the y under it. */
static double legend(struct w *w, const char *const *series, size_t n_series, double y)
{
    double x = 4;
    for (size_t s = 0; s < n_series; s++) {
        double item = 16 + fmin(text_width(series[s]), 12.0 * LABEL_MAX_CP + 12) + 14;
        if (x > 4 && x + item > W) {
            x = 4;
            y += LEGEND_ROW;
        }
        w_puts(w, "<rect");
        w_attr_num(w, "x", x);
        w_attr_num(w, "y", y);
        w_puts(w, " width=\"11\" height=\"11\"");
        w_printf(w, " fill=\"%s\"/><text", palette[s]);
        w_attr_num(w, "x", x + 16);
        w_attr_num(w, "y", y + 10);
        w_puts(w, ">");
        w_escape_n(w, series[s], LABEL_MAX_CP);
        w_puts(w, "</text>");
        x += item;
    }
    return y + LEGEND_ROW + 4;
}

enum yy_err chart_status_bars(struct buf *out, const struct chart_opts *o,
                              const char *const *categories, size_t n_categories,
                              const char *const *series, size_t n_series, const double *values,
                              bool stacked)
{
    if (n_series > CHART_MAX_SERIES)
        return YY_BAD_INPUT;
    struct w w = {out, YY_OK};
    if (n_categories == 0 || n_series == 0)
        return empty_chart(&w, o, "img");
    /* the legend's height first: the viewBox comes before it */
    double legend_h = LEGEND_ROW + 4, lx = 4;
    for (size_t s = 0; s < n_series; s++) {
        double item = 16 + fmin(text_width(series[s]), 12.0 * LABEL_MAX_CP + 12) + 14;
        if (lx > 4 && lx + item > W) {
            lx = 4;
            legend_h += LEGEND_ROW;
        }
        lx += item;
    }
    double largest = 0;
    for (size_t c = 0; c < n_categories; c++) {
        double sum = 0;
        for (size_t s = 0; s < n_series; s++) {
            double v = clampv(values[s * n_categories + c]);
            sum += v;
            if (!stacked && v > largest)
                largest = v;
        }
        if (stacked && clampv(sum) > largest)
            largest = clampv(sum);
    }
    double max = axis_max(o, largest);
    double span = W - HB_LABEL_W - HB_VALUE_W;
    double thin = 7, row = stacked ? HB_ROW : (double)n_series * (thin + 1) + 10;
    double top = 4 + legend_h + (o->has_target ? 16 : 0);
    double height = top + (double)n_categories * row + 8;
    open_svg(&w, o, height, "img");
    legend(&w, series, n_series, 4);
    for (size_t c = 0; c < n_categories; c++) {
        double y = top + (double)c * row, x = HB_LABEL_W, sum = 0;
        w_puts(&w, "<g><text");
        w_attr_num(&w, "x", HB_LABEL_W - 6);
        w_attr_num(&w, "y", y + (stacked ? HB_BAR : (row - 10) / 2 + 4) - 3);
        w_puts(&w, " text-anchor=\"end\">");
        w_escape_n(&w, categories[c], LABEL_MAX_CP);
        w_puts(&w, "</text>");
        for (size_t s = 0; s < n_series; s++) {
            double v = clampv(values[s * n_categories + c]);
            double len = scaled(v, max, span);
            double rx = x, ry = y, rh = HB_BAR;
            if (stacked) {
                len = fmin(len, HB_LABEL_W + span - x);
                x += len;
                sum += v;
            } else {
                rx = HB_LABEL_W;
                ry = y + (double)s * (thin + 1);
                rh = thin;
            }
            w_puts(&w, "<rect");
            w_attr_num(&w, "x", rx);
            w_attr_num(&w, "y", ry);
            w_attr_num(&w, "width", len);
            w_attr_num(&w, "height", rh);
            w_printf(&w, " fill=\"%s\" data-value=\"", palette[s]);
            w_value(&w, v, NULL);
            w_puts(&w, "\"><title>");
            w_escape(&w, categories[c]);
            w_puts(&w, " · ");
            w_escape(&w, series[s]);
            w_puts(&w, ":");
            w_value(&w, v, o->unit);
            w_puts(&w, "</title></rect>");
        }
        if (stacked) {
            w_puts(&w, "<text");
            w_attr_num(&w, "x", W - 4);
            w_attr_num(&w, "y", y + HB_BAR - 3);
            w_puts(&w, " text-anchor=\"end\">");
            w_value(&w, sum, o->unit);
            w_puts(&w, "</text>");
        }
        w_puts(&w, "</g>");
    }
    target_vline(&w, o, HB_LABEL_W, span, max, top - 2, height - 4);
    w_puts(&w, "</svg>");
    return w.rc;
}

/* ---- over months ----------------------------------------------------------- */

#define MO_HEIGHT 220.0
#define MO_LEFT 44.0
#define MO_RIGHT 8.0
#define MO_TOP 20.0
#define MO_BOTTOM 28.0

enum yy_err chart_months(struct buf *out, const struct chart_opts *o, const struct chart_item *items,
                         size_t n, enum chart_months_style style)
{
    struct w w = {out, YY_OK};
    if (n == 0)
        return empty_chart(&w, o, "img");
    double max = items_axis_max(o, items, n);
    double x0 = MO_LEFT, x1 = W - MO_RIGHT, y0 = MO_TOP, y1 = MO_HEIGHT - MO_BOTTOM;
    double slot = (x1 - x0) / (double)n;
    size_t every = (n + 11) / 12; /* at most 12 period labels */
    open_svg(&w, o, MO_HEIGHT, "img");
    /* the value axis: 0, half, max */
    for (int t = 0; t <= 2; t++) {
        double v = max * t / 2, y = y1 - (y1 - y0) * t / 2;
        w_puts(&w, "<line");
        w_attr_num(&w, "x1", x0);
        w_attr_num(&w, "x2", x1);
        w_attr_num(&w, "y1", y);
        w_attr_num(&w, "y2", y);
        w_printf(&w, " stroke=\"%s\"/>", t ? "#e4e7eb" : AXIS_COLOUR);
        w_puts(&w, "<text");
        w_attr_num(&w, "x", x0 - 4);
        w_attr_num(&w, "y", y + 4);
        w_puts(&w, " text-anchor=\"end\" font-size=\"10\">");
        w_value(&w, v, NULL);
        w_puts(&w, "</text>");
    }
    if (style == CHART_LINE) {
        w_puts(&w, "<polyline fill=\"none\" stroke=\"" BAR_COLOUR "\" stroke-width=\"2\" points=\"");
        for (size_t i = 0; i < n; i++) {
            if (i)
                w_puts(&w, " ");
            w_num(&w, x0 + slot * ((double)i + 0.5));
            w_puts(&w, ",");
            w_num(&w, y1 - scaled(items[i].value, max, y1 - y0));
        }
        w_puts(&w, "\"/>");
    }
    for (size_t i = 0; i < n; i++) {
        double cx = x0 + slot * ((double)i + 0.5), h = scaled(items[i].value, max, y1 - y0);
        w_puts(&w, "<g><title>");
        w_escape(&w, items[i].label);
        w_puts(&w, ":");
        w_value(&w, items[i].value, o->unit);
        w_puts(&w, "</title>");
        if (style == CHART_COLUMNS) {
            w_puts(&w, "<rect");
            w_attr_num(&w, "x", cx - slot * 0.3);
            w_attr_num(&w, "y", y1 - h);
            w_attr_num(&w, "width", slot * 0.6);
            w_attr_num(&w, "height", h);
            w_puts(&w, " fill=\"" BAR_COLOUR "\"");
        } else {
            w_puts(&w, "<circle");
            w_attr_num(&w, "cx", cx);
            w_attr_num(&w, "cy", y1 - h);
            w_puts(&w, " r=\"3\" fill=\"" BAR_COLOUR "\"");
        }
        w_puts(&w, " data-value=\"");
        w_value(&w, items[i].value, NULL);
        w_puts(&w, "\"/>");
        if (n <= 12) { /* the value over its column or dot */
            w_puts(&w, "<text");
            w_attr_num(&w, "x", cx);
            w_attr_num(&w, "y", clamp_to(y1 - h - 4, 10, y1));
            w_puts(&w, " text-anchor=\"middle\" font-size=\"9\">");
            w_value(&w, items[i].value, NULL);
            w_puts(&w, "</text>");
        }
        if (i % every == 0) {
            w_puts(&w, "<text");
            w_attr_num(&w, "x", cx);
            w_attr_num(&w, "y", MO_HEIGHT - 10);
            w_puts(&w, " text-anchor=\"middle\" font-size=\"10\">");
            w_escape_n(&w, items[i].label, 6);
            w_puts(&w, "</text>");
        }
        w_puts(&w, "</g>");
    }
    if (o->has_target) {
        double y = y1 - scaled(o->target, max, y1 - y0);
        w_puts(&w, "<line");
        w_attr_num(&w, "x1", x0);
        w_attr_num(&w, "x2", x1);
        w_attr_num(&w, "y1", y);
        w_attr_num(&w, "y2", y);
        w_puts(&w, " stroke=\"" TARGET_COLOUR "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>");
        w_puts(&w, "<text");
        w_attr_num(&w, "x", x1);
        w_attr_num(&w, "y", clamp_to(y - 4, 10, y1));
        w_puts(&w, " text-anchor=\"end\" font-size=\"11\" fill=\"" TARGET_COLOUR "\">");
        if (o->target_label) {
            w_escape(&w, o->target_label);
            w_puts(&w, " ");
        }
        w_value(&w, o->target, o->unit);
        w_puts(&w, "</text>");
    }
    w_puts(&w, "</svg>");
    return w.rc;
}

/* ---- the station map ------------------------------------------------------- */

#define MAP_PAD 24.0
#define MAP_MIN_H 220.0
#define MAP_MAX_H 520.0
#define MAP_MAX_STREETS 64

static bool point_valid(const struct chart_point *p)
{
    return isfinite(p->lat) && isfinite(p->lon) && p->lat >= -90 && p->lat <= 90 &&
           p->lon >= -180 && p->lon <= 180;
}

struct proj {
    double min_lat, max_lat, min_lon, max_lon, k, scale, off_x, off_y, height;
};

static void project(const struct proj *pr, double lat, double lon, double *x, double *y)
{
    *x = clamp_to(pr->off_x + (lon - pr->min_lon) * pr->k * pr->scale, 0, W);
    *y = clamp_to(pr->off_y + (pr->max_lat - lat) * pr->scale, 0, pr->height);
}

enum yy_err chart_map(struct buf *out, const struct chart_opts *o, const struct chart_point *pts,
                      size_t n, bool street_labels)
{
    struct w w = {out, YY_OK};
    struct proj pr = {.min_lat = 90, .max_lat = -90, .min_lon = 180, .max_lon = -180};
    size_t valid = 0;
    for (size_t i = 0; i < n; i++) {
        if (!point_valid(&pts[i]))
            continue;
        valid++;
        pr.min_lat = fmin(pr.min_lat, pts[i].lat);
        pr.max_lat = fmax(pr.max_lat, pts[i].lat);
        pr.min_lon = fmin(pr.min_lon, pts[i].lon);
        pr.max_lon = fmax(pr.max_lon, pts[i].lon);
    }
    if (valid == 0)
        return empty_chart(&w, o, "group");
    /* equirectangular: x = lon * cos(middle latitude), y = lat, one scale */
    pr.k = cos((pr.min_lat + pr.max_lat) / 2 * M_PI / 180);
    double span_x = (pr.max_lon - pr.min_lon) * pr.k, span_y = pr.max_lat - pr.min_lat;
    double inner_w = W - 2 * MAP_PAD;
    pr.height = span_x > 0 ? clamp_to(inner_w * span_y / span_x + 2 * MAP_PAD, MAP_MIN_H, MAP_MAX_H)
                           : MAP_MIN_H;
    double inner_h = pr.height - 2 * MAP_PAD;
    if (span_x > 0 && span_y > 0)
        pr.scale = fmin(inner_w / span_x, inner_h / span_y);
    else if (span_x > 0)
        pr.scale = inner_w / span_x;
    else if (span_y > 0)
        pr.scale = inner_h / span_y;
    else
        pr.scale = 0; /* one place: the middle */
    pr.off_x = MAP_PAD + (inner_w - span_x * pr.scale) / 2;
    pr.off_y = MAP_PAD + (inner_h - span_y * pr.scale) / 2;

    /* A map of links is not an image: role="group" keeps the links reachable
     * (children of role="img" are presentational). */
    open_svg(&w, o, pr.height, "group");
    w_printf(&w, "<rect width=\"%d\"", W);
    w_attr_num(&w, "height", pr.height);
    w_puts(&w, " fill=\"#f4f6f8\"/>");
    for (size_t i = 0; i < n; i++) {
        if (!point_valid(&pts[i]))
            continue;
        double x, y;
        project(&pr, pts[i].lat, pts[i].lon, &x, &y);
        w_printf(&w, "<a href=\"/stations/%lld\" aria-label=\"", (long long)pts[i].id);
        w_escape(&w, pts[i].label);
        w_puts(&w, "\"><circle");
        w_attr_num(&w, "cx", x);
        w_attr_num(&w, "cy", y);
        w_puts(&w, " r=\"5\" fill=\"" BAR_COLOUR "\" stroke=\"#fff\" stroke-width=\"1.5\"><title>");
        w_escape(&w, pts[i].label);
        w_puts(&w, "</title></circle></a>");
    }
    if (street_labels) {
        /* each street's name at the centre of its points, in order of first
         * appearance; past MAP_MAX_STREETS streets the rest go unlabelled */
        const char *names[MAP_MAX_STREETS];
        double sx[MAP_MAX_STREETS], sy[MAP_MAX_STREETS];
        size_t cnt[MAP_MAX_STREETS], n_streets = 0;
        for (size_t i = 0; i < n; i++) {
            if (!point_valid(&pts[i]) || !pts[i].street || !*pts[i].street)
                continue;
            size_t s = 0;
            while (s < n_streets && strcmp(names[s], pts[i].street) != 0)
                s++;
            if (s == n_streets) {
                if (n_streets == MAP_MAX_STREETS)
                    continue;
                names[s] = pts[i].street;
                sx[s] = sy[s] = 0;
                cnt[s] = 0;
                n_streets++;
            }
            double x, y;
            project(&pr, pts[i].lat, pts[i].lon, &x, &y);
            sx[s] += x;
            sy[s] += y;
            cnt[s]++;
        }
        for (size_t s = 0; s < n_streets; s++) {
            w_puts(&w, "<text");
            w_attr_num(&w, "x", clamp_to(sx[s] / (double)cnt[s], 40, W - 40));
            w_attr_num(&w, "y", clamp_to(sy[s] / (double)cnt[s] - 8, 12, pr.height - 4));
            w_puts(&w, " text-anchor=\"middle\" font-size=\"11\" fill=\"" MUTED_COLOUR
                       "\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\""
                       " pointer-events=\"none\" aria-hidden=\"true\">");
            w_escape_n(&w, names[s], LABEL_MAX_CP);
            w_puts(&w, "</text>");
        }
    }
    w_puts(&w, "</svg>");
    return w.rc;
}
