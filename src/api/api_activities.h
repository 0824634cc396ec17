/* api_activities.h - the bodies of POST /api/v1/activities and POST
 * /api/v1/activities/{id}/actions, read and validated before anything else
 * happens (also the fuzz target's entry: tests/fuzz/fuzz_activity_action.c).
 * The handlers are in api_activities.c. */
#ifndef YOUYUE_API_ACTIVITIES_H
#define YOUYUE_API_ACTIVITIES_H

#include <jansson.h>
#include <stdint.h>

#include "domain/activity.h"
#include "http/http.h"

/* A planned activity as the contract spells it: kind, title, theme,
 * station_id or venue, starts_at, ends_at, capacity, deputy_ids, unit_ids;
 * plus street_id (a venue's street, for the office).  Shapes and lengths are
 * checked here; the rules (activity_input_validate) need the clock and run
 * in the handler.  Texts and id arrays live in the request arena. */
struct activity_body {
    struct activity_input in;
    int64_t street_id; /* 0: none */
};
enum yy_err activity_body_read(struct request *req, json_t *body, struct activity_body *out);

/* One action as the contract spells it:
 *   open {} · cancel {"reason"} · check_in {"code"} ·
 *   record_attendance {"deputy_ids":[...]} · add_qa {"question","answer","unit_id"?} ·
 *   close {"minutes","suggestion_ids"?}.
 * Ids are 0, texts and arrays NULL when absent. */
struct activity_action_body {
    enum act_action action;
    const char *reason, *code, *question, *answer, *minutes;
    int64_t unit_id;
    int64_t *deputy_ids;
    size_t n_deputies;
    int64_t *suggestion_ids;
    size_t n_suggestions;
};
/* Reads body into *out: the action name, only the fields that action takes,
 * each required one present and valid (a check-in code normalised to its
 * digits).  YY_BAD_INPUT with req->err naming the field. */
enum yy_err activity_action_read(struct request *req, json_t *body,
                                 struct activity_action_body *out);

#endif
