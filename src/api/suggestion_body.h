/* suggestion_body.h - reading the bodies of the suggestion calls
 * (CONTRACT.md "Bodies of the main calls"): a new draft, its edit, and the 21 actions
 * of POST /api/v1/suggestions/{id}/actions.  Shape only: types, required
 * fields, enumerations, lengths and counts.  What depends on the data or the
 * configuration (a unit that exists, a reply class of the configured set, a
 * reason for 不满意) is checked later by the store and domain/suggestion.c.
 *
 * Apart from the handlers, the fuzz target tests/fuzz/fuzz_suggestion_action.c
 * calls these.
 */
#ifndef YOUYUE_API_SUGGESTION_BODY_H
#define YOUYUE_API_SUGGESTION_BODY_H

#include <jansson.h>

#include "domain/suggestion.h"
#include "http/http.h"
#include "store/suggestion.h"

#define SG_TITLE_MAX 200  /* code points */
#define SG_BODY_MAX 20000 /* code points of a suggestion's text */
#define SG_CATEGORY_MAX 50
#define SG_COMMITTEE_MAX 100
#define SG_MAX_COSIGNERS 50
#define SG_MAX_CONCERNS 50

/* Reads {"title","body","category","concern_ids","co_signer_ids"} into *d
 * (author_id untouched).  Arrays and strings live in req's arena.  Fails
 * with YY_BAD_INPUT naming the field (req->err). */
enum yy_err suggestion_draft_read(struct request *req, json_t *body, struct suggestion_draft *d);

/* Reads the body of PATCH /api/v1/suggestions/{id} (the author's edit of a
 * draft): any of POST's fields, at least one, with POST's rules; into *in
 * (action SA_EDIT: title, body, category, has_cosigners, cosigner_ids) and
 * the concern ids (*has_concerns: the field was given, [] unlinks all). */
enum yy_err suggestion_edit_read(struct request *req, json_t *body, struct sg_input *in,
                                 const int64_t **concern_ids, size_t *n_concerns,
                                 bool *has_concerns);

/* Reads {"action": name, ...} into *in: the action by name (400 field
 * "action" when unknown) and its own fields (unknown ones are 400
 * unknown_field).  Text lives in req's arena; in->units[].unit_name is NULL. */
enum yy_err suggestion_action_read(struct request *req, json_t *body, struct sg_input *in);

#endif
