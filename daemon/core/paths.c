/* SPDX-License-Identifier: MIT */
/* XDG base directories for nudge's files. */
#include "config.h"

#include "paths.h"

char *paths_default_config(void)
{
        return g_build_filename(g_get_user_config_dir(), "nudge", "schedule.ini", NULL);
}

char *paths_state_dir(void)
{
        return g_build_filename(g_get_user_state_dir(), "nudge", NULL);
}

char *paths_default_notes_dir(void)
{
        return g_build_filename(g_get_user_data_dir(), "nudge", "notes", NULL);
}

char *paths_expand_home(const char *path)
{
        if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
                return g_build_filename(g_get_home_dir(), path + 1, NULL);
        return g_strdup(path);
}

const char *paths_example_config(void)
{
        return DOCDIR "/schedule.ini.example";
}
