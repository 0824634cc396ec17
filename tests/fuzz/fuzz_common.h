/* fuzz_common.h - what the JSON body fuzz targets (fuzz_json and the
 * fuzz_*_action targets) share: the request built by hand as the server
 * would build it, api_body_object() on it with the invariants of its
 * answer, and the checks of a reader's failure and of a text it read. */
#ifndef YY_FUZZ_COMMON_H
#define YY_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/jsonio.h"
#include "core/arena.h"
#include "http/http.h"

/* Fills req as the server would for a POST to path: the arena a, the
 * headers (which must outlive req), the input as a NUL-terminated body
 * copied into a, a local peer. */
void fuzz_request_init(struct request *req, struct arena *a, const char *path, struct kv *headers,
                       size_t n_headers, const uint8_t *data, size_t size);

/* api_body_object() on req.  Aborts unless success gives a JSON object and
 * failure is YY_BAD_INPUT with *obj NULL, req->err of that kind with a code
 * and a UTF-8 message.  Returns what api_body_object() returned. */
enum yy_err fuzz_body_object(struct request *req, json_t **obj);

/* Aborts unless rc and e are a reader's failure: YY_BAD_INPUT with a code,
 * a UTF-8 message and a UTF-8 field. */
void fuzz_check_error(enum yy_err rc, const struct yy_error *e);

/* Aborts unless s (when present; it must be when required) is valid UTF-8
 * of at most max code points without control characters other than tab and
 * line breaks, and non-empty when required. */
void fuzz_check_text(const char *s, size_t max, bool required);

#endif
