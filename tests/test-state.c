/* SPDX-License-Identifier: MIT */
/* Unit tests of the sent-reminder records: parsing, formatting, pruning, the file. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

static void test_parse_good(void)
{
        const char *text = "nudge-state 1\n"
                           "therapy\t1764594000\t1764590400\n"
                           "group.a-b_c\t-5\t-100\n";
        int err = 0;
        g_autoptr(State) st = state_parse_buf(text, strlen(text), &err);
        g_assert_nonnull(st);
        g_assert_cmpuint(state_size(st), ==, 2);
        g_assert_cmpint(state_sent_upto(st, "therapy", 1764594000), ==, 1764590400);
        g_assert_cmpint(state_sent_upto(st, "group.a-b_c", -5), ==, -100);
        g_assert_cmpint(state_sent_upto(st, "therapy", 1764594001), ==, INT64_MIN);
        g_assert_cmpint(state_sent_upto(st, "other", 1764594000), ==, INT64_MIN);
}

static void test_parse_bad(void)
{
        static const char *const bad[] = {
                "",                                   /* no header */
                "nudge-state 3\n",                    /* unknown version */
                "nudge-state 2\nx\t1\t2\n",          /* version 2 has five fields */
                "nudge-state 2\nx\t1\t2\t3\t4\t5\n",  /* a field too many */
                "nudge-state 2\nx\t1\t2\t-1\t-\n",    /* a negative notification id */
                "nudge-state 2\nx\t1\t2\t4294967296\t-\n", /* an id past 32 bits */
                "nudge-state 2\nx\t-\t2\t0\t-\n",     /* no start */
                "nudge-state 2\nx\t1\t2\t0\t-\nx\t1\t3\t0\t-\n", /* one occurrence twice */
                "nudge-state 1\nx\t1\t-\n",           /* "-" is not a version 1 value */
                "nudge-state 1",                      /* cut before the newline */
                "nudge-state 1\nx\t1\t2",             /* last line cut */
                "nudge-state 1\nx\t1\n",              /* a field missing */
                "nudge-state 1\nx\t1\t2\t3\n",        /* a field too many */
                "nudge-state 1\n\t1\t2\n",            /* empty id */
                "nudge-state 1\nA B\t1\t2\n",         /* blank in id */
                "nudge-state 1\nx\t1a\t2\n",          /* junk in a number */
                "nudge-state 1\nx\t\t2\n",            /* empty number */
                "nudge-state 1\nx\t-\t2\n",           /* a sign alone */
                "nudge-state 1\nx\t1\t99999999999999999999\n", /* overflow */
                "nudge-state 1\nx\t+1\t2\n",          /* explicit plus */
                "nudge-state 1\n\n",                  /* blank line */
                "nudge-state 1\r\nx\t1\t2\n",         /* CRLF */
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                int err = 0;
                State *st = state_parse_buf(bad[i], strlen(bad[i]), &err);
                if (st)
                        g_error("accepted case %zu: \"%s\"", i, bad[i]);
                g_assert_cmpint(err, ==, -EBADMSG);
        }
        /* A NUL byte inside a record. */
        const char nul[] = "nudge-state 1\nx\0y\t1\t2\n";
        int err = 0;
        g_assert_null(state_parse_buf(nul, sizeof nul - 1, &err));
}

static void test_mark_and_format(void)
{
        g_autoptr(State) st = state_new();
        state_mark(st, "b", 200, 150);
        state_mark(st, "a", 100, 50);
        state_mark(st, "a", 100, 40); /* never backwards */
        g_assert_cmpint(state_sent_upto(st, "a", 100), ==, 50);
        state_mark(st, "a", 100, 90);
        g_assert_cmpint(state_sent_upto(st, "a", 100), ==, 90);
        g_autofree char *text = state_format(st);
        g_assert_cmpstr(text, ==, "nudge-state 2\na\t100\t90\t0\t-\nb\t200\t150\t0\t-\n");

        int err = 0;
        g_autoptr(State) back = state_parse_buf(text, strlen(text), &err);
        g_assert_nonnull(back);
        g_autofree char *again = state_format(back);
        g_assert_cmpstr(again, ==, text);
}

/* The notification id and the snooze survive the file; a version 1 file still reads. */
static void test_ids_and_snoozes(void)
{
        g_autoptr(State) st = state_new();
        state_mark(st, "a", 100, 50);
        state_set_notification(st, "a", 100, 4000000000u);
        state_set_snooze(st, "c", 300, 250); /* snoozed before any record: one is made */
        state_set_snooze(st, "d", 400, INT64_MIN); /* clearing nothing makes nothing */
        g_assert_cmpuint(state_size(st), ==, 2);
        g_autofree char *text = state_format(st);
        g_assert_cmpstr(text, ==, "nudge-state 2\na\t100\t50\t4000000000\t-\n"
                                  "c\t300\t-\t0\t250\n");
        int err = 0;
        g_autoptr(State) back = state_parse_buf(text, strlen(text), &err);
        g_assert_nonnull(back);
        g_assert_cmpuint(state_notification(back, "a", 100), ==, 4000000000u);
        g_assert_cmpint(state_snooze_at(back, "c", 300), ==, 250);
        g_assert_cmpint(state_sent_upto(back, "c", 300), ==, INT64_MIN);
        g_assert_cmpint(state_snooze_at(back, "a", 100), ==, INT64_MIN);
        state_set_snooze(back, "c", 300, INT64_MIN);
        g_assert_cmpint(state_snooze_at(back, "c", 300), ==, INT64_MIN);

        const char v1[] = "nudge-state 1\na\t100\t90\n";
        g_autoptr(State) old = state_parse_buf(v1, strlen(v1), &err);
        g_assert_nonnull(old);
        g_assert_cmpint(state_sent_upto(old, "a", 100), ==, 90);
        g_assert_cmpuint(state_notification(old, "a", 100), ==, 0);
}

static void test_prune(void)
{
        g_autoptr(State) st = state_new();
        state_mark(st, "a", 100, 50);
        state_mark(st, "a", 200, 150);
        state_mark(st, "b", 300, 250);
        g_assert_cmpuint(state_prune(st, 200), ==, 1);
        g_assert_cmpuint(state_size(st), ==, 2);
        g_assert_cmpint(state_sent_upto(st, "a", 100), ==, INT64_MIN);
        g_assert_cmpint(state_sent_upto(st, "a", 200), ==, 150);
}

static char *make_tmpdir(void)
{
        GError *error = NULL;
        char *dir = g_dir_make_tmp("test-state-XXXXXX", &error);
        g_assert_no_error(error);
        return dir;
}

static void test_save_load(void)
{
        g_autofree char *tmp = make_tmpdir();
        g_autofree char *dir = g_build_filename(tmp, "state", "nudge", NULL);
        g_autofree char *path = g_build_filename(dir, "sent", NULL);

        g_autoptr(State) st = state_new();
        state_mark(st, "therapy", 1000, 900);
        g_assert_cmpint(state_save(st, path), ==, 0);

        struct stat sb;
        g_assert_cmpint(g_stat(path, &sb), ==, 0);
        g_assert_cmpint(sb.st_mode & 0777, ==, 0600);
        g_assert_cmpint(g_stat(dir, &sb), ==, 0);
        g_assert_cmpint(sb.st_mode & 0777, ==, 0700);

        /* Saving again replaces the file and leaves no temporary behind. */
        state_mark(st, "therapy", 1000, 950);
        g_assert_cmpint(state_save(st, path), ==, 0);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        g_assert_nonnull(d);
        const char *name;
        unsigned n = 0;
        while ((name = g_dir_read_name(d))) {
                g_assert_cmpstr(name, ==, "sent");
                n++;
        }
        g_assert_cmpuint(n, ==, 1);

        g_autofree char *aside = NULL, *problem = NULL;
        int err = -1;
        g_autoptr(State) back = state_load(path, &aside, &problem, &err);
        g_assert_cmpint(err, ==, 0);
        g_assert_null(aside);
        g_assert_cmpint(state_sent_upto(back, "therapy", 1000), ==, 950);

        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void test_load_missing(void)
{
        g_autofree char *tmp = make_tmpdir();
        g_autofree char *path = g_build_filename(tmp, "absent", NULL);
        g_autofree char *aside = NULL, *problem = NULL;
        int err = -1;
        g_autoptr(State) st = state_load(path, &aside, &problem, &err);
        g_assert_nonnull(st);
        g_assert_cmpint(err, ==, 0);
        g_assert_null(aside);
        g_assert_cmpuint(state_size(st), ==, 0);
}

static void test_load_corrupt(void)
{
        g_autofree char *tmp = make_tmpdir();
        g_autofree char *path = g_build_filename(tmp, "sent", NULL);
        g_assert_true(g_file_set_contents(path, "garbage\x01\n", -1, NULL));
        g_autofree char *aside = NULL, *problem = NULL;
        int err = 0;
        g_autoptr(State) st = state_load(path, &aside, &problem, &err);
        g_assert_nonnull(st);
        g_assert_cmpint(err, ==, -EBADMSG);
        g_assert_nonnull(aside);
        g_assert_true(g_str_has_prefix(aside, path));
        g_assert_true(g_file_test(aside, G_FILE_TEST_IS_REGULAR));
        g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
        g_assert_cmpuint(state_size(st), ==, 0);
        g_autofree char *want = g_strdup_printf("%s is damaged (%s), kept as %s; starting a new "
                                                "record", path, g_strerror(EBADMSG), aside);
        g_assert_cmpstr(problem, ==, want);

        /* A folder where the file should be: set aside too, never a crash. */
        g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
        g_autofree char *aside2 = NULL, *problem2 = NULL;
        g_autoptr(State) st2 = state_load(path, &aside2, &problem2, &err);
        g_assert_nonnull(st2);
        g_assert_cmpint(err, ==, -EISDIR);
        g_assert_nonnull(aside2);
}

/* A record that someone else could have written is never used: the daemon would otherwise
 * believe reminders were sent that were not. It is set aside, with the schedule's message. */
static void test_load_untrusted(void)
{
        static const struct {
                const char *name;
                uid_t uid;  /* (uid_t)-1: the file stays the test's own */
                mode_t mode;
                const char *problem; /* in the message, after "PATH: " */
        } cases[] = {
                {"group-writable", (uid_t)-1, 0660, "others can change it (mode 0660): run chmod go-w "},
                {"world-writable", (uid_t)-1, 0602, "others can change it (mode 0602): run chmod go-w "},
                {"another user's", 65534, 0600, "belongs to another user (uid 65534): nudge reads only "
                                                "a reminder record you own"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                if (cases[i].uid != (uid_t)-1 && geteuid() != 0) {
                        g_test_message("%s: needs root to give the file away", cases[i].name);
                        continue;
                }
                g_autofree char *tmp = make_tmpdir();
                g_autofree char *path = g_build_filename(tmp, "sent", NULL);
                g_assert_true(g_file_set_contents(path, "nudge-state 1\ntherapy\t1000\t900\n", -1,
                                                  NULL));
                g_assert_cmpint(chmod(path, cases[i].mode), ==, 0);
                if (cases[i].uid != (uid_t)-1)
                        g_assert_cmpint(chown(path, cases[i].uid, (gid_t)-1), ==, 0);

                g_autofree char *aside = NULL, *problem = NULL;
                int err = 0;
                g_autoptr(State) st = state_load(path, &aside, &problem, &err);
                g_assert_nonnull(st);
                g_test_message("%s: %s", cases[i].name, problem ? problem : "(no problem)");
                g_assert_cmpint(err, ==, -EPERM);
                g_assert_cmpuint(state_size(st), ==, 0); /* nothing of it is believed */
                g_autofree char *want = g_strconcat(path, ": ", cases[i].problem, NULL);
                g_assert_nonnull(problem);
                g_assert_true(g_str_has_prefix(problem, want));
                /* Set aside, not overwritten: the person can look at it. */
                g_assert_nonnull(aside);
                g_assert_true(g_str_has_prefix(aside, path));
                g_assert_nonnull(strstr(aside, ".untrusted-"));
                g_assert_nonnull(strstr(problem, aside));
                g_autofree char *kept = NULL;
                g_assert_true(g_file_get_contents(aside, &kept, NULL, NULL));
                g_assert_cmpstr(kept, ==, "nudge-state 1\ntherapy\t1000\t900\n");
                g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

                /* The next save is a new record of the person's own. */
                state_mark(st, "group", 2000, 1900);
                g_assert_cmpint(state_save(st, path), ==, 0);
                struct stat sb;
                g_assert_cmpint(g_stat(path, &sb), ==, 0);
                g_assert_cmpuint(sb.st_uid, ==, geteuid());
                g_assert_cmpint(sb.st_mode & 07777, ==, 0600);
        }
}

/* A record owned by root is trusted, as a schedule is: root could change ours anyway. */
static void test_load_root_owned(void)
{
        if (geteuid() != 0) {
                g_test_skip("needs root");
                return;
        }
        g_autofree char *tmp = make_tmpdir();
        g_autofree char *path = g_build_filename(tmp, "sent", NULL);
        g_assert_true(g_file_set_contents(path, "nudge-state 1\nx\t1\t2\n", -1, NULL));
        g_assert_cmpint(chown(path, 0, 0), ==, 0);
        g_assert_cmpint(chmod(path, 0644), ==, 0);
        g_autofree char *aside = NULL, *problem = NULL;
        int err = -1;
        g_autoptr(State) st = state_load(path, &aside, &problem, &err);
        g_assert_cmpint(err, ==, 0);
        g_assert_null(problem);
        g_assert_cmpuint(state_size(st), ==, 1);
}

/* A FIFO in place of the record must not hang the daemon's start. */
static void test_load_fifo(void)
{
        g_autofree char *tmp = make_tmpdir();
        g_autofree char *path = g_build_filename(tmp, "sent", NULL);
        g_assert_cmpint(mkfifo(path, 0600), ==, 0);
        g_autofree char *aside = NULL, *problem = NULL;
        int err = 0;
        g_autoptr(State) st = state_load(path, &aside, &problem, &err);
        g_assert_nonnull(st);
        g_assert_cmpint(err, ==, -EINVAL);
        g_assert_nonnull(problem);
        g_assert_true(g_str_has_prefix(problem, path));
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/state/parse-good", test_parse_good);
        g_test_add_func("/state/parse-bad", test_parse_bad);
        g_test_add_func("/state/mark-format", test_mark_and_format);
        g_test_add_func("/state/ids-and-snoozes", test_ids_and_snoozes);
        g_test_add_func("/state/prune", test_prune);
        g_test_add_func("/state/save-load", test_save_load);
        g_test_add_func("/state/load-missing", test_load_missing);
        g_test_add_func("/state/load-corrupt", test_load_corrupt);
        g_test_add_func("/state/load-untrusted", test_load_untrusted);
        g_test_add_func("/state/load-root-owned", test_load_root_owned);
        g_test_add_func("/state/load-fifo", test_load_fifo);
        return g_test_run();
}
