/* SPDX-License-Identifier: MIT */
/* nudged: the reminder service. main only wires the options and the service. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exitcode.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"
#include "service.h"
#include "tz.h"

/* Log with <N> priority prefixes only when the journal reads stderr: not on a terminal,
 * not in --foreground, and only when systemd started us. */
static bool want_prefixes(bool foreground)
{
        if (foreground || isatty(STDERR_FILENO))
                return false;
        return getenv("JOURNAL_STREAM") || getenv("NOTIFY_SOCKET");
}

int main(int argc, char **argv)
{
        i18n_init();
        g_autofree char *config = NULL;
        gboolean version = FALSE, foreground = FALSE, dry_run = FALSE;
        GOptionEntry entries[] = {
                { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
                  N_("Read the schedule from FILE instead of ~/.config/nudge/schedule.ini"), N_("FILE") },
                { "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground,
                  N_("Run without systemd: plain log lines on stderr"), NULL },
                { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
                  N_("Print reminders on stdout instead of showing them; record nothing"), NULL },
                { "version", 'V', 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"),
                  NULL },
                { NULL, 0, 0, 0, NULL, NULL, NULL },
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
        g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
        g_option_context_set_summary(ctx, _("Reminds you before each therapy session, as listed in "
                                            "the schedule file, so that you arrive prepared."));
        g_option_context_set_description(ctx, _("See nudged(1) and nudge.ini(5)."));
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1) {
                fprintf(stderr, _("nudged: %s\nTry 'nudged --help'.\n"),
                        error ? error->message : _("unexpected arguments"));
                return EXIT_USAGE;
        }
        if (version) {
                printf("nudged %s\n", PACKAGE_VERSION);
                return EXIT_SUCCESS;
        }
        log_set_prefixes(want_prefixes(foreground));

        if (!config)
                config = paths_default_config();
        g_autoptr(Tz) local = tz_new_local();
        g_autofree char *state_dir = paths_state_dir();
        ServiceOptions opts = {
                .config_path = config,
                .state_dir = dry_run ? NULL : state_dir,
                .dry_run = dry_run,
        };
        g_autoptr(Service) service = service_new(&opts, local);
        return service_run(service) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
