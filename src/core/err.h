/* err.h - the one error enum of the program and what travels with it.
 *
 * Every layer reports failure as an enum yy_err plus, where the caller is a
 * user, a struct yy_error naming the problem.  The mapping from yy_err to an
 * HTTP status lives in exactly one place: err_http_status() in err.c.
 */
#ifndef YOUYUE_ERR_H
#define YOUYUE_ERR_H

#include <stdbool.h>
#include <stddef.h>

enum yy_err {
    YY_OK = 0,
    YY_BAD_INPUT,          /* 400: does not parse or does not validate */
    YY_UNAUTHORIZED,       /* 401: a login is needed */
    YY_FORBIDDEN,          /* 403: visible, but the caller may not do this */
    YY_NOT_FOUND,          /* 404: missing, or outside the caller's scope */
    YY_METHOD_NOT_ALLOWED, /* 405 */
    YY_CONFLICT,           /* 409: the current state does not allow it */
    YY_TOO_LARGE,          /* 413 */
    YY_THROTTLED,          /* 429 */
    YY_INTERNAL,           /* 500 */
    YY_UNAVAILABLE,        /* 503: shedding load, database busy */
    YY_NOMEM,              /* 500: out of memory */
    YY_IO,                 /* 500 (HTTP) / non-zero exit (CLI): file or database I/O */
};

/* A problem reported to a user: code is a stable snake_case identifier for
 * programs, message is Chinese text for people, field names the offending
 * input field or is NULL.  All three point at static storage or at memory the
 * reporter's arena owns; none is freed by the receiver. */
struct yy_error {
    enum yy_err kind;
    const char *code;
    const char *message;
    const char *field;
    /* For a 409 invalid_transition: the actions the caller may take now
     * (names as the contract spells them; NULL otherwise). */
    const char *const *allowed;
    size_t n_allowed;
};

/* Fill *e (if not NULL) and return kind, so callers can write
 * `return yy_fail(e, YY_BAD_INPUT, "invalid_field", "...", "name");`. */
enum yy_err yy_fail(struct yy_error *e, enum yy_err kind, const char *code, const char *message,
                    const char *field);

/* HTTP status for an error kind (200 for YY_OK). */
int err_http_status(enum yy_err kind);

/* A default stable code and Chinese message for kinds reported without one. */
const char *err_default_code(enum yy_err kind);
const char *err_default_message(enum yy_err kind);

#endif
