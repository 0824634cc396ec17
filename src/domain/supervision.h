/* supervision.h - 督办: when an open item with a deadline is due soon or
 * overdue, and when a reminder (催办) about it is due (DOMAIN.md §5).  Pure:
 * the dates and the wording; the sweep that applies them is store/remind.c.
 *
 * The rules, with their defaults (settings.due_soon_working_days):
 *   - the due day is the day the deadline ends in China time (due_at is the
 *     end of that day: 24:00 or 23:59:59 both work);
 *   - overdue (逾期) from the day after the due day on; chased every day
 *     (one reminder per recipient per day) until the item is done;
 *   - due soon (即将到期) while at most N working days (default 10) lie
 *     between today (exclusive) and the due day (inclusive); reminded twice:
 *     once when it first becomes due soon, and once more when at most
 *     SV_FINAL_WORKING_DAYS (3) working days are left.  A moved deadline (an
 *     extension) starts the windows again.
 *
 * Working days come from domain/workdays.h, so weekends, holidays and make-up
 * working days (调休) count as the calendar says.
 */
#ifndef YOUYUE_DOMAIN_SUPERVISION_H
#define YOUYUE_DOMAIN_SUPERVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/workdays.h"

#define SV_DUE_SOON_DEFAULT 10  /* working days, settings.due_soon_working_days */
#define SV_DUE_SOON_MAX 60      /* larger settings are taken as this */
#define SV_FINAL_WORKING_DAYS 3 /* the second due-soon reminder */
#define SV_MESSAGE_MAX 512      /* bytes, with the NUL */
#define SV_TITLE_SHOWN 40       /* code points of a title quoted in a message */

enum sv_state {
    SV_OPEN, /* neither due soon nor overdue */
    SV_DUE_SOON,
    SV_OVERDUE,
};

/* The kinds of open item the sweep watches. */
enum sv_item {
    SV_REPLY,      /* a lead unit's reply (答复) to an assigned suggestion */
    SV_CO_OPINION, /* a co-handling unit's opinion (协办意见) to the lead */
    SV_ASSIGN,     /* the office's assignment (交办) of an accepted suggestion */
    SV_REHANDLING, /* the lead unit's new reply after 不满意 (重新办理) */
    SV_ONSITE,     /* a unit's on-site commitment on a concern (现场承诺) */
    SV_TERM_END,   /* a B/C promise still open as the term ends: done, or a
                    * written explanation (届末书面说明), by settings.term_ends_on */
};

struct sv_assessment {
    enum sv_state state;
    int64_t today;         /* day number (workdays.h) of now */
    int64_t due_day;       /* the day the deadline ends */
    int working_days_left; /* working days after today up to the due day
                            * (0 on the due day); meaningful unless overdue */
    int64_t days_overdue;  /* calendar days past the due day; 0 unless overdue */
    /* The first day of the reminder window today lies in: a reminder of the
     * same kind to the same recipient dated on or after it means none is due
     * now.  Overdue: today.  Due soon: the day the item entered the current
     * window (N, then SV_FINAL_WORKING_DAYS working days left).  Open: 0. */
    int64_t remind_since;
    bool provisional; /* a day of a year without a calendar was involved */
};

/* The due day of a deadline instant: the day that ends at due_at. */
int64_t sv_due_day(int64_t due_at);

/* Judges one deadline at now.  due_soon_days < 1 means SV_DUE_SOON_DEFAULT;
 * above SV_DUE_SOON_MAX it is capped.  Never fails. */
void sv_assess(const struct calendar *c, int64_t due_at, int64_t now, int due_soon_days,
               struct sv_assessment *out);

/* The last day a sweep must look at: an item whose due day is before the
 * returned day may be due soon or overdue today; one due on it or later is
 * open.  For narrowing the sweep's queries. */
int64_t sv_horizon_day(const struct calendar *c, int64_t today, int due_soon_days);

/* The reminder's text (Chinese), e.g.
 *   【催办】建议《…》的答复已逾期3天(期限2026-03-31,主办单位:区建设局)
 *   【提醒】建议《…》的答复将于2026-03-31到期,还剩5个工作日(主办单位:区建设局)
 * title is shortened to SV_TITLE_SHOWN code points; unit_name may be NULL.
 * Writes at most SV_MESSAGE_MAX bytes (NUL included) into out, which must
 * hold that many; never fails (a longer text is cut at a character
 * boundary).  a->state must not be SV_OPEN. */
void sv_message(char out[SV_MESSAGE_MAX], enum sv_item item, const struct sv_assessment *a,
                const char *title, const char *unit_name);

/* "reply", "co_opinion", "assign", "rehandling", "onsite", "term_end". */
const char *sv_item_name(enum sv_item item);
/* What is due, in Chinese: 答复, 协办意见, 交办, 重新办理答复, 现场承诺事项,
 * 届末书面说明. */
const char *sv_item_label_zh(enum sv_item item);
/* The reminder kind of a state: "overdue" or "due_soon" (NULL for SV_OPEN). */
const char *sv_state_kind(enum sv_state s);

/* Whether s may be stored as a reminder's recipient_kind / kind (the
 * reminders table's CHECK lists). */
bool sv_recipient_kind_valid(const char *s);
bool sv_reminder_kind_valid(const char *s);

#endif
