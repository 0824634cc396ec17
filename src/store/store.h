/* store.h - the one interface the handlers and commands use to keep and find
 * things.  Written once over db.h, so it works on every backend; nothing
 * above this layer sees SQL or knows which backend it talks to.
 *
 * Conventions: results are allocated in the caller's arena; a missing record
 * is YY_NOT_FOUND; writes open their own transaction (nesting inside the
 * caller's when there is one), so a failed write changes nothing.
 */
#ifndef YOUYUE_STORE_H
#define YOUYUE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/auth.h"
#include "domain/registry.h"
#include "store/db.h"

/* Text search (the q of the station and deputy filters) matches a substring,
 * ASCII letters in either case, every other character as written (%, _,
 * quotes and operators included); the same on every backend (db.h
 * db_search_condition).  At most STORE_SEARCH_MAX code points. */
#define STORE_SEARCH_MAX 100

/* ---- transactions ---- */
/* A read-modify-write spans begin .. commit: the *_for_update getters lock the
 * row until then, so two concurrent edits of one record queue instead of one
 * silently undoing the other.  store_begin fails with YY_UNAVAILABLE when the
 * database cannot start one. */
enum yy_err store_begin(struct db *db, struct yy_error *e);
enum yy_err store_commit(struct db *db, struct yy_error *e);
void store_rollback(struct db *db);
/* Ends the transaction store_begin opened: commits when rc is YY_OK, rolls
 * back otherwise.  Returns the outcome (a failed commit turns YY_OK into its
 * error, with *e filled). */
enum yy_err store_finish(struct db *db, enum yy_err rc, struct yy_error *e);

/* ---- regions ---- */
/* Checks the name and the place in the tree (region_validate); sets r->id.
 * A sibling with the same name is YY_CONFLICT. */
enum yy_err store_region_add(struct db *db, struct region *r, struct yy_error *e);
enum yy_err store_region_get(struct db *db, struct arena *a, int64_t id, struct region *out,
                             struct yy_error *e);
/* Finds a region by kind set and exact name (streets: kind street or dev_zone). */
enum yy_err store_region_find(struct db *db, struct arena *a, const char *name, int64_t parent_id,
                              struct region *out, struct yy_error *e);
enum yy_err store_regions_all(struct db *db, struct arena *a, struct region **out, size_t *n,
                              struct yy_error *e);

/* ---- stations ---- */
struct station_filter {
    int64_t street_id;   /* 0 = any */
    bool by_kind;
    enum station_kind kind;
    const char *q;       /* text search: a substring of name or address; NULL or "" = any */
    int64_t after_id;    /* keyset pagination: ids greater than this */
    size_t limit;        /* 0 = all */
};
enum yy_err store_stations_list(struct db *db, struct arena *a, const struct station_filter *f,
                                struct station **out, size_t *n, struct yy_error *e);
enum yy_err store_station_get(struct db *db, struct arena *a, int64_t id, struct station *out,
                              struct yy_error *e);
/* Checks that street_id is a street/dev zone and community_id (when set) a
 * community inside it; sets s->id. */
enum yy_err store_station_add(struct db *db, struct station *s, struct yy_error *e);
enum yy_err store_station_update(struct db *db, const struct station *s, struct yy_error *e);
/* Inside store_begin: locks the station's row until commit, then reads it. */
enum yy_err store_station_get_for_update(struct db *db, struct arena *a, int64_t id,
                                         struct station *out, struct yy_error *e);
enum yy_err store_station_find_by_name(struct db *db, struct arena *a, const char *name,
                                       struct station *out, struct yy_error *e);

/* ---- deputies ---- */
struct deputy_filter {
    int64_t station_id; /* 0 = any */
    unsigned level;     /* a level bit, 0 = any */
    const char *q;      /* text search: a substring of name or sector; NULL or "" = any */
    int64_t after_id;
    size_t limit;       /* 0 = all */
};
enum yy_err store_deputies_list(struct db *db, struct arena *a, const struct deputy_filter *f,
                                struct deputy **out, size_t *n, struct yy_error *e);
enum yy_err store_deputy_get(struct db *db, struct arena *a, int64_t id, struct deputy *out,
                             struct yy_error *e);
/* Adds the deputy and its station assignments; when d has no station_ids but
 * has a location, places it at the nearest station (就地就近编入) and fills
 * d->station_ids from a (so the caller sees where it went). */
enum yy_err store_deputy_add(struct db *db, struct arena *a, struct deputy *d, struct yy_error *e);
/* Replaces every field and the station assignments. */
enum yy_err store_deputy_update(struct db *db, struct arena *a, struct deputy *d,
                                struct yy_error *e);
enum yy_err store_deputy_get_for_update(struct db *db, struct arena *a, int64_t id,
                                        struct deputy *out, struct yy_error *e);

/* ---- handling units ---- */
enum yy_err store_units_list(struct db *db, struct arena *a, int64_t after_id, size_t limit,
                             struct unit **out, size_t *n, struct yy_error *e);
enum yy_err store_unit_get(struct db *db, struct arena *a, int64_t id, struct unit *out,
                           struct yy_error *e);
enum yy_err store_unit_add(struct db *db, struct unit *u, struct yy_error *e);
enum yy_err store_unit_update(struct db *db, const struct unit *u, struct yy_error *e);
enum yy_err store_unit_get_for_update(struct db *db, struct arena *a, int64_t id,
                                      struct unit *out, struct yy_error *e);

/* ---- accounts ---- */
/* Adds a user with its roles; checks that each scope exists for its role.
 * A taken login is YY_CONFLICT. Sets u->id. */
enum yy_err store_user_add(struct db *db, struct user *u, struct yy_error *e);
enum yy_err store_user_by_login(struct db *db, struct arena *a, const char *login,
                                struct user *out, struct yy_error *e);
enum yy_err store_user_get(struct db *db, struct arena *a, int64_t id, struct user *out,
                           struct yy_error *e);
/* The enabled users holding role (any scope), by id: id and the name to show
 * (the name, else the login), for pickers such as the key suggestions' leader. */
struct user_brief {
    int64_t id;
    const char *name;
};
enum yy_err store_users_with_role(struct db *db, struct arena *a, enum role role,
                                  struct user_brief **out, size_t *n, struct yy_error *e);

/* Sessions and bearer tokens are found by the hash of their secret. */
enum yy_err store_session_add(struct db *db, const char *token_hash, int64_t user_id,
                              const char *csrf, int64_t expires_at, struct yy_error *e);
/* YY_NOT_FOUND when absent or expired at now. */
enum yy_err store_session_get(struct db *db, struct arena *a, const char *token_hash, int64_t now,
                              int64_t *user_id, const char **csrf, struct yy_error *e);
enum yy_err store_session_delete(struct db *db, const char *token_hash, struct yy_error *e);
enum yy_err store_token_add(struct db *db, const char *token_hash, int64_t user_id,
                            int64_t expires_at, struct yy_error *e);
enum yy_err store_token_get(struct db *db, const char *token_hash, int64_t now, int64_t *user_id,
                            struct yy_error *e);

#endif
