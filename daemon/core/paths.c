/* SPDX-License-Identifier: MIT */
/* XDG base directories for nudge's files. */
#include "config.h"

#include "paths.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int paths_check_trusted(const struct stat *st, const char *path, char **why)
{
        const char *what = S_ISDIR(st->st_mode) ? "folder" : "file";
        if (st->st_uid != geteuid() && st->st_uid != 0) {
                if (why)
                        *why = g_strdup_printf("the %s %s belongs to another user (uid %u): nudge "
                                               "uses only files of yours", what, path,
                                               (unsigned)st->st_uid);
                return -EPERM;
        }
        if (st->st_mode & (S_IWGRP | S_IWOTH)) {
                if (why)
                        *why = g_strdup_printf("others can change the %s %s (mode %04o): run "
                                               "chmod go-w %s", what, path,
                                               (unsigned)(st->st_mode & 07777), path);
                return -EPERM;
        }
        return 0;
}

const char *paths_example_config(void)
{
        return DOCDIR "/schedule.ini.example";
}

int paths_mkdir_private(const char *dir, int mode)
{
        g_autofree char *parent = g_path_get_dirname(dir);
        if (g_mkdir_with_parents(parent, 0700) < 0)
                return -errno;
        if (mkdir(dir, (mode_t)mode) < 0 && errno != EEXIST)
                return -errno;
        struct stat st;
        if (stat(dir, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        return 0;
}
