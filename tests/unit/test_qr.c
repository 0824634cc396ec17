/* test_qr.c - unit tests for the stations' QR codes (web/qr.h): the PNG is a
 * valid PNG (signature, IHDR, every chunk's CRC, a zlib stream that inflates
 * to exactly the scanlines IHDR promises) whose pixels are the modules
 * libqrencode made, with the quiet zone; the SVG draws exactly those modules
 * with one path; bad input is refused; the public URL is checked. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "web/qr.h"

static const char *const URL = "https://youyue.example.cn/stations/12/concern";

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The reference modules: what the encoder is expected to draw. */
static QRcode *reference(const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(q);
    return q;
}

static int ref_dark(const QRcode *q, int x, int y)
{
    if (x < 0 || y < 0 || x >= q->width || y >= q->width)
        return 0;
    return q->data[y * q->width + x] & 1;
}

/* ---- PNG ------------------------------------------------------------------- */

struct png {
    uint32_t width, height;
    unsigned depth, colour;
    unsigned char *pixels; /* inflated scanlines */
    size_t pixels_len;
};

/* Walks the chunks, checking structure and CRCs; inflates the IDAT data. */
static void parse_png(const unsigned char *p, size_t n, struct png *out)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    assert_true(n > 8);
    assert_memory_equal(p, sig, 8);
    size_t off = 8, n_chunks = 0;
    unsigned char *idat = NULL;
    size_t idat_len = 0;
    int seen_end = 0;
    memset(out, 0, sizeof(*out));
    while (off < n) {
        assert_false(seen_end); /* nothing after IEND */
        assert_true(off + 12 <= n);
        uint32_t len = be32(p + off);
        assert_true(off + 12 + len <= n);
        const unsigned char *type = p + off + 4, *data = p + off + 8;
        uLong crc = crc32(crc32(0L, Z_NULL, 0), type, 4);
        crc = crc32(crc, data, len);
        assert_int_equal((uint32_t)crc, be32(data + len));
        if (n_chunks == 0) {
            assert_memory_equal(type, "IHDR", 4);
            assert_int_equal(len, 13);
            out->width = be32(data);
            out->height = be32(data + 4);
            out->depth = data[8];
            out->colour = data[9];
            assert_int_equal(data[10], 0);
            assert_int_equal(data[11], 0);
            assert_int_equal(data[12], 0);
        } else if (!memcmp(type, "IDAT", 4)) {
            idat = realloc(idat, idat_len + len);
            assert_non_null(idat);
            memcpy(idat + idat_len, data, len);
            idat_len += len;
        } else if (!memcmp(type, "IEND", 4)) {
            assert_int_equal(len, 0);
            seen_end = 1;
        } else {
            fail_msg("unexpected chunk %.4s", (const char *)type);
        }
        n_chunks++;
        off += 12 + len;
    }
    assert_true(seen_end);
    assert_non_null(idat);
    size_t stride = 1 + ((size_t)out->width * out->depth + 7) / 8;
    size_t want = stride * out->height;
    uLongf got = (uLongf)want + 16; /* room to notice a stream that is too long */
    out->pixels = malloc(got);
    assert_non_null(out->pixels);
    assert_int_equal(uncompress(out->pixels, &got, idat, idat_len), Z_OK);
    assert_int_equal(got, want);
    out->pixels_len = got;
    free(idat);
}

/* 1 when the pixel is black (1-bit grayscale: 0 is black). */
static int png_black(const struct png *png, uint32_t x, uint32_t y)
{
    size_t stride = 1 + (png->width + 7) / 8;
    const unsigned char *row = png->pixels + y * stride;
    assert_int_equal(row[0], 0); /* filter type none */
    return !((row[1 + x / 8] >> (7 - x % 8)) & 1);
}

static void test_png_well_formed(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(qr_png(&b, URL, QR_PNG_SCALE), YY_OK);
    struct png png;
    parse_png((const unsigned char *)b.data, b.len, &png);
    QRcode *q = reference(URL);
    uint32_t px = (uint32_t)(q->width + 2 * QR_QUIET) * QR_PNG_SCALE;
    assert_int_equal(png.width, px);
    assert_int_equal(png.height, px);
    assert_int_equal(png.depth, 1);
    assert_int_equal(png.colour, 0);
    /* every pixel is its module's colour; the quiet zone is white */
    for (uint32_t y = 0; y < px; y++)
        for (uint32_t x = 0; x < px; x++) {
            int mx = (int)(x / QR_PNG_SCALE) - QR_QUIET, my = (int)(y / QR_PNG_SCALE) - QR_QUIET;
            if (png_black(&png, x, y) != ref_dark(q, mx, my))
                fail_msg("pixel %u,%u (module %d,%d)", x, y, mx, my);
        }
    /* the finder pattern's corner is where the quiet zone ends */
    assert_int_equal(png_black(&png, QR_QUIET * QR_PNG_SCALE, QR_QUIET * QR_PNG_SCALE), 1);
    assert_int_equal(png_black(&png, QR_QUIET * QR_PNG_SCALE - 1, QR_QUIET * QR_PNG_SCALE), 0);
    QRcode_free(q);
    free(png.pixels);
    buf_release(&b);
}

static void test_png_scale_one_and_odd_width(void **state)
{
    (void)state;
    /* scale 1: the width is not a multiple of 8, so the rows end in padding */
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(qr_png(&b, "A", 1), YY_OK);
    struct png png;
    parse_png((const unsigned char *)b.data, b.len, &png);
    QRcode *q = reference("A");
    assert_int_equal(png.width, (uint32_t)(q->width + 2 * QR_QUIET));
    assert_true(png.width % 8 != 0);
    for (uint32_t y = 0; y < png.height; y++)
        for (uint32_t x = 0; x < png.width; x++)
            assert_int_equal(png_black(&png, x, y), ref_dark(q, (int)x - QR_QUIET, (int)y - QR_QUIET));
    QRcode_free(q);
    free(png.pixels);
    buf_release(&b);
}

/* ---- SVG ------------------------------------------------------------------- */

static void test_svg_draws_the_modules(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(qr_svg(&b, URL, "民族街道站:扫码<b>&\""), YY_OK);
    QRcode *q = reference(URL);
    int size = q->width + 2 * QR_QUIET;
    char head[128];
    snprintf(head, sizeof(head), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"",
             size, size);
    assert_memory_equal(b.data, head, strlen(head));
    assert_non_null(strstr(b.data, "shape-rendering=\"crispEdges\""));
    assert_non_null(strstr(b.data, "<title id=\"qr-title\">民族街道站:扫码&lt;b&gt;&amp;&quot;</title>"));
    assert_null(strstr(b.data, "<b>"));
    assert_string_equal(b.data + b.len - 6, "</svg>");
    /* exactly one path; redraw its runs and compare with the modules */
    const char *path = strstr(b.data, "<path");
    assert_non_null(path);
    assert_null(strstr(path + 1, "<path"));
    const char *d = strstr(path, " d=\"");
    assert_non_null(d);
    d += 4;
    unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
    assert_non_null(grid);
    while (*d == 'M') {
        int x, y, run, run2, used;
        assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
        assert_int_equal(run, run2);
        assert_true(x >= QR_QUIET && y >= QR_QUIET && x + run <= size - QR_QUIET &&
                    y < size - QR_QUIET);
        for (int i = 0; i < run; i++) {
            assert_int_equal(grid[y * size + x + i], 0); /* no overlaps */
            grid[y * size + x + i] = 1;
        }
        d += used;
    }
    assert_int_equal(*d, '"');
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            assert_int_equal(grid[y * size + x], ref_dark(q, x - QR_QUIET, y - QR_QUIET));
    free(grid);
    QRcode_free(q);
    buf_release(&b);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(qr_svg(&b, "", NULL), YY_BAD_INPUT);
    assert_int_equal(qr_png(&b, "", 8), YY_BAD_INPUT);
    assert_int_equal(qr_png(&b, URL, 0), YY_BAD_INPUT);
    assert_int_equal(qr_png(&b, URL, 33), YY_BAD_INPUT);
    /* more than a version 40 code holds */
    char *big = malloc(4000);
    assert_non_null(big);
    memset(big, 'x', 3999);
    big[3999] = '\0';
    assert_int_equal(qr_svg(&b, big, NULL), YY_BAD_INPUT);
    assert_int_equal(qr_png(&b, big, 1), YY_BAD_INPUT);
    free(big);
    assert_int_equal(b.len, 0);
    buf_release(&b);

    /* a buffer too small fails instead of writing half a PNG past its max */
    buf_init(&b, 64);
    assert_int_equal(qr_png(&b, URL, 8), YY_TOO_LARGE);
    assert_true(b.len <= 64);
    buf_release(&b);
}

static void test_public_url(void **state)
{
    (void)state;
    assert_int_equal(web_qr_set_public_url("https://youyue.example.cn"), YY_OK);
    assert_int_equal(web_qr_set_public_url("http://127.0.0.1:8080/"), YY_OK);
    assert_int_equal(web_qr_set_public_url("https://example.cn/youyue/"), YY_OK);
    assert_int_equal(web_qr_set_public_url(NULL), YY_OK);
    assert_int_equal(web_qr_set_public_url(""), YY_OK);
    assert_int_equal(web_qr_set_public_url("ftp://example.cn"), YY_BAD_INPUT);
    assert_int_equal(web_qr_set_public_url("example.cn"), YY_BAD_INPUT);
    assert_int_equal(web_qr_set_public_url("https://"), YY_BAD_INPUT);
    assert_int_equal(web_qr_set_public_url("https:///x"), YY_BAD_INPUT);
    assert_int_equal(web_qr_set_public_url("https://a b.cn"), YY_BAD_INPUT);
    assert_int_equal(web_qr_set_public_url("https://a.cn/\"><script>"), YY_BAD_INPUT);
    assert_int_equal(web_qr_set_public_url("https://例子.cn"), YY_BAD_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_well_formed),
        cmocka_unit_test(test_png_scale_one_and_odd_width),
        cmocka_unit_test(test_svg_draws_the_modules),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_public_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
