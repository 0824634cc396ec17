/* reception_stats.c - the receptions section of the dashboard; see
 * reception_stats.h. */
#include "domain/reception_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

bool rec_stats_no_show_day(const struct rec_stats_row *r)
{
    return r->recorded;
}

static struct rec_stats_group *group_get(struct arena *a, struct rec_stats_groups *g, int64_t id,
                                         const char *key, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->items[i].id == id &&
            (key ? g->items[i].key && !strcmp(g->items[i].key, key) : !g->items[i].key))
            return &g->items[i];
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct rec_stats_group *bigger = arena_calloc(a, cap, sizeof(*bigger));
        if (g->n)
            memcpy(bigger, g->items, g->n * sizeof(*bigger));
        g->items = bigger;
        g->cap = cap;
    }
    struct rec_stats_group *x = &g->items[g->n++];
    memset(x, 0, sizeof(*x));
    x->id = id;
    x->key = key ? arena_strdup(a, key) : NULL;
    x->name = name;
    return x;
}

static void group_add(struct rec_stats_group *x, const struct rec_stats_row *r)
{
    x->held++;
    x->received += r->received;
    x->attendances += r->deputies;
}

static int by_id(const void *pa, const void *pb)
{
    const struct rec_stats_group *a = pa, *b = pb;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_key(const void *pa, const void *pb)
{
    const struct rec_stats_group *a = pa, *b = pb;
    return strcmp(a->key, b->key);
}

void rec_stats_compute(struct arena *a, const struct rec_stats_row *rows, size_t n,
                       struct rec_stats *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const struct rec_stats_row *r = &rows[i];
        out->bookings += r->bookings;
        out->cancelled += r->cancelled;
        out->attended += r->attended;
        if (rec_stats_no_show_day(r))
            out->no_shows += r->booked;
        else
            out->pending += r->booked;
        if (!r->recorded)
            continue;
        out->held++;
        out->received += r->received;
        out->walk_ins += r->walk_ins;
        out->attendances += r->deputies;
        group_add(group_get(a, &out->by_station, r->station_id, NULL, r->station), r);
        group_add(group_get(a, &out->by_street, r->street_id, NULL, r->street), r);
        int64_t y;
        unsigned m, d;
        time_civil_from_days(r->day, &y, &m, &d);
        char month[16];
        snprintf(month, sizeof(month), "%04d-%02u", (int)y, m);
        group_add(group_get(a, &out->by_month, 0, month, NULL), r);
    }
    if (out->by_station.n)
        qsort(out->by_station.items, out->by_station.n, sizeof(struct rec_stats_group), by_id);
    if (out->by_street.n)
        qsort(out->by_street.items, out->by_street.n, sizeof(struct rec_stats_group), by_id);
    if (out->by_month.n)
        qsort(out->by_month.items, out->by_month.n, sizeof(struct rec_stats_group), by_key);
}
