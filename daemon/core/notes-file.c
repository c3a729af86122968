/* SPDX-License-Identifier: MIT */
/* Notes files on disk: private, never-overwriting creation, the trust check, and the locked,
 * re-read, atomically swapped update. */
#include "config.h"

#include "notes.h"

#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "paths.h"

#define NOTES_MAX_SIZE (4 << 20) /* a notes file bigger than this is not ours to rewrite */
#define NOTES_LOCK_NAME ".nudge-notes.lock"
#define NOTES_UPDATE_TRIES 400
/* A file changed this recently may be in the middle of a save: an editor that writes in
 * place truncates first and writes after. Wait until it has been still this long. */
#define NOTES_SETTLE_NSEC (50 * 1000000LL)
/* An empty file is most likely such a save between its truncation and its write, which on a
 * busy machine can take longer: believe it only after a longer while. */
#define NOTES_SETTLE_EMPTY_NSEC (1500 * 1000000LL)

/* A notes file is the person's own text: read back only to add a line to it, never logged. */
static const FileRules notes_rules = {
        .what = N_("notes file"),
        .max_size = NOTES_MAX_SIZE,
        /* A NUL would cut the text short in notes_insert(), and the rewrite would lose the
         * rest. Other bytes, valid UTF-8 or not, are the person's and are kept as they are. */
        .flags = FILEIO_NOFOLLOW | FILEIO_NO_NUL,
};

int notes_read(const char *path, char **text)
{
        size_t len;
        return fileio_read(path, &notes_rules, text, &len, NULL);
}

int notes_check_private(const char *path, char **why)
{
        g_autofree char *dir = g_path_get_dirname(path);
        struct stat st;
        /* stat, not lstat: a folder that is a link is judged by where it leads, so a link
         * to a place of another user's is refused. */
        if (stat(dir, &st) < 0)
                return -errno;
        int r = fileio_check_trusted(&st, dir, N_("notes folder"), why);
        if (r < 0)
                return r;
        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        return fileio_check_trusted(&st, path, N_("notes file"), why);
}

int notes_create(const char *path, const char *text)
{
        g_autofree char *dir = g_path_get_dirname(path);
        struct stat st;

        int r = fileio_mkdir_private(dir, NOTES_DIR_MODE);
        if (r < 0)
                return r;
        /* Notes are private: not in a folder that someone else owns or can write into, and
         * not a file of someone else's. */
        r = notes_check_private(path, NULL);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                      NOTES_FILE_MODE);
        if (fd < 0) {
                if (errno != EEXIST)
                        return -errno;
                /* Existing: never touched here. But only a regular file of the person's own
                 * counts as the notes file; a link planted in its place is not followed by
                 * anything of ours. */
                if (lstat(path, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode))
                        return -ELOOP;
                if (!S_ISREG(st.st_mode))
                        return -EINVAL;
                return fileio_check_trusted(&st, path, N_("notes file"), NULL);
        }
        /* The umask may only take bits away; set exactly 0600 whatever it is. */
        r = fchmod(fd, NOTES_FILE_MODE) < 0 ? -errno : fileio_write_all(fd, text, strlen(text));
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fileio_take_fd(&fd)) < 0 && r == 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(path);
                return r;
        }
        return 1;
}

char *notes_new_text(const char *path, const char *title, int64_t start, Tz *tz)
{
        g_autofree char *tmpl = notes_template_at(title, start, tz);
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *id = NULL, *best = NULL, *prev = NULL;
        Ymd date, best_date = {0};
        if (!notes_parse_file_name(base, &date, &id))
                return g_steal_pointer(&tmpl);

        /* The latest earlier session of the series that has notes: by the file names, which
         * start with the session's date. */
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *name;
        int64_t today = civil_days(date), best_days = INT64_MIN;
        while (d && (name = g_dir_read_name(d))) {
                Ymd nd;
                g_autofree char *nid = NULL;
                if (!notes_parse_file_name(name, &nd, &nid) || strcmp(nid, id) != 0)
                        continue;
                int64_t days = civil_days(nd);
                if (days < today && days > best_days) {
                        best_days = days;
                        best_date = nd;
                        g_free(best);
                        best = g_strdup(name);
                }
        }
        if (!best)
                return g_steal_pointer(&tmpl);
        g_autofree char *prev_path = g_build_filename(dir, best, NULL);
        size_t len;
        /* Unreadable or untrusted earlier notes carry nothing; the new notes still start. */
        if (fileio_read(prev_path, &notes_rules, &prev, &len, NULL) < 0)
                return g_steal_pointer(&tmpl);
        return notes_carry_forward(tmpl, prev, best_date);
}

/* What a notes file was when read: to tell whether it changed before our rename. */
typedef struct {
        struct stat st;
        char *text;
} Seen;

static int read_seen(const char *path, Seen *out)
{
        size_t len;
        if (lstat(path, &out->st) < 0)
                return -errno;
        if (S_ISLNK(out->st.st_mode))
                return -ELOOP;
        if (!S_ISREG(out->st.st_mode))
                return -EINVAL;
        return fileio_read(path, &notes_rules, &out->text, &len, NULL);
}

static bool recently_changed(const struct stat *st)
{
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t age = (int64_t)(now.tv_sec - st->st_mtim.tv_sec) * 1000000000LL +
                      (now.tv_nsec - st->st_mtim.tv_nsec);
        int64_t cage = (int64_t)(now.tv_sec - st->st_ctim.tv_sec) * 1000000000LL +
                       (now.tv_nsec - st->st_ctim.tv_nsec);
        int64_t settle = st->st_size == 0 ? NOTES_SETTLE_EMPTY_NSEC : NOTES_SETTLE_NSEC;
        /* A clock set back makes the age negative: not a reason to wait for ever. */
        return (age >= 0 && age < settle) || (cage >= 0 && cage < settle);
}

/* What the lock file remembers: the notes file as our last rename left it. A file still in
 * that state was last changed by one of us, not by an editor half-way through a save. */
typedef struct {
        uint64_t dev, ino;
        int64_t size, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} LastWrite;

static LastWrite last_write_of(const struct stat *st)
{
        return (LastWrite){st->st_dev, st->st_ino, st->st_size, st->st_mtim.tv_sec,
                           st->st_mtim.tv_nsec, st->st_ctim.tv_sec, st->st_ctim.tv_nsec};
}

static bool written_by_us(int lfd, const struct stat *st)
{
        LastWrite lw, now = last_write_of(st);
        return pread(lfd, &lw, sizeof(lw), 0) == (ssize_t)sizeof(lw) &&
               memcmp(&lw, &now, sizeof(lw)) == 0;
}

static void remember_write(int lfd, const char *path)
{
        struct stat st;
        if (lstat(path, &st) == 0) {
                LastWrite lw = last_write_of(&st);
                (void)!pwrite(lfd, &lw, sizeof(lw), 0);
        }
}

static bool same_file(const Seen *a, const Seen *b)
{
        return a->st.st_ino == b->st.st_ino && a->st.st_dev == b->st.st_dev &&
               a->st.st_size == b->st.st_size &&
               a->st.st_ctim.tv_sec == b->st.st_ctim.tv_sec &&
               a->st.st_ctim.tv_nsec == b->st.st_ctim.tv_nsec &&
               a->st.st_mtim.tv_sec == b->st.st_mtim.tv_sec &&
               a->st.st_mtim.tv_nsec == b->st.st_mtim.tv_nsec && strcmp(a->text, b->text) == 0;
}

/* The new text in a hidden 0600 sibling; its name in *tmp_out. */
static int write_sibling(const char *path, const char *text, char **tmp_out)
{
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *base = g_path_get_basename(path);
        char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        _cleanup_close_ int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, NOTES_FILE_MODE);
        if (fd < 0) {
                int r = -errno;
                g_free(tmp);
                return r;
        }
        int r = fchmod(fd, NOTES_FILE_MODE) < 0 ? -errno
                                                : fileio_write_all(fd, text, strlen(text));
        /* Durable now, so that the slow part is over before the last look: what remains
         * between that look and the rename is as short as it can be. */
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r < 0) {
                (void)unlink(tmp);
                g_free(tmp);
                return r;
        }
        *tmp_out = tmp;
        return 0;
}

/* Puts `tmp` in place of `path` by swapping the two (RENAME_EXCHANGE), then looks at what
 * it displaced: the file read (`before`), removed; or a save made after the last look,
 * which is swapped back in place, and -EAGAIN. Nothing anyone saved is ever unlinked.
 * Where the swap is not supported, a plain rename (fileio_install). */
static int install(const char *tmp, const char *path, const Seen *before)
{
        struct stat ours;
        if (lstat(tmp, &ours) < 0)
                return -errno;
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0) {
                if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
                        int r = -errno;
                        (void)unlink(tmp);
                        return r;
                }
                int r = fileio_install(tmp, path);
                if (r < 0)
                        (void)unlink(tmp);
                return r;
        }
        Seen displaced = {0};
        int r = read_seen(tmp, &displaced);
        /* A rename changes the inode's ctime, and on some file systems its mtime: the
         * same inode with the same bytes is the file read. */
        bool same = r == 0 && displaced.st.st_ino == before->st.st_ino &&
                    displaced.st.st_dev == before->st.st_dev &&
                    displaced.st.st_size == before->st.st_size &&
                    strcmp(displaced.text, before->text) == 0;
        g_free(displaced.text);
        if (same) {
                (void)unlink(tmp);
                return fileio_fsync_dir_of(path);
        }
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0)
                return -errno; /* theirs stays beside it, hidden, rather than lost */
        struct stat now_aside;
        /* Ours is aside again, unless yet another save came in between: keep that one. */
        if (lstat(tmp, &now_aside) == 0 && now_aside.st_ino == ours.st_ino &&
            now_aside.st_dev == ours.st_dev)
                (void)unlink(tmp);
        return -EAGAIN;
}

/* Opens and takes the folder's lock of `path`: its descriptor, or a negative errno. */
static int lock_folder(const char *path)
{
        /* Every nudge writer of this folder takes the lock, so two of them never interleave;
         * an editor takes none, and is caught by the comparison before the rename. */
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *lock = g_build_filename(dir, NOTES_LOCK_NAME, NULL);
        _cleanup_close_ int lfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                                       NOTES_FILE_MODE);
        if (lfd < 0)
                return -errno;
        while (flock(lfd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return -errno;
        return fileio_take_fd(&lfd);
}

/* One try of notes_update(), under the lock `lfd`: 0 when done, 1 to try again (after the
 * wait it needs), or a negative errno. */
static int update_once(const char *path, const char *template_text, NotesEditFn edit,
                       void *userdata, int lfd, int attempt)
{
        Seen before = {0}, now = {0};
        g_autofree char *updated = NULL, *tmp = NULL;
        int r = read_seen(path, &before);
        if (r < 0) {
                g_free(before.text);
                return r;
        }
        if (recently_changed(&before.st) && !written_by_us(lfd, &before.st)) {
                g_free(before.text);
                g_usleep(10000);
                return 1;
        }
        updated = edit(before.text, userdata);
        if (!updated || strcmp(updated, before.text) == 0) {
                g_free(before.text);
                return 0;
        }
        r = write_sibling(path, updated, &tmp);
        if (r < 0 || !tmp) {
                g_free(before.text);
                return r < 0 ? r : -EIO;
        }
        /* The last look before the rename: if someone saved meanwhile, our text is
         * built on an old one and would undo theirs. Start again from theirs. */
        r = read_seen(path, &now);
        bool same = r == 0 && same_file(&before, &now);
        g_free(now.text);
        if (same) {
                r = install(tmp, path, &before);
                g_free(before.text);
                if (r == 0) {
                        remember_write(lfd, path);
                        return 0;
                }
                if (r != -EAGAIN)
                        return r;
                /* Someone saved in the last instant: ours is back aside, theirs in
                 * place. Start again from theirs. */
                return 1;
        }
        g_free(before.text);
        (void)unlink(tmp);
        if (r < 0 && r != -ENOENT)
                return r;
        if (r == -ENOENT) {
                /* Removed in between (an editor's save by rename, half done): make
                 * it again rather than give up. */
                r = notes_create(path, template_text);
                if (r < 0)
                        return r;
        }
        g_usleep(1000 * (attempt + 1));
        return 1;
}

int notes_update(const char *path, const char *template_text, NotesEditFn edit, void *userdata)
{
        int r = notes_create(path, template_text);
        if (r < 0)
                return r;
        _cleanup_close_ int lfd = lock_folder(path);
        if (lfd < 0)
                return lfd;
        /* Just made from the template by us: not an editor's save to wait out. */
        if (r == 1)
                remember_write(lfd, path);

        for (int attempt = 0; attempt < NOTES_UPDATE_TRIES; attempt++) {
                r = update_once(path, template_text, edit, userdata, lfd, attempt);
                if (r != 1)
                        return r;
        }
        return -EAGAIN;
}

typedef struct {
        const char *heading, *line;
} Insert;

static char *edit_insert(const char *text, void *userdata)
{
        const Insert *in = userdata;
        return notes_insert(text, in->heading, in->line);
}

int notes_append(const char *path, const char *template_text, const char *heading,
                 const char *line)
{
        Insert in = {heading, line};
        return notes_update(path, template_text, edit_insert, &in);
}

static char *edit_heading(const char *text, void *userdata)
{
        return notes_add_heading(text, userdata);
}

int notes_ensure_heading(const char *path, const char *template_text, const char *heading)
{
        return notes_update(path, template_text, edit_heading, (void *)heading);
}
