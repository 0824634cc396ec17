/* demo.h - loads the demo district (Jianghan) into an empty database. */
#ifndef YOUYUE_DEMO_H
#define YOUYUE_DEMO_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

struct demo_account {
    const char *login;
    const char *role;
    const char *what; /* who this login stands for, in Chinese */
};

#define DEMO_PASSWORD "youyue-demo"
extern const struct demo_account demo_accounts[];
extern const size_t demo_accounts_n;

/* Loads regions, stations, deputies (each at its nearest station), units and
 * one demo account per role, all in one transaction.  YY_CONFLICT when the
 * database already holds a district. */
enum yy_err demo_load(struct db *db, struct arena *a, struct yy_error *e);

#endif
