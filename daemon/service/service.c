/* SPDX-License-Identifier: MIT */
/* nudged's loop and life cycle: one wall-clock timer for the next deadline, the schedule
 * in force (swapped only for one that reads cleanly), the status systemd shows, and the
 * wiring of the outbox, the watches, the bus and the signals. */
#include "config.h"

#include "service.h"

#include <systemd/sd-daemon.h>

#include <errno.h>
#include <glib-unix.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "calendars.h"
#include "lastgood.h"
#include "problem.h"
#include "log.h"
#include "notifier.h"
#include "outbox.h"
#include "schedfile.h"
#include "state.h"
#include "status.h"
#include "watch.h"


struct Service {
        ServiceOptions opts;
        char *config_path;
        char *state_path;    /* the sent record; NULL: in memory only */
        char *lastgood_path; /* the last good schedule; NULL: none kept */
        char *told_path;     /* which broken version the person was told about */
        GMainLoop *loop;
        Tz *local;
        Schedule *schedule; /* never NULL: empty when there is no file */
        FileState file_state;
        char *problem; /* FILE_BROKEN: "FILE:LINE: message" of the first problem */
        unsigned problem_line;
        bool had_schedule; /* a schedule read without problems is in force */
        Problem *problem_notice; /* tells the person about a broken file, once a version */
        Notifier *notifier;
        Outbox *outbox;
        Watch *watch;
        Bus *bus;
        Calendars *calendars; /* the sessions of the calendar sections */

        int timer_fd; /* CLOCK_REALTIME, absolute: the next deadline */
        guint timer_src, watchdog_src, sig_hup, sig_term, sig_int;
        bool ready;    /* READY=1 sent */
        int64_t armed; /* the deadline the timer is set to, INT64_MAX = none */
        char *status;
};

/* The edge: the one place the service reads the clock; everything below takes `now`. */
static int64_t now_seconds(void)
{
        return g_get_real_time() / G_USEC_PER_SEC;
}

/* Tells systemd how the service is doing (sd_notify(3)); without $NOTIFY_SOCKET
 * (foreground, tests) this does nothing. */
static void notify_systemd(const char *msg)
{
        int r = sd_notify(0, msg);
        if (r < 0)
                log_debug("sd_notify: %s", g_strerror(-r));
}

static void update_status(Service *s, const Plan *p)
{
        g_autofree char *cals = calendars_status(s->calendars, s->local);
        StatusInput in = {
                .file_state = s->file_state,
                .problem = s->problem,
                .has_schedule = s->file_state == FILE_BROKEN ? s->had_schedule
                                                             : s->schedule->n_series > 0,
                .config_path = s->config_path,
                .local = s->local,
                .outbox = s->outbox,
                .calendars = cals,
        };
        g_autofree char *text = status_text(&in, p);
        if (g_strcmp0(text, s->status) == 0)
                return;
        g_free(s->status);
        s->status = g_steal_pointer(&text);
        if (!s->ready)
                return; /* READY=1 carries the first status */
        g_autofree char *msg = g_strdup_printf("STATUS=%s", s->status);
        notify_systemd(msg);
}

/* ---- the timer and the plan --------------------------------------------------------- */

static void arm_timer(Service *s, int64_t deadline)
{
        if (deadline == s->armed)
                return;
        struct itimerspec its = { 0 };
        if (deadline != INT64_MAX)
                its.it_value.tv_sec = (time_t)MIN(deadline, (int64_t)LONG_MAX);
        /* An absolute CLOCK_REALTIME timer fires at the wall-clock instant even after the
         * clock is set or the machine slept; a zero it_value disarms it. */
        if (timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
                log_err("Cannot arm the timer: %s", g_strerror(errno));
                return;
        }
        s->armed = deadline;
}

static void save_record(Service *s)
{
        if (!outbox_take_changed(s->outbox) || !s->state_path)
                return;
        int r = state_save(outbox_record(s->outbox), s->state_path);
        if (r < 0)
                log_err("Cannot save %s: %s (reminders already sent may be sent again after a restart)",
                        s->state_path, g_strerror(-r));
}

/* The heart of the loop: read the clock once, decide, send, sleep until the next deadline. */
static void replan(Service *s)
{
        int64_t deadline, now = now_seconds();
        calendars_tick(s->calendars, now);
        g_autoptr(Plan) plan = outbox_update(s->outbox, now, &deadline);
        save_record(s);
        arm_timer(s, deadline);
        update_status(s, plan);
}

static void on_sent(void *userdata, uint64_t ticket, const NotifierResult *result)
{
        Service *s = userdata;
        if (ticket == PROBLEM_TICKET) {
                problem_answered(s->problem_notice, result);
                return;
        }
        outbox_sent(s->outbox, ticket, result, now_seconds());
        replan(s);
}

static void on_snooze(void *userdata, const char *series_id, int64_t session_start)
{
        Service *s = userdata;
        if (outbox_snooze(s->outbox, series_id, session_start, now_seconds()))
                replan(s);
}

/* ---- reload ------------------------------------------------------------------------- */

static void set_schedule(Service *s, Schedule *schedule)
{
        calendars_adopt(s->calendars, schedule, now_seconds());
        schedule_free(s->schedule);
        s->schedule = schedule;
        outbox_set_schedule(s->outbox, s->schedule, s->local);
}

static void loaded(Service *s, Schedule *fresh, const char *text, size_t len)
{
        set_schedule(s, fresh);
        s->file_state = FILE_OK;
        s->had_schedule = true;
        g_clear_pointer(&s->problem, g_free);
        problem_clear(s->problem_notice);
        log_info("Loaded %s: %zu series", s->config_path, fresh->n_series);
        if (s->lastgood_path) {
                int r = lastgood_save(s->lastgood_path, text, len);
                if (r < 0)
                        log_warning("Cannot keep a copy of the schedule in %s: %s",
                                    s->lastgood_path, g_strerror(-r));
        }
}

/* The file has problems: what is in force stays; at start, that is the last good copy. */
static void broken(Service *s, const SchedfileErrors *errors, char *text, size_t len)
{
        if (!s->had_schedule && s->lastgood_path) {
                Schedule *good = lastgood_load(s->lastgood_path, s->config_path, s->local);
                if (good) {
                        set_schedule(s, good);
                        s->had_schedule = true;
                        log_notice("Using the last good schedule, kept in %s", s->lastgood_path);
                }
        }
        s->file_state = FILE_BROKEN;
        g_free(s->problem);
        s->problem = status_first_problem(s->config_path, errors, &s->problem_line);
        size_t n = errors ? errors->n_errors + errors->n_suppressed : 1;
        log_warning("%zu problem%s in %s, first: %s; %s", n, n == 1 ? "" : "s", s->config_path,
                    s->problem,
                    s->had_schedule ? "the last good schedule stays in force"
                                    : "no schedule in force");
        /* What the person is told about once: this version of the file, or, unreadable,
         * this problem. */
        g_autofree char *file = g_path_get_basename(s->config_path);
        problem_report(s->problem_notice, file, text ? text : g_strdup(s->problem),
                       text ? len : strlen(s->problem), s->problem_line, s->had_schedule);
}

/* Parse into a new schedule and swap only on success. Returns true when the file is in
 * force (or there is none); false with *message when it is broken. */
static bool reload(Service *s, char **message)
{
        g_autoptr(SchedfileErrors) errors = NULL;
        g_autofree char *text = NULL;
        size_t len = 0;
        int err = 0;
        Schedule *fresh = schedfile_load_text(s->config_path, s->local, &errors, &err, &text,
                                              &len);
        bool ok = true;
        if (fresh) {
                loaded(s, fresh, text, len);
        } else if (err == -ENOENT) {
                /* The person removed the file: nothing left to remind of. */
                set_schedule(s, schedule_new());
                s->file_state = FILE_MISSING;
                g_clear_pointer(&s->problem, g_free);
                problem_clear(s->problem_notice);
                if (s->loop)
                        log_notice("%s does not exist: no sessions scheduled", s->config_path);
                else
                        log_notice("%s does not exist yet: waiting for it", s->config_path);
        } else {
                ok = false;
                broken(s, errors, g_steal_pointer(&text), len);
                if (message)
                        *message = g_strdup(s->problem);
        }
        if (s->loop)
                replan(s);
        return ok;
}

/* A reload that systemd asked for (SIGHUP or ExecReload=): framed by RELOADING=1/READY=1. */
static bool reload_requested(void *userdata, char **message)
{
        Service *s = userdata;
        notify_systemd("RELOADING=1");
        bool ok = reload(s, message);
        g_autofree char *msg = g_strdup_printf("READY=1\nSTATUS=%s", s->status ? s->status : "");
        notify_systemd(msg);
        return ok;
}

static const char *get_status(void *userdata)
{
        return ((Service *)userdata)->status;
}

static void on_changed(void *userdata, bool schedule, bool zone)
{
        Service *s = userdata;
        if (zone) {
                tzset();
                tz_unref(s->local);
                s->local = tz_new_local();
                outbox_set_schedule(s->outbox, s->schedule, s->local);
                log_info("The system time zone is now %s", tz_name(s->local));
        }
        /* Sessions without a zone of their own follow the system's: read them again. */
        reload(s, NULL);
}

/* A calendar's sessions or problems changed (calendars.c). */
static void on_calendars(void *userdata)
{
        replan(userdata);
}

static void on_clock_set(void *userdata)
{
        Service *s = userdata;
        s->armed = INT64_MIN;
        replan(s);
}

/* ---- event sources ------------------------------------------------------------------ */

static gboolean on_timer(gint fd, GIOCondition cond, gpointer userdata)
{
        Service *s = userdata;
        uint64_t expirations;
        /* EAGAIN when the timer was re-armed before we got here: plan anyway. */
        if (read(fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN &&
            errno != ECANCELED)
                log_debug("timer read: %s", g_strerror(errno));
        s->armed = INT64_MIN; /* fired: arm again even for the same deadline */
        replan(s);
        return G_SOURCE_CONTINUE;
}

static gboolean on_sighup(gpointer userdata)
{
        log_info("Reloading on SIGHUP");
        reload_requested(userdata, NULL);
        return G_SOURCE_CONTINUE;
}

static gboolean on_quit(gpointer userdata)
{
        Service *s = userdata;
        notify_systemd("STOPPING=1");
        g_main_loop_quit(s->loop);
        return G_SOURCE_CONTINUE;
}

static gboolean on_watchdog(gpointer userdata)
{
        notify_systemd("WATCHDOG=1");
        return G_SOURCE_CONTINUE;
}

/* ---- life cycle --------------------------------------------------------------------- */

static State *load_record(const char *path)
{
        if (!path)
                return state_new();
        g_autofree char *aside = NULL, *problem = NULL;
        int err = 0;
        State *st = state_load(path, &aside, &problem, &err);
        if (problem)
                log_err("%s", problem);
        return st;
}

Service *service_new(const ServiceOptions *opts, Tz *local)
{
        Service *s = g_new0(Service, 1);
        s->opts = *opts;
        s->config_path = g_strdup(opts->config_path);
        s->opts.config_path = s->config_path;
        s->opts.state_dir = NULL;
        if (opts->state_dir) {
                s->state_path = g_build_filename(opts->state_dir, "sent", NULL);
                s->lastgood_path = g_build_filename(opts->state_dir, "schedule.good", NULL);
                s->told_path = g_build_filename(opts->state_dir, "schedule.told", NULL);
        }
        s->local = tz_ref(local);
        s->file_state = FILE_MISSING;
        s->timer_fd = -1;
        s->armed = INT64_MAX;

        NotifierEvents events = { .sent = on_sent, .snooze = on_snooze, .userdata = s };
        s->notifier = opts->dry_run ? notifier_new_stdout(stdout, &events)
                                    : notifier_new_libnotify(&events);
        s->outbox = outbox_new(s->notifier, load_record(s->state_path),
                               notifier_snooze_seconds());
        s->problem_notice = problem_new(s->notifier, s->told_path);
        CalendarsEvents ce = { .changed = on_calendars, .userdata = s };
        s->calendars = calendars_new(opts->state_dir, &ce);
        set_schedule(s, schedule_new());
        /* A broken file at start (at login, after a reboot) is no reason not to run: the
         * last good schedule reminds meanwhile, and the watch sees the fix. */
        reload(s, NULL);
        return s;
}

static int setup(Service *s)
{
        s->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        if (s->timer_fd < 0)
                return -errno;
        int r = 0;
        WatchEvents we = { .changed = on_changed, .clock_set = on_clock_set, .userdata = s };
        s->watch = watch_new(s->config_path, &we, &r);
        if (!s->watch)
                return r;
        s->timer_src = g_unix_fd_add(s->timer_fd, G_IO_IN, on_timer, s);
        s->sig_hup = g_unix_signal_add(SIGHUP, on_sighup, s);
        s->sig_term = g_unix_signal_add(SIGTERM, on_quit, s);
        s->sig_int = g_unix_signal_add(SIGINT, on_quit, s);

        /* The interval systemd expects pings within (sd_watchdog_enabled(3)): ping at half. */
        uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
                s->watchdog_src = g_timeout_add((guint)CLAMP(usec / 2000, 1, G_MAXUINT),
                                                on_watchdog, s);
        if (!s->opts.dry_run) {
                BusHandlers bh = { .reload = reload_requested, .status = get_status,
                                   .userdata = s };
                s->bus = bus_new(&bh);
        }
        return 0;
}

static gboolean on_first_plan(gpointer userdata)
{
        Service *s = userdata;
        outbox_hold(s->outbox, false);
        replan(s);
        return G_SOURCE_REMOVE;
}

int service_run(Service *s)
{
        s->loop = g_main_loop_new(NULL, FALSE);
        int r = setup(s);
        if (r < 0) {
                log_err("Cannot set up the event loop: %s", g_strerror(-r));
                return r;
        }
        /* Ready as soon as the schedule is planned; what is already due (missed reminders,
         * perhaps many on a first start) goes out right after, from the loop. */
        outbox_hold(s->outbox, true);
        replan(s);
        g_autofree char *msg = g_strdup_printf("READY=1\nSTATUS=%s", s->status ? s->status : "");
        notify_systemd(msg);
        s->ready = true;
        log_info("Started: %s", s->status ? s->status : "");
        g_idle_add(on_first_plan, s);
        g_main_loop_run(s->loop);
        log_info("Stopping");
        return 0;
}

void service_free(Service *s)
{
        if (!s)
                return;
        g_clear_handle_id(&s->timer_src, g_source_remove);
        g_clear_handle_id(&s->watchdog_src, g_source_remove);
        g_clear_handle_id(&s->sig_hup, g_source_remove);
        g_clear_handle_id(&s->sig_term, g_source_remove);
        g_clear_handle_id(&s->sig_int, g_source_remove);
        bus_free(s->bus);
        watch_free(s->watch);
        if (s->timer_fd >= 0)
                close(s->timer_fd);
        /* The notifier first: it reports nothing once freed, so the outbox can go next. */
        notifier_free(s->notifier);
        problem_free(s->problem_notice);
        outbox_free(s->outbox);
        schedule_free(s->schedule);
        calendars_free(s->calendars); /* after the schedule: its sessions share the zones */
        tz_unref(s->local);
        if (s->loop)
                g_main_loop_unref(s->loop);
        g_free(s->problem);
        g_free(s->status);
        g_free(s->config_path);
        g_free(s->state_path);
        g_free(s->lastgood_path);
        g_free(s->told_path);
        g_free(s);
}
