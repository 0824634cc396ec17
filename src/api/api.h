/* api.h - the application: its context, the route table, and the identity of
 * the caller.  Handlers live one file per resource (api_*.c) and register
 * their routes in api_routes(). */
#ifndef YOUYUE_API_H
#define YOUYUE_API_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/auth.h"
#include "domain/workdays.h"
#include "http/http.h"
#include "http/router.h"
#include "http/throttle.h"
#include "store/db.h"

struct cache;
struct ttl_cache;

struct app {
    struct db *db;
    struct router router;
    struct throttle *login_by_login; /* failed logins per login name */
    struct throttle *login_by_addr;  /* failed logins per client address */
    struct throttle *anon_writes;    /* writes without a login, per client address */
    unsigned anon_rate;              /* per minute, 0 = off */
    int64_t session_ttl;             /* seconds */
    int64_t token_ttl;               /* seconds */
    struct cache *cache;             /* shared responses (api/cache.h) */
    struct ttl_cache *stats_cache;   /* GET /api/v1/stats answers (api/ttl_cache.h); NULL:
                                      * computed every time.  Set by the caller after
                                      * app_init (serve --stats-ttl), freed by app_release */
    const struct calendar *calendar; /* working days (domain/workdays.h); set by the
                                      * caller after app_init, lives as long as the app */
};

enum auth_via { AUTH_NONE, AUTH_SESSION, AUTH_BEARER };

/* Who is calling; req->user points at one (request arena). */
struct caller {
    enum auth_via via;
    struct user user; /* valid when via != AUTH_NONE */
    const char *session_hash;
    const char *csrf;
};

/* Sets up the app on an open database: route table, throttles.  Returns
 * non-zero on failure.  app_release frees what app_init made (not the db). */
int app_init(struct app *app, struct db *db, unsigned anon_rate);
void app_release(struct app *app);

/* The before-routing hook (identity, CSRF, anonymous rate) and the error
 * renderer the server calls. */
enum yy_err api_before(struct request *req);
void api_render_error(struct request *req, struct response *res, const struct yy_error *err,
                      const char *allow);

/* The caller of this request (never NULL after api_before). */
const struct caller *api_caller(const struct request *req);
struct app *api_app(const struct request *req);
/* YY_UNAUTHORIZED unless logged in; YY_FORBIDDEN unless the caller holds role. */
enum yy_err api_require_role(struct request *req, enum role r);

/* Writes the audit entry of this request's action, acting as role `as` (the
 * caller's user id; "anonymous" when nobody is logged in).  Must run inside
 * the action's transaction, so the action and its entry commit together.
 * detail (stolen, may be NULL) says what changed. */
enum yy_err api_audit(struct request *req, const char *as, const char *action,
                      const char *entity, int64_t entity_id, json_t *detail);

/* Route registration, one per resource file. */
enum yy_err api_session_routes(struct router *r);
enum yy_err api_registry_routes(struct router *r);
enum yy_err api_audit_routes(struct router *r);
enum yy_err api_concerns_routes(struct router *r);
enum yy_err api_inbox_routes(struct router *r);
enum yy_err api_lists_routes(struct router *r);
enum yy_err api_stats_routes(struct router *r);
enum yy_err api_suggestions_routes(struct router *r);
enum yy_err api_activities_routes(struct router *r);
enum yy_err api_receptions_routes(struct router *r);
enum yy_err api_record_routes(struct router *r);
enum yy_err api_ical_routes(struct router *r);
enum yy_err api_supervision_routes(struct router *r);

#endif
