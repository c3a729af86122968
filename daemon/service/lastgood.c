/* SPDX-License-Identifier: MIT */
/* The last good schedule and the told-about mark, in nudged's state folder. */
#include "config.h"

#include "lastgood.h"

#include <string.h>

#include "fileio.h"
#include "log.h"
#include "schedfile.h"

static const FileRules copy_rules = {
        .what = "last good schedule",
        .max_size = SCHEDFILE_MAX_SIZE,
        .flags = FILEIO_NOFOLLOW | FILEIO_NO_NUL | FILEIO_UTF8,
};

static const FileRules mark_rules = {
        .what = "mark",
        .max_size = 256,
        .flags = FILEIO_NOFOLLOW | FILEIO_NO_NUL | FILEIO_UTF8,
};

static int ensure_folder(const char *path)
{
        g_autofree char *dir = g_path_get_dirname(path);
        return fileio_mkdir_private(dir, 0700);
}

int lastgood_save(const char *path, const char *text, size_t len)
{
        g_autofree char *old = NULL;
        size_t old_len = 0;
        if (fileio_read(path, &copy_rules, &old, &old_len, NULL) == 0 && old_len == len &&
            memcmp(old, text, len) == 0)
                return 0;
        int r = ensure_folder(path);
        return r < 0 ? r : fileio_replace(path, text, len, 0600);
}

Schedule *lastgood_load(const char *path, const char *shown_as, Tz *local)
{
        g_autofree char *text = NULL, *why = NULL;
        size_t len = 0;
        int r = fileio_read(path, &copy_rules, &text, &len, &why);
        if (r == -ENOENT)
                return NULL;
        if (r < 0) {
                log_warning("%s: %s", path, why ? why : g_strerror(-r));
                return NULL;
        }
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf(shown_as, text, len, local, &errors);
        if (!s)
                log_warning("%s no longer reads without problems (nudge changed?): not used",
                            path);
        return s;
}

static char *digest(const char *text, size_t len)
{
        g_autofree char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                           (const guchar *)text, len);
        return g_strconcat(hex, "\n", NULL);
}

bool lastgood_was_told(const char *path, const char *text, size_t len)
{
        g_autofree char *mark = NULL, *want = digest(text, len);
        size_t mark_len = 0;
        return fileio_read(path, &mark_rules, &mark, &mark_len, NULL) == 0 &&
               strcmp(mark, want) == 0;
}

void lastgood_mark_told(const char *path, const char *text, size_t len)
{
        g_autofree char *mark = digest(text, len);
        int r = ensure_folder(path);
        if (r == 0)
                r = fileio_replace(path, mark, strlen(mark), 0600);
        if (r < 0)
                log_warning("Cannot write %s: %s (the schedule's problem may be shown again)",
                            path, g_strerror(-r));
}
