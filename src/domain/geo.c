/* geo.c - distances and nearest station; see geo.h. */
#include "domain/geo.h"

#include <math.h>
#include <stdlib.h>

#define EARTH_RADIUS_M 6371008.8

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad;
    double dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1.0)
        a = 1.0;
    return 2.0 * EARTH_RADIUS_M * asin(sqrt(a));
}

long geo_nearest_station(const struct station *stations, size_t n, double lat, double lon)
{
    long best = -1;
    double best_d = 0;
    for (size_t i = 0; i < n; i++) {
        double d = geo_distance_m(lat, lon, stations[i].lat, stations[i].lon);
        if (best < 0 || d < best_d || (d == best_d && stations[i].id < stations[best].id)) {
            best = (long)i;
            best_d = d;
        }
    }
    return best;
}

struct sort_item {
    double d;
    struct station s;
};

static int cmp_item(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    if (x->d < y->d)
        return -1;
    if (x->d > y->d)
        return 1;
    return (x->s.id > y->s.id) - (x->s.id < y->s.id);
}

void geo_sort_by_distance(struct station *stations, size_t n, double lat, double lon)
{
    if (n < 2)
        return;
    struct sort_item *items = malloc(n * sizeof(*items));
    if (!items)
        return; /* order unchanged; callers still get every station */
    for (size_t i = 0; i < n; i++) {
        items[i].s = stations[i];
        items[i].d = geo_distance_m(lat, lon, stations[i].lat, stations[i].lon);
    }
    qsort(items, n, sizeof(*items), cmp_item);
    for (size_t i = 0; i < n; i++)
        stations[i] = items[i].s;
    free(items);
}
