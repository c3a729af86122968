/* SPDX-License-Identifier: MIT */
/* Unit tests of where nudge keeps its files: the XDG base directories and "~". */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "paths.h"

#define HOME "/home/tester"

/* GLib reads $HOME and $XDG_* once per process, so each environment runs in a child. */
static const struct {
        const char *name;
        const char *config_home, *state_home, *data_home; /* NULL: unset */
        const char *config, *state_dir, *notes_dir;
} xdg_cases[] = {
        {"defaults", NULL, NULL, NULL,
         HOME "/.config/nudge/schedule.ini", HOME "/.local/state/nudge",
         HOME "/.local/share/nudge/notes"},
        {"set", "/x/config", "/x/state", "/x/data",
         "/x/config/nudge/schedule.ini", "/x/state/nudge", "/x/data/nudge/notes"},
        {"empty", "", "", "",
         HOME "/.config/nudge/schedule.ini", HOME "/.local/state/nudge",
         HOME "/.local/share/nudge/notes"},
};

static void set_or_unset(const char *var, const char *value)
{
        if (value)
                g_setenv(var, value, TRUE);
        else
                g_unsetenv(var);
}

static void test_xdg(void)
{
        if (g_test_subprocess()) {
                size_t i = (size_t)g_ascii_strtoull(g_getenv("PATHS_CASE"), NULL, 10);
                g_autofree char *config = paths_default_config();
                g_autofree char *state = paths_state_dir();
                g_autofree char *notes = paths_default_notes_dir();
                g_assert_cmpstr(config, ==, xdg_cases[i].config);
                g_assert_cmpstr(state, ==, xdg_cases[i].state_dir);
                g_assert_cmpstr(notes, ==, xdg_cases[i].notes_dir);
                return;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(xdg_cases); i++) {
                g_test_message("case %s", xdg_cases[i].name);
                g_autofree char *index = g_strdup_printf("%zu", i);
                g_setenv("PATHS_CASE", index, TRUE);
                g_setenv("HOME", HOME, TRUE);
                set_or_unset("XDG_CONFIG_HOME", xdg_cases[i].config_home);
                set_or_unset("XDG_STATE_HOME", xdg_cases[i].state_home);
                set_or_unset("XDG_DATA_HOME", xdg_cases[i].data_home);
                g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
                g_test_trap_assert_passed();
        }
}

static void test_expand_home(void)
{
        if (g_test_subprocess()) {
                static const struct {
                        const char *in, *out;
                } cases[] = {
                        {"~", HOME},
                        {"~/", HOME "/"},
                        {"~/notes", HOME "/notes"},
                        {"~/a/b/", HOME "/a/b/"}, /* a trailing / stays, as typed */
                        {"~other/notes", "~other/notes"}, /* another user's home: not ours */
                        {"~~/x", "~~/x"},
                        {"/srv/notes", "/srv/notes"},
                        {"notes/~", "notes/~"},
                        {"", ""},
                };
                for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                        g_autofree char *got = paths_expand_home(cases[i].in);
                        if (strcmp(got, cases[i].out) != 0)
                                g_error("'%s' -> '%s', expected '%s'", cases[i].in, got,
                                        cases[i].out);
                }
                return;
        }
        g_setenv("HOME", HOME, TRUE);
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed();
}

static void test_example(void)
{
        g_assert_true(g_str_has_suffix(paths_example_config(), "/schedule.ini.example"));
        g_assert_true(g_path_is_absolute(paths_example_config()));
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/paths/xdg", test_xdg);
        g_test_add_func("/paths/expand-home", test_expand_home);
        g_test_add_func("/paths/example", test_example);
        return g_test_run();
}
