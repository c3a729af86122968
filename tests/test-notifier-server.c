/* SPDX-License-Identifier: MIT */
/* The desktop backend of the notifier against a notification server on a bus of its own
 * (dbus-daemon and tests/lib/fake-server.py): what it keeps of the notifications on
 * screen. A server may close a notification before the answer to Notify arrives (one that
 * expires it at once); the backend must then let it go, not keep it for good. A program
 * of its own: libnotify and GDBus keep one session bus per process. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notifier.h"

static char *tmp;
static GPid bus_pid, server_pid;

typedef struct {
        GMainLoop *loop;
        int done;
        bool ok;
} Wait;

static void on_sent(void *userdata, uint64_t ticket, const NotifierResult *r)
{
        Wait *w = userdata;
        w->ok = r->ok;
        w->done++;
}

static gboolean stop(gpointer userdata)
{
        g_main_loop_quit(((Wait *)userdata)->loop);
        return G_SOURCE_REMOVE;
}

static void run_for(Wait *w, guint ms)
{
        g_timeout_add(ms, stop, w);
        g_main_loop_run(w->loop);
}

/* The bus and the server end with this program, even when an assertion ends it. */
static void die_with_parent(gpointer unused)
{
        prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static bool wait_for_file(const char *path, int seconds)
{
        for (int i = 0; i < seconds * 50; i++) {
                if (g_file_test(path, G_FILE_TEST_EXISTS))
                        return true;
                g_usleep(20000);
        }
        return false;
}

static void start_bus_and_server(void)
{
        g_autofree char *sock = g_build_filename(tmp, "bus", NULL);
        g_autofree char *listen = g_strdup_printf("--address=unix:path=%s", sock);
        const char *bus_argv[] = { "dbus-daemon", "--session", "--nofork", listen, NULL };
        g_autoptr(GError) error = NULL;
        g_assert_true(g_spawn_async(NULL, (char **)bus_argv, NULL,
                                    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                    die_with_parent, NULL, &bus_pid, &error));
        g_assert_true(wait_for_file(sock, 10));
        g_autofree char *addr = g_strdup_printf("unix:path=%s", sock);
        g_setenv("DBUS_SESSION_BUS_ADDRESS", addr, TRUE);

        const char *srcdir = g_getenv("srcdir") ? g_getenv("srcdir") : ".";
        g_autofree char *script = g_build_filename(srcdir, "tests", "lib", "fake-server.py", NULL);
        g_autofree char *log = g_build_filename(tmp, "notify.jsonl", NULL);
        g_autofree char *ready = g_build_filename(tmp, "server-ready", NULL);
        const char *server_argv[] = { "/usr/bin/python3", script, log, ready, "body", "actions",
                                      NULL };
        g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "FAKE_CLOSE_AT_ONCE", "close-now",
                                             TRUE);
        g_assert_true(g_spawn_async(NULL, (char **)server_argv, env, G_SPAWN_DO_NOT_REAP_CHILD,
                                    die_with_parent, NULL, &server_pid, &error));
        g_assert_true(wait_for_file(ready, 20));
}

static const Notice notice = {
        .series_id = "therapy",
        .session_start = 4102444800, /* 2100-01-01 */
        .session_end = 4102447800,
        .summary = "Therapy tomorrow at 14:00",
        .body = "Write down what is on your mind.",
        .notes_path = "/nonexistent/2100-01-01-therapy.md",
        .title = "Therapy",
};

static void send_and_wait(Notifier *n, Wait *w, const Notice *what, uint64_t ticket)
{
        int before = w->done;
        w->ok = false;
        notifier_send(n, what, ticket);
        gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
        while (w->done == before && g_get_monotonic_time() < deadline)
                g_main_context_iteration(NULL, TRUE);
        g_assert_cmpint(w->done, ==, before + 1);
        g_assert_true(w->ok);
        run_for(w, 300); /* signals that came with or after the answer */
}

static void test_closed_before_shown(void)
{
        Wait w = { .loop = g_main_loop_new(NULL, FALSE) };
        NotifierEvents ev = { .sent = on_sent, .userdata = &w };
        Notifier *n = notifier_new_libnotify(&ev);
        run_for(&w, 300); /* the server's capabilities */

        send_and_wait(n, &w, &notice, 1);
        g_assert_cmpuint(notifier_libnotify_on_screen(n), ==, 1);

        /* Closed by the server before Notify's answer: shown, and at once gone. */
        Notice closing = notice;
        closing.session_start += 7 * 86400;
        closing.session_end += 7 * 86400;
        closing.summary = "close-now: Therapy next week";
        send_and_wait(n, &w, &closing, 2);
        g_assert_cmpuint(notifier_libnotify_on_screen(n), ==, 1);

        notifier_free(n);
        g_main_loop_unref(w.loop);
}

static void stop_child(GPid pid)
{
        if (pid <= 0)
                return;
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        g_spawn_close_pid(pid);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_autofree char *bus_daemon = g_find_program_in_path("dbus-daemon");
        if (!bus_daemon) {
                g_test_skip("no dbus-daemon: .ci/install-deps test installs it");
                return g_getenv("CI") ? 1 : 77;
        }
        tmp = g_dir_make_tmp("nudge-test-notifier-server-XXXXXX", NULL);
        g_assert_nonnull(tmp);
        start_bus_and_server();
        g_test_add_func("/notifier-server/closed-before-shown", test_closed_before_shown);
        int r = g_test_run();
        stop_child(server_pid);
        stop_child(bus_pid);
        const char *const rm[] = { "rm", "-rf", tmp, NULL };
        g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                     NULL);
        g_free(tmp);
        return r;
}
