/* SPDX-License-Identifier: MIT */
/* Unit tests of the notes files: names, template, private creation, never overwriting,
 * appending under a heading. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schedfile.h"
#include "notes.h"
#include "tz.h"

/* 2026-12-01 (a Tuesday) 14:00 Europe/Berlin = 13:00 UTC. */
#define START ((int64_t) 1796130000)

static Tz *berlin;
static char *tmp;

static Schedule *load(const char *text)
{
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf("test.ini", text, strlen(text), berlin, &errors);
        if (!s) {
                g_autofree char *msg = schedfile_errors_format(errors);
                g_error("schedule did not parse: %s", msg);
        }
        return s;
}

static char *read_text(const char *path)
{
        char *text = NULL;
        g_autoptr(GError) error = NULL;
        if (!g_file_get_contents(path, &text, NULL, &error))
                g_error("%s", error->message);
        return text;
}

static int mode_of(const char *path)
{
        struct stat st;
        g_assert_cmpint(lstat(path, &st), ==, 0);
        return st.st_mode & 07777;
}

static void test_names(void)
{
        g_autoptr(Schedule) s = load("[defaults]\nnotes = ~/Documents/session-notes\n"
                                     "[Therapy]\ntitle = T\nweekly = Tue 14:00\n"
                                     "[group]\nweekly = Wed 17:00\nnotes = /srv/x\n");
        Occurrence o;
        g_assert_true(series_next(&s->series[1], START - 86400, &o));
        g_assert_cmpstr(o.series->id, ==, "therapy");
        g_autofree char *name = notes_file_name(&o);
        g_assert_cmpstr(name, ==, "2026-12-01-therapy.md");
        g_autofree char *path = notes_path(&o);
        g_autofree char *want = g_build_filename(g_get_home_dir(), "Documents", "session-notes",
                                                 "2026-12-01-therapy.md", NULL);
        g_assert_cmpstr(path, ==, want);
        g_autofree char *dir = notes_dir(&s->series[0]);
        g_assert_cmpstr(dir, ==, "/srv/x");

        g_autoptr(Schedule) d = load("[therapy]\nweekly = Tue 14:00\n");
        g_autofree char *def = notes_dir(&d->series[0]);
        g_autofree char *want_def = g_build_filename(tmp, "data", "nudge", "notes", NULL);
        g_assert_cmpstr(def, ==, want_def);
}

static void test_template(void)
{
        Ymd date = {2026, 12, 1};
        g_autofree char *t = notes_template("Therapy with Dr. Rivera", date, 14 * 60);
        g_assert_true(g_str_has_prefix(t, "# Therapy with Dr. Rivera\n"));
        g_assert_nonnull(strstr(t, "\nTuesday, 1 December 2026, 14:00\n"));
        const char *h1 = strstr(t, "\n## " NOTES_HEADING_THOUGHTS "\n");
        const char *h2 = strstr(t, "\n## " NOTES_HEADING_QUESTIONS "\n");
        const char *h3 = strstr(t, "\n## " NOTES_HEADING_AFTER "\n");
        g_assert_true(h1 && h2 && h3 && h1 < h2 && h2 < h3);
        g_assert_true(g_str_has_suffix(t, "\n"));

        /* No title (privacy): a neutral one. A title cannot break out of its line. */
        g_autofree char *none = notes_template(NULL, date, 9 * 60 + 5);
        g_assert_true(g_str_has_prefix(none, "# Session\n\nTuesday, 1 December 2026, 09:05\n"));
        g_autofree char *odd = notes_template("A\n## B", date, 0);
        g_assert_true(g_str_has_prefix(odd, "# A ## B\n"));

        g_autofree char *at = notes_template_at("X", START, berlin);
        g_assert_nonnull(strstr(at, "Tuesday, 1 December 2026, 14:00"));
}

static void test_create_modes(void)
{
        g_autofree char *dir = g_build_filename(tmp, "create", "notes", NULL);
        g_autofree char *path = g_build_filename(dir, "2026-12-01-therapy.md", NULL);
        mode_t old = umask(0); /* the modes must not depend on the umask */
        int r = notes_create(path, "first\n");
        umask(old);
        g_assert_cmpint(r, ==, 1);
        g_assert_cmpint(mode_of(path), ==, 0600);
        g_assert_cmpint(mode_of(dir), ==, 0700);
        g_autofree char *text = read_text(path);
        g_assert_cmpstr(text, ==, "first\n");

        /* Never overwritten: the second call leaves the person's words alone. */
        g_assert_true(g_file_set_contents(path, "my own words\n", -1, NULL));
        g_assert_cmpint(notes_create(path, "template\n"), ==, 0);
        g_autofree char *kept = read_text(path);
        g_assert_cmpstr(kept, ==, "my own words\n");
}

static void test_create_symlink(void)
{
        g_autofree char *dir = g_build_filename(tmp, "links", NULL);
        g_autofree char *target = g_build_filename(tmp, "target.txt", NULL);
        g_autofree char *path = g_build_filename(dir, "2026-12-01-therapy.md", NULL);
        g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
        g_assert_true(g_file_set_contents(target, "not yours\n", -1, NULL));
        g_assert_cmpint(symlink(target, path), ==, 0);
        g_assert_cmpint(notes_create(path, "template\n"), ==, -ELOOP);
        g_assert_cmpint(notes_append(path, "template\n", NOTES_HEADING_THOUGHTS, "- x"), ==,
                        -ELOOP);
        g_autofree char *text = read_text(target);
        g_assert_cmpstr(text, ==, "not yours\n");
}

static void test_insert(void)
{
        Ymd date = {2026, 12, 1};
        g_autofree char *t = notes_template("T", date, 14 * 60);
        g_autofree char *a = notes_insert(t, NOTES_HEADING_QUESTIONS, "- q1");
        g_autofree char *b = notes_insert(a, NOTES_HEADING_QUESTIONS, "- q2");
        g_autofree char *c = notes_insert(b, NOTES_HEADING_THOUGHTS, "- t1");
        g_assert_nonnull(strstr(c, "\n## " NOTES_HEADING_THOUGHTS "\n- t1\n\n## "
                                   NOTES_HEADING_QUESTIONS "\n- q1\n- q2\n\n## "
                                   NOTES_HEADING_AFTER "\n"));
        /* Everything else is unchanged. */
        g_assert_cmpuint(strlen(c), ==, strlen(t) + strlen("- q1\n- q2\n- t1\n"));

        /* Under the heading's own text, after what the person wrote, before the blank
         * lines and the next heading; case of the heading does not matter. */
        g_autofree char *d = notes_insert("# X\n## questions to ask\nmine\n\n\n### sub\n",
                                          NOTES_HEADING_QUESTIONS, "- new");
        g_assert_cmpstr(d, ==, "# X\n## questions to ask\nmine\n- new\n\n\n### sub\n");
        /* Last section, no final newline. */
        g_autofree char *e = notes_insert("## Thoughts\nold", NOTES_HEADING_THOUGHTS, "- new");
        g_assert_cmpstr(e, ==, "## Thoughts\nold\n- new\n");
        /* A heading the person removed comes back at the end. */
        g_autofree char *f = notes_insert("just text\n", NOTES_HEADING_QUESTIONS, "- new");
        g_assert_cmpstr(f, ==, "just text\n\n## " NOTES_HEADING_QUESTIONS "\n- new\n");
        g_autofree char *g = notes_insert("", NOTES_HEADING_THOUGHTS, "- new");
        g_assert_cmpstr(g, ==, "## " NOTES_HEADING_THOUGHTS "\n- new\n");
}

static void test_dated_line(void)
{
        /* 2026-11-25 21:00 UTC is 22:00 in Berlin. */
        g_autofree char *l = notes_dated_line(1795640400, berlin, "  ask about\nthe letter\t ");
        g_assert_cmpstr(l, ==, "- 2026-11-25 22:00 ask about the letter");
        g_autofree char *bad = notes_dated_line(1795640400, berlin, "caf\xe9");
        g_assert_true(g_utf8_validate(bad, -1, NULL));
}

static void test_append(void)
{
        g_autofree char *dir = g_build_filename(tmp, "append", NULL);
        g_autofree char *path = g_build_filename(dir, "2026-12-01-therapy.md", NULL);
        Ymd date = {2026, 12, 1};
        g_autofree char *t = notes_template("Therapy", date, 14 * 60);

        /* Missing: created from the template first. */
        g_assert_cmpint(notes_append(path, t, NOTES_HEADING_QUESTIONS, "- q1"), ==, 0);
        g_assert_cmpint(notes_append(path, t, NOTES_HEADING_THOUGHTS, "- t1"), ==, 0);
        g_autofree char *text = read_text(path);
        g_assert_true(g_str_has_prefix(text, "# Therapy\n"));
        g_assert_nonnull(strstr(text, "## " NOTES_HEADING_THOUGHTS "\n- t1\n"));
        g_assert_nonnull(strstr(text, "## " NOTES_HEADING_QUESTIONS "\n- q1\n"));
        g_assert_cmpint(mode_of(path), ==, 0600);
        g_assert_cmpint(mode_of(dir), ==, 0700);

        /* No temporary file left behind. */
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *name;
        int n = 0;
        while ((name = g_dir_read_name(d)))
                n += strcmp(name, ".nudge-notes.lock") != 0;
        g_assert_cmpint(n, ==, 1);

        /* The check-in's heading: added once, and only when it is missing. */
        g_autofree char *p2 = g_build_filename(dir, "2026-12-08-therapy.md", NULL);
        g_assert_cmpint(notes_create(p2, "# T\n\n## Thoughts\n- x\n"), ==, 1);
        g_assert_cmpint(notes_ensure_heading(p2, t, NOTES_HEADING_AFTER), ==, 0);
        g_assert_cmpint(notes_ensure_heading(p2, t, NOTES_HEADING_AFTER), ==, 0);
        g_autofree char *t2 = read_text(p2);
        g_assert_cmpstr(t2, ==, "# T\n\n## Thoughts\n- x\n\n## " NOTES_HEADING_AFTER "\n");
}

static const char prev_notes[] =
        "# Therapy\n\nTuesday, 24 November 2026, 14:00\n\n"
        "## Still to ask (from 2026-11-17)\n\n- [ ] the old one\n- [x] asked at last\n\n"
        "## " NOTES_HEADING_AFTER " of 2026-11-17\n\nnot carried twice\n\n"
        "## " NOTES_HEADING_THOUGHTS "\n\n- [ ] a task among thoughts is not a question\n\n"
        "## " NOTES_HEADING_QUESTIONS "\n\n- [ ] the letter\n- [x] the fee\n  - [ ] nested one\n"
        "- [ ] the old one\n\n"
        "## " NOTES_HEADING_AFTER "\n\nI did not feel heard about work.\n\n"
        "- next time: say so\n\n\n";

static void test_carry_forward(void)
{
        Ymd date = {2026, 12, 1}, prev = {2026, 11, 24};
        g_autofree char *t = notes_template("Therapy", date, 14 * 60);
        g_autofree char *c = notes_carry_forward(t, prev_notes, prev);
        const char *want =
                "## Still to ask (from 2026-11-24)\n\n"
                "- [ ] the old one\n- [ ] the letter\n- [ ] nested one\n\n"
                "## " NOTES_HEADING_AFTER " of 2026-11-24\n\n"
                "I did not feel heard about work.\n\n- next time: say so\n\n"
                "## " NOTES_HEADING_THOUGHTS "\n";
        g_assert_nonnull(strstr(c, want));
        /* The template around it is unchanged, its own parts still empty and last. */
        g_assert_cmpuint(strlen(c), ==, strlen(t) + strlen(want) - strlen("## " NOTES_HEADING_THOUGHTS "\n"));
        g_assert_true(g_str_has_suffix(c, "## " NOTES_HEADING_QUESTIONS "\n\n## " NOTES_HEADING_AFTER "\n\n"));
        g_assert_null(strstr(c, "asked at last"));
        g_assert_null(strstr(c, "not carried twice"));
        g_assert_null(strstr(c, "among thoughts"));
        g_assert_cmpuint(notes_open_questions(c), ==, 3);

        /* Nothing to carry, or no earlier notes: the template itself. */
        g_autofree char *n1 = notes_carry_forward(t, NULL, prev);
        g_assert_cmpstr(n1, ==, t);
        g_autofree char *n2 = notes_carry_forward(t, "## " NOTES_HEADING_QUESTIONS "\n- [x] done\n## "
                                                  NOTES_HEADING_AFTER "\n\n\n", prev);
        g_assert_cmpstr(n2, ==, t);
        /* Only questions, only after. */
        g_autofree char *n3 = notes_carry_forward(t, "## " NOTES_HEADING_QUESTIONS "\n- [ ] q\n", prev);
        g_assert_nonnull(strstr(n3, "\n## Still to ask (from 2026-11-24)\n\n- [ ] q\n\n## Thoughts\n"));
        g_assert_null(strstr(n3, " of 2026-11-24"));
        g_autofree char *n4 = notes_carry_forward(t, "## " NOTES_HEADING_AFTER "\nfine\n", prev);
        g_assert_nonnull(strstr(n4, "\n## " NOTES_HEADING_AFTER " of 2026-11-24\n\nfine\n\n## Thoughts\n"));
        g_assert_null(strstr(n4, "Still to ask"));
}

static void test_open_questions_and_names(void)
{
        g_assert_cmpuint(notes_open_questions(""), ==, 0);
        g_assert_cmpuint(notes_open_questions("- [ ] a\n* [ ] b\n- [x] c\n- [X] d\n-[ ] e\n"), ==, 2);
        Ymd d;
        g_autofree char *id = NULL;
        g_assert_true(notes_parse_file_name("2026-12-01-my-therapy.md", &d, &id));
        g_assert_cmpint(d.y, ==, 2026);
        g_assert_cmpint(d.d, ==, 1);
        g_assert_cmpstr(id, ==, "my-therapy");
        g_autofree char *id2 = NULL;
        g_assert_false(notes_parse_file_name("2026-13-01-t.md", &d, &id2));
        g_assert_false(notes_parse_file_name("notes.md", &d, &id2));
        g_assert_false(notes_parse_file_name(".nudge-notes.lock", &d, &id2));
        g_assert_false(notes_parse_file_name("2026-12-01-t.md~", &d, &id2));
}

/* The latest earlier notes of the same series, not of another, not a later one. */
static void test_new_text(void)
{
        g_autofree char *dir = g_build_filename(tmp, "carry", NULL);
        g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
        const struct {
                const char *name, *text;
        } files[] = {
                {"2026-11-10-therapy.md", "## " NOTES_HEADING_QUESTIONS "\n- [ ] too old\n"},
                {"2026-11-24-therapy.md", "## " NOTES_HEADING_QUESTIONS "\n- [ ] from the 24th\n"},
                {"2026-11-30-group.md", "## " NOTES_HEADING_QUESTIONS "\n- [ ] other series\n"},
                {"2026-12-15-therapy.md", "## " NOTES_HEADING_QUESTIONS "\n- [ ] later\n"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
                g_autofree char *p = g_build_filename(dir, files[i].name, NULL);
                g_assert_cmpint(notes_create(p, files[i].text), ==, 1);
        }
        g_autofree char *path = g_build_filename(dir, "2026-12-01-therapy.md", NULL);
        /* 2026-12-01 14:00 in Berlin. */
        g_autofree char *t = notes_new_text(path, "Therapy", 1796130000, berlin);
        g_assert_nonnull(strstr(t, "## Still to ask (from 2026-11-24)\n\n- [ ] from the 24th\n"));
        g_assert_null(strstr(t, "too old"));
        g_assert_null(strstr(t, "other series"));
        g_assert_null(strstr(t, "later"));
        g_assert_true(g_str_has_prefix(t, "# Therapy\n\nTuesday, 1 December 2026, 14:00\n"));
        /* The first notes of a series: the plain template. */
        g_autofree char *first = g_build_filename(dir, "2026-11-30-solo.md", NULL);
        g_autofree char *f = notes_new_text(first, "Solo", 1796130000, berlin);
        g_autofree char *plain = notes_template_at("Solo", 1796130000, berlin);
        g_assert_cmpstr(f, ==, plain);
}

int main(int argc, char **argv)
{
        tmp = g_dir_make_tmp("nudge-test-notes-XXXXXX", NULL);
        g_assert_nonnull(tmp);
        /* Before GLib reads and caches the XDG directories. */
        g_autofree char *data = g_build_filename(tmp, "data", NULL);
        g_setenv("XDG_DATA_HOME", data, TRUE);
        g_test_init(&argc, &argv, NULL);
        berlin = tz_new("Europe/Berlin");
        g_assert_nonnull(berlin);
        g_test_add_func("/notes/names", test_names);
        g_test_add_func("/notes/template", test_template);
        g_test_add_func("/notes/create-modes", test_create_modes);
        g_test_add_func("/notes/create-symlink", test_create_symlink);
        g_test_add_func("/notes/insert", test_insert);
        g_test_add_func("/notes/dated-line", test_dated_line);
        g_test_add_func("/notes/append", test_append);
        g_test_add_func("/notes/carry-forward", test_carry_forward);
        g_test_add_func("/notes/open-questions-and-names", test_open_questions_and_names);
        g_test_add_func("/notes/new-text", test_new_text);
        int r = g_test_run();
        tz_unref(berlin);
        /* Remove the scratch tree (without a shell). */
        const char *const rm[] = {"rm", "-rf", tmp, NULL};
        g_spawn_sync(NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                     NULL);
        g_free(tmp);
        return r;
}
