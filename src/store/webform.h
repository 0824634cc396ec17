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
/* The recorded result; YY_NOT_FOUND when the token was never claimed; *result
 * NULL while the submission is still running. */
enum yy_err store_webform_get(struct db *db, struct arena *a, const char *token_hash,
                              const char **result, struct yy_error *e);

#endif
