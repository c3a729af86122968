/* SPDX-License-Identifier: MIT */
/* The nudge command: dispatches to its subcommands. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "schedfile.h"

/* TRANSLATORS: keep the commands, options, file names and exit numbers as they are;
 * the descriptions may be reflowed, aligned under one another. */
static const char usage[] = N_(
        "Usage: nudge COMMAND [OPTIONS]\n"
        "\n"
        "Helps you arrive at therapy prepared: your sessions, their reminders, your notes.\n"
        "\n"
        "Commands:\n"
        "  check [--config FILE]            Check the schedule and show what comes next\n"
        "  list  [--config FILE] [--from TIME] [--days N] [--json]\n"
        "                                   List the sessions to come and their reminders\n"
        "  edit  [--config FILE]            Edit the schedule safely, checked before it is saved\n"
        "  note  [--question | --after] TEXT...\n"
        "                                   Add a thought or a question to the next session's notes,\n"
        "                                   or (--after) to the last session's\n"
        "  note  --edit | --path            Open the next session's notes, or print their path\n"
        "  notes [--config FILE] [--paths]  List your notes files, newest first\n"
        "  password [--forget] SECTION      Keep (or remove) the password of a calendar URL\n"
        "\n"
        "Options:\n"
        "  -h, --help                       Show this help (COMMAND --help: that command's)\n"
        "  -V, --version                    Show the version\n"
        "\n"
        "The schedule lives in ~/.config/nudge/schedule.ini. See nudge(1) and nudge.ini(5).\n"
        "Exit status: 0 success, 64 wrong arguments, 78 problems in the schedule file.\n");

int main(int argc, char **argv)
{
        i18n_init();
        if (argc < 2) {
                fputs(_(usage), stderr);
                return EXIT_USAGE;
        }
        const char *cmd = argv[1];
        if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
                fputs(_(usage), stdout);
                return 0;
        }
        if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
                printf("nudge %s\n", PACKAGE_VERSION);
                return 0;
        }
        static const struct {
                const char *name;
                int (*run)(int, char **);
        } commands[] = {
                {"check", cli_check},
                {"list", cli_list},
                {"edit", cli_edit},
                {"note", cli_note},
                {"notes", cli_notes},
                {"password", cli_password},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
                if (!strcmp(cmd, commands[i].name))
                        return commands[i].run(argc - 1, argv + 1);
        fprintf(stderr, _("nudge: unknown command '%s' (try nudge --help)\n"), cmd);
        return EXIT_USAGE;
}
