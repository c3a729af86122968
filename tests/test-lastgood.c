/* SPDX-License-Identifier: MIT */
/* Unit tests of the last good schedule and the told-about mark. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lastgood.h"
#include "log.h"

static char *tmp;

static void test_save_load(void)
{
        g_autofree char *path = g_build_filename(tmp, "state", "nudge", "schedule.good", NULL);
        g_autoptr(Tz) utc = tz_new("UTC");
        g_assert_null(lastgood_load(path, "/s.ini", utc)); /* none yet */
        const char text[] = "[therapy]\nweekly = Tue 14:00\n";
        g_assert_cmpint(lastgood_save(path, text, strlen(text)), ==, 0);
        struct stat st;
        g_assert_cmpint(g_stat(path, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);
        g_autofree char *dir = g_path_get_dirname(path);
        g_assert_cmpint(g_stat(dir, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0700);
        Schedule *s = lastgood_load(path, "/s.ini", utc);
        g_assert_nonnull(s);
        g_assert_cmpuint(s->n_series, ==, 1);
        g_assert_cmpstr(s->series[0].id, ==, "therapy");
        schedule_free(s);

        /* Saving the same text again writes nothing (the file keeps its inode). */
        struct stat before, after;
        g_assert_cmpint(g_stat(path, &before), ==, 0);
        g_assert_cmpint(lastgood_save(path, text, strlen(text)), ==, 0);
        g_assert_cmpint(g_stat(path, &after), ==, 0);
        g_assert_cmpuint(before.st_ino, ==, after.st_ino);

        /* A copy that no longer reads cleanly is not used; one others can change is not. */
        g_assert_true(g_file_set_contents(path, "[x]\nweekly = Someday\n", -1, NULL));
        g_assert_cmpint(g_chmod(path, 0600), ==, 0);
        g_assert_null(lastgood_load(path, "/s.ini", utc));
        g_assert_true(g_file_set_contents(path, text, -1, NULL));
        g_assert_cmpint(g_chmod(path, 0666), ==, 0);
        g_assert_null(lastgood_load(path, "/s.ini", utc));
}

static void test_told(void)
{
        g_autofree char *path = g_build_filename(tmp, "told", NULL);
        const char a[] = "[a]\nremnid = 1d\n", b[] = "[a]\nduration = 13h\n";
        g_assert_false(lastgood_was_told(path, a, strlen(a)));
        lastgood_mark_told(path, a, strlen(a));
        g_assert_true(lastgood_was_told(path, a, strlen(a)));
        g_assert_false(lastgood_was_told(path, b, strlen(b)));
        /* The mark is a digest, never the text. */
        g_autofree char *mark = NULL;
        g_assert_true(g_file_get_contents(path, &mark, NULL, NULL));
        g_assert_null(strstr(mark, "remnid"));
        lastgood_mark_told(path, b, strlen(b));
        g_assert_false(lastgood_was_told(path, a, strlen(a)));
}

int main(int argc, char **argv)
{
        tmp = g_dir_make_tmp("nudge-test-lastgood-XXXXXX", NULL);
        g_test_init(&argc, &argv, NULL);
        log_set_max_priority(2);
        g_test_add_func("/lastgood/save-load", test_save_load);
        g_test_add_func("/lastgood/told", test_told);
        int r = g_test_run();
        const char *const rm[] = { "rm", "-rf", tmp, NULL };
        g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
        g_free(tmp);
        return r;
}
