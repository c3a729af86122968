/* SPDX-License-Identifier: MIT */
/* Opening a session's notes file: `gio open FILE` as a transient systemd user unit, so the
 * editor runs outside nudged's sandbox and outlives it. */
#include "config.h"

#include "opener.h"

#include <gio/gio.h>

#include "log.h"
#include "notes.h"
#include "tz.h"

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
                /* The path is never an option, even when a notes folder starts with '-'. */
                g_variant_builder_add(&argv, "s", "--");
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

int opener_open_notes_at(const char *notes_path, const char *title, int64_t session_start,
                         bool after)
{
        g_autoptr(Tz) local = tz_new_local();
        g_autofree char *text = notes_new_text(notes_path, title, session_start, local);
        int r = after ? notes_ensure_heading(notes_path, text, notes_heading(NOTES_HEADING_AFTER))
                      : notes_create(notes_path, text);
        if (r < 0)
                return r;
        OpenJob *job = g_new0(OpenJob, 1);
        job->path = g_strdup(notes_path);
        g_bus_get(G_BUS_TYPE_SESSION, NULL, on_bus, job);
        return 0;
}


int opener_open_notes(const char *notes_path, const char *title, int64_t session_start)
{
        return opener_open_notes_at(notes_path, title, session_start, false);
}
