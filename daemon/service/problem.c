/* SPDX-License-Identifier: MIT */
/* The notice about a broken schedule file. */
#include "config.h"

#include "problem.h"

#include <glib.h>

#include "i18n.h"
#include "lastgood.h"

/* A notice that no server took is tried again this much later. */
#define PROBLEM_RETRY_SECONDS 30

struct Problem {
        Notifier *notifier;
        char *told_path;
        char *file_name;
        char *broken; /* what the file held (or the problem), to tell once; NULL: fine */
        size_t broken_len;
        unsigned line;
        bool in_force;
        uint32_t id; /* the server's id of the last notice */
        guint retry;
};

Problem *problem_new(Notifier *notifier, const char *told_path)
{
        Problem *p = g_new0(Problem, 1);
        p->notifier = notifier;
        p->told_path = g_strdup(told_path);
        return p;
}

void problem_free(Problem *p)
{
        if (!p)
                return;
        g_clear_handle_id(&p->retry, g_source_remove);
        g_free(p->told_path);
        g_free(p->file_name);
        g_free(p->broken);
        g_free(p);
}

static char *body_text(const Problem *p)
{
        /* TRANSLATORS: the notification when the schedule file has a mistake; %1$u is the
         * line, %2$s the file's name. Keep "nudge check". */
        if (p->line > 0 && p->in_force)
                return g_strdup_printf(_("The schedule has a problem at line %1$u of %2$s; reminders "
                                         "go on from the last good version. \"nudge check\" shows "
                                         "what is wrong."), p->line, p->file_name);
        if (p->line > 0)
                return g_strdup_printf(_("The schedule has a problem at line %1$u of %2$s; no "
                                         "reminders until it is fixed. \"nudge check\" shows what "
                                         "is wrong."), p->line, p->file_name);
        if (p->in_force)
                return g_strdup_printf(_("The schedule %s cannot be read; reminders go on from the "
                                         "last good version. \"nudge check\" shows what is wrong."),
                                       p->file_name);
        return g_strdup_printf(_("The schedule %s cannot be read; no reminders until it is "
                                 "fixed. \"nudge check\" shows what is wrong."), p->file_name);
}

static void tell(Problem *p)
{
        if (!p->broken || (p->told_path && lastgood_was_told(p->told_path, p->broken,
                                                              p->broken_len)))
                return;
        g_autofree char *body = body_text(p);
        /* No title, no value from the file: it may show on a lock screen. No notes file:
         * no actions. */
        Notice notice = {
                .series_id = "",
                .summary = _("Your session schedule needs a look"),
                .body = body,
                .replaces_id = p->id,
        };
        notifier_send(p->notifier, &notice, PROBLEM_TICKET);
}

void problem_report(Problem *p, const char *file_name, char *text, size_t len, unsigned line,
                    bool in_force)
{
        g_free(p->file_name);
        p->file_name = g_strdup(file_name);
        g_free(p->broken);
        p->broken = text;
        p->broken_len = len;
        p->line = line;
        p->in_force = in_force;
        tell(p);
}

void problem_clear(Problem *p)
{
        g_clear_pointer(&p->broken, g_free);
        g_clear_handle_id(&p->retry, g_source_remove);
}

static gboolean on_retry(gpointer userdata)
{
        Problem *p = userdata;
        p->retry = 0;
        tell(p);
        return G_SOURCE_REMOVE;
}

void problem_answered(Problem *p, const NotifierResult *result)
{
        if (!p->broken)
                return; /* fixed meanwhile */
        if (result->ok) {
                p->id = result->id;
                if (p->told_path)
                        lastgood_mark_told(p->told_path, p->broken, p->broken_len);
                return;
        }
        if (!p->retry)
                p->retry = g_timeout_add_seconds(PROBLEM_RETRY_SECONDS, on_retry, p);
}
