/* SPDX-License-Identifier: MIT */
/* The desktop backend of the notifier: libnotify, its blocking calls kept in a worker
 * thread, its actions and results handled on the main loop. */
#include "config.h"

#include <errno.h>
#include <libnotify/notify.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "notes.h"
#include "notifier.h"
#include "opener.h"

#define APP_NAME "nudge"
#define DESKTOP_ENTRY "nudge" /* nudge.desktop, installed with NoDisplay=true */
#define ICON "nudge"
/* A vendor category ("x-vendor.name" in the specification) that a person can match in
 * their notification server's rules; it never changes. */
#define CATEGORY "x-nudge.reminder"

typedef struct {
        Notifier base;
        int refs; /* the owner's, plus one per send in flight: touched on the main thread only */
        bool freed;
        GHashTable *shown; /* Shown* -> itself: notifications whose actions may still come */
        /* Ids of notifications gone from the screen (closed, or acted on: servers close a
         * notification after an action). A later notice must not name one as replaces_id:
         * the server's close for the old one would then reach the new one, which gets the
         * same id, and its buttons would stop working. */
        GHashTable *gone;
        /* Ids the server closed while we held no notification with that id: a server may
         * close one before the answer to its Notify arrives (and libnotify, which matches
         * a close to a notification by an id it does not know yet, drops that close). */
        GHashTable *closed_unknown;
        guint watch;       /* the server's bus name, watched (never activated) */
        GDBusConnection *bus; /* where NotificationClosed is watched, once the server appeared */
        guint closed_sub;
} LibnotifyNotifier;

/* The capabilities of the server that owns the name now, asked once when it appears, so
 * that a reminder goes out as one Notify call, without a GetCapabilities round trip before
 * it at the moment that matters. NULL: not known (asked again before the next send). */
static GMutex caps_lock;
static char **caps_cache;

/* One notification, from the moment it is sent until the server closes or replaces it. */
typedef struct {
        LibnotifyNotifier *notifier;
        char *series_id, *summary, *body, *notes_path, *title;
        int64_t session_start;
        uint32_t replaces_id;
        bool offer_snooze;
        bool checkin;           /* Write notes opens the notes at "After the session" */
        uint32_t id;            /* the server's, once shown */
        bool closed_early;      /* closed before the show's result reached the loop */
        NotifyNotification *nn; /* kept referenced: libnotify drops actions of a freed one */
        gulong closed_handler;
} Shown;

/* libnotify keeps process-wide state (its D-Bus proxy, the server's version, a list of live
 * notifications) without locks: its objects are made, shown, closed and finalized only in
 * workers holding this lock, one at a time. */
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
        GTask *task = g_task_new(NULL, NULL, NULL, NULL);
        g_task_set_task_data(task, nn, NULL);
        g_task_run_in_thread(task, release_in_thread);
        g_object_unref(task);
}

static LibnotifyNotifier *ln_ref(LibnotifyNotifier *n)
{
        n->refs++;
        return n;
}

static void ln_unref(LibnotifyNotifier *n)
{
        if (!n || --n->refs > 0)
                return;
        g_hash_table_destroy(n->shown);
        g_hash_table_destroy(n->gone);
        g_hash_table_destroy(n->closed_unknown);
        g_free(n);
}

static void shown_free(Shown *sh)
{
        if (!sh)
                return;
        if (sh->nn) {
                if (sh->closed_handler)
                        g_signal_handler_disconnect(sh->nn, sh->closed_handler);
                /* No action may reach the data we are about to free. */
                notify_notification_clear_actions(sh->nn);
                release_notification(sh->nn);
        }
        g_free(sh->series_id);
        g_free(sh->summary);
        g_free(sh->body);
        g_free(sh->notes_path);
        g_free(sh->title);
        g_free(sh);
}

static Shown *find_shown(LibnotifyNotifier *n, uint32_t id)
{
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, n->shown);
        while (id && g_hash_table_iter_next(&it, &k, NULL))
                if (((Shown *)k)->id == id)
                        return k;
        return NULL;
}

/* ---- the person's actions and the server's signals (main loop) ---------------------- */

static void on_action(NotifyNotification *nn, char *action, gpointer userdata)
{
        Shown *sh = userdata;
        LibnotifyNotifier *n = sh->notifier;

        if (n->freed)
                return;
        if (sh->id)
                g_hash_table_add(n->gone, GUINT_TO_POINTER(sh->id));
        if (g_str_equal(action, "snooze")) {
                if (n->base.events.snooze)
                        n->base.events.snooze(n->base.events.userdata, sh->series_id,
                                              sh->session_start);
                return;
        }
        /* "default" (a click on the notification) and "notes": the same thing. */
        int r = opener_open_notes_at(sh->notes_path, sh->title, sh->session_start, sh->checkin);
        if (r == -EROFS || r == -EACCES) {
                g_autofree char *dir = g_path_get_dirname(sh->notes_path);
                /* nudged's sandbox makes home read-only but for the default notes folder. */
                log_warning("Cannot create the notes file %s: %s. If nudged runs sandboxed, "
                            "let it write there: systemctl --user edit nudged, then add "
                            "[Service] ReadWritePaths=%s",
                            sh->notes_path, g_strerror(-r), dir);
        } else if (r == -EPERM || r == -ELOOP) {
                g_autofree char *why = NULL;
                notes_check_private(sh->notes_path, &why);
                log_warning("Not opening the notes file %s: %s", sh->notes_path,
                            why ? why : g_strerror(-r));
        } else if (r < 0) {
                log_warning("Cannot create the notes file %s: %s", sh->notes_path,
                            g_strerror(-r));
        }
}

static gboolean forget_shown(gpointer userdata)
{
        Shown *sh = userdata;
        LibnotifyNotifier *n = sh->notifier;
        shown_free(sh);
        ln_unref(n);
        return G_SOURCE_REMOVE;
}

static void on_closed(NotifyNotification *nn, gpointer userdata)
{
        Shown *sh = userdata;
        if (sh->id)
                g_hash_table_add(sh->notifier->gone, GUINT_TO_POINTER(sh->id));
        /* The server may close a notification before the result of showing it reaches us:
         * then on_shown forgets it. */
        if (!g_hash_table_steal(sh->notifier->shown, sh)) {
                sh->closed_early = true;
                return;
        }
        /* Freed from an idle callback, not inside the signal: dropping the last reference
         * there would finalize the object while it is still emitting. */
        g_signal_handler_disconnect(nn, sh->closed_handler);
        sh->closed_handler = 0;
        ln_ref(sh->notifier);
        g_idle_add(forget_shown, sh);
}

/* ---- showing (worker thread) -------------------------------------------------------- */

/* The text shown where the server offers no buttons: the notes file, named. With privacy
 * the file name (which holds the session's id) stays off the screen too. */
static char *body_without_actions(const Shown *sh)
{
        const char *body = sh->body ? sh->body : "";
        const char *sep = body[0] ? "\n\n" : "";
        if (!sh->title)
                /* TRANSLATORS: under a reminder where the desktop shows no buttons; keep
                 * the command "nudge note --edit". */
                return g_strdup_printf("%s%s%s", body, sep, _("Your notes: nudge note --edit"));
        /* TRANSLATORS: under a reminder where the desktop shows no buttons; %s is the path
         * of the session's notes file. */
        g_autofree char *where = g_strdup_printf(_("Your notes: %s"), sh->notes_path);
        return g_strdup_printf("%s%s%s", body, sep, where);
}

static void caps_forget(void)
{
        g_mutex_lock(&caps_lock);
        g_clear_pointer(&caps_cache, g_strfreev);
        g_mutex_unlock(&caps_lock);
}

/* The server's capabilities: the cache, or a question to the server (which also makes
 * libnotify's proxy, the first time). With libnotify_lock held. */
static char **server_caps(void)
{
        g_mutex_lock(&caps_lock);
        char **caps = g_strdupv(caps_cache);
        g_mutex_unlock(&caps_lock);
        if (caps)
                return caps;
        GList *list = notify_get_server_caps();
        if (!list)
                return g_new0(char *, 1);
        GStrvBuilder *b = g_strv_builder_new();
        for (GList *l = list; l; l = l->next)
                g_strv_builder_add(b, l->data);
        g_list_free_full(list, g_free);
        caps = g_strv_builder_end(b);
        g_strv_builder_unref(b);
        g_mutex_lock(&caps_lock);
        if (!caps_cache)
                caps_cache = g_strdupv(caps);
        g_mutex_unlock(&caps_lock);
        return caps;
}

static bool has_cap(char **caps, const char *cap)
{
        return caps && g_strv_contains((const char *const *)caps, cap);
}

static NotifyNotification *build(Shown *sh)
{
        g_auto(GStrv) caps = server_caps();
        /* A notice without a notes file (the schedule's problem) has nothing to act on. */
        bool actions = has_cap(caps, "actions") && sh->notes_path;
        bool markup = has_cap(caps, "body-markup");

        g_autofree char *summary = g_utf8_make_valid(sh->summary ? sh->summary : "", -1);
        g_autofree char *plain = actions || !sh->notes_path ? g_strdup(sh->body ? sh->body : "")
                                                            : body_without_actions(sh);
        g_autofree char *valid = g_utf8_make_valid(plain, -1);
        /* Where the server parses the body as markup, text from the schedule file
         * ("Dr. <b>Ødegaard</b> & co") must show as written, and a bare '&' would make
         * some servers drop the body. The summary is never parsed. */
        g_autofree char *body = markup ? g_markup_escape_text(valid, -1) : g_strdup(valid);

        NotifyNotification *nn = notify_notification_new(summary, body, ICON);
        if (sh->replaces_id)
                g_object_set(nn, "id", (gint)sh->replaces_id, NULL);
        notify_notification_set_hint(nn, "desktop-entry", g_variant_new_string(DESKTOP_ENTRY));
        notify_notification_set_category(nn, CATEGORY);
        /* Normal urgency: a reminder is no alarm, and servers keep critical ones on top of
         * everything. It stays until the person acts on it or closes it (servers that
         * honour timeouts would otherwise drop it after seconds, before it was seen);
         * GNOME, which ignores timeouts, keeps it in its list. */
        notify_notification_set_urgency(nn, NOTIFY_URGENCY_NORMAL);
        notify_notification_set_timeout(nn, NOTIFY_EXPIRES_NEVER);
        if (actions) {
                /* TRANSLATORS: a button of a reminder: opens the session's notes file. */
                const char *notes = _("Write notes");
                notify_notification_add_action(nn, "default", notes, on_action, sh, NULL);
                notify_notification_add_action(nn, "notes", notes, on_action, sh, NULL);
                if (sh->offer_snooze)
                        /* TRANSLATORS: a button of a reminder: shows it again later. */
                        notify_notification_add_action(nn, "snooze", _("Snooze"), on_action,
                                                       sh, NULL);
        }
        /* Connected before the show: a server may close it at once. */
        sh->closed_handler = g_signal_connect(nn, "closed", G_CALLBACK(on_closed), sh);
        return nn;
}

typedef struct {
        Shown *sh;
        NotifyNotification *old; /* the notification replaced, if we still hold it */
        uint64_t ticket;
} SendJob;

/* Every call here may block on D-Bus (for 25 s when a server is activatable but never
 * answers). */
static void show_in_thread(GTask *task, gpointer source, gpointer task_data,
                           GCancellable *cancellable)
{
        SendJob *job = task_data;
        Shown *sh = job->sh;
        GError *error = NULL;

        g_mutex_lock(&libnotify_lock);
        NotifyNotification *nn = build(sh);
        bool ok = notify_notification_show(nn, &error);
        if (ok) {
                gint id = 0;
                g_object_get(nn, "id", &id, NULL);
                sh->id = (uint32_t)id;
                /* A server that ignores replaces_id shows a second notification: close
                 * the first ourselves, so the person sees one per session. */
                if (job->old && sh->id != sh->replaces_id)
                        notify_notification_close(job->old, NULL);
        } else {
                g_signal_handler_disconnect(nn, sh->closed_handler);
                sh->closed_handler = 0;
                g_object_unref(nn); /* here, while libnotify's state is ours alone */
                nn = NULL;
        }
        if (job->old)
                g_object_unref(job->old);
        job->old = NULL;
        g_mutex_unlock(&libnotify_lock);

        sh->nn = nn;
        if (ok)
                g_task_return_boolean(task, TRUE);
        else
                g_task_return_error(task, error);
}

static void on_shown(GObject *source, GAsyncResult *res, gpointer userdata)
{
        SendJob *job = userdata;
        Shown *sh = job->sh;
        LibnotifyNotifier *n = sh->notifier;
        g_autoptr(GError) error = NULL;
        bool ok = g_task_propagate_boolean(G_TASK(res), &error);

        if (n->freed) {
                shown_free(sh);
        } else {
                NotifierResult r = { .ok = ok, .id = ok ? sh->id : 0,
                                     .error = error ? error->message : NULL };
                /* The one it replaced is gone from the screen (replaced by the server, or
                 * closed by us): forget it. Freeing it disconnects its `closed` handler. */
                Shown *old = ok ? find_shown(n, sh->replaces_id) : NULL;
                if (old)
                        g_hash_table_remove(n->shown, old);
                if (ok && g_hash_table_remove(n->closed_unknown, GUINT_TO_POINTER(sh->id)))
                        sh->closed_early = true;
                if (ok && !sh->closed_early)
                        g_hash_table_remove(n->gone, GUINT_TO_POINTER(sh->id)); /* on screen */
                else if (ok)
                        g_hash_table_add(n->gone, GUINT_TO_POINTER(sh->id));
                if (ok && !sh->closed_early)
                        g_hash_table_add(n->shown, sh);
                else
                        shown_free(sh);
                notifier_report(&n->base, job->ticket, &r);
        }
        g_free(job);
        ln_unref(n);
}

static void ln_send(Notifier *base, const Notice *notice, uint64_t ticket)
{
        LibnotifyNotifier *n = (LibnotifyNotifier *)base;
        Shown *sh = g_new0(Shown, 1);
        sh->notifier = n;
        sh->series_id = g_strdup(notice->series_id);
        sh->summary = g_strdup(notice->summary);
        sh->body = g_strdup(notice->body);
        sh->notes_path = g_strdup(notice->notes_path);
        sh->title = g_strdup(notice->title);
        sh->session_start = notice->session_start;
        sh->replaces_id = g_hash_table_contains(n->gone, GUINT_TO_POINTER(notice->replaces_id))
                                  ? 0
                                  : notice->replaces_id;
        sh->offer_snooze = notice->offer_snooze && n->base.events.snooze != NULL;
        sh->checkin = notice->checkin;

        SendJob *job = g_new0(SendJob, 1);
        job->sh = sh;
        job->ticket = ticket;
        Shown *old = find_shown(n, sh->replaces_id);
        if (old && old->nn)
                job->old = g_object_ref(old->nn);
        ln_ref(n);
        GTask *task = g_task_new(NULL, NULL, on_shown, job);
        g_task_set_task_data(task, job, NULL);
        g_task_run_in_thread(task, show_in_thread);
        g_object_unref(task);
}

/* ---- the server coming and going (main loop) ---------------------------------------- */

/* Everything a first show would do before its Notify call, done now: the proxy, the
 * capabilities, the server's version (libnotify asks it once, on its first show), and a
 * notification built and dropped, so that its code is in memory when a reminder is due. */
static void warm_in_thread(GTask *task, gpointer source, gpointer task_data,
                           GCancellable *cancellable)
{
        g_mutex_lock(&libnotify_lock);
        g_strfreev(server_caps());
        notify_get_server_info(NULL, NULL, NULL, NULL);
        NotifyNotification *nn = notify_notification_new("", "", ICON);
        notify_notification_set_hint(nn, "desktop-entry", g_variant_new_string(DESKTOP_ENTRY));
        g_object_unref(nn);
        g_mutex_unlock(&libnotify_lock);
        g_task_return_boolean(task, TRUE);
}

/* Every close the server announces; those of notifications we hold go through libnotify's
 * "closed" (on_closed), the others are kept for on_shown. */
static void on_bus_closed(GDBusConnection *connection, const char *sender, const char *path,
                          const char *iface, const char *signal, GVariant *params,
                          gpointer userdata)
{
        LibnotifyNotifier *n = userdata;
        if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(uu)")))
                return;
        uint32_t id, reason;
        g_variant_get(params, "(uu)", &id, &reason);
        if (id && !find_shown(n, id))
                g_hash_table_add(n->closed_unknown, GUINT_TO_POINTER(id));
}

static void on_server_appeared(GDBusConnection *connection, const char *name,
                               const char *owner, gpointer userdata)
{
        LibnotifyNotifier *n = userdata;
        /* Ids of an earlier server mean nothing to this one. */
        g_hash_table_remove_all(n->closed_unknown);
        if (!n->bus) {
                n->bus = g_object_ref(connection);
                n->closed_sub = g_dbus_connection_signal_subscribe(
                        connection, "org.freedesktop.Notifications",
                        "org.freedesktop.Notifications", "NotificationClosed",
                        "/org/freedesktop/Notifications", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                        on_bus_closed, n, NULL);
        }
        /* A new server may offer other things than the last one. Ask it now, in a worker
         * (the question blocks), so that the next reminder need not. */
        caps_forget();
        GTask *task = g_task_new(NULL, NULL, NULL, NULL);
        g_task_run_in_thread(task, warm_in_thread);
        g_object_unref(task);
}

static void on_server_vanished(GDBusConnection *connection, const char *name,
                               gpointer userdata)
{
        caps_forget();
}

static void ln_destroy(Notifier *base)
{
        LibnotifyNotifier *n = (LibnotifyNotifier *)base;
        if (n->watch)
                g_bus_unwatch_name(n->watch);
        n->watch = 0;
        if (n->bus) {
                g_dbus_connection_signal_unsubscribe(n->bus, n->closed_sub);
                g_clear_object(&n->bus);
        }
        n->freed = true;
        /* Sends in flight keep the struct alive; their results are then dropped. */
        g_hash_table_remove_all(n->shown);
        ln_unref(n);
}

static const NotifierOps libnotify_ops = { ln_send, ln_destroy };

unsigned notifier_libnotify_on_screen(const Notifier *base)
{
        g_return_val_if_fail(base && base->ops == &libnotify_ops, 0);
        return g_hash_table_size(((const LibnotifyNotifier *)base)->shown);
}

Notifier *notifier_new_libnotify(const NotifierEvents *events)
{
        LibnotifyNotifier *n = g_new0(LibnotifyNotifier, 1);
        n->base.ops = &libnotify_ops;
        if (events)
                n->base.events = *events;
        n->refs = 1;
        n->shown = g_hash_table_new_full(g_direct_hash, g_direct_equal, (GDestroyNotify)shown_free,
                                         NULL);
        n->gone = g_hash_table_new(g_direct_hash, g_direct_equal);
        n->closed_unknown = g_hash_table_new(g_direct_hash, g_direct_equal);
        /* notify_init only records the name: it does not talk to the bus, so it cannot
         * block or fail for want of a server. */
        if (!notify_is_initted())
                notify_init(APP_NAME);
        /* GLib ends a worker thread that has waited 15 s; making a new one at the moment
         * a reminder is due took milliseconds. Parked workers wait without a timeout, so
         * keeping them costs no wakeups. */
        g_thread_pool_set_max_idle_time(0);
        n->watch = g_bus_watch_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
                                    G_BUS_NAME_WATCHER_FLAGS_NONE, on_server_appeared,
                                    on_server_vanished, n, NULL);
        return &n->base;
}
