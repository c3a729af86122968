/* SPDX-License-Identifier: MIT */
/* The file handling that the schedule, the reminder record and the notes share: a bounded
 * reader, write_all, an atomic replace, the owner/mode trust check and the private mkdir.
 * Every function returns 0 (or a count, or a descriptor) or a negative errno. */
#pragma once
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

/* Closes the descriptor when the variable goes out of scope (systemd's _cleanup_close_):
 * no exit path can leak it. Initialise to -1; give it away with fileio_take_fd(). */
static inline void fileio_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno; /* a `return -errno;` must report the first failure */
                close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ __attribute__((cleanup(fileio_closep)))

static inline int fileio_take_fd(int *fd)
{
        int r = *fd;
        *fd = -1;
        return r;
}

/* What a reader accepts beyond "a regular file the person can trust". */
enum {
        FILEIO_NOFOLLOW = 1 << 0, /* a symbolic link at the path is refused: -ELOOP */
        FILEIO_NO_NUL = 1 << 1,   /* a NUL byte anywhere: -EBADMSG */
        FILEIO_UTF8 = 1 << 2,     /* invalid UTF-8: -EILSEQ */
};

typedef struct {
        const char *what; /* its name in messages: "schedule", as in "cannot open the schedule";
                           * marked with N_() and translated where it is used */
        size_t max_size;  /* bytes; a larger file is -EFBIG */
        unsigned flags;   /* FILEIO_* */
} FileRules;

/* Reads the whole file at `path` into *buf_out (NUL-terminated, newly allocated; *len_out
 * bytes before the NUL). Never blocks on a FIFO or a device: anything but a regular file
 * is refused (-EISDIR for a folder, -EINVAL for the rest), and so is a file that fails
 * fileio_check_trusted() (-EPERM). On failure, *why (when `why` is not NULL) is a sentence
 * for the person that does not start with the path: the caller puts "PATH: " before it. */
int fileio_read(const char *path, const FileRules *rules, char **buf_out, size_t *len_out,
                char **why);

/* Whether a file or folder is private enough to trust, as ssh asks of its files: owned by
 * the user (or root), and not writable by group or others. 0, or -EPERM with the reason and
 * its fix in *why (may be NULL), worded like fileio_read()'s: "others can change it (mode
 * 0664): run chmod go-w PATH". `what` names the file as in fileio_read(). */
int fileio_check_trusted(const struct stat *st, const char *path, const char *what, char **why);

/* write(2) until all of `buf` is written, through EINTR and short writes. */
int fileio_write_all(int fd, const void *buf, size_t len);

/* fsync(2) of the folder that holds `path`, so that a rename in it is durable. */
int fileio_fsync_dir_of(const char *path);

/* Replaces the file at `path` with `len` bytes of `buf`, atomically: a hidden temporary file
 * in the same folder with exactly `mode` (whatever the umask), fsync, rename over `path`,
 * fsync of the folder. A symbolic link at `path` is replaced, never followed. Until the
 * rename, any failure leaves `path` as it was and removes the temporary file; after it, only
 * the folder's fsync can fail (the new contents are then in place, but not yet durable). */
int fileio_replace(const char *path, const void *buf, size_t len, mode_t mode);

/* The second half of fileio_replace() for a temporary file that already holds the new
 * contents (an editor's working copy): fsync it, rename it over `path`, fsync the folder.
 * A failure before the rename leaves both files as they were: the copy is the caller's. */
int fileio_install(const char *tmp, const char *path);

/* Creates `dir` with `mode` (its missing parents 0700), unless it exists. 0, or -ENOTDIR
 * when something else is there, or -errno. Says nothing about whether it can be trusted:
 * ask fileio_check_trusted(). */
int fileio_mkdir_private(const char *dir, mode_t mode);
