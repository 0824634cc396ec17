/* qr.h - a QR code per station (issue 6), for printing on the station's wall.
 *
 * The code holds the absolute URL of the station's concern form,
 * {base}/stations/{id}/concern.  base is the server's public address: the
 * `serve --public-url` option when given, else taken from the request
 * (http:// or, behind a trusted proxy that says so, https://, and the Host
 * header).
 *
 * The encoders are pure (libqrencode for the modules, zlib for the PNG's
 * compressed data); the routes are
 *   GET /stations/{id}/qr.svg   one <path>, crisp edges, a 4-module quiet zone,
 *                               a <title>; scales to any print size
 *   GET /stations/{id}/qr.png   1-bit grayscale, QR_PNG_SCALE pixels a module
 * both public, 404 for a station that does not exist.
 */
#ifndef YOUYUE_WEB_QR_H
#define YOUYUE_WEB_QR_H

#include "core/buf.h"
#include "core/err.h"
#include "http/router.h"

#define QR_QUIET 4     /* modules of white border, as ISO/IEC 18004 asks */
#define QR_PNG_SCALE 8 /* pixels per module in the PNG */

/* text as an SVG document (UTF-8, error correction level M), with title (may
 * be NULL) as its <title>.  YY_BAD_INPUT when text is empty or too long for a
 * QR code. */
enum yy_err qr_svg(struct buf *out, const char *text, const char *title);
/* text as a PNG image, scale pixels per module (1..32). */
enum yy_err qr_png(struct buf *out, const char *text, unsigned scale);

/* The public base URL for the codes, e.g. "https://youyue.example.cn" (a
 * trailing '/' is dropped).  NULL or "" forgets it.  YY_BAD_INPUT unless it is
 * http:// or https:// followed by a host and only URL characters.  Set it
 * before the server starts; it is read without a lock. */
enum yy_err web_qr_set_public_url(const char *url);

/* Registers the two routes above. */
enum yy_err web_qr_routes(struct router *r);

#endif
