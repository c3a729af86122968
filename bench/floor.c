/* SPDX-License-Identifier: MIT */
/* The memory floor for bench/run: the least a libnotify daemon can be, notify_init and an idle
 * GLib main loop, so nudged's resident memory can be reported as what it adds to this.
 * With --bus it also holds a session-bus connection, as nudged does (GDBus adds a thread). */
#include <string.h>
#include <glib.h>
#include <gio/gio.h>
#include <libnotify/notify.h>

int main(int argc, char **argv)
{
        if (!notify_init("nudge-bench-floor"))
                return 1;
        GDBusConnection *bus = NULL;
        if (argc > 1 && strcmp(argv[1], "--bus") == 0) {
                bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
                if (!bus)
                        return 1;
        }
        GMainLoop *loop = g_main_loop_new(NULL, FALSE);
        g_main_loop_run(loop); /* until bench/run sends SIGTERM */
        g_main_loop_unref(loop);
        g_clear_object(&bus);
        notify_uninit();
        return 0;
}
