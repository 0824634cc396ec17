/* remind_timer.c - the sweep's thread in the server; see remind_timer.h. */
#include "cli/remind_timer.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "store/remind.h"

struct remind_timer {
    struct db *db;
    const struct calendar *cal;
    unsigned interval_secs, first_delay_secs;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* signalled by remind_timer_stop */
    bool stopping;       /* under lock */
};

static void sweep_once(struct remind_timer *t)
{
    struct remind_counts c;
    struct yy_error e = {0};
    if (store_remind_sweep(t->db, t->cal, time_now(), &c, &e) != YY_OK) {
        log_msg("error", "remind: sweep failed: %s (%s)", e.message ? e.message : "",
                e.code ? e.code : "");
        return;
    }
    if (c.reminders)
        log_msg("info", "remind: %lld due soon, %lld overdue, %lld reminders written",
                (long long)c.due_soon, (long long)c.overdue, (long long)c.reminders);
}

/* Waits until secs from now on the monotonic clock or until stopped; true
 * when stopped. */
static bool wait_or_stop(struct remind_timer *t, unsigned secs)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)secs;
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        int rc = pthread_cond_timedwait(&t->wake, &t->lock, &until);
        if (rc == ETIMEDOUT)
            break;
    }
    bool stopped = t->stopping;
    pthread_mutex_unlock(&t->lock);
    return stopped;
}

static void *run(void *arg)
{
    struct remind_timer *t = arg;
    unsigned delay = t->first_delay_secs;
    while (!wait_or_stop(t, delay)) {
        sweep_once(t);
        delay = t->interval_secs;
    }
    return NULL;
}

struct remind_timer *remind_timer_start(struct db *db, const struct calendar *cal,
                                        unsigned interval_secs, unsigned first_delay_secs)
{
    struct remind_timer *t = calloc(1, sizeof(*t));
    if (!t) {
        log_msg("error", "remind: out of memory for the timer");
        return NULL;
    }
    t->db = db;
    t->cal = cal;
    t->interval_secs = interval_secs ? interval_secs : 1;
    t->first_delay_secs = first_delay_secs;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&t->lock, NULL);
    int rc = pthread_create(&t->thread, NULL, run, t);
    if (rc != 0) {
        log_msg("error", "remind: cannot start the timer thread: %s", strerror(rc));
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void remind_timer_stop(struct remind_timer *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
