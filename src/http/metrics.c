/* metrics.c - per-route counters and latency histograms; see metrics.h. */
#include "http/metrics.h"

#include <stdlib.h>

static const double bucket_secs[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define N_BUCKETS (sizeof(bucket_secs) / sizeof(bucket_secs[0]))
#define N_CLASSES 5 /* 1xx..5xx */

struct route_metrics {
    const char *method;
    const char *pattern;
    uint64_t by_class[N_CLASSES];
    uint64_t buckets[N_BUCKETS]; /* non-cumulative here, summed when rendered */
    uint64_t count;
    uint64_t sum_micros;
};

static struct route_metrics *table;
static size_t table_n;

int metrics_init(const struct router *r)
{
    table_n = r->n + 1;
    table = calloc(table_n, sizeof(*table));
    if (!table)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        table[i].method = r->routes[i].method;
        table[i].pattern = r->routes[i].pattern;
    }
    table[r->n].method = "ANY";
    table[r->n].pattern = "unmatched";
    return 0;
}

void metrics_release(void)
{
    free(table);
    table = NULL;
    table_n = 0;
}

void metrics_observe(const struct route *route, int status, uint64_t micros)
{
    if (!table)
        return;
    size_t i = route && route->index < table_n - 1 ? route->index : table_n - 1;
    struct route_metrics *m = &table[i];
    int cls = status / 100 - 1;
    if (cls < 0 || cls >= N_CLASSES)
        cls = N_CLASSES - 1;
    __atomic_add_fetch(&m->by_class[cls], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&m->count, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&m->sum_micros, micros, __ATOMIC_RELAXED);
    double secs = (double)micros / 1e6;
    for (size_t b = 0; b < N_BUCKETS; b++) {
        if (secs <= bucket_secs[b]) {
            __atomic_add_fetch(&m->buckets[b], 1, __ATOMIC_RELAXED);
            break;
        }
    }
}

void metrics_render(struct buf *out)
{
    buf_puts(out, "# HELP youyue_http_requests_total HTTP requests by route and status class.\n"
                  "# TYPE youyue_http_requests_total counter\n");
    for (size_t i = 0; i < table_n; i++) {
        for (int c = 0; c < N_CLASSES; c++) {
            uint64_t v = __atomic_load_n(&table[i].by_class[c], __ATOMIC_RELAXED);
            if (v)
                buf_printf(out,
                           "youyue_http_requests_total{method=\"%s\",route=\"%s\",code=\"%dxx\"} "
                           "%llu\n",
                           table[i].method, table[i].pattern, c + 1, (unsigned long long)v);
        }
    }
    buf_puts(out, "# HELP youyue_http_request_duration_seconds Time to answer, by route.\n"
                  "# TYPE youyue_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < table_n; i++) {
        uint64_t count = __atomic_load_n(&table[i].count, __ATOMIC_RELAXED);
        if (!count)
            continue;
        uint64_t cum = 0;
        for (size_t b = 0; b < N_BUCKETS; b++) {
            cum += __atomic_load_n(&table[i].buckets[b], __ATOMIC_RELAXED);
            buf_printf(out,
                       "youyue_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                       "le=\"%g\"} %llu\n",
                       table[i].method, table[i].pattern, bucket_secs[b], (unsigned long long)cum);
        }
        buf_printf(out,
                   "youyue_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                   "le=\"+Inf\"} %llu\n",
                   table[i].method, table[i].pattern, (unsigned long long)count);
        buf_printf(out,
                   "youyue_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
                   table[i].method, table[i].pattern,
                   (double)__atomic_load_n(&table[i].sum_micros, __ATOMIC_RELAXED) / 1e6);
        buf_printf(out,
                   "youyue_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
                   "%llu\n",
                   table[i].method, table[i].pattern, (unsigned long long)count);
    }
}
