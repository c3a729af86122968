/* SPDX-License-Identifier: MIT */
/* A calendar file or folder read into memory, never more than the reader's bound. */
#include "config.h"

#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 10000

void source_free(Source *s)
{
        if (!s)
                return;
        g_ptr_array_free(s->names, TRUE);
        g_ptr_array_free(s->bufs, TRUE);
        g_ptr_array_free(s->skipped, TRUE);
        g_ptr_array_free(s->skipped_why, TRUE);
        g_free(s);
}

/* Reads at most `room` bytes of a regular file; -EFBIG beyond. */
static int read_bounded(int dirfd, const char *name, size_t room, GBytes **out)
{
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                int err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
                close(fd);
                return err;
        }
        if ((uint64_t)st.st_size > room) {
                close(fd);
                return -EFBIG;
        }
        /* The size may change under us: read until EOF, one byte past the bound at most. */
        size_t cap = (size_t)st.st_size + 1, len = 0;
        char *buf = g_malloc(cap + 1);
        for (;;) {
                if (len == cap) {
                        if (cap > room) {
                                g_free(buf);
                                close(fd);
                                return -EFBIG;
                        }
                        cap = MIN(cap * 2, room + 1);
                        buf = g_realloc(buf, cap + 1);
                }
                ssize_t r = read(fd, buf + len, cap - len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        int err = -errno;
                        g_free(buf);
                        close(fd);
                        return err;
                }
                if (r == 0)
                        break;
                len += (size_t)r;
        }
        close(fd);
        if (len > room) {
                g_free(buf);
                return -EFBIG;
        }
        *out = g_bytes_new_take(buf, len);
        return 0;
}

static gint name_cmp(gconstpointer a, gconstpointer b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *describe(int err)
{
        return g_strdup(err == -EFBIG ? "larger than 16 MiB" : g_strerror(-err));
}

/* One file named on its own: read whole, or not at all. */
static int read_one_file(Source *s, const char *path, char **why)
{
        GBytes *b = NULL;
        int err = read_bounded(AT_FDCWD, path, ICAL_MAX_TEXT, &b);
        if (err < 0) {
                *why = describe(err);
                return err;
        }
        g_autofree char *base = g_path_get_basename(path);
        g_ptr_array_add(s->names, g_steal_pointer(&base));
        g_ptr_array_add(s->bufs, b);
        return 0;
}

/* The visible .ics files of a folder, sorted by name. */
static GPtrArray *ics_names(GDir *dir)
{
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        for (const char *n; (n = g_dir_read_name(dir));)
                if (g_str_has_suffix(n, ".ics") && n[0] != '.')
                        g_ptr_array_add(names, g_strdup(n));
        /* Sorted, so that equal versions of an invitation are decided the same each time. */
        g_ptr_array_sort(names, name_cmp);
        return names;
}

/* The .ics files of a folder, within the bounds; those past them are noted as skipped. */
static int read_folder(Source *s, const char *path, char **why)
{
        int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        GDir *dir = dfd < 0 ? NULL : g_dir_open(path, 0, NULL);
        if (!dir) {
                int err = dfd < 0 ? -errno : -EACCES;
                if (dfd >= 0)
                        close(dfd);
                *why = describe(err);
                return err;
        }
        g_autoptr(GPtrArray) names = ics_names(dir);
        g_dir_close(dir);
        size_t room = ICAL_MAX_TEXT;
        for (guint i = 0; i < names->len; i++) {
                const char *n = names->pdata[i];
                GBytes *b = NULL;
                int err = i < MAX_FILES ? read_bounded(dfd, n, room, &b) : -E2BIG;
                if (err < 0) {
                        g_ptr_array_add(s->skipped, g_strdup(n));
                        g_ptr_array_add(s->skipped_why,
                                        g_strdup(err == -EFBIG ? "the folder holds more than 16 MiB"
                                                 : err == -E2BIG ? "too many files"
                                                                 : g_strerror(-err)));
                        continue;
                }
                room -= g_bytes_get_size(b);
                g_ptr_array_add(s->names, g_strdup(n));
                g_ptr_array_add(s->bufs, b);
        }
        close(dfd);
        return 0;
}

int source_read(const char *path, Source **out, char **why)
{
        g_autoptr(Source) s = g_new0(Source, 1);
        s->names = g_ptr_array_new_with_free_func(g_free);
        s->bufs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        s->skipped = g_ptr_array_new_with_free_func(g_free);
        s->skipped_why = g_ptr_array_new_with_free_func(g_free);

        struct stat st;
        if (stat(path, &st) < 0) {
                int err = -errno;
                *why = describe(err);
                return err;
        }
        int err = S_ISDIR(st.st_mode) ? read_folder(s, path, why) : read_one_file(s, path, why);
        if (err < 0)
                return err;
        *out = g_steal_pointer(&s);
        return 0;
}

IcalText *source_texts(const Source *s, size_t *n)
{
        IcalText *t = g_new0(IcalText, s->bufs->len + 1);
        for (guint i = 0; i < s->bufs->len; i++) {
                gsize len;
                t[i].name = s->names->pdata[i];
                t[i].text = g_bytes_get_data(s->bufs->pdata[i], &len);
                t[i].len = len;
        }
        *n = s->bufs->len;
        return t;
}
