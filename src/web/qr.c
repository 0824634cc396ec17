/* qr.c - QR codes of the stations' concern forms as SVG and PNG; see qr.h.
 *
 * The PNG is written here (a signature and three chunks: IHDR, IDAT, IEND,
 * each with its CRC-32); zlib's compress2() makes the IDAT's zlib stream. */
#include "web/qr.h"

#include <qrencode.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "api/api.h"
#include "api/jsonio.h"
#include "store/store.h"
#include "web/chart.h"

#define PUBLIC_URL_MAX 256

static char public_url[PUBLIC_URL_MAX + 1];

/* ---- encoding ---------------------------------------------------------------- */

/* The modules of text, or NULL (errno says why: EINVAL, ERANGE too long). */
static QRcode *encode(const char *text)
{
    if (!text || !*text)
        return NULL;
    /* version 0: the smallest that fits; mode 8 keeps the URL's case */
    return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static bool dark(const QRcode *q, int x, int y)
{
    return x >= 0 && y >= 0 && x < q->width && y < q->width &&
           (q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1);
}

enum yy_err qr_svg(struct buf *out, const char *text, const char *title)
{
    QRcode *q = encode(text);
    if (!q)
        return YY_BAD_INPUT;
    int size = q->width + 2 * QR_QUIET;
    enum yy_err rc = buf_printf(out,
                                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                                "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\" "
                                "role=\"img\" aria-labelledby=\"qr-title\">"
                                "<title id=\"qr-title\">",
                                size, size, size * QR_PNG_SCALE, size * QR_PNG_SCALE);
    if (rc == YY_OK)
        rc = chart_escape(out, title ? title : text);
    if (rc == YY_OK)
        rc = buf_printf(out, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                             "<path fill=\"#000\" d=\"",
                        size, size);
    /* one subpath per horizontal run of dark modules */
    for (int y = 0; y < q->width && rc == YY_OK; y++) {
        for (int x = 0; x < q->width && rc == YY_OK;) {
            if (!dark(q, x, y)) {
                x++;
                continue;
            }
            int run = 1;
            while (dark(q, x + run, y))
                run++;
            rc = buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
            x += run;
        }
    }
    if (rc == YY_OK)
        rc = buf_puts(out, "\"/></svg>");
    QRcode_free(q);
    return rc;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One chunk: length, type, data, CRC-32 over type and data. */
static enum yy_err png_chunk(struct buf *out, const char type[4], const unsigned char *data,
                             size_t len)
{
    if (len > 0x7FFFFFFF)
        return YY_TOO_LARGE;
    unsigned char head[8], tail[4];
    put_be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, (uInt)len);
    put_be32(tail, (uint32_t)crc);
    enum yy_err rc = buf_append(out, head, sizeof(head));
    if (rc == YY_OK && len)
        rc = buf_append(out, data, len);
    if (rc == YY_OK)
        rc = buf_append(out, tail, sizeof(tail));
    return rc;
}

enum yy_err qr_png(struct buf *out, const char *text, unsigned scale)
{
    if (scale < 1 || scale > 32)
        return YY_BAD_INPUT;
    QRcode *q = encode(text);
    if (!q)
        return YY_BAD_INPUT;
    size_t px = (size_t)(q->width + 2 * QR_QUIET) * scale;
    size_t stride = 1 + (px + 7) / 8; /* filter byte (0: none) + 1 bit per pixel */
    size_t raw_len = stride * px;
    unsigned char *raw = calloc(raw_len, 1);
    uLongf z_len = compressBound((uLong)raw_len);
    unsigned char *z = malloc(z_len);
    enum yy_err rc = YY_OK;
    if (!raw || !z) {
        rc = YY_NOMEM;
        goto done;
    }
    /* grayscale 1-bit: 1 is white, the most significant bit is the leftmost */
    for (size_t y = 0; y < px; y++) {
        unsigned char *row = raw + y * stride + 1;
        int my = (int)(y / scale) - QR_QUIET;
        for (size_t x = 0; x < px; x++)
            if (!dark(q, (int)(x / scale) - QR_QUIET, my))
                row[x / 8] |= (unsigned char)(0x80u >> (x % 8));
    }
    if (compress2(z, &z_len, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK) {
        rc = YY_INTERNAL;
        goto done;
    }
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    unsigned char ihdr[13];
    put_be32(ihdr, (uint32_t)px);
    put_be32(ihdr + 4, (uint32_t)px);
    ihdr[8] = 1;  /* bit depth */
    ihdr[9] = 0;  /* colour type: grayscale */
    ihdr[10] = 0; /* compression: deflate */
    ihdr[11] = 0; /* filter method 0 */
    ihdr[12] = 0; /* no interlace */
    rc = buf_append(out, sig, sizeof(sig));
    if (rc == YY_OK)
        rc = png_chunk(out, "IHDR", ihdr, sizeof(ihdr));
    if (rc == YY_OK)
        rc = png_chunk(out, "IDAT", z, z_len);
    if (rc == YY_OK)
        rc = png_chunk(out, "IEND", NULL, 0);
done:
    free(raw);
    free(z);
    QRcode_free(q);
    return rc;
}

/* ---- the public address -------------------------------------------------------- */

/* Characters a URL may hold without escaping (RFC 3986 unreserved, reserved
 * and '%'), less the quotes and angle brackets. */
static bool url_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~:/?#[]@!$&()*+,;=%", c) != NULL;
}

enum yy_err web_qr_set_public_url(const char *url)
{
    if (!url || !*url) {
        public_url[0] = '\0';
        return YY_OK;
    }
    size_t len = strlen(url);
    size_t scheme = !strncmp(url, "https://", 8) ? 8 : !strncmp(url, "http://", 7) ? 7 : 0;
    while (len > scheme && url[len - 1] == '/')
        len--;
    if (!scheme || len == scheme || len > PUBLIC_URL_MAX || url[scheme] == '/')
        return YY_BAD_INPUT;
    for (size_t i = 0; i < len; i++)
        if (!url_char((unsigned char)url[i]))
            return YY_BAD_INPUT;
    memcpy(public_url, url, len);
    public_url[len] = '\0';
    return YY_OK;
}

/* A Host header we are willing to print: a name or IPv4 address, or an IPv6
 * address in brackets, with an optional port. */
static bool host_valid(const char *h)
{
    if (!h || !*h || strlen(h) > 255)
        return false;
    for (const char *p = h; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            return false;
    }
    return h[0] != ':' && h[0] != '.' && h[0] != '-';
}

/* The station's concern form as an absolute URL (request arena). */
static enum yy_err concern_url(struct request *req, int64_t id, const char **out)
{
    if (public_url[0]) {
        *out = arena_printf(req->arena, "%s/stations/%lld/concern", public_url, (long long)id);
        return YY_OK;
    }
    const char *host = request_header(req, "Host");
    if (!host_valid(host))
        return yy_fail(&req->err, YY_BAD_INPUT, "invalid_host", "请求的主机名无效", NULL);
    *out = arena_printf(req->arena, "%s://%s/stations/%lld/concern", req->https ? "https" : "http",
                        host, (long long)id);
    return YY_OK;
}

/* ---- the routes ------------------------------------------------------------------ */

/* The station (404 when it does not exist) and the URL its code holds. */
static enum yy_err station_target(struct request *req, struct station *s, const char **url)
{
    int64_t id;
    enum yy_err rc = path_id(req, &id);
    if (rc == YY_OK)
        rc = store_station_get(api_app(req)->db, req->arena, id, s, &req->err);
    if (rc == YY_OK)
        rc = concern_url(req, id, url);
    return rc;
}

static void image_headers(struct request *req, struct response *res, int64_t id, const char *ext)
{
    /* the code depends on the Host when there is no --public-url */
    response_header(res, "Cache-Control", "public, max-age=3600");
    response_header(res, "Vary", "Host");
    response_header(res, "Content-Disposition",
                    arena_printf(req->arena, "inline; filename=\"station-%lld-qr.%s\"",
                                 (long long)id, ext));
}

static enum yy_err get_qr_svg(struct request *req, struct response *res)
{
    struct station s;
    const char *url;
    enum yy_err rc = station_target(req, &s, &url);
    if (rc != YY_OK)
        return rc;
    buf_reset(&res->body);
    const char *title = arena_printf(req->arena, "%s:扫码向代表反映问题", s.name);
    rc = qr_svg(&res->body, url, title);
    if (rc == YY_BAD_INPUT) /* a --public-url too long for a QR code */
        return yy_fail(&req->err, YY_INTERNAL, "qr_failed", "二维码生成失败", NULL);
    if (rc != YY_OK)
        return rc;
    res->status = 200;
    res->content_type = "image/svg+xml; charset=utf-8";
    image_headers(req, res, s.id, "svg");
    /* opened as a document, an SVG could run scripts: it has none, and may not */
    response_header(res, "Content-Security-Policy", "default-src 'none'");
    return YY_OK;
}

static enum yy_err get_qr_png(struct request *req, struct response *res)
{
    struct station s;
    const char *url;
    enum yy_err rc = station_target(req, &s, &url);
    if (rc != YY_OK)
        return rc;
    buf_reset(&res->body);
    rc = qr_png(&res->body, url, QR_PNG_SCALE);
    if (rc == YY_BAD_INPUT)
        return yy_fail(&req->err, YY_INTERNAL, "qr_failed", "二维码生成失败", NULL);
    if (rc != YY_OK)
        return rc;
    res->status = 200;
    res->content_type = "image/png";
    image_headers(req, res, s.id, "png");
    return YY_OK;
}

enum yy_err web_qr_routes(struct router *r)
{
    enum yy_err rc = router_add(r, "GET", "/stations/{id}/qr.svg", get_qr_svg, 0);
    if (rc == YY_OK)
        rc = router_add(r, "GET", "/stations/{id}/qr.png", get_qr_png, 0);
    return rc;
}
