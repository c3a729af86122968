/* SPDX-License-Identifier: MIT */
/* Sending reminders: to the desktop through libnotify (blocking calls kept in a worker
 * thread, actions handled on the main loop), or as plain lines to a stream. */
#include "config.h"

#include "notifier.h"

#include <errno.h>
#include <libnotify/notify.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notes.h"
#include "tz.h"

#define NOTIFIER_APP_NAME "nudge"
#define NOTIFIER_DESKTOP_ENTRY "nudge" /* nudge.desktop, installed with NoDisplay=true */
#define NOTIFIER_ICON "nudge"
/* A vendor category ("x-vendor.name" in the specification) that a person can match in
 * their notification server's rules; it never changes. */
#define NOTIFIER_CATEGORY "x-nudge.reminder"
#define NOTIFIER_SNOOZE_SECONDS (10 * 60)
/* Snooze is offered only when at least this much time is left before the session. */
#define NOTIFIER_SNOOZE_MIN_LEFT 60

typedef enum {
        BACKEND_STDOUT,
        BACKEND_LIBNOTIFY,
} Backend;

struct Notifier {
        int refs; /* the owner's, plus one per send in flight: touched on the main thread only */
        bool freed;
        Backend backend;
        FILE *out;
        NotifierEvents events;
        GHashTable *shown; /* Shown* -> itself: notifications whose actions may still come */
};

/* One notification, from the moment it is sent until the server closes it. */
typedef struct {
        Notifier *notifier;
        char *series_id, *summary, *body, *notes_path, *title;
        int64_t session_start, session_end;
        bool offer_snooze;
        NotifyNotification *nn; /* kept referenced: libnotify drops actions of a freed one */
        gulong closed_handler;
} Shown;

/* libnotify keeps process-wide state (its D-Bus proxy, the server's version, a list of live
 * notifications) without locks: its objects are made, shown and finalized only in workers
 * holding this lock, one at a time. */
static GMutex libnotify_lock;

static void release_in_thread(GTask *task, gpointer source, gpointer task_data,
                              GCancellable *cancellable)
{
        g_mutex_lock(&libnotify_lock);
        g_object_unref(task_data);
        g_mutex_unlock(&libnotify_lock);
        g_task_return_boolean(task, TRUE);
}

/* Drops our reference in a worker: finalizing may touch libnotify's globals (and, with no
 * proxy left, even build one synchronously), which must not happen on the main loop nor
 * beside a worker that is showing another notification. */
static void release_notification(NotifyNotification *nn)
{
        /* No action may reach the data we are about to free. */
        notify_notification_clear_actions(nn);
        GTask *task = g_task_new(NULL, NULL, NULL, NULL);
        g_task_set_task_data(task, nn, NULL);
        g_task_run_in_thread(task, release_in_thread);
        g_object_unref(task);
}

static Notifier *notifier_ref(Notifier *n)
{
        n->refs++;
        return n;
}

static void notifier_unref(Notifier *n)
{
        if (!n || --n->refs > 0)
                return;
        if (n->shown)
                g_hash_table_destroy(n->shown);
        g_free(n);
}

static void shown_free(Shown *sh)
{
        if (!sh)
                return;
        if (sh->nn) {
                if (sh->closed_handler)
                        g_signal_handler_disconnect(sh->nn, sh->closed_handler);
                release_notification(sh->nn);
        }
        g_free(sh->series_id);
        g_free(sh->summary);
        g_free(sh->body);
        g_free(sh->notes_path);
        g_free(sh->title);
        g_free(sh);
}

int64_t notifier_snooze_seconds(void)
{
        /* For tests only: a snooze of minutes would make an end-to-end test wait minutes. */
        const char *t = g_getenv("NUDGE_TEST_SNOOZE_SECONDS");
        if (t && *t) {
                char *end;
                errno = 0;
                long long v = strtoll(t, &end, 10);
                if (errno == 0 && *end == '\0' && v >= 1 && v <= NOTIFIER_SNOOZE_SECONDS)
                        return v;
        }
        return NOTIFIER_SNOOZE_SECONDS;
}

Notifier *notifier_new_stdout(FILE *out)
{
        Notifier *n = g_new0(Notifier, 1);
        n->refs = 1;
        n->backend = BACKEND_STDOUT;
        n->out = out;
        return n;
}

Notifier *notifier_new_libnotify(const NotifierEvents *events)
{
        Notifier *n = g_new0(Notifier, 1);
        n->refs = 1;
        n->backend = BACKEND_LIBNOTIFY;
        if (events)
                n->events = *events;
        n->shown = g_hash_table_new_full(g_direct_hash, g_direct_equal, (GDestroyNotify) shown_free,
                                         NULL);
        /* notify_init only records the name: it does not talk to the bus, so it cannot
         * block or fail for want of a server. */
        if (!notify_is_initted())
                notify_init(NOTIFIER_APP_NAME);
        return n;
}

void notifier_free(Notifier *n)
{
        if (!n)
                return;
        n->freed = true;
        /* Sends in flight keep the struct alive; their results are then dropped. */
        if (n->shown)
                g_hash_table_remove_all(n->shown);
        notifier_unref(n);
}

/* ---- stdout ------------------------------------------------------------------------- */

static char *one_line(const char *s)
{
        char *v = g_utf8_make_valid(s ? s : "", -1);
        for (char *p = v; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        return v;
}

static void send_stdout(Notifier *n, const Notice *notice, GTask *task)
{
        g_autofree char *summary = one_line(notice->summary);
        g_autofree char *body = one_line(notice->body);
        if (body[0])
                fprintf(n->out, "%s: %s | %s\n", notice->series_id, summary, body);
        else
                fprintf(n->out, "%s: %s\n", notice->series_id, summary);
        fflush(n->out);
        g_task_return_boolean(task, TRUE);
}

/* ---- opening the notes file --------------------------------------------------------- */

typedef struct {
        char *path;
} OpenJob;

static void open_job_free(OpenJob *j)
{
        g_free(j->path);
        g_free(j);
}

static void on_launched(GObject *source, GAsyncResult *res, gpointer userdata)
{
        g_autoptr(GError) error = NULL;
        if (!g_app_info_launch_default_for_uri_finish(res, &error))
                log_warning("Could not open the notes file with the default application: %s",
                            error->message);
}

/* Without a user service manager, start the application ourselves. It then shares our
 * sandbox (a read-only home under nudged's unit): better than nothing, and said so. */
static void open_directly(const char *path)
{
        g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
        if (!uri)
                return;
        log_notice("No user service manager answered; opening the notes file as a child "
                   "process instead.");
        g_app_info_launch_default_for_uri_async(uri, NULL, NULL, on_launched, NULL);
}

static void on_unit_started(GObject *source, GAsyncResult *res, gpointer userdata)
{
        OpenJob *job = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res,
                                                                  &error);
        if (!reply) {
                log_info("Starting a unit to open the notes file failed: %s", error->message);
                open_directly(job->path);
        }
        open_job_free(job);
}

/* The variables an opener needs to reach the person's display and find their choice of
 * application; a unit started by the manager gets the manager's environment, which may
 * lack what our own process was given. */
static const char *const passed_env[] = {
        "DISPLAY",         "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE",
        "XDG_DATA_HOME",   "XDG_DATA_DIRS",   "XDG_CONFIG_HOME",     "XDG_CONFIG_DIRS",
        "XAUTHORITY",
};

static void on_bus(GObject *source, GAsyncResult *res, gpointer userdata)
{
        OpenJob *job = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusConnection) bus = g_bus_get_finish(res, &error);
        g_autofree char *gio = g_find_program_in_path("gio");
        g_autofree char *xdg_open = gio ? NULL : g_find_program_in_path("xdg-open");

        if (!bus || (!gio && !xdg_open)) {
                open_directly(job->path);
                open_job_free(job);
                return;
        }

        /* The editor must not inherit nudged's sandbox (a read-only home) and must outlive
         * it: ask the user manager to run the opener as a unit of its own, as `systemd-run
         * --user` does. */
        GVariantBuilder argv, exec, env, props;
        g_variant_builder_init(&argv, G_VARIANT_TYPE("as"));
        if (gio) {
                g_variant_builder_add(&argv, "s", gio);
                g_variant_builder_add(&argv, "s", "open");
        } else {
                g_variant_builder_add(&argv, "s", xdg_open);
        }
        g_variant_builder_add(&argv, "s", job->path);
        g_variant_builder_init(&exec, G_VARIANT_TYPE("a(sasb)"));
        g_variant_builder_add(&exec, "(sasb)", gio ? gio : xdg_open, &argv, FALSE);

        g_variant_builder_init(&env, G_VARIANT_TYPE("as"));
        for (size_t i = 0; i < G_N_ELEMENTS(passed_env); i++) {
                const char *v = g_getenv(passed_env[i]);
                if (v)
                        g_variant_builder_add_value(
                                &env, g_variant_new_take_string(
                                              g_strdup_printf("%s=%s", passed_env[i], v)));
        }

        g_variant_builder_init(&props, G_VARIANT_TYPE("a(sv)"));
        g_variant_builder_add(&props, "(sv)", "Description",
                              g_variant_new_string("nudge: open a session's notes"));
        g_variant_builder_add(&props, "(sv)", "ExecStart", g_variant_builder_end(&exec));
        g_variant_builder_add(&props, "(sv)", "Environment", g_variant_builder_end(&env));
        /* `gio open` returns as soon as it has started the application, which may be its
         * child: let that child live on after the opener exits. */
        g_variant_builder_add(&props, "(sv)", "KillMode", g_variant_new_string("process"));
        /* Leave no failed unit behind for each click. */
        g_variant_builder_add(&props, "(sv)", "CollectMode",
                              g_variant_new_string("inactive-or-failed"));

        g_autofree char *unit = g_strdup_printf("nudge-notes-%08x%08x.service", g_random_int(),
                                                g_random_int());
        g_dbus_connection_call(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "StartTransientUnit",
                               g_variant_new("(ssa(sv)a(sa(sv)))", unit, "fail", &props, NULL),
                               G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000,
                               NULL, on_unit_started, job);
}

int notifier_open_notes(const char *notes_path, const char *title, int64_t session_start)
{
        g_autoptr(Tz) local = tz_new_local();
        g_autofree char *text = notes_template_at(title, session_start, local);
        int r = notes_create(notes_path, text);
        if (r < 0)
                return r;
        OpenJob *job = g_new0(OpenJob, 1);
        job->path = g_strdup(notes_path);
        g_bus_get(G_BUS_TYPE_SESSION, NULL, on_bus, job);
        return 0;
}

/* ---- libnotify ---------------------------------------------------------------------- */

static void on_action(NotifyNotification *nn, char *action, gpointer userdata)
{
        Shown *sh = userdata;
        Notifier *n = sh->notifier;

        if (n->freed)
                return;
        if (g_str_equal(action, "snooze")) {
                if (n->events.snooze)
                        n->events.snooze(sh->series_id, sh->session_start, n->events.userdata);
                return;
        }
        /* "default" (a click on the notification) and "notes": the same thing. */
        int r = notifier_open_notes(sh->notes_path, sh->title, sh->session_start);
        if (r == -EROFS || r == -EACCES) {
                g_autofree char *dir = g_path_get_dirname(sh->notes_path);
                /* nudged's sandbox makes home read-only but for the default notes folder. */
                log_warning("Cannot create the notes file %s: %s. If nudged runs sandboxed, "
                            "let it write there: systemctl --user edit nudged, then add "
                            "[Service] ReadWritePaths=%s",
                            sh->notes_path, g_strerror(-r), dir);
        } else if (r < 0) {
                log_warning("Cannot create the notes file %s: %s", sh->notes_path,
                            g_strerror(-r));
        }
}

static gboolean forget_shown(gpointer userdata)
{
        Shown *sh = userdata;
        Notifier *n = sh->notifier;
        shown_free(sh);
        notifier_unref(n);
        return G_SOURCE_REMOVE;
}

static void on_closed(NotifyNotification *nn, gpointer userdata)
{
        Shown *sh = userdata;
        /* Freed from an idle callback, not inside the signal: dropping the last reference
         * there would finalize the object while it is still emitting. */
        g_signal_handler_disconnect(nn, sh->closed_handler);
        sh->closed_handler = 0;
        g_hash_table_steal(sh->notifier->shown, sh);
        notifier_ref(sh->notifier);
        g_idle_add(forget_shown, sh);
}

static bool has_cap(GList *caps, const char *cap)
{
        for (GList *l = caps; l; l = l->next)
                if (g_str_equal(l->data, cap))
                        return true;
        return false;
}

/* The text shown where the server offers no buttons: the notes file, named. With privacy
 * the file name (which holds the session's id) stays off the screen too. */
static char *body_without_actions(const Shown *sh)
{
        const char *body = sh->body ? sh->body : "";
        const char *sep = body[0] ? "\n\n" : "";
        if (!sh->title)
                return g_strdup_printf("%s%sYour notes: nudge note --edit", body, sep);
        return g_strdup_printf("%s%sYour notes: %s", body, sep, sh->notes_path);
}

/* In a worker thread: every call here may block on D-Bus (for 25 s when a server is
 * activatable but never answers). */
static void show_in_thread(GTask *task, gpointer source, gpointer task_data,
                           GCancellable *cancellable)
{
        Shown *sh = task_data;
        GError *error = NULL;

        if (g_cancellable_set_error_if_cancelled(cancellable, &error)) {
                g_task_return_error(task, error);
                return;
        }

        g_mutex_lock(&libnotify_lock);
        GList *caps = notify_get_server_caps();
        bool actions = has_cap(caps, "actions");
        bool markup = has_cap(caps, "body-markup");
        g_list_free_full(caps, g_free);

        g_autofree char *summary = g_utf8_make_valid(sh->summary ? sh->summary : "", -1);
        g_autofree char *plain = actions ? g_strdup(sh->body ? sh->body : "")
                                         : body_without_actions(sh);
        g_autofree char *valid = g_utf8_make_valid(plain, -1);
        /* Where the server parses the body as markup, text from the schedule file
         * ("Dr. <b>Ødegaard</b> & co") must show as written, and a bare '&' would make
         * some servers drop the body. The summary is never parsed. */
        g_autofree char *body = markup ? g_markup_escape_text(valid, -1) : g_strdup(valid);

        NotifyNotification *nn = notify_notification_new(summary, body, NOTIFIER_ICON);
        notify_notification_set_hint(nn, "desktop-entry",
                                     g_variant_new_string(NOTIFIER_DESKTOP_ENTRY));
        notify_notification_set_category(nn, NOTIFIER_CATEGORY);
        notify_notification_set_urgency(nn, NOTIFY_URGENCY_NORMAL);
        if (actions) {
                notify_notification_add_action(nn, "default", "Write notes", on_action, sh,
                                               NULL);
                notify_notification_add_action(nn, "notes", "Write notes", on_action, sh, NULL);
                if (sh->offer_snooze)
                        notify_notification_add_action(nn, "snooze", "Snooze", on_action, sh,
                                                       NULL);
        }
        bool ok = notify_notification_show(nn, &error);
        if (!ok)
                g_object_unref(nn); /* here, while libnotify's state is ours alone */
        g_mutex_unlock(&libnotify_lock);

        if (!ok) {
                g_task_return_error(task, error);
                return;
        }
        sh->nn = nn;
        g_task_return_boolean(task, TRUE);
}

typedef struct {
        Shown *sh;
        GTask *outer; /* the caller's */
} SendJob;

static void on_shown(GObject *source, GAsyncResult *res, gpointer userdata)
{
        SendJob *job = userdata;
        Shown *sh = job->sh;
        Notifier *n = sh->notifier;
        GError *error = NULL;

        if (!g_task_propagate_boolean(G_TASK(res), &error)) {
                shown_free(sh);
                g_task_return_error(job->outer, error);
        } else if (n->freed) {
                shown_free(sh);
                g_task_return_boolean(job->outer, TRUE);
        } else {
                sh->closed_handler = g_signal_connect(sh->nn, "closed", G_CALLBACK(on_closed), sh);
                g_hash_table_add(n->shown, sh);
                g_task_return_boolean(job->outer, TRUE);
        }
        g_object_unref(job->outer);
        g_free(job);
        notifier_unref(n);
}

static void send_libnotify(Notifier *n, const Notice *notice, GTask *outer,
                           GCancellable *cancellable)
{
        Shown *sh = g_new0(Shown, 1);
        sh->notifier = n;
        sh->series_id = g_strdup(notice->series_id);
        sh->summary = g_strdup(notice->summary);
        sh->body = g_strdup(notice->body);
        sh->notes_path = g_strdup(notice->notes_path);
        sh->title = g_strdup(notice->title);
        sh->session_start = notice->session_start;
        sh->session_end = notice->session_end;
        /* Reading the clock here is the edge: whether a snooze can still land before the
         * session is decided when the buttons are made. */
        int64_t now = g_get_real_time() / G_USEC_PER_SEC;
        sh->offer_snooze = n->events.snooze != NULL &&
                           notice->session_start - now >= NOTIFIER_SNOOZE_MIN_LEFT;

        SendJob *job = g_new0(SendJob, 1);
        job->sh = sh;
        job->outer = g_object_ref(outer);
        notifier_ref(n);
        GTask *inner = g_task_new(NULL, cancellable, on_shown, job);
        g_task_set_task_data(inner, sh, NULL);
        g_task_run_in_thread(inner, show_in_thread);
        g_object_unref(inner);
}

void notifier_send_async(Notifier *n, const Notice *notice, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer userdata)
{
        GTask *task = g_task_new(NULL, cancellable, callback, userdata);
        g_task_set_source_tag(task, notifier_send_async);
        if (n->backend == BACKEND_STDOUT)
                send_stdout(n, notice, task);
        else
                send_libnotify(n, notice, task, cancellable);
        g_object_unref(task);
}

bool notifier_send_finish(Notifier *n, GAsyncResult *result, GError **error)
{
        g_return_val_if_fail(g_task_is_valid(result, NULL), false);
        return g_task_propagate_boolean(G_TASK(result), error);
}
