/* SPDX-License-Identifier: MIT */
/* The daemon's decisions: due reminders, missed-reminder collapsing, the next deadline. */
#include "config.h"

#include "planner.h"

#include <string.h>

/* How far ahead the expansion may look for a next reminder: matches `nudge list --days`. */
#define PLANNER_HORIZON ((int64_t)3660 * 86400)
/* The furthest a reminder can lie before its session: the longest lead plus slack for
 * calendar days that cross a daylight-saving change. */
#define PLANNER_LEAD_SPAN ((int64_t)LEAD_MAX_SECONDS + 2 * 86400)
/* How long ago a session may have started and still owe its check-in: the longest session
 * and check-in delay (12 h each), and the rest of that day. */
#define PLANNER_PAST_SPAN ((int64_t)3 * 86400)

int64_t planner_deliver_until(int64_t session_start, int64_t instant)
{
        return MAX(session_start, instant + PLANNER_START_GRACE);
}

int64_t planner_checkin_until(const Occurrence *o)
{
        Ymd d;
        int sec;
        tz_local(o->tz, o->checkin, &d, &sec);
        return tz_resolve_days(o->tz, civil_days(d) + 1, 0);
}

int64_t planner_retry_delay(unsigned attempt)
{
        int64_t d = 5;
        for (unsigned i = 1; i < attempt && d < 300; i++)
                d *= 2;
        return MIN(d, 300);
}

int64_t planner_snooze_at(int64_t now, int64_t session_start, int64_t delay)
{
        /* A snooze that would land on or after the start fires a minute before it, or now. */
        int64_t at = now + delay;
        if (at >= session_start - PLANNER_START_GRACE)
                at = MAX(now, session_start - PLANNER_START_GRACE);
        return at;
}

typedef struct {
        const State *sent;
        int64_t now;
        Plan *plan;
} Ctx;

static void consider_deadline(Plan *p, int64_t now, int64_t t)
{
        if (t > now && t < p->next_deadline)
                p->next_deadline = t;
}

/* The check-in of `o`: due once its instant passed, until the end of that day. */
static void plan_checkin(Ctx *c, const Occurrence *o, int64_t upto)
{
        Plan *p = c->plan;
        if (o->checkin == INT64_MIN || o->checkin <= upto)
                return;
        if (o->checkin > c->now) {
                consider_deadline(p, c->now, o->checkin);
                if (p->next_checkin == INT64_MIN || o->checkin < p->next_checkin)
                        p->next_checkin = o->checkin;
                return;
        }
        if (c->now >= planner_checkin_until(o))
                return;
        DueReminder d = {
                .occ = *o,
                .instant = o->checkin,
                .n_collapsed = 1,
                .late = c->now >= o->checkin + PLANNER_LATE_AFTER,
                .is_last = true,
                .checkin = true,
        };
        g_array_append_val(p->due, d);
}

static bool plan_occurrence(const Occurrence *o, void *userdata)
{
        Ctx *c = userdata;
        Plan *p = c->plan;
        /* Later sessions cannot hold a reminder before the deadline found so far. */
        if (p->next_deadline != INT64_MAX && o->start > p->next_deadline + PLANNER_LEAD_SPAN &&
            o->start > c->now + PLANNER_LEAD_SPAN)
                return false;

        int64_t upto = state_sent_upto(c->sent, o->series->id, o->start);
        ssize_t due = -1;
        unsigned n_due = 0;
        int64_t next_r = INT64_MIN;
        for (size_t i = 0; i < o->n_reminders; i++) {
                int64_t r = o->reminders[i];
                if (r <= upto)
                        continue;
                if (r <= c->now) {
                        if (c->now < planner_deliver_until(o->start, r)) {
                                due = (ssize_t)i;
                                n_due++;
                        }
                        continue;
                }
                next_r = r;
                break;
        }
        if (due >= 0) {
                DueReminder d = {
                        .occ = *o,
                        .instant = o->reminders[due],
                        .n_collapsed = n_due,
                        .late = c->now >= o->reminders[due] + PLANNER_LATE_AFTER,
                        .is_last = (size_t)due + 1 == o->n_reminders,
                };
                g_array_append_val(p->due, d);
        }
        plan_checkin(c, o, upto);
        if (next_r != INT64_MIN)
                consider_deadline(p, c->now, next_r);
        if (o->start > c->now) {
                consider_deadline(p, c->now, o->start);
                if (!p->has_next || o->start < p->next.start ||
                    (o->start == p->next.start && strcmp(o->series->id, p->next.series->id) < 0)) {
                        p->has_next = true;
                        p->next = *o;
                        p->next_reminder = next_r;
                }
        }
        return true;
}

static int cmp_series_id(const void *key, const void *elem)
{
        return strcmp(key, ((const Series *)elem)->id);
}

typedef struct {
        int64_t start;
        Occurrence *out;
        bool found;
} FindCtx;

static bool find_exact(const Occurrence *o, void *userdata)
{
        FindCtx *f = userdata;
        if (o->start == f->start) {
                *f->out = *o;
                f->found = true;
        }
        return false;
}

bool planner_find_occurrence(const Schedule *schedule, const char *series_id,
                             int64_t session_start, Occurrence *out)
{
        const Series *s = bsearch(series_id, schedule->series, schedule->n_series,
                                  sizeof *schedule->series, cmp_series_id);
        if (!s)
                return false;
        Occurrence o;
        FindCtx f = { .start = session_start, .out = &o };
        series_expand(s, session_start, session_start + 1, find_exact, &f);
        if (f.found)
                *out = o;
        return f.found;
}

typedef struct {
        const Schedule *schedule;
        const State *sent;
        int64_t now;
        Plan *plan;
} SnoozeCtx;

static void plan_snooze(const char *series_id, int64_t session_start, int64_t at,
                        void *userdata)
{
        SnoozeCtx *c = userdata;
        Occurrence o;
        if (c->now >= session_start ||
            !planner_find_occurrence(c->schedule, series_id, session_start, &o))
                return; /* the caller drops snoozes whose session started or vanished */
        if (at > c->now) {
                consider_deadline(c->plan, c->now, at);
                return;
        }
        int64_t upto = state_sent_upto(c->sent, o.series->id, o.start);
        bool later_left = false;
        for (size_t i = 0; i < o.n_reminders; i++)
                if (o.reminders[i] > MAX(upto, c->now))
                        later_left = true;
        DueReminder d = {
                .occ = o,
                .instant = at,
                .n_collapsed = 1,
                .late = c->now >= at + PLANNER_LATE_AFTER,
                .is_last = !later_left,
                .snooze = true,
        };
        g_array_append_val(c->plan->due, d);
}

static gint cmp_due(gconstpointer a, gconstpointer b)
{
        const DueReminder *x = a, *y = b;
        if (x->instant != y->instant)
                return x->instant < y->instant ? -1 : 1;
        return strcmp(x->occ.series->id, y->occ.series->id);
}

Plan *planner_plan(const Schedule *schedule, const State *sent, int64_t now)
{
        Plan *p = g_new0(Plan, 1);
        p->due = g_array_new(FALSE, FALSE, sizeof(DueReminder));
        p->next_deadline = INT64_MAX;
        p->next_reminder = INT64_MIN;
        p->next_checkin = INT64_MIN;
        Ctx c = { .sent = sent, .now = now, .plan = p };

        /* Sessions that started within the grace minute may still owe their 0m reminder,
         * and those of the last days their check-in. */
        for (size_t i = 0; i < schedule->n_series; i++) {
                const Series *se = &schedule->series[i];
                int64_t back = se->has_checkin ? PLANNER_PAST_SPAN : PLANNER_START_GRACE - 1;
                series_expand(se, now - back, now + PLANNER_HORIZON, plan_occurrence, &c);
        }
        SnoozeCtx z = { .schedule = schedule, .sent = sent, .now = now, .plan = p };
        state_foreach_snooze(sent, plan_snooze, &z);
        g_array_sort(p->due, cmp_due);
        return p;
}

void plan_free(Plan *p)
{
        if (!p)
                return;
        g_array_unref(p->due);
        g_free(p);
}
