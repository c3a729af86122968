/* SPDX-License-Identifier: MIT */
/* The opener's side of Write notes: the notes file it creates, with carry-forward, and the
 * "After the session" heading it makes sure of for a check-in (the launch itself is left to
 * the desktop tests). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "notes.h"
#include "opener.h"

static char *tmp;

static char *read_text(const char *path)
{
        char *t = NULL;
        g_assert_true(g_file_get_contents(path, &t, NULL, NULL));
        return t;
}

static unsigned count(const char *hay, const char *needle)
{
        unsigned n = 0;
        for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
                n++;
        return n;
}

/* 2026-12-01 14:00 in Berlin. */
#define START 1796130000

static void test_checkin_opens_after(void)
{
        g_autofree char *dir = g_build_filename(tmp, "notes", NULL);
        g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
        g_autofree char *prev = g_build_filename(dir, "2026-11-24-therapy.md", NULL);
        g_assert_cmpint(notes_create(prev, "## " NOTES_HEADING_QUESTIONS "\n- [ ] the letter\n"),
                        ==, 1);
        g_autofree char *path = g_build_filename(dir, "2026-12-01-therapy.md", NULL);

        /* Missing: created with carry-forward, and the heading is there once. */
        g_assert_cmpint(opener_open_notes_at(path, "Therapy", START, true), ==, 0);
        g_autofree char *a = read_text(path);
        g_assert_true(g_str_has_prefix(a, "# Therapy\n"));
        g_assert_nonnull(strstr(a, "- [ ] the letter\n"));
        g_assert_cmpuint(count(a, "\n## " NOTES_HEADING_AFTER "\n"), ==, 1);

        /* The person removed the heading: it comes back, once, after what they wrote. */
        g_assert_true(g_file_set_contents(path, "# Therapy\n\nmine\n", -1, NULL));
        g_assert_cmpint(opener_open_notes_at(path, "Therapy", START, true), ==, 0);
        g_assert_cmpint(opener_open_notes_at(path, "Therapy", START, true), ==, 0);
        g_autofree char *b = read_text(path);
        g_assert_cmpstr(b, ==, "# Therapy\n\nmine\n\n## " NOTES_HEADING_AFTER "\n");

        /* A reminder's Write notes leaves an existing file alone. */
        g_assert_true(g_file_set_contents(path, "# Therapy\n\nmine\n", -1, NULL));
        g_assert_cmpint(opener_open_notes_at(path, "Therapy", START, false), ==, 0);
        g_autofree char *c = read_text(path);
        g_assert_cmpstr(c, ==, "# Therapy\n\nmine\n");
}

int main(int argc, char **argv)
{
        g_setenv("TZ", "Europe/Berlin", TRUE);
        /* No session bus: the launch is queued on a main loop that never runs. */
        g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
        tmp = g_dir_make_tmp("nudge-test-opener-XXXXXX", NULL);
        g_assert_nonnull(tmp);
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/opener/checkin-opens-after", test_checkin_opens_after);
        int r = g_test_run();
        return r;
}
