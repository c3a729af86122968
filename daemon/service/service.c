/* SPDX-License-Identifier: MIT */
/* nudged's event loop: timers on the wall clock, file and time-zone watches, signals,
 * D-Bus reload, asynchronous sending with retries, and sd_notify. */
#include "config.h"

#include "service.h"

#include <systemd/sd-daemon.h>

#include <errno.h>
#include <glib-unix.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "schedfile.h"
#include "format.h"
#include "log.h"
#include "notes.h"
#include "notifier.h"
#include "paths.h"
#include "planner.h"
#include "prompts.h"
#include "state.h"

/* Editors write a file in several steps (truncate, write, rename): wait for the burst to
 * end before reading it. */
#define DEBOUNCE_MS 150
/* Records of sessions older than this are of no use: a started session gets no reminder. */
#define PRUNE_AFTER ((int64_t)86400)

typedef enum {
        FILE_OK,      /* the schedule in force is the file's */
        FILE_MISSING, /* no file yet */
        FILE_BROKEN,  /* the file has problems; the previous schedule stays */
} FileState;

/* A reminder being sent, or waiting to be tried again. */
typedef struct {
        char *key; /* "ID\tSTART", with a "z:" prefix for a snooze */
        char *series_id;
        int64_t session_start;
        int64_t instant; /* the reminder (or snooze instant) being sent */
        bool snooze;
        bool sending;
        unsigned attempts;
        int64_t retry_at; /* when not sending */
} Pending;

struct Service {
        ServiceOptions opts;
        char *config_path;
        char *state_path;
        GMainLoop *loop;
        Tz *local;
        Schedule *schedule; /* never NULL: empty when there is no file */
        FileState file_state;
        char *problem; /* FILE_BROKEN: "FILE:LINE: message" of the first problem */
        bool had_schedule;
        State *state;
        GArray *snoozes;   /* of Snooze */
        GHashTable *pending; /* key -> Pending */
        Notifier *notifier;
        GCancellable *cancel;

        int timer_fd; /* CLOCK_REALTIME, absolute: the next deadline */
        int clock_fd; /* CLOCK_REALTIME with CANCEL_ON_SET: clock set, resume */
        int inotify_fd;
        int wd_config; /* the config folder, or its nearest existing ancestor */
        bool wd_config_is_dir;
        int wd_etc;
        guint timer_src, clock_src, inotify_src, debounce_src, watchdog_src;
        guint sig_hup, sig_term, sig_int, bus_owner, bus_object;
        GDBusConnection *bus;
        bool tz_dirty;
        bool ready;      /* READY=1 sent */
        bool hold_sends; /* plan, but send nothing yet */
        int64_t armed; /* the deadline the timer is set to, INT64_MAX = none */
        char *status;
};

/* ---- small helpers ------------------------------------------------------------------ */

static int64_t now_seconds(void)
{
        return g_get_real_time() / G_USEC_PER_SEC;
}

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

static const char *display_title(const Series *se)
{
        return se->privacy ? NULL : se->title;
}

/* "therapy (Therapy with Dr. Rivera) Tue 1 Dec 14:00": what the log names a session by.
 * With privacy, the id alone: the title is the person's own words. */
static char *describe(const Series *se, int64_t start)
{
        g_autofree char *when = format_short(se->tz, start);
        const char *title = display_title(se);
        if (title)
                return g_strdup_printf("%s (\"%s\") %s", se->id, title, when);
        return g_strdup_printf("%s %s", se->id, when);
}

/* Tells systemd how the service is doing (sd_notify(3)); without $NOTIFY_SOCKET
 * (foreground, tests) this does nothing. */
static void notify_systemd(const char *msg)
{
        int r = sd_notify(0, msg);
        if (r < 0)
                log_debug("sd_notify: %s", g_strerror(-r));
}

/* The interval systemd expects watchdog pings within (sd_watchdog_enabled(3)), or 0. */
static guint64 watchdog_usec(void)
{
        uint64_t usec = 0;
        return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

/* ---- status ------------------------------------------------------------------------- */

static char *status_text(Service *s, const Plan *p)
{
        if (s->file_state == FILE_BROKEN)
                return g_strdup_printf("%s; %s", s->problem,
                                       s->had_schedule ? "previous schedule still in force"
                                                       : "no schedule in force");
        if (s->file_state == FILE_MISSING)
                return g_strdup_printf("No schedule yet: create %s with \"nudge edit\" or copy %s",
                                       s->config_path, paths_example_config());
        if (!p->has_next)
                return g_strdup_printf("Nothing upcoming in %s", s->config_path);

        const Series *se = p->next.series;
        g_autofree char *when = format_short(se->tz, p->next.start);
        const char *title = display_title(se) ? display_title(se) : "Session";
        GString *out = g_string_new(NULL);
        g_string_append_printf(out, "Next: %s, %s; ", title, when);
        g_autofree char *key = pending_key(se->id, p->next.start, false);
        const Pending *sending = g_hash_table_lookup(s->pending, key);
        if (sending && sending->attempts > 0) {
                g_string_append(out, "reminder waiting for the notification server");
        } else if (sending) {
                g_string_append(out, "reminder going out now");
        } else if (p->next_reminder != INT64_MIN) {
                g_autofree char *r = format_short(se->tz, p->next_reminder);
                g_string_append_printf(out, "reminder %s", r);
        } else {
                g_string_append(out, "no reminder left before it");
        }
        guint waiting = 0;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, s->pending);
        while (g_hash_table_iter_next(&it, NULL, &v))
                waiting += v != sending && ((Pending *)v)->attempts > 0;
        if (waiting)
                g_string_append_printf(out, " (%u more waiting for the notification server)",
                                       waiting);
        return g_string_free(out, FALSE);
}

static void update_status(Service *s, const Plan *p)
{
        g_autofree char *text = status_text(s, p);
        if (g_strcmp0(text, s->status) == 0)
                return;
        g_free(s->status);
        s->status = g_steal_pointer(&text);
        if (!s->ready)
                return; /* READY=1 carries the first status */
        g_autofree char *msg = g_strdup_printf("STATUS=%s", s->status);
        notify_systemd(msg);
}

/* ---- the timer ---------------------------------------------------------------------- */

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

/* ---- sending ------------------------------------------------------------------------ */

static void replan(Service *s);

typedef struct {
        Service *svc;
        char *key;
} SendCtx;

static void save_state(Service *s, int64_t now)
{
        state_prune(s->state, now - PRUNE_AFTER);
        if (!s->state_path)
                return;
        int r = state_save(s->state, s->state_path);
        if (r < 0)
                log_err("Cannot save %s: %s (reminders already sent may be sent again after a restart)",
                        s->state_path, g_strerror(-r));
}

static void remove_snooze(Service *s, const char *series_id, int64_t session_start)
{
        for (guint i = 0; i < s->snoozes->len; i++) {
                Snooze *z = &g_array_index(s->snoozes, Snooze, i);
                if (z->session_start == session_start && strcmp(z->series_id, series_id) == 0) {
                        g_free(z->series_id);
                        g_array_remove_index(s->snoozes, i);
                        return;
                }
        }
}

static void on_sent(GObject *source, GAsyncResult *result, gpointer userdata)
{
        SendCtx *ctx = userdata;
        Service *s = ctx->svc;
        g_autofree char *key = ctx->key;
        g_free(ctx);
        g_autoptr(GError) error = NULL;
        bool ok = notifier_send_finish(s->notifier, result, &error);
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                return; /* shutting down: s may be half freed */

        Pending *p = g_hash_table_lookup(s->pending, key);
        if (!p)
                return;
        int64_t now = now_seconds();
        Occurrence o;
        bool known = planner_find_occurrence(s->schedule, p->series_id, p->session_start, &o);
        g_autofree char *what = known ? describe(o.series, o.start) : g_strdup(p->series_id);
        p->sending = false;
        if (ok) {
                int64_t late = now - p->instant;
                if (p->snooze) {
                        remove_snooze(s, p->series_id, p->session_start);
                        log_info("Sent snoozed reminder for %s", what);
                } else {
                        state_mark(s->state, p->series_id, p->session_start, p->instant);
                        save_state(s, now);
                        g_autofree char *at = known ? format_short(o.series->tz, p->instant)
                                                    : g_strdup_printf("%" PRId64, p->instant);
                        if (late >= PLANNER_LATE_AFTER)
                                log_notice("Sent late: the reminder of %s for %s (%" PRId64
                                           " s after its time)", at, what, late);
                        else
                                log_info("Sent: the reminder of %s for %s", at, what);
                }
                g_hash_table_remove(s->pending, key);
        } else {
                p->attempts++;
                int64_t delay = planner_retry_delay(p->attempts);
                p->retry_at = now + delay;
                log_warning("Could not send the reminder for %s: %s; trying again in %" PRId64 " s",
                            what, error ? error->message : "unknown error", delay);
        }
        replan(s);
}

static void dispatch(Service *s, const DueReminder *d, Pending *p, int64_t now)
{
        const Series *se = d->occ.series;
        g_autofree char *summary = NULL, *body = NULL;
        prompts_compose(&d->occ, d->instant, now, s->local, &summary, &body);
        g_autofree char *notes = notes_path(&d->occ);
        Notice notice = {
                .series_id = se->id,
                .session_start = d->occ.start,
                .session_end = d->occ.end,
                .summary = summary,
                .body = body,
                .notes_path = notes,
                .title = display_title(se),
        };
        p->instant = d->instant;
        p->sending = true;
        SendCtx *ctx = g_new(SendCtx, 1);
        ctx->svc = s;
        ctx->key = g_strdup(p->key);
        if (d->n_collapsed > 1) {
                g_autofree char *what = describe(se, d->occ.start);
                log_info("%u missed reminders for %s go out as one", d->n_collapsed, what);
        }
        notifier_send_async(s->notifier, &notice, s->cancel, on_sent, ctx);
}

static void handle_due(Service *s, const Plan *plan, int64_t now)
{
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (guint i = 0; i < plan->due->len; i++) {
                const DueReminder *d = &g_array_index(plan->due, DueReminder, i);
                char *key = pending_key(d->occ.series->id, d->occ.start, d->snooze);
                g_hash_table_add(seen, key);
                Pending *p = g_hash_table_lookup(s->pending, key);
                if (p && p->sending)
                        continue; /* its callback plans again */
                if (p && p->retry_at > now) {
                        /* A later reminder of the same session replaces the one waiting. */
                        if (d->instant > p->instant)
                                p->instant = d->instant;
                        continue;
                }
                if (!p) {
                        p = g_new0(Pending, 1);
                        p->key = g_strdup(key);
                        p->series_id = g_strdup(d->occ.series->id);
                        p->session_start = d->occ.start;
                        p->snooze = d->snooze;
                        g_hash_table_insert(s->pending, p->key, p);
                }
                dispatch(s, d, p, now);
        }

        /* A reminder waiting for a retry that is no longer due: its session started (or
         * left the schedule) before a server took it. */
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, s->pending);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Pending *p = v;
                if (p->sending || g_hash_table_contains(seen, p->key))
                        continue;
                Occurrence o;
                g_autofree char *what =
                        planner_find_occurrence(s->schedule, p->series_id, p->session_start, &o)
                                ? describe(o.series, o.start)
                                : g_strdup_printf("%s (no longer in the schedule)", p->series_id);
                log_warning("Dropped the reminder for %s: its session started before any "
                            "notification server took it", what);
                if (p->snooze)
                        remove_snooze(s, p->series_id, p->session_start);
                g_hash_table_iter_remove(&it);
        }
}

static void prune_snoozes(Service *s, int64_t now)
{
        for (guint i = s->snoozes->len; i-- > 0;) {
                Snooze *z = &g_array_index(s->snoozes, Snooze, i);
                g_autofree char *key = pending_key(z->series_id, z->session_start, true);
                if (z->session_start <= now && !g_hash_table_contains(s->pending, key)) {
                        g_free(z->series_id);
                        g_array_remove_index(s->snoozes, i);
                }
        }
}

/* The heart of the loop: read the clock once, decide, send, sleep until the next deadline. */
static void replan(Service *s)
{
        int64_t now = now_seconds();
        prune_snoozes(s, now);
        g_autoptr(Plan) plan = planner_plan(s->schedule, s->state, s->snoozes, now);
        if (!s->hold_sends)
                handle_due(s, plan, now);

        int64_t deadline = plan->next_deadline;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, s->pending);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Pending *p = v;
                if (!p->sending && p->retry_at > now && p->retry_at < deadline)
                        deadline = p->retry_at;
        }
        arm_timer(s, deadline);
        update_status(s, plan);
}

static void on_snooze(const char *series_id, int64_t session_start, void *userdata)
{
        Service *s = userdata;
        int64_t now = now_seconds();
        if (session_start <= now)
                return;
        remove_snooze(s, series_id, session_start);
        Snooze z = {
                .series_id = g_strdup(series_id),
                .session_start = session_start,
                .at = planner_snooze_at(now, session_start, notifier_snooze_seconds()),
        };
        g_array_append_val(s->snoozes, z);
        log_info("Snoozed the reminder for %s until %" PRId64, series_id, z.at);
        replan(s);
}

/* ---- reload ------------------------------------------------------------------------- */

/* Parse into a new schedule and swap only on success. Returns true when the file is in
 * force (or there is none); false with *message when it is broken. */
static bool reload(Service *s, char **message)
{
        if (s->tz_dirty) {
                s->tz_dirty = false;
                tzset();
                tz_unref(s->local);
                s->local = tz_new_local();
                log_info("The system time zone is now %s", tz_name(s->local));
        }
        g_autoptr(SchedfileErrors) errors = NULL;
        int err = 0;
        Schedule *fresh = schedfile_load(s->config_path, s->local, &errors, &err);
        bool ok = true;
        if (fresh) {
                schedule_free(s->schedule);
                s->schedule = fresh;
                s->file_state = FILE_OK;
                s->had_schedule = true;
                g_clear_pointer(&s->problem, g_free);
                log_info("Loaded %s: %zu series", s->config_path, fresh->n_series);
        } else if (err == -ENOENT) {
                /* The person removed the file: nothing left to remind of. */
                schedule_free(s->schedule);
                s->schedule = schedule_new();
                s->file_state = FILE_MISSING;
                g_clear_pointer(&s->problem, g_free);
                log_notice("%s does not exist: no sessions scheduled", s->config_path);
        } else {
                ok = false;
                s->file_state = FILE_BROKEN;
                g_free(s->problem);
                if (errors && errors->n_errors > 0 && errors->errors[0].line > 0)
                        s->problem = g_strdup_printf("%s:%u: %s", s->config_path,
                                                     errors->errors[0].line,
                                                     errors->errors[0].message);
                else if (errors && errors->n_errors > 0)
                        s->problem = g_strdup_printf("%s: %s", s->config_path,
                                                     errors->errors[0].message);
                else
                        s->problem = g_strdup_printf("%s: cannot be read", s->config_path);
                size_t n = errors ? errors->n_errors + errors->n_suppressed : 1;
                log_warning("Reload failed, %zu problem%s, first: %s; %s", n, n == 1 ? "" : "s",
                            s->problem,
                            s->had_schedule ? "the previous schedule stays in force"
                                            : "no schedule in force");
                if (message)
                        *message = g_strdup(s->problem);
        }
        replan(s);
        return ok;
}

/* A reload that systemd asked for (SIGHUP or ExecReload=): framed by RELOADING=1/READY=1. */
static bool reload_requested(Service *s, char **message)
{
        notify_systemd("RELOADING=1");
        bool ok = reload(s, message);
        g_autofree char *msg = g_strdup_printf("READY=1\nSTATUS=%s", s->status ? s->status : "");
        notify_systemd(msg);
        return ok;
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

static int arm_clock_watch(Service *s)
{
        /* Far in the future: only the cancellation on a clock set matters. */
        struct itimerspec its = { .it_value.tv_sec = (time_t)LONG_MAX / 2 };
        if (timerfd_settime(s->clock_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its,
                            NULL) < 0)
                return -errno;
        return 0;
}

static gboolean on_clock_set(gint fd, GIOCondition cond, gpointer userdata)
{
        Service *s = userdata;
        uint64_t expirations;
        if (read(fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
                log_info("The wall clock was set (or the system resumed): planning again");
        int r = arm_clock_watch(s);
        if (r < 0)
                log_err("Cannot watch for clock changes: %s", g_strerror(-r));
        s->armed = INT64_MIN;
        replan(s);
        return G_SOURCE_CONTINUE;
}

static gboolean on_debounced(gpointer userdata)
{
        Service *s = userdata;
        s->debounce_src = 0;
        reload(s, NULL);
        return G_SOURCE_REMOVE;
}

static void debounce(Service *s)
{
        if (s->debounce_src)
                g_source_remove(s->debounce_src);
        s->debounce_src = g_timeout_add(DEBOUNCE_MS, on_debounced, s);
}

#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | \
                    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* Watch the config folder; when it does not exist yet, its nearest existing ancestor, to
 * step down as the folders appear (inotify cannot watch what does not exist, and GLib's
 * fallback for that polls every few seconds). */
static void watch_config(Service *s)
{
        if (s->wd_config >= 0)
                inotify_rm_watch(s->inotify_fd, s->wd_config);
        s->wd_config = -1;
        g_autofree char *dir = g_path_get_dirname(s->config_path);
        g_autofree char *p = g_strdup(dir);
        for (;;) {
                int wd = inotify_add_watch(s->inotify_fd, p, DIR_EVENTS);
                if (wd >= 0) {
                        s->wd_config = wd;
                        s->wd_config_is_dir = strcmp(p, dir) == 0;
                        return;
                }
                if ((errno != ENOENT && errno != ENOTDIR) || strcmp(p, "/") == 0 ||
                    strcmp(p, ".") == 0) {
                        log_warning("Cannot watch %s for changes: %s", p, g_strerror(errno));
                        return;
                }
                char *up = g_path_get_dirname(p);
                g_free(p);
                p = up;
        }
}

static gboolean on_inotify(gint fd, GIOCondition cond, gpointer userdata)
{
        Service *s = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        g_autofree char *base = g_path_get_basename(s->config_path);
        bool config = false, rewatch = false, zone = false;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n <= 0)
                        break;
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        p += sizeof *ev + ev->len;
                        if (ev->mask & IN_Q_OVERFLOW) {
                                config = rewatch = zone = true;
                                continue;
                        }
                        if (ev->wd == s->wd_config) {
                                if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
                                        rewatch = config = true;
                                else if (!s->wd_config_is_dir)
                                        rewatch = config = true; /* a step closer, perhaps */
                                else if (ev->len && strcmp(ev->name, base) == 0)
                                        config = true;
                        } else if (ev->wd == s->wd_etc && ev->len &&
                                   strcmp(ev->name, "localtime") == 0) {
                                zone = true;
                        }
                }
        }
        if (rewatch)
                watch_config(s);
        if (zone)
                s->tz_dirty = true;
        if (config || zone)
                debounce(s);
        return G_SOURCE_CONTINUE;
}

static gboolean on_sighup(gpointer userdata)
{
        Service *s = userdata;
        log_info("Reloading on SIGHUP");
        reload_requested(s, NULL);
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

/* ---- D-Bus -------------------------------------------------------------------------- */

static const char introspection_xml[] =
        "<node>"
        "  <interface name='" SERVICE_BUS_INTERFACE "'>"
        "    <method name='Reload'/>"
        "    <property name='Status' type='s' access='read'/>"
        "  </interface>"
        "</node>";

static void on_method(GDBusConnection *connection, const char *sender, const char *path,
                      const char *interface, const char *method, GVariant *params,
                      GDBusMethodInvocation *invocation, gpointer userdata)
{
        Service *s = userdata;
        if (strcmp(method, "Reload") != 0) {
                g_dbus_method_invocation_return_dbus_error(
                        invocation, "org.freedesktop.DBus.Error.UnknownMethod", "No such method");
                return;
        }
        log_info("Reloading on request over D-Bus");
        g_autofree char *message = NULL;
        if (reload_requested(s, &message))
                g_dbus_method_invocation_return_value(invocation, NULL);
        else
                g_dbus_method_invocation_return_dbus_error(
                        invocation, SERVICE_BUS_INTERFACE ".Error.ScheduleBroken", message);
}

static GVariant *on_get_property(GDBusConnection *connection, const char *sender,
                                 const char *path, const char *interface, const char *property,
                                 GError **error, gpointer userdata)
{
        Service *s = userdata;
        return g_variant_new_string(s->status ? s->status : "");
}

static const GDBusInterfaceVTable vtable = { on_method, on_get_property, NULL, { 0 } };

static void on_bus_acquired(GDBusConnection *connection, const char *name, gpointer userdata)
{
        Service *s = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(introspection_xml, &error);
        g_assert_no_error(error);
        s->bus = g_object_ref(connection);
        s->bus_object = g_dbus_connection_register_object(connection, SERVICE_BUS_PATH,
                                                          info->interfaces[0], &vtable, s,
                                                          NULL, &error);
        if (!s->bus_object)
                log_warning("Cannot export %s: %s", SERVICE_BUS_PATH, error->message);
}

static void on_name_lost(GDBusConnection *connection, const char *name, gpointer userdata)
{
        if (!connection)
                log_notice("No session bus: reload with SIGHUP instead of D-Bus");
        else
                log_warning("Cannot own %s on the session bus (another nudged running?)", name);
}

/* ---- life cycle --------------------------------------------------------------------- */

Service *service_new(const ServiceOptions *opts, Schedule *schedule, Tz *local)
{
        Service *s = g_new0(Service, 1);
        s->opts = *opts;
        s->config_path = g_strdup(opts->config_path);
        s->state_path = g_strdup(opts->state_path);
        s->opts.config_path = s->config_path;
        s->opts.state_path = s->state_path;
        s->local = tz_ref(local);
        s->had_schedule = schedule != NULL;
        s->file_state = schedule ? FILE_OK : FILE_MISSING;
        s->schedule = schedule ? schedule : schedule_new();
        s->snoozes = g_array_new(FALSE, FALSE, sizeof(Snooze));
        s->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pending_free);
        s->cancel = g_cancellable_new();
        s->timer_fd = s->clock_fd = s->inotify_fd = -1;
        s->wd_config = s->wd_etc = -1;
        s->armed = INT64_MAX;

        if (s->state_path) {
                g_autofree char *aside = NULL, *problem = NULL;
                int err = 0;
                s->state = state_load(s->state_path, &aside, &problem, &err);
                if (problem)
                        log_err("%s", problem);
        } else {
                s->state = state_new();
        }

        if (opts->dry_run) {
                s->notifier = notifier_new_stdout(stdout);
        } else {
                NotifierEvents events = { .snooze = on_snooze, .userdata = s };
                s->notifier = notifier_new_libnotify(&events);
        }
        return s;
}

static int setup(Service *s)
{
        s->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        s->clock_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (s->timer_fd < 0 || s->clock_fd < 0 || s->inotify_fd < 0)
                return -errno;
        int r = arm_clock_watch(s);
        if (r < 0)
                return r;
        s->timer_src = g_unix_fd_add(s->timer_fd, G_IO_IN, on_timer, s);
        s->clock_src = g_unix_fd_add(s->clock_fd, G_IO_IN, on_clock_set, s);
        s->inotify_src = g_unix_fd_add(s->inotify_fd, G_IO_IN, on_inotify, s);
        watch_config(s);
        /* /etc/localtime is replaced by rename: watch the folder for that name. */
        s->wd_etc = inotify_add_watch(s->inotify_fd, "/etc",
                                      IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE |
                                              IN_ONLYDIR);
        if (s->wd_etc < 0)
                log_warning("Cannot watch /etc for time-zone changes: %s", g_strerror(errno));

        s->sig_hup = g_unix_signal_add(SIGHUP, on_sighup, s);
        s->sig_term = g_unix_signal_add(SIGTERM, on_quit, s);
        s->sig_int = g_unix_signal_add(SIGINT, on_quit, s);

        guint64 usec = watchdog_usec();
        if (usec > 0)
                s->watchdog_src = g_timeout_add((guint)CLAMP(usec / 2000, 1, G_MAXUINT),
                                                on_watchdog, s);

        if (!s->opts.dry_run)
                s->bus_owner = g_bus_own_name(G_BUS_TYPE_SESSION, SERVICE_BUS_NAME,
                                              G_BUS_NAME_OWNER_FLAGS_NONE, on_bus_acquired, NULL,
                                              on_name_lost, s, NULL);
        return 0;
}

static gboolean on_first_plan(gpointer userdata)
{
        replan(userdata);
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
        s->hold_sends = true;
        replan(s);
        s->hold_sends = false;
        g_autofree char *msg = g_strdup_printf("READY=1\nSTATUS=%s", s->status ? s->status : "");
        notify_systemd(msg);
        s->ready = true;
        log_info("Started: %s", s->status ? s->status : "");
        g_idle_add(on_first_plan, s);
        g_main_loop_run(s->loop);
        log_info("Stopping");
        return 0;
}

static void remove_source(guint *id)
{
        if (*id)
                g_source_remove(*id);
        *id = 0;
}

void service_free(Service *s)
{
        if (!s)
                return;
        g_cancellable_cancel(s->cancel);
        remove_source(&s->timer_src);
        remove_source(&s->clock_src);
        remove_source(&s->inotify_src);
        remove_source(&s->debounce_src);
        remove_source(&s->watchdog_src);
        remove_source(&s->sig_hup);
        remove_source(&s->sig_term);
        remove_source(&s->sig_int);
        if (s->bus_object && s->bus)
                g_dbus_connection_unregister_object(s->bus, s->bus_object);
        if (s->bus_owner)
                g_bus_unown_name(s->bus_owner);
        g_clear_object(&s->bus);
        if (s->timer_fd >= 0)
                close(s->timer_fd);
        if (s->clock_fd >= 0)
                close(s->clock_fd);
        if (s->inotify_fd >= 0)
                close(s->inotify_fd);
        notifier_free(s->notifier);
        g_clear_object(&s->cancel);
        g_hash_table_destroy(s->pending);
        for (guint i = 0; i < s->snoozes->len; i++)
                g_free(g_array_index(s->snoozes, Snooze, i).series_id);
        g_array_unref(s->snoozes);
        state_free(s->state);
        schedule_free(s->schedule);
        tz_unref(s->local);
        if (s->loop)
                g_main_loop_unref(s->loop);
        g_free(s->problem);
        g_free(s->status);
        g_free(s->config_path);
        g_free(s->state_path);
        g_free(s);
}
