/* SPDX-License-Identifier: MIT */
/* What the subcommands share: options, the schedule, the clock, the editor. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "format.h"
#include "paths.h"
#include "schedfile.h"

bool cli_parse_options(const CliCommand *cmd, GOptionEntry *entries, int *argc, char ***argv)
{
        g_autoptr(GOptionContext) ctx = g_option_context_new(cmd->parameter);
        /* GOption translates the parameter, summary, description and the options' texts
         * in this domain: they are marked with N_() where they are defined. */
        g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
        g_option_context_add_main_entries(ctx, entries, NULL);
        if (cmd->summary)
                g_option_context_set_summary(ctx, cmd->summary);
        if (cmd->description)
                g_option_context_set_description(ctx, cmd->description);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, argc, argv, &error)) {
                fprintf(stderr, "nudge %s: %s\n", cmd->name, error->message);
                return false;
        }
        if (!cmd->takes_words && *argc > 1) {
                /* TRANSLATORS: %1$s is a subcommand's name (check, list): keep "nudge"
                 * and "--help". */
                fprintf(stderr, _("nudge %1$s: unexpected argument (see nudge %1$s --help)\n"),
                        cmd->name);
                return false;
        }
        return true;
}

int64_t cli_now(Tz *local)
{
        const char *fake = g_getenv("NUDGE_NOW");
        int64_t t;
        if (fake && parse_instant(fake, local, &t) == 0)
                return t;
        return g_get_real_time() / G_USEC_PER_SEC;
}

static void print_missing(const char *path)
{
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *qdir = g_shell_quote(dir);
        g_autofree char *qpath = g_shell_quote(path);
        g_autofree char *qexample = g_shell_quote(paths_example_config());
        /* TRANSLATORS: %1$s is the schedule file's path; %2$s its folder, %3$s the example
         * file and %4$s the path, as a shell would read them, in a command to keep. */
        fprintf(stderr,
                _("%1$s: there is no schedule file here yet.\n"
                "Start one with 'nudge edit', which opens a commented example in "
                "your editor,\nor copy the example yourself: mkdir -p %2$s && cp %3$s %4$s\n"),
                path, qdir, qexample, qpath);
}

Schedule *cli_load_schedule(const char *config, Tz *local, char **path_out, int *status)
{
        g_autofree char *path = config ? g_strdup(config) : paths_default_config();
        g_autoptr(SchedfileErrors) errors = NULL;
        int err = 0;
        Schedule *s = schedfile_load(path, local, &errors, &err);
        if (!s) {
                if (err == -ENOENT) {
                        print_missing(path);
                } else {
                        g_autofree char *text = schedfile_errors_format(errors);
                        fputs(text, stderr);
                        size_t n = errors->n_errors + errors->n_suppressed;
                        if (n > 1)
                                fprintf(stderr, ngettext("%zu problem found.\n",
                                                         "%zu problems found.\n", n), n);
                }
                *status = EXIT_CONFIG;
        }
        if (path_out)
                *path_out = g_steal_pointer(&path);
        return s;
}

char **cli_editor_argv(const char *file)
{
        const char *names[] = {g_getenv("VISUAL"), g_getenv("EDITOR")};
        char **argv = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(names) && !argv; i++)
                if (names[i] && *names[i] && !g_shell_parse_argv(names[i], NULL, &argv, NULL))
                        argv = NULL;
        if (!argv) {
                g_autofree char *editor = g_find_program_in_path("editor");
                argv = g_new0(char *, 2);
                argv[0] = g_strdup(editor ? "editor" : "vi");
        }
        guint n = g_strv_length(argv);
        argv = g_renew(char *, argv, n + 2);
        argv[n] = g_strdup(file);
        argv[n + 1] = NULL;
        return argv;
}
