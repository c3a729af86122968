/* SPDX-License-Identifier: MIT */
/* nudged's status line. */
#include "config.h"

#include "status.h"

#include "format.h"
#include "paths.h"

static void append_reminder(const StatusInput *in, GString *out, const Plan *p)
{
        const Series *se = p->next.series;
        OutboxPhase phase = outbox_phase(in->outbox, se->id, p->next.start);
        if (phase == OUTBOX_WAITING) {
                g_string_append(out, "reminder waiting for the notification server");
        } else if (phase == OUTBOX_SENDING) {
                g_string_append(out, "reminder going out now");
        } else if (p->next_reminder != INT64_MIN) {
                g_autofree char *r = format_short(se->tz, p->next_reminder);
                g_string_append_printf(out, "reminder %s", r);
        } else {
                g_string_append(out, "no reminder left before it");
        }
        unsigned waiting = outbox_waiting(in->outbox, se->id, p->next.start);
        if (waiting)
                g_string_append_printf(out, " (%u more waiting for the notification server)",
                                       waiting);
}

/* A check-in comes before the next session (or no session is left). */
static char *checkin_text(const StatusInput *in, const Plan *p)
{
        g_autofree char *when = format_short(in->local, p->next_checkin);
        if (!p->has_next)
                return g_strdup_printf("Check-in %s; no session upcoming", when);
        const Series *se = p->next.series;
        g_autofree char *next = format_short(se->tz, p->next.start);
        return g_strdup_printf("Check-in %s; next: %s, %s", when,
                               se->privacy ? "Session" : se->title, next);
}

static char *problem_text(const StatusInput *in)
{
        if (in->has_schedule)
                return g_strdup_printf("%s; the last good schedule is in force", in->problem);
        return g_strdup_printf("%s; no schedule in force until it is fixed", in->problem);
}

char *status_text(const StatusInput *in, const Plan *p)
{
        if (in->file_state == FILE_BROKEN)
                return problem_text(in);
        if (in->file_state == FILE_MISSING)
                return g_strdup_printf("No schedule yet: create %s with \"nudge edit\" or copy %s",
                                       in->config_path, paths_example_config());
        if (!p->has_next && p->next_checkin == INT64_MIN && !in->has_schedule)
                return g_strdup_printf("No sessions in %s yet: add one with \"nudge edit\", "
                                       "for example [therapy] with weekly = Tue 14:00",
                                       in->config_path);
        if (!p->has_next && p->next_checkin == INT64_MIN)
                return g_strdup_printf("Nothing upcoming in %s", in->config_path);
        if (p->next_checkin != INT64_MIN && (!p->has_next || p->next_checkin < p->next.start))
                return checkin_text(in, p);

        const Series *se = p->next.series;
        g_autofree char *when = format_short(se->tz, p->next.start);
        /* With privacy the status says only that a session is coming, like the reminder. */
        GString *out = g_string_new(NULL);
        g_string_append_printf(out, "Next: %s, %s; ", se->privacy ? "Session" : se->title, when);
        append_reminder(in, out, p);
        return g_string_free(out, FALSE);
}
