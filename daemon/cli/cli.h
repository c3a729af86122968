/* SPDX-License-Identifier: MIT */
/* The subcommands of `nudge` and what they share. Each subcommand takes its own argv
 * (argv[0] is the subcommand name) and returns the process exit status. */
#pragma once

#include <stdbool.h>

#include "exitcode.h"
#include "i18n.h"
#include "schedule.h"

int cli_check(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_edit(int argc, char **argv);
int cli_note(int argc, char **argv);
int cli_notes(int argc, char **argv);
int cli_password(int argc, char **argv);

/* The --config option every subcommand takes, as a GOptionEntry. */
#define CLI_CONFIG_OPTION(var)                                                              \
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &(var),                                   \
         N_("Schedule file (default ~/.config/nudge/schedule.ini)"), N_("FILE")}

/* How a subcommand presents itself in --help and in its messages. The texts are marked
 * with N_(): cli_parse_options has GOption translate them. */
typedef struct {
        const char *name;        /* "list": messages start "nudge list: " */
        const char *parameter;   /* after the usage line: "- list the sessions to come" */
        const char *summary;     /* above the options, or NULL */
        const char *description; /* below the options, or NULL */
        bool takes_words;        /* words after the options are allowed (G_OPTION_REMAINING) */
} CliCommand;

/* Parses the subcommand's argv against `entries` (NULL-terminated). On a problem prints
 * "nudge NAME: message" to stderr and returns false: the caller exits with EXIT_USAGE.
 * --help prints the help and exits 0 (GOption's way). */
bool cli_parse_options(const CliCommand *cmd, GOptionEntry *entries, int *argc, char ***argv);

/* Loads the schedule for a subcommand: `config` (--config) or the default file. Prints
 * every problem to stderr, with a way forward for a missing file. Returns NULL with
 * *status set (EXIT_CONFIG) on failure. *path_out (may be NULL) gets the path used. */
Schedule *cli_load_schedule(const char *config, Tz *local, char **path_out, int *status);
/* Fills the calendar series of `s` with their sessions in [from, to): a file or folder
 * read now; a URL from nudged's saved copy when it covers the window, else from the
 * reader's cached copy (fetched when there is none). A calendar that cannot be read is
 * said on stderr ("nudge CMD: calendar [x]: ...") and has no sessions. Returns how many. */
unsigned cli_fill_calendars(const char *cmd, Schedule *s, int64_t from, int64_t to);
/* `nudge check`'s part: each calendar read afresh (URLs fetched), its sessions set, and a
 * line for each in `out`: how many sessions and the next, or why it failed, with the
 * events left out. False when a calendar could not be read or fetched. */
bool cli_check_calendars(Schedule *s, Tz *local, int64_t now, GString *out);
/* Prints the short summary of `nudge check` for a loaded schedule. */
void cli_print_summary(const char *path, const Schedule *s, Tz *local, int64_t now);
/* The current time, in Unix seconds ($NUDGE_NOW overrides it, for tests: RFC 3339). */
int64_t cli_now(Tz *local);
/* The editor command for `file`: $VISUAL, $EDITOR (split into words like a shell would,
 * but run without one), else Debian's `editor` alternative, else vi. Free with g_strfreev. */
char **cli_editor_argv(const char *file);

/* Writes the sessions of [from, to) to stdout as JSON lines (schedule-format.md), as they
 * are expanded, a window of days at a time. 0, or -errno when stdout failed. */
int cli_list_json(const Schedule *s, int64_t from, int64_t to);
