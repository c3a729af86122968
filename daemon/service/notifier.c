/* SPDX-License-Identifier: MIT */
/* The notifier interface, and its plain backend: one line per notice on a stream. */
#include "config.h"

#include "notifier.h"

#include <errno.h>
#include <stdlib.h>

#define NOTIFIER_SNOOZE_SECONDS (10 * 60)

void notifier_send(Notifier *n, const Notice *notice, uint64_t ticket)
{
        n->ops->send(n, notice, ticket);
}

void notifier_report(Notifier *n, uint64_t ticket, const NotifierResult *result)
{
        if (n->events.sent)
                n->events.sent(n->events.userdata, ticket, result);
}

void notifier_free(Notifier *n)
{
        if (n)
                n->ops->destroy(n);
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

/* ---- stdout ------------------------------------------------------------------------- */

typedef struct {
        Notifier base;
        FILE *out;
        GArray *done; /* tickets printed, to report from the loop */
        guint idle;
} StdoutNotifier;

static char *one_line(const char *s)
{
        char *v = g_utf8_make_valid(s ? s : "", -1);
        for (char *p = v; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        return v;
}

static gboolean stdout_report(gpointer userdata)
{
        StdoutNotifier *sn = userdata;
        sn->idle = 0;
        /* Taken first: a report may lead to the next send, which queues anew. */
        g_autoptr(GArray) done = sn->done;
        sn->done = g_array_new(FALSE, FALSE, sizeof(uint64_t));
        for (guint i = 0; i < done->len; i++) {
                NotifierResult r = { .ok = true };
                notifier_report(&sn->base, g_array_index(done, uint64_t, i), &r);
        }
        return G_SOURCE_REMOVE;
}

static void stdout_send(Notifier *n, const Notice *notice, uint64_t ticket)
{
        StdoutNotifier *sn = (StdoutNotifier *)n;
        g_autofree char *summary = one_line(notice->summary);
        g_autofree char *body = one_line(notice->body);
        if (body[0])
                fprintf(sn->out, "%s: %s | %s\n", notice->series_id, summary, body);
        else
                fprintf(sn->out, "%s: %s\n", notice->series_id, summary);
        fflush(sn->out);
        g_array_append_val(sn->done, ticket);
        if (!sn->idle)
                sn->idle = g_idle_add(stdout_report, sn);
}

static void stdout_destroy(Notifier *n)
{
        StdoutNotifier *sn = (StdoutNotifier *)n;
        if (sn->idle)
                g_source_remove(sn->idle);
        g_array_unref(sn->done);
        g_free(sn);
}

static const NotifierOps stdout_ops = { stdout_send, stdout_destroy };

Notifier *notifier_new_stdout(FILE *out, const NotifierEvents *events)
{
        StdoutNotifier *sn = g_new0(StdoutNotifier, 1);
        sn->base.ops = &stdout_ops;
        if (events)
                sn->base.events = *events;
        sn->out = out;
        sn->done = g_array_new(FALSE, FALSE, sizeof(uint64_t));
        return &sn->base;
}
