/* jsonio.h - JSON in and out of the API: request bodies read field by field
 * with errors naming the field, responses serialised into the response
 * buffer, list pagination. */
#ifndef YOUYUE_API_JSONIO_H
#define YOUYUE_API_JSONIO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "http/http.h"

/* Serialises obj (reference stolen) as the response body with status. */
enum yy_err api_reply(struct response *res, int status, json_t *obj);

/* Parses the request body as a JSON object (Content-Type must be JSON).
 * The caller json_decref()s *out.  YY_BAD_INPUT names what is wrong. */
enum yy_err api_body_object(struct request *req, json_t **out);
/* Rejects fields not in allowed (NULL-terminated): catches typos in scripts. */
enum yy_err json_only_fields(json_t *obj, const char *const *allowed, struct yy_error *e);

/* Field readers.  *present (may be NULL) tells whether the field was there;
 * a missing required field or a value of the wrong type is YY_BAD_INPUT with
 * field = key.  Strings are copied into the arena, validated as text (UTF-8,
 * no control characters unless multiline) and limited to max code points. */
enum yy_err json_get_text(struct request *req, json_t *obj, const char *key, bool required,
                          size_t max, bool multiline, const char **out, bool *present);
enum yy_err json_get_int(struct request *req, json_t *obj, const char *key, bool required,
                         int64_t min, int64_t max, int64_t *out, bool *present);
enum yy_err json_get_double(struct request *req, json_t *obj, const char *key, bool required,
                            double *out, bool *present);
enum yy_err json_get_bool(struct request *req, json_t *obj, const char *key, bool required,
                          bool *out, bool *present);

/* ?limit= and ?cursor= as the contract says (limit 1..100, default 20). The
 * cursor holds a position: the last id seen, or an offset. */
struct page {
    size_t limit;
    int64_t after;
};
enum yy_err api_page(struct request *req, struct page *p);
/* An opaque cursor for position pos (arena string), for next_cursor. */
const char *api_cursor(struct request *req, int64_t pos);
/* {"items": items, "next_cursor": cursor or null}; items stolen. */
json_t *api_list(json_t *items, const char *next_cursor);

/* Query parameters: absent -> *present false; malformed -> YY_BAD_INPUT. */
enum yy_err query_int(struct request *req, const char *key, int64_t min, int64_t max,
                      int64_t *out, bool *present);

/* A text query parameter (e.g. q=): spaces around it are dropped; absent or
 * then empty -> *out NULL.  Repeated, over max code points, or holding
 * control characters -> YY_BAD_INPUT naming key. */
enum yy_err query_text(struct request *req, const char *key, size_t max, const char **out);

/* Id from the path parameter "id"; YY_NOT_FOUND when not a positive integer. */
enum yy_err path_id(struct request *req, int64_t *out);

/* RFC 3339 at +08:00 as a JSON string. */
json_t *json_time(int64_t t);

/* ---- responses streamed with core/jsonw (the hot read paths) ----------------
 * The bytes are what api_reply would write for the same tree. */

/* Starts a JSON response: status and content type set, the body emptied with
 * room for about size_hint bytes (only a hint: too little just grows).  Write
 * one value with w, then return api_reply_end(w). */
void api_reply_begin(struct response *res, int status, size_t size_hint, struct jsonw *w);
/* YY_OK, or the writer's failure (the server's error path replaces the body). */
enum yy_err api_reply_end(const struct jsonw *w);
/* {"items":[ ... ],"next_cursor":cursor or null}: api_list_begin writes up to
 * the '[', api_list_end closes both. */
void api_list_begin(struct jsonw *w);
void api_list_end(struct jsonw *w, const char *next_cursor);
/* RFC 3339 at +08:00 as a JSON string value. */
void api_write_time(struct jsonw *w, int64_t t);

#endif
