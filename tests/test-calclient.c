/* SPDX-License-Identifier: MIT */
/* Unit tests of the calendar client: the real reader started on a socket pair (sync and
 * async), and readers that misbehave (this program again, with --serve: garbage, nothing,
 * a stall) ending in a clean error. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "calclient.h"

static char *self;

static CalRequest *request(const char *source)
{
        CalRequest *r = g_new0(CalRequest, 1);
        r->section = g_strdup("therapy");
        r->source = g_strdup(source);
        r->zone = g_strdup("Europe/Berlin");
        r->from = 1793491200; /* 2026-11-01 */
        r->to = 1809216000;   /* 2027-05-01 */
        r->duration = 3000;
        r->match = g_strsplit("therapy", "|", -1);
        return r;
}

static CalRequest *google(void)
{
        g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "calendars",
                                                      "google.ics", NULL);
        g_autofree char *abs = g_canonicalize_filename(path, NULL);
        return request(abs);
}

static void use_reader(const char *mode)
{
        if (!mode) {
                const char *cal = g_getenv("NUDGE_CALENDAR_BUILT");
                g_setenv("NUDGE_CALENDAR", cal, TRUE);
        } else {
                g_setenv("NUDGE_CALENDAR", self, TRUE);
                g_setenv("TEST_READER", mode, TRUE);
        }
}

static void test_sync_file(void)
{
        use_reader(NULL);
        g_autoptr(CalRequest) r = google();
        g_autofree char *error = NULL;
        g_autoptr(CalReply) reply = calclient_ask_sync(r, &error);
        g_assert_null(error);
        g_assert_nonnull(reply);
        g_assert_true(reply->ok);
        g_assert_cmpint(reply->origin, ==, CALORIGIN_FILE);
        g_assert_cmpuint(reply->list->sessions->len, ==, 20);
        g_assert_cmpuint(reply->list->allday, ==, 1);

        /* A file that is not iCalendar: a reply, failed, with the reason. */
        g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "calendars",
                                                      "login-page.ics", NULL);
        g_autofree char *abs = g_canonicalize_filename(path, NULL);
        g_autoptr(CalRequest) bad = request(abs);
        g_autoptr(CalReply) no = calclient_ask_sync(bad, &error);
        g_assert_nonnull(no);
        g_assert_false(no->ok);
        g_assert_null(no->list);
        g_assert_nonnull(strstr(no->reason, "not iCalendar"));
}

typedef struct {
        bool returned, called;
        CalReply *reply;
        char *error;
        GMainLoop *loop;
} AsyncResult;

static void on_done(CalReply *reply, const char *error, void *data)
{
        AsyncResult *a = data;
        g_assert_true(a->returned); /* never from within calclient_ask_async() */
        g_assert_false(a->called);
        a->called = true;
        a->reply = reply;
        a->error = g_strdup(error);
        g_main_loop_quit(a->loop);
}

static gboolean cancel_now(gpointer data)
{
        g_cancellable_cancel(data);
        return G_SOURCE_REMOVE;
}

/* Asks on the main loop; `cancel_after_ms` > 0 cancels then. */
static void ask_async(CalRequest *r, guint cancel_after_ms, AsyncResult *a)
{
        g_autoptr(GCancellable) cancel = g_cancellable_new();
        a->loop = g_main_loop_new(NULL, FALSE);
        calclient_ask_async(r, cancel, on_done, a);
        a->returned = true;
        if (cancel_after_ms)
                g_timeout_add(cancel_after_ms, cancel_now, cancel);
        g_main_loop_run(a->loop);
        g_main_loop_unref(a->loop);
}

static void test_async_file(void)
{
        use_reader(NULL);
        g_autoptr(CalRequest) r = google();
        AsyncResult a = { 0 };
        ask_async(r, 0, &a);
        g_assert_null(a.error);
        g_assert_true(a.reply->ok);
        g_assert_cmpuint(a.reply->list->sessions->len, ==, 20);
        calreply_free(a.reply);
}

/* A reader that misbehaves: a clean error that says what went wrong. */
static void test_bad_readers(void)
{
        static const struct {
                const char *mode, *error;
        } cases[] = {
                { "garbage", "breaks the format: line 1" },
                { "nothing", "ended without an answer" },
                { "cut", "breaks the format: the session list after line 8: no T line" },
        };
        g_autoptr(CalRequest) r = google();
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                use_reader(cases[i].mode);
                g_autofree char *error = NULL;
                CalReply *reply = calclient_ask_sync(r, &error);
                g_assert_null(reply);
                if (!error || !strstr(error, cases[i].error))
                        g_error("%s: \"%s\"", cases[i].mode, error);
        }
        g_setenv("NUDGE_CALENDAR", "/nonexistent/nudge-calendar", TRUE);
        g_autofree char *error = NULL;
        g_assert_null(calclient_ask_sync(r, &error));
        g_assert_nonnull(strstr(error, "cannot start the calendar reader"));
        /* An invalid request is refused before any reader runs. */
        g_free(r->zone);
        r->zone = g_strdup("no zone");
        AsyncResult a = { 0 };
        ask_async(r, 0, &a);
        g_assert_null(a.reply);
        g_assert_nonnull(strstr(a.error, "not valid"));
        g_free(a.error);
}

static void test_cancel_stalled(void)
{
        use_reader("stall");
        g_autoptr(CalRequest) r = google();
        AsyncResult a = { 0 };
        gint64 t0 = g_get_monotonic_time();
        ask_async(r, 300, &a);
        g_assert_null(a.reply);
        g_assert_nonnull(a.error);
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
        g_free(a.error);
}

#define SOCKET_REPLY "nudge-calendar-reply 1\nresult\tfailed\norigin\tnone\nrefresh\t0\n" \
                     "http\t0\nauth\tnone\nreason\tfrom the socket\nend\n"

/* A socket unit's stand-in: answers one connection, once the request has ended. */
static gpointer serve_once(gpointer data)
{
        int fd = accept(GPOINTER_TO_INT(data), NULL, NULL);
        char buf[4096];
        ssize_t n, total = 0;
        while ((n = read(fd, buf, sizeof buf)) > 0)
                total += n;
        if (total > 0 && write(fd, SOCKET_REPLY, strlen(SOCKET_REPLY)) < 0)
                g_warning("cannot answer: %s", g_strerror(errno));
        close(fd);
        return NULL;
}

static void test_socket(void)
{
        const char *rt = g_getenv("XDG_RUNTIME_DIR");
        g_autofree char *path = g_build_filename(rt, "nudge-calendar.socket", NULL);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        g_strlcpy(sa.sun_path, path, sizeof sa.sun_path);
        int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        g_assert_cmpint(bind(lfd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
        g_assert_cmpint(listen(lfd, 4), ==, 0);
        GThread *t = g_thread_new("socket", serve_once, GINT_TO_POINTER(lfd));
        use_reader("garbage"); /* not used: the socket answers */
        g_autoptr(CalRequest) r = google();
        g_autofree char *error = NULL;
        g_autoptr(CalReply) reply = calclient_ask_sync(r, &error);
        g_thread_join(t);
        g_assert_nonnull(reply);
        g_assert_cmpstr(reply->reason, ==, "from the socket");
        /* Nobody listens any more: a socket left behind; the client starts a reader. */
        close(lfd);
        use_reader(NULL);
        g_autoptr(CalReply) spawned = calclient_ask_sync(r, &error);
        g_assert_nonnull(spawned);
        g_assert_true(spawned->ok);
        g_unlink(path);
}

/* This program as a reader that misbehaves, as $TEST_READER says. */
static int fake_reader(void)
{
        const char *mode = g_getenv("TEST_READER");
        char buf[4096];
        while (read(STDIN_FILENO, buf, sizeof buf) > 0)
                ;
        if (g_strcmp0(mode, "garbage") == 0)
                fputs("HTTP/1.1 200 OK\n\n<html>", stdout);
        else if (g_strcmp0(mode, "cut") == 0)
                fputs("nudge-calendar-reply 1\nresult\tok\norigin\tfile\nrefresh\t0\nhttp\t0\n"
                      "auth\tnone\nreason\t\nend\nnudge-calendar 1\n",
                      stdout);
        else if (g_strcmp0(mode, "stall") == 0)
                sleep(60);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc == 2 && strcmp(argv[1], "--serve") == 0)
                return fake_reader();
        g_test_init(&argc, &argv, NULL);
        self = g_canonicalize_filename(argv[0], NULL);
        /* No socket unit here: the client starts the reader itself. */
        g_autofree char *rt = g_dir_make_tmp("calclient-XXXXXX", NULL);
        g_setenv("XDG_RUNTIME_DIR", rt, TRUE);
        const char *cal = g_getenv("NUDGE_CALENDAR");
        g_autofree char *built =
                cal ? g_strdup(cal) : g_canonicalize_filename("nudge-calendar", NULL);
        g_setenv("NUDGE_CALENDAR_BUILT", built, TRUE);
        g_test_add_func("/calclient/sync-file", test_sync_file);
        g_test_add_func("/calclient/async-file", test_async_file);
        g_test_add_func("/calclient/bad-readers", test_bad_readers);
        g_test_add_func("/calclient/cancel-stalled", test_cancel_stalled);
        g_test_add_func("/calclient/socket", test_socket);
        int r = g_test_run();
        g_rmdir(rt);
        return r;
}
