/* SPDX-License-Identifier: MIT */
/* The subcommands of `nudge`. Each takes its own argv (argv[0] is the subcommand name)
 * and returns the process exit status. */
#pragma once

#include "exitcode.h"

int cli_check(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_edit(int argc, char **argv);
int cli_note(int argc, char **argv);

#include "schedule.h"

/* Loads the schedule for a subcommand: `config` (--config) or the default file. Prints
 * every problem to stderr, with a way forward for a missing file. Returns NULL with
 * *status set (EXIT_CONFIG) on failure. *path_out (may be NULL) gets the path used. */
Schedule *cli_load_schedule(const char *config, Tz *local, char **path_out, int *status);
/* Prints the short summary of `nudge check` for a loaded schedule. */
void cli_print_summary(const char *path, const Schedule *s, Tz *local, int64_t now);
/* The current time, in Unix seconds ($NUDGE_NOW overrides it, for tests: RFC 3339). */
int64_t cli_now(Tz *local);
