/* geo.h - distances and the nearest-station rule (就地就近编入). Pure. */
#ifndef YOUYUE_DOMAIN_GEO_H
#define YOUYUE_DOMAIN_GEO_H

#include <stddef.h>

#include "domain/registry.h"

/* Great-circle distance in metres (haversine, mean Earth radius). */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Index into stations[0..n) of the station nearest to (lat, lon); ties go to
 * the lower id.  Returns -1 when n is 0. */
long geo_nearest_station(const struct station *stations, size_t n, double lat, double lon);

/* Sorts stations in place by distance from (lat, lon), nearest first, ties by id. */
void geo_sort_by_distance(struct station *stations, size_t n, double lat, double lon);

#endif
