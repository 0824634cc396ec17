/* webform.h (store) - one-time form tokens of the pages' anonymous forms
 * (docs/WEB.md "Forms"): a submission claims its token before it acts and
 * records what it made, so a second submit of the same form finds the first
 * one's result instead of making a second concern.
 *
 * Only the SHA-256 of a token is kept.  Conventions as in store.h. */
#ifndef YOUYUE_STORE_WEBFORM_H
#define YOUYUE_STORE_WEBFORM_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* How long a claimed token is remembered (seconds). */
#define WEBFORM_TTL (24 * 3600)

/* Claims the token (its hash): YY_OK when this call claimed it; YY_CONFLICT
 * when it was claimed before, with *result set to what that submission
 * recorded (NULL while it is still running or when it failed without
 * releasing).  Forgets tokens older than WEBFORM_TTL on the way. */
enum yy_err store_webform_claim(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                                const char **result, struct yy_error *e);
/* Records the result of the submission that claimed the token. */
enum yy_err store_webform_done(struct db *db, const char *token_hash, const char *result,
                               struct yy_error *e);
/* Gives the token back (the submission did not validate: the same form may be
 * sent again, corrected). */
enum yy_err store_webform_release(struct db *db, const char *token_hash, struct yy_error *e);
/* The whole submission in ONE transaction: claims the token, runs fn (which
 * acts, typically through web_api_call: the API's own transactions and group
 * writes nest inside as savepoints) and records the result fn gives
 * (*result, text), then commits.  So a crash or a failure anywhere leaves
 * nothing: neither a claimed token without its result (a result page
 * "still running" forever) nor an action without its claimed token.
 * YY_OK: done, *result is fn's.  YY_CONFLICT: claimed before (a second
 * submit, which waits for the first to commit), *result what the first
 * recorded (NULL only for a token claimed by a run of the older, separate
 * steps).  Anything else: fn's error (or the store's) with *e filled and
 * nothing kept; the token may be used again. */
typedef enum yy_err (*webform_fn)(void *ctx, const char **result, struct yy_error *e);
enum yy_err store_webform_once(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                               webform_fn fn, void *ctx, const char **result, struct yy_error *e);
/* The recorded result; YY_NOT_FOUND when the token was never claimed; *result
 * NULL while the submission is still running. */
enum yy_err store_webform_get(struct db *db, struct arena *a, const char *token_hash,
                              const char **result, struct yy_error *e);

#endif
