/* web.h - the pages: server-rendered HTML in Simplified Chinese beside the
 * JSON API (docs/WEB.md).  This layer sits beside src/api/: it reads through
 * the store, and does what the API does by calling the API's own routes
 * in-process with a JSON body (web_api_call), so a form and the API share one
 * implementation of every rule.  Pages are files under web/templates/ in our
 * template language (web/tmpl.h), compiled once at start-up.
 */
#ifndef YOUYUE_WEB_H
#define YOUYUE_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"
#include "http/router.h"

/* Compiles the templates (once; a bad one is reported on stderr with its
 * name and line and fails) and registers the page routes. */
enum yy_err web_routes(struct router *r);
void web_release(void);

/* Whether errors on this path are pages (HTML) rather than the API's JSON
 * body: everything but /api/..., /healthz and /metrics. */
bool web_is_page_path(const char *path);
/* The error page renderer (the app's renderer calls it for page paths). */
void web_render_error(struct request *req, struct response *res, const struct yy_error *err);
/* The csrf_token field of a form body (application/x-www-form-urlencoded),
 * or NULL: forms carry the session's CSRF token in a hidden field. */
const char *web_form_csrf(struct request *req);

/* ---- for page handlers (web_*.c) --------------------------------------------- */


/* Renders template page inside the layout with data (stolen) and answers it
 * with status, the security headers and Cache-Control: no-store.  The layout
 * reads "title"; the common fields (the caller, the CSRF token, the asset
 * URLs) are added here. */
enum yy_err web_page(struct request *req, struct response *res, int status, const char *page,
                     json_t *data);
/* 303 See Other to a local path (post-redirect-get). */
enum yy_err web_redirect(struct request *req, struct response *res, const char *location);
/* The security headers of every page (CSP and friends). */
void web_headers(struct response *res);

/* Runs the GET page handler fn through the app's response cache when the
 * caller is anonymous (the page then holds nothing personal): keyed by
 * "page:" + path + "?" + raw query + "#" + extra (extra: what else the page
 * depends on, e.g. the minute for a next reception day), valid while the
 * data version holds (api/cache.h).  Adds ETag / If-None-Match → 304. */
enum yy_err web_cached(struct request *req, struct response *res, const char *extra, route_fn fn);

/* The decoded fields of a form body; YY_BAD_INPUT for another content type
 * or a body that does not parse. */
enum yy_err web_form(struct request *req, struct kvlist *out);

/* A form's fields for a template: {NAME: {"value": as typed in in (NULL: a
 * new form, ""), "error"?}} for each of names (NULL-terminated).  err's
 * message goes beside the field it names, and then *placed is set to true
 * (it is never set to false: the caller starts it false, and a page of
 * several forms may share it). */
json_t *web_form_fields(const struct kvlist *in, const char *const *names,
                        const struct yy_error *err, bool *placed);

/* Calls the API route (method, path with an optional query) in-process as the
 * same caller, with body (stolen, may be NULL) as its JSON body.  On success
 * *out is the JSON answer (the caller decrefs) and *status its status; on
 * failure the error is in req->err, as the API would have answered it.
 * set_cookie (may be NULL) receives the answer's Set-Cookie header. */
enum yy_err web_api_call(struct request *req, const char *method, const char *path, json_t *body,
                         int *status, json_t **out, const char **set_cookie);

/* One page of an API list: GET path (its query begun, e.g. "?limit=20")
 * with the request's ?cursor= appended as it came (400 invalid_parameter
 * beside "cursor" unless it is letters, digits, - and _), as the same caller
 * (web_api_call), its times made readable (web_times).  *out: the answer,
 * the caller decrefs. */
enum yy_err web_api_page(struct request *req, const char *path, json_t **out);

/* The home page of u's role (docs/WEB.md "Navigation"): /staff/ for the
 * office, leaders, street and community staff and procurators, /deputy/,
 * /unit/; "/" for residents, or while that page is not served. */
struct user;
const char *web_home(struct request *req, const struct user *u);

/* Turns every "at" / "*_at" RFC 3339 string inside v into "YYYY-MM-DD HH:MM"
 * (China time, as the API writes it), for display. */
void web_times(json_t *v);

/* Sets "label" on every entry of a timeline array (the API's timeline[]) to
 * its action in Chinese: label(action) from the domain (sg_event_label_zh,
 * cn_event_label_zh), or the action's own name when label has none. */
void web_label_timeline(json_t *timeline, const char *(*label)(const char *action));

/* The path parameter name as a positive id in *out; 404 (not_found) when it
 * is missing or not one. */
enum yy_err web_path_int(struct request *req, const char *name, int64_t *out);

/* Whether s is 1 to max characters of letters, digits, - and _: a cursor, a
 * code or a form token as it may travel in a link. */
bool web_token_chars(const char *s, size_t max);

/* Whether t has the shape of a one-time form token (TOKEN_LEN characters of
 * base64url), before it is hashed and looked up. */
bool web_token_shaped(const char *t);

/* The recorded result of the one-time form token in the path parameter
 * "token" (docs/WEB.md "Forms"): *result the JSON text the first submission
 * stored, or NULL while it is still running; 404 (not_found) for a token of
 * the wrong shape or one never used. */
enum yy_err web_form_result(struct request *req, const char **result);


/* Page routes, one per file. */
enum yy_err web_resident_routes(struct router *r);
enum yy_err web_session_routes(struct router *r);
enum yy_err web_staff_routes(struct router *r);
enum yy_err web_unit_routes(struct router *r);
enum yy_err web_deputy_routes(struct router *r);
enum yy_err web_public_routes(struct router *r);
enum yy_err web_events_routes(struct router *r);
enum yy_err web_records_routes(struct router *r);

#endif
