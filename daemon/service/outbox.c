/* SPDX-License-Identifier: MIT */
/* The outbox: due reminders become notices, sends are tracked until the notifier answers,
 * failures are retried with backoff, and the record says what went out. */
#include "config.h"

#include "outbox.h"

#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "log.h"
#include "notes.h"
#include "prompts.h"

/* Records of sessions that started this long ago are dropped. A started session gets no
 * reminder, but a wall clock set back (a wrong RTC, then NTP) can make one upcoming again:
 * kept longer than the longest lead, such a session is still known as sent. */
#define PRUNE_AFTER ((int64_t)35 * 86400)
/* Snooze is offered only when at least this much time is left before the session. */
#define SNOOZE_MIN_LEFT 60

/* A reminder being sent, or waiting to be tried again. */
typedef struct {
        char *key; /* "ID\tSTART", with a "z:" prefix for a snooze */
        char *series_id;
        int64_t session_start;
        int64_t instant; /* the reminder (or snooze instant, or check-in) being sent */
        bool snooze;
        bool checkin;
        bool sending;
        uint64_t ticket; /* while sending */
        unsigned attempts;
        int64_t retry_at; /* when not sending */
} Pending;

struct Outbox {
        Notifier *notifier;
        State *record;
        int64_t snooze_seconds;
        const Schedule *schedule;
        Tz *display_tz;
        GHashTable *pending; /* key -> Pending */
        uint64_t next_ticket;
        bool hold;
        bool changed;
};

static char *pending_key(const char *series_id, int64_t session_start, bool snooze)
{
        return g_strdup_printf("%s%s\t%" PRId64, snooze ? "z:" : "", series_id, session_start);
}

static void pending_free(gpointer p)
{
        Pending *x = p;
        g_free(x->key);
        g_free(x->series_id);
        g_free(x);
}

Outbox *outbox_new(Notifier *notifier, State *record, int64_t snooze_seconds)
{
        Outbox *ob = g_new0(Outbox, 1);
        ob->notifier = notifier;
        ob->record = record;
        ob->snooze_seconds = snooze_seconds;
        ob->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pending_free);
        ob->next_ticket = 1;
        return ob;
}

void outbox_free(Outbox *ob)
{
        if (!ob)
                return;
        g_hash_table_destroy(ob->pending);
        state_free(ob->record);
        g_free(ob);
}

void outbox_set_schedule(Outbox *ob, const Schedule *schedule, Tz *display_tz)
{
        ob->schedule = schedule;
        ob->display_tz = display_tz;
}

void outbox_hold(Outbox *ob, bool hold)
{
        ob->hold = hold;
}

bool outbox_take_changed(Outbox *ob)
{
        bool c = ob->changed;
        ob->changed = false;
        return c;
}

const State *outbox_record(const Outbox *ob)
{
        return ob->record;
}

char *outbox_describe(const Occurrence *o)
{
        const Series *se = o->series;
        g_autofree char *when = format_short(o->tz, o->start);
        if (!se->privacy)
                return g_strdup_printf("%s (\"%s\") %s", se->id, o->title, when);
        return g_strdup_printf("%s %s", se->id, when);
}

/* The occurrence a pending send is for, as the logs name it. */
static char *describe_pending(const Outbox *ob, const Pending *p, Occurrence *o, bool *known)
{
        *known = ob->schedule &&
                 planner_find_occurrence(ob->schedule, p->series_id, p->session_start, o);
        return *known ? outbox_describe(o)
                      : g_strdup_printf("%s (no longer in the schedule)", p->series_id);
}

/* ---- sending ------------------------------------------------------------------------ */

static void dispatch(Outbox *ob, const DueReminder *d, Pending *p, int64_t now)
{
        const Series *se = d->occ.series;
        g_autofree char *summary = NULL, *body = NULL;
        if (d->checkin)
                prompts_compose_checkin(&d->occ, &summary, &body);
        else
                prompts_compose(&d->occ, d->instant, now, ob->display_tz, &summary, &body);
        g_autofree char *notes = notes_path(&d->occ);
        Notice notice = {
                .series_id = se->id,
                .session_start = d->occ.start,
                .session_end = d->occ.end,
                .instant = d->instant,
                .snooze = d->snooze,
                .checkin = d->checkin,
                .summary = summary,
                .body = body,
                .notes_path = notes,
                .title = se->privacy ? NULL : d->occ.title,
                /* The session's earlier notification, if still on screen, gives way. */
                .replaces_id = state_notification(ob->record, se->id, d->occ.start),
                .offer_snooze = !d->checkin && d->occ.start - now >= SNOOZE_MIN_LEFT,
        };
        p->instant = d->instant;
        p->sending = true;
        p->ticket = ob->next_ticket++;
        if (d->n_collapsed > 1) {
                g_autofree char *what = outbox_describe(&d->occ);
                log_info("%u missed reminders for %s go out as one", d->n_collapsed, what);
        }
        notifier_send(ob->notifier, &notice, p->ticket);
}

/* A reminder waiting for a retry that is no longer due: its session started (or left the
 * schedule) before a server took it. */
static void drop_stale(Outbox *ob, GHashTable *due_keys)
{
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, ob->pending);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Pending *p = v;
                if (p->sending || g_hash_table_contains(due_keys, p->key))
                        continue;
                Occurrence o;
                bool known;
                g_autofree char *what = describe_pending(ob, p, &o, &known);
                if (!known)
                        log_warning("Dropped the %s for %s: the session was moved or removed "
                                    "before any notification server took it",
                                    p->checkin ? "check-in" : "reminder", what);
                else if (p->checkin)
                        log_warning("Dropped the check-in for %s: its day ended before any "
                                    "notification server took it", what);
                else
                        log_warning("Dropped the reminder for %s: its session started before "
                                    "any notification server took it", what);
                if (p->snooze) {
                        state_set_snooze(ob->record, p->series_id, p->session_start, INT64_MIN);
                        ob->changed = true;
                }
                g_hash_table_iter_remove(&it);
        }
}

/* Whether the occurrence of `d` has a send under way, in its other kind (reminder or
 * snooze): one at a time, so that the next one knows which notification to replace. */
static bool other_sending(const Outbox *ob, const DueReminder *d)
{
        g_autofree char *key = pending_key(d->occ.series->id, d->occ.start, !d->snooze);
        const Pending *p = g_hash_table_lookup(ob->pending, key);
        return p && p->sending;
}

/* The occurrences with a reminder due now: a snooze due at the same time gives way to it. */
static GHashTable *reminders_due(const Plan *plan)
{
        GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (guint i = 0; i < plan->due->len; i++) {
                const DueReminder *d = &g_array_index(plan->due, DueReminder, i);
                if (!d->snooze)
                        g_hash_table_add(set, pending_key(d->occ.series->id, d->occ.start, false));
        }
        return set;
}

static void handle_due(Outbox *ob, const Plan *plan, int64_t now)
{
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autoptr(GHashTable) due = reminders_due(plan);
        for (guint i = 0; i < plan->due->len; i++) {
                const DueReminder *d = &g_array_index(plan->due, DueReminder, i);
                const char *id = d->occ.series->id;
                char *key = pending_key(id, d->occ.start, d->snooze);
                g_autofree char *plain = pending_key(id, d->occ.start, false);
                if (d->snooze && g_hash_table_contains(due, plain)) {
                        state_set_snooze(ob->record, id, d->occ.start, INT64_MIN);
                        ob->changed = true;
                        g_free(key);
                        continue;
                }
                g_hash_table_add(seen, key);
                Pending *p = g_hash_table_lookup(ob->pending, key);
                if ((p && p->sending) || other_sending(ob, d))
                        continue; /* an answer plans again */
                if (p && p->retry_at > now) {
                        /* A later reminder of the same session replaces the one waiting. */
                        if (d->instant > p->instant) {
                                p->instant = d->instant;
                                p->checkin = d->checkin;
                        }
                        continue;
                }
                if (!p) {
                        p = g_new0(Pending, 1);
                        p->key = g_strdup(key);
                        p->series_id = g_strdup(id);
                        p->session_start = d->occ.start;
                        p->snooze = d->snooze;
                        g_hash_table_insert(ob->pending, p->key, p);
                }
                p->checkin = d->checkin;
                dispatch(ob, d, p, now);
        }
        drop_stale(ob, seen);
}

typedef struct {
        Outbox *ob;
        int64_t now;
} PruneCtx;

static void prune_snooze(const char *series_id, int64_t session_start, int64_t at, void *userdata)
{
        PruneCtx *c = userdata;
        g_autofree char *key = pending_key(series_id, session_start, true);
        if (session_start <= c->now && !g_hash_table_contains(c->ob->pending, key)) {
                state_set_snooze(c->ob->record, series_id, session_start, INT64_MIN);
                c->ob->changed = true;
        }
}

Plan *outbox_update(Outbox *ob, int64_t now, int64_t *deadline)
{
        static const Schedule empty = { 0 };
        const Schedule *schedule = ob->schedule ? ob->schedule : &empty;
        PruneCtx pc = { ob, now };
        state_foreach_snooze(ob->record, prune_snooze, &pc);
        Plan *plan = planner_plan(schedule, ob->record, now);
        if (!ob->hold)
                handle_due(ob, plan, now);

        int64_t next = plan->next_deadline;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, ob->pending);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                const Pending *p = v;
                if (!p->sending && p->retry_at > now && p->retry_at < next)
                        next = p->retry_at;
        }
        *deadline = next;
        return plan;
}

static Pending *find_ticket(Outbox *ob, uint64_t ticket)
{
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, ob->pending);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (((Pending *)v)->sending && ((Pending *)v)->ticket == ticket)
                        return v;
        return NULL;
}

static void record_sent(Outbox *ob, const Pending *p, uint32_t id, int64_t now)
{
        Occurrence o;
        bool known;
        g_autofree char *what = describe_pending(ob, p, &o, &known);
        state_set_notification(ob->record, p->series_id, p->session_start, id);
        if (p->snooze) {
                state_set_snooze(ob->record, p->series_id, p->session_start, INT64_MIN);
                log_info("Sent snoozed reminder for %s", what);
        } else if (p->checkin) {
                state_mark(ob->record, p->series_id, p->session_start, p->instant);
                log_info("Sent: the check-in after %s", what);
        } else {
                state_mark(ob->record, p->series_id, p->session_start, p->instant);
                int64_t late = now - p->instant;
                g_autofree char *at = known ? format_short(o.tz, p->instant)
                                            : g_strdup_printf("%" PRId64, p->instant);
                if (late >= PLANNER_LATE_AFTER)
                        log_notice("Sent late: the reminder of %s for %s (%" PRId64
                                   " s after its time)", at, what, late);
                else
                        log_info("Sent: the reminder of %s for %s", at, what);
        }
        state_prune(ob->record, now - PRUNE_AFTER);
        ob->changed = true;
}

void outbox_sent(Outbox *ob, uint64_t ticket, const NotifierResult *result, int64_t now)
{
        Pending *p = find_ticket(ob, ticket);
        if (!p)
                return;
        p->sending = false;
        if (result->ok) {
                record_sent(ob, p, result->id, now);
                g_hash_table_remove(ob->pending, p->key);
                return;
        }
        p->attempts++;
        int64_t delay = planner_retry_delay(p->attempts);
        p->retry_at = now + delay;
        Occurrence o;
        bool known;
        g_autofree char *what = describe_pending(ob, p, &o, &known);
        log_warning("Could not send the reminder for %s: %s; trying again in %" PRId64 " s", what,
                    result->error ? result->error : "unknown error", delay);
}

bool outbox_snooze(Outbox *ob, const char *series_id, int64_t session_start, int64_t now)
{
        if (session_start <= now)
                return false;
        int64_t at = planner_snooze_at(now, session_start, ob->snooze_seconds);
        state_set_snooze(ob->record, series_id, session_start, at);
        ob->changed = true;
        log_info("Snoozed the reminder for %s until %" PRId64, series_id, at);
        return true;
}

OutboxPhase outbox_phase(const Outbox *ob, const char *series_id, int64_t session_start)
{
        g_autofree char *key = pending_key(series_id, session_start, false);
        const Pending *p = g_hash_table_lookup(ob->pending, key);
        if (!p)
                return OUTBOX_IDLE;
        return p->attempts > 0 ? OUTBOX_WAITING : OUTBOX_SENDING;
}

unsigned outbox_waiting(const Outbox *ob, const char *except_id, int64_t except_start)
{
        g_autofree char *except = pending_key(except_id ? except_id : "", except_start, false);
        unsigned n = 0;
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, ob->pending);
        while (g_hash_table_iter_next(&it, &k, &v))
                n += strcmp(k, except) != 0 && ((Pending *)v)->attempts > 0;
        return n;
}
