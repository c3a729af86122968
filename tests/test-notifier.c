/* SPDX-License-Identifier: MIT */
/* Unit tests of the notifier: the stdout backend, the snooze setting, and that the libnotify
 * backend never blocks the main loop, whether the bus is missing or never answers. (What a
 * real server receives is tested end to end in reminders-e2e.sh.) */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notifier.h"

static char *tmp;

typedef struct {
        GMainLoop *loop;
        Notifier *n;
        int done;
        bool ok;
        uint64_t ticket;
        char *error;
        gint64 last_tick, max_gap;
        gint64 done_at;
} Wait;

static void on_sent(void *userdata, uint64_t ticket, const NotifierResult *r)
{
        Wait *w = userdata;
        w->ok = r->ok;
        w->ticket = ticket;
        g_free(w->error);
        w->error = r->error ? g_strdup(r->error) : NULL;
        w->done++;
        w->done_at = g_get_monotonic_time();
        g_main_loop_quit(w->loop);
}

/* The longest time the loop went without running this 20 ms tick: a loop held up by a
 * blocking D-Bus call (25 s) shows up as a gap of seconds, a loaded machine does not. */
static gboolean tick(gpointer userdata)
{
        Wait *w = userdata;
        gint64 now = g_get_monotonic_time();
        if (w->last_tick && now - w->last_tick > w->max_gap)
                w->max_gap = now - w->last_tick;
        w->last_tick = now;
        return G_SOURCE_CONTINUE;
}

static gboolean stop(gpointer userdata)
{
        g_main_loop_quit(((Wait *) userdata)->loop);
        return G_SOURCE_REMOVE;
}

static const Notice notice = {
        .series_id = "therapy",
        .session_start = 4102444800, /* 2100-01-01: far enough for a snooze */
        .session_end = 4102447800,
        .summary = "Therapy with Dr. Rivera tomorrow at 14:00",
        .body = "Write down\nwhat is on your mind.",
        .notes_path = "/nonexistent/2100-01-01-therapy.md",
        .title = "Therapy with Dr. Rivera",
};

static void test_stdout(void)
{
        g_autofree char *path = g_build_filename(tmp, "out.txt", NULL);
        FILE *f = fopen(path, "w+");
        g_assert_nonnull(f);
        Wait w = {.loop = g_main_loop_new(NULL, FALSE)};
        NotifierEvents ev = {.sent = on_sent, .userdata = &w};
        w.n = notifier_new_stdout(f, &ev);
        notifier_send(w.n, &notice, 7);
        /* Asynchronous even here: the callback comes from the loop, not from inside. */
        g_assert_cmpint(w.done, ==, 0);
        g_main_loop_run(w.loop);
        g_assert_cmpint(w.done, ==, 1);
        g_assert_true(w.ok);
        g_assert_cmpuint(w.ticket, ==, 7);

        Notice private = notice;
        private.summary = "Session tomorrow at 14:00";
        private.body = "";
        private.title = NULL;
        notifier_send(w.n, &private, 8);
        g_main_loop_run(w.loop);
        g_assert_true(w.ok);
        notifier_free(w.n);
        fclose(f);

        g_autofree char *text = NULL;
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        g_assert_cmpstr(text, ==,
                        "therapy: Therapy with Dr. Rivera tomorrow at 14:00 | Write down what is "
                        "on your mind.\n"
                        "therapy: Session tomorrow at 14:00\n");
        g_main_loop_unref(w.loop);
        g_free(w.error);
}

static void test_snooze_seconds(void)
{
        g_unsetenv("NUDGE_TEST_SNOOZE_SECONDS");
        g_assert_cmpint(notifier_snooze_seconds(), ==, 600);
        g_setenv("NUDGE_TEST_SNOOZE_SECONDS", "3", TRUE);
        g_assert_cmpint(notifier_snooze_seconds(), ==, 3);
        static const char *const bad[] = {"0", "-5", "601", "3s", "", "abc"};
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_setenv("NUDGE_TEST_SNOOZE_SECONDS", bad[i], TRUE);
                g_assert_cmpint(notifier_snooze_seconds(), ==, 600);
        }
        g_unsetenv("NUDGE_TEST_SNOOZE_SECONDS");
}

static void snooze_cb(void *userdata, const char *series_id, int64_t session_start)
{
}

/* No bus at all: the send fails, reported through the callback, and the loop never
 * stopped meanwhile. */
static void test_no_bus(void)
{
        g_autofree char *addr = g_strdup_printf("unix:path=%s/no-such-bus", tmp);
        g_setenv("DBUS_SESSION_BUS_ADDRESS", addr, TRUE);
        Wait w = {.loop = g_main_loop_new(NULL, FALSE)};
        NotifierEvents ev = {.sent = on_sent, .snooze = snooze_cb, .userdata = &w};
        w.n = notifier_new_libnotify(&ev);
        gint64 t0 = g_get_monotonic_time();
        notifier_send(w.n, &notice, 1);
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC); /* not the 25 s of a blocking call */
        guint guard = g_timeout_add_seconds(10, stop, &w);
        g_main_loop_run(w.loop);
        g_source_remove(guard);
        g_assert_cmpint(w.done, ==, 1);
        g_assert_false(w.ok);
        g_assert_nonnull(w.error);
        g_test_message("no bus: failed after %" G_GINT64_FORMAT " ms: %s",
                       (w.done_at - t0) / 1000, w.error);
        notifier_free(w.n);
        g_main_loop_unref(w.loop);
        g_free(w.error);
}

/* A bus that accepts the connection and then never answers (like a server that hangs):
 * the loop keeps running at its pace while the send waits in its worker. */
static void test_hanging_bus(void)
{
        g_autofree char *sock_path = g_build_filename(tmp, "silent-bus", NULL);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(fd, >=, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        g_assert_cmpuint(strlen(sock_path), <, sizeof sa.sun_path);
        strcpy(sa.sun_path, sock_path);
        g_assert_cmpint(bind(fd, (struct sockaddr *) &sa, sizeof sa), ==, 0);
        g_assert_cmpint(listen(fd, 8), ==, 0); /* never accepted, never answered */
        g_autofree char *addr = g_strdup_printf("unix:path=%s", sock_path);
        g_setenv("DBUS_SESSION_BUS_ADDRESS", addr, TRUE);

        Wait w = {.loop = g_main_loop_new(NULL, FALSE)};
        NotifierEvents ev = {.sent = on_sent, .snooze = snooze_cb, .userdata = &w};
        w.n = notifier_new_libnotify(&ev);
        gint64 t0 = g_get_monotonic_time();
        notifier_send(w.n, &notice, 1);
        gint64 t1 = g_get_monotonic_time();
        /* The loop must keep turning while the send waits: ten 20 ms ticks, however slow
         * the machine, long before the guard. A send that held the loop would hold it for
         * GDBus's 25 s timeout (or for ever), and the guard would end the loop first. No
         * rate is asserted: a loaded machine under ASan may tick late, and that is not
         * what this tests. */
        guint tick_src = g_timeout_add(20, tick, &w);
        guint guard = g_timeout_add_seconds(15, stop, &w);
        g_main_loop_run(w.loop);
        gint64 t2 = g_get_monotonic_time();
        g_test_message("send returned in %" G_GINT64_FORMAT " us; the longest gap between "
                       "20 ms ticks was %" G_GINT64_FORMAT " ms in %" G_GINT64_FORMAT " ms",
                       t1 - t0, w.max_gap / 1000, (t2 - t0) / 1000);
        g_assert_cmpint(w.done, ==, 0);   /* still waiting for the bus */
        g_assert_cmpint(w.last_tick, >, 0);
        /* Blocking calls take 25 s; 5 s is slack for a loaded machine under sanitizers. */
        g_assert_cmpint(t1 - t0, <, 5 * G_USEC_PER_SEC);
        g_assert_cmpint(w.max_gap, <, 5 * G_USEC_PER_SEC);
        /* Freeing with a send in flight is fine; the worker is left to time out. */
        notifier_free(w.n);
        g_main_loop_unref(w.loop);
}

int main(int argc, char **argv)
{
        tmp = g_dir_make_tmp("nudge-test-notifier-XXXXXX", NULL);
        g_assert_nonnull(tmp);
        g_test_init(&argc, &argv, NULL);
        /* libnotify warns ("Failed to connect to proxy") when there is no server; the
         * failure itself comes back as an error, which is what these tests check. */
        g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
        g_test_add_func("/notifier/stdout", test_stdout);
        g_test_add_func("/notifier/snooze-seconds", test_snooze_seconds);
        /* In this order: the hanging bus leaves a worker blocked for good. */
        g_test_add_func("/notifier/no-bus", test_no_bus);
        g_test_add_func("/notifier/hanging-bus", test_hanging_bus);
        int r = g_test_run();
        const char *const rm[] = {"rm", "-rf", tmp, NULL};
        g_spawn_sync(NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                     NULL);
        g_free(tmp);
        return r;
}
