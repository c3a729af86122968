/* SPDX-License-Identifier: MIT */
/* `nudge check`: is the schedule right, and what comes next. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "format.h"

void cli_print_summary(const char *path, const Schedule *s, Tz *local, int64_t now)
{
        printf("%s: no problems, %zu session series.\n", path, s->n_series);
        Occurrence o;
        int64_t r;
        if (schedule_next_session(s, now, &o)) {
                g_autofree char *when = format_long(local, o.start);
                g_autofree char *left = format_span(o.start - now);
                printf("Next session:  %s (in %s), %s\n", when, left, o.series->title);
        } else {
                printf("Next session:  none to come.\n");
        }
        if (schedule_next_reminder(s, now, &o, &r)) {
                g_autofree char *when = format_long(local, r);
                g_autofree char *left = format_span(r - now);
                printf("Next reminder: %s (in %s), for %s\n", when, left, o.series->title);
        } else {
                printf("Next reminder: none to come.\n");
        }
}

int cli_check(int argc, char **argv)
{
        static const CliCommand cmd = {
                .name = "check",
                .parameter = "- check the schedule file",
                .summary = "Reads the schedule, reports every problem as FILE:LINE: message,\n"
                           "and shows the next session and reminder. Exit status 78 on problems.",
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
