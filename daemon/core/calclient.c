/* SPDX-License-Identifier: MIT */
/* Asking the calendar reader (calclient.h): through the user manager's socket, or a
 * reader started here on a socket pair; one request out, one bounded reply in, on the
 * GLib loop with a time limit. */
#include "config.h"

#include "calclient.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fileio.h"
#include "i18n.h"

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/nudge"
#endif

#define CHUNK 65536

typedef struct {
        GMainContext *ctx;
        GCancellable *cancel;  /* ours: the time limit and the caller's cancel end in it */
        GCancellable *outer;   /* the caller's, or NULL */
        gulong outer_id;
        GSource *timer;
        GSubprocess *child;    /* when we started the reader */
        GSocketConnection *conn;
        char *request;
        GByteArray *reply;
        bool timed_out;
        char *early_error;     /* a failure before any I/O, reported from the loop */
        CalClientDone done;
        void *userdata;
} Ask;

static void ask_free(Ask *a)
{
        if (a->timer) {
                g_source_destroy(a->timer);
                g_source_unref(a->timer);
        }
        if (a->outer)
                g_cancellable_disconnect(a->outer, a->outer_id);
        g_clear_object(&a->outer);
        if (a->child)
                g_subprocess_force_exit(a->child); /* gone already, or no use any more */
        g_clear_object(&a->child);
        g_clear_object(&a->conn);
        g_clear_object(&a->cancel);
        if (a->request) {
                memset(a->request, 0, strlen(a->request)); /* it may hold the password */
                g_free(a->request);
        }
        if (a->reply)
                g_byte_array_unref(a->reply);
        g_main_context_unref(a->ctx);
        g_free(a);
}

/* Ends the exchange: `done` once, then everything is freed. */
static void finish(Ask *a, CalReply *reply, const char *error)
{
        if (!reply && a->timed_out)
                error = _("the calendar reader gave no answer within the time limit");
        a->done(reply, error, a->userdata);
        ask_free(a);
}

static void finish_gerror(Ask *a, const char *what, GError *e)
{
        g_autofree char *msg = g_strdup_printf("%s: %s", what, e ? e->message : "failed");
        finish(a, NULL, msg);
}

static void parse_reply(Ask *a)
{
        CalReply *reply = NULL;
        g_autofree char *why = NULL;
        if (a->reply->len == 0) {
                finish(a, NULL, _("the calendar reader ended without an answer"));
                return;
        }
        if (calreply_parse_buf((const char *)a->reply->data, a->reply->len, &reply, &why) < 0) {
                g_autofree char *msg = g_strdup_printf(
                        _("the calendar reader's answer breaks the format: %s"), why);
                finish(a, NULL, msg);
                return;
        }
        finish(a, reply, NULL);
}

static void read_more(Ask *a);

static void on_read(GObject *src, GAsyncResult *res, gpointer data)
{
        Ask *a = data;
        g_autoptr(GError) e = NULL;
        g_autoptr(GBytes) b = g_input_stream_read_bytes_finish(G_INPUT_STREAM(src), res, &e);
        if (!b) {
                finish_gerror(a, _("cannot read the calendar reader's answer"), e);
                return;
        }
        if (g_bytes_get_size(b) == 0) {
                parse_reply(a);
                return;
        }
        if (a->reply->len + g_bytes_get_size(b) > CALREPLY_MAX_BYTES) {
                finish(a, NULL, _("the calendar reader's answer is too large"));
                return;
        }
        g_byte_array_append(a->reply, g_bytes_get_data(b, NULL), (guint)g_bytes_get_size(b));
        read_more(a);
}

static void read_more(Ask *a)
{
        GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(a->conn));
        g_input_stream_read_bytes_async(in, CHUNK, G_PRIORITY_DEFAULT, a->cancel, on_read, a);
}

static void on_written(GObject *src, GAsyncResult *res, gpointer data)
{
        Ask *a = data;
        g_autoptr(GError) e = NULL;
        if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(src), res, NULL, &e)) {
                finish_gerror(a, _("cannot send the request to the calendar reader"), e);
                return;
        }
        /* The reader reads up to the end of the request: close our sending half. */
        GSocket *sock = g_socket_connection_get_socket(a->conn);
        if (!g_socket_shutdown(sock, FALSE, TRUE, &e)) {
                finish_gerror(a, _("cannot send the request to the calendar reader"), e);
                return;
        }
        read_more(a);
}

/* A connected stream socket to the reader: the socket unit's, when it answers. */
static int connect_socket(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        g_strlcpy(sa.sun_path, path, sizeof sa.sun_path);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
                return -errno;
        return fileio_take_fd(&fd);
}

/* Starts nudge-calendar --serve on one end of a socket pair; returns the other. */
static int spawn_reader(Ask *a, char **error)
{
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
                *error = g_strdup_printf(_("cannot make a socket pair: %s"), g_strerror(errno));
                return -errno;
        }
        _cleanup_close_ int ours = sv[0], theirs = sv[1];
        const char *prog = g_getenv("NUDGE_CALENDAR");
        if (!prog || !*prog)
                prog = PKGLIBEXECDIR "/nudge-calendar";
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        int dup_fd = dup(theirs);
        if (dup_fd < 0) {
                *error = g_strdup_printf(_("cannot start the calendar reader: %s"),
                                         g_strerror(errno));
                return -errno;
        }
        g_subprocess_launcher_take_stdin_fd(l, fileio_take_fd(&theirs));
        g_subprocess_launcher_take_stdout_fd(l, dup_fd);
        g_autoptr(GError) e = NULL;
        const char *argv[] = { prog, "--serve", NULL };
        a->child = g_subprocess_launcher_spawnv(l, argv, &e);
        if (!a->child) {
                *error = g_strdup_printf(_("cannot start the calendar reader %s: %s"), prog,
                                         e->message);
                return -ENOENT;
        }
        return fileio_take_fd(&ours);
}

static int open_reader(Ask *a, char **error)
{
        const char *rt = g_getenv("XDG_RUNTIME_DIR");
        if (rt && *rt) {
                g_autofree char *path = g_build_filename(rt, "nudge-calendar.socket", NULL);
                if (g_file_test(path, G_FILE_TEST_EXISTS)) {
                        int fd = connect_socket(path);
                        if (fd >= 0)
                                return fd;
                        /* A socket left behind by a manager that is gone: start one here. */
                }
        }
        return spawn_reader(a, error);
}

static gboolean on_timeout(gpointer data)
{
        Ask *a = data;
        a->timed_out = true;
        g_cancellable_cancel(a->cancel);
        g_source_unref(a->timer);
        a->timer = NULL;
        return G_SOURCE_REMOVE;
}

static void on_outer_cancel(GCancellable *outer, gpointer data)
{
        g_cancellable_cancel(G_CANCELLABLE(data));
}

/* A failure before any I/O is reported from the loop, never from within the call. */
static gboolean report_early(gpointer data)
{
        Ask *a = data;
        g_autofree char *error = g_steal_pointer(&a->early_error);
        finish(a, NULL, error);
        return G_SOURCE_REMOVE;
}

static void fail_later(Ask *a, char *error)
{
        a->early_error = error;
        GSource *s = g_idle_source_new();
        g_source_set_callback(s, report_early, a, NULL);
        g_source_attach(s, a->ctx);
        g_source_unref(s);
}

static bool start_io(Ask *a, char **error)
{
        int fd = open_reader(a, error);
        if (fd < 0)
                return false;
        g_autoptr(GError) e = NULL;
        g_autoptr(GSocket) sock = g_socket_new_from_fd(fd, &e);
        if (!sock) {
                close(fd);
                *error = g_strdup_printf(_("cannot talk to the calendar reader: %s"), e->message);
                return false;
        }
        a->conn = g_socket_connection_factory_create_connection(sock);
        GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(a->conn));
        g_output_stream_write_all_async(out, a->request, strlen(a->request), G_PRIORITY_DEFAULT,
                                        a->cancel, on_written, a);
        return true;
}

void calclient_ask_async(const CalRequest *req, GCancellable *cancel, CalClientDone done,
                         void *userdata)
{
        Ask *a = g_new0(Ask, 1);
        a->ctx = g_main_context_ref_thread_default();
        a->cancel = g_cancellable_new();
        a->reply = g_byte_array_new();
        a->done = done;
        a->userdata = userdata;
        a->timer = g_timeout_source_new_seconds(CALCLIENT_TIMEOUT_S);
        g_source_set_callback(a->timer, on_timeout, a, NULL);
        g_source_attach(a->timer, a->ctx);
        if (cancel) {
                a->outer = g_object_ref(cancel);
                a->outer_id = g_cancellable_connect(cancel, G_CALLBACK(on_outer_cancel),
                                                    a->cancel, NULL);
        }
        a->request = calreq_format(req);
        char *error = NULL;
        if (!a->request)
                fail_later(a, g_strdup(_("the calendar request is not valid")));
        else if (g_cancellable_is_cancelled(a->cancel))
                fail_later(a, g_strdup(_("cancelled")));
        else if (!start_io(a, &error))
                fail_later(a, error);
}

typedef struct {
        bool done;
        CalReply *reply;
        char *error;
} SyncResult;

static void sync_done(CalReply *reply, const char *error, void *userdata)
{
        SyncResult *r = userdata;
        r->done = true;
        r->reply = reply;
        r->error = g_strdup(error);
}

CalReply *calclient_ask_sync(const CalRequest *req, char **error)
{
        GMainContext *ctx = g_main_context_new();
        g_main_context_push_thread_default(ctx);
        SyncResult r = { false, NULL, NULL };
        calclient_ask_async(req, NULL, sync_done, &r);
        while (!r.done)
                g_main_context_iteration(ctx, TRUE);
        g_main_context_pop_thread_default(ctx);
        g_main_context_unref(ctx);
        if (!r.reply)
                *error = r.error;
        else
                g_free(r.error);
        return r.reply;
}
