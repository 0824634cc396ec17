/* remind_timer.h - the supervision sweep (store/remind.h) on a timer inside
 * `youyue serve`: one dedicated thread, so a slow sweep never holds up a
 * request thread, and cron is not needed for a single server. */
#ifndef YOUYUE_CLI_REMIND_TIMER_H
#define YOUYUE_CLI_REMIND_TIMER_H

#include "domain/workdays.h"
#include "store/db.h"

struct remind_timer;

/* Starts the thread: a sweep first_delay_secs after now, then one every
 * interval_secs (>= 1).  A failed sweep is logged (log_msg "error") and
 * tried again at the next tick; it never stops the server.  db and cal must
 * outlive the timer.  Start it with the stop signals blocked (the thread
 * inherits the mask).  Returns NULL, logged, when the thread cannot be
 * created.  Caller stops it with remind_timer_stop. */
struct remind_timer *remind_timer_start(struct db *db, const struct calendar *cal,
                                        unsigned interval_secs, unsigned first_delay_secs);
/* Wakes the thread, waits for a sweep in progress to finish, joins it and
 * frees the timer.  NULL is a no-op. */
void remind_timer_stop(struct remind_timer *t);

#endif
