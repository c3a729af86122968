/* SPDX-License-Identifier: MIT */
/* Unit tests of the shared file handling: the bounded reader, the trust check, write_all,
 * the atomic replace, the private mkdir and the descriptor cleanup. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static char *tmp;

static char *path_in(const char *name)
{
        return g_build_filename(tmp, name, NULL);
}

static char *make_file(const char *name, const char *text, gssize len, mode_t mode)
{
        char *path = path_in(name);
        g_assert_true(g_file_set_contents(path, text, len, NULL));
        g_assert_cmpint(chmod(path, mode), ==, 0);
        return path;
}

static const FileRules thing = {.what = "thing", .max_size = 1 << 20, .flags = 0};

/* Reads `path`; returns the error and sets *why (newly allocated, "" on success). */
static int read_with(const char *path, const FileRules *rules, char **text, size_t *len,
                     char **why)
{
        *why = NULL;
        *text = NULL;
        /* A reader that blocks on a FIFO would hang the test forever: fail it instead. */
        alarm(10);
        int r = fileio_read(path, rules, text, len, why);
        alarm(0);
        if (r == 0)
                g_assert_null(*why);
        if (r < 0)
                g_assert_nonnull(*why);
        if (!*why)
                *why = g_strdup("");
        return r;
}

/* ---- the reader ----------------------------------------------------------------------- */

static void test_read_kinds(void)
{
        g_autofree char *good = make_file("good", "a\nb\n", -1, 0600);
        g_autofree char *link = path_in("link");
        g_assert_cmpint(symlink(good, link), ==, 0);
        g_autofree char *fifo = path_in("fifo");
        g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
        g_autofree char *missing = path_in("missing");
        const FileRules nofollow = {.what = "thing", .max_size = 1 << 20, .flags = FILEIO_NOFOLLOW};

        const struct {
                const char *path;
                const FileRules *rules;
                int error;
                const char *why; /* a prefix of the message */
        } cases[] = {
                {good, &thing, 0, ""},
                {link, &thing, 0, ""},
                {link, &nofollow, -ELOOP, "is a symbolic link: nudge opens its thing only directly"},
                {missing, &thing, -ENOENT, "cannot open the thing: "},
                {tmp, &thing, -EISDIR, "is a folder, not a thing file"},
                {fifo, &thing, -EINVAL, "is not a regular file"},
                {"/dev/null", &thing, -EINVAL, "is not a regular file"},
                {"/dev/zero", &thing, -EINVAL, "is not a regular file"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *text = NULL, *why = NULL;
                size_t len = 0;
                int r = read_with(cases[i].path, cases[i].rules, &text, &len, &why);
                g_test_message("%s: %d %s", cases[i].path, r, why);
                g_assert_cmpint(r, ==, cases[i].error);
                g_assert_true(g_str_has_prefix(why, cases[i].why));
                if (r == 0) {
                        g_assert_cmpuint(len, ==, 4);
                        g_assert_cmpstr(text, ==, "a\nb\n");
                } else {
                        g_assert_null(text);
                }
        }

        /* A FIFO that a writer holds open, which a blocking read would wait on for ever. */
        int wfd = open(fifo, O_RDWR | O_NONBLOCK);
        g_assert_cmpint(wfd, >=, 0);
        g_autofree char *text = NULL, *why = NULL;
        size_t len;
        g_assert_cmpint(read_with(fifo, &thing, &text, &len, &why), ==, -EINVAL);
        close(wfd);
}

static void test_read_size(void)
{
        const FileRules small = {.what = "thing", .max_size = 10, .flags = 0};
        const FileRules mib = {.what = "thing", .max_size = 1 << 20, .flags = 0};
        g_autofree char *ten = make_file("ten", "0123456789", -1, 0600);
        g_autofree char *eleven = make_file("eleven", "0123456789x", -1, 0600);
        g_autofree char *big = path_in("big");
        int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(ftruncate(fd, (1 << 20) + 1), ==, 0);
        close(fd);
        g_autofree char *empty = make_file("empty", "", 0, 0600);
        /* Too large is said before anything else is looked at, as the schedule always did. */
        g_autofree char *open_big = make_file("open-big", "0123456789x", -1, 0666);

        const struct {
                const char *path;
                const FileRules *rules;
                int error;
                const char *why;
        } cases[] = {
                {ten, &small, 0, ""},
                {eleven, &small, -EFBIG, "is too large for a thing (more than 10 bytes)"},
                {big, &mib, -EFBIG, "is too large for a thing (more than 1 MiB)"},
                {empty, &small, 0, ""},
                {open_big, &small, -EFBIG, "is too large for a thing (more than 10 bytes)"},
                /* A size of 0 and more to read (as /proc has): the limit holds while reading. */
                {"/proc/self/maps", &small, -EFBIG, "is too large for a thing (more than 10 bytes)"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *text = NULL, *why = NULL;
                size_t len = 0;
                int r = read_with(cases[i].path, cases[i].rules, &text, &len, &why);
                g_assert_cmpint(r, ==, cases[i].error);
                g_assert_cmpstr(why, ==, cases[i].why);
        }
}

static void test_read_text(void)
{
        const FileRules any = {.what = "thing", .max_size = 100, .flags = 0};
        const FileRules no_nul = {.what = "thing", .max_size = 100, .flags = FILEIO_NO_NUL};
        const FileRules utf8 = {.what = "thing", .max_size = 100, .flags = FILEIO_UTF8};
        g_autofree char *nul = make_file("nul", "ab\0cd", 5, 0600);
        g_autofree char *latin1 = make_file("latin1", "ab\xe9z", 4, 0600);
        g_autofree char *plain = make_file("utf8", "gr\xc3\xbc\xc3\x9f", -1, 0600);

        const struct {
                const char *path;
                const FileRules *rules;
                int error;
                const char *why;
                size_t len;
        } cases[] = {
                {nul, &any, 0, "", 5}, /* the bytes as they are, NUL and all */
                {nul, &no_nul, -EBADMSG, "holds a NUL byte: the thing must be plain text", 0},
                {latin1, &any, 0, "", 4},
                {latin1, &no_nul, 0, "", 4},
                {latin1, &utf8, -EILSEQ, "is not valid UTF-8 (at byte 3): save the file as UTF-8", 0},
                {plain, &utf8, 0, "", 6},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *text = NULL, *why = NULL;
                size_t len = 0;
                int r = read_with(cases[i].path, cases[i].rules, &text, &len, &why);
                g_assert_cmpint(r, ==, cases[i].error);
                g_assert_cmpstr(why, ==, cases[i].why);
                if (r == 0) {
                        g_assert_cmpuint(len, ==, cases[i].len);
                        g_assert_cmpint(text[len], ==, '\0');
                }
        }
}

/* ---- trust ------------------------------------------------------------------------------ */

static void test_trust_check(void)
{
        const uid_t me = geteuid();
        const struct {
                uid_t uid;
                mode_t mode;
                int error;
                const char *why;
        } cases[] = {
                {me, S_IFREG | 0600, 0, NULL},
                {me, S_IFREG | 0644, 0, NULL}, /* others may read: the owner's choice */
                {me, S_IFREG | 0400, 0, NULL},
                {0, S_IFREG | 0644, 0, NULL},  /* root's: the system's */
                {me, S_IFREG | 0620, -EPERM, "others can change it (mode 0620): run chmod go-w /p/f"},
                {me, S_IFREG | 0602, -EPERM, "others can change it (mode 0602): run chmod go-w /p/f"},
                {me, S_IFDIR | 0777, -EPERM, "others can change it (mode 0777): run chmod go-w /p/f"},
                {me, S_IFDIR | 01777, -EPERM, "others can change it (mode 1777): run chmod go-w /p/f"},
                {4242, S_IFREG | 0600, -EPERM,
                 "belongs to another user (uid 4242): nudge reads only a thing you own"},
                {4242, S_IFREG | 0666, -EPERM, /* the owner first: chmod would not be theirs to run */
                 "belongs to another user (uid 4242): nudge reads only a thing you own"},
        };
        if (me == 4242) {
                g_test_skip("the test's foreign uid is ours");
                return;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                struct stat st = {.st_uid = cases[i].uid, .st_mode = cases[i].mode};
                g_autofree char *why = NULL;
                g_assert_cmpint(fileio_check_trusted(&st, "/p/f", "thing", &why), ==,
                                cases[i].error);
                g_assert_cmpstr(why, ==, cases[i].why);
                g_assert_cmpint(fileio_check_trusted(&st, "/p/f", "thing", NULL), ==,
                                cases[i].error);
        }
}

/* The reader applies the trust check to the file itself, after the kind and size checks. */
static void test_read_trust(void)
{
        g_autofree char *gw = make_file("gw", "x", -1, 0664);
        g_autofree char *text = NULL, *why = NULL;
        size_t len;
        g_assert_cmpint(read_with(gw, &thing, &text, &len, &why), ==, -EPERM);
        g_autofree char *want = g_strdup_printf("others can change it (mode 0664): run chmod go-w %s",
                                                gw);
        g_assert_cmpstr(why, ==, want);

        if (geteuid() != 0) {
                g_test_message("not root: cannot give a file to another user");
                return;
        }
        g_autofree char *theirs = make_file("theirs", "x", -1, 0600);
        g_assert_cmpint(chown(theirs, 65534, 65534), ==, 0);
        g_autofree char *text2 = NULL, *why2 = NULL;
        g_assert_cmpint(read_with(theirs, &thing, &text2, &len, &why2), ==, -EPERM);
        g_assert_cmpstr(why2, ==, "belongs to another user (uid 65534): nudge reads only a thing "
                                  "you own");
}

/* ---- writing ---------------------------------------------------------------------------- */

static char *read_back(const char *path)
{
        char *text = NULL;
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        return text;
}

static int mode_of(const char *path)
{
        struct stat st;
        g_assert_cmpint(lstat(path, &st), ==, 0);
        return st.st_mode & 07777;
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in `dir`, sorted, joined by blanks. */
static char *listing(const char *dir)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        g_assert_nonnull(d);
        g_autoptr(GPtrArray) names = g_ptr_array_new();
        const char *name;
        while ((name = g_dir_read_name(d)))
                g_ptr_array_add(names, (char *)name);
        g_ptr_array_sort(names, cmp_names);
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < names->len; i++)
                g_string_append_printf(s, "%s%s", i ? " " : "", (char *)names->pdata[i]);
        return g_string_free(s, FALSE);
}

/* Runs `fn` with writes limited to 1000 bytes per file: past it, write() writes short and
 * then fails with EFBIG, as it would on a full disk. */
static int with_small_files(int (*fn)(void *), void *data)
{
        struct rlimit saved, small = {.rlim_cur = 1000};
        g_assert_cmpint(getrlimit(RLIMIT_FSIZE, &saved), ==, 0);
        small.rlim_max = saved.rlim_max;
        void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
        g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &small), ==, 0);
        int r = fn(data);
        g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &saved), ==, 0);
        signal(SIGXFSZ, prev);
        return r;
}

static int write_5000(void *fdp)
{
        static const char zeros[5000];
        return fileio_write_all(*(int *)fdp, zeros, sizeof zeros);
}

static int replace_5000(void *path)
{
        static const char zeros[5000];
        return fileio_replace(path, zeros, sizeof zeros, 0600);
}

typedef struct {
        int fd;
        size_t want;
        char *buf;
        size_t got;
} Drain;

static gpointer drain(gpointer p)
{
        Drain *d = p;
        ssize_t k;
        while (d->got < d->want && (k = read(d->fd, d->buf + d->got, d->want - d->got)) > 0)
                d->got += (size_t)k;
        return NULL;
}

static void test_write_all(void)
{
        /* More than a pipe holds, so that write() returns short and must be called again. */
        int p[2];
        g_assert_cmpint(pipe(p), ==, 0);
        const size_t n = 1 << 20;
        g_autofree char *out = g_malloc(n);
        for (size_t i = 0; i < n; i++)
                out[i] = (char)(i * 7);
        g_autofree char *in = g_malloc(n);
        Drain d = {p[0], n, in, 0};
        GThread *reader = g_thread_new("drain", drain, &d);
        g_assert_cmpint(fileio_write_all(p[1], out, n), ==, 0);
        close(p[1]);
        g_thread_join(reader);
        close(p[0]);
        g_assert_cmpuint(d.got, ==, n);
        g_assert_true(memcmp(in, out, n) == 0);

        g_assert_cmpint(fileio_write_all(-1, "x", 1), ==, -EBADF);

        /* A short write is not success: the rest is tried, and its error returned. */
        g_autofree char *path = path_in("short");
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(with_small_files(write_5000, &fd), ==, -EFBIG);
        close(fd);
}

static void test_replace(void)
{
        g_autofree char *dir = path_in("replace");
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
        g_autofree char *path = g_build_filename(dir, "f", NULL);

        /* New, then replaced; exactly the mode asked for, whatever the umask. */
        mode_t old = umask(0);
        g_assert_cmpint(fileio_replace(path, "one\n", 4, 0600), ==, 0);
        umask(old);
        g_assert_cmpint(mode_of(path), ==, 0600);
        old = umask(077);
        g_assert_cmpint(fileio_replace(path, "two\n", 4, 0640), ==, 0);
        umask(old);
        g_assert_cmpint(mode_of(path), ==, 0640);
        g_autofree char *two = read_back(path);
        g_assert_cmpstr(two, ==, "two\n");
        g_autofree char *names = listing(dir);
        g_assert_cmpstr(names, ==, "f"); /* no temporary file left */

        /* A symbolic link in place is replaced, never written through. */
        g_autofree char *target = make_file("target", "theirs\n", -1, 0600);
        g_autofree char *link = g_build_filename(dir, "link", NULL);
        g_assert_cmpint(symlink(target, link), ==, 0);
        g_assert_cmpint(fileio_replace(link, "mine\n", 5, 0600), ==, 0);
        g_autofree char *kept = read_back(target);
        g_assert_cmpstr(kept, ==, "theirs\n");
        struct stat st;
        g_assert_cmpint(lstat(link, &st), ==, 0);
        g_assert_true(S_ISREG(st.st_mode));
        g_assert_cmpint(g_unlink(link), ==, 0);
}

/* A write that fails halfway (the file size limit here; a full disk in life) leaves the old
 * file whole and no temporary file behind. */
static void test_replace_failure(void)
{
        g_autofree char *dir = path_in("fail");
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
        g_autofree char *path = g_build_filename(dir, "f", NULL);
        g_assert_cmpint(fileio_replace(path, "old\n", 4, 0600), ==, 0);

        g_assert_cmpint(with_small_files(replace_5000, path), ==, -EFBIG);
        g_autofree char *text = read_back(path);
        g_assert_cmpstr(text, ==, "old\n");
        g_autofree char *names = listing(dir);
        g_assert_cmpstr(names, ==, "f");

        /* No folder to put the temporary file in: an error, nothing created. */
        g_autofree char *nowhere = g_build_filename(dir, "no", "f", NULL);
        g_assert_cmpint(fileio_replace(nowhere, "x", 1, 0600), ==, -ENOENT);
}

/* The second half of a replace, for a working copy that is already written: it is synced
 * and renamed over the file, and a missing one changes nothing. */
static void test_install(void)
{
        g_autofree char *dir = path_in("install");
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
        g_autofree char *path = g_build_filename(dir, "schedule.ini", NULL);
        g_autofree char *work = g_build_filename(dir, ".schedule.ini.XXXXXX", NULL);
        g_assert_cmpint(fileio_replace(path, "old\n", 4, 0600), ==, 0);

        g_assert_cmpint(fileio_install(work, path), ==, -ENOENT);
        g_autofree char *still = read_back(path);
        g_assert_cmpstr(still, ==, "old\n");

        int fd = g_mkstemp_full(work, O_WRONLY | O_CLOEXEC, 0600);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(fileio_write_all(fd, "new\n", 4), ==, 0);
        close(fd);
        g_assert_cmpint(fileio_install(work, path), ==, 0);
        g_autofree char *text = read_back(path);
        g_assert_cmpstr(text, ==, "new\n");
        g_assert_false(g_file_test(work, G_FILE_TEST_EXISTS));
}

static void test_mkdir_private(void)
{
        g_autofree char *top = path_in("private");
        g_autofree char *dir = g_build_filename(top, "a", "b", NULL);
        g_autofree char *mid = g_build_filename(top, "a", NULL);
        mode_t old = umask(0); /* the modes must not depend on the umask */
        int r = fileio_mkdir_private(dir, 0700);
        umask(old);
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpint(mode_of(dir), ==, 0700);
        g_assert_cmpint(mode_of(mid), ==, 0700);
        g_assert_cmpint(mode_of(top), ==, 0700);

        /* Again: nothing to do, and an existing folder's mode is the person's. */
        g_assert_cmpint(chmod(dir, 0750), ==, 0);
        g_assert_cmpint(fileio_mkdir_private(dir, 0700), ==, 0);
        g_assert_cmpint(mode_of(dir), ==, 0750);

        g_autofree char *file = make_file("plain", "x", -1, 0600);
        g_assert_cmpint(fileio_mkdir_private(file, 0700), ==, -ENOTDIR);
        g_autofree char *under = g_build_filename(file, "sub", NULL);
        g_assert_cmpint(fileio_mkdir_private(under, 0700), <, 0);
}

/* ---- the descriptor cleanup -------------------------------------------------------------- */

static int open_and_fail(int *seen)
{
        _cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        *seen = fd;
        errno = ENOSPC;
        return -errno; /* the cleanup runs after this, and must not change errno either */
}

static int open_and_keep(void)
{
        _cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        return fileio_take_fd(&fd);
}

static void test_cleanup_close(void)
{
        int fd = -1;
        errno = 0;
        g_assert_cmpint(open_and_fail(&fd), ==, -ENOSPC);
        g_assert_cmpint(errno, ==, ENOSPC);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1); /* closed */
        g_assert_cmpint(errno, ==, EBADF);

        int kept = open_and_keep();
        g_assert_cmpint(fcntl(kept, F_GETFD), >=, 0); /* given away: still open */
        close(kept);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_autoptr(GError) error = NULL;
        tmp = g_dir_make_tmp("test-fileio-XXXXXX", &error);
        g_assert_no_error(error);
        g_test_add_func("/fileio/read-kinds", test_read_kinds);
        g_test_add_func("/fileio/read-size", test_read_size);
        g_test_add_func("/fileio/read-text", test_read_text);
        g_test_add_func("/fileio/trust-check", test_trust_check);
        g_test_add_func("/fileio/read-trust", test_read_trust);
        g_test_add_func("/fileio/write-all", test_write_all);
        g_test_add_func("/fileio/replace", test_replace);
        g_test_add_func("/fileio/replace-failure", test_replace_failure);
        g_test_add_func("/fileio/install", test_install);
        g_test_add_func("/fileio/mkdir-private", test_mkdir_private);
        g_test_add_func("/fileio/cleanup-close", test_cleanup_close);
        int r = g_test_run();
        g_free(tmp);
        return r;
}
