/* SPDX-License-Identifier: MIT */
/* nudged's status line. */
#include "config.h"

#include "status.h"

#include "format.h"
#include "i18n.h"
#include "paths.h"
#include "schedfile.h"

static void append_reminder(const StatusInput *in, GString *out, const Plan *p)
{
        const Series *se = p->next.series;
        OutboxPhase phase = outbox_phase(in->outbox, se->id, p->next.start);
        if (phase == OUTBOX_WAITING) {
                g_string_append(out, _("reminder waiting for the notification server"));
        } else if (phase == OUTBOX_SENDING) {
                g_string_append(out, _("reminder going out now"));
        } else if (p->next_reminder != INT64_MIN) {
                g_autofree char *r = format_short(p->next.tz, p->next_reminder);
                /* TRANSLATORS: in the status, after "Next: …; "; %s is a date and time. */
                g_string_append_printf(out, _("reminder %s"), r);
        } else {
                g_string_append(out, _("no reminder left before it"));
        }
        unsigned waiting = outbox_waiting(in->outbox, se->id, p->next.start);
        if (waiting)
                g_string_append_printf(out, ngettext(" (%u more waiting for the notification server)",
                                                     " (%u more waiting for the notification server)",
                                                     waiting),
                                       waiting);
}

/* A check-in comes before the next session (or no session is left). */
static char *checkin_text(const StatusInput *in, const Plan *p)
{
        g_autofree char *when = format_short(in->local, p->next_checkin);
        if (!p->has_next)
                return g_strdup_printf(_("Check-in %s; no session upcoming"), when);
        const Series *se = p->next.series;
        g_autofree char *next = format_short(p->next.tz, p->next.start);
        /* TRANSLATORS: %1$s the check-in's date and time, %2$s the next session's title,
         * %3$s its date and time. */
        return g_strdup_printf(_("Check-in %1$s; next: %2$s, %3$s"), when,
                               se->privacy ? _("Session") : p->next.title, next);
}

static char *problem_text(const StatusInput *in)
{
        if (in->has_schedule)
                /* TRANSLATORS: %s is "FILE:LINE: message" of the schedule's first problem. */
                return g_strdup_printf(_("%s; the last good schedule is in force"), in->problem);
        return g_strdup_printf(_("%s; no schedule in force until it is fixed"), in->problem);
}

static char *schedule_text(const StatusInput *in, const Plan *p)
{
        if (in->file_state == FILE_BROKEN)
                return problem_text(in);
        if (in->file_state == FILE_MISSING)
                return g_strdup_printf(_("No schedule yet: create %1$s with \"nudge edit\" or copy %2$s"),
                                       in->config_path, paths_example_config());
        if (!p->has_next && p->next_checkin == INT64_MIN && !in->has_schedule)
                /* TRANSLATORS: keep "[therapy]" and "weekly = Tue 14:00" as they are. */
                return g_strdup_printf(_("No sessions in %s yet: add one with \"nudge edit\", "
                                         "for example [therapy] with weekly = Tue 14:00"),
                                       in->config_path);
        if (!p->has_next && p->next_checkin == INT64_MIN)
                return g_strdup_printf(_("Nothing upcoming in %s"), in->config_path);
        if (p->next_checkin != INT64_MIN && (!p->has_next || p->next_checkin < p->next.start))
                return checkin_text(in, p);

        const Series *se = p->next.series;
        g_autofree char *when = format_short(p->next.tz, p->next.start);
        /* With privacy the status says only that a session is coming, like the reminder. */
        GString *out = g_string_new(NULL);
        /* TRANSLATORS: the status line's start: %1$s the title, %2$s the date and time. */
        g_string_append_printf(out, _("Next: %1$s, %2$s; "), se->privacy ? _("Session") : p->next.title,
                               when);
        append_reminder(in, out, p);
        return g_string_free(out, FALSE);
}

char *status_text(const StatusInput *in, const Plan *p)
{
        char *text = schedule_text(in, p);
        if (!in->calendars)
                return text;
        g_autofree char *base = text;
        return g_strdup_printf("%s; %s", base, in->calendars);
}

char *status_first_problem(const char *path, const SchedfileErrors *errors, unsigned *line)
{
        *line = errors && errors->n_errors > 0 ? errors->errors[0].line : 0;
        if (errors && errors->n_errors > 0 && errors->errors[0].line > 0)
                return g_strdup_printf("%s:%u: %s", path, errors->errors[0].line,
                                       errors->errors[0].message);
        if (errors && errors->n_errors > 0)
                return g_strdup_printf("%s: %s", path, errors->errors[0].message);
        return g_strdup_printf("%s: cannot be read", path);
}
