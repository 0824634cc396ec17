/* suggestion.h (store) - keeping suggestions (代表建议): the drafts deputies
 * write, their co-signers and linked concerns.  The rest of the life cycle
 * (assignments, replies, evaluations, the timeline) is added beside these.
 *
 * Conventions as in store.h: results in the caller's arena, YY_NOT_FOUND for
 * a missing record; functions named *_tx run inside the caller's transaction
 * (store_begin .. store_finish) so an action and its audit entry commit
 * together.
 */
#ifndef YOUYUE_STORE_SUGGESTION_H
#define YOUYUE_STORE_SUGGESTION_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

struct suggestion_draft {
    const char *title;
    const char *body;
    const char *category;
    int64_t author_id;          /* the drafting deputy */
    const int64_t *cosigner_ids;/* other deputies, distinct, not the author */
    size_t n_cosigners;
    const int64_t *concern_ids; /* concerns it grew out of */
    size_t n_concerns;
};

/* Creates a draft (status draft, year of now in China time) with its signers
 * and concern links; sets *id.  Unknown deputies or concerns are YY_BAD_INPUT
 * naming co_signer_ids / concern_ids.  Runs inside the caller's transaction. */
enum yy_err store_suggestion_create_tx(struct db *db, const struct suggestion_draft *d,
                                       int64_t *id, struct yy_error *e);

/* Appends an entry to a suggestion's timeline (the public history: when, what,
 * in which role).  Inside the caller's transaction. */
enum yy_err store_suggestion_event_tx(struct db *db, int64_t suggestion_id, const char *action,
                                      const char *actor_role, const char *note,
                                      struct yy_error *e);

#endif
