/* SPDX-License-Identifier: MIT */
/* Where nudge keeps its files (XDG base directories), and checks that they are ours. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <sys/stat.h>

/* $XDG_CONFIG_HOME/nudge/schedule.ini (default ~/.config/nudge/schedule.ini). */
char *paths_default_config(void);
/* $XDG_STATE_HOME/nudge (default ~/.local/state/nudge). */
char *paths_state_dir(void);
/* $XDG_DATA_HOME/nudge/notes (default ~/.local/share/nudge/notes). */
char *paths_default_notes_dir(void);
/* "~" or "~/x" -> home folder; other paths unchanged. Newly allocated. */
char *paths_expand_home(const char *path);
/* The example schedule installed with nudge ($datadir/doc/nudge/schedule.ini.example). */
const char *paths_example_config(void);
/* Whether a file or folder nudge reads or writes is private enough to trust, as ssh asks
 * of its files: owned by the user (or root), and not writable by group or others.
 * 0, or -EPERM with a sentence for the person in *why (may be NULL). */
int paths_check_trusted(const struct stat *st, const char *path, char **why);
/* Create `dir` and its parents as needed, the last one with `mode`. 0 or -errno. */
int paths_mkdir_private(const char *dir, int mode);
