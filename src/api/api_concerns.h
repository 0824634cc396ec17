/* api_concerns.h - the body of POST /api/v1/concerns/{id}/actions, read and
 * validated before anything else happens (also the fuzz target's entry:
 * tests/fuzz/fuzz_concern_action.c).  The handlers are in api_concerns.c. */
#ifndef YOUYUE_API_CONCERNS_H
#define YOUYUE_API_CONCERNS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/concern.h"
#include "http/http.h"

/* One action as the contract spells it:
 *   accept {} · decline {"reason","redirect"} · resolve_on_site {"result","unit_id"?} ·
 *   refer {"region_id","note"?} · claim {} · convert {} · merge {"into"} ·
 *   resolve {"result"} · rate {"tracking_code","value"}.
 * Texts live in the request arena; ids are 0 and texts NULL when absent. */
struct concern_action_body {
    enum cn_action action;
    const char *reason, *redirect, *result, *note;
    const char *tracking_code; /* normalised (upper case) */
    const char *value;         /* a rating value */
    int64_t unit_id, region_id, into;
};

/* Reads body (a JSON object) into *out: the action name, only the fields that
 * action takes, each required one present and valid.  YY_BAD_INPUT with
 * req->err naming the field (action, an unknown field, or the bad one). */
enum yy_err concern_action_read(struct request *req, json_t *body, struct concern_action_body *out);

#endif
