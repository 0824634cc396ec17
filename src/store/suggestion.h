/* suggestion.h (store) - keeping suggestions (代表建议): the drafts deputies
 * write, their co-signers and linked concerns, and the whole life cycle the
 * domain's sg_apply drives (domain/suggestion.h): loading a record with its
 * assignments, contacts, evaluations, follow-ups and timeline, writing back
 * what an action changed, the settings the rules come from, lists, and the
 * public's ratings (网上评).
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
#include "domain/suggestion.h"
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

/* The rules of domain/suggestion.h: the defaults, overridden by the settings
 * table's rows.  A row that does not parse is YY_INTERNAL (logged with its
 * key): a broken configuration stops the actions rather than being guessed. */
enum yy_err store_sg_rules(struct db *db, struct sg_rules *r, struct yy_error *e);

/* Whether an active category (categories table) has this name. */
enum yy_err store_category_exists(struct db *db, const char *name, bool *found,
                                  struct yy_error *e);

/* The whole record (arena a): the row with its author's name, signers (with
 * their names and phones), assignments (with unit names and contact
 * counts), contacts, evaluations, follow-ups, the timeline (the latest
 * SG_TIMELINE_MAX entries), linked concerns and public rating counts.
 * YY_NOT_FOUND when there is no such suggestion. */
#define SG_TIMELINE_MAX 1000
enum yy_err store_suggestion_get(struct db *db, struct arena *a, int64_t id,
                                 struct suggestion *out, struct yy_error *e);
/* The same, after locking the row until the caller's transaction ends (a
 * portable no-op UPDATE), so concurrent actions on one suggestion queue and
 * each sees the other's result. */
enum yy_err store_suggestion_get_for_update(struct db *db, struct arena *a, int64_t id,
                                            struct suggestion *out, struct yy_error *e);

/* Writes back what sg_apply changed in s and what its outcome o adds: the
 * row (with title, body and category, which an edit changes), the signers
 * (o->removed deleted, added ones inserted, dirty ones' cosign status), the dirty assignments and the new ones (id 0: inserted, ids set), a
 * contact, an evaluation, a follow-up, withdrawal agreements, the timeline
 * entry for action, and o's notices (store/remind.h).  Inside the caller's
 * transaction, after store_suggestion_get_for_update.  A unit assigned twice
 * at once is YY_CONFLICT. */
enum yy_err store_suggestion_save_tx(struct db *db, struct suggestion *s,
                                     const struct sg_outcome *o, const char *action,
                                     struct yy_error *e);

/* Links concern_id to suggestion id (link) or unlinks it: the draft's edit.
 * A link already there is YY_BAD_INPUT duplicate_concern naming concern_ids.
 * Inside the caller's transaction. */
enum yy_err store_suggestion_link_tx(struct db *db, int64_t id, int64_t concern_id, bool link,
                                     struct yy_error *e);

/* Who sees what in a list: published ones always; with sees_all every one
 * but drafts; and those the user signed (deputy scopes) or a unit of theirs
 * handles now (unit_staff scopes), by user_id (0: nobody). */
struct suggestion_filter {
    int64_t user_id;
    bool sees_all;
    const char *status; /* a state name, or NULL */
    int year;           /* 0: any */
    int64_t unit_id;    /* 0: any; else with an active assignment of it */
    int key;            /* 0: any; 1: key suggestions (重点督办) only; 2: the others */
    int64_t leader_id;  /* 0: any; else key suggestions this leader supervises */
    int64_t before_id;  /* 0: from the newest */
    size_t limit;
};
/* Newest first; the row fields and the author's name only (no signers,
 * assignments or timeline).  Results in a. */
enum yy_err store_suggestions_list(struct db *db, struct arena *a,
                                   const struct suggestion_filter *f, struct suggestion **out,
                                   size_t *n, struct yy_error *e);

/* A public rating (网上评) of suggestion id by rater (a key the caller makes:
 * one per person), with its timeline entry ("rate", in the role resident,
 * the value's label as the note: never who).  YY_CONFLICT (already_rated)
 * when rater rated it before.  Inside the caller's transaction. */
enum yy_err store_public_rating_add_tx(struct db *db, int64_t id, const char *rater,
                                       enum sg_rating value, struct yy_error *e);

/* The concerns that became suggestion id and wait for its answer: linked to
 * it and in status converted with concerns.suggestion_id = id (ids in a,
 * ascending). */
enum yy_err store_suggestion_converted_concerns(struct db *db, struct arena *a, int64_t id,
                                                int64_t **out, size_t *n, struct yy_error *e);

#endif
