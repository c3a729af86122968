/* SPDX-License-Identifier: MIT */
/* Bounded reading, atomic writing and the trust check of nudge's own files. */
#include "config.h"

#include "fileio.h"

#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

#define MIB (1024 * 1024)

static char *size_text(size_t n)
{
        if (n % MIB == 0)
                return g_strdup_printf(_("%zu MiB"), n / MIB);
        return g_strdup_printf(ngettext("%zu byte", "%zu bytes", n), n);
}

static char *too_large(const FileRules *rules)
{
        g_autofree char *limit = size_text(rules->max_size);
        /* TRANSLATORS: follows a file's path and a colon. The first %s names the kind of
         * file ("schedule", "reminder record"), the second a size ("1 MiB"). */
        return g_strdup_printf(_("is too large for a %s (more than %s)"), _(rules->what), limit);
}

static void set_why(char **why, char *text)
{
        if (why)
                *why = text;
        else
                g_free(text);
}

int fileio_check_trusted(const struct stat *st, const char *path, const char *what, char **why)
{
        /* Root's files are trusted as the system's: root could change ours anyway. */
        if (st->st_uid != geteuid() && st->st_uid != 0) {
                /* TRANSLATORS: the sentences of this file follow a file's path and a
                 * colon; %s names the kind of file ("schedule", "reminder record"). */
                set_why(why, g_strdup_printf(_("belongs to another user (uid %u): nudge reads only a "
                                             "%s you own"), (unsigned)st->st_uid, _(what)));
                return -EPERM;
        }
        if (st->st_mode & (S_IWGRP | S_IWOTH)) {
                /* TRANSLATORS: "chmod go-w" is a command: keep it as it is. */
                set_why(why, g_strdup_printf(_("others can change it (mode %04o): run chmod go-w %s"),
                                             (unsigned)(st->st_mode & 07777), path));
                return -EPERM;
        }
        return 0;
}

/* Opens and inspects; the descriptor is returned only for a regular file worth reading. */
static int open_checked(const char *path, const FileRules *rules, struct stat *st, char **why)
{
        /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. It changes
         * nothing for the regular files that are read afterwards. */
        int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        if (rules->flags & FILEIO_NOFOLLOW)
                flags |= O_NOFOLLOW;
        _cleanup_close_ int fd = open(path, flags);
        if (fd < 0) {
                int r = -errno;
                if (r == -ELOOP && (rules->flags & FILEIO_NOFOLLOW))
                        set_why(why, g_strdup_printf(_("is a symbolic link: nudge opens its %s only "
                                                     "directly"), _(rules->what)));
                else
                        set_why(why, g_strdup_printf(_("cannot open the %s: %s"), _(rules->what),
                                                     g_strerror(-r)));
                return r;
        }
        if (fstat(fd, st) < 0) {
                int r = -errno;
                set_why(why, g_strdup_printf(_("cannot read the %s: %s"), _(rules->what), g_strerror(-r)));
                return r;
        }
        if (S_ISDIR(st->st_mode)) {
                set_why(why, g_strdup_printf(_("is a folder, not a %s file"), _(rules->what)));
                return -EISDIR;
        }
        if (!S_ISREG(st->st_mode)) {
                set_why(why, g_strdup("is not a regular file"));
                return -EINVAL;
        }
        if ((uintmax_t)st->st_size > rules->max_size) {
                set_why(why, too_large(rules));
                return -EFBIG;
        }
        int r = fileio_check_trusted(st, path, _(rules->what), why);
        if (r < 0)
                return r;
        return fileio_take_fd(&fd);
}

/* The file may have grown since fstat(): the limit holds for what is read, too. Reads
 * straight into `buf`, sized for the file by the caller. */
static int read_bounded(int fd, const FileRules *rules, GString *buf, char **why)
{
        enum { CHUNK = 65536 };
        for (;;) {
                size_t have = buf->len;
                g_string_set_size(buf, have + CHUNK);
                ssize_t n = read(fd, buf->str + have, CHUNK);
                g_string_truncate(buf, have + (size_t)MAX(n, 0));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        set_why(why, g_strdup_printf(_("cannot read the %s: %s"), _(rules->what),
                                                     g_strerror(-r)));
                        return r;
                }
                if (n == 0)
                        return 0;
                if (buf->len > rules->max_size) {
                        set_why(why, too_large(rules));
                        return -EFBIG;
                }
        }
}

static int check_text(const GString *buf, const FileRules *rules, char **why)
{
        if ((rules->flags & FILEIO_NO_NUL) && memchr(buf->str, '\0', buf->len)) {
                set_why(why, g_strdup_printf(_("holds a NUL byte: the %s must be plain text"),
                                             _(rules->what)));
                return -EBADMSG;
        }
        const char *bad = NULL;
        if ((rules->flags & FILEIO_UTF8) && !g_utf8_validate_len(buf->str, buf->len, &bad)) {
                set_why(why, g_strdup_printf(_("is not valid UTF-8 (at byte %zu): save the file as "
                                             "UTF-8"), (size_t)(bad - buf->str) + 1));
                return -EILSEQ;
        }
        return 0;
}

int fileio_read(const char *path, const FileRules *rules, char **buf_out, size_t *len_out,
                char **why)
{
        struct stat st = { 0 };
        _cleanup_close_ int fd = open_checked(path, rules, &st, why);
        if (fd < 0)
                return fd;
        /* Room for the end-of-file read too, which must not grow the buffer. */
        g_autoptr(GString) buf = g_string_sized_new((gsize)st.st_size + 65536 + 1);
        int r = read_bounded(fd, rules, buf, why);
        if (r == 0)
                r = check_text(buf, rules, why);
        if (r < 0)
                return r;
        *len_out = buf->len;
        *buf_out = g_string_free(g_steal_pointer(&buf), FALSE);
        return 0;
}

int fileio_write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int fileio_fsync_dir_of(const char *path)
{
        g_autofree char *dir = g_path_get_dirname(path);
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

/* fsync before rename: after a crash the name must point at complete contents. Closes
 * `fd`. Nothing is renamed unless it returns 0. */
static int sync_and_rename(int fd, const char *tmp, const char *path)
{
        int r = fsync(fd) < 0 ? -errno : 0;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        return r;
}

int fileio_replace(const char *path, const void *buf, size_t len, mode_t mode)
{
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *base = g_path_get_basename(path);
        /* Hidden, and unique even when two processes save at once. */
        g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        _cleanup_close_ int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, (int)mode);
        if (fd < 0)
                return -errno;
        /* The umask may only take bits away; the file gets exactly `mode` whatever it is. */
        int r = fchmod(fd, mode) < 0 ? -errno : fileio_write_all(fd, buf, len);
        if (r == 0)
                r = sync_and_rename(fileio_take_fd(&fd), tmp, path);
        if (r < 0) {
                (void)unlink(tmp);
                return r;
        }
        /* The folder too, so that the rename itself survives a power cut. */
        return fileio_fsync_dir_of(path);
}

int fileio_install(const char *tmp, const char *path)
{
        int fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        int r = sync_and_rename(fd, tmp, path);
        return r < 0 ? r : fileio_fsync_dir_of(path);
}

int fileio_mkdir_private(const char *dir, mode_t mode)
{
        g_autofree char *parent = g_path_get_dirname(dir);
        if (g_mkdir_with_parents(parent, 0700) < 0)
                return -errno;
        if (mkdir(dir, mode) < 0 && errno != EEXIST)
                return -errno;
        struct stat st;
        if (stat(dir, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        return 0;
}
