/* SPDX-License-Identifier: MIT */
/* `nudge check`: is the schedule right, and what comes next. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "format.h"

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
                printf(_("Next session:  %1$s (in %2$s), %3$s\n"), when, left, o.series->title);
        } else {
                fputs(_("Next session:  none to come.\n"), stdout);
        }
        if (schedule_next_reminder(s, now, &o, &r)) {
                g_autofree char *when = format_long(local, r);
                g_autofree char *left = format_span(r - now);
                /* TRANSLATORS: %1$s is a date and time, %2$s a span, %3$s the session's
                 * title. */
                printf(_("Next reminder: %1$s (in %2$s), for %3$s\n"), when, left,
                       o.series->title);
        } else {
                fputs(_("Next reminder: none to come.\n"), stdout);
        }
}

int cli_check(int argc, char **argv)
{
        static const CliCommand cmd = {
                .name = "check",
                .parameter = N_("- check the schedule file"),
                .summary = N_("Reads the schedule, reports every problem as FILE:LINE: message,\n"
                              "and shows the next session and reminder. Exit status 78 on "
                              "problems."),
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
        cli_print_summary(path, s, local, cli_now(local));
        return 0;
}
