/* activity_stats.c - the activities section of the dashboard; see
 * activity_stats.h. */
#include "domain/activity_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "domain/stats.h"

const char *const act_stats_kind_names[ACT_STATS_KINDS] = {"learn",    "talk",     "build",
                                                           "supervise", "evaluate", "share"};

bool act_stats_held(const struct act_stats_row *r, int64_t now)
{
    return r->status && (!strcmp(r->status, "open") || !strcmp(r->status, "closed")) &&
           r->starts_at <= now;
}

bool act_stats_upcoming(const struct act_stats_row *r, int64_t now)
{
    return r->status && !strcmp(r->status, "open") && r->starts_at > now;
}

static struct act_stats_group *group_get(struct arena *a, struct act_stats_groups *g, int64_t id,
                                         const char *key, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->items[i].id == id && (!key || !strcmp(g->items[i].key, key)))
            return &g->items[i];
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct act_stats_group *bigger = arena_calloc(a, cap, sizeof(*bigger));
        if (g->n)
            memcpy(bigger, g->items, g->n * sizeof(*bigger));
        g->items = bigger;
        g->cap = cap;
    }
    struct act_stats_group *x = &g->items[g->n++];
    memset(x, 0, sizeof(*x));
    x->id = id;
    x->key = key;
    x->name = name;
    return x;
}

static void group_add(struct act_stats_group *x, const struct act_stats_row *r)
{
    x->held++;
    x->attendances += r->attendances;
    x->checked_in += r->checked_in;
}

static int by_id_none_last(const void *pa, const void *pb)
{
    const struct act_stats_group *a = pa, *b = pb;
    if ((a->id == 0) != (b->id == 0))
        return a->id == 0 ? 1 : -1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_key(const void *pa, const void *pb)
{
    const struct act_stats_group *a = pa, *b = pb;
    return strcmp(a->key, b->key);
}

void act_stats_compute(struct arena *a, const struct act_stats_row *rows, size_t n, int64_t now,
                       struct act_stats *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t k = 0; k < ACT_STATS_KINDS; k++)
        out->by_kind[k].key = act_stats_kind_names[k];
    for (size_t i = 0; i < n; i++) {
        const struct act_stats_row *r = &rows[i];
        if (r->status && !strcmp(r->status, "cancelled")) {
            out->cancelled++;
            continue;
        }
        if (act_stats_upcoming(r, now)) {
            out->upcoming++;
            continue;
        }
        if (!act_stats_held(r, now))
            continue;
        out->held++;
        out->attendances += r->attendances;
        out->checked_in += r->checked_in;
        for (size_t k = 0; k < ACT_STATS_KINDS; k++)
            if (r->kind && !strcmp(r->kind, act_stats_kind_names[k]))
                group_add(&out->by_kind[k], r);
        if (r->station_id)
            group_add(group_get(a, &out->by_station, r->station_id, NULL, r->station), r);
        group_add(group_get(a, &out->by_street, r->street_id, NULL, r->street_id ? r->street : NULL),
                  r);
        int64_t y;
        unsigned m, d;
        time_civil_from_days(stats_day_of(r->starts_at), &y, &m, &d);
        char month[16];
        snprintf(month, sizeof(month), "%04d-%02u", (int)y, m);
        struct act_stats_group *g = NULL;
        for (size_t j = 0; j < out->by_month.n; j++)
            if (!strcmp(out->by_month.items[j].key, month))
                g = &out->by_month.items[j];
        if (!g)
            g = group_get(a, &out->by_month, 0, arena_strdup(a, month), NULL);
        group_add(g, r);
    }
    if (out->by_station.n)
        qsort(out->by_station.items, out->by_station.n, sizeof(struct act_stats_group),
              by_id_none_last);
    if (out->by_street.n)
        qsort(out->by_street.items, out->by_street.n, sizeof(struct act_stats_group),
              by_id_none_last);
    if (out->by_month.n)
        qsort(out->by_month.items, out->by_month.n, sizeof(struct act_stats_group), by_key);
}
