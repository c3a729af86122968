/* SPDX-License-Identifier: MIT */
/* `nudge check`: is the schedule right, and what comes next. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "format.h"

/* A session ends at most 12 h after its start and its check-in at most 12 h after that:
 * only sessions that started within this span before `now` can still have one to come. */
#define CHECKIN_REACH (24 * 3600LL)

/* The earliest check-in at or after `now` (ties: by id), and its session. */
static bool next_checkin(const Schedule *s, int64_t now, Occurrence *out)
{
        bool found = false;
        for (size_t i = 0; i < s->n_series; i++) {
                const Series *se = &s->series[i];
                Occurrence o;
                if (!se->has_checkin)
                        continue;
                for (int64_t t = now - CHECKIN_REACH; series_next(se, t, &o); t = o.start + 1) {
                        if (o.checkin >= now) {
                                if (!found || o.checkin < out->checkin)
                                        *out = o;
                                found = true;
                                break;
                        }
                }
        }
        return found;
}

void cli_print_summary(const char *path, const Schedule *s, Tz *local, int64_t now)
{
        /* TRANSLATORS: %1$s is the schedule file's path, %2$zu the number of sessions
         * (series of sessions: "weekly therapy" is one). */
        printf(ngettext("%1$s: no problems, %2$zu session series.\n",
                        "%1$s: no problems, %2$zu session series.\n", s->n_series),
               path, s->n_series);
        Occurrence o;
        int64_t r;
        if (schedule_next_session(s, now, &o)) {
                g_autofree char *when = format_long(local, o.start);
                g_autofree char *left = format_span(o.start - now);
                /* TRANSLATORS: "Next session:" and "Next reminder:" are padded to one
                 * width, so that the dates line up. %1$s is a date and time ("Tue
                 * 2026-12-01 14:00 CET"), %2$s a span ("2 days 3h"), %3$s the session's
                 * title. */
                printf(_("Next session:  %1$s (in %2$s), %3$s\n"), when, left, o.title);
        } else {
                fputs(_("Next session:  none to come.\n"), stdout);
        }
        if (schedule_next_reminder(s, now, &o, &r)) {
                g_autofree char *when = format_long(local, r);
                g_autofree char *left = format_span(r - now);
                /* TRANSLATORS: %1$s is a date and time, %2$s a span, %3$s the session's
                 * title. */
                printf(_("Next reminder: %1$s (in %2$s), for %3$s\n"), when, left,
                       o.title);
        } else {
                fputs(_("Next reminder: none to come.\n"), stdout);
        }
        if (next_checkin(s, now, &o)) {
                g_autofree char *when = format_long(local, o.checkin);
                g_autofree char *left = format_span(o.checkin - now);
                printf("Next check-in: %s (in %s), after %s\n", when, left, o.title);
        }
        if (s->n_series == 0)
                printf("\nTo add your first session, write a section like this one in the file:\n"
                       "\n"
                       "  [therapy]\n"
                       "  title  = Therapy\n"
                       "  weekly = Tue 14:00\n"
                       "\n"
                       "See nudge.ini(5) for every key.\n");
}

int cli_check(int argc, char **argv)
{
        static const CliCommand cmd = {
                .name = "check",
                .parameter = N_("- check the schedule file"),
                .summary = N_("Reads the schedule, reports every problem as FILE:LINE: message,\n"
                              "and shows the next session and reminder. Exit status 78 on "
                              "problems."),
                /* TRANSLATORS: keep "calendar" as the schedule file's key. */
                .description = N_("Each calendar is read afresh (a URL is fetched) and reported: "
                                  "how many sessions,\nthe next one, the events left out. Exit "
                                  "status 1 when a calendar cannot be read."),
        };
        g_autofree char *config = NULL;
        GOptionEntry entries[] = {CLI_CONFIG_OPTION(config), {NULL}};
        if (!cli_parse_options(&cmd, entries, &argc, &argv))
                return EXIT_USAGE;
        g_autoptr(Tz) local = tz_new_local();
        int status = 0;
        g_autofree char *path = NULL;
        g_autoptr(Schedule) s = cli_load_schedule(config, local, &path, &status);
        if (!s)
                return status;
        int64_t now = cli_now(local);
        g_autoptr(GString) calendars = g_string_new(NULL);
        bool ok = cli_check_calendars(s, local, now, calendars);
        cli_print_summary(path, s, local, now);
        if (calendars->len)
                printf("\n%s", calendars->str);
        return ok ? 0 : 1;
}
