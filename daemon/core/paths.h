/* SPDX-License-Identifier: MIT */
/* Where nudge keeps its files (XDG base directories). Pure: nothing here touches the disk. */
#pragma once
#include <glib.h>

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
