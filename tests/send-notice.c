/* SPDX-License-Identifier: MIT */
/* Test driver for the end-to-end reminder tests: composes the reminder of the next session of
 * a schedule exactly as nudged would, sends it through the libnotify backend, and keeps the
 * main loop running so that actions (Write notes, Snooze) work. A snooze re-sends the
 * reminder after notifier_snooze_seconds() (NUDGE_TEST_SNOOZE_SECONDS in tests).
 *
 *   send-notice --config FILE [--reminder N] [--seconds S]
 *
 * Prints what it does, one event per line: "summary: …", "body: …", "notes: PATH",
 * "sent", "failed: MESSAGE", "snooze", "resent". Exits 0 when the first send succeeded. */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "schedfile.h"
#include "notes.h"
#include "notifier.h"
#include "planner.h"
#include "prompts.h"

typedef struct {
        GMainLoop *loop;
        Notifier *notifier;
        Occurrence occ;
        int64_t instant;
        char *notes;
        Tz *local;
        int status;
        bool first;
} Ctx;

static void on_sent(void *userdata, uint64_t ticket, const NotifierResult *r)
{
        Ctx *c = userdata;
        if (r->ok) {
                printf("%s\n", c->first ? "sent" : "resent");
                if (c->first)
                        c->status = 0;
        } else {
                printf("failed: %s\n", r->error ? r->error : "unknown error");
        }
        c->first = false;
        fflush(stdout);
}

static void send_now(Ctx *c)
{
        int64_t now = g_get_real_time() / G_USEC_PER_SEC;
        g_autofree char *summary = NULL, *body = NULL;
        prompts_compose(&c->occ, c->instant, now, c->local, &summary, &body);
        printf("summary: %s\nbody: %s\nnotes: %s\n", summary, body, c->notes);
        fflush(stdout);
        Notice n = {
                .series_id = c->occ.series->id,
                .session_start = c->occ.start,
                .session_end = c->occ.end,
                .summary = summary,
                .body = body,
                .notes_path = c->notes,
                .title = c->occ.series->privacy ? NULL : c->occ.series->title,
                .offer_snooze = c->occ.start - now >= 60,
        };
        notifier_send(c->notifier, &n, 1);
}

static gboolean resend(gpointer userdata)
{
        send_now(userdata);
        return G_SOURCE_REMOVE;
}

static void on_snooze(void *userdata, const char *series_id, int64_t session_start)
{
        Ctx *c = userdata;
        int64_t now = g_get_real_time() / G_USEC_PER_SEC;
        int64_t at = planner_snooze_at(now, session_start, notifier_snooze_seconds());
        printf("snooze %s %lld\n", series_id, (long long) (at - now));
        fflush(stdout);
        g_timeout_add_seconds((guint) (at > now ? at - now : 0), resend, c);
}

static gboolean quit(gpointer userdata)
{
        g_main_loop_quit(((Ctx *) userdata)->loop);
        return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
        g_autofree char *config = NULL;
        int reminder = -1, seconds = 30;
        GOptionEntry entries[] = {
                {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Schedule file", "FILE"},
                {"reminder", 'r', 0, G_OPTION_ARG_INT, &reminder,
                 "Which reminder of the occurrence (default: the latest that passed)", "N"},
                {"seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "Run the loop this long", "S"},
                {NULL},
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("- send one reminder");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error) || !config) {
                fprintf(stderr, "send-notice: %s\n", error ? error->message : "--config needed");
                return 2;
        }

        Ctx c = {.status = 1, .first = true};
        c.local = tz_new_local();
        g_autoptr(SchedfileErrors) errors = NULL;
        int err = 0;
        g_autoptr(Schedule) s = schedfile_load(config, c.local, &errors, &err);
        if (!s) {
                g_autofree char *msg = errors ? schedfile_errors_format(errors) : NULL;
                fprintf(stderr, "send-notice: %s: %s\n", config, msg ? msg : g_strerror(-err));
                return 2;
        }
        int64_t now = g_get_real_time() / G_USEC_PER_SEC;
        bool found = false;
        for (size_t i = 0; i < s->n_series; i++) {
                Occurrence o;
                if (series_next(&s->series[i], now, &o) && (!found || o.start < c.occ.start)) {
                        c.occ = o;
                        found = true;
                }
        }
        if (!found || c.occ.n_reminders == 0) {
                fprintf(stderr, "send-notice: no session to come\n");
                return 2;
        }
        size_t idx = 0;
        for (size_t k = 0; k < c.occ.n_reminders; k++)
                if (c.occ.reminders[k] <= now)
                        idx = k;
        if (reminder >= 0 && (size_t) reminder < c.occ.n_reminders)
                idx = (size_t) reminder;
        c.instant = c.occ.reminders[idx];
        c.notes = notes_path(&c.occ);

        NotifierEvents ev = {.sent = on_sent, .snooze = on_snooze, .userdata = &c};
        c.notifier = notifier_new_libnotify(&ev);
        c.loop = g_main_loop_new(NULL, FALSE);
        g_unix_signal_add(SIGTERM, quit, &c);
        g_unix_signal_add(SIGINT, quit, &c);
        g_timeout_add_seconds((guint) seconds, quit, &c);
        send_now(&c);
        g_main_loop_run(c.loop);

        notifier_free(c.notifier);
        g_main_loop_unref(c.loop);
        g_free(c.notes);
        tz_unref(c.local);
        return c.status;
}
