/* SPDX-License-Identifier: MIT */
/* A simulation of the service: the outbox, the planner, the record and the schedule parser,
 * driven through a simulated year of a realistic schedule with a clock of its own, while
 * faults are injected at random moments from a seed: the process killed (restarted from
 * the record as last written), the wall clock stepped forward and back, suspends over
 * reminder instants, the notification server gone for hours or answering slowly, reloads
 * with changed and broken schedules, and the person snoozing and dismissing notifications.
 * After each run it checks the invariants (see check_run) and prints any violation with
 * the seed that shows it.
 *
 *   sim-service [--seeds N] [--first S] [--seed S] [-v]
 *
 * Model: the service is single-threaded, so each event (a timer firing, a server's answer
 * and the record written after it, a fault) is atomic; a kill falls between events — also
 * between a send and its answer, when the server has not yet shown the notification. The
 * server shows a notification when it answers. */
#include "config.h"

#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notifier.h"
#include "outbox.h"
#include "planner.h"
#include "schedfile.h"
#include "state.h"

#define DAY ((int64_t)86400)
#define YEAR (365 * DAY)
#define T0 ((int64_t)1767225600) /* 2026-01-01T00:00:00Z */
#define SNOOZE_SECONDS 600
/* The longest a due reminder can wait behind a failed try: the backoff's cap, and slack. */
#define RETRY_SLACK 310
#define N_VARIANTS 3

/* ---- the simulated notification server ------------------------------------------------ */

typedef struct {
        uint64_t ticket;
        int64_t reply_mono;
        char *series_id;
        int64_t start, instant, dispatch_wall, dispatch_mono;
        bool snooze, offer_snooze, checkin;
        uint32_t replaces_id;
        int version;
        char *summary;
} InFlight;

typedef struct {
        uint32_t id;
        char *series_id;
        int64_t start;
        bool offer_snooze;
} ShownNote;

typedef struct {
        char *series_id;
        int64_t start, instant, dispatch_wall, dispatch_mono;
        bool snooze, replaced, checkin;
        int version; /* the schedule in force when it was sent */
        char *summary;
} Delivery;

typedef struct {
        char *series_id;
        int64_t start, due_wall, ask_mono;
        int version;
} SnoozeAsk;

/* A stretch of simulated time under one set of conditions. */
typedef struct {
        int64_t from, to; /* mono */
        int64_t offset;   /* wall = mono + offset */
        bool clean;       /* service up, awake, server up and prompt */
        int version;
} Segment;

typedef enum {
        F_KILL,
        F_STEP,
        F_SUSPEND,
        F_SERVER_GONE,
        F_SERVER_SLOW,
        F_RELOAD,
        F_RELOAD_BROKEN,
        F_N,
} FaultKind;

static const char *const fault_names[F_N] = {
        "kills", "clock steps", "suspends", "server outages", "slow servers", "reloads",
        "broken reloads",
};

typedef struct {
        int64_t at; /* mono */
        int kind;   /* FaultKind, or person actions below */
        uint32_t id;
} Action;

enum { A_SNOOZE = 100, A_DISMISS };

typedef struct Sim Sim;

typedef struct {
        Notifier base;
        Sim *sim;
} SimNotifier;

struct Sim {
        uint32_t seed;
        GRand *rng;
        bool verbose;
        int64_t mono, offset;
        Tz *local;
        Schedule *versions[N_VARIANTS];
        char *texts[N_VARIANTS];
        int version;
        /* the service */
        bool up, suspended;
        int64_t restart_at, resume_at;
        Notifier *notifier;
        Outbox *outbox;
        char *disk; /* the record as last written */
        int64_t deadline; /* wall */
        /* the server */
        bool server_up;
        int64_t server_delay;
        int64_t server_normal_at;
        GPtrArray *inflight, *shown;
        uint32_t next_id;
        /* what happened */
        GArray *actions; /* of Action, faults and person actions to come */
        GPtrArray *deliveries, *snoozes;
        GArray *segments;
        unsigned faults[F_N];
        unsigned n_violations;
};

static void violation(Sim *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void violation(Sim *s, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        if (s->n_violations++ < 5)
                printf("# seed %" PRIu32 ": %s\n", s->seed, msg);
}

static int64_t wall(const Sim *s)
{
        return s->mono + s->offset;
}

static gboolean tracing;

/* --trace: one line per event, wall time first, for reading a failing seed. */
static void trace(const Sim *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void trace(const Sim *s, const char *fmt, ...)
{
        if (!tracing)
                return;
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(wall(s));
        g_autofree char *when = g_date_time_format(t, "%F %T");
        printf("# %s (mono %" PRId64 ") %s\n", when, s->mono, msg);
}

static int64_t rnd(Sim *s, int64_t lo, int64_t hi)
{
        return lo + (int64_t)(g_rand_double(s->rng) * (double)(hi - lo + 1));
}

static void inflight_free(gpointer p)
{
        InFlight *f = p;
        g_free(f->series_id);
        g_free(f->summary);
        g_free(f);
}

static void shown_free(gpointer p)
{
        ShownNote *n = p;
        g_free(n->series_id);
        g_free(n);
}

static void delivery_free(gpointer p)
{
        Delivery *d = p;
        g_free(d->series_id);
        g_free(d->summary);
        g_free(d);
}

static void ask_free(gpointer p)
{
        SnoozeAsk *a = p;
        g_free(a->series_id);
        g_free(a);
}

/* Kept in order of time: the loop takes the first. */
static void add_action(Sim *s, int64_t at, int kind, uint32_t id)
{
        Action a = { .at = at, .kind = kind, .id = id };
        guint lo = 0, hi = s->actions->len;
        while (lo < hi) {
                guint mid = (lo + hi) / 2;
                if (g_array_index(s->actions, Action, mid).at <= at)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        g_array_insert_val(s->actions, lo, a);
}

static void sim_send(Notifier *n, const Notice *notice, uint64_t ticket)
{
        Sim *s = ((SimNotifier *)n)->sim;
        InFlight *f = g_new0(InFlight, 1);
        f->ticket = ticket;
        /* No server: libnotify fails at once. A slow one answers after its delay. */
        f->reply_mono = s->mono + (s->server_up ? s->server_delay : 0);
        f->series_id = g_strdup(notice->series_id);
        f->start = notice->session_start;
        f->instant = notice->instant;
        f->snooze = notice->snooze;
        f->offer_snooze = notice->offer_snooze;
        f->checkin = notice->checkin;
        f->replaces_id = notice->replaces_id;
        f->dispatch_wall = wall(s);
        f->dispatch_mono = s->mono;
        f->version = s->version;
        f->summary = g_strdup(notice->summary);
        g_ptr_array_add(s->inflight, f);
        /* A crash between a send and its answer, while a slow server holds it. */
        if (s->server_up && s->server_delay > 0 && g_rand_double(s->rng) < 0.1)
                add_action(s, s->mono + rnd(s, 0, s->server_delay - 1), F_KILL, 0);
        trace(s, "send #%" PRIu64 " %s@%" PRId64 " instant %" PRId64 "%s replaces %u: %s", ticket,
              f->series_id, f->start, f->instant, f->snooze ? " (snooze)" : "", f->replaces_id,
              f->summary);
}

static void sim_destroy(Notifier *n)
{
        /* Sends under way die with the process: the server never got them. */
        g_ptr_array_set_size(((SimNotifier *)n)->sim->inflight, 0);
        g_free(n);
}

static const NotifierOps sim_ops = { sim_send, sim_destroy };

/* ---- the service, as service.c wires it ------------------------------------------------ */

static void replan(Sim *s)
{
        int64_t deadline;
        Plan *plan = outbox_update(s->outbox, wall(s), &deadline);
        plan_free(plan);
        if (outbox_take_changed(s->outbox)) {
                g_free(s->disk);
                s->disk = state_format(outbox_record(s->outbox));
        }
        s->deadline = deadline;
}

static void start_service(Sim *s)
{
        State *record = state_new();
        if (s->disk) {
                int err = 0;
                state_free(record);
                record = state_parse_buf(s->disk, strlen(s->disk), &err);
                if (!record) {
                        violation(s, "the record as written does not read back");
                        record = state_new();
                }
        }
        SimNotifier *sn = g_new0(SimNotifier, 1);
        sn->base.ops = &sim_ops;
        sn->sim = s;
        s->notifier = &sn->base;
        s->outbox = outbox_new(s->notifier, record, SNOOZE_SECONDS);
        outbox_set_schedule(s->outbox, s->versions[s->version], s->local);
        /* As service_run: plan and say ready, then send from the loop. */
        trace(s, "start, record: %s", s->disk ? s->disk : "(none)");
        outbox_hold(s->outbox, true);
        replan(s);
        outbox_hold(s->outbox, false);
        replan(s);
        s->up = true;
}

static void stop_service(Sim *s)
{
        notifier_free(s->notifier);
        outbox_free(s->outbox);
        s->notifier = NULL;
        s->outbox = NULL;
        s->up = false;
}

/* ---- the server answers ------------------------------------------------------------- */

static ShownNote *find_shown(Sim *s, uint32_t id)
{
        for (guint i = 0; i < s->shown->len; i++) {
                ShownNote *n = g_ptr_array_index(s->shown, i);
                if (n->id == id)
                        return n;
        }
        return NULL;
}

static void answer(Sim *s, InFlight *f)
{
        NotifierResult r = { .ok = s->server_up };
        if (!r.ok) {
                r.error = "org.freedesktop.DBus.Error.ServiceUnknown";
        } else {
                ShownNote *n = find_shown(s, f->replaces_id);
                bool replaced = n != NULL;
                if (!n) {
                        n = g_new0(ShownNote, 1);
                        n->id = ++s->next_id;
                        g_ptr_array_add(s->shown, n);
                }
                g_free(n->series_id);
                n->series_id = g_strdup(f->series_id);
                n->start = f->start;
                n->offer_snooze = f->offer_snooze;
                r.id = n->id;
                for (guint i = 0; i < s->shown->len; i++) {
                        ShownNote *o = g_ptr_array_index(s->shown, i);
                        if (o != n && o->start == f->start && strcmp(o->series_id, f->series_id) == 0)
                                violation(s, "two notifications of %s at %" PRId64 " on screen",
                                          f->series_id, f->start);
                }
                Delivery *d = g_new0(Delivery, 1);
                d->series_id = g_strdup(f->series_id);
                d->start = f->start;
                d->instant = f->instant;
                d->dispatch_wall = f->dispatch_wall;
                d->dispatch_mono = f->dispatch_mono;
                d->snooze = f->snooze;
                d->checkin = f->checkin;
                d->replaced = replaced;
                d->version = f->version;
                d->summary = g_strdup(f->summary);
                g_ptr_array_add(s->deliveries, d);
                /* The person: sometimes snoozes, sometimes dismisses, mostly lets it be. */
                double p = g_rand_double(s->rng);
                if (p < 0.15)
                        add_action(s, s->mono + rnd(s, 1, 1800), A_SNOOZE, n->id);
                else if (p < 0.4)
                        add_action(s, s->mono + rnd(s, 1, 6 * 3600), A_DISMISS, n->id);
        }
        trace(s, "answer #%" PRIu64 ": %s, id %u", f->ticket, r.ok ? "shown" : r.error, r.id);
        outbox_sent(s->outbox, f->ticket, &r, wall(s));
        replan(s);
}

/* ---- faults ------------------------------------------------------------------------- */

static void fault(Sim *s, const Action *a)
{
        if (!s->up && (a->kind == F_KILL || a->kind == F_RELOAD_BROKEN))
                return;
        s->faults[a->kind]++;
        trace(s, "fault: %s", fault_names[a->kind]);
        switch (a->kind) {
        case F_KILL:
                stop_service(s);
                /* systemd restarts a crash at once; a person may start it hours later. */
                s->restart_at = s->mono + (g_rand_boolean(s->rng) ? rnd(s, 1, 300)
                                                                  : rnd(s, 300, 6 * 3600));
                break;
        case F_STEP: {
                int64_t mag = g_rand_boolean(s->rng) ? rnd(s, 60, 3600) : rnd(s, 3600, 3 * DAY);
                s->offset += g_rand_boolean(s->rng) ? mag : -mag;
                if (s->up)
                        replan(s); /* the CANCEL_ON_SET watch */
                break;
        }
        case F_SUSPEND:
                s->suspended = true;
                s->resume_at = s->mono + rnd(s, 600, 2 * DAY);
                break;
        case F_SERVER_GONE:
                s->server_up = false;
                s->server_normal_at = s->mono + rnd(s, 3600, 12 * 3600);
                break;
        case F_SERVER_SLOW:
                /* Slower than a person notices, faster than D-Bus gives up (25 s). */
                s->server_delay = rnd(s, 1, 20);
                s->server_normal_at = s->mono + rnd(s, 3600, 6 * 3600);
                break;
        case F_RELOAD:
                /* Changed while the service is down, it is read at the start. */
                s->version = (s->version + 1) % N_VARIANTS;
                if (s->up) {
                        outbox_set_schedule(s->outbox, s->versions[s->version], s->local);
                        replan(s);
                }
                break;
        case F_RELOAD_BROKEN:
                break; /* the schedule in force stays: nothing changes */
        }
}

static void person(Sim *s, const Action *a)
{
        ShownNote *n = find_shown(s, a->id);
        if (!n)
                return;
        if (a->kind == A_DISMISS) {
                g_ptr_array_remove(s->shown, n);
                return;
        }
        if (!n->offer_snooze)
                return;
        g_autofree char *id = g_strdup(n->series_id);
        int64_t start = n->start;
        g_ptr_array_remove(s->shown, n); /* a click on an action closes the notification */
        if (!s->up)
                return;
        int64_t due = planner_snooze_at(wall(s), start, SNOOZE_SECONDS);
        if (!outbox_snooze(s->outbox, id, start, wall(s)))
                return;
        SnoozeAsk *k = g_new0(SnoozeAsk, 1);
        k->series_id = g_steal_pointer(&id);
        k->start = start;
        k->due_wall = due;
        k->ask_mono = s->mono;
        k->version = s->version;
        g_ptr_array_add(s->snoozes, k);
        replan(s);
        /* A crash while a snooze waits: it must survive in the record. */
        if (g_rand_double(s->rng) < 0.25)
                add_action(s, s->mono + rnd(s, 0, SNOOZE_SECONDS - 1), F_KILL, 0);
}

/* ---- the schedule -------------------------------------------------------------------- */

static const char *const zones[] = {
        "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
        "America/Sao_Paulo", "Australia/Sydney", "UTC",
};
static const char *const leads[] = { "1w", "2d", "1d", "3h", "1h", "30m", "10m", "0m" };
static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static void add_common(Sim *s, GString *t)
{
        size_t n = (size_t)rnd(s, 1, 3);
        g_string_append(t, "remind = ");
        for (size_t i = 0; i < n; i++)
                g_string_append_printf(t, "%s%s", i ? ", " : "",
                                       leads[rnd(s, 0, G_N_ELEMENTS(leads) - 1)]);
        g_string_append_printf(t, "\ntimezone = %s\n", zones[rnd(s, 0, G_N_ELEMENTS(zones) - 1)]);
        if (g_rand_double(s->rng) < 0.3)
                g_string_append(t, "privacy = on\n");
}

/* A realistic schedule: weekly therapy, a session every two weeks, a monthly group, and a
 * few single appointments; each variant moves, drops or adds something. */
static char *schedule_text(Sim *s)
{
        GString *t = g_string_new("[defaults]\nduration = 50m\n");
        g_string_append_printf(t, "\n[therapy]\ntitle = Therapy\nweekly = %s %02d:%02d\n",
                               days[rnd(s, 0, 4)], (int)rnd(s, 7, 19), (int)rnd(s, 0, 3) * 15);
        add_common(s, t);
        if (g_rand_double(s->rng) < 0.8) {
                g_string_append_printf(t, "\n[couples]\nweekly = %s %02d:30\nevery = 2\n"
                                          "start = 2026-01-%02d\n",
                                       days[rnd(s, 0, 6)], (int)rnd(s, 0, 23),
                                       (int)rnd(s, 1, 28));
                add_common(s, t);
        }
        if (g_rand_double(s->rng) < 0.8) {
                static const char *const nth[] = { "1st", "2nd", "3rd", "last" };
                if (g_rand_boolean(s->rng))
                        g_string_append_printf(t, "\n[group]\nmonthly = %s %s %02d:00\n",
                                               nth[rnd(s, 0, 3)], days[rnd(s, 0, 6)],
                                               (int)rnd(s, 1, 23));
                else
                        g_string_append_printf(t, "\n[group]\nmonthly = %d 02:30\n",
                                               (int)rnd(s, 1, 31));
                add_common(s, t);
        }
        g_string_append(t, "\n[intake]\nonce = ");
        size_t n = (size_t)rnd(s, 1, 4);
        for (size_t i = 0; i < n; i++) {
                Ymd d = civil_from_days(civil_days((Ymd){ 2026, 1, 1 }) + rnd(s, 0, 364));
                g_string_append_printf(t, "%s%04d-%02d-%02d %02d:%02d", i ? ", " : "", (int)d.y,
                                       d.m, d.d, (int)rnd(s, 0, 23), (int)rnd(s, 0, 59));
        }
        g_string_append_c(t, '\n');
        add_common(s, t);
        return g_string_free(t, FALSE);
}

/* ---- the run ------------------------------------------------------------------------ */

static void segment(Sim *s, int64_t to)
{
        if (to <= s->mono)
                return;
        Segment g = {
                .from = s->mono,
                .to = to,
                .offset = s->offset,
                .clean = s->up && !s->suspended && s->server_up && s->server_delay == 0,
                .version = s->version,
        };
        if (s->segments->len > 0) {
                Segment *last = &g_array_index(s->segments, Segment, s->segments->len - 1);
                if (last->to == g.from && last->offset == g.offset && last->clean == g.clean &&
                    last->version == g.version) {
                        last->to = to;
                        return;
                }
        }
        g_array_append_val(s->segments, g);
}

static void plan_faults(Sim *s)
{
        /* About two faults of each kind a month, at random moments. */
        for (int k = 0; k < F_N; k++) {
                int n = (int)rnd(s, 12, 36);
                for (int i = 0; i < n; i++)
                        add_action(s, rnd(s, 1, YEAR - 1), k, 0);
        }
}

/* The earliest thing that happens next, in mono time. */
static int64_t next_event(Sim *s, int *what, guint *index)
{
        int64_t best = YEAR;
        *what = -1;
        if (s->suspended) {
                *what = 0;
                return s->resume_at;
        }
        if (!s->up) {
                best = s->restart_at;
                *what = 1;
        }
        if (s->up && s->deadline != INT64_MAX && s->deadline - s->offset < best) {
                best = MAX(s->mono, s->deadline - s->offset);
                *what = 2;
        }
        for (guint i = 0; i < s->inflight->len; i++) {
                InFlight *f = g_ptr_array_index(s->inflight, i);
                if (f->reply_mono < best || (f->reply_mono == best && *what != 3)) {
                        best = f->reply_mono;
                        *what = 3;
                        *index = i;
                }
        }
        if ((!s->server_up || s->server_delay) && s->server_normal_at < best) {
                best = s->server_normal_at;
                *what = 4;
        }
        for (guint i = 0; i < s->actions->len; i++) {
                const Action *a = &g_array_index(s->actions, Action, i);
                if (a->at < best) {
                        best = a->at;
                        *what = 5;
                        *index = i;
                }
                break; /* sorted: the first is the earliest */
        }
        return best;
}

static void run(Sim *s)
{
        s->server_up = true;
        start_service(s);
        for (;;) {
                int what;
                guint idx = 0;
                int64_t at = next_event(s, &what, &idx);
                if (at >= YEAR || what < 0)
                        break;
                segment(s, at);
                s->mono = MAX(s->mono, at);
                switch (what) {
                case 0:
                        s->suspended = false;
                        if (s->up)
                                replan(s); /* resume: the clock watch fires */
                        break;
                case 1:
                        start_service(s);
                        break;
                case 2:
                        replan(s);
                        break;
                case 3: {
                        InFlight *f = g_ptr_array_steal_index(s->inflight, idx);
                        answer(s, f);
                        inflight_free(f);
                        break;
                }
                case 4:
                        s->server_up = true;
                        s->server_delay = 0;
                        break;
                case 5: {
                        Action a = g_array_index(s->actions, Action, idx);
                        g_array_remove_index(s->actions, idx);
                        if (a.kind >= A_SNOOZE)
                                person(s, &a);
                        else
                                fault(s, &a);
                        break;
                }
                }
        }
        segment(s, YEAR);
        if (s->up)
                stop_service(s);
}

/* ---- the invariants ----------------------------------------------------------------- */

/* Whether reminder `r` of the occurrence went out (it, or a later one standing for it):
 * before `before_mono`, or by the wall time `by_wall`. The clock may be set back, so a wall
 * time can pass twice: what went out on the first pass counts for the second. */
static bool covered(const Sim *s, const char *id, int64_t start, int64_t r, int64_t by_wall,
                    int64_t before_mono)
{
        for (guint i = 0; i < s->deliveries->len; i++) {
                const Delivery *d = g_ptr_array_index(s->deliveries, i);
                if (!d->snooze && d->start == start && d->instant >= r &&
                    (d->dispatch_wall <= by_wall || d->dispatch_mono <= before_mono) &&
                    strcmp(d->series_id, id) == 0)
                        return true;
        }
        return false;
}

/* The first stretch after `after_mono` in which the wall clock reaches `lo` (or jumps past
 * it), if it is clean and holds [lo, hi]; else NULL. */
static const Segment *clean_over(const Sim *s, int64_t after_mono, int64_t lo, int64_t hi)
{
        for (guint i = 0; i < s->segments->len; i++) {
                const Segment *g = &g_array_index(s->segments, Segment, i);
                if (g->to <= after_mono || g->to + g->offset <= lo)
                        continue;
                bool holds = MAX(g->from, after_mono) + g->offset <= lo && g->to + g->offset > hi;
                return g->clean && holds ? g : NULL;
        }
        return NULL;
}

typedef struct {
        Sim *s;
        const Segment *g;
        unsigned checked;
} CoverCtx;

/* Every reminder whose instant passed while the service could send was sent: a clean
 * stretch longer than the longest retry wait inside its window, or a clean service from
 * before it (no retry of an earlier failure pending) to just after, where it must be on
 * time. */
static bool check_occurrence(const Occurrence *o, void *userdata)
{
        CoverCtx *c = userdata;
        int64_t a = c->g->from + c->g->offset, b = c->g->to + c->g->offset;
        for (size_t i = 0; i < o->n_reminders; i++) {
                int64_t r = o->reminders[i];
                int64_t du = planner_deliver_until(o->start, r);
                int64_t lo = MAX(a, r), hi = MIN(b, du);
                if (hi - lo >= RETRY_SLACK) {
                        c->checked++;
                        if (!covered(c->s, o->series->id, o->start, r, INT64_MAX, INT64_MIN))
                                violation(c->s, "the reminder at %" PRId64 " of %s at %" PRId64
                                          " was never sent", r, o->series->id, o->start);
                }
                if (a <= r - 2 * RETRY_SLACK && b > r + 5 && r + 5 < du &&
                    !covered(c->s, o->series->id, o->start, r, r + 5, c->g->from)) {
                        violation(c->s, "the reminder at %" PRId64 " of %s at %" PRId64
                                  " was late (clean from %" PRId64 " to %" PRId64 ")", r,
                                  o->series->id, o->start, a, b);
                }
        }
        if (o->checkin != INT64_MIN) {
                int64_t ci = o->checkin, until = planner_checkin_until(o);
                if (MIN(b, until) - MAX(a, ci) >= RETRY_SLACK) {
                        c->checked++;
                        if (!covered(c->s, o->series->id, o->start, ci, INT64_MAX, INT64_MIN))
                                violation(c->s, "the check-in at %" PRId64 " of %s at %" PRId64
                                          " was never sent", ci, o->series->id, o->start);
                }
        }
        return true;
}

static void check_coverage(Sim *s, unsigned *checked)
{
        for (guint i = 0; i < s->segments->len; i++) {
                const Segment *g = &g_array_index(s->segments, Segment, i);
                if (!g->clean)
                        continue;
                const Schedule *v = s->versions[g->version];
                CoverCtx c = { .s = s, .g = g };
                for (size_t k = 0; k < v->n_series; k++)
                        series_expand(&v->series[k], g->from + g->offset - 60,
                                      g->to + g->offset + 5 * 7 * DAY, check_occurrence, &c);
                *checked += c.checked;
        }
}

/* The wording a late reminder must carry: the real time left, as a person says it. */
static char *expected_when(const Sim *s, int64_t start, int64_t now)
{
        int64_t left = start - now;
        if (left < 30)
                return NULL;
        int64_t m = (left + 30) / 60;
        if (m < 60)
                return g_strdup_printf("in %d minute%s", (int)m, m == 1 ? "" : "s");
        if (m < 120 && m % 60 == 0)
                return g_strdup("in 1 hour");
        if (m < 120)
                return g_strdup_printf("in 1 hour %d minute%s", (int)(m - 60),
                                       m - 60 == 1 ? "" : "s");
        Ymd d;
        int sec;
        tz_local(s->local, start, &d, &sec);
        return g_strdup_printf("at %02d:%02d", sec / 3600, sec / 60 % 60);
}

static void check_deliveries(Sim *s)
{
        g_autoptr(GHashTable) once = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (guint i = 0; i < s->deliveries->len; i++) {
                const Delivery *d = g_ptr_array_index(s->deliveries, i);
                Occurrence o;
                if (!planner_find_occurrence(s->versions[d->version], d->series_id, d->start, &o)) {
                        violation(s, "a reminder for %s at %" PRId64 ", not in the schedule",
                                  d->series_id, d->start);
                        continue;
                }
                if (d->snooze && d->dispatch_wall >= d->start)
                        violation(s, "a snooze of %s came at %" PRId64 ", after the start %" PRId64,
                                  d->series_id, d->dispatch_wall, d->start);
                int64_t until = d->checkin ? planner_checkin_until(&o)
                                           : planner_deliver_until(d->start, d->instant);
                if (d->checkin && d->instant != o.checkin)
                        violation(s, "a check-in of %s at %" PRId64 " for the wrong instant",
                                  d->series_id, d->start);
                if (!d->snooze && (d->dispatch_wall < d->instant || d->dispatch_wall >= until))
                        violation(s, "the reminder at %" PRId64 " of %s at %" PRId64
                                  " went out at %" PRId64, d->instant, d->series_id, d->start,
                                  d->dispatch_wall);
                if (!d->snooze) {
                        char *key = g_strdup_printf("%s\t%" PRId64 "\t%" PRId64, d->series_id,
                                                    d->start, d->instant);
                        if (!g_hash_table_add(once, key))
                                violation(s, "the reminder at %" PRId64 " of %s at %" PRId64
                                          " went out twice", d->instant, d->series_id, d->start);
                }
                g_autofree char *when = d->checkin ? NULL
                                                   : expected_when(s, d->start, d->dispatch_wall);
                if (when && !strstr(d->summary, when))
                        violation(s, "\"%s\" sent %" PRId64 " s before the start should say \"%s\"",
                                  d->summary, d->start - d->dispatch_wall, when);
        }
}

/* A snooze comes back, once, at its time, unless a later one replaced it, the session left
 * the schedule, or the service could not send then. */
static void check_snoozes(Sim *s, unsigned *checked)
{
        for (guint i = 0; i < s->snoozes->len; i++) {
                const SnoozeAsk *k = g_ptr_array_index(s->snoozes, i);
                bool superseded = false;
                for (guint j = i + 1; j < s->snoozes->len; j++) {
                        const SnoozeAsk *l = g_ptr_array_index(s->snoozes, j);
                        superseded |= l->start == k->start && strcmp(l->series_id, k->series_id) == 0;
                }
                const Segment *g = clean_over(s, k->ask_mono, k->due_wall, k->due_wall + 5);
                Occurrence o;
                if (superseded || !g || k->due_wall >= k->start ||
                    !planner_find_occurrence(s->versions[g->version], k->series_id, k->start, &o))
                        continue;
                (*checked)++;
                bool back = false;
                for (guint j = 0; j < s->deliveries->len; j++) {
                        const Delivery *d = g_ptr_array_index(s->deliveries, j);
                        /* (A reminder due at the same time stands for the snooze.) */
                        back |= d->start == k->start &&
                                strcmp(d->series_id, k->series_id) == 0 &&
                                d->dispatch_wall >= k->due_wall && d->dispatch_wall <= k->due_wall + 5;
                }
                if (!back)
                        violation(s, "the snooze of %s at %" PRId64 " due at %" PRId64
                                  " never came back", k->series_id, k->start, k->due_wall);
        }
}

/* ---- main --------------------------------------------------------------------------- */

typedef struct {
        unsigned runs, failed, deliveries, late, snoozes, reminders_checked, snoozes_checked;
        unsigned faults[F_N];
} Totals;

static bool simulate(uint32_t seed, bool verbose, Totals *t)
{
        Sim s = { .seed = seed, .verbose = verbose };
        s.rng = g_rand_new_with_seed(seed);
        s.local = tz_new(zones[g_rand_int_range(s.rng, 0, G_N_ELEMENTS(zones))]);
        for (int v = 0; v < N_VARIANTS; v++) {
                s.texts[v] = schedule_text(&s);
                g_autoptr(SchedfileErrors) errors = NULL;
                s.versions[v] = schedfile_parse_buf("sim.ini", s.texts[v], strlen(s.texts[v]),
                                                    s.local, &errors);
                g_assert_nonnull(s.versions[v]);
                /* Check-ins on some series (0 to 12 hours after the end). */
                for (size_t k = 0; k < s.versions[v]->n_series; k++) {
                        Series *se = &s.versions[v]->series[k];
                        se->has_checkin = g_rand_double(s.rng) < 0.5;
                        se->checkin = rnd(&s, 0, 12) * 3600 * (g_rand_boolean(s.rng) ? 1 : 0) +
                                      rnd(&s, 0, 59) * 60;
                }
        }
        s.offset = T0;
        s.deadline = INT64_MAX;
        s.inflight = g_ptr_array_new_with_free_func(inflight_free);
        s.shown = g_ptr_array_new_with_free_func(shown_free);
        s.actions = g_array_new(FALSE, FALSE, sizeof(Action));
        s.deliveries = g_ptr_array_new_with_free_func(delivery_free);
        s.snoozes = g_ptr_array_new_with_free_func(ask_free);
        s.segments = g_array_new(FALSE, FALSE, sizeof(Segment));
        plan_faults(&s);
        run(&s);

        unsigned checked = 0, snoozes_checked = 0;
        check_coverage(&s, &checked);
        check_deliveries(&s);
        check_snoozes(&s, &snoozes_checked);
        if (verbose || s.n_violations) {
                printf("# seed %" PRIu32 ": %u deliveries, %u reminders checked, %u snoozes "
                       "checked, %u violations\n", seed, s.deliveries->len, checked,
                       snoozes_checked, s.n_violations);
                if (s.n_violations)
                        printf("# schedule of seed %" PRIu32 ":\n# %s\n", seed, s.texts[0]);
        }
        t->runs++;
        t->failed += s.n_violations > 0;
        t->deliveries += s.deliveries->len;
        t->snoozes += s.snoozes->len;
        t->reminders_checked += checked;
        t->snoozes_checked += snoozes_checked;
        for (int k = 0; k < F_N; k++)
                t->faults[k] += s.faults[k];
        for (guint i = 0; i < s.deliveries->len; i++) {
                const Delivery *d = g_ptr_array_index(s.deliveries, i);
                t->late += !d->snooze && d->dispatch_wall >= d->instant + PLANNER_LATE_AFTER;
        }

        for (int v = 0; v < N_VARIANTS; v++) {
                schedule_free(s.versions[v]);
                g_free(s.texts[v]);
        }
        g_free(s.disk);
        g_ptr_array_unref(s.inflight);
        g_ptr_array_unref(s.shown);
        g_array_unref(s.actions);
        g_ptr_array_unref(s.deliveries);
        g_ptr_array_unref(s.snoozes);
        g_array_unref(s.segments);
        tz_unref(s.local);
        g_rand_free(s.rng);
        return s.n_violations == 0;
}

/* Seeds that once showed a violation, kept so that the fix stays fixed. */
static void regressions(const char *path, GArray *seeds)
{
        g_autofree char *text = NULL;
        if (!path || !g_file_get_contents(path, &text, NULL, NULL))
                return;
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                char *end;
                guint64 v = g_ascii_strtoull(*l, &end, 10);
                if (end != *l && v <= UINT32_MAX) {
                        uint32_t seed = (uint32_t)v;
                        g_array_append_val(seeds, seed);
                }
        }
}

int main(int argc, char **argv)
{
        gint n_seeds = 2000, first = 1, one = -1;
        gboolean verbose = FALSE;
        g_autofree char *kept = NULL;
        GOptionEntry entries[] = {
                { "seeds", 'n', 0, G_OPTION_ARG_INT, &n_seeds, "How many seeds", "N" },
                { "first", 'f', 0, G_OPTION_ARG_INT, &first, "The first seed", "S" },
                { "seed", 's', 0, G_OPTION_ARG_INT, &one, "Only this seed", "S" },
                { "regressions", 'r', 0, G_OPTION_ARG_FILENAME, &kept,
                  "Also run the seeds listed in FILE", "FILE" },
                { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "A line per seed", NULL },
        { "trace", 't', 0, G_OPTION_ARG_NONE, &tracing, "A line per event", NULL },
                { NULL, 0, 0, 0, NULL, NULL, NULL },
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("- simulate a year of nudged");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
                fprintf(stderr, "sim-service: %s\n", error->message);
                return 2;
        }
        if (!kept && g_getenv("top_srcdir"))
                kept = g_build_filename(g_getenv("top_srcdir"), "tests", "data",
                                        "sim-seeds.txt", NULL);
        log_set_max_priority(verbose ? 7 : 2);

        g_autoptr(GArray) seeds = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        if (one >= 0) {
                uint32_t seed = (uint32_t)one;
                g_array_append_val(seeds, seed);
        } else {
                regressions(kept, seeds);
                for (gint i = 0; i < n_seeds; i++) {
                        uint32_t seed = (uint32_t)(first + i);
                        g_array_append_val(seeds, seed);
                }
        }
        Totals t = { 0 };
        gint64 t0 = g_get_monotonic_time();
        for (guint i = 0; i < seeds->len; i++)
                simulate(g_array_index(seeds, uint32_t, i), verbose, &t);
        double secs = (double)(g_get_monotonic_time() - t0) / 1e6;

        printf("1..1\n");
        printf("# %u simulated years in %.1f s: %u reminders and snoozes sent (%u late), "
               "%u snoozes asked\n", t.runs, secs, t.deliveries, t.late, t.snoozes);
        printf("# faults injected:");
        for (int k = 0; k < F_N; k++)
                printf("%s %u %s", k ? "," : "", t.faults[k], fault_names[k]);
        printf("\n# checked: %u reminders that had to go out, %u snoozes that had to come back\n",
               t.reminders_checked, t.snoozes_checked);
        printf("%s 1 - every invariant held in %u of %u runs\n", t.failed ? "not ok" : "ok",
               t.runs - t.failed, t.runs);
        return t.failed ? 1 : 0;
}
