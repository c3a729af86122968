/* SPDX-License-Identifier: MIT */
/* Drives daemon/core/password.c for tests/cli-password.sh, which runs it against its own
 * Secret Service: password-probe sync|async|cancel URL [EXPECTED]. Prints one line:
 * "match", "differs", "none", or "error CODE: MESSAGE" (CODE: no-service, locked,
 * cancelled, failed, or the GIO code of a cancelled call); never the password itself. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "password.h"

typedef struct {
        GMainLoop *loop;
        char *pw;
        GError *error;
} Wait;

static void on_lookup(GObject *source, GAsyncResult *result, gpointer data)
{
        (void)source;
        Wait *w = data;
        w->pw = password_lookup_finish(result, &w->error);
        g_main_loop_quit(w->loop);
}

static void print_result(const char *pw, const GError *e, const char *expected)
{
        static const char *const codes[] = {"no-service", "locked", "cancelled", "failed"};
        if (e && e->domain == PASSWORD_ERROR && (size_t)e->code < G_N_ELEMENTS(codes))
                printf("error %s: %s\n", codes[e->code], e->message);
        else if (e)
                printf("error %s/%d: %s\n", g_quark_to_string(e->domain), e->code, e->message);
        else if (!pw)
                printf("none\n");
        else
                printf("%s\n", expected && strcmp(pw, expected) == 0 ? "match" : "differs");
}

int main(int argc, char **argv)
{
        if (argc < 3) {
                fprintf(stderr, "usage: password-probe sync|async|cancel URL [EXPECTED]\n");
                return 64;
        }
        const char *mode = argv[1], *url = argv[2], *expected = argc > 3 ? argv[3] : NULL;
        Wait w = {g_main_loop_new(NULL, FALSE), NULL, NULL};
        if (strcmp(mode, "sync") == 0) {
                w.pw = password_lookup_sync(url, &w.error);
        } else {
                g_autoptr(GCancellable) cancel = g_cancellable_new();
                password_lookup_async(url, cancel, on_lookup, &w);
                if (strcmp(mode, "cancel") == 0)
                        g_cancellable_cancel(cancel);
                g_main_loop_run(w.loop);
        }
        print_result(w.pw, w.error, expected);
        password_free(w.pw);
        g_clear_error(&w.error);
        g_main_loop_unref(w.loop);
        return 0;
}
